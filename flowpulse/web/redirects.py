"""Where a form may send a person afterwards: only back to this site."""

from urllib.parse import unquote, urlsplit

#: The longest ``next`` we follow; anything longer is not one of our pages.
MAX_NEXT_LENGTH = 2048


def safe_next_url(target: str | None) -> str | None:
    """Return ``target`` if it is a path on this site, else ``None``.

    Refuses absolute URLs (``https://evil``), scheme-relative ones (``//evil``),
    backslashes (``/\\evil``, which browsers read as ``//evil``), control
    characters (Werkzeug 3.1 turns ``/\\t/evil`` into ``//evil`` in a
    ``Location``) and ``javascript:``; checked both as given and once decoded.
    """
    if not target or len(target) > MAX_NEXT_LENGTH:
        return None
    for candidate in (target, unquote(target)):
        if any(ch == "\\" or ord(ch) < 32 or ord(ch) == 127 for ch in candidate):
            return None
        parts = urlsplit(candidate)
        if parts.scheme or parts.netloc:
            return None
        if not candidate.startswith("/") or candidate.startswith("//"):
            return None
    return target
