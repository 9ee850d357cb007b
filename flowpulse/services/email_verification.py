"""Verifying the address of a new account, and sending the link again."""

from flask import current_app

from flowpulse import audit
from flowpulse.database import write_transaction
from flowpulse.mail import MailNotSent
from flowpulse.messages import send_verification_email
from flowpulse.models import User
from flowpulse.services import verification_tokens as tokens
from flowpulse.services.email_change import apply_email_change

#: At most one verification email a minute per account (CONTRACT §6).
RESEND_INTERVAL_SECONDS = 60


def send_verification(user: User) -> bool:
    """Email a fresh verification link; False if the mail could not be sent."""
    token = tokens.issue_token(
        tokens.VERIFY_EMAIL, user.id, current_app.config["AUTH_VERIFICATION_TOKEN_TTL"]
    )
    try:
        send_verification_email(user, token)
    except MailNotSent:
        return False
    return True


def resend_verification(user: User) -> bool:
    """Send a new link unless the address is verified or one went out recently.

    Returns whether a message was sent. The one-a-minute limit stops the form
    (and sign-in attempts) being used to flood someone's inbox.
    """
    if user.email_verified:
        return False
    if tokens.issued_within(tokens.VERIFY_EMAIL, user.id, RESEND_INTERVAL_SECONDS):
        return False
    return send_verification(user)


def use_email_link(token: str) -> tuple[User, str]:
    """Use an emailed address link; return its user and what it was for.

    A sign-up link (``VERIFY_EMAIL``) marks the address verified; an
    email-change link (``CHANGE_EMAIL``) applies the new address. Raises
    ``InvalidToken`` when the link is unknown, used or expired, and
    ``EmailTaken`` when a changed-to address was registered meanwhile.
    """
    with write_transaction():
        use = tokens.consume_token(token, (tokens.VERIFY_EMAIL, tokens.CHANGE_EMAIL))
        if use.purpose == tokens.CHANGE_EMAIL:
            return apply_email_change(use), use.purpose
        user = User.get_or_none(User.id == use.user_id)
        if user is None:
            raise tokens.InvalidToken("the account no longer exists")
        User.update(email_verified=True).where(User.id == user.id).execute()
        tokens.discard_tokens(tokens.VERIFY_EMAIL, user.id)
    user.email_verified = True
    audit.record("email.verified", user=user.id)
    return user, use.purpose
