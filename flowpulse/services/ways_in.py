"""An account's ways in: a password, provider identities, passkeys — never none.

Removing a provider identity or a passkey is refused when nothing else would
sign the account in: such an account could only be recovered by an operator.
"""

from flowpulse.core.models import Account, Passkey


class LastWayIn(Exception):
    """Removing this would leave the account with no way to sign in."""


def another_way_in(
    user_id: str, *, but_account: str | None = None, but_passkey: str | None = None
) -> bool:
    """Tell whether the account keeps a way in without the account row or passkey named."""
    accounts = Account.select().where(Account.user == user_id)
    if but_account is not None:
        accounts = accounts.where(Account.id != but_account)
    passkeys = Passkey.select().where(Passkey.user == user_id)
    if but_passkey is not None:
        passkeys = passkeys.where(Passkey.id != but_passkey)
    return accounts.exists() or passkeys.exists()
