"""Request and response models of the creative service (importable by callers such as campaign).

Every limit is checked here, per request, before batching: a bad request gets a 400 with a
message and never reaches the batched pipeline call. Limits come from ``CreativeSettings``; the
cost budgets of a whole request (diffusion work, banner renders and pixels; ``services.core.budgets``)
are checked here too and answered 422.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from PIL import Image
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

from services.core import budgets
from services.core.images import MAX_IMAGE_BYTES
from services.core.images import decode_base64_image as decode_base64_image_core
from services.core.schema_examples import schema_example
from services.core.text_types import DisplayText, clean_display_text

from .banner_layout import STANDARD_SIZES
from .settings import get_creative_settings

OutputFormat = Literal["png", "jpeg"]


# ----------------------------------------------------------------------------- reusable checks
def check_prompt(value: str) -> str:
    limit = get_creative_settings().max_prompt_chars
    if not value.strip():
        raise ValueError("prompt must not be empty")
    if len(value) > limit:
        raise ValueError(f"prompt longer than {limit} characters")
    return clean_display_text(value)


def check_negative_prompt(value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    limit = get_creative_settings().max_prompt_chars
    if len(value) > limit:
        raise ValueError(f"negative prompt longer than {limit} characters")
    return clean_display_text(value)


def check_side(value: int | None) -> int | None:
    if value is None:
        return None
    limit = get_creative_settings().max_side
    if value % 8:
        raise ValueError("width and height must be multiples of 8")
    if not 64 <= value <= limit:
        raise ValueError(f"width and height must be between 64 and {limit}")
    return value


def check_steps(value: int | None) -> int | None:
    if value is not None and not 1 <= value <= get_creative_settings().max_steps:
        raise ValueError(f"steps must be between 1 and {get_creative_settings().max_steps}")
    return value


def check_guidance(value: float | None) -> float | None:
    if value is not None and not 0.0 <= value <= get_creative_settings().max_guidance:
        raise ValueError(f"guidance must be between 0 and {get_creative_settings().max_guidance}")
    return value


def decode_base64_image(value: str) -> Image.Image:
    """A JPEG/PNG/WebP image from base64 text (a ``data:image/...;base64,`` prefix is allowed)."""
    limit = get_creative_settings().max_input_pixels
    return decode_base64_image_core(value, max_bytes=MAX_IMAGE_BYTES, max_pixels=limit).convert("RGB")


def check_base64_image(value: str) -> str:
    decode_base64_image(value)
    return value


_LIMITS = get_creative_settings()  # documented in the OpenAPI schema; validation reads settings per call


def _doc(**bounds: object) -> Any:
    """Bounds for the OpenAPI schema only (the validators above enforce the configured values)."""
    return Field(json_schema_extra=dict(bounds))


Prompt = Annotated[str, AfterValidator(check_prompt), _doc(minLength=1, maxLength=_LIMITS.max_prompt_chars)]
NegativePrompt = Annotated[str | None, AfterValidator(check_negative_prompt), _doc(maxLength=_LIMITS.max_prompt_chars)]
Side = Annotated[int | None, AfterValidator(check_side), _doc(minimum=64, maximum=_LIMITS.max_side, multipleOf=8)]
Steps = Annotated[int | None, AfterValidator(check_steps), _doc(minimum=1, maximum=_LIMITS.max_steps)]
Guidance = Annotated[float | None, AfterValidator(check_guidance), _doc(minimum=0, maximum=_LIMITS.max_guidance)]
Seed = Annotated[int | None, Field(ge=0, le=2**32 - 1)]
Base64Image = Annotated[str, AfterValidator(check_base64_image)]


class EncodedImage(BaseModel):
    """One image as base64 text with its content type and size."""

    content_type: str
    width: int
    height: int
    data_base64: str


# ----------------------------------------------------------------------------- /generate_image
class GenerateRequest(BaseModel):
    """One text-to-image request: a prompt and its generation parameters."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra=schema_example(
            {"prompt": "a navy linen shirt on a wooden table, soft studio light", "seed": 42, "output_format": "jpeg"}
        ),
    )

    prompt: Prompt
    negative_prompt: NegativePrompt = None
    width: Side = Field(None, description="Multiple of 8; default is the model's native size.")
    height: Side = Field(None, description="Multiple of 8; default is the model's native size.")
    steps: Steps = Field(None, description="Denoising steps; default from settings.")
    guidance_scale: Guidance = Field(None, description="Classifier-free guidance; 0 turns it off (Turbo).")
    seed: Seed = Field(None, description="Same seed and parameters give the same image; random when unset.")
    num_images: int = Field(1, ge=1, json_schema_extra={"maximum": _LIMITS.max_images_per_request})
    output_format: OutputFormat = "png"

    @field_validator("num_images")
    @classmethod
    def _cap_images(cls, value: int) -> int:
        limit = get_creative_settings().max_images_per_request
        if value > limit:
            raise ValueError(f"num_images must be at most {limit}")
        return value

    @model_validator(mode="after")
    def _cap_pixels(self) -> GenerateRequest:
        side = get_creative_settings().max_side
        if self.width and self.height and self.width * self.height > side * side:
            raise ValueError(f"width x height must be at most {side} x {side} pixels")
        budgets.check("max_diffusion_work", self.work(), "diffusion work (images x steps x pixels) of this item")
        return self

    def work(self) -> int:
        """Images x steps x output pixels; unset sizes count at the largest allowed side."""
        settings = get_creative_settings()
        width, height = self.width or settings.max_side, self.height or settings.max_side
        return self.num_images * (self.steps or settings.default_steps) * width * height


