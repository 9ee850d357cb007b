"""The header's account menu: one <details> at every width, with the product's own links."""

from datetime import timedelta

import pytest
from flask import Blueprint
from flask_login import login_required

from flowpulse.core.clock import utcnow
from flowpulse.web.menu import add_account_link
from flowpulse.web.templating import time_ago


def test_the_menu_is_a_details_element_with_flowpulse_links_then_the_products(
    app, make_user, new_browser
):
    surveys = Blueprint("surveys", __name__)
    surveys.add_url_rule("/surveys", "index", login_required(lambda: "surveys"))
    app.register_blueprint(surveys)  # before the app's first request, as a product does
    add_account_link(app, "surveys.index", "Surveys")
    make_user("ada@example.com")
    browser = new_browser()
    browser.sign_in("ada@example.com")
    html = browser.get("/profile").get_data(as_text=True)
    menu = html.split('<details class="account-menu">', 1)[1].split("</details>", 1)[0]
    assert "<summary>" in menu
    labels = [part.split("<", 1)[0] for part in menu.split('">')[1:] if "</a>" in part]
    assert labels[:6] == ["Profile", "Email", "Password", "Devices", "Sign-in methods", "Surveys"]
    assert '<button type="submit" class="menu-item">Sign out</button>' in menu
    assert 'title="Ada Lovelace"' in menu  # the whole name, where the menu cuts it short


def test_a_signed_out_header_offers_sign_in_and_create_account(client):
    html = client.get("/").get_data(as_text=True)
    assert "account-menu" not in html
    assert 'href="/auth/login"' in html and 'href="/auth/signup"' in html


NOW = utcnow()


@pytest.mark.parametrize(
    ("ago", "said"),
    [
        (timedelta(seconds=20), "just now"),
        (timedelta(minutes=4), "just now"),
        (timedelta(minutes=5), "5 minutes ago"),
        (timedelta(minutes=61), "an hour ago"),
        (timedelta(hours=3, minutes=5), "3 hours ago"),
        (timedelta(days=1, hours=2), "yesterday"),
        (timedelta(days=3), "3 days ago"),
        (timedelta(days=14), "2 weeks ago"),
        (timedelta(days=70), "2 months ago"),
        (timedelta(days=800), "2 years ago"),
    ],
)
def test_times_read_as_people_say_them(ago, said):
    assert time_ago(NOW - ago, now=NOW) == said


def test_the_last_activity_of_a_device_in_use_reads_active_now(browser, ada):
    html = browser.get("/profile/sessions").get_data(as_text=True)
    assert ">Active now</time>" in html
    assert 'title="' in html.split(">Active now</time>")[0].rsplit("<time", 1)[1]
