"""A software passkey authenticator and the browser in front of it, for tests.

``SoftAuthenticator`` takes the options JSON a FlowPulse page hands to
``navigator.credentials.create()``/``.get()`` and returns the JSON the browser
would post back: attestation "none", ES256 keys, base64url without padding.
Keyword overrides forge the fields an attacker controls, so a test can check
that the server refuses them.
"""

import hashlib
import json
import secrets
from dataclasses import dataclass
from urllib.parse import urlsplit

import cbor2
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from webauthn.helpers import base64url_to_bytes, bytes_to_base64url

# authenticatorData flag bits (WebAuthn §6.1); BE and BS stay 0: a device-bound key.
_USER_PRESENT = 0x01
_USER_VERIFIED = 0x04
_ATTESTED_CREDENTIAL_DATA = 0x40

# COSE key labels and values for an ES256 key on P-256 (RFC 9053).
_COSE_KTY, _COSE_ALG, _COSE_CRV, _COSE_X, _COSE_Y = 1, 3, -1, -2, -3
_KTY_EC2, _ALG_ES256, _CRV_P256 = 2, -7, 1


class CredentialExcluded(Exception):
    """The authenticator already holds a credential the options exclude.

    A browser rejects ``create()`` with ``InvalidStateError`` in this case.
    """


class NoCredential(Exception):
    """The authenticator holds no credential the options allow.

    A browser rejects ``get()`` with ``NotAllowedError`` in this case.
    """


@dataclass
class Credential:
    """One passkey held by the authenticator."""

    id: bytes
    private_key: ec.EllipticCurvePrivateKey
    rp_id: str
    user_handle: bytes
    sign_count: int = 0


