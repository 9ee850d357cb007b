"""FlowPulse as its own application: what `flask run`, gunicorn and `flask` commands load."""

from flowpulse import create_app
from flowpulse.core.logs import configure_logging

configure_logging()
app = create_app()
