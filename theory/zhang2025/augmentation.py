"""Symbolic derivation for ZP-P4 (Prop. 4.3, data augmentation; library, checks in `theory.zhang2025.checks`).

With kappa_1 added to both IDM inputs and kappa_2 to the FDM input and the target, the residual is

    A(o + k2) + B(C(o + k1) + D(o' + k1)) - (o' + k2) = M o + N r + (A - I) k2 + B(C + D) k1,

so with kappa_i independent of everything, zero-mean, Cov(kappa_i) = S_i:

    L_aug = L + tr((A - I) S_2 (A - I)^T) + tr(B(C + D) S_1 (C + D)^T B^T)
          = L + s^2 ||A - I||_F^2 + s^2 ||B(C + D)||_F^2          (S_1 = S_2 = s^2 I).

Derived entrywise (explicit symbols, d_o = 2, 3), cross-checked by an exact average over an explicit
finite distribution (kappa with independent +-s entries has covariance exactly s^2 I).
"""

from __future__ import annotations

from fractions import Fraction as Fr
from itertools import product

import sympy as sp

from theory import linear_lam as ll
from theory.zhang2025.pca import _explicit_lam, _explicit_points


def _vec(name: str, d: int) -> list[sp.Symbol]:
    return [sp.Symbol(f"{name}{i}", real=True) for i in range(d)]


def augmented_loss_by_expectation(s: ll.LinearLAMSymbols, S1: sp.Matrix, S2: sp.Matrix) -> sp.Expr:
    """E||A(o+k2) + B(C(o+k1) + D(o'+k1)) - (o'+k2)||^2 by linearity of expectation over the
    quadratic monomials: o o -> Sigma_o, r r -> Sigma_r, o r -> K, k_i k_i -> S_i, all else 0."""
    d = s.d_o
    o, r, k1, k2 = _vec("o", d), _vec("r", d), _vec("ka", d), _vec("kb", d)
    ov, rv, k1v, k2v = (sp.Matrix(v) for v in (o, r, k1, k2))
    on = ov + rv
    res = s.A * (ov + k2v) + s.B * (s.C * (ov + k1v) + s.D * (on + k1v)) - (on + k2v)
    expr = sp.expand((res.T * res)[0, 0])
    names = [("o", i) for i in range(d)] + [("r", i) for i in range(d)] + [("k1", i) for i in range(d)] + [("k2", i) for i in range(d)]
    mom = {}
    for i, j in product(range(d), repeat=2):
        mom[(("o", i), ("o", j))] = s.Sigma_o[i, j]
        mom[(("r", i), ("r", j))] = s.Sigma_r[i, j]
        mom[(("o", i), ("r", j))] = s.K[i, j]
        mom[(("k1", i), ("k1", j))] = S1[i, j]
        mom[(("k2", i), ("k2", j))] = S2[i, j]
    poly = sp.Poly(expr, *o, *r, *k1, *k2)
    total = sp.Integer(0)
    for exps, coeff in poly.terms():
        f = [names[idx] for idx, e in enumerate(exps) for _ in range(e)]
        if len(f) != 2:
            raise ValueError("not a homogeneous quadratic")
        total += coeff * mom.get((f[0], f[1]), 0)  # independent pairs (o-kappa, kappa_1-kappa_2, ...) -> 0
    return sp.expand(total)


def _penalty(s: ll.LinearLAMSymbols, S1: sp.Matrix, S2: sp.Matrix) -> sp.Expr:
    I = sp.eye(s.d_o)
    BCD = s.B * (s.C + s.D)
    return sp.expand(((s.A - I) * S2 * (s.A - I).T).trace() + (BCD * S1 * BCD.T).trace())


