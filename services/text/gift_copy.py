"""Rule-based marketing copy for gift and homeware products, in English and Chinese.

Built from the product's attributes only (``ProductAttributes`` plus what its title states,
``title_attributes.extract``): quantity, product type, colour, material, pattern or motif, theme
and shelf group. The wording around the facts changes with the tone; the facts never do, and no
sentence names a colour, material or product type the attributes do not give. Chinese copy uses
the glossary of ``zh_terms`` for every product word; a product type without a Chinese name has no
Chinese copy (``None``: the caller says so) rather than an English word in a Chinese sentence.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

from .attributes import Language, ProductAttributes, Tone
from .lexicon_products import PRODUCT_SPELLINGS, PRODUCT_TYPES
from .term_matching import normalise_term
from .title_attributes import TitleAttributes, display_title, extract
from .zh_terms import COLOURS, MATERIALS, MOTIFS, PATTERNS, SIZES, THEMES, zh_or_none
from .zh_terms import PRODUCT_TYPES as ZH_TYPES

_SPELLING = {normalise_term(k): v for k, v in PRODUCT_SPELLINGS.items()}


@dataclass(frozen=True)
class GiftFacts:
    """The facts copy may state, each from the attributes (or the title they came with)."""

    product_type: str
    group: str
    quantity: int | None
    pack: str | None
    colour: str | None
    material: str | None
    pattern: str | None
    motif: str | None
    themes: tuple[str, ...]
    size: str | None
    name: str  # the catalogue name, tidied
    design: str | None = None  # a design name of two words or more, as the catalogue writes it


def gift_facts(attrs: ProductAttributes) -> GiftFacts | None:
    """Facts for copy when the product is a gift or homeware item (None for other catalogues)."""
    found = extract(attrs.title) if attrs.title else TitleAttributes(title="")
    product = _SPELLING.get(normalise_term(attrs.article)) if attrs.article else None
    product = product or found.product_type
    if product is None or attrs.gender:  # fashion attributes: the apparel templates apply
        return None
    extra = {k.lower(): v for k, v in attrs.extra.items()}
    quantity = found.quantity
    pieces = found.pack == "pieces" or extra.get("quantity", "").endswith("pieces")
    if "quantity" in extra:
        digits = "".join(c for c in extra["quantity"] if c.isdigit())
        quantity = int(digits) if digits and 1 < int(digits) <= 1000 else quantity
    themes = tuple(t.strip() for t in extra.get("theme", "").split(",") if t.strip()) or found.themes
    return GiftFacts(
        product_type=product,
        group=PRODUCT_TYPES[product][0],
        quantity=quantity,
        pack="pieces" if pieces else found.pack,
        colour=attrs.colour.lower() if attrs.colour and attrs.colour.lower() not in ("multi", "na") else None,
        material=(attrs.material or "").lower() or None,
        pattern=(extra.get("pattern") or "").split(",")[0].strip() or None,
        motif=(extra.get("motif") or "").split(",")[0].strip() or None,
        themes=themes[:2],
        size=extra.get("size") or found.size,
        name=_name(found, product, quantity) if found.title else display_title(product),
        design=design if (design := extra.get("design")) and len(design.split()) >= 3 else None,
    )


def _plural(product: str, quantity: int | None) -> str:
    return PRODUCT_TYPES[product][1] if quantity and quantity > 1 else product


def _name(found: TitleAttributes, product: str, quantity: int | None) -> str:
    """The catalogue title without its quantity words, the quantity after a comma."""
    words = [w for w in found.words if w not in (",", "+", "&")]
    if quantity and found.pack == "pieces":
        return f"{display_title(' '.join(words)) or found.title}, {quantity} Pieces"
    if quantity and quantity > 1:  # "Coaster, Set of 4" -> "Coasters, Set of 4"
        singular = [w for w in PRODUCT_TYPES[product][2][0].split()]
        plural = PRODUCT_TYPES[product][1].split()
        n = len(singular)
        for i in range(len(words) - n, -1, -1):
            if words[i : i + n] == singular:
                words = words[:i] + plural + words[i + n :]
                break
    name = display_title(" ".join(words)) or found.title
    if quantity:
        return f"{name}, {(found.pack or 'set').title()} of {quantity}"
    return name


# ------------------------------------------------------------------ English
_THEME_EN = {
    "christmas": "for Christmas", "easter": "for Easter", "birthday": "for birthdays", "party": "for parties",
    "wedding": "for weddings", "valentine": "for Valentine's Day", "halloween": "for Halloween",
    "baby": "for the little ones", "children": "for children", "tea time": "for tea time",
    "picnic": "for picnics", "vintage": "with a vintage look", "retro": "with a retro look",
    "french": "in a French style", "english": "in an English style", "victorian": "in a Victorian style",
    "edwardian": "in an Edwardian style", "regency": "in a Regency style", "scandinavian": "in a Scandinavian style",
    "folk art": "in a folk-art style", "botanical": "with a botanical look", "pantry": "in a pantry style",
    "garden": "for the garden", "kitchen": "for the kitchen", "seaside": "with a seaside feel",
    "summer": "for summer", "spring": "for spring", "winter": "for winter", "london": "with a London theme",
    "paris": "with a Paris theme", "love": "with a love theme",
}  # fmt: skip

# Per group, four ways to say what the product is for; the tone and the product pick one.
_USE_EN: dict[str, tuple[str, ...]] = {
    "lighting": (
        "Adds a soft glow to quiet evenings.", "Light it up and watch the room glow.",
        "Made for cosy nights in.", "A warm light for the table or the windowsill.",
    ),
    "kitchen": (
        "Brings colour to everyday meals.", "Makes every tea break a little brighter.",
        "Ready for the kitchen, from breakfast to baking day.", "A cheerful helper for home cooks.",
    ),
    "decor": (
        "A finishing touch for your home.", "A cheerful touch for any room.",
        "Brightens a shelf, a mantelpiece or a hallway.", "Small detail, big personality.",
    ),
    "party": (
        "Ready for your next celebration.", "Get the party started.",
        "Makes any get-together more festive.", "For the moments worth celebrating.",
    ),
    "stationery": (
        "For notes, lists and bright ideas.", "Jot down your next big idea.",
        "Makes desk time more fun.", "For school, the office and everything between.",
    ),
    "bags": (
        "Room for the everyday essentials.", "Pack it up and head out.",
        "Carries the shopping, the picnic or the gym kit.", "Ready for errands and days out.",
    ),
    "jewellery": (
        "A finishing touch for any outfit.", "Add a little sparkle to your day.",
        "Easy to wear from day to evening.", "A small piece with a lot of charm.",
    ),
    "toys": (
        "Made for play and imagination.", "Hours of play start here.",
        "For curious minds and busy hands.", "Play time, sorted.",
    ),
    "bath": (
        "A bright touch for the bathroom.", "Freshen up your bathroom.",
        "Makes bath time a little nicer.", "For a calmer start to the day.",
    ),
    "garden": (
        "For happy hours in the garden.", "Get out and enjoy the garden.",
        "Ready for the patio, the balcony or the allotment.", "Sunny days, well spent.",
    ),
    "accessories": (
        "An easy everyday accessory.", "Grab it and go.",
        "Practical, and pretty too.", "A handy companion for busy days.",
    ),
    "storage": (
        "Keeps things tidy and close at hand.", "Tidy up in style.",
        "Everything in its place.", "Storage that looks good on show.",
    ),
    "textiles": (
        "Adds comfort and colour to your home.", "Cosy up at home.",
        "Soft comfort for the chilly days.", "A homely touch for sofa and bed.",
    ),
}  # fmt: skip
_GIFT_EN: dict[Tone, tuple[str, str]] = {
    "neutral": ("A thoughtful gift, too.", "Also a good gift."),
    "friendly": ("It makes a lovely gift, too.", "Treat yourself, or someone you love."),
    "premium": ("An elegant gift for someone special.", "A gift to remember."),
    "sporty": ("A fun gift to give.", "Gift it, or keep it."),
}
_TONE_INDEX = {"neutral": 0, "friendly": 1, "premium": 2, "sporty": 3}


def _pick(options: tuple[str, ...], tone: Tone, name: str) -> str:
    """One phrasing per product and tone: stable, different across products."""
    return options[(_TONE_INDEX[tone] + zlib.crc32(name.encode())) % len(options)]


_OPEN_EN: dict[Tone, str] = {
    "neutral": "{thing}.",
    "friendly": "Say hello to {thing}.",
    "premium": "Introducing {thing}.",
    "sporty": "Get {thing}.",
}


def _article(phrase: str, product: str) -> str:
    """'a mug', 'an owl mug'; plural-only products ('earrings', 'napkins') take none."""
    if PRODUCT_TYPES[product][1] == product:
        return phrase
    return ("an " if phrase[:1] in "aeiou" else "a ") + phrase


def _thing_en(f: GiftFacts) -> str:
    noun = f.product_type if f.pack == "pieces" else _plural(f.product_type, f.quantity)
    words = [w for w in (f.size if f.size in ("small", "large", "mini", "jumbo") else None, f.colour, f.material) if w]
    head = " ".join([*words, noun])
    if f.design:
        head += f" in the {f.design} design"
    elif f.pattern:
        head += f" with a {f.pattern} pattern"
    elif f.motif:
        head += f" with a {f.motif} motif"
    if f.quantity and f.pack == "pieces":
        return f"{f.quantity}-piece {head}"
    if f.quantity and f.quantity > 1:
        return f"{f.pack or 'set'} of {f.quantity} {head}" if f.pack != "box" else f"a box of {f.quantity} {head}"
    return head


def english(f: GiftFacts, tone: Tone) -> tuple[str, list[str]]:
    """Title and description sentences."""
    thing = _thing_en(f)
    several = f.quantity is not None and f.quantity > 1 and f.pack != "pieces"
    thing = thing if several or thing.startswith("a box") else _article(thing, f.product_type)
    if several and not thing.startswith("a box"):
        thing = "a " + thing
    opening = _OPEN_EN[tone].format(thing=thing)
    sentences = [opening[0].upper() + opening[1:]]
    themes = [_THEME_EN[t] for t in f.themes if t in _THEME_EN]
    occasions = [t for t in themes if t.startswith("for ")]
    looks = [t for t in themes if not t.startswith("for ")]
    if occasions or looks:
        joined = " and ".join(occasions) + (", " if occasions and looks else "") + " and ".join(looks)
        sentences.append(f"Designed {joined}.")
    sentences.append(_pick(_USE_EN.get(f.group, _USE_EN["decor"]), tone, f.name))
    sentences.append(_pick(_GIFT_EN[tone], tone, f.name))
    return f.name, sentences


# ------------------------------------------------------------------ Chinese
_USE_ZH: dict[str, tuple[str, ...]] = {
    "lighting": ("为夜晚增添温馨光亮。", "点亮惬意的居家夜晚。", "餐桌窗台都适合摆放。"),
    "kitchen": ("让日常用餐更添色彩。", "让下午茶时光更明亮。", "从早餐到烘焙日都用得上。"),
    "decor": ("为家居增添点睛之笔。", "让每个房间更有趣味。", "装点书架、壁炉或玄关。"),
    "party": ("为下一次庆祝做好准备。", "让聚会更有节日气氛。", "为值得庆祝的时刻而来。"),
    "stationery": ("随手记录灵感与日常。", "让书桌时光更有乐趣。", "上学上班都合用。"),
    "bags": ("轻松收纳日常随身物品。", "装上就出发。", "购物、野餐、健身都能装。"),
    "jewellery": ("为日常搭配增添亮点。", "从白天到夜晚都好搭配。", "小小饰品，满满魅力。"),
    "toys": ("陪伴孩子尽情玩耍与想象。", "开启快乐游戏时光。", "适合好奇的小脑袋和小手。"),
    "bath": ("为浴室带来清新气息。", "让沐浴时光更舒心。", "开启更从容的一天。"),
    "garden": ("尽享惬意的花园时光。", "露台、阳台、菜园都适用。", "把好天气留给户外。"),
    "accessories": ("实用又好搭的日常配饰。", "拿上就能出门。", "忙碌日子的好帮手。"),
    "storage": ("让物品井井有条、触手可及。", "收纳也能很好看。", "让每样东西各归其位。"),
    "textiles": ("为家中增添舒适与色彩。", "窝在家里更舒服。", "为沙发和床铺添一份温馨。"),
}
_GIFT_ZH: dict[Tone, tuple[str, str]] = {
    "neutral": ("也是一份贴心的礼物。", "送礼也很合适。"),
    "friendly": ("送给亲友也很合适哦。", "犒劳自己，或送给心爱的人。"),
    "premium": ("送给特别的人，心意满满。", "一份值得珍藏的礼物。"),
    "sporty": ("送礼自用两相宜。", "送人自留都不错。"),
}
_OPEN_ZH: dict[Tone, str] = {"neutral": "", "friendly": "来看看这款", "premium": "精心呈现：", "sporty": "马上拥有这款"}


def chinese(f: GiftFacts, tone: Tone) -> tuple[str, list[str]] | None:
    """Title and description sentences, or None when the glossary has no name for the product type."""
    noun = zh_or_none(ZH_TYPES, f.product_type)
    if noun is None:
        return None
    colour = zh_or_none(COLOURS, display_title(f.colour)) if f.colour else None
    if f.colour and colour is None and " and " in f.colour:
        parts = [zh_or_none(COLOURS, display_title(p)) for p in f.colour.split(" and ")]
        colour = "".join(p for p in parts if p) or None  # 红白 for "red and white"
    material = zh_or_none(MATERIALS, f.material) if f.material else None
    pattern = zh_or_none(PATTERNS, f.pattern) if f.pattern else None
    motif = zh_or_none(MOTIFS, f.motif) if f.motif else None
    themes = [z for t in f.themes if (z := zh_or_none(THEMES, t))]
    size = zh_or_none(SIZES, f.size) if f.size else None
    design = f"{pattern}图案" if pattern else (f"{motif}图案" if motif else "")
    unit = "件套" if f.pack == "pieces" else "件装"
    count = f"（{f.quantity}{unit}）" if f.quantity and f.quantity > 1 else ""
    title = f"{''.join(dict.fromkeys(themes[:2]))}{colour or ''}{pattern or motif or ''}{material or ''}{noun}{count}"
    thing = f"{size or ''}{colour or ''}{material or ''}{noun}"
    first = f"{_OPEN_ZH[tone]}{thing}"
    if f.quantity and f.quantity > 1:
        first += f"，{f.quantity}{unit}"
    if design:
        first += f"，饰以{design}"
    sentences = [first + "。"]
    if themes:
        sentences.append(
            f"{'、'.join(themes)}主题，氛围感十足。" if tone != "neutral" else f"{'、'.join(themes)}主题设计。"
        )
    sentences.append(_pick(_USE_ZH.get(f.group, _USE_ZH["decor"]), tone, f.name))
    sentences.append(_pick(_GIFT_ZH[tone], tone, f.name))
    return title, sentences


def gift_copy(attrs: ProductAttributes, language: Language, tone: Tone) -> tuple[str, list[str]] | None:
    """(title, description sentences) for a gift or homeware product; None when not one (or no Chinese)."""
    facts = gift_facts(attrs)
    if facts is None:
        return None
    return chinese(facts, tone) if language == "zh" else english(facts, tone)
