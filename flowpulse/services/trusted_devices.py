"""Browsers a person trusts to skip the second step for a while ("trust this device").

A trusted browser holds a random token in a cookie; the ``verification``
table holds its digest (purpose ``trust-device``), so a copy of the database
trusts nobody, and the trust can be taken back server-side: it ends with
every credential change (``discard_all_tokens``), when the person's sessions
are ended, when the factors change, when that browser signs out, and after
``AUTH_TRUST_DEVICE_DAYS``.
"""

from flask import current_app

from flowpulse.core.database import transaction
from flowpulse.core.models import User
from flowpulse.services import verification_tokens as tokens


def trust(user: User) -> str:
    """Trust one more browser of ``user``; return the token its cookie carries."""
    days = int(current_app.config["AUTH_TRUST_DEVICE_DAYS"])
    return tokens.issue_token(tokens.TRUST_DEVICE, user, days * 86400, replace=False)


def is_trusted(user: User, token: str | None) -> bool:
    """Tell whether ``token`` (a browser's cookie) trusts this very account."""
    if not token:
        return False
    try:
        use = tokens.peek_token(token, (tokens.TRUST_DEVICE,))
    except tokens.InvalidToken:
        return False
    return use.user.id == user.id


def forget(token: str | None) -> None:
    """Trust the browser holding ``token`` no more; the person's other browsers stay trusted."""
    if not token:
        return
    try:
        with transaction():
            tokens.consume_token(token, (tokens.TRUST_DEVICE,))
    except tokens.InvalidToken:
        pass  # forged, expired, or forgotten already: it trusts nobody either way


def forget_all(user_id: str) -> None:
    """Trust none of a user's browsers any more."""
    tokens.discard_tokens(tokens.TRUST_DEVICE, user_id)
