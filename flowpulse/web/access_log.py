"""Gunicorn access logging with the secret part of token URLs masked.

Reset and verification links carry their token in the path; an access log
that kept it would let anyone who reads the logs use the link.
"""

import re

from gunicorn.glogging import Logger

#: Paths whose last segment is a one-time token.
TOKEN_PATH = re.compile(r"^(/auth/reset-password/|/verify/email/)[^/?\s]+")


def mask_token_path(path: str) -> str:
    """Replace the token in a token URL's path with a placeholder."""
    return TOKEN_PATH.sub(r"\1[token]", path)


class AccessLogger(Logger):
    """gunicorn's logger, with token paths masked and no query strings."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        path = mask_token_path(atoms["U"])
        atoms["U"] = path
        atoms["r"] = f"{atoms['m']} {path} {atoms['H']}"
        atoms["q"] = ""
        return atoms
