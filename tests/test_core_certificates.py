"""numerics.certificates: certified on true solutions, NOT certified on anything else.

Every rejection is built by editing what the solver hands back (a wrapper around cvxpy's
``Problem.solve`` perturbs the variables after the real solve), so the residuals are computed by the
code under test on a point we know to be wrong by a known amount. The perturbation size is 1e-3; the
certificates' tolerance is CERT_RTOL * scale * d = 1e-6 * 3 * 4 = 1.2e-5 here, so a 1e-3 error is
rejected by a factor of ~80 and a tolerance loosened to 1e-4 or beyond would let it through.

Instance: Sigma = Q diag(3, 2, 1, 0.5) Q^T with Q a fixed rotation (non-diagonal, so no coordinate
shortcut), k = 2: Ky Fan max tr(P Sigma) = 3 + 2 = 5, min tr((I - P) Sigma) = 1.5, ||Sigma||_2 = 3.
"""

from __future__ import annotations

from dataclasses import replace

import cvxpy as cp
import numpy as np
import pytest

from numerics import certificates as cert
from numerics.certificates import CERT_RTOL, certified_lsq, fantope_bound, ky_fan_dual_point

EIGS = np.array([3.0, 2.0, 1.0, 0.5])
Q = np.linalg.qr(np.array([[1.0, 2, 0, 1], [0, 1, 3, 1], [2, 0, 1, 1], [1, 1, 1, -2]]))[0]
SIGMA = Q @ np.diag(EIGS) @ Q.T
K = 2
TOL = 1e-6 * 3.0 * 4  # CERT_RTOL * max(1, ||Sigma||_2) * d, written out
DELTA = 1e-3


def test_tolerance_constant():
    assert CERT_RTOL == 1e-6


@pytest.fixture(scope="module")
def true_fantope():
    return fantope_bound(SIGMA, K)


def test_fantope_certifies_the_ky_fan_value(true_fantope):
    c = true_fantope
    assert c.certified and c.k == K and c.solver == "CLARABEL"
    assert c.primal_value == pytest.approx(5.0, abs=1e-6) and c.dual_value == pytest.approx(5.0, abs=1e-6)
    assert c.min_residual_value(SIGMA) == pytest.approx(1.5, abs=1e-6)
    assert c.tol == pytest.approx(TOL, rel=1e-12)
    assert c.primal_residual <= 1e-7 and c.dual_residual <= 1e-7 and abs(c.gap) <= 1e-7
    # the primal optimum is the projector on the top-2 eigenvectors; the dual nu sits in [lambda_3, lambda_2]
    assert np.allclose(c.P, Q[:, :2] @ Q[:, :2].T, atol=1e-5)
    assert 1.0 - 1e-6 <= c.nu <= 2.0 + 1e-6


def test_fantope_edge_cases_and_symmetrisation():
    assert fantope_bound(SIGMA, 0).primal_value == pytest.approx(0.0, abs=1e-6)
    full = fantope_bound(SIGMA, 4)
    assert full.certified and full.primal_value == pytest.approx(6.5, abs=1e-6)
    skew = np.array([[0, 1, 0, 0], [-1, 0, 0, 0], [0, 0, 0, 2], [0, 0, -2, 0.0]])
    c = fantope_bound(SIGMA + skew, K)  # tr(P S) only sees the symmetric part
    assert c.certified and c.primal_value == pytest.approx(5.0, abs=1e-6)
    small = fantope_bound(np.diag([0.5, 0.25, 0.0]), 1)  # ||Sigma|| < 1: tol = 1e-6 * 1 * 3
    assert small.tol == pytest.approx(3e-6, rel=1e-12) and small.primal_value == pytest.approx(0.5, abs=1e-6)
    for bad in (-1, 5):
        with pytest.raises(ValueError, match=r"k=.* must lie in \[0, 4\]"):
            fantope_bound(SIGMA, bad)


