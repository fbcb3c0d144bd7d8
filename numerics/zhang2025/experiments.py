"""Zhang et al.'s simulations (ZP-E1..ZP-E6, Figs. 3-4) at the authors' protocol: one library for the
closed-form checks (at the set of global minimisers) and the trained checks (at trained parameters).

Everything experimental comes from `numerics.zhang2025.protocol` (`CLAIM_OF[claim]()`: the plotted variant
of each figure; `.ci_training()` for cheaper training with the same dimensionless quantities): the process
family and its draws (`Experiment.process`: X, Y_0, Pi by QR in the scripts' order), the LAM options
(`Experiment.lam`: nn.MSELoss normalisation, labelled-mean action loss, batch 128), the probes' inputs and
the data they are fitted and evaluated on (`Probes`), and the notebook's assembly of the plotted LLO
(`notebook_llo`). Probes here are the population-optimal linear maps (`numerics.zhang2025.model.llo`), the
limit of the authors' Adam-trained probes; their sampling error is not modelled.

At the set of global minimisers (`numerics.optima`) each probe term is a range: exact routes where the
probes read the training distribution (``given_z`` for z, ``given_core`` for the pseudo-latent when
E[o'|o] = o: it is then an invertible map of the core); where the protocol fits or evaluates the probes on
another process (Fig. 3 middle: noise-free data; Fig. 4 left: random actions) the term is evaluated at
members of the set (canonical, random tie choices, mixing at several scales, random spare rows) and reported
as an inner range (``exact=False``, method "members"). The plotted LLO's range is assembled termwise
(exact when at most one term is not unique).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

import numpy as np

from numerics.optima import MinimiserSet, minimiser_set
from numerics.processes import LinearProcess
from numerics.zhang2025 import protocol as P
from numerics.zhang2025.model import EXACT_RCOND, LLOTerms, llo
from theory.checks import Range

Array = np.ndarray

LATENT = {"z": "z", "pseudo_latent": "pseudo"}
DATA = {"training": lambda p: p, "policy": lambda p: p, "noise-free": lambda p: p.clean(),
        "random-actions": lambda p: p.random_actions()}
#: member scales of the mixing H used for the inner ranges of cross-process terms (0: the canonical member)
MIX_SCALES = (0.0, 0.3, 3.0, 30.0)


def experiment(claim_id: str, scale: str = "full", **ci) -> P.Experiment:
    """The plotted variant of the claim's figure; at ``scale == "ci"`` its `ci_training` version (only the
    training shrinks; closed-form checks use the full experiment at every scale)."""
    exp = P.CLAIM_OF[claim_id]()
    return exp.ci_training(**ci) if scale == "ci" else exp


def process(exp: P.Experiment, run: P.Run, seed: int) -> LinearProcess:
    """The run's process with the factors of draw ``seed`` (the same X, Y_0, Pi for every run of a seed).
    Script 6's U[0, sigma) noise enters through its second-moment stand-in (`protocol.uniform_noise_moments`:
    the LAM's loss and optima are exact; a probe with bias would see the centred noise instead)."""
    kw = dict(d_a=run.d_a, sigma=run.sigma, chi=run.chi, kappa=run.kappa, label_fraction=run.label_fraction)
    if exp.noise == "iid-uniform":
        kw["uniform_as"] = "second-moment"
    return exp.process(np.random.default_rng(seed), run.d_z, **kw)


def noise_term_one(exp: P.Experiment) -> bool:
    return exp.metrics.noise_normalisation == "none"


