"""The verdict rule of docs/contract.md (theory/verdicts.py), case by case."""

from __future__ import annotations

import pytest

from theory.checks import CheckResult
from theory.verdicts import claim_verdict, first_counterexample


def r(kind: str, status: str) -> CheckResult:
    return CheckResult(kind=kind, status=status, detail="", counterexample={"x": 1} if status == "refutes" else None)


@pytest.mark.parametrize("results,verdict", [
    ([], "not-run"),
    ([r("symbolic", "confirms"), r("trained", "confirms")], "verified"),
    ([r("numeric", "refutes"), r("trained", "confirms")], "refuted"),
    ([r("trained", "refutes")], "refuted"),  # experiments: training is the evidence
    ([r("numeric", "confirms"), r("trained", "refutes")], "inconclusive"),  # disagreement
    ([r("numeric", "confirms"), r("convex", "error")], "inconclusive"),
    ([r("numeric", "confirms"), r("trained", "undecided")], "inconclusive"),
    ([r("numeric", "confirms"), r("trained", "skipped")], "not-run"),
])
def test_claim_verdict(results, verdict):
    assert claim_verdict(results) == verdict


def test_refutation_must_carry_a_counterexample():
    with pytest.raises(ValueError, match="counterexample"):
        CheckResult(kind="numeric", status="refutes", detail="no witness")


def test_first_counterexample_prefers_exact_checks():
    t = CheckResult(kind="trained", status="refutes", detail="", counterexample={"seed": 3}, name="t")
    n = CheckResult(kind="numeric", status="refutes", detail="", counterexample={"d_o": 2}, name="n")
    assert first_counterexample([t, n]) == {"check": "n", "kind": "numeric", "d_o": 2}


def test_judge_facts_confirms_only_when_every_fact_holds():
    from theory.checks import judge_facts

    ok = judge_facts("symbolic", {"a": True, "b": True}, " (note)", noun="identities")
    assert ok.status == "confirms" and ok.detail == "2/2 identities hold (note)" and ok.measured["facts"] == {"a": True, "b": True}
    bad = judge_facts("symbolic", {"a": True, "b": False}, prefix="[reconstructed] ")
    assert bad.status == "refutes" and bad.counterexample == {"failed": ["b"]}
    assert bad.detail == "[reconstructed] 1/2 facts hold; failed: ['b']"


def test_first_counterexample_prefers_a_typed_witness_among_exact_refutations():
    """The claim-level witness is the one the audit re-validated when there is one."""
    sym = CheckResult(kind="symbolic", status="refutes", detail="", counterexample={"W": 2}, name="s")
    num = CheckResult(kind="numeric", status="refutes", detail="", counterexample={"d_o": 3}, name="n", process=object())
    assert first_counterexample([sym, num]) == {"check": "n", "kind": "numeric", "d_o": 3}
    assert first_counterexample([sym]) == {"check": "s", "kind": "symbolic", "W": 2}
