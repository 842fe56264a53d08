"""Absolute and superlative advertising claims, in English and Chinese.

The Chinese list follows Article 9(3) of the PRC Advertising Law ("国家级", "最高级", "最佳" and
terms of the same kind) and the terms regulators commonly treat alike (第一, 唯一, 顶级, 首选, ...).
The English list covers unsubstantiated superlatives and absolute promises ("best", "#1",
"100% guaranteed", "never fades"). Patterns are compiled case-insensitively; every pattern has the
reason shown to the writer. They are linear-time RE2 patterns (``services.core.linear_regex``):
``\b`` is an ASCII word boundary, so "最best" is caught as well as "best".
"""

from __future__ import annotations

from dataclasses import dataclass

from services.core.linear_regex import Accept, LinearPattern, except_chars


@dataclass(frozen=True)
class ClaimPattern:
    pattern: LinearPattern
    reason: str


def _en(regex: str, reason: str, **guards: str) -> ClaimPattern:
    return ClaimPattern(LinearPattern(regex, ignore_case=True, **guards), reason)


def _zh(regex: str, reason: str, accept: Accept | None = None, **guards: str) -> ClaimPattern:
    return ClaimPattern(LinearPattern(regex, accept=accept, **guards), reason)


_NOT_FIRST = ("次", "天", "眼", "步", "时间", "件", "周", "年", "印象", "感觉", "个月")


def _first_claims(text: str, start: int, end: int) -> bool:
    """第一 is a ranking claim, except in 第一次 (the first time), 第一天 (the first day) and the like."""
    return not any(text.startswith(word, end) for word in _NOT_FIRST)


_SUPERLATIVE_WORDS = (
    "greatest|finest|cheapest|lowest|highest|strongest|softest|lightest|warmest|toughest|fastest|"
    "smartest|safest|healthiest|thinnest|biggest|largest|comfiest|sexiest|trendiest|classiest"
)
_ABSOLUTE_WORDS = (
    "unbeatable|unbeaten|unrivall?ed|unmatched|unparall?eled|unsurpassed|peerless|second to none|"
    "world[- ]class|world[- ]leading|industry[- ]leading|market[- ]leading|risk[- ]free|zero[- ]risk|miracle|ultimate|"
    "(?:top|first|number[- ]one) choice"
)

ENGLISH_CLAIMS: tuple[ClaimPattern, ...] = (
    _en(
        r"\bbest(?:[- ]?sell(?:er|ing))?\b",
        "'best' is a superlative claim that must not be made without proof",
    ),
    _en(rf"\b(?:{_SUPERLATIVE_WORDS})\b", "superlative claim"),
    _en(rf"\b(?:{_ABSOLUTE_WORDS})\b", "absolute claim"),
    _en(r"#\s?1\b", "'number one' ranking claim", not_before="\\w#"),
    _en(r"\bno\.?\s?1\b|\bnumber[- ]one\b|\btop[- ]?1\b", "'number one' ranking claim"),
    _en(
        r"\b100\s?%\s*(?:guaranteed|satisfaction|safe|effective|risk[- ]free|natural results)\b",
        "absolute guarantee",
    ),
    _en(r"\bguaranteed\b", "absolute guarantee"),
    _en(r"\bthe\s+most\s+[a-z]{4,}\b", "superlative claim ('the most ...')"),
    _en(
        r"\bmost\s+(?:comfortable|advanced|popular|durable|stylish|beautiful|effective|luxurious|trusted|"
        r"reliable|affordable|innovative|powerful|flattering|elegant|fashionable|premium)\b",
        "superlative claim ('most ...')",
    ),
    _en(r"\b(?:first|only)[- ]ever\b|\bof all time\b|\bever made\b", "absolute claim"),
    _en(r"\bthe\s+only\s+[a-z]+\s+(?:you(?:'ll| will)?|that)\b", "exclusivity claim ('the only ...')"),
    _en(
        r"\bnever\s+(?:fades?|shrinks?|wears? out|tears?|breaks?|pills?|wrinkles?)\b",
        "absolute performance claim",
    ),
)

# 最 followed by anything except the words where it does not make a claim (最近 recently, 最后 last,
# 最终 finally, 最初 at first, 最早/最晚 earliest/latest time, 最少/最多 quantities).
CHINESE_CLAIMS: tuple[ClaimPattern, ...] = (
    _zh(
        f"最[{except_chars(0x4E00, 0x9FFF, '近后终初早晚少多')}]级?",
        "superlative term with 最 (PRC Advertising Law art. 9)",
    ),
    _zh("第一", "ranking term 第一 (PRC Advertising Law art. 9)", accept=_first_claims),
    _zh(r"(?:国家|世界|全球|宇宙|殿堂|顶)级", "'national/world/top grade' term (PRC Advertising Law art. 9)"),
    _zh(r"唯一|独一无二|首选|首家|首个|首款|首发", "uniqueness or first-ever term (PRC Advertising Law art. 9)"),
    _zh(
        r"极品|极致|王牌|销量冠军|冠军|领导品牌|遥遥领先|史无前例|前无古人|无敌|万能|驰名商标",
        "absolute term (PRC Advertising Law art. 9)",
    ),
    _zh(r"绝对|百分之百|百分百|零风险|永久|永不", "absolute promise"),
    _zh(r"100\s?%", "absolute promise", tail="有效|安全|满意|保证|无副作用|天然"),
    _zh(r"(?:NO|No|no)\.?\s?1", "'No.1' ranking claim", not_after="0-9"),
)

ALL_CLAIMS: tuple[ClaimPattern, ...] = ENGLISH_CLAIMS + CHINESE_CLAIMS


# Medical and efficacy claims: ordinary goods must not claim to prevent, treat or cure anything
# (PRC Advertising Law art. 17; FTC and ASA rules on health claims). "treats" is a claim only as a
# verb ("it treats", "helps treat"), never the noun ("sweet treats").
MEDICAL_CLAIMS: tuple[ClaimPattern, ...] = (
    _en(r"\b(?:clinically|medically|scientifically)[- ](?:proven|tested|shown|approved)\b", "efficacy claim"),
    _en(r"\bcur(?:es|e|ing)\b", "medical claim ('cures')"),
    _en(
        r"\b(?:it|that|which|this|helps?(?: to)?|will|can|to)\s+(?:treats?|heals?|cures?)\b",
        "medical claim ('treats')",
    ),
    _en(r"\b(?:healing|curative|therapeutic|medicinal)\s+(?:properties|powers?|effects?|benefits?)\b", "medical claim"),
    _en(
        r"\b(?:relieves?|eases?|soothes?)\s+(?:pain|aches|arthritis|anxiety|insomnia|eczema|symptoms)\b",
        "medical claim",
    ),
    _en(r"\bprevents?\s+(?:disease|illness|infections?|cancer|colds?|flu)\b", "medical claim"),
    _en(r"\bdoctor[- ]recommended\b|\bpain[- ]relief\b|\bmiracle cure\b", "medical claim"),
    _zh(r"包治百病|药用|治疗|治愈|根治|疗效|消炎|抗癌|降血压|降血糖|祛病|医用级|药效", "medical or efficacy term"),
)
