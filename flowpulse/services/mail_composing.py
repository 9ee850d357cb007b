"""Composing a queued email at delivery: its words, its recipient, and any link it carries.

A worker composes each outbox row when it delivers it (the request side
only queues: ``flowpulse.services.messages``). The text is rendered then,
and a message that carries a link gets the link minted then, under the
account's lock, so neither the outbox nor the task queue ever holds a
usable token. A message no longer wanted (its link discarded, its account
gone, the address told already) is not composed: ``compose`` says why.

A person's display name is written only into mail to an address that person
has proven: anyone can type any name into a sign-up form, and official mail
must not carry a stranger's words to an inbox nobody has confirmed.
"""

from typing import NamedTuple

from flask import current_app

from flowpulse.core.database import transaction
from flowpulse.core.models import MailMessage, User
from flowpulse.core.models import mail as kinds
from flowpulse.services import mail_attempts as attempts
from flowpulse.services import mail_outbox as outbox
from flowpulse.services import verification_tokens as tokens
from flowpulse.services.links import absolute_url
from flowpulse.services.messages import RESEND_INTERVAL_SECONDS

#: At most one email per address in 15 minutes of each notice a stranger can
#: cause by typing someone's address ("you already have an account", "someone
#: tried to use your address"): its owner learns someone tried, and a script
#: repeating it fills nobody's inbox. Decided when the message is composed,
#: so the page that caused it does the same work whatever the address.
ADDRESS_NOTICE_INTERVAL_SECONDS = 15 * 60


class Outgoing(NamedTuple):
    """A composed message: where it goes and what it says."""

    to: str
    subject: str
    template: str
    context: dict


def name_for(user: User, address: str) -> str | None:
    """Return the name to greet ``address`` with: only the owner's proven address gets it."""
    return user.name if address == user.email and user.email_verified else None


def compose(message: MailMessage) -> Outgoing | str:
    """Return the message to send, or the reason it is no longer wanted."""
    if message.kind in _ADDRESS_NOTICES and outbox.another_went_to_address_within(
        message, ADDRESS_NOTICE_INTERVAL_SECONDS
    ):
        minutes = ADDRESS_NOTICE_INTERVAL_SECONDS // 60
        return f"one went to this address less than {minutes} minutes before"
    context = outbox.context_of(message)
    if message.kind in _BY_ADDRESS:
        return _BY_ADDRESS[message.kind](message, context)
    user = User.get_or_none(User.id == message.user_id) if message.user_id else None
    if message.kind == kinds.ADDRESS_IN_USE:
        return _address_in_use(message)
    if user is None:
        return "the account no longer exists"
    return _BY_ACCOUNT[message.kind](message, user, context)


def _mint(message: MailMessage, purpose: str, user: User, ttl: int, **details) -> str | None:
    """Issue a message's link, unless the message was dropped meanwhile (its link discarded)."""
    with transaction():
        if User.locked(user.id) is None or not attempts.still_wanted(message):
            return None
        return tokens.issue_token(purpose, user, ttl, **details)


def _verification(message, user, context) -> Outgoing | str:
    if user.email_verified:
        return "the address is verified already"
    ttl = current_app.config["AUTH_VERIFICATION_TOKEN_TTL"]
    token = _mint(message, tokens.VERIFY_EMAIL, user, ttl, browser=context.get("browser"))
    if token is None:
        return "its link was discarded"
    link = absolute_url("verification.verify_email", token=token)
    return Outgoing(
        user.email,
        "Verify your email address",
        "verify_email",
        {"name": name_for(user, user.email), "email": user.email, "link": link},
    )


def _verification_asked_for(message, context) -> Outgoing | str:
    user = User.by_email(message.recipient)
    if user is None or user.email_verified:
        return "no account waits for this address"
    if tokens.issued_within(tokens.VERIFY_EMAIL, user.id, RESEND_INTERVAL_SECONDS):
        return "a link went out less than a minute ago"
    return _verification(message, user, {})


