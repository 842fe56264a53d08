"""The client's one exception: an HTTP error answer carrying the server's ``{"error", "detail"}`` body."""

from __future__ import annotations

from typing import Any


class AdserveError(Exception):
    """A non-2xx answer (after retries), with the status and the server's ``error`` and ``detail``."""

    def __init__(self, status_code: int, error: str, detail: Any, route: str) -> None:
        self.status_code = status_code
        self.error = error
        self.detail = detail
        self.route = route
        super().__init__(f"{route}: HTTP {status_code} {error}: {detail}")

    @classmethod
    def from_response(cls, status_code: int, body: bytes, route: str) -> AdserveError:
        import json

        try:
            parsed = json.loads(body)
        except ValueError:
            parsed = None
        if isinstance(parsed, dict) and "error" in parsed:
            return cls(status_code, str(parsed["error"]), parsed.get("detail"), route)
        return cls(status_code, "http_error", body.decode("utf-8", "replace")[:500], route)
