"""Fuzzing every form field and token URL: no input, however odd, gets a server error.

Property-based tests (Hypothesis) post arbitrary text into each field of each
form, signed in and signed out, with the form's real CSRF token so the input
reaches the validators and the services behind them. Whatever is posted, the
answer is a page or a redirect with an expected status (never a 5xx, never a
traceback), every redirect stays on this site, and afterwards the database
still keeps the data model's rules (``tests.helpers.database_problems``).

Rate limits are off here: the fuzzer is one client hammering one account.

The example counts are small and the examples fixed (``derandomize``) so the
module runs in CI in well under a minute on both engines. For a long soak run,
raise every property's count and let Hypothesis draw new examples each run::

    FLOWPULSE_FUZZ_EXAMPLES=2000 FLOWPULSE_FUZZ_RANDOM=1 \\
        .venv/bin/python -m pytest -q tests/test_fuzz_forms.py

A failure prints the smallest example Hypothesis found (and, with
``FLOWPULSE_FUZZ_RANDOM``, a ``@reproduce_failure`` line that replays it).
"""

import os
from urllib.parse import quote, unquote, urlencode, urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flowpulse.core.models import Account, Session, User, Verification
from flowpulse.core.tokens import digest
from flowpulse.profile.forms import IMAGE_URL_SCHEMES
from tests.browser import (
    LONG_PASSPHRASE,
    OTHER_STRONG_PASSWORD,
    STRONG_PASSWORD,
    Browser,
    csrf_token_in,
)
from tests.helpers import database_problems
from tests.mailbox import Mailbox

#: Examples per property for a soak run (0: each property's own CI count).
SOAK_EXAMPLES = int(os.environ.get("FLOWPULSE_FUZZ_EXAMPLES") or 0)
#: Draw new examples on every run instead of the same fixed ones.
RANDOM_EXAMPLES = os.environ.get("FLOWPULSE_FUZZ_RANDOM") == "1"


def fuzz(examples: int):
    """Hypothesis settings for one property: ``examples`` in CI, more when soaking."""
    fixed = {} if RANDOM_EXAMPLES else {"derandomize": True, "database": None}
    return settings(
        max_examples=SOAK_EXAMPLES or examples,
        deadline=None,
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,  # one app per test; every example checks it
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.large_base_example,
        ],
        **fixed,
    )


EMAIL = "ada@example.com"
RESET_LINK_PREFIX = "http://localhost/auth/reset-password/"

# -- What gets posted ---------------------------------------------------------

#: Characters that have broken web apps before: NUL and other controls,
#: line breaks of every kind, bidi overrides, zero-width and combining marks,
#: emoji sequences, case-mapping oddities, markup and template syntax.
AWKWARD_CHARACTERS = [
    "\x00",
    "\r\n",
    "\n",
    "\r",
    "\t",
    "\x1b",
    "\x7f",
    "\x85",
    "\u2028",
    "\u2029",
    "\u202e",
    "\u200f",
    "\u200b",
    "\ufeff",
    "\u0301",
    "e\u0301",
    "\U0001f600",
    "\U0001f469\u200d\U0001f469\u200d\U0001f467",
    "\u0130",
    "\u0131",
    "\u00df",
    "\u1e9e",
    "\ufb00",
    "\uff20",
    "\ufffd",
    "\U0010ffff",
    "\\",
    "'",
    '"',
    "<script>alert(1)</script>",
    "&amp;",
    "%00",
    "%0d%0a",
    "{{ 7 * 7 }}",
    "{% raw %}",
    "' OR 1=1 --",
]

