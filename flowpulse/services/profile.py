"""A person's public details: display name and picture."""

import logging

from flowpulse.models import User

log = logging.getLogger(__name__)


def update_profile(user: User, *, name: str, image: str | None) -> None:
    """Store a new display name and picture URL (``None``: the initials avatar)."""
    User.update(name=name, image=image or None).where(User.id == user.id).execute()
    user.name, user.image = name, image or None
    log.info("profile updated for user %s", user.id)
