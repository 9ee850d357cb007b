"""/profile/passkeys: adding a passkey (after re-authentication), listing, renaming, deleting."""

import re

import pytest

from flowpulse.core.models import Account, Passkey, User
from flowpulse.services import passkeys as keys
from tests.browser import OTHER_STRONG_PASSWORD
from tests.helpers import flashed_messages, main_text
from tests.passkey_helpers import add_passkey, expire_recent_sign_in, page_csrf, post_json
from tests.soft_authenticator import SoftAuthenticator

#: The AAGUID of 1Password's passkeys (flowpulse.core.aaguids names it).
ONE_PASSWORD = bytes.fromhex("bada5566a7aa401fbd9645619a55120d")


def rows(app, email="ada@example.com"):
    """The passkeys of the account with ``email``, as stored."""
    with app.app_context():
        return list(Passkey.select().join(User).where(User.email == email))


def test_a_person_adds_a_passkey_names_it_and_is_emailed(app, browser, ada, mailbox):
    expire_recent_sign_in(browser)
    answer = add_passkey(browser, SoftAuthenticator(), name="Work laptop")
    assert answer.status_code == 200, answer.get_data(as_text=True)
    assert answer.get_json() == {"redirect": "/profile/passkeys"}
    page = browser.get("/profile/passkeys")
    assert "Work laptop" in main_text(page) and "never used yet" in main_text(page)
    assert "Passkey \u201cWork laptop\u201d added" in " ".join(flashed_messages(page))
    (row,) = rows(app)
    assert (row.name, row.counter, row.device_type) == ("Work laptop", 0, "single_device")
    notice = mailbox.last_to("ada@example.com")
    assert notice["Subject"] == "A passkey was added to your account"
    assert "Work laptop" in mailbox.text(notice)


def test_an_unnamed_passkey_is_named_after_its_provider_or_just_passkey(app, browser, ada):
    assert add_passkey(browser, SoftAuthenticator(aaguid=ONE_PASSWORD)).status_code == 200
    assert add_passkey(browser, SoftAuthenticator()).status_code == 200
    assert sorted(row.name for row in rows(app)) == ["1Password", "Passkey"]


def test_adding_needs_the_password_once_the_sign_in_is_older_than_five_minutes(app, browser, ada):
    expire_recent_sign_in(browser)
    assert "Current password" in main_text(browser.get("/profile/passkeys"))
    for typed, message in ((None, "Type your current password"), ("wrong", "not right")):
        refused = add_passkey(browser, SoftAuthenticator(), password=typed)
        assert refused.status_code == 403
        assert message in refused.get_json()["error"]
    assert rows(app) == []


def test_right_after_signing_in_no_password_is_asked(app, browser, ada):
    assert "Current password" not in main_text(browser.get("/profile/passkeys"))
    assert add_passkey(browser, SoftAuthenticator(), password=None).status_code == 200


def test_the_options_exclude_the_persons_passkeys_so_one_device_is_not_added_twice(
    app, browser, ada
):
    device = SoftAuthenticator()
    assert add_passkey(browser, device).status_code == 200
    csrf = page_csrf(browser, "/profile/passkeys")
    options = post_json(browser, "/profile/passkeys/options", {}, csrf=csrf).get_json()
    (excluded,) = options["excludeCredentials"]
    assert excluded["id"] == rows(app)[0].credential_id
    assert options["authenticatorSelection"]["residentKey"] == "preferred"
    assert options["authenticatorSelection"]["userVerification"] == "preferred"
    assert options["rp"]["id"] == "localhost"


def test_a_bad_name_is_refused_before_the_browser_asks_for_the_passkey(app, browser, ada):
    for name in ("x" * 61, "evil\u202eexe", "tab\there"):
        refused = add_passkey(browser, SoftAuthenticator(), name=name)
        assert refused.status_code == 422
        assert refused.get_json()["error"].startswith("Passkey name:")
    assert rows(app) == []


def test_an_account_has_at_most_the_limit_of_passkeys(app, browser, ada, monkeypatch):
    monkeypatch.setattr(keys, "MAX_PASSKEYS", 2)
    for _ in range(2):
        assert add_passkey(browser, SoftAuthenticator()).status_code == 200
    refused = add_passkey(browser, SoftAuthenticator())
    assert refused.status_code == 409
    assert "the most one account can have" in refused.get_json()["error"]
    assert len(rows(app)) == 2


