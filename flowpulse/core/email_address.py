"""Email addresses: validated and normalised one way everywhere."""

from flowpulse.core.text import has_control_characters

#: RFC 5321's limit on a whole address.
MAX_EMAIL_LENGTH = 254


class InvalidEmail(ValueError):
    """The text is not a usable email address; the message says why."""


def normalize_email(raw: str) -> str:
    """Return the canonical form of an address, or raise ``InvalidEmail``.

    email-validator's normalised form (Unicode domain, so the punycode and
    Unicode spellings of one domain are one address), lower-cased so that
    ``Ada@Example.com`` and ``ada@example.com`` are one account.
    """
    text = (raw or "").strip()
    if not text:
        raise InvalidEmail("Enter your email address.")
    if len(text) > MAX_EMAIL_LENGTH or has_control_characters(text):
        raise InvalidEmail("Enter a valid email address.")
    # email-validator (with idna's tables: ~25 ms) loads when an address is first read.
    from email_validator import EmailNotValidError, validate_email

    try:
        checked = validate_email(text, check_deliverability=False)
    except EmailNotValidError as exc:
        raise InvalidEmail(str(exc)) from None
    return checked.normalized.lower()
