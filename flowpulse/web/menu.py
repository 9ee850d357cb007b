"""The account menu in every signed-in page's header, and how a product adds to it.

A team's blueprint adds its own pages next to FlowPulse's::

    from flowpulse.web.menu import add_account_link

    add_account_link(app, "surveys.index", "Surveys")

Links appear in the order they were added, after FlowPulse's own.
"""

from typing import NamedTuple

from flask import Flask

#: Where an app keeps its menu.
EXTENSION = "flowpulse.account_menu"


class MenuLink(NamedTuple):
    """One entry of the account menu: an endpoint and its label."""

    endpoint: str
    label: str


#: FlowPulse's own entries.
DEFAULT_LINKS = (
    MenuLink("profile.index", "Profile"),
    MenuLink("profile.email", "Email"),
    MenuLink("profile.password", "Password"),
    MenuLink("profile.sessions", "Devices"),
    MenuLink("profile.accounts", "Sign-in methods"),
)


def add_account_link(app: Flask, endpoint: str, label: str) -> None:
    """Add a link to ``endpoint`` (a page of the team's product) to the account menu."""
    app.extensions[EXTENSION].append(MenuLink(endpoint, label))


def init_app(app: Flask) -> None:
    """Give the app its menu, and its templates the ``account_links`` list."""
    app.extensions[EXTENSION] = list(DEFAULT_LINKS)
    links = app.extensions[EXTENSION]
    # The list itself, not a copy: links added after start-up show at once,
    # and no per-request work is done to build it.
    app.jinja_env.globals["account_links"] = links
