"""theory.verdicts: every branch of THE verdict rule, with deciding and explaining checks.

The rule (theory/verdicts.py docstring), read top to bottom:
  1. any crash (deciding or explaining)                              -> inconclusive
  2. no deciding check                                               -> not-run
  3. an exact deciding check refutes                                 -> refuted
  4. only trained deciding checks refute: an exact one confirms      -> inconclusive, else refuted
  5. a deciding check is undecided                                   -> inconclusive
  6. a deciding check was skipped                                    -> not-run
  7. otherwise (every deciding check confirms)                       -> verified
Each case below is an input on which the branches give different answers when reordered.
"""

from __future__ import annotations

import pytest

from theory.checks import CheckResult
from theory.verdicts import EXACT_KINDS, VERDICTS, claim_verdict, deciding, explaining, first_counterexample, verdict_label

Q = "selected-by:protocol"  # an experimental claim's quantifier
E = "every-minimiser"  # what its exact checks answer: they explain


def r(kind: str, status: str, answers: str | None = None, name: str = "", **cx) -> CheckResult:
    witness = (cx or {"x": 1}) if status == "refutes" else None
    return CheckResult(kind=kind, status=status, detail="", counterexample=witness, answers=answers, name=name)


def test_the_vocabulary():
    assert VERDICTS == ("verified", "refuted", "inconclusive", "not-run")
    assert EXACT_KINDS == {"symbolic", "numeric", "convex", "exhaustive"}


@pytest.mark.parametrize("results,quantifier,verdict", [
    # 1. crashes first: beside a skipped check, beside a refutation, and among explaining checks
    ([r("trained", "skipped"), r("numeric", "error")], None, "inconclusive"),
    ([r("numeric", "refutes"), r("convex", "error")], None, "inconclusive"),
    ([r("trained", "confirms"), r("numeric", "error", E)], Q, "inconclusive"),  # an explaining check that crashes
    ([r("numeric", "error", E)], Q, "inconclusive"),  # ... even when nothing decides
    # 2. nothing decides
    ([], None, "not-run"),
    ([r("numeric", "confirms", E), r("numeric", "refutes", E)], Q, "not-run"),  # explaining refutations do not decide
    # 3. exact refutation decides over everything below it
    ([r("numeric", "refutes"), r("trained", "confirms")], None, "refuted"),
    ([r("symbolic", "refutes"), r("trained", "undecided")], None, "refuted"),
    ([r("exhaustive", "refutes"), r("trained", "skipped")], None, "refuted"),
    ([r("convex", "refutes"), r("numeric", "confirms")], None, "refuted"),
    ([r("convex", "refutes", Q), r("trained", "refutes", Q)], Q, "refuted"),
    # 4. only trained checks refute
    ([r("trained", "refutes")], None, "refuted"),
    ([r("trained", "refutes"), r("numeric", "confirms")], None, "inconclusive"),  # disagreement
    ([r("trained", "refutes"), r("numeric", "undecided")], None, "refuted"),  # no exact check confirms
    ([r("trained", "refutes"), r("trained", "skipped")], None, "refuted"),
    ([r("trained", "refutes"), r("trained", "confirms")], None, "refuted"),
    ([r("trained", "refutes", Q), r("numeric", "confirms", E)], Q, "refuted"),  # the exact one only explains
    # 5. undecided before skipped
    ([r("numeric", "confirms"), r("trained", "undecided")], None, "inconclusive"),
    ([r("trained", "undecided"), r("trained", "skipped")], None, "inconclusive"),
    ([r("convex", "undecided")], None, "inconclusive"),
    # 6. skipped
    ([r("numeric", "confirms"), r("trained", "skipped")], None, "not-run"),
    ([r("trained", "skipped")], Q, "not-run"),
    ([r("trained", "skipped", Q), r("numeric", "refutes", E)], Q, "not-run"),
    # 7. verified
    ([r("symbolic", "confirms"), r("trained", "confirms")], None, "verified"),
    ([r("trained", "confirms", Q), r("numeric", "refutes", E), r("convex", "undecided", E)], Q, "verified"),
    ([r("trained", "confirms")], None, "verified"),
    ([r("numeric", "confirms", E)], E, "verified"),  # a check declaring the claim's own quantifier decides
])
def test_claim_verdict(results, quantifier, verdict):
    assert claim_verdict(results, quantifier) == verdict


def test_deciding_and_explaining_partition_the_results():
    a, b, c, d = r("numeric", "confirms"), r("numeric", "confirms", E), r("trained", "confirms", Q), r("trained", "confirms")
    assert deciding([a, b, c, d], Q) == [a, c, d] and explaining([a, b, c, d], Q) == [b]
    assert deciding([a, b, c, d], None) == [a, d] and explaining([a, b, c, d], None) == [b, c]
    assert deciding([a, b, c, d], E) == [a, b, d] and explaining([a, b, c, d], E) == [c]


@pytest.mark.parametrize("verdict,provenance,label", [
    ("refuted", "paper", "refuted"),
    ("refuted", "reconstructed", "refuted (reconstruction)"),
    ("refuted", "paper-abstract", "refuted (reconstruction)"),
    ("verified", "reconstructed", "verified"),
    ("inconclusive", "paper-abstract", "inconclusive"),
    ("not-run", "paper", "not-run"),
])
def test_verdict_label(verdict, provenance, label):
    assert verdict_label(verdict, provenance) == label


def test_first_counterexample():
    t1 = r("trained", "refutes", name="t1", seed=3)
    t2 = r("trained", "refutes", name="t2", seed=4)
    n1 = r("numeric", "refutes", name="n1", d_o=2)
    n2 = r("convex", "refutes", name="n2", d_o=3)
    ex = r("symbolic", "refutes", E, name="ex", d_o=9)
    ok = r("numeric", "confirms", name="ok")
    assert first_counterexample([]) is None and first_counterexample([ok]) is None
    assert first_counterexample([ex, ok], Q) is None  # an explaining refutation is not the verdict's witness
    assert first_counterexample([t1, n1, n2]) == {"check": "n1", "kind": "numeric", "d_o": 2}
    assert first_counterexample([t1, t2, n2, n1]) == {"check": "n2", "kind": "convex", "d_o": 3}  # exact first, stable
    assert first_counterexample([t2, t1, ok]) == {"check": "t2", "kind": "trained", "seed": 4}
    assert first_counterexample([ex, t1], Q) == {"check": "t1", "kind": "trained", "seed": 3}
    assert first_counterexample([ex, t1], E) == {"check": "ex", "kind": "symbolic", "d_o": 9}
