"""Zhang et al.'s linear LAM on the shared process family: constructors, latent maps and THE LLO metric.

Processes are `numerics.processes.LinearProcess` (one standard-normal source; every variable a linear
map of it). The simulation constructors below build the paper's settings from GIVEN factors (X, Y_0,
Pi drawn once and reused across a sweep, as the authors' scripts do); `numerics.processes.zhang_process`
draws them.

For LAM parameters (A, B, C, D) three latents are probed (`latent_map`):

    "z"          z = C o + D o'                              (the true latent)
    "pseudo"     o_hat' - o = (A - I) o + B z                (the authors' ``pseudo_latent``: d_o-dimensional)
    "surrogate"  B^+ (o_hat' - o)                            (Sec. 4.1's B^{-1}(o_hat' - o); = z when A = I)

LLO (Eq. (6)) = -NMSE(action | .) + NMSE(noise | .) + NMSE(o | .) with population-optimal linear probes
(`numerics.probes`); the action target is a (the authors' code) or q (the ledger's statement of ZP-D1);
the noise term is 1 when the probe process has no noise or when the protocol sets it to 1. Probes are
fitted on one process and evaluated on another where the protocol says so (`transfer_nmse`): Fig. 3
middle fits and evaluates on noise-free data, Fig. 4 left fits on policy data and evaluates with random
actions. At the set of global minimisers the same quantities come as ranges from `numerics.optima`
(``given_z``/``llo_range`` for z, ``given_core``/``core_llo_range`` for the surrogate latent).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from numerics.probes import SourceModel, transfer_nmse
from numerics.processes import LAMConfig, LinearProcess

Array = np.ndarray

#: Exact population probes: pinv cut-off 1e-10 relative (float64 round-off only).
EXACT_RCOND = 1e-10
#: The d_o-dimensional pseudo-latent of a TRAINED model is discontinuous at the optimum: any residual
#: M = A + B(C+D) - I makes it full rank and an exact probe then reads o from it perfectly. Trained checks
#: probe it with cut-off 1e-2 (input directions with variance below 1% of the largest are ignored, as a
#: finite-sample SGD probe would): signal directions have variance >= (1 - chi)^2 >= 1e-2 for chi <= 0.9.
PSEUDO_RCOND = 1e-2
#: Probes on the z / surrogate latent of a TRAINED model: input directions with variance below 1e-4 of the
#: largest are ignored. A direction of standard deviation s carries a unit-variance target only through a
#: weight ~1/s; the authors' Adam probe (lr 1e-3, 5000 steps, protocol.PROBE_LR / PROBE_STEPS) moves a weight by
#: at most ~lr x steps = 5 from its initialisation, so it cannot read a direction with s < 1/5 of the largest,
#: let alone s < 1e-2 (variance 1e-4). Measured: a trained latent row that reads only noise (C + D ~ 3e-4 in
#: norm) has variance ~1e-7 on noise-free data; an exact probe would read o from it perfectly.
TRAINED_RCOND = 1e-4
LATENTS = ("z", "pseudo", "surrogate")


# --- the paper's simulation processes from given factors ------------------------------------------------

def _lam(d_z: int, lam: LAMConfig | None, options: dict) -> LAMConfig:
    return lam if lam is not None else LAMConfig(d_z=d_z, **options)


def clean_process(X: Array, d_z: int, *, lam: LAMConfig | None = None, **options) -> LinearProcess:
    """o ~ N(0, I), a ~ N(0, I), o' = o + X a (Fig. 3 left)."""
    return LinearProcess(X=X, lam=_lam(d_z, lam, options))


def iid_process(X: Array, sigma: float, d_z: int, *, lam: LAMConfig | None = None, **options) -> LinearProcess:
    """eps = sigma n, n ~ N(0, I_{d_o}); the noise probe reads eps (Fig. 3 middle, Fig. 4 middle)."""
    F_e = sigma * np.eye(X.shape[0]) if sigma else None
    return LinearProcess(X=X, lam=_lam(d_z, lam, options), F_e=F_e)