#: Addresses written by hand: IDN and punycode spellings of one domain, case,
#: look-alikes, invisible characters, length limits and near misses.
HAND_MADE_EMAILS = [
    "x@b\u00fccher.ch",
    "X@B\u00dcCHER.CH",
    "a@xn--bcher-kva.ch",
    "ADA@EXAMPLE.COM",
    "Ada@Example.Com",
    "ada+tag@example.com",
    "ada@example.com.",
    "ada@example..com",
    "ada@[127.0.0.1]",
    "ada@1.2.3.4",
    '"ada"@example.com',
    "ada@localhost",
    "m\u0131ke@example.com",
    "\u0130stanbul@example.com",
    "ada@exa\u200bmple.com",
    "ada@ex\u00adample.com",
    "ada@\u202eexample.com",
    "ada\u0301@example.com",
    "ada@EXAMPLE.COM\u3002",
    "ada@\uff25\uff38\uff21\uff2d\uff30\uff2c\uff25.com",
    "\u00df@stra\u00dfe.de",
    "ada@fa\u00df.de",
    "ada@xn--zca.com",
    "\u7528\u6237@\u4f8b\u5b50.\u5e7f\u544a",
    "\u0434\u0436\u0435\u0439\u043d@\u043f\u0440\u0438\u043c\u0435\u0440.\u0440\u0444",
    "ada@xn--80ak6aa92e.com",
    "ada@xn--.com",
    "ada@-example.com",
    "\u01c5@example.com",
    "@example.com",
    "ada@",
    "ada",
    "a" * 64 + "@example.com",
    "a" * 65 + "@example.com",
    "ada@" + "a" * 63 + ".com",
    "ada@" + "a" * 64 + ".com",
    "ada@" + ".".join(["a" * 63] * 4) + ".com",
    " ada@example.com ",
    "ada@example.com\x00",
    "ada@example.com\r\nBcc: eve@example.com",
]

#: Picture URLs that must never be stored, or stored only as http(s).
IMAGE_URLS = [
    "https://example.com/person.png",
    "HTTPS://EXAMPLE.COM/ADA.PNG",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "java\tscript:alert(1)",
    "data:image/svg+xml,<svg onload=alert(1)>",
    "vbscript:msgbox(1)",
    "//evil.example/x.png",
    "/profile/avatar.svg",
    "https:evil.example",
    "https:///x.png",
    "https://[::1]/x.png",
    "https://[::1/x.png",
    "http://example.com:99999/",
    "http://example.com:-1/",
    "https://user:pass@evil.example/x.png",
    'https://evil.example/x.png"onerror="alert(1)',
    "https://evil.example/x.png'><script>alert(1)</script>",
    "https://b\u00fccher.ch/\u00e4.png",
    "https://\u202eexample.com/x.png",
    "https://example.com/" + "a" * 2048,
]

#: ``next`` values that try to leave the site (only a same-site ``next`` is followed).
NEXT_ATTEMPTS = [
    "/profile/sessions",
    "/profile?tab=1#top",
    "//evil.example",
    "///evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    " //evil.example",
    "https://evil.example",
    "HTTPS://evil.example/",
    "https:evil.example",
    "javascript:alert(1)",
    "java\tscript:alert(1)",
    "/%2F%2Fevil.example",
    "%2F%2Fevil.example",
    "/%5Cevil.example",
    "/%09/evil.example",
    "/%252F%252Fevil.example",
    "/profile\r\nSet-Cookie: flowpulse_session=x",
    "/%0d%0aSet-Cookie:%20flowpulse_session=x",
    "/.//evil.example",
    "/..//evil.example",
    "/\uff0f\uff0fevil.example",
    "/@evil.example",
    "//evil.example@localhost",
    "/\x00",
]

#: Path segments sent as they are (already percent-encoded, or not at all).
RAW_SEGMENTS = [
    "%00",
    "%ff%fe",
    "%c0%af",
    "..",
    "%2e%2e",
    "..%2F..%2Fetc%2Fpasswd",
    "%2F%2Fevil.example",
    "a%0d%0aSet-Cookie:%20x=1",
    "%E2%80%AE",
    "%F0%9F%98%80",
]

#: What one of our emailed tokens looks like: it passes the shape check and
#: reaches the database lookup.
TOKEN_SHAPED = r"[A-Za-z0-9_-]{16,64}\.[A-Za-z0-9_-]{32,96}"

