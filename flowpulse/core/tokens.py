"""Random tokens and their digests.

Only digests are stored: a copy of the database lets nobody sign in or use
an emailed link. Emailed tokens are split ``selector.verifier``: the selector
finds the row by primary key, the verifier's digest is compared in constant
time, so lookups leak nothing through timing.
"""

import hashlib
import hmac
import re
import secrets
from typing import NamedTuple

#: Bytes of randomness in a session token (256 bits).
SESSION_TOKEN_BYTES = 32

#: Bytes in the two halves of an emailed token.
SELECTOR_BYTES = 16
VERIFIER_BYTES = 32


def digest(token: str) -> str:
    """Return the SHA-256 hex digest of a token."""
    return hashlib.sha256(token.encode()).hexdigest()


def digests_match(expected_digest: str, token: str) -> bool:
    """Compare a stored digest with a presented token in constant time."""
    return hmac.compare_digest(expected_digest, digest(token))


def new_session_token() -> str:
    """Return a fresh opaque session token."""
    return secrets.token_urlsafe(SESSION_TOKEN_BYTES)


class SplitToken(NamedTuple):
    """An emailed token: the selector is public, the verifier is the secret."""

    selector: str
    verifier: str

    @property
    def text(self) -> str:
        """The token as it appears in a link."""
        return f"{self.selector}.{self.verifier}"


def new_split_token() -> SplitToken:
    """Return a fresh selector/verifier pair."""
    return SplitToken(secrets.token_urlsafe(SELECTOR_BYTES), secrets.token_urlsafe(VERIFIER_BYTES))


#: What a token from one of our links looks like; anything else is refused
#: before it reaches the database (NUL bytes would make PostgreSQL raise).
_SPLIT_TOKEN = re.compile(r"([A-Za-z0-9_-]{16,64})\.([A-Za-z0-9_-]{32,96})")


def parse_split_token(text: str) -> SplitToken | None:
    """Split a link's token; ``None`` when it cannot be one of ours."""
    match = _SPLIT_TOKEN.fullmatch(text or "")
    return SplitToken(match[1], match[2]) if match else None