def protocol_terms(exp: P.Experiment, params: dict[str, Array], p: LinearProcess, *, rcond: float = EXACT_RCOND,
                   pseudo_rcond: float = EXACT_RCOND) -> LLOTerms:
    """The three recorded probe errors of one LAM under the experiment's probe protocol (inputs, fit and
    evaluation data, noise target and normalisation): act_mse, noi_mse, obs_mse as NMSEs. Cut-offs: exact at
    minimisers; `model.TRAINED_RCOND` / `model.PSEUDO_RCOND` for trained parameters."""
    pr = exp.probes
    return llo(params, p, fit=DATA[pr.fit_data](p), ev=DATA[pr.eval_data](p), action_from=LATENT[pr.action_input],
               rest_from=LATENT[pr.rest_input], noise_term_one=noise_term_one(exp), rcond=rcond, pseudo_rcond=pseudo_rcond)


def plotted_llo(exp: P.Experiment, terms: LLOTerms, run: P.Run) -> float:
    """The LLO the notebook plots from the three terms (`protocol.notebook_llo`)."""
    return P.notebook_llo(exp.metrics, terms.nmse_action, terms.nmse_o, terms.nmse_noise, sigma=run.sigma, d_z=run.d_z)


# --- the set of global minimisers ---------------------------------------------------------------------------

def members(ms: MinimiserSet, rng: np.random.Generator, n: int = 3) -> Iterable[dict[str, Array]]:
    """The canonical minimiser, then members with random tie choices, mixing H at each of `MIX_SCALES` and
    random spare rows (``n`` per scale)."""
    yield ms.canonical()
    d_h = ms.T_h.shape[0]
    for scale in MIX_SCALES:
        for _ in range(n):
            W = np.linalg.qr(rng.standard_normal((ms.n_tie, ms.j)))[0] if ms.tied else None
            m = ms.mix_basis(ms.core_map(W)).shape[1]
            H = scale * rng.standard_normal((m, d_h)) if (m and scale) else None
            sp = scale * rng.standard_normal((ms.spare, 2 * d_h)) if (ms.spare and scale) else None
            yield ms.member(W, H, sp)


@dataclass(frozen=True)
class SetTerms:
    """Ranges over the minimiser set of the three probe terms and of the plotted LLO."""

    action: Range
    noise: Range
    observation: Range
    llo: Range


def _point(v: float, method: str) -> Range:
    return Range(v, v, method=method)


def set_terms(exp: P.Experiment, run: P.Run, p: LinearProcess, rng: np.random.Generator,
              ms: MinimiserSet | None = None) -> SetTerms:
    """`SetTerms` of one run (module docstring): exact ranges where the probes read the training process,
    member-sampled inner ranges where they read another."""
    ms = ms or minimiser_set(p)
    pr = exp.probes
    same = pr.fit_data in ("training", "policy") and pr.eval_data in ("training", "policy")
    uncorrelated = not np.any(np.abs(p.cov("o", "delta")) > 1e-12)
    one = noise_term_one(exp) or not p.has_noise

    def exact(target: str, latent: str) -> Range | None:
        if not same:
            return None
        if latent == "z":
            return ms.given_z(target)
        if latent == "pseudo_latent" and uncorrelated:
            return ms.given_core(target)
        return None

    r_a = exact("a", pr.action_input)
    r_o = exact("o", pr.rest_input)
    r_n = _point(1.0, "noise term 1") if one else exact("noise", pr.rest_input)
    if r_a is None or r_o is None or r_n is None:
        vals = [protocol_terms(exp, prm, p) for prm in members(ms, rng)]
        inner = lambda xs: Range(min(xs), max(xs), exact=False, method="members (inner range)")  # noqa: E731
        r_a = r_a or inner([v.nmse_action for v in vals])
        r_o = r_o or inner([v.nmse_o for v in vals])
        r_n = r_n or inner([v.nmse_noise for v in vals])
    lo = P.notebook_llo(exp.metrics, r_a.hi, r_o.lo, r_n.lo, sigma=run.sigma, d_z=run.d_z)
    hi = P.notebook_llo(exp.metrics, r_a.lo, r_o.hi, r_n.hi, sigma=run.sigma, d_z=run.d_z)
    moving = sum(not r.unique for r in (r_a, r_o, r_n))
    exact_llo = all(r.exact for r in (r_a, r_o, r_n)) and moving <= 1
    # the plotted LLO is nonincreasing in act and nondecreasing in obs and noi for every assembly
    return SetTerms(r_a, r_n, r_o, Range(lo, hi, lo_attained=exact_llo, hi_attained=exact_llo, exact=exact_llo,
                                         method="termwise" + ("" if exact_llo else " enclosure")))


