"""Where models run: CUDA with fp16 when present (or asked for), else CPU with fp32."""

from __future__ import annotations

import torch

from .settings import get_text_settings


def pick_device() -> tuple[torch.device, torch.dtype]:
    choice = get_text_settings().device
    if choice == "cuda" or (choice == "auto" and torch.cuda.is_available()):
        return torch.device("cuda"), torch.float16
    return torch.device("cpu"), torch.float32
