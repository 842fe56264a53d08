"""API-key authentication: which paths are open, how a key is presented and compared.

Keys (``Authorization: Bearer <key>`` or ``X-API-Key``) are compared in constant time against every
configured key. The check is an allow-list of open paths (health, metrics, docs), so routes added
later are protected by default. Keys are never logged.
"""

from __future__ import annotations

import hmac

OPEN_PATHS = frozenset({"/", "/livez", "/readyz", "/healthz", "/metrics", "/docs.json", "/schema.json"})
OPEN_PREFIXES = ("/static_content/", "/docs")


def is_open_path(path: str) -> bool:
    return path in OPEN_PATHS or path.startswith(OPEN_PREFIXES)


def key_matches(candidate: str, keys: list[str]) -> bool:
    """Constant-time comparison against every configured key (no early exit)."""
    found = False
    encoded = candidate.encode()
    for key in keys:
        found |= hmac.compare_digest(encoded, key.encode())
    return found


def presented_key(headers: dict[bytes, bytes]) -> str:
    auth = headers.get(b"authorization", b"").decode("latin-1")
    if auth.lower().startswith("bearer "):
        return auth[7:].strip()
    return headers.get(b"x-api-key", b"").decode("latin-1").strip()