def _perturbing_solve(monkeypatch, edit):
    """Replace cvxpy's Problem.solve by: the real solve, then ``edit(problem)`` on the variables."""
    real = cp.Problem.solve

    def solve(self, *a, **kw):
        out = real(self, *a, **kw)
        edit(self)
        return out

    monkeypatch.setattr(cp.Problem, "solve", solve)


def _vars(problem):
    return {v.shape: v for v in problem.variables()}


def test_fantope_rejects_a_primal_outside_its_cone(monkeypatch):
    """P + 1e-3 u1 u1^T: the eigenvalue 1 of the projector moves to 1.001 (P <= I violated by 1e-3, and
    tr P = k violated by 1e-3)."""
    u = Q[:, [0]]

    def edit(pr):
        if isinstance(pr.objective, cp.Maximize):
            P = _vars(pr)[(4, 4)]
            P.value = P.value + DELTA * (u @ u.T)

    _perturbing_solve(monkeypatch, edit)
    c = fantope_bound(SIGMA, K)
    assert c.primal_residual == pytest.approx(DELTA, rel=1e-2) and c.dual_residual <= 1e-7
    assert not c.certified


def test_fantope_rejects_a_primal_that_breaks_only_the_trace(monkeypatch):
    """P - 1e-3 u1 u1^T stays inside 0 <= P <= I but tr P = k - 1e-3."""
    u = Q[:, [0]]

    def edit(pr):
        if isinstance(pr.objective, cp.Maximize):
            P = _vars(pr)[(4, 4)]
            P.value = P.value - DELTA * (u @ u.T)

    _perturbing_solve(monkeypatch, edit)
    c = fantope_bound(SIGMA, K)
    assert c.primal_residual == pytest.approx(DELTA, rel=1e-2) and not c.certified


def test_fantope_rejects_a_primal_below_zero(monkeypatch):
    """P - 1e-3 u4 u4^T + 1e-3 u1 u1^T... on u4 (eigenvalue 0 of P) gives -1e-3 < 0 at unchanged trace
    would need a second change, so take P - 1e-3 u4 u4^T: P >= 0 violated by 1e-3."""
    u = Q[:, [3]]

    def edit(pr):
        if isinstance(pr.objective, cp.Maximize):
            P = _vars(pr)[(4, 4)]
            P.value = P.value - DELTA * (u @ u.T)

    _perturbing_solve(monkeypatch, edit)
    c = fantope_bound(SIGMA, K)
    assert c.primal_residual == pytest.approx(DELTA, rel=1e-2) and not c.certified


def test_fantope_rejects_a_dual_outside_its_cone(monkeypatch):
    """Z - 1e-3 u4 u4^T: u4 is in the null space of the optimal Z (eigenvalue 0.5 < nu), so Z >= 0 is
    violated by 1e-3 while Z + nu I - Sigma keeps the margin nu - 0.5 >= 0.5 on u4."""
    u = Q[:, [3]]

    def edit(pr):
        if isinstance(pr.objective, cp.Minimize):
            Z = _vars(pr)[(4, 4)]
            Z.value = Z.value - DELTA * (u @ u.T)

    _perturbing_solve(monkeypatch, edit)
    c = fantope_bound(SIGMA, K)
    assert c.dual_residual == pytest.approx(DELTA, rel=1e-2) and c.primal_residual <= 1e-7
    assert not c.certified


def test_fantope_rejects_a_dual_that_breaks_the_second_constraint(monkeypatch):
    """Z = 0, nu = lambda_1 - 1e-3 = 2.999: Z >= 0 holds, Z + nu I - Sigma has eigenvalue -1e-3 on u1."""

    def edit(pr):
        if isinstance(pr.objective, cp.Minimize):
            v = _vars(pr)
            v[(4, 4)].value = np.zeros((4, 4))
            v[()].value = 3.0 - DELTA

    _perturbing_solve(monkeypatch, edit)
    c = fantope_bound(SIGMA, K)
    assert c.dual_residual == pytest.approx(DELTA, rel=1e-6) and c.dual_value == pytest.approx(2 * (3.0 - DELTA))
    assert not c.certified


