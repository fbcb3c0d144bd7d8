"""The exogenous linear process of Lee et al. 2026 (brief §2.3) — THIS PROJECT'S RECONSTRUCTION.

The paper's formal body was not available; the model, symbols and metrics below are the brief's
reconstruction (provenance ``reconstructed``), not the paper's text.

    o_t = G_s s_t + G_x x_t (+ G_perp e_t),  s_{t+1} = s_t + W a_t,  x_{t+1} = Gamma x_t + xi_t.

Special case of A3 (compatible with Zhang et al.): o_t ~ N(0, I_{d_o}) and the state is read off by the
coordinates of o in the basis M = [G_s G_x G_perp] (G_perp an orthonormal complement):
[s; x; e] = M^{-1} o.  If [G_s G_x] is orthonormal this is s = G_s^T o, x = G_x^T o (brief §2.3); a
non-orthogonal [G_s G_x] (still full column rank) is allowed so that U_a^T U_x != 0 (overlap) is reachable.

Then o_{t+1} = P o_t + r_t with P = I + G_x (Gamma - I) H_x (H_x = rows of M^{-1} for x; H_x = G_x^T
when orthonormal) and r_t = U_a a_t + U_x xi_t, U_a = G_s W, U_x = G_x.

Everything is a linear map of one standard-normal source w = [o_t; eta_a; eta_xi] with a = F_a eta_a,
xi = F_xi eta_xi, so the closed-form probes of `numerics.probes` apply, and the LAM loss uses the shared
`numerics.linear_lam` functions through `TransitionMoments` (no second copy of the loss or the PCA code).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
from hypothesis import strategies as st

from numerics import linear_lam as ll
from numerics.instances import int_matrices
from numerics.probes import SourceModel, latent_map

Array = np.ndarray


def _complement(M: Array) -> Array:
    """Orthonormal basis of the orthogonal complement of span(M) (columns)."""
    d = M.shape[0]
    if M.shape[1] == 0:
        return np.eye(d)
    U, s, _ = np.linalg.svd(M, full_matrices=True)
    r = int(np.sum(s > 1e-10 * s[0]))
    return U[:, r:]


@dataclass(frozen=True)
class ExoProcess:
    """One instance of the exogenous process: rendering maps, dynamics and factor covariances.

    Sigma_a = F_a F_a^T, Sigma_xi = F_xi F_xi^T. [G_s G_x] must have full column rank (checked).
    """

    G_s: Array
    G_x: Array
    W: Array
    Gamma: Array
    F_a: Array
    F_xi: Array

    def __post_init__(self) -> None:
        G = np.hstack([self.G_s, self.G_x])
        if np.linalg.matrix_rank(G) < G.shape[1]:
            raise ValueError("[G_s G_x] must have full column rank (A3)")

    # --- dimensions ----------------------------------------------------------------------------------
    @property
    def d_o(self) -> int:
        return self.G_s.shape[0]

    @property
    def d_s(self) -> int:
        return self.G_s.shape[1]

    @property
    def d_x(self) -> int:
        return self.G_x.shape[1]

    @property
    def d_a(self) -> int:
        return self.W.shape[1]

    # --- derived matrices ------------------------------------------------------------------------------
    @cached_property
    def basis_inverse(self) -> Array:
        G = np.hstack([self.G_s, self.G_x])
        return np.linalg.inv(np.hstack([G, _complement(G)]))

    @property
    def H_s(self) -> Array:
        return self.basis_inverse[: self.d_s]

    @property
    def H_x(self) -> Array:
        return self.basis_inverse[self.d_s: self.d_s + self.d_x]

    @property
    def U_a(self) -> Array:
        return self.G_s @ self.W

    @property
    def U_x(self) -> Array:
        return self.G_x

    @property
    def Sigma_a(self) -> Array:
        return self.F_a @ self.F_a.T

    @property
    def Sigma_xi(self) -> Array:
        return self.F_xi @ self.F_xi.T

    @property
    def P(self) -> Array:
        """Best linear predictor of o_{t+1} from o_t: I + G_x (Gamma - I) H_x."""
        return np.eye(self.d_o) + self.G_x @ (self.Gamma - np.eye(self.d_x)) @ self.H_x

    @property
    def Sigma_r(self) -> Array:
        """Innovation covariance U_a Sigma_a U_a^T + U_x Sigma_xi U_x^T."""
        return self.U_a @ self.Sigma_a @ self.U_a.T + self.U_x @ self.Sigma_xi @ self.U_x.T

    @property
    def Sigma_delta(self) -> Array:
        """Cov of the frame change Delta = o' - o = (P - I) o + r (what a residual FDM A = I sees)."""
        E = self.P - np.eye(self.d_o)
        return E @ E.T + self.Sigma_r

    def moments(self) -> ll.TransitionMoments:
        """Raw second moments for the shared loss: S_oo = I, S_no = P, S_nn = P P^T + Sigma_r."""
        return ll.TransitionMoments(S_oo=np.eye(self.d_o), S_no=self.P, S_nn=self.P @ self.P.T + self.Sigma_r)

    # --- the source model ------------------------------------------------------------------------------
    @cached_property
    def source(self) -> SourceModel:
        d_o, d_a, d_x = self.d_o, self.d_a, self.d_x
        n = d_o + d_a + d_x
        o = np.hstack([np.eye(d_o), np.zeros((d_o, d_a + d_x))])
        a = np.hstack([np.zeros((d_a, d_o)), self.F_a, np.zeros((d_a, d_x))])
        xi = np.hstack([np.zeros((d_x, d_o + d_a)), self.F_xi])
        s, x = self.H_s @ o, self.H_x @ o
        r = self.U_a @ a + self.U_x @ xi
        o_next = self.P @ o + r
        assert o.shape[1] == n
        return SourceModel({"o": o, "a": a, "xi": xi, "s": s, "x": x, "r": r, "o_next": o_next,
                            "s_next": s + self.W @ a, "x_next": self.Gamma @ x + xi})


