"""numerics.linear_lam: the loss against its definition on samples, its gradient against finite
differences, optimal A against a perturbation search, PCA against hand eigen-decompositions, principal
angles of subspaces built at known angles.

Instance: d_o = 3, non-symmetric and non-orthonormal factors (fixed integers), so no identity of the
orthonormal case can hide an error.
"""

from __future__ import annotations

import numpy as np
import pytest

from numerics import linear_lam as ll
from numerics.linear_lam import TransitionMoments

rng0 = np.random.default_rng(7)
A0 = np.array([[0.5, -1.0, 0.0], [1.0, 0.2, 0.3], [0.0, 2.0, -0.5]])
B0 = np.array([[1.0, 0.0], [0.5, -1.0], [0.0, 2.0]])
C0 = np.array([[0.2, 0.0, -1.0], [1.0, 1.0, 0.0]])
D0 = np.array([[0.0, 1.0, 0.5], [-0.3, 0.0, 1.0]])
F_O = np.array([[1.0, 0.5, 0.0], [0.0, 1.0, -1.0], [2.0, 0.0, 3.0]])  # det 2; Sigma_o = F_O F_O^T, non-diagonal
M_NEXT = np.array([[0.9, 0.2, 0.0], [0.1, 1.0, -0.4], [0.0, 0.3, 0.7]])  # o' = M o + N w
N_NEXT = np.array([[1.0, 0.0], [0.5, 1.0], [-1.0, 2.0]])


def moments() -> TransitionMoments:
    """Exact moments of o = F_O u, o' = M o + N w (u, w independent standard normal), by hand:
    S_oo = F F^T, S_no = M F F^T, S_nn = M F F^T M^T + N N^T."""
    S = F_O @ F_O.T
    return TransitionMoments(S_oo=S, S_no=M_NEXT @ S, S_nn=M_NEXT @ S @ M_NEXT.T + N_NEXT @ N_NEXT.T)


def test_loss_is_the_mean_squared_residual():
    """On n samples, lam_loss of the samples' raw moments equals (1/n) sum ||o' - A o - B(C o + D o')||^2
    exactly (an algebraic identity: both are the same quadratic form), to float round-off."""
    u, w = rng0.standard_normal((3, 500)), rng0.standard_normal((2, 500))
    o = F_O @ u
    on = M_NEXT @ o + N_NEXT @ w
    res = on - A0 @ o - B0 @ (C0 @ o + D0 @ on)
    direct = float(np.mean(np.sum(res**2, axis=0)))
    m = TransitionMoments(S_oo=o @ o.T / 500, S_no=on @ o.T / 500, S_nn=on @ on.T / 500)
    assert ll.lam_loss(A0, B0, C0, D0, m) == pytest.approx(direct, rel=1e-12)
    assert m.d_o == 3


def test_loss_by_hand():
    """A = 0, B = 0: L = E||o'||^2 = tr S_nn; A = I, B = 0, o' = o: L = 0; B D = I (D = B^+), A = -BC: L = 0."""
    m = moments()
    Z3, Z32, Z23 = np.zeros((3, 3)), np.zeros((3, 2)), np.zeros((2, 3))
    assert ll.lam_loss(Z3, Z32, Z23, Z23, m) == pytest.approx(np.trace(m.S_nn))
    same = TransitionMoments(S_oo=m.S_oo, S_no=m.S_oo, S_nn=m.S_oo)
    assert ll.lam_loss(np.eye(3), Z32, Z23, Z23, same) == pytest.approx(0.0, abs=1e-12)
    assert ll.lam_loss(2 * np.eye(3), Z32, Z23, Z23, same) == pytest.approx(np.trace(m.S_oo))  # ||(I - 2I) o||^2
    B, D = np.eye(3)[:, :2], np.eye(3)[:2]
    # o' = o on a 2-dim subspace: BD o' = o', A = -BC cancels C: residual (I - BD) o' = e3 component of o
    sub = np.diag([1.0, 2.0, 0.0])
    m2 = TransitionMoments(S_oo=sub, S_no=sub, S_nn=sub)
    assert ll.lam_loss(-B @ C0, B, C0, D, m2) == pytest.approx(0.0, abs=1e-12)


def _fd_grad(f, A, h=1e-6):
    G = np.zeros_like(A)
    for i in range(A.shape[0]):
        for j in range(A.shape[1]):
            E = np.zeros_like(A)
            E[i, j] = h
            G[i, j] = (f(A + E) - f(A - E)) / (2 * h)
    return G


def test_grad_A_against_central_differences():
    """Central differences of a quadratic are exact up to round-off: error ~ eps * |L| / h ~ 1e-9."""
    m = moments()
    fd = _fd_grad(lambda A: ll.lam_loss(A, B0, C0, D0, m), A0)
    assert np.allclose(ll.lam_loss_grad_A(A0, B0, C0, D0, m), fd, atol=1e-6)
    assert np.max(np.abs(fd)) > 1  # a non-trivial gradient


