"""Product attributes read from a catalogue title, for catalogues that have only titles.

``extract(title)`` reads an Online Retail II style title ("SET OF 4 RED RETROSPOT CERAMIC MUGS",
"S/3 ENGLISH LAVENDER SQU CANDLE", "LUNCH BAG DOLLY GIRL DESIGN") into a quantity, a product type
(and its shelf group), colours, materials, a pattern, motifs, themes or occasions, a size, and
the words left over (a design name such as "Feltcraft Princess Lola"). ``product_attributes``
turns that, merged with any attributes the catalogue itself gives (which win), into the
``ProductAttributes`` that description generation and the guard take.

Pure and linear: the title is tokenised once, quantities are read from the token list, and the
vocabularies of ``lexicon_products`` and the guard's colour table are matched with one linear-time
``TermMatcher``. The product type is the last product word before the first break ("in", "with",
"+", ","), the head of an English compound ("MIRROR MOSAIC CANDLE PLATE" is a plate).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache

from .attributes import ProductAttributes
from .lexicon_attributes import COLOUR_FAMILIES, MULTI_COLOUR_VALUES
from .lexicon_products import (
    ABBREVIATIONS,
    GROUP_NAMES,
    MATERIALS,
    MOTIFS,
    PATTERNS,
    PLURAL_SPELLINGS,
    PRODUCT_SPELLINGS,
    PRODUCT_TYPES,
    SIZES,
    THEMES,
)
from .term_matching import TermMatcher, normalise_term

MAX_TITLE_CHARS = 150
_BREAK_WORDS = frozenset({"in", "with", "on", "for", "+", ",", "and", "&"})
_PACK_WORDS = frozenset({"set", "pack", "box", "bag", "tube", "tin", "jar", "bundle", "bucket", "roll", "sheet"})
_STOP = frozenset(
    {"of", "the", "a", "an", "to", "in", "with", "on", "for", "and", "design", "designs", "pattern", "colour"}
    | {"colours", "assorted", "set", "pack", "cm", "mm", "new", "style", "piece", "pieces", "x", "size", "is"}
    | {"it", "its", "your", "my", "own", "make", "&", "+", ",", "print", "shape", "shaped", "s", "no", "t"}
)
_JOINERS = frozenset({"the", "of", "and"})
_SPLIT_CHARS = str.maketrans({c: f" {c} " for c in ',+&()[]"!?;:.'} | {"\u2019": "'"})
# Colour words that in gift titles name a flavour or a stone, not the product's colour.
_NOT_COLOURS_IN_TITLES = frozenset({"chocolate", "coffee brown", "lemon", "mint", "cream", "slate", "rose gold"})
_LATIN_COLOURS = [t for t in COLOUR_FAMILIES if t.isascii() and t not in _NOT_COLOURS_IN_TITLES]
_PLURALS = frozenset(normalise_term(p) for p in PLURAL_SPELLINGS)
_SINGULARS = frozenset(normalise_term(p) for p in PRODUCT_TYPES)


@dataclass(frozen=True)
class TitleAttributes:
    """What a title says about its product."""

    title: str
    quantity: int | None = None
    pack: str | None = None  # set | pack | box ...
    product_type: str | None = None  # canonical singular, e.g. "t-light holder"
    group: str | None = None  # lighting | kitchen | decor ...
    colours: tuple[str, ...] = ()
    materials: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ()
    motifs: tuple[str, ...] = ()
    themes: tuple[str, ...] = ()
    size: str | None = None
    design: str | None = None  # words left over, title-cased
    multicolour: bool = False
    words: tuple[str, ...] = field(default=(), repr=False)

    @property
    def plural(self) -> bool:
        return self.quantity is not None and self.quantity > 1 and self.pack != "pieces"

    def type_name(self, plural: bool | None = None) -> str | None:
        """The product type as a noun phrase, plural when the title sells several."""
        if self.product_type is None:
            return None
        _, plural_form, _ = PRODUCT_TYPES[self.product_type]
        many = self.plural if plural is None else plural
        return plural_form if many else self.product_type


@lru_cache(maxsize=1)
def _vocabulary() -> tuple[TermMatcher, dict[str, list[tuple[str, str]]]]:
    lookup: dict[str, list[tuple[str, str]]] = {}

    def add(kind: str, table: Mapping[str, str]) -> None:
        for spelling, canonical in table.items():
            entry = lookup.setdefault(normalise_term(spelling), [])
            if (kind, canonical) not in entry:
                entry.append((kind, canonical))

    add("type", PRODUCT_SPELLINGS)
    add("pattern", PATTERNS)
    add("colour", {t: t for t in _LATIN_COLOURS})
    add("material", MATERIALS)
    add("motif", MOTIFS)
    add("theme", THEMES)
    add("size", SIZES)
    return TermMatcher(lookup), lookup


def _tokens(title: str) -> list[str]:
    text = title[:MAX_TITLE_CHARS].lower().translate(_SPLIT_CHARS)
    out: list[str] = []
    for raw in text.split():
        token = ABBREVIATIONS.get(raw, raw)
        if "/" in token and token not in ABBREVIATIONS.values():
            head, _, tail = token.partition("/")
            if head == "s" and tail.isdigit():  # S/3: a set of three
                out += ["set", "of", tail]
            elif head in _PACK_WORDS and tail.isdigit():  # PACK/2
                out += [head, "of", tail]
            else:  # RED/WHITE
                out += [ABBREVIATIONS.get(p, p) for p in token.split("/") if p]
            continue
        out += token.split() if " " in token else [token]
    return out


def _quantity(tokens: list[str]) -> tuple[int | None, str | None, list[str]]:
    """The quantity a title sells and the tokens without it."""
    for i, token in enumerate(tokens):
        nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
        after = tokens[i + 2] if i + 2 < len(tokens) else ""
        if token in _PACK_WORDS and nxt == "of" and after.isdigit():
            return int(after), token, tokens[:i] + tokens[i + 3 :]
        if token in ("set", "pack") and nxt.isdigit() and after not in ("cm", "mm", "d"):
            if after in ("piece", "pieces", "pc"):  # BAKING SET 9 PIECE: the set stays part of the name
                return int(nxt), "pieces", tokens[: i + 1] + tokens[i + 3 :]
            return int(nxt), token, tokens[:i] + tokens[i + 2 :]
        if token.isdigit() and nxt in ("piece", "pieces", "pc"):
            return int(token), "pieces", tokens[:i] + tokens[i + 2 :]
    if tokens and tokens[0].isdigit() and len(tokens) > 2 and tokens[1] not in ("cm", "mm", "d", "x", "tier"):
        return int(tokens[0]), None, tokens[1:]
    return None, None, tokens


def extract(title: str) -> TitleAttributes:
    """Attributes of one catalogue title (nothing is invented: unknown words go to ``design``)."""
    display = display_title(title)
    quantity, pack, tokens = _quantity(_tokens(title))
    if quantity is not None and not 1 < quantity <= 1000:
        quantity, pack = None, None
    text = " ".join(tokens)
    matcher, lookup = _vocabulary()
    matches = matcher.find(text)
    # The product type: the last product word before the first break word.
    first_break = next((i for i, t in enumerate(tokens) if t in _BREAK_WORDS and i > 0), len(tokens))
    break_at = len(" ".join(tokens[:first_break]))
    type_match = None
    for weak in (False, True):  # words that are also a material ("glass", "tin") only when nothing else is
        for match in matches:
            kinds = [kind for kind, _ in lookup[match.term]]
            if "type" not in kinds or ("material" in kinds) != weak:
                continue
            if match.start < break_at or type_match is None:
                type_match = match
        if type_match is not None:
            break
    found: dict[str, list[str]] = {k: [] for k in ("colour", "material", "pattern", "motif", "theme", "size")}
    used: list[tuple[int, int]] = []
    plural_type = False
    for match in matches:
        kinds = lookup[match.term]
        used.append((match.start, match.end))
        if match is type_match:
            plural_type = match.term in _PLURALS and match.term not in _SINGULARS
            continue
        kind, canonical = next(((k, c) for k, c in kinds if k != "type"), (None, None))
        if kind is None or canonical is None:
            continue  # a second product word ("MUG+COASTER"): part of the design
        if canonical not in found[kind]:
            found[kind].append(canonical)
    product = next((c for k, c in lookup[type_match.term] if k == "type"), None) if type_match else None
    leftovers = _leftovers(text, used)
    multicolour = "assorted" in tokens or any(t in MULTI_COLOUR_VALUES for t in tokens if t) or len(found["colour"]) > 2
    if quantity is None and plural_type and pack is None:
        quantity = None  # "CANDLES" says several but not how many
    return TitleAttributes(
        title=display,
        quantity=quantity,
        pack=pack,
        product_type=product,
        group=PRODUCT_TYPES[product][0] if product else None,
        colours=tuple(found["colour"]),
        materials=tuple(found["material"]),
        patterns=tuple(found["pattern"]),
        motifs=tuple(found["motif"]),
        themes=tuple(found["theme"]),
        size=found["size"][0] if found["size"] else None,
        design=" ".join(display_title(w) for w in leftovers) or None,
        multicolour=multicolour,
        words=tuple(tokens),
    )


def _leftovers(text: str, used: list[tuple[int, int]]) -> list[str]:
    """Words no vocabulary claimed, with "the", "of", "and" kept between two of them ("Save The Planet")."""
    marks: list[tuple[str, bool]] = []
    cursor = 0
    for word in text.split(" "):
        start, end = cursor, cursor + len(word)
        cursor = end + 1
        if not word or any(s < end and start < e for s, e in used):
            marks.append((word, False))
            continue
        keep = word not in _STOP and word.isalpha() and len(word) >= 3
        marks.append((word, keep or word in _JOINERS))
    words: list[str] = []
    for i, (word, keep) in enumerate(marks):
        if not keep:
            continue
        if word in _JOINERS:
            inside = 0 < i < len(marks) - 1 and marks[i - 1][1] and marks[i + 1][1] and marks[i + 1][0] not in _JOINERS
            if not (inside and words):
                continue
        words.append(word)
    return words


def display_title(catalog_title: str) -> str:
    """'WORLD'S BEST T-LIGHT HOLDER' -> "World's Best T-Light Holder" (catalogue titles are upper case)."""

    def word(w: str) -> str:
        return "-".join(p[:1].upper() + p[1:].lower() for p in w.split("-"))

    return " ".join(word(w) for w in catalog_title.split())


