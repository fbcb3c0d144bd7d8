"""theory.checks: the judging helpers must be able to say no.

Every helper gets inputs it must reject: a refutation without a witness, an uncertified solve, numpy
arrays and undecided sympy relations where a truth value is needed, a crashing check, bad
registrations. Expected values are written out by hand (no call re-derives them through the code).
"""

from __future__ import annotations

import pickle

import numpy as np
import pytest
import sympy as sp

from theory import checks
from theory.checks import (
    CI,
    FULL,
    CheckContext,
    CheckResult,
    CheckSpec,
    MissingWitness,
    Range,
    Scale,
    as_scale,
    certified_judgement,
    check_quantifier,
    confirms,
    find_check,
    judge_facts,
    judged,
    refutes,
    register_check,
    registered_checks,
    skipped,
    undecided,
)


# --- Scale ----------------------------------------------------------------------------------------------

def test_scale_names_and_picks():
    assert not CI.full and FULL.full
    assert CI.pick(ci=3, full=7) == 3 and FULL.pick(ci=3, full=7) == 7
    assert (CI.examples, FULL.examples) == (150, 1500)
    assert str(CI) == "ci" and str(FULL) == "full"
    with pytest.raises(ValueError, match="'medium' is not one of"):
        Scale("medium")


def test_scale_compares_and_hashes_like_its_name():
    assert CI == "ci" and CI != "full" and FULL == "full" and CI == Scale("ci") and CI != FULL
    assert (CI == 0) is False and (CI != 0) is True  # NotImplemented falls back to identity
    assert hash(CI) == hash("ci") and hash(FULL) == hash("full")
    assert {CI: 1}["ci"] == 1
    assert pickle.loads(pickle.dumps(FULL)) == "full" and pickle.loads(pickle.dumps(FULL)).full
    assert as_scale("full") == FULL and as_scale(CI) is CI


# --- quantifiers, ranges, results -------------------------------------------------------------------

@pytest.mark.parametrize("q", [None, "every-minimiser", "some-minimiser", "selected-by:protocol", "selected-by:x"])
def test_quantifiers_accepted(q):
    assert check_quantifier(q) == q


@pytest.mark.parametrize("q", ["", "every", "selected-by:", "selected-by:two words", "Some-minimiser", "selected:x"])
def test_quantifiers_rejected(q):
    with pytest.raises(ValueError, match="quantifier"):
        check_quantifier(q)


def test_range_uniqueness_is_relative_to_1e9():
    # |hi - lo| <= 1e-9 * max(1, |lo|, |hi|)
    assert Range(1.0, 1.0 + 5e-10).unique and not Range(1.0, 1.0 + 5e-9).unique
    assert Range(1e6, 1e6 + 5e-4).unique and not Range(1e6, 1e6 + 5e-3).unique
    assert Range(-1e6, -1e6 - 5e-4).unique and not Range(-1e6, -1e6 + 5e-3).unique
    assert Range(0.0, 5e-10).unique and not Range(0.0, 2e-9).unique
    r = Range(0.25, 0.5, lo_attained=False, hi_attained=True, exact=False, method="enclosure")
    assert r.to_json() == {"min": 0.25, "max": 0.5, "min_attained": False, "max_attained": True, "exact": False,
                           "method": "enclosure"}
    d = Range(0.0, 1.0)
    assert (d.lo_attained, d.hi_attained, d.exact, d.method) == (True, True, True, "closed-form")


def test_check_result_validation():
    with pytest.raises(ValueError, match="kind 'magic'"):
        CheckResult(kind="magic", status="confirms", detail="")
    with pytest.raises(ValueError, match="status 'maybe'"):
        CheckResult(kind="numeric", status="maybe", detail="")
    for empty in (None, {}):
        with pytest.raises(ValueError, match="counterexample"):
            CheckResult(kind="numeric", status="refutes", detail="", counterexample=empty)
    with pytest.raises(ValueError, match="quantifier"):
        CheckResult(kind="numeric", status="confirms", detail="", answers="every")
    ok = CheckResult(kind="trained", status="undecided", detail="d", answers="selected-by:protocol")
    assert ok.answers == "selected-by:protocol" and ok.counterexample is None and ok.measured == {}


