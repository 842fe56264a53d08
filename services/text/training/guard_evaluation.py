"""Precision and recall of the compliance guard on a labelled set of texts (JSON lines).

Each line: ``{"id", "language", "text", "attributes" | null, "expected": [kinds]}``. Two views are
scored: text level (is the text flagged at all) and kind level (each (text, kind) pair is one
decision, so a text flagged for the wrong reason counts as a false positive and a false negative).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from ..compliance import check_text, violation_kinds


class LabelledText(BaseModel):
    id: str
    language: str
    text: str
    attributes: dict[str, Any] | None = None
    expected: list[str]
    note: str = ""


class PrecisionRecall(BaseModel):
    precision: float
    recall: float
    true_positives: int
    false_positives: int
    false_negatives: int


class GuardReport(BaseModel):
    n_texts: int
    text_level: PrecisionRecall
    kind_level: PrecisionRecall
    per_kind: dict[str, PrecisionRecall]
    per_language: dict[str, PrecisionRecall]
    errors: list[dict[str, Any]]


def load_labelled(path: Path) -> list[LabelledText]:
    return [LabelledText.model_validate_json(line) for line in path.read_text().splitlines() if line.strip()]


def _pr(tp: int, fp: int, fn: int) -> PrecisionRecall:
    return PrecisionRecall(
        precision=tp / (tp + fp) if tp + fp else 1.0,
        recall=tp / (tp + fn) if tp + fn else 1.0,
        true_positives=tp,
        false_positives=fp,
        false_negatives=fn,
    )


def evaluate_guard(rows: list[LabelledText]) -> GuardReport:
    counts: dict[str, list[int]] = {}  # bucket -> [tp, fp, fn]
    errors: list[dict[str, Any]] = []

    def bump(bucket: str, tp: int, fp: int, fn: int) -> None:
        c = counts.setdefault(bucket, [0, 0, 0])
        c[0], c[1], c[2] = c[0] + tp, c[1] + fp, c[2] + fn

    for row in rows:
        lang = "zh" if row.language == "zh" else "en"
        violations = check_text(row.text, row.attributes, lang)
        got, want = violation_kinds(violations), set(row.expected)
        bump("text", int(bool(got) and bool(want)), int(bool(got) and not want), int(bool(want) and not got))
        for kind in got | want:
            tp, fp, fn = (
                int(kind in got and kind in want),
                int(kind in got and kind not in want),
                int(kind in want and kind not in got),
            )
            bump("kind", tp, fp, fn)
            bump(f"kind:{kind}", tp, fp, fn)
            bump(f"lang:{lang}", tp, fp, fn)
        if got != want:
            errors.append(
                {
                    "id": row.id,
                    "text": row.text,
                    "expected": sorted(want),
                    "got": [v.model_dump() for v in violations],
                }
            )
    return GuardReport(
        n_texts=len(rows),
        text_level=_pr(*counts.get("text", [0, 0, 0])),
        kind_level=_pr(*counts.get("kind", [0, 0, 0])),
        per_kind={k.split(":", 1)[1]: _pr(*v) for k, v in sorted(counts.items()) if k.startswith("kind:")},
        per_language={k.split(":", 1)[1]: _pr(*v) for k, v in sorted(counts.items()) if k.startswith("lang:")},
        errors=errors,
    )


def load_and_evaluate(path: Path) -> GuardReport:
    return evaluate_guard(load_labelled(path))


def report_json(report: GuardReport) -> str:
    return json.dumps(report.model_dump(), indent=2, ensure_ascii=False)
