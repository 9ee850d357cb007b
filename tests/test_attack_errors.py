"""Attacks that make the server fail (500): odd bodies, a race, an odd URL in the studio.

Finding 12 of the outside review, and Low 8 of issue #31 (deeply nested JSON).
A 500 is a crash an attacker can trigger at will (and a page of ours that lost
its say over what the client sees); each of these must get a clean 4xx or the
answer a signed-out visitor gets.
"""

import io
import itertools
from urllib.parse import urlsplit

import pytest

from flowpulse.studio import create_studio_app
from flowpulse.web.json_api import MAX_BODY_BYTES
from tests.attack_helpers import (
    NEW_PASSWORD,
    RESET_LINK,
    ask_for_reset,
    form_poster,
    newest_link,
    ready_to_post,
    signed_in_browser,
)
from tests.browser import STRONG_PASSWORD
from tests.helpers import database_problems, run_at_once
from tests.passkey_helpers import page_csrf

ADA = "ada@example.com"
#: Every form: (its page, where it posts, signed in?, its text fields with valid values).
FORMS = {
    "sign-up": ("/auth/signup", None, False, {"name": "Ada", "email": ADA, "password": "x" * 20}),
    "sign-in": ("/auth/login", None, False, {"email": ADA, "password": STRONG_PASSWORD}),
    "forgot-password": ("/auth/forgot-password", None, False, {"email": ADA}),
    "reset-password": (RESET_LINK, None, False, {"password": NEW_PASSWORD}),
    "resend": ("/auth/login", "/verify/resend", False, {"email": ADA}),
    "profile": ("/profile", None, True, {"name": "Ada", "image": "https://example.org/a.png"}),
    "profile-email": (
        "/profile/email",
        None,
        True,
        {"new_email": "ada.king@example.org", "current_password": STRONG_PASSWORD},
    ),
    "profile-password": (
        "/profile/password",
        None,
        True,
        {"current_password": STRONG_PASSWORD, "new_password": NEW_PASSWORD},
    ),
    "profile-delete": ("/profile/delete", None, True, {"current_password": STRONG_PASSWORD}),
}
#: Every endpoint that reads a JSON body (``json_body``): its path, and whether
#: it needs a signed-in browser to get as far as reading it.
JSON_ENDPOINTS = {
    "/auth/passkey": False,
    "/auth/two-factor/passkey": False,
    "/profile/passkeys/options": True,
    "/profile/passkeys": True,
}
#: Levels of nesting: about 1,000 already overflow Python's json parser; 100,000
#: is 200 kB, over the JSON size limit, unless it comes without a Content-Length.
NESTINGS = (1_000, 100_000)
#: People deleting their account while changing its password, all at once: one
#: pair hits the bad interleaving about two runs in three; six hit it in every
#: run we tried, on both engines.
PAIRS = 6
#: (form, field) for every text field of every form.
FIELDS = [(form, field) for form, (*_, fields) in FORMS.items() for field in fields]


@pytest.mark.parametrize(("form", "field"), FIELDS, ids=[f"{f}-{name}" for f, name in FIELDS])
def test_a_form_field_sent_as_a_file_upload_is_refused_with_a_4xx_never_a_500(
    make_user, new_browser, mailbox, form, field
):
    """A multipart body may carry any field as a file; the form must refuse it, not
    hand a file object to validators that expect text."""
    page, action, signed_in, values = FORMS[form]
    make_user(ADA)
    browser = signed_in_browser(new_browser, ADA) if signed_in else new_browser()
    if page == RESET_LINK:
        assert ask_for_reset(new_browser(), ADA).status_code == 303
        page = newest_link(mailbox, ADA, RESET_LINK)
    post = form_poster(browser, page)

    response = post({**values, field: (io.BytesIO(b"x"), "field.txt")}, action=action)

    assert 400 <= response.status_code < 500, f"{form} answered {response.status_code}"


