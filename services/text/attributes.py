"""Product attributes (the input of description generation) and the prompts built from them.

``ProductAttributes`` is length-capped everywhere and refuses control characters and the
``<|...|>`` markers of the model's special tokens, so user text can never forge a prompt
boundary. Two prompt formats exist: ``attributes-v1`` (the compact key/value line the default
GPT-2 model is trained on) and ``chat`` (an instruction for pretrained instruct models, rendered
with the tokenizer's chat template).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    AliasChoices,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    model_validator,
)

from services.core.schema_examples import schema_example
from services.core.text_types import clean_display_text

Language = Literal["en", "zh"]
Tone = Literal["neutral", "friendly", "premium", "sporty"]
Gender = Literal["Men", "Women", "Boys", "Girls", "Unisex"]
Season = Literal["Spring", "Summer", "Fall", "Winter"]
PromptFormat = Literal["attributes-v1", "chat"]

TITLE_SEPARATOR = "<|title|>"
DESCRIPTION_SEPARATOR = "<|description|>"  # between title and description, for models trained on both
_MARKERS = ("<|", "|>")


def _clean(value: str) -> str:
    """The shared display-text rules (no control characters, something visible), and no special-token markers."""
    if any(marker in value for marker in _MARKERS):
        raise ValueError("'<|' / '|>' markers are not allowed")
    return clean_display_text(value)


def _text(max_len: int) -> Any:
    return Annotated[str, Field(min_length=1, max_length=max_len), AfterValidator(_clean)]


def _gender(value: Any) -> Any:
    if isinstance(value, str):
        folded = value.strip().lower().rstrip("'s").rstrip("'")
        aliases = {
            "man": "Men",
            "men": "Men",
            "male": "Men",
            "woman": "Women",
            "women": "Women",
            "female": "Women",
            "boy": "Boys",
            "boys": "Boys",
            "girl": "Girls",
            "girls": "Girls",
            "unisex": "Unisex",
        }
        return aliases.get(folded, value)
    return value


def _season(value: Any) -> Any:
    if isinstance(value, str):
        folded = value.strip().capitalize()
        return "Fall" if folded == "Autumn" else folded
    return value


ShortText = _text(60)
LevelText = _text(40)
UsageText = _text(30)
TitleText = _text(150)
KeyText = _text(30)
ValueText = _text(100)


EXAMPLE_ATTRIBUTES: dict[str, Any] = {
    "title": "Slim Fit Cotton Shirt",
    "brand": "Roadster",
    "category": ["Apparel", "Topwear", "Shirts"],
    "colour": "Navy Blue",
    "material": "cotton",
    "gender": "Men",
    "season": "Summer",
    "usage": "Casual",
}


class ProductAttributes(BaseModel):
    """What is known about a product; descriptions may state these facts and nothing else."""

    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        populate_by_name=True,
        json_schema_extra=schema_example(EXAMPLE_ATTRIBUTES),
    )

    title: TitleText | None = Field(None, description="Current product name, if any.")
    brand: ShortText | None = None
    category: list[LevelText] = Field(
        default_factory=list,
        max_length=4,
        description="Category levels, broadest first, e.g. [Apparel, Topwear, Shirts].",
    )
    colour: LevelText | None = Field(None, validation_alias=AliasChoices("colour", "color"))
    material: ShortText | None = None
    gender: Annotated[Gender | None, BeforeValidator(_gender)] = None
    season: Annotated[Season | None, BeforeValidator(_season)] = None
    usage: UsageText | None = Field(None, description="Casual, Sports, Formal, Ethnic, Party, ...")
    extra: dict[KeyText, ValueText] = Field(
        default_factory=dict,
        max_length=10,
        description="Free-form facts, e.g. {'fit': 'slim', 'sleeve': 'short'}.",
    )

    @model_validator(mode="after")
    def _something_to_describe(self) -> ProductAttributes:
        if not (self.title or self.brand or self.category):
            raise ValueError("give at least a title, a brand or a category")
        return self

    @property
    def article(self) -> str | None:
        """The most specific category level (the article type)."""
        return self.category[-1] if self.category else None


def attribute_line(attrs: ProductAttributes) -> str:
    """The ``attributes-v1`` prompt: the fields the default model was trained on, in a fixed order."""
    fields = [
        ("brand", attrs.brand),
        ("gender", attrs.gender),
        ("category", " > ".join(attrs.category) if attrs.category else None),
        ("colour", attrs.colour),
        ("season", attrs.season),
        ("usage", attrs.usage),
    ]
    return " | ".join(f"{key}: {value}" for key, value in fields if value)


def v1_prompt(attrs: ProductAttributes) -> str:
    return f"{attribute_line(attrs)} {TITLE_SEPARATOR}"


def v1_completion(title: str, description: str | None, eos: str) -> str:
    """The completion of one training pair (the loss covers it only): the title, then the description if any."""
    body = f" {title}" if description is None else f" {title} {DESCRIPTION_SEPARATOR} {description}"
    return f"{body}{eos}"


_LANGUAGE_NAMES = {"en": "English", "zh": "Simplified Chinese"}


def chat_messages(attrs: ProductAttributes, language: Language, tone: Tone) -> list[dict[str, str]]:
    """Instruction for a pretrained instruct model: one title line, facts from the attributes only."""
    facts = attrs.model_dump(exclude_none=True, exclude_defaults=True)
    lines = "\n".join(f"- {key}: {value}" for key, value in facts.items())
    return [
        {
            "role": "system",
            "content": "You write e-commerce product titles. Use only the facts given. No superlatives, "
            "no claims such as 'best' or '#1', no prices, no contact details.",
        },
        {
            "role": "user",
            "content": f"Write one product title in {_LANGUAGE_NAMES[language]} with a {tone} tone, "
            f"at most 12 words, for this product:\n{lines}\nAnswer with the title only.",
        },
    ]
