"""/profile: the name, picture and address a signed-in person sees and edits."""

from urllib.parse import parse_qs, urlsplit

import pytest

from flowpulse.profile.avatar import avatar_hue
from tests.browser import csrf_token_in

PROFILE_PAGES = [
    "/profile",
    "/profile/email",
    "/profile/password",
    "/profile/sessions",
    "/profile/delete",
    "/profile/avatar.svg",
]


def save_profile(browser, name="Ada Lovelace", image=""):
    return browser.submit("/profile", {"name": name, "image": image})


@pytest.mark.parametrize("path", PROFILE_PAGES)
def test_signed_out_visitors_are_sent_to_sign_in_and_back(client, path):
    response = client.get(path)
    assert response.status_code == 303
    location = urlsplit(response.headers["Location"])
    assert location.path == "/auth/login"
    assert parse_qs(location.query)["next"] == [path]


@pytest.mark.parametrize(
    "path",
    ["/profile", "/profile/sessions/revoke-others", "/profile/sessions/abc/revoke"],
)
def test_a_signed_out_form_post_is_sent_to_sign_in(browser, path):
    token = csrf_token_in(browser.get("/auth/login").get_data(as_text=True))
    response = browser.client.post(path, data={"csrf_token": token, "name": "Eve"})
    assert response.status_code == 303
    assert urlsplit(response.headers["Location"]).path == "/auth/login"


def test_the_profile_shows_name_address_verified_badge_and_member_since(browser, ada):
    page = browser.get("/profile").get_data(as_text=True)
    assert "Ada Lovelace" in page
    assert "ada@example.com" in page
    assert '<span class="badge ok">verified</span>' in page
    assert f'Member since <time datetime="{ada.created_at:%Y-%m-%dT%H:%M:%SZ}"' in page
    # Verified: no button to ask for another link.
    assert 'action="/verify/resend"' not in page


def test_the_header_links_to_profile_email_password_and_devices(browser, ada):
    page = browser.get("/profile").get_data(as_text=True)
    for href, label in [
        ("/profile", "Profile"),
        ("/profile/email", "Email"),
        ("/profile/password", "Password"),
        ("/profile/sessions", "Devices"),
    ]:
        assert f'href="{href}"' in page and f">{label}</a>" in page
    assert 'action="/auth/logout"' in page


def test_saving_the_profile_trims_the_name_and_moves_updated_at(browser, ada, user_row):
    before = user_row("ada@example.com")
    response = save_profile(browser, name="  Augusta Ada King  ")
    assert response.status_code == 303
    assert response.headers["Location"] == "/profile"
    after = user_row("ada@example.com")
    assert after.name == "Augusta Ada King"
    assert after.updated_at > before.updated_at
    page = browser.get("/profile").get_data(as_text=True)
    assert "Your profile was saved." in page
    assert "Augusta Ada King" in page


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "Enter your name."),
        ("   ", "Use 1 to 100 characters."),
        ("A" * 101, "Use 1 to 100 characters."),
        ("Ada\x00Lovelace", "Remove the invisible control characters."),
    ],
)
def test_a_name_outside_the_rules_is_refused_next_to_the_field(
    browser, ada, user_row, name, message
):
    response = save_profile(browser, name=name)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="name-error"' in page and message in page
    assert user_row("ada@example.com").name == "Ada Lovelace"


@pytest.mark.parametrize(
    "url",
    ["https://images.example.com/ada.png", "http://example.com/a.jpg?size=64", "HTTPS://EX.COM/a"],
)
def test_an_http_or_https_picture_url_is_stored_and_shown(browser, ada, user_row, url):
    assert save_profile(browser, image=url).status_code == 303
    assert user_row("ada@example.com").image == url
    page = browser.get("/profile").get_data(as_text=True)
    # Drawn over the initials, which show through if the picture does not load.
    assert f'<img class="avatar-photo" src="{url}"' in page
    assert '<img class="avatar-initials" src="/profile/avatar.svg"' in page


