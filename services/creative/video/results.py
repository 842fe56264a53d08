"""Where finished videos are kept: the project's artifact store.

With ``ADSERVE_MODEL_STORE=s3://bucket/prefix`` results go to
``s3://bucket/prefix/video-results/<task_id>.mp4`` through the artifact store's S3 client and
retries (the same bucket, credentials and endpoint as the models); with the local store they go to
``<var>/video-results/<task_id>.mp4``. ``fetch`` reads an ``s3://`` input video under the same
client, from the buckets listed in ``ADSERVE_CREATIVE_VIDEO_S3_BUCKETS`` only.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from urllib.parse import urlparse

from services.core.artifact_store import ArtifactNotFoundError, ArtifactStore, ArtifactStoreUnavailableError
from services.core.settings import PlatformSettings, get_settings

from ..settings import CreativeSettings
from .probe import VideoInputError

RESULTS_FOLDER = "video-results"


class ResultStore:
    def __init__(self, settings: PlatformSettings | None = None) -> None:
        self.settings = settings or get_settings()
        self.artifacts = ArtifactStore(self.settings)

    def put(self, task_id: str, path: Path) -> str:
        """Keep the finished video; returns its URI (``s3://...`` or a local path)."""
        name = f"{task_id}.mp4"
        if self.settings.uses_s3:
            key = self.artifacts._key(RESULTS_FOLDER, name)
            bucket = self.artifacts.bucket
            self.artifacts.call(
                f"upload video result {task_id}",
                lambda: self.artifacts.client.upload_file(
                    str(path), bucket, key, ExtraArgs={"ContentType": "video/mp4"}
                ),
            )
            return f"s3://{bucket}/{key}"
        target = self.settings.var_dir / RESULTS_FOLDER / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
        return str(target)

    def fetch(self, uri: str, dest: Path, creative: CreativeSettings) -> Path:
        """Download an ``s3://bucket/key`` input video to ``dest`` after checking bucket and size."""
        parsed = urlparse(uri)
        bucket, key = parsed.netloc, parsed.path.lstrip("/")
        if parsed.scheme != "s3" or not bucket or not key:
            raise VideoInputError("video_uri must look like s3://bucket/key")
        if bucket not in creative.video_s3_buckets:
            raise VideoInputError(f"bucket '{bucket}' is not one the service may read videos from")
        client = self.artifacts.client
        try:
            head = self.artifacts.call(f"video {uri}", lambda: client.head_object(Bucket=bucket, Key=key))
            size = int(head.get("ContentLength", 0))
            if size > creative.video_max_bytes:
                raise VideoInputError(f"video file has {size} bytes, more than the limit of {creative.video_max_bytes}")
            self.artifacts.call(f"video {uri}", lambda: client.download_file(bucket, key, str(dest)))
        except ArtifactNotFoundError:
            raise VideoInputError(f"no video at {uri}") from None
        except ArtifactStoreUnavailableError as exc:
            raise VideoSourceUnavailableError(str(exc)) from None
        except VideoInputError:
            raise
        except Exception as exc:  # access denied and other client errors are the caller's URI
            raise VideoInputError(f"cannot read {uri} ({type(exc).__name__})") from None
        return dest


class VideoSourceUnavailableError(RuntimeError):
    """The S3 store did not answer (a 503 for the caller, not a 400)."""
