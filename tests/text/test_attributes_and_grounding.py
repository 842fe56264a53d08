"""Product attributes validation, prompts, and grounded descriptions that state only given facts."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from services.data.adapters.myntra_styles import split_brand
from services.text.attributes import ProductAttributes, attribute_line, chat_messages, v1_prompt
from services.text.compliance import check_text
from services.text.grounding import compose_description, template_title
from services.text.training.data import load_title_pairs


def test_attributes_normalise_aliases_and_cap_lengths() -> None:
    attrs = ProductAttributes(
        brand=" Nike ", category=["Footwear", "Shoes"], color="Black", gender="mens", season="autumn"
    )
    assert (attrs.brand, attrs.colour, attrs.gender, attrs.season, attrs.article) == (
        "Nike",
        "Black",
        "Men",
        "Fall",
        "Shoes",
    )
    with pytest.raises(ValidationError, match="at most 60"):
        ProductAttributes(brand="x" * 61)
    with pytest.raises(ValidationError, match="at most 4"):
        ProductAttributes(category=["a", "b", "c", "d", "e"])
    with pytest.raises(ValidationError, match="at least a title, a brand or a category"):
        ProductAttributes(colour="Red")
    with pytest.raises(ValidationError, match="markers are not allowed"):
        ProductAttributes(brand="Nike<|endoftext|>")
    with pytest.raises(ValidationError):
        ProductAttributes(brand="Nike", gender="robot")
    with pytest.raises(ValidationError):
        ProductAttributes(brand="Nike", extra={f"k{i}": "v" for i in range(11)})


def test_prompts_hold_the_attributes_in_a_fixed_order() -> None:
    attrs = ProductAttributes(
        brand="Nike", category=["Footwear", "Shoes"], colour="Black", gender="Men", usage="Sports"
    )
    assert (
        attribute_line(attrs)
        == "brand: Nike | gender: Men | category: Footwear > Shoes | colour: Black | usage: Sports"
    )
    assert v1_prompt(attrs).endswith("<|title|>")
    messages = chat_messages(attrs, "zh", "friendly")
    assert messages[0]["role"] == "system" and "Simplified Chinese" in messages[1]["content"]
    assert "colour: Black" in messages[1]["content"]


def test_brand_is_split_off_catalogue_titles() -> None:
    assert split_brand("Turtle Check Men Navy Blue Shirt") == ("Turtle Check", "Men Navy Blue Shirt")
    assert split_brand("Enamor White Bra") == (None, "Enamor White Bra")


@pytest.mark.parametrize("language", ["en", "zh"])
@pytest.mark.parametrize("tone", ["neutral", "friendly", "premium", "sporty"])
def test_grounded_descriptions_of_catalogue_products_pass_the_guard(
    shared_data: Path, language: str, tone: str
) -> None:
    pairs = load_title_pairs(limit=400)
    for pair in pairs[::4]:
        attrs = pair.attributes.model_copy(update={"material": "cotton", "extra": {"fit": "regular"}})
        title = template_title(attrs, language)  # type: ignore[arg-type]
        description = compose_description(title, attrs, language, tone, 600)  # type: ignore[arg-type]
        assert check_text(f"{title}\n{description}", attrs, language) == [], (title, description)  # type: ignore[arg-type]
        if attrs.colour and language == "en":
            assert attrs.colour.lower() in description
        assert title in description


def test_description_states_only_given_facts_and_respects_max_length() -> None:
    attrs = ProductAttributes(
        brand="Nike", category=["Footwear", "Shoes", "Sports Shoes"], colour="Black", gender="Men"
    )
    text = compose_description("Nike Men Black Sports Shoes", attrs, "en", "neutral", 400)
    assert text == "Nike Men Black Sports Shoes: a pair of black sports shoes for men from Nike."
    full = attrs.model_copy(
        update={"material": "mesh", "usage": "Sports", "season": "Summer", "extra": {"sole": "rubber"}}
    )
    long_text = compose_description("Nike Men Black Sports Shoes", full, "en", "friendly", 400)
    assert "It is made from mesh." in long_text and "sole: rubber" in long_text
    for limit in (40, 80, 120):
        assert len(compose_description("Nike Men Black Sports Shoes", full, "en", "premium", limit)) <= limit
    assert compose_description("T", full, "en", "neutral", 400) != compose_description("T", full, "en", "sporty", 400)


def test_template_titles() -> None:
    attrs = ProductAttributes(brand="李宁", category=["鞋", "Sports Shoes"], colour="White", gender="Men")
    assert template_title(attrs, "zh") == "李宁 男士白色运动鞋"
    assert template_title(attrs, "en") == "李宁 Men White Sports Shoes"
