"""A local HTTP listener that records every connection: the target of the SSRF tests.

It answers each request with a SPARQL JSON result holding a secret, as an internal service
would; a test that must not reach it asserts that `requests` stays empty.
"""

from __future__ import annotations

import json
import socket
import threading
import time

SECRET = "internal-secret-7f3a"
_BODY = json.dumps(
    {"head": {"vars": ["secret"]}, "results": {"bindings": [{"secret": {"type": "literal", "value": SECRET}}]}}
).encode("utf-8")
_RESPONSE = (
    b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\n"
    + f"Content-Length: {len(_BODY)}\r\nConnection: close\r\n\r\n".encode()
    + _BODY
)


class Listener:
    """Listens on 127.0.0.1 (a free port); `url` to target it, `requests` what it received."""

    def __init__(self) -> None:
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(16)
        self.port = self._sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}/sparql"
        self.requests: list[bytes] = []
        self._stopped = False
        threading.Thread(target=self._serve, name="listener", daemon=True).start()

    def _serve(self) -> None:
        while not self._stopped:
            try:
                conn, _ = self._sock.accept()
            except OSError:
                return
            with conn:
                conn.settimeout(2)
                data = b""
                try:
                    while b"\r\n\r\n" not in data:
                        chunk = conn.recv(65536)
                        if not chunk:
                            break
                        data += chunk
                    conn.sendall(_RESPONSE)
                except OSError:
                    pass
                self.requests.append(data or b"(connected, sent nothing)")

    def settle(self, seconds: float = 0.5) -> list[bytes]:
        """What was received, after waiting a moment for stragglers."""
        time.sleep(seconds)
        return list(self.requests)

    def close(self) -> None:
        self._stopped = True
        self._sock.close()
