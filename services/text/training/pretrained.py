"""Wrap pretrained Hugging Face weights (a ``save_pretrained`` folder) as this capability's BentoML models.

The files are copied unchanged; the metadata tells the runtime how to prompt the model. After
``publish`` to S3, pointing ``ADSERVE_TEXT_GENERATOR_MODEL`` / ``ADSERVE_TEXT_SUMMARIZER_MODEL`` at
the new version (or moving the alias) is the whole switch.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import bentoml

from .abstractive import MODEL_NAME as SUMMARIZER_NAME
from .generator import MODEL_NAME as GENERATOR_NAME

REQUIRED = ("config.json",)


def import_pretrained(
    path: Path,
    kind: str,
    *,
    prompt_format: str = "chat",
    languages: list[str] | None = None,
    input_prefix: str = "",
) -> bentoml.Model:
    if kind not in {"generator", "summarizer"}:
        raise ValueError("kind must be 'generator' or 'summarizer'")
    missing = [f for f in REQUIRED if not (path / f).exists()]
    if missing:
        raise FileNotFoundError(f"{path} is not a save_pretrained folder (missing {', '.join(missing)})")
    if kind == "generator":
        name = GENERATOR_NAME
        metadata: dict[str, object] = {"prompt_format": prompt_format, "languages": languages or ["en"]}
    else:
        name = SUMMARIZER_NAME
        metadata = {"input_prefix": input_prefix}
    metadata["source"] = f"pretrained weights imported from {path.name}"
    with bentoml.models.create(name, metadata=metadata, labels={"capability": "text", "origin": "pretrained"}) as m:
        shutil.copytree(path, m.path, dirs_exist_ok=True)
    return m
