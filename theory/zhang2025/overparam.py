"""Symbolic derivation for ZP-O1 (Sec. 4.1, over-parameterisation; library, checks in `theory.zhang2025.checks`).

(i) With A = (1 - alpha) I the residual is B z - (r + alpha o): the loss at A = (1-alpha) I is the
reduced-rank regression error E||B(C o + D o') - (r + alpha o)||^2, zero exactly on the paper's
family B z = r + alpha o. (ii) The family is optimal only if that regression reaches L*; since B z has
rank <= d_z, its minimum is tail_{d_z}(Sigma_r + alpha^2 Sigma_o) (K = 0), which exceeds
tail_{d_z}(Sigma_r) = L* in general (numeric check). (iii) Repaired family: C = (alpha - 1) D,
A = I - alpha B D gives L = tr((BD - I) Sigma_r (BD - I)^T) for every alpha, with z = D(r + alpha o).
"""

from __future__ import annotations

import sympy as sp

from theory import linear_lam as ll


def derive_overparam(d_o: int, d_z: int) -> dict[str, bool]:
    s = ll.LinearLAMSymbols.make(d_o, d_z)
    alpha = sp.Symbol("alpha", real=True)
    I = sp.eye(d_o)
    L = ll.loss_by_expectation(s)
    facts: dict[str, bool] = {}
    # (i) L at A = (1 - alpha) I equals E||W o + V r||^2 with W = B(C+D) - alpha I, V = BD - I
    W, V = s.B * (s.C + s.D) - alpha * I, s.N
    L_alpha = sp.expand(L.subs(dict(zip(list(s.A), list((1 - alpha) * I)))))
    reg = sp.expand((W * s.Sigma_o * W.T).trace() + 2 * (W * s.K * V.T).trace() + (V * s.Sigma_r * V.T).trace())
    facts["L(A=(1-alpha)I) == E||B z - (r + alpha o)||^2 (regression of r + alpha o on z)"] = sp.expand(L_alpha - reg) == 0
    # rank obstruction: B(C+D) = alpha I needs rank d_o <= d_z for alpha != 0
    facts["rank(B(C+D)) <= d_z < d_o = rank(alpha I): B(C+D) = alpha I impossible for alpha != 0 (generic symbols)"] = (
        (s.B * (s.C + s.D)).rank() <= d_z < d_o)
    # (iii) repaired family
    rep = {**dict(zip(list(s.C), list((alpha - 1) * s.D))), **dict(zip(list(s.A), list(I - alpha * s.B * s.D)))}
    L_rep = sp.expand(L.subs(rep).subs({k: 0 for k in s.K}))
    facts["C = (alpha-1) D, A = I - alpha BD: L == tr((BD-I) Sigma_r (BD-I)^T) for every alpha  [K = 0]"] = sp.expand(
        L_rep - (s.N * s.Sigma_r * s.N.T).trace()) == 0
    o, r = sp.Matrix(sp.symbols(f"o0:{d_o}", real=True)), sp.Matrix(sp.symbols(f"r0:{d_o}", real=True))
    z = ((alpha - 1) * s.D) * o + s.D * (o + r)
    facts["repaired family: z == D(r + alpha o)"] = sp.expand(z - s.D * (r + alpha * o)) == sp.zeros(d_z, 1)
    facts["repaired family: o_hat' - o == BD r (A compensates the alpha BD o carried by z)"] = sp.expand(
        (I - alpha * s.B * s.D) * o + s.B * z - o - s.B * s.D * r) == sp.zeros(d_o, 1)
    return facts
