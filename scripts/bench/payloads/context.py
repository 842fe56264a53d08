"""What payload builders may read: the shared data sets and the local copy of a served model."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np


@dataclass
class PayloadContext:
    """``data_dir``: the shared data sets; ``models``: settings field -> local model folder (or None);
    ``image_side``: product images are sent at their native 28 px, or as colour photos of this side."""

    data_dir: Path
    seed: int = 0
    image_side: int = 28
    models: dict[str, Path | None] = field(default_factory=dict)

    def rng(self, salt: int = 0) -> np.random.Generator:
        return np.random.default_rng(self.seed + salt)

    def model_folder(self, setting: str) -> Path | None:
        """Folder of the model a service serves under ``setting`` (resolved once, None when absent)."""
        if setting not in self.models:
            self.models[setting] = resolve_model_folder(setting)
        return self.models[setting]

    def model_json(self, setting: str, filename: str) -> dict[str, Any] | None:
        folder = self.model_folder(setting)
        if folder is None or not (folder / filename).exists():
            return None
        return json.loads((folder / filename).read_text())


def resolve_model_folder(setting: str) -> Path | None:
    """The local folder of the model configured under ``setting``, pulling it when S3 is configured."""
    import bentoml

    from services.core.artifact_store import ArtifactStore
    from services.core.settings import get_settings

    ref = str(getattr(get_settings(), setting))
    try:
        return Path(ArtifactStore().ensure_local(ref).path)
    except (LookupError, bentoml.exceptions.NotFound):
        return None