def _password_reset(message, context) -> Outgoing | str:
    # The account with this address now (never the address as typed).
    user = User.by_email(message.recipient)
    if user is None:
        return "no account has this address"
    ttl = current_app.config["AUTH_RESET_TOKEN_TTL"]
    token = _mint(message, tokens.RESET_PASSWORD, user, ttl)
    if token is None:
        return "its link was discarded"
    return Outgoing(
        user.email,
        "Reset your password",
        "reset_password",
        {
            "name": name_for(user, user.email),
            "link": absolute_url("auth.reset_password", token=token),
        },
    )


def _email_change_link(message, user, context) -> Outgoing | str:
    new_email = context["new_email"]
    ttl = current_app.config["AUTH_VERIFICATION_TOKEN_TTL"]
    token = _mint(message, tokens.CHANGE_EMAIL, user, ttl, new_email=new_email)
    if token is None:
        return "its link was discarded"
    return Outgoing(
        new_email,
        "Confirm your new email address",
        "change_email",
        {
            "name": name_for(user, new_email),
            "new_email": new_email,
            "link": absolute_url("verification.verify_email", token=token),
        },
    )


#: Notices: (subject, template); their text needs only the account and the context.
_NOTICES = {
    kinds.ALREADY_REGISTERED: "You already have an account",
    kinds.PASSWORD_CHANGED: "Your password was changed",
    kinds.EMAIL_CHANGE_NOTICE: "Your email address is being changed",
    kinds.EMAIL_CHANGED: "Your email address was changed",
    kinds.ACCOUNT_CONNECTED: "A sign-in method was connected to your account",
    kinds.ACCOUNT_DISCONNECTED: "A sign-in method was disconnected from your account",
    kinds.TWO_FACTOR_ENABLED: "Two-factor sign-in is on",
    kinds.TWO_FACTOR_DISABLED: "Two-factor sign-in is off",
    kinds.RECOVERY_CODES_RENEWED: "You have new recovery codes",
    kinds.RECOVERY_CODE_USED: "A recovery code was used to sign in",
    kinds.PASSKEY_ADDED: "A passkey was added to your account",
    kinds.PASSKEY_REMOVED: "A passkey was removed from your account",
    kinds.SECOND_STEP_FAILED: "Someone is trying to sign in to your account",
    kinds.WAYS_IN_REMOVED: "Ways into your account were removed",
}


def _notice(message, user, context) -> Outgoing:
    if message.kind == kinds.EMAIL_CHANGED:
        # To the old address, which the account no longer has.
        name = user.name if context.get("old_was_verified") else None
    else:
        name = name_for(user, message.recipient)
    return Outgoing(
        message.recipient,
        _NOTICES[message.kind],
        message.kind,
        {
            **context,
            "name": name,
            "login_link": absolute_url("auth.login"),
            "reset_link": absolute_url("auth.forgot_password"),
            "accounts_link": absolute_url("profile.accounts"),
            "passkeys_link": absolute_url("profile.passkeys"),
        },
    )


def _address_in_use(message) -> Outgoing:
    return Outgoing(
        message.recipient,
        "Someone tried to use your email address",
        kinds.ADDRESS_IN_USE,
        {"reset_link": absolute_url("auth.forgot_password")},
    )


#: Notices a stranger causes by typing an address: one per address per
#: ``ADDRESS_NOTICE_INTERVAL_SECONDS``.
_ADDRESS_NOTICES = (kinds.ALREADY_REGISTERED, kinds.ADDRESS_IN_USE)

_BY_ADDRESS = {
    kinds.VERIFY_EMAIL_ASKED: _verification_asked_for,
    kinds.RESET_PASSWORD: _password_reset,
}
_BY_ACCOUNT = {
    kinds.VERIFY_EMAIL: _verification,
    kinds.CHANGE_EMAIL: _email_change_link,
    **dict.fromkeys(_NOTICES, _notice),
}
