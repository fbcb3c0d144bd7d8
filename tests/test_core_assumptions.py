"""theory.assumptions: the evaluator registry, dispatch by process type, witness validation.

Every test runs on an empty registry (monkeypatched), so the real evaluators are untouched and the
expected answers are the toy evaluators' own, written here.
"""

from __future__ import annotations

import numpy as np
import pytest

from theory import assumptions as asm
from theory.assumptions import (
    Evaluation,
    claim_assumptions,
    evaluate,
    evaluate_all,
    evaluator_names,
    has_evaluator,
    in_domain,
    register_evaluator,
    validate_witness,
)
from theory.claims import Assumption, Claim, Repair


class Proc:
    def __init__(self, value: float):
        self.value = value


class SubProc(Proc):
    pass


class Other:
    pass


POS = Assumption("toy-positive", "value > 0")
SMALL = Assumption("toy-small", "value < 10")
ELSEWHERE = Assumption("toy-other-kind", "only about Other")
HIDDEN = Assumption("toy-even", "value is even", hidden=True)


@pytest.fixture
def registry(monkeypatch):
    reg: dict = {}
    monkeypatch.setattr(asm, "_EVALUATORS", reg)

    @register_evaluator("toy-positive", Proc)
    def positive(p):
        return p.value > 0, f"value = {p.value:g}"

    @register_evaluator("toy-small", Proc)
    def small(p):
        return np.bool_(p.value < 10), f"value = {p.value:g} vs 10"

    @register_evaluator("toy-other-kind", Other)
    def other(p):
        return False, "never"

    @register_evaluator("toy-even", Proc)
    def even(p):
        return p.value % 2 == 0, "parity"

    return reg


def claim(*assumptions, repair=None) -> Claim:
    return Claim(id="ZP-TOY", paper="zhang2025", where="Sec. 0", provenance="paper", title="toy",
                 statement="a toy claim", assumptions=tuple(assumptions), repair=repair)


def test_register_needs_a_process_type(registry):
    with pytest.raises(ValueError, match="name at least one process type"):
        register_evaluator("toy-x")


def test_registering_twice_keeps_one_entry(registry):
    def f(p):
        return True, ""

    register_evaluator("toy-twice", Proc)(f)
    assert register_evaluator("toy-twice", Proc)(f) is f
    assert len(registry["toy-twice"]) == 1
    register_evaluator("toy-twice", Other)(lambda p: (False, ""))  # another function: a second entry
    assert len(registry["toy-twice"]) == 2


def test_has_evaluator_and_names(registry):
    assert has_evaluator("toy-positive") and not has_evaluator("toy-missing")
    assert has_evaluator("toy-positive", Proc) and has_evaluator("toy-positive", SubProc)
    assert not has_evaluator("toy-positive", Other) and not has_evaluator("toy-missing", Proc)
    assert evaluator_names() == ["toy-even", "toy-other-kind", "toy-positive", "toy-small"]


def test_evaluate_dispatches_by_type(registry):
    e = evaluate(POS, Proc(3.0))
    assert e == Evaluation("toy-positive", True, "value = 3") and e.holds is True
    assert evaluate("toy-positive", SubProc(-1.0)).holds is False  # a subclass is understood
    assert evaluate(POS, Proc(0.0)).to_json() == {"holds": False, "reason": "value = 0"}
    n = evaluate(POS, Other())
    assert n.holds is None and n.reason == "no evaluator of 'toy-positive' for a Other (the assumption does not concern it)"
    assert evaluate("toy-missing", Proc(1.0)).holds is None


def test_evaluate_takes_the_first_matching_type(registry):
    register_evaluator("toy-two", Other)(lambda p: (False, "other"))
    register_evaluator("toy-two", Proc)(lambda p: (True, "proc"))
    assert evaluate("toy-two", Proc(1.0)).reason == "proc" and evaluate("toy-two", Other()).reason == "other"


def test_numpy_booleans_are_read_as_bools(registry):
    t, f = evaluate(SMALL, Proc(3.0)), evaluate(SMALL, Proc(30.0))
    assert t.holds is True and f.holds is False  # np.bool_(False) is falsy, and stored as the bool False
    assert type(t.holds) is bool and type(f.holds) is bool


@pytest.mark.parametrize("bad", [1, 0, "yes", None, 1.0, [True]])
def test_an_evaluator_returning_a_non_bool_is_an_error(registry, bad):
    register_evaluator("toy-bad", Proc)(lambda p: (bad, "r"))
    with pytest.raises(TypeError, match="evaluator of 'toy-bad' returned"):
        evaluate("toy-bad", Proc(1.0))


def test_an_evaluator_returning_a_numpy_array_is_an_error(registry):
    register_evaluator("toy-arr", Proc)(lambda p: (np.array([True, False]), "r"))
    with pytest.raises((TypeError, ValueError)):
        evaluate("toy-arr", Proc(1.0))


def test_an_evaluator_that_raises_propagates(registry):
    def broken(p):
        raise ZeroDivisionError("bug")

    register_evaluator("toy-broken", Proc)(broken)
    with pytest.raises(ZeroDivisionError):
        evaluate("toy-broken", Proc(1.0))


