"""What a finished flow proves: who the provider says signed in."""

from dataclasses import dataclass, field

from flask import current_app

from flowpulse.social.providers import Provider

#: What a carried identity keeps of its token response: what ``account`` stores.
KEPT_TOKEN_KEYS = (
    "access_token",
    "refresh_token",
    "id_token",
    "expires_at",
    "expires_in",
    "refresh_token_expires_in",
    "scope",
)


@dataclass
class Identity:
    """Who the provider says signed in, with the tokens it gave."""

    provider: Provider
    #: Who proved it: the ID token's ``iss``, or GitHub's API URL.
    issuer: str
    account_id: str
    email: str | None
    #: Whether the provider vouches for ``email`` (its claim, or ``trust_email``).
    email_verified: bool
    name: str | None
    token: dict = field(repr=False)

    def carried(self) -> dict:
        """Return the identity as plain data, to finish linking after a second step."""
        data = {name: getattr(self, name) for name in self.__dataclass_fields__}
        data["provider"] = self.provider.id
        data["token"] = {key: value for key, value in self.token.items() if key in KEPT_TOKEN_KEYS}
        return data

    @classmethod
    def from_carried(cls, data: dict) -> "Identity | None":
        """Rebuild a carried identity; None if its provider is no longer configured."""
        provider = current_app.extensions["flowpulse.social.providers"].get(data["provider"])
        return None if provider is None else cls(**{**data, "provider": provider})
