"""The recommender as a BentoML model: saving a training result and loading it for serving.

Files in the model folder: ``recommender.npz``/``recommender.json`` (serving vectors and catalog)
and ``lightfm_state.npz`` (LightFM parameters and optimiser state, for online ``fit_partial``).
No pickles: everything loads with ``allow_pickle=False``.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import bentoml
import numpy as np
from lightfm import LightFM

from services.core.settings import get_settings

from .ann import attach_index
from .model import Recommender

log = logging.getLogger(__name__)

MODEL_NAME = "recommend-lightfm"
LIGHTFM_STATE = "lightfm_state.npz"
LIGHTFM_ARRAYS = (
    "item_embeddings",
    "item_embedding_gradients",
    "item_embedding_momentum",
    "item_biases",
    "item_bias_gradients",
    "item_bias_momentum",
    "user_embeddings",
    "user_embedding_gradients",
    "user_embedding_momentum",
    "user_biases",
    "user_bias_gradients",
    "user_bias_momentum",
)


def save_lightfm(model: LightFM, folder: Path) -> None:
    arrays = {name: getattr(model, name) for name in LIGHTFM_ARRAYS}
    params = model.get_params()
    np.savez_compressed(
        folder / LIGHTFM_STATE,
        **arrays,
        hyper=np.array(
            [params["no_components"], params["learning_rate"], params["item_alpha"], params["user_alpha"]],
            dtype=np.float64,
        ),
    )


def load_lightfm(folder: Path, seed: int = 42) -> LightFM:
    with np.load(folder / LIGHTFM_STATE, allow_pickle=False) as state:
        comps, lr, item_alpha, user_alpha = state["hyper"].tolist()
        model = LightFM(
            loss="warp",
            no_components=int(comps),
            learning_rate=lr,
            item_alpha=item_alpha,
            user_alpha=user_alpha,
            random_state=seed,
        )
        for name in LIGHTFM_ARRAYS:
            setattr(model, name, state[name].copy())
    return model


def save_model(
    recommender: Recommender, lightfm_model: LightFM, metadata: dict[str, Any], labels: dict[str, str] | None = None
) -> bentoml.Model:
    with bentoml.models.create(
        MODEL_NAME,
        module="services.recommend",
        labels={"capability": "recommend", "framework": "lightfm", **(labels or {})},
        metadata=metadata,
    ) as model:
        folder = Path(model.path)
        recommender.save(folder)
        save_lightfm(lightfm_model, folder)
    return model


PII_KEY_FINGERPRINT = "pii_key_fingerprint"


class KeyMismatchError(RuntimeError):
    """The model's user ids were pseudonymized with another key than this service's."""


def check_pii_key(model: bentoml.Model, fingerprint: str) -> None:
    """Refuse a model trained under another pseudonymization key (its user ids would never match)."""
    recorded = model.info.metadata.get(PII_KEY_FINGERPRINT)
    if recorded is None:
        log.warning(
            "model %s records no pseudonymization key fingerprint (trained before they were recorded)", model.tag
        )
        return
    if recorded != fingerprint:
        raise KeyMismatchError(
            f"model {model.tag} was trained with the pseudonymization key of fingerprint {recorded}, but this "
            f"service's key has fingerprint {fingerprint}: serve with the key training used (ADSERVE_PII_HMAC_KEY, "
            "the secret store in the cloud, var/secrets/pii_hmac.key locally) or retrain"
        )


def load_recommender(model: bentoml.Model) -> Recommender:
    """The ``ManagedModel`` loader of the recommend service; checks the pseudonymization key first."""
    check_pii_key(model, get_settings().hmac_key_fingerprint())
    recommender = Recommender.load(Path(model.path))
    attach_index(recommender)  # a faiss index above the configured catalog size, checked against exact
    return recommender
