"""Zhang et al. 2025, non-experimental claims: assumption evaluators, THE LLO metric, and the properties behind
the checks of ZP-D1, P3, P4, P5, O1, C1-C3, each against an independent route (hand-derived values with their
derivation, Monte-Carlo samples, finite differences, L-BFGS) -- never the implementation's own formula."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings

from numerics import linear_lam as ll
from numerics.optima import minimiser_set
from numerics.probes import transfer_nmse
from numerics.processes import LAMConfig, LinearProcess, orthonormal
from numerics.zhang2025 import action, assumptions, augmentation, cases, llo, overparam, policy
from numerics.zhang2025 import strategies as S
from numerics.zhang2025.model import llo as llo_metric
from theory.assumptions import evaluate, has_evaluator
from theory.checks import CheckContext
from theory.ledger import all_claims, get_claim

CTX = CheckContext(scale="ci", seed=0)
E1 = np.array([[1.0], [0.0], [0.0]])


def _p(X, d_z=1, **kw) -> LinearProcess:
    lam = kw.pop("lam", None) or LAMConfig(d_z=d_z)
    return LinearProcess(X=np.asarray(X, float), lam=lam, **kw)


# --- assumptions as code ---------------------------------------------------------------------------------

def test_every_zhang_assumption_has_an_evaluator_and_a_unique_zp_name():
    names = {a.name for c in all_claims("zhang2025") for a in (*c.assumptions, *(c.repair.assumptions if c.repair else ()))}
    assert names and all(n.startswith("zp-") for n in names)
    assert all(has_evaluator(n, LinearProcess) for n in names)
    other = {a.name for c in all_claims() if c.paper != "zhang2025" for a in c.assumptions}
    assert not names & other  # unique across the ledger


@pytest.mark.theorem("ZP-P3")
def test_evaluators_decide_on_hand_built_processes():
    Pi = np.array([[0.0, 1.0, 0.0]])
    # E[o q^T] = chi Sigma_o Pi^T X^T = 0.5 e_2 e_1^T: its largest entry 0.5 is the deciding number
    corr = _p(E1, chi=0.5, Pi=Pi)
    ok, why = evaluate("zp-uncorrelated-change", corr).holds, evaluate("zp-uncorrelated-change", corr).reason
    assert ok is False and "0.5" in why
    assert evaluate("zp-uncorrelated-change", _p(E1)).holds is True
    # X Pi = 0 (Pi reads a coordinate X does not write): correlated policy, yet E[o q^T] = 0
    assert evaluate("zp-uncorrelated-change", _p(np.zeros((3, 1)), chi=0.5, Pi=Pi)).holds is True
    assert evaluate("zp-correlated-policy", corr).holds is True
    assert evaluate("zp-correlated-policy", _p(E1)).holds is False
    assert evaluate("zp-correlated-policy", _p(E1, chi=0.5, Pi=Pi, F_o=np.diag([1.0, 1.0, 0.0]))).holds is False  # singular
    iso = _p(E1, F_e=0.5 * np.eye(3))
    assert evaluate("zp-isotropic-noise", iso).holds is True and "0.25 I" in evaluate("zp-isotropic-noise", iso).reason
    assert evaluate("zp-isotropic-noise", _p(E1, F_e=np.diag([1.0, 2.0, 1.0]))).holds is False
    assert evaluate("zp-isotropic-noise", _p(E1)).holds is False  # sigma = 0 is no noise
    assert evaluate("zp-no-noise", _p(E1)).holds is True and evaluate("zp-no-noise", iso).holds is False
    # eps^T X = 0: noise on e_2 with X = e_1 holds; noise on e_1 does not (X^T F_e = 1)
    head = LAMConfig(d_z=1, kappa=0.1, action_weight=2.0)
    assert evaluate("zp-action-labels", _p(E1, lam=head, F_e=np.array([[0.0], [1.0], [0.0]]))).holds is True
    bad = evaluate("zp-action-labels", _p(E1, lam=head, F_e=np.array([[1.0], [0.0], [0.0]])))
    assert bad.holds is False and "1" in bad.reason
    assert evaluate("zp-action-labels", _p(E1)).holds is False  # no action loss
    # rank(X E[aa^T] X^T): X = 0 has rank 0 < d_a = 1
    assert evaluate("zp-full-rank-action-effect", _p(np.zeros((3, 1)))).holds is False
    assert evaluate("zp-full-rank-action-effect", _p(E1)).holds is True
    assert evaluate("zp-llo-defined", _p(np.zeros((3, 1)))).holds is False
    assert evaluate("zp-reconstruction-loss", _p(E1, lam=LAMConfig(d_z=1, kappa=0.5))).holds is False
    assert evaluate("zp-augmentation", _p(E1, lam=LAMConfig(d_z=1, kappa=0.5))).holds is True
    assert evaluate("zp-linear-model", _p(E1, G_x=np.array([[0.0], [0.0], [1.0]]))).holds is False


def test_quantifiers_in_the_ledger():
    q = {c.id: c.quantifier for c in all_claims("zhang2025")}
    assert q["ZP-D1"] is None
    assert q["ZP-P1"] == q["ZP-P2"] == q["ZP-O1"] == "some-minimiser"
    assert all(q[c] == "every-minimiser" for c in ("ZP-P3", "ZP-P4", "ZP-P5", "ZP-C1", "ZP-C2", "ZP-C3"))
    assert all(q[f"ZP-E{i}"] == "selected-by:protocol" for i in range(1, 8))


@settings(max_examples=40)
@given(S.domain("ZP-P4", lam=S.augmented_lam, exogenous=False))
def test_domain_strategy_draws_only_inside_the_evaluators(p):
    assert all(evaluate(a, p).holds is not False for a in get_claim("ZP-P4").assumptions)
    assert p.lam.kappa > 0 and not np.any(p.G_x)


# --- THE LLO metric: oracle, anti-oracle, degenerate, transfer ---------------------------------------------

@pytest.mark.theorem("ZP-D1")
def test_llo_oracle_antioracle_and_duplicated_latent():
    X = orthonormal(np.random.default_rng(0), 6, 2)
    p = _p(X, d_z=2)
    oracle = {"A": np.eye(6), "B": X, "C": -X.T, "D": X.T}  # z = X^T (o' - o) = a
    t = llo_metric(oracle, p)
    assert (t.nmse_action, t.nmse_noise, t.nmse_o, t.value) == pytest.approx((0.0, 1.0, 1.0, 2.0), abs=1e-12)
    anti = {"A": np.eye(6), "B": X, "C": np.zeros((2, 6)), "D": np.zeros((2, 6))}  # z = 0: no information
    assert llo_metric(anti, p).value == pytest.approx(-1 + 1 + 1)
    dup = {k: (np.vstack([v, v]) if k in "CD" else np.hstack([v, v]) if k == "B" else v) for k, v in oracle.items()}
    assert llo_metric(dup, p).value == pytest.approx(2.0, abs=1e-10)  # a duplicated latent row adds nothing
    # surrogate B^+(o_hat' - o) equals z when A = I
    assert llo_metric(oracle, p, action_from="surrogate", rest_from="surrogate").value == pytest.approx(2.0, abs=1e-10)


@pytest.mark.theorem("ZP-D1")
def test_transfer_probe_against_least_squares_on_samples():
    """Fit a probe of a from z on samples of a policy process, evaluate on samples of the random-action one:
    Monte Carlo with n = 400k; the relative error of a mean of squared errors ~ sqrt(2/n) = 2e-3 per
    coordinate, so 1e-2 is a 5-sigma tolerance."""
    rng = np.random.default_rng(1)
    X, Pi = orthonormal(rng, 5, 2), orthonormal(rng, 5, 2).T
    p = _p(X, d_z=2, chi=0.6, Pi=Pi)
    ev = p.random_actions()
    C, D = rng.normal(size=(2, 5)), rng.normal(size=(2, 5))
    Tz = lambda q: C @ q.source.T("o") + D @ q.source.T("o_next")  # noqa: E731
    exact = transfer_nmse(p.source, ev.source, "a", Tz(p), Tz(ev))
    n = 400_000
    fit, test = p.sample(n, rng, ("o", "a", "o_next")), ev.sample(n, rng, ("o", "a", "o_next"))
    Z = fit["o"] @ C.T + fit["o_next"] @ D.T
    M = np.linalg.lstsq(Z, fit["a"], rcond=None)[0]
    Zt = test["o"] @ C.T + test["o_next"] @ D.T
    mc = np.sum((test["a"] - Zt @ M) ** 2) / np.sum(test["a"] ** 2)
    assert exact > 1.0  # the probe transfers badly: above the no-information value
    assert mc == pytest.approx(exact, rel=1e-2)


@pytest.mark.theorem("ZP-D1")
@settings(max_examples=40)
@given(S.with_params(S.domain("ZP-D1", max_d_o=4)))
def test_zp_d1_bounds_on_the_domain(x):
    p, _, C, D = x
    excess, what = llo.bound_violation((p, C, D))
    assert excess <= 0, what


@pytest.mark.theorem("ZP-D1")
def test_zp_d1_paper_like_values_and_mi_proxy():
    pl = llo.paper_like_optimum()
    assert pl["C=-D=X^T"]["llo"] == pytest.approx(2.0) and pl["model.llo agrees (C=-D=X^T)"] == pytest.approx(2.0)
    # d_o = 12, d_a = 4, z = X^T o' = a + X^T o: Var a = Var(X^T o) = I_4, so NMSE_q = 1/2 and z explains 4/2 of
    # the 12 units of Var o: NMSE_o = 1 - 2/12 = 5/6
    leaky = pl["C=0 (z carries o)"]
    assert leaky["nmse_action"] == pytest.approx(0.5) and leaky["nmse_o"] == pytest.approx(5 / 6)
    mi = llo.mi_proxy_vs_exact()
    assert mi["proxy_partial_copy"] == pytest.approx(0.5 * np.log(2)) and mi["exact_partial_copy"] == "infinite"


# --- ZP-P3 ---------------------------------------------------------------------------------------------

@pytest.mark.theorem("ZP-P3")
def test_zp_p3_quoted_term_against_finite_differences():
    """d_o = 2, d_a = d_z = 1, Sigma_o = I, X = e_1, Pi_d = e_2^T (chi = 1), B = C = D = 0: the correct extra
    term is e_1 e_2^T; the gradient at the quoted A (+ sign) is [[0,-2],[-2,0]] (ledger note); both from central
    differences of the exact loss (a quadratic: differences are exact up to rounding, h = 1e-3)."""
    p = LinearProcess(X=np.array([[1.0], [0.0]]), lam=LAMConfig(d_z=1), chi=1.0, Pi=np.array([[0.0, 1.0]]))
    B, C, D = np.zeros((2, 1)), np.zeros((1, 2)), np.zeros((1, 2))
    m = p.moments()

    def fd(A):
        g = np.zeros((2, 2))
        for i in range(2):
            for j in range(2):
                E = np.zeros((2, 2))
                E[i, j] = 1e-3
                g[i, j] = (ll.lam_loss(A + E, B, C, D, m) - ll.lam_loss(A - E, B, C, D, m)) / 2e-3
        return g

    assert np.allclose(policy.correct_A(p, B, C, D), np.eye(2) + np.array([[0, 1], [0, 0]]))
    assert np.allclose(fd(policy.correct_A(p, B, C, D)), 0, atol=1e-8)
    assert np.allclose(fd(policy.paper_A(p, B, C, D, 1)), [[0, -2], [-2, 0]], atol=1e-8)
    assert np.allclose(fd(policy.paper_A(p, B, C, D, -1)), [[0, -2], [2, 0]], atol=1e-8)


@pytest.mark.theorem("ZP-P3")
@settings(max_examples=30)
@given(S.with_params(S.domain("ZP-P3", lam=S.plain_lam, exogenous=False, max_d_o=4)))
def test_zp_p3_corrected_A_on_the_domain(x):
    excess, what = policy.repair_violation(x)
    assert excess <= 0, what


# --- ZP-P4 ---------------------------------------------------------------------------------------------

@pytest.mark.theorem("ZP-P4")
def test_zp_p4_exact_augmented_loss_against_monte_carlo():
    """The augmented loss by exact expectation (kappa as source blocks) vs a sample mean over n = 200k draws of
    (o, a, eps, kappa_1, kappa_2): tolerance 6 standard errors of the sample mean."""
    rng = np.random.default_rng(2)
    p = _p(rng.normal(size=(4, 2)), d_z=2, F_e=0.5 * rng.normal(size=(4, 4)), lam=LAMConfig(d_z=2, kappa=0.7))
    prm = {"A": rng.normal(size=(4, 4)), "B": rng.normal(size=(4, 2)), "C": rng.normal(size=(2, 4)), "D": rng.normal(size=(2, 4))}
    exact = augmentation.exact_augmented_loss(prm, p, 0.7)
    n = 200_000
    s = p.sample(n, rng, ("o", "o_next"))
    k1, k2 = 0.7 * rng.normal(size=(n, 4)), 0.7 * rng.normal(size=(n, 4))
    z = (s["o"] + k1) @ prm["C"].T + (s["o_next"] + k1) @ prm["D"].T
    res = s["o_next"] - ((s["o"] + k2) @ prm["A"].T + z @ prm["B"].T - k2)
    sq = np.sum(res**2, 1)
    assert abs(sq.mean() - exact) <= 6 * sq.std() / np.sqrt(n)
    # and the closed form L + kappa^2 ||A - I||^2 + kappa^2 ||B(C+D)||^2 (a third route)
    assert augmentation.aug_loss(prm["A"], prm["B"], prm["C"], prm["D"], p.moments(), 0.49) == pytest.approx(exact, rel=1e-10)


@pytest.mark.theorem("ZP-P4")
def test_zp_p4_counterexample_by_hand():
    pl = augmentation.paper_like_counterexample()
    # z = (a, o_2): reads one of three unit-variance coordinates of o, NMSE(o|z) = 2/3; loss 0 (Case 1, d_z > d_a)
    assert pl["L_aug"] == pytest.approx(0.0, abs=1e-12) and pl["||C+D||_F"] == 1.0 and pl["||B(C+D)||_F"] == 0.0
    assert pl["NMSE(o|z)"] == pytest.approx(2 / 3)
    c = augmentation.cd_minimiser(pl["process"])
    assert c["C+D"] >= 1 - 1e-12 and c["L_aug"] == pytest.approx(0.0, abs=1e-12) and c["nmse_o_range"].lo < 1


# --- ZP-P5 ---------------------------------------------------------------------------------------------

@pytest.mark.theorem("ZP-P5")
def test_zp_p5_spare_capacity_counterexample_by_hand():
    """d_o = 3, d_a = 1, d_z = 2, X = e_1, eps = e_2 b: z = (a, b) reconstructs o' - o exactly and predicts a
    exactly, so L_a = 0 at every lambda; the claimed point leaves eps out: L_a = E||eps||^2 = 1."""
    p = LinearProcess(X=E1, lam=LAMConfig(d_z=2, kappa=0.1, action_weight=1.0), F_e=np.array([[0.0], [1.0], [0.0]]))
    for lam in (1.0, 100.0):
        assert action.la_loss(*action.claimed_point(p), p, lam) == pytest.approx(1.0)
        assert action.optimal_value(p, lam) == pytest.approx(0.0, abs=1e-10)
    assert action.limit_value(p) == pytest.approx(0.0)  # tr Sigma_eps - lambda_1(Sigma_eps) = 1 - 1


@pytest.mark.theorem("ZP-P5")
def test_zp_p5_optimum_against_lbfgs():
    """The minimiser set's value (reduced-rank regression) against L-BFGS from random starts on a small
    non-orthonormal process (L-BFGS stops at gtol 1e-12; 1e-6 relative is far above its residual)."""
    rng = np.random.default_rng(3)
    X = np.vstack([rng.normal(size=(2, 1)), np.zeros((3, 1))])
    F_e = np.vstack([np.zeros((2, 2)), rng.normal(size=(3, 2))])
    p = LinearProcess(X=X, lam=LAMConfig(d_z=2, kappa=0.1, action_weight=3.0), F_e=F_e)
    assert action.optimise_la(p, 3.0, seed=0) == pytest.approx(action.optimal_value(p, 3.0), rel=1e-6, abs=1e-9)
    corr = action.correlated_noise_values()
    assert max(abs(v) for v in corr["L_a_better"]) < 1e-9 and corr["L_a_claimed"][0] == pytest.approx(corr["tr_Sigma_eps"])


# --- ZP-O1 ---------------------------------------------------------------------------------------------

@pytest.mark.theorem("ZP-O1")
def test_zp_o1_family_against_lbfgs_and_hand_formulas():
    rng = np.random.default_rng(4)
    p = LinearProcess(X=rng.normal(size=(4, 2)), lam=LAMConfig(d_z=2), F_o=rng.normal(size=(4, 4)))
    assert overparam.lbfgs_family_loss(p, 1.0, seed=0) == pytest.approx(overparam.family_best_loss(p, 1.0), rel=1e-7)
    pl = overparam.paper_like(d_o=6, d_a=2)
    for row in pl["rows"]:
        # Sigma_o = I, Sigma_r = X X^T: tail_{d_z}(X X^T + alpha^2 I) - tail(X X^T) = alpha^2 (d_o - d_z)
        assert row["paper_family_min_loss"] - row["L_star"] == pytest.approx(row["alpha"] ** 2 * 4, abs=1e-9)
        # z = U^T (r + alpha o): per latent coordinate Var = 1 + alpha^2, of which alpha^2 is o: NMSE(o|z) =
        # 1 - d_z alpha^2 / ((1 + alpha^2) d_o)
        assert row["NMSE(o|z)"] == pytest.approx(1 - 2 * row["alpha"] ** 2 / ((1 + row["alpha"] ** 2) * 6))
        assert row["repaired_loss"] == pytest.approx(0.0, abs=1e-12)
    # over the whole set: mixing lets z hold d_z = 2 statistics of o (a supremum): NMSE(o|z) down to 1 - 2/6
    assert pl["nmse_o_range"].lo == pytest.approx(1 - 2 / 6) and pl["nmse_o_range"].hi == pytest.approx(1.0)


# --- ZP-C1 .. ZP-C3 -------------------------------------------------------------------------------------

@pytest.mark.theorem("ZP-C1")
def test_zp_c1_rank_deficient_counterexample_and_paper_values():
    facts = cases.c1_sub_statements(_p(np.zeros((2, 1))))
    assert facts["(1) Sigma_q has d_a nonzero eigenvalues"] is False
    assert all(cases.c1_sub_statements(_p(np.zeros((2, 1))), repaired=True).values())
    rows = {r["d_z"]: r for r in cases.c1_paper_domain(0, d_o=16, d_a=4, d_zs=(1, 2, 4, 6))["rows"]}
    # surrogate: d_z of d_a tied unit directions, NMSE_q = 1 - d_z/d_a: LLO = 1 + d_z/d_a below d_a, 2 from d_a
    for d_z, want in ((1, 1.25), (2, 1.5), (4, 2.0), (6, 2.0)):
        assert rows[d_z]["llo_surrogate_min"] == pytest.approx(want) == pytest.approx(rows[d_z]["llo_surrogate_max"])
    # the true z at d_z = d_a = 4: mixing may dilute the action out (NMSE_a -> 1) and add 4 statistics of o
    # (NMSE_o -> 1 - 4/16): LLO down to -1 + 1 + 0.75 (a supremum, not attained)
    assert rows[4]["llo_z_min"] == pytest.approx(0.75) and rows[4]["llo_z_min_attained"] is False


@pytest.mark.theorem("ZP-C2")
def test_zp_c2_every_noisy_minimiser_is_noise_free_optimal():
    X = np.array([[2.0, 0.0], [0.0, 1.0], [0.0, 0.0], [0.0, 0.0]])
    for d_z in (1, 2, 3):
        p = _p(X, d_z=d_z, F_e=0.5 * np.eye(4))
        excess, what = cases.c2_violation(p, np.random.default_rng(d_z))
        assert excess <= 0, what
        # eigenvalues of X X^T + 0.25 I: 4.25, 1.25, 0.25, 0.25: L* = sum of the 4 - d_z smallest
        assert minimiser_set(p).value == pytest.approx([1.75, 0.5, 0.25][d_z - 1])


@pytest.mark.theorem("ZP-C3")
def test_zp_c3_y_inside_span_x_and_the_spectral_repair():
    # (2): X = Y = e_2 (d_o = 2, d_z = d_a = 1): Y^T X = 1 != 0 but span(B) = span(X)
    p = _p([[0.0], [1.0]], F_e=np.array([[0.0], [1.0]]))
    assert cases.c3_2_violation(p)[0] > 0
    # (3'): X = e_1 (variance 1) perpendicular to Y = 0.5 e_2: d_z = r = 1 is the unique LLO maximiser (LLO 2)
    Xs, Ye = np.array([[1.0], [0.0], [0.0]]), np.array([[0.0], [0.5], [0.0]])
    f1 = cases.c3_spectral_facts(_p(Xs, d_z=1, F_e=Ye))
    f2 = cases.c3_spectral_facts(_p(Xs, d_z=2, F_e=Ye))
    assert list(f1.values()) == [True] and list(f2.values()) == [True]
    # (4'): noise 2 e_2 above the action: NMSE(noise | surrogate) < 1 for d_z = 1 (the top direction is noise)
    f4 = cases.c3_spectral_facts(_p(Xs, d_z=1, F_e=2 * Ye * 2))
    assert f4 == {"(4') NMSE(noise | surrogate) < 1 at every minimiser": True}


def test_params_json_is_the_process_json_and_the_three_maps():
    """The report form of a (process, B, C, D) witness: every key of the process's JSON, then B, C, D as nested lists."""
    import numpy as np

    from numerics.processes import zhang_process
    from numerics.zhang2025.strategies import params_json

    p = zhang_process(np.random.default_rng(0), d_o=3, d_a=1, d_z=1)
    B, C, D = np.ones((3, 1)), np.zeros((1, 3)), np.arange(3.0)[None]
    out = params_json((p, B, C, D))
    assert {k: out[k] for k in p.to_json()} == p.to_json()
    assert (out["B"], out["C"], out["D"]) == ([[1.0], [1.0], [1.0]], [[0.0, 0.0, 0.0]], [[0.0, 1.0, 2.0]])
