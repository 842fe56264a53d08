"""The served score: LightFM blended with trending popularity, and the cold-start policy.

``score(u, i) = model_weight · (u · v_i + b_i) + popularity_weight · log(1 + buyers_i)`` where
``buyers_i`` is the number of distinct customers who bought item ``i`` in the ``window_days`` before
the end of the training data. Both weights, the window and the profile policy are fitted on a
validation window before the test window (``training.quality``); the final model is refit on all
data and its ``buyers`` recounted up to the data's end.

``profile_policy`` says how ``/recommend_for_profile`` scores a user never seen in training:
``"model"`` (country vector plus the mean of the recent items' vectors, blended like above) or
``"trending_by_country"`` (distinct buyers in the user's country over ``country_window_days``),
chosen by whichever did better on the validation window's new customers.

The blend folds into a per-item offset, so serving stays one inner product per item (and the
faiss reduction of ``ann`` applies unchanged).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np

ProfilePolicy = Literal["model", "trending_by_country"]
ARRAYS = "blend.npz"
META = "blend.json"


@dataclass(frozen=True)
class Blend:
    model_weight: float
    popularity_weight: float
    window_days: int
    buyers: np.ndarray  # (n_items,) distinct buyers in the window before ``as_of``
    as_of: str
    profile_policy: ProfilePolicy = "model"
    country_window_days: int = 30
    country_buyers: dict[str, np.ndarray] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.model_weight <= 0:
            raise ValueError("model_weight must be positive (it scales the LightFM score)")

    def popularity(self, n_items: int) -> np.ndarray:
        """``popularity_weight · log(1 + buyers)`` per item; items added after training count zero buyers."""
        part = np.zeros(n_items, dtype=np.float32)
        m = min(n_items, self.buyers.size)
        part[:m] = self.popularity_weight * np.log1p(self.buyers[:m])
        return part

    def buyers_of(self, n_items: int) -> np.ndarray:
        out = np.zeros(n_items, dtype=np.float32)
        m = min(n_items, self.buyers.size)
        out[:m] = self.buyers[:m]
        return out

    def country_counts(self, country: str | None, n_items: int) -> tuple[np.ndarray, str]:
        """Distinct buyers per item in ``country`` over ``country_window_days`` (all countries if unknown)."""
        counts = self.country_buyers.get(country or "")
        scope = country or ""
        if counts is None:
            counts = (
                np.sum(list(self.country_buyers.values()), axis=0)
                if self.country_buyers
                else np.zeros(n_items, dtype=np.float32)
            )
            scope = "all countries"
        out = np.zeros(n_items, dtype=np.float32)
        m = min(n_items, counts.size)
        out[:m] = counts[:m]
        return out, scope

    def summary(self) -> dict[str, object]:
        return {
            "model_weight": self.model_weight,
            "popularity_weight": self.popularity_weight,
            "window_days": self.window_days,
            "as_of": self.as_of,
            "profile_policy": self.profile_policy,
            "country_window_days": self.country_window_days,
        }

    # ------------------------------------------------------------------ persistence
    def save(self, folder: Path) -> None:
        countries = list(self.country_buyers)
        np.savez_compressed(
            folder / ARRAYS,
            buyers=self.buyers.astype(np.float32),
            country_buyers=(
                np.stack([self.country_buyers[c] for c in countries]).astype(np.float32)
                if countries
                else np.zeros((0, self.buyers.size), np.float32)
            ),
        )
        (folder / META).write_text(json.dumps({**self.summary(), "countries": countries}))

    @classmethod
    def load(cls, folder: Path) -> Blend | None:
        """The saved blend, or None for a model trained before blends existed (served as plain LightFM)."""
        if not (folder / META).exists():
            return None
        meta = json.loads((folder / META).read_text())
        with np.load(folder / ARRAYS, allow_pickle=False) as arrays:
            buyers, by_country = arrays["buyers"], arrays["country_buyers"]
        return cls(
            model_weight=float(meta["model_weight"]),
            popularity_weight=float(meta["popularity_weight"]),
            window_days=int(meta["window_days"]),
            buyers=buyers.astype(np.float32),
            as_of=str(meta["as_of"]),
            profile_policy=meta["profile_policy"],
            country_window_days=int(meta["country_window_days"]),
            country_buyers={c: by_country[i].astype(np.float32) for i, c in enumerate(meta["countries"])},
        )
