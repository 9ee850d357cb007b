"""What a view says of its rate-limited attempt: a failure, or none.

A limit that counts failures (wrong passwords, wrong codes) gives an attempt
back only on the view's word, said at the line that judged the guess, and
never because of the answer's status code: the wrong code that ends a
pending sign-in answers with a redirect and is a guess all the same.
``flowpulse.web.ratelimit.attempt_limit`` asks these after the view answered.
"""

from flask import g

#: What a view said of its limited attempt (kept in ``g.attempt``).
FAILURE = "failure"
NO_FAILURE = "no-failure"


def count_failure() -> None:
    """Say this request's limited attempt was a failure (a wrong password, code or passkey).

    Final: nothing said later in the request gives the attempt back.
    """
    g.attempt = FAILURE


def no_failure() -> None:
    """Say this request's limited attempt was no failure (a right answer, or nothing checked)."""
    if g.get("attempt") != FAILURE:
        g.attempt = NO_FAILURE


def said_no_failure() -> bool:
    """Refund rule: give the attempt back only when the view called ``no_failure``."""
    return g.get("attempt") == NO_FAILURE


def said_no_failure_or_checked_nothing() -> bool:
    """Refund rule of pages whose one password check always speaks (``confirm_current_password``).

    Such a page checks a password only through a function that calls
    ``count_failure`` on a wrong one, so a request that said nothing checked
    nothing (a form sent back for another field).
    """
    return g.get("attempt") != FAILURE
