"""Image input and output at the service boundary: uploads in, PNG/JPEG bytes or base64 out."""

from __future__ import annotations

import base64
import io
from pathlib import Path
from typing import BinaryIO

from PIL import Image

from services.core.images import MAX_IMAGE_BYTES, decode_image, encode_image

from .schemas import EncodedImage
from .settings import get_creative_settings

CONTENT_TYPES = {"png": "image/png", "jpeg": "image/jpeg"}


def read_upload(path: Path | bytes) -> Image.Image:
    """Decode an uploaded JPEG/PNG/WebP file; every failure is a ``ValueError`` with a message."""
    limit = get_creative_settings().max_input_pixels
    if isinstance(path, bytes):
        return safe_decode(path, limit)
    if not isinstance(path, Path) or not path.is_file():
        raise ValueError("expected an image file upload")
    with path.open("rb") as stream:
        return safe_decode(stream, limit)


def safe_decode(source: BinaryIO | bytes, max_pixels: int) -> Image.Image:
    """The platform decoder (``services.core.images``), as RGB."""
    return decode_image(source, max_bytes=MAX_IMAGE_BYTES, max_pixels=max_pixels).convert("RGB")


def to_base64(image: Image.Image, fmt: str = "png") -> EncodedImage:
    return EncodedImage(
        content_type=CONTENT_TYPES[fmt],
        width=image.width,
        height=image.height,
        data_base64=base64.b64encode(encode_image(image, fmt)).decode("ascii"),
    )


def from_base64(encoded: EncodedImage) -> Image.Image:
    return Image.open(io.BytesIO(base64.b64decode(encoded.data_base64)))
