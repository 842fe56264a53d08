"""Image decoding and encoding for every service that takes or returns images (vision, creative).

Bytes and pixels are capped before a full decode: the header is read first, the declared size is
checked against ``MAX_PIXELS``, and only JPEG, PNG and WebP are accepted. Base64 text (standard or
URL-safe alphabet, an optional ``data:image/...;base64,`` prefix) is decoded strictly, with the
byte cap checked on the text's length first. Every failure is a ``ValueError`` with a message
meant for the caller (a 4xx at the HTTP boundary).
"""

from __future__ import annotations

import base64
import binascii
import io
import re
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


_DATA_URL = re.compile(r"^data:image/[a-z0-9.+-]+;base64,", re.I)


def decode_base64(text: str, max_bytes: int = MAX_IMAGE_BYTES) -> bytes:
    """Strict base64 (standard or URL-safe alphabet, optional ``data:`` prefix) with a size cap."""
    text = _DATA_URL.sub("", text.strip(), count=1)
    if not text:
        raise ValueError("empty image: expected base64 of a JPEG, PNG or WebP file")
    if len(text) > (max_bytes // 3 + 1) * 4 + 4:
        raise ValueError(f"image larger than {max_bytes} bytes")
    if "-" in text or "_" in text:
        text = text.replace("-", "+").replace("_", "/")
    text += "=" * (-len(text) % 4)
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise ValueError("image is not valid base64") from None


def decode_base64_image(text: str, *, max_bytes: int = MAX_IMAGE_BYTES, max_pixels: int = MAX_PIXELS) -> Image.Image:
    """A JPEG/PNG/WebP image from base64 text (``decode_base64`` then ``decode_image``)."""
    return decode_image(decode_base64(text, max_bytes), max_bytes=max_bytes, max_pixels=max_pixels)


def decode_image(obj: Any, *, max_bytes: int = MAX_IMAGE_BYTES, max_pixels: int = MAX_PIXELS) -> Image.Image:
    """Decode an uploaded JPEG/PNG/WebP into an RGB or L image, or raise ``ValueError``."""
    try:
        return _decode(obj, max_bytes, max_pixels)
    except ValueError:
        raise
    except Exception as exc:  # any other decoder failure on a broken header is the caller's bad file
        raise ValueError(f"corrupt or truncated image ({type(exc).__name__})") from None


def _decode(obj: Any, max_bytes: int, max_pixels: int) -> Image.Image:
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


def encode_image(img: Image.Image, fmt: str = "png", quality: int = 92) -> bytes:
    """PNG (default) or JPEG bytes of an image."""
    buffer = io.BytesIO()
    if fmt.lower() in ("jpeg", "jpg"):
        img.convert("RGB").save(buffer, format="JPEG", quality=quality, optimize=True)
    else:
        img.save(buffer, format="PNG", optimize=False, compress_level=6)
    return buffer.getvalue()
