"""Turn command-line arguments into checked values: addresses, users, names, passwords."""

import click

from flowpulse.cli.errors import fail
from flowpulse.email_address import InvalidEmail, normalize_email
from flowpulse.models import User
from flowpulse.services.credentials import WeakPassword, check_new_password
from flowpulse.services.registration import MAX_NAME_LENGTH


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
    name = raw.strip()
    if not 1 <= len(name) <= MAX_NAME_LENGTH:
        fail(f"the name must be 1 to {MAX_NAME_LENGTH} characters (after trimming spaces)")
    if has_control_characters(name):
        fail("the name must not contain control characters")
    return name


def checked_search(raw: str | None) -> str | None:
    """Return search text fit for a query (PostgreSQL refuses NUL bytes)."""
    if raw is None:
        return None
    if has_control_characters(raw):
        fail("the search text must not contain control characters")
    return raw.strip() or None


def new_password(given: str | None, *, name: str, email: str) -> str:
    """Return a password that meets the policy, prompting twice if none was given."""
    password = given
    if password is None:
        # Hidden and asked twice: a typo would lock the person out.
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        check_new_password(password, name=name, email=email)
    except WeakPassword as exc:
        fail("weak password: " + " ".join(exc.problems))
    return password


def has_control_characters(text: str) -> bool:
    """Tell whether text holds a character below U+0020 or DEL."""
    return any(ord(ch) < 32 or ord(ch) == 127 for ch in text)
