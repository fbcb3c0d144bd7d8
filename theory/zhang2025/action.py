"""Symbolic derivation for ZP-P5 (Prop. 4.4, action prediction; library, checks in `theory.zhang2025.checks`).

Under Prop. 4.3 (A = I, C = -D) z = D r, r = q + eps = X a + eps, a_hat = E z, and

    L_a = E||(BD - I) r||^2 + lambda E||E D r - a||^2.

Derived entrywise from the definition (d_o = 2, d_a = d_z = 1) with a general cross-covariance S_ae = E[a eps^T]:
L_a = E||(BD-I)q||^2 + E||(BD-I)eps||^2 + lambda E||(EDX-I)a||^2 + lambda E||ED eps||^2 + (cross terms linear in
S_ae). The cross terms vanish iff S_ae = 0 for generic (B, D, E): the proof outline's decomposition needs a ⊥ eps (matrix), which
the stated E[q^T eps] = 0 (a scalar, implied by eps^T X = 0) does not give.
"""

from __future__ import annotations

from itertools import product

import sympy as sp

from theory import linear_lam as ll


def derive_action(d_o: int = 2, d_a: int = 1, d_z: int = 1) -> dict[str, bool]:
    B, D, E = ll.sym_matrix("B", d_o, d_z), ll.sym_matrix("D", d_z, d_o), ll.sym_matrix("E", d_a, d_z)
    X = ll.sym_matrix("X", d_o, d_a)
    Sa, Se = ll.sym_symmetric("Sa", d_a), ll.sym_symmetric("Se", d_o)
    Sae = ll.sym_matrix("Sae", d_a, d_o)
    lam = sp.Symbol("lambda", positive=True)
    a = [sp.Symbol(f"a{i}", real=True) for i in range(d_a)]
    e = [sp.Symbol(f"e{i}", real=True) for i in range(d_o)]
    av, ev = sp.Matrix(a), sp.Matrix(e)
    r = X * av + ev
    I = sp.eye(d_o)
    res1 = (B * D - I) * r
    res2 = E * D * r - av
    expr = sp.expand((res1.T * res1)[0, 0] + lam * (res2.T * res2)[0, 0])
    mom = {}
    for i, j in product(range(d_a), repeat=2):
        mom[(("a", i), ("a", j))] = Sa[i, j]
    for i, j in product(range(d_o), repeat=2):
        mom[(("e", i), ("e", j))] = Se[i, j]
    for i, j in product(range(d_a), range(d_o)):
        mom[(("a", i), ("e", j))] = Sae[i, j]
    names = [("a", i) for i in range(d_a)] + [("e", i) for i in range(d_o)]
    total = sp.Integer(0)
    for exps, coeff in sp.Poly(expr, *a, *e).terms():
        f = [names[idx] for idx, k in enumerate(exps) for _ in range(k)]
        total += coeff * mom[(f[0], f[1])]
    La = sp.expand(total)
    N = B * D - I
    four = sp.expand((N * X * Sa * X.T * N.T).trace() + (N * Se * N.T).trace()
                     + lam * ((E * D * X - sp.eye(d_a)) * Sa * (E * D * X - sp.eye(d_a)).T).trace()
                     + lam * (E * D * Se * D.T * E.T).trace())
    cross = sp.expand(La - four)
    facts = {
        "L_a - (four-term formula) is linear in S_ae = E[a eps^T]": ll.is_linear_in(cross, list(Sae)),
        "cross terms == 2 tr(N X S_ae N^T) + 2 lambda tr((EDX - I) S_ae D^T E^T)": sp.expand(
            cross - 2 * (N * X * Sae * N.T).trace() - 2 * lam * ((E * D * X - sp.eye(d_a)) * Sae * D.T * E.T).trace()) == 0,
        "S_ae = 0: L_a == four-term formula": sp.expand(cross.subs({s: 0 for s in Sae})) == 0,
        "cross terms do not vanish identically for S_ae != 0": cross != 0,
    }
    return facts


def claimed_point_value() -> dict[str, bool]:
    """d_o = 2, d_a = d_z = 1, X = s e_1, eps = (0, e) with Var e = v, a ⊥ eps: the claimed minimiser D = e_1^T,
    B = e_1, E = 1/s gives L_a = v = E||eps||^2 for every lambda, with EDX = 1, D eps = 0, Bz = q."""
    s, v, lam, sa = sp.symbols("s v lambda s_a", positive=True)
    X = sp.Matrix([s, 0])
    Sa, Se = sp.Matrix([[sa]]), sp.diag(0, v)
    B, D, E = sp.Matrix([1, 0]), sp.Matrix([[1, 0]]), sp.Matrix([[1 / s]])
    N = B * D - sp.eye(2)
    La = (N * X * Sa * X.T * N.T).trace() + (N * Se * N.T).trace() + lam * (
        ((E * D * X - sp.eye(1)) * Sa * (E * D * X - sp.eye(1)).T).trace() + (E * D * Se * D.T * E.T).trace())
    return {"claimed point: L_a == E||eps||^2 for every lambda": sp.simplify(La - v) == 0,
            "claimed point: EDX == I and D Sigma_eps == 0": (E * D * X == sp.eye(1)) and (D * Se == sp.zeros(1, 2))}
