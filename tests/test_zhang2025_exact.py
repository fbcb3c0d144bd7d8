"""Zhang et al. 2025: symbolic / numeric / convex checks of ZP-P4, ZP-O1, ZP-P3, ZP-D1, ZP-C1..C3, ZP-P5."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from numerics import linear_lam as ll
from numerics.instances import linear_lam_instances
from numerics.zhang2025 import augmentation as aug_num
from theory.checks import CheckContext
from theory.zhang2025 import augmentation as aug_sym

CTX = CheckContext(scale="ci", seed=0)


# --- ZP-P4: augmentation ------------------------------------------------------------------------

@pytest.mark.theorem("ZP-P4")
def test_zp_p4_symbolic_identity_entrywise_and_exact():
    facts = aug_sym.derive_augmentation(2, 1)
    assert all(facts.values()), [k for k, v in facts.items() if not v]
    assert len(facts) == 9
    assert aug_sym.zp_p4_symbolic(CTX).status == "confirms"


@pytest.mark.theorem("ZP-P4")
def test_zp_p4_monte_carlo_identity():
    mc, cf, se = aug_num.monte_carlo_identity(seed=3, n=100_000)
    assert abs(mc - cf) <= se


@pytest.mark.theorem("ZP-P4")
def test_zp_p4_as_written_is_refuted_with_smallest_counterexample():
    res = aug_num.zp_p4_numeric(CTX)
    assert res.status == "refutes"
    ce = res.counterexample
    assert (ce["d_o"], ce["d_z"], ce["noise"]) == (2, 1, "none")  # shrunk: Sigma_{q+eps} = 0, rank 0 < d_z
    C, D = np.array(ce["minimiser"]["C"]), np.array(ce["minimiser"]["D"])
    assert np.linalg.norm(C + D) == pytest.approx(1.0)
    paper = ce["paper_like"]
    assert paper["L_aug"] == 0.0 and paper["||C+D||_F"] == 1.0 and paper["||B(C+D)||_F"] == 0.0
    assert paper["NMSE(o|z)"] == pytest.approx(2 / 3)


@pytest.mark.theorem("ZP-P4")
def test_zp_p4_repair_confirms():
    res = aug_num.zp_p4_repair_numeric(CTX)
    assert res.status == "confirms", res.counterexample
    rows = res.measured["rows"]
    assert any(r["rank_Sigma_r"] < r["d_z"] and r["||C+D||"] > 0.1 for r in rows)  # L-BFGS itself finds C+D != 0
    assert all(r["||C+D||"] < 1e-6 for r in rows if r["rank_Sigma_r"] >= r["d_z"])


@pytest.mark.theorem("ZP-P4")
@settings(max_examples=60)
@given(linear_lam_instances(max_d_o=5))
def test_zp_p4_identity_minimiser_attains_tail(inst):
    # A = I, C = -D, (B, D) PCA attains the lower bound tail = min L <= L_aug for every instance
    m = ll.TransitionMoments.from_change(inst.Sigma_o, inst.Sigma_r)
    opt = ll.pca_optimum(inst.Sigma_r, inst.d_z)
    val = aug_num.aug_loss(np.eye(inst.d_o), opt.U, -opt.U.T, opt.U.T, m, 0.3)
    assert abs(val - opt.value) <= 1e-9 * (1 + np.trace(inst.Sigma_r))
    # and any drawn (A, B, C, D) is not below it
    drawn = aug_num.aug_loss(np.eye(inst.d_o) - inst.B @ (inst.C + inst.D), inst.B, inst.C, inst.D, m, 0.3)
    assert drawn >= opt.value - 1e-9 * (1 + abs(drawn))


# --- ZP-O1: over-parameterisation ---------------------------------------------------------------

from numerics.zhang2025 import overparam as op_num  # noqa: E402
from theory.zhang2025 import overparam as op_sym  # noqa: E402


@pytest.mark.theorem("ZP-O1")
def test_zp_o1_symbolic_algebra():
    facts = op_sym.derive_overparam(2, 1)
    assert all(facts.values()) and len(facts) == 5


@pytest.mark.theorem("ZP-O1")
def test_zp_o1_as_written_refuted():
    res = op_num.zp_o1_numeric(CTX)
    assert res.status == "refutes"
    ce = res.counterexample
    assert (ce["d_o"], ce["d_z"]) == (2, 1) and ce["Sigma_o"] == [[1.0, 0.0], [0.0, 1.0]]
    assert ce["Sigma_eps"] == [[0.0, 0.0], [0.0, 0.0]] and ce["X"] == [[0.0], [0.0]]
    # paper-like: excess of the paper's family is alpha^2 (d_o - d_z)
    for row in res.measured["paper_like"]["rows"]:
        assert row["paper_family_min_loss"] - row["L_star"] == pytest.approx(row["predicted_excess"], abs=1e-9)
    assert res.measured["lbfgs"] == pytest.approx(res.measured["closed_form"], rel=1e-7)


@pytest.mark.theorem("ZP-O1")
def test_zp_o1_repair_confirms_and_z_carries_o():
    res = op_num.zp_o1_repair_numeric(CTX)
    assert res.status == "confirms"
    rows = {r["alpha"]: r for r in res.measured["paper_like"]["rows"]}
    # d_o = 6, d_z = 2, Sigma_o = I, D = U^T: NMSE(o|z) = 1 - d_z alpha^2 / ((1 + alpha^2) d_o)
    for a in (0.5, 1.0, 2.0):
        assert rows[a]["NMSE(o|z)"] == pytest.approx(1 - 2 * a**2 / ((1 + a**2) * 6))
        assert rows[a]["repaired_loss"] == pytest.approx(0.0, abs=1e-12)


@pytest.mark.theorem("ZP-O1")
@settings(max_examples=60)
@given(linear_lam_instances(max_d_o=5))
def test_zp_o1_repaired_family_optimal_on_any_instance(inst):
    for a in (-1.0, 0.5, 3.0):
        rep = op_num.repaired_family(inst.Sigma_o, inst.Sigma_r, inst.d_z, a)
        assert abs(rep["loss"] - rep["L_star"]) <= 1e-9 * (1 + np.trace(inst.Sigma_r) + a * a * np.trace(inst.Sigma_o))


# --- ZP-P3: correlated policy -------------------------------------------------------------------

from numerics.zhang2025 import policy as pol_num  # noqa: E402
from theory.zhang2025 import policy as pol_sym  # noqa: E402


@pytest.mark.theorem("ZP-P3")
def test_zp_p3_symbolic_quoted_term_refuted_with_explicit_counterexample():
    res = pol_sym.zp_p3_symbolic(CTX)
    assert res.status == "refutes"
    ids = res.measured["identities"]
    assert ids["K = Sigma_o Pi_d^T X^T: dL/dA vanishes at A* = I - B(C+D) + (I - BD) X Pi_d"]
    assert ids["paper's term T_p == -Sigma_o E^T Sigma_o^{-1}"]
    assert not any(v for k, v in ids.items() if "paper sign" in k)
    ce = pol_sym.explicit_counterexample()
    assert ce["E_correct"] == [[0, 1], [0, 0]] and ce["T_paper"] == [[0, 0], [-1, 0]]
    assert ce["grad_at_paper_A_sign_+"] == [[0, -2], [-2, 0]] and ce["grad_at_paper_A_sign_-"] == [[0, -2], [2, 0]]
    assert ce["grad_at_correct_A"] == [[0, 0], [0, 0]]
    assert pol_sym.zp_p3_repair_symbolic(CTX).status == "confirms"


@pytest.mark.theorem("ZP-P3")
def test_zp_p3_numeric_refutes_and_repair_confirms():
    res = pol_num.zp_p3_numeric(CTX)
    assert res.status == "refutes"
    pl = res.measured["paper_like"]
    assert pl["L_correct"] == pytest.approx(pl["tail_innovation"], abs=1e-12) == pytest.approx(0.08)
    assert pl["L_paper_plus"] > pl["L_random_policy_A"] > pl["L_correct"] and pl["L_paper_minus"] > pl["L_correct"]
    assert pol_num.zp_p3_repair_numeric(CTX).status == "confirms"


@pytest.mark.theorem("ZP-P3")
def test_zp_p3_convex_certified_and_matches_closed_form():
    res = pol_num.zp_p3_convex(CTX)
    assert res.status == "refutes"  # certified optimum is the corrected formula, not the quoted one
    for row in res.measured["rows"]:
        assert row["certified"] and row["|A_cvx - A*|"] < 1e-8 and row["min_sign |A_cvx - A_paper|"] > 1.0


@pytest.mark.theorem("ZP-P3")
@settings(max_examples=60)
@given(pol_num.policy_instances())
def test_zp_p3_corrected_A_on_any_instance(inst):
    excess, what = pol_num.repair_violation(inst)
    assert excess <= 0, what


# --- ZP-D1: LLO -----------------------------------------------------------------------------------

from numerics.zhang2025 import llo as llo_num  # noqa: E402
from theory.zhang2025 import llo as llo_sym  # noqa: E402


@pytest.mark.theorem("ZP-D1")
def test_zp_d1_symbolic_and_mi_proxy_values():
    res = llo_sym.zp_d1_symbolic(CTX)
    assert res.status == "confirms" and all(res.measured["facts"].values())
    mi = llo_num.mi_proxy_vs_exact()
    assert mi["proxy_y2_x_y1_plus_w"] == pytest.approx(-0.5 * np.log(0.75))
    assert mi["exact_y2_x_y1_plus_w"] == pytest.approx(0.5 * np.log(2))
    assert mi["proxy_partial_copy"] == pytest.approx(0.5 * np.log(2)) and mi["exact_partial_copy"] == "infinite"


@pytest.mark.theorem("ZP-D1")
def test_zp_d1_numeric_confirms_with_paper_like_values():
    res = llo_num.zp_d1_numeric(CTX)
    assert res.status == "confirms" and res.measured["instances"] == 150
    pl = res.measured["paper_like"]
    assert pl["C=-D=X^T"]["llo"] == pytest.approx(2.0)
    # d_o = 12, d_a = 4, z = X^T o' = a + X^T o: NMSE_q = 1/2, NMSE_o = 1 - 4/(2*12)
    assert pl["C=0 (z carries o)"]["nmse_q"] == pytest.approx(0.5) and pl["C=0 (z carries o)"]["nmse_o"] == pytest.approx(5 / 6)


@pytest.mark.theorem("ZP-D1")
@settings(max_examples=80)
@given(linear_lam_instances(max_d_o=5))
def test_zp_d1_bounds_on_any_instance(inst):
    excess, what = llo_num.bound_violation(inst)
    assert excess <= 0, what


# --- ZP-C1, ZP-C2, ZP-C3: cases -------------------------------------------------------------------

from numerics.zhang2025 import cases as cs_num  # noqa: E402
from theory.zhang2025 import cases as cs_sym  # noqa: E402


@pytest.mark.theorem("ZP-C1")
def test_zp_c1_refuted_on_rank_deficient_x_and_repair_confirms():
    assert cs_sym.zp_c1_symbolic(CTX).status == "confirms"
    res = cs_num.zp_c1_numeric(CTX)
    assert res.status == "refutes"
    ce = res.counterexample
    assert (ce["d_o"], ce["d_a"], ce["d_z"]) == (2, 1, 1) and ce["X"] == [[0.0], [0.0]]
    rows = res.measured["paper_domain"]["rows"]  # d_o = 16, d_a = 4, X orthonormal, a ~ N(0, I)
    assert [round(r["L_star"], 9) for r in rows] == [3.0, 2.0, 1.0, 0.0, 0.0, 0.0]
    assert [round(r["llo"], 9) for r in rows] == [1.25, 1.5, 1.75, 2.0, 2.0, 2.0]
    assert rows[3]["max_angle_B_X_deg"] < 1e-5 and rows[0]["gap"] == pytest.approx(0.0, abs=1e-12)  # tied spectrum
    assert cs_num.zp_c1_repair_numeric(CTX).status == "confirms"


@pytest.mark.theorem("ZP-C2")
def test_zp_c2_confirms_and_population_llo_flat():
    assert cs_sym.zp_c2_symbolic(CTX).status == "confirms"
    res = cs_num.zp_c2_numeric(CTX)
    assert res.status == "confirms"
    sw = res.measured["sweep"]
    assert all(abs(v - 2) < 1e-7 for v in sw["4"]["llo_clean_probes"])
    assert sw["2"]["llo_clean_probes"][5] == pytest.approx(1.5)  # d_z = 2 < d_a = 4: NMSE_q = 1/2
    noisy = sw["4"]["llo_noisy_probes"]
    assert all(b < a for a, b in zip(noisy[1:], noisy[2:]))  # with noisy probes LLO decreases smoothly in sigma


@pytest.mark.theorem("ZP-C2")
@settings(max_examples=60)
@given(linear_lam_instances(max_d_o=5, noise_kinds=("isotropic",)))
def test_zp_c2_on_any_isotropic_instance(inst):
    excess, what = cs_num.c2_violation(inst)
    assert excess <= 0, what


@pytest.mark.theorem("ZP-C3")
def test_zp_c3_sub_statement_2_refuted_others_hold():
    assert cs_sym.zp_c3_symbolic(CTX).status == "confirms"
    res = cs_num.zp_c3_numeric(CTX)
    assert res.status == "refutes"
    ce = res.counterexample["instance"]
    assert ce["d_o"] == 2 and ce["d_a"] == 1 and ce["X"] == ce["Y"]
    lo = res.measured["llo_by_dz"]["s_exo=0.5, Y perp X"]
    assert [r["d_z"] for r in lo if abs(r["llo"] - 2) < 1e-9] == [4]
    hi = res.measured["llo_by_dz"]["s_exo=2.0, Y perp X"]
    assert all(r["nmse_eps"] < 1 for r in hi) and max(r["llo"] for r in hi) == pytest.approx(1.0)
    assert cs_num.zp_c3_repair_numeric(CTX).status == "confirms"


# --- ZP-P5: action prediction -------------------------------------------------------------------

from numerics.zhang2025 import action as act_num  # noqa: E402
from theory.zhang2025 import action as act_sym  # noqa: E402


@pytest.mark.theorem("ZP-P5")
def test_zp_p5_symbolic_decomposition_needs_uncorrelated_action_noise():
    res = act_sym.zp_p5_symbolic(CTX)
    assert res.status == "confirms" and len(res.measured["facts"]) == 6


@pytest.mark.theorem("ZP-P5")
def test_zp_p5_refuted_with_explicit_better_points():
    res = act_num.zp_p5_numeric(CTX)
    assert res.status == "refutes"
    sm = res.counterexample["smallest"]
    assert sm["L_a_better"] == pytest.approx(0.0, abs=1e-12) and sm["L_a_claimed"] == pytest.approx(1.0)
    sp_ = res.counterexample["spare_capacity"]
    assert all(v == pytest.approx(4.0) for v in sp_["L_a"]) and all(v == pytest.approx(8.0) for v in sp_["claimed_L_a"])
    assert all(abs(v) < 1e-9 for v in res.counterexample["correlated_noise"]["L_a"])
    rows = res.measured["rows"]
    assert [round(r["optimum"], 9) for r in rows if r["d_z"] == 2] == [4.0, 8.0, 8.0, 8.0]
    assert [round(r["optimum"], 9) for r in rows if r["d_z"] == 3] == [2.0, 4.0, 4.0, 4.0]
    assert all(abs(r["optimum"] - r["direct"]) < 1e-8 for r in rows)  # closed form attained by its (B, D, E)
    assert res.measured["lbfgs_crosscheck"] == pytest.approx(res.measured["closed_form"], rel=1e-6)


@pytest.mark.theorem("ZP-P5")
def test_zp_p5_repair_and_convex():
    assert act_num.zp_p5_repair_numeric(CTX).status == "confirms"
    res = act_num.zp_p5_convex(CTX)
    assert res.status == "refutes"
    rows = {r["point"]: r for r in res.measured["rows"]}
    assert all(r["B_certified"] and r["E_certified"] for r in rows.values())
    assert rows["claimed, d_z = d_a"]["value"] == pytest.approx(4.5)  # tr Sigma_eps = 2 * 1.5^2
    assert rows["spare capacity, d_z = d_a + 1"]["value"] == pytest.approx(2.25)


@pytest.mark.theorem("ZP-P5")
@settings(max_examples=40)
@given(st.integers(1, 3), st.integers(0, 2), st.floats(0.1, 3.0), st.sampled_from([0.5, 10.0, 1e3]), st.integers(0, 10_000))
def test_zp_p5_closed_form_optimum_beats_any_point(d_a, extra, s_e, lam, seed):
    d_o = d_a + extra + 3
    p = act_num.paper_process(d_o, d_a, s_e, seed, d_b=2)
    d_z = d_a + extra
    val, B, D, E = act_num.optimal_la(p, d_z, lam)
    assert abs(act_num.la_loss(B, D, E, p, lam) - val) <= 1e-7 * (1 + lam)
    rng = np.random.default_rng(seed)
    for _ in range(5):
        Bq, Dq, Eq = rng.normal(size=(d_o, d_z)), rng.normal(size=(d_z, d_o)), rng.normal(size=(d_a, d_z))
        assert act_num.la_loss(Bq, Dq, Eq, p, lam) >= val - 1e-7 * (1 + lam)
    assert val <= act_num.limit_value(p, d_z) + 1e-7 * (1 + lam)
