"""The process-wide model-loading lock, under the name the text modules use.

``from_pretrained`` calls and the sentence-embedder warm-up take it so that no two loads overlap
(see ``services.core.managed_model.MODEL_LOAD_LOCK``).
"""

from __future__ import annotations

from services.core.managed_model import MODEL_LOAD_LOCK as LOAD_LOCK

__all__ = ["LOAD_LOCK"]