def test_fantope_rejects_a_gap_above_tolerance(monkeypatch):
    """nu + 1e-3 stays dual feasible (Z + nu I - Sigma only grows) but the dual value rises by k * 1e-3."""

    def edit(pr):
        if isinstance(pr.objective, cp.Minimize):
            nu = _vars(pr)[()]
            nu.value = float(nu.value) + DELTA

    _perturbing_solve(monkeypatch, edit)
    c = fantope_bound(SIGMA, K)
    assert c.dual_residual <= 1e-7 and c.primal_residual <= 1e-7
    assert c.gap == pytest.approx(K * DELTA, rel=1e-2) and not c.certified


def test_fantope_refuses_an_unsolved_program(monkeypatch):
    monkeypatch.setattr(cp.Problem, "solve", lambda self, *a, **kw: None)
    with pytest.raises(RuntimeError, match="Fantope program not solved"):
        fantope_bound(SIGMA, K)


def test_fantope_certified_needs_all_three(true_fantope):
    c = true_fantope
    assert c.certified
    for bad in (dict(primal_residual=2 * c.tol), dict(dual_residual=2 * c.tol),
                dict(dual_value=c.primal_value + 2 * c.tol), dict(dual_value=c.primal_value - 2 * c.tol)):
        assert not replace(c, **bad).certified, bad
    for edge in (dict(primal_residual=c.tol), dict(dual_residual=c.tol), dict(primal_residual=0.0, dual_residual=0.0)):
        assert replace(c, **edge).certified, edge
    assert replace(c, dual_value=6.0, primal_value=5.0).gap == 1.0


def test_min_eig_helper():
    assert cert._min_eig(np.zeros((0, 0))) == 0.0
    assert cert._min_eig(np.array([[2.0, 0.0], [0.0, -1.0]])) == pytest.approx(-1.0)
    assert cert._min_eig(np.array([[0.0, 2.0], [0.0, 0.0]])) == pytest.approx(-1.0)  # symmetrised: [[0, 1], [1, 0]]


@pytest.mark.parametrize("k", [0, 1, 2, 3, 4])
def test_ky_fan_dual_point_is_feasible_and_tight(k):
    """nu = lambda_{k+1} (k < d) and Z = sum (lambda_i - nu)_+ u_i u_i^T: Z >= 0, Z + nu I - Sigma >= 0
    (checked by eigenvalues here) and k nu + tr Z = sum of the top k eigenvalues (hand values)."""
    nu, Z = ky_fan_dual_point(SIGMA, k)
    top = [0.0, 3.0, 5.0, 6.0, 6.5][k]
    assert k * nu + np.trace(Z) == pytest.approx(top, abs=1e-12)
    assert nu == pytest.approx([3.0, 2.0, 1.0, 0.5, 0.0][k], abs=1e-12)
    assert np.linalg.eigvalsh(Z).min() >= -1e-12 and np.linalg.eigvalsh(Z + nu * np.eye(4) - SIGMA).min() >= -1e-12


def test_ky_fan_dual_point_with_a_negative_eigenvalue():
    """k = d and lambda_min = -1 < 0: nu = min(0, lambda_min) = -1, Z = Sigma + I; value = tr Sigma = 1."""
    S = np.diag([2.0, 0.0, -1.0])
    nu, Z = ky_fan_dual_point(S, 3)
    assert nu == -1.0 and np.allclose(Z, np.diag([3.0, 1.0, 0.0]))
    nu1, Z1 = ky_fan_dual_point(S, 1)  # nu = lambda_2 = 0, Z = diag(2, 0, 0)
    assert nu1 == 0.0 and np.allclose(Z1, np.diag([2.0, 0.0, 0.0]))


# --- certified least squares ---------------------------------------------------------------------------

S_LSQ = np.array([[2.0, 1.0, 0.0], [1.0, 2.0, 0.5], [0.0, 0.5, 1.0]])  # PD (eigenvalues ~ 3.0, 1.3, 0.7)
G_LSQ = np.array([[1.0, -1.0, 2.0], [0.5, 0.0, 1.0]])
C0 = 7.0


