"""FlowPulse's benchmark: ``make bench`` or ``python -m bench``.

Each module has one job: ``databases`` and ``seed`` build private databases,
``servers`` runs gunicorn, ``signin`` and ``load`` drive it over loopback,
the ``*_latency``/``*_throughput``/``*_memory`` modules measure one row each,
and ``report`` prints the table. Speed targets are printed next to the
numbers, never asserted.
"""
