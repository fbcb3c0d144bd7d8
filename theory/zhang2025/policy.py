"""Symbolic derivation for ZP-P3 (Sec. 4.2, correlated policy a = Pi_d o + pi_s; library, checks in `theory.zhang2025.checks`).

With o, eps, pi_s mutually uncorrelated, K = E[o r^T] = E[o q^T] = Sigma_o Pi_d^T X^T, and the stationary
A of theory.linear_lam eq. (3) becomes

    A* = I - B(C+D) - (BD - I) K^T Sigma_o^{-1} = I - B(C+D) + (I - BD) X Pi_d          (Sigma_o cancels).

The paper quotes the extra term T_p = Sigma_o Pi_d^T X^T (BD - I)^T Sigma_o^{-1}. Writing E := (I - BD) X Pi_d
for the correct extra term, T_p = -Sigma_o E^T Sigma_o^{-1}: a similarity transform of -E^T, not E. So
A = I - B(C+D) + s T_p (s = +-1) is stationary iff s T_p = E, i.e. (s = -1) iff E Sigma_o is symmetric,
(s = +1) iff E Sigma_o is antisymmetric... both fail generically, already for Sigma_o = I.
At A*, L = tr(N Sigma_{r|o} N^T) with Sigma_{r|o} = Sigma_r - K^T Sigma_o^{-1} K = X Sigma_s X^T + Sigma_eps:
the problem is PCA on the part of q + eps not linearly predictable from o.
"""

from __future__ import annotations

from functools import lru_cache

import sympy as sp

from theory import linear_lam as ll
from theory.zhang2025.exact import is_zero_rational, on


def derive_policy(d_o: int, d_a: int, d_z: int) -> dict[str, object]:
    """The facts of the module docstring at one size, as named booleans (a fresh dict; the derivation is
    computed once per size and process: the claim's and the repair's checks read the same one)."""
    return dict(_derive_policy(d_o, d_a, d_z))


@lru_cache(maxsize=4)
def _derive_policy(d_o: int, d_a: int, d_z: int) -> tuple[tuple[str, object], ...]:
    s = ll.LinearLAMSymbols.make(d_o, d_z)
    X, Pi = ll.sym_matrix("X", d_o, d_a), ll.sym_matrix("P", d_a, d_o)
    Ss, Se = ll.sym_symmetric("Ss", d_a), ll.sym_symmetric("Se", d_o)
    I = sp.eye(d_o)
    So = s.Sigma_o
    K = So * Pi.T * X.T
    Sr = X * (Pi * So * Pi.T + Ss) * X.T + Se
    subs = {**dict(zip(list(s.K), list(K))), **dict(zip(list(s.Sigma_r), list(Sr)))}
    # loss from the definition with the policy's moments (K and Sigma_r are functions of Sigma_o, Pi, X)
    L = ll.loss_by_expectation(s).xreplace(subs)
    grad = ll.gradient_A(s, sp.expand(L))
    E = (I - s.B * s.D) * X * Pi
    A_star = I - s.B * (s.C + s.D) + E
    So_inv = So.inv()
    T_p = So * Pi.T * X.T * (s.B * s.D - I).T * So_inv
    at = lambda A: grad.xreplace(on(s.A, A))  # noqa: E731  (dL/dA at A; zero tests by `is_zero_rational`)
    facts: dict[str, object] = {}
    facts["K = Sigma_o Pi_d^T X^T: dL/dA vanishes at A* = I - B(C+D) + (I - BD) X Pi_d"] = is_zero_rational(at(A_star))
    facts["eq. (3) form -(BD-I) K^T Sigma_o^{-1} == (I-BD) X Pi_d"] = is_zero_rational(-(s.B * s.D - I) * K.T * So_inv - E)
    facts["paper's term T_p == -Sigma_o E^T Sigma_o^{-1}"] = is_zero_rational(T_p + So * E.T * So_inv)
    identity = {So[i, j]: (1 if i == j else 0) for i in range(d_o) for j in range(d_o)}
    for sign in (+1, -1):
        g = at(I - s.B * (s.C + s.D) + sign * T_p)
        facts[f"paper sign {'+' if sign > 0 else '-'}: dL/dA at A = I - B(C+D) {'+' if sign > 0 else '-'} T_p is identically 0"] = (
            is_zero_rational(g))
        facts[f"paper sign {'+' if sign > 0 else '-'}, Sigma_o = I: dL/dA identically 0"] = is_zero_rational(g.xreplace(identity))
    # value at A*: PCA on the innovation Sigma_{r|o} = X Sigma_s X^T + Sigma_eps
    L_star = sp.expand(L.xreplace(on(s.A, A_star)))
    inn = X * Ss * X.T + Se
    facts["L(A*) == tr(N (X Sigma_s X^T + Sigma_eps) N^T)"] = is_zero_rational(L_star - (s.N * inn * s.N.T).trace())
    return tuple(facts.items())


def explicit_counterexample() -> dict[str, object]:
    """d_o = 2, d_a = 1, d_z = 1, Sigma_o = I, X = e_1, Pi_d = e_2^T, B = 0 (so BD = 0): correct extra
    term E = X Pi_d = e_1 e_2^T, paper's T_p = -E^T = -e_2 e_1^T; gradient at the paper's A (both signs)."""
    I = sp.eye(2)
    X, Pi = sp.Matrix([[1], [0]]), sp.Matrix([[0, 1]])
    B, C, D = sp.zeros(2, 1), sp.zeros(1, 2), sp.zeros(1, 2)
    So = I
    K = So * Pi.T * X.T
    N = B * D - I
    E = (I - B * D) * X * Pi
    T_p = So * Pi.T * X.T * N.T * So.inv()
    out = {"E_correct": E.tolist(), "T_paper": T_p.tolist()}
    for sign in (+1, -1):
        A = I - B * (C + D) + sign * T_p
        M = A + B * (C + D) - I
        out[f"grad_at_paper_A_sign_{'+' if sign > 0 else '-'}"] = (2 * (M * So + N * K.T)).tolist()
    A = I - B * (C + D) + E
    out["grad_at_correct_A"] = (2 * ((A + B * (C + D) - I) * So + N * K.T)).tolist()
    return out
