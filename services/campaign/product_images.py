"""Product images named by the catalogue (``image_uri``), read for banners and the vision check.

A URI is a local path (only under ``ADSERVE_CAMPAIGN_IMAGE_ROOT``, by default the data folder), an
``s3://bucket/key`` object (read with the artifact store's S3 client, so the same endpoint and
credentials apply) or a ``data:image/...;base64,`` upload. ``http(s)://`` images are not fetched
(the serving network has no way out); the item says so. Every failure is a note, never an error:
the banner then uses the designed background.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from pathlib import Path

from services.core.artifact_store import ArtifactStore
from services.core.images import MAX_IMAGE_BYTES


@dataclass(frozen=True)
class LoadedImage:
    data_base64: str | None
    note: str | None = None


def _local(uri: str, root: Path) -> LoadedImage:
    path = Path(uri.removeprefix("file://")).expanduser()
    try:
        resolved = path.resolve(strict=True)
    except OSError:
        return LoadedImage(None, f"image {uri}: not found")
    if not resolved.is_relative_to(root.resolve()):
        return LoadedImage(None, f"image {uri}: outside ADSERVE_CAMPAIGN_IMAGE_ROOT, not read")
    if not resolved.is_file() or resolved.stat().st_size > MAX_IMAGE_BYTES:
        return LoadedImage(None, f"image {uri}: not a file or larger than {MAX_IMAGE_BYTES} bytes")
    return LoadedImage(base64.b64encode(resolved.read_bytes()).decode("ascii"))


def _s3(uri: str) -> LoadedImage:
    bucket, _, key = uri.removeprefix("s3://").partition("/")
    if not bucket or not key:
        return LoadedImage(None, f"image {uri}: expected s3://bucket/key")
    try:
        body = ArtifactStore().client().get_object(Bucket=bucket, Key=key)["Body"]
        data = body.read(MAX_IMAGE_BYTES + 1)
    except Exception as exc:  # botocore raises many kinds; all mean "no image"
        return LoadedImage(None, f"image {uri}: not readable ({type(exc).__name__})")
    if len(data) > MAX_IMAGE_BYTES:
        return LoadedImage(None, f"image {uri}: larger than {MAX_IMAGE_BYTES} bytes")
    return LoadedImage(base64.b64encode(data).decode("ascii"))


def _data_url(uri: str) -> LoadedImage:
    _, _, payload = uri.partition(",")
    try:
        base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError):
        return LoadedImage(None, "image data URL: not valid base64")
    return LoadedImage(payload)


def load_image(uri: str | None, root: Path) -> LoadedImage:
    """The image behind ``uri`` as base64, or why there is none."""
    if not uri:
        return LoadedImage(None)
    if uri.startswith("data:image/"):
        return _data_url(uri)
    if uri.startswith("s3://"):
        return _s3(uri)
    if uri.startswith(("http://", "https://")):
        return LoadedImage(None, f"image {uri}: http(s) images are not fetched by the campaign")
    return _local(uri, root)
