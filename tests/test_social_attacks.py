"""Attacks on provider sign-in, each against the real OpenID Connect provider.

Every one ends on a friendly 400 page (502/503 when the provider itself
fails), creates nothing, signs nobody in and is logged.
"""

import logging
from urllib.parse import parse_qsl, urlsplit

import pytest

from flowpulse.core import totp
from flowpulse.core.models.seed import CREDENTIAL_PROVIDER
from tests.social import (  # noqa: F401 (fixtures)
    accounts_of,
    acme_settings,
    app_config,
    authorize,
    counts,
    deliver,
    extra_config,
    page_text,
    sign_in_with,
    start,
    with_query,
)
from tests.two_factor_helpers import TotpClock, app_code, second_step_blind, turn_on

STATE_COOKIE = "flowpulse_state"


def query(url: str) -> dict:
    return dict(parse_qsl(urlsplit(url).query))


def provider_answer(browser, oidc_provider, **sign_in):
    """Start a flow in ``browser`` and sign in at the provider; its redirect, unfollowed."""
    answer = authorize(oidc_provider, start(browser).headers["Location"], **sign_in)
    assert answer[0] == "GET"
    return answer


def refused(response, app) -> None:
    assert response.status_code == 400, response.status_code
    assert "Sign-in did not complete" in page_text(response)
    assert counts(app) == (0, 0, 0)


def test_a_replayed_callback_is_refused_in_the_same_browser_and_with_a_copied_cookie(
    app, browser, new_browser, oidc_provider
):
    answer = provider_answer(browser, oidc_provider)
    copied = browser.client.get_cookie(STATE_COOKIE).value  # holds the flow, before it is used
    assert deliver(browser, answer).status_code == 303
    assert counts(app) == (1, 1, 1)

    again = deliver(browser, answer)  # the flow was used up: single use
    assert again.status_code == 400
    replayer = new_browser()
    replayer.client.set_cookie(STATE_COOKIE, copied)
    stolen = deliver(replayer, answer)  # state matches, but the code is spent
    assert stolen.status_code == 400
    assert not replayer.is_signed_in()
    assert counts(app) == (1, 1, 1)


def test_a_callback_finished_in_another_browser_signs_nobody_in(
    app, new_browser, oidc_provider, caplog
):
    caplog.set_level(logging.WARNING)
    attacker, victim = new_browser(), new_browser()
    answer = provider_answer(attacker, oidc_provider)  # the attacker's own Acme account
    # The attacker makes the victim's browser open it (login CSRF), signed out...
    refused(deliver(victim, answer), app)
    # ...or while the victim has a sign-in of her own under way.
    start(victim)
    refused(deliver(victim, answer), app)
    assert not victim.is_signed_in()
    assert oidc_provider.issued_tokens("access_token") == []  # the code was never exchanged
    assert "acme callback refused" in caplog.text


@pytest.mark.parametrize("forged", ["forged-state", "état-forgé", "x" * 5000])
def test_a_forged_state_is_refused(app, browser, oidc_provider, forged):
    _, callback = provider_answer(browser, oidc_provider)
    refused(deliver(browser, ("GET", with_query(callback, state=forged))), app)
    assert oidc_provider.issued_tokens("access_token") == []


def test_a_flow_older_than_ten_minutes_is_refused(app, browser, oidc_provider):
    answer = provider_answer(browser, oidc_provider)
    with browser.client.session_transaction() as session:
        session["oauth_flow"] = {**session["oauth_flow"], "at": session["oauth_flow"]["at"] - 601}
    refused(deliver(browser, answer), app)


def test_an_authorization_response_naming_another_issuer_is_refused(app, browser, oidc_provider):
    oidc_provider.configure(wrong_iss="https://evil.example")  # RFC 9207: a mix-up
    answer = provider_answer(browser, oidc_provider)
    assert query(answer[1])["iss"] == "https://evil.example"
    refused(deliver(browser, answer), app)
    assert oidc_provider.issued_tokens("access_token") == []  # refused before the exchange


def test_an_authorization_response_without_iss_is_refused_when_the_provider_sends_it(
    app, browser, oidc_provider
):
    _, callback = provider_answer(browser, oidc_provider)
    refused(deliver(browser, ("GET", with_query(callback, iss=None))), app)


@pytest.mark.parametrize("attack", ["stranger_key", "wrong_aud"])
def test_an_id_token_signed_by_a_stranger_or_for_another_client_is_refused(
    app, browser, oidc_provider, attack
):
    oidc_provider.configure(**{attack: True})
    refused(deliver(browser, provider_answer(browser, oidc_provider)), app)


def test_an_id_token_with_another_nonce_is_refused(app, browser, oidc_provider):
    url = start(browser).headers["Location"]
    assert query(url)["code_challenge_method"] == "S256" and query(url)["nonce"]
    answer = authorize(oidc_provider, with_query(url, nonce="not-this-flows-nonce"))
    refused(deliver(browser, answer), app)