awkward_text = st.lists(
    st.one_of(st.text(max_size=8), st.sampled_from(AWKWARD_CHARACTERS)), max_size=12
).map("".join)
latin1_text = st.binary(max_size=64).map(lambda raw: raw.decode("latin-1"))
#: 10,000 characters: far past every field's limit, well under the body's.
long_text = st.text(min_size=1, max_size=5).map(lambda unit: (unit * 10_000)[:10_000])
header_injection = st.builds(
    "{}{}{}".format,
    st.sampled_from(["ada@example.com", "Ada Lovelace", ""]),
    st.sampled_from(["\r\n", "\n", "\r", "\r\n ", "%0d%0a", "\u2028", "\x85"]),
    st.sampled_from(
        [
            "Bcc: eve@example.com",
            "Subject: you have been hacked",
            "Set-Cookie: flowpulse_session=x",
            "Location: https://evil.example",
        ]
    ),
)
unicode_emails = st.builds(
    "{}@{}.{}".format,
    st.text(min_size=1, max_size=12),
    st.text(min_size=1, max_size=12),
    st.sampled_from(["com", "ch", "DE", "xn--p1ai", "\u0440\u0444", "\u5e7f\u544a"]),
)
emails = st.one_of(st.emails(), st.sampled_from(HAND_MADE_EMAILS), unicode_emails)
any_text = st.one_of(st.text(), awkward_text, latin1_text, long_text, header_injection, emails)


#: JSON values of every type, for bodies posted as JSON (Flask-WTF reads them as form data).
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | any_text,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=5,
)


class StandIn:
    """A value only the running test knows (the current password, a session id)."""

    def __init__(self, name: str):
        self.name = name

    def __repr__(self) -> str:
        return self.name


CURRENT_PASSWORD = StandIn("CURRENT_PASSWORD")
OWN_SESSION = StandIn("OWN_SESSION")
SOMEONE_ELSES_SESSION = StandIn("SOMEONE_ELSES_SESSION")
FOREIGN_CSRF_TOKEN = StandIn("FOREIGN_CSRF_TOKEN")


def field(*likely) -> st.SearchStrategy:
    """A posted field: left out (``None``), any text, or one of the ``likely`` values."""
    return (
        st.one_of(st.none(), st.sampled_from(likely), any_text) if likely else st.none() | any_text
    )


email_field = field(EMAIL, "ADA@EXAMPLE.COM", "grace@example.com") | emails
new_password_field = field(LONG_PASSPHRASE, OTHER_STRONG_PASSWORD, "Ada Lovelace 1234567890")
current_password_field = field(CURRENT_PASSWORD)
image_field = field("") | st.sampled_from(IMAGE_URLS)
next_values = st.sampled_from(NEXT_ATTEMPTS) | any_text
path_segments = st.one_of(
    any_text.map(lambda text: quote(text, safe="")),
    st.sampled_from(RAW_SEGMENTS),
    st.from_regex(TOKEN_SHAPED, fullmatch=True),
)

# -- What every answer must look like ---------------------------------------

#: Every status a form or link may answer with (bad input is a 4xx, never a 5xx).
ANSWERS = {200, 303, 400, 403, 404, 405, 413, 422, 429}


def assert_clean_answer(response, allowed=frozenset(ANSWERS)) -> None:
    """No server error, no traceback, an expected status, and no redirect off-site."""
    status = response.status_code
    assert status < 500, f"server error {status}"
    assert status in allowed, f"unexpected status {status}"
    assert "Traceback (most recent call last)" not in response.get_data(as_text=True)
    if 300 <= status < 400:
        assert_on_this_site(response.headers["Location"])


def assert_on_this_site(location: str) -> None:
    """A redirect target that a browser resolves to this site, and nowhere else.

    Browsers drop tabs and line breaks from URLs and read ``\\`` as ``/``, so
    ``/\\t/evil.example`` would become ``//evil.example``: none may appear.
    """
    assert not any(ch in location for ch in "\t\r\n\\"), location
    parts = urlsplit(location)
    assert (parts.scheme, parts.netloc) in {("", ""), ("http", "localhost")}, location
    assert parts.path.startswith("/"), location
    assert not parts.path.startswith("//"), location


class Tables:
    """The four tables, checked after every example for the problems it made.

    Examples share one database, so a problem one example left behind is
    reported by that example only: Hypothesis then shrinks to the real culprit.
    """

    def __init__(self, app):
        self.app = app
        self.known = set(database_problems(app))

    def assert_consistent(self) -> None:
        problems = set(database_problems(self.app))
        new, self.known = problems - self.known, problems
        assert not new, "\n".join(sorted(new))


def form_data(**fields) -> dict:
    """The posted form: fields drawn as ``None`` are left out."""
    return {name: value for name, value in fields.items() if value is not None}


def snapshot(app) -> dict:
    """Every row of the four tables, comparable before and after a request."""
    with app.app_context():
        return {
            model.__name__: sorted(map(repr, model.select().tuples()))
            for model in (User, Session, Account, Verification)
        }


