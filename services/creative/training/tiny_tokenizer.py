"""A CLIP-style byte-level BPE tokenizer trained with ``tokenizers`` on ad and product text.

It follows CLIP's conventions (lower-casing, ``</w>`` end-of-word suffix, ``<|startoftext|>`` /
``<|endoftext|>``) and is saved with ``CLIPTokenizer.save_pretrained`` so that diffusers loads it
exactly as it loads the tokenizer of a real Stable Diffusion checkpoint.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from tokenizers import Regex, Tokenizer, normalizers, pre_tokenizers
from tokenizers.models import BPE
from tokenizers.trainers import BpeTrainer

BOS = "<|startoftext|>"
EOS = "<|endoftext|>"
WORD_END = "</w>"
MAX_LENGTH = 77
_SPLIT = r"""<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+"""

# A few ad phrases so that the merges see marketing words and Chinese text next to product titles.
SEED_PHRASES: tuple[str, ...] = (
    "summer sale up to 50% off",
    "new arrivals for the season",
    "free shipping on all orders",
    "limited edition, shop now",
    "studio product photo on a white background, soft light",
    "lifestyle photo, golden hour, bokeh, high detail",
    "flat lay of accessories on a marble table",
    "夏季新品 限时折扣",
    "全场包邮 立即购买",
    "时尚 女装 连衣裙 男装 衬衫 运动鞋 手表 包",
)


def _new_tokenizer() -> Tokenizer:
    tok = Tokenizer(BPE(unk_token=EOS, end_of_word_suffix=WORD_END, continuing_subword_prefix=""))
    tok.normalizer = normalizers.Sequence(
        [normalizers.NFC(), normalizers.Replace(Regex(r"\s+"), " "), normalizers.Lowercase()]
    )
    tok.pre_tokenizer = pre_tokenizers.Sequence(
        [
            pre_tokenizers.Split(Regex(_SPLIT), behavior="removed", invert=True),
            pre_tokenizers.ByteLevel(add_prefix_space=False),
        ]
    )
    return tok


def train_bpe(corpus: Iterable[str], vocab_size: int = 1000) -> tuple[dict[str, int], list[str]]:
    """Train the BPE and return its vocabulary and merges, covering every byte at a word end."""
    tok = _new_tokenizer()
    trainer = BpeTrainer(
        vocab_size=vocab_size,
        special_tokens=[BOS, EOS],
        end_of_word_suffix=WORD_END,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tok.train_from_iterator([*SEED_PHRASES, *corpus], trainer)
    state = json.loads(tok.to_str())["model"]
    vocab: dict[str, int] = dict(state["vocab"])
    merges = [m if isinstance(m, str) else " ".join(m) for m in state["merges"]]
    # Every byte symbol also as a word ending, as in CLIP's vocabulary: no input maps to <unk>.
    for symbol in sorted(pre_tokenizers.ByteLevel.alphabet()):
        if symbol + WORD_END not in vocab:
            vocab[symbol + WORD_END] = len(vocab)
    return vocab, merges


def save_clip_tokenizer(vocab: dict[str, int], merges: list[str], folder: Path) -> int:
    """Save as a ``CLIPTokenizer`` folder (plus vocab.json/merges.txt); returns the vocabulary size."""
    from transformers import CLIPTokenizer

    folder.mkdir(parents=True, exist_ok=True)
    pairs = [tuple(m.split(" ", 1)) for m in merges]
    clip = CLIPTokenizer(vocab=vocab, merges=pairs, model_max_length=MAX_LENGTH)
    clip.save_pretrained(str(folder))
    (folder / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False))
    (folder / "merges.txt").write_text("#version: 0.2\n" + "\n".join(merges) + "\n")
    return len(clip)
