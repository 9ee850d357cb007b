"""Where a form may send a person afterwards: only back to this site."""

from urllib.parse import unquote, urlsplit

#: The longest ``next`` we follow; anything longer is not one of our pages.
MAX_NEXT_LENGTH = 2048

#: What a browser reads as ``.`` and ``..`` in a path (the URL standard: ``%2e`` too).
_DOT = frozenset({".", "%2e"})
_DOT_DOT = frozenset({"..", ".%2e", "%2e.", "%2e%2e"})


def safe_next_url(target: str | None) -> str | None:
    """Return ``target`` if it is a path on this site, else ``None``.

    Refuses absolute URLs (``https://evil``), scheme-relative ones (``//evil``),
    backslashes (``/\\evil``, which browsers read as ``//evil``), control
    characters (Werkzeug 3.1 turns ``/\\t/evil`` into ``//evil`` in a
    ``Location``), ``javascript:``, and any path that resolves to ``//evil``
    (``/.//evil``, ``/..//evil``); checked both as given and once decoded.
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
        if resolved_path(parts.path).startswith("//"):
            return None
    return target


def resolved_path(path: str) -> str:
    """Resolve ``.`` and ``..`` segments of an absolute path as a browser does.

    Empty segments stay, as in a browser: ``/.//evil`` resolves to ``//evil``,
    which anything that later reads the path as a URL takes for another host.
    (``posixpath.normpath`` would collapse the slashes and hide it.)
    """
    segments: list[str] = []
    parts = path.split("/")[1:]
    for position, segment in enumerate(parts, start=1):
        last = position == len(parts)
        if segment.lower() in _DOT_DOT:
            if segments:
                segments.pop()
            if last:
                segments.append("")  # "/a/.." is "/", a directory
        elif segment.lower() in _DOT:
            if last:
                segments.append("")
        else:
            segments.append(segment)
    return "/" + "/".join(segments)