def test_optimal_A_is_stationary_and_minimal():
    m = moments()
    A = ll.optimal_A(B0, C0, D0, m)
    f = lambda X: ll.lam_loss(X, B0, C0, D0, m)  # noqa: E731
    assert np.allclose(_fd_grad(f, A), 0, atol=1e-6)
    base = f(A)
    rng = np.random.default_rng(1)
    assert all(f(A + 1e-2 * rng.standard_normal((3, 3))) > base for _ in range(20))
    assert base < f(A0)


def test_optimal_A_for_uncorrelated_change_is_prop_4_1():
    """S_no = S_oo (o' = o + r, r uncorrelated with o): A* = I - B(C + D) (Zhang Prop. 4.1)."""
    m = moments()
    m = TransitionMoments.from_change(m.S_oo, N_NEXT @ N_NEXT.T)
    assert np.allclose(ll.optimal_A(B0, C0, D0, m), np.eye(3) - B0 @ (C0 + D0), atol=1e-12)


def test_optimal_A_with_singular_S_oo_is_minimum_norm():
    """S_oo = diag(1, 0, 0): only the first column of F = A + BC is determined (= G S_no e1); pinv sets the
    others to 0, so A* = F* - BC with F* = [G S_no e1, 0, 0]."""
    S_oo = np.diag([1.0, 0.0, 0.0])
    S_no = np.array([[2.0, 0, 0], [1.0, 0, 0], [-1.0, 0, 0]])
    m = TransitionMoments(S_oo=S_oo, S_no=S_no, S_nn=np.eye(3) * 9)
    A = ll.optimal_A(B0, C0, D0, m)
    G = np.eye(3) - B0 @ D0
    F = np.zeros((3, 3))
    F[:, 0] = G @ S_no[:, 0]
    assert np.allclose(A, F - B0 @ C0, atol=1e-12)


def test_from_change_by_hand():
    S_o, S_r = np.diag([1.0, 2.0]), np.diag([3.0, 5.0])
    K = np.array([[0.0, 1.0], [0.0, 0.0]])  # E[o r^T]
    m = TransitionMoments.from_change(S_o, S_r, K)
    assert np.array_equal(m.S_oo, S_o)
    assert np.array_equal(m.S_no, np.array([[1.0, 0.0], [1.0, 2.0]]))  # E[(o + r) o^T] = S_o + K^T
    assert np.array_equal(m.S_nn, np.array([[4.0, 1.0], [1.0, 7.0]]))  # S_o + K + K^T + S_r
    m0 = TransitionMoments.from_change(S_o, S_r)
    assert np.array_equal(m0.S_no, S_o) and np.array_equal(m0.S_nn, S_o + S_r)


def test_reduced_loss_by_hand():
    """BD = e1 e1^T, Sigma = diag(3, 2, 1): (BD - I) Sigma (BD - I)^T = diag(0, 2, 1) -> 3.
    BD = [[1, 1], [0, 0]] (oblique), Sigma = I_2: N = [[0, 1], [0, -1]], tr N N^T = 2."""
    assert ll.reduced_loss(np.eye(3)[:, :1], np.eye(3)[:1], np.diag([3.0, 2.0, 1.0])) == pytest.approx(3.0)
    assert ll.reduced_loss(np.array([[1.0], [0.0]]), np.array([[1.0, 1.0]]), np.eye(2)) == pytest.approx(2.0)
    assert ll.reduced_loss(np.zeros((2, 1)), np.zeros((1, 2)), np.array([[2.0, 1.0], [1.0, 3.0]])) == pytest.approx(5.0)


def test_pca_optimum_by_hand():
    """Sigma = Q diag(4, 2, 2, 1) Q^T: k = 1 tail 5, gap 2; k = 2 tail 3, gap 0 (a tie); k = 3 tail 1, gap 1."""
    Q = np.linalg.qr(np.array([[1.0, 1, 0, 2], [0, 1, 1, 0], [1, 0, 1, 1], [2, 1, 0, -1]]))[0]
    S = Q @ np.diag([4.0, 2.0, 2.0, 1.0]) @ Q.T
    p1 = ll.pca_optimum(S, 1)
    assert np.allclose(p1.eigvals, [4, 2, 2, 1]) and p1.value == pytest.approx(5.0) and p1.gap == pytest.approx(2.0)
    assert np.allclose(p1.projector, Q[:, :1] @ Q[:, :1].T) and p1.U.shape == (4, 1)
    p2 = ll.pca_optimum(S, 2)
    assert p2.value == pytest.approx(3.0) and p2.gap == pytest.approx(0.0, abs=1e-12)
    p3 = ll.pca_optimum(S, 3)
    assert p3.value == pytest.approx(1.0) and p3.gap == pytest.approx(1.0)
    assert np.allclose(p3.projector, np.eye(4) - Q[:, 3:] @ Q[:, 3:].T)
    p4 = ll.pca_optimum(S, 4)
    assert p4.value == 0.0 and p4.gap == float("inf")
    p9 = ll.pca_optimum(S, 9)  # k above d: clipped to d
    assert p9.U.shape == (4, 4) and p9.gap == float("inf")
    # only the symmetric part counts
    skew = np.array([[0, 1.0, 0, 0], [-1.0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]])
    assert ll.pca_optimum(S + skew, 1).value == pytest.approx(5.0)
    assert ll.eigen_tail(S, 1) == pytest.approx(5.0) and ll.eigen_tail(S, 0) == pytest.approx(9.0)


