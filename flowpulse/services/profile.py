"""A person's public details: display name and picture."""

from flowpulse import signals
from flowpulse.core.models import User
from flowpulse.core.text import display_name


def update_profile(user: User, *, name: str, image: str | None) -> None:
    """Store a new display name and picture URL (``None``: the initials avatar)."""
    name, image = display_name(name), image or None
    User.update(name=name, image=image).where(User.id == user.id).execute()
    user.name, user.image = name, image
    signals.send(signals.profile_updated, user=user)
