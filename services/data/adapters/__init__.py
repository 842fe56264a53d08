"""The shipped data sets as adapters: one mapping file each (``<name>.yaml``) plus, where the source is
not a table, a small conversion (``convert: module:function`` in the mapping).

``list_adapters()`` names them; ``adapter_path(name)`` is the mapping file ``data prepare NAME`` ingests.
"""

from __future__ import annotations

from pathlib import Path

ADAPTERS_DIR = Path(__file__).resolve().parent


def list_adapters() -> list[str]:
    return sorted(p.stem for p in ADAPTERS_DIR.glob("*.yaml"))


def adapter_path(name: str) -> Path:
    path = ADAPTERS_DIR / f"{name}.yaml"
    if not path.is_file():
        raise LookupError(f"no adapter {name!r}; shipped adapters: {', '.join(list_adapters())}")
    return path
