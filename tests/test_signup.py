"""/auth/signup: creating an account."""

from datetime import timedelta

import pytest

from flowpulse.core.clock import utcnow
from flowpulse.core.models import CREDENTIAL_PROVIDER, Account, MailMessage, User, Verification
from flowpulse.services.mail_composing import ADDRESS_NOTICE_INTERVAL_SECONDS
from flowpulse.services.signup import register_user
from tests.browser import LONG_PASSPHRASE, STRONG_PASSWORD, Browser
from tests.helpers import database_problems, field_error, main_text, run_at_once

#: What OWASP's Argon2id parameters look like at the start of a stored hash.
ARGON2ID_OWASP_PREFIX = "$argon2id$v=19$m=19456,t=2,p=1$"

NAME = "Ada Lovelace"
EMAIL = "ada@example.com"
TOO_LONG_PASSWORD = ("correct horse battery staple " * 5)[:129]
#: Browsers racing to sign up one address (the other races: tests/test_races.py).
CROWD = 12


def user_count(app) -> int:
    with app.app_context():
        return User.select().count()


def accounts_of(app, user: User) -> list[Account]:
    with app.app_context():
        return list(Account.select().where(Account.user == user.id))


def sign_up_and_follow(browser: Browser, email: str, name: str = NAME):
    """Sign up, then open the page the answer redirects to; return both."""
    response = browser.sign_up(email, name=name)
    return response, browser.get(response.headers["Location"])


def test_signing_up_creates_a_user_and_its_password_account(app, browser, user_row):
    response = browser.sign_up(EMAIL)
    assert response.status_code == 303
    user = user_row(EMAIL)
    assert user.name == NAME
    assert not user.email_verified
    [account] = accounts_of(app, user)
    assert account.provider_id == CREDENTIAL_PROVIDER == "credential"
    assert account.account_id == user.id


def test_the_password_is_stored_as_an_owasp_argon2id_hash_never_in_clear(app, browser, user_row):
    browser.sign_up(EMAIL)
    [account] = accounts_of(app, user_row(EMAIL))
    assert account.password.startswith(ARGON2ID_OWASP_PREFIX)
    assert STRONG_PASSWORD not in account.password


def test_a_failure_while_creating_the_account_leaves_no_user_behind(app, monkeypatch):
    def refuse(*args, **kwargs):
        raise RuntimeError("the account insert failed")

    monkeypatch.setattr(Account, "create", refuse)
    with app.app_context(), pytest.raises(RuntimeError):
        register_user(NAME, EMAIL, STRONG_PASSWORD)
    assert user_count(app) == 0


def test_the_email_is_stored_lower_cased(browser, user_row):
    browser.sign_up("Ada@Example.com")
    assert user_row("ada@example.com").email == "ada@example.com"


@pytest.mark.parametrize(
    ("first", "second"),
    [("x@xn--bcher-kva.ch", "x@bücher.ch"), ("x@bücher.ch", "X@XN--BCHER-KVA.CH")],
    ids=["punycode-then-unicode", "unicode-then-punycode"],
)
def test_the_punycode_and_unicode_spellings_of_a_domain_are_one_account(
    app, new_browser, user_row, first, second
):
    new_browser().sign_up(first, name="Xavier Bloggs")
    new_browser().sign_up(second, name="Xavier Bloggs")
    assert user_count(app) == 1
    assert user_row("x@bücher.ch") is not None


def test_the_name_is_trimmed(browser, user_row):
    browser.sign_up(EMAIL, name="   Ada Lovelace  ")
    assert user_row(EMAIL).name == "Ada Lovelace"


def test_a_name_of_one_hundred_characters_is_accepted(browser, user_row):
    assert browser.sign_up(EMAIL, name="A" * 100).status_code == 303
    assert user_row(EMAIL).name == "A" * 100


@pytest.mark.parametrize("length", [15, 72, 73, 128])
def test_passphrases_of_15_to_128_characters_are_accepted(browser, user_row, length):
    response = browser.sign_up(EMAIL, password=LONG_PASSPHRASE[:length])
    assert response.status_code == 303
    assert user_row(EMAIL) is not None