def test_deleting_an_account_while_another_browser_changes_its_password_never_answers_500(
    app, make_user, new_browser
):
    """Two browsers of one person (or of a person and a thief) act at the same moment:
    one deletes the account, the other changes its password. Neither may crash, and
    no row may be left behind for a user that no longer exists."""
    emails = [f"person{number}@example.com" for number in range(PAIRS)]
    posts = []
    for email in emails:
        make_user(email, name="Person")
        deleter, changer = (signed_in_browser(new_browser, email) for _ in range(2))
        posts.append(
            ready_to_post(deleter, "/profile/delete", {"current_password": STRONG_PASSWORD})
        )
        posts.append(
            ready_to_post(
                changer,
                "/profile/password",
                {"current_password": STRONG_PASSWORD, "new_password": NEW_PASSWORD},
            )
        )

    responses = run_at_once(*posts)
    deletions, changes = responses[0::2], responses[1::2]

    crashed = [r.status_code for r in responses if r.status_code >= 500]
    assert not crashed, f"{len(crashed)} of the {len(responses)} requests crashed: {crashed}"
    problems = database_problems(app)
    assert not problems, "\n".join(problems)
    # Whichever came first decides the other's answer, always a clean one: a
    # change that finished first makes the deletion's (old) password wrong
    # (422); a deletion that finished first signs the change out (303 to sign
    # in), or its password check finds no password left (422).
    for deleted in deletions:
        if deleted.status_code == 303:
            assert urlsplit(deleted.headers["Location"]).path == "/profile/deleted"
        else:
            assert deleted.status_code == 422
    for changed in changes:
        if changed.status_code == 303:
            assert urlsplit(changed.headers["Location"]).path in ("/auth/login", "/profile")
        else:
            assert changed.status_code == 422


def test_the_studio_answers_a_user_id_holding_a_nul_byte_with_404(app):
    """``/users/%00`` reaches the database as a NUL byte, which PostgreSQL refuses
    with an error; the studio must say "no such user", not crash."""
    studio = create_studio_app(app).test_client()
    assert studio.get("/users/%00").status_code == 404


def nested(levels: int) -> bytes:
    """A JSON object holding ``levels`` arrays, one inside the other."""
    return b'{"credential": ' + b"[" * levels + b"]" * levels + b"}"


def post_body(browser, path: str, body: bytes, *, csrf: str, chunked: bool):
    """Post raw JSON as the ceremony script would; ``chunked``: with no Content-Length."""
    headers = {"X-CSRFToken": csrf, "Accept": "application/json"}
    if not chunked:
        return browser.client.post(
            path, data=body, content_type="application/json", headers=headers
        )
    # What a server like gunicorn hands the app for a chunked upload: a
    # stream that ends by itself, and no length to check beforehand.
    return browser.client.post(
        path,
        input_stream=io.BytesIO(body),
        content_type="application/json",
        headers={**headers, "Transfer-Encoding": "chunked"},
        environ_overrides={"wsgi.input_terminated": True},
    )


@pytest.mark.parametrize("chunked", [False, True], ids=["with-length", "chunked"])
@pytest.mark.parametrize("levels", NESTINGS)
@pytest.mark.parametrize("path", list(JSON_ENDPOINTS))
def test_deeply_nested_json_gets_the_json_refusal_never_a_500(
    make_user, new_browser, path, levels, chunked
):
    """Python's json parser recurses once per level and ``get_json(silent=True)``
    swallows only ``ValueError``: a thousand brackets used to be a 500 with a traceback."""
    make_user(ADA)
    browser = signed_in_browser(new_browser, ADA) if JSON_ENDPOINTS[path] else new_browser()
    csrf = page_csrf(browser, "/profile/passkeys" if JSON_ENDPOINTS[path] else "/auth/login")

    response = post_body(browser, path, nested(levels), csrf=csrf, chunked=chunked)

    too_large = len(nested(levels)) > MAX_BODY_BYTES
    assert response.status_code == (413 if too_large else 400), response.get_data(as_text=True)
    assert response.get_json()["error"]


@pytest.mark.parametrize(
    "body",
    [b'{"credential": "\xff\xfe"}', b'{"n": ' + b"9" * 5000 + b"}", b'{"a": 1', b"\x00"],
    ids=["bad-utf8", "huge-number", "truncated", "nul"],
)
def test_unreadable_json_gets_the_json_refusal(new_browser, body):
    browser = new_browser()
    csrf = page_csrf(browser, "/auth/login")
    response = post_body(browser, "/auth/passkey", body, csrf=csrf, chunked=False)
    assert response.status_code == 400
    assert response.get_json()["error"]


def test_no_endpoint_answers_deeply_nested_json_with_a_500(app, make_user, new_browser):
    """Whatever route might read a JSON body now or later, signed in or out; 900 levels
    are just shallow enough to parse, and reach the views."""
    make_user(ADA)
    browsers = {"/auth/login": new_browser(), "/profile": signed_in_browser(new_browser, ADA)}
    paths = sorted(
        rule.rule
        for rule in app.url_map.iter_rules()
        if "POST" in rule.methods and not rule.arguments
    )
    crashed = []
    for page, browser in browsers.items():
        csrf = page_csrf(browser, page)
        for path, levels in itertools.product(paths, (900, 1_000)):
            response = post_body(browser, path, nested(levels), csrf=csrf, chunked=False)
            if response.status_code >= 500:
                crashed.append((page, path, levels, response.status_code))
    assert not crashed