def test_access_denied_is_a_friendly_page_that_never_echoes_the_providers_text(
    app, browser, oidc_provider
):
    denied = deliver(browser, provider_answer(browser, oidc_provider, consent=False))
    assert denied.status_code == 400
    assert "Sign-in cancelled" in page_text(denied)

    url = start(browser).headers["Location"]
    forged = (
        "/auth/oauth/acme/callback?error=access_denied&state="
        + query(url)["state"]
        + "&iss="
        + oidc_provider.issuer
        + "&error_description=%3Cscript%3Ealert(1)%3C/script%3E%3Cb%3Ebold%3C/b%3E"
    )
    answer = browser.get(forged)
    assert answer.status_code == 400
    html = answer.get_data(as_text=True)
    assert "<script>alert(1)" not in html and "alert(1)" not in html and "<b>bold" not in html
    assert "Sign-in cancelled" in page_text(answer)
    assert counts(app) == (0, 0, 0)


@pytest.mark.parametrize(
    ("acme_settings", "status"),
    [({"issuer": "http://127.0.0.1:9"}, 503)],
)
def test_a_provider_that_is_down_never_takes_the_sign_in_page_down(app, browser, status):
    page = browser.get("/auth/login")
    assert page.status_code == 200 and "Continue with Acme ID" in page_text(page)
    response = start(browser)
    assert response.status_code == status
    assert "is not answering" in page_text(response)
    assert response.headers.get("Location") is None
    assert browser.get("/auth/login").status_code == 200  # and it stays up


def test_a_provider_whose_discovery_is_not_a_discovery_document_gets_502(
    app, browser, github_server
):
    # Point acme at a server that answers, but not with discovery (404 there).
    provider = app.extensions["flowpulse.social.providers"]["acme"]
    from dataclasses import replace

    from flowpulse.social import clients

    broken = replace(provider, issuer=github_server.base_url)
    app.extensions["flowpulse.social.providers"]["acme"] = broken
    app.extensions[clients.EXTENSION]["acme"] = clients.make_client(broken)
    response = start(browser)
    assert response.status_code == 502
    assert "is not answering" in page_text(response)


def test_a_flood_of_callbacks_is_limited_per_ip_before_reaching_the_provider(
    app, browser, oidc_provider
):
    answers = [
        browser.get("/auth/oauth/acme/callback?code=x&state=y").status_code for _ in range(31)
    ]
    assert answers[:30] == [400] * 30
    assert answers[30] == 429
    assert oidc_provider.issued_tokens() == []


def test_starting_without_a_csrf_token_is_refused(app, browser):
    response = browser.client.post("/auth/oauth/acme", data={})
    assert response.status_code == 400
    assert response.headers.get("Location") is None


def test_discovery_naming_another_issuer_than_configured_is_refused(app, browser, oidc_provider):
    # OpenID Connect Discovery 4.3: the document's issuer must be exactly the
    # configured one (here the configured one has a trailing slash).
    provider = app.extensions["flowpulse.social.providers"]["acme"]
    from dataclasses import replace

    from flowpulse.social import clients

    other = replace(provider, issuer=oidc_provider.issuer + "/")
    app.extensions["flowpulse.social.providers"]["acme"] = other
    app.extensions[clients.EXTENSION]["acme"] = clients.make_client(other)
    response = start(browser)
    assert response.status_code == 502
    assert oidc_provider.issued_tokens() == []


def test_a_vouched_identity_is_linked_only_once_the_second_step_passes(
    app, browser, new_browser, oidc_provider, make_user, mailbox, monkeypatch
):
    """A provider that vouches for Ada's address is no way around her authenticator app."""
    clock = TotpClock()
    monkeypatch.setattr(totp, "now", clock)
    make_user("ada@example.com")
    assert browser.sign_in("ada@example.com").status_code == 303
    secret, _ = turn_on(browser)
    browser.sign_out()
    clock.next_step()
    stranger = new_browser()
    halfway = sign_in_with(stranger, oidc_provider, login="ada")
    assert halfway.headers["Location"] == "/auth/two-factor"
    assert accounts_of(app, "ada@example.com") == [CREDENTIAL_PROVIDER]
    for _ in range(2):  # wrong codes (five would lock Ada's sign-ins for a while)
        second_step_blind(stranger, "000000")
    assert not stranger.is_signed_in()
    assert accounts_of(app, "ada@example.com") == [CREDENTIAL_PROVIDER]

    ada = new_browser()
    assert sign_in_with(ada, oidc_provider, login="ada").headers["Location"] == "/auth/two-factor"
    clock.next_step()
    assert second_step_blind(ada, app_code(secret)).status_code == 303
    assert ada.is_signed_in()
    assert accounts_of(app, "ada@example.com") == ["acme", CREDENTIAL_PROVIDER]
    subjects = [message["Subject"] for message in mailbox.to("ada@example.com")]
    assert "A sign-in method was connected to your account" in subjects