# -- Fixtures ---------------------------------------------------------------


@pytest.fixture
def tables(app) -> Tables:
    return Tables(app)


@pytest.fixture
def app_config():
    """No rate limits: the fuzzer is one client hammering one account."""
    return {"RATELIMIT_ENABLED": False}


@pytest.fixture(params=[False, True], ids=["signed-out", "signed-in"])
def signed_in(request) -> bool:
    return request.param


class Person:
    """Ada, on one browser that stays signed in (or out) from example to example.

    An example may change her password, end her session or delete her
    account; ``ready`` puts things back before the next one.
    """

    def __init__(self, app, browser: Browser, make_user, signed_in: bool):
        self.app, self.browser, self.make_user = app, browser, make_user
        self.signed_in = signed_in
        self.password = STRONG_PASSWORD
        self.user = make_user(EMAIL, password=self.password)
        self.ready()

    def ready(self) -> Browser:
        """Recreate the account if an example deleted it; sign in again if needed."""
        with self.app.app_context():
            deleted = User.get_or_none(User.id == self.user.id) is None
        if deleted:
            self.password = STRONG_PASSWORD
            self.user = self.make_user(EMAIL, password=self.password)
        if self.signed_in and not self.has_live_session():
            assert self.browser.sign_in(EMAIL, self.password).status_code == 303
        return self.browser

    def has_live_session(self) -> bool:
        """Ask the database (cheaper than a page) whether this browser's session lives."""
        cookie = self.browser.session_cookie
        if cookie is None:
            return False
        with self.app.app_context():
            return Session.get_or_none(Session.token == digest(cookie.value)) is not None

    @property
    def token_page(self) -> str:
        """A page with a CSRF token that this browser can open, signed in or out."""
        return "/profile" if self.signed_in else "/auth/login"

    def submit(self, action: str, data: dict, **kwargs):
        """Post ``data`` to ``action`` with a valid CSRF token, as a browser would."""
        return self.ready().submit(self.token_page, data, action=action, **kwargs)

    def csrf_token(self) -> str:
        return csrf_token_in(self.ready().get(self.token_page).get_data(as_text=True))

    def resolve(self, value):
        """Replace a stand-in with the value it stands for right now."""
        if value is CURRENT_PASSWORD:
            return self.password
        if value is OWN_SESSION:
            return self.session_id() if self.signed_in else "NoSuchSession"
        return value

    def session_id(self) -> str:
        cookie = self.ready().session_cookie
        with self.app.app_context():
            return Session.get(Session.token == digest(cookie.value)).id

    def stored(self) -> User:
        with self.app.app_context():
            return User.get_by_id(self.user.id)


@pytest.fixture
def person(app, browser, make_user, signed_in) -> Person:
    return Person(app, browser, make_user, signed_in)


@pytest.fixture
def grace_session(app, make_user, new_browser) -> str:
    """Grace, signed in on her own browser: the id of her session."""
    make_user("grace@example.com", name="Grace Hopper")
    browser = new_browser()
    assert browser.sign_in("grace@example.com").status_code == 303
    with app.app_context():
        return Session.get(Session.token == digest(browser.session_cookie.value)).id


def grace_is_signed_in(app, grace_session: str) -> bool:
    with app.app_context():
        return Session.get_or_none(Session.id == grace_session) is not None


def emailed_reset_path(mailbox: Mailbox, browser: Browser) -> str:
    """Ask for a reset link for Ada on ``browser``; return the path the email holds."""
    browser.submit("/auth/forgot-password", {"email": EMAIL})
    links = Mailbox.links(mailbox.last_to(EMAIL))
    [link] = [link for link in links if link.startswith(RESET_LINK_PREFIX)]
    return urlsplit(link).path


class ResetLink:
    """Ada's live reset link, asked for again once an example has used it up."""

    def __init__(self, mailbox: Mailbox, new_browser):
        self.mailbox, self.new_browser = mailbox, new_browser
        self.path = self.renew()

    def renew(self) -> str:
        self.path = emailed_reset_path(self.mailbox, self.new_browser())
        return self.path


@pytest.fixture
def reset_link(person, mailbox, new_browser) -> ResetLink:
    return ResetLink(mailbox, new_browser)


# -- The sign-up, sign-in, reset and verification forms ------------------------


