"""Symbolic derivations for ZP-P1 and ZP-P2 (library; the checks are in `theory.zhang2025.checks`).

ZP-P1: the linear-LAM loss reduces to PCA on q + eps; derived entrywise from the definition, see
`theory.linear_lam` for eqs. (1)-(3). ZP-P2: Eckart-Young for the reduced loss, derived through the
Rayleigh quotient left after the least-squares decoder B is eliminated.
"""

from __future__ import annotations

from fractions import Fraction as Fr
from functools import lru_cache

import numpy as np
import sympy as sp

from theory import linear_lam as ll
from theory.zhang2025.exact import exact_substitute, is_zero_rational, on


def _explicit_points(d: int, correlated: bool) -> list:
    """Explicit rational support points (o, r). With ``correlated=False`` every (o, r) comes with
    (o, -r), so E[o r^T] = 0 exactly; otherwise r leans on o and K != 0."""
    base = [
        ([Fr(1), Fr(2), Fr(-1)][:d], [Fr(1, 2), Fr(-1), Fr(3, 2)][:d]),
        ([Fr(-2), Fr(1), Fr(1)][:d], [Fr(2), Fr(1, 3), Fr(0)][:d]),
        ([Fr(0), Fr(-1), Fr(2)][:d], [Fr(-1), Fr(1), Fr(1)][:d]),
        ([Fr(3), Fr(0), Fr(1)][:d], [Fr(1), Fr(2), Fr(-2)][:d]),
    ]
    if correlated:
        return [(o, [ri + oi / 2 for ri, oi in zip(r, o)]) for o, r in base]
    return base + [(o, [-ri for ri in r]) for o, r in base]


def _explicit_lam(d_o: int, d_z: int) -> tuple[sp.Matrix, ...]:
    """A fixed rational (A, B, C, D) for the explicit instances."""
    A = sp.Matrix(d_o, d_o, lambda i, j: sp.Rational((i + 2 * j) % 3 - 1, 2))
    B = sp.Matrix(d_o, d_z, lambda i, j: sp.Rational(i - j + 1, 3))
    C = sp.Matrix(d_z, d_o, lambda i, j: sp.Rational((i * j) % 2 - 1, 1))
    D = sp.Matrix(d_z, d_o, lambda i, j: sp.Rational(j - i, 2))
    return A, B, C, D


def derive_pca_reduction(d_o: int, d_z: int, solve_A: bool) -> dict[str, bool]:
    """All symbolic facts of ZP-P1 at one (d_o, d_z), each as a named boolean."""
    s = ll.LinearLAMSymbols.make(d_o, d_z)
    L = ll.loss_by_expectation(s)
    facts: dict[str, bool] = {}
    facts["E||residual||^2 == tr(M So M^T) + 2 tr(M K N^T) + tr(N Sr N^T)"] = sp.expand(L - ll.loss_closed_form(s)) == 0
    cross = ll.cross_term(s, L)
    facts["cross term is linear in K = E[o r^T]"] = ll.is_linear_in(cross, list(s.K))
    facts["cross term == 2 tr(M K N^T)"] = sp.expand(cross - 2 * (s.M * s.K * s.N.T).trace()) == 0
    L0 = sp.expand(L - cross)
    A_star = ll.stationary_A_candidate(s, with_cross=False)
    if solve_A:
        facts["solve(dL/dA = 0) == I - B(C+D)  [K = 0]"] = is_zero_rational(ll.solve_stationary_A(s, L0) - A_star)
    grad0 = ll.gradient_A(s, L0).xreplace(on(s.A, A_star))
    facts["dL/dA vanishes at A = I - B(C+D)  [K = 0]"] = sp.expand(grad0) == sp.zeros(d_o, d_o)
    hess = sp.hessian(L0, list(s.A))
    facts["Hessian in A == 2 (I kron Sigma_o): unique minimiser iff Sigma_o > 0"] = sp.expand(
        hess - 2 * sp.kronecker_product(sp.eye(d_o), s.Sigma_o)) == sp.zeros(d_o * d_o, d_o * d_o)
    at_star = sp.expand(L0.xreplace(on(s.A, A_star)))
    facts["L(A*) == tr((BD - I) Sigma_r (BD - I)^T)"] = sp.expand(at_star - (s.N * s.Sigma_r * s.N.T).trace()) == 0
    facts["with K != 0: dL/dA vanishes at I - B(C+D) - (BD-I) K^T Sigma_o^{-1}"] = _vanishes_at_cross_candidate(s, L)
    facts.update(_explicit_instance_facts(s, L, d_o, d_z))
    return facts


