"""Lee et al. 2026's exogenous linear process as the shared `numerics.processes.LinearProcess` — THIS PROJECT'S
RECONSTRUCTION (provenance ``reconstructed``: the paper's formal body was not available).

    o_t = G_s s_t + G_x x_t (+ G_perp e_t),  s_{t+1} = s_t + W a_t,  x_{t+1} = Gamma x_t + xi_t,

with U_a = G_s W (``LinearProcess.X``), U_x = G_x, [s; x; e] = [G_s G_x G_perp]^{-1} o (``H_s``, ``H_x``; H_x = G_x^T
when [G_s G_x] is orthonormal), o = F_o n_o (A3's special case F_o = I), a = F_a n_a, xi = F_xi n_xi. Then
o' = P o + r, P = I + G_x (Gamma - I) H_x, r = U_a a + U_x xi. Every moment, probe and optimum is the shared one
(`numerics.processes`, `numerics.optima`, `numerics.probes`); this module adds only the Lee-specific constructors,
the paired-context process of EX-T6, the metrics of the reconstruction (probe NMSEs, leakage, Jacobians) for a given encoder, and the hypothesis strategy over
the model's whole domain.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from hypothesis import strategies as st

from numerics.domains import int_matrices as _int_matrices

#: `numerics.domains.int_matrices`, one strategy object per (rows, cols, lo, hi): the same draws, without
#: rebuilding and re-validating a fresh lists-map strategy on every draw (measured ~25% of a search's time).
int_matrices = lru_cache(maxsize=None)(_int_matrices)
from numerics.domains import within
from numerics.linear_lam import orthonormal_basis
from numerics.processes import LAMConfig, LinearProcess, lee_process
from numerics.search import SearchOutcome, search_counterexample

Array = np.ndarray

#: The reconstruction's closed-form setting: d_o = 16, d_s = d_x = 4, d_a = 3, Gamma = 0.5 I, sigma_a = 1.
REFERENCE_DIMS = {"d_o": 16, "d_s": 4, "d_x": 4, "d_a": 3}

#: Provenance tag that starts every Lee check's detail.
RECON = "[reconstructed claim: the paper's formal body was unavailable] "
#: Probe/formula agreement: both are O(1) ratios of traces of matrices with integer or QR entries of size <= ~30;
#: pinv at rcond 1e-10 and eigh on d <= 8 err by << 1e-8; 1e-7 leaves two orders of margin.
PROBE_TOL = 1e-7


def basis_inverse(G_s: Array, G_x: Array) -> Array:
    """[G_s G_x G_perp]^{-1} (G_perp an orthonormal basis of the complement): its rows read [s; x; e] off o.
    Raises `ValueError` when [G_s G_x] is not of full column rank (A3 fails: o does not identify (s, x))."""
    G = np.hstack([G_s, G_x])
    U, s, _ = np.linalg.svd(G, full_matrices=True)
    rank = int(np.sum(s > 1e-10 * max(1.0, float(s.max(initial=0.0)))))
    if rank < G.shape[1]:
        raise ValueError(f"[G_s G_x] has rank {rank} < {G.shape[1]} columns: o does not identify (s, x)")
    return np.linalg.inv(np.hstack([G, U[:, rank:]]))


def exo_process(G_s: Array, G_x: Array, W: Array, Gamma: Array, F_a: Array, F_xi: Array, *, d_z: int,
                F_o: Array | None = None, lam: LAMConfig | None = None, **lam_options) -> LinearProcess:
    """The exogenous process with the given factors as a `LinearProcess` (X = G_s W, H_s, H_x from `basis_inverse`)."""
    G_s, G_x, W = (np.asarray(M, float) for M in (G_s, G_x, W))
    Minv = basis_inverse(G_s, G_x)
    d_s, d_x = G_s.shape[1], G_x.shape[1]
    return LinearProcess(X=G_s @ W, lam=lam or LAMConfig(d_z=d_z, **lam_options), F_o=F_o, F_a=np.asarray(F_a, float),
                         G_x=G_x, H_x=Minv[d_s:d_s + d_x], Gamma=np.asarray(Gamma, float), F_xi=np.asarray(F_xi, float),
                         G_s=G_s, W=W, H_s=Minv[:d_s])


def reference_process(sigma_xi: float, *, seed: int = 0, d_z: int | None = None, sigma_a: float = 1.0, gamma: float = 0.5,
                  overlap: float = 0.0, W_scale: float = 1.0, d_o: int = 16, d_s: int = 4, d_x: int = 4, d_a: int = 3,
                  **lam_options) -> LinearProcess:
    """The reconstruction's closed-form setting: `numerics.processes.lee_process` (orthonormal [G_s G_x], W orthonormal columns times ``W_scale``, Gamma = gamma I,
    isotropic covariances; ``overlap`` tilts G_x toward the action pixels) at the reference sizes by default."""
    base = lee_process(np.random.default_rng(seed), d_o=d_o, d_s=d_s, d_x=d_x, d_a=d_a, sigma_a=sigma_a,
                       sigma_xi=sigma_xi, gamma=gamma, overlap=overlap, d_z=d_a if d_z is None else d_z, **lam_options)
    if W_scale == 1.0:
        return base
    return exo_process(base.G_s, base.G_x, W_scale * base.W, base.Gamma, base.F_a, base.F_xi, lam=base.lam, d_z=base.d_z)


def U_a(p: LinearProcess) -> Array:
    return p.X


def U_x(p: LinearProcess) -> Array:
    return p.G_x


def singular_values(M: Array) -> Array:
    """Singular values, descending (length min(M.shape))."""
    return np.linalg.svd(M, compute_uv=False) if M.size else np.zeros(0)


def with_factors(p: LinearProcess, **changes) -> LinearProcess:
    """The same process with some of G_s, G_x, W, Gamma, F_a, F_xi, F_o replaced (H_s, H_x recomputed)."""
    f = {"G_s": p.G_s, "G_x": p.G_x, "W": p.W, "Gamma": p.Gamma, "F_a": p.F_a, "F_xi": p.F_xi, "F_o": p.F_o} | changes
    return exo_process(lam=p.lam, d_z=p.d_z, **f)


# --- EX-T6: two transitions sharing (s_t, a_t) -----------------------------------------------------------------
@dataclass(frozen=True)
class PairedProcess:
    """Two transitions of ``base`` that share (s_t, a_t) and have independent exogenous (x, xi) (EX-T6): the latent
    z^(1) of transition 1 reconstructs o^(2)_{t+1} from o^(2)_t (cross) and, with ``self_term``, also o^(1)_{t+1}."""

    base: LinearProcess
    self_term: bool = True

    def to_json(self) -> dict:
        return {"paired_contexts": True, "self_term": self.self_term, "base": self.base.to_json()}

    @classmethod
    def from_json(cls, data: dict) -> "PairedProcess":
        return cls(base=LinearProcess.from_json(data["base"]), self_term=bool(data.get("self_term", True)))


# --- metrics of a given encoder -------------------------------------------------------------------
@dataclass(frozen=True)
class Metrics:
    """Probes of one latent z = C o + D o' (C, D act on o): NMSE(a|z), NMSE(a|z,o), leak = 1 - NMSE(xi|z,o),
    NMSE(x_{t+1}|z,o), NMSE(x_t|z), and the Jacobian norms S_x = ||dz/dx_t||_F = ||(C + D P) G_x||_F,
    S_xi = ||dz/dxi_t||_F = ||D U_x||_F."""

    nmse_a_z: float
    nmse_a_zo: float
    leak: float
    nmse_xnext_zo: float
    nmse_x_z: float
    S_x: float
    S_xi: float

    def as_dict(self) -> dict[str, float]:
        return dict(self.__dict__)


def jacobians(p: LinearProcess, C: Array, D: Array) -> tuple[Array, Array]:
    """z = (C + D P) o + D r, o = G_s s + G_x x + G_perp e: dz/dx_t = (C + D P) G_x, dz/dxi_t = D U_x."""
    return (C + D @ p.P) @ p.G_x, D @ p.G_x


def latent_map(p: LinearProcess, C: Array, D: Array) -> Array:
    """Source map of z = C o + D o' (C, D on o coordinates)."""
    return C @ p.source.T("o") + D @ p.source.T("o_next")


