"""The work behind each route as plain functions: schema models in, schema models or images out.

The service class only adds HTTP, batching and errors around these; benchmarks call them
in-process for the ceiling without a server.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from PIL import Image

from .banner import BannerContent, BannerResult, BrandColours, compose_banner
from .banner_layout import STANDARD_SIZES, BannerFormat
from .colour import hex_to_rgb, rgb_to_hex
from .diffusion import DiffusionEngine
from .fonts import resolve_fonts
from .grouping import new_seed
from .image_io import to_base64
from .schemas import (
    Banner,
    BannerRequest,
    BannerResponse,
    CustomSize,
    GenerateRequest,
    GenerateResponse,
    TextBox,
)

BackgroundMaker = Callable[[int, int, int], Image.Image]


# ------------------------------------------------------------------------------ generation
def generate_images(engine: DiffusionEngine, requests: Sequence[GenerateRequest]) -> list[GenerateResponse]:
    """Answer a batch of prompt requests; requests sharing parameters share pipeline calls."""
    jobs = [
        engine.resolve(
            r.prompt,
            r.negative_prompt,
            r.width,
            r.height,
            r.steps,
            r.guidance_scale,
            new_seed() if r.seed is None else r.seed,
            r.num_images,
        )
        for r in requests
    ]
    outputs = engine.generate(jobs)
    return [
        GenerateResponse(
            images=[to_base64(g.image, request.output_format) for g in generated],
            seeds=[g.seed for g in generated],
            width=job.params.width,
            height=job.params.height,
            steps=job.params.steps,
            guidance_scale=job.params.guidance_scale,
            model=engine.tag,
        )
        for request, job, generated in zip(requests, jobs, outputs, strict=True)
    ]


def background_maker(engine: DiffusionEngine, prompt: str) -> BackgroundMaker:
    """Generated backgrounds at the format's aspect ratio, about the model's native pixel count."""

    def make(width: int, height: int, seed: int) -> Image.Image:
        area = engine.defaults.side**2
        scale = (area / (width * height)) ** 0.5
        gen_w = max(64, min(2048, round(width * scale / 8) * 8))
        gen_h = max(64, min(2048, round(height * scale / 8) * 8))
        job = engine.resolve(prompt, None, gen_w, gen_h, None, None, seed, 1)
        return engine.generate([job])[0][0].image

    return make


# ------------------------------------------------------------------------------ banners
def banner_formats(request: BannerRequest) -> list[BannerFormat]:
    formats = []
    for item in request.formats:
        if isinstance(item, CustomSize):
            formats.append(BannerFormat(item.name or f"{item.width}x{item.height}", item.width, item.height))
        else:
            width, height = STANDARD_SIZES[item]
            formats.append(BannerFormat(item, width, height))
    return formats


def banner_content(request: BannerRequest, product: Image.Image | None) -> BannerContent:
    colours = request.colours
    optional = lambda value: hex_to_rgb(value) if value else None  # noqa: E731
    return BannerContent(
        headline=request.headline,
        subheadline=request.subheadline,
        cta=request.cta,
        product=product,
        colours=BrandColours(
            hex_to_rgb(colours.primary),
            optional(colours.secondary),
            optional(colours.accent),
            optional(colours.text),
        ),
    )


def render_banners(
    request: BannerRequest,
    product: Image.Image | None,
    make_background: BackgroundMaker | None = None,
) -> list[BannerResult]:
    """Every requested format of one banner; ``make_background`` is needed for generated backgrounds."""
    fonts = resolve_fonts()
    content = banner_content(request, product)
    seed = new_seed() if request.seed is None else request.seed
    results = []
    for fmt in banner_formats(request):
        generated = None
        if request.background == "generated":
            if make_background is None:
                raise ValueError("a generated background needs the diffusion model")
            generated = make_background(fmt.width, fmt.height, seed)
        results.append(compose_banner(fmt, content, fonts, background=request.background, generated=generated))
    return results


def banner_response(results: Sequence[BannerResult], output_format: str) -> BannerResponse:
    banners = [
        Banner(
            format=r.format.name,
            image=to_base64(r.image, output_format),
            safe_area=r.safe_area,
            product_box=r.product_box,
            texts=[
                TextBox(
                    role=t.role,  # type: ignore[arg-type]
                    box=t.box,
                    font_size=t.font_size,
                    colour=rgb_to_hex(t.colour),
                    background=rgb_to_hex(t.background),
                    contrast_ratio=math.floor(t.contrast * 100) / 100,
                    truncated=t.truncated,
                )
                for t in r.texts
            ],
        )
        for r in results
    ]
    return BannerResponse(banners=banners, warnings=[w for r in results for w in r.warnings])
