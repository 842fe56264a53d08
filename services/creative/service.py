"""The creative BentoML service: ``/generate_image`` (batched), ``/restyle``, ``/style_transfer``,
``/enhance``, ``/compose_banner`` and the ``/style_video`` task (asynchronous video jobs).

Thin on purpose: requests are validated by the schemas and decoded here; the work is in
``handlers``, ``diffusion``, ``style_transfer``, ``enhance`` and ``banner``. Bad input is a 400
with a message. The diffusion model loads in the background; ``/style_transfer``, ``/enhance``
and banners without a generated background need no model.
"""

from __future__ import annotations

import asyncio
from http import HTTPStatus
from pathlib import Path
from typing import Annotated, Literal

import bentoml
from annotated_types import MaxLen
from bentoml.exceptions import BentoMLException, InvalidArgument, ServiceUnavailable
from bentoml.validators import ContentType
from PIL import Image
from pydantic import Field
from starlette.responses import Response

from services.core import budgets
from services.core.images import encode_image
from services.core.managed_model import ManagedModel
from services.core.service_kit import PlatformService, batch_api, platform_service

from . import enhance as enhance_tools
from . import handlers
from .diffusion import DiffusionEngine, load_engine
from .fonts import FontUnavailableError
from .grouping import new_seed
from .image_io import CONTENT_TYPES, read_upload
from .schemas import (
    BannerRequest,
    BannerResponse,
    GenerateBatch,
    GenerateResponse,
    Guidance,
    NegativePrompt,
    OutputFormat,
    Prompt,
    Seed,
    Side,
    Steps,
    decode_base64_image,
)
from .settings import get_creative_settings
from .style_transfer import style_transfer as transfer_style
from .video import task_store as video_task_store
from .video.http import VideoJobsMiddleware
from .video.pipeline import JobCanceledError, VideoStyleOptions
from .video.presets import PresetName
from .video.probe import VideoInputError
from .video.results import VideoSourceUnavailableError
from .video.runner import VideoInput, VideoJobs

_settings = get_creative_settings()
Unit = Annotated[float, Field(ge=0.0, le=1.0)]
MAX_PROMPTS_PER_CALL = 16  # prompt items in one HTTP request
Weight = Annotated[float, Field(ge=0.0, le=0.99)]
VIDEO_ROUTE = "/style_video"


def image_response(image: Image.Image, fmt: str, headers: dict[str, str] | None = None) -> Response:
    return Response(content=encode_image(image, fmt), media_type=CONTENT_TYPES[fmt], headers=headers)


def within_pixel_budget(*paths: Path) -> None:
    """The uploads of one request together within ``ADSERVE_BUDGET_MAX_IMAGE_PIXELS`` (headers only)."""
    total = sum(budgets.declared_pixels(p) for p in paths if isinstance(p, Path) and p.is_file())
    budgets.enforce("max_image_pixels", total, "decoded image pixels of this request")


def upload(path: Path, what: str) -> Image.Image:
    try:
        return read_upload(path)
    except ValueError as exc:
        raise InvalidArgument(f"{what}: {exc}") from None