# --- LAM parameters at the optimum ---------------------------------------------------------------------
@dataclass(frozen=True)
class LinearLAM:
    A: Array
    B: Array
    C: Array
    D: Array


def lam_from_encoder(proc: ExoProcess, B: Array, C: Array, D: Array) -> LinearLAM:
    """Complete (B, C, D) with the loss-optimal A (shared `optimal_A`; = P - B(C + D P) here)."""
    return LinearLAM(ll.optimal_A(B, C, D, proc.moments()), B, C, D)


def pca_lam(proc: ExoProcess, k: int, C_extra: Array | None = None, Sigma: Array | None = None) -> LinearLAM:
    """EX-T1 optimum: B = U_k, D = U_k^T, C = C_extra - U_k^T P (so z = U_k^T r + C_extra o), A optimal.

    ``Sigma`` defaults to Sigma_r (shared `pca_optimum`)."""
    opt = ll.pca_optimum(proc.Sigma_r if Sigma is None else Sigma, k)
    U = opt.U
    C = -U.T @ proc.P + (0 if C_extra is None else C_extra)
    return lam_from_encoder(proc, U, C, U.T)


def loss(proc: ExoProcess, lam: LinearLAM) -> float:
    return ll.lam_loss(lam.A, lam.B, lam.C, lam.D, proc.moments())


# --- metrics (brief §2.5) -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Metrics:
    nmse_a_z: float
    nmse_a_zo: float
    leak: float  # 1 - NMSE(xi | z, o)
    nmse_xnext_zo: float
    nmse_x_z: float
    S_x: float  # ||dz/dx_t||_F
    S_xi: float  # ||dz/dxi_t||_F

    def as_dict(self) -> dict[str, float]:
        return dict(self.__dict__)


def jacobians(proc: ExoProcess, C: Array, D: Array) -> tuple[Array, Array]:
    """z = (C + D P) o + D r with o = G_s s + G_x x + G_perp e: dz/dx_t = (C + D P) G_x, dz/dxi = D U_x."""
    return (C + D @ proc.P) @ proc.G_x, D @ proc.U_x


def metrics(proc: ExoProcess, C: Array, D: Array) -> Metrics:
    src = proc.source
    Tz = latent_map(src, C, D)
    Jx, Jxi = jacobians(proc, C, D)
    return Metrics(
        nmse_a_z=src.nmse("a", [Tz]),
        nmse_a_zo=src.nmse("a", [Tz, "o"]),
        leak=1.0 - src.nmse("xi", [Tz, "o"]),
        nmse_xnext_zo=src.nmse("x_next", [Tz, "o"]),
        nmse_x_z=src.nmse("x", [Tz]),
        S_x=float(np.linalg.norm(Jx)),
        S_xi=float(np.linalg.norm(Jxi)),
    )


def leak_formula(proc: ExoProcess, U_k: Array) -> float:
    """EX-T2 closed form tr(S_xi U_x^T U_k (U_k^T S_r U_k)^+ U_k^T U_x S_xi) / tr S_xi (pinv for k > rank)."""
    Sx = proc.Sigma_xi
    tot = float(np.trace(Sx))
    if tot <= 0:
        return 0.0
    L = Sx @ proc.U_x.T @ U_k
    M = U_k.T @ proc.Sigma_r @ U_k
    return float(np.trace(L @ np.linalg.pinv(M, rcond=1e-10, hermitian=True) @ L.T)) / tot


