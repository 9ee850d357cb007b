"""Encryption at rest for secrets FlowPulse must read back (provider tokens).

Digests suit what is only ever compared (session tokens, emailed links); an
OAuth access token must be sent to the provider again, so it is encrypted
instead: Fernet (AES-128-CBC with HMAC-SHA256, from ``cryptography``) under
``MultiFernet``, whose first key encrypts and whose every key decrypts, so
keys rotate without a flag day (``flask oauth rotate-keys`` re-encrypts).

``AUTH_TOKEN_ENCRYPTION_KEYS`` is a list of Fernet keys. Unset, one key is
derived from ``SECRET_KEY`` with HKDF-SHA256 (and one from each
``SECRET_KEY_FALLBACKS`` entry, which then only decrypt), so a deployment
works out of the box; a dedicated key is better in production (the README
says why).
"""

import base64
import json

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import Flask, current_app

__all__ = ["CipherError", "InvalidToken", "cipher", "decrypt", "encrypt", "init_app", "rotate"]

#: Where an app keeps its cipher.
EXTENSION = "flowpulse.crypto"

#: HKDF's context: a key derived for this purpose is useless for any other.
DERIVATION_INFO = b"flowpulse token encryption v1"


class CipherError(ValueError):
    """``AUTH_TOKEN_ENCRYPTION_KEYS`` is not a list of Fernet keys (one clear line)."""


def derive_key(secret: str) -> bytes:
    """Return the Fernet key HKDF-SHA256 derives from an app secret."""
    material = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=DERIVATION_INFO)
    return base64.urlsafe_b64encode(material.derive(secret.encode()))


def configured_keys(config) -> list[bytes]:
    """Return the keys in force, the encrypting one first."""
    keys = config.get("AUTH_TOKEN_ENCRYPTION_KEYS")
    if isinstance(keys, str):
        keys = _parse_key_list(keys)
    if keys:
        if not isinstance(keys, list | tuple) or not all(isinstance(k, str) for k in keys):
            raise CipherError("AUTH_TOKEN_ENCRYPTION_KEYS must be a list of Fernet keys")
        return [key.strip().encode() for key in keys]
    secrets = [config["SECRET_KEY"], *reversed(config.get("SECRET_KEY_FALLBACKS") or [])]
    return [derive_key(secret) for secret in secrets]


def _parse_key_list(text: str) -> list[str]:
    """Read a JSON list, or keys separated by commas or spaces."""
    try:
        parsed = json.loads(text)
    except ValueError:
        return [part for part in text.replace(",", " ").split() if part]
    return parsed if isinstance(parsed, list) else [text]


def build_cipher(keys: list[bytes]) -> MultiFernet:
    """Return a MultiFernet over ``keys``; ``CipherError`` names the first bad one."""
    fernets = []
    for position, key in enumerate(keys, start=1):
        try:
            fernets.append(Fernet(key))
        except (ValueError, TypeError):
            raise CipherError(
                f"AUTH_TOKEN_ENCRYPTION_KEYS: key {position} is not a Fernet key "
                "(32 url-safe base64-encoded bytes; make one with `flask oauth new-key`)"
            ) from None
    return MultiFernet(fernets)


def init_app(app: Flask) -> None:
    """Build the app's cipher once, at start-up: a bad key stops the app, not a request."""
    app.extensions[EXTENSION] = build_cipher(configured_keys(app.config))


def cipher() -> MultiFernet:
    """Return the current app's cipher."""
    return current_app.extensions[EXTENSION]


def encrypt(text: str | None) -> str | None:
    """Encrypt text with the first key (None stays None)."""
    if text is None:
        return None
    return cipher().encrypt(text.encode()).decode("ascii")


def decrypt(stored: str | None) -> str | None:
    """Decrypt what ``encrypt`` stored, with any configured key; ``InvalidToken`` otherwise."""
    if stored is None:
        return None
    return cipher().decrypt(stored.encode("ascii")).decode()


def rotate(stored: str | None) -> str | None:
    """Re-encrypt a stored value with the first key (``InvalidToken`` if no key opens it)."""
    if stored is None:
        return None
    return cipher().rotate(stored.encode("ascii")).decode("ascii")


def new_key() -> str:
    """Return a fresh random Fernet key, for ``AUTH_TOKEN_ENCRYPTION_KEYS``."""
    return Fernet.generate_key().decode("ascii")
