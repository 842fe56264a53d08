"""The served description generator: a causal LM loaded from a BentoML model, guarded and grounded.

``GeneratorRuntime.generate_batch(items)`` samples one title per item (left-padded batch, per-item
seed and sampling caps), composes the grounded description, runs the compliance guard on the
result and re-samples a rejected item up to ``resample_attempts`` times in all. A model title is
kept only when the guard finds nothing and it is a usable title (``grounding.title_problems``: no
repeated words, names the product's type). Otherwise the copy written by rule from the attributes
is returned (``copy_source: "template"``), and when there is none, or it fails the guard too, the
catalogue title (``"catalog"``), with ``notes`` saying why. Generated text is never worse than its
fallback. A request that gives only a title gets the attributes its title states
(``title_attributes``). ``stream(item)`` does the same for one item and yields the events of
``/stream_description``.

A model trained on catalog descriptions (metadata ``description_separator``) writes the
description too: a second batched pass continues each kept title after the separator; the
description is kept when the guard finds nothing in title + description, otherwise the rule-based
one stays, with a note (``description_source`` says which).

The model folder holds ``config.json`` + weights + tokenizer files (``save_pretrained``), so any
Hugging Face causal LM works. BentoML metadata tells how to prompt it: ``prompt_format``
(``attributes-v1`` for the default model trained here, ``chat`` for instruct models with a chat
template) and ``languages`` (what it can write; other languages get a title built from the
attributes).

transformers is imported at module level on purpose: its lazy attribute loading is not safe when
several model-loading threads resolve names for the first time at once.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch
from transformers import AutoModelForCausalLM, AutoTokenizer

from .attributes import PromptFormat, chat_messages, v1_prompt
from .compliance import Violation, check_text
from .decoding import DecodeSetup, decode_batch, stream_text
from .device import pick_device
from .grounding import compose_description, fit_sentences, template_copy, title_problems
from .model_loading import LOAD_LOCK
from .sampling import SamplingParams, attempt_seed
from .schemas import DescriptionRequest, DescriptionResult, StreamEvent
from .settings import get_text_settings
from .title_attributes import attributes_from_request

log = logging.getLogger(__name__)
MAX_TITLE_CHARS = 150
MIN_DESCRIPTION_TOKENS = 8


@dataclass
class _Candidate:
    title: str
    description: str
    violations: list[Violation]
    source: str
    attempt: int
    problems: list[str] = field(default_factory=list)
    description_source: str = "template"
    description_notes: list[str] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not self.violations and not self.problems


@dataclass
class GeneratorRuntime:
    model: Any
    tokenizer: Any
    device: torch.device
    prompt_format: PromptFormat = "attributes-v1"
    languages: tuple[str, ...] = ("en",)
    tag: str | None = None
    description_separator: str | None = None
    setup: DecodeSetup = field(init=False)
    description_setup: DecodeSetup | None = field(init=False, default=None)
    _separator_id: int | None = field(init=False, default=None)

    def __post_init__(self) -> None:
        self.tokenizer.padding_side = "left"
        config = self.model.config
        max_context = getattr(config, "n_positions", None) or getattr(config, "max_position_embeddings", None) or 2048
        stop = {self.tokenizer.eos_token_id}
        gen_eos = getattr(getattr(self.model, "generation_config", None), "eos_token_id", None)
        stop |= set(gen_eos) if isinstance(gen_eos, list) else {gen_eos}
        stop.discard(None)
        if self.description_separator is not None:
            self._separator_id = self.tokenizer.get_vocab().get(self.description_separator)
        title_stop = stop | ({self._separator_id} if self._separator_id is not None else set())
        self.setup = self._decode_setup(title_stop, int(max_context))
        if self._separator_id is not None:
            self.description_setup = self._decode_setup(stop, int(max_context))

    def _decode_setup(self, stop: set[int], max_context: int) -> DecodeSetup:
        """Decoding that ends at ``stop`` and never samples another special token."""
        specials = set(self.tokenizer.all_special_ids) - stop
        settings = get_text_settings()
        return DecodeSetup(
            model=self.model,
            tokenizer=self.tokenizer,
            device=self.device,
            stop_ids=frozenset(int(s) for s in stop),
            banned_ids=tuple(sorted(int(s) for s in specials if s is not None)),
            max_context=max_context,
            stop_at_newline=True,
            repetition_penalty=settings.repetition_penalty,
            no_repeat_ngram_size=settings.no_repeat_ngram_size,
        )

    # ------------------------------------------------------------------ loading
    @classmethod
    def from_path(
        cls, path: str | Path, metadata: dict[str, Any] | None = None, tag: str | None = None
    ) -> GeneratorRuntime:
        meta = metadata or {}
        device, dtype = pick_device()
        with LOAD_LOCK:
            tokenizer = AutoTokenizer.from_pretrained(str(path))
            model = AutoModelForCausalLM.from_pretrained(str(path), dtype=dtype).to(device).eval()
        if tokenizer.pad_token_id is None:
            tokenizer.pad_token = tokenizer.eos_token
        fmt = meta.get("prompt_format") or ("chat" if getattr(tokenizer, "chat_template", None) else "attributes-v1")
        languages = tuple(meta.get("languages") or ("en",))
        return cls(
            model,
            tokenizer,
            device,
            prompt_format=fmt,
            languages=languages,
            tag=tag,
            description_separator=meta.get("description_separator"),
        )

    # ------------------------------------------------------------------ prompts
    def prompt_ids(self, item: DescriptionRequest) -> list[int]:
        if self.prompt_format == "chat":
            text = self.tokenizer.apply_chat_template(
                chat_messages(item.attributes, item.language, item.tone), add_generation_prompt=True, tokenize=False
            )
            return list(self.tokenizer(text, add_special_tokens=False)["input_ids"])
        ids = self.tokenizer(v1_prompt(item.attributes), add_special_tokens=False)["input_ids"]
        bos = self.tokenizer.bos_token_id
        return ([bos] if bos is not None else []) + list(ids)

    def writes(self, language: str) -> bool:
        return language in self.languages

    @property
    def writes_descriptions(self) -> bool:
        return self.description_setup is not None

    # ------------------------------------------------------------------ candidates
    @staticmethod
    def grounded(item: DescriptionRequest) -> DescriptionRequest:
        """The request with the attributes its title states when it gives only a title."""
        attrs = attributes_from_request(item.attributes)
        return item if attrs is item.attributes else item.model_copy(update={"attributes": attrs})

    def _candidate(self, item: DescriptionRequest, raw_title: str | None, attempt: int) -> _Candidate | None:
        # U+FFFD: a byte-level token that did not complete a character; never part of a title.
        title = " ".join((raw_title or "").replace("\ufffd", " ").split())[:MAX_TITLE_CHARS].strip(" -:|")
        if not title:
            return None
        attrs = item.attributes
        description = compose_description(title, attrs, item.language, item.tone, item.max_length)
        violations = check_text(f"{title}\n{description}", attrs, item.language)
        return _Candidate(title, description, violations, "model", attempt, title_problems(title, attrs))

    @staticmethod
    def _fallback(item: DescriptionRequest, rejected: _Candidate | None, attempt: int) -> _Candidate:
        """The rule-based copy, or the catalogue title when there is none (or it fails the guard too)."""
        notes = []
        if rejected is not None:
            reasons = list(dict.fromkeys([v.message for v in rejected.violations] + rejected.problems))
            notes.append(f"model title '{rejected.title}' not kept: {'; '.join(reasons)}")
        written = template_copy(item.attributes, item.language, item.tone, item.max_length)
        if isinstance(written, tuple):
            title, description = written
            violations = check_text(f"{title}\n{description}", item.attributes, item.language)
            if not violations:
                return _Candidate(title, description, [], "template", attempt, notes)
            notes.append("rule-based copy not kept: " + "; ".join(v.message for v in violations))
        else:
            notes.append(f"no rule-based copy in {item.language}: {written}")
        catalog = item.attributes.title or " ".join(w for w in (item.attributes.brand, item.attributes.article) if w)
        violations = check_text(catalog, item.attributes, item.language)
        return _Candidate(catalog, "", violations, "catalog", attempt, notes, description_source="none")

    @staticmethod
    def _params(item: DescriptionRequest, seed: int, attempt: int) -> SamplingParams:
        return SamplingParams(item.max_new_tokens, item.temperature, item.top_p, attempt_seed(seed, attempt))

    def _result(self, item: DescriptionRequest, best: _Candidate, seed: int) -> DescriptionResult:
        return DescriptionResult(
            title=best.title,
            description=best.description,
            violations=best.violations,
            language=item.language,
            tone=item.tone,
            title_source=best.source,  # type: ignore[arg-type]
            copy_source=best.source,  # type: ignore[arg-type]
            description_source=best.description_source,  # type: ignore[arg-type]
            notes=(best.problems if best.source != "model" else []) + best.description_notes,
            attempts=best.attempt + 1,
            seed=seed,
            model=self.tag,
        )

    def _finish(self, item: DescriptionRequest, best: _Candidate | None, attempts: int) -> _Candidate:
        if best is not None and best.clean:
            return best
        return self._fallback(item, best, attempts - 1)

    # ------------------------------------------------------------------ batch
    def generate_batch(self, items: list[DescriptionRequest]) -> list[DescriptionResult]:
        if not items:
            return []
        items = [self.grounded(item) for item in items]
        attempts = get_text_settings().resample_attempts
        seeds = [item.seed if item.seed is not None else secrets.randbelow(2**31) for item in items]
        best: list[_Candidate | None] = [None] * len(items)
        tried = [0] * len(items)
        pending = [i for i, item in enumerate(items) if self.writes(item.language)]
        for attempt in range(attempts):
            if not pending:
                break
            titles = decode_batch(
                self.setup,
                [self.prompt_ids(items[i]) for i in pending],
                [self._params(items[i], seeds[i], attempt) for i in pending],
            )
            for i, raw in zip(pending, titles, strict=True):
                tried[i] = attempt + 1
                cand = self._candidate(items[i], raw, attempt)
                current = best[i]
                if cand is not None and (current is None or _rank(cand) < _rank(current)):
                    best[i] = cand
            pending = [i for i in pending if not (best[i] is not None and best[i].clean)]  # type: ignore[union-attr]
        final = [self._finish(item, b, max(1, n)) for item, b, n in zip(items, best, tried, strict=True)]
        self._write_descriptions(items, final, seeds)
        return [self._result(item, f, s) for item, f, s in zip(items, final, seeds, strict=True)]

    def _write_descriptions(self, items: list[DescriptionRequest], chosen: list[_Candidate], seeds: list[int]) -> None:
        """The model's own description after each kept model title, kept when the guard finds nothing."""
        if self.description_setup is None or self._separator_id is None:
            return
        cap = get_text_settings().description_max_new_tokens
        setup = self.description_setup
        rows, prompts, params = [], [], []
        for i, cand in enumerate(chosen):
            if cand.source != "model":
                continue
            title_ids = self.tokenizer(f" {cand.title} ", add_special_tokens=False)["input_ids"]
            prompt = [*self.prompt_ids(items[i]), *title_ids, self._separator_id]
            room = min(cap, setup.max_context - len(prompt))
            if room < MIN_DESCRIPTION_TOKENS:  # never cut the prompt: the description must follow this title
                cand.description_notes.append("no model description: the prompt leaves no room in the model's context")
                continue
            rows.append(i)
            prompts.append(prompt)
            params.append(SamplingParams(room, items[i].temperature, items[i].top_p, attempt_seed(seeds[i], 99)))
        if not rows:
            return
        for i, raw in zip(rows, decode_batch(setup, prompts, params), strict=True):
            item, cand = items[i], chosen[i]
            text = fit_sentences(" ".join(raw.split()), item.max_length, item.language)
            if not text:
                cand.description_notes.append("model description not kept: empty")
                continue
            violations = check_text(f"{cand.title}\n{text}", item.attributes, item.language)
            if violations:
                reasons = "; ".join(dict.fromkeys(v.message for v in violations))
                cand.description_notes.append(f"model description not kept: {reasons}")
                continue
            cand.description, cand.description_source = text, "model"

    # ------------------------------------------------------------------ stream
    def stream(self, item: DescriptionRequest) -> Iterator[StreamEvent]:
        item = self.grounded(item)
        seed = item.seed if item.seed is not None else secrets.randbelow(2**31)
        if not self.writes(item.language):
            cand = self._fallback(item, None, 0)
            yield StreamEvent(event="token", attempt=1, text=cand.title)
            yield StreamEvent(event="result", attempt=1, result=self._result(item, cand, seed))
            return
        best: _Candidate | None = None
        prompt = self.prompt_ids(item)
        attempts = get_text_settings().resample_attempts
        for attempt in range(attempts):
            pieces: list[str] = []
            for delta in stream_text(self.setup, prompt, self._params(item, seed, attempt)):
                pieces.append(delta)
                yield StreamEvent(event="token", attempt=attempt + 1, text=delta)
            cand = self._candidate(item, "".join(pieces), attempt)
            if cand is not None and (best is None or _rank(cand) < _rank(best)):
                best = cand
            if cand is not None and cand.clean:
                break
            yield StreamEvent(event="retry", attempt=attempt + 1, violations=cand.violations if cand else [])
        final = self._finish(item, best, attempts)
        self._write_descriptions([item], [final], [seed])
        yield StreamEvent(event="result", attempt=final.attempt + 1, result=self._result(item, final, seed))


def _rank(candidate: _Candidate) -> tuple[int, int]:
    return len(candidate.violations) + len(candidate.problems), candidate.attempt


def load_generator(model: Any) -> GeneratorRuntime:
    """ManagedModel loader: a BentoML model → a ready runtime."""
    return GeneratorRuntime.from_path(model.path, dict(model.info.metadata), tag=str(model.tag))
