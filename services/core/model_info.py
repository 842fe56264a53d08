"""``/model_info``: what a service serves — model tags, creation times, metrics and data lineage.

Read from the BentoML models' own metadata (written by training), so the answer says what produced
the served outputs and nothing more. A model that is still loading is listed with ``ready: false``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import bentoml
from pydantic import BaseModel, Field

from .managed_model import ManagedModel

LINEAGE_KEYS = ("data", "dataset", "data_lineage", "lineage", "source", "trained_on", "data_version")
METRIC_KEYS = ("metrics", "metric", "evaluation")


class ServedModel(BaseModel):
    setting: str = Field(description="The setting that selects this model (ADSERVE_<SETTING>).")
    reference: str = Field(description="The configured reference: name:version or name:alias.")
    ready: bool
    tag: str | None = Field(None, description="The exact version served.")
    created: datetime | None = None
    labels: dict[str, str] = Field(default_factory=dict)
    metrics: dict[str, Any] = Field(default_factory=dict)
    lineage: dict[str, Any] = Field(default_factory=dict)
    metadata: dict[str, Any] = Field(default_factory=dict, description="The rest of the model's metadata.")
    error: str | None = None


class ModelInfoResponse(BaseModel):
    service: str
    models: list[ServedModel]


def _split(metadata: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    metrics: dict[str, Any] = {}
    lineage: dict[str, Any] = {}
    rest: dict[str, Any] = {}
    for key, value in metadata.items():
        lowered = key.lower()
        if any(lowered == k or lowered.startswith(k + "_") or lowered.startswith(k + ".") for k in METRIC_KEYS):
            metrics[key] = value
        elif any(lowered == k or lowered.startswith(k + "_") or lowered.startswith(k + ".") for k in LINEAGE_KEYS):
            lineage[key] = value
        else:
            rest[key] = value
    return metrics, lineage, rest


def describe(model: ManagedModel[Any]) -> ServedModel:
    """The served version of one managed model, with its metadata split into metrics and lineage."""
    info = ServedModel(
        setting=model.setting, reference=model.ref(), ready=model.ready, tag=model.tag, error=model.error
    )
    if model.tag is None:
        return info
    try:
        stored = bentoml.models.get(model.tag)
    except Exception as exc:  # removed from the local store after loading: say so, keep serving
        info.error = f"metadata unavailable: {exc}"
        return info
    metrics, lineage, rest = _split(dict(stored.info.metadata))
    info.created = stored.creation_time
    info.labels = dict(stored.info.labels)
    info.metrics, info.lineage, info.metadata = metrics, lineage, rest
    return info