def _vanishes_at_cross_candidate(s: ll.LinearLAMSymbols, L: sp.Expr) -> bool:
    """dL/dA = 0 at A_x = I - B(C+D) - (BD - I) K^T Sigma_o^{-1}, decided on polynomials: with
    Sigma_o^{-1} = adj(Sigma_o) / det(Sigma_o), det A_x = det (I - B(C+D)) - (BD - I) K^T adj(Sigma_o) =: A_n is a
    polynomial; each entry g of dL/dA is affine in A (L is quadratic; asserted), g(A) = g(0) + sum_ij
    (dg/dA_ij) A_ij, so det g(A_x) = det g(0) + sum_ij (dg/dA_ij) A_n[ij] is a polynomial, and g(A_x) = 0 iff it
    expands to 0 (det != 0 as a polynomial). Same statement as substituting the inverse, without cancelling
    rational functions."""
    d_o = s.d_o
    det, adj = s.Sigma_o.det(), s.Sigma_o.adjugate()
    A_n = det * (sp.eye(d_o) - s.B * (s.C + s.D)) - s.N * s.K.T * adj
    zero_A = {a: 0 for a in s.A}
    for g in ll.gradient_A(s, L):
        if not ll.is_linear_in(g, list(s.A)):
            return False
        lin = sum(sp.diff(g, s.A[i, j]) * A_n[i, j] for i in range(d_o) for j in range(d_o))
        if sp.expand(det * g.xreplace(zero_A) + lin) != 0:
            return False
    return True


def _explicit_instance_facts(s: ll.LinearLAMSymbols, L: sp.Expr, d_o: int, d_z: int) -> dict[str, bool]:
    """Eq. (2) against exact averages over explicit rational points; eq. (3) by exact evaluation."""
    A, B, C, D = _explicit_lam(d_o, d_z)
    facts = {}
    for correlated in (False, True):
        pts = _explicit_points(d_o, correlated)
        So, Sr, K = ll.exact_finite_distribution(pts)
        tag = f"{d_o}x{d_o} explicit, {'K != 0' if correlated else 'K = 0'}"
        facts[f"{tag}: formula == exact average loss"] = exact_substitute(s, L, A, B, C, D, So, Sr, K) == ll.exact_average_loss(A, B, C, D, pts)
        A_star = sp.eye(d_o) - B * (C + D) - (B * D - sp.eye(d_o)) * K.T * So.inv()
        N = B * D - sp.eye(d_o)
        expect = (N * Sr * N.T).trace() - (N * K.T * So.inv() * K * N.T).trace()
        facts[f"{tag}: exact average loss at A* == tr(N Sr N^T) - tr(N K^T So^-1 K N^T)"] = is_zero_rational(
            ll.exact_average_loss(A_star, B, C, D, pts) - expect)
    return facts


def finite_difference_facts(d_o: int, d_z: int, seed: int) -> tuple[dict[str, bool], float, dict[str, str]]:
    """Symbolic dL/dA (entrywise, and sympy's MatrixSymbol calculus term by term) vs central
    differences of the exact average loss on a random float instance."""
    s = ll.LinearLAMSymbols.make(d_o, d_z)
    L = ll.loss_by_expectation(s)
    rng = np.random.default_rng(seed)
    pts = [(list(rng.normal(size=d_o)), list(rng.normal(size=d_o) + 0.3 * rng.normal(size=d_o))) for _ in range(7)]
    O, R = np.array([p[0] for p in pts]), np.array([p[1] for p in pts])
    So, Sr, K = O.T @ O / len(pts), R.T @ R / len(pts), O.T @ R / len(pts)
    A, B, C, D = (rng.normal(size=shape) for shape in ((d_o, d_o), (d_o, d_z), (d_z, d_o), (d_z, d_o)))

    def avg_loss(Av: np.ndarray) -> float:
        E = (O + R) - O @ Av.T - (O @ C.T + (O + R) @ D.T) @ B.T
        return float(np.mean(np.sum(E**2, axis=1)))

    fd = ll.finite_difference_gradient_A(avg_loss, A)
    sym = np.array(exact_substitute(s, ll.gradient_A(s, L), *(sp.Matrix(x) for x in (A, B, C, D, So, Sr, K))), dtype=float)
    grad_expr, whole = ll.matrix_gradient_A_general()
    n, k = sp.symbols("n k", integer=True, positive=True)
    shapes = {"A": (d_o, d_o), "B": (d_o, d_z), "C": (d_z, d_o), "D": (d_z, d_o),
              "Sigma_o": (d_o, d_o), "Sigma_r": (d_o, d_o), "K": (d_o, d_o)}
    values = {"A": A, "B": B, "C": C, "D": D, "Sigma_o": So, "Sigma_r": Sr, "K": K}
    concrete = grad_expr.subs({n: d_o, k: d_z})
    subs = {sp.MatrixSymbol(name, *shape): sp.Matrix(values[name]) for name, shape in shapes.items()}
    general = np.array(concrete.subs(subs).doit(), dtype=float)
    # central differences are exact for a quadratic up to rounding: O(eps * |L| / h) with h = 1e-3
    tol = 1e-9 * (1 + abs(avg_loss(A)))
    err = max(float(np.max(np.abs(fd - sym))), float(np.max(np.abs(fd - general))))
    facts = {
        f"{d_o}x{d_o}: entrywise dL/dA == finite differences": float(np.max(np.abs(fd - sym))) <= tol,
        f"{d_o}x{d_o}: MatrixSymbol dL/dA (term by term) == finite differences": float(np.max(np.abs(fd - general))) <= tol,
    }
    # Recorded, not asserted: sympy 1.14 returns ZeroMatrix for d/dA of the whole sum (a sympy bug).
    facts_note = {"sympy_whole_sum_derivative": str(whole)}
    return facts, err, facts_note




