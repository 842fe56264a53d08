"""The recommend service: batched top-k recommendation, similar items and cold-start profiles.

Every recommended item carries its catalog ``attributes`` and ``image_uri``. ``/catalog_items``
adds items at run time: each is scored from its features (text keywords, price band, category and
attributes, through the model's attribute vectors) and is recommendable at once. The call is
acknowledged only once the items are in the durable catalog log (``catalog_log.py``), which every
worker and replica folds into its served model within ``ADSERVE_RECOMMEND_CATALOG_POLL_S``, and
again into each new model version; a worker is ready only after its first fold.

Ids are validated against the served model while each request is parsed; the model can be
hot-swapped between that and the batch, so each batch API checks its rows again and answers a row
whose id the answering model lacks with ``error`` set, computing the other rows as usual.

Every answer says how it was scored (``scored_by``); ``explain: true`` adds each item's score
split into parts (``explain.py``).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from typing import Annotated, TypeVar

import bentoml
from annotated_types import MaxLen, MinLen
from bentoml.exceptions import InvalidArgument, ServiceUnavailable

from services.core.service_kit import PlatformService, batch_api, platform_service

from . import explain
from .catalog_log import CatalogLog, CatalogLogError, CatalogLogFull
from .model import NewItem, Recommended, Recommender
from .runtime import RECOMMENDER
from .schemas import (
    MAX_CATALOG_ITEMS,
    CatalogItem,
    CatalogItemsResponse,
    Explanation,
    ItemIdsToCheck,
    KnownItems,
    ProfileRequest,
    Recommendations,
    RecommendRequest,
    ScoredItem,
    SimilarItemsRequest,
)
from .settings import get_recommend_settings

log = logging.getLogger(__name__)
MAX_REQUESTS = 256
MAX_ITEM_IDS = 1000
R = TypeVar("R")
Explainer = Callable[[list[int], list[float]], list[explain.Explanation]]
# Adaptive batching does not pay for /recommend and /similar_items on CPU (batched ÷ unbatched 0.89
# and 0.64 at 64 clients on a quiet machine, docs/benchmarks.md): off by default there,
# ADSERVE_BATCHING_APIS=recommend.recommend,... turns it on. It pays for /recommend_for_profile
# (1.44×: each profile builds its vector first, and a batch scores all of them at once): on.
# Unbatched, /recommend and /similar_items run on the event loop (inline=True): the thread hop cost
# more than the call (1.90× and 1.51× the naive app's req/s, docs/benchmarks.md).
# When on, only a request that has queued this long is shed (503).
QUEUE_DEADLINE_MS = 10_000


def _new_item(item: CatalogItem) -> NewItem:
    return NewItem(
        item.item_id, item.title, item.price, item.description, item.category, dict(item.attributes), item.image_uri
    )


def _as_response(
    key: str,
    items: list[Recommended],
    version: str,
    scored_by: str,
    model: Recommender,
    explainer: Explainer | None = None,
) -> Recommendations:
    notes: Sequence[explain.Explanation | None] = [None] * len(items)
    if explainer is not None and items:
        notes = explainer([model.item_index[r.item_id] for r in items], [r.score for r in items])
    return Recommendations(
        key=key,
        items=[
            ScoredItem(
                item_id=r.item_id,
                title=r.title,
                score=r.score,
                attributes=r.attributes,
                image_uri=r.image_uri,
                explanation=None if note is None else Explanation.model_validate(note, from_attributes=True),
            )
            for r, note in zip(items, notes, strict=True)
        ],
        model_version=version,
        scored_by=scored_by,
    )


def _per_row(
    requests: Sequence[R],
    missing: Callable[[R], str | None],
    key: Callable[[R], str],
    rank: Callable[[list[R]], list[list[Recommended]]],
    version: str,
    respond: Callable[[R, list[Recommended]], Recommendations],
) -> list[Recommendations]:
    """Rank the rows the model can answer; the others get their own error (see the module docstring)."""
    problems = [missing(r) for r in requests]
    answerable = [r for r, p in zip(requests, problems, strict=True) if p is None]
    ranked = iter(rank(answerable) if answerable else [])
    out = []
    for request, problem in zip(requests, problems, strict=True):
        if problem is None:
            out.append(respond(request, next(ranked)))
        else:
            error = f"{problem} is not in model {version}, swapped in after this request was validated; retry"
            out.append(Recommendations(key=key(request), items=[], model_version=version, error=error))
    return out


@platform_service(
    name="recommend",
    access_log=False,
    traffic={"timeout": 30, "max_concurrency": 512},
    threads=2,
    resources={"cpu": "2", "memory": "2Gi"},
)
class RecommendService(PlatformService):
    """Hybrid LightFM recommendations served from precomputed vectors."""

    recommender = RECOMMENDER

    def __init__(self) -> None:
        super().__init__()
        self._catalog_lock = threading.Lock()
        self.catalog_log = CatalogLog.from_settings()
        self._catalog_synced = threading.Event()
        self._checked_model: Recommender | None = None  # the served object last compared with the log
        threading.Thread(target=self._follow_catalog_log, name="catalog-log", daemon=True).start()

    def __is_ready__(self) -> bool:
        return super().__is_ready__() and self._catalog_synced.is_set()

    def _model(self) -> tuple[Recommender, str]:
        return self.recommender.get(), self.recommender.tag or "unknown"

    def _follow_catalog_log(self) -> None:
        every = get_recommend_settings().catalog_poll_s
        while True:
            try:
                if self.recommender.ready:
                    self.sync_catalog()
                    self._catalog_synced.set()
            except Exception as exc:  # the store did not answer: try again at the next tick
                log.warning("catalog additions not folded in: %s", exc)
            time.sleep(every)

    def sync_catalog(self) -> int:
        """Fold the log's items that the served model lacks into it; returns how many were added.

        The whole log is compared with the catalog only when the log grew or another model object
        is served (a new version, or an addition through this worker); otherwise a tick only lists it.
        """
        grew = bool(self.catalog_log.read_new())
        with self._catalog_lock:
            model, version = self._model()
            if not grew and model is self._checked_model:
                return 0
            missing = [_new_item(i) for i in self.catalog_log.items() if i.item_id not in model.item_index]
            if missing:
                model = model.with_catalog_items(missing)
                self.recommender.swap(model, version)
            self._checked_model = model
        if missing:
            log.info("folded %d logged catalog additions into %s", len(missing), version)
        return len(missing)

    @bentoml.api(route="/known_items")
    def known_items(self, item_ids: Annotated[ItemIdsToCheck, MinLen(1), MaxLen(MAX_ITEM_IDS)]) -> KnownItems:
        """Which item ids the served model's catalog holds (the campaign checks feedback with it)."""
        model, version = self._model()
        asked = list(dict.fromkeys(item_ids))
        return KnownItems(
            known=[i for i in asked if i in model.item_index],
            unknown=[i for i in asked if i not in model.item_index],
            model_version=version,
        )

    @batch_api(max_batch_size=128, max_latency_ms=QUEUE_DEADLINE_MS, batched=False, inline=True)
    def recommend(
        self, requests: Annotated[list[RecommendRequest], MinLen(1), MaxLen(MAX_REQUESTS)]
    ) -> list[Recommendations]:
        """Top-k products per user (purchased ones excluded unless asked otherwise)."""
        model, version = self._model()
        return _per_row(
            requests,
            lambda r: None if (r.user_id or "") in model.user_index else f"user {r.user_id}",
            lambda r: r.user_id or "",
            lambda rows: model.recommend(
                [r.user_id or "" for r in rows], [r.k for r in rows], [r.exclude_purchased for r in rows]
            ),
            version,
            lambda r, items: _as_response(
                r.user_id or "",
                items,
                version,
                model.scored_by,
                model,
                (lambda idx, sc, user=r.user_id or "": explain.explain_user(model, user, idx, sc))
                if r.explain
                else None,
            ),
        )

    @batch_api(max_batch_size=128, max_latency_ms=QUEUE_DEADLINE_MS, batched=False, inline=True)
    def similar_items(
        self, requests: Annotated[list[SimilarItemsRequest], MinLen(1), MaxLen(MAX_REQUESTS)]
    ) -> list[Recommendations]:
        """Items closest to each given item in the model's latent space (cosine)."""
        model, version = self._model()
        return _per_row(
            requests,
            lambda r: None if r.item_id in model.item_index else f"item {r.item_id}",
            lambda r: r.item_id,
            lambda rows: model.similar_items([r.item_id for r in rows], [r.k for r in rows]),
            version,
            lambda r, items: _as_response(
                r.item_id,
                items,
                version,
                "cosine",
                model,
                (lambda idx, sc, item=model.item_index[r.item_id]: explain.explain_similar(model, item, idx, sc))
                if r.explain
                else None,
            ),
        )

    @batch_api(max_batch_size=128, max_latency_ms=QUEUE_DEADLINE_MS, inline=True)
    def recommend_for_profile(
        self, requests: Annotated[list[ProfileRequest], MinLen(1), MaxLen(MAX_REQUESTS)]
    ) -> list[Recommendations]:
        """Users never seen in training, from their country (and other attributes) and recently viewed items."""
        model, version = self._model()

        def missing(r: ProfileRequest) -> str | None:
            gone = [i for i in r.recent_item_ids if i not in model.item_index]
            return f"item {gone[0]}" if gone else None

        return _per_row(
            requests,
            missing,
            lambda r: "profile",
            lambda rows: model.recommend_for_profiles(
                [(r.country, r.recent_item_ids, r.attributes) for r in rows], [r.k for r in rows]
            ),
            version,
            lambda r, items: _as_response(
                "profile",
                items,
                version,
                model.profile_scored_by,
                model,
                (lambda idx, sc: explain.explain_profile(model, r.country, r.recent_item_ids, idx, sc, r.attributes))
                if r.explain
                else None,
            ),
        )

    @bentoml.api(route="/catalog_items")
    def catalog_items(
        self, items: Annotated[list[CatalogItem], MinLen(1), MaxLen(MAX_CATALOG_ITEMS)]
    ) -> CatalogItemsResponse:
        """Add catalog items after training; they are recommendable at once from their features.

        Ids the served catalog already has are left unchanged (``already_known``); an id given twice
        in one call is added once, from its first entry.
        """
        unique = list({i.item_id: i for i in reversed(items)}.values())[::-1]
        with self._catalog_lock:  # one read-modify-swap at a time; readers keep the old model meanwhile
            model, version = self._model()
            known = [i.item_id for i in unique if i.item_id in model.item_index]
            adding = [i for i in unique if i.item_id not in model.item_index]
            new = [_new_item(i) for i in adding]
            if adding:
                try:
                    self.catalog_log.append(adding)  # durable first: only a stored addition is acknowledged
                except CatalogLogFull as exc:
                    raise InvalidArgument(str(exc)) from None
                except CatalogLogError as exc:
                    raise ServiceUnavailable(str(exc)) from None
            grown = model.with_catalog_items(new)
            if grown is not model:
                self.recommender.swap(grown, version)
        return CatalogItemsResponse(
            added=[i.item_id for i in new], already_known=known, items=grown.n_items, model_version=version
        )