@pytest.mark.parametrize(
    ("name", "email", "password", "field", "message"),
    [
        pytest.param("", EMAIL, STRONG_PASSWORD, "name", "enter your name", id="empty-name"),
        pytest.param("   ", EMAIL, STRONG_PASSWORD, "name", "1 to 100", id="blank-name"),
        pytest.param("A" * 101, EMAIL, STRONG_PASSWORD, "name", "1 to 100", id="name-101"),
        pytest.param(NAME, "", STRONG_PASSWORD, "email", "enter your email", id="empty-email"),
        pytest.param(NAME, "not-an-email", STRONG_PASSWORD, "email", "", id="no-at-sign"),
        pytest.param(NAME, "ada@", STRONG_PASSWORD, "email", "", id="no-domain"),
        pytest.param(NAME, "ada@exa mple.com", STRONG_PASSWORD, "email", "", id="space"),
        pytest.param(NAME, EMAIL, "", "password", "enter a password", id="empty-password"),
        pytest.param(NAME, EMAIL, "tiny password1", "password", "at least 15", id="14-chars"),
        pytest.param(
            NAME, EMAIL, "ada@example.com1234", "password", "too easy", id="password-is-email"
        ),
        pytest.param(
            NAME, EMAIL, "Ada Lovelace ada@example.com", "password", "too easy", id="name+email"
        ),
        pytest.param(NAME, EMAIL, TOO_LONG_PASSWORD, "password", "at most 128", id="129-chars"),
        pytest.param("Ada\x00Lovelace", EMAIL, STRONG_PASSWORD, "name", "", id="nul-in-name"),
        pytest.param(NAME, "ada\x00@example.com", STRONG_PASSWORD, "email", "", id="nul-in-email"),
        pytest.param("Ada\x07Lovelace", EMAIL, STRONG_PASSWORD, "name", "", id="bell-in-name"),
        pytest.param(NAME, "ada\x1b@example.com", STRONG_PASSWORD, "email", "", id="esc-in-email"),
        pytest.param("A" * 10_000, EMAIL, STRONG_PASSWORD, "name", "1 to 100", id="10k-name"),
        pytest.param(NAME, "a" * 10_000 + "@b.com", STRONG_PASSWORD, "email", "too long", id="10k"),
        pytest.param(NAME, EMAIL, "correct horse " * 715, "password", "too long", id="10k-pw"),
        pytest.param(
            NAME, "a@b.com\r\nBcc: x@y.com", STRONG_PASSWORD, "email", "", id="bcc-in-email"
        ),
        pytest.param("Ada\r\nBcc: x@y.com", EMAIL, STRONG_PASSWORD, "name", "", id="bcc-in-name"),
    ],
)
def test_invalid_sign_ups_are_refused_next_to_the_field_and_write_nothing(
    app, browser, mailbox, name, email, password, field, message
):
    response = browser.submit("/auth/signup", {"name": name, "email": email, "password": password})
    assert response.status_code in (400, 422)
    error = field_error(response, field)
    assert error, f"no message next to the {field} field"
    assert message in error.lower()
    assert user_count(app) == 0
    assert mailbox.messages == []


def test_a_taken_address_gets_byte_for_byte_the_answer_of_a_new_sign_up(make_user, new_browser):
    make_user(EMAIL)
    new_answer, new_page = sign_up_and_follow(new_browser(), "grace@example.com")
    taken_answer, taken_page = sign_up_and_follow(new_browser(), EMAIL)
    assert taken_answer.status_code == new_answer.status_code == 303
    assert taken_answer.headers["Location"] == new_answer.headers["Location"]
    assert taken_answer.get_data() == new_answer.get_data()
    assert taken_page.status_code == new_page.status_code
    # The page names the address it was given, and says nothing else about it.
    taken_text = main_text(taken_page).replace(EMAIL, "ADDRESS")
    assert taken_text == main_text(new_page).replace("grace@example.com", "ADDRESS")
    assert "check your inbox" in taken_text.lower()


def test_the_owner_of_a_taken_address_is_told_and_no_second_user_appears(
    app, make_user, new_browser, mailbox, user_row
):
    owner = make_user(EMAIL)
    hash_before = accounts_of(app, owner)[0].password
    new_browser().sign_up(EMAIL, password="a stranger typed this password 9", name="Mallory")
    assert user_count(app) == 1
    [message] = mailbox.to(EMAIL)
    assert "already have an account" in message["Subject"].lower()
    assert user_row(EMAIL).name == NAME
    assert accounts_of(app, owner)[0].password == hash_before


