"""A real S3-compatible HTTP server (moto's ``moto_server``) on 127.0.0.1, started as a subprocess."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import boto3

from .ports import free_port, wait_for_port

MOTO_BIN = str(Path(sys.executable).parent / "moto_server")
TEST_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
}


class S3Server:
    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen[bytes] | None = None
        self._log = tempfile.NamedTemporaryFile(  # noqa: SIM115 (kept open for the server lifetime)
            prefix="moto-", suffix=".log", delete=False
        )

    def start(self) -> S3Server:
        env = {**os.environ, **TEST_CREDENTIALS}
        self.proc = subprocess.Popen(
            [MOTO_BIN, "-H", "127.0.0.1", "-p", str(self.port)],
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_for_port(self.port)
        return self

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(10)

    def client(self) -> Any:
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            region_name="us-east-1",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )

    def create_bucket(self, name: str) -> None:
        self.client().create_bucket(Bucket=name)

    def env(self, bucket: str, prefix: str = "models") -> dict[str, str]:
        """Environment for a process that uses this server as its model store."""
        return {
            **TEST_CREDENTIALS,
            "ADSERVE_MODEL_STORE": f"s3://{bucket}/{prefix}",
            "ADSERVE_S3_ENDPOINT_URL": self.endpoint,
        }

    def __enter__(self) -> S3Server:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()
