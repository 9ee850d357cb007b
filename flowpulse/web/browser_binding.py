"""Binding a verification link to the browser it may sign in.

When a browser signs up (or proves the password of an unverified account),
it keeps a random secret in Flask's signed session cookie; the link's row
holds only the secret's digest. Opened in that browser the link signs it in;
opened anywhere else (another device, a stranger who was sent the link, a
page that made the victim's browser open the attacker's link) it only
verifies the address and asks the person to sign in.
"""

import secrets

from flask import session

from flowpulse.core.tokens import digest

#: Where the browser keeps its secret.
SESSION_KEY = "verification_browser"


class BrowserSecret:
    """A fresh secret for this browser: give the link its digest, keep it if the link went out."""

    def __init__(self):
        self._secret = secrets.token_urlsafe(32)
        self.digest = digest(self._secret)

    def keep(self) -> None:
        """Store the secret in this browser (replacing any older one)."""
        session[SESSION_KEY] = self._secret


def browser_secret() -> str | None:
    """Return the secret this browser holds, if it signed up or proved a password here."""
    value = session.get(SESSION_KEY)
    return value if isinstance(value, str) else None
