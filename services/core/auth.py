"""API-key authentication: which paths are open, how a key is presented and compared.

Keys (``Authorization: Bearer <key>`` or ``X-API-Key``) are compared in constant time against every
configured key; a match gives the key's name, which logs, metrics and quotas use (never the key).
The check is an allow-list of open paths (health, metrics, the documentation), matched exactly, so
routes added later are protected by default; only the Swagger UI's static files are open by prefix,
and only for GET and HEAD. Keys are never logged.
"""

from __future__ import annotations

import hmac
from collections.abc import Mapping

OPEN_PATHS = frozenset({"/", "/livez", "/readyz", "/healthz", "/metrics", "/docs", "/docs.json", "/schema.json"})
STATIC_PREFIX = "/static_content/"


def is_open_path(path: str, method: str = "GET") -> bool:
    if path in OPEN_PATHS:
        return True
    return method in ("GET", "HEAD") and path.startswith(STATIC_PREFIX) and ".." not in path


def key_name(candidate: str, keys: Mapping[str, str]) -> str | None:
    """The name of the configured key equal to ``candidate`` (constant time over all keys), else None."""
    found: str | None = None
    encoded = candidate.encode()
    for name, key in keys.items():
        if hmac.compare_digest(encoded, key.encode()) and candidate:
            found = name
    return found


def key_matches(candidate: str, keys: list[str]) -> bool:
    """Constant-time comparison against every configured key (no early exit)."""
    return key_name(candidate, {str(i): k for i, k in enumerate(keys)}) is not None


def presented_key(headers: dict[bytes, bytes]) -> str:
    auth = headers.get(b"authorization", b"").decode("latin-1")
    if auth.lower().startswith("bearer "):
        return auth[7:].strip()
    return headers.get(b"x-api-key", b"").decode("latin-1").strip()
