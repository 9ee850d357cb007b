"""The pages and states of passkeys: the list (empty, full, renaming), deleting one, the
sign-in page after a refused passkey, and the two-factor step that offers one."""

from tests.e2e.factors import turn_on_two_factor
from tests.e2e.virtual_authenticator import VirtualAuthenticator


def _signed_in(v, address, site) -> str:
    email = address()
    site.make_user(email)
    v.sign_in(email)
    return email


def _with_passkey(v, address, site, name="Work laptop") -> tuple[str, VirtualAuthenticator]:
    """An account signed in on ``v`` with a passkey on its virtual authenticator."""
    authenticator = VirtualAuthenticator(v.page)
    email = _signed_in(v, address, site)
    v.open("/profile/passkeys")
    v.fill("Name (optional)", name)
    with v.page.expect_navigation():
        v.page.get_by_role("button", name="Add a passkey", exact=True).click()
    return email, authenticator


def passkeys_none(v, address, site):
    _signed_in(v, address, site)
    v.open("/profile/passkeys")


def passkeys_listed(v, address, site):
    _with_passkey(v, address, site)  # the list, with its "added" flash


def passkey_rename_refused(v, address, site):
    _with_passkey(v, address, site)
    v.page.locator("details.passkey-actions summary").first.click()
    v.page.get_by_label("New name").first.fill(" ")
    v.press("Save name")


def passkey_delete_confirm(v, address, site):
    _with_passkey(v, address, site, name="Old phone")
    v.follow("Delete Old phone…")


def passkey_add_refused(v, address, site):
    authenticator = VirtualAuthenticator(v.page)
    _signed_in(v, address, site)
    authenticator.refuse_verification()
    v.open("/profile/passkeys")
    v.page.get_by_role("button", name="Add a passkey", exact=True).click()
    v.page.locator("[data-passkey-problem]:not(:empty)").wait_for()


def sign_in_passkey_refused(v, address, site):
    _email, authenticator = _with_passkey(v, address, site)
    v.sign_out()
    authenticator.refuse_verification()
    v.open("/auth/login")
    v.page.get_by_role("button", name="Sign in with a passkey").click()
    v.page.locator("[data-passkey-problem]:not(:empty)").wait_for()


def two_factor_step_with_passkey(v, address, site):
    email, _ = _with_passkey(v, address, site)
    turn_on_two_factor(site, email)
    v.sign_out()
    v.sign_in(email)
    assert v.path == "/auth/two-factor", v.path


STATES = [
    passkeys_none,
    passkeys_listed,
    passkey_rename_refused,
    passkey_delete_confirm,
    passkey_add_refused,
    sign_in_passkey_refused,
    two_factor_step_with_passkey,
]

SCREENSHOTS = {
    "passkeys_listed": "passkeys",
    "two_factor_step_with_passkey": "two-factor-passkey",
}
