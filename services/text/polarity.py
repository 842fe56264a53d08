"""Sentence polarity for pros and cons: an opinion lexicon for clothing reviews, plus the star rating.

``lexicon_score`` sums word weights (negation within three words flips a weight, "too <word>"
is negative, the clause after "but"/"however" counts double). ``polarity`` blends that with the
review's rating; a sentence is a pro or a con only when the lexicon has evidence in the same
direction, so a neutral sentence in a 5-star review ("I am 5'4 and ordered a small") is neither.
"""

from __future__ import annotations

import re


def _words(text: str) -> list[str]:
    return text.split()


POSITIVE: dict[str, float] = {
    w: 1.0
    for w in _words(
        "love loved loves lovely beautiful gorgeous great perfect perfectly comfortable comfy soft flattering cute "
        "pretty nice amazing stunning elegant excellent wonderful happy versatile classy chic cozy cosy stylish "
        "breathable sturdy recommend recommended favorite favourite compliments fantastic awesome fabulous flatters "
        "glad pleased impressed quality well-made worth flowy vibrant rich warm light lightweight silky smooth "
        "adorable darling fun fits fit"
    )
}
POSITIVE.update({"fits": 0.5, "fit": 0.3, "warm": 0.5, "light": 0.3, "rich": 0.5, "quality": 0.5, "fun": 0.5})
NEGATIVE: dict[str, float] = {
    w: -1.0
    for w in _words(
        "small tight large huge boxy baggy itchy scratchy thin cheap cheaply sheer see-through wrinkle wrinkles "
        "wrinkled wrinkly shrink shrank shrunk pilled pilling unflattering disappointed disappointing disappointment "
        "return returned returning returns poor poorly awkward weird odd strange unfortunately unfortunate "
        "frumpy shapeless stiff rough flimsy ripped torn hole holes stain stained faded fade snag snagged "
        "uncomfortable bad terrible awful horrible ugly wish sadly maternity tent sack overpriced expensive "
        "short long big tiny low"
    )
}
# Size words are opinions only after a fit verb or an intensifier ("runs small", "a bit tight");
# "I ordered a small" is a fact.
SIZE_WORDS = frozenset(_words("small large big tight short long loose huge tiny snug"))
SIZE_CONTEXT = frozenset(_words("too runs run ran running bit little way very so quite rather overly slightly super"))
NEGATIVE.update({"short": -0.4, "long": -0.4, "big": -0.6, "low": -0.4, "wish": -0.6, "expensive": -0.5})
NEGATIONS = frozenset(
    _words("not no never isn't wasn't doesn't don't didn't aren't weren't couldn't wouldn't hardly nor")
)
CONTRAST = frozenset({"but", "however", "although", "though", "except", "unfortunately"})
_WORD = re.compile(r"[a-z][a-z'-]*")


def lexicon_score(sentence: str) -> float:
    """Signed evidence of opinion in a sentence (0.0 when the lexicon finds nothing)."""
    words = _WORD.findall(sentence.lower())
    score = 0.0
    weight = 1.0
    for i, word in enumerate(words):
        if word in CONTRAST:
            score *= 0.5  # what follows a contrast matters more than what came before
            weight = 1.0
            continue
        value = POSITIVE.get(word, 0.0) + NEGATIVE.get(word, 0.0)
        if word in SIZE_WORDS:
            value = -0.8 if SIZE_CONTEXT.intersection(words[max(0, i - 2) : i]) else 0.0
        if value == 0.0:
            continue
        if i > 0 and words[i - 1] in {"too", "overly", "very-very"}:
            value = -abs(value)
        elif any(w in NEGATIONS for w in words[max(0, i - 3) : i]):
            value = -value
        score += weight * value
    return score


def polarity(sentence: str, rating: int | None) -> float:
    """Blend of lexicon evidence (squashed to [-1, 1]) and the rating ((rating - 3) / 2)."""
    lex = lexicon_score(sentence)
    squashed = lex / (1.0 + abs(lex))
    if rating is None:
        return squashed
    return 0.65 * squashed + 0.35 * (rating - 3) / 2


def is_pro(sentence: str, rating: int | None, threshold: float = 0.1) -> bool:
    return lexicon_score(sentence) > 0 and polarity(sentence, rating) > threshold


def is_con(sentence: str, rating: int | None, threshold: float = -0.1) -> bool:
    return lexicon_score(sentence) < 0 and polarity(sentence, rating) < threshold
