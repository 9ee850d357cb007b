"""Recovery codes: ten one-time codes that stand in for a lost authenticator app.

Each is 120 random bits written as six groups of four base32 letters
(``k7qp-3mxa-f2zd-wq9c-h4ne-m2ra`` style): at 112 bits and more a plain
SHA-256 digest is a safe way to store it (ASVS 5.0 6.5.2), since no copy of
the digests can be guessed back to a code. Typing ignores case, spaces and
dashes.
"""

import base64
import hashlib
import re
import secrets

#: How many codes a person gets each time.
CODES_PER_SET = 10

#: Characters of a code, without its dashes (5 bits each: 120 bits).
CODE_LENGTH = 24


def new_codes(count: int = CODES_PER_SET) -> list[str]:
    """Return fresh codes, as shown to the person (lower case, dashed)."""
    return [_code() for _ in range(count)]


def _code() -> str:
    raw = base64.b32encode(secrets.token_bytes(15)).decode("ascii").lower()
    return "-".join(raw[i : i + 4] for i in range(0, CODE_LENGTH, 4))


def normalised(typed: str) -> str | None:
    """Return a typed code in the form its digest was taken of, or None if it cannot be one."""
    letters = re.sub(r"[\s-]", "", typed or "").lower()
    if len(letters) != CODE_LENGTH or not re.fullmatch(r"[a-z2-7]+", letters):
        return None
    return letters


def digest(code: str) -> str:
    """Return the SHA-256 of a code's letters (what is stored)."""
    letters = normalised(code)
    if letters is None:
        raise ValueError("not a recovery code")
    return hashlib.sha256(letters.encode("ascii")).hexdigest()
