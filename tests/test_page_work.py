"""Work a signed-in page no longer repeats on every request, and what must still hold.

Each session's CSRF token is signed once and shown again (flowpulse.web.csrf);
the templates' fixed links are built once (flowpulse.web.templating). Neither
may change what a browser can do with a page, nor leak across sessions.
"""

from tests.browser import Browser, csrf_token_in


def token_on(browser: Browser, path: str = "/profile") -> str:
    return csrf_token_in(browser.get(path).get_data(as_text=True))


def test_a_signed_in_page_shows_the_same_signed_token_again_and_it_still_works(browser, ada):
    first, second = token_on(browser), token_on(browser)
    assert first == second
    response = browser.client.post(
        "/profile", data={"name": "Ada King", "image": "", "csrf_token": second}
    )
    assert response.status_code == 303


def test_another_session_never_sees_a_token_remembered_for_this_one(app, browser, ada):
    mine = token_on(browser)
    other = Browser(app.test_client())
    assert other.sign_in("ada@example.com").status_code == 303
    theirs = token_on(other)
    assert theirs != mine
    # A token shown to one session is refused in another.
    response = other.client.post("/profile", data={"name": "Eve", "image": "", "csrf_token": mine})
    assert response.status_code == 400


def test_signing_out_and_in_again_gives_a_new_token_and_the_old_one_dies(browser, ada):
    before = token_on(browser)
    assert browser.sign_out().status_code == 303
    assert browser.sign_in("ada@example.com").status_code == 303
    after = token_on(browser)
    assert after != before
    stale = browser.client.post("/profile", data={"name": "Ada", "image": "", "csrf_token": before})
    assert stale.status_code == 400


def test_fixed_links_follow_the_prefix_the_app_is_mounted_at(browser, ada):
    plain = browser.get("/profile").get_data(as_text=True)
    # Served under /accounts (SCRIPT_NAME), as a product mounting FlowPulse there.
    mounted = browser.get("/profile", base_url="http://localhost/accounts/")
    html = mounted.get_data(as_text=True)
    assert 'href="/profile/email"' in plain
    assert 'href="/accounts/profile/email"' in html
    assert 'href="/accounts/static/flowpulse.css' in html
    assert 'href="/profile/email"' not in html