# --- constructors ----------------------------------------------------------------------------------------
def orthonormal_process(d_o: int, d_s: int, d_x: int, d_a: int, sigma_a: float, sigma_xi: float,
                        gamma: float = 0.5, seed: int = 0, W: Array | None = None) -> ExoProcess:
    """Special case of A3 with orthonormal [G_s G_x] (A6 holds), isotropic covariances, W orthonormal
    columns (needs d_a <= d_s) unless given. Brief §3.C setting: d_o=16, d_s=d_x=4, d_a=3, Gamma=0.5 I."""
    rng = np.random.default_rng(seed)
    Q = np.linalg.qr(rng.normal(size=(d_o, d_o)))[0]
    if W is None:
        W = np.linalg.qr(rng.normal(size=(d_s, d_s)))[0][:, :d_a]
    return ExoProcess(G_s=Q[:, :d_s], G_x=Q[:, d_s:d_s + d_x], W=W, Gamma=gamma * np.eye(d_x),
                      F_a=sigma_a * np.eye(d_a), F_xi=sigma_xi * np.eye(d_x))


def overlapping_process(d_o: int, d_s: int, d_x: int, d_a: int, sigma_a: float, sigma_xi: float,
                        overlap: float, seed: int = 0) -> ExoProcess:
    """G_x tilted toward span(G_s) by ``overlap`` (0 = A6 holds): G_x = Q_x + overlap * G_s R."""
    base = orthonormal_process(d_o, d_s, d_x, d_a, sigma_a, sigma_xi, seed=seed)
    rng = np.random.default_rng(seed + 1)
    G_x = base.G_x + overlap * base.G_s @ rng.normal(size=(d_s, d_x))
    return ExoProcess(base.G_s, G_x, base.W, rng.normal(size=(d_x, d_x)) * 0.5, base.F_a, base.F_xi)


# --- hypothesis strategy over the whole domain of A1-A3 -----------------------------------------------
@st.composite
def exo_processes(draw, max_d: int = 3, overlap: bool = True, isotropic: bool = False) -> tuple[ExoProcess, int]:
    """(process, k): 1 <= d_s, d_x, d_a <= max_d, d_o = d_s + d_x + extra (extra in 0..2), 1 <= k < d_o
    (below/equal/above d_a); integer W, Gamma, F_a, F_xi (zeros, rank deficiency, ties reachable);
    G = identity columns, or (``overlap``) G_x tilted by an integer multiple of G_s (U_a^T U_x != 0)."""
    d_s, d_x, d_a = draw(st.integers(1, max_d)), draw(st.integers(1, max_d)), draw(st.integers(1, max_d))
    d_o = d_s + d_x + draw(st.integers(0, 2))
    k = draw(st.integers(1, d_o - 1))
    E = np.eye(d_o)
    G_s, G_x = E[:, :d_s], E[:, d_s:d_s + d_x]
    if overlap and draw(st.booleans()):
        G_x = G_x + G_s @ draw(int_matrices(d_s, d_x, -1, 1))
    W = draw(int_matrices(d_s, d_a))
    Gamma = draw(int_matrices(d_x, d_x))
    if isotropic:
        F_a = draw(st.integers(0, 3)) * np.eye(d_a)
        F_xi = draw(st.integers(0, 3)) * np.eye(d_x)
    else:
        F_a, F_xi = draw(int_matrices(d_a, d_a)), draw(int_matrices(d_x, d_x))
    return ExoProcess(G_s, G_x, W, Gamma, F_a, F_xi), k


def process_json(proc: ExoProcess, k: int | None = None) -> dict:
    out = {"d_o": proc.d_o, "d_s": proc.d_s, "d_x": proc.d_x, "d_a": proc.d_a, "G_s": proc.G_s.tolist(),
           "G_x": proc.G_x.tolist(), "W": proc.W.tolist(), "Gamma": proc.Gamma.tolist(),
           "Sigma_a": proc.Sigma_a.tolist(), "Sigma_xi": proc.Sigma_xi.tolist()}
    if k is not None:
        out["k"] = k
    return out


def process_json_of(instance: tuple[ExoProcess, int]) -> dict:
    """`process_json` of a drawn (process, k) instance: the form `SearchOutcome.witness` takes."""
    return process_json(*instance)


def scale_of(proc: ExoProcess) -> float:
    """Magnitude of the terms in the loss identities: (1 + ||P||)^2 (1 + ||Sigma_r||)."""
    return (1 + np.linalg.norm(proc.P, 2)) ** 2 * (1 + np.linalg.norm(proc.Sigma_r, 2))
