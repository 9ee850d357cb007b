"""FlowPulse as its own application: what `flask run`, gunicorn and `flask` commands load."""

from flowpulse import create_app
from flowpulse.core.logs import configure_logging
from flowpulse.web.access_log import mask_dev_server_log

configure_logging()
mask_dev_server_log()
app = create_app()
