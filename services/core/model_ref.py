"""Model references: ``name``, ``name:version`` or ``name:alias`` (aliases such as production, staging, latest)."""

from __future__ import annotations

import re
from dataclasses import dataclass

_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,62}$")
_VERSION = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")
ALIASES = frozenset({"latest", "production", "staging", "canary", "previous"})


class ModelRefError(ValueError):
    """A model reference that cannot be parsed."""


@dataclass(frozen=True)
class ModelRef:
    name: str
    version: str = "latest"

    @property
    def is_alias(self) -> bool:
        return self.version in ALIASES

    def __str__(self) -> str:
        return f"{self.name}:{self.version}"

    @classmethod
    def parse(cls, text: str) -> ModelRef:
        name, _, version = text.strip().partition(":")
        version = version or "latest"
        if not _NAME.match(name):
            raise ModelRefError(f"invalid model name in reference {text!r}")
        if not _VERSION.match(version) or ".." in version:
            raise ModelRefError(f"invalid model version or alias in reference {text!r}")
        return cls(name=name, version=version)
