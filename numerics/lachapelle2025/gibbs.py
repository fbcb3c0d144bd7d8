"""The per-sample IDM problem with an entropy penalty or bonus (LA-L1, LA-X1), numerically and certified (Clarabel).

THIS IS THIS PROJECT'S RECONSTRUCTION (provenance ``reconstructed``).

    penalty (LA-L1)  min_{q in Delta_k} <q, l> + lam H(q)   = min l, attained exactly at the argmin vertices
    bonus   (LA-X1)  min_{q in Delta_k} <q, l> - tau H(q)   = -tau log sum exp(-l/tau), unique q = softmax(-l/tau)

The bonus problem is convex (cvxpy: ``l @ q - tau * sum(entr(q))``, q >= 0, sum q = 1; solved as that conic program
by Clarabel directly, or through cvxpy) and is certified as in
`numerics.certificates`: primal feasibility, dual feasibility and the duality gap checked with numpy. Its Lagrange
dual (multipliers nu for sum q = 1 and mu >= 0 for q >= 0) is

    g(nu, mu) = -nu - tau sum_i exp(-(l_i + nu - mu_i)/tau - 1)      (min over q > 0 of the Lagrangian, closed form)

a lower bound on the primal value for EVERY nu and mu >= 0 (weak duality), so the solver's multipliers need only be
dual feasible; the gap primal - g is then a certificate of optimality.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

from numerics.certificates import CERT_RTOL


def entropy(q: np.ndarray) -> np.ndarray:
    q = np.asarray(q, float)
    return -(np.where(q > 0, q * np.log(np.where(q > 0, q, 1.0)), 0.0)).sum(-1)


def penalised_value(q: np.ndarray, l: np.ndarray, lam: float) -> np.ndarray:
    """<q, l> + lam H(q), rows of q."""
    return np.asarray(q, float) @ np.asarray(l, float) + lam * entropy(q)


def gibbs(l: np.ndarray, tau: float) -> np.ndarray:
    """softmax(-l/tau) (max-shifted)."""
    z = -np.asarray(l, float) / tau
    e = np.exp(z - z.max())
    return e / e.sum()


def bonus_value(l: np.ndarray, tau: float) -> float:
    """-tau log sum exp(-l/tau), the optimal value of the bonus problem."""
    z = -np.asarray(l, float) / tau
    return float(-tau * (z.max() + np.log(np.exp(z - z.max()).sum())))


@dataclass(frozen=True)
class GibbsCertificate:
    """Solver solution q of the bonus problem with ``primal_residual`` (max violation of q >= 0, sum q = 1),
    ``dual_residual`` (max violation of mu >= 0), ``gap`` = primal value - g(nu, mu), ``tol`` = CERT_RTOL * scale * k."""

    q: np.ndarray
    primal_value: float
    dual_value: float
    nu: float
    mu: np.ndarray
    primal_residual: float
    dual_residual: float
    tol: float

    @property
    def gap(self) -> float:
        return self.primal_value - self.dual_value

    @property
    def certified(self) -> bool:
        return self.primal_residual <= self.tol and self.dual_residual <= self.tol and abs(self.gap) <= self.tol


def dual_function(l: np.ndarray, tau: float, nu: float, mu: np.ndarray) -> float:
    return float(-nu - tau * np.exp(-(np.asarray(l, float) + nu - mu) / tau - 1).sum())


#: Clarabel's tolerances for the bonus problem (both routes). Its default 1e-8 gap tolerance leaves q within ~2e-5 of
#: softmax (strong convexity: |q - q*|^2 <= 2 gap / tau); LA-X1 compares to 1e-6, so the solve asks for 1e-13
#: (measured: <= 7e-7 over 200 random instances with k = 2..8, tau in [0.05, 10], spreads up to 40).
SOLVER_TOL = {"tol_gap_abs": 1e-13, "tol_gap_rel": 1e-13, "tol_feas": 1e-13, "max_iter": 1000}


def _clarabel_bonus(l: np.ndarray, tau: float) -> tuple[np.ndarray, float, np.ndarray]:
    """The bonus problem as Clarabel's conic program, without cvxpy (whose import, ~2 s with scipy.stats, is most of
    LA-X1's cost). Variables x = (q, t), minimise <l, q> - tau sum t subject to s = b - A x in
    {0} (sum q = 1) x R_+^k (q >= 0) x K_exp^k ((t_i, q_i, 1) in K_exp = cl{(x, y, z): y e^{x/y} <= z, y > 0},
    i.e. t_i <= -q_i log q_i = entr(q_i)): the program cvxpy builds for ``l @ q - tau * sum(entr(q))``. Clarabel's
    duals z satisfy c + A^T z = 0, so the multiplier of sum q = 1 is nu = z_0 (Lagrangian f + nu (sum q - 1)) and
    that of q >= 0 is mu = z_{1..k} >= 0 (Lagrangian f - mu q). Returns (q, nu, mu)."""
    import clarabel
    from scipy import sparse

    k = len(l)
    rows, cols, vals = [0] * k, list(range(k)), [1.0] * k  # sum q
    rows += [1 + i for i in range(k)]
    cols += list(range(k))
    vals += [-1.0] * k  # s = q
    b = np.zeros(1 + k + 3 * k)
    b[0] = 1.0
    for i in range(k):
        r = 1 + k + 3 * i
        rows += [r, r + 1]
        cols += [k + i, i]
        vals += [-1.0, -1.0]  # s = (t_i, q_i, 1)
        b[r + 2] = 1.0
    A = sparse.csc_matrix((vals, (rows, cols)), shape=(len(b), 2 * k))
    P = sparse.csc_matrix((2 * k, 2 * k))
    c = np.concatenate([l, -tau * np.ones(k)])
    settings = clarabel.DefaultSettings()
    settings.verbose = False
    for name, value in SOLVER_TOL.items():
        setattr(settings, name, value)
    cones = [clarabel.ZeroConeT(1), clarabel.NonnegativeConeT(k)] + [clarabel.ExponentialConeT()] * k
    sol = clarabel.DefaultSolver(P, c, A, b, cones, settings).solve()
    if str(sol.status) not in ("Solved", "AlmostSolved"):  # the statuses cvxpy returns a solution for
        raise RuntimeError(f"bonus problem not solved: {sol.status}")
    x, z = np.asarray(sol.x, float), np.asarray(sol.z, float)
    return x[:k], float(z[0]), z[1:1 + k]


def certified_gibbs(l: np.ndarray, tau: float, solver: str = "cvxpy") -> GibbsCertificate:
    """Solve the bonus problem and certify it: ``solver="cvxpy"`` (the problem as written, through cvxpy with
    Clarabel; LA-X1's check) or ``"clarabel"`` (the same conic program handed to Clarabel directly,
    `_clarabel_bonus`, without cvxpy's import; the tests compare the two)."""
    l = np.asarray(l, float)
    k = len(l)
    if solver == "clarabel":
        qv, nu, mu = _clarabel_bonus(l, tau)
    elif solver == "cvxpy":
        qv, nu, mu = _cvxpy_bonus(l, tau)
    else:
        raise ValueError(f"solver {solver!r}: 'clarabel' or 'cvxpy'")
    # score the primal at the clipped, renormalised point (feasible by construction), report the raw residual
    feas = np.clip(qv, 0, None)
    feas = feas / feas.sum()
    primal = float(l @ feas - tau * entropy(feas))
    dual = dual_function(l, tau, nu, mu)
    scale = max(1.0, float(np.abs(l).max()), tau)
    return GibbsCertificate(q=feas, primal_value=primal, dual_value=dual, nu=nu, mu=mu,
                            primal_residual=max(0.0, float(-qv.min()), abs(float(qv.sum()) - 1)),
                            dual_residual=max(0.0, float(-mu.min())), tol=CERT_RTOL * scale * k)


def _cvxpy_bonus(l: np.ndarray, tau: float) -> tuple[np.ndarray, float, np.ndarray]:
    import cvxpy as cp

    k = len(l)
    q = cp.Variable(k)
    cons = [q >= 0, cp.sum(q) == 1]
    prob = cp.Problem(cp.Minimize(l @ q - tau * cp.sum(cp.entr(q))), cons)
    with warnings.catch_warnings():  # at 1e-13 Clarabel may report "inaccurate"; the certificate judges accuracy
        warnings.filterwarnings("ignore", message="Solution may be inaccurate")
        prob.solve(solver="CLARABEL", **SOLVER_TOL)
    if q.value is None:
        raise RuntimeError(f"bonus problem not solved: {prob.status}")
    qv = np.asarray(q.value, float)
    mu = np.asarray(cons[0].dual_value, float).ravel()
    nu = float(np.asarray(cons[1].dual_value).ravel()[0])  # cvxpy: Lagrangian f + y (sum q - 1), y = dual_value
    return qv, nu, mu
