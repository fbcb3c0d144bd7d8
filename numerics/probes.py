"""Linear probes in closed form, on linear-Gaussian models written over one common source.

Every variable of a linear process (o, a, q, eps, o', z, x, xi, ...) is a linear map of one vector w
of independent standard normals: x = T_x w. Then Cov(x, y) = T_x T_y^T exactly, and the population
normalised MSE of the best linear probe (with bias; all variables here are zero-mean) is

    NMSE(y | v) = min_{M,b} E||y - M v - b||^2 / tr Cov(y)
                = 1 - tr(S_yv S_vv^+ S_vy) / tr S_yy.

Conventions: NMSE of a zero-variance target is defined as 1 ("nothing to predict", the paper's
convention for absent noise); conditioning on several variables stacks them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

Array = np.ndarray


def nmse(S_yy: Array, S_yv: Array, S_vv: Array) -> float:
    """1 - tr(S_yv S_vv^+ S_vy) / tr S_yy (1 when tr S_yy = 0). Pseudo-inverse with rcond 1e-10."""
    total = float(np.trace(S_yy))
    if total <= 0:
        return 1.0
    if S_vv.size == 0:
        return 1.0
    explained = float(np.trace(S_yv @ np.linalg.pinv(S_vv, rcond=1e-10, hermitian=True) @ S_yv.T))
    return float(np.clip(1.0 - explained / total, 0.0, 1.0))


@dataclass(frozen=True)
class SourceModel:
    """Named linear maps from a shared standard-normal source: ``maps[name]`` is T_name (dim x n_src)."""

    maps: Mapping[str, Array]

    def T(self, name: str | Array) -> Array:
        return self.maps[name] if isinstance(name, str) else np.asarray(name)

    def stack(self, names: Sequence[str | Array]) -> Array:
        mats = [self.T(n) for n in names]
        return np.vstack(mats) if mats else np.zeros((0, self.n_source))

    @property
    def n_source(self) -> int:
        return next(iter(self.maps.values())).shape[1]

    def cov(self, x: str | Array, y: str | Array) -> Array:
        return self.T(x) @ self.T(y).T

    def with_maps(self, **extra: Array) -> "SourceModel":
        return SourceModel({**self.maps, **extra})

    def nmse(self, target: str | Array, given: Sequence[str | Array]) -> float:
        """NMSE of the best linear probe of ``target`` from the stacked variables ``given``."""
        Ty, Tv = self.T(target), self.stack(given)
        return nmse(Ty @ Ty.T, Ty @ Tv.T, Tv @ Tv.T)


def latent_map(model: SourceModel, C: Array, D: Array, o: str = "o", o_next: str = "o_next") -> Array:
    """T_z for the linear IDM z = C o + D o'."""
    return C @ model.T(o) + D @ model.T(o_next)


def transfer_nmse(fit: SourceModel, ev: SourceModel, target: str | Array, v_fit: Array, v_ev: Array,
                  rcond: float = 1e-10) -> float:
    """A probe fitted on one process and evaluated on another (Zhang et al.'s protocols: probes fitted on
    noise-free data, or on policy data and evaluated with random actions).

    The probe is the population least-squares map of ``fit``, M = S_yv S_vv^+ (pseudo-inverse cut at
    ``rcond`` relative); its error is E_ev||y - M v||^2 / tr S_yy on ``ev``: 1 - tr(S_yv S_vv^+ S_vy)/tr S_yy
    when both are the same process, and unclipped (it may exceed 1) otherwise. 1 when tr S_yy(ev) = 0.
    ``v_fit``, ``v_ev``: the source maps of the probe's input on each process."""
    Ty_f, Ty_e = fit.T(target), ev.T(target)
    total = float(np.trace(Ty_e @ Ty_e.T))
    if total <= 0:
        return 1.0
    if v_fit.size == 0:
        return 1.0
    M = (Ty_f @ v_fit.T) @ np.linalg.pinv(v_fit @ v_fit.T, rcond=rcond, hermitian=True)
    R = Ty_e - M @ v_ev
    return float(np.trace(R @ R.T) / total)


# --- probes fitted on a SAMPLE (least squares with bias, closed form) ------------------------------------

