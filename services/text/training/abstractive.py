"""Train the ``text-summarizer``: a small T5 on review body → review title pairs (default: the CC0 reviews adapter).

Reviews are PII-scrubbed when loaded. Products are split by a hash of the clothing id; the
held-out products are the ones the ROUGE evaluation uses. The tokenizer (byte-level BPE, pad=0,
</s> appended) is trained on the training split only. Model and tokenizer are saved as a BentoML
model with metrics and data lineage.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import bentoml
import torch

from services.core.settings import get_settings

from .data import REVIEW_DATASET, ReviewRecord, in_test_split, review_dataset, review_records
from .loop import LoopConfig, auto_threads, train_steps
from .saving import loop_metrics, model_metadata, save_text_model
from .tokenizer import SEQ2SEQ_SPEC, TokenizerSpec, train_tokenizer

log = logging.getLogger(__name__)
MODEL_NAME = "text-summarizer"
TEST_FRACTION = 0.1


@dataclass(frozen=True)
class SummarizerTrainConfig:
    vocab_size: int = 5000
    d_model: int = 128
    d_ff: int = 256
    num_layers: int = 2
    num_decoder_layers: int = 2
    num_heads: int = 4
    d_kv: int = 32
    max_source_tokens: int = 96
    max_target_tokens: int = 16
    steps: int = 500
    batch_size: int = 32
    learning_rate: float = 3e-3
    warmup_steps: int = 50
    test_fraction: float = TEST_FRACTION
    max_pairs: int | None = None
    max_rows: int | None = None  # read only the first rows of the CSV (quick runs)
    seed: int = 0
    threads: int = 0  # 0: auto (two on an idle machine, one when the CPUs are busy)
    model_name: str = MODEL_NAME
    show_progress: bool = True


def title_pairs(records: list[ReviewRecord]) -> list[ReviewRecord]:
    return [r for r in records if r.title]


def split_records(records: list[ReviewRecord], fraction: float) -> tuple[list[ReviewRecord], list[ReviewRecord]]:
    train = [r for r in records if not in_test_split(r.product_id, fraction)]
    test = [r for r in records if in_test_split(r.product_id, fraction)]
    return train, test


def _encode(
    tokenizer: Any, records: list[ReviewRecord], cfg: SummarizerTrainConfig
) -> list[tuple[list[int], list[int]]]:
    sources = tokenizer([r.body for r in records], truncation=True, max_length=cfg.max_source_tokens)["input_ids"]
    targets = tokenizer(
        text_target=[r.title or "" for r in records], truncation=True, max_length=cfg.max_target_tokens
    )["input_ids"]
    return list(zip(sources, targets, strict=True))


def _collate(chunk: list[tuple[list[int], list[int]]], pad_id: int) -> dict[str, torch.Tensor]:
    src_w = max(len(s) for s, _ in chunk)
    tgt_w = max(len(t) for _, t in chunk)
    ids = torch.full((len(chunk), src_w), pad_id, dtype=torch.long)
    mask = torch.zeros((len(chunk), src_w), dtype=torch.long)
    labels = torch.full((len(chunk), tgt_w), -100, dtype=torch.long)
    for row, (src, tgt) in enumerate(chunk):
        ids[row, : len(src)] = torch.tensor(src)
        mask[row, : len(src)] = 1
        labels[row, : len(tgt)] = torch.tensor(tgt)
    return {"input_ids": ids, "attention_mask": mask, "labels": labels}


@torch.inference_mode()
def _held_out_loss(model: Any, encoded: list[tuple[list[int], list[int]]], pad_id: int) -> float:
    total, count = 0.0, 0
    for start in range(0, len(encoded), 64):
        batch = _collate(encoded[start : start + 64], pad_id)
        n = int((batch["labels"] != -100).sum())
        total += float(model(**batch).loss) * n
        count += n
    return total / max(1, count)


def train_summarizer(
    cfg: SummarizerTrainConfig, data_dir: Path | None = None, reports: Path | None = None, data: Path | None = None
) -> bentoml.Model:
    """Train on the reviews of the data set ``data`` (default: the shipped reviews adapter, ingested
    from ``data_dir`` on first use)."""
    from transformers import T5Config, T5ForConditionalGeneration

    from services.data.dataset import ensure_adapter_dataset

    torch.manual_seed(cfg.seed)
    threads = cfg.threads or auto_threads()
    torch.set_num_threads(threads)
    started = time.perf_counter()
    dataset = review_dataset(data or ensure_adapter_dataset(REVIEW_DATASET, data_dir or get_settings().data_dir))
    records = review_records(dataset.reviews, limit=cfg.max_rows)
    pii_removed = int(dataset.manifest.get("cleaning", {}).get("reviews", {}).get("pii_spans_scrubbed", 0))
    pairs = title_pairs(records)
    if cfg.max_pairs is not None:
        pairs = random.Random(cfg.seed).sample(pairs, min(cfg.max_pairs, len(pairs)))
    train, test = split_records(pairs, cfg.test_fraction)
    log.info(
        "text-summarizer: %d training pairs, %d held out (%d PII spans scrubbed)", len(train), len(test), pii_removed
    )

    spec = TokenizerSpec(**{**asdict(SEQ2SEQ_SPEC), "vocab_size": cfg.vocab_size})
    tokenizer = train_tokenizer((t for r in train for t in (r.body, r.title or "")), spec)
    config = T5Config(
        vocab_size=len(tokenizer),
        d_model=cfg.d_model,
        d_ff=cfg.d_ff,
        d_kv=cfg.d_kv,
        num_layers=cfg.num_layers,
        num_decoder_layers=cfg.num_decoder_layers,
        num_heads=cfg.num_heads,
        pad_token_id=tokenizer.pad_token_id,
        eos_token_id=tokenizer.eos_token_id,
        decoder_start_token_id=tokenizer.pad_token_id,
        feed_forward_proj="relu",
        tie_word_embeddings=True,
    )
    model = T5ForConditionalGeneration(config)
    train_enc = _encode(tokenizer, train, cfg)
    test_enc = _encode(tokenizer, test[:2000], cfg)
    rng = random.Random(cfg.seed)

    def batches() -> Iterator[dict[str, torch.Tensor]]:
        order = list(range(len(train_enc)))
        rng.shuffle(order)
        for start in range(0, len(order) - cfg.batch_size + 1, cfg.batch_size):
            yield _collate([train_enc[i] for i in order[start : start + cfg.batch_size]], tokenizer.pad_token_id)

    loop = LoopConfig(steps=cfg.steps, learning_rate=cfg.learning_rate, warmup_steps=cfg.warmup_steps)
    result = train_steps(model, batches, loop, "train text-summarizer", cfg.show_progress)
    eval_loss = _held_out_loss(model, test_enc, tokenizer.pad_token_id)
    seconds = time.perf_counter() - started
    metadata = model_metadata(
        architecture="t5",
        model=model,
        config=asdict(cfg),
        metrics=loop_metrics(result, eval_loss, threads, seconds),
        lineage=dataset.lineage(),
        pairs=(len(train), len(test)),
        split=f"sha256(item id) < {cfg.test_fraction}",
        head={"input_prefix": "", "task": "review body -> review title"},
        data={"pii_spans_scrubbed": pii_removed},
    )
    bento_model = save_text_model(
        name=cfg.model_name,
        task="review-summarization",
        model=model,
        tokenizer=tokenizer,
        metadata=metadata,
        result=result,
        reports=reports,
        report_name="summarizer",
        curve_title="text-summarizer (T5) training",
    )
    return bento_model
