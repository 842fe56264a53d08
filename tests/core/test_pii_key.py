"""The pseudonymization key: long enough, created atomically once, and the same for training and serving."""

from __future__ import annotations

import multiprocessing as mp
from pathlib import Path

import bentoml
import pytest

from services.core.settings import PlatformSettings
from services.recommend.artifacts import PII_KEY_FINGERPRINT, KeyMismatchError, check_pii_key

LONG_KEY = "k" * 32


@pytest.fixture(autouse=True)
def _no_key_in_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ADSERVE_PII_HMAC_KEY", raising=False)


def test_keys_shorter_than_32_bytes_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="at least 32"):
        PlatformSettings(pii_hmac_key="short-key", var_dir=tmp_path).hmac_key()
    assert PlatformSettings(pii_hmac_key=LONG_KEY, var_dir=tmp_path).hmac_key() == LONG_KEY.encode()
    short_file = tmp_path / "secrets" / "pii_hmac.key"
    short_file.parent.mkdir(parents=True)
    short_file.write_text("")  # an empty key left by an old, interrupted write
    with pytest.raises(ValueError, match="0 bytes"):
        PlatformSettings(var_dir=tmp_path).hmac_key()


def _read_key(var_dir: str, out: mp.Queue) -> None:  # type: ignore[type-arg]
    import os

    os.environ.pop("ADSERVE_PII_HMAC_KEY", None)
    out.put(PlatformSettings(var_dir=Path(var_dir)).hmac_key())


def test_concurrent_first_use_creates_one_full_key(tmp_path: Path) -> None:
    ctx = mp.get_context("spawn")
    out: mp.Queue = ctx.Queue()  # type: ignore[type-arg]
    procs = [ctx.Process(target=_read_key, args=(str(tmp_path), out)) for _ in range(4)]
    for p in procs:
        p.start()
    keys = {out.get(timeout=60) for _ in procs}
    for p in procs:
        p.join()
    assert len(keys) == 1 and len(next(iter(keys))) == 64
    files = list((tmp_path / "secrets").iterdir())
    assert [f.name for f in files] == ["pii_hmac.key"]  # no temporary file left behind
    assert oct(files[0].stat().st_mode & 0o777) == "0o600"


def test_fingerprint_identifies_the_key_without_revealing_it(tmp_path: Path) -> None:
    a = PlatformSettings(pii_hmac_key=LONG_KEY, var_dir=tmp_path).hmac_key_fingerprint()
    b = PlatformSettings(pii_hmac_key="j" * 32, var_dir=tmp_path).hmac_key_fingerprint()
    assert a != b and len(a) == 16 and LONG_KEY not in a


def test_a_model_from_another_key_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    with bentoml.models.create("pii-key-check", metadata={PII_KEY_FINGERPRINT: "0123456789abcdef"}) as model:
        (Path(model.path) / "x").write_text("x")
    check_pii_key(model, "0123456789abcdef")
    with pytest.raises(KeyMismatchError, match=r"fingerprint 0123456789abcdef.*fedcba9876543210"):
        check_pii_key(model, "fedcba9876543210")
