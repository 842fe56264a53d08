"""Images in request bodies: base64 (or a ``data:`` URL) of a JPEG, PNG or WebP file.

Validation decodes the image right away with the platform's safe decoder (byte and pixel caps
before the full decode, format allow-list) and shrinks it to the working size, so a bad file is a
400 for its own request and the batched model call only ever sees valid, small images.
"""

from __future__ import annotations

import base64
import io
import re
import warnings
from dataclasses import dataclass, field
from typing import Any

from PIL import Image, ImageDraw
from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import core_schema

from services.core.images import decode_base64, decode_image
from services.core.schema_examples import schema_example

from .settings import get_vision_settings

# The pixel cap below is enforced as an error; PIL's own warning for large images would only add noise.
warnings.filterwarnings("ignore", category=Image.DecompressionBombWarning)

_DATA_URL = re.compile(r"^data:image/[a-z0-9.+-]+;base64,", re.I)


def _example_png() -> str:
    """Base64 of a small PNG for the API schema's examples: a dark T-shirt shape on a light background."""
    img = Image.new("L", (32, 32), 235)
    draw = ImageDraw.Draw(img)
    draw.polygon([(9, 5), (23, 5), (30, 11), (26, 15), (23, 12), (23, 28), (9, 28), (9, 12), (6, 15), (2, 11)], fill=40)
    buffer = io.BytesIO()
    img.save(buffer, format="PNG")
    return base64.b64encode(buffer.getvalue()).decode("ascii")


EXAMPLE_IMAGE_B64 = _example_png()


def sniff_format(data: bytes) -> str:
    """JPEG, PNG or WEBP from the file signature (the decoder has already checked the file)."""
    if data.startswith(b"\x89PNG"):
        return "PNG"
    if data.startswith(b"\xff\xd8"):
        return "JPEG"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    return "unknown"


@dataclass(frozen=True)
class UploadedImage:
    """A decoded, size-checked upload; ``image`` is an RGB or L PIL image within the working size."""

    image: Image.Image
    format: str
    width: int
    height: int
    raw: bytes = field(default=b"", repr=False, compare=False)

    @classmethod
    def from_bytes(cls, data: bytes) -> UploadedImage:
        settings = get_vision_settings()
        try:
            img = decode_image(data, max_bytes=settings.max_image_bytes, max_pixels=settings.max_pixels)
        except ValueError:
            raise
        except Exception as exc:  # PIL raises OSError, SyntaxError, struct.error … for broken headers
            raise ValueError(f"corrupt or truncated image ({type(exc).__name__}: {exc})") from None
        fmt = sniff_format(data)
        width, height = img.size
        if max(width, height) > settings.working_size:
            img.thumbnail((settings.working_size, settings.working_size), Image.Resampling.LANCZOS)
        return cls(image=img, format=fmt, width=width, height=height, raw=data)

    @classmethod
    def from_base64(cls, text: str) -> UploadedImage:
        return cls.from_bytes(decode_base64(text, get_vision_settings().max_image_bytes))

    @classmethod
    def _validate(cls, value: Any) -> UploadedImage:
        if isinstance(value, UploadedImage):
            return value
        if isinstance(value, str):
            return cls.from_base64(value)
        raise ValueError("expected a base64 string of a JPEG, PNG or WebP file")

    @staticmethod
    def _serialize(value: UploadedImage, info: core_schema.SerializationInfo) -> str:
        """A placeholder in logs and dumps; the base64 file itself only for the wire (``context={"wire": True}``)."""
        if isinstance(info.context, dict) and info.context.get("wire") and value.raw:
            return base64.b64encode(value.raw).decode("ascii")
        return f"<{value.format} image>"

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        return core_schema.no_info_plain_validator_function(
            cls._validate,
            json_schema_input_schema=core_schema.str_schema(),
            serialization=core_schema.plain_serializer_function_ser_schema(cls._serialize, info_arg=True),
        )

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {
            "type": "string",
            "format": "byte",
            "contentEncoding": "base64",
            "description": "Base64 of a JPEG, PNG or WebP file (a data: URL is accepted too).",
            **schema_example(EXAMPLE_IMAGE_B64),
        }