def sample_nmse(Y: Array, V: Array, Y_eval: Array | None = None, V_eval: Array | None = None,
                rcond: float = 1e-10) -> float:
    """The linear probe with bias fitted by least squares on a sample, and its normalised error.

    Rows are samples. (M, b) = argmin sum_i ||y_i - M v_i - b||^2 over the fit sample (Y, V): M^T = V_c^+ Y_c
    on the centred data, b = ybar - M vbar. Returned: sum_i ||y_i - M v_i - b||^2 / sum_i ||y_i - ybar_eval||^2
    over the evaluation sample (Y_eval, V_eval; default the fit sample, where it equals
    1 - tr(S_yv S_vv^+ S_vy) / tr S_yy with SAMPLE covariances). 1 when the evaluation target has no
    variance or V has no columns (the `nmse` convention). This is the closed form of what the authors' probe
    (an nn.Linear with bias trained by Adam on the MSE) converges to on the same data."""
    Y, V = np.asarray(Y, dtype=float), np.asarray(V, dtype=float)
    Y_eval = Y if Y_eval is None else np.asarray(Y_eval, dtype=float)
    V_eval = V if V_eval is None else np.asarray(V_eval, dtype=float)
    total = float(np.sum((Y_eval - Y_eval.mean(0)) ** 2))
    if total <= 0 or V.shape[1] == 0:
        return 1.0
    vbar, ybar = V.mean(0), Y.mean(0)
    Mt = np.linalg.lstsq(V - vbar, Y - ybar, rcond=rcond)[0]
    R = (Y_eval - ybar) - (V_eval - vbar) @ Mt
    return float(np.sum(R ** 2) / total)


def augmented_moments(w: Array) -> Array:
    """G = (1/n) sum_i [w_i; 1][w_i; 1]^T for a sample of source draws w (n x n_src): the uncentred second
    moments of the source with a constant appended, from which `moment_nmse` computes every sample probe of
    variables x = T_x w without forming the samples (one pass over the sample for any number of probes)."""
    w = np.asarray(w, dtype=float)
    wa = np.hstack([w, np.ones((w.shape[0], 1))])
    return wa.T @ wa / w.shape[0]


def moment_nmse(G_fit: Array, T_y: Array, T_v: Array, G_eval: Array | None = None, rcond: float = 1e-10) -> float:
    """`sample_nmse` of the variables y = T_y w, v = T_v w, computed from `augmented_moments` of the fit
    and evaluation samples instead of the samples (the same number in exact arithmetic; float64 here).

    With tildes for maps acting on [w; 1] (Ty~ = [T_y 0], Tv~ = [T_v 0; 0 1]): the fitted probe is
    W = (Ty~ G Tv~^T)(Tv~ G Tv~^T)^+ = [M b], the residual map R = Ty~ - W Tv~, and
    NMSE = tr(R G_e R^T) / (tr(Ty~ G_e Ty~^T) - ||ybar_e||^2), ybar_e = Ty~ G_e e (e: the constant's axis)."""
    G_eval = G_fit if G_eval is None else G_eval
    n1 = G_fit.shape[0]
    Ty = np.hstack([np.asarray(T_y, dtype=float), np.zeros((T_y.shape[0], 1))])
    e = np.zeros((1, n1))
    e[0, -1] = 1.0
    ybar = (Ty @ G_eval[:, -1])
    total = float(np.trace(Ty @ G_eval @ Ty.T) - ybar @ ybar)
    if total <= 1e-14 * max(float(np.trace(Ty @ G_eval @ Ty.T)), 1e-300) or T_v.shape[0] == 0:
        return 1.0
    Tv = np.vstack([np.hstack([np.asarray(T_v, dtype=float), np.zeros((T_v.shape[0], 1))]), e])
    # centre in the fit metric first (the bias absorbs the means), then solve: better conditioned
    vbar, yb = Tv @ G_fit[:, -1], Ty @ G_fit[:, -1]
    S_vv = Tv @ G_fit @ Tv.T - np.outer(vbar, vbar)
    S_yv = Ty @ G_fit @ Tv.T - np.outer(yb, vbar)
    M = S_yv[:, :-1] @ np.linalg.pinv(S_vv[:-1, :-1], rcond=rcond, hermitian=True)
    b = yb - M @ vbar[:-1]
    W = np.hstack([M, b[:, None]])
    R = Ty - W @ Tv
    return float(np.trace(R @ G_eval @ R.T) / total)
