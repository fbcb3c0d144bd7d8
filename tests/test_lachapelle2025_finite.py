"""Lachapelle 2025 (ALL STATEMENTS THIS PROJECT'S RECONSTRUCTION): the finite test bed.

Counts are asserted against hand-derived formulas written down here and against a brute-force enumeration of every
labelling of the observed transitions (no components, no union-find, no chromatic polynomial); D1-D3 against the
brute-force set of minimisers; the z3 encoding against the enumeration.
"""

from __future__ import annotations

import itertools
import math
import tomllib
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from numerics.lachapelle2025 import finite, properties, witnesses
from numerics.lachapelle2025.process import FiniteProcess
from numerics.lachapelle2025.strategies import finite_processes
from numerics.processes import ProcessError
from theory.assumptions import evaluate

SMALL = finite_processes(max_states=3, max_actions=3, max_codes=3)


# --- the typed description ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("spec,field", [
    ({"states": 2, "actions": 2, "codes": 2, "edges": [[0, 2]]}, "edges"),
    ({"states": 2, "actions": 2, "codes": 2, "edges": [[1, 1]]}, "edges"),
    ({"states": 2, "actions": 2, "codes": 2, "merge": [[0, 0, 3]]}, "merge"),
    ({"states": 2, "actions": 2, "codes": 2, "merge": [[0, 1, 1]]}, "merge"),
    ({"states": 2, "actions": 2, "codes": 2, "available": [[0], [1]], "merge": [[0, 0, 1]]}, "merge"),
    ({"states": 2, "actions": 2, "codes": 2, "available": [[0], []]}, "available"),
    ({"states": 2, "actions": 2, "codes": 2, "available": [[0]]}, "available"),
    ({"states": 2, "actions": 2, "codes": 2, "available": "some"}, "available"),
    ({"states": 0, "actions": 2, "codes": 2}, "states"),
    ({"states": 2, "actions": 2, "codes": True}, "codes"),
    ({"states": 2, "actions": 2, "codes": 2, "lam": -1}, "lam"),
    ({"states": 2, "actions": 2, "codes": 2, "regulariser": "kl"}, "regulariser"),
    ({"states": 2, "actions": 2, "codes": 2, "colour": 1}, "colour"),
    ({"kind": "linear", "states": 2, "actions": 2, "codes": 2}, "kind"),
    ({"actions": 2, "codes": 2}, "states"),
])
def test_a_bad_field_raises_process_error_naming_it(spec, field):
    with pytest.raises(ProcessError) as exc:
        FiniteProcess.from_spec(spec)
    assert exc.value.field == field


def test_the_toml_contract_parses_and_round_trips():
    text = """
kind = "finite"
states = 3
actions = 2
codes = 3
edges = [[0, 1], [1, 2]]
available = "all"
merge = []
"""
    p = FiniteProcess.from_spec(tomllib.loads(text))
    assert p == witnesses.BASE
    assert FiniteProcess.from_spec(p.to_json()) == p
    q = FiniteProcess.from_spec({"states": 2, "actions": 2, "codes": 2, "edges": [[1, 0], [0, 1]],
                                 "available": [[1, 0], [0]], "merge": [[0, 1, 0]]})
    assert q.edges == ((0, 1),) and q.available == ((0, 1), (0,)) and q.merge == ((0, 0, 1),)
    assert q.classes == (((0, 1),), ((0,),))


