"""ZP-P3 (Sec. 4.2, correlated policy a = Pi_d o + pi_s): the paper's extra term against the optimal A.

On a `LinearProcess` a = chi Pi o + (1 - chi) pi_s, i.e. Pi_d = chi Pi and Cov(stochastic part) =
(1 - chi)^2 Sigma_a. Then K = E[o q^T] = Sigma_o Pi_d^T X^T and the correct stationary A for fixed
(B, C, D) (theory.zhang2025.policy) is A* = I - B(C+D) + (I - BD) X Pi_d, with L(A*) = PCA loss on the
innovation Sigma_{r|o} = X Sigma_s X^T + Sigma_eps (`LinearProcess.Sigma_r`). The paper's extra term
T_p = Sigma_o Pi_d^T X^T (BD - I)^T Sigma_o^{-1} is tried with both signs.
"""

from __future__ import annotations

import numpy as np

from numerics import linear_lam as ll
from numerics.processes import LinearProcess
from numerics.zhang2025.reduction import float_tolerance

Array = np.ndarray


def Pi_d(p: LinearProcess) -> Array:
    return p.chi * p.Pi


def correct_A(p: LinearProcess, B: Array, C: Array, D: Array) -> Array:
    I = np.eye(p.d_o)
    return I - B @ (C + D) + (I - B @ D) @ p.X @ Pi_d(p)


def paper_A(p: LinearProcess, B: Array, C: Array, D: Array, sign: int) -> Array:
    I = np.eye(p.d_o)
    T = p.Sigma_o @ Pi_d(p).T @ p.X.T @ (B @ D - I).T @ np.linalg.inv(p.Sigma_o)
    return I - B @ (C + D) + sign * T


def term_scale(p: LinearProcess, B: Array, C: Array, D: Array) -> float:
    n = lambda M: float(np.linalg.norm(M, 2))  # noqa: E731
    return (2 + n(B) * (n(C) + n(D)) + (1 + n(B) * n(D)) * n(p.X) * n(Pi_d(p)) * np.linalg.cond(p.Sigma_o)) ** 2 \
        * (1 + n(p.Sigma_o) + n(p.Sigma_delta))


def paper_violation(args) -> tuple[float, str]:
    """As written: A = I - B(C+D) +- T_p is stationary for at least one sign. (The clause E[o q^T] != 0 fails
    only when X Pi_d Sigma_o = 0, e.g. X = 0; `cross_moment` reports it separately.)"""
    p, B, C, D = args
    m = p.moments()
    tol = float_tolerance(term_scale(p, B, C, D), p.d_o)
    g = [float(np.max(np.abs(ll.lam_loss_grad_A(paper_A(p, B, C, D, s), B, C, D, m)))) for s in (1, -1)]
    return min(g) - tol, f"max|dL/dA| at the paper's A: sign + {g[0]:.3g}, sign - {g[1]:.3g} (tol {tol:.2g})"


def cross_moment(p: LinearProcess) -> float:
    """max |E[o q^T]| = max |Sigma_o Pi_d^T X^T|: zero exactly when X Pi_d Sigma_o = 0."""
    return float(np.max(np.abs(p.cov("o", "q"))))


def repair_violation(args) -> tuple[float, str]:
    """Repair: A* = I - B(C+D) + (I-BD) X Pi_d is stationary, equals the pseudo-inverse optimum, and
    L(A*) = tr((BD - I) Sigma_{r|o} (BD - I)^T)."""
    p, B, C, D = args
    m = p.moments()
    tol = float_tolerance(term_scale(p, B, C, D), p.d_o)
    A = correct_A(p, B, C, D)
    g = float(np.max(np.abs(ll.lam_loss_grad_A(A, B, C, D, m))))
    diff = float(np.max(np.abs(A - ll.optimal_A(B, C, D, m)))) / max(1.0, np.linalg.cond(p.Sigma_o))
    val = abs(ll.lam_loss(A, B, C, D, m) - ll.reduced_loss(B, D, p.Sigma_r))
    return max(g, diff, val) - tol, f"grad {g:.3g}, |A* - A_pinv| {diff:.3g}, value err {val:.3g}, tol {tol:.3g}"
