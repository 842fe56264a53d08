"""One device rule for every service (services.core.device)."""

from __future__ import annotations

import logging

import pytest
import torch

from services.core.device import pick_device, pick_dtype


def test_cpu_is_cpu_and_fp16_only_on_cuda() -> None:
    assert pick_device("cpu") == torch.device("cpu")
    assert pick_dtype(torch.device("cpu"), fp16=True) == torch.float32
    assert pick_dtype(torch.device("cuda"), fp16=True) == torch.float16
    assert pick_dtype(torch.device("cuda"), fp16=False) == torch.float32


@pytest.mark.skipif(torch.cuda.is_available(), reason="checks the fallback of a machine without CUDA")
def test_cuda_without_a_device_falls_back_with_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        assert pick_device("cuda", "ADSERVE_X_DEVICE").type == "cpu"
    assert "ADSERVE_X_DEVICE=cuda" in caplog.text
    assert pick_device("auto").type == "cpu"


def test_every_service_uses_the_rule() -> None:
    from services.creative.diffusion import pick_device as creative_device
    from services.creative.settings import CreativeSettings
    from services.text.device import pick_device as text_device

    assert creative_device(CreativeSettings(device="cpu")) == "cpu"
    device, dtype = text_device()
    assert device.type == ("cuda" if torch.cuda.is_available() else "cpu")
    assert dtype == (torch.float16 if device.type == "cuda" else torch.float32)
