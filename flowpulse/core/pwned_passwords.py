"""Known-breached passwords (NIST SP 800-63B), asked of a Pwned Passwords range API.

k-anonymity: only the first five hex characters of the password's SHA-1
leave the process. The service answers every ``SUFFIX:COUNT`` it knows under
that prefix, padded with decoys of count 0 (``Add-Padding: true``) so that
the answer's size says nothing either, and the match is made here.
"""

import hashlib
import time

import requests
import urllib3

#: Seconds the whole lookup may take before the password is judged without it.
TIMEOUT_SECONDS = 2.0

#: Largest answer read: a padded range is about 40 kB.
MAX_ANSWER_BYTES = 1024 * 1024


class Unavailable(Exception):
    """The service gave no usable answer in time; the message says why, never the password."""


def times_breached(password: str, base_url: str, *, timeout: float = TIMEOUT_SECONDS) -> int:
    """Return how often ``password`` appears in the breaches the service knows (0: never)."""
    digest = hashlib.sha1(password.encode(), usedforsecurity=False).hexdigest().upper()
    prefix, suffix = digest[:5], digest[5:]
    for line in _range(base_url, prefix, timeout).splitlines():
        candidate, _, count = line.partition(":")
        if candidate.strip().upper() == suffix:
            try:
                return int(count)
            except ValueError:
                raise Unavailable("an unreadable count") from None
    return 0


def _range(base_url: str, prefix: str, timeout: float) -> str:
    """Fetch one range; no read starts after ``timeout`` seconds, none waits longer than that."""
    deadline = time.monotonic() + timeout
    url = f"{base_url.rstrip('/')}/range/{prefix}"
    answer = bytearray()
    try:
        with requests.get(
            url, headers={"Add-Padding": "true"}, timeout=timeout, stream=True
        ) as response:
            response.raise_for_status()
            # read1 returns what has arrived: a server dribbling bytes meets the
            # deadline at its next byte instead of holding the sign-up forever.
            while chunk := response.raw.read1(64 * 1024, decode_content=True):
                answer += chunk
                if time.monotonic() > deadline:
                    raise Unavailable("no full answer in time")
                if len(answer) > MAX_ANSWER_BYTES:
                    raise Unavailable("an answer too large")
    except (requests.RequestException, urllib3.exceptions.HTTPError, OSError) as error:
        # The class name only: requests' messages carry the URL, and with it the prefix.
        raise Unavailable(type(error).__name__) from None
    return answer.decode("ascii", errors="replace")
