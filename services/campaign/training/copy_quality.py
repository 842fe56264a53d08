"""Measured copy quality of ``/campaign`` on catalogue products, in English and Chinese.

Two steps, so that any revision's copy can be measured with the same yardstick:

``generate`` writes, for N products of the recommender's catalogue (a seeded sample), the copy a
campaign would show: ``--mode current`` runs this revision's composition (attributes from the
catalogue and the title, ``Composer`` with the text generator in-process); ``--mode baseline``
runs the earlier composition (only the title sent, checked by ``check_copy``), using only
interfaces both revisions have, so it can be run from an older checkout
(``PYTHONPATH=<old checkout>``).

``report`` reads those files and measures, with this revision's guard: the share of items whose
copy is other than the catalogue title, groundedness (the guard's attribute check against the
attributes the title states: no colour, material, article type or brand the product does not
have), the guard pass rate (no violation at all), the share of Chinese copy with Latin words,
distinct-1 and distinct-2 across products (words for English, characters for Chinese) and the
mean length; it writes a Markdown table and examples.

    python -m services.campaign.training.copy_quality generate --mode current --language en --out var/x.jsonl
    python -m services.campaign.training.copy_quality report var/*.jsonl --out var/reports/campaign/copy.md
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import bentoml

TONES = ("neutral", "friendly", "premium", "sporty")
BATCH = 16


def catalogue(n: int, seed: int, path: Path | None = None) -> list[tuple[str, str]]:
    """(item_id, title) of ``n`` products of the default recommender's catalogue (or its ``recommender.json``)."""
    if path is None:
        path = Path(bentoml.models.get("recommend-lightfm:latest").path) / "recommender.json"
    data = json.loads(path.read_text())
    pairs = list(zip(data["item_ids"], data["titles"], strict=True))
    return random.Random(seed).sample(pairs, n)


def _generator() -> Any:
    from services.text.generator import load_generator

    return load_generator(bentoml.models.get("text-generator:latest"))


def generate_baseline(products: list[tuple[str, str]], language: str) -> list[dict[str, Any]]:
    """The earlier composition: the title alone sent to the generator, then ``check_copy``."""
    from services.campaign.copy_check import check_copy, display_title
    from services.text.schemas import DescriptionRequest, ProductAttributes

    runtime = _generator()
    rows: list[dict[str, Any]] = []
    for start in range(0, len(products), BATCH):
        chunk = products[start : start + BATCH]
        requests = [
            DescriptionRequest(
                attributes=ProductAttributes(title=display_title(title)),
                language=language,  # type: ignore[arg-type]
                tone=TONES[(start + i) % len(TONES)],  # type: ignore[arg-type]
                seed=start + i,
            )
            for i, (_, title) in enumerate(chunk)
        ]
        for (item_id, title), result in zip(chunk, runtime.generate_batch(requests), strict=True):
            checked = check_copy(result.title, result.description, display_title(title), language)
            rows.append(
                {
                    "item_id": item_id,
                    "catalog_title": title,
                    "language": language,
                    "title": checked.title,
                    "description": checked.description or "",
                    "copy_source": "generated" if checked.generated else "catalog",
                }
            )
    return rows


class _LocalDependencies:
    """The text generator in-process; no banners or vision (copy is what is measured)."""

    def __init__(self, runtime: Any) -> None:
        self.runtime = runtime

    async def describe(self, requests: list[Any]) -> Any:
        return self.runtime.generate_batch(requests)


def generate_current(products: list[tuple[str, str]], language: str) -> list[dict[str, Any]]:
    """This revision's composition, through the campaign's own ``Composer`` steps."""
    from services.campaign.composer import Composer
    from services.campaign.schemas import CampaignRequest
    from services.campaign.settings import CampaignSettings
    from services.recommend.schemas import ScoredItem

    composer = Composer(_LocalDependencies(_generator()), CampaignSettings(), lambda n: [])  # type: ignore[arg-type]
    request = CampaignRequest(profile={"country": "United Kingdom"}, language=language)  # type: ignore[arg-type]

    async def run() -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = []
        for start in range(0, len(products), BATCH):
            chunk = products[start : start + BATCH]
            items = [await composer._product(ScoredItem(item_id=i, title=t, score=0.0), {}) for i, t in chunk]
            variants = [(TONES[(start + k) % len(TONES)], "navy_gradient") for k in range(len(chunk))]
            copies, failure = await composer._copy(items, variants, request)
            if failure is not None or copies is None:
                raise RuntimeError(f"text: {failure}")
            for k, (product, copy) in enumerate(zip(items, copies, strict=True)):
                checked = composer._checked(product, copy, language)
                item = composer._item(start + k + 1, product, variants[k], checked, copy, [], None)
                rows.append(
                    {
                        "item_id": item.item_id,
                        "catalog_title": item.catalog_title,
                        "language": language,
                        "title": item.title,
                        "description": item.description or "",
                        "copy_source": item.copy_source,
                        "notes": item.notes,
                    }
                )
        return rows

    return asyncio.run(run())


