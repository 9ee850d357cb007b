"""New passwords against known-breached ones (NIST SP 800-63B), through a Pwned Passwords range API.

The service is a loopback stand-in speaking the range API as
api.pwnedpasswords.com does: ``GET /range/{5 hex}`` answers ``SUFFIX:COUNT``
lines, with decoys of count 0 when asked ``Add-Padding: true``. It records
every request as it arrived, so the tests can say what left the process.
"""

import hashlib
import logging
import re
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.browser import OTHER_STRONG_PASSWORD, STRONG_PASSWORD
from tests.helpers import field_error

#: Strong to zxcvbn, and in the stand-in's breach list.
BREACHED_PASSWORD = "marmalade trombone quietly 1987"
FRESH_PASSWORD = OTHER_STRONG_PASSWORD
#: Seconds a stand-in that does not answer holds a request before giving up.
STALL_SECONDS = 20
#: How long a sign-up may take when the service is slow: the check's 2 s timeout
#: (``flowpulse.core.pwned_passwords.TIMEOUT_SECONDS``), twice over for one last
#: read, and slack for a busy machine; far below a stand-in's stall.
SLOW_CHECK_BOUND = 2 * 2 + 3
#: What the refusal says (``flowpulse.services.credentials.BREACHED``).
BREACHED = "This password has appeared in a data breach"


def sha1_hex(password: str) -> str:
    return hashlib.sha1(password.encode(), usedforsecurity=False).hexdigest().upper()


class PwnedPasswordsStandIn:
    """A Pwned Passwords range API on 127.0.0.1 that knows ``breached`` passwords.

    ``mode``: ``"answer"``, ``"stall"`` (sends nothing until stopped or
    ``STALL_SECONDS`` pass), or ``"trickle"`` (the status line and headers at
    once, then one byte of the answer every half second).
    """

    def __init__(self, breached: dict[str, int]):
        self.known = {sha1_hex(password): count for password, count in breached.items()}
        self.decoys: list[str] = []
        self.mode = "answer"
        self.requests: list[str] = []
        self.headers: list[dict[str, str]] = []
        self.stopping = threading.Event()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> "PwnedPasswordsStandIn":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        self.server.shutdown()
        self.server.server_close()

    def range_answer(self, prefix: str, padded: bool) -> bytes:
        lines = [f"{h[5:]}:{n}" for h, n in self.known.items() if h.startswith(prefix)]
        if padded:
            lines += [f"{suffix}:0" for suffix in self.decoys]
            lines += [f"{secrets.token_hex(18).upper()[:35]}:0" for _ in range(800)]
        return "\r\n".join(lines).encode()

    def _handler(self):
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                stand_in.requests.append(self.requestline + "\r\n" + str(self.headers))
                stand_in.headers.append(dict(self.headers))
                if stand_in.mode == "stall":
                    stand_in.stopping.wait(STALL_SECONDS)
                    return
                match = re.fullmatch(r"/range/([0-9A-F]{5})", self.path)
                if not match:
                    self.send_error(400, "The hash prefix was not in a valid format")
                    return
                padded = self.headers.get("Add-Padding", "").lower() == "true"
                body = stand_in.range_answer(match.group(1), padded)
                self.send_response(200)
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if stand_in.mode == "trickle":
                    for byte in body[:40]:
                        if stand_in.stopping.wait(0.5):
                            return
                        self.wfile.write(bytes([byte]))
                        self.wfile.flush()
                    return
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        return Handler


@pytest.fixture
def stand_in():
    server = PwnedPasswordsStandIn({BREACHED_PASSWORD: 4_211}).start()
    yield server
    server.stop()


@pytest.fixture
def app_config(stand_in) -> dict:
    return {"AUTH_PWNED_PASSWORDS_URL": stand_in.url}


def sign_up(browser, password: str):
    return browser.sign_up("grace@example.com", password, name="Grace Hopper")


def test_sign_up_refuses_a_password_from_a_data_breach_next_to_the_field(
    browser, user_row, stand_in
):
    response = sign_up(browser, BREACHED_PASSWORD)
    assert response.status_code == 422
    assert BREACHED in field_error(response, "password")
    assert user_row("grace@example.com") is None


