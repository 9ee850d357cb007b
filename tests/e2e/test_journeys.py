"""Whole journeys in a real browser, at desktop and phone width, on every engine.

Each starts from what a person sees (a page, a button, a link in a mail) and
ends on what they would check: where they landed, what it says, whether
they are signed in.
"""

from tests.browser import OTHER_STRONG_PASSWORD, STRONG_PASSWORD

NEW_PASSWORD = "seven lilac kites above the harbour 3"


def test_sign_up_then_confirm_from_the_mail_lands_signed_in_on_the_profile(
    open_visitor, width, address
):
    email = address("grace")
    grace = open_visitor(width).open("/")
    grace.follow("Create an account")
    grace.fill("Name", "Grace Hopper").fill("Email address", email)
    grace.fill("Password", STRONG_PASSWORD).press("Create account")
    assert grace.heading() == "Check your inbox"
    assert email in grace.text()

    grace.open_link(grace.link_in_mail(email))
    assert grace.heading() == "Confirm your email address"
    grace.press(f"Confirm {email}")

    assert grace.path == "/profile"
    assert grace.flashes() == ["Your email address is verified. Welcome!"]
    assert grace.heading() == "Grace Hopper"
    assert "verified" in grace.page.locator(".profile-email").inner_text()
    assert grace.console_errors == []


def test_the_whole_sign_up_works_without_javascript(open_visitor, width, address):
    email = address("lin")
    lin = open_visitor(width, javascript=False).open("/auth/signup")
    assert lin.page.locator(".show-password").count() == 0  # the script never ran
    lin.fill("Name", "Lin Lanying").fill("Email address", email)
    lin.fill("Password", STRONG_PASSWORD).press("Create account")
    assert lin.heading() == "Check your inbox"
    lin.open_link(lin.link_in_mail(email)).press(f"Confirm {email}")
    assert lin.path == "/profile"
    assert lin.heading() == "Lin Lanying"
    # The account menu opens without a script, and signing out says so.
    lin.sign_out()
    assert lin.heading() == "You are signed out"


def test_changing_the_email_address_through_the_link_sent_to_it(open_visitor, width, address, site):
    old, new = address("ada"), address("ada.new")
    site.make_user(old)
    ada = open_visitor(width).sign_in(old)
    ada.open_menu().follow("Email")
    assert ada.heading() == "Change your email address"
    ada.fill("New email address", new).fill("Current password", STRONG_PASSWORD)
    ada.press("Send the confirmation link")
    assert ada.flashes() == [f"We sent a link to {new}. Your email changes once you open it."]

    ada.open_link(ada.link_in_mail(new))
    assert ada.heading() == "Change your email address"
    ada.press("Change my email")
    assert ada.path == "/profile"
    assert ada.flashes() == [f"Your email address is now {new}."]
    assert new in ada.page.locator(".profile-email").inner_text()


def test_changing_the_password_then_signing_in_with_the_new_one(open_visitor, width, address, site):
    email = address()
    site.make_user(email)
    ada = open_visitor(width).sign_in(email)
    ada.open_menu().follow("Password")
    ada.fill("Current password", STRONG_PASSWORD).fill("New password", NEW_PASSWORD)
    ada.press("Change password")
    assert ada.path == "/profile"
    assert ada.flashes() == ["Your password was changed and your other devices were signed out."]

    ada.sign_out()
    assert ada.path == "/auth/logout"
    assert ada.heading() == "You are signed out"
    ada.sign_in(email, STRONG_PASSWORD)
    assert ada.path == "/auth/login"
    assert "Wrong email or password." in ada.text()
    ada.sign_in(email, NEW_PASSWORD)
    assert ada.path == "/profile"


def test_signing_out_another_device_signs_it_out_at_its_next_click(
    open_visitor, width, address, site
):
    email = address()
    site.make_user(email)
    other_width = "phone" if width == "desktop" else "desktop"
    here = open_visitor(width).sign_in(email)
    there = open_visitor(other_width).sign_in(email)
    there_name = "Chrome on Android" if other_width == "phone" else "Chrome on Linux"

    here.open_menu().follow("Devices")
    rows = here.page.locator("table.sessions tbody tr")
    assert rows.count() == 2
    assert "This device" in rows.first.inner_text()
    here.press(f"Sign out {there_name}")
    assert here.flashes() == ["That device is signed out."]
    assert here.page.locator("table.sessions tbody tr").count() == 1
    assert "No other device is signed in" in here.text()

    there.open_menu().follow("Profile")
    assert there.path == "/auth/login"
    assert there.flashes() == ["Please sign in to continue."]


def test_forgot_password_reset_and_sign_in(open_visitor, width, address, site):
    email = address()
    site.make_user(email)
    ada = open_visitor(width).open("/auth/login")
    ada.follow("Forgot your password?")
    ada.fill("Email address", email).press("Send the link")
    assert ada.path == "/auth/login"
    assert ada.flashes()[0].startswith("If an account uses that address, we sent it a link")

    ada.open_link(ada.link_in_mail(email))
    assert ada.heading() == "Choose a new password"
    ada.fill("New password", OTHER_STRONG_PASSWORD).press("Save the new password")
    assert ada.path == "/auth/login"
    assert ada.flashes() == ["Your password was changed and every device signed out. Sign in now."]
    ada.sign_in(email, OTHER_STRONG_PASSWORD)
    assert ada.path == "/profile"


def test_deleting_the_account_signs_out_and_the_password_no_longer_works(
    open_visitor, width, address, site
):
    email = address()
    site.make_user(email)
    ada = open_visitor(width).sign_in(email)
    ada.follow("Delete your account…")
    assert ada.heading() == "Delete your account"
    ada.fill("Current password", STRONG_PASSWORD).press("Delete my account for good")
    assert ada.heading() == "Your account is deleted"
    assert ada.page.locator("details.account-menu").count() == 0
    ada.sign_in(email)
    assert "Wrong email or password." in ada.text()
