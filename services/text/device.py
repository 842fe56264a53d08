"""Where the text models run: the platform's rule (``services.core.device``), fp16 on CUDA."""

from __future__ import annotations

import torch

from services.core.device import pick_device as pick_torch_device
from services.core.device import pick_dtype

from .settings import get_text_settings


def pick_device() -> tuple[torch.device, torch.dtype]:
    device = pick_torch_device(get_text_settings().device, "ADSERVE_TEXT_DEVICE")
    return device, pick_dtype(device, fp16=True)
