"""Copy grounded in product attributes: titles read into attributes, rule-based copy in English and
Chinese, the guard's medical and brand-like checks, repetition control and summaries that invent nothing."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from services.campaign.copy_check import check_copy
from services.core.linear_regex import LinearPattern
from services.text.attributes import ProductAttributes
from services.text.compliance import check_text, unsupported_terms
from services.text.decoding import DecodeSetup
from services.text.grounding import template_copy, title_problems
from services.text.schemas import DescriptionRequest, ProductReviews
from services.text.summarizer import Summarizer
from services.text.title_attributes import extract, product_attributes

LATIN = LinearPattern(r"[A-Za-z]")


@pytest.mark.parametrize(
    ("title", "quantity", "product", "colours", "materials", "pattern", "themes"),
    [
        ("SET OF 4 PISTACHIO LOVEBIRD COASTER", 4, "coaster", ("pistachio",), (), (), ()),
        ("S/3 ENGLISH LAVENDER SQU CANDLE", 3, "candle", ("lavender",), (), (), ("english",)),
        ("RED RETROSPOT CERAMIC MUG", None, "mug", ("red",), ("ceramic",), ("retrospot",), ()),
        ("PACK OF 72 RETROSPOT CAKE CASES", 72, "cake cases", (), (), ("retrospot",), ()),
        ("DIAMANTE HAIR GRIP PACK/2 PERIDOT", 2, "hair clip", (), ("diamante",), (), ()),
        ("TEA INCENSE IN TIN", None, "incense", (), ("tin",), (), ()),
        ("AMBER CHUNKY GLASS+BEAD NECKLACE", None, "necklace", ("amber",), ("glass",), (), ()),
        ("Set of 20 vintage Christmas napkins", 20, "napkins", (), (), (), ("vintage", "christmas")),
    ],
)
def test_titles_are_read_into_attributes(
    title: str,
    quantity: int | None,
    product: str,
    colours: tuple[str, ...],
    materials: tuple[str, ...],
    pattern: tuple[str, ...],
    themes: tuple[str, ...],
) -> None:
    found = extract(title)
    assert (found.quantity, found.product_type, found.colours, found.materials) == (
        quantity,
        product,
        colours,
        materials,
    )
    assert found.patterns == pattern and found.themes == themes


def test_catalogue_attributes_win_over_the_title() -> None:
    attrs = product_attributes("RED RETROSPOT MUG", {"colour": "Blue", "material": "enamel", "size": "350 ml"})
    assert attrs.colour == "Blue" and attrs.material == "enamel" and attrs.extra["size"] == "350 ml"
    assert attrs.category == ["Kitchen & Dining", "Mug"] and attrs.extra["pattern"] == "retrospot"
    assert extract("SAVE THE PLANET MUG").design == "Save The Planet"


@pytest.mark.parametrize("tone", ["neutral", "friendly", "premium", "sporty"])
@pytest.mark.parametrize(
    "title",
    ["SET OF 4 PISTACHIO LOVEBIRD COASTER", "WHITE HANGING HEART T-LIGHT HOLDER", "JUMBO BAG RED RETROSPOT"],
)
def test_rule_based_copy_is_grounded_in_both_languages(title: str, tone: str) -> None:
    attrs = product_attributes(title)
    for language in ("en", "zh"):
        written = template_copy(attrs, language, tone, 400)  # type: ignore[arg-type]
        assert isinstance(written, tuple), written
        head, body = written
        assert check_text(f"{head}\n{body}", attrs, language) == [], (head, body)  # type: ignore[arg-type]
        if language == "zh":
            assert not LATIN.search(head + body), "Chinese copy must not fall back to English words"
        else:
            assert extract(title).type_name() in body and body.endswith(".")


def test_no_copy_is_written_when_the_product_is_not_recognised() -> None:
    assert template_copy(ProductAttributes(title="Mia"), "en", "neutral", 400) == (
        "no product type recognised in the title"
    )


def test_medical_and_efficacy_claims_are_flagged_in_english_and_chinese() -> None:
    text = "Clinically proven. It treats acne and cures colds. 包治百病，药用，可治疗失眠。"
    found = [v.text for v in check_text(text) if v.kind == "medical_claim"]
    assert found == ["Clinically proven", "It treats", "cures", "包治百病", "药用", "治疗"]
    assert not [v for v in check_text("Sweet treats for a Christmas party.") if v.kind == "medical_claim"]
    zh = check_text("本品具有疗效", language="zh")
    assert zh and zh[0].kind == "medical_claim" and "疗效" in zh[0].message


def test_brand_like_names_the_attributes_do_not_give_are_flagged() -> None:
    roadster = ProductAttributes(brand="Roadster", category=["Apparel", "Topwear", "Tshirts"], colour="Navy Blue")
    bad = check_text("Spalding Men Navy Blue Polo T-shirt\nA navy blue t-shirt from Roadster.", roadster)
    assert [(v.subtype, v.text) for v in bad] == [("brand", "Spalding")]
    assert check_text("Roadster Men Navy Blue Polo T-shirt\nMail me a photo of it.", roadster) == []


def test_model_titles_that_repeat_or_miss_the_product_are_not_kept() -> None:
    napkins = product_attributes("Set of 20 vintage Christmas napkins")
    assert "repeats 'sweet'" in title_problems("Sweet Sweet Sweet Sweet by by Swe", napkins)
    assert "does not name the product (Napkins)" in title_problems("Roadster Men Navy Blue Tshirt", napkins)
    assert "words the attributes do not support: HM, Kids, Girls" in title_problems(
        "HM Kids Girls Green Necklace", product_attributes("GLASS BEAD HOOP NECKLACE GREEN")
    )
    assert "too short to be a title" in title_problems("S", napkins)
    assert title_problems("Vintage Christmas Napkins", napkins) == []


def test_decoding_bans_repeated_ngrams_and_penalises_repeats() -> None:
    setup = DecodeSetup(None, None, torch.device("cpu"), frozenset(), (), 64, True, 1.5, 2)
    processors = setup.processors()
    scores = processors(torch.tensor([[5, 7, 5]]), torch.ones(1, 10))
    assert scores[0, 7] == float("-inf")  # "5 7" again would repeat a bigram
    assert scores[0, 5] < scores[0, 3]  # a generated token is penalised


class _Headliner:
    tag = "t5-test"

    def __init__(self, headline: str) -> None:
        self.headline = headline

    def summarize_texts(self, texts: list[str]) -> list[str]:
        return [self.headline for _ in texts]


def _embed(texts: list[str]) -> np.ndarray:
    rows = np.random.default_rng(0).normal(size=(len(texts), 8)).astype(np.float32)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def test_an_abstractive_summary_that_invents_the_product_falls_back_to_extractive() -> None:
    reviews = [{"text": "This blouse is soft and the navy colour is lovely.", "rating": 5}] * 4
    product = ProductReviews.model_validate({"reviews": reviews, "method": "abstractive"})
    [summary] = Summarizer(_embed, _Headliner("Beautiful dress")).summarize_batch([product])
    assert summary.summary_source == "extractive" and "blouse" in summary.summary
    assert "'dress'" in summary.notes[0]
    [kept] = Summarizer(_embed, _Headliner("Soft navy blouse")).summarize_batch([product])
    assert kept.summary == "Soft navy blouse" and kept.summary_source == "abstractive"
    assert unsupported_terms("Great red top in silk", "a navy top") == ["red", "silk"]


def test_campaign_sentences_are_never_cut_mid_word() -> None:
    checked = check_copy("Mug", "Holds 0.5 l. Made in the U.K. by hand. Call 0161 496 0000.", "Mug", "en")
    assert checked.description == "Holds 0.5 l. Made in the U.K. by hand."


def test_an_instruct_model_gets_every_attribute_in_its_prompt() -> None:
    from services.text.attributes import chat_messages
    from services.text.generator import GeneratorRuntime

    request = DescriptionRequest.model_validate({"attributes": {"title": "Set of 20 vintage Christmas napkins"}})
    grounded = GeneratorRuntime.grounded(request)
    prompt = chat_messages(grounded.attributes, "zh", "friendly")[1]["content"]
    assert "Napkins" in prompt and "set of 20" in prompt and "christmas" in prompt and "Simplified Chinese" in prompt
    numbered = ProductAttributes(brand="Roadster", category=["Apparel", "Topwear", "Tshirts"], gender="Men")
    assert "words the attributes do not support: 4711" in title_problems("4711 Men's Navy T-shirt", numbered)
