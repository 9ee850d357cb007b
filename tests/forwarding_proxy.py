"""A loopback reverse proxy that forwards headers as Caddy and Traefik do.

It sets ``X-Forwarded-For`` to the address it saw the client at (a first proxy
trusts no client's claim), and writes every header sorted by name, so a
client's ``X_Forwarded_For`` (``_`` sorts after ``-``) arrives after the
proxy's own ``X-Forwarded-For``. Underscore headers pass through untouched.
"""

import http.client
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

#: Hop-by-hop headers a proxy never forwards (RFC 9110, section 7.6.1).
HOP_BY_HOP = {"connection", "keep-alive", "proxy-connection", "te", "trailer", "upgrade"}


class _Forward(BaseHTTPRequestHandler):
    """Forward one request to the server's target and its answer back."""

    protocol_version = "HTTP/1.0"  # one request per connection: nothing to keep in step

    def do_GET(self) -> None:
        self._forward()

    do_POST = do_HEAD = do_GET

    def _forward(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        headers = [
            (name, value)
            for name, value in self.headers.items()
            if name.lower() not in HOP_BY_HOP and name.lower() != "x-forwarded-for"
        ]
        headers.append(("X-Forwarded-For", self.client_address[0]))
        upstream = http.client.HTTPConnection(*self.server.target, timeout=30)
        try:
            upstream.putrequest(self.command, self.path, skip_host=True, skip_accept_encoding=True)
            for name, value in sorted(headers, key=lambda header: header[0].lower()):
                upstream.putheader(name, value)
            upstream.endheaders(body)
            response = upstream.getresponse()
            answer = response.read()
        finally:
            upstream.close()
        self.send_response(response.status)
        for name, value in response.getheaders():
            if name.lower() not in HOP_BY_HOP | {"transfer-encoding", "content-length"}:
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, format: str, *args) -> None:
        pass  # the server behind it logs every request


class ForwardingProxy:
    """Forward http://127.0.0.1:<port> to a server on 127.0.0.1:<target_port>."""

    def __init__(self, target_port: int):
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Forward)
        self._server.target = ("127.0.0.1", target_port)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
