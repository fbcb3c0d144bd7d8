"""ZP-D1 (the LLO metric): its bounds on one instance, the paper-like optimum, the MI proxy.

The bounds are checked on the UNCLIPPED probe errors (`numerics.probes.transfer_nmse` with the same
process for fit and evaluation, i.e. 1 - tr(S_yz S_zz^+ S_zy)/tr S_yy): `numerics.probes.nmse` clips to
[0, 1], which would make the check circular. Both readings of the action term are bounded: q (the
ledger's statement) and a (the authors' code), and both readings of the noise term: eps (statement) and
the process's noise target (b for other-agent noise, as the code probes).
"""

from __future__ import annotations

import numpy as np

from numerics.probes import transfer_nmse
from numerics.processes import LAMConfig, LinearProcess, orthonormal
from numerics.zhang2025.model import llo

#: round-off of an explained variance tr(S_yz S_zz^+ S_zy) with pinv cut 1e-10 on integer covariances:
#: ~1e-9 relative at worst (eigenvalues down to ~1e-3), so 1e-8 bounds it.
TOL = 1e-8


def raw_nmse(p: LinearProcess, y: str, T_z: np.ndarray) -> float | None:
    """Unclipped population NMSE of the best linear probe of y from z; None for a zero-variance target."""
    Ty = p.source.T(y)
    if float(np.trace(Ty @ Ty.T)) <= 0:
        return None
    return transfer_nmse(p.source, p.source, y, T_z, T_z)


def llo_terms(p: LinearProcess, C: np.ndarray, D: np.ndarray, action: str = "q", noise: str = "eps") -> dict[str, float]:
    """The three unclipped terms and LLO of z = C o + D o' (noise term 1 when the noise has no variance)."""
    Tz = C @ p.source.T("o") + D @ p.source.T("o_next")
    n_a, n_o = raw_nmse(p, action, Tz), raw_nmse(p, "o", Tz)
    n_e = raw_nmse(p, noise, Tz) if p.has_noise else None
    n_e = 1.0 if n_e is None else n_e
    return {"nmse_action": n_a, "nmse_noise": n_e, "nmse_o": n_o, "llo": -n_a + n_e + n_o}


def bound_violation(args) -> tuple[float, str]:
    """ZP-D1 on one (process, C, D) of its domain: every term in [0, 1], LLO in [-1, 2], and LLO = 2 only
    with NMSE_action = 0, NMSE_noise = NMSE_o = 1; for the four readings (action q/a, noise eps/target)."""
    p, C, D = args
    worst, what = -np.inf, ""
    for action in ("q", "a"):
        for noise in ("eps", "noise"):
            t = llo_terms(p, C, D, action, noise)
            terms = [t["nmse_action"], t["nmse_noise"], t["nmse_o"]]
            excess = max(max(-x for x in terms), max(x - 1 for x in terms), t["llo"] - 2, -1 - t["llo"]) - TOL
            if t["llo"] >= 2 - TOL:  # equality forces the three conditions
                excess = max(excess, t["nmse_action"] - 2 * TOL, 1 - t["nmse_noise"] - 2 * TOL, 1 - t["nmse_o"] - 2 * TOL)
            if excess > worst:
                worst, what = excess, f"action {action}, noise {noise}: terms {terms}, LLO {t['llo']}"
    return worst, what


def paper_like_optimum(d_o: int = 12, d_a: int = 4, d_b: int = 2, sigma: float = 0.5, seed: int = 0) -> dict:
    """X, Y orthonormal with Y perpendicular to X (one QR), other-agent noise sigma Y b: z = X^T (o' - o) = a
    attains LLO = 2; z = X^T o' adds o; a D that also reads Y adds noise (both below 2)."""
    rng = np.random.default_rng(seed)
    Q = orthonormal(rng, d_o, d_a + d_b)
    X, Y = Q[:, :d_a], Q[:, d_a:]
    p = LinearProcess(X=X, lam=LAMConfig(d_z=d_a), F_e=sigma * Y, noise_target="b")
    XY = (X + Y @ np.eye(d_b, d_a)).T
    return {"C=-D=X^T": llo_terms(p, -X.T, X.T), "C=0 (z carries o)": llo_terms(p, np.zeros((d_a, d_o)), X.T),
            "D sees noise": llo_terms(p, -XY, XY),
            "model.llo agrees (C=-D=X^T)": llo({"A": np.eye(d_o), "B": X, "C": -X.T, "D": X.T}, p, action="q").value}


def mi_proxy_vs_exact(d_a: int = 8, d_z: int = 4) -> dict[str, float | str]:
    """y = q = a (N(0, I_{d_a})), x = first d_z coordinates: proxy -1/2 log(NMSE) = 1/2 log(d_a/(d_a-d_z)),
    exact Gaussian MI is infinite (d_z coordinates are determined). Also a finite case x = y_1 + w, d_y = 2:
    proxy -1/2 log(3/4), exact 1/2 log 2."""
    proxy = -0.5 * np.log((d_a - d_z) / d_a)
    return {"proxy_partial_copy": float(proxy), "exact_partial_copy": "infinite",
            "proxy_y2_x_y1_plus_w": float(-0.5 * np.log(0.75)), "exact_y2_x_y1_plus_w": float(0.5 * np.log(2))}