def lsq_by_hand(S, G, c0):
    """min_W tr(W S W^T) - 2 tr(G W^T) + c0: stationarity W S = G, so W* = G S^{-1}, value c0 - tr(G S^{-1} G^T)."""
    W = np.linalg.solve(S.T, G.T).T
    return W, c0 - float(np.sum(W * G))


def test_lsq_certified_on_the_true_solution():
    W, v = lsq_by_hand(S_LSQ, G_LSQ, C0)
    c = certified_lsq(S_LSQ, G_LSQ, C0)
    assert c.certified and np.allclose(c.W, W, atol=1e-6)
    assert c.primal_value == pytest.approx(v, abs=1e-6) and c.dual_value == pytest.approx(v, abs=1e-6)
    # tol = CERT_RTOL * max(1, ||S||_2, max |G|, |c0|) * n = 1e-6 * 7 * 3
    assert c.tol == pytest.approx(2.1e-5, rel=1e-12)
    assert c.dual_residual <= 1e-7 and c.stationarity_residual <= 1e-6 and abs(c.gap) <= 1e-7


def test_lsq_tolerance_scale_takes_the_largest_term():
    S = np.diag([4.0, 0.0])  # rank deficient; G in its row range
    c = certified_lsq(S, np.array([[2.0, 0.0]]), 0.5)  # scale = max(1, 4, 2, 0.5) = 4, n = 2
    assert c.tol == pytest.approx(8e-6, rel=1e-12) and c.certified
    assert c.W[0, 0] == pytest.approx(0.5, abs=1e-6) and c.primal_value == pytest.approx(0.5 - 1.0, abs=1e-6)
    c = certified_lsq(np.diag([0.5, 0.25]), np.array([[-3.0, 0.0]]), 0.0)  # scale = max |G| = 3
    assert c.tol == pytest.approx(6e-6, rel=1e-12) and c.primal_value == pytest.approx(-18.0, abs=1e-5)
    c = certified_lsq(np.diag([0.5, 0.25]), np.array([[0.1, 0.0]]), -9.0)  # scale = |c0| = 9
    assert c.tol == pytest.approx(1.8e-5, rel=1e-12)
    c = certified_lsq(np.diag([0.5, 0.25]), np.array([[0.1, 0.0]]), 0.2)  # every term below 1: scale = 1
    assert c.tol == pytest.approx(2e-6, rel=1e-12) and c.certified
    # the spectral norm (3 + sqrt 2 for this tridiagonal S), not the max column sum (5)
    T = np.array([[3.0, 1.0, 0.0], [1.0, 3.0, 1.0], [0.0, 1.0, 3.0]])
    c = certified_lsq(T, np.array([[0.1, 0.0, 0.0]]), 0.0)
    assert c.tol == pytest.approx(1e-6 * (3 + np.sqrt(2)) * 3, rel=1e-12)


def test_lsq_with_a_rank_deficient_S_and_G_in_its_range():
    L = np.array([[1.0, 0.0], [1.0, 1.0], [0.0, 2.0]])
    S = L @ L.T  # rank 2 in R^3
    M = np.array([[1.0, -1.0, 0.5]])
    G = M @ S
    c = certified_lsq(S, G, 1.0)
    # every W = M + N with N S = 0 is optimal; the value is c0 - tr(M S M^T)
    assert c.certified and c.primal_value == pytest.approx(1.0 - float((M @ S @ M.T)[0, 0]), abs=1e-6)
    assert np.allclose(c.W @ S, G, atol=1e-6)


def test_lsq_with_S_zero():
    c = certified_lsq(np.zeros((2, 2)), np.zeros((1, 2)), 3.0)
    assert c.certified and c.primal_value == 3.0 and c.dual_value == 3.0 and np.all(c.W == 0)
    assert c.tol == pytest.approx(3e-6 * 2, rel=1e-12)
    bad = certified_lsq(np.zeros((2, 2)), np.array([[0.0, 1e-3]]), 0.0)  # unbounded below: never certified
    assert not bad.certified and bad.dual_residual == pytest.approx(2e-3) and bad.stationarity_residual == pytest.approx(2e-3)
    assert bad.W.shape == (1, 2)