def metrics(p: LinearProcess, C: Array, D: Array) -> Metrics:
    src = p.source
    T_z = latent_map(p, C, D)
    Jx, Jxi = jacobians(p, C, D)
    return Metrics(nmse_a_z=src.nmse("a", [T_z]), nmse_a_zo=src.nmse("a", [T_z, "o"]),
                   leak=1.0 - src.nmse("xi", [T_z, "o"]), nmse_xnext_zo=src.nmse("x_next", [T_z, "o"]),
                   nmse_x_z=src.nmse("x", [T_z]), S_x=float(np.linalg.norm(Jx)), S_xi=float(np.linalg.norm(Jxi)))


def o_coordinates(p: LinearProcess, params: dict[str, Array]) -> tuple[Array, Array]:
    """(C, D) of a minimiser's parameters acting on o (they act on h = Phi o when the LAM has a representation)."""
    Phi = p.lam.Phi
    return (params["C"], params["D"]) if Phi is None else (params["C"] @ Phi, params["D"] @ Phi)


def leak_formula(p: LinearProcess, U_k: Array) -> float:
    """EX-T2's closed form tr(S_xi U_x^T U_k (U_k^T S_r U_k)^+ U_k^T U_x S_xi) / tr S_xi (pinv for k > rank S_r)."""
    Sx = p.Sigma_xi
    tot = float(np.trace(Sx))
    if tot <= 0:
        return 0.0
    L = Sx @ p.G_x.T @ U_k
    M = U_k.T @ p.Sigma_r @ U_k
    return float(np.trace(L @ np.linalg.pinv(M, rcond=1e-10, hermitian=True) @ L.T)) / tot


