"""Serve a WSGI app through Granian's RSGI interface, where each header keeps its own name.

Why not Granian's WSGI interface: Granian builds the WSGI environ in Rust,
before any Python code runs, and turns ``X_Forwarded_For`` and
``X-Forwarded-For`` into the same key, ``HTTP_X_FORWARDED_FOR``, the later
header winning. The app cannot tell which spelling it got, and Granian has no
option to drop underscore headers (gunicorn, nginx and Apache drop them). A
proxy that writes headers sorted by name (Caddy, Traefik) forwards a client's
``X_Forwarded_For`` after its own ``X-Forwarded-For``: the client would then
choose the address every per-IP limit and every session row uses. RSGI gives
the raw names, so the environ is built here, from the request alone: a header
whose name holds an underscore is dropped, as gunicorn does, and nothing of
the process environment is copied in (Granian's WSGI interface copies all of it).
"""

import asyncio
import io
import logging
import sys
from concurrent.futures import ThreadPoolExecutor
from typing import Any

log = logging.getLogger(__name__)

#: The two headers CGI names without the ``HTTP_`` prefix.
_UNPREFIXED = {"CONTENT_TYPE", "CONTENT_LENGTH"}

#: What answers a request whose app raised instead of answering.
_FAILED = (500, [("Content-Type", "text/plain; charset=utf-8")], b"Internal Server Error")


class WsgiOverRsgi:
    """An RSGI app that runs a WSGI app in a pool of ``threads`` threads."""

    def __init__(self, wsgi_app, *, threads: int, max_body: int | None):
        self.wsgi_app = wsgi_app
        self.max_body = max_body
        self._threads = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="wsgi")

    async def __rsgi__(self, scope, protocol) -> None:
        """Read the request, let the WSGI app answer it in a thread, send the answer."""
        body = await self._read_body(scope, protocol)
        environ = wsgi_environ(scope, body)
        loop = asyncio.get_running_loop()
        status, headers, content = await loop.run_in_executor(self._threads, self._answer, environ)
        protocol.response_bytes(status, headers, content)

    def __rsgi_del__(self, loop) -> None:
        """Let the requests in hand finish before the worker goes."""
        self._threads.shutdown(wait=True)

    async def _read_body(self, scope, protocol) -> bytes:
        """Read the body, but never much more than the app would accept (it answers 413)."""
        if self.max_body is None:
            return await protocol()
        declared = scope.headers.get("content-length") or ""
        if declared.isdigit() and int(declared) > self.max_body:
            return b""  # the app refuses it from CONTENT_LENGTH alone
        chunks, size = [], 0
        async for chunk in protocol:
            chunks.append(chunk)
            size += len(chunk)
            if size > self.max_body:
                break  # one byte past the limit is enough for the app to refuse it
        return b"".join(chunks)

    def _answer(self, environ: dict[str, Any]) -> tuple[int, list, bytes]:
        """Call the WSGI app; return its status, headers and whole body."""
        started: dict[str, Any] = {}
        content: list[bytes] = []

        def start_response(status: str, headers: list, exc_info=None):
            started["status"], started["headers"] = status, headers
            return content.append

        try:
            result = self.wsgi_app(environ, start_response)
            try:
                content.extend(result)
            finally:
                if hasattr(result, "close"):
                    result.close()
        except Exception:
            log.exception("The app raised instead of answering %s", environ["PATH_INFO"])
            return _FAILED
        if "status" not in started:  # an app that never started its response
            return _FAILED
        return int(started["status"].split(" ", 1)[0]), started["headers"], b"".join(content)


def wsgi_environ(scope, body: bytes) -> dict[str, Any]:
    """Build the WSGI environ of an RSGI request, without its underscore headers."""
    server_host, _, server_port = scope.server.rpartition(":")
    client_host, _, client_port = scope.client.rpartition(":")
    environ = {
        "REQUEST_METHOD": scope.method,
        "SCRIPT_NAME": "",
        # RSGI's path is percent-decoded text; WSGI wants its UTF-8 bytes as latin-1.
        "PATH_INFO": scope.path.encode("utf-8").decode("latin-1"),
        "QUERY_STRING": scope.query_string,
        "SERVER_NAME": server_host,
        "SERVER_PORT": server_port,
        "SERVER_PROTOCOL": f"HTTP/{scope.http_version}",
        "SERVER_SOFTWARE": "Granian",
        "REMOTE_ADDR": client_host.strip("[]"),
        "REMOTE_PORT": client_port,
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": scope.scheme,
        "wsgi.input": io.BytesIO(body),
        "wsgi.input_terminated": True,
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    for name, value in scope.headers.items():
        if "_" in name:
            continue  # it could stand in for a dashed header of the same letters (docstring)
        key = name.upper().replace("-", "_")
        key = key if key in _UNPREFIXED else f"HTTP_{key}"
        if key in environ:  # a repeated header: one list, as RFC 9110 reads it
            environ[key] += ("; " if key == "HTTP_COOKIE" else ",") + value
        else:
            environ[key] = value
    if "HTTP_HOST" not in environ and scope.authority:
        environ["HTTP_HOST"] = scope.authority  # HTTP/2 names the host there
    return environ
