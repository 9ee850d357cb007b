"""Every route is guarded, found by walking ``app.url_map``: a new route cannot be forgotten.

Every POST needs a valid CSRF token; every profile page needs a signed-in
session, except the two listed below with the reason.
"""

import pytest

from flowpulse.models import Account, Session, User, Verification
from tests.browser import STRONG_PASSWORD, Browser, csrf_token_in

#: Profile pages a signed-out visitor may see, and why.
PUBLIC_PROFILE_PAGES = {
    "profile.deleted": "the farewell page, shown after the account is gone",
}

#: POST routes that, for a signed-in browser, redirect before reading the form
#: (there is nothing to do when already signed in); they change nothing.
NO_OP_WHEN_SIGNED_IN = {"auth.signup", "auth.login"}


def _rules(app, method: str):
    return [
        rule
        for rule in app.url_map.iter_rules()
        if method in rule.methods and rule.endpoint != "static"
    ]


def _url(rule) -> str:
    """Build a concrete path, filling every argument with a plausible value."""
    values = {
        name: "AAAAAAAAAAAAAAAAAAAAAA.BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB"
        for name in rule.arguments
    }
    return rule.build(values)[1]


def _snapshot(app):
    """Everything a POST could change, as comparable rows."""
    with app.app_context():
        return {
            model.__name__: sorted(tuple(row.values()) for row in model.select().dicts())
            for model in (User, Session, Account, Verification)
        }


#: What a forged form would post: enough to do harm if it were honoured.
FORGED_FORM = {
    "name": "Mallory",
    "email": "mallory@example.com",
    "new_email": "mallory@example.com",
    "password": "a forged but strong password 77",
    "new_password": "a forged but strong password 77",
    "current_password": STRONG_PASSWORD,
    "image": "https://evil.example/x.png",
    "revoke_other_sessions": "y",
}


@pytest.mark.parametrize("signed_in", [False, True], ids=["signed-out", "signed-in"])
def test_every_post_route_refuses_a_form_without_a_valid_csrf_token(
    app, browser, make_user, signed_in
):
    make_user("ada@example.com")
    if signed_in:
        browser.log_in("ada@example.com")
    rules = _rules(app, "POST")
    assert len(rules) >= 10  # the walk really found the routes
    for rule in rules:
        before = _snapshot(app)
        for token in ({}, {"csrf_token": "forged"}):
            response = browser.client.post(_url(rule), data={**FORGED_FORM, **token})
            expected = {303} if signed_in and rule.endpoint in NO_OP_WHEN_SIGNED_IN else {400}
            assert response.status_code in expected, (rule.endpoint, response.status_code)
        assert _snapshot(app) == before, f"{rule.endpoint} changed data without a CSRF token"


def test_every_profile_page_sends_a_signed_out_visitor_to_sign_in(app, client):
    browser = Browser(client)
    token = csrf_token_in(browser.get("/auth/login").get_data(as_text=True))
    profile_rules = [
        rule for rule in app.url_map.iter_rules() if rule.endpoint.startswith("profile.")
    ]
    assert len(profile_rules) >= 8
    for rule in profile_rules:
        if rule.endpoint in PUBLIC_PROFILE_PAGES:
            continue
        path = _url(rule)
        for method in sorted(rule.methods & {"GET", "POST"}):
            if method == "GET":
                response = client.get(path)
            else:
                response = client.post(path, data={"csrf_token": token})
            assert response.status_code == 303, (rule.endpoint, method, response.status_code)
            assert response.headers["Location"].startswith("/auth/login?next="), rule.endpoint


def test_the_public_profile_pages_really_are_public(app, client):
    for endpoint in PUBLIC_PROFILE_PAGES:
        rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
        assert client.get(_url(rule)).status_code == 200
