"""Adversarial inputs for the text-scanning patterns: long runs of each character class, near-misses
of each pattern and mixed scripts, all cut to one length (the longest text a request may carry).

Shared by ``scripts/bench/patterns.py`` (the timing table) and the linear-time tests.
"""

from __future__ import annotations

import random

# One character of each class the patterns care about.
CHARACTER_RUNS: dict[str, str] = {
    "latin": "a",
    "upper": "A",
    "digit": "1",
    "cjk": "市",
    "cjk_suffix": "路",
    "cjk_superlative": "最",
    "space": " ",
    "dot": ".",
    "at": "@",
    "hyphen": "-",
    "plus": "+",
    "hash": "#",
    "slash": "/",
    "percent": "%",
    "underscore": "_",
    "fullwidth": "ａ",
    "zero_width": "\u200b",
    "cyrillic": "е",
    "newline": "\n",
}

# Units repeated to the full length: each is the start of a match that never completes, or many
# small matches close together.
NEAR_MISSES: dict[str, str] = {
    "domain_dots": "a.",
    "domain_hyphens": "a-",
    "domain_no_tld": "ab.cd-",
    "many_domains": "a.com ",
    "www": "www.",
    "scheme": "http://",
    "url_punctuation": "www.a,",
    "email_at": "a@",
    "email_dots": "a.b@c",
    "email_local": "a.+-",
    "digits_spaced": "1 ",
    "digits_hyphen": "1-",
    "digits_dotted": "12.",
    "phone_parens": "(1) ",
    "phone_plus": "+1 ",
    "digit_groups": "12345 ",
    "card_like": "4111 1111 1111 111 ",
    "id_like": "11010519491231002",
    "street_words": "1 Baker ",
    "street_capitals": "12 Aaa Bbb Ccc Ddd ",
    "street_lower": "221b baker ",
    "cn_city_run": "北京市",
    "cn_no_number": "北京市朝阳区建国",
    "cn_digits": "市1",
    "cn_mixed_suffix": "市路1",
    "cn_recent": "最近",
    "cn_first_time": "第一次",
    "percent_spaced": "100 %",
    "number_one": "no. ",
    "hash_space": "# ",
    "the_most": "the most ",
    "the_only": "the only a ",
    "never": "never ",
    "best_glued": "best",
    "best_spaced": "best ",
    "colour_words": "red ",
    "colour_glued": "redd",
    "hyphen_gaps": "t - ",
    "styling": "pair with ",
    "brand_words": "nike ",
    "zero_width_word": "b\u200be",
    "fullwidth_word": "ｂｅｓ",
}


def mixed(length: int, seed: int = 0) -> str:
    """Random text over every character above and some punctuation, fixed by ``seed``."""
    rng = random.Random(seed)
    alphabet = [*CHARACTER_RUNS.values(), "é", "Ｎ", "。", "，", "號", "X", "x", "(", ")", ":", "'"]
    return "".join(rng.choice(alphabet) for _ in range(length))


def adversarial_inputs(length: int) -> dict[str, str]:
    """Name -> text of exactly ``length`` characters."""
    out: dict[str, str] = {}
    for name, char in CHARACTER_RUNS.items():
        out[f"run:{name}"] = char * length
    for name, unit in NEAR_MISSES.items():
        out[f"near:{name}"] = (unit * (length // len(unit) + 1))[:length]
    out["mixed:seed0"] = mixed(length, 0)
    out["mixed:seed1"] = mixed(length, 1)
    # A long run followed by the one character that makes the pattern try every split.
    out["run_then_suffix:cjk"] = "市" * (length - 2) + "路号"
    out["run_then_tld:domain"] = ("a." * length)[: length - 4] + ".com"
    return out
