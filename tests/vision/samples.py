"""Image bytes for tests: real encodings of real product images, and the bad files clients send."""

from __future__ import annotations

import base64
import io
import struct
import zlib

from PIL import Image, ImageOps


def encode(img: Image.Image, fmt: str = "PNG", **kwargs: object) -> bytes:
    buffer = io.BytesIO()
    img.save(buffer, format=fmt, **kwargs)
    return buffer.getvalue()


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def as_photo(img: Image.Image, size: tuple[int, int] = (480, 640)) -> Image.Image:
    """A 28x28 dark-background product as a colour photo: light background, tinted, other size."""
    gray = ImageOps.invert(img.convert("L"))
    side = min(size)
    product = ImageOps.colorize(gray.resize((side, side), Image.Resampling.BICUBIC), (20, 40, 120), (245, 245, 240))
    canvas = Image.new("RGB", size, (245, 245, 240))
    canvas.paste(product, ((size[0] - side) // 2, (size[1] - side) // 2))
    return canvas


def _chunk(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))


def png_declaring(width: int, height: int, mode_byte: int = 0) -> bytes:
    """A PNG whose header declares ``width`` x ``height`` (8-bit grey) with one tiny IDAT: a decompression
    bomb when large, a zero-size image when 0 — only the header is honest about nothing."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, mode_byte, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 64)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", idat) + _chunk(b"IEND", b"")


def real_bomb_png(side: int = 9000) -> bytes:
    """A genuine all-black PNG of side x side 1-bit pixels: a few kilobytes, ``side**2`` pixels."""
    return encode(Image.new("1", (side, side)), "PNG", optimize=True)


def truncated(data: bytes, keep: float = 0.5) -> bytes:
    return data[: max(16, int(len(data) * keep))]


def corrupt(data: bytes) -> bytes:
    """The file's signature and header kept, the rest overwritten with noise."""
    head = data[:40]
    return head + bytes((i * 97 + 13) % 256 for i in range(len(data) - 40))
