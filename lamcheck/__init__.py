"""lamcheck: formal-plus-numeric verification of latent action model theory.

``lamcheck.check(spec)`` answers what the theory says about a process spec (a path, a TOML string or a
mapping); see `lamcheck.check` (the module, importable as ``sys.modules["lamcheck.check"]``: the package
attribute ``lamcheck.check`` is the function). The names are imported on first use, so ``lamcheck
--version`` and ``lamcheck claims`` do not load the numerical stack.
"""

from __future__ import annotations

__all__ = ["CheckReport", "SpecError", "check", "load_spec"]


def __getattr__(name: str):
    if name in ("CheckReport", "check"):
        import importlib

        mod = importlib.import_module("lamcheck.check")
        value = getattr(mod, name)
    elif name in ("SpecError", "load_spec"):
        from lamcheck import spec

        value = getattr(spec, name)
    else:
        raise AttributeError(f"module 'lamcheck' has no attribute {name!r}")
    globals()[name] = value
    return value
