"""WebAuthn as this site's relying party: the options browsers get, the answers we accept.

py_webauthn (Duo Labs) does the ceremony's checks: the challenge, the origin,
the RP ID hash, the flags, the signature. This module only fixes our side of
it: the RP ID is the host of ``BASE_URL`` and the only origin is its origin,
so a passkey made here answers nowhere else and an answer collected for
another site never verifies here. Anything an answer gets wrong, or that
cannot even be read, is one ``CeremonyFailed``.
"""

import ipaddress
import json
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from flask import current_app

# py_webauthn (with cbor2, pyOpenSSL and asn1 parsers: ~70 ms) is imported by
# the functions below, so a `flask` command or a page without passkeys never
# loads it; tests and callers use this module's names, which stay here.
if TYPE_CHECKING:
    from webauthn.helpers.structs import PublicKeyCredentialDescriptor

from flowpulse.core.config import site_named

#: How long a browser may take over a ceremony (milliseconds, as WebAuthn counts).
TIMEOUT_MS = 300_000


class CeremonyFailed(ValueError):
    """The browser's answer does not verify (or cannot be read at all)."""


#: What a person is told where passkeys cannot work (``BASE_URL`` names an IP address).
NEEDS_A_NAME = (
    "Passkeys need this site to be served under a name, not an IP address: its operator "
    "sets BASE_URL to one (http://localhost:5000 in development)."
)


def available() -> bool:
    """Whether passkeys can work here: WebAuthn refuses an IP address as the RP ID."""
    try:
        ipaddress.ip_address(rp_id())
    except ValueError:
        return True
    return False


def rp_id() -> str:
    """This site's RP ID: the host of ``BASE_URL`` (never an IP address in a real deployment)."""
    return urlsplit(current_app.config["BASE_URL"]).hostname or "localhost"


def origin() -> str:
    """The one origin answers may come from: ``BASE_URL``'s scheme, host and port."""
    parts = urlsplit(current_app.config["BASE_URL"])
    return f"{parts.scheme}://{parts.netloc}"


def registration_options(
    *, user_handle: bytes, name: str, display_name: str, exclude: list[str], challenge: bytes
) -> dict[str, Any]:
    """Options for making a passkey: discoverable and verified if the authenticator can."""
    from webauthn import generate_registration_options, options_to_json
    from webauthn.helpers.structs import (
        AuthenticatorSelectionCriteria,
        ResidentKeyRequirement,
        UserVerificationRequirement,
    )

    options = generate_registration_options(
        rp_id=rp_id(),
        rp_name=site_named("AUTH_WEBAUTHN_RP_NAME"),
        user_id=user_handle,
        user_name=name,
        user_display_name=display_name,
        challenge=challenge,
        timeout=TIMEOUT_MS,
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.PREFERRED,
            user_verification=UserVerificationRequirement.PREFERRED,
        ),
        exclude_credentials=[_descriptor(credential_id) for credential_id in exclude],
    )
    return json.loads(options_to_json(options))


def authentication_options(*, challenge: bytes, allow: list[str] | None = None) -> dict[str, Any]:
    """Options for signing in: any passkey of this site (``allow`` empty), or only those."""
    from webauthn import generate_authentication_options, options_to_json
    from webauthn.helpers.structs import UserVerificationRequirement

    options = generate_authentication_options(
        rp_id=rp_id(),
        challenge=challenge,
        timeout=TIMEOUT_MS,
        allow_credentials=[_descriptor(credential_id) for credential_id in allow or []],
        user_verification=UserVerificationRequirement.PREFERRED,
    )
    return json.loads(options_to_json(options))


def verify_registration(answer: dict, challenge: bytes):
    """Verify a new credential; return py_webauthn's ``VerifiedRegistration``."""
    from webauthn import verify_registration_response

    try:
        return verify_registration_response(
            credential=answer,
            expected_challenge=challenge,
            expected_rp_id=rp_id(),
            expected_origin=origin(),
        )
    except Exception as exc:  # any malformed part of a browser's answer is a refusal
        raise CeremonyFailed(str(exc)) from None


def verify_assertion(answer: dict, challenge: bytes, *, public_key: str):
    """Verify a sign-in answer against the stored key; return ``VerifiedAuthentication``.

    The sign count is judged by the caller (a regression is a cloned
    authenticator, which deserves more than a refusal), so it is not
    compared here.
    """
    from webauthn import verify_authentication_response
    from webauthn.helpers import base64url_to_bytes

    try:
        return verify_authentication_response(
            credential=answer,
            expected_challenge=challenge,
            expected_rp_id=rp_id(),
            expected_origin=origin(),
            credential_public_key=base64url_to_bytes(public_key),
            credential_current_sign_count=0,
        )
    except Exception as exc:  # any malformed part of a browser's answer is a refusal
        raise CeremonyFailed(str(exc)) from None


def credential_id_of(answer: Any) -> str:
    """The credential id an answer names (base64url), before anything is verified."""
    from webauthn.helpers import base64url_to_bytes, bytes_to_base64url

    raw = answer.get("rawId") if isinstance(answer, dict) else None
    if not isinstance(raw, str) or not 0 < len(raw) <= 1400:
        raise CeremonyFailed("the answer names no credential")
    try:
        return bytes_to_base64url(base64url_to_bytes(raw))
    except ValueError:
        raise CeremonyFailed("the credential id is not base64url") from None


def user_handle_of(answer: dict) -> bytes | None:
    """The user handle an answer carries (a discoverable credential's), if any."""
    from webauthn.helpers import base64url_to_bytes

    handle = (answer.get("response") or {}).get("userHandle")
    if not handle:
        return None
    try:
        return base64url_to_bytes(handle)
    except (ValueError, TypeError):
        raise CeremonyFailed("the user handle is not base64url") from None


def _descriptor(credential_id: str) -> "PublicKeyCredentialDescriptor":
    from webauthn.helpers import base64url_to_bytes
    from webauthn.helpers.structs import PublicKeyCredentialDescriptor

    # No transports: the browser then offers every way it has to reach the authenticator.
    return PublicKeyCredentialDescriptor(id=base64url_to_bytes(credential_id))


def encode(raw: bytes) -> str:
    """Bytes as they are stored and sent: base64url without padding."""
    from webauthn.helpers import bytes_to_base64url

    return bytes_to_base64url(raw)
