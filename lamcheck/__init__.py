"""lamcheck: formal-plus-numeric verification of latent action model theory.

``lamcheck.check(spec)`` answers what the theory says about a process spec (a path, a TOML string or a
mapping). The package attribute ``lamcheck.check`` is that FUNCTION; the module of the same name is
``sys.modules["lamcheck.check"]``.

The import is eager on purpose, and light: `lamcheck.check` and `lamcheck.spec` import only the standard
library at module level (about 45 ms; numpy and torch load on first use), so ``lamcheck --version`` and
``lamcheck claims`` stay fast. A lazy ``__getattr__`` would break the function attribute: the first
``import lamcheck.check`` (the CLI's) binds the package attribute ``check`` to the submodule, and a later
``lamcheck.check(spec)`` would call a module. Importing here, before any other import of the submodule,
rebinds it to the function once and for all (tests/test_check.py asserts it).
"""

from lamcheck.check import CheckReport, check
from lamcheck.spec import SpecError, load_spec

__all__ = ["CheckReport", "SpecError", "check", "load_spec"]
