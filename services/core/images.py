"""Safe image decoding for every service that takes uploads (vision, creative).

Bytes and pixels are capped before a full decode: the header is read first, the declared size is
checked against ``MAX_PIXELS``, and only JPEG, PNG and WebP are accepted. Every failure is a
``ValueError`` with a message meant for the caller (a 4xx at the HTTP boundary).
"""

from __future__ import annotations

import io
import struct
from typing import Any

from PIL import Image, ImageOps, UnidentifiedImageError

MAX_IMAGE_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000  # e.g. 8000 x 5000
ALLOWED_FORMATS = ("JPEG", "PNG", "WEBP")

# PIL's own bomb guard stays on as a second line of defence, just above our cap.
Image.MAX_IMAGE_PIXELS = MAX_PIXELS


def read_bytes(obj: Any, max_bytes: int = MAX_IMAGE_BYTES) -> bytes:
    """Bytes from raw bytes, a file-like object or an upload, refusing more than ``max_bytes``."""
    if isinstance(obj, bytes | bytearray | memoryview):
        data = bytes(obj)
    else:
        stream = getattr(obj, "file", obj)
        if not hasattr(stream, "read"):
            raise ValueError("expected an image file upload")
        if hasattr(stream, "seek"):
            stream.seek(0)
        data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise ValueError(f"image larger than {max_bytes} bytes")
    if not data:
        raise ValueError("empty image file")
    return data


def decode_image(obj: Any, *, max_bytes: int = MAX_IMAGE_BYTES, max_pixels: int = MAX_PIXELS) -> Image.Image:
    """Decode an uploaded JPEG/PNG/WebP into an RGB or L image, or raise ``ValueError``."""
    if isinstance(obj, Image.Image):
        return _check_loaded(obj, max_pixels)
    data = read_bytes(obj, max_bytes)
    try:
        img = Image.open(io.BytesIO(data), formats=list(ALLOWED_FORMATS))
    except UnidentifiedImageError:
        raise ValueError("not a JPEG, PNG or WebP image") from None
    except Image.DecompressionBombError as exc:
        raise ValueError(f"image too large: {exc}") from None
    except (OSError, SyntaxError, EOFError, struct.error, IndexError, TypeError, ValueError) as exc:
        raise ValueError(f"corrupt or truncated image: {exc}") from None
    width, height = img.size
    if width <= 0 or height <= 0:
        raise ValueError("image has zero width or height")
    if width * height > max_pixels:
        raise ValueError(f"image has {width * height} pixels, more than the limit of {max_pixels}")
    try:
        img.load()
    except (
        OSError,
        SyntaxError,
        EOFError,
        struct.error,
        IndexError,
        TypeError,
        ValueError,
        Image.DecompressionBombError,
    ) as exc:
        raise ValueError(f"corrupt or truncated image: {exc}") from None
    try:
        img = ImageOps.exif_transpose(img) or img
    except (OSError, SyntaxError, ValueError, TypeError) as exc:
        raise ValueError(f"corrupt image metadata: {exc}") from None
    if img.mode not in ("RGB", "L"):
        img = img.convert("RGBA").convert("RGB") if "A" in img.getbands() or img.mode == "P" else img.convert("RGB")
    return img


def _check_loaded(img: Image.Image, max_pixels: int) -> Image.Image:
    width, height = img.size
    if width <= 0 or height <= 0:
        raise ValueError("image has zero width or height")
    if width * height > max_pixels:
        raise ValueError(f"image has {width * height} pixels, more than the limit of {max_pixels}")
    return img


def encode_image(img: Image.Image, fmt: str = "PNG", quality: int = 90) -> bytes:
    buffer = io.BytesIO()
    if fmt.upper() == "JPEG":
        img.convert("RGB").save(buffer, format="JPEG", quality=quality)
    else:
        img.save(buffer, format=fmt.upper())
    return buffer.getvalue()