def _diffusion_budget(requests: list[GenerateRequest]) -> list[GenerateRequest]:
    work = sum(r.work() for r in requests)
    budgets.check("max_diffusion_work", work, "diffusion work (images x steps x pixels) of this request")
    return requests


GenerateBatch = Annotated[list[GenerateRequest], Field(min_length=1), AfterValidator(_diffusion_budget)]


class GenerateResponse(BaseModel):
    """Generated images of one request, with what is needed to reproduce them."""

    images: list[EncodedImage]
    seeds: list[int]
    width: int
    height: int
    steps: int
    guidance_scale: float
    model: str


# ----------------------------------------------------------------------------- /compose_banner
class Colour(BaseModel):
    """Brand colours as ``#RRGGBB``."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra=schema_example({"primary": "#1F3A5F", "accent": "#F2A541"})
    )

    primary: str = "#1F3A5F"
    secondary: str | None = None
    accent: str | None = Field(None, description="Button colour; default secondary, else primary.")
    text: str | None = Field(None, description="Preferred text colour, used when its contrast is sufficient.")

    @field_validator("primary", "secondary", "accent", "text")
    @classmethod
    def _hex(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if not re.fullmatch(r"#?[0-9A-Fa-f]{6}", value.strip()):
            raise ValueError("colours must be #RRGGBB")
        return "#" + value.strip().lstrip("#").upper()


class CustomSize(BaseModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra=schema_example({"width": 728, "height": 90, "name": "leaderboard"})
    )

    width: int = Field(ge=64)
    height: int = Field(ge=64)
    name: str | None = Field(None, max_length=40)

    @model_validator(mode="after")
    def _cap(self) -> CustomSize:
        limit = get_creative_settings().max_banner_side
        if self.width > limit or self.height > limit:
            raise ValueError(f"banner sides must be at most {limit}")
        return self


BannerFormatName = Literal["square", "landscape", "story", "medium_rectangle"]


class BannerRequest(BaseModel):
    """Everything a banner needs; the same request renders every listed format."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra=schema_example(
            {
                "headline": "Summer linen sale",
                "subheadline": "Breathable shirts from 19.99",
                "cta": "Shop now",
                "colours": {"primary": "#1F3A5F", "accent": "#F2A541"},
                "background": "gradient",
                "formats": ["square", "landscape"],
                "output_format": "jpeg",
            }
        ),
    )

    headline: DisplayText(120)
    subheadline: DisplayText(240) | None = None
    cta: DisplayText(40) | None = None
    product_image: Base64Image | None = Field(None, description="Base64 JPEG/PNG/WebP (data: URL allowed).")
    colours: Colour = Field(default_factory=Colour)
    background: Literal["flat", "gradient", "generated", "dots", "stripes", "grid", "rings"] = Field(
        "gradient",
        description="flat, gradient, a pattern over the gradient (dots, stripes, grid, rings), or generated.",
    )
    background_prompt: Prompt | None = Field(None, description="Prompt of a generated background.")
    seed: Seed = None
    formats: list[BannerFormatName | CustomSize] = Field(default_factory=lambda: ["square"], min_length=1, max_length=8)
    output_format: OutputFormat = "png"

    @field_validator("subheadline", "cta", mode="before")
    @classmethod
    def _blank_is_absent(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @model_validator(mode="after")
    def _needs_prompt(self) -> BannerRequest:
        if not self.headline:
            raise ValueError("headline must not be blank")
        if self.background == "generated" and not self.background_prompt:
            raise ValueError("background 'generated' needs background_prompt")
        return self

    @model_validator(mode="after")
    def _within_budgets(self) -> BannerRequest:
        sizes = [STANDARD_SIZES[f] if isinstance(f, str) else (f.width, f.height) for f in self.formats]
        budgets.check("max_banner_renders", len(sizes), "banner formats rendered by this request")
        budgets.check("max_banner_pixels", sum(w * h for w, h in sizes), "banner pixels rendered by this request")
        if self.background == "generated":
            settings = get_creative_settings()
            work = len(sizes) * settings.default_steps * settings.max_side**2
            budgets.check("max_diffusion_work", work, "diffusion work of the generated backgrounds")
        return self


class TextBox(BaseModel):
    """Where one text element was drawn and how legible it is."""

    role: Literal["headline", "subheadline", "cta"]
    box: tuple[int, int, int, int] = Field(description="left, top, right, bottom of the drawn text")
    font_size: int
    colour: str
    background: str = Field(description="The colour the contrast was measured against (worst case).")
    contrast_ratio: float
    truncated: bool


class Banner(BaseModel):
    format: str
    image: EncodedImage
    safe_area: tuple[int, int, int, int]
    product_box: tuple[int, int, int, int] | None
    texts: list[TextBox]


class BannerResponse(BaseModel):
    banners: list[Banner]
    warnings: list[str] = Field(default_factory=list)
