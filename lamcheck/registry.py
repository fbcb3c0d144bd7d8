"""Loading every check: import each module of the three check layers so their decorators register.

Discovery walks the packages, so adding a check is adding a decorated function in the right layer's
paper module; nothing here needs editing. Importing the numerics modules also registers the
assumption evaluators (`theory.assumptions`).
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import lru_cache

from theory.ledger import validate_registry

LAYERS = ("theory", "numerics", "gpu_checks")


class RegistryError(ImportError):
    """A module of the check layers cannot be imported: the audit cannot know which checks it holds."""


@lru_cache(maxsize=1)
def load_checks() -> tuple[str, ...]:
    """Import all modules below the layers (once); validate check ids against the ledger."""
    loaded = []
    for layer in LAYERS:
        pkg = importlib.import_module(layer)
        for info in pkgutil.walk_packages(pkg.__path__, prefix=f"{layer}."):
            try:
                importlib.import_module(info.name)
            except Exception as exc:  # noqa: BLE001 - named in one line, never a half-loaded registry
                raise RegistryError(f"cannot import {info.name} ({type(exc).__name__}: {exc})") from exc
            loaded.append(info.name)
    validate_registry()
    return tuple(loaded)
