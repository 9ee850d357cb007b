"""The outbox: every email FlowPulse will send, written in the transaction that causes it.

A row describes a message, never its link: a message that carries a link
(verification, reset, email change) gets the link minted when the worker
delivers it, so no usable token is ever stored, here or in the task queue.
"""

from datetime import datetime

from peewee import DateTimeField, IntegerField, TextField

from flowpulse.core.clock import utcnow
from flowpulse.core.models.base import DEFAULT_NOW, BaseModel

#: A message waiting for its first or next attempt.
PENDING = "pending"
#: Accepted by the SMTP server (or printed to the log without one).
SENT = "sent"
#: Given up after ``MAIL_GIVE_UP_AFTER``; ``flask mail retry`` brings it back.
FAILED = "failed"
#: No longer wanted: its link was discarded before it went out, or it had
#: nobody to go to (a reset asked for an address without an account).
DROPPED = "dropped"


class MailMessage(BaseModel):
    """One email to deliver: what kind, to whom, and how its delivery is going."""

    kind = TextField()
    recipient = TextField()
    user_id = TextField(null=True)
    #: JSON of what the message says beyond the account (a new address, ...).
    context = TextField(default="{}")
    status = TextField(default=PENDING)
    attempts = IntegerField(default=0)
    next_attempt_at = DateTimeField(default=utcnow)
    #: A worker delivering the message owns it until then (None: nobody does).
    claimed_until = DateTimeField(null=True)
    last_error = TextField(null=True)
    created_at = DateTimeField(default=utcnow, constraints=[DEFAULT_NOW])
    updated_at = DateTimeField(default=utcnow, constraints=[DEFAULT_NOW])
    sent_at = DateTimeField(null=True)

    class Meta:
        table_name = "mail_message"

    def age(self, now: datetime | None = None) -> float:
        """Seconds since the message was queued."""
        return ((now or utcnow()) - self.created_at).total_seconds()


MailMessage.add_index(
    MailMessage.index(MailMessage.status, MailMessage.next_attempt_at, name="mail_message_due_idx")
)
MailMessage.add_index(MailMessage.index(MailMessage.user_id, name="mail_message_userId_idx"))

# -- Kinds: what a message is, and so how a worker composes it -------------

#: The link that verifies a new account's address (to the account).
VERIFY_EMAIL = "verify_email"
#: A new verification link asked for by address, signed out (resolved at delivery).
VERIFY_EMAIL_ASKED = "verify_email_asked"
#: A reset link asked for by address (resolved at delivery).
RESET_PASSWORD = "reset_password"  # noqa: S105 (a kind of message)
#: The link that confirms a new address (to that address).
CHANGE_EMAIL = "change_email"
#: Notices, which carry no link that does anything.
ALREADY_REGISTERED = "already_registered"
PASSWORD_CHANGED = "password_changed"  # noqa: S105 (a kind of message)
EMAIL_CHANGE_NOTICE = "email_change_notice"
EMAIL_CHANGED = "email_changed"
ADDRESS_IN_USE = "address_in_use"
#: A provider identity was connected to the account, or disconnected from it.
ACCOUNT_CONNECTED = "account_connected"
ACCOUNT_DISCONNECTED = "account_disconnected"
TWO_FACTOR_ENABLED = "two_factor_enabled"
TWO_FACTOR_DISABLED = "two_factor_disabled"
RECOVERY_CODES_RENEWED = "recovery_codes_renewed"
RECOVERY_CODE_USED = "recovery_code_used"
PASSKEY_ADDED = "passkey_added"
PASSKEY_REMOVED = "passkey_removed"
#: Wrong codes at a sign-in's second step: someone who has the password is guessing.
SECOND_STEP_FAILED = "second_step_failed"

#: An address was proven (or its unproven account started over): the ways in
#: nobody had proven it for were removed (``services.proven_address``).
WAYS_IN_REMOVED = "ways_in_removed"

#: Kinds whose message carries a link someone is waiting for, at the screen
#: that asked for it (sign-in codes join them when they come).
LINK_KINDS = (VERIFY_EMAIL, VERIFY_EMAIL_ASKED, RESET_PASSWORD, CHANGE_EMAIL)