def rayleigh_tail_identity(d_o: int) -> dict[str, bool]:
    """ZP-P2 for d_z = 1 by elimination: with D = y^T fixed, the least-squares decoder is
    B = Sigma y / (y^T Sigma y), leaving L(y) = tr Sigma - y^T Sigma^2 y / y^T Sigma y. For
    Sigma = diag(l_1 >= ... >= l_d) (WLOG: L is invariant under rotations Q, Sigma -> Q Sigma Q^T)

        L(y) - sum_{i>1} l_i = sum_j l_j y_j^2 (l_1 - l_j) / sum_j l_j y_j^2  >= 0,

    with equality at y = e_1: the minimum is the eigen tail sum and B D = e_1 e_1^T."""
    l = sp.symbols(f"l1:{d_o + 1}", positive=True)
    y = sp.Matrix(sp.symbols(f"y1:{d_o + 1}", real=True))
    b = sp.Matrix(sp.symbols(f"b1:{d_o + 1}", real=True))
    Sigma = sp.diag(*l)
    N = b * y.T - sp.eye(d_o)
    L = sp.expand((N * Sigma * N.T).trace())
    b_star = sp.solve([sp.diff(L, bi) for bi in b], list(b), dict=True)[0]
    L_y = L.subs(b_star)
    rayleigh = sum(l) - (y.T * Sigma**2 * y)[0] / (y.T * Sigma * y)[0]
    decomposition = sum(l[j] * y[j] ** 2 * (l[0] - l[j]) for j in range(d_o)) / (y.T * Sigma * y)[0]
    e1 = {y[0]: 1, **{y[j]: 0 for j in range(1, d_o)}}
    return {
        f"d_o={d_o}: eliminating B gives L(y) = tr Sigma - y'S^2y / y'Sy": is_zero_rational(L_y - rayleigh),
        f"d_o={d_o}: L(y) - tail == sum_j l_j y_j^2 (l_1 - l_j) / y'Sy": is_zero_rational(rayleigh - sum(l[1:]) - decomposition),
        f"d_o={d_o}: L(e_1) == sum_{{i>1}} l_i": is_zero_rational(rayleigh.subs(e1) - sum(l[1:])),
        "rotation invariance: L(Q P Q^T; Q S Q^T) == L(P; S)": rotation_invariance(),
    }


@lru_cache(maxsize=1)
def rotation_invariance() -> bool:
    """tr((I - Q P Q^T) Q S Q^T (I - Q P Q^T)^T) == tr((I - P) S (I - P)^T) for every 2x2 rotation Q, any P and
    symmetric S. Q = [[c, -s], [s, c]] with c^2 + s^2 = 1: the difference is a polynomial in (c, s) (and the
    entries of P, S), and it vanishes on the whole circle iff its remainder modulo c^2 + s^2 - 1 is 0 (one
    generator is a Groebner basis of its ideal, and the real circle is Zariski-dense in the complex conic, so
    division by it decides membership). Algebraic instead of trigonometric `simplify`: ~50x faster."""
    c, s_ = sp.symbols("c s", real=True)
    Q = sp.Matrix([[c, -s_], [s_, c]])
    S2, P2 = ll.sym_symmetric("S", 2), ll.sym_matrix("P", 2, 2)
    diff = sp.expand(((sp.eye(2) - Q * P2 * Q.T) * Q * S2 * Q.T * (sp.eye(2) - Q * P2 * Q.T).T).trace()
                     - ((sp.eye(2) - P2) * S2 * (sp.eye(2) - P2).T).trace())
    return sp.expand(sp.reduced(diff, [c**2 + s_**2 - 1], c, s_)[1]) == 0
