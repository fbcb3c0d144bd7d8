"""From check results to a claim's verdict: THE verdict rule (README "Verdicts", proofs.md, docs/contract.md).

Every check answers a quantifier: its claim's own (the default) or another one it declares
(``register_check(..., answers=...)``). Checks that answer the claim's quantifier DECIDE the verdict;
the others EXPLAIN it (the report lists them under "explains"), and only a crash among them matters.
An experimental claim is about what the authors' protocol produces (quantifier
``selected-by:protocol``): its trained checks at the protocol decide, and exact checks at the set of
minimisers (``every-minimiser``) explain the result. The same rule covers theorems, where the exact
checks answer the claim's own quantifier.

Among the deciding checks:

- ``refuted``: a counterexample to the statement as written exists. An exact check (symbolic,
  numeric, convex, exhaustive) that refutes decides it; a trained check that refutes decides it only
  when no exact check confirms.
- ``inconclusive``: a check crashed (deciding or explaining) or could not decide, or trained evidence
  contradicts exact checks that confirm.
- ``not-run``: no deciding check ran (none registered, or a tier was skipped, e.g. trained at full
  scale without a GPU) and nothing refutes.
- ``verified``: every deciding check ran and confirms.
"""

from __future__ import annotations

from collections.abc import Sequence

from theory.checks import CheckResult

VERDICTS = ("verified", "refuted", "inconclusive", "not-run")
EXACT_KINDS = frozenset({"symbolic", "numeric", "convex", "exhaustive"})


def deciding(results: Sequence[CheckResult], quantifier: str | None = None) -> list[CheckResult]:
    """The results that answer ``quantifier`` (the claim's): those that declare no other."""
    return [r for r in results if r.answers is None or r.answers == quantifier]


def explaining(results: Sequence[CheckResult], quantifier: str | None = None) -> list[CheckResult]:
    """The results that answer another quantifier than the claim's: they explain, not decide."""
    return [r for r in results if r.answers is not None and r.answers != quantifier]


def claim_verdict(results: Sequence[CheckResult], quantifier: str | None = None) -> str:
    """The verdict implied by ``results`` for a claim with ``quantifier`` (module docstring)."""
    decide = deciding(results, quantifier)
    if any(r.status == "error" for r in results):
        return "inconclusive"
    if not decide:
        return "not-run"
    statuses = {r.status for r in decide}
    exact_refutes = any(r.status == "refutes" and r.kind in EXACT_KINDS for r in decide)
    exact_confirms = any(r.status == "confirms" and r.kind in EXACT_KINDS for r in decide)
    if exact_refutes:
        return "refuted"
    if "refutes" in statuses:  # only trained checks refute
        return "inconclusive" if exact_confirms else "refuted"
    if "undecided" in statuses:
        return "inconclusive"
    if "skipped" in statuses:
        return "not-run"
    return "verified"


def verdict_label(verdict: str, provenance: str) -> str:
    """The verdict column's text: a refuted claim whose statement is this project's reconstruction
    (provenance ``reconstructed`` or ``paper-abstract``) reads "refuted (reconstruction)", so no
    reader takes it for an error of the paper."""
    if verdict == "refuted" and provenance != "paper":
        return "refuted (reconstruction)"
    return verdict


def _first(results: Sequence[CheckResult], quantifier: str | None, status: str) -> CheckResult | None:
    """The first deciding check of ``status`` that carries a witness ordering: exact kinds first, and among
    them one whose witness is a typed process before a plain one; otherwise in check order."""
    hits = [r for r in deciding(results, quantifier) if r.status == status]
    hits.sort(key=lambda r: (r.kind not in EXACT_KINDS, r.process is None))
    return hits[0] if hits else None


def first_refutation(results: Sequence[CheckResult], quantifier: str | None = None) -> CheckResult | None:
    """The deciding refutation whose counterexample the claim reports (`_first`'s order); None if none refutes.
    The audit re-validates its typed process against the claim's assumptions."""
    return _first(results, quantifier, "refutes")


def first_counterexample(results: Sequence[CheckResult], quantifier: str | None = None) -> dict | None:
    """``{check, kind, <fields>}`` of `first_refutation`; None if none refutes."""
    r = first_refutation(results, quantifier)
    return None if r is None else {"check": r.name, "kind": r.kind, **dict(r.counterexample or {})}


def first_witness(results: Sequence[CheckResult], quantifier: str | None = None) -> CheckResult | None:
    """For a counter-claim ("without X, Y can fail"), the deciding confirmation whose example shows the
    failure the claim asserts (`_first`'s order, among confirming checks that carry an example); None if
    none does. A confirmed counter-claim is an existence statement: its evidence is this example."""
    return _first([r for r in results if r.counterexample], quantifier, "confirms")
