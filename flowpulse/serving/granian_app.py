"""The WSGI target of each Granian worker: the app, and this worker's mail threads.

Granian imports this module in every worker process after it forks, so the
mail threads start here (as gunicorn.conf.py's ``post_worker_init`` does) and
stop, finishing the message in hand, when the worker's process exits.
"""

from multiprocessing import util

from app import app
from flowpulse.tasks import worker as mail_worker

__all__ = ["app"]

if app.config["TASK_WORKER_IN_PROCESS"]:
    mail_worker.start(app)
    # A worker process ends through multiprocessing, which runs its
    # finalizers but not atexit: stop the threads there.
    util.Finalize(app, mail_worker.stop, args=(app,), exitpriority=10)