def test_renaming_changes_only_the_persons_own_passkey(app, browser, new_browser, ada, make_user):
    assert add_passkey(browser, SoftAuthenticator(), name="Old").status_code == 200
    (row,) = rows(app)
    path = f"/profile/passkeys/{row.id}/rename"
    renamed = browser.submit("/profile/passkeys", {"name": "Phone"}, action=path)
    assert renamed.status_code == 303
    assert rows(app)[0].name == "Phone"
    empty = browser.submit("/profile/passkeys", {"name": " "}, action=path)
    assert empty.status_code == 422 and "Enter a name for this passkey." in main_text(empty)
    make_user("bob@example.com", name="Bob")
    bob = new_browser()
    bob.sign_in("bob@example.com")
    assert bob.submit("/profile/passkeys", {"name": "Mine"}, action=path).status_code == 404
    assert rows(app)[0].name == "Phone"


def test_deleting_asks_for_the_password_and_emails_the_owner(app, browser, ada, mailbox):
    assert add_passkey(browser, SoftAuthenticator(), name="Laptop").status_code == 200
    (row,) = rows(app)
    expire_recent_sign_in(browser)
    path = f"/profile/passkeys/{row.id}/delete"
    wrong = browser.submit(path, {"current_password": OTHER_STRONG_PASSWORD})
    assert wrong.status_code == 422 and len(rows(app)) == 1
    deleted = browser.submit(path, {"current_password": "correct horse battery staple 42"})
    assert deleted.status_code == 303 and rows(app) == []
    notice = mailbox.last_to("ada@example.com")
    assert notice["Subject"] == "A passkey was removed from your account"
    assert "Laptop" in mailbox.text(notice)


def test_another_persons_passkey_cannot_be_seen_or_deleted(
    app, browser, new_browser, ada, make_user
):
    assert add_passkey(browser, SoftAuthenticator()).status_code == 200
    (row,) = rows(app)
    make_user("bob@example.com", name="Bob")
    bob = new_browser()
    bob.sign_in("bob@example.com")
    assert bob.get(f"/profile/passkeys/{row.id}/delete").status_code == 404
    token_page = bob.get("/profile/passkeys").get_data(as_text=True)
    assert row.id not in token_page
    assert len(rows(app)) == 1


def test_the_last_way_in_cannot_be_deleted(app, browser, ada):
    assert add_passkey(browser, SoftAuthenticator()).status_code == 200
    with app.app_context():
        Account.delete().execute()  # the account now signs in with its passkey only
    (row,) = rows(app)
    refused = browser.submit(f"/profile/passkeys/{row.id}/delete", {})
    assert refused.status_code == 409
    assert "only way you can sign in" in main_text(refused)
    assert len(rows(app)) == 1


@pytest.mark.parametrize(
    "send", ["form", "text", "list"], ids=["a form post", "not json", "a json list"]
)
def test_the_json_endpoints_refuse_anything_but_a_json_object(app, browser, ada, send):
    csrf = page_csrf(browser, "/profile/passkeys")
    headers = {"X-CSRFToken": csrf, "Accept": "application/json"}
    if send == "form":
        response = browser.client.post("/profile/passkeys/options", data={}, headers=headers)
    elif send == "text":
        response = browser.client.post(
            "/profile/passkeys", data="{", content_type="application/json", headers=headers
        )
    else:
        response = browser.client.post("/profile/passkeys", json=[1], headers=headers)
    assert response.status_code in {400, 415}
    assert response.get_json()["error"]


def test_a_json_post_without_the_csrf_header_is_refused(app, browser, ada):
    response = browser.client.post(
        "/profile/passkeys/options", json={}, headers={"Accept": "application/json"}
    )
    assert response.status_code == 400
    assert "expired" in response.get_json()["error"]


def test_a_signed_out_script_is_told_to_sign_in(app, browser, ada):
    csrf = page_csrf(browser, "/profile/passkeys")
    browser.sign_out()
    response = post_json(browser, "/profile/passkeys/options", {}, csrf=csrf)
    assert response.status_code in {400, 401}
    assert response.is_json


def test_without_javascript_the_page_says_what_adding_needs(app, browser, ada):
    page = browser.get("/profile/passkeys").get_data(as_text=True)
    assert "Adding a passkey needs a browser that supports passkeys" in page
    # The form is there for the script, hidden until it finds WebAuthn.
    assert re.search(r'<form[^>]*\shidden\s[^>]*data-passkey="register"', page)
