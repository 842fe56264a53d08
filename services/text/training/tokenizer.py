"""Byte-level BPE tokenizers trained with ``tokenizers`` and wrapped for ``AutoTokenizer``.

The result is a ``PreTrainedTokenizerFast`` saved with ``save_pretrained`` next to the model, so
serving loads it with ``AutoTokenizer.from_pretrained(path)`` exactly like a downloaded one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from tokenizers import ByteLevelBPETokenizer, processors
from transformers import PreTrainedTokenizerFast


@dataclass(frozen=True)
class TokenizerSpec:
    vocab_size: int
    special_tokens: dict[str, str]  # role (bos_token, eos_token, pad_token, unk_token) -> token
    extra_special_tokens: tuple[str, ...] = ()
    append_eos: bool = False  # seq2seq encoders and targets end with </s>
    min_frequency: int = 2
    model_max_length: int = 512
    roles_order: tuple[str, ...] = field(default=("pad_token", "eos_token", "unk_token", "bos_token"))

    def ordered_specials(self) -> list[str]:
        """Special tokens with fixed low ids (pad first, so T5's decoder start id 0 is the pad token)."""
        seen: list[str] = []
        for role in self.roles_order:
            token = self.special_tokens.get(role)
            if token and token not in seen:
                seen.append(token)
        return seen + [t for t in self.extra_special_tokens if t not in seen]


CAUSAL_SPEC = TokenizerSpec(
    vocab_size=4000,
    special_tokens={"pad_token": "<|pad|>", "eos_token": "<|endoftext|>", "bos_token": "<|endoftext|>"},
    extra_special_tokens=("<|title|>",),
)
SEQ2SEQ_SPEC = TokenizerSpec(
    vocab_size=6000,
    special_tokens={"pad_token": "<pad>", "eos_token": "</s>", "unk_token": "<unk>"},
    append_eos=True,
)


def train_tokenizer(texts: Iterable[str], spec: TokenizerSpec) -> PreTrainedTokenizerFast:
    bpe = ByteLevelBPETokenizer()
    bpe.train_from_iterator(
        texts,
        vocab_size=spec.vocab_size,
        min_frequency=spec.min_frequency,
        special_tokens=spec.ordered_specials(),
        show_progress=False,
    )
    backend = bpe._tokenizer
    if spec.append_eos:
        eos = spec.special_tokens["eos_token"]
        eos_id = backend.token_to_id(eos)
        backend.post_processor = processors.TemplateProcessing(
            single=f"$A {eos}", pair=f"$A {eos} $B {eos}", special_tokens=[(eos, eos_id)]
        )
    extra = [t for t in spec.extra_special_tokens if t not in spec.special_tokens.values()]
    kwargs: dict[str, object] = dict(spec.special_tokens)
    if extra:
        kwargs["additional_special_tokens"] = extra
    return PreTrainedTokenizerFast(tokenizer_object=backend, model_max_length=spec.model_max_length, **kwargs)
