"""Example campaign banners for the docs, made by the real composition with the services in-process.

``Composer`` runs with the text generator and the banner renderer of this revision in-process
(no recommender: the products are given), so the pictures show what ``/campaign`` returns: copy
from the product's attributes, the product photo framed when the catalogue has one, otherwise a
background designed from the product. One contact sheet per language and format set.

    python -m services.campaign.training.banner_examples --out docs/campaign
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import io
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import bentoml
from PIL import Image

PRODUCTS = [
    ("22138", "BAKING SET 9 PIECE RETROSPOT"),
    ("84879", "ASSORTED COLOUR BIRD ORNAMENT"),
    ("21232", "STRAWBERRY CERAMIC TRINKET BOX"),
    ("22727", "ALARM CLOCK BAKELIKE RED"),
]


class _InProcess:
    def __init__(self, runtime: Any, products: list[dict[str, Any]]) -> None:
        self.runtime = runtime
        self.products = products

    async def recommend(self, request: Any) -> Any:
        return {"key": "profile", "items": self.products, "model_version": "examples"}

    async def describe(self, requests: list[Any]) -> Any:
        return self.runtime.generate_batch(requests)

    async def banner(self, request: Any) -> Any:
        from services.creative import handlers
        from services.creative.schemas import decode_base64_image

        product = decode_base64_image(request.product_image) if request.product_image else None
        return handlers.banner_response(handlers.render_banners(request, product), request.output_format)

    async def classify(self, images_base64: list[str]) -> Any | None:
        return None


def sheet(images: list[Image.Image], height: int = 360) -> Image.Image:
    """Images side by side at one height, on white, with a small gap."""
    scaled = [im.resize((round(im.width * height / im.height), height), Image.Resampling.LANCZOS) for im in images]
    gap = 12
    out = Image.new("RGB", (sum(i.width for i in scaled) + gap * (len(scaled) + 1), height + 2 * gap), "white")
    x = gap
    for im in scaled:
        out.paste(im, (x, gap))
        x += im.width + gap
    return out


def photo_uri(folder: Path) -> str:
    """A product photo for the catalogue's image_uri: a Fashion-MNIST sandal, enlarged (the only photos here)."""
    import numpy as np

    from services.core.settings import get_settings
    from services.data.adapters.fashion_mnist import FASHION_CLASSES, load_split

    test = load_split(get_settings().data_dir, "test")
    pixels, labels = test.images, test.labels
    index = int(np.flatnonzero(labels == FASHION_CLASSES.index("Sandal"))[0])
    image = Image.fromarray(255 - pixels[index]).resize((336, 336), Image.Resampling.BICUBIC).convert("RGB")
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "example_product.png"
    image.save(path)
    return str(path)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=Path("docs/campaign"))
    args = parser.parse_args(argv)
    from services.campaign.composer import Composer
    from services.campaign.schemas import CampaignRequest
    from services.campaign.settings import CampaignSettings
    from services.text.generator import load_generator

    runtime = load_generator(bentoml.models.get("text-generator:latest"))
    uri = photo_uri(Path("var/examples"))
    products = [{"item_id": i, "title": t, "score": 1.0} for i, t in PRODUCTS]
    products.append(
        {
            "item_id": "s1",
            "title": "Women Black Sandals",
            "score": 1.0,
            "attributes": {"article_type": "Sandals", "colour": "Black", "gender": "Women"},
            "image_uri": uri,
        }
    )
    arms = ["navy_gradient", "coral_flat", "forest_gradient"]
    settings = CampaignSettings(image_root=Path("var/examples").resolve(), text_timeout_s=120, creative_timeout_s=120)
    for language in ("en", "zh"):
        composer = Composer(
            _InProcess(runtime, products),
            settings,
            lambda n: [(["neutral", "friendly", "premium", "sporty"][i % 4], arms[i % 3]) for i in range(n)],
        )
        request = CampaignRequest(
            profile={"country": "United Kingdom"},
            k=len(products),
            language=language,  # type: ignore[arg-type]
            formats=["square", "landscape", "story", "medium_rectangle"],
            banner_output="png",
        )
        response = asyncio.run(composer.run(request))
        for fmt in ("square", "landscape", "story", "medium_rectangle"):
            images = [
                Image.open(io.BytesIO(base64.b64decode(b.data_base64))).convert("RGB")
                for item in response.items
                for b in item.banners
                if b.format == fmt
            ]
            height = {"square": 360, "landscape": 300, "story": 520, "medium_rectangle": 250}[fmt]
            sheet(images, height).save(args.out / f"banners_{language}_{fmt}.png", optimize=True)
        for item in response.items:
            print(language, item.copy_source, "|", item.title, "|", item.description, "|", item.notes)
    return 0


if __name__ == "__main__":
    sys.exit(main())