def test_lsq_rejects_a_perturbed_primal(monkeypatch):
    """W* + 1e-3 E11: stationarity 2 (W S - G) = 2e-3 E11 S, max entry 2e-3 * 2 = 4e-3 > tol = 2.1e-5."""

    def edit(pr):
        if isinstance(pr.objective, cp.Minimize):
            W = _vars(pr)[(2, 3)]
            W.value = W.value + DELTA * np.eye(2, 3)

    _perturbing_solve(monkeypatch, edit)
    c = certified_lsq(S_LSQ, G_LSQ, C0)
    assert c.stationarity_residual == pytest.approx(4e-3, rel=1e-2) and c.dual_residual <= 1e-7
    assert not c.certified


def test_lsq_rejects_an_infeasible_dual(monkeypatch):
    """V + 1e-3 E11: V L^T = 2G breaks by 1e-3 times the first row of L^T."""

    def edit(pr):
        if isinstance(pr.objective, cp.Maximize):
            (V,) = pr.variables()
            V.value = V.value + DELTA * np.eye(*V.shape)

    _perturbing_solve(monkeypatch, edit)
    c = certified_lsq(S_LSQ, G_LSQ, C0)
    assert DELTA * 0.1 < c.dual_residual < DELTA * 3 and c.stationarity_residual <= 1e-6
    assert not c.certified


def test_lsq_certified_needs_all_three():
    c = certified_lsq(S_LSQ, G_LSQ, C0)
    for bad in (dict(dual_residual=2 * c.tol), dict(stationarity_residual=2 * c.tol),
                dict(dual_value=c.primal_value + 2 * c.tol), dict(dual_value=c.primal_value - 2 * c.tol)):
        assert not replace(c, **bad).certified, bad
    for edge in (dict(dual_residual=c.tol), dict(stationarity_residual=c.tol), dict(dual_value=c.primal_value - c.tol / 2)):
        assert replace(c, **edge).certified, edge
    assert replace(c, primal_value=2.0, dual_value=1.5).gap == 0.5


# --- one condition at a time, at the optimal value (so no other check can catch it) ---------------------

def _set_solution(monkeypatch, primal=None, dual=None):
    """Replace the solver's answer by an exact point: primal P, and/or dual (nu, Z), both in Q's basis."""

    def edit(pr):
        v = _vars(pr)
        if isinstance(pr.objective, cp.Maximize) and primal is not None:
            v[(4, 4)].value = Q @ np.diag(primal) @ Q.T
        if isinstance(pr.objective, cp.Minimize) and dual is not None:
            v[()].value = dual[0]
            v[(4, 4)].value = Q @ np.diag(dual[1]) @ Q.T

    _perturbing_solve(monkeypatch, edit)


@pytest.mark.parametrize("eigs,primal", [
    # Sigma = diag(2, 2, 2, 0.5) (k = 2, optimum 4): P = diag(1.001, 1/3 - 0.001, 2/3, 0) has tr P = 2 and value
    # 2 * 2 = 4, and breaks only P <= I (by 1e-3)
    ((2.0, 2.0, 2.0, 0.5), (1 + DELTA, 1 / 3 - DELTA, 2 / 3, 0.0)),
    # Sigma = diag(3, 1, 1, 1) (optimum 4): P = diag(1, 0.5, 0.5 + 0.001, -0.001): value 3 + 1 = 4, tr 2; breaks only P >= 0
    ((3.0, 1.0, 1.0, 1.0), (1.0, 0.5, 0.5 + DELTA, -DELTA)),
    # Sigma = diag(3, 2, 0, 0) (optimum 5): P = diag(1, 1, 0.001, 0): value 5, inside [0, I]; breaks only tr P = 2
    ((3.0, 2.0, 0.0, 0.0), (1.0, 1.0, DELTA, 0.0)),
])
def test_fantope_rejects_each_primal_condition_alone(monkeypatch, eigs, primal):
    S = Q @ np.diag(eigs) @ Q.T
    _set_solution(monkeypatch, primal=primal)
    c = fantope_bound(S, K)
    assert c.primal_value == pytest.approx(c.dual_value, abs=1e-7)  # the gap cannot catch it
    assert c.primal_residual == pytest.approx(DELTA, rel=1e-6) and c.dual_residual <= 1e-7
    assert not c.certified


