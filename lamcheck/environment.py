"""What produced a report: versions, seed, device, commit."""

from __future__ import annotations

import platform
import subprocess
from importlib import metadata
from pathlib import Path

PACKAGES = ("lamcheck", "numpy", "scipy", "sympy", "cvxpy", "torch", "hypothesis", "matplotlib")


def git_commit() -> str:
    root = Path(__file__).resolve().parent.parent
    try:
        out = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, timeout=5)
        dirty = subprocess.run(["git", "status", "--porcelain"], cwd=root, capture_output=True, text=True, timeout=5)
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    if out.returncode != 0:
        return "unknown"
    return out.stdout.strip() + ("-dirty" if dirty.stdout.strip() else "")


def versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def environment(seed: int, device: str, scale: str) -> dict:
    import torch

    gpu = torch.cuda.get_device_name(0) if device.startswith("cuda") else None
    return {"versions": versions(), "seed": seed, "device": device, "gpu": gpu, "scale": scale,
            "commit": git_commit(), "platform": platform.platform()}