def test_result_constructors():
    assert confirms("numeric", "d", measured={"x": 1}).status == "confirms"
    r = refutes("convex", "d", {"n": 2})
    assert (r.status, r.counterexample) == ("refutes", {"n": 2})
    s = skipped("trained", "no gpu")
    assert (s.status, s.kind, s.detail) == ("skipped", "trained", "no gpu")
    u = undecided("convex", "why", measured={"gap": 1.0})
    assert (u.status, u.measured) == ("undecided", {"gap": 1.0})


# --- judged / certified_judgement --------------------------------------------------------------------

def test_judged_confirms_or_refutes_with_a_witness():
    c = judged("numeric", True, "fine", measured={"err": 0.0})
    assert (c.status, c.counterexample, c.measured) == ("confirms", None, {"err": 0.0})
    r = judged("numeric", False, "broke", counterexample={"d_o": 2}, measured={"err": 1.0})
    assert (r.status, r.counterexample, r.measured, r.detail) == ("refutes", {"d_o": 2}, {"err": 1.0}, "broke")


@pytest.mark.parametrize("witness", [None, {}])
def test_judged_without_a_witness_raises(witness):
    with pytest.raises(MissingWitness, match="refutation without a witness: broke"):
        judged("numeric", False, "broke", counterexample=witness)
    assert issubclass(MissingWitness, ValueError)


def test_judged_reads_numpy_and_sympy_truth_values():
    assert judged("numeric", np.bool_(True), "d").status == "confirms"
    assert judged("numeric", np.bool_(False), "d", counterexample={"x": 1}).status == "refutes"
    assert judged("symbolic", sp.true, "d").status == "confirms"
    assert judged("symbolic", sp.Eq(sp.Integer(1), sp.Integer(2)), "d", counterexample={"x": 1}).status == "refutes"
    with pytest.raises(TypeError, match="ambiguous"):
        judged("numeric", np.array([True, True]), "d")
    x = sp.Symbol("x")
    with pytest.raises(TypeError, match="undecided sympy"):
        judged("symbolic", x > 1, "d", counterexample={"x": 1})


def test_certified_judgement_is_undecided_unless_certified():
    u = certified_judgement("convex", False, False, "gap 1e-3", measured={"gap": 1e-3})  # no witness needed
    assert (u.status, u.detail, u.measured, u.counterexample) == ("undecided", "uncertified solve: gap 1e-3",
                                                                  {"gap": 1e-3}, None)
    assert certified_judgement("convex", np.bool_(False), True, "d").status == "undecided"
    assert certified_judgement("convex", True, True, "d").status == "confirms"
    r = certified_judgement("convex", True, False, "d", counterexample={"k": 1})
    assert (r.status, r.counterexample, r.detail) == ("refutes", {"k": 1}, "d")
    with pytest.raises(MissingWitness):
        certified_judgement("convex", True, False, "d")
    with pytest.raises(TypeError):
        certified_judgement("convex", np.array([1.0]), True, "d")


# --- _truthy ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("value,expected", [
    (True, True), (False, False), (np.bool_(True), True), (np.bool_(False), False),
    (sp.true, True), (sp.false, False), (sp.Eq(sp.Integer(2), sp.Integer(2)), True),
    (sp.Integer(3) < sp.Integer(2), False), (1, True), (0, False), (0.0, False), (2.5, True),
    (np.float64(0.0), False),  # np.float64 subclasses float
])
def test_truthy_accepts_definite_values(value, expected):
    assert checks._truthy(value) is expected


@pytest.mark.parametrize("value", [
    np.array(True), np.array([True]), np.array([1.0, 0.0]), np.zeros(0), None, "yes", [True], (), {"a": 1},
    sp.Symbol("x") > 0, sp.Eq(sp.Symbol("x"), 1), sp.Integer(1), sp.Symbol("y"),
    np.int64(0),  # numpy integers are not Python ints: refused rather than guessed
])
def test_truthy_refuses_ambiguous_values(value):
    with pytest.raises(TypeError):
        checks._truthy(value)


# --- judge_facts --------------------------------------------------------------------------------------

def test_judge_facts_all_hold():
    r = judge_facts("symbolic", {"a": True, "b": np.bool_(True), "c": sp.true}, " here", noun="identities",
                    key="ids", measured={"n": 3})
    assert r.status == "confirms" and r.detail == "3/3 identities hold here"
    assert r.measured == {"ids": {"a": True, "b": True, "c": True}, "n": 3}
    assert all(type(v) is bool for v in r.measured["ids"].values())


