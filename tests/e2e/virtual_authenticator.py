"""A CDP virtual authenticator in Chromium: a platform passkey provider the test controls.

``WebAuthn.addVirtualAuthenticator`` with CTAP2 over the "internal" transport,
resident keys and user verification, answering every prompt by itself
(``automaticPresenceSimulation``), as a fingerprint reader that always
recognises the finger would. ``refuse_verification`` makes it fail the
fingerprint instead.

Because it answers by itself, it would also answer the sign-in page's
autofill request (conditional mediation) the moment the page loads, racing
a test that means to press the button; ``autofill=False`` makes the browser
say it has no autofill for passkeys, as many still do.
"""

#: Run before the page's scripts: this browser offers no passkey autofill.
_NO_AUTOFILL = (
    "if (window.PublicKeyCredential) "
    "PublicKeyCredential.isConditionalMediationAvailable = () => Promise.resolve(false);"
)


class VirtualAuthenticator:
    """One virtual authenticator attached to a page's browser context."""

    def __init__(self, page, *, autofill: bool = False):
        if not autofill:
            page.context.add_init_script(_NO_AUTOFILL)
        self._cdp = page.context.new_cdp_session(page)
        self._cdp.send("WebAuthn.enable")
        added = self._cdp.send(
            "WebAuthn.addVirtualAuthenticator",
            {
                "options": {
                    "protocol": "ctap2",
                    "transport": "internal",
                    "hasResidentKey": True,
                    "hasUserVerification": True,
                    "isUserVerified": True,
                    "automaticPresenceSimulation": True,
                }
            },
        )
        self.id = added["authenticatorId"]

    def credentials(self) -> list[dict]:
        """The passkeys it holds (``credentialId``, ``signCount``, ``isResidentCredential``...)."""
        return self._cdp.send("WebAuthn.getCredentials", {"authenticatorId": self.id})[
            "credentials"
        ]

    def refuse_verification(self) -> None:
        """From now on the person's fingerprint (or PIN) is not recognised."""
        self._cdp.send(
            "WebAuthn.setUserVerified", {"authenticatorId": self.id, "isUserVerified": False}
        )
