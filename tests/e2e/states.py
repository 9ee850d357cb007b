"""Every distinct page and state a person can reach, each a function that gets a browser there.

The accessibility test runs axe on each, at both widths, light and dark; the
ones named in ``SCREENSHOTS`` are what ``make screenshots`` saves.
"""

from tests.browser import STRONG_PASSWORD

WRONG = "not the right password at all"


def _signed_in(visitor, address, site, **user):
    email = address()
    site.make_user(email, **user)
    return visitor.sign_in(email)


def _signed_up(visitor, address):
    email = address("grace")
    visitor.open("/auth/signup")
    visitor.fill("Name", "Grace Hopper").fill("Email address", email)
    visitor.fill("Password", STRONG_PASSWORD).press("Create account")
    return email


def home(v, address, site):
    v.open("/")


def home_signed_in(v, address, site):
    _signed_in(v, address, site)
    v.open("/")


def sign_in(v, address, site):
    v.open("/auth/login")


def sign_in_refused(v, address, site):
    email = address()
    site.make_user(email)
    v.sign_in(email, WRONG)


def sign_in_please(v, address, site):
    v.open("/profile/sessions")  # signed out: "Please sign in to continue."


def sign_in_rate_limited(v, address, site):
    email = address()
    for _ in range(6):
        v.sign_in(email, WRONG)


def sign_up(v, address, site):
    v.open("/auth/signup")


def sign_up_refused(v, address, site):
    v.open("/auth/signup")
    v.fill("Name", "Grace Hopper").fill("Email address", "grace@").fill("Password", "short")
    v.press("Create account")


def check_inbox(v, address, site):
    _signed_up(v, address)


def check_inbox_resent(v, address, site):
    _signed_up(v, address)
    v.press("Resend the link")


def forgot_password(v, address, site):
    v.open("/auth/forgot-password")


def forgot_password_refused(v, address, site):
    v.open("/auth/forgot-password").fill("Email address", "not an address").press("Send the link")


def reset_password(v, address, site):
    email = address()
    site.make_user(email)
    v.open("/auth/forgot-password").fill("Email address", email).press("Send the link")
    v.open_link(v.link_in_mail(email))


def reset_link_invalid(v, address, site):
    v.open("/auth/reset-password/not-a-real-token.at-all")


def confirm_email(v, address, site):
    email = _signed_up(v, address)
    v.open_link(v.link_in_mail(email))


def verify_link_invalid(v, address, site):
    v.open("/verify/email/not-a-real-token.at-all")


def profile(v, address, site):
    _signed_in(v, address, site)  # with its "Signed in as" flash


def sign_in_unverified(v, address, site):
    email = address("ivy")
    site.make_user(email, verified=False)
    v.sign_in(email)  # 403: "Please verify your email first", with a fresh link


def profile_refused(v, address, site):
    _signed_in(v, address, site)
    v.fill("Picture URL", "javascript:alert(1)").fill("Name", " ").press("Save profile")


def profile_broken_picture(v, address, site):
    email = address()
    site.make_user(email)
    v.sign_in(email)
    v.fill("Picture URL", site.url + "/static/no-such-picture.png").press("Save profile")


def change_email(v, address, site):
    _signed_in(v, address, site)
    v.open("/profile/email")


def change_email_refused(v, address, site):
    _signed_in(v, address, site)
    v.open("/profile/email").fill("New email address", "nope").fill("Current password", WRONG)
    v.press("Send the confirmation link")


def change_password(v, address, site):
    _signed_in(v, address, site)
    v.open("/profile/password")


def change_password_refused(v, address, site):
    _signed_in(v, address, site)
    v.open("/profile/password").fill("Current password", WRONG).fill("New password", "short")
    v.press("Change password")


def devices_only_this_one(v, address, site):
    _signed_in(v, address, site)
    v.open("/profile/sessions")


def devices_several(v, address, site):
    email = address()
    site.make_user(email)
    for width in ("phone", "desktop"):
        v.open_another(width).sign_in(email)
    v.sign_in(email)
    v.open("/profile/sessions")


def delete_account(v, address, site):
    _signed_in(v, address, site)
    v.open("/profile/delete")


def delete_account_refused(v, address, site):
    _signed_in(v, address, site)
    v.open("/profile/delete").fill("Current password", WRONG).press("Delete my account for good")


def account_deleted(v, address, site):
    _signed_in(v, address, site)
    v.open("/profile/delete").fill("Current password", STRONG_PASSWORD)
    v.press("Delete my account for good")


def sign_out_asked(v, address, site):
    _signed_in(v, address, site)
    v.open("/auth/logout")


def signed_out(v, address, site):
    _signed_in(v, address, site)
    v.sign_out()


def form_expired(v, address, site):
    _signed_in(v, address, site)
    v.open("/profile/email").fill("New email address", "ada.elsewhere@example.org")
    v.page.locator("main input[name=csrf_token]").evaluate("input => input.value = 'stale'")
    v.fill("Current password", STRONG_PASSWORD).press("Send the confirmation link")


def account_menu_open(v, address, site):
    _signed_in(v, address, site, name="Augusta Ada King, Countess of Lovelace and of Ockham")
    v.open("/profile").open_menu()


def not_found(v, address, site):
    v.open("/no-such-page")


STATES = [
    home, home_signed_in, sign_in, sign_in_refused, sign_in_please, sign_in_rate_limited,
    sign_up, sign_up_refused, check_inbox, check_inbox_resent, forgot_password,
    forgot_password_refused, reset_password, reset_link_invalid, confirm_email,
    verify_link_invalid, profile, sign_in_unverified, profile_refused, profile_broken_picture,
    change_email, change_email_refused, change_password, change_password_refused,
    devices_only_this_one, devices_several, delete_account, delete_account_refused,
    account_deleted, sign_out_asked, signed_out, form_expired, account_menu_open, not_found,
]  # fmt: skip

#: What ``make screenshots`` saves: state -> file name stem.
SCREENSHOTS = {
    "home": "home",
    "sign_in": "sign-in",
    "sign_in_refused": "sign-in-error",
    "sign_up": "sign-up",
    "check_inbox": "check-inbox",
    "confirm_email": "confirm-email",
    "profile": "profile",
    "devices_several": "devices",
    "account_menu_open": "account-menu",
    "sign_in_rate_limited": "sign-in-rate-limited",
}
