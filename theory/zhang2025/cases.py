"""Symbolic facts for the noise cases ZP-C1, ZP-C2, ZP-C3 (2-dimensional closed forms).

C1: Sigma_q = s X X^T (d_o = 2, d_a = 1) has exactly one nonzero eigenvalue s ||X||^2 -- and none when X = 0 or
    s = 0 (the rank condition the repair adds).
C2: for a unit u(theta) and P = u u^T, tr((I-P)(Sigma_q + sigma^2 I)) = tr((I-P) Sigma_q) + sigma^2 (d_o - 1):
    the reduced loss over projectors shifts by a constant, so the optimal subspace is unchanged and L* rises.
C3: X = e_1, Y = (cos t, sin t): e_1 is an eigenvector of s_q^2 X X^T + s_e^2 Y Y^T iff s_e^2 cos t sin t = 0, i.e.
    Y ⟂ X (t = pi/2) or Y ∥ X (t = 0): non-orthogonal Y moves B except when span Y ⊆ span X.
"""

from __future__ import annotations

import sympy as sp



def derive_case_facts() -> dict[str, bool]:
    facts: dict[str, bool] = {}
    x1, x2, s = sp.symbols("x1 x2 s", real=True)
    X = sp.Matrix([x1, x2])
    ev = (s * X * X.T).eigenvals()
    facts["C1: eigenvalues of s X X^T are {0, s ||X||^2}"] = set(ev) == {0, sp.expand(s * (x1**2 + x2**2))} or set(
        map(sp.expand, ev)) == {0, sp.expand(s * (x1**2 + x2**2))}
    facts["C1: X = 0 gives no nonzero eigenvalue (rank condition needed)"] = set((s * X * X.T).subs({x1: 0, x2: 0}).eigenvals()) == {0}
    th, sig = sp.symbols("theta sigma", real=True)
    a, b, c = sp.symbols("a b c", real=True)
    Sq = sp.Matrix([[a, b], [b, c]])
    u = sp.Matrix([sp.cos(th), sp.sin(th)])
    P = u * u.T
    I = sp.eye(2)
    facts["C2: tr((I-P)(Sigma_q + sigma^2 I)) == tr((I-P) Sigma_q) + sigma^2 (d_o - d_z)"] = sp.simplify(
        ((I - P) * (Sq + sig**2 * I)).trace() - ((I - P) * Sq).trace() - sig**2) == 0
    facts["C2: Sigma_q and Sigma_q + sigma^2 I commute (same eigenvectors)"] = sp.simplify(Sq * (Sq + sig**2 * I) - (Sq + sig**2 * I) * Sq) == sp.zeros(2, 2)
    t, sq, se = sp.symbols("t s_q s_e", positive=True)
    Xe, Y = sp.Matrix([1, 0]), sp.Matrix([sp.cos(t), sp.sin(t)])
    S = sq**2 * Xe * Xe.T + se**2 * Y * Y.T
    off = sp.simplify((S * Xe)[1])
    facts["C3: (Sigma e_1)_2 == s_e^2 cos t sin t (e_1 eigenvector iff Y ⟂ X or Y ∥ X)"] = sp.simplify(off - se**2 * sp.cos(t) * sp.sin(t)) == 0
    facts["C3: Y ∥ X (t = 0): e_1 is the top eigenvector (s_q^2 + s_e^2), B unaffected"] = sp.simplify(off.subs(t, 0)) == 0
    Sperp = S.subs(t, sp.pi / 2)
    facts["C3: Y ⟂ X: eigenvalues s_q^2 (on X) and s_e^2 (on Y): X on top iff s_e < s_q"] = Sperp == sp.diag(sq**2, se**2)
    return facts
