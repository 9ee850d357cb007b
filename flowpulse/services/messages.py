"""The emails FlowPulse sends: one small wrapper per message.

A person's display name is written only into mail to an address that person
has proven: anyone can type any name into a sign-up form, and official mail
must not carry a stranger's words to an inbox nobody has confirmed.
"""

from collections.abc import Callable

from flowpulse.core.mail import MailNotSent, send_email
from flowpulse.core.models import User
from flowpulse.services.links import absolute_url


def delivered(send: Callable[..., None], *args) -> bool:
    """Send one message; tell whether the SMTP server took it (failures are logged)."""
    try:
        send(*args)
    except MailNotSent:
        return False
    return True


def name_for(user: User, address: str) -> str | None:
    """Return the name to greet ``address`` with: only the owner's proven address gets it."""
    return user.name if address == user.email and user.email_verified else None


def send_verification_email(user: User, token: str) -> None:
    """Send the link that verifies a new account's address."""
    link = absolute_url("verification.verify_email", token=token)
    send_email(
        user.email,
        "Verify your email address",
        "verify_email",
        name=name_for(user, user.email),
        email=user.email,
        link=link,
    )


def send_already_registered_email(user: User) -> None:
    """Tell an address's owner that someone tried to sign up with it."""
    send_email(
        user.email,
        "You already have an account",
        "already_registered",
        name=name_for(user, user.email),
        login_link=absolute_url("auth.login"),
        reset_link=absolute_url("auth.forgot_password"),
    )


def send_password_reset_email(user: User, token: str) -> None:
    """Send a password-reset link to the address stored for the account."""
    link = absolute_url("auth.reset_password", token=token)
    send_email(
        user.email,
        "Reset your password",
        "reset_password",
        name=name_for(user, user.email),
        link=link,
    )


def send_password_changed_email(user: User) -> None:
    """Tell the owner their password changed, with a way back if it was not them."""
    send_email(
        user.email,
        "Your password was changed",
        "password_changed",
        name=name_for(user, user.email),
        reset_link=absolute_url("auth.forgot_password"),
    )


def send_email_change_link(user: User, new_email: str, token: str) -> None:
    """Send the link that confirms a new address to that new address."""
    link = absolute_url("verification.verify_email", token=token)
    send_email(
        new_email,
        "Confirm your new email address",
        "change_email",
        name=name_for(user, new_email),
        new_email=new_email,
        link=link,
    )


def send_email_change_notice(user: User, new_email: str) -> None:
    """Tell the current address that a change to ``new_email`` was asked for."""
    send_email(
        user.email,
        "Your email address is being changed",
        "email_change_notice",
        name=name_for(user, user.email),
        new_email=new_email,
        reset_link=absolute_url("auth.forgot_password"),
    )


def send_email_changed_notice(user: User, old_email: str, old_was_verified: bool) -> None:
    """Tell the old address that the account's address is now ``user.email``."""
    send_email(
        old_email,
        "Your email address was changed",
        "email_changed",
        name=user.name if old_was_verified else None,
        new_email=user.email,
        reset_link=absolute_url("auth.forgot_password"),
    )


def send_address_in_use_notice(address: str) -> None:
    """Tell an account's owner that someone asked to move another account to it."""
    send_email(
        address,
        "Someone tried to use your email address",
        "address_in_use",
        reset_link=absolute_url("auth.forgot_password"),
    )
