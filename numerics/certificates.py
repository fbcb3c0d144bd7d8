"""Convex relaxations, certified by primal feasibility, dual feasibility and the duality gap.

A convex result is never read off the solver's objective alone (docs/contract.md; cvxpy's
solver_test_helpers): we solve the primal and the explicit dual, then check both feasibility
residuals ourselves with numpy and compare the two objective values.

Fantope program (Ky Fan / Overton-Womersley). For symmetric Sigma and integer 0 <= k <= d:

    primal  max  tr(P Sigma)        s.t. 0 <= P <= I (Loewner), tr P = k
    dual    min  k nu + tr Z        s.t. Z >= 0,  Z + nu I - Sigma >= 0

Both values equal sum_{i<=k} lambda_i(Sigma), so min tr((I-P) Sigma) = sum_{i>k} lambda_i: the
Eckart-Young value of the linear LAM (ZP-P2).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

Array = np.ndarray

#: Clarabel's default feasibility/gap tolerances are 1e-8 (relative); we accept residuals of
#: 1e-6 * scale, two orders above, so a certificate fails only on a genuine disagreement.
CERT_RTOL = 1e-6


@dataclass(frozen=True)
class FantopeCertificate:
    """Solved and independently checked Fantope program for (Sigma, k).

    ``primal_residual``: max violation of 0 <= P <= I and of tr P = k; ``dual_residual``: max
    violation of Z >= 0 and Z + nu I - Sigma >= 0; ``gap`` = dual value - primal value (>= 0 up to
    tolerance by weak duality); ``tol`` = CERT_RTOL * max(1, ||Sigma||_2) * d.
    """

    k: int
    primal_value: float  # max tr(P Sigma)
    dual_value: float  # min k nu + tr Z
    P: Array
    nu: float
    Z: Array
    primal_residual: float
    dual_residual: float
    tol: float
    solver: str

    @property
    def gap(self) -> float:
        return self.dual_value - self.primal_value

    @property
    def certified(self) -> bool:
        return self.primal_residual <= self.tol and self.dual_residual <= self.tol and abs(self.gap) <= self.tol

    def min_residual_value(self, Sigma: Array) -> float:
        """min_P tr((I-P) Sigma) = tr Sigma - max tr(P Sigma): the PCA loss bound."""
        return float(np.trace(Sigma) - self.primal_value)


def _min_eig(M: Array) -> float:
    return float(np.linalg.eigvalsh((M + M.T) / 2)[0]) if M.size else 0.0


def fantope_bound(Sigma: Array, k: int, solver: str = "CLARABEL") -> FantopeCertificate:
    """Solve the Fantope primal and dual with cvxpy and certify them (see module docstring)."""
    import cvxpy as cp

    Sigma = (np.asarray(Sigma, dtype=float) + np.asarray(Sigma, dtype=float).T) / 2
    d = Sigma.shape[0]
    if not 0 <= k <= d:
        raise ValueError(f"k={k} must lie in [0, {d}]")
    eye = np.eye(d)

    P = cp.Variable((d, d), symmetric=True)
    primal = cp.Problem(cp.Maximize(cp.trace(P @ Sigma)), [P >> 0, eye - P >> 0, cp.trace(P) == k])
    primal.solve(solver=solver)

    Z = cp.Variable((d, d), symmetric=True)
    nu = cp.Variable()
    dual = cp.Problem(cp.Minimize(k * nu + cp.trace(Z)), [Z >> 0, Z + nu * eye - Sigma >> 0])
    dual.solve(solver=solver)

    if P.value is None or Z.value is None or nu.value is None:
        raise RuntimeError(f"Fantope program not solved: primal {primal.status}, dual {dual.status}")
    Pv, Zv, nuv = P.value, Z.value, float(nu.value)
    primal_residual = max(0.0, -_min_eig(Pv), -_min_eig(eye - Pv), abs(float(np.trace(Pv)) - k))
    dual_residual = max(0.0, -_min_eig(Zv), -_min_eig(Zv + nuv * eye - Sigma))
    return FantopeCertificate(
        k=k,
        primal_value=float(np.trace(Pv @ Sigma)),
        dual_value=k * nuv + float(np.trace(Zv)),
        P=Pv,
        nu=nuv,
        Z=Zv,
        primal_residual=primal_residual,
        dual_residual=dual_residual,
        tol=CERT_RTOL * max(1.0, float(np.linalg.norm(Sigma, 2))) * d,
        solver=solver,
    )


def ky_fan_dual_point(Sigma: Array, k: int) -> tuple[float, Array]:
    """An exact dual-feasible point: nu = lambda_{k+1} (0 if k = d), Z = sum_i (lambda_i - nu)_+ u_i u_i^T.

    Its value k nu + tr Z equals sum_{i<=k} lambda_i, which with the primal point U_k U_k^T proves
    Ky Fan's maximum principle for this Sigma without a solver.
    """
    w, V = np.linalg.eigh((Sigma + Sigma.T) / 2)
    w, V = w[::-1], V[:, ::-1]
    nu = float(w[k]) if k < len(w) else min(0.0, float(w[-1]))
    Z = (V * np.clip(w - nu, 0, None)) @ V.T
    return nu, Z


# --- convex least squares (optimal heads and optimal A of the linear LAM) ---------------------

@dataclass(frozen=True)
class LSQCertificate:
    """Certified convex least squares min_W tr(W S W^T) - 2 tr(G W^T) + c0 (see `certified_lsq`):
    ``dual_residual`` is the violation of the dual constraint V L^T = 2G, ``stationarity_residual``
    the gradient 2(W S - G) at the primal point; ``tol`` = CERT_RTOL * scale * n."""

    W: np.ndarray
    primal_value: float
    dual_value: float
    dual_residual: float
    stationarity_residual: float
    tol: float

    @property
    def gap(self) -> float:
        return self.primal_value - self.dual_value

    @property
    def certified(self) -> bool:
        return (self.dual_residual <= self.tol and self.stationarity_residual <= self.tol
                and abs(self.primal_value - self.dual_value) <= self.tol)


_LSQ_PROBLEMS: dict[tuple[int, int, str], tuple] = {}


def _lsq_problems(m: int, n: int, solver: str):
    """The primal min_W ||W L||^2 - 2 tr(G W^T) and the dual max_V -||V||^2/4 s.t. V L^T = 2G as cvxpy problems
    with ``cp.Parameter`` data L (n x n) and G (m x n), canonicalised once per (m, n, solver) and re-solved
    (DPP). The constant c0 enters neither argmin; `certified_lsq` adds it in the numpy values."""
    key = (m, n, solver)
    if key not in _LSQ_PROBLEMS:
        import cvxpy as cp

        L, G = cp.Parameter((n, n)), cp.Parameter((m, n))
        W, V = cp.Variable((m, n)), cp.Variable((m, n))
        primal = cp.Problem(cp.Minimize(cp.sum_squares(W @ L) - 2 * cp.sum(cp.multiply(G, W))))
        dual = cp.Problem(cp.Maximize(-cp.sum_squares(V) / 4), [V @ L.T == 2 * G])
        assert primal.is_dpp() and dual.is_dpp()
        _LSQ_PROBLEMS[key] = (L, G, W, V, primal, dual)
    return _LSQ_PROBLEMS[key]


def certified_lsq(S: np.ndarray, G: np.ndarray, c0: float, solver: str = "CLARABEL") -> LSQCertificate:
    """min_W tr(W S W^T) - 2 tr(G W^T) + c0 (S PSD, G in the row range of S) and its dual
    max_V c0 - ||V||^2/4 s.t. V L^T = 2G (S = L L^T, L from one eigh, rank r), both by cvxpy; residuals
    checked with numpy. The problems are compiled once per shape (`_lsq_problems`): L is padded with n - r
    zero columns, which change neither W L nor V L^T; the padded columns of V enter only -||V||^2/4, so
    the dual optimum sets them to 0, and they are dropped before the dual value and residual are computed."""
    w, Q = np.linalg.eigh((S + S.T) / 2)
    keep = w > 1e-12 * max(1.0, float(w.max()))
    L = Q[:, keep] * np.sqrt(w[keep])
    m, n = G.shape
    scale = max(1.0, float(np.linalg.norm(S, 2)), float(np.abs(G).max(initial=0.0)), abs(c0))
    if not keep.any():  # S = 0: the objective is c0 - 2 tr(G W^T), bounded (value c0 at W = 0) iff G = 0
        return LSQCertificate(W=np.zeros((m, n)), primal_value=c0, dual_value=c0,
                              dual_residual=float(np.max(np.abs(2 * G), initial=0.0)),
                              stationarity_residual=float(np.max(np.abs(2 * G), initial=0.0)), tol=CERT_RTOL * scale * n)
    r = L.shape[1]
    Lp, Gp, W, V, primal, dual = _lsq_problems(m, n, solver)
    Lp.value, Gp.value = np.hstack([L, np.zeros((n, n - r))]), np.asarray(G, dtype=float)
    primal.solve(solver=solver)
    dual.solve(solver=solver)
    Wv, Vv = W.value, V.value[:, :r]
    return LSQCertificate(W=Wv, primal_value=float(np.sum((Wv @ L) ** 2) - 2 * np.sum(G * Wv) + c0),
                          dual_value=float(c0 - np.sum(Vv**2) / 4),
                          dual_residual=float(np.max(np.abs(Vv @ L.T - 2 * G))),
                          stationarity_residual=float(np.max(np.abs(2 * (Wv @ S - G)))), tol=CERT_RTOL * scale * n)
