"""Batched autoregressive decoding for any Hugging Face causal LM: left padding, KV cache, stop tokens.

``decode_steps`` yields, after every forward pass, the token chosen for each still-running row;
``decode_batch`` collects them into texts and ``stream_text`` turns one row into text deltas.
Degenerate repetition ("Sweet Sweet Sweet ...") is prevented with transformers' own logits
processors, applied to each row's generated tokens (not the prompt, whose attribute words a title
should repeat): a repetition penalty and a ban on repeating any n-gram
(``ADSERVE_TEXT_REPETITION_PENALTY``, ``ADSERVE_TEXT_NO_REPEAT_NGRAM_SIZE``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import torch
from transformers import LogitsProcessorList, NoRepeatNGramLogitsProcessor, RepetitionPenaltyLogitsProcessor

from .sampling import SamplingParams, make_generator, sample_token


@dataclass(frozen=True)
class DecodeSetup:
    model: Any  # a transformers PreTrainedModel (causal LM)
    tokenizer: Any  # its tokenizer
    device: torch.device
    stop_ids: frozenset[int]
    banned_ids: tuple[int, ...]
    max_context: int
    stop_at_newline: bool
    repetition_penalty: float = 1.0
    no_repeat_ngram_size: int = 0

    def processors(self) -> LogitsProcessorList:
        out = LogitsProcessorList()
        if self.repetition_penalty > 1.0:
            out.append(RepetitionPenaltyLogitsProcessor(self.repetition_penalty))
        if self.no_repeat_ngram_size > 0:
            out.append(NoRepeatNGramLogitsProcessor(self.no_repeat_ngram_size))
        return out


def left_pad(prompts: list[list[int]], pad_id: int) -> tuple[torch.Tensor, torch.Tensor]:
    width = max(len(p) for p in prompts)
    ids = torch.full((len(prompts), width), pad_id, dtype=torch.long)
    mask = torch.zeros((len(prompts), width), dtype=torch.long)
    for row, prompt in enumerate(prompts):
        if prompt:
            ids[row, width - len(prompt) :] = torch.tensor(prompt, dtype=torch.long)
            mask[row, width - len(prompt) :] = 1
    return ids, mask


def fit_prompt(prompt: list[int], max_new_tokens: int, max_context: int) -> list[int]:
    """Keep the end of a prompt that would not leave room for the completion."""
    budget = max(1, max_context - max_new_tokens)
    return prompt[-budget:]


@torch.inference_mode()
def decode_steps(
    setup: DecodeSetup, prompts: list[list[int]], params: list[SamplingParams]
) -> Iterator[list[int | None]]:
    """Per step, the new token of every row (None for rows that have stopped)."""
    pad_id = setup.tokenizer.pad_token_id
    if pad_id is None:
        pad_id = setup.tokenizer.eos_token_id or 0
    prompts = [fit_prompt(p, s.max_new_tokens, setup.max_context) for p, s in zip(prompts, params, strict=True)]
    ids, mask = left_pad(prompts, pad_id)
    ids, mask = ids.to(setup.device), mask.to(setup.device)
    positions = (mask.cumsum(-1) - 1).clamp(min=0)
    generators = [make_generator(p.seed) for p in params]
    running = [True] * len(prompts)
    produced = [0] * len(prompts)
    history: list[list[int]] = [[] for _ in prompts]
    processors = setup.processors()
    cache = None
    step_ids, step_positions = ids, positions
    for _ in range(max(p.max_new_tokens for p in params)):
        out = setup.model(
            input_ids=step_ids, attention_mask=mask, position_ids=step_positions, cache=cache, use_cache=True
        )
        cache = out.cache
        logits = out.logits[:, -1, :].float()
        if setup.banned_ids:
            logits[:, list(setup.banned_ids)] = float("-inf")
        chosen: list[int | None] = []
        next_ids = []
        for row, row_params in enumerate(params):
            if not running[row]:
                chosen.append(None)
                next_ids.append(pad_id)
                continue
            row_logits = logits[row]
            if processors and history[row]:
                seen = torch.tensor([history[row]], dtype=torch.long)
                row_logits = processors(seen, row_logits.cpu().unsqueeze(0))[0]
            token = sample_token(row_logits, row_params, generators[row])
            history[row].append(token)
            produced[row] += 1
            if token in setup.stop_ids:
                running[row] = False
                chosen.append(None)
            else:
                chosen.append(token)
                if produced[row] >= row_params.max_new_tokens:
                    running[row] = False
            next_ids.append(token)
        yield chosen
        if not any(running):
            return
        step_ids = torch.tensor(next_ids, dtype=torch.long, device=setup.device).unsqueeze(-1)
        mask = torch.cat([mask, torch.ones((len(prompts), 1), dtype=mask.dtype, device=setup.device)], dim=-1)
        step_positions = step_positions[:, -1:] + 1


def _cut_line(text: str, stop_at_newline: bool) -> tuple[str, bool]:
    if stop_at_newline and "\n" in text.lstrip("\n"):
        stripped = text.lstrip("\n")
        return stripped.split("\n", 1)[0], True
    return text, False


def decode_batch(setup: DecodeSetup, prompts: list[list[int]], params: list[SamplingParams]) -> list[str]:
    tokens: list[list[int]] = [[] for _ in prompts]
    for chosen in decode_steps(setup, prompts, params):
        for row, token in enumerate(chosen):
            if token is not None:
                tokens[row].append(token)
    texts = [setup.tokenizer.decode(t, skip_special_tokens=True) for t in tokens]
    return [_cut_line(t, setup.stop_at_newline)[0] for t in texts]


def stream_text(setup: DecodeSetup, prompt: list[int], params: SamplingParams) -> Iterator[str]:
    """Text deltas of one completion, as tokens arrive (decoded whole each time: multi-byte safe)."""
    tokens: list[int] = []
    sent = ""
    for chosen in decode_steps(setup, [prompt], [params]):
        if chosen[0] is None:
            break
        tokens.append(chosen[0])
        text, stop = _cut_line(setup.tokenizer.decode(tokens, skip_special_tokens=True), setup.stop_at_newline)
        if text.endswith("\ufffd"):  # an incomplete multi-byte character: wait for the next token
            continue
        if len(text) > len(sent) and text.startswith(sent):
            yield text[len(sent) :]
            sent = text
        if stop:
            break
