"""BentoML model metadata accepts only basic types: drop ``None`` and stringify anything unusual."""

from __future__ import annotations

from typing import Any


def bentoml_safe(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): bentoml_safe(v) for k, v in value.items() if v is not None}
    if isinstance(value, list | tuple):
        return [bentoml_safe(v) for v in value if v is not None]
    if isinstance(value, str | bool | int | float):
        return value
    return str(value)
