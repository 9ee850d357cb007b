"""Forms that answer for themselves when a request never reached their view.

Two checks run before a view: the rate limit and (for most signed-in forms)
Flask-WTF's CSRF check. Either used to answer with a bare error page that
lost what the person typed. A view module registers how to draw its form
page instead (``@form_page("profile.email")``); the 429 and CSRF handlers
then re-render that form, filled in from the post (passwords are never
written back: WTForms' password inputs do not render their value), with
the reason above it, and keep their status (429, 400).
"""

import math
import time
from collections.abc import Callable

from flask import make_response, request
from flask.wrappers import Response
from flask_login import current_user

#: A form page's drawer: ``render(message, limited=...)`` returns the page.
Render = Callable[..., str | Response]

_PAGES: dict[str, tuple[Render, bool]] = {}


def form_page(endpoint: str, *, signed_in: bool = False) -> Callable[[Render], Render]:
    """Register the function that draws ``endpoint``'s form with a message above it.

    ``signed_in``: the form belongs to a signed-in page; a signed-out browser
    posting to it (a CSRF failure is checked before sign-in) gets the plain page.
    """

    def register(render: Render) -> Render:
        _PAGES[endpoint] = (render, signed_in)
        return render

    return register


def refused_form(message: str, status: int, *, limited: bool = False) -> Response | None:
    """Re-render the form this request posted, with ``message``; None if it has none."""
    render, signed_in = _PAGES.get(request.endpoint or "", (None, False))
    if render is None or (signed_in and not current_user.is_authenticated):
        return None
    response = make_response(render(message, limited=limited))
    response.status_code = status
    return response


def seconds_until(reset_at: float, *, now: float | None = None) -> int:
    """Whole seconds until ``reset_at`` (a Unix time), as ``Retry-After`` says them; at least 1."""
    return max(1, int(reset_at - (time.time() if now is None else now)))


def minutes_in(seconds: int) -> int:
    """Whole minutes a wait of ``seconds`` takes, rounded up, at least one."""
    return max(1, math.ceil(seconds / 60))


def too_many_attempts(minutes: int) -> str:
    """What a rate-limited form says: when the person may try again."""
    unit = "minute" if minutes == 1 else "minutes"
    return f"Too many attempts \u2014 try again in {minutes} {unit}."
