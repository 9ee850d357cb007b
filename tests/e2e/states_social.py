"""The pages and states of social sign-in, with the GitHub stand-in as the provider (and
"Acme ID", which never answers): every sign-in and sign-up page shows both buttons
(``states.sign_in``, ``states.sign_up``); the sign-in methods page lists both."""

from tests.browser import STRONG_PASSWORD
from tests.e2e.factors import github_person
from tests.e2e.states import WRONG

GITHUB = "GitHub"


def _password_user(v, address, site) -> str:
    email = address()
    site.make_user(email)
    v.sign_in(email)
    return email


def _github_user(v, address, site) -> str:
    """Someone who signed up with GitHub (no password), signed in on ``v``."""
    email = address("mona")
    github_person(site, email)
    v.sign_in_with(GITHUB)
    assert v.path == "/profile", v.text()
    return email


def _connect_github(v, email: str, site) -> None:
    github_person(site, "gh." + email)  # a GitHub account of another address
    v.open("/profile/accounts").fill("Current password", STRONG_PASSWORD)
    v.press(f"Connect {GITHUB}")


def signed_up_with_github(v, address, site):
    _github_user(v, address, site)  # the profile, "Signed in as …"


def sign_in_methods(v, address, site):
    _password_user(v, address, site)
    v.open("/profile/accounts")  # a password; GitHub not connected, with its connect form


def sign_in_methods_connected(v, address, site):
    email = _password_user(v, address, site)
    _connect_github(v, email, site)  # "GitHub is now connected", with "Disconnect"


def sign_in_methods_connect_refused(v, address, site):
    _password_user(v, address, site)
    v.open("/profile/accounts").fill("Current password", WRONG).press(f"Connect {GITHUB}")


def sign_in_methods_without_password(v, address, site):
    _github_user(v, address, site)
    v.open("/profile/accounts")  # no password; GitHub connected; "Continue with GitHub"


def sign_in_methods_last_way_in(v, address, site):
    _github_user(v, address, site)
    v.open("/profile/accounts").press("Disconnect GitHub")  # 409: the only way in


def sign_in_methods_disconnected(v, address, site):
    email = _password_user(v, address, site)
    _connect_github(v, email, site)
    v.press("Disconnect GitHub")  # "GitHub was disconnected."


def two_factor_setup_without_password(v, address, site):
    _github_user(v, address, site)
    v.open("/profile/two-factor/totp")  # confirm with GitHub instead of a password


def delete_account_without_password(v, address, site):
    _github_user(v, address, site)
    v.open("/profile/delete")


def provider_denied(v, address, site):
    site.github.deny = True  # the person pressed "Cancel" at GitHub
    try:
        v.sign_in_with(GITHUB)
    finally:
        site.github.deny = False


def provider_down(v, address, site):
    v.sign_in_with("Acme ID")  # its discovery document does not answer: 502


def provider_answer_not_ours(v, address, site):
    v.open("/auth/oauth/github/callback?code=made-up&state=not-this-browsers")


def provider_email_not_vouched(v, address, site):
    email = address()
    site.make_user(email)
    github_person(site, email, verified=False)
    v.sign_in_with(GITHUB)  # 409: sign in the usual way, then connect


def provider_without_email(v, address, site):
    github_person(site, "")
    v.sign_in_with(GITHUB)


def connected_elsewhere(v, address, site):
    first = v.open_another()
    _github_user(first, address, site)  # that GitHub account is this person's…
    _password_user(v, address, site)
    v.open("/profile/accounts").fill("Current password", STRONG_PASSWORD)
    v.press(f"Connect {GITHUB}")  # …so another person cannot connect it: 409, signed in


STATES = [
    signed_up_with_github, sign_in_methods, sign_in_methods_connected,
    sign_in_methods_connect_refused, sign_in_methods_without_password,
    sign_in_methods_last_way_in, sign_in_methods_disconnected, two_factor_setup_without_password,
    delete_account_without_password, provider_denied, provider_down, provider_answer_not_ours,
    provider_email_not_vouched, provider_without_email, connected_elsewhere,
]  # fmt: skip

SCREENSHOTS = {
    "sign_in_methods_connected": "sign-in-methods",
    "provider_denied": "provider-denied",
}
