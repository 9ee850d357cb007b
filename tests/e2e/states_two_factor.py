"""The pages and states of two-factor sign-in: setting an app up, its recovery codes, the
overview with its two confirm forms, and the code step of a sign-in."""

from tests.browser import STRONG_PASSWORD
from tests.e2e.factors import AuthenticatorApp, turn_on_two_factor, use_recovery_codes
from tests.e2e.states import WRONG

#: A six-digit code no app shows at this moment (one in a million is right: then, re-run).
NOT_THE_CODE = "000000"


def _password_user(v, address, site, **user) -> str:
    email = address()
    site.make_user(email, **user)
    v.sign_in(email)
    return email


def _with_app(v, address, site) -> tuple[str, AuthenticatorApp, list[str]]:
    """An account with an app on, signed in on ``v``."""
    email = _password_user(v, address, site)
    app, codes = turn_on_two_factor(site, email)
    return email, app, codes


def _at_the_code_step(v, address, site) -> AuthenticatorApp:
    email = address()
    site.make_user(email)
    app, _codes = turn_on_two_factor(site, email)
    v.sign_in(email)
    assert v.path == "/auth/two-factor", v.path
    return app


def two_factor_off(v, address, site):
    _password_user(v, address, site)
    v.open("/profile/two-factor")


def two_factor_setup(v, address, site):
    _password_user(v, address, site)
    v.open("/profile/two-factor").follow("Turn on two-factor sign-in")  # QR code, key, code field


def two_factor_setup_refused(v, address, site):
    _password_user(v, address, site)
    v.open("/profile/two-factor/totp").fill("Code from your app", NOT_THE_CODE)
    v.fill("Current password", STRONG_PASSWORD).press("Turn on")


def recovery_codes_shown(v, address, site):
    _password_user(v, address, site)
    v.open("/profile/two-factor/totp")
    app = AuthenticatorApp(v.page.locator("code.key").inner_text())
    v.fill("Code from your app", app.code()).fill("Current password", STRONG_PASSWORD)
    v.press("Turn on")  # the ten codes, once, with "Download" and "Copy"


def two_factor_on(v, address, site):
    _with_app(v, address, site)
    v.open("/profile/two-factor")  # recovery codes left; new codes and "Turn off" forms


def two_factor_few_codes_left(v, address, site):
    email, _app, codes = _with_app(v, address, site)
    use_recovery_codes(site, email, codes[:8])
    v.open("/profile/two-factor")  # "2 recovery codes left. Make new ones soon"


def recovery_codes_refused(v, address, site):
    _with_app(v, address, site)
    v.open("/profile/two-factor").fill("Current password", WRONG)
    v.press("Make new recovery codes")


def two_factor_off_refused(v, address, site):
    _with_app(v, address, site)
    v.open("/profile/two-factor")
    v.page.locator("#off-password").fill(WRONG)
    v.press("Turn off")


def two_factor_turned_off(v, address, site):
    _with_app(v, address, site)
    v.open("/profile/two-factor")
    v.page.locator("#off-password").fill(STRONG_PASSWORD)
    v.press("Turn off")  # "Two-factor sign-in is off", back to the "off" overview


def two_factor_step(v, address, site):
    _at_the_code_step(v, address, site)


def two_factor_step_refused(v, address, site):
    _at_the_code_step(v, address, site)
    v.enter_code(NOT_THE_CODE)


def two_factor_step_used_recovery_code(v, address, site):
    email = address()
    site.make_user(email)
    _app, codes = turn_on_two_factor(site, email)
    use_recovery_codes(site, email, codes[:1])
    v.sign_in(email).enter_code(codes[0])  # a recovery code already used: refused


def two_factor_step_start_over(v, address, site):
    _at_the_code_step(v, address, site)
    for _ in range(5):
        v.enter_code(NOT_THE_CODE)  # the fifth: back to sign in, "Please sign in again"


STATES = [
    two_factor_off, two_factor_setup, two_factor_setup_refused, recovery_codes_shown,
    two_factor_on, two_factor_few_codes_left, recovery_codes_refused, two_factor_off_refused,
    two_factor_turned_off, two_factor_step, two_factor_step_refused,
    two_factor_step_used_recovery_code, two_factor_step_start_over,
]  # fmt: skip

SCREENSHOTS = {
    "two_factor_setup": "two-factor-setup",
    "recovery_codes_shown": "recovery-codes",
    "two_factor_on": "two-factor-on",
    "two_factor_step": "two-factor-step",
}
