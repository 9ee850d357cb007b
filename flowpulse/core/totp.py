"""Time-based one-time passwords (RFC 6238) as authenticator apps make them, and their QR code.

pyotp does the arithmetic; what it leaves to the application (pyotp's own
README says so) is done by the callers: a code works once (``step_of``
returns the 30-second step it matched, which must be later than the last
one used) and wrong codes are throttled.
"""

import re
import time

import pyotp
from markupsafe import Markup
from pyotp.exceptions import OTPVerificationError

#: Steps of clock drift accepted either side of now (30 s each).
DRIFT_STEPS = 1

#: A code as people type it: six digits, maybe with spaces or a dash.
_CODE = re.compile(r"\d{6}")

#: The clock codes are checked against (tests move it on instead of waiting).
now = time.time


def new_secret() -> str:
    """Return a fresh 160-bit secret in base32, as authenticator apps take it."""
    return pyotp.random_base32(32)


def provisioning_uri(secret: str, *, account: str, issuer: str) -> str:
    """Return the ``otpauth://`` URI an app reads from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=account, issuer_name=issuer)


def qr_svg(uri: str) -> Markup:
    """Draw ``uri`` as a QR code in inline SVG (no image service, no script)."""
    import segno  # loaded only when a QR code is drawn, not for every command

    svg = segno.make(uri, error="m").svg_inline(
        scale=5, dark="#000", light="#fff", omitsize=True, title="QR code for your app"
    )
    # segno writes the SVG itself, from the URI's bytes: no text of ours is in it.
    return Markup(svg)  # noqa: S704  # nosec B704


def grouped(secret: str) -> str:
    """Spell a secret in groups of four, for typing it by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def normalised(code: str) -> str | None:
    """Return the six digits of a typed code, or None when it is not one."""
    digits = re.sub(r"[\s-]", "", code or "")
    return digits if _CODE.fullmatch(digits) else None


def step_of(secret: str, code: str, *, at: float | None = None) -> int | None:
    """Return the 30-second step ``code`` is right for (±1 step of drift), or None."""
    digits = normalised(code)
    if digits is None:
        return None
    try:
        return pyotp.TOTP(secret).verify_and_get_timecode(
            digits, for_time=now() if at is None else at, valid_window=DRIFT_STEPS
        )
    except OTPVerificationError:
        return None