@platform_service(
    name="creative",
    traffic={"timeout": _settings.timeout_s, "max_concurrency": _settings.max_concurrency},
    resources={"gpu": int(_settings.gpus) if _settings.gpus.is_integer() else _settings.gpus}
    if _settings.gpus
    else {"cpu": "1"},
    workers=1,
)
class CreativeService(PlatformService):
    """Ad-image generation, restyling, style transfer, enhancement and banner composition."""

    diffusion: ManagedModel[DiffusionEngine] = ManagedModel("creative_model", load_engine)

    @batch_api(
        max_batch_size=_settings.max_batch_size,
        max_latency_ms=_settings.batch_wait_ms,
        route="/generate_image",
    )
    def generate_image(
        self, requests: Annotated[GenerateBatch, MaxLen(MAX_PROMPTS_PER_CALL)]
    ) -> list[GenerateResponse]:
        """Text to image; requests with the same size, steps and guidance share one pipeline call."""
        return handlers.generate_images(self.diffusion.get(), requests)

    @bentoml.api(route="/restyle")
    def restyle(
        self,
        image: Path,
        prompt: Prompt,
        negative_prompt: NegativePrompt = None,
        strength: Annotated[float, Field(ge=0.01, le=1.0)] = 0.6,
        steps: Steps = None,
        guidance_scale: Guidance = None,
        seed: Seed = None,
        size: Side = Field(None, description="Longer output side; default the model's native size."),
        output_format: OutputFormat = "png",
    ) -> Image.Image:
        """Image to image with diffusion: keep the picture's layout, repaint it after the prompt."""
        within_pixel_budget(image)
        source = upload(image, "image")
        engine = self.diffusion.get()
        side = size or engine.defaults.side
        work = (steps or engine.defaults.steps) * side * side
        budgets.enforce("max_diffusion_work", work, "diffusion work (steps x pixels) of this request")
        seed = new_seed() if seed is None else seed
        try:
            out = engine.restyle(
                source,
                prompt,
                negative_prompt=negative_prompt,
                strength=strength,
                steps=steps,
                guidance_scale=guidance_scale,
                seed=seed,
                side=size,
            )
        except ValueError as exc:
            raise InvalidArgument(str(exc)) from None
        return image_response(out, output_format, {"X-Seed": str(seed), "X-Model": engine.tag})  # type: ignore[return-value]

    @bentoml.api(route="/style_transfer")
    def style_transfer(
        self,
        content: Path,
        style: Path,
        method: Literal["reinhard", "histogram"] = "reinhard",
        strength: Unit = 1.0,
        texture: Unit = 0.0,
        output_format: OutputFormat = "png",
    ) -> Image.Image:
        """The content image in the colours (and optionally texture) of the style image; no model."""
        within_pixel_budget(content, style)
        out = transfer_style(
            upload(content, "content"),
            upload(style, "style"),
            method=method,
            strength=strength,
            texture=texture,
        )
        return image_response(out, output_format)  # type: ignore[return-value]

    @bentoml.api(route="/enhance")
    def enhance(
        self,
        image: Path,
        denoise: Unit = 0.5,
        white_balance: Unit = 1.0,
        auto_contrast: Unit = 1.0,
        sharpen: Unit = 0.5,
        output_format: OutputFormat = "png",
    ) -> Image.Image:
        """Denoise, white balance, auto-contrast and sharpen (0 turns a step off); no model."""
        within_pixel_budget(image)
        options = enhance_tools.EnhanceOptions(
            denoise=denoise, white_balance=white_balance, auto_contrast=auto_contrast, sharpen=sharpen
        )
        return image_response(enhance_tools.enhance(upload(image, "image"), options), output_format)  # type: ignore[return-value]

    @bentoml.api(route="/compose_banner")
    def compose_banner(self, request: BannerRequest) -> BannerResponse:
        """Banners in each requested format from a product image, texts and brand colours."""
        product = decode_base64_image(request.product_image) if request.product_image else None
        if product is not None:
            budgets.enforce("max_image_pixels", product.width * product.height, "decoded image pixels of this request")
        maker = None
        if request.background == "generated":
            maker = handlers.background_maker(self.diffusion.get(), request.background_prompt or "")
        try:
            results = handlers.render_banners(request, product, maker)
        except FontUnavailableError as exc:
            raise ServiceUnavailable(str(exc)) from None
        return handlers.banner_response(results, request.output_format)

    # ------------------------------------------------------------------ video jobs
    @bentoml.on_startup
    async def recover_video_jobs(self) -> None:
        """Video jobs left queued or running by a worker that died are recorded as failed."""
        self.video_jobs = VideoJobs()
        lost = await asyncio.to_thread(self.video_jobs.sweep)
        await video_task_store.mark_failed({job.task_id: job.error or "job lost" for job in lost})

    @bentoml.task(route=VIDEO_ROUTE)
    def style_video(
        self,
        ctx: bentoml.Context,
        video: list[Path] = Field(default_factory=list, max_length=1, description="The video file (MP4, MOV, WebM)."),
        video_uri: Annotated[
            str | None, Field(max_length=2048, description="s3://bucket/key instead of an upload")
        ] = None,
        style: list[Path] = Field(default_factory=list, max_length=1, description="A style reference image."),
        preset: PresetName | None = None,
        strength: Unit = 1.0,
        texture: Unit = 0.0,
        smoothing: Weight = 0.88,
        flow_blend: Weight = 0.97,
        prompt: Prompt | None = None,
        diffusion_strength: Annotated[float, Field(ge=0.01, le=1.0)] = 0.35,
        steps: Steps = None,
        guidance_scale: Guidance = None,
        seed: Annotated[int, Field(ge=0, le=2**32 - 1)] = 0,
    ) -> Annotated[Path, ContentType("video/mp4")]:
        """A short video (upload or s3:// URI) in the colours of a style image or preset, steady over time.

        Submit with ``/style_video/submit`` (answers a task id), follow ``/style_video/status``
        (state and frames done of total), fetch the MP4 (H.264, the source's audio) from
        ``/style_video/get``, stop it with ``/style_video/cancel``. A ``prompt`` runs diffusion
        image-to-image on every frame instead (real weights only).
        """
        options = VideoStyleOptions(
            strength=strength,
            texture=texture,
            smoothing=smoothing,
            flow_blend=flow_blend,
            prompt=prompt,
            diffusion_strength=diffusion_strength,
            steps=steps,
            guidance_scale=guidance_scale,
            seed=seed,
        )
        source = VideoInput(video[0] if video else None, video_uri, style[0] if style else None, preset)
        task_id = getattr(ctx.request.state, "task_id", None)
        try:
            result = self.video_jobs.run(task_id, source, options, Path(ctx.temp_dir), self.diffusion.get)
        except VideoInputError as exc:
            raise InvalidArgument(str(exc)) from None
        except VideoSourceUnavailableError as exc:
            raise ServiceUnavailable(str(exc)) from None
        except JobCanceledError:
            raise BentoMLException("the job was canceled", error_code=HTTPStatus.CONFLICT) from None
        # bytes, not a file response: BentoML's task store cannot serialise a FileResponse (1.4.40)
        return Response(content=result.path.read_bytes(), media_type="video/mp4")  # type: ignore[return-value]


CreativeService.add_asgi_middleware(VideoJobsMiddleware, route=VIDEO_ROUTE)