# --- counts: hand-derived formulas ---------------------------------------------------------------------------------
def test_counts_match_hand_derived_formulas():
    # no continuity, 3 states x 2 actions, k = 3: each state labels its 2 transitions injectively, (3)_2 = 6 ways,
    # independently: 6^3 = 216; state-independent: v injective on the 2 actions, (3)_2 = 6.
    r = finite.identifiability(witnesses.BASE.replace(continuity=False))
    assert (r.zero_loss_labelings, r.state_independent_labelings) == (216, 6)
    # continuity on a connected path with full availability: one code per action, (3)_2 = 6.
    r = finite.identifiability(witnesses.BASE)
    assert (r.zero_loss_labelings, r.zero_loss_labelings_unconstrained, r.state_independent_labelings) == (6, 216, 6)
    # two components [0,1], [2,3], k = m = 2: (2)_2 = 2 per component, 2^2 = 4; state-independent: 2.
    r = finite.identifiability(witnesses.U2_DISCONNECTED)
    assert (r.zero_loss_labelings, r.state_independent_labelings) == (4, 2)
    # S_1 = {0, 2} disconnected on a path, k = 3: action 0 one code (3 ways), action 1 at state 0 and at state 2
    # each any of the other 2: 3 * 2 * 2 = 12; state-independent: 3 * 2 = 6.
    r = finite.identifiability(witnesses.U2_ACTION_DISCONNECTED)
    assert (r.zero_loss_labelings, r.state_independent_labelings) == (12, 6)
    # ... and with k = 2 the codes are forced: 2 * 1 * 1 = 2 = state-independent (the converse of LA-T2 fails)
    r = finite.identifiability(witnesses.T2_CONVERSE)
    assert (r.zero_loss_labelings, r.state_independent_labelings, r.D2) == (2, 2, True)


def test_chromatic_polynomial_on_hand_graphs():
    for k in range(0, 6):
        assert finite.chromatic_polynomial_value(3, [(0, 1), (1, 2), (0, 2)], k) == k * (k - 1) * (k - 2)
        assert finite.chromatic_polynomial_value(3, [(0, 1), (1, 2)], k) == k * (k - 1) ** 2
        assert finite.chromatic_polynomial_value(4, [], k) == k**4
        assert finite.chromatic_polynomial_value(4, [(0, 1), (1, 2), (2, 3), (0, 3)], k) == (k - 1) ** 4 + (k - 1)


def _brute_labellings(p: FiniteProcess):
    """Every labelling of the observed transitions that respects the ties of the model class (no union-find: the
    edge equalities are checked directly)."""
    idx = p.transition_index
    ties = [(idx[(s, a)], idx[(u, a)]) for s, u in p.edges for a in set(p.available[s]) & set(p.available[u])] \
        if p.continuity else []
    for labels in itertools.product(range(p.codes), repeat=len(p.transitions)):
        if all(labels[i] == labels[j] for i, j in ties):
            yield labels


def _zero_loss(p: FiniteProcess, labels) -> bool:
    return all(len({labels[t] for t, (u, _) in enumerate(p.transitions) if u == s}) == len(p.classes[s])
               for s in range(p.states))


def _d2(p, labels) -> bool:
    return all(len({labels[t] for t, (_, c) in enumerate(p.transitions) if a in c}) <= 1 for a in range(p.actions))


def _d3(p, labels) -> bool:
    acts: dict[int, set] = {}
    for t, (_, c) in enumerate(p.transitions):
        acts.setdefault(labels[t], set()).update(c)
    return all(len(v) <= 1 for v in acts.values())


@settings(max_examples=60)
@given(SMALL.filter(lambda p: p.codes ** len(p.transitions) <= 3000))
def test_counts_and_desiderata_match_brute_force(p):
    r = finite.identifiability(p)
    labs = list(_brute_labellings(p))
    zero = [lab for lab in labs if _zero_loss(p, lab)]
    assert r.zero_loss_labelings == len(zero) == r.count_formula
    assert finite.realisable(p) == bool(zero)
    assert r.state_independent_labelings == sum(_d2(p, lab) for lab in zero) == r.state_independent_formula
    assert r.zero_loss_labelings_unconstrained == math.prod(finite.falling_factorial(p.codes, len(c)) for c in p.classes)
    if p.regulariser == "idm-entropy":
        losses = {lab: finite.loss_of_labelling(p, lab) for lab in labs}
        best = min(losses.values())
        mins = [lab for lab, v in losses.items() if v == best]
        assert r.minimisers == len(mins) and r.loss_range == (best, best)
        assert r.realisable == (best == 0)
        assert r.D2 == all(_d2(p, lab) for lab in mins)
        assert r.D3 == all(_d3(p, lab) for lab in mins)
        assert finite.exists_d3_minimiser(p) == any(_d3(p, lab) for lab in mins)


