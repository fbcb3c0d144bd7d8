"""From check results to a claim's verdict (DESIGN.md, "Verdicts").

- ``refuted``: a counterexample to the statement as written exists. An exact check (symbolic,
  numeric, convex, exhaustive) that refutes decides it; a trained check that refutes decides it only
  when no exact check confirms (for experimental claims, training *is* the evidence).
- ``inconclusive``: a check crashed or could not decide, or trained evidence contradicts exact
  checks that confirm.
- ``not-run``: the claim has no checks yet, or a tier was skipped (e.g. trained at full scale
  without a GPU) and nothing refutes.
- ``verified``: every check ran and confirms.
"""

from __future__ import annotations

from collections.abc import Sequence

from theory.checks import CheckResult

VERDICTS = ("verified", "refuted", "inconclusive", "not-run")
EXACT_KINDS = frozenset({"symbolic", "numeric", "convex", "exhaustive"})


def claim_verdict(results: Sequence[CheckResult]) -> str:
    """The verdict implied by ``results`` (see the module docstring for the rule)."""
    if not results:
        return "not-run"
    statuses = {r.status for r in results}
    exact_refutes = any(r.status == "refutes" and r.kind in EXACT_KINDS for r in results)
    exact_confirms = any(r.status == "confirms" and r.kind in EXACT_KINDS for r in results)
    if exact_refutes:
        return "refuted"
    if "refutes" in statuses:  # only trained checks refute
        return "inconclusive" if exact_confirms else "refuted"
    if statuses & {"error", "undecided"}:
        return "inconclusive"
    if "skipped" in statuses:
        return "not-run"
    return "verified"


def first_counterexample(results: Sequence[CheckResult]) -> dict | None:
    """The counterexample of the first refuting check, exact kinds first; None if none refutes."""
    refuting = [r for r in results if r.status == "refutes"]
    refuting.sort(key=lambda r: r.kind not in EXACT_KINDS)
    if not refuting:
        return None
    return {"check": refuting[0].name, "kind": refuting[0].kind, **dict(refuting[0].counterexample or {})}
