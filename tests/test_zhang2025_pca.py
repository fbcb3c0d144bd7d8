"""ZP-P1 (linear LAM = PCA on q + eps) and ZP-P2 (Eckart-Young optimum): every kind of check."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given, settings

from gpu_checks.linear_lam import Batch, LAMOptions, init_linear_lams, lam_losses
from gpu_checks.zhang2025 import pca as trained
from numerics import linear_lam as ll
from numerics.certificates import fantope_bound, ky_fan_dual_point
from numerics.instances import linear_lam_instances
from numerics.zhang2025 import pca as num
from theory.checks import CheckContext
from theory.zhang2025 import pca as sym

CTX = CheckContext(scale="ci", seed=0)


@pytest.mark.theorem("ZP-P1")
def test_zp_p1_symbolic_derivation_holds_entrywise_explicitly_and_by_finite_differences():
    facts = sym.derive_pca_reduction(2, 1, solve_A=True)
    assert all(facts.values()), [k for k, v in facts.items() if not v]
    assert "solve(dL/dA = 0) == I - B(C+D)  [K = 0]" in facts
    fd, err, note = sym.finite_difference_facts(3, 2, seed=0)
    assert all(fd.values()) and err < 1e-9
    assert note["sympy_whole_sum_derivative"] == "0"  # the sympy bug we route around


@pytest.mark.theorem("ZP-P1")
@given(linear_lam_instances())
def test_zp_p1_reduction_on_any_instance(inst):
    excess, what = num.pca_reduction_violation(inst)
    assert excess <= 0, what


@pytest.mark.theorem("ZP-P1")
def test_zp_p1_needs_uncorrelated_change():
    # K = E[o r^T] != 0: A = I - B(C+D) is no longer optimal; the optimal A has the extra term of eq. (3).
    m = ll.TransitionMoments.from_change(np.eye(2), np.eye(2), np.array([[0.0, 0.0], [0.0, 0.5]]))
    B, C, D = np.array([[1.0], [0.0]]), np.zeros((1, 2)), np.array([[1.0, 0.0]])
    naive = ll.lam_loss(np.eye(2) - B @ (C + D), B, C, D, m)
    best = ll.lam_loss(ll.optimal_A(B, C, D, m), B, C, D, m)
    assert naive - best == pytest.approx(0.25)  # = tr(N K^T K N^T) with N = BD - I, Sigma_o = I


@pytest.mark.theorem("ZP-P1")
def test_zp_p1_checks_confirm():
    assert sym.zp_p1_symbolic(CTX).status == "confirms"
    res = num.zp_p1_numeric(CTX)
    assert res.status == "confirms" and res.measured["instances"] == 150
    assert res.measured["K_nonzero_witness_loss_gap"] == pytest.approx(0.25)


@pytest.mark.theorem("ZP-P1")
def test_zp_p1_convex_min_A_is_certified_and_equals_the_pca_objective():
    res = num.zp_p1_convex(CTX)
    assert res.status == "confirms" and res.measured["instances"] == 40
    # explicit: Sigma_o = diag(2, 1), Sigma_r = diag(3, 1), B = e_1, C = 0, D = e_1^T -> value 1, A* = I - e_1 e_1^T
    m = ll.TransitionMoments.from_change(np.diag([2.0, 1.0]), np.diag([3.0, 1.0]))
    B, C, D = np.array([[1.0], [0.0]]), np.zeros((1, 2)), np.array([[1.0, 0.0]])
    A, cert = ll.min_A_certificate(B, C, D, m)
    assert cert.certified and cert.primal_value == pytest.approx(1.0, abs=cert.tol)
    assert np.allclose(A, np.diag([0.0, 1.0]), atol=1e-6)
    # degenerate Sigma_o = 0: the program is trivial (value tr(N Sigma_r N^T)), still certified
    m0 = ll.TransitionMoments.from_change(np.zeros((2, 2)), np.diag([3.0, 1.0]))
    assert ll.min_A_certificate(B, C, D, m0)[1].certified


@pytest.mark.theorem("ZP-P2")
def test_zp_p2_explicit_values():
    S = np.diag([4.0, 2.0, 1.0])
    assert ll.eigen_tail(S, 1) == pytest.approx(3.0) and ll.eigen_tail(S, 2) == pytest.approx(1.0)
    opt = ll.pca_optimum(S, 1)
    assert np.allclose(opt.projector, np.diag([1.0, 0.0, 0.0])) and opt.gap == pytest.approx(2.0)
    m = ll.TransitionMoments.from_change(np.eye(3), S)
    C = np.ones((1, 3))
    assert ll.lam_loss(np.eye(3) - opt.U @ (C + opt.U.T), opt.U, C, opt.U.T, m) == pytest.approx(3.0)


@pytest.mark.theorem("ZP-P2")
@given(linear_lam_instances())
def test_zp_p2_eckart_young_on_any_instance(inst):
    excess, what = num.eckart_young_violation(inst)
    assert excess <= 0, what


@pytest.mark.theorem("ZP-P2")
def test_zp_p2_symbolic_rayleigh_elimination():
    facts = sym.rayleigh_tail_identity(3)
    assert all(facts.values()), facts


@pytest.mark.theorem("ZP-P2")
@pytest.mark.parametrize("S,k,value", [
    (np.diag([3.0, 1.0, 1.0]), 1, 2.0),  # tie below the cut: value unique, projector unique
    (np.diag([3.0, 1.0, 1.0]), 2, 1.0),  # tie across the cut: value unique, projector not
    (np.array([[2.0, 1.0], [1.0, 2.0]]), 1, 1.0),
    (np.zeros((3, 3)), 2, 0.0),
])
def test_zp_p2_convex_certificate_on_explicit_matrices(S, k, value):
    cert = fantope_bound(S, k)
    assert cert.certified, (cert.primal_residual, cert.dual_residual, cert.gap, cert.tol)
    assert cert.min_residual_value(S) == pytest.approx(value, abs=cert.tol)
    nu, Z = ky_fan_dual_point(S, k)  # exact dual point: value = Ky Fan sum, feasible
    assert k * nu + np.trace(Z) == pytest.approx(np.trace(S) - value)
    assert np.linalg.eigvalsh(Z + nu * np.eye(len(S)) - S).min() >= -1e-12


@pytest.mark.theorem("ZP-P2")
def test_zp_p2_convex_check_certifies_the_fantope_value():
    res = num.zp_p2_convex(CTX)
    assert res.status == "confirms" and res.measured["instances"] == 40
    assert abs(res.measured["d16_gap"]) <= res.measured["d16_tol"]


@pytest.mark.theorem("ZP-P2")
def test_zp_p2_numeric_check_and_lbfgs_agree_with_the_tail():
    res = num.zp_p2_numeric(CTX)
    assert res.status == "confirms"
    assert max(abs(g) for g in res.measured["lbfgs_relative_gaps"]) <= 1e-7


@pytest.mark.theorem("ZP-P1")
@pytest.mark.theorem("ZP-P2")
def test_trained_linear_lams_reach_the_pca_optimum_and_subspace():
    p1 = trained.zp_p1_trained(CTX)
    assert p1.status == "confirms", p1.detail
    assert p1.measured["models"] == 18 and max(p1.measured["rel_excess"]) <= trained.TAU
    p2 = trained.zp_p2_trained(CTX)
    assert p2.status == "confirms", p2.detail
    rows = [r for r in p2.measured["rows"] if r["j"]]
    assert len(rows) == 18 and all(r["sum_sin2"] <= r["bound"] + 1e-9 for r in rows)
    assert {f.name for f in p1.figures + p2.figures} == {"zp_p1_loss_vs_steps", "zp_p2_angle_vs_steps"}


def test_principal_angles_oracle_antioracle_and_degenerate():
    E = np.eye(4)
    # oracle: same span; arccos near 1 loses half the digits, so angles are exact to ~sqrt(eps) = 1.5e-8
    assert np.allclose(ll.principal_angles(E[:, :2], E[:, :2] @ np.array([[2.0, 1.0], [0.0, 3.0]])), 0, atol=1e-7)
    assert np.allclose(ll.principal_angles(E[:, :1], E[:, 1:2]), np.pi / 2)  # anti-oracle
    assert ll.principal_angles(E[:, :2], np.c_[E[:, 0], E[:, 0]]).shape == (1,)  # duplicated column: rank 1


def test_torch_training_loss_matches_numpy_on_a_fixed_batch():
    gen = torch.Generator().manual_seed(0)
    model = init_linear_lams(2, 5, [2, 3], LAMOptions(), gen, "cpu")
    o, o_next = torch.randn(2, 7, 5, generator=gen), torch.randn(2, 7, 5, generator=gen)
    got = lam_losses(model, Batch(o=o, o_next=o_next), gen).detach().double().numpy()
    p = model.numpy()
    for k in range(2):
        O, N = o[k].double().numpy(), o_next[k].double().numpy()
        pred = O @ p["A"][k].T + (O @ p["C"][k].T + N @ p["D"][k].T) @ p["B"][k].T
        assert got[k] == pytest.approx(np.mean(np.sum((N - pred) ** 2, 1)), rel=1e-5)  # float32 vs float64