@settings(max_examples=40)
@given(SMALL.filter(lambda p: p.lam == 0 and p.codes ** len(p.tie_classes) <= 400 and p.codes <= 3))
def test_d1_at_lambda_zero_matches_a_lattice_search(p):
    """lam = 0: a non-deterministic global minimiser exists iff the half-half lattice search finds one at the
    minimum value (a split minimiser is half-half on one tie class; `finite` module docstring)."""
    r = finite.identifiability(p)
    if len(p.tie_classes) > 4:
        return
    best, h = finite.lattice_minimum(p, denom=2)
    assert best == pytest.approx(float(r.loss_range[0]), abs=1e-12)
    assert r.D1 == (h == 0)


def test_lambda_positive_minimisers_are_one_hot_on_the_lattice():
    for p in (witnesses.BASE.replace(lam=0.5), FiniteProcess(states=1, actions=2, codes=3, lam=0.2),
              witnesses.U4_PARTIAL.replace(lam=0.4)):
        best, h = finite.lattice_minimum(p, denom=4)
        assert h == 0 and best == pytest.approx(float(finite.identifiability(p).loss_range[0]), abs=1e-12)


def test_exact_loss_of_the_merged_path_by_hand():
    # merge at state 1 ties both actions into one code everywhere; states 0 and 2 then put next states 0 and 1
    # (weights 1/2 each) on one code: variance 1/4, times p(s) = 1/3, twice: 1/6.
    r = finite.identifiability(witnesses.U4_PARTIAL)
    assert r.loss_range == (Fraction(1, 6), Fraction(1, 6)) and not r.realisable and r.zero_loss_labelings == 0


def test_conditional_entropy_threshold_by_hand():
    # one state, two actions, k = 2: identified h has L_rec = 0 and H(A_hat|S) = log 2; merged has L_rec = 1/4
    # (next states 0, 1 with weight 1/2) and H = 0: they tie at lam* = (1/4) / log 2.
    p = FiniteProcess(states=1, actions=2, codes=2)
    lam_star = finite.conditional_entropy_threshold(p)
    assert lam_star == pytest.approx(0.25 / math.log(2), rel=1e-12)
    below = finite.identifiability(p.replace(regulariser="conditional-entropy", lam=0.9 * lam_star))
    above = finite.identifiability(p.replace(regulariser="conditional-entropy", lam=1.1 * lam_star))
    assert below.D3 and below.loss_range == (0, 0)
    assert not above.D3 and above.loss_range == (Fraction(1, 4), Fraction(1, 4))


def test_witness_labellings_are_rendered_with_their_loss():
    cx = finite.identifiability(witnesses.U2_DISCONNECTED).counterexample
    assert cx["desideratum"] == "D2" and cx["loss"] == "0"
    codes_of_0 = {row["code"] for row in cx["labelling"] if row["actions"] == [0]}
    assert len(codes_of_0) == 2


# --- SMT agreement ------------------------------------------------------------------------------------------------
@settings(max_examples=40)
@given(finite_processes())
def test_z3_agrees_with_the_enumeration(p):
    pytest.importorskip("z3")
    excess, detail = properties.smt_disagreement(p)
    assert excess == 0, detail


def test_z3_decodes_a_violating_labelling():
    pytest.importorskip("z3")
    from numerics.lachapelle2025 import smt

    ans = smt.decide(witnesses.U2_DISCONNECTED)
    assert ans.realisable and ans.D2 is False and ans.D3 is False
    labels = ans.witnesses["D2"]["labels"]
    p = witnesses.U2_DISCONNECTED
    assert _zero_loss(p, labels) and not _d2(p, labels)
    assert smt.count(witnesses.BASE) == 6 and smt.count(witnesses.U2_ACTION_DISCONNECTED) == 12


# --- claims -------------------------------------------------------------------------------------------------------
@pytest.mark.theorem("LA-T1")
def test_la_t1_on_the_base_and_its_lambda_zero_contrast():
    r = finite.identifiability(witnesses.BASE)
    assert r.D1 and r.loss_range == (0, 0) and r.minimisers == 6
    assert not finite.identifiability(witnesses.BASE.replace(lam=0.0)).D1  # k = 3 > m = 2: the spare code splits
    assert finite.identifiability(witnesses.BASE.replace(lam=0.0, codes=2)).D1  # k = m: no spare code


