"""Social sign-in in a real browser, with the GitHub stand-in as the provider: the button on
the sign-in page through GitHub's redirects and back, connecting and disconnecting GitHub
from the sign-in methods page, and a second factor after a provider sign-in.
"""

from tests.browser import STRONG_PASSWORD
from tests.e2e.factors import github_person, turn_on_two_factor


def test_signing_up_with_github_lands_on_the_profile_and_signs_in_again_later(
    open_visitor, width, address, site
):
    email = address("mona")
    github_person(site, email, name="Mona Lisa Octocat")
    mona = open_visitor(width).sign_in_with("GitHub")
    assert mona.path == "/profile"
    assert mona.flashes() == [f"Signed in as {email}."]
    assert mona.heading() == "Mona Lisa Octocat"
    assert "verified" in mona.page.locator(".profile-email").inner_text()
    mona.open_menu().follow("Sign-in methods")
    assert "No password is set" in mona.text()
    assert "GitHub: connected as" in mona.text()
    assert mona.console_errors == []

    mona.sign_out()
    mona.sign_in_with("GitHub", page="/auth/signup")
    assert mona.path == "/profile"
    assert mona.heading() == "Mona Lisa Octocat"  # the same account, not a second one


def test_connecting_github_then_signing_in_with_it_then_disconnecting_it(
    open_visitor, width, address, site
):
    email = address()
    site.make_user(email)  # Ada Lovelace, with a password
    github_person(site, address("ada.github"), name="Ada at GitHub")
    ada = open_visitor(width).sign_in(email)
    ada.open_menu().follow("Sign-in methods")
    assert "GitHub: not connected" in ada.text()
    ada.fill("Current password", STRONG_PASSWORD).press("Connect GitHub")
    assert ada.path == "/profile/accounts"
    assert ada.flashes() == ["GitHub is now connected: you can sign in with it."]
    subjects = [m["Subject"] for m in site.mailbox.wait_for(email, 1)]
    assert subjects == ["A sign-in method was connected to your account"]

    ada.sign_out().sign_in_with("GitHub")
    assert ada.path == "/profile"
    assert ada.heading() == "Ada Lovelace"  # GitHub signs in to the account it was connected to

    ada.open("/profile/accounts").press("Disconnect GitHub")
    assert ada.flashes() == ["GitHub was disconnected."]
    assert "GitHub: not connected" in ada.text()
    ada.sign_out().sign_in_with("GitHub")
    assert ada.heading() == "Ada at GitHub"  # no longer Ada's: a new account of its own


def test_an_account_with_two_factor_asks_for_the_code_after_github_too(open_visitor, address, site):
    email = address("mona")
    github_person(site, email)
    mona = open_visitor().sign_in_with("GitHub").sign_out()
    app, _codes = turn_on_two_factor(site, email)
    mona.sign_in_with("GitHub")
    assert mona.path == "/auth/two-factor"
    mona.enter_code(app.code())
    assert mona.path == "/profile"
    assert mona.flashes() == [f"Signed in as {email}."]
