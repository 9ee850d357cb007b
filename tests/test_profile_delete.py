"""/profile/delete: deleting an account takes everything of it, and only it."""

from flowpulse.core.clock import utcnow
from flowpulse.core.models import Account, Session, User, Verification
from flowpulse.services import verification_tokens as tokens
from tests.browser import STRONG_PASSWORD

PURPOSES = (tokens.VERIFY_EMAIL, tokens.RESET_PASSWORD, tokens.CHANGE_EMAIL)


def delete_account(browser, password=STRONG_PASSWORD):
    return browser.submit("/profile/delete", {"current_password": password})


def rows_of(app, user) -> dict[str, int]:
    """Count the rows that belong to a user, table by table."""
    with app.app_context():
        return {
            "user": User.select().where(User.id == user.id).count(),
            "session": Session.select().where(Session.user == user.id).count(),
            "account": Account.select().where(Account.user == user.id).count(),
            "verification": Verification.select()
            .where(
                Verification.identifier.in_([tokens.identifier_for(p, user.id) for p in PURPOSES])
            )
            .count(),
        }


def issue_link(app, purpose, user):
    with app.app_context():
        return tokens.issue_token(purpose, user, 3600)


def test_the_page_asks_for_the_password_and_names_the_account(browser, ada):
    page = browser.get("/profile/delete").get_data(as_text=True)
    assert "<strong>ada@example.com</strong>" in page
    assert 'name="current_password"' in page


def test_deleting_removes_the_user_sessions_accounts_and_pending_links(
    app, browser, new_browser, ada
):
    phone = new_browser()
    phone.sign_in("ada@example.com")
    issue_link(app, tokens.CHANGE_EMAIL, ada)
    issue_link(app, tokens.RESET_PASSWORD, ada)
    assert rows_of(app, ada) == {"user": 1, "session": 2, "account": 1, "verification": 2}

    response = delete_account(browser)
    assert response.status_code == 303
    assert response.headers["Location"] == "/profile/deleted"
    assert rows_of(app, ada) == {"user": 0, "session": 0, "account": 0, "verification": 0}


def test_deleting_signs_out_this_browser_and_every_other_device(app, browser, new_browser, ada):
    phone = new_browser()
    phone.sign_in("ada@example.com")
    response = delete_account(browser)
    assert response.headers["Clear-Site-Data"] == '"cookies", "storage"'
    assert browser.session_cookie is None
    assert not browser.is_signed_in()
    assert not phone.is_signed_in()
    assert new_browser().sign_in("ada@example.com").status_code == 422


def test_the_farewell_page_opens_without_an_account(browser, ada):
    delete_account(browser)
    response = browser.get("/profile/deleted")
    assert response.status_code == 200
    assert "Your account is deleted" in response.get_data(as_text=True)


def test_deleting_leaves_other_accounts_untouched(app, browser, new_browser, ada, make_user):
    grace = make_user("grace@example.com", name="Grace Hopper")
    grace_browser = new_browser()
    grace_browser.sign_in("grace@example.com")
    issue_link(app, tokens.CHANGE_EMAIL, grace)
    before = rows_of(app, grace)

    delete_account(browser)
    assert (
        rows_of(app, grace)
        == before
        == {
            "user": 1,
            "session": 1,
            "account": 1,
            "verification": 1,
        }
    )
    assert grace_browser.is_signed_in()


def test_a_link_whose_identifier_differs_only_in_case_is_not_deleted(app, browser, ada):
    # Ids are case-sensitive: a LIKE that folds case would take a stranger's link.
    with app.app_context():
        Verification.create(
            identifier=f"change-email:{ada.id.swapcase()}",
            value="x",
            expires_at=utcnow(),
        )
    delete_account(browser)
    with app.app_context():
        assert Verification.select().count() == 1


def test_the_farewell_page_sends_a_signed_in_person_to_their_profile(browser, ada):
    response = browser.get("/profile/deleted")
    assert response.status_code == 303
    assert response.headers["Location"] == "/profile"


def test_a_wrong_password_deletes_nothing(app, browser, ada):
    # The message itself: tests/test_profile_reauthentication.py.
    assert delete_account(browser, "not my password at all").status_code == 422
    assert rows_of(app, ada)["user"] == 1
    assert browser.is_signed_in()


def test_an_empty_password_is_asked_for_and_deletes_nothing(app, browser, ada):
    response = delete_account(browser, "")
    assert response.status_code == 422
    assert 'id="current_password-error"' in response.get_data(as_text=True)
    assert rows_of(app, ada)["user"] == 1
