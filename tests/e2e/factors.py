"""Second factors and provider identities for the browser tests.

``AuthenticatorApp`` is the phone app: it shows the code of the current
30-second step, and never the code of a step it already showed (FlowPulse
takes each step once), so a test can sign in twice within a minute.
``turn_on_two_factor`` gives an account an app through the service the page
calls (a state that is not about the setup page need not go through it);
``github_person`` makes the account the GitHub stand-in signs in next.
"""

import itertools
import re
import time

import pyotp

from flowpulse.core import totp
from flowpulse.core.database import db
from flowpulse.core.models import User
from flowpulse.services import two_factor
from tests.oauth_servers.github import GitHubUser

#: GitHub's numeric ids for the people of this run (the stand-in's octocat is 12345).
_github_ids = itertools.count(700_001)


class AuthenticatorApp:
    """An authenticator app holding one secret."""

    def __init__(self, secret: str):
        self.secret = re.sub(r"\s", "", secret)
        self._last_step: int | None = None

    def code(self) -> str:
        """The code the app shows now: of this step, or of the next if this one was used
        (waiting for it, when that is more than one step of drift ahead)."""
        now = int(time.time() // 30)
        step = now if self._last_step is None else max(now, self._last_step + 1)
        if step > now + 1:  # beyond FlowPulse's one step of drift: wait, as a person would
            time.sleep((step - 1) * 30 - time.time() + 0.1)
        self._last_step = step
        return pyotp.TOTP(self.secret).at(step * 30)


def turn_on_two_factor(site, email: str) -> tuple[AuthenticatorApp, list[str]]:
    """Turn an app on for the account of ``email``; return the app and its recovery codes."""
    app = AuthenticatorApp(totp.new_secret())
    with site.app.app_context():
        try:
            user = User.by_email(email)
            codes = two_factor.enable(
                user, app.secret, app.code(), keep_session_id=None, end_other_sessions=False
            )
        finally:
            db.close()
    return app, codes


def use_recovery_codes(site, email: str, codes: list[str]) -> None:
    """Spend recovery codes of ``email``'s account (as sign-ins on other devices would)."""
    with site.app.app_context():
        try:
            user = User.by_email(email)
            for code in codes:
                two_factor.check_code(user, code)
        finally:
            db.close()


def github_person(site, email: str, *, name: str = "Mona Lisa Octocat", verified: bool = True):
    """Add a GitHub account with ``email`` as its primary address; it signs in next."""
    number = next(_github_ids)
    emails = [{"email": email, "primary": True, "verified": verified, "visibility": None}]
    emails = emails if email else []
    person = GitHubUser(id=number, login=f"mona{number}", name=name, emails=emails)
    return site.github.add_user(person)
