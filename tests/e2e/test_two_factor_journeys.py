"""Two-factor sign-in in a real browser: turning an app on from the profile, then signing in
with its codes and with recovery codes, on every engine.

The app's codes come from pyotp with the key the page shows (``AuthenticatorApp``);
the QR code is read back from the pixels Chromium painted.
"""

import base64
import time

import zxingcpp

from tests.browser import STRONG_PASSWORD
from tests.e2e.factors import AuthenticatorApp, turn_on_two_factor
from tests.two_factor_helpers import secret_of

#: A PNG's pixels as grey levels (its green channel): ``[width, height, [levels]]``.
GREY_LEVELS = """async (src) => {
  const image = new Image();
  await new Promise((done, fail) => {
    image.onload = done; image.onerror = fail; image.src = src; });
  const canvas = document.createElement("canvas");
  canvas.width = image.width; canvas.height = image.height;
  const context = canvas.getContext("2d"); context.drawImage(image, 0, 0);
  const rgba = context.getImageData(0, 0, canvas.width, canvas.height).data;
  const grey = new Array(canvas.width * canvas.height);
  for (let p = 0; p < grey.length; p++) grey[p] = rgba[4 * p + 1];
  return [canvas.width, canvas.height, grey];
}"""


def scanned(visitor) -> str:
    """What a phone's camera reads from the QR code on the page, as Chromium painted it."""
    png = visitor.page.locator(".qr").screenshot()
    scratch = visitor.open_another().page  # about:blank: no CSP, so a data: image can be drawn
    url = "data:image/png;base64," + base64.b64encode(png).decode()
    width, height, grey = scratch.evaluate(GREY_LEVELS, url)
    found = zxingcpp.read_barcodes(memoryview(bytes(grey)).cast("B", shape=(height, width)))
    assert len(found) == 1, "the QR code on the page cannot be read"
    return found[0].text


def mail_came(site, email: str, subject: str, *, seconds: float = 20) -> bool:
    """Wait for a message with ``subject`` to ``email`` (other notices may come too, in any
    order: the one of turning the app on was queued by the test's own app)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if subject in [message["Subject"] for message in site.mailbox.to(email)]:
            return True
        time.sleep(0.1)
    return False


def auth_cookies(visitor) -> list[str]:
    return [c["name"] for c in visitor.page.context.cookies() if "session" in c["name"]]


def test_turning_on_an_app_from_the_profile_then_signing_in_with_its_code(
    open_visitor, width, address, site
):
    email = address()
    site.make_user(email)
    ada = open_visitor(width, color_scheme="dark").sign_in(email)
    ada.follow("Two-factor sign-in")
    assert "Your password alone signs in." in ada.text()
    ada.follow("Turn on two-factor sign-in")
    key = ada.page.locator("code.key").inner_text()
    # The QR code (on white in the dark scheme too) holds the key the page spells out.
    assert secret_of(scanned(ada)) == key.replace(" ", "")
    app = AuthenticatorApp(key)
    ada.fill("Code from your app", app.code()).fill("Current password", STRONG_PASSWORD)
    ada.press("Turn on")
    assert ada.heading() == "Your recovery codes"
    codes = ada.page.locator("#recovery-codes code").all_inner_texts()
    assert len(set(codes)) == 10
    ada.follow("Done")
    assert "10 recovery codes left." in ada.text()

    ada.sign_out()
    ada.sign_in(email)
    assert ada.path == "/auth/two-factor"
    assert ada.heading() == "Enter your code"
    assert auth_cookies(ada) == []  # no session before the second step
    ada.enter_code(app.code())
    assert ada.path == "/profile"
    assert ada.flashes() == [f"Signed in as {email}."]


def test_a_recovery_code_signs_in_once_and_is_refused_the_second_time(open_visitor, address, site):
    email = address()
    site.make_user(email)
    _app, codes = turn_on_two_factor(site, email)
    ada = open_visitor("phone").sign_in(email)
    ada.enter_code(codes[3].upper())  # as someone types it off a printout
    assert ada.path == "/profile"
    assert mail_came(site, email, "A recovery code was used to sign in")
    ada.open("/profile/two-factor")
    assert "9 recovery codes left." in ada.text()

    ada.sign_out()
    ada.sign_in(email).enter_code(codes[3])
    assert ada.path == "/auth/two-factor"
    assert "That code is not right." in ada.text()
    ada.enter_code(codes[4])
    assert ada.path == "/profile"


def test_a_trusted_browser_skips_the_code_until_it_signs_out(open_visitor, address, site):
    email = address()
    site.make_user(email)
    app, codes = turn_on_two_factor(site, email)
    ada = open_visitor().sign_in(email).enter_code(app.code(), trust=True)
    assert ada.path == "/profile"
    phone = open_visitor("phone").sign_in(email)
    assert phone.path == "/auth/two-factor"  # another browser is not trusted
    phone.enter_code(codes[0]).open("/profile/sessions").press("Sign out Chrome on Linux")

    ada.open("/profile")
    assert ada.path == "/auth/login"
    ada.sign_in(email)
    assert ada.path == "/profile"  # trusted: no code asked
    # Signing out clears this site's cookies (Clear-Site-Data), the trust with them.
    ada.sign_out().sign_in(email)
    assert ada.path == "/auth/two-factor"
