"""A person's public details: display name and picture."""

from flowpulse import audit
from flowpulse.models import User


def update_profile(user: User, *, name: str, image: str | None) -> None:
    """Store a new display name and picture URL (``None``: the initials avatar)."""
    User.update(name=name, image=image or None).where(User.id == user.id).execute()
    user.name, user.image = name, image or None
    audit.record("profile.updated", user=user.id)
