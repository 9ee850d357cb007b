"""What this browser remembers of the verification links it asked for.

The "Check your inbox" page names the address this browser signed up with
(or asked a new link for), and "Resend" says whether a link went out a
moment ago. Both come from this browser's own signed session cookie, never
from the database: the answers are the same whether or not the address has
an account, so they tell a stranger nothing about who is registered.
"""

import time

from flask import session

from flowpulse.services.messages import RESEND_INTERVAL_SECONDS

#: The address this browser is waiting for a link at, and when it last asked.
ADDRESS_KEY = "inbox_address"
SENT_AT_KEY = "inbox_sent_at"


def remember_link_sent(address: str) -> None:
    """Note that this browser just asked for a link to ``address``."""
    session[ADDRESS_KEY] = address
    session[SENT_AT_KEY] = int(time.time())


def awaited_address() -> str | None:
    """Return the address this browser is waiting for a link at, if any."""
    value = session.get(ADDRESS_KEY)
    return value if isinstance(value, str) else None


def seconds_until_resend(address: str) -> int:
    """Seconds before this browser may ask again for ``address`` (0: it may now)."""
    sent_at = session.get(SENT_AT_KEY)
    if address != awaited_address() or not isinstance(sent_at, int):
        return 0
    return max(0, sent_at + RESEND_INTERVAL_SECONDS - int(time.time()))
