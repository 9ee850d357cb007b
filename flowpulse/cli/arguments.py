"""Turn command-line arguments into checked values: addresses, users, names, passwords."""

from typing import NoReturn

import click

from flowpulse.cli.errors import fail
from flowpulse.core.email_address import InvalidEmail, normalize_email
from flowpulse.core.models import User
from flowpulse.core.text import InvalidName, display_name, has_control_characters
from flowpulse.services.credentials import WeakPassword


def checked_email(raw: str) -> str:
    """Return the normalised address, or stop with why it is not one."""
    try:
        return normalize_email(raw)
    except InvalidEmail as exc:
        fail(f"invalid email address {raw!r}: {exc}")


def existing_user(raw_email: str) -> User:
    """Return the user with this address, or stop saying there is none."""
    email = checked_email(raw_email)
    user = User.by_email(email)
    if user is None:
        fail(f"no user with email {email}")
    return user


def checked_name(raw: str) -> str:
    """Return the trimmed display name, or stop saying what is wrong with it."""
    try:
        return display_name(raw)
    except InvalidName as exc:
        fail(f"the name is not allowed: {exc}")


def checked_search(raw: str | None) -> str | None:
    """Return search text fit for a query (PostgreSQL refuses NUL bytes)."""
    if raw is None:
        return None
    if has_control_characters(raw):
        fail("the search text must not contain control characters")
    return raw.strip() or None


def new_password(given: str | None) -> str:
    """Return the password given, or prompt for it twice (hidden) if none was."""
    if given is not None:
        return given
    # Asked twice: a typo would lock the person out.
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


def weak_password(exc: WeakPassword) -> NoReturn:
    """Stop, saying why the policy refused the password."""
    fail("weak password: " + " ".join(exc.problems))