def sweep(exp: P.Experiment, runs: Sequence[P.Run], seed: int) -> list[dict]:
    """`set_terms` of each run at draw ``seed``, as rows."""
    rng = np.random.default_rng(10_000 + seed)
    out = []
    for run in runs:
        p = process(exp, run, seed)
        t = set_terms(exp, run, p, rng)
        out.append({"d_a": run.d_a, "d_z": run.d_z, "sigma": run.sigma, "chi": run.chi, "kappa": run.kappa,
                    "label_fraction": run.label_fraction, "llo_min": t.llo.lo, "llo_max": t.llo.hi,
                    "llo_exact": t.llo.exact, "action": (t.action.lo, t.action.hi), "noise": (t.noise.lo, t.noise.hi),
                    "observation": (t.observation.lo, t.observation.hi), "ranges": t})
    return out


def thin(values: Sequence, keep: Iterable) -> tuple:
    """The values of a sweep kept at CI scale (the closed forms run at the paper's sizes; CI thins only the
    grid, keeping its ends and the transition points)."""
    keep = set(keep)
    return tuple(v for v in values if v in keep)


# --- ZP-E6's switch: the effective action weight --------------------------------------------------------------

def exo_head_process(exp: P.Experiment, sigma: float, d_z: int, w_eff: float, seed: int,
                     orthogonal: bool = False) -> LinearProcess:
    """Fig. 4 right's process (augmentation kappa = 0.1, other-agent noise sigma) with the action loss at
    effective weight ``w_eff`` in per-sample-sum units (every sample labelled): the closed form depends on
    the weight only through w_eff (`LAMConfig.effective_action_weight`). ``orthogonal``: X and Y_0 from ONE
    QR (span Y_0 exactly perpendicular to span X); otherwise the scripts' independent draws."""
    run = P.Run(d_a=exp.d_a[0], d_z=d_z, sigma=sigma, kappa=exp.kappas[0], label_fraction=1.0)
    p = process(exp, run, seed)
    if orthogonal:
        Q = np.linalg.qr(np.hstack([p.X, p.F_e]))[0]
        p = replace(p, X=Q[:, :p.d_a], F_e=sigma * Q[:, p.d_a:])
    return p.with_lam(action_weight=float(w_eff), loss_normalisation="sum", label_fraction=1.0)


def best_llo_over_dz(exp: P.Experiment, sigma: float, w_eff: float, d_zs: Sequence[int], seed: int,
                     orthogonal: bool = False) -> tuple[float, int]:
    """max over d_z of the lowest plotted LLO at the minimiser set (what every minimiser reaches), and its d_z."""
    rng = np.random.default_rng(seed)
    best, arg = -np.inf, None
    for d_z in d_zs:
        p = exo_head_process(exp, sigma, d_z, w_eff, seed, orthogonal)
        run = P.Run(d_a=exp.d_a[0], d_z=d_z, sigma=sigma, kappa=exp.kappas[0], label_fraction=1.0)
        v = set_terms(exp, run, p, rng).llo.lo
        if v > best:
            best, arg = v, d_z
    return float(best), arg


def switch_weight(sigma: float, sigma_q: float = 1.0) -> float:
    """The effective weight above which the optimum excludes other-agent noise orthogonal to the action
    effect: sigma^2/sigma_q^2 - 1 (the action eigenvalue of the regression score, sigma_q^2 (1 + w), overtakes
    the noise eigenvalue sigma^2; derivation in proofs.md, ZP-E6)."""
    return sigma ** 2 / sigma_q ** 2 - 1.0
