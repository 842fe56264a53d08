"""Model metadata BentoML can store: only basic types.

``None`` entries are dropped, tuples become lists, numpy scalars their Python values, and anything
else (paths, enums, dates) its string.
"""

from __future__ import annotations

from typing import Any


def metadata_safe(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): metadata_safe(v) for k, v in value.items() if v is not None}
    if isinstance(value, list | tuple):
        return [metadata_safe(v) for v in value if v is not None]
    if isinstance(value, str | bool | int | float):
        return value
    item = getattr(value, "item", None)
    if callable(item) and getattr(value, "shape", None) == ():
        return metadata_safe(item())
    return str(value)