def test_reasons_are_strings(registry):
    register_evaluator("toy-num-reason", Proc)(lambda p: (True, 42))
    assert evaluate("toy-num-reason", Proc(1.0)).reason == "42"


def test_claim_assumptions_with_and_without_repair(registry):
    c = claim(POS, SMALL, repair=Repair("fixed", assumptions=(HIDDEN, POS)))
    assert claim_assumptions(c) == (POS, SMALL)
    assert claim_assumptions(c, repair=True) == (POS, SMALL, HIDDEN)  # order kept, duplicates dropped
    assert claim_assumptions(claim(POS), repair=True) == (POS,)  # no repair: the claim's own
    assert claim_assumptions(claim(POS, POS)) == (POS,)


def test_evaluate_all_and_in_domain(registry):
    ev = evaluate_all((POS, SMALL, ELSEWHERE), Proc(3.0))
    assert list(ev) == ["toy-positive", "toy-small", "toy-other-kind"]
    assert [e.holds for e in ev.values()] == [True, True, None]
    assert in_domain((POS, SMALL, ELSEWHERE), Proc(3.0))  # the inapplicable one is ignored
    assert not in_domain((POS, SMALL), Proc(30.0)) and not in_domain((POS, SMALL), Proc(-3.0))
    assert not in_domain((ELSEWHERE,), Other())  # applicable and False
    assert in_domain((), Proc(-1.0))


def test_validate_witness_lists_the_violated_assumptions(registry):
    c = claim(POS, SMALL, ELSEWHERE, repair=Repair("fixed", assumptions=(HIDDEN,)))
    assert validate_witness(c, Proc(4.0)) == [] and validate_witness(c, Proc(4.0), repair=True) == []
    bad = validate_witness(c, Proc(-3.0))
    assert [e.name for e in bad] == ["toy-positive"] and bad[0].holds is False and bad[0].reason == "value = -3"
    assert [e.name for e in validate_witness(c, Proc(3.0), repair=True)] == ["toy-even"]
    assert validate_witness(c, Proc(3.0)) == []  # the repair's assumption is not the claim's
    assert [e.name for e in validate_witness(c, Proc(33.0), repair=True)] == ["toy-small", "toy-even"]
    assert [e.name for e in validate_witness(c, Other())] == ["toy-other-kind"]


@pytest.mark.parametrize("bad", [np.float64(0.5), np.float64(0.0), np.int64(1), np.array([True]), np.array(True)])
def test_an_evaluator_returning_a_numpy_non_boolean_is_an_error(registry, bad):
    """A numpy number or array is not a truth value: an evaluator returning its norm instead of the
    comparison (``return x, ...`` for ``return x <= tol, ...``) must not pass as ``holds``."""
    register_evaluator("toy-num", Proc)(lambda p: (bad, "r"))
    with pytest.raises(TypeError, match="evaluator of 'toy-num' returned"):
        evaluate("toy-num", Proc(1.0))


def test_evaluations_are_frozen_and_repair_is_keyword_only(registry):
    import dataclasses

    with pytest.raises(dataclasses.FrozenInstanceError):
        evaluate(POS, Proc(1.0)).holds = False
    c = claim(POS, repair=Repair("fixed", assumptions=(HIDDEN,)))
    with pytest.raises(TypeError):
        claim_assumptions(c, True)
    with pytest.raises(TypeError):
        validate_witness(c, Proc(3.0), True)
    assert claim_assumptions(claim=c, repair=True) == (POS, HIDDEN)
    assert [e.name for e in validate_witness(claim=c, process=Proc(3.0), repair=True)] == ["toy-even"]


def test_the_audit_revalidates_refutations_and_counter_claim_witnesses(registry):
    """`lamcheck.audit.revalidate`: a typed witness outside the claim's domain turns a refutation, and a
    counter-claim's confirming example, into an error naming the violated assumption; a theorem's
    confirmation is not a witness and is left alone."""
    from dataclasses import replace

    from lamcheck.audit import revalidate
    from theory.checks import CheckResult, CheckSpec

    spec = CheckSpec("ZP-TOY", "numeric", "m:f", "t", fn=lambda ctx: None)
    theorem = claim(POS)
    counter = replace(theorem, kind="counter-claim")
    inside, outside = Proc(2.0), Proc(-1.0)
    refute = CheckResult("numeric", "refutes", "r", counterexample={"x": 1}, process=outside)
    confirm = CheckResult("numeric", "confirms", "c", counterexample={"x": 1}, process=outside)
    out = revalidate(theorem, spec, refute)
    assert out.status == "error" and out.detail.startswith("counterexample outside the claim's domain (toy-positive")
    out = revalidate(counter, spec, confirm)
    assert out.status == "error" and out.detail.startswith("witness outside the claim's domain (toy-positive")
    assert revalidate(theorem, spec, confirm) is confirm
    assert revalidate(counter, spec, replace(confirm, process=inside)).status == "confirms"
