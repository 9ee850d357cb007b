"""Absolute links for emails, built from ``BASE_URL`` and never from the request.

Taking the origin from the ``Host`` header would let anyone who can send a
request choose where a victim's reset link points (reset-link poisoning).
"""

from urllib.parse import urlsplit

from flask import current_app


def absolute_url(endpoint: str, **values) -> str:
    """Return ``BASE_URL`` joined with the path of ``endpoint``."""
    base = urlsplit(current_app.config["BASE_URL"])
    adapter = current_app.url_map.bind(
        base.netloc, script_name=base.path or "/", url_scheme=base.scheme or "https"
    )
    return adapter.build(endpoint, values, force_external=True)
