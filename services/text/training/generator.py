"""Train the ``text-generator``: a small GPT-2 on catalog attribute → title pairs (default: the Myntra adapter).

Steps: load pairs (brand split off the title, a share with no brand), split by product id,
train a byte-level BPE tokenizer on the training prompts and titles, train GPT-2 on
``prompt <|title|> title<|endoftext|>`` with the loss on the title only (where the catalog has
descriptions: ``prompt <|title|> title <|description|> description<|endoftext|>``, the loss on
both, and the model's metadata says it writes descriptions), evaluate on held-out
products (loss, how often the title repeats the given colour and brand, guard violations of
generated versus real titles), and save model + tokenizer as a BentoML model with its metrics
and data lineage.
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

from ..attributes import DESCRIPTION_SEPARATOR, TITLE_SEPARATOR, v1_completion, v1_prompt
from ..compliance import check_text
from ..decoding import DecodeSetup, decode_batch
from ..sampling import SamplingParams
from .data import TitlePair, in_test_split, title_dataset, title_pairs
from .loop import LoopConfig, auto_threads, train_steps
from .saving import loop_metrics, model_metadata, save_text_model
from .tokenizer import CAUSAL_SPEC, TokenizerSpec, train_tokenizer

log = logging.getLogger(__name__)
MODEL_NAME = "text-generator"


@dataclass(frozen=True)
class GeneratorTrainConfig:
    vocab_size: int = 4000
    n_layer: int = 3
    n_embd: int = 128
    n_head: int = 4
    n_positions: int = 128
    steps: int = 600
    batch_size: int = 32
    learning_rate: float = 3e-3
    warmup_steps: int = 50
    test_fraction: float = 0.05
    max_pairs: int | None = None
    max_rows: int | None = None  # read only the first rows of the CSV (quick runs)
    eval_pairs: int = 300
    seed: int = 0
    threads: int = 0  # 0: auto (two on an idle machine, one when the CPUs are busy)
    model_name: str = MODEL_NAME
    show_progress: bool = True


@dataclass(frozen=True)
class Example:
    input_ids: list[int]
    labels: list[int]


def encode_pairs(tokenizer: Any, pairs: list[TitlePair], max_len: int) -> list[Example]:
    eos = tokenizer.eos_token
    prompts = tokenizer([v1_prompt(p.attributes) for p in pairs], add_special_tokens=False)["input_ids"]
    titles = tokenizer([v1_completion(p.title, p.description, eos) for p in pairs], add_special_tokens=False)[
        "input_ids"
    ]
    bos = [tokenizer.bos_token_id]
    examples = []
    for prompt, title in zip(prompts, titles, strict=True):
        ids = (bos + prompt + title)[:max_len]
        labels = ([-100] * (1 + len(prompt)) + title)[:max_len]
        examples.append(Example(ids, labels))
    return examples


def batch_stream(examples: list[Example], batch_size: int, pad_id: int, seed: int) -> Iterator[dict[str, torch.Tensor]]:
    rng = random.Random(seed)
    order = list(range(len(examples)))
    rng.shuffle(order)
    for start in range(0, len(order) - batch_size + 1, batch_size):
        chunk = [examples[i] for i in order[start : start + batch_size]]
        yield collate(chunk, pad_id)


def collate(chunk: list[Example], pad_id: int) -> dict[str, torch.Tensor]:
    """Right padding for training (positions start at 0 for every row)."""
    width = max(len(e.input_ids) for e in chunk)
    ids = torch.full((len(chunk), width), pad_id, dtype=torch.long)
    labels = torch.full((len(chunk), width), -100, dtype=torch.long)
    mask = torch.zeros((len(chunk), width), dtype=torch.long)
    for row, e in enumerate(chunk):
        ids[row, : len(e.input_ids)] = torch.tensor(e.input_ids)
        labels[row, : len(e.labels)] = torch.tensor(e.labels)
        mask[row, : len(e.input_ids)] = 1
    return {"input_ids": ids, "attention_mask": mask, "labels": labels}


@torch.inference_mode()
def held_out_loss(model: Any, examples: list[Example], pad_id: int, batch_size: int = 64) -> float:
    total, count = 0.0, 0
    for start in range(0, len(examples), batch_size):
        chunk = examples[start : start + batch_size]
        batch = collate(chunk, pad_id)
        n = int((batch["labels"][:, 1:] != -100).sum())
        total += float(model(**batch).loss) * n
        count += n
    return total / max(1, count)


def fidelity(
    model: Any, tokenizer: Any, pairs: list[TitlePair], seed: int, description_separator: str | None = None
) -> dict[str, Any]:
    """Sample a title per held-out product and measure how well it sticks to the attributes."""
    from ..generator import GeneratorRuntime

    runtime = GeneratorRuntime(model, tokenizer, torch.device("cpu"), description_separator=description_separator)
    setup: DecodeSetup = runtime.setup
    titles: list[str] = []
    for start in range(0, len(pairs), 32):
        chunk = pairs[start : start + 32]
        prompts = [
            [tokenizer.bos_token_id, *tokenizer(v1_prompt(p.attributes), add_special_tokens=False)["input_ids"]]
            for p in chunk
        ]
        params = [SamplingParams(32, 0.7, 0.95, seed + start + i) for i in range(len(chunk))]
        titles += [" ".join(t.split()) for t in decode_batch(setup, prompts, params)]
    colour_ok = brand_ok = colour_n = brand_n = gen_flagged = real_flagged = 0
    for pair, title in zip(pairs, titles, strict=True):
        a = pair.attributes
        if a.colour:
            colour_n += 1
            colour_ok += a.colour.lower() in title.lower()
        if a.brand:
            brand_n += 1
            brand_ok += title.startswith(a.brand)
        gen_flagged += bool(check_text(title, a))
        real_flagged += bool(check_text(pair.title, a))
    n = max(1, len(pairs))
    examples = [
        {
            "attributes": p.attributes.model_dump(exclude_none=True, exclude_defaults=True),
            "generated": t,
            "real": p.title,
        }
        for p, t in list(zip(pairs, titles, strict=True))[:12]
    ]
    return {
        "n": len(pairs),
        "colour_in_title": colour_ok / max(1, colour_n),
        "brand_first_in_title": brand_ok / max(1, brand_n),
        "guard_flagged_generated": gen_flagged / n,
        "guard_flagged_real_titles": real_flagged / n,
        "examples": examples,
    }


def train_generator(
    cfg: GeneratorTrainConfig, data_dir: Path | None = None, reports: Path | None = None, data: Path | None = None
) -> bentoml.Model:
    """Train on the catalog of the data set ``data`` (default: the shipped Myntra styles adapter,
    ingested from ``data_dir`` on first use)."""
    from transformers import GPT2Config, GPT2LMHeadModel

    torch.manual_seed(cfg.seed)
    threads = cfg.threads or auto_threads()
    torch.set_num_threads(threads)
    started = time.perf_counter()
    dataset = title_dataset(data) if data is not None else _default_dataset(data_dir)
    pairs = title_pairs(dataset.catalog, seed=cfg.seed, limit=cfg.max_rows)
    if cfg.max_pairs is not None:
        pairs = random.Random(cfg.seed).sample(pairs, min(cfg.max_pairs, len(pairs)))
    train = [p for p in pairs if not in_test_split(p.product_id, cfg.test_fraction)]
    test = [p for p in pairs if in_test_split(p.product_id, cfg.test_fraction)]
    log.info("text-generator: %d training pairs, %d held out", len(train), len(test))

    described = sum(p.description is not None for p in train)
    separator = DESCRIPTION_SEPARATOR if described else None
    specials = CAUSAL_SPEC.extra_special_tokens + ((DESCRIPTION_SEPARATOR,) if separator else ())
    spec = TokenizerSpec(
        **{
            **asdict(CAUSAL_SPEC),
            "vocab_size": cfg.vocab_size,
            "model_max_length": cfg.n_positions,
            "extra_special_tokens": specials,
        }
    )
    tokenizer = train_tokenizer((f"{v1_prompt(p.attributes)} {p.title} {p.description or ''}" for p in train), spec)
    config = GPT2Config(
        vocab_size=len(tokenizer),
        n_positions=cfg.n_positions,
        n_embd=cfg.n_embd,
        n_layer=cfg.n_layer,
        n_head=cfg.n_head,
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
    )
    model = GPT2LMHeadModel(config)
    train_examples = encode_pairs(tokenizer, train, cfg.n_positions)
    test_examples = encode_pairs(tokenizer, test, cfg.n_positions)
    loop = LoopConfig(steps=cfg.steps, learning_rate=cfg.learning_rate, warmup_steps=cfg.warmup_steps)
    epoch = [0]

    def batches() -> Iterator[dict[str, torch.Tensor]]:
        epoch[0] += 1
        return batch_stream(train_examples, cfg.batch_size, tokenizer.pad_token_id, cfg.seed + epoch[0])

    result = train_steps(model, batches, loop, "train text-generator", cfg.show_progress)
    eval_loss = held_out_loss(model, test_examples[:2000], tokenizer.pad_token_id)
    eval_pairs = random.Random(cfg.seed).sample(test, min(cfg.eval_pairs, len(test)))
    quality = fidelity(model, tokenizer, eval_pairs, cfg.seed, separator)
    seconds = time.perf_counter() - started

    quality_metrics = (
        "colour_in_title",
        "brand_first_in_title",
        "guard_flagged_generated",
        "guard_flagged_real_titles",
    )
    metadata = model_metadata(
        architecture="gpt2",
        model=model,
        config=asdict(cfg),
        metrics={
            **loop_metrics(result, eval_loss, threads, seconds),
            "held_out_perplexity": float(torch.exp(torch.tensor(eval_loss))),
            **{key: quality[key] for key in quality_metrics},
        },
        lineage=dataset.lineage(),
        pairs=(len(train), len(test)),
        split=f"sha256(product id) < {cfg.test_fraction}",
        head={
            "prompt_format": "attributes-v1",
            "languages": ["en"],
            "separator": TITLE_SEPARATOR,
            "writes": ["title", "description"] if separator else ["title"],
            **({"description_separator": separator} if separator else {}),
        },
        data={"pairs_with_description": described},
    )
    bento_model = save_text_model(
        name=cfg.model_name,
        task="title-generation",
        model=model,
        tokenizer=tokenizer,
        metadata=metadata,
        result=result,
        reports=reports,
        report_name="generator",
        curve_title="text-generator (GPT-2) training",
        extra_report={"fidelity": quality},
    )
    return bento_model


def _default_dataset(data_dir: Path | None):  # type: ignore[no-untyped-def]
    from services.data.dataset import Dataset, ensure_adapter_dataset

    from .data import TITLE_DATASET

    return Dataset.load(ensure_adapter_dataset(TITLE_DATASET, data_dir or get_settings().data_dir))
