"""The emails FlowPulse sends, queued each with the change that causes it.

Each ``queue_*`` function writes one outbox row (inside the caller's
transaction). A worker later composes it (``flowpulse.services.mail_composing``):
the text is rendered and any link minted then, so neither the outbox nor the
task queue ever holds a usable token.
"""

from flowpulse.core.models import User
from flowpulse.core.models import mail as kinds
from flowpulse.services import mail_outbox as outbox
from flowpulse.services import verification_tokens as tokens

#: At most one verification email a minute per account.
RESEND_INTERVAL_SECONDS = 60


def queue_verification(user: User, *, browser: str | None = None) -> None:
    """Queue the link that verifies ``user``'s address (``browser``: who it may sign in)."""
    outbox.enqueue(kinds.VERIFY_EMAIL, user.email, user_id=user.id, browser=browser)


def verification_sent_recently(user: User) -> bool:
    """Tell whether a verification link went out (or is on its way) in the last minute."""
    return tokens.issued_within(
        tokens.VERIFY_EMAIL, user.id, RESEND_INTERVAL_SECONDS
    ) or outbox.recently_queued(kinds.VERIFY_EMAIL, user.id, RESEND_INTERVAL_SECONDS)


def queue_verification_asked_for(address: str) -> None:
    """Queue a new verification link for whoever owns ``address``, if anyone does."""
    outbox.enqueue(kinds.VERIFY_EMAIL_ASKED, address)


def queue_password_reset_asked_for(address: str) -> None:
    """Queue a reset link for the account with ``address``, if there is one."""
    outbox.enqueue(kinds.RESET_PASSWORD, address)


def queue_email_change_link(user: User, new_email: str) -> None:
    """Queue the link that confirms ``new_email`` as ``user``'s new address."""
    outbox.enqueue(kinds.CHANGE_EMAIL, new_email, user_id=user.id, new_email=new_email)


def queue_notice(kind: str, user: User, *, to: str | None = None, **context) -> None:
    """Queue a notice about ``user``'s account (to its address unless ``to`` is given).

    An identical notice still waiting to go out absorbs this one (see
    ``flowpulse.services.mail_outbox``).
    """
    outbox.enqueue_notice(kind, to or user.email, user_id=user.id, **context)


def queue_already_registered_notice(owner: User) -> None:
    """Queue the notice to the owner of an address someone tried to sign up with."""
    # Not merged here: the sign-up page looks nothing more up for a taken
    # address; the per-address budget is applied when the notice is composed.
    outbox.enqueue(kinds.ALREADY_REGISTERED, owner.email, user_id=owner.id)


def queue_address_in_use_notice(address: str) -> None:
    """Queue the notice to an address someone tried to move another account to."""
    outbox.enqueue(kinds.ADDRESS_IN_USE, address)
