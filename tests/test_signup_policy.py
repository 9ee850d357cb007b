"""SIGNUP_POLICY: a product may refuse a new account, on every way in, in its own words.

The policy is asked before anything is written, alike for a new and a taken
address (so a refusal tells nobody who has an account), and never about an
account that exists: those keep signing in.
"""

import pytest

from flowpulse.core.database import db
from flowpulse.core.models import MailMessage, User
from flowpulse.services.signup_policy import SignUpRefused
from tests import example_product
from tests.helpers import main_text
from tests.social import (  # noqa: F401 (fixtures)
    acme_settings,
    app_config,
    counts,
    extra_config,
    page_text,
    sign_in_with,
)

REFUSAL = "Acme is invite-only: ask your admin for an invitation."
STRONG = "correct horse battery staple 2026"


def refuse_all_but_acme(app) -> list[tuple[str, str, str]]:
    """Install a policy letting in only @acme.example; return the questions it is asked."""
    asked = []

    def policy(*, email: str, name: str, how: str) -> None:
        asked.append((email, name, how))
        if not email.endswith("@acme.example"):
            raise SignUpRefused(REFUSAL)

    app.config["SIGNUP_POLICY"] = policy
    return asked


def users_and_mail(app) -> tuple[int, int]:
    with app.app_context():
        found = User.select().count(), MailMessage.select().count()
        db.close()
    return found


def test_the_form_shows_the_products_refusal_and_writes_nothing(app, browser, mailbox):
    asked = refuse_all_but_acme(app)
    response = browser.sign_up("  Eve@Example.COM ", name="Eve")
    assert response.status_code == 422
    assert REFUSAL in main_text(response)
    assert users_and_mail(app) == (0, 0)
    assert mailbox.messages == []
    assert asked == [("eve@example.com", "Eve", "password")]


def test_a_refused_address_gets_the_same_answer_whether_or_not_it_has_an_account(
    app, make_user, new_browser, mailbox
):
    make_user("ada@example.com")
    refuse_all_but_acme(app)
    taken = new_browser().sign_up("ada@example.com")
    new = new_browser().sign_up("eve@example.com")
    assert (taken.status_code, new.status_code) == (422, 422)
    assert main_text(taken) == main_text(new).replace("eve@example.com", "ada@example.com")
    assert users_and_mail(app) == (1, 0)  # the owner is not even told: nothing happened
    assert mailbox.messages == []


def test_the_policy_is_asked_before_the_password_is_judged(app, browser):
    refuse_all_but_acme(app)
    response = browser.sign_up("eve@example.com", password="password")
    assert REFUSAL in main_text(response)
    assert "Use at least" not in main_text(response)


def test_an_address_the_policy_lets_in_signs_up_as_before(app, browser, mailbox):
    asked = refuse_all_but_acme(app)
    response = browser.sign_up("ada@acme.example")
    assert response.headers["Location"] == "/auth/check-inbox"
    assert mailbox.last_to("ada@acme.example")["Subject"] == "Verify your email address"
    assert asked == [("ada@acme.example", "Ada Lovelace", "password")]


def test_an_existing_account_keeps_signing_in(app, make_user, browser):
    make_user("ada@example.com")
    asked = refuse_all_but_acme(app)
    assert browser.sign_in("ada@example.com").status_code == 303
    assert asked == []


def test_the_cli_prints_the_refusal_on_one_line_and_exits_non_zero(app, runner):
    asked = refuse_all_but_acme(app)
    result = runner.invoke(
        args=["users", "create", "--email", "eve@example.com", "--name", "Eve"],
        input=f"{STRONG}\n{STRONG}\n",
    )
    assert result.exit_code == 1
    [line] = result.stderr.strip().splitlines()
    assert line == f"Error: the sign-up policy refused eve@example.com: {REFUSAL}"
    assert users_and_mail(app) == (0, 0)
    assert asked == [("eve@example.com", "Eve", "cli")]


def test_the_cli_creates_an_account_the_policy_lets_in(app, runner):
    refuse_all_but_acme(app)
    args = ["users", "create", "--email", "eve@acme.example", "--name", "Eve", "--password"]
    result = runner.invoke(args=[*args, STRONG])
    assert result.exit_code == 0, result.output
    assert users_and_mail(app)[0] == 1


def test_a_new_provider_identity_gets_the_problem_page_and_nothing_is_stored(
    app, browser, oidc_provider, mailbox
):
    asked = refuse_all_but_acme(app)
    response = sign_in_with(browser, oidc_provider, login="alice")
    assert response.status_code == 403
    assert REFUSAL in page_text(response)
    assert counts(app) == (0, 0, 0)
    assert mailbox.messages == []
    assert not browser.is_signed_in()
    assert asked == [("alice@example.com", "Alice Example", "acme")]


def test_a_provider_still_signs_in_an_account_that_exists(app, make_user, browser, oidc_provider):
    make_user("alice@example.com", name="Alice Example")
    asked = refuse_all_but_acme(app)
    response = sign_in_with(browser, oidc_provider, login="alice")
    assert response.status_code == 303
    assert browser.is_signed_in()
    assert asked == []


@pytest.mark.parametrize("extra_config", [{"AUTH_REQUIRE_EMAIL_VERIFICATION": False}])
def test_with_verification_off_the_form_refuses_alike(app, browser):
    refuse_all_but_acme(app)
    response = browser.sign_up("eve@example.com")
    assert response.status_code == 422
    assert REFUSAL in main_text(response)
    assert users_and_mail(app) == (0, 0)


def test_the_example_products_policy_lets_only_its_team_in(app, browser):
    app.config["SIGNUP_POLICY"] = example_product.team_only
    refused = browser.sign_up("eve@example.org")
    assert "Only example.com addresses can join this workspace." in main_text(refused)
    assert browser.sign_up("eve@example.com").status_code == 303
