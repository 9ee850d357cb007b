"""``python -m flowpulse.serving``: serve FlowPulse in production (``make serve``)."""

import sys

from flowpulse.serving import main

sys.exit(main())
