"""/profile/avatar.svg: a picture of initials for people who set none."""

import hashlib

from flask import render_template
from flask_login import current_user, login_required

#: Saturation and lightness (%) of the background: white text on it keeps
#: WCAG's 4.5:1 contrast whatever the hue (yellow at 30% is the worst, 4.75).
AVATAR_SATURATION = 55
AVATAR_LIGHTNESS = 30


def initials(name: str) -> str:
    """Return up to two initials: of the first and the last word of a name."""
    letters = [next((ch for ch in word if ch.isalnum()), "") for word in name.split()]
    letters = [letter for letter in letters if letter]
    if not letters:
        return "?"
    return (letters[0] + letters[-1] if len(letters) > 1 else letters[0]).upper()


def avatar_hue(user_id: str) -> int:
    """Return a stable hue (0-359) for a user: the same colour on every page."""
    return int.from_bytes(hashlib.sha256(user_id.encode()).digest()[:2], "big") % 360


@login_required
def avatar():
    """Draw the signed-in person's initials on a colour of their own."""
    svg = render_template(
        "profile/avatar.svg",  # .svg templates are autoescaped like HTML
        initials=initials(current_user.name),
        hue=avatar_hue(current_user.id),
        saturation=AVATAR_SATURATION,
        lightness=AVATAR_LIGHTNESS,
    )
    return svg, 200, {"Content-Type": "image/svg+xml; charset=utf-8"}
