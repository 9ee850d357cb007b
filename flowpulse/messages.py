"""The emails FlowPulse sends: one small wrapper per message."""

from flowpulse.links import absolute_url
from flowpulse.mail import send_email
from flowpulse.models import User


def send_verification_email(user: User, token: str) -> None:
    """Send the link that verifies a new account's address."""
    link = absolute_url("verification.verify_email", token=token)
    send_email(user.email, "Verify your email address", "verify_email", user=user, link=link)


def send_already_registered_email(user: User) -> None:
    """Tell an address's owner that someone tried to sign up with it."""
    send_email(
        user.email,
        "You already have an account",
        "already_registered",
        user=user,
        login_link=absolute_url("auth.login"),
        reset_link=absolute_url("auth.forgot_password"),
    )


def send_password_reset_email(user: User, token: str) -> None:
    """Send a password-reset link to the address stored for the account."""
    link = absolute_url("auth.reset_password", token=token)
    send_email(user.email, "Reset your password", "reset_password", user=user, link=link)


def send_password_changed_email(user: User) -> None:
    """Tell the owner their password changed, with a way back if it was not them."""
    send_email(
        user.email,
        "Your password was changed",
        "password_changed",
        user=user,
        reset_link=absolute_url("auth.forgot_password"),
    )


def send_email_change_link(user: User, new_email: str, token: str) -> None:
    """Send the link that confirms a new address to that new address."""
    link = absolute_url("verification.verify_email", token=token)
    send_email(
        new_email,
        "Confirm your new email address",
        "change_email",
        user=user,
        new_email=new_email,
        link=link,
    )


def send_email_change_notice(user: User, new_email: str) -> None:
    """Tell the current address that a change to ``new_email`` was asked for."""
    send_email(
        user.email,
        "Your email address is being changed",
        "email_change_notice",
        user=user,
        new_email=new_email,
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