def test_judge_facts_names_the_failed_ones():
    r = judge_facts("symbolic", {"a": True, "b": np.bool_(False), "c": sp.false}, prefix="[rec] ",
                    counterexample={"d_o": 2})
    assert r.status == "refutes" and r.detail == "[rec] 1/3 facts hold; failed: ['b', 'c']"
    assert r.counterexample == {"d_o": 2, "failed": ["b", "c"]} and r.measured["facts"]["b"] is False


def test_judge_facts_rejects_empty_and_undecided_facts():
    with pytest.raises(ValueError, match="at least one fact"):
        judge_facts("symbolic", {})
    with pytest.raises(TypeError):
        judge_facts("symbolic", {"a": sp.Symbol("x") > 0})
    with pytest.raises(TypeError):
        judge_facts("numeric", {"a": np.array([True, False])})


# --- CheckContext -------------------------------------------------------------------------------------

def test_check_context():
    ctx = CheckContext(scale="full", seed=3)
    assert isinstance(ctx.scale, Scale) and ctx.full and ctx.scale == "full" and ctx.seed == 3
    assert not CheckContext().full and CheckContext().seed == 0 and CheckContext().device == "cpu"
    assert CheckContext().progress("x") is None
    assert CheckContext(seed=0).seed == 0
    for bad in (-1, True, 1.5, "0"):
        with pytest.raises(ValueError, match="seed"):
            CheckContext(seed=bad)
    with pytest.raises(ValueError):
        CheckContext(scale="huge")


# --- CheckSpec.run, register_check, find_check ----------------------------------------------------------

@pytest.fixture
def registry(monkeypatch):
    """An empty check registry for the duration of a test (the real one is untouched)."""
    reg: dict = {}
    monkeypatch.setattr(checks, "_REGISTRY", reg)
    return reg


def _spec(fn, kind="numeric", answers=None):
    return CheckSpec("ZP-T", kind, "mod.sub:fn", "title", fn, "claim", answers)


def test_spec_run_passes_results_through_and_stamps_them():
    res = _spec(lambda ctx: confirms("numeric", f"seed {ctx.seed}", measured={"v": 2})).run(CheckContext(seed=4))
    assert (res.status, res.detail, res.measured, res.name) == ("confirms", "seed 4", {"v": 2}, "mod.sub:fn")
    assert 0 <= res.seconds < 5 and res.answers is None
    assert _spec(lambda ctx: confirms("numeric", ""), answers="every-minimiser").run(CheckContext()).answers == "every-minimiser"
    own = _spec(lambda ctx: confirms("numeric", "", answers="some-minimiser"), answers="every-minimiser")
    assert own.run(CheckContext()).answers == "some-minimiser"  # the result's own answer wins
    assert _spec(None).module == "mod.sub"


def test_spec_run_captures_crashes_as_errors():
    def boom(ctx):
        raise ZeroDivisionError("nope")

    e = _spec(boom, answers="every-minimiser").run(CheckContext())
    assert (e.status, e.kind, e.detail, e.name) == ("error", "numeric", "ZeroDivisionError: nope", "mod.sub:fn")
    assert e.answers == "every-minimiser"  # a crashed explaining check still says what it explains
    t = _spec(lambda ctx: {"status": "confirms"}).run(CheckContext())
    assert (t.status, t.detail) == ("error", "TypeError: check returned dict, not CheckResult")
    k = _spec(lambda ctx: confirms("symbolic", "")).run(CheckContext())
    assert (k.status, k.detail) == ("error", "ValueError: check registered as numeric returned kind symbolic")
    w = _spec(lambda ctx: judged("numeric", False, "no witness")).run(CheckContext())
    assert w.status == "error" and w.detail.startswith("MissingWitness: refutation without a witness")


def test_register_check_validates_its_arguments(registry):
    with pytest.raises(ValueError, match="kind 'guess'"):
        register_check("ZP-T", "guess", "t")
    with pytest.raises(ValueError, match="target 'both'"):
        register_check("ZP-T", "numeric", "t", target="both")
    with pytest.raises(ValueError, match="quantifier"):
        register_check("ZP-T", "numeric", "t", answers="all")
    assert registry == {}


