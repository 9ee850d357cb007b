"""The soft authenticator speaks WebAuthn as py_webauthn expects it, forgeries included.

Each test verifies its responses with py_webauthn itself, no FlowPulse app, so
a passkey test that fails later fails because of FlowPulse, not the helper.
"""

import json

import pytest
from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import bytes_to_base64url
from webauthn.helpers.exceptions import (
    InvalidAuthenticationResponse,
    InvalidRegistrationResponse,
)
from webauthn.helpers.structs import PublicKeyCredentialDescriptor

from tests.soft_authenticator import CredentialExcluded, NoCredential, SoftAuthenticator

RP_ID = "localhost"
ORIGIN = "http://localhost"
FORGED_CHALLENGE = bytes_to_base64url(b"a challenge the server never issued")


def registration_options(user_id=b"user-ada", exclude=()):
    """Return creation options as py_webauthn makes them and the page receives them."""
    return generate_registration_options(
        rp_id=RP_ID,
        rp_name="FlowPulse",
        user_id=user_id,
        user_name="ada@example.com",
        exclude_credentials=[PublicKeyCredentialDescriptor(id=i) for i in exclude],
    )


def authentication_options(allow=()):
    """Return request options; an empty ``allow`` asks for a discoverable passkey."""
    return generate_authentication_options(
        rp_id=RP_ID, allow_credentials=[PublicKeyCredentialDescriptor(id=i) for i in allow]
    )


def as_page_sees(options):
    """Turn py_webauthn options into the JSON dict the browser is handed."""
    return json.loads(options_to_json(options))


def register(authenticator, options=None, **forged):
    """Register with ``authenticator`` and verify the response as a server would."""
    options = options or registration_options()
    response = authenticator.register(as_page_sees(options), **forged)
    return verify_registration_response(
        credential=json.dumps(response),
        expected_challenge=options.challenge,
        expected_origin=ORIGIN,
        expected_rp_id=RP_ID,
        require_user_verification=True,
    )


def sign_in(authenticator, registered, current_sign_count=0, options=None, **forged):
    """Sign in with ``authenticator`` and verify against the ``registered`` credential."""
    options = options or authentication_options()
    response = authenticator.sign_in(as_page_sees(options), **forged)
    return verify_authentication_response(
        credential=response,
        expected_challenge=options.challenge,
        expected_origin=ORIGIN,
        expected_rp_id=RP_ID,
        credential_public_key=registered.credential_public_key,
        credential_current_sign_count=current_sign_count,
        require_user_verification=True,
    )


def test_registration_passes_py_webauthn_and_stores_the_passkey():
    authenticator = SoftAuthenticator(aaguid=bytes(range(16)))

    registered = register(authenticator)

    [credential] = authenticator.credentials
    assert registered.credential_id == credential.id
    assert registered.aaguid == "00010203-0405-0607-0809-0a0b0c0d0e0f"
    assert registered.fmt == "none"
    assert registered.user_verified is True
    assert registered.sign_count == 0
    assert (credential.rp_id, credential.user_handle) == (RP_ID, b"user-ada")


def test_sign_in_passes_py_webauthn_and_counts_up():
    authenticator = SoftAuthenticator()
    registered = register(authenticator)

    first = sign_in(authenticator, registered)
    second = sign_in(authenticator, registered, current_sign_count=first.new_sign_count)

    assert (first.new_sign_count, second.new_sign_count) == (1, 2)
    assert first.credential_id == registered.credential_id
    assert first.user_verified is True


def test_sign_in_response_carries_the_user_handle_for_discoverable_sign_in():
    authenticator = SoftAuthenticator()
    register(authenticator, registration_options(user_id=b"user-ada"))

    response = authenticator.sign_in(as_page_sees(authentication_options()))

    assert response["response"]["userHandle"] == bytes_to_base64url(b"user-ada")
    assert response["authenticatorAttachment"] == "platform"


def test_sign_in_offers_the_credential_the_server_allows():
    authenticator = SoftAuthenticator()
    register(authenticator, registration_options(user_id=b"user-ada"))
    bob = register(authenticator, registration_options(user_id=b"user-bob"))

    verified = sign_in(authenticator, bob, options=authentication_options([bob.credential_id]))

    assert verified.credential_id == bob.credential_id


def test_sign_in_without_an_allowed_credential_fails_like_a_browser():
    authenticator = SoftAuthenticator()
    register(authenticator)

    with pytest.raises(NoCredential):
        authenticator.sign_in(as_page_sees(authentication_options([b"someone else's"])))


def test_registration_refuses_an_excluded_credential_like_a_browser():
    authenticator = SoftAuthenticator()
    registered = register(authenticator)

    with pytest.raises(CredentialExcluded):
        register(authenticator, registration_options(exclude=[registered.credential_id]))
    assert len(authenticator.credentials) == 1


@pytest.mark.parametrize(
    ("forged", "reason"),
    [
        ({"origin": "https://evil.example"}, "origin"),
        ({"rp_id": "evil.example"}, "RP ID hash"),
    ],
)
def test_py_webauthn_refuses_a_forged_registration(forged, reason):
    with pytest.raises(InvalidRegistrationResponse, match=reason):
        register(SoftAuthenticator(), **forged)


def test_py_webauthn_refuses_a_registration_without_user_verification():
    with pytest.raises(InvalidRegistrationResponse, match="User verification is required"):
        register(SoftAuthenticator(user_verified=False))


@pytest.mark.parametrize(
    ("forged", "reason"),
    [
        ({"origin": "https://evil.example"}, "origin"),
        ({"rp_id": "evil.example"}, "RP ID hash"),
        ({"user_verified": False}, "User verification is required"),
        ({"challenge": FORGED_CHALLENGE}, "challenge"),
        ({"sign_count": 0}, "sign count"),
    ],
)
def test_py_webauthn_refuses_a_forged_sign_in(forged, reason):
    authenticator = SoftAuthenticator()
    registered = register(authenticator)
    sign_in(authenticator, registered)

    with pytest.raises(InvalidAuthenticationResponse, match=reason):
        sign_in(authenticator, registered, current_sign_count=1, **forged)


def test_a_forced_user_handle_is_still_signed_so_only_the_server_can_catch_it():
    authenticator = SoftAuthenticator()
    registered = register(authenticator, registration_options(user_id=b"user-ada"))
    options = authentication_options()

    response = authenticator.sign_in(as_page_sees(options), user_handle=b"user-bob")

    assert response["response"]["userHandle"] == bytes_to_base64url(b"user-bob")
    # The user handle is outside the signature: py_webauthn accepts it as is.
    verify_authentication_response(
        credential=response,
        expected_challenge=options.challenge,
        expected_origin=ORIGIN,
        expected_rp_id=RP_ID,
        credential_public_key=registered.credential_public_key,
        credential_current_sign_count=0,
    )


def test_counter_step_zero_reports_zero_every_time():
    authenticator = SoftAuthenticator(counter_step=0)
    registered = register(authenticator)

    first = sign_in(authenticator, registered)
    second = sign_in(authenticator, registered, current_sign_count=first.new_sign_count)

    assert (first.new_sign_count, second.new_sign_count) == (0, 0)
    assert authenticator.credentials[0].sign_count == 0
