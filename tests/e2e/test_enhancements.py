"""What a browser shows beyond the HTML: focus, the show-password toggle, the avatar fallback,
the compact account menu, and a devices table that fits. Each with JavaScript on and, where
the page must work the same without it, off."""

import base64

import pytest

from tests.browser import STRONG_PASSWORD

LONG_NAME = "Augusta Ada King, Countess of Lovelace and of Ockham, Analyst and Metaphysician"


#: Fraction of pixels that differ clearly (by more than 48 in a channel) between two PNGs.
PIXELS_APART = """async ([a, b]) => {
  const load = src => new Promise((done, fail) => {
    const i = new Image(); i.onload = () => done(i); i.onerror = fail; i.src = src; });
  const [one, two] = await Promise.all([load(a), load(b)]);
  const read = image => { const c = document.createElement("canvas");
    c.width = one.width; c.height = one.height; const g = c.getContext("2d");
    g.drawImage(image, 0, 0); return g.getImageData(0, 0, c.width, c.height).data; };
  const [p, q] = [read(one), read(two)];
  let apart = 0;
  for (let i = 0; i < p.length; i += 4) {
    if ([0, 1, 2].some(k => Math.abs(p[i + k] - q[i + k]) > 48)) apart++;
  }
  return apart / (p.length / 4);
}"""


def pixels_apart(page, first: bytes, second: bytes) -> float:
    urls = [f"data:image/png;base64,{base64.b64encode(png).decode()}" for png in (first, second)]
    return page.evaluate(PIXELS_APART, urls)


def focused(visitor) -> str:
    """The focused element, as ``tag#id.class``."""
    return visitor.page.evaluate(
        "() => { const e = document.activeElement;"
        " return e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') }"
    )


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_refused_form_focuses_its_error_summary_and_says_error_in_the_title(
    open_visitor, address, site, javascript
):
    email = address()
    site.make_user(email)
    ada = open_visitor(javascript=javascript).sign_in(email, "not the right password at all")
    assert ada.page.title() == "Error: Sign in · FlowPulse"
    assert focused(ada) == "div#error-summary"
    assert ada.page.locator("#error-summary").get_attribute("role") == "alert"
    for label in ("Email address", "Password"):
        field = ada.page.get_by_label(label, exact=True).first
        assert field.get_attribute("aria-invalid") == "true"
        assert "error-summary" in field.get_attribute("aria-describedby")


def test_the_script_focuses_the_first_field_and_without_it_nothing_moves(open_visitor):
    assert focused(open_visitor().open("/auth/login")) == "input#email"
    assert focused(open_visitor(javascript=False).open("/auth/login")) == "body"
    # Pages that are not a single form keep the focus where the browser puts it.
    assert focused(open_visitor().open("/")) == "body"


def test_show_password_reveals_and_hides_and_never_submits_as_text(open_visitor):
    page = open_visitor().open("/auth/login").page
    password = page.locator("#password")
    password.fill(STRONG_PASSWORD)
    toggle = page.get_by_role("button", name="Show password")
    assert toggle.get_attribute("aria-pressed") == "false"
    toggle.click()
    assert password.get_attribute("type") == "text"
    assert toggle.inner_text() == "Hide" and toggle.get_attribute("aria-pressed") == "true"
    toggle.click()
    assert password.get_attribute("type") == "password"
    toggle.click()
    page.locator("#email").fill("nobody@example.org")
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in", exact=True).click()
    # The form came back (wrong credentials) with its password input a password again.
    assert page.locator("#password").get_attribute("type") == "password"


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_picture_that_does_not_load_leaves_the_initials_showing(
    open_visitor, address, site, javascript
):
    email = address()
    site.make_user(email)
    ada = open_visitor(javascript=javascript).sign_in(email)
    initials = ada.page.locator(".profile-summary .avatar").screenshot()
    ada.fill("Picture URL", site.url + "/static/no-such-picture.png").press("Save profile")
    assert ada.page.locator(".profile-summary .avatar-photo").count() == 1
    broken = ada.page.locator(".profile-summary .avatar").screenshot()
    # A broken-image icon would be a few percent of the circle; edges may differ by a hair.
    scratch = ada.open_another().page  # about:blank: no CSP, so data: images can be drawn
    assert pixels_apart(scratch, initials, broken) < 0.005


def test_the_phone_menu_is_one_compact_button_that_opens_without_a_script(
    open_visitor, address, site
):
    email = address()
    site.make_user(email, name=LONG_NAME)
    ada = open_visitor("phone", javascript=False).sign_in(email)
    header = ada.page.locator(".site-header")
    assert header.bounding_box()["height"] < 70  # one row, not a wrapping list of links
    name = ada.page.locator(".account-menu-name")
    assert name.evaluate("e => getComputedStyle(e).textOverflow") == "ellipsis"
    assert name.evaluate("e => e.scrollWidth > e.clientWidth")  # cut, with an ellipsis
    assert ada.page.evaluate("document.documentElement.scrollWidth <= innerWidth")
    links = ada.page.locator(".account-menu-panel a")
    assert not links.first.is_visible()
    ada.open_menu()
    assert links.all_inner_texts() == ["Profile", "Email", "Password", "Devices", "Sign-in methods"]
    ada.follow("Devices")
    assert ada.path == "/profile/sessions"


def test_the_account_menu_closes_on_escape_with_the_script(open_visitor, address, site):
    email = address()
    site.make_user(email)
    ada = open_visitor().sign_in(email).open_menu()
    menu = ada.page.locator("details.account-menu")
    assert menu.get_attribute("open") is not None
    ada.page.keyboard.press("Escape")
    assert menu.get_attribute("open") is None
    assert focused(ada) == "summary"


def test_the_devices_table_fits_at_desktop_width_with_one_line_buttons(open_visitor, address, site):
    email = address()
    site.make_user(email)
    open_visitor("phone").sign_in(email)
    ada = open_visitor("desktop").sign_in(email).open("/profile/sessions")
    table = ada.page.locator("table.sessions")
    assert table.evaluate("t => t.scrollWidth <= t.parentElement.clientWidth")
    for button in ada.page.locator("table.sessions button").all():
        assert button.evaluate("b => b.getClientRects().length === 1")
        line = button.evaluate("b => parseFloat(getComputedStyle(b).lineHeight)")
        assert button.evaluate("b => b.clientHeight") < 2 * line + 16  # one line of text
    for cell in ada.page.locator("table.sessions tbody td, table.sessions tbody th").all():
        assert cell.evaluate("c => c.scrollWidth <= c.clientWidth")  # nothing cut or spilled
    times = ada.page.locator("table.sessions time")
    assert times.count() == 4
    for moment in times.all():
        assert moment.get_attribute("datetime").endswith("Z")
        assert moment.get_attribute("title").endswith(" UTC")
    assert "Active now" in table.inner_text()
