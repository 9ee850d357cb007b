"""Each Granian worker's target: the app behind the RSGI bridge, and this worker's mail threads.

Granian imports this module in every worker process after it forks, so the
mail threads start here (as gunicorn.conf.py's ``post_worker_init`` does) and
stop, finishing the message in hand, when the worker's process exits.

Granian serves the app through its RSGI interface, not its WSGI one: only
RSGI shows each header's own name, so only there can a client's
``X_Forwarded_For`` be told from the proxy's ``X-Forwarded-For`` (see
``flowpulse.serving.rsgi_bridge``). The bridge builds each WSGI environ from
the request alone, so nothing of the process environment (a secret such as
``FLOWPULSE_SECRET_KEY``, or a variable named like a header) reaches Flask.
"""

from multiprocessing import util

from app import app
from flowpulse.serving import setting
from flowpulse.serving.preload import preload
from flowpulse.serving.rsgi_bridge import WsgiOverRsgi
from flowpulse.tasks import worker as mail_worker

__all__ = ["application"]

preload()

#: The app, run in FLOWPULSE_THREADS threads per worker (time spent waiting on the database).
application = WsgiOverRsgi(
    app,
    threads=int(setting("THREADS", "4")),
    max_body=app.config.get("MAX_CONTENT_LENGTH"),
)


if app.config["TASK_WORKER_IN_PROCESS"]:
    mail_worker.start(app)
    # A worker process ends through multiprocessing, which runs its
    # finalizers but not atexit: stop the threads there.
    util.Finalize(app, mail_worker.stop, args=(app,), exitpriority=10)