def test_sign_up_accepts_a_fresh_password(browser, user_row, stand_in):
    assert sign_up(browser, FRESH_PASSWORD).status_code == 303
    assert user_row("grace@example.com") is not None
    assert len(stand_in.requests) == 1


def test_a_decoy_of_count_zero_is_not_a_breach(browser, user_row, stand_in):
    """Padding entries may carry any suffix, this password's included; count 0 is no breach."""
    stand_in.decoys.append(sha1_hex(FRESH_PASSWORD)[5:])
    assert sign_up(browser, FRESH_PASSWORD).status_code == 303


def test_only_five_hex_characters_of_the_hash_leave_the_process_with_padding_asked(
    browser, stand_in
):
    sign_up(browser, FRESH_PASSWORD)
    [request], [headers] = stand_in.requests, stand_in.headers
    digest = sha1_hex(FRESH_PASSWORD)
    assert request.startswith(f"GET /range/{digest[:5]} HTTP/1.1\r\n")
    assert headers["Add-Padding"] == "true"
    for secret in (FRESH_PASSWORD, digest[5:], digest[5:].lower(), digest[:6], digest[:6].lower()):
        assert secret not in request


def test_a_password_change_refuses_a_breached_password(ada, browser, stand_in):
    response = browser.submit(
        "/profile/password",
        {"current_password": STRONG_PASSWORD, "new_password": BREACHED_PASSWORD},
    )
    assert response.status_code == 422
    assert BREACHED in field_error(response, "new_password")


def test_flask_users_set_password_refuses_a_breached_password(runner, make_user, stand_in):
    make_user("grace@example.com")
    result = runner.invoke(
        args=["users", "set-password", "grace@example.com", "--password", BREACHED_PASSWORD]
    )
    assert result.exit_code != 0
    assert BREACHED in result.stderr
    assert "Traceback" not in result.output


def test_a_reset_refuses_a_breached_password(browser, ada, mailbox, stand_in):
    browser.submit("/auth/forgot-password", {"email": "ada@example.com"})
    link = next(u for u in mailbox.links(mailbox.last_to("ada@example.com")) if "/reset-" in u)
    response = browser.submit(
        link.removeprefix("http://localhost"), {"password": BREACHED_PASSWORD}
    )
    assert response.status_code == 422
    assert BREACHED in field_error(response, "password")


def assert_accepted_with_a_log_line(caplog, response, user_row) -> None:
    assert response.status_code == 303
    assert user_row("grace@example.com") is not None
    lines = [r.getMessage() for r in caplog.records if "Pwned Passwords" in r.getMessage()]
    assert len(lines) == 1, caplog.text
    digest = sha1_hex(BREACHED_PASSWORD)
    for secret in (BREACHED_PASSWORD, digest, digest.lower(), digest[:5], digest[5:]):
        assert secret not in caplog.text


def test_a_service_that_is_down_lets_sign_up_through_with_a_log_line(
    browser, user_row, stand_in, caplog
):
    stand_in.stop()
    with caplog.at_level(logging.WARNING):
        response = sign_up(browser, BREACHED_PASSWORD)
    assert_accepted_with_a_log_line(caplog, response, user_row)


@pytest.mark.parametrize("mode", ["stall", "trickle"])
def test_a_slow_service_lets_sign_up_through_within_seconds_with_a_log_line(
    browser, user_row, stand_in, caplog, mode
):
    stand_in.mode = mode
    started = time.monotonic()
    with caplog.at_level(logging.WARNING):
        response = sign_up(browser, BREACHED_PASSWORD)
    assert time.monotonic() - started < SLOW_CHECK_BOUND
    assert_accepted_with_a_log_line(caplog, response, user_row)


@pytest.mark.parametrize("app_config", [{}])
def test_without_a_service_configured_nothing_is_asked(browser, user_row, stand_in, app_config):
    assert sign_up(browser, BREACHED_PASSWORD).status_code == 303
    assert stand_in.requests == []
