"""Symbolic derivations for the linear LAM (shared by Zhang et al. 2025 and Lee et al. 2026).

Model: o' = o + r (r = q + eps), IDM z = C o + D o', FDM o_hat' = A o + B z. With
M := A + B(C + D) - I and N := BD - I the residual is

    o_hat' - o' = M o + N r,                                                   (1)
    L = E||M o + N r||^2 = tr(M Sigma_o M^T) + 2 tr(M K N^T) + tr(N Sigma_r N^T),  (2)

where Sigma_o = E[o o^T], Sigma_r = E[r r^T], K = E[o r^T]. The cross term 2 tr(M K N^T) is linear in
K and vanishes when K = 0 (Prop. 4.1's assumption). The gradient is dL/dA = 2(M Sigma_o + N K^T), so
the stationary A is

    A* = I - B(C + D) - (BD - I) K^T Sigma_o^{-1}      (= I - B(C + D) when K = 0).   (3)

Everything below derives (1)-(3) with sympy and cross-checks it three ways: entrywise on explicit
symbolic matrices (d_o = 2, 3), on exact finite distributions with rational entries, and by finite
differences. sympy's own matrix calculus is used term by term only: `sympy.diff` of the whole sum (2)
with respect to the MatrixSymbol A returns 0 in sympy 1.14, which is wrong.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from itertools import product

import numpy as np
import sympy as sp


def sym_matrix(name: str, rows: int, cols: int) -> sp.Matrix:
    return sp.Matrix(rows, cols, lambda i, j: sp.Symbol(f"{name}_{i}{j}", real=True))


def sym_symmetric(name: str, d: int) -> sp.Matrix:
    return sp.Matrix(d, d, lambda i, j: sp.Symbol(f"{name}_{min(i, j)}{max(i, j)}", real=True))


@dataclass(frozen=True)
class LinearLAMSymbols:
    """Entrywise symbols of a (d_o, d_z) linear LAM and the process' second moments."""

    d_o: int
    d_z: int
    A: sp.Matrix
    B: sp.Matrix
    C: sp.Matrix
    D: sp.Matrix
    Sigma_o: sp.Matrix
    Sigma_r: sp.Matrix
    K: sp.Matrix

    @classmethod
    def make(cls, d_o: int, d_z: int) -> "LinearLAMSymbols":
        return cls(d_o, d_z, sym_matrix("A", d_o, d_o), sym_matrix("B", d_o, d_z), sym_matrix("C", d_z, d_o),
                   sym_matrix("D", d_z, d_o), sym_symmetric("So", d_o), sym_symmetric("Sr", d_o), sym_matrix("K", d_o, d_o))

    @property
    def M(self) -> sp.Matrix:
        return self.A + self.B * (self.C + self.D) - sp.eye(self.d_o)

    @property
    def N(self) -> sp.Matrix:
        return self.B * self.D - sp.eye(self.d_o)


def expectation_of_quadratic(expr: sp.Expr, o: list[sp.Symbol], r: list[sp.Symbol], s: LinearLAMSymbols) -> sp.Expr:
    """E[expr] for expr a quadratic form in the random vectors (o, r), by linearity of expectation:
    o_i o_j -> Sigma_o[i,j], r_i r_j -> Sigma_r[i,j], o_i r_j -> K[i,j]."""
    poly = sp.Poly(sp.expand(expr), *o, *r)
    moment = {}
    for i, j in product(range(s.d_o), repeat=2):
        moment[(("o", i), ("o", j))] = s.Sigma_o[i, j]
        moment[(("r", i), ("r", j))] = s.Sigma_r[i, j]
        moment[(("o", i), ("r", j))] = s.K[i, j]
    names = [("o", i) for i in range(s.d_o)] + [("r", i) for i in range(s.d_o)]
    total = sp.Integer(0)
    for exps, coeff in poly.terms():
        factors = [names[idx] for idx, e in enumerate(exps) for _ in range(e)]
        if len(factors) != 2:
            raise ValueError("expectation_of_quadratic needs a homogeneous quadratic form")
        total += coeff * moment[(factors[0], factors[1])]
    return sp.expand(total)


def loss_by_expectation(s: LinearLAMSymbols) -> sp.Expr:
    """L = E||o' - A o - B(C o + D o')||^2 with o' = o + r, computed from the definition."""
    o = [sp.Symbol(f"o{i}", real=True) for i in range(s.d_o)]
    r = [sp.Symbol(f"r{i}", real=True) for i in range(s.d_o)]
    ov, rv = sp.Matrix(o), sp.Matrix(r)
    o_next = ov + rv
    residual = o_next - s.A * ov - s.B * (s.C * ov + s.D * o_next)
    return expectation_of_quadratic((residual.T * residual)[0, 0], o, r, s)


def loss_closed_form(s: LinearLAMSymbols) -> sp.Expr:
    """tr(M Sigma_o M^T) + 2 tr(M K N^T) + tr(N Sigma_r N^T), eq. (2)."""
    M, N = s.M, s.N
    return sp.expand((M * s.Sigma_o * M.T).trace() + 2 * (M * s.K * N.T).trace() + (N * s.Sigma_r * N.T).trace())


