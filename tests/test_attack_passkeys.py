"""Attacks on passkeys over HTTP: replay, another origin or RP, another browser's challenge,
another person's credential, a cloned authenticator, malformed answers.

Each builds what an attacker could send (``SoftAuthenticator``'s overrides forge
the fields a real browser would fill in honestly) and checks that no session
and no passkey came of it.
"""

import copy
import logging
import time

import pytest

from flowpulse.core.models import Passkey, Session
from flowpulse.web import webauthn_challenges
from tests.passkey_helpers import (
    add_passkey,
    page_csrf,
    passkey_options,
    post_json,
    second_step_with_passkey,
    sign_in_with_passkey,
)
from tests.soft_authenticator import SoftAuthenticator
from tests.two_factor_helpers import turn_on

NOT_ACCEPTED = "That passkey was not accepted here."


@pytest.fixture
def device(browser, ada) -> SoftAuthenticator:
    """Ada's passkey, added while signed in; she is signed out afterwards."""
    authenticator = SoftAuthenticator()
    assert add_passkey(browser, authenticator).status_code == 200
    browser.sign_out()
    return authenticator


def no_session(app) -> bool:
    with app.app_context():
        return Session.select().count() == 0


def test_a_replayed_assertion_is_refused_even_with_the_cookie_it_came_with(app, browser, device):
    options, csrf = passkey_options(browser)
    name = app.config["SESSION_COOKIE_NAME"]
    cookie = browser.client.get_cookie(name).value
    answer = {"credential": device.sign_in(options)}
    assert post_json(browser, "/auth/passkey", answer, csrf=csrf).status_code == 200
    browser.sign_out()
    # The attacker restores the session cookie the answer was made for.
    browser.client.set_cookie(name, cookie)
    replayed = post_json(browser, "/auth/passkey", answer, csrf=csrf)
    assert replayed.status_code == 400
    assert "expired or was used already" in replayed.get_json()["error"]
    assert no_session(app)


@pytest.mark.parametrize(
    "forged",
    [
        {"origin": "http://evil.example"},
        {"origin": "http://localhost:8080"},
        {"rp_id": "evil.example"},
    ],
    ids=["another site", "another port", "another rp id"],
)
def test_an_assertion_made_for_another_origin_or_rp_id_is_refused(app, browser, device, forged):
    refused = sign_in_with_passkey(browser, device, **forged)
    assert refused.status_code == 403
    assert NOT_ACCEPTED in refused.get_json()["error"]
    assert no_session(app)


def test_a_challenge_from_another_browser_does_not_sign_this_one_in(
    app, browser, new_browser, device
):
    victim_options, _ = passkey_options(browser)  # the victim's browser got this challenge
    attacker = new_browser()
    _, attacker_csrf = passkey_options(attacker)  # the attacker's own, unused
    stolen = {"credential": device.sign_in(victim_options)}
    refused = post_json(attacker, "/auth/passkey", stolen, csrf=attacker_csrf)
    assert refused.status_code == 403
    assert no_session(app)


def test_an_answer_without_any_challenge_in_this_browser_is_refused(
    app, browser, new_browser, device
):
    options, _ = passkey_options(browser)
    attacker = new_browser()
    csrf = page_csrf(attacker, "/auth/login")  # never asked for options
    refused = post_json(
        attacker, "/auth/passkey", {"credential": device.sign_in(options)}, csrf=csrf
    )
    assert refused.status_code == 400
    assert no_session(app)


def test_an_expired_challenge_is_refused(app, browser, device, monkeypatch):
    options, csrf = passkey_options(browser)
    later = time.time() + webauthn_challenges.LIFETIME_SECONDS + 1
    monkeypatch.setattr(webauthn_challenges.time, "time", lambda: later)
    refused = post_json(
        browser, "/auth/passkey", {"credential": device.sign_in(options)}, csrf=csrf
    )
    assert refused.status_code == 400
    assert no_session(app)


