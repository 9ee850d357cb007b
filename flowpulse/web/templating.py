"""Template filters shared by pages and emails."""

from flask import Flask

#: Units for ``duration``, largest first, each with the least it is used for
#: (a day reads as "24 hours", as people say it of a link's lifetime).
_UNITS = (("day", 86400, 2), ("hour", 3600, 1), ("minute", 60, 1), ("second", 1, 0))


def duration(seconds: int | float) -> str:
    """Spell a lifetime the way a person says it: "24 hours", "1 hour", "90 minutes".

    The largest unit that measures it exactly, so no lifetime is rounded.
    """
    seconds = max(int(seconds), 0)
    unit, size = next(
        (unit, size)
        for unit, size, least in _UNITS
        if seconds >= least * size and seconds % size == 0
    )
    count = seconds // size
    return f"{count} {unit}{'' if count == 1 else 's'}"


def init_app(app: Flask) -> None:
    """Register the filters on the app's Jinja environment."""
    app.add_template_filter(duration)
