"""The typed description of a linear LAM process: one family for Zhang et al. 2025 and Lee et al. 2026.

A `LinearProcess` fixes the data distribution and the LAM trained on it (`LAMConfig`). Every variable
is a linear map of ONE standard-normal source w = [n_o; n_a; n_e; n_xi] (`numerics.probes.SourceModel`):

    o      = F_o n_o                                   observation,  Sigma_o = F_o F_o^T
    pi_s   = F_a n_a                                   stochastic policy part, Sigma_a = F_a F_a^T
    a      = chi Pi o + (1 - chi) pi_s                 action (Zhang Sec. 4.2; chi = 0: random policy)
    eps    = F_e n_e,  b = n_e                         change noise (Zhang: sigma I, or sigma_exo Y_0 b)
    x      = H_x o                                     exogenous state, read off o (Lee A3)
    xi     = F_xi n_xi                                 exogenous innovation, Sigma_xi = F_xi F_xi^T
    o'     = P o + X a + eps + G_x xi,  P = I + G_x (Gamma - I) H_x
    x'     = Gamma x + xi,  q = X a,  delta = o' - o

Zhang et al.: X the action effect, G_x absent (P = I). Lee et al.: X = U_a = G_s W, U_x = G_x,
x_{t+1} = Gamma x_t + xi_t, o ~ N(0, I) and [s; x] read off o (H_s, H_x the rows of [G_s G_x G_perp]^{-1}).

The innovation r = o' - E_lin[o' | o] = o' - S_no S_oo^+ o is what the optimal linear LAM compresses
(Zhang Prop. 4.1 / Lee EX-T1); everything downstream (loss, optima, probes, ranges over minimisers)
reads these maps, so there is one implementation of each moment. Dimensions, finiteness and signs
are validated on construction: a bad field raises `ProcessError` naming it.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from functools import cached_property
from typing import Any

import numpy as np

from numerics.probes import SourceModel

Array = np.ndarray

LOSS_NORMALISATIONS = ("sum", "mean")
LABEL_AVERAGES = ("labelled", "all")


class ProcessError(ValueError):
    """An invalid process description; ``field`` names the offending field."""

    def __init__(self, field_name: str, reason: str):
        super().__init__(f"{field_name}: {reason}")
        self.field = field_name
        self.reason = reason


def _matrix(name: str, value: Any, rows: int | None = None, cols: int | None = None) -> Array:
    try:
        M = np.array(value, dtype=float)
    except (TypeError, ValueError):
        raise ProcessError(name, "not a numeric matrix") from None
    if M.ndim != 2:
        raise ProcessError(name, f"must be a matrix, got {M.ndim} dimension(s)")
    if not np.all(np.isfinite(M)):
        raise ProcessError(name, "contains NaN or infinity")
    if rows is not None and M.shape[0] != rows:
        raise ProcessError(name, f"has {M.shape[0]} rows, expected {rows}")
    if cols is not None and M.shape[1] != cols:
        raise ProcessError(name, f"has {M.shape[1]} columns, expected {cols}")
    return M


def _number(name: str, value: Any, lo: float | None = None, hi: float | None = None, *, lo_open: bool = False,
            hi_open: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise ProcessError(name, f"must be a number, got {type(value).__name__}")
    v = float(value)
    if not np.isfinite(v):
        raise ProcessError(name, "must be finite")
    if lo is not None and (v < lo or (lo_open and v == lo)):
        raise ProcessError(name, f"must be {'>' if lo_open else '>='} {lo}, got {v:g}")
    if hi is not None and (v > hi or (hi_open and v == hi)):
        raise ProcessError(name, f"must be {'<' if hi_open else '<='} {hi}, got {v:g}")
    return v


@dataclass(frozen=True)
class LAMConfig:
    """The linear LAM trained on a process: IDM z = C o + D o', FDM o_hat' = A o + B z.

    ``learn_A`` False fixes A = I (residual FDM, Zhang ``learn_A=False``); ``tie_CD`` ties C = -D;
    ``kappa``: std of Zhang's augmentation kappa_1 (both IDM inputs), kappa_2 (FDM input and target);
    ``action_weight`` w of the auxiliary loss E||a - E z||^2, in the units of ``loss_normalisation``:
    "sum" = per-sample sums (population units), "mean" = reconstruction averaged over d_o and action
    loss over d_a, as in the authors' code; ``label_fraction`` p and ``label_average`` ("labelled":
    mean over the labelled samples of a batch, Zhang's code; "all": masked mean over the batch);
    ``batch``: samples per step (enters the effective weight under "labelled");
    ``Phi``: a fixed representation h = Phi o the LAM works in (None: h = o).
    """

    d_z: int
    learn_A: bool = True
    tie_CD: bool = False
    kappa: float = 0.0
    action_weight: float = 0.0
    loss_normalisation: str = "sum"
    label_fraction: float = 1.0
    label_average: str = "labelled"
    batch: int = 128
    Phi: Array | None = None

    def __post_init__(self) -> None:
        if isinstance(self.d_z, bool) or not isinstance(self.d_z, (int, np.integer)) or self.d_z < 1:
            raise ProcessError("lam.d_z", f"must be a positive integer, got {self.d_z!r}")
        object.__setattr__(self, "d_z", int(self.d_z))
        for name in ("learn_A", "tie_CD"):
            if not isinstance(getattr(self, name), bool):
                raise ProcessError(f"lam.{name}", "must be true or false")
        object.__setattr__(self, "kappa", _number("lam.kappa", self.kappa, 0.0))
        object.__setattr__(self, "action_weight", _number("lam.action_weight", self.action_weight, 0.0))
        object.__setattr__(self, "label_fraction", _number("lam.label_fraction", self.label_fraction, 0.0, 1.0))
        if self.loss_normalisation not in LOSS_NORMALISATIONS:
            raise ProcessError("lam.loss_normalisation", f"must be one of {LOSS_NORMALISATIONS}")
        if self.label_average not in LABEL_AVERAGES:
            raise ProcessError("lam.label_average", f"must be one of {LABEL_AVERAGES}")
        if isinstance(self.batch, bool) or not isinstance(self.batch, (int, np.integer)) or self.batch < 1:
            raise ProcessError("lam.batch", f"must be a positive integer, got {self.batch!r}")
        if self.Phi is not None:
            object.__setattr__(self, "Phi", _matrix("lam.Phi", self.Phi))

    def effective_action_weight(self, d_o: int, d_a: int) -> float:
        """Weight of E||a - E z||^2 in per-sample-sum (population) units at the population optimum.

        "mean" normalisation divides the reconstruction by d_o and the action loss by d_a; in sum units
        the action weight is then w d_o / d_a. Label averaging: "labelled" (mean over the labelled
        samples, counted only when the batch holds one) gives w (1 - (1 - p)^batch); "all" gives w p.
        """
        w = self.action_weight * (d_o / d_a if self.loss_normalisation == "mean" else 1.0)
        p = self.label_fraction
        if w <= 0 or p <= 0:
            return 0.0
        return w * (1 - (1 - p) ** self.batch) if self.label_average == "labelled" else w * p


@dataclass(frozen=True)
class LinearProcess:
    """A linear LAM process (module docstring) and the LAM trained on it.

    Required: the action effect ``X`` (d_o x d_a) and the LAM config ``lam``. Optional blocks default
    to absent: ``F_o`` (default I), ``F_a`` (default I), noise ``F_e`` with ``noise_target`` "eps" (the
    noise probe reads eps) or "b" (it reads the source b, Zhang's other-agent noise), policy ``chi``,
    ``Pi``, exogenous ``G_x``, ``H_x`` (default G_x^+), ``Gamma``, ``F_xi``; Lee's endogenous factorisation
    ``G_s``, ``W`` (then X must equal G_s W) and ``H_s``.
    """

    X: Array
    lam: LAMConfig
    F_o: Array | None = None
    F_a: Array | None = None
    F_e: Array | None = None
    noise_target: str = "eps"
    chi: float = 0.0
    Pi: Array | None = None
    G_x: Array | None = None
    H_x: Array | None = None
    Gamma: Array | None = None
    F_xi: Array | None = None
    G_s: Array | None = None
    W: Array | None = None
    H_s: Array | None = None
    label: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        X = _matrix("X", self.X)
        d_o, d_a = X.shape
        if d_a < 1 or d_o < 1:
            raise ProcessError("X", "needs at least one row and one column")
        if d_a > d_o:
            raise ProcessError("dims.d_a", f"d_a = {d_a} exceeds d_o = {d_o}")
        if not isinstance(self.lam, LAMConfig):
            raise ProcessError("lam", "must be a LAMConfig")
        if self.lam.d_z >= d_o:
            raise ProcessError("dims.d_z", f"d_z = {self.lam.d_z} must be below d_o = {d_o} (a bottleneck)")
        set_ = lambda k, v: object.__setattr__(self, k, v)  # noqa: E731
        set_("X", X)
        set_("F_o", np.eye(d_o) if self.F_o is None else _matrix("F_o", self.F_o, d_o))
        set_("F_a", np.eye(d_a) if self.F_a is None else _matrix("F_a", self.F_a, d_a))
        set_("F_e", np.zeros((d_o, 0)) if self.F_e is None else _matrix("F_e", self.F_e, d_o))
        if self.noise_target not in ("eps", "b"):
            raise ProcessError("noise_target", "must be 'eps' or 'b'")
        set_("chi", _number("policy.chi", self.chi, 0.0, 1.0))
        set_("Pi", np.zeros((d_a, d_o)) if self.Pi is None else _matrix("Pi", self.Pi, d_a, d_o))
        if self.G_x is None:
            for name in ("H_x", "Gamma", "F_xi"):
                if getattr(self, name) is not None:
                    raise ProcessError(name, "given without the exogenous map G_x")
            set_("G_x", np.zeros((d_o, 0)))
        else:
            set_("G_x", _matrix("G_x", self.G_x, d_o))
        d_x = self.G_x.shape[1]
        set_("H_x", np.linalg.pinv(self.G_x) if self.H_x is None else _matrix("H_x", self.H_x, d_x, d_o))
        set_("Gamma", np.zeros((d_x, d_x)) if self.Gamma is None else _matrix("Gamma", self.Gamma, d_x, d_x))
        set_("F_xi", np.zeros((d_x, 0)) if self.F_xi is None else _matrix("F_xi", self.F_xi, d_x))
        if (self.G_s is None) != (self.W is None):
            raise ProcessError("G_s" if self.G_s is None else "W", "G_s and W come together (X = G_s W)")
        if self.G_s is not None:
            G_s = _matrix("G_s", self.G_s, d_o)
            W = _matrix("W", self.W, G_s.shape[1], d_a)
            if not np.allclose(G_s @ W, X, rtol=0.0, atol=1e-9 * max(1.0, float(np.abs(X).max(initial=0.0)))):
                raise ProcessError("X", "must equal G_s W")
            set_("G_s", G_s)
            set_("W", W)
            set_("H_s", np.linalg.pinv(G_s) if self.H_s is None else _matrix("H_s", self.H_s, G_s.shape[1], d_o))
        elif self.H_s is not None:
            raise ProcessError("H_s", "given without G_s")
        if self.lam.Phi is not None and self.lam.Phi.shape[1] != d_o:
            raise ProcessError("lam.Phi", f"has {self.lam.Phi.shape[1]} columns, expected d_o = {d_o}")

    # --- dimensions --------------------------------------------------------------------------------
    @property
    def d_o(self) -> int:
        return self.X.shape[0]

    @property
    def d_a(self) -> int:
        return self.X.shape[1]

    @property
    def d_z(self) -> int:
        return self.lam.d_z

    @property
    def d_x(self) -> int:
        return self.G_x.shape[1]

    @property
    def d_e(self) -> int:
        return self.F_e.shape[1]

    @property
    def has_noise(self) -> bool:
        return bool(np.any(self.F_e))

    @property
    def has_exogenous(self) -> bool:
        return self.d_x > 0

    # --- derived matrices --------------------------------------------------------------------------
    @property
    def Sigma_o(self) -> Array:
        return self.F_o @ self.F_o.T

    @property
    def Sigma_a(self) -> Array:
        """Cov of the stochastic policy part pi_s (= Cov(a) for a random policy, chi = 0)."""
        return self.F_a @ self.F_a.T

    @property
    def Sigma_eps(self) -> Array:
        return self.F_e @ self.F_e.T

    @property
    def Sigma_xi(self) -> Array:
        return self.F_xi @ self.F_xi.T

    @property
    def P(self) -> Array:
        """I + G_x (Gamma - I) H_x: the part of o' that o predicts through the exogenous dynamics."""
        return np.eye(self.d_o) + self.G_x @ (self.Gamma - np.eye(self.d_x)) @ self.H_x

    @cached_property
    def source(self) -> SourceModel:
        """Every variable as a linear map of w = [n_o; n_a; n_e; n_xi] (module docstring)."""
        d_o, d_a, d_x = self.d_o, self.d_a, self.d_x
        n_o, n_a, n_e, n_xi = self.F_o.shape[1], self.F_a.shape[1], self.F_e.shape[1], self.F_xi.shape[1]
        n = n_o + n_a + n_e + n_xi
        blocks = np.cumsum([0, n_o, n_a, n_e, n_xi])

        def place(M: Array, i: int) -> Array:
            T = np.zeros((M.shape[0], n))
            T[:, blocks[i]:blocks[i + 1]] = M
            return T

        T_o, T_pis, T_b, T_xi = place(self.F_o, 0), place(self.F_a, 1), place(np.eye(n_e), 2), place(self.F_xi, 3)
        T_eps = place(self.F_e, 2)
        T_a = self.chi * self.Pi @ T_o + (1 - self.chi) * T_pis
        T_x = self.H_x @ T_o
        T_next = self.P @ T_o + self.X @ T_a + T_eps + self.G_x @ T_xi
        maps = {"o": T_o, "pi_s": T_pis, "a": T_a, "q": self.X @ T_a, "eps": T_eps, "b": T_b, "x": T_x, "xi": T_xi,
                "x_next": self.Gamma @ T_x + T_xi, "o_next": T_next, "delta": T_next - T_o}
        S_oo = T_o @ T_o.T
        maps["r"] = T_next - (T_next @ T_o.T) @ np.linalg.pinv(S_oo, hermitian=True) @ T_o
        if self.G_s is not None:
            maps["s"] = self.H_s @ T_o
            maps["s_next"] = maps["s"] + self.W @ T_a
        maps["noise"] = maps[self.noise_target] if self.has_noise else np.zeros((0, n))
        return SourceModel(maps)

    def cov(self, x: str, y: str) -> Array:
        return self.source.cov(x, y)

    @property
    def Sigma_r(self) -> Array:
        """Covariance of the innovation r = o' - S_no S_oo^+ o (Zhang: Sigma_{q+eps}; Lee: Sigma_r)."""
        return self.cov("r", "r")

    @property
    def Sigma_delta(self) -> Array:
        return self.cov("delta", "delta")

    def moments(self):
        """Raw second moments for `numerics.linear_lam` (S_oo, S_no, S_nn), in h = Phi o space if set."""
        from numerics.linear_lam import TransitionMoments

        Phi = self.lam.Phi
        S_oo, S_no, S_nn = self.cov("o", "o"), self.cov("o_next", "o"), self.cov("o_next", "o_next")
        if Phi is not None:
            S_oo, S_no, S_nn = Phi @ S_oo @ Phi.T, Phi @ S_no @ Phi.T, Phi @ S_nn @ Phi.T
        return TransitionMoments(S_oo=S_oo, S_no=S_no, S_nn=S_nn)

    # --- variants ----------------------------------------------------------------------------------
    def with_lam(self, **changes: Any) -> "LinearProcess":
        return replace(self, lam=replace(self.lam, **changes))

    def random_actions(self) -> "LinearProcess":
        """The same process with a random policy (chi = 0): Zhang's ZP-E4 evaluation data."""
        return replace(self, chi=0.0)

    def clean(self) -> "LinearProcess":
        """The same process without change noise (Zhang's ZP-E2 probe data)."""
        return replace(self, F_e=np.zeros((self.d_o, 0)))

    # --- sampling (Monte-Carlo cross-checks; trained checks use the batched torch sampler) ----------
    def sample(self, n: int, rng: np.random.Generator, names: tuple[str, ...] = ("o", "a", "o_next")) -> dict[str, Array]:
        """n joint draws (rows) of the named variables, from one draw of the standard-normal source."""
        w = rng.standard_normal((self.source.n_source, n))
        return {k: (self.source.T(k) @ w).T for k in names}

    # --- serialisation ------------------------------------------------------------------------------
    def to_json(self) -> dict:
        """A complete description (for counterexamples in report.json): every matrix as nested lists."""
        out: dict[str, Any] = {"d_o": self.d_o, "d_a": self.d_a, "d_z": self.d_z, "d_x": self.d_x,
                               "noise_target": self.noise_target, "chi": self.chi}
        for f in fields(self):
            v = getattr(self, f.name)
            if isinstance(v, np.ndarray) and v.size:
                out[f.name] = v.tolist()
        lam = {f.name: getattr(self.lam, f.name) for f in fields(self.lam) if f.name != "Phi"}
        if self.lam.Phi is not None:
            lam["Phi"] = self.lam.Phi.tolist()
        out["lam"] = lam
        if self.label:
            out["label"] = self.label
        return out

    @classmethod
    def from_json(cls, data: dict) -> "LinearProcess":
        lam = dict(data["lam"])
        matrices = {k: np.array(data[k], dtype=float) for k in
                    ("X", "F_o", "F_a", "F_e", "Pi", "G_x", "H_x", "Gamma", "F_xi", "G_s", "W", "H_s") if k in data}
        d_o, d_a = matrices["X"].shape
        if "F_e" not in matrices:
            matrices["F_e"] = np.zeros((d_o, 0))
        return cls(lam=LAMConfig(**lam), noise_target=data.get("noise_target", "eps"), chi=data.get("chi", 0.0),
                   label=data.get("label", ""), **matrices)


# --- constructors: the papers' simulation settings ----------------------------------------------------

def orthonormal(rng: np.random.Generator, d: int, k: int) -> Array:
    """QR of a Gaussian matrix: a random d x k matrix with orthonormal columns (Zhang's X, Y_0, Pi^T)."""
    return np.linalg.qr(rng.standard_normal((d, k)))[0]


def zhang_process(rng: np.random.Generator, *, d_o: int = 128, d_a: int = 8, d_z: int = 8, noise: str = "none",
                  sigma: float = 0.0, d_b: int = 8, chi: float = 0.0, lam: LAMConfig | None = None,
                  **lam_options: Any) -> LinearProcess:
    """Zhang et al.'s simulation (App. B): o ~ N(0, I), a ~ N(0, I), X by QR; noise "none", "iid"
    (eps = sigma n, n ~ N(0, I_{d_o})) or "exo" (eps = sigma Y_0 b, Y_0 by QR, b ~ N(0, I_{d_b}), probe b);
    policy a = chi Pi o + (1 - chi) pi_s with Pi's rows orthonormal (QR). Draw order: X, Y_0, Pi."""
    X = orthonormal(rng, d_o, d_a)
    F_e, target = None, "eps"
    if noise == "iid":
        F_e = sigma * np.eye(d_o)
    elif noise == "exo":
        F_e, target = sigma * orthonormal(rng, d_o, d_b), "b"
    elif noise != "none":
        raise ProcessError("noise.type", f"unknown noise {noise!r}")
    Pi = orthonormal(rng, d_o, d_a).T if chi else None
    lam = lam or LAMConfig(d_z=d_z, **lam_options)
    return LinearProcess(X=X, lam=lam, F_e=F_e, noise_target=target, chi=chi, Pi=Pi)


def lee_process(rng: np.random.Generator | None = None, *, d_o: int = 16, d_s: int = 4, d_x: int = 4, d_a: int = 3,
                sigma_a: float = 1.0, sigma_xi: float = 1.0, gamma: float = 0.5, overlap: float = 0.0,
                W: Array | None = None, lam: LAMConfig | None = None, d_z: int | None = None,
                **lam_options: Any) -> LinearProcess:
    """Lee et al.'s reconstructed exogenous process (A1-A3 special case): o ~ N(0, I), [G_s G_x] from
    one QR (orthonormal, A6 holds) with G_x tilted by ``overlap`` * G_s R toward the action pixels;
    W orthonormal columns unless given; Gamma = gamma I; isotropic Sigma_a, Sigma_xi. [s; x] are read
    off o by the rows of [G_s G_x G_perp]^{-1}."""
    rng = rng if rng is not None else np.random.default_rng(0)
    Q = orthonormal(rng, d_o, d_o)
    G_s, G_x = Q[:, :d_s], Q[:, d_s:d_s + d_x]
    if W is None:
        W = orthonormal(rng, d_s, d_s)[:, :d_a]
    if overlap:
        G_x = G_x + overlap * G_s @ rng.standard_normal((d_s, d_x))
    G = np.hstack([G_s, G_x])
    U, s, _ = np.linalg.svd(G, full_matrices=True)
    basis_inv = np.linalg.inv(np.hstack([G, U[:, int(np.sum(s > 1e-10 * s[0])):]]))
    lam = lam or LAMConfig(d_z=d_a if d_z is None else d_z, **lam_options)
    return LinearProcess(X=G_s @ W, lam=lam, F_a=sigma_a * np.eye(d_a), G_x=G_x, H_x=basis_inv[d_s:d_s + d_x],
                         Gamma=gamma * np.eye(d_x), F_xi=sigma_xi * np.eye(d_x), G_s=G_s, W=W, H_s=basis_inv[:d_s])