def test_a_sign_in_challenge_cannot_register_a_passkey(app, browser, ada):
    options, csrf = passkey_options(browser, page="/profile/passkeys")
    forged = {
        "challenge": options["challenge"],
        "rp": {"id": "localhost", "name": "FlowPulse"},
        "user": {"id": "QUFB", "name": "ada", "displayName": "Ada"},
    }
    answer = {"credential": SoftAuthenticator().register(forged)}
    refused = post_json(browser, "/profile/passkeys", answer, csrf=csrf)
    assert refused.status_code == 400
    with app.app_context():
        assert Passkey.select().count() == 0


def test_a_registration_for_another_origin_is_refused(app, browser, ada):
    refused = add_passkey(browser, SoftAuthenticator(), origin="http://evil.example")
    assert refused.status_code == 400
    with app.app_context():
        assert Passkey.select().count() == 0


def test_anothers_passkey_cannot_pass_adas_second_step(app, browser, new_browser, ada, make_user):
    turn_on(browser)
    assert add_passkey(browser, SoftAuthenticator()).status_code == 200
    browser.sign_out()
    make_user("mallory@example.com", name="Mallory")
    mallory = new_browser()
    mallory.sign_in("mallory@example.com")
    hers = SoftAuthenticator()
    assert add_passkey(mallory, hers).status_code == 200
    # Mallory knows Ada's password and answers Ada's second step with her own passkey.
    assert browser.sign_in("ada@example.com").headers["Location"] == "/auth/two-factor"
    refused = second_step_with_passkey(browser, hers, credential_id=hers.credentials[0].id)
    assert refused.status_code == 403
    assert not browser.is_signed_in()


def test_a_user_handle_of_another_account_is_refused(app, browser, device, make_user):
    refused = sign_in_with_passkey(browser, device, user_handle=b"someone-else")
    assert refused.status_code == 403
    assert no_session(app)


def test_a_lowered_sign_count_is_a_cloned_authenticator_refused_and_logged(
    app, browser, device, caplog
):
    for _ in range(2):  # counts 1 and 2
        assert sign_in_with_passkey(browser, device).status_code == 200
        browser.sign_out()
    with caplog.at_level(logging.INFO, logger="flowpulse.audit"):
        refused = sign_in_with_passkey(browser, device, sign_count=1)
    assert refused.status_code == 403
    assert "copied from another device" in refused.get_json()["error"]
    assert any("passkey.cloned" in record.getMessage() for record in caplog.records)
    assert not browser.is_signed_in()


def test_an_unchanged_nonzero_count_is_refused_too(app, browser, device):
    assert sign_in_with_passkey(browser, device).status_code == 200  # count 1
    browser.sign_out()
    assert sign_in_with_passkey(browser, device, sign_count=1).status_code == 403


def test_a_forged_signature_is_refused(app, browser, device):
    options, csrf = passkey_options(browser)
    answer = device.sign_in(options)
    forged = copy.deepcopy(answer)
    signature = forged["response"]["signature"]
    forged["response"]["signature"] = signature[:-4] + (
        "AAAA" if signature[-4:] != "AAAA" else "BBBB"
    )
    refused = post_json(browser, "/auth/passkey", {"credential": forged}, csrf=csrf)
    assert refused.status_code == 403
    assert no_session(app)


@pytest.mark.parametrize(
    "credential",
    [
        None,
        "a string",
        {},
        {"rawId": ""},
        {"rawId": "!!!"},
        {"rawId": "A" * 5000},
        {"id": "AAAA", "rawId": "AAAA", "type": "public-key", "response": "nope"},
        {"id": "AAAA", "rawId": "AAAA", "type": "public-key", "response": {"userHandle": 7}},
    ],
    ids=[
        "null",
        "string",
        "empty",
        "empty id",
        "not base64url",
        "huge id",
        "bad response",
        "bad handle",
    ],
)
def test_malformed_answers_get_a_4xx_never_a_500(app, browser, device, credential):
    _, csrf = passkey_options(browser)
    refused = post_json(browser, "/auth/passkey", {"credential": credential}, csrf=csrf)
    assert 400 <= refused.status_code < 500, refused.status_code
    assert refused.get_json()["error"]


def test_asking_for_options_is_rate_limited(app, browser, device):
    csrf = page_csrf(browser, "/auth/login")
    statuses = [
        post_json(browser, "/auth/passkey/options", {}, csrf=csrf).status_code for _ in range(31)
    ]
    assert statuses[:30] == [200] * 30 and statuses[30] == 429