def test_eight_sign_ups_of_a_taken_address_mail_its_owner_once_and_answer_alike(
    make_user, new_browser, mailbox
):
    make_user(EMAIL)
    answers = [sign_up_and_follow(new_browser(), EMAIL) for _ in range(8)]
    # The budget is the mail's: every page is the one a new address gets.
    pages = {(a.status_code, a.headers["Location"], main_text(page)) for a, page in answers}
    assert len(pages) == 1
    assert [m["Subject"] for m in mailbox.to(EMAIL)] == ["You already have an account"]


def test_the_owner_of_a_taken_address_is_told_again_once_the_budget_period_passed(
    app, make_user, new_browser, mailbox
):
    make_user(EMAIL)
    new_browser().sign_up(EMAIL)
    with app.app_context():
        earlier = utcnow() - timedelta(seconds=ADDRESS_NOTICE_INTERVAL_SECONDS + 1)
        MailMessage.update(created_at=earlier).execute()
    new_browser().sign_up(EMAIL)
    assert len(mailbox.to(EMAIL)) == 2


def test_a_new_sign_up_is_emailed_a_verification_link(browser, mailbox):
    browser.sign_up(EMAIL)
    [message] = mailbox.to(EMAIL)
    assert "verify" in message["Subject"].lower()


def test_a_new_sign_up_is_not_signed_in_before_verifying(browser):
    browser.sign_up(EMAIL)
    assert not browser.is_signed_in()


def race_to_sign_up(new_browser) -> tuple[list[Browser], list]:
    """Sign up one address from ``CROWD`` browsers at the same moment."""
    form = {"name": NAME, "email": EMAIL, "password": STRONG_PASSWORD}
    browsers = [new_browser() for _ in range(CROWD)]
    posts = [browser.ready_to_submit("/auth/signup", form) for browser in browsers]
    return browsers, run_at_once(*posts)


def assert_one_user_with_one_password_account(app) -> None:
    assert user_count(app) == 1
    with app.app_context():
        user = User.get()
    [account] = accounts_of(app, user)
    assert (account.provider_id, account.account_id) == (CREDENTIAL_PROVIDER, user.id)
    assert database_problems(app) == []


def test_concurrent_sign_ups_with_one_address_make_exactly_one_user(app, new_browser, mailbox):
    _, responses = race_to_sign_up(new_browser)
    # Every one gets the answer of a new sign-up: the race tells nobody anything.
    assert [r.status_code for r in responses] == [303] * CROWD
    assert {r.headers["Location"] for r in responses} == {"/auth/check-inbox"}
    assert_one_user_with_one_password_account(app)
    # The address is proven by nobody yet, so each sign-up that finds the
    # account starts it over (dropping the links still waiting to go out;
    # a replaced password alone is no news worth a second mail): only the
    # last verification link issued works.
    subjects = {message["Subject"] for message in mailbox.to(EMAIL)}
    assert subjects == {"Verify your email address"}
    with app.app_context():
        assert Verification.select().count() == 1


class TestWithoutEmailVerification:
    """``AUTH_REQUIRE_EMAIL_VERIFICATION`` off: a documented trade-off."""

    @pytest.fixture
    def app_config(self):
        return {"AUTH_REQUIRE_EMAIL_VERIFICATION": False}

    def test_signing_up_signs_the_new_user_in_at_once(self, browser):
        response = browser.sign_up(EMAIL)
        assert response.status_code == 303
        assert response.headers["Location"] == "/profile"
        assert browser.is_signed_in()

    def test_a_taken_address_is_told_so_on_the_form(self, app, make_user, browser):
        make_user(EMAIL)
        response = browser.sign_up(EMAIL, name="Grace Hopper")
        assert response.status_code in (400, 422)
        assert "already exists" in field_error(response, "email").lower()
        assert user_count(app) == 1
        assert not browser.is_signed_in()

    def test_concurrent_sign_ups_with_one_address_make_exactly_one_user(self, app, new_browser):
        browsers, responses = race_to_sign_up(new_browser)
        statuses = sorted(r.status_code for r in responses)
        assert statuses == [303] + [422] * (CROWD - 1)
        assert_one_user_with_one_password_account(app)
        # Only the winner is signed in.
        assert [browser.is_signed_in() for browser in browsers].count(True) == 1
