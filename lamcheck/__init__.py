"""lamcheck: formal-plus-numeric verification of latent action model theory.

``lamcheck.check(spec)`` answers what the theory says about a process spec (a path, a TOML string or a mapping);
see `lamcheck.check` (the module, importable as ``sys.modules["lamcheck.check"]``: the package attribute
``lamcheck.check`` is the function).
"""

from lamcheck.check import CheckReport, check
from lamcheck.spec import SpecError, load_spec

__all__ = ["CheckReport", "SpecError", "check", "load_spec"]
