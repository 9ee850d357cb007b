"""What templates get (filters, the cached ``url_for``, ``site_name``) and where they are found.

Templates are looked up in order: the folders a product added with
``add_templates`` (the first added first), then FlowPulse's own
``templates/``. So a product's ``auth/login.html`` or
``email/reset_password.txt`` replaces FlowPulse's, pages and emails alike,
and every FlowPulse template that extends or includes another gets the
product's version of it too. FlowPulse's originals stay reachable under
``flowpulse/``: a product's ``auth/login.html`` may
``{% extends "flowpulse/auth/login.html" %}`` and change one block.
"""

from collections.abc import Callable
from datetime import datetime
from functools import lru_cache
from os import PathLike

from flask import Flask, current_app, has_request_context, request
from jinja2 import ChoiceLoader, FileSystemLoader, PrefixLoader

from flowpulse.core.clock import utcnow

#: Units for ``duration``, largest first, each with the least it is used for
#: (a day reads as "24 hours", as people say it of a link's lifetime).
_UNITS = (("day", 86400, 2), ("hour", 3600, 1), ("minute", 60, 1), ("second", 1, 0))


def duration(seconds: int | float) -> str:
    """Spell a lifetime the way a person says it: "24 hours", "1 hour", "90 minutes".

    The largest unit that measures it exactly, so no lifetime is rounded.
    """
    seconds = max(int(seconds), 0)
    unit, size = next(
        (unit, size)
        for unit, size, least in _UNITS
        if seconds >= least * size and seconds % size == 0
    )
    count = seconds // size
    return f"{count} {unit}{'' if count == 1 else 's'}"


#: Within this many seconds a moment reads as "now" (a session row records
#: activity at most every AUTH_SESSION_UPDATE_AGE, 5 minutes by default).
NOW_WITHIN = 300

#: Relative units, largest first: (seconds, singular, plural).
_AGO_UNITS = (
    (86400 * 365, "a year ago", "{} years ago"),
    (86400 * 30, "a month ago", "{} months ago"),
    (86400 * 7, "a week ago", "{} weeks ago"),
    (86400, "yesterday", "{} days ago"),
    (3600, "an hour ago", "{} hours ago"),
    (60, "a minute ago", "{} minutes ago"),
)


def time_ago(moment: datetime, now_text: str = "just now", *, now: datetime | None = None) -> str:
    """Say how long ago a stored UTC moment was: "just now", "3 hours ago", "yesterday"."""
    seconds = ((now or utcnow()) - moment).total_seconds()
    if seconds < NOW_WITHIN:
        return now_text
    for size, one, many in _AGO_UNITS:
        if seconds >= size:
            count = int(seconds // size)
            return one if count == 1 else many.format(count)
    return now_text  # pragma: no cover (NOW_WITHIN is more than a minute)


def iso_utc(moment: datetime) -> str:
    """A stored (naive UTC) moment for ``<time datetime>``: ``2026-12-01T10:05:00Z``."""
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def exact_utc(moment: datetime) -> str:
    """A stored (naive UTC) moment for people: ``01 Dec 2026, 10:05 UTC``."""
    return moment.strftime("%d %b %Y, %H:%M UTC")


#: Arguments of a ``url_for`` call whose answer is remembered: an endpoint
#: alone, or a static file. Calls with ids or ``_external`` are built each time.
_CACHED_ARGUMENTS = frozenset({"filename"})


def cached_url_for(app: Flask) -> Callable[..., str]:
    """Return ``url_for`` for templates, remembering the URLs of fixed links.

    A page builds the same twenty links on every request (stylesheets, the
    menu); each answer depends only on the endpoint, its arguments and the
    prefix the app is mounted at, so it is built once per process.
    """
    build = app.url_for

    @lru_cache(maxsize=256)
    def remembered(script_root: str, blueprint: str | None, endpoint: str, filename: str | None):
        values = {"filename": filename} if filename is not None else {}
        return build(endpoint, **values)

    def url_for(endpoint: str, **values) -> str:
        if not has_request_context() or not set(values) <= _CACHED_ARGUMENTS:
            return build(endpoint, **values)
        # A relative endpoint (".index") means the current blueprint's.
        blueprint = request.blueprint if endpoint.startswith(".") else None
        return remembered(request.script_root, blueprint, endpoint, values.get("filename"))

    return url_for


#: The prefix that always names FlowPulse's own template, overridden or not.
ORIGINALS_PREFIX = "flowpulse"


def add_templates(app: Flask, folder: str | PathLike) -> None:
    """Let the templates in ``folder`` replace FlowPulse's of the same name.

    Pages and emails alike; folders added earlier win over later ones, and
    all of them over FlowPulse's.
    """
    loaders = app.jinja_loader.loaders
    # Before FlowPulse's own loader and the ``flowpulse/`` prefix, the last two.
    loaders.insert(len(loaders) - 2, FileSystemLoader(folder))
    if app.jinja_env.cache is not None:
        app.jinja_env.cache.clear()  # a template compiled before now is looked up again


def _site_name() -> dict:
    """Give every page and email ``site_name``, read when it renders (``SITE_NAME``)."""
    return {"site_name": current_app.config["SITE_NAME"]}


def init_app(app: Flask) -> None:
    """Set up the template search order, the filters, ``site_name`` and the cached ``url_for``."""
    own = app.jinja_loader  # FlowPulse's templates/, the factory's template_folder
    app.jinja_loader = ChoiceLoader([own, PrefixLoader({ORIGINALS_PREFIX: own})])
    for template_filter in (duration, time_ago, iso_utc, exact_utc):
        app.add_template_filter(template_filter)
    app.context_processor(_site_name)
    app.jinja_env.globals["url_for"] = cached_url_for(app)