@fuzz(40)
@given(
    name=field("Ada Lovelace"),
    email=email_field,
    password=field(STRONG_PASSWORD, LONG_PASSPHRASE),
)
def test_sign_up_survives_any_name_email_and_password(tables, person, name, email, password):
    response = person.submit("/auth/signup", form_data(name=name, email=email, password=password))
    assert_clean_answer(response)
    tables.assert_consistent()


@fuzz(40)
@given(
    email=email_field,
    password=field(CURRENT_PASSWORD),
    remember=field("y", "false"),
    next_url=st.none() | next_values,
)
def test_sign_in_survives_any_email_password_remember_and_next(
    tables, person, new_browser, email, password, remember, next_url
):
    # Signed out, every example gets a fresh browser, since a success signs it in.
    browser = person.ready() if person.signed_in else new_browser()
    query = "" if next_url is None else "?" + urlencode({"next": next_url})
    data = form_data(email=email, password=person.resolve(password), remember=remember)
    response = browser.submit(person.token_page, data, action="/auth/login" + query)
    assert_clean_answer(response)
    tables.assert_consistent()


@fuzz(30)
@given(next_url=next_values)
def test_any_next_parameter_redirects_only_within_the_site(person, new_browser, next_url):
    path = "/auth/login?" + urlencode({"next": next_url})
    if person.signed_in:
        response = person.ready().get(path)
    else:
        credentials = {"email": EMAIL, "password": person.password}
        response = new_browser().submit("/auth/login", credentials, action=path)
    assert response.status_code == 303
    assert_clean_answer(response)


@fuzz(40)
@given(email=email_field)
def test_forgot_password_survives_any_email(tables, person, email):
    assert_clean_answer(person.submit("/auth/forgot-password", form_data(email=email)))
    tables.assert_consistent()


@fuzz(25)
@given(password=new_password_field)
def test_the_reset_form_survives_any_new_password(tables, person, reset_link, password):
    response = person.submit(reset_link.path, form_data(password=password))
    assert_clean_answer(response)
    if response.status_code == 303:
        person.password = password  # and every session ended: ready() signs in again
        reset_link.renew()
    tables.assert_consistent()


@fuzz(30)
@given(email=email_field)
def test_asking_for_a_new_verification_link_survives_any_email(tables, person, email):
    assert_clean_answer(person.submit("/verify/resend", form_data(email=email)))
    tables.assert_consistent()


# -- Token URLs ---------------------------------------------------------------


def allowed_for(path: str) -> frozenset[int]:
    """Werkzeug answers a path with an empty segment (``a//b``) with 308 to ``a/b``."""
    return frozenset(ANSWERS | {308} if "//" in unquote(path) else ANSWERS)


@fuzz(40)
@given(segment=path_segments)
def test_any_reset_token_in_the_url_is_refused_cleanly(tables, person, segment):
    path = f"/auth/reset-password/{segment}"
    assert_clean_answer(person.ready().get(path), allowed_for(path))
    response = person.submit(path, {"password": OTHER_STRONG_PASSWORD})
    assert_clean_answer(response, allowed_for(path))
    assert response.status_code != 303, "a made-up reset link changed a password"
    tables.assert_consistent()


@fuzz(40)
@given(segment=path_segments)
def test_any_verification_token_in_the_url_is_refused_cleanly(tables, person, segment):
    path = f"/verify/email/{segment}"
    response = person.ready().get(path)
    assert_clean_answer(response, allowed_for(path))
    # Signed in (and verified), a dead link just says so on the profile page.
    assert response.status_code != 303 or response.headers["Location"] == "/profile"
    assert not person.signed_in or person.browser.is_signed_in()
    tables.assert_consistent()


@fuzz(40)
@given(session_id=st.sampled_from([OWN_SESSION, SOMEONE_ELSES_SESSION]) | path_segments)
def test_any_session_id_in_the_revoke_url_ends_at_most_ones_own_session(
    app, tables, person, grace_session, session_id
):
    segment = grace_session if session_id is SOMEONE_ELSES_SESSION else person.resolve(session_id)
    path = f"/profile/sessions/{segment}/revoke"
    response = person.submit(path, {})
    assert_clean_answer(response, allowed_for(path))
    assert grace_is_signed_in(app, grace_session)
    tables.assert_consistent()


# -- Request headers the app stores ----------------------------------------------

