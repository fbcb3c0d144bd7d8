"""Loading every check: import each module of the three check layers so their decorators register.

Discovery walks the packages, so adding a check is adding a decorated function in the right layer's
paper module; nothing here needs editing.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import lru_cache

from theory.ledger import validate_registry

LAYERS = ("theory", "numerics", "gpu_checks")


@lru_cache(maxsize=1)
def load_checks() -> tuple[str, ...]:
    """Import all modules below the layers (once); validate check ids against the ledger."""
    loaded = []
    for layer in LAYERS:
        pkg = importlib.import_module(layer)
        for info in pkgutil.walk_packages(pkg.__path__, prefix=f"{layer}."):
            importlib.import_module(info.name)
            loaded.append(info.name)
    validate_registry()
    return tuple(loaded)
