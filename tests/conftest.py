"""Suite-wide fixtures: an isolated BentoML model store, real S3 and PostgreSQL servers, server environments.

BENTOML_HOME is set before anything imports bentoml, so tests never touch the developer's store.
Tiny models for each capability are built once per session into that store by the capability's
own conftest.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

_SESSION_DIR = Path(tempfile.mkdtemp(prefix="adserve-tests-"))
os.environ["BENTOML_HOME"] = str(_SESSION_DIR / "bentoml")
os.environ["ADSERVE_VAR_DIR"] = str(_SESSION_DIR / "var")
os.environ["ADSERVE_PII_HMAC_KEY"] = "tests-session-hmac-3c9e1f70-b82d-4a65-9f13-70d2e4c8a1b5"  # tests.support.keys
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("BENTOML_DO_NOT_TRACK", "True")
for _name in ("ADSERVE_MODEL_STORE", "ADSERVE_API_KEYS", "ADSERVE_S3_ENDPOINT_URL"):
    os.environ.pop(_name, None)

import pytest  # noqa: E402

from services.core.settings import get_settings  # noqa: E402
from tests.support.postgres_server import PostgresServer  # noqa: E402
from tests.support.s3_server import S3Server  # noqa: E402

pytest_plugins = [
    "tests.recommend.fixtures",
    "tests.vision.fixtures",
    "tests.text.fixtures",
    "tests.creative.fixtures",
]

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


@pytest.fixture(scope="session")
def session_dir() -> Path:
    return _SESSION_DIR


@pytest.fixture(scope="session")
def shared_data() -> Path:
    if not SHARED_DATA.exists():
        pytest.fail(f"shared data sets not found at {SHARED_DATA}")
    return SHARED_DATA


@pytest.fixture(scope="session")
def base_env(session_dir: Path) -> dict[str, str]:
    """Environment for `bentoml serve` subprocesses: the session's model store, no cloud."""
    return {
        "BENTOML_HOME": os.environ["BENTOML_HOME"],
        "ADSERVE_VAR_DIR": str(session_dir / "var"),
        "ADSERVE_PII_HMAC_KEY": os.environ["ADSERVE_PII_HMAC_KEY"],
        "HF_HUB_OFFLINE": "1",
        "BENTOML_DO_NOT_TRACK": "True",
        "TOKENIZERS_PARALLELISM": "false",
        "OMP_NUM_THREADS": "1",
        "ADSERVE_WORKERS": "1",  # one worker per test server (the default is one per core)
        "ADSERVE_BATCHING_APIS": "all",  # the batching path of every batchable API, also where it is off by default
    }


@pytest.fixture(scope="session")
def s3_server() -> Iterator[S3Server]:
    with S3Server() as server:
        yield server


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """One real PostgreSQL server (temporary data directory, 127.0.0.1) for the whole session."""
    server = PostgresServer().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def postgres_dsn(postgres_server: PostgresServer) -> str:
    """A fresh database on the session's server."""
    return postgres_server.create_database(f"t_{os.urandom(6).hex()}")


@pytest.fixture(autouse=True)
def _fresh_settings() -> Iterator[None]:
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()