def test_pca_value_is_the_minimum_of_the_reduced_loss():
    """Eckart-Young: no rank-1 BD beats the eigen tail (random search), and B = U, D = U^T attains it."""
    S = np.array([[3.0, 1.0, 0.0], [1.0, 2.0, 0.5], [0.0, 0.5, 1.0]])
    p = ll.pca_optimum(S, 1)
    assert ll.reduced_loss(p.U, p.U.T, S) == pytest.approx(p.value, abs=1e-12)
    rng = np.random.default_rng(3)
    assert min(ll.reduced_loss(rng.standard_normal((3, 1)), rng.standard_normal((1, 3)), S) for _ in range(500)) > p.value - 1e-12


def test_orthonormal_basis():
    M = np.array([[1.0, 2.0, 0.0], [0.0, 0.0, 1.0], [0.0, 0.0, 0.0]])  # span{e1, e2}, rank 2
    Q = ll.orthonormal_basis(M)
    assert Q.shape == (3, 2) and np.allclose(Q.T @ Q, np.eye(2)) and np.allclose(Q @ Q.T, np.diag([1.0, 1.0, 0.0]))
    assert ll.orthonormal_basis(np.zeros((3, 2))).shape == (3, 0)
    assert ll.orthonormal_basis(np.zeros((3, 0))).shape == (3, 0)
    tiny = np.array([[1.0, 0.0], [0.0, 1e-12]])  # second singular value below rtol = 1e-10 relative
    assert ll.orthonormal_basis(tiny).shape == (2, 1)
    assert ll.orthonormal_basis(tiny, rtol=1e-14).shape == (2, 2)
    assert ll.orthonormal_basis(np.array([[1.0, 0.0], [0.0, 1e-9]])).shape == (2, 2)  # 1e-9 > 1e-10: kept


def test_principal_angles_of_known_subspaces():
    """span{e1, e2} against span{e1 + e3 (scaled), cos t e2 + sin t e4}: angles (0, t); non-orthonormal
    spanning sets (scaled, sheared) give the same angles."""
    t = 0.7
    e = np.eye(4)
    M1 = np.column_stack([2 * e[:, 0], e[:, 0] + 3 * e[:, 1]])
    M2 = np.column_stack([-5 * e[:, 0], np.cos(t) * e[:, 1] + np.sin(t) * e[:, 3]])
    ang = ll.principal_angles(M1, M2)
    assert np.allclose(ang, [0.0, t], atol=1e-7)
    assert np.allclose(ll.principal_angles(e[:, :2], e[:, 2:]), [np.pi / 2, np.pi / 2])
    # a 1-dim subspace against a 2-dim one: one angle, 45 degrees
    assert np.allclose(ll.principal_angles(e[:, [0]] + e[:, [2]], e[:, :2]), [np.pi / 4])
    same = ll.principal_angles(M1, M1 @ np.array([[1.0, 2.0], [0.0, 1.0]]))
    assert np.allclose(same, 0.0, atol=1e-7)


def test_min_A_certificate_matches_the_closed_form():
    m = moments()
    A, c = ll.min_A_certificate(B0, C0, D0, m)
    assert c.certified
    assert np.allclose(A, ll.optimal_A(B0, C0, D0, m), atol=1e-5)
    assert c.primal_value == pytest.approx(ll.lam_loss(ll.optimal_A(B0, C0, D0, m), B0, C0, D0, m), abs=1e-5)


def test_records_are_frozen_and_rank_cut_is_strict():
    import dataclasses

    with pytest.raises(dataclasses.FrozenInstanceError):
        moments().S_oo = None
    with pytest.raises(dataclasses.FrozenInstanceError):
        ll.pca_optimum(np.eye(2), 1).value = 0.0
    # rtol = 0: exactly-zero singular values are not part of the span (s > 0, not s >= 0)
    assert ll.orthonormal_basis(np.array([[1.0, 0.0], [0.0, 0.0]]), rtol=0.0).shape == (2, 1)


def test_rank_cut_is_relative_and_angles_survive_round_off():
    # 5e-10 < 1e-10 * 10 (relative to the largest singular value): dropped
    assert ll.orthonormal_basis(np.diag([10.0, 5e-10])).shape == (2, 1)
    assert ll.orthonormal_basis(np.diag([10.0, 2e-9])).shape == (2, 2)
    # the same span twice: singular values of Q1^T Q2 come out as 1 + 2e-16 here; the clip keeps arccos finite
    M = np.random.default_rng(0).standard_normal((5, 2))
    ang = ll.principal_angles(M, M @ np.array([[1.0, 2.0], [0.0, 1.0]]))
    assert np.all(np.isfinite(ang)) and np.allclose(ang, 0.0, atol=1e-7)
