"""Uploads: base64 parsing and safe decoding of real and broken files, as request validation sees them."""

from __future__ import annotations

import base64

import pytest
from PIL import Image
from pydantic import ValidationError

from services.vision.schemas import ClassifyItem, EmbedItem
from services.vision.uploads import UploadedImage, decode_base64, sniff_format
from tests.vision.samples import as_photo, b64, corrupt, encode, png_declaring, real_bomb_png, truncated

PRODUCT = as_photo(Image.new("L", (28, 28), 0), size=(300, 200))


@pytest.mark.parametrize(("fmt", "mode"), [("PNG", "RGB"), ("JPEG", "RGB"), ("WEBP", "RGB"), ("PNG", "L")])
def test_real_files_decode(fmt: str, mode: str) -> None:
    data = encode(PRODUCT.convert(mode), fmt)
    upload = UploadedImage.from_base64(b64(data))
    assert upload.format == fmt and (upload.width, upload.height) == (300, 200)
    assert upload.image.mode in ("RGB", "L") and upload.image.size == (300, 200)
    assert sniff_format(data) == fmt


def test_large_images_are_shrunk_to_the_working_size() -> None:
    upload = UploadedImage.from_bytes(encode(Image.new("RGB", (2000, 1000), "white"), "JPEG"))
    assert (upload.width, upload.height) == (2000, 1000)
    assert upload.image.size == (512, 256)


def test_base64_variants() -> None:
    raw = bytes(range(256)) * 3
    plain = base64.b64encode(raw).decode()
    assert decode_base64(plain, 10_000) == raw
    assert decode_base64("data:image/png;base64," + plain, 10_000) == raw
    assert decode_base64(base64.urlsafe_b64encode(raw).decode().rstrip("="), 10_000) == raw
    with pytest.raises(ValueError, match="not valid base64"):
        decode_base64("abc$def", 10_000)
    with pytest.raises(ValueError, match="larger than"):
        decode_base64(plain, 100)
    with pytest.raises(ValueError, match="empty"):
        decode_base64("  ", 100)


JPEG = encode(PRODUCT, "JPEG")
PNG = encode(PRODUCT, "PNG")
WEBP = encode(PRODUCT, "WEBP")
BAD_FILES: dict[str, tuple[bytes, str | None]] = {
    "empty file": (b"", "empty"),
    "text file": (b"name,price\nshoe,10\n", "not a JPEG, PNG or WebP"),
    "gif": (encode(Image.new("RGB", (8, 8)), "GIF"), "not a JPEG, PNG or WebP"),
    "truncated jpeg": (truncated(JPEG), "truncated"),
    "truncated png": (truncated(PNG), "truncated"),
    "truncated webp": (truncated(WEBP), "truncated"),
    "corrupt jpeg": (corrupt(JPEG), None),
    "corrupt png": (corrupt(PNG), None),
    "corrupt webp": (corrupt(WEBP), None),
    "zero width png": (png_declaring(0, 16), None),
    "zero size png": (png_declaring(0, 0), None),
    "bomb header 30000x30000": (png_declaring(30_000, 30_000), "too large"),
    "bomb header 7000x7000": (png_declaring(7_000, 7_000), "pixels"),
    "real 9000x9000 bomb": (real_bomb_png(9000), "too large"),
}


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
@pytest.mark.parametrize("name", list(BAD_FILES))
def test_bad_files_are_value_errors_with_a_message(name: str) -> None:
    data, fragment = BAD_FILES[name]
    with pytest.raises(ValueError, match=fragment) as info:
        UploadedImage.from_base64(b64(data)) if data else UploadedImage.from_bytes(data)
    assert str(info.value)


def test_item_models_validate_every_field() -> None:
    item = ClassifyItem.model_validate({"image": b64(PNG), "top_k": 5})
    assert item.top_k == 5 and item.image.format == "PNG"
    assert ClassifyItem.model_validate({"image": b64(PNG)}).top_k == 3
    for bad in ({"image": b64(PNG), "top_k": 0}, {"image": b64(PNG), "extra": 1}, {"image": 42}, {}):
        with pytest.raises(ValidationError):
            ClassifyItem.model_validate(bad)
    with pytest.raises(ValidationError, match="truncated"):
        EmbedItem.model_validate({"image": b64(truncated(PNG))})