# ------------------------------------------------------------------ to ProductAttributes
_CATALOG_KEYS = {
    "colour": "colour",
    "color": "colour",
    "base_colour": "colour",
    "material": "material",
    "brand": "brand",
    "gender": "gender",
    "season": "season",
    "usage": "usage",
}
_CATEGORY_KEYS = ("master_category", "category", "sub_category", "subcategory", "article_type", "product_type")


def _fit(value: str, limit: int) -> str:
    return value if len(value) <= limit else value[:limit].rsplit(" ", 1)[0]


def quantity_phrase(attrs: TitleAttributes) -> str | None:
    if attrs.quantity is None:
        return None
    if attrs.pack == "pieces":
        return f"{attrs.quantity} pieces"
    return f"{attrs.pack or 'set'} of {attrs.quantity}"


def product_attributes(title: str, catalog: Mapping[str, str] | None = None) -> ProductAttributes:
    """``ProductAttributes`` for a catalogue item: the catalogue's own attributes, then what the title says."""
    found = extract(title)
    given = {k.strip().lower(): v.strip() for k, v in (catalog or {}).items() if v and v.strip()}
    fields: dict[str, object] = {"title": _fit(found.title, 150)}
    category = [given[k] for k in _CATEGORY_KEYS if k in given][:4]
    category_given = bool(category)
    if not category and found.product_type:
        category = [GROUP_NAMES[found.group or "decor"], display_title(found.product_type)]
    fields["category"] = [_fit(c, 40) for c in category]
    colours = [display_title(c) for c in found.colours]
    if found.multicolour and not colours:
        fields["colour"] = "Multi"
    elif colours:
        fields["colour"] = _fit(" and ".join(colours[:2]), 40)
    if found.materials:
        fields["material"] = _fit(found.materials[0], 60)
    extra: dict[str, str] = {}
    if (q := quantity_phrase(found)) is not None:
        extra["quantity"] = q
    if found.patterns:
        extra["pattern"] = ", ".join(found.patterns[:2])
    if found.motifs and not category_given:
        extra["motif"] = ", ".join(found.motifs[:3])
    if found.themes:
        extra["theme"] = ", ".join(found.themes[:3])
    if found.size:
        extra["size"] = found.size
    if found.design and not category_given:  # with a catalogue category the leftovers are not a design
        extra["design"] = _fit(found.design, 100)
    for key, value in given.items():
        target = _CATALOG_KEYS.get(key)
        if target is not None:
            fields[target] = _fit(value, 60 if target in ("brand", "material") else 40)
        elif key not in _CATEGORY_KEYS and key not in ("title", "image_uri") and len(extra) < 10:
            extra[_fit(key, 30)] = _fit(value, 100)
    fields["extra"] = dict(list(extra.items())[:10])
    return ProductAttributes.model_validate(fields)


def attributes_from_request(attrs: ProductAttributes) -> ProductAttributes:
    """A request that gives only a title gets the attributes its title states."""
    if attrs.title and not (attrs.category or attrs.colour or attrs.material or attrs.extra or attrs.brand):
        found = product_attributes(attrs.title)
        return found.model_copy(update={"gender": attrs.gender, "season": attrs.season, "usage": attrs.usage})
    return attrs