#: Header values as an HTTP server hands them over: latin-1, one line each.
header_values = st.one_of(
    st.text(st.characters(max_codepoint=0xFF, exclude_characters="\r\n")),
    latin1_text.map(lambda text: text.replace("\r", "").replace("\n", "")),
    st.sampled_from(["Mozilla/5.0\x00", "1.2.3.4\x00", "not-an-ip", "1.2.3.4, 5.6.7.8", "::1"]),
    st.text(st.characters(max_codepoint=0xFF, exclude_characters="\r\n"), min_size=1).map(
        lambda unit: (unit * 10_000)[:10_000]
    ),
)


@pytest.fixture
def ada_account(make_user):
    return make_user(EMAIL)


@pytest.mark.parametrize("app_config", [{"RATELIMIT_ENABLED": False, "PROXY_FIX_X_FOR": 1}])
@fuzz(30)
@given(user_agent=st.none() | header_values, forwarded_for=st.none() | header_values)
def test_signing_in_with_any_user_agent_and_forwarded_address_is_stored_and_shown_cleanly(
    tables, ada_account, new_browser, user_agent, forwarded_for
):
    # Both go into the session row and onto the devices page.
    headers = form_data(**{"User-Agent": user_agent, "X-Forwarded-For": forwarded_for})
    browser = new_browser()
    credentials = {"email": EMAIL, "password": STRONG_PASSWORD}
    response = browser.submit("/auth/login", credentials, headers=headers)
    assert_clean_answer(response)
    assert response.status_code == 303
    assert_clean_answer(browser.get("/profile/sessions"))
    tables.assert_consistent()


# -- The profile forms ----------------------------------------------------------

#: Every page that shows the signed-in person's name, address or picture.
PAGES_SHOWING_THE_PROFILE = [
    "/",
    "/profile",
    "/profile/avatar.svg",
    "/profile/email",
    "/profile/password",
    "/profile/sessions",
    "/profile/delete",
]


@fuzz(40)
@given(name=field("Ada King"), image=image_field)
def test_the_profile_form_survives_any_name_and_picture(tables, person, mailbox, name, image):
    response = person.submit("/profile", form_data(name=name, image=image))
    assert_clean_answer(response)
    stored = person.stored()
    assert stored.image is None or urlsplit(stored.image).scheme.lower() in IMAGE_URL_SCHEMES
    if response.status_code == 303 and person.signed_in:
        # What was saved shows on every page and in the next email.
        for page in PAGES_SHOWING_THE_PROFILE:
            assert person.browser.get(page).status_code == 200, page
        assert person.submit("/auth/forgot-password", {"email": EMAIL}).status_code == 303
        assert stored.name in Mailbox.text(mailbox.last_to(EMAIL))
    tables.assert_consistent()


@fuzz(40)
@given(new_email=email_field, current_password=current_password_field)
def test_the_email_change_form_survives_any_address_and_password(
    tables, person, new_email, current_password
):
    data = form_data(new_email=new_email, current_password=person.resolve(current_password))
    assert_clean_answer(person.submit("/profile/email", data))
    # Nothing changes until the link sent to the new address is opened.
    assert person.stored().email == EMAIL
    tables.assert_consistent()


@fuzz(40)
@given(
    current_password=current_password_field,
    new_password=new_password_field,
    revoke_other_sessions=field("y", "false"),
)
def test_the_password_change_form_survives_any_passwords(
    tables, person, current_password, new_password, revoke_other_sessions
):
    data = form_data(
        current_password=person.resolve(current_password),
        new_password=new_password,
        revoke_other_sessions=revoke_other_sessions,
    )
    response = person.submit("/profile/password", data)
    assert_clean_answer(response)
    if response.status_code == 303 and person.signed_in:
        person.password = new_password
        assert person.browser.is_signed_in(), "changing the password signed this device out"
    tables.assert_consistent()


@fuzz(30)
@given(current_password=current_password_field)
def test_the_delete_form_survives_any_password(tables, person, current_password):
    data = form_data(current_password=person.resolve(current_password))
    response = person.submit("/profile/delete", data)
    assert_clean_answer(response)
    if person.signed_in and current_password is CURRENT_PASSWORD:
        assert (response.status_code, response.headers.get("Location")) == (303, "/profile/deleted")
    tables.assert_consistent()


# -- Every POST route at once: forged forms and malformed bodies -----------------