def derive_augmentation(d_o: int, d_z: int) -> dict[str, bool]:
    """All symbolic facts of ZP-P4's expectation identity at one (d_o, d_z)."""
    s = ll.LinearLAMSymbols.make(d_o, d_z)
    S1, S2 = ll.sym_symmetric("Ka", d_o), ll.sym_symmetric("Kb", d_o)
    sig = sp.Symbol("s", positive=True)
    L = ll.loss_closed_form(s)
    Laug = augmented_loss_by_expectation(s, S1, S2)
    facts = {}
    facts["L_aug == L + tr((A-I) S2 (A-I)^T) + tr(B(C+D) S1 (C+D)^T B^T) (general kappa covariances)"] = (
        sp.expand(Laug - L - _penalty(s, S1, S2)) == 0)
    iso = {S1[i, j]: (sig**2 if i == j else 0) for i in range(d_o) for j in range(d_o)}
    iso.update({S2[i, j]: (sig**2 if i == j else 0) for i in range(d_o) for j in range(d_o)})
    BCD = s.B * (s.C + s.D)
    fro = lambda X: sum(x**2 for x in X)  # noqa: E731
    facts["S1 = S2 = s^2 I: L_aug == L + s^2||A-I||_F^2 + s^2||B(C+D)||_F^2"] = sp.expand(
        Laug.subs(iso) - L - sig**2 * fro(s.A - sp.eye(d_o)) - sig**2 * fro(BCD)) == 0
    # stationarity and curvature in A (K = 0): grad = 2(M Sigma_o + s^2 (A - I)); Hessian 2 (I kron (Sigma_o + s^2 I))
    L0 = sp.expand(Laug.subs(iso).subs({k: 0 for k in s.K}))
    grad = ll.gradient_A(s, L0)
    I = sp.eye(d_o)
    facts["dL_aug/dA == 2 (M Sigma_o + s^2 (A - I))  [K = 0]"] = sp.expand(grad - 2 * (s.M * s.Sigma_o + sig**2 * (s.A - I))) == sp.zeros(d_o, d_o)
    hess = sp.hessian(L0, list(s.A))
    facts["Hessian in A == 2 I kron (Sigma_o + s^2 I) > 0 (strictly convex in A for s > 0)"] = sp.expand(
        hess - 2 * sp.kronecker_product(I, s.Sigma_o + sig**2 * I)) == sp.zeros(d_o * d_o, d_o * d_o)
    at = {**dict(zip(list(s.A), list(I))), **{c: -dd for c, dd in zip(list(s.C), list(s.D))}}
    facts["at A = I, C = -D: L_aug == tr((BD-I) Sigma_r (BD-I)^T)  [K = 0]"] = sp.expand(
        L0.subs(at) - (s.N * s.Sigma_r * s.N.T).trace()) == 0
    facts.update(_explicit_facts(s, Laug, S1, S2, d_o, d_z))
    return facts


def _explicit_facts(s, Laug, S1, S2, d_o, d_z) -> dict[str, bool]:
    """Exact average over (o, r) support points x kappa_1, kappa_2 in {+-h}^d_o (Cov = h^2 I exactly)."""
    A, B, C, D = _explicit_lam(d_o, d_z)
    h = Fr(1, 2)
    signs = list(product((-1, 1), repeat=d_o))
    facts = {}
    for correlated in (False, True):
        pts = _explicit_points(d_o, correlated)
        So, Sr, K = ll.exact_finite_distribution(pts)
        total, n = sp.Rational(0), 0
        for (o, r), e1, e2 in product(pts, signs, signs):
            ov, rv = sp.Matrix(o), sp.Matrix(r)
            k1, k2 = sp.Matrix([h * e for e in e1]), sp.Matrix([h * e for e in e2])
            on = ov + rv
            res = A * (ov + k2) + B * (C * (ov + k1) + D * (on + k1)) - (on + k2)
            total += (res.T * res)[0, 0]
            n += 1
        exact = total / n
        Siso = sp.eye(d_o) * sp.Rational(1, 4)
        formula = ll.substitute(s, Laug.subs({**dict(zip(list(S1), list(Siso))), **dict(zip(list(S2), list(Siso)))}),
                                A, B, C, D, So, Sr, K)
        plain = ll.exact_average_loss(A, B, C, D, pts)
        BCD = B * (C + D)
        pen = sp.Rational(1, 4) * (sum(x**2 for x in (A - sp.eye(d_o))) + sum(x**2 for x in BCD))
        tag = f"{d_o}x{d_o} explicit {'K != 0' if correlated else 'K = 0'}, kappa entries +-1/2"
        facts[f"{tag}: formula == exact average of augmented loss"] = sp.simplify(formula - exact) == 0
        facts[f"{tag}: exact L_aug - exact L == (1/4)(||A-I||^2 + ||B(C+D)||^2)"] = sp.simplify(exact - plain - pen) == 0
    return facts
