"""``<capability> serve``: ``bentoml serve`` one capability of the catalog on its port."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from services.core.capabilities import get_catalog


def serve_capability(name: str, port: int | None, host: str) -> None:
    """Replace this process with ``bentoml serve`` of the capability (default port: the catalog's)."""
    capability = get_catalog()[name]
    bentoml_bin = str(Path(sys.executable).parent / "bentoml")
    port = capability.port if port is None else port
    os.execv(bentoml_bin, [bentoml_bin, "serve", capability.service, "--host", host, "--port", str(port)])
