"""What the numbers were measured on: CPU, cores, memory, load average, library versions, commit."""

from __future__ import annotations

import importlib.metadata
import os
import platform
import shutil
import subprocess
from pathlib import Path

from .registry import PROJECT_ROOT
from .schemas import MachineInfo

PACKAGES = (
    "bentoml",
    "torch",
    "numpy",
    "pydantic",
    "starlette",
    "uvicorn",
    "aiohttp",
    "faiss-cpu",
    "transformers",
    "diffusers",
    "lightfm-next",
)


def load_avg() -> tuple[float, float, float]:
    one, five, fifteen = os.getloadavg()
    return round(one, 2), round(five, 2), round(fifteen, 2)


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _memory_gib() -> float:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024**2, 1)
    except OSError:
        pass
    return 0.0


def _git(*args: str) -> str | None:
    try:
        out = subprocess.run(["git", *args], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=10, check=True)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip()


def _gpu() -> str | None:
    """First GPU listed by ``nvidia-smi -L`` (None on machines without one)."""
    if shutil.which("nvidia-smi") is None:
        return None
    try:
        out = subprocess.run(["nvidia-smi", "-L"], capture_output=True, text=True, timeout=10, check=True)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip().splitlines()[0] if out.stdout.strip() else None


def machine_info() -> MachineInfo:
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            continue
    status = _git("status", "--porcelain", "--untracked-files=no")
    return MachineInfo(
        cpu_model=_cpu_model(),
        logical_cpus=os.cpu_count() or 0,
        usable_cpus=len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 0),
        memory_gib=_memory_gib(),
        platform=platform.platform(),
        python=platform.python_version(),
        versions=versions,
        git_commit=_git("rev-parse", "HEAD"),
        git_dirty=None if status is None else bool(status),
        gpu=_gpu(),
    )
