"""Every route is guarded, found by walking ``app.url_map``: a new route cannot be forgotten.

Every POST needs a valid CSRF token; every page needs a signed-in session,
except those listed below with the reason. A new route is guarded until
someone adds it to the public list and says why.
"""

import pytest

from flowpulse.core.models import Account, Passkey, Session, TwoFactor, User, Verification
from tests.browser import STRONG_PASSWORD, Browser, csrf_token_in

#: Pages a signed-out visitor may open, and why.
PUBLIC_PAGES = {
    "static": "stylesheets and scripts",
    "main.index": "the landing page",
    "main.healthz": "the health check, for load balancers",
    "auth.signup": "creating an account",
    "auth.login": "signing in",
    "auth.check_inbox": "after signing up: where the link went (this browser's own address)",
    "auth.logout": "signing out answers a signed-out browser too; GET asks or says it is done",
    "auth.forgot_password": "asking for a reset link",
    "auth.two_factor": "the second step of a sign-in: its pending sign-in is the credential",
    "auth.reset_password": "the emailed reset link: its token is the credential",
    "verification.verify_email": "the emailed address link: its token is the credential",
    "verification.resend": "asking for a new link, signed out, by address",
    "profile.deleted": "the farewell page, shown after the account is gone",
    "auth.oauth_start": "starting a sign-in with a provider (a POST with its CSRF token)",
    "auth.oauth_callback": "the provider sends the browser back here; state ties it to the flow",
    "auth.passkey_options": "starting a passkey sign-in: a challenge for this browser only",
    "auth.passkey": "a passkey sign-in: the signed answer to this browser's challenge",
    "auth.two_factor_passkey_options": "the second step with a passkey: its pending sign-in",
    "auth.two_factor_passkey": "the second step with a passkey: its pending sign-in",
}

#: A provider, so the provider routes answer past their 404 (no network is used).
PROVIDER = "acme"


@pytest.fixture
def app_config():
    return {
        "OAUTH_PROVIDERS": {
            PROVIDER: {"client_id": "c", "client_secret": "s", "issuer": "http://127.0.0.1:9"}
        }
    }


#: POST routes that, for a signed-in browser, redirect before reading the form
#: (there is nothing to do when already signed in); they change nothing.
NO_OP_WHEN_SIGNED_IN = {"auth.signup", "auth.login"}

#: POST routes that, with no sign-in waiting for its second step, send the
#: browser to sign in before reading the form; they change nothing.
NO_OP_WITHOUT_PENDING_SIGN_IN = {"auth.two_factor"}


def _rules(app, method: str):
    return [
        rule
        for rule in app.url_map.iter_rules()
        if method in rule.methods and rule.endpoint != "static"
    ]


def _url(rule) -> str:
    """Build a concrete path, filling every argument with a plausible value."""
    values = {
        name: PROVIDER
        if name == "provider"
        else "AAAAAAAAAAAAAAAAAAAAAA.BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB"
        for name in rule.arguments
    }
    return rule.build(values)[1]


def _snapshot(app):
    """Everything a POST could change, as comparable rows."""
    with app.app_context():
        return {
            model.__name__: sorted(tuple(row.values()) for row in model.select().dicts())
            for model in (User, Session, Account, Verification, TwoFactor, Passkey)
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
        browser.sign_in("ada@example.com")
    rules = _rules(app, "POST")
    assert len(rules) >= 10  # the walk really found the routes
    for rule in rules:
        before = _snapshot(app)
        for token in ({}, {"csrf_token": "forged"}):
            response = browser.client.post(_url(rule), data={**FORGED_FORM, **token})
            no_op = (signed_in and rule.endpoint in NO_OP_WHEN_SIGNED_IN) or (
                rule.endpoint in NO_OP_WITHOUT_PENDING_SIGN_IN
            )
            expected = {303} if no_op else {400}
            assert response.status_code in expected, (rule.endpoint, response.status_code)
        assert _snapshot(app) == before, f"{rule.endpoint} changed data without a CSRF token"


def test_every_page_not_listed_public_sends_a_signed_out_visitor_to_sign_in(app, client):
    browser = Browser(client)
    token = csrf_token_in(browser.get("/auth/login").get_data(as_text=True))
    guarded = [rule for rule in app.url_map.iter_rules() if rule.endpoint not in PUBLIC_PAGES]
    assert len(guarded) >= 8
    for rule in guarded:
        path = _url(rule)
        for method in sorted(rule.methods & {"GET", "POST"}):
            if method == "GET":
                response = client.get(path)
            else:
                response = client.post(path, data={"csrf_token": token})
            assert response.status_code == 303, (rule.endpoint, method, response.status_code)
            assert response.headers["Location"].startswith("/auth/login?next="), rule.endpoint


def test_every_public_page_is_a_route_that_exists(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert set(PUBLIC_PAGES) <= endpoints, set(PUBLIC_PAGES) - endpoints


def test_the_farewell_page_really_is_public(app, client):
    assert client.get("/profile/deleted").status_code == 200
