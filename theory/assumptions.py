"""Assumptions as code: one evaluator per ledger assumption, registered by the numerics layer.

An evaluator is ``holds(process) -> (bool, reason)`` on a typed process description (the linear
processes of Zhang et al. and Lee et al., `numerics.processes.LinearProcess`; the finite LAPO
process of Lachapelle, `numerics.lachapelle2025.process.FiniteProcess`). It is registered under the
assumption's ledger name, for the process types it understands:

    @register_evaluator("uncorrelated-change", LinearProcess)
    def _(p): ...
        return ok, "E[o (q+eps)^T] = 0" if ok else f"||E[o r^T]|| = {x:.3g} > 0"

The same evaluators define a claim's domain everywhere (docs/contract.md, "Assumptions"):
  * strategies draw a claim's instances through them (`numerics.domains`);
  * the audit re-validates every counterexample against its claim's assumptions (`validate_witness`):
    a witness outside the domain is an error, not a refutation;
  * `lamcheck check` reports them for a user's own process.

This module lives in `theory` and imports nothing from the layers above; the evaluators register
themselves when their numerics modules are imported (`lamcheck.registry.load_checks`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from theory.claims import Assumption, Claim

Evaluator = Callable[[Any], "tuple[bool, str]"]


@dataclass(frozen=True)
class Evaluation:
    """``holds``: True/False, or None when no evaluator understands this process type (the assumption
    does not concern it). ``reason`` says why, with the number that decided it."""

    name: str
    holds: bool | None
    reason: str

    def to_json(self) -> dict:
        return {"holds": self.holds, "reason": self.reason}


_EVALUATORS: dict[str, list[tuple[tuple[type, ...], Evaluator]]] = {}


def register_evaluator(name: str, *process_types: type) -> Callable[[Evaluator], Evaluator]:
    """Decorator: ``fn(process) -> (bool, reason)`` evaluates assumption ``name`` on ``process_types``."""
    if not process_types:
        raise ValueError(f"evaluator for {name!r}: name at least one process type")

    def wrap(fn: Evaluator) -> Evaluator:
        entries = _EVALUATORS.setdefault(name, [])
        if not any(f is fn for _, f in entries):
            entries.append((tuple(process_types), fn))
        return fn

    return wrap


def has_evaluator(name: str, process_type: type | None = None) -> bool:
    entries = _EVALUATORS.get(name, [])
    return bool(entries) if process_type is None else any(issubclass(process_type, ts) for ts, _ in entries)


def evaluator_names() -> list[str]:
    return sorted(_EVALUATORS)


def evaluate(assumption: Assumption | str, process: Any) -> Evaluation:
    """Evaluate one assumption on ``process``. An evaluator that raises is a bug: it propagates."""
    name = assumption if isinstance(assumption, str) else assumption.name
    for types, fn in _EVALUATORS.get(name, []):
        if isinstance(process, types):
            ok, reason = fn(process)
            if not isinstance(ok, bool):
                ok = bool(ok) if _numpy_bool(ok) else _not_bool(name, ok)
            return Evaluation(name, ok, str(reason))
    kind = type(process).__name__
    return Evaluation(name, None, f"no evaluator of {name!r} for a {kind} (the assumption does not concern it)")


def _numpy_bool(value: Any) -> bool:
    """A numpy boolean scalar (``np.bool_``), not any numpy object: a numpy float, integer or array
    returned where a truth value belongs is an evaluator bug (e.g. the norm instead of ``norm <= tol``)."""
    return type(value).__module__ == "numpy" and type(value).__name__ in ("bool", "bool_")


def _not_bool(name: str, value: Any) -> bool:
    raise TypeError(f"evaluator of {name!r} returned {type(value).__name__}, not bool")


def claim_assumptions(claim: Claim, *, repair: bool = False) -> tuple[Assumption, ...]:
    """A claim's assumptions; for its repair, those plus the ones the repair adds."""
    extra = claim.repair.assumptions if (repair and claim.repair is not None) else ()
    seen, out = set(), []
    for a in (*claim.assumptions, *extra):
        if a.name not in seen:
            seen.add(a.name)
            out.append(a)
    return tuple(out)


def evaluate_all(assumptions: Iterable[Assumption], process: Any) -> dict[str, Evaluation]:
    return {a.name: evaluate(a, process) for a in assumptions}


def in_domain(assumptions: Iterable[Assumption], process: Any) -> bool:
    """True iff no evaluable assumption fails on ``process`` (inapplicable ones are ignored). Stops at the
    first failure: the strategies' domain filter asks this of every draw."""
    return all(evaluate(a, process).holds is not False for a in assumptions)


def validate_witness(claim: Claim, process: Any, *, repair: bool = False) -> list[Evaluation]:
    """The assumptions of ``claim`` (or of its repair) that the witness ``process`` violates (empty:
    the counterexample lies inside the claim's domain)."""
    return [e for e in evaluate_all(claim_assumptions(claim, repair=repair), process).values() if e.holds is False]
