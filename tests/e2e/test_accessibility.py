"""axe-core finds nothing on any page or state: both widths, light and dark, any impact.

Each state is reached once per width the way a person reaches it; then axe
runs with the page in light and in dark (``prefers-color-scheme``). The
same pass saves the README's screenshots when FLOWPULSE_SCREENSHOTS names a
folder (``make screenshots``).
"""

from pathlib import Path

import pytest

from tests.e2e import states, states_passkeys, states_social, states_two_factor, support

STATES = states.STATES + states_two_factor.STATES + states_social.STATES + states_passkeys.STATES
SCREENSHOTS = (
    states.SCREENSHOTS
    | states_two_factor.SCREENSHOTS
    | states_social.SCREENSHOTS
    | states_passkeys.SCREENSHOTS
)

#: axe's result, cut to what a failure message needs.
RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 4).map(n => n.target.join(" ") + " :: " + n.failureSummary),
  }));
}"""


#: Ids that more than one element has: a label or aria-describedby then names the wrong one
#: (axe leaves this out since WCAG 2.2 dropped 4.1.1, but a label still finds the first).
DUPLICATE_IDS = """() => {
  const ids = [...document.querySelectorAll("[id]")].map(e => e.id);
  return [...new Set(ids.filter((id, n) => ids.indexOf(id) !== n))];
}"""


def violations_in(visitor) -> list[dict]:
    return visitor.page.evaluate(RUN_AXE)


def save_screenshot(visitor, state: str, width: str, scheme: str) -> None:
    if not support.SCREENSHOTS or state not in SCREENSHOTS:
        return
    if width == "phone" and scheme == "dark":
        return  # desktop, phone and dark (at desktop width): three per page
    suffix = {"desktop": "desktop", "phone": "phone"}[width] if scheme == "light" else "dark"
    folder = Path(support.SCREENSHOTS)
    folder.mkdir(parents=True, exist_ok=True)
    visitor.page.screenshot(path=str(folder / f"{SCREENSHOTS[state]}-{suffix}.png"), full_page=True)


@pytest.mark.parametrize("state", STATES, ids=[state.__name__ for state in STATES])
def test_axe_finds_nothing(open_visitor, address, site, state):
    if site.database_url.startswith("postgresql"):
        pytest.skip("pages look the same on both engines: checked on SQLite")
    found = {}
    for width in ("desktop", "phone"):
        visitor = open_visitor(width, axe=True)
        state(visitor, address, site)
        visitor.page.wait_for_load_state("load")
        # Nothing is wider than the window: no sideways scrolling at 390 px either.
        overflow = visitor.page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        if overflow > 0:
            found[f"{width} {visitor.path}"] = f"the page is {overflow} px wider than the window"
        if duplicates := visitor.page.evaluate(DUPLICATE_IDS):
            found[f"{width} {visitor.path} ids"] = f"several elements have the id {duplicates}"
        for scheme in ("light", "dark"):
            visitor.page.emulate_media(color_scheme=scheme)
            if violations := violations_in(visitor):
                found[f"{width}/{scheme} {visitor.path}"] = violations
            save_screenshot(visitor, state.__name__, width, scheme)
        assert visitor.console_errors == [], visitor.console_errors  # CSP refusals included
    assert not found, found


def test_axe_really_reports_what_it_finds(open_visitor):
    """The check above can fail: an image without alt text and unlabelled input are found."""
    visitor = open_visitor(axe=True)
    visitor.page.set_content('<main><img src="x.png"><input type="text"></main>')
    assert {"image-alt", "label"} <= {v["id"] for v in violations_in(visitor)}
    visitor.page.set_content('<main><p id="a"></p><p id="b"></p><p id="a"></p></main>')
    assert visitor.page.evaluate(DUPLICATE_IDS) == ["a"]


STUDIO_PAGES = ["/", "/tables/user", "/tables/session", "/tables/user?q=ada", "/tables/nothing"]


@pytest.mark.parametrize("path", STUDIO_PAGES)
def test_axe_finds_nothing_in_the_studio(open_visitor, site, studio, address, path):
    if site.database_url.startswith("postgresql"):
        pytest.skip("the studio looks the same on both engines: checked on SQLite")
    site.make_user(address())
    found = {}
    for width in ("desktop", "phone"):
        visitor = open_visitor(width, axe=True)
        visitor.page.goto(studio + path)
        for scheme in ("light", "dark"):
            visitor.page.emulate_media(color_scheme=scheme)
            if violations := violations_in(visitor):
                found[f"{width}/{scheme}"] = violations
    assert not found, found


def test_axe_finds_nothing_on_a_studio_user_page(open_visitor, site, studio, address):
    if site.database_url.startswith("postgresql"):
        pytest.skip("the studio looks the same on both engines: checked on SQLite")
    user = site.make_user(address())
    open_visitor().sign_in(user.email)  # a session row to show
    found = {}
    for width in ("desktop", "phone"):
        visitor = open_visitor(width, axe=True)
        visitor.page.goto(f"{studio}/users/{user.id}")
        for scheme in ("light", "dark"):
            visitor.page.emulate_media(color_scheme=scheme)
            if violations := violations_in(visitor):
                found[f"{width}/{scheme}"] = violations
    assert not found, found
