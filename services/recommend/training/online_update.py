"""The online recommender update, recommend's own job: feedback store -> ``fit_partial`` -> new version or rollback.

One run reads the events after its cursor, folds the positive ones into the model the platform
currently serves (``ADSERVE_RECOMMEND_MODEL``), and:

* promote: saves a NEW BentoML model version (metadata: parent version, event range, metrics),
  moves the serving alias with a conditional write (its document keeps the old version as
  ``previous``; locally, and in S3 when ``ADSERVE_MODEL_STORE`` is set); services pick it up with
  ``ManagedModel.refresh``;
* rollback: the held-out metric dropped more than the allowed margin; nothing is saved, the last
  good model keeps serving, and the run is recorded;
* skip: nothing to fold in, or too few held-out users to judge; the cursor stays so that the
  events count in the next run.

Exactly once: the decision, the run record and the cursor move are one transaction of the store
(``finish_run``, a compare-and-set on the cursor). A new version carries the event range it folded
in (``online_update.events``); a run that finds the served model ahead of the cursor (the previous
run crashed between publishing and ``finish_run``) records ``recovered`` and moves the cursor to
the model's end instead of folding those events again. Runs are serialised by the store's lease.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import bentoml
import numpy as np

from services.core.artifact_store import AliasConflictError, ArtifactStore
from services.core.feedback import CursorConflict, FeedbackStore, RunRecord, StoredEvent
from services.core.model_ref import ModelRef
from services.core.settings import PlatformSettings, get_settings
from services.recommend.artifacts import save_model

from .online_model import EmbedFn, Interaction, OnlineConfig, OnlineModel, fold_in
from .update_settings import UpdateSettings, get_update_settings

log = logging.getLogger(__name__)
CURSOR = "recommender-update"


@dataclass
class UpdateOutcome:
    decision: str
    reason: str
    base_model: str | None = None
    new_model: str | None = None
    alias: str | None = None
    published: bool = False
    from_seq: int = 0
    to_seq: int = 0
    seconds: float = 0.0
    detail: dict[str, Any] = field(default_factory=dict)

    def line(self) -> str:
        new = f" -> {self.new_model}" if self.new_model else ""
        return f"{self.decision}: {self.reason} (events {self.from_seq + 1}..{self.to_seq}; {self.base_model}{new})"


def online_config(settings: UpdateSettings) -> OnlineConfig:
    return OnlineConfig(
        epochs=settings.epochs,
        holdout_fraction=settings.holdout_fraction,
        replay_ratio=settings.replay_ratio,
        max_drop=settings.max_drop,
        metric=settings.metric,
        min_holdout_users=settings.min_holdout_users,
    )


def interactions(events: list[StoredEvent], positive: tuple[str, ...]) -> list[Interaction]:
    return [Interaction(e.user, e.item, e.ts, e.item_title, e.item_price) for e in events if e.event in set(positive)]


def _default_embed(texts: list[str]) -> np.ndarray:
    from services.core.embeddings import embed_texts

    return embed_texts(texts)


def run_update(
    feedback: FeedbackStore,
    settings: UpdateSettings | None = None,
    platform: PlatformSettings | None = None,
    embed_fn: EmbedFn | None = None,
    report_dir: Path | None = None,
) -> UpdateOutcome:
    settings = settings or get_update_settings()
    platform = platform or get_settings()
    with feedback.lease(CURSOR) as held:
        if not held:
            return UpdateOutcome("skip", "another update is running")
        outcome = _run(feedback, settings, platform, embed_fn or _default_embed)
    folder = report_dir or platform.var_dir / "reports" / "recommend" / "updates"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"update-{time.strftime('%Y%m%d-%H%M%S')}-{outcome.decision}.json").write_text(
        json.dumps(asdict(outcome), indent=2, default=str)
    )
    log.info("online update %s", outcome.line())
    return outcome


def folded_upto(model: bentoml.Model) -> int:
    """The last feedback seq a model version has folded in (0 for a model trained offline)."""
    events = model.info.metadata.get("online_update", {}).get("events")
    return int(events[1]) if isinstance(events, list | tuple) and len(events) == 2 else 0


def _run(
    feedback: FeedbackStore, settings: UpdateSettings, platform: PlatformSettings, embed: EmbedFn
) -> UpdateOutcome:
    t0 = time.perf_counter()
    store = ArtifactStore(platform)
    ref = ModelRef.parse(platform.recommend_model)
    base = store.ensure_local(str(ref))
    start = feedback.cursor(CURSOR)
    ahead = folded_upto(base)
    if ahead > start:  # a run published this model and crashed before moving the cursor
        reason = f"{base.tag} already holds events {start + 1}..{ahead}: cursor moved, nothing folded twice"
        feedback.finish_run(CURSOR, RunRecord(start, ahead, "recovered", str(base.tag), None, {"reason": reason}), True)
        log.warning("online update: %s", reason)
        start = ahead
    events = feedback.read(start, settings.max_events)
    if not events:
        return UpdateOutcome("skip", "no new events", str(base.tag), from_seq=start, to_seq=start)
    end = events[-1].seq
    current = OnlineModel.from_bentoml(base, embed)
    result = fold_in(current, interactions(events, settings.positive_events), online_config(settings))
    outcome = UpdateOutcome(
        result.decision, result.reason, str(base.tag), from_seq=start, to_seq=end, detail=result.summary()
    )
    if result.decision == "promote" and result.recommender is not None and result.candidate is not None:
        metadata = {
            **{k: v for k, v in base.info.metadata.items() if k != "online_update"},
            "metrics": {**dict(base.info.metadata.get("metrics", {})), "online_holdout": result.metrics_candidate},
            "online_update": {
                "parent": str(base.tag),
                "events": [start + 1, end],
                "metric": settings.metric,
                "before": result.metrics_current,
                "after": result.metrics_candidate,
                "counts": result.counts,
            },
        }
        metadata = _storable(metadata)
        result.recommender.metadata = metadata
        model = save_model(
            result.recommender,
            result.candidate.lightfm,
            metadata,
            labels={"update": "online", "parent": base.tag.version or ""},
        )
        outcome.new_model = str(model.tag)
        outcome.alias, outcome.published = _move_alias(
            store, platform, settings, ref, base.tag.version or "", model.tag.version or ""
        )
    record = RunRecord(start, end, outcome.decision, outcome.base_model or "", outcome.new_model, outcome.detail)
    try:
        feedback.finish_run(CURSOR, record, move_cursor=result.decision != "skip")
    except CursorConflict as exc:
        outcome.decision, outcome.reason = "skip", f"{exc}: another run folded these events"
    outcome.seconds = round(time.perf_counter() - t0, 2)
    return outcome


def _storable(value: Any) -> Any:
    """BentoML metadata takes basic types only: drop None values, turn numpy scalars into Python ones."""
    if isinstance(value, dict):
        return {str(k): _storable(v) for k, v in value.items() if v is not None}
    if isinstance(value, list | tuple):
        return [_storable(v) for v in value if v is not None]
    if isinstance(value, np.generic):
        return value.item()
    return value


def _move_alias(
    store: ArtifactStore,
    platform: PlatformSettings,
    settings: UpdateSettings,
    ref: ModelRef,
    old_version: str,
    new_version: str,
) -> tuple[str | None, bool]:
    """Point the serving alias at the new version; its document keeps the old one as ``previous``.

    The move is conditional on the alias still pointing at the version this run folded into: an
    operator's rollback (or another publisher) in the meantime is not overwritten
    (``AliasConflictError``; the new version stays saved, unserved).
    """
    alias = settings.alias or (ref.version if ref.is_alias else None)
    if alias is None:
        log.warning(
            "ADSERVE_RECOMMEND_MODEL pins version %s: the new model is saved but nothing serves it "
            "(set ADSERVE_RECOMMEND_UPDATE_ALIAS, e.g. production)",
            ref.version,
        )
    moving = alias if alias and alias != "latest" else None  # 'latest' follows the newest version by itself
    if platform.uses_s3:
        store.publish(f"{ref.name}:{new_version}")
    if moving:
        record = store.alias_record(ref.name, moving)
        if record is not None and record.current != old_version:
            raise AliasConflictError(
                f"alias {ref.name}:{moving} moved to {record.current} while this run folded into {old_version}; "
                f"{new_version} is saved but not served"
            )
        store.move_alias(ref.name, moving, new_version, record)
    return alias, platform.uses_s3


def rollback(platform: PlatformSettings | None = None, alias: str | None = None) -> str:
    """Point the serving alias back at its ``previous`` version; returns the version now served."""
    platform = platform or get_settings()
    ref = ModelRef.parse(platform.recommend_model)
    alias = alias or (ref.version if ref.is_alias else None)
    if alias is None or alias == "latest":
        raise ValueError("rollback needs a movable alias: serve e.g. recommend-lightfm:production")
    return ArtifactStore(platform).rollback_alias(ref.name, alias).current
