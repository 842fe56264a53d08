"""The shared image helpers (services.core.images): base64 and file decoding, encoding, and the
creative schemas no longer reaching into creative's image I/O (the old import circle)."""

from __future__ import annotations

import base64
import subprocess
import sys

import pytest
from PIL import Image

from services.core.images import decode_base64, decode_base64_image, encode_image


def test_base64_round_trip_png_and_jpeg() -> None:
    img = Image.new("RGB", (12, 8), (200, 10, 10))
    for fmt in ("png", "jpeg"):
        text = base64.b64encode(encode_image(img, fmt)).decode()
        assert decode_base64_image(text).size == (12, 8)
        assert decode_base64_image(f"data:image/{fmt};base64,{text}").size == (12, 8)
    urlsafe = base64.urlsafe_b64encode(encode_image(img)).decode().rstrip("=")
    assert decode_base64_image(urlsafe).size == (12, 8)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty image"),
        ("!!!!", "not valid base64"),
        (base64.b64encode(b"\x89PNG\r\n\x1a\nxx").decode(), "not a JPEG"),
    ],
)
def test_bad_base64_is_a_value_error(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        decode_base64_image(text)


def test_byte_cap_checked_before_decoding() -> None:
    with pytest.raises(ValueError, match="larger than 10 bytes"):
        decode_base64("A" * 100, max_bytes=10)


def test_creative_schemas_do_not_import_image_io() -> None:
    code = "import sys, services.creative.schemas; print('services.creative.image_io' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
