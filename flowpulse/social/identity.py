"""What a finished flow proves: who the provider says signed in."""

from dataclasses import dataclass, field

from flowpulse.social.providers import Provider


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
