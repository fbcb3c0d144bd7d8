"""Check data as plain JSON, and typed witnesses (processes) to and from JSON.

`plain(x)` turns what checks return (numpy arrays and scalars, Ranges, sympy objects, tuples, sets)
into values `json.dumps(..., allow_nan=False)` accepts, never cutting anything: report.json holds
every counterexample complete. Non-finite floats become the strings ``"inf"``, ``"-inf"``, ``"nan"``
(JSON has no such numbers).

A typed witness (``CheckResult.process``) is stored as ``{"process_type": "<module>.<Class>",
"process": process.to_json()}``; `load_process` rebuilds it from the class path with the class's
``from_json``. Any process class of the project's layers works without registration (extensible:
Lachapelle's finite process is found the same way as `numerics.processes.LinearProcess`).
"""

from __future__ import annotations

import dataclasses
import importlib
import math
from fractions import Fraction
from pathlib import PurePath
from typing import Any

PROCESS_PACKAGES = ("theory", "numerics", "gpu_checks")


def plain(x: Any) -> Any:
    """A JSON-ready copy of ``x`` (see the module docstring)."""
    if x is None or isinstance(x, (bool, str)):
        return x
    if isinstance(x, int):
        return int(x)
    if isinstance(x, float):  # numpy.float64 too (a float subclass)
        return _float(float(x))
    if isinstance(x, dict):
        return {str(k): plain(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [plain(v) for v in x]
    if isinstance(x, (set, frozenset)):
        return sorted((plain(v) for v in x), key=repr)
    if isinstance(x, Fraction):
        return _float(float(x))
    if isinstance(x, complex):
        return {"re": _float(x.real), "im": _float(x.imag)}
    if isinstance(x, PurePath):
        return x.as_posix()
    module = type(x).__module__ or ""
    if module == "numpy" or module.startswith("numpy."):
        return _numpy(x)
    if hasattr(x, "to_json") and callable(x.to_json):
        return plain(x.to_json())
    if dataclasses.is_dataclass(x) and not isinstance(x, type):
        return {f.name: plain(getattr(x, f.name)) for f in dataclasses.fields(x)}
    if module.startswith("sympy"):
        return _sympy(x)
    if module.startswith("torch"):
        return plain(x.detach().cpu().numpy()) if hasattr(x, "detach") else str(x)
    return str(x)


def _float(v: float) -> float | str:
    if math.isfinite(v):
        return v
    return "nan" if math.isnan(v) else ("inf" if v > 0 else "-inf")


def _numpy(x: Any) -> Any:
    import numpy as np

    if isinstance(x, np.ndarray):
        return plain(x.tolist())
    if isinstance(x, np.bool_):
        return bool(x)
    if isinstance(x, np.integer):
        return int(x)
    if isinstance(x, np.floating):
        return _float(float(x))
    if isinstance(x, np.complexfloating):
        return plain(complex(x))
    return plain(x.tolist()) if hasattr(x, "tolist") else str(x)


def _sympy(x: Any) -> Any:
    """A sympy number as a number when it is one; any other expression as its string."""
    try:
        if getattr(x, "is_Integer", False):
            return int(x)
        if getattr(x, "is_Number", False) and getattr(x, "is_real", False):
            return _float(float(x))
        if getattr(x, "is_Boolean", False) and x in (True, False):
            return bool(x)
    except (TypeError, ValueError):
        pass
    if hasattr(x, "tolist"):  # sympy Matrix
        return plain(x.tolist())
    return str(x)


def process_type(process: Any) -> str:
    """The witness's class path, e.g. ``numerics.processes.LinearProcess``."""
    cls = type(process)
    return f"{cls.__module__}.{cls.__qualname__}"


def witness_json(process: Any) -> dict:
    """``{"process_type": ..., "process": ...}`` for a typed witness (its own ``to_json``)."""
    return {"process_type": process_type(process), "process": plain(process.to_json())}


class UnknownProcessType(LookupError):
    """A ``process_type`` that names no process class of the project."""


def process_class(type_name: str) -> type:
    """The class named by a ``process_type`` (only classes of the project's layers, with ``from_json``)."""
    module, _, qualname = type_name.rpartition(".")
    if not module or module.split(".")[0] not in PROCESS_PACKAGES:
        raise UnknownProcessType(f"{type_name!r} is not a process class of {', '.join(PROCESS_PACKAGES)}")
    try:
        obj: Any = importlib.import_module(module)
        for part in qualname.split("."):
            obj = getattr(obj, part)
    except (ImportError, AttributeError) as exc:
        raise UnknownProcessType(f"{type_name!r}: {exc}") from None
    if not isinstance(obj, type) or not callable(getattr(obj, "from_json", None)):
        raise UnknownProcessType(f"{type_name!r} has no from_json")
    return obj


def load_process(type_name: str, data: dict) -> Any:
    """Rebuild a typed witness from report.json: ``process_class(type_name).from_json(data)``."""
    return process_class(type_name).from_json(data)