def test_clearing_the_picture_stores_null_and_shows_the_initials_avatar(browser, ada, user_row):
    save_profile(browser, image="https://images.example.com/ada.png")
    assert save_profile(browser, image="   ").status_code == 303
    assert user_row("ada@example.com").image is None
    assert 'src="/profile/avatar.svg"' in browser.get("/profile").get_data(as_text=True)


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JavaScript:alert(document.cookie)",
        "data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=",
        "ftp://files.example.com/ada.png",
        "/static/ada.png",
        "//evil.example/ada.png",
        "images.example.com/ada.png",
        "https://",
        "http:///no-host.png",
        "https://example.com/a b.png",
        "https://exa\x00mple.com/a.png",
        "https://example.com/\ta.png",
        "https://[::1/a.png",
        "https://example.com:99999/a.png",
        "https://example.com/" + "a" * 2040,
    ],
)
def test_a_picture_url_that_is_not_http_or_https_is_refused(browser, ada, user_row, url):
    response = save_profile(browser, image=url)
    assert response.status_code == 422
    assert 'id="image-error"' in response.get_data(as_text=True)
    assert user_row("ada@example.com").image is None


@pytest.mark.parametrize(("size", "status"), [(10_000, 422), (2_000_000, 413)])
def test_an_oversized_name_is_refused_with_a_4xx_not_a_crash(browser, ada, user_row, size, status):
    response = save_profile(browser, name="A" * size)
    assert response.status_code == status
    assert user_row("ada@example.com").name == "Ada Lovelace"


def test_the_name_is_escaped_wherever_it_is_shown(browser, ada):
    name = '<script>alert("x")</script>'
    assert save_profile(browser, name=name).status_code == 303
    for path in ["/profile", "/profile/sessions"]:
        page = browser.get(path).get_data(as_text=True)
        assert "<script>" not in page
        assert "&lt;script&gt;" in page


def test_the_initials_avatar_is_an_svg_of_the_persons_initials(browser, ada):
    response = browser.get("/profile/avatar.svg")
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    svg = response.get_data(as_text=True)
    assert ">AL</text>" in svg
    assert f"hsl({avatar_hue(ada.id)}, " in svg


def test_the_initials_avatar_keeps_markup_in_a_name_out_of_the_svg(browser, ada):
    save_profile(browser, name='<script>alert(1)</script> & "Co"')
    svg = browser.get("/profile/avatar.svg").get_data(as_text=True)
    assert "<script" not in svg
    assert ">SC</text>" in svg


def test_the_initials_avatar_keeps_its_colour_from_one_request_to_the_next(browser, ada):
    first = browser.get("/profile/avatar.svg").get_data()
    save_profile(browser, name="Ada King")  # new initials, same person
    second = browser.get("/profile/avatar.svg").get_data(as_text=True)
    assert f"hsl({avatar_hue(ada.id)}, " in first.decode()
    assert f"hsl({avatar_hue(ada.id)}, " in second
    assert ">AK</text>" in second


def test_different_people_get_different_avatar_colours():
    hues = {avatar_hue(f"user-{n}") for n in range(50)}
    assert len(hues) > 30
    assert all(0 <= hue < 360 for hue in hues)


def test_the_initials_avatar_is_allowed_by_the_content_security_policy(browser, ada):
    page = browser.get("/profile")
    # Same origin, and the policy lets images come from 'self'.
    assert 'src="/profile/avatar.svg"' in page.get_data(as_text=True)
    assert "img-src 'self'" in page.headers["Content-Security-Policy"]


class TestAnUnverifiedAddress:
    """With verification off, a person can be signed in before verifying."""

    @pytest.fixture
    def app_config(self):
        return {"AUTH_REQUIRE_EMAIL_VERIFICATION": False}

    def test_shows_an_unverified_badge_and_a_button_for_a_new_link(
        self, browser, make_user, mailbox
    ):
        make_user("ada@example.com", verified=False)
        browser.sign_in("ada@example.com")
        page = browser.get("/profile").get_data(as_text=True)
        assert '<span class="badge warn">not verified</span>' in page
        assert 'action="/verify/resend"' in page

        response = browser.submit("/profile", {}, action="/verify/resend")
        assert response.status_code == 303
        assert response.headers["Location"] == "/profile"
        assert "/verify/email/" in mailbox.text(mailbox.last_to("ada@example.com"))
