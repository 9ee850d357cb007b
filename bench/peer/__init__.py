"""The Flask-Security-Too peer of row 8, run from its own virtual environment (``peer_env``)."""