@pytest.mark.parametrize("nu,Z", [
    # nu = 1.5, Z = diag(1.5, 0.5, 0, 0) + 1e-3 (e1 - e4): value 3 + 2 = 5, Z + nu I - Sigma >= 0; breaks only Z >= 0
    (1.5, (1.5 + DELTA, 0.5, 0.0, -DELTA)),
    # nu = 1.5, Z = diag(1.5 - 0.001, 0.5 + 0.001, 0, 0): value 5, Z >= 0; breaks only Z + nu I - Sigma >= 0 (on u1)
    (1.5, (1.5 - DELTA, 0.5 + DELTA, 0.0, 0.0)),
])
def test_fantope_rejects_each_dual_condition_alone(monkeypatch, nu, Z):
    _set_solution(monkeypatch, dual=(nu, Z))
    c = fantope_bound(SIGMA, K)
    assert c.dual_value == pytest.approx(5.0, abs=1e-9) and abs(c.gap) <= 1e-6
    assert c.dual_residual == pytest.approx(DELTA, rel=1e-6) and c.primal_residual <= 1e-7
    assert not c.certified
    _set_solution(monkeypatch, dual=(nu, (1.5, 0.5, 0.0, 0.0)))  # the exact dual point: certified
    assert fantope_bound(SIGMA, K).certified


def test_certificates_are_frozen_and_gap_boundaries_inclusive(true_fantope):
    import dataclasses

    c = true_fantope
    with pytest.raises(dataclasses.FrozenInstanceError):
        c.tol = 1.0
    lsq = certified_lsq(S_LSQ, G_LSQ, C0)
    with pytest.raises(dataclasses.FrozenInstanceError):
        lsq.tol = 1.0
    # |gap| == tol exactly (0 and tol are exact floats) is accepted
    assert replace(c, primal_value=0.0, dual_value=c.tol, primal_residual=0.0, dual_residual=0.0).certified
    assert replace(lsq, primal_value=lsq.tol, dual_value=0.0, dual_residual=0.0, stationarity_residual=0.0).certified


def test_fantope_residuals_are_zero_at_strictly_feasible_points(monkeypatch):
    """nu = 1.5, Z = diag(1.5, 0.5, 0, 0) + 0.1 I: Z >= 0.1 and Z + nu I - Sigma >= 0.1 strictly, so the dual
    residual is exactly 0 (a violation is never negative)."""
    _set_solution(monkeypatch, dual=(1.5, (1.6, 0.6, 0.1, 0.1)))
    c = fantope_bound(SIGMA, K)
    assert c.dual_residual == 0.0 and c.dual_value == pytest.approx(5.4)
    assert not c.certified  # the gap 0.4 is still there


def test_fantope_refuses_a_partial_solution(monkeypatch):
    """The solver returned nu but not Z (or Z but not nu): not solved."""
    real = cp.Problem.solve

    def drop(name):
        def solve(self, *a, **kw):
            out = real(self, *a, **kw)
            if isinstance(self.objective, cp.Minimize):
                v = _vars(self)
                (v[(4, 4)] if name == "Z" else v[()]).value = None
            return out
        return solve

    for name in ("Z", "nu"):
        monkeypatch.setattr(cp.Problem, "solve", drop(name))
        with pytest.raises(RuntimeError, match="not solved"):
            fantope_bound(SIGMA, K)


def test_lsq_with_no_heads():
    """G with no rows (nothing to regress) and S = 0: residuals are 0, not negative."""
    c = certified_lsq(np.zeros((2, 2)), np.zeros((0, 2)), 1.0)
    assert c.dual_residual == 0.0 and c.stationarity_residual == 0.0 and c.certified and c.W.shape == (0, 2)
