"""Rules for text people type: one definition of each, used by forms, services and the CLI.

Control characters (Unicode category Cc: C0, DEL and C1 such as U+0085) break
storage (PostgreSQL refuses NUL) and terminals; format characters (Cf: the
right-to-left override, zero-width spaces, soft hyphens) make text read
differently from what it is, which matters wherever a name appears in a page,
a terminal or an email.
"""

import unicodedata

#: Display names: trimmed, 1-100 characters.
MAX_NAME_LENGTH = 100


class InvalidName(ValueError):
    """A display name breaks the rules; the message says how, in words for the person."""


def has_control_characters(text: str) -> bool:
    """Tell whether text holds a control character (category Cc, e.g. NUL, ESC, U+0085)."""
    return any(unicodedata.category(ch) == "Cc" for ch in text)


def has_format_characters(text: str) -> bool:
    """Tell whether text holds an invisible format character (category Cf, e.g. U+202E)."""
    return any(unicodedata.category(ch) == "Cf" for ch in text)


def without_control_characters(text: str | None) -> str:
    """Return text with its control characters dropped and its ends trimmed."""
    return "".join(ch for ch in text or "" if unicodedata.category(ch) != "Cc").strip()


def display_name(raw: str, max_length: int = MAX_NAME_LENGTH) -> str:
    """Return the trimmed display name, or raise ``InvalidName`` saying what is wrong.

    The same rules name things a person owns, such as a passkey (``max_length``).
    """
    name = raw.strip()
    if not 1 <= len(name) <= max_length:
        raise InvalidName(f"Use 1 to {max_length} characters.")
    if has_control_characters(name):
        raise InvalidName("Remove the invisible control characters.")
    if has_format_characters(name):
        raise InvalidName("Remove the invisible formatting characters (such as direction marks).")
    return name
