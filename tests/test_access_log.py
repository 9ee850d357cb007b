"""Access logs never record a token from a link, nor a line a client forged."""

import io
import logging
import time

import pytest

from flowpulse.web.access_log import DevServerTokenMask, mask_token_path
from tests.conftest import make_app
from tests.live_server import HttpBrowser, LiveServer

TOKEN = "abcdefghijklmnopqrstuv.ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopq"


@pytest.mark.parametrize(
    ("path", "logged"),
    [
        ("/auth/reset-password/abc.DEF-123_x", "/auth/reset-password/[token]"),
        ("/verify/email/abc.DEF-123_x", "/verify/email/[token]"),
        # Routed to the same pages, so masked the same.
        ("//auth/reset-password/abc.DEF", "/auth/reset-password/[token]"),
        ("/auth//reset-password//abc.DEF", "/auth/reset-password/[token]"),
        ("//verify/email/abc.DEF", "/verify/email/[token]"),
        ("/profile", "/profile"),
        ("/auth/login", "/auth/login"),
        # A decoded %0a would start a line of its own: it is written as \n.
        ("/x\n127.0.0.1 forged line", "/x\\n127.0.0.1 forged line"),
        ("/x\x1b[31mred", "/x\\x1b[31mred"),
    ],
)
def test_token_paths_are_masked_and_control_characters_escaped(path, logged):
    assert mask_token_path(path) == logged


def _dev_server_record(message: str) -> logging.LogRecord:
    return logging.LogRecord("werkzeug", logging.INFO, __file__, 1, message, (), None)


def test_the_dev_server_request_line_is_masked_and_loses_its_query(monkeypatch):
    monkeypatch.setattr("flowpulse.web.access_log.sys.stderr", io.StringIO())  # a log file
    record = _dev_server_record(
        "127.0.0.1 - - [01/Dec/2026 09:00:00] "
        f'"\x1b[1mGET /auth/reset-password/{TOKEN}?x=1 HTTP/1.1\x1b[0m" 200 -'
    )
    DevServerTokenMask().filter(record)
    assert record.getMessage() == (
        '127.0.0.1 - - [01/Dec/2026 09:00:00] "GET /auth/reset-password/[token] HTTP/1.1" 200 -'
    )


def test_flask_run_logs_link_visits_without_their_token_or_colours(app, database_url):
    server = LiveServer(database_url).wait_until_up()
    try:
        browser = HttpBrowser(server.url)
        browser.request(f"/auth/reset-password/{TOKEN}")
        browser.request(f"/verify/email/{TOKEN}")
        browser.request("/x%0a127.0.0.1%20-%20-%20forged")
        time.sleep(0.3)  # the request line is written after the response
        log = server.log_text()
    finally:
        server.stop()
    assert "/auth/reset-password/[token]" in log
    assert "/verify/email/[token]" in log
    assert TOKEN not in log
    assert not [line for line in log.splitlines() if line.startswith("127.0.0.1 - - forged")]
    assert "\x1b[" not in log  # the log is a file here, not a terminal


def test_our_own_error_lines_never_carry_a_link_token(caplog):
    unreachable = make_app("postgresql://postgres@127.0.0.1:1/nowhere")
    with caplog.at_level(logging.ERROR):
        response = unreachable.test_client().get(f"/verify/email/{TOKEN}")
    assert response.status_code == 503
    assert "database unavailable on GET /verify/email/[token]" in caplog.text
    assert TOKEN not in caplog.text