class SoftAuthenticator:
    """Create and use passkeys the way a platform authenticator and browser would."""

    def __init__(
        self,
        *,
        origin: str = "http://localhost",
        aaguid: bytes = bytes(16),
        user_verified: bool = True,
        counter_step: int = 1,
    ) -> None:
        self.origin = origin
        self.aaguid = aaguid
        self.user_verified = user_verified
        # 0 models authenticators (most synced passkeys) that always report 0.
        self.counter_step = counter_step
        self.credentials: list[Credential] = []

    def register(
        self, options: dict, *, origin: str | None = None, rp_id: str | None = None
    ) -> dict:
        """Create a credential for ``options`` (creation options JSON); return the response JSON.

        ``origin`` forges the page origin, ``rp_id`` the RP ID hashed into the
        authenticator data; the credential is still kept for the options' RP.
        """
        requested_rp_id = options.get("rp", {}).get("id") or self._origin_host(origin)
        excluded = {base64url_to_bytes(c["id"]) for c in options.get("excludeCredentials", [])}
        if any(c.id in excluded for c in self._credentials_for(requested_rp_id)):
            raise CredentialExcluded(requested_rp_id)

        credential = Credential(
            id=secrets.token_bytes(32),
            private_key=ec.generate_private_key(ec.SECP256R1()),
            rp_id=requested_rp_id,
            user_handle=base64url_to_bytes(options["user"]["id"]),
        )
        self.credentials.append(credential)
        client_data = self._client_data("webauthn.create", options["challenge"], origin)
        auth_data = self._authenticator_data(
            rp_id or requested_rp_id,
            self.user_verified,
            credential.sign_count,
            attested=self._attested_credential_data(credential),
        )
        attestation = cbor2.dumps({"fmt": "none", "attStmt": {}, "authData": auth_data})
        return {
            **self._credential_fields(credential),
            "response": {
                "clientDataJSON": bytes_to_base64url(client_data),
                "attestationObject": bytes_to_base64url(attestation),
                "transports": ["internal"],
            },
        }

    def sign_in(
        self,
        options: dict,
        *,
        credential_id: bytes | None = None,
        origin: str | None = None,
        rp_id: str | None = None,
        user_verified: bool | None = None,
        sign_count: int | None = None,
        user_handle: bytes | None = None,
        challenge: str | None = None,
    ) -> dict:
        """Sign ``options`` (request options JSON) with a held credential; return the response JSON.

        ``credential_id`` picks the held credential that signs, whatever the
        allow list says. The other keywords forge what an attacker controls:
        the page origin, the RP ID hash, the UV flag, the reported counter (the
        stored one is left as it was), the user handle and the challenge.
        """
        requested_rp_id = options.get("rpId") or self._origin_host(origin)
        credential = self._pick_credential(options, requested_rp_id, credential_id)
        if sign_count is None:
            credential.sign_count += self.counter_step
            sign_count = credential.sign_count
        client_data = self._client_data("webauthn.get", challenge or options["challenge"], origin)
        uv = self.user_verified if user_verified is None else user_verified
        auth_data = self._authenticator_data(rp_id or requested_rp_id, uv, sign_count)
        signature = self._sign(credential, auth_data, client_data)
        if user_handle is None:
            user_handle = credential.user_handle
        return {
            **self._credential_fields(credential),
            "response": {
                "clientDataJSON": bytes_to_base64url(client_data),
                "authenticatorData": bytes_to_base64url(auth_data),
                "signature": bytes_to_base64url(signature),
                "userHandle": bytes_to_base64url(user_handle),
            },
        }

    def _sign(self, credential: Credential, auth_data: bytes, client_data: bytes) -> bytes:
        # The signature covers authenticatorData || SHA-256(clientDataJSON) (WebAuthn §6.3.3).
        signed = auth_data + hashlib.sha256(client_data).digest()
        return credential.private_key.sign(signed, ec.ECDSA(hashes.SHA256()))

    def _credentials_for(self, rp_id: str) -> list[Credential]:
        return [c for c in self.credentials if c.rp_id == rp_id]

    def _pick_credential(
        self, options: dict, rp_id: str, credential_id: bytes | None
    ) -> Credential:
        """Choose the credential a browser would offer for ``options``, or the forced one."""
        if credential_id is not None:
            candidates = [c for c in self.credentials if c.id == credential_id]
        elif allowed := {base64url_to_bytes(c["id"]) for c in options.get("allowCredentials", [])}:
            candidates = [c for c in self._credentials_for(rp_id) if c.id in allowed]
        else:
            # An empty allow list asks for a discoverable credential for the RP.
            candidates = self._credentials_for(rp_id)
        if not candidates:
            raise NoCredential(rp_id)
        return candidates[0]

    def _origin_host(self, origin: str | None) -> str:
        # Without an RP ID in the options, the browser uses the origin's host.
        return urlsplit(origin or self.origin).hostname or ""

    def _client_data(self, ceremony: str, challenge: str, origin: str | None) -> bytes:
        client_data = {
            "type": ceremony,
            "challenge": challenge,
            "origin": origin or self.origin,
            "crossOrigin": False,
        }
        return json.dumps(client_data, separators=(",", ":")).encode()

    def _authenticator_data(
        self, rp_id: str, user_verified: bool, sign_count: int, attested: bytes = b""
    ) -> bytes:
        flags = _USER_PRESENT | (_USER_VERIFIED if user_verified else 0)
        if attested:
            flags |= _ATTESTED_CREDENTIAL_DATA
        rp_id_hash = hashlib.sha256(rp_id.encode()).digest()
        return rp_id_hash + bytes([flags]) + sign_count.to_bytes(4, "big") + attested

    def _attested_credential_data(self, credential: Credential) -> bytes:
        numbers = credential.private_key.public_key().public_numbers()
        cose_key = cbor2.dumps(
            {
                _COSE_KTY: _KTY_EC2,
                _COSE_ALG: _ALG_ES256,
                _COSE_CRV: _CRV_P256,
                _COSE_X: numbers.x.to_bytes(32, "big"),
                _COSE_Y: numbers.y.to_bytes(32, "big"),
            }
        )
        id_length = len(credential.id).to_bytes(2, "big")
        return self.aaguid + id_length + credential.id + cose_key

    def _credential_fields(self, credential: Credential) -> dict:
        encoded_id = bytes_to_base64url(credential.id)
        return {
            "id": encoded_id,
            "rawId": encoded_id,
            "type": "public-key",
            "clientExtensionResults": {},
            "authenticatorAttachment": "platform",
        }
