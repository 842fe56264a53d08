"""Tiny training configurations: models trained in seconds, for the test suite and quick benchmarks."""

from __future__ import annotations

from .abstractive import SummarizerTrainConfig
from .generator import GeneratorTrainConfig

TINY_GENERATOR = GeneratorTrainConfig(
    vocab_size=600,
    n_layer=1,
    n_embd=32,
    n_head=2,
    n_positions=96,
    steps=40,
    batch_size=16,
    learning_rate=5e-3,
    warmup_steps=5,
    max_rows=1500,
    eval_pairs=16,
    threads=1,
    show_progress=False,
)
TINY_SUMMARIZER = SummarizerTrainConfig(
    vocab_size=600,
    d_model=32,
    d_ff=64,
    num_layers=1,
    num_decoder_layers=1,
    num_heads=2,
    d_kv=16,
    max_source_tokens=64,
    steps=30,
    batch_size=16,
    warmup_steps=5,
    max_rows=1500,
    threads=1,
    show_progress=False,
)
