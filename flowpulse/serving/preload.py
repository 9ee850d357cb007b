"""What a server loads before its first request that a ``flask`` command loads only on use.

py_webauthn, Authlib's clients, zxcvbn, segno, email-validator and ua-parser are imported by
the functions that use them, so a command starts quickly (issue #23). A
server should not make its first requests pay for them instead: ``preload``
imports them and builds ua-parser's matchers (~0.1 s, on the first parse).
gunicorn calls it in the master before forking (``gunicorn.conf.py``), so
every worker inherits them; Granian in each worker as it loads the app.
"""

import importlib

from flowpulse.profile.devices import describe_device

#: Libraries that request paths import on first use.
LAZY_LIBRARIES = (
    "webauthn",
    "authlib.integrations.flask_client",
    "authlib.integrations.requests_client",
    "zxcvbn",
    "segno",
    "email_validator",
)

#: A user agent parsed once so ua-parser builds its matchers now, not on a request.
SAMPLE_USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"


def preload() -> None:
    """Import the lazily loaded libraries and warm ua-parser up."""
    for name in LAZY_LIBRARIES:
        importlib.import_module(name)
    describe_device(SAMPLE_USER_AGENT)
