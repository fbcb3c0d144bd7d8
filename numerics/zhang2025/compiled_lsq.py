"""`numerics.certificates.certified_lsq` with its two cvxpy problems compiled once per shape (library).

The certified least squares min_W tr(W S W^T) - 2 tr(G W^T) + c0 (S = L L^T PSD, G in the row range of S) and its
dual max_V c0 - ||V||^2/4 s.t. V L^T = 2G are the same problems as `certified_lsq` builds, written with
``cp.Parameter`` data (L, G) so that cvxpy canonicalises each (m, n) shape once (L padded with zero columns
to n) and every further instance of that shape is only re-solved (DPP). The constant c0 does not enter either argmin, so it is
left out of the compiled problems and added back where `certified_lsq` adds it, in the numpy evaluation of
the values. Everything that certifies (the factor L from one eigh, the S = 0 branch, primal and dual values,
the dual and stationarity residuals, ``tol`` = CERT_RTOL * scale * n) is computed exactly as in
`certified_lsq`; tests/test_zhang2025_exact.py compares the two on random instances.

(A shared-module candidate: `numerics.certificates` could offer this; kept here, with ZP-P3's convex check
its only user, because that module belongs to the project lead.)
"""

from __future__ import annotations

import numpy as np

from numerics.certificates import CERT_RTOL, LSQCertificate

_PROBLEMS: dict[tuple[int, int, int, str], tuple] = {}


def _compiled(m: int, n: int, r: int, solver: str):
    key = (m, n, r, solver)
    if key not in _PROBLEMS:
        import cvxpy as cp

        L, G = cp.Parameter((n, r)), cp.Parameter((m, n))
        W, V = cp.Variable((m, n)), cp.Variable((m, r))
        primal = cp.Problem(cp.Minimize(cp.sum_squares(W @ L) - 2 * cp.sum(cp.multiply(G, W))))
        dual = cp.Problem(cp.Maximize(-cp.sum_squares(V) / 4), [V @ L.T == 2 * G])
        assert primal.is_dpp() and dual.is_dpp()
        _PROBLEMS[key] = (L, G, W, V, primal, dual)
    return _PROBLEMS[key]


def certified_lsq_compiled(S: np.ndarray, G: np.ndarray, c0: float, solver: str = "CLARABEL") -> LSQCertificate:
    """Same result type and certificate as `certified_lsq(S, G, c0, solver)`; problems compiled once per shape."""
    w, Q = np.linalg.eigh((S + S.T) / 2)
    keep = w > 1e-12 * max(1.0, float(w.max()))
    Lv = Q[:, keep] * np.sqrt(w[keep])
    m, n = G.shape
    scale = max(1.0, float(np.linalg.norm(S, 2)), float(np.abs(G).max(initial=0.0)), abs(c0))
    if not keep.any():  # S = 0: the objective is c0 - 2 tr(G W^T), bounded (value c0 at W = 0) iff G = 0
        return LSQCertificate(W=np.zeros((m, n)), primal_value=c0, dual_value=c0,
                              dual_residual=float(np.max(np.abs(2 * G), initial=0.0)),
                              stationarity_residual=float(np.max(np.abs(2 * G), initial=0.0)), tol=CERT_RTOL * scale * n)
    # one compiled pair per (m, n): L padded with zero columns to n (W L and V L^T are unchanged by them; the padded
    # columns of V enter only -||V||^2/4, so the dual optimum sets them to 0 and they are dropped below)
    r = Lv.shape[1]
    L, Gp, W, V, primal, dual = _compiled(m, n, n, solver)
    L.value, Gp.value = np.hstack([Lv, np.zeros((n, n - r))]), np.asarray(G, dtype=float)
    primal.solve(solver=solver)
    dual.solve(solver=solver)
    Wv, Vv = W.value, V.value[:, :r]
    return LSQCertificate(W=Wv, primal_value=float(np.sum((Wv @ Lv) ** 2) - 2 * np.sum(G * Wv) + c0),
                          dual_value=float(c0 - np.sum(Vv**2) / 4),
                          dual_residual=float(np.max(np.abs(Vv @ Lv.T - 2 * G))),
                          stationarity_residual=float(np.max(np.abs(2 * (Wv @ S - G)))), tol=CERT_RTOL * scale * n)


def min_A_certificate(B: np.ndarray, C: np.ndarray, D: np.ndarray, m) -> tuple[np.ndarray, LSQCertificate]:
    """`numerics.linear_lam.min_A_certificate` through `certified_lsq_compiled`: min_A L(A, B, C, D) is the
    convex least squares in F = A + BC with S = S_oo, G = (I - BD) S_no, c0 = tr((I - BD) S_nn (I - BD)^T)."""
    Gm = np.eye(m.d_o) - B @ D
    cert = certified_lsq_compiled(m.S_oo, Gm @ m.S_no, float(np.trace(Gm @ m.S_nn @ Gm.T)))
    return cert.W - B @ C, cert
