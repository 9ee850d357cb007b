"""A crowd of people using FlowPulse at once leaves the database exactly as they believe.

Short mode for CI (a few dozen people for ~20 seconds on each engine, against
Granian and against gunicorn, two workers each); the long mode is ``make soak``
(see tests/soak.py).
"""

import logging
import os

import pytest

from flowpulse.serving import SERVERS
from tests.soak import run_soak

#: Raise these for a longer run without editing the test.
PEOPLE = int(os.environ.get("FLOWPULSE_SOAK_PEOPLE", 30))
SECONDS = float(os.environ.get("FLOWPULSE_SOAK_SECONDS", 20))
#: Actions each person takes after signing up, however slow the machine.
MIN_ACTIONS = 4


@pytest.mark.parametrize("server", SERVERS)
def test_a_crowd_gets_no_server_error_and_leaves_the_database_as_it_believes(
    database_url, app, caplog, server
):
    caplog.set_level(logging.WARNING, logger="mail.log")
    report = run_soak(
        database_url, people=PEOPLE, seconds=SECONDS, min_actions=MIN_ACTIONS, server=server
    )
    assert report["server_errors"] == 0, report
    assert report["surprises"] == [], report
    assert report["fewest_actions"] >= MIN_ACTIONS  # everyone really did the work
    assert report["users_found"] == report["users_expected"] == PEOPLE
    assert report["verified_found"] == report["verified_expected"] == PEOPLE
    assert report["sessions_found"] == report["sessions_expected"]
    assert report["wrong_passwords"] == 0