def scale_of(p: LinearProcess) -> float:
    """Magnitude of the terms in the loss identities: (1 + ||P||)^2 (1 + ||Sigma_r||) (for float tolerances)."""
    return float((1 + np.linalg.norm(p.P, 2)) ** 2 * (1 + np.linalg.norm(p.Sigma_r, 2)))


def projector_off(M: Array) -> Array:
    """I - Q Q^T with Q an orthonormal basis of span(M): the representation with Phi M = 0."""
    Q = orthonormal_basis(M)
    return np.eye(M.shape[0]) - Q @ Q.T


def beta_representation(p: LinearProcess, beta: float) -> Array:
    """EX-T3's down-weighting Phi_beta = I + (beta - 1) Q_x Q_x^T, Q_x an orthonormal basis of span(G_x) (= G_x G_x^T
    as the reconstruction writes it when G_x has orthonormal columns); beta = 0 is the projector off span(G_x)."""
    Q = orthonormal_basis(p.G_x)
    return np.eye(p.d_o) + (beta - 1.0) * Q @ Q.T


# --- the model's whole domain -----------------------------------------------------------------------------------
@st.composite
def exo_processes(draw, *, max_d: int = 3, overlap: bool = True, isotropic: bool = False, general_o: bool = True,
                  d_z: str = "any", lam_options: dict | None = None, min_sigma_a: int = 0) -> LinearProcess:
    """Exogenous processes over the model's whole domain: 1 <= d_s, d_x, d_a <= max_d, d_o = d_s + d_x + (0..2);
    integer W, Gamma, F_a, F_xi in [-2, 2] (zeros, rank drops, non-orthonormal maps, ties reachable); G = identity
    columns or (``overlap``) G_x tilted by an integer multiple of G_s (U_a^T U_x != 0, [G_s G_x] still full column
    rank), and sometimes G_x times an invertible integer matrix (non-orthonormal U_x in the same span);
    ``general_o``: sometimes Sigma_o = F_o F_o^T with F_o = I + an invertible integer matrix (non-isotropic o; the
    Jacobians dz/dx_t of the claims presume full-support states, Sigma_o > 0).
    ``d_z``: "any" (1 .. d_o - 1: below, at and above d_a) or "d_a". ``isotropic``: F_a = s_a I, F_xi = s_xi I with
    s_a in [min_sigma_a, 3], s_xi in [0, 3] (a positive action variance gives informative witnesses; repairs keep 0)."""
    d_s, d_x = draw(st.integers(1, max_d)), draw(st.integers(1, max_d))
    d_o = d_s + d_x + draw(st.integers(0, 2))
    d_a = draw(st.integers(1, min(max_d, d_o - 1 if d_z == "d_a" else d_o)))
    E = np.eye(d_o)
    G_s, G_x = E[:, :d_s], E[:, d_s:d_s + d_x]
    if overlap and draw(st.booleans()):
        G_x = G_x + G_s @ draw(int_matrices(d_s, d_x, -1, 1))
    if draw(st.booleans()):  # non-orthonormal exogenous map inside the same span (keeps A6 when it holds)
        M = np.eye(d_x) + draw(int_matrices(d_x, d_x, -1, 1))
        if abs(np.linalg.det(M)) > 0.5:
            G_x = G_x @ M
    W = draw(int_matrices(d_s, d_a))
    Gamma = draw(int_matrices(d_x, d_x)) / 2
    if isotropic:
        F_a = draw(st.integers(min_sigma_a, 3)) * np.eye(d_a)
        F_xi = draw(st.integers(0, 3)) * np.eye(d_x)
    else:
        F_a, F_xi = draw(int_matrices(d_a, d_a)), draw(int_matrices(d_x, d_x))
    F_o = None
    if general_o and draw(st.booleans()):
        F = np.eye(d_o) + draw(int_matrices(d_o, d_o, -1, 1))
        F_o = F if abs(np.linalg.det(F)) > 0.5 else None  # Sigma_o > 0: (s_t, x_t) have full support
    k = d_a if d_z == "d_a" else draw(st.integers(1, d_o - 1))
    return exo_process(G_s, G_x, W, Gamma, F_a, F_xi, d_z=k, F_o=F_o, **(lam_options or {}))


_SEARCHES: dict = {}


def shared_search(assumptions, strategy_name: str, strategy, violation, max_examples: int) -> SearchOutcome:
    """``search_counterexample(within(assumptions, strategy()), violation, max_examples=...)``, run once per (assumption
    names, strategy name, violation, budget) in a process: two checks whose searches coincide (a claim and its repair
    when the repair adds no assumption and tests the same property) share the one outcome. The search is
    derandomised (`numerics.search`), so the shared outcome is the one each check would compute on its own."""
    assumptions = tuple(assumptions)
    key = (tuple(a.name for a in assumptions), strategy_name, violation, max_examples)
    if key not in _SEARCHES:
        _SEARCHES[key] = search_counterexample(within(assumptions, strategy()), violation, max_examples=max_examples)
    return _SEARCHES[key]
