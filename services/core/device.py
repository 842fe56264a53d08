"""Where models run, one rule for every service: ``auto`` and ``cuda`` mean CUDA when a device is
visible, ``cpu`` means the CPU; asking for ``cuda`` where there is none logs a warning and uses the
CPU (a service still starts). Half precision only on CUDA, where its kernels exist."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import torch

log = logging.getLogger(__name__)


def pick_device(preference: str, setting: str = "device") -> torch.device:
    """The torch device for ``auto``, ``cuda`` or ``cpu``; ``setting`` names the variable in the warning."""
    import torch

    if preference == "cpu":
        return torch.device("cpu")
    if torch.cuda.is_available():
        return torch.device("cuda")
    if preference == "cuda":
        log.warning("%s=cuda but no CUDA device is visible; using the CPU", setting)
    return torch.device("cpu")


def pick_dtype(device: torch.device, fp16: bool) -> torch.dtype:
    """float16 on CUDA when asked for, else float32 (CPU kernels for fp16 are slow or missing)."""
    import torch

    return torch.float16 if device.type == "cuda" and fp16 else torch.float32