#: Every POST route; ``{reset}`` and ``{session}`` are filled in with live values.
POST_ROUTES = [
    "/auth/signup",
    "/auth/login",
    "/auth/logout",
    "/auth/forgot-password",
    "/auth/reset-password/{reset}",
    "/verify/resend",
    "/profile",
    "/profile/email",
    "/profile/password",
    "/profile/sessions/{session}/revoke",
    "/profile/sessions/revoke-others",
    "/profile/delete",
]

#: Signed in, these redirect before reading the form: there is nothing to do.
NO_OP_WHEN_SIGNED_IN = {"/auth/signup", "/auth/login"}

#: Every field name any form reads.
EVERY_FIELD = {
    "name": field("Mallory"),
    "email": email_field,
    "password": field(CURRENT_PASSWORD, OTHER_STRONG_PASSWORD),
    "remember": field("y"),
    "image": image_field,
    "new_email": email_field,
    "current_password": field(CURRENT_PASSWORD),
    "new_password": new_password_field,
    "revoke_other_sessions": field("y"),
}

#: Content types a browser, a script or an attacker might send a form as.
CONTENT_TYPES = [
    "application/x-www-form-urlencoded",
    "application/x-www-form-urlencoded; charset=latin-1",
    "multipart/form-data",
    "multipart/form-data; boundary=x",
    "text/plain",
    "application/json",
]


@pytest.fixture
def post_path(person, reset_link):
    """Fill a POST route's placeholders: Ada's live reset link and session."""

    def fill(route: str) -> str:
        reset = reset_link.path.rsplit("/", 1)[1]
        return route.format(reset=reset, session=person.resolve(OWN_SESSION))

    return fill


@fuzz(50)
@given(
    route=st.sampled_from(POST_ROUTES),
    fields=st.fixed_dictionaries(EVERY_FIELD),
    csrf_token=st.sampled_from([None, FOREIGN_CSRF_TOKEN]) | any_text,
)
def test_a_post_without_a_valid_csrf_token_is_refused_and_changes_nothing(
    app, person, post_path, new_browser, mailbox, route, fields, csrf_token
):
    if csrf_token is FOREIGN_CSRF_TOKEN:  # a real token, from another browser
        csrf_token = csrf_token_in(new_browser().get("/auth/login").get_data(as_text=True))
    data = form_data(csrf_token=csrf_token, **{k: person.resolve(v) for k, v in fields.items()})
    path = post_path(route)
    person.ready()
    before, mail_before = snapshot(app), len(mailbox.messages)
    response = person.browser.client.post(path, data=data)
    expected = 303 if person.signed_in and route in NO_OP_WHEN_SIGNED_IN else 400
    assert_clean_answer(response)
    assert response.status_code == expected
    assert snapshot(app) == before
    assert len(mailbox.messages) == mail_before


@fuzz(50)
@given(
    route=st.sampled_from(POST_ROUTES),
    body=st.binary(max_size=200),
    content_type=st.sampled_from(CONTENT_TYPES),
)
def test_a_malformed_form_body_is_refused_cleanly(
    tables, person, post_path, route, body, content_type
):
    # A valid token up front, so the body gets past the CSRF check.
    token = person.csrf_token()
    path = post_path(route)
    response = person.browser.client.post(
        path,
        data=f"csrf_token={token}&".encode() + body,
        content_type=content_type,
        headers={"X-CSRFToken": token},
    )
    assert_clean_answer(response)
    tables.assert_consistent()


@fuzz(50)
@given(
    route=st.sampled_from(POST_ROUTES),
    body=st.dictionaries(st.sampled_from(sorted(EVERY_FIELD)), json_values) | json_values,
    with_token=st.booleans(),
)
def test_a_form_posted_as_json_is_answered_cleanly_whatever_the_values(
    tables, person, post_path, route, body, with_token
):
    # Flask-WTF reads a JSON body as the form, so any JSON type reaches the
    # fields; with the token (in the body and the header) it passes CSRF too.
    headers, path = {}, post_path(route)
    if with_token:
        token = person.csrf_token()
        headers["X-CSRFToken"] = token
        if isinstance(body, dict):
            body = {**body, "csrf_token": token}
    response = person.ready().client.post(path, json=body, headers=headers)
    assert_clean_answer(response)
    tables.assert_consistent()
