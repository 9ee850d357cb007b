"""Entry point for ``flask run`` and WSGI servers: ``app:app``."""

from flowpulse import create_app

app = create_app()