@pytest.mark.theorem("LA-T2")
def test_la_t2_converse_fails_on_the_forced_instance():
    p = witnesses.T2_CONVERSE
    assert evaluate("la-A3-connectivity", p).holds is False
    assert finite.identifiability(p).D2  # D2 although S_1 is disconnected
    excess, _ = properties.connectivity_converse_violation(p)
    assert excess > 0


@pytest.mark.theorem("LA-T3")
def test_la_t3_needs_overlap():
    p = witnesses.U4_NO_OVERLAP.replace(codes=2)
    assert evaluate("la-overlap", p).holds is False and evaluate("la-A3-connectivity", p).holds
    assert not finite.identifiability(p).D3
    assert finite.identifiability(witnesses.BASE).D3


@pytest.mark.theorem("LA-T")
def test_la_t_fdm_is_free_off_the_support():
    p = FiniteProcess(states=2, actions=2, codes=2, edges=((0, 1),), available=[[0, 1], [0]])
    r = finite.identifiability(p)
    assert r.identified and r.fdm_free == ((1, 1),)
    assert properties.t_violation(p)[0] > 0 and properties.t_repair_violation(p)[0] == 0
    assert finite.identifiability(witnesses.BASE).fdm_free == ()


@pytest.mark.theorem("LA-U1")
def test_la_u1_example_splits_a_tie_class_half_half():
    cx = finite.identifiability(witnesses.U1_EXAMPLE).counterexample
    assert cx["desideratum"] == "D1" and cx["loss"] == "0"
    assert sorted(cx["stochastic"]["q"].values()) == [0.5, 0.5]


@pytest.mark.theorem("LA-U2")
def test_la_u2_s_connected_but_s_a_disconnected_breaks_d2():
    p = witnesses.U2_ACTION_DISCONNECTED
    assert len(p.components(range(p.states))) == 1 and len(p.support_components(1)) == 2
    assert not finite.identifiability(p).D2
    assert properties.u2_violation(witnesses.BASE)[0] == 0


@pytest.mark.theorem("LA-U4")
def test_la_u4_part_ii_fails_when_s_b_is_disconnected():
    # path 0-1-2, action 1 unused at state 1 (S_1 = {0, 2}), merged at state 0: S_0 u S_1 is connected, a and b
    # co-occur unmerged at state 2, yet zero loss is possible: 2 zero-loss labellings (code of action 0 = x
    # everywhere, action 1 at state 2 the other code).
    p = FiniteProcess(states=3, actions=2, codes=2, edges=((0, 1), (1, 2)), available=[[0, 1], [0], [0, 1]],
                      merge=((0, 0, 1),))
    assert properties.partially_merged_pairs(p, each_connected=False) == [(0, 1)]
    assert properties.partially_merged_pairs(p, each_connected=True) == []
    r = finite.identifiability(p)
    assert r.realisable and r.zero_loss_labelings == 2
    assert properties.u4_ii_violation(p)[0] > 0
    assert properties.u4_ii_repair_violation(witnesses.U4_PARTIAL)[0] == 0


@pytest.mark.theorem("LA-S1")
def test_la_s1_pushforward_on_the_base_by_hand():
    # BASE: every minimiser is v: {0, 1} -> 3 codes injective (6 maps), pi(a|s) = 1/2: pi_hat(v(a)|s) = 1/2.
    excess, detail = properties.pushforward_violation(witnesses.BASE)
    assert excess == 0 and "6 minimisers" in detail


@pytest.mark.theorem("LA-C1")
def test_la_c1_an_unrestricted_code_map_with_spare_codes_is_state_dependent():
    assert properties.unrestricted_code_map_violation(witnesses.BASE)[0] == 0  # BASE.replace(continuity=False): D2 fails
    assert not finite.identifiability(witnesses.BASE.replace(continuity=False)).D2
    assert finite.identifiability(witnesses.BASE).D2
