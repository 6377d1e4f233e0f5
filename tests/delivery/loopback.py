"""A service played on 127.0.0.1 in the tests (Microsoft Graph, Entra, Google's token endpoint): JSON answers."""

from __future__ import annotations

import json
from collections.abc import Iterable
from http.server import BaseHTTPRequestHandler
from typing import Any


class JsonHandler(BaseHTTPRequestHandler):
    """A request handler that answers in JSON (nothing for None) and writes no log line to stderr."""

    def answer(self, status: int, payload: object, headers: Iterable[tuple[str, str]] = ()) -> None:
        data = b"" if payload is None else json.dumps(payload).encode()
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        pass