def exo_process(X: Array, Y0: Array, sigma_exo: float, d_z: int, *, lam: LAMConfig | None = None,
                **options) -> LinearProcess:
    """Other-agent noise eps = sigma_exo Y_0 b, b ~ N(0, I_{d_b}); the noise probe reads b (Fig. 3 right, Fig. 4 right)."""
    return LinearProcess(X=X, lam=_lam(d_z, lam, options), F_e=sigma_exo * Y0, noise_target="b")


def policy_process(X: Array, Pi: Array, chi: float, d_z: int, *, lam: LAMConfig | None = None,
                   **options) -> LinearProcess:
    """a = chi Pi o + (1 - chi) pi_s, pi_s ~ N(0, I) (Fig. 4 left; Pi with orthonormal rows)."""
    return LinearProcess(X=X, lam=_lam(d_z, lam, options), chi=chi, Pi=Pi if chi else None)


# --- latents and probes ---------------------------------------------------------------------------------

def latent_map(params: dict[str, Array], src: SourceModel, which: str = "z") -> Array:
    """Source map of the latent ``which`` (module docstring) of LAM parameters on a process's source."""
    if which not in LATENTS:
        raise ValueError(f"latent {which!r} is not one of {LATENTS}")
    T_o = src.T("o")
    T_z = params["C"] @ T_o + params["D"] @ src.T("o_next")
    if which == "z":
        return T_z
    T_p = (params["A"] - np.eye(T_o.shape[0])) @ T_o + params["B"] @ T_z
    return T_p if which == "pseudo" else np.linalg.pinv(params["B"]) @ T_p


@dataclass(frozen=True)
class LLOTerms:
    """The three probe errors of Eq. (6) and their sum LLO = -action + noise + observation."""

    nmse_action: float
    nmse_noise: float
    nmse_o: float

    @property
    def value(self) -> float:
        return -self.nmse_action + self.nmse_noise + self.nmse_o

    def as_dict(self) -> dict[str, float]:
        return {"llo": self.value, "nmse_action": self.nmse_action, "nmse_noise": self.nmse_noise, "nmse_o": self.nmse_o}


def llo(params: dict[str, Array], process: LinearProcess, *, fit: LinearProcess | None = None,
        ev: LinearProcess | None = None, action_from: str = "z", rest_from: str = "z", action: str = "a",
        noise_term_one: bool = False, clip_noise: bool = False, rcond: float = EXACT_RCOND,
        pseudo_rcond: float = EXACT_RCOND) -> LLOTerms:
    """THE LLO of one linear LAM (Eq. (6); module docstring).

    ``process``: the data the LAM was trained on; probes are fitted on ``fit`` and evaluated on ``ev``
    (defaults: ``process``, then ``fit``). ``action_from`` / ``rest_from``: the latent the action probe and
    the noise/observation probes read ("z", "pseudo", "surrogate"; the authors' ``pseudo_latent`` is both
    "pseudo", ``psdaction`` is action "pseudo" and rest "z"). ``action``: "a" (code) or "q" (ZP-D1's
    statement). ``noise_term_one``: the protocol sets the noise term to 1 (also when the evaluation process
    has no noise). ``clip_noise``: clip the noise term to [0, 1] (Fig. 3 right's notebook). The cut-off
    ``pseudo_rcond`` applies to probes reading the pseudo-latent (`PSEUDO_RCOND` for trained models)."""
    fit = fit or process
    ev = ev or fit
    sf, se = fit.source, ev.source
    cut = {"z": rcond, "surrogate": rcond, "pseudo": pseudo_rcond}

    def nm(target: str, latent: str) -> float:
        return transfer_nmse(sf, se, target, latent_map(params, sf, latent), latent_map(params, se, latent), cut[latent])

    n_a = nm(action, action_from)
    n_o = nm("o", rest_from)
    if noise_term_one or not ev.has_noise:
        n_e = 1.0
    else:
        n_e = nm("noise", rest_from)
        if clip_noise:
            n_e = float(np.clip(n_e, 0.0, 1.0))
    return LLOTerms(n_a, n_e, n_o)

