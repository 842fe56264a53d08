"""The served abstractive summarizer: a Hugging Face seq2seq model (T5/BART) loaded from a BentoML model.

transformers 5 has no ``summarization`` pipeline, so ``summarize_texts`` tokenizes, calls
``model.generate()`` (beam search, no repeated trigrams) and decodes. BentoML metadata may give
an ``input_prefix`` (e.g. ``"summarize: "`` for pretrained T5) and generation limits.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

from .device import pick_device
from .model_loading import LOAD_LOCK
from .settings import get_text_settings


@dataclass
class AbstractiveSummarizer:
    model: Any
    tokenizer: Any
    device: torch.device
    input_prefix: str = ""
    tag: str | None = None
    batch_size: int = 16

    @classmethod
    def from_path(
        cls, path: str | Path, metadata: dict[str, Any] | None = None, tag: str | None = None
    ) -> AbstractiveSummarizer:
        meta = metadata or {}
        device, dtype = pick_device()
        with LOAD_LOCK:
            tokenizer = AutoTokenizer.from_pretrained(str(path))
            model = AutoModelForSeq2SeqLM.from_pretrained(str(path), dtype=dtype).to(device).eval()
        return cls(model, tokenizer, device, input_prefix=str(meta.get("input_prefix", "")), tag=tag)

    @torch.inference_mode()
    def summarize_texts(self, texts: list[str]) -> list[str]:
        caps = get_text_settings()
        out: list[str] = []
        for start in range(0, len(texts), self.batch_size):
            chunk = [f"{self.input_prefix}{t}" for t in texts[start : start + self.batch_size]]
            enc = self.tokenizer(
                chunk, return_tensors="pt", padding=True, truncation=True, max_length=caps.abstractive_max_input_tokens
            ).to(self.device)
            generated = self.model.generate(
                input_ids=enc["input_ids"],
                attention_mask=enc["attention_mask"],
                max_new_tokens=caps.abstractive_max_new_tokens,
                num_beams=caps.abstractive_num_beams,
                no_repeat_ngram_size=3,
                do_sample=False,
            )
            out += [" ".join(t.split()) for t in self.tokenizer.batch_decode(generated, skip_special_tokens=True)]
        return out


def load_abstractive(model: Any) -> AbstractiveSummarizer:
    """ManagedModel loader: a BentoML model → a ready summarizer."""
    return AbstractiveSummarizer.from_path(model.path, dict(model.info.metadata), tag=str(model.tag))
