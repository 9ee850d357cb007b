"""Passkeys in Chromium with a virtual authenticator: add one, sign in with it, lose it.

The site is ``http://localhost:PORT`` (an IP address is no valid RP ID); the
authenticator is CDP's virtual one (``virtual_authenticator.py``).
"""

from flowpulse.core.models import Passkey, User
from flowpulse.services import passkeys as keys
from tests.e2e.factors import turn_on_two_factor
from tests.e2e.virtual_authenticator import VirtualAuthenticator


def signed_in_with_authenticator(open_visitor, site, address, width="desktop", autofill=False):
    """A new person, signed in with a password, on a browser with a virtual authenticator."""
    email = address("ada")
    site.make_user(email)
    ada = open_visitor(width)
    authenticator = VirtualAuthenticator(ada.page, autofill=autofill)
    ada.sign_in(email)
    return ada, authenticator, email


def add_passkey(ada, name: str) -> None:
    ada.open("/profile/passkeys")
    ada.fill("Name (optional)", name)
    with ada.page.expect_navigation():
        ada.page.get_by_role("button", name="Add a passkey", exact=True).click()


def sign_in_with_passkey(ada) -> None:
    ada.open("/auth/login")
    with ada.page.expect_navigation():
        ada.page.get_by_role("button", name="Sign in with a passkey").click()


def stored_counter(site, email) -> int:
    with site.app.app_context():
        user = User.by_email(email)
        return keys.passkeys_of(user)[0].counter


def test_add_a_passkey_then_sign_in_with_it_without_typing_an_email(
    open_visitor, site, address, width
):
    ada, authenticator, email = signed_in_with_authenticator(open_visitor, site, address, width)
    add_passkey(ada, "This laptop")
    assert ada.path == "/profile/passkeys"
    assert "This laptop" in ada.text() and "never used yet" in ada.text()
    (credential,) = authenticator.credentials()
    assert credential["isResidentCredential"]  # discoverable: no email needed
    ada.sign_out()

    sign_in_with_passkey(ada)
    assert ada.path == "/profile"
    assert ada.flashes() == [f"Signed in as {email}."]
    assert authenticator.credentials()[0]["signCount"] > credential["signCount"]
    assert stored_counter(site, email) == authenticator.credentials()[0]["signCount"]
    assert ada.console_errors == []


def test_the_email_field_offers_the_passkey_in_autofill(open_visitor, site, address):
    ada, _, email = signed_in_with_authenticator(open_visitor, site, address, autofill=True)
    add_passkey(ada, "Laptop")
    ada.sign_out()
    # Nothing is pressed: the script's conditional request is answered by the virtual
    # authenticator as a person picking the passkey from the field's autofill list would.
    ada.open("/auth/login")
    ada.wait_for_path("/profile")
    assert ada.flashes() == [f"Signed in as {email}."]


def test_a_fingerprint_that_is_not_recognised_gets_a_clear_message_and_no_session(
    open_visitor, site, address
):
    ada, authenticator, _ = signed_in_with_authenticator(open_visitor, site, address)
    add_passkey(ada, "Laptop")
    ada.sign_out()
    authenticator.refuse_verification()
    ada.open("/auth/login")
    ada.page.get_by_role("button", name="Sign in with a passkey").click()
    problem = ada.page.locator("[data-passkey-problem]")
    problem.wait_for(state="visible")
    assert problem.inner_text().strip() != ""
    assert ada.path == "/auth/login"
    ada.open("/profile")
    assert ada.path == "/auth/login"


def test_a_deleted_passkey_no_longer_signs_in(open_visitor, site, address):
    ada, authenticator, _ = signed_in_with_authenticator(open_visitor, site, address)
    add_passkey(ada, "Old phone")
    ada.open("/profile/passkeys")
    ada.follow("Delete Old phone…")
    ada.press("Delete this passkey")  # signed in just now: no password asked
    assert "no longer signs in" in " ".join(ada.flashes())
    ada.sign_out()
    assert len(authenticator.credentials()) == 1  # the device still holds it
    ada.open("/auth/login")
    ada.page.get_by_role("button", name="Sign in with a passkey").click()
    problem = ada.page.locator("[data-passkey-problem]")
    problem.wait_for(state="visible")
    assert "not accepted" in problem.inner_text()
    assert ada.path == "/auth/login"


def test_a_passkey_is_the_second_step_after_a_password(open_visitor, site, address):
    ada, _, email = signed_in_with_authenticator(open_visitor, site, address)
    add_passkey(ada, "Laptop")
    turn_on_two_factor(site, email)
    ada.sign_out()
    ada.sign_in(email)
    assert ada.path == "/auth/two-factor"
    with ada.page.expect_navigation():
        ada.page.get_by_role("button", name="Use a passkey instead").click()
    assert ada.path == "/profile"
    with site.app.app_context():
        (row,) = Passkey.select().where(Passkey.user == User.by_email(email).id)
        assert row.last_used_at is not None


def test_without_javascript_no_passkey_button_shows_and_password_sign_in_works(
    open_visitor, site, address
):
    email = address("lin")
    site.make_user(email)
    lin = open_visitor(javascript=False).open("/auth/login")
    assert not lin.page.get_by_role("button", name="Sign in with a passkey").is_visible()
    lin.sign_in(email)
    assert lin.path == "/profile"
