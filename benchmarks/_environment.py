"""The header every benchmark prints above its table: when, on what, with which engines.

    from _environment import describe
    print(describe())

Engine versions come from the installed packages' metadata, so asking imports no engine;
the device is read from the engines this process has already imported.
"""

from __future__ import annotations

import datetime
import os
import platform
import sys
from importlib import metadata


def _version(package: str) -> str | None:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def _devices() -> list[str]:
    devices = []
    torch = sys.modules.get("torch")
    if torch is not None:
        if torch.cuda.is_available():
            devices.append(f"torch on {torch.cuda.get_device_name()}")
        else:
            devices.append(f"torch on cpu ({torch.get_num_threads()} threads)")
    jax = sys.modules.get("jax")
    if jax is not None:
        device = jax.devices()[0]
        devices.append(f"jax on {device.platform} ({getattr(device, 'device_kind', '?')})")
    return devices


def cpu_count() -> int:
    """CPUs this process may run on (the affinity mask where there is one)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def describe() -> str:
    """One line: UTC date and time, Python, engine versions, devices in use, CPU count."""
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    parts = [now, f"python {platform.python_version()}"]
    for package in ("torch", "jax", "jaxlib", "optax"):
        version = _version(package)
        if version is not None:
            parts.append(f"{package} {version}")
    parts.extend(_devices())
    parts.append(f"{cpu_count()} CPUs ({platform.machine()})")
    return ", ".join(parts)


if __name__ == "__main__":
    print(describe())