# ------------------------------------------------------------------ report
def _units(text: str, language: str) -> list[str]:
    from services.core.linear_regex import LinearPattern

    if language == "zh":
        return [c for c in text if not c.isspace() and c not in "，。：；、！？（）"]
    return [w.lower() for w in LinearPattern(r"[A-Za-z0-9']+").findall(text)]


def _distinct(units: list[list[str]], n: int) -> float:
    grams = [tuple(u[i : i + n]) for u in units for i in range(len(u) - n + 1)]
    return len(set(grams)) / len(grams) if grams else 0.0


def measure(rows: list[dict[str, Any]]) -> dict[str, float]:
    from services.campaign.copy_check import display_title
    from services.core.linear_regex import LinearPattern
    from services.text.compliance import check_text
    from services.text.title_attributes import product_attributes

    latin = LinearPattern(r"[A-Za-z]{2,}")
    rewritten = grounded = passed = with_latin = grounded_rewritten = model = 0
    units: list[list[str]] = []
    lengths: list[int] = []
    labelled = 0
    for row in rows:
        language = row["language"]
        copy = f"{row['title']}\n{row['description']}".strip()
        attrs = product_attributes(row["catalog_title"])
        violations = check_text(copy, attrs, language)
        is_rewritten = row["title"] != display_title(row["catalog_title"]) or bool(row["description"])
        rewritten += is_rewritten
        labelled += row["copy_source"] != "catalog"
        is_grounded = not [v for v in violations if v.kind == "attribute_mismatch"]
        grounded += is_grounded
        grounded_rewritten += is_grounded and is_rewritten
        model += row["copy_source"] == "model"
        passed += not violations
        with_latin += language == "zh" and bool(latin.search(copy))
        units.append(_units(copy, language))
        lengths.append(len(copy))
    n = len(rows) or 1
    return {
        "n": len(rows),
        "rewritten": rewritten / n,
        "labelled_written": labelled / n,
        "grounded": grounded / n,
        "grounded_rewritten": grounded_rewritten / rewritten if rewritten else 0.0,
        "model": model / n,
        "guard_pass": passed / n,
        "latin_in_zh": with_latin / n,
        "distinct_1": _distinct(units, 1),
        "distinct_2": _distinct(units, 2),
        "mean_chars": sum(lengths) / n,
    }


def report(paths: Sequence[Path], out: Path, examples: int = 10) -> str:
    lines = [
        "| run | language | n | copy ≠ catalog title | labelled model/template | of it model | grounded "
        "| grounded (rewritten only) | guard pass | zh copy with Latin words | distinct-1 | distinct-2 | mean chars |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    sample_blocks: list[str] = []
    for path in paths:
        rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
        m = measure(rows)
        language = rows[0]["language"] if rows else "?"
        lines.append(
            f"| {path.stem} | {language} | {m['n']} | {m['rewritten']:.1%} | {m['labelled_written']:.1%} "
            f"| {m['model']:.1%} | {m['grounded']:.1%} | {m['grounded_rewritten']:.1%} | {m['guard_pass']:.1%} | {m['latin_in_zh']:.1%} | {m['distinct_1']:.3f} "
            f"| {m['distinct_2']:.3f} | {m['mean_chars']:.0f} |"
        )
        block = [
            f"\n**{path.stem}** (first {examples} of the sample)\n",
            "| catalogue title | copy_source | title | description |",
            "|---|---|---|---|",
        ]
        for row in rows[:examples]:
            cells = [row["catalog_title"], row["copy_source"], row["title"], row["description"] or "—"]
            block.append("| " + " | ".join(c.replace("|", "/") for c in cells) + " |")
        sample_blocks.append("\n".join(block))
    text = "\n".join(lines) + "\n" + "\n".join(sample_blocks) + "\n"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text)
    return text


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    gen = sub.add_parser("generate", help="write the copy a campaign shows for N catalogue products")
    gen.add_argument("--mode", choices=["baseline", "current"], required=True)
    gen.add_argument("--language", choices=["en", "zh"], required=True)
    gen.add_argument("--n", type=int, default=200)
    gen.add_argument("--seed", type=int, default=0)
    gen.add_argument("--out", type=Path, required=True)
    gen.add_argument("--catalog", type=Path, default=None, help="a recommender.json (default: the store's model)")
    rep = sub.add_parser("report", help="measure generated files and write a Markdown table with examples")
    rep.add_argument("inputs", type=Path, nargs="+")
    rep.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    if args.command == "generate":
        products = catalogue(args.n, args.seed, args.catalog)
        make = generate_current if args.mode == "current" else generate_baseline
        rows = make(products, args.language)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))
        print(f"{len(rows)} rows -> {args.out}")
        return 0
    print(report(args.inputs, args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