def test_register_check_registers_once_and_orders_by_kind(registry):
    def trained_check(ctx):
        return confirms("trained", "")

    def symbolic_check(ctx):
        return confirms("symbolic", "")

    def repair_check(ctx):
        return confirms("numeric", "")

    assert register_check("ZP-B", "trained", "t")(trained_check) is trained_check
    register_check("ZP-B", "trained", "t")(trained_check)  # twice: still one spec
    register_check("ZP-B", "symbolic", "s", answers="every-minimiser")(symbolic_check)
    register_check("ZP-A", "numeric", "r", target="repair")(repair_check)
    register_check("ZP-A", "numeric", "c")(repair_check)  # the same function for the claim: another spec
    specs = registered_checks()
    assert [(s.claim_id, s.target, s.kind) for s in specs] == [
        ("ZP-A", "claim", "numeric"), ("ZP-A", "repair", "numeric"), ("ZP-B", "claim", "symbolic"),
        ("ZP-B", "claim", "trained")]
    assert [s.kind for s in registered_checks("ZP-B")] == ["symbolic", "trained"]
    assert registered_checks("ZP-C") == []
    name = f"{__name__}:test_register_check_registers_once_and_orders_by_kind.<locals>.symbolic_check"
    s = find_check(name)
    assert (s.claim_id, s.kind, s.title, s.answers, s.fn) == ("ZP-B", "symbolic", "s", "every-minimiser", symbolic_check)
    rname = name.replace("symbolic_check", "repair_check")
    assert find_check(rname, "repair").title == "r" and find_check(rname).title == "c"
    with pytest.raises(KeyError, match="no registered check"):
        find_check(name, "repair")
    with pytest.raises(KeyError):
        find_check("nowhere:fn")


# --- the API's shape: witnesses and options are passed by name; results are immutable ------------------

def test_witnesses_and_options_are_keyword_only():
    with pytest.raises(TypeError):
        judged("numeric", False, "d", {"x": 1})  # a witness must be named: counterexample=...
    with pytest.raises(TypeError):
        certified_judgement("convex", True, False, "d", {"x": 1})
    with pytest.raises(TypeError):
        judge_facts("symbolic", {"a": True}, "", "identities")
    with pytest.raises(TypeError):
        register_check("ZP-T", "numeric", "t", "repair")
    # ... while the leading arguments may be named
    assert judged(kind="numeric", ok=True, detail="d").status == "confirms"
    assert certified_judgement(kind="convex", certified=False, ok=True, detail="d").status == "undecided"
    assert judge_facts(kind="symbolic", facts={"a": True}, note="").status == "confirms"


def test_register_check_accepts_named_leading_arguments(registry):
    def f(ctx):
        return confirms("numeric", "")

    register_check(claim_id="ZP-N", kind="numeric", title="t")(f)
    assert [s.claim_id for s in registered_checks()] == ["ZP-N"]


def test_records_are_frozen():
    import dataclasses

    from theory.checks import FigureSpec, Marker, Series

    series = Series("s", (0.0,), (1.0,))
    fig = FigureSpec("zp_x", "t", "x", "y", (series,))
    spec = _spec(lambda ctx: confirms("numeric", ""))
    for obj, attr in [(CI, "name"), (series, "label"), (Marker("m", 1.0), "value"), (fig, "name"),
                      (Range(0.0, 1.0), "lo"), (confirms("numeric", ""), "status"), (CheckContext(), "seed"),
                      (spec, "kind")]:
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(obj, attr, None)


def test_record_defaults():
    from theory.checks import FigureSpec, Marker, Series

    fig = FigureSpec("zp_x", "t", "x", "y", ())
    assert (fig.logy, fig.logx, fig.caption, fig.markers, fig.categories) == (False, False, "", (), ())
    assert (Marker("m", 1.0).axis, Marker("m", 1.0).style) == ("x", "--")
    s = Series("s", (0.0,), (1.0,))
    assert (s.yerr, s.style, s.lo, s.hi) == (None, "-", None, None)
    ctx = CheckContext()
    assert (ctx.cuda_available, ctx.cpu_full_ok, ctx.scale) == (False, False, "ci")
    res = confirms("numeric", "")
    assert (res.seconds, res.name, res.figures, res.ranges, res.process, res.answers) == (0.0, "", (), {}, None, None)


def test_range_uniqueness_boundary_is_inclusive():
    assert Range(0.0, 1e-9).unique  # |hi - lo| == 1e-9 * max(1, ...) exactly