def cross_term(s: LinearLAMSymbols, loss: sp.Expr) -> sp.Expr:
    """The part of the loss that depends on K = E[o r^T]: L - L|_{K=0}."""
    return sp.expand(loss - loss.subs({k: 0 for k in s.K}))


def is_linear_in(expr: sp.Expr, symbols) -> bool:
    """True when expr is a polynomial of total degree <= 1 in ``symbols``."""
    return sp.Poly(expr, *symbols).total_degree() <= 1


def gradient_A(s: LinearLAMSymbols, loss: sp.Expr) -> sp.Matrix:
    """dL/dA entrywise."""
    return sp.Matrix(s.d_o, s.d_o, lambda i, j: sp.diff(loss, s.A[i, j]))


def stationary_A_candidate(s: LinearLAMSymbols, with_cross: bool) -> sp.Matrix:
    """Eq. (3): I - B(C+D) - (BD - I) K^T Sigma_o^{-1} (the last term only ``with_cross``)."""
    A = sp.eye(s.d_o) - s.B * (s.C + s.D)
    if with_cross:
        A = A - s.N * s.K.T * s.Sigma_o.inv()
    return A


def solve_stationary_A(s: LinearLAMSymbols, loss: sp.Expr) -> sp.Matrix:
    """Solve dL/dA = 0 for A (a linear system in the d_o^2 entries of A)."""
    grad = gradient_A(s, loss)
    sol = sp.solve(list(grad), list(s.A), dict=True)
    if len(sol) != 1:
        raise ValueError(f"expected a unique stationary A, got {len(sol)} solutions")
    return s.A.subs(sol[0])


def matrix_gradient_A_general() -> tuple[sp.MatrixExpr, sp.MatrixExpr]:
    """dL/dA for general (n, k) with MatrixSymbols, differentiating eq. (2) term by term.

    Returns (gradient, whole_sum_derivative): the second is sympy's derivative of the whole sum,
    kept to document that it is wrong (0) and must not be relied on.
    """
    n, k = sp.symbols("n k", integer=True, positive=True)
    A, B = sp.MatrixSymbol("A", n, n), sp.MatrixSymbol("B", n, k)
    C, D = sp.MatrixSymbol("C", k, n), sp.MatrixSymbol("D", k, n)
    So, Sr, K = sp.MatrixSymbol("Sigma_o", n, n), sp.MatrixSymbol("Sigma_r", n, n), sp.MatrixSymbol("K", n, n)
    M, N = A + B * (C + D) - sp.Identity(n), B * D - sp.Identity(n)
    terms = [sp.Trace(M * So * M.T), 2 * sp.Trace(M * K * N.T), sp.Trace(N * Sr * N.T)]
    grad = sp.MatAdd(*[sp.diff(t, A) for t in terms])
    return grad, sp.diff(sp.Add(*terms), A)


# --- exact cross-checks on explicit instances ---------------------------------------------------

def exact_finite_distribution(points: list[tuple[list[Fraction], list[Fraction]]]):
    """Second moments (Sigma_o, Sigma_r, K) of the uniform distribution on explicit points (o, r)."""
    m = len(points)
    d = len(points[0][0])
    So = [[sum(p[0][i] * p[0][j] for p in points) / m for j in range(d)] for i in range(d)]
    Sr = [[sum(p[1][i] * p[1][j] for p in points) / m for j in range(d)] for i in range(d)]
    K = [[sum(p[0][i] * p[1][j] for p in points) / m for j in range(d)] for i in range(d)]
    return sp.Matrix(So), sp.Matrix(Sr), sp.Matrix(K)


def exact_average_loss(A, B, C, D, points) -> sp.Rational:
    """(1/m) sum_i ||o'_i - A o_i - B(C o_i + D o'_i)||^2 in exact rationals."""
    total = sp.Rational(0)
    for o, r in points:
        ov, rv = sp.Matrix(o), sp.Matrix(r)
        on = ov + rv
        e = on - A * ov - B * (C * ov + D * on)
        total += (e.T * e)[0, 0]
    return total / len(points)


def substitute(s: LinearLAMSymbols, expr, A, B, C, D, So, Sr, K):
    """Substitute explicit matrices for every symbol of ``s`` in ``expr``."""
    subs = {}
    for sym_mat, val in ((s.A, A), (s.B, B), (s.C, C), (s.D, D), (s.Sigma_o, So), (s.Sigma_r, Sr), (s.K, K)):
        for idx in product(range(sym_mat.rows), range(sym_mat.cols)):
            subs[sym_mat[idx]] = val[idx]
    return expr.subs(subs)


def finite_difference_gradient_A(loss_fn, A: np.ndarray, h: float = 1e-3) -> np.ndarray:
    """Central differences of ``loss_fn`` in each entry of A. Exact up to rounding for a loss that is
    quadratic in A (the third derivative vanishes), so the error is O(eps |L| / h)."""
    G = np.zeros_like(A)
    for i, j in product(range(A.shape[0]), range(A.shape[1])):
        E = np.zeros_like(A)
        E[i, j] = h
        G[i, j] = (loss_fn(A + E) - loss_fn(A - E)) / (2 * h)
    return G
