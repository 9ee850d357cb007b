"""The WSGI target of each Granian worker: the app, and this worker's mail threads.

Granian imports this module in every worker process after it forks, so the
mail threads start here (as gunicorn.conf.py's ``post_worker_init`` does) and
stop, finishing the message in hand, when the worker's process exits.

Granian also copies the whole process environment into every request's WSGI
environ. ``application`` takes those copies out again before Flask sees the
request: a secret such as ``FLOWPULSE_SECRET_KEY`` then never sits in
``request.environ`` (where an error report or a debugging view would show
it), and a variable named like a header (``HTTP_X_FORWARDED_FOR``) can never
pass for one the client sent.
"""

import os
from multiprocessing import util

from app import app
from flowpulse.tasks import worker as mail_worker

__all__ = ["application"]

#: The request's own keys (CGI and WSGI): the server always sets these itself.
_REQUEST_KEYS = frozenset(
    {
        "REQUEST_METHOD",
        "SCRIPT_NAME",
        "PATH_INFO",
        "QUERY_STRING",
        "CONTENT_TYPE",
        "CONTENT_LENGTH",
        "SERVER_NAME",
        "SERVER_PORT",
        "SERVER_PROTOCOL",
        "REMOTE_ADDR",
        "REMOTE_PORT",
        "REQUEST_URI",
        "RAW_URI",
    }
)

#: What this worker's process environment holds, as Granian copies it into each request.
_COPIED = {key: value for key, value in os.environ.items() if key not in _REQUEST_KEYS}


def application(environ, start_response):
    """The app, given only what the request brought (not the copies of the process environment).

    A header the client really sent under the same name keeps its own value,
    unless it is byte for byte the process variable's (then it goes too).
    """
    for key, value in _COPIED.items():
        if environ.get(key) == value:
            del environ[key]
    return app(environ, start_response)


if app.config["TASK_WORKER_IN_PROCESS"]:
    mail_worker.start(app)
    # A worker process ends through multiprocessing, which runs its
    # finalizers but not atexit: stop the threads there.
    util.Finalize(app, mail_worker.stop, args=(app,), exitpriority=10)
