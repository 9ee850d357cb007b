"""The tables: the seed's four (``seed``) and those features added by migration.

``from flowpulse.core.models import User`` works for every table.
"""

from flowpulse.core.models.base import DEFAULT_FALSE, DEFAULT_NOW, BaseModel, new_id
from flowpulse.core.models.factors import TwoFactor
from flowpulse.core.models.identities import AccountIssuer
from flowpulse.core.models.mail import MailMessage
from flowpulse.core.models.passkeys import Passkey
from flowpulse.core.models.pending_sign_ins import PendingSignIn
from flowpulse.core.models.seed import (
    CREDENTIAL_PROVIDER,
    SEED_MODELS,
    Account,
    Session,
    User,
    Verification,
)

#: Every table, in creation order (parents before children).
MODELS = [*SEED_MODELS, MailMessage, TwoFactor, Passkey, PendingSignIn, AccountIssuer]

__all__ = [
    "CREDENTIAL_PROVIDER",
    "DEFAULT_FALSE",
    "DEFAULT_NOW",
    "MODELS",
    "SEED_MODELS",
    "Account",
    "AccountIssuer",
    "BaseModel",
    "MailMessage",
    "Passkey",
    "PendingSignIn",
    "Session",
    "TwoFactor",
    "User",
    "Verification",
    "new_id",
]
