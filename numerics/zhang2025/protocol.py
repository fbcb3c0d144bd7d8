"""Zhang et al. 2025: the authors' protocols, written ONCE, every constant cited by file and line.

Every check that reproduces an experiment of the paper takes its settings from here (``fig3_left()`` ...
``fig4_right()``, ``grid_world()``), never from constants of its own.

Sources (github.com/zhangchuheng123/LinearLAM). A citation ``release/7.py:57`` is to the HEAD commit
f44f3a6 (2025-05-14); ``scripts/4_1.py@eb04bd4:63`` is to an earlier commit. ``release/*.py`` is the
supplementary code (also ``release/code.zip``); ``scripts/*.py`` wrote the CSV files that the plotting
notebooks ``script20250319_new_{4_1,...,7}.ipynb`` read (cited by the line of the notebook's JSON file);
several plotted CSVs were written by EARLIER versions of those scripts, cited at their commit. The grid
world (Sec. 5, Table 1) lives in ``rebuttal/``, which is not in HEAD; it is cited at the commits read:
``rebuttal/data_create_lam.py@e2c807c``, ``rebuttal/train_lam.py@7b4802d``,
``rebuttal/rebuttal_results.py@924b0e9``.

Conventions of the linear scripts, as the code implies them (derivations in the function docstrings):

* reconstruction ``nn.MSELoss()(obs_pred, o')`` = mean over batch x d_o (release/7.py:115);
* action loss (script 7 only) = per-sample MSE averaged over d_a, masked, summed and divided by the number
  of labelled samples of the batch, 0 when the batch has none; added with coefficient 1 and trained jointly
  with A, B, C, D by ``opt1`` (release/7.py:81, 106-118); the head ``nn.Linear`` has a bias;
* in per-sample-sum (population) units: authors' loss x d_o = harness loss with action weight d_o/d_a
  (`authors_linear_loss`, tests/test_protocols.py), and the expected weight of E||a - E z - e||^2 is
  w_eff = (d_o/d_a) (1 - (1 - p)^batch) (`effective_action_weight`): 11.58 at d_o = 128, d_a = 8, p = 1%,
  batch 128;
* probes: ``nn.Linear`` with bias, Adam (lr 1e-3), 5000 steps of 128 fresh samples; the recorded metrics
  are act_mse = mean||a_hat - a||^2 / d_a, obs_mse = mean||o_hat - o||^2 / d_o, noi_mse normalised by
  d_o sigma^2 (i.i.d. noise) or d_b (other-agent noise, target b), 1 without noise; each notebook then
  assembles the plotted LLO its own way (`notebook_llo`).

Inconsistencies found in the released code are listed in ``RELEASE_NOTES`` (and docs/protocols.md).
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from itertools import product

import numpy as np

from numerics.processes import LAMConfig, LinearProcess, zhang_process

Array = np.ndarray

REPO = "zhangchuheng123/LinearLAM"
HEAD_COMMIT = "f44f3a6"  # git log of the repository: HEAD, 2025-05-14
INITIAL_COMMIT = "eb04bd4"  # first commit, 2025-04-23: wrote the plotted "*_False*.csv" files

# --- constants shared by every linear script ------------------------------------------------------------
D_O = 128  # zhangchuheng123/LinearLAM release/7.py:59 (do = 128 in every script)
BATCH = 128  # release/7.py:57 (N = 128); fresh samples every step: release/7.py:87-91
ADAM_LR = 1e-3  # release/7.py:81 optim.Adam(...) without lr: torch's default lr 1e-3
ADAM_BETAS = (0.9, 0.999)  # release/7.py:81, torch defaults (no betas given)
PROBE_STEPS = 5000  # release/7.py:120 range(5000)
PROBE_BATCH = 128  # release/7.py:122 np.random.randn(do, N)
PROBE_LR = 1e-3  # release/7.py:82 opt2 = optim.Adam(...) without lr
LAM_BIAS = False  # release/7.py:17-20 nn.Linear(..., bias=False) for A, C, D, B
HEAD_BIAS = True  # release/7.py:26-28 nn.Linear(d_z, d_a) etc.: default bias=True (action head and probes)
INIT = "nn.Linear default: weight U(-1/sqrt(fan_in), 1/sqrt(fan_in)); fan_in = d_o for C and D each"  # release/7.py:17-20
NOISE_TERM_WITHOUT_NOISE = 1.0  # release/7.py:162-163 (noi_mse = 1.0 if sigma == 0); release/4_1.py:138
CHECKPOINT_EVERY = 1000  # release/4_1.py:97 (if i_batch % 1000 == 0: probe training + evaluation)

RECONSTRUCTION = "nn.MSELoss(): mean over batch x d_o"  # release/7.py:115
ACTION_LOSS = ("nn.MSELoss(reduction='none')(a_hat, a).mean(1): per-sample mean over d_a; x mask, summed, "
               "/ number of labelled samples; 0 if the batch has none")  # release/7.py:106-113
MASK = "torch.rand(N) < mask_ratio: one Bernoulli(mask_ratio) label flag per sample, redrawn every step"  # release/7.py:106
PROBE_LOSS = ("sum of one nn.MSELoss per probe (each a mean over batch x dim); the probes have disjoint "
              "parameters, so the sum is separate least-squares fits")  # release/7.py:137


# --- the authors' training loss, in numpy, written from release/7.py ---------------------------------------

def authors_linear_loss_terms(o: Array, o_next: Array, a: Array, params: dict[str, Array], mask: Array,
                              kappa1: Array | None = None, kappa2: Array | None = None, *,
                              head_input: str = "z") -> tuple[float, float]:
    """(rec, act) of script 7's training loss on one batch; rows are samples, matrices act as y = M x.

        z      = C (o + kappa1) + D (o' + kappa1)        release/7.py:35 (scripts/7.py:41-44)
                 [no "D" in params: CD_zero, z = C (o + kappa1) - C (o' + kappa1); harness tie_CD D = -C]
        o_hat' = A (o + kappa2) + B z - kappa2           release/7.py:36 [no "A": learn_A False, A = I]
        a_hat  = E z + e  (head_input "z", release/7.py:43)  or  E (o_hat' - o) + e  ("pseudo_latent", :39)
        rec    = (1 / (N d_o)) sum_i ||o'_i - o_hat'_i||^2                                 release/7.py:115
        act    = sum_i m_i (1/d_a) ||a_i - a_hat_i||^2 / sum_i m_i,   0 if sum_i m_i = 0   release/7.py:106-113

    ``params``: "B", "C", optional "A", "D", "E" (d_a x d_z, or d_a x d_o for the pseudo-latent head) and
    "e" (head bias, default 0). ``mask``: bool (N,). kappa1/kappa2: (N, d_o) augmentation shifts (None: 0;
    at evaluation the forward is called without them, release/7.py:31-34).
    """
    o, o_next, a = (np.asarray(x, dtype=float) for x in (o, o_next, a))
    n, d_o = o.shape
    k1 = np.zeros_like(o) if kappa1 is None else np.asarray(kappa1, dtype=float)
    k2 = np.zeros_like(o) if kappa2 is None else np.asarray(kappa2, dtype=float)
    C = params["C"]
    D = params.get("D")
    z = (o + k1) @ C.T + ((o_next + k1) @ D.T if D is not None else -(o_next + k1) @ C.T)
    A = params.get("A")
    pred = ((o + k2) @ A.T if A is not None else o + k2) + z @ params["B"].T - k2
    rec = float(np.mean((o_next - pred) ** 2))
    m = np.asarray(mask, dtype=bool)
    if "E" not in params or not m.any():
        return rec, 0.0
    if head_input not in ("z", "pseudo_latent"):
        raise ValueError(f"head_input must be 'z' or 'pseudo_latent', got {head_input!r}")
    h = z if head_input == "z" else pred - o
    a_hat = h @ params["E"].T + params.get("e", np.zeros(a.shape[1]))
    per_sample = np.mean((a_hat - a) ** 2, axis=1)
    return rec, float(per_sample[m].sum() / m.sum())


def authors_linear_loss(o: Array, o_next: Array, a: Array, params: dict[str, Array], mask: Array,
                        kappa1: Array | None = None, kappa2: Array | None = None, *, head_input: str = "z") -> float:
    """What release/7.py's ``loss`` is on one batch: rec + act (coefficient 1, release/7.py:115), see
    `authors_linear_loss_terms`. In per-sample-sum units: d_o x this = E_batch||o' - o_hat'||^2 +
    (d_o/d_a) x labelled mean of ||a - a_hat||^2, the harness loss with action weight d_o/d_a."""
    rec, act = authors_linear_loss_terms(o, o_next, a, params, mask, kappa1, kappa2, head_input=head_input)
    return rec + act


def harness_action_weight(d_o: int, d_a: int) -> float:
    """The authors' unit action coefficient in the harness's per-sample-sum units ("sum"): d_o / d_a
    (multiply the authors' loss by d_o: the reconstruction mean over d_o becomes a per-sample sum, the
    action mean over d_a becomes (d_o/d_a) x a per-sample sum). 16 at d_o = 128, d_a = 8."""
    return d_o / d_a


def prob_batch_has_label(label_fraction: float, batch: int = BATCH) -> float:
    """P(a batch of ``batch`` Bernoulli(p) flags holds at least one label) = 1 - (1 - p)^batch
    (release/7.py:106-113: a batch without labels contributes 0). 0.72375 at p = 0.01, batch 128."""
    return 1.0 - (1.0 - label_fraction) ** batch


def effective_action_weight(d_o: int, d_a: int, label_fraction: float, batch: int = BATCH, weight: float = 1.0) -> float:
    """Expected weight of E||a - E z - e||^2 in per-sample-sum (population) units for script 7's loss:

        w_eff = weight (d_o / d_a) (1 - (1 - p)^batch).

    Derivation: d_o x loss = mean_i ||o'_i - o_hat'_i||^2 + weight (d_o/d_a) 1[n > 0] (1/n) sum_{i lab} err_i,
    n ~ Binomial(batch, p). Given n > 0 the labelled samples are a uniformly random n-subset of i.i.d.
    samples, so E[(1/n) sum_lab err_i | n] = E err; hence E = weight (d_o/d_a) P(n > 0) E err. At the
    paper's configuration (d_o 128, d_a 8, batch 128): 11.580 (p = 1%), 15.977 (5%), 16.000 (10%)."""
    if label_fraction <= 0 or weight <= 0:
        return 0.0
    return weight * harness_action_weight(d_o, d_a) * prob_batch_has_label(label_fraction, batch)


def uniform_noise_moments(d_o: int, sigma: float) -> tuple[Array, Array, Array]:
    """Script 6's noise ``np.random.rand(do, N) * sigma`` (scripts/6.py:113): i.i.d. U[0, sigma) entries.

    Returns (mean, covariance, uncentred second moment) = (sigma/2 1, sigma^2/12 I, sigma^2/12 I +
    sigma^2/4 1 1^T). The LAM has no biases, so its loss sees the uncentred second moment, whose top
    eigenvalue d_o sigma^2/4 + sigma^2/12 (32.08 sigma^2 at d_o = 128) exceeds the action eigenvalue 1 once
    sigma > 0.177: a latent dimension then goes to the constant offset. The probes have biases, so their
    NMSEs see the covariance. (Measured in scripts/6_learnATrue_CDzeroFalse_psdactionFalse.csv, kappa 0.1:
    act_mse at d_z = 8 / 9 is 0.073 / 0.021 for sigma 0.5 and 0.163 / 0.077 for sigma 1.0.)"""
    one = np.ones(d_o)
    mean = sigma / 2 * one
    cov = sigma ** 2 / 12 * np.eye(d_o)
    return mean, cov, cov + np.outer(mean, mean)


# --- the protocol objects ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Training:
    """How one script trains its LAM. ``updates``: Adam steps actually taken (``range(40001)`` = 40001;
    the CSV's 'iter' column records the last index, ``checkpoint``); ``action_weight``: coefficient of the
    action loss in the authors' units (1 in script 7, 0 elsewhere); ``head_input``: what the jointly trained
    action head reads ("z" or "pseudo_latent")."""

    updates: int
    checkpoint: int | None
    learn_A: bool
    tie_CD: bool = False
    action_weight: float = 0.0
    head_input: str = "z"
    batch: int = BATCH
    lr: float = ADAM_LR
    reconstruction: str = RECONSTRUCTION
    fresh_samples: bool = True


@dataclass(frozen=True)
class Probes:
    """The linear read-outs behind the LLO. Inputs: "z" or "pseudo_latent" (o_hat' - o, d_o-dim, computed
    without augmentation). ``fit_data`` / ``eval_data``: "training" (the LAM's training distribution),
    "noise-free" (o' = o + q), "policy" (script 5: the correlated policy), "random-actions" (script 5
    evaluation: a ~ N(0, I)). ``action_target``: "a", or "pinv_X(q+eps)" (release/4_2.py:119, noisy branch).
    ``noise_target``: "eps", "b" or None. ``schedule``: "after-training" (once, 5000 steps) or
    "every-1000-cumulative" (5000 steps at every 1000th training step, probes and their Adam state carried
    over: the final probe has had 5000 (checkpoint/1000 + 1) steps). ``eval_samples``: fresh samples of
    the final evaluation."""

    action_input: str
    rest_input: str
    fit_data: str
    eval_data: str
    noise_target: str | None
    schedule: str
    eval_samples: int
    action_target: str = "a"
    steps: int = PROBE_STEPS
    batch: int = PROBE_BATCH
    lr: float = PROBE_LR
    bias: bool = HEAD_BIAS
    loss: str = PROBE_LOSS

    @property
    def total_steps(self) -> int | None:
        """Probe Adam steps behind the final metrics (None: depends on the training length)."""
        return self.steps if self.schedule == "after-training" else None


@dataclass(frozen=True)
class Metrics:
    """How the recorded numbers become the plotted LLO. ``noise_normalisation``: "d_o sigma^2", "d_b" or
    "none" (noi_mse = 1); ``notebook``: the plotting notebook's assembly (`notebook_llo`):
    "noise-term-1" (-act + obs + 1), "recorded" (-act + obs + noi), "offset" (-act + obs + noi - 0.002 d_z +
    0.016), "rescale-clip" (noi <- clip(noi sigma^2, 0, 1)), "clip-2" (min(-act + obs + noi, 2))."""

    noise_normalisation: str
    notebook: str
    act: str = "mean ||a_hat - a||^2 / d_a"  # release/7.py:160
    obs: str = "mean ||o_hat - o||^2 / d_o"  # release/7.py:161


def notebook_llo(metrics: Metrics, act_mse: float, obs_mse: float, noi_mse: float, *, sigma: float = 0.0,
                 d_z: int = 0) -> float:
    """The LLO a notebook plots from one CSV row (``metrics.notebook``):

        noise-term-1  -act + obs + 1                      script20250319_new_4_1.ipynb:55, _6.ipynb:37
        recorded      -act + obs + noi                    script20250319_new_5.ipynb:433
        offset        -act + obs + noi - 0.002 d_z + 0.016   script20250319_new_4_2.ipynb:56 (display offset)
        rescale-clip  -act + obs + clip(noi sigma^2, 0, 1)   script20250319_new_4_3.ipynb:43-45
        clip-2        min(-act + obs + noi, 2)            script20250319_new_7.ipynb:58
    """
    kind = metrics.notebook
    if kind == "noise-term-1":
        return -act_mse + obs_mse + 1.0
    if kind == "recorded":
        return -act_mse + obs_mse + noi_mse
    if kind == "offset":
        return -act_mse + obs_mse + noi_mse - 0.002 * d_z + 0.016
    if kind == "rescale-clip":
        return -act_mse + obs_mse + float(np.clip(noi_mse * sigma ** 2, 0.0, 1.0))
    if kind == "clip-2":
        return min(-act_mse + obs_mse + noi_mse, 2.0)
    raise ValueError(f"unknown notebook assembly {kind!r}")


def recorded_noise_nmse(sq_err_per_sample: float, metrics: Metrics, *, d_o: int, d_b: int | None, sigma: float) -> float:
    """noi_mse as the scripts record it from mean_i ||n_hat_i - n_i||^2: / (d_o sigma^2) for i.i.d. noise
    (release/4_2.py:167, scripts/6.py:176), / d_b for other-agent noise (release/7.py:165), and 1 when
    sigma = 0 or no noise probe is evaluated (release/7.py:162-163, release/4_2.py:164-165)."""
    if sigma == 0 or metrics.noise_normalisation == "none":
        return NOISE_TERM_WITHOUT_NOISE
    if metrics.noise_normalisation == "d_o sigma^2":
        return sq_err_per_sample / d_o / sigma ** 2
    if metrics.noise_normalisation == "d_b":
        return sq_err_per_sample / d_b
    raise ValueError(f"unknown noise normalisation {metrics.noise_normalisation!r}")


@dataclass(frozen=True)
class Run:
    """One configuration of a sweep (one trained LAM in the authors' loop)."""

    d_a: int
    d_z: int
    sigma: float = 0.0
    chi: float = 0.0
    kappa: float = 0.0
    label_fraction: float = 0.0


@dataclass(frozen=True)
class Experiment:
    """One figure script and one variant of it: data, sweep, training, probes, metric assembly.

    ``noise``: "none", "iid-gaussian" (eps = sigma n), "iid-uniform" (eps ~ U[0, sigma)^d_o, script 6),
    "exo" (eps = sigma Y_0 b, Y_0 orthonormal d_o x d_b). ``plot_*``: the subset the notebook plots (None:
    everything swept). ``plotted``: "yes" (the notebook cell that draws the figure reads this variant's
    CSV), "candidate" (one of several cells; which one the paper shows is undetermined), "no".
    """

    name: str
    figure: str
    claim: str
    variant: str
    plotted: str
    script: str
    csv: str | None
    notebook: str | None
    d_o: int
    d_a: tuple[int, ...]
    d_b: int | None
    d_z: tuple[int, ...]
    noise: str
    sigmas: tuple[float, ...]
    training: Training
    probes: Probes
    metrics: Metrics
    chis: tuple[float, ...] = (0.0,)
    kappas: tuple[float, ...] = (0.0,)
    label_ratios: tuple[float, ...] = (0.0,)
    plot_d_z: tuple[int, ...] | None = None
    plot_kappas: tuple[float, ...] | None = None
    plot_label_ratios: tuple[float, ...] | None = None
    notes: tuple[str, ...] = ()
    scale: str = "paper"

    # -- the harness's view ------------------------------------------------------------------------------
    def lam(self, d_z: int, *, kappa: float | None = None, label_fraction: float | None = None) -> LAMConfig:
        """The `LAMConfig` of one run: mean normalisation (nn.MSELoss), labelled-mean action loss, the
        script's batch; kappa / label fraction default to the first swept value."""
        p = self.label_ratios[0] if label_fraction is None else label_fraction
        return LAMConfig(d_z=d_z, learn_A=self.training.learn_A, tie_CD=self.training.tie_CD,
                         kappa=self.kappas[0] if kappa is None else kappa, action_weight=self.training.action_weight,
                         loss_normalisation="mean", label_fraction=p, label_average="labelled",
                         batch=self.training.batch)

    def process(self, rng: np.random.Generator, d_z: int, *, d_a: int | None = None, sigma: float = 0.0,
                chi: float = 0.0, kappa: float | None = None, label_fraction: float | None = None,
                uniform_as: str | None = None) -> LinearProcess:
        """A `LinearProcess` of one run: X (and Y_0 / Pi) drawn by QR as the scripts do (release/7.py:73-77,
        release/5.py:72-77), with this experiment's `lam`. Script 6's uniform noise is not a zero-mean
        linear-Gaussian process: ``uniform_as`` must say which stand-in is wanted, "second-moment" (F_e F_e^T =
        the uncentred second moment of `uniform_noise_moments`: the LAM's loss and optima are exact, the
        probes' NMSEs are not, they see the centred noise) or "paper-gaussian" (eps = sigma n, the paper's
        stated i.i.d. Gaussian)."""
        d_a = self.d_a[0] if d_a is None else d_a
        lam = self.lam(d_z, kappa=kappa, label_fraction=label_fraction)
        if self.noise == "iid-uniform":
            if uniform_as == "paper-gaussian":
                return zhang_process(rng, d_o=self.d_o, d_a=d_a, noise="iid" if sigma else "none", sigma=sigma,
                                     chi=chi, lam=lam)
            if uniform_as != "second-moment":
                raise ValueError("script 6's noise is U[0, sigma): pass uniform_as='second-moment' or 'paper-gaussian'")
            base = zhang_process(rng, d_o=self.d_o, d_a=d_a, chi=chi, lam=lam)
            if not sigma:
                return base
            F_e = np.hstack([sigma / math.sqrt(12) * np.eye(self.d_o), sigma / 2 * np.ones((self.d_o, 1))])
            return replace(base, F_e=F_e, label=f"second-moment stand-in for U[0, {sigma:g}) noise")
        kind = {"none": "none", "iid-gaussian": "iid", "exo": "exo"}[self.noise]
        return zhang_process(rng, d_o=self.d_o, d_a=d_a, noise=kind if sigma else "none", sigma=sigma,
                             d_b=self.d_b or 8, chi=chi, lam=lam)

    def effective_action_weight(self, label_fraction: float, d_a: int | None = None) -> float:
        """`effective_action_weight` at this experiment's d_o, d_a, batch and action coefficient."""
        d_a = self.d_a[0] if d_a is None else d_a
        return effective_action_weight(self.d_o, d_a, label_fraction, self.training.batch, self.training.action_weight)

    def runs(self, plotted_only: bool = False) -> Iterator[Run]:
        """Every configuration of the sweep (the scripts' ``product`` loops), or the notebook's subset."""
        d_z = self.plot_d_z if plotted_only and self.plot_d_z is not None else self.d_z
        kap = self.plot_kappas if plotted_only and self.plot_kappas is not None else self.kappas
        lab = self.plot_label_ratios if plotted_only and self.plot_label_ratios is not None else self.label_ratios
        for d_a, dz, s, c, k, p in product(self.d_a, d_z, self.sigmas, self.chis, kap, lab):
            yield Run(d_a=d_a, d_z=dz, sigma=s, chi=c, kappa=k, label_fraction=p)

    # -- what decides the outcome ------------------------------------------------------------------------
    def invariants(self) -> dict[str, tuple[float, ...]]:
        """The dimensionless quantities that decide the outcome, kept by `ci_training`:
        d_o/d_a, d_b/d_a, noise-to-action eigenvalue ratios sigma^2 (Var q = 1 per action direction, X
        orthonormal), augmentation variance kappa^2 (per coordinate, relative to Var o = 1), policy mixing
        chi, label fraction, batch, P(label in batch), effective action weights; d_z/d_a is returned
        separately by `d_z_ratios` (ci keeps a subset)."""
        return {
            "d_o/d_a": tuple(self.d_o / d for d in self.d_a),
            "d_b/d_a": tuple((self.d_b or 0) / d for d in self.d_a),
            "sigma^2": tuple(s ** 2 for s in self.sigmas),
            "kappa^2": tuple(k ** 2 for k in self.kappas),
            "chi": self.chis,
            "label_fraction": self.label_ratios,
            "batch": (float(self.training.batch),),
            "P(label in batch)": tuple(prob_batch_has_label(p, self.training.batch) for p in self.label_ratios),
            "w_eff": tuple(self.effective_action_weight(p, d) for d in self.d_a for p in self.label_ratios),
        }

    def d_z_ratios(self) -> set[float]:
        return {dz / da for dz in self.d_z for da in self.d_a}

    def ci_training(self, d_o: int = 32, updates: int = 4000, probe_steps: int = PROBE_STEPS) -> "Experiment":
        """The same experiment with cheaper training, keeping `invariants`: d_o scaled to ``d_o`` and every
        dimension with it (d_a, d_b; d_z rounded, only values with d_z d_o / D_O an integer >= 1 kept, so
        d_z/d_a is a subset of the paper's), the same noise levels, kappa, chi, label fractions and batch
        (hence the same P(label in batch) and w_eff), fewer Adam updates (``updates``, a CI budget, not an
        authors' constant; checkpoint at updates - 1). d_a values that do not scale to an integer are dropped."""
        if self.d_o % d_o:
            raise ValueError(f"d_o = {d_o} must divide {self.d_o}")
        f = self.d_o // d_o
        d_a = tuple(d // f for d in self.d_a if d % f == 0)
        d_z = tuple(sorted({d // f for d in self.d_z if d % f == 0 and d // f >= 1}))
        if not d_a or not d_z:
            raise ValueError(f"no d_a / d_z of {self.name} scales to d_o = {d_o}")
        tr = replace(self.training, updates=updates, checkpoint=updates - 1)
        pr = replace(self.probes, steps=probe_steps, eval_samples=min(self.probes.eval_samples, 10000))
        plot_d_z = None if self.plot_d_z is None else tuple(d for d in d_z if d * f in self.plot_d_z)
        return replace(self, d_o=d_o, d_a=d_a, d_b=None if self.d_b is None else self.d_b // f, d_z=d_z,
                       training=tr, probes=pr, plot_d_z=plot_d_z, scale="ci")


# --- Fig. 3 left: script 4_1 (ZP-E1), no noise, sweep d_a x d_z ------------------------------------------

_DA_4_1 = tuple(range(2, 17, 2))  # release/4_1.py:62 da_list = list(range(2, 17, 2))
_DZ_4_1 = tuple(range(1, 17))  # release/4_1.py:63 dz_list = list(range(1, 17))
_NO_NOISE_METRICS = Metrics(noise_normalisation="none", notebook="noise-term-1")  # script20250319_new_4_1.ipynb:55


def fig3_left(variant: str = "learnA_False") -> Experiment:
    """Fig. 3 left (ZP-E1): eps = 0, d_a in {2,...,16} x d_z in {1,...,16}; LLO = -act + obs + 1.

    Variants: "learnA_False" (notebook cell 1, ``scripts/4_1_False.csv``: A = I, probes on z, 5000 updates),
    "psdaction" (cell 3, ``..._psdactionTrue.csv`` at iter 5000: A learned, action probe on o_hat' - o, o-probe
    on z), "release" (release/4_1.py = cell 5's "psdlatent": A learned, all probes on o_hat' - o, 20001
    updates; its CSV holds only d_a in {2, 4}, so it cannot be the figure). Which of cells 1 and 3 the paper
    shows is undetermined: both are complete d_a x d_z grids plotted by the same code."""
    common = dict(figure="Fig. 3 left", claim="ZP-E1", d_o=D_O, d_a=_DA_4_1, d_b=None, d_z=_DZ_4_1, noise="none",
                  sigmas=(0.0,), metrics=_NO_NOISE_METRICS)
    if variant == "learnA_False":
        return Experiment(
            name="fig3_left", variant=variant, plotted="candidate",
            script="scripts/4_1.py@eb04bd4", csv="scripts/4_1_False.csv",  # written by main(False): :41, :120, :123
            notebook="script20250319_new_4_1.ipynb:43 (cell 1, all rows; the file has no 'iter' column)",
            training=Training(updates=5000, checkpoint=None, learn_A=False),  # scripts/4_1.py@eb04bd4:63, :41
            probes=Probes(action_input="z", rest_input="z", fit_data="training", eval_data="training",  # @eb04bd4:20-22, :83-86
                          noise_target=None, schedule="after-training", eval_samples=100000),  # @eb04bd4:81, :43, :101
            notes=("the committed __main__ calls main(True) (scripts/4_1.py@eb04bd4:124); the False file comes from "
                   "main(False), the commented call at :123",), **common)
    if variant == "psdaction":
        return Experiment(
            name="fig3_left", variant=variant, plotted="candidate",
            script="scripts/4_1.py@92b5be2", csv="scripts/4_1_learnATrue_CDzeroFalse_psdactionTrue.csv",  # @92b5be2:154
            notebook="script20250319_new_4_1.ipynb:107-108 (cell 3, iter == 5000)",
            training=Training(updates=5001, checkpoint=5000, learn_A=True),  # scripts/4_1.py@92b5be2:87, :157
            probes=Probes(action_input="pseudo_latent", rest_input="z", fit_data="training", eval_data="training",  # @92b5be2:23-28, :40-45
                          noise_target=None, schedule="every-1000-cumulative", eval_samples=100000),  # @92b5be2:105-107, :57
            **common)
    if variant == "release":
        return Experiment(
            name="fig3_left", variant=variant, plotted="no",
            script="release/4_1.py", csv="scripts/4_1_learnATrue_CDzeroFalse_psdlatentTrue.csv (d_a in {2, 4} only)",
            notebook="script20250319_new_4_1.ipynb:170-171 (cell 5, iter == 20000)",
            training=Training(updates=20001, checkpoint=20000, learn_A=True),  # release/4_1.py:79, :17
            probes=Probes(action_input="pseudo_latent", rest_input="pseudo_latent", fit_data="training",  # release/4_1.py:21-24, :38-41, :149
                          eval_data="training", noise_target=None, schedule="every-1000-cumulative",  # release/4_1.py:97-99
                          eval_samples=100000),  # release/4_1.py:58, :122
            **common)
    raise ValueError(f"fig3_left variants: learnA_False, psdaction, release; got {variant!r}")


# --- Fig. 3 middle: script 4_2 (ZP-E2), i.i.d. Gaussian noise --------------------------------------------

_SIGMA_4_2 = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.1, 1.2, 1.3, 1.4, 1.5)  # release/4_2.py:64-68


def fig3_middle(variant: str = "plotted") -> Experiment:
    """Fig. 3 middle (ZP-E2): eps = sigma n (Gaussian), d_a = 8, sigma in {0, 0.1, ..., 1.5}.

    "plotted" (notebook 4_2 cell 1 reads ``scripts/4_2_False_no_noise_new.csv`` at iter 10000): A = I, probes
    on z, LAM trained on noisy data, probes fitted and evaluated on noise-free data (the CSV's recon_loss is the
    noise-free value at every sigma: ~(d_a - d_z)/d_o = 0.031 at d_z = 4, <= 4e-4 at d_z >= 8; noi_mse lies in
    [1.000, 1.017]); d_z in {4, ..., 16}.
    The script that wrote this file is not in the repository: scripts/4_2.py@eb04bd4 is the same loop but
    fits the probes on noisy data and writes ``_with_noise_new.csv`` (variant "with_noise"); its no-noise
    branch matches the later ``no_noise_eval`` (release/4_2.py:113-115). The notebook adds a display offset
    -0.002 d_z + 0.016 to each curve (script20250319_new_4_2.ipynb:56).
    "release": release/4_2.py (A learned, pseudo-latent probes, no_noise_eval=True, d_z in {2, ..., 16})."""
    common = dict(figure="Fig. 3 middle", claim="ZP-E2", d_o=D_O, d_a=(8,), noise="iid-gaussian",  # release/4_2.py:61
                  sigmas=_SIGMA_4_2)
    if variant in ("plotted", "with_noise"):
        tr = Training(updates=10001, checkpoint=10000, learn_A=False)  # scripts/4_2.py@eb04bd4:70, :143
        d_z = (4, 6, 8, 10, 12, 14, 16)  # scripts/4_2.py@eb04bd4:52
        if variant == "plotted":
            return Experiment(
                name="fig3_middle", variant=variant, plotted="yes", script="not in the repository (see docstring)",
                csv="scripts/4_2_False_no_noise_new.csv",
                notebook="script20250319_new_4_2.ipynb:45-46 (cell 1, iter == 10000)", d_b=None, d_z=d_z, training=tr,
                probes=Probes(action_input="z", rest_input="z", fit_data="noise-free", eval_data="noise-free",
                              noise_target=None, schedule="every-1000-cumulative", eval_samples=100000),  # @eb04bd4:88-90, :43
                metrics=Metrics(noise_normalisation="none", notebook="offset"),  # script20250319_new_4_2.ipynb:56
                notes=("noi_mse recorded in [1.000, 1.017], not exactly 1 (scripts/4_2_False_no_noise_new.csv)",),
                **common)
        return Experiment(
            name="fig3_middle", variant=variant, plotted="no", script="scripts/4_2.py@eb04bd4",
            csv="scripts/4_2_False_with_noise_new.csv",  # scripts/4_2.py@eb04bd4:140
            notebook=None, d_b=D_O, d_z=d_z, training=tr,
            probes=Probes(action_input="z", rest_input="z", fit_data="training", eval_data="training",  # @eb04bd4:95, :112-116
                          noise_target="eps", schedule="every-1000-cumulative", eval_samples=100000),
            metrics=Metrics(noise_normalisation="d_o sigma^2", notebook="recorded"),  # scripts/4_2.py@eb04bd4:133
            **common)
    if variant == "release":
        return Experiment(
            name="fig3_middle", variant=variant, plotted="no", script="release/4_2.py",
            csv="scripts/4_2_learnATrue_CDzeroFalse_psdlatentTrue_nonoiseevalTrue.csv",
            notebook="script20250319_new_4_2.ipynb (cell 9 at c9a597a; removed at HEAD)",
            d_b=D_O, d_z=(2, 4, 6, 8, 10, 12, 14, 16),  # release/4_2.py:62, :69
            training=Training(updates=10001, checkpoint=10000, learn_A=True),  # release/4_2.py:86, :17
            probes=Probes(action_input="pseudo_latent", rest_input="pseudo_latent", fit_data="noise-free",  # release/4_2.py:113-115, :178
                          eval_data="noise-free", noise_target=None, schedule="every-1000-cumulative",  # release/4_2.py:105-107
                          eval_samples=100000),  # release/4_2.py:59, :140
            metrics=Metrics(noise_normalisation="none", notebook="recorded"),  # release/4_2.py:164-165
            notes=("noisy branch (no_noise_eval=False): action target pinv(X)(q + eps), noise target eps / (d_o sigma^2)"
                   " (release/4_2.py:117-119, :167)",), **common)
    raise ValueError(f"fig3_middle variants: plotted, with_noise, release; got {variant!r}")


# --- Fig. 3 right: script 4_3 (ZP-E3), other-agent noise ---------------------------------------------------

def fig3_right(variant: str = "plotted") -> Experiment:
    """Fig. 3 right (ZP-E3): eps = sigma Y_0 b, d_a = d_b = 8, sigma in {0.5, 2.0}, d_z in {2, ..., 16}.

    "plotted" (notebook 4_3 cell 1, ``scripts/4_3_False_long_train_predB.csv`` at iter 40000, written by
    scripts/4_3.py@eb04bd4 with main(False)): A = I, probes on z, noise probe predicts b; the final
    evaluation uses N = 128 fresh samples (not NN = 100000); the notebook rescales noi_mse by sigma^2 and clips
    it to [0, 1]. "release": release/4_3.py (A learned, pseudo-latent probes; cannot run as released: the
    constructor is called with undefined names learn_A, CD_zero, release/4_3.py:79)."""
    common = dict(figure="Fig. 3 right", claim="ZP-E3", d_o=D_O, d_a=(8,), d_b=8, d_z=tuple(range(2, 17)),  # release/4_3.py:60-61, :64
                  noise="exo", sigmas=(0.5, 2.0))  # release/4_3.py:65
    if variant == "plotted":
        return Experiment(
            name="fig3_right", variant=variant, plotted="yes", script="scripts/4_3.py@eb04bd4",
            csv="scripts/4_3_False_long_train_predB.csv",  # scripts/4_3.py@eb04bd4:144
            notebook="script20250319_new_4_3.ipynb:41-45 (cell 1, iter == 40000)",
            training=Training(updates=40001, checkpoint=40000, learn_A=False),  # scripts/4_3.py@eb04bd4:72, :147
            probes=Probes(action_input="z", rest_input="z", fit_data="training", eval_data="training",  # @eb04bd4:20-22, :95-106
                          noise_target="b", schedule="every-1000-cumulative", eval_samples=BATCH),  # @eb04bd4:91-93, :116
            metrics=Metrics(noise_normalisation="d_b", notebook="rescale-clip"),  # @eb04bd4:138; ipynb:43-44
            **common)
    if variant == "release":
        return Experiment(
            name="fig3_right", variant=variant, plotted="no", script="release/4_3.py", csv=None, notebook=None,
            training=Training(updates=40001, checkpoint=40000, learn_A=True),  # release/4_3.py:84, :17
            probes=Probes(action_input="pseudo_latent", rest_input="pseudo_latent", fit_data="training",  # release/4_3.py:163
                          eval_data="training", noise_target="b", schedule="every-1000-cumulative",  # release/4_3.py:104-106
                          eval_samples=BATCH),  # release/4_3.py:129 np.random.randn(do, N)
            metrics=Metrics(noise_normalisation="d_b", notebook="recorded"),  # release/4_3.py:151
            notes=("release/4_3.py:79 passes learn_A=, CD_zero= (undefined in main) to a constructor without them",),
            **common)
    raise ValueError(f"fig3_right variants: plotted, release; got {variant!r}")


# --- Fig. 4 left: script 5 (ZP-E4), correlated policy ---------------------------------------------------------

_CHI_5 = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0)  # release/5.py:65


def fig4_left(variant: str = "plotted") -> Experiment:
    """Fig. 4 left (ZP-E4): a = (1 - chi) pi_s + chi Pi o, Pi with orthonormal rows (release/5.py:75-77, :88),
    eps = 0, chi in {0, 0.1, ..., 1}, d_z in {2, ..., 16} (the notebook plots even d_z).

    "plotted" (notebook 5 cell 7, ``scripts/5_learnATrue_CDzeroFalse_psdactionTrue.csv`` at iter 40000): A
    learned, action probe on o_hat' - o, o-probe on z, probes fitted on policy data and evaluated with random
    actions a ~ N(0, I) on NN = 10000 samples; LLO = -act + obs + noi with noi recorded as 1. The file mixes
    two probe protocols: the chi <= 0.5 rows come from the run of scripts/5.py@92b5be2 (probes re-fitted 5000
    steps at every 1000th update, cumulative), loaded by scripts/5_psdaction.py:76-77, which added the
    missing runs with ONE 5000-step probe fit after training (scripts/5_psdaction.py:130). "release":
    release/5.py (all probes on o_hat' - o; cannot run: main's learn_A, CD_zero are passed to a constructor
    without them, release/5.py:80). "tied_CD": notebook 5 cell 4, C = -D, probes on z FITTED on random actions
    (scripts/5.py@eb04bd4:117)."""
    common = dict(figure="Fig. 4 left", claim="ZP-E4", d_o=D_O, d_a=(8,), d_b=None, d_z=tuple(range(2, 17)),  # release/5.py:61, :64
                  noise="none", sigmas=(0.0,), chis=_CHI_5, metrics=Metrics(noise_normalisation="none", notebook="recorded"))
    plot_d_z = tuple(range(2, 17, 2))  # script20250319_new_5.ipynb:442 (if dz % 2 == 0)
    if variant == "plotted":
        return Experiment(
            name="fig4_left", variant=variant, plotted="yes", script="scripts/5_psdaction.py + scripts/5.py@92b5be2",
            csv="scripts/5_learnATrue_CDzeroFalse_psdactionTrue.csv",  # scripts/5_psdaction.py:177
            notebook="script20250319_new_5.ipynb:431-433 (cell 7, iter == 40000)",
            training=Training(updates=40001, checkpoint=40000, learn_A=True),  # scripts/5_psdaction.py:111, :180
            probes=Probes(action_input="pseudo_latent", rest_input="z", fit_data="policy", eval_data="random-actions",  # scripts/5_psdaction.py:28-33, :133, :155
                          noise_target=None, schedule="after-training (chi >= 0.5) / every-1000-cumulative (chi <= 0.5)",
                          eval_samples=10000),  # scripts/5_psdaction.py:67
            plot_d_z=plot_d_z, **common)
    if variant == "release":
        return Experiment(
            name="fig4_left", variant=variant, plotted="no", script="release/5.py", csv=None, notebook=None,
            training=Training(updates=40001, checkpoint=40000, learn_A=True),  # release/5.py:85, :55
            probes=Probes(action_input="pseudo_latent", rest_input="pseudo_latent", fit_data="policy",  # release/5.py:156, :108
                          eval_data="random-actions", noise_target=None, schedule="every-1000-cumulative",  # release/5.py:130, :103
                          eval_samples=10000),  # release/5.py:58
            notes=("release/5.py:55 defaults CD_zero=True, but the class cannot tie C = -D (release/5.py:13)",),
            plot_d_z=plot_d_z, **common)
    if variant == "tied_CD":
        return Experiment(
            name="fig4_left", variant=variant, plotted="no", script="scripts/5.py@eb04bd4",
            csv="scripts/5_learnATrue_CDzeroTrue_evalrand.csv",
            notebook="script20250319_new_5.ipynb:289-301 (cell 4, d_z >= 8, even)",
            training=Training(updates=40001, checkpoint=40000, learn_A=True, tie_CD=True),  # scripts/5.py@eb04bd4:93, :32-33
            probes=Probes(action_input="pseudo_latent", rest_input="z", fit_data="random-actions",  # @eb04bd4:24-29, :117
                          eval_data="random-actions", noise_target=None, schedule="every-1000-cumulative",  # @eb04bd4:111-113, :138
                          eval_samples=10000),  # @eb04bd4:58
            plot_d_z=tuple(range(8, 17, 2)), **{**common, "chis": (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)})  # @eb04bd4:65
    raise ValueError(f"fig4_left variants: plotted, release, tied_CD; got {variant!r}")


# --- Fig. 4 middle: script 6 (ZP-E5), augmentation with i.i.d. (uniform!) noise -------------------------------

def fig4_middle(variant: str = "plotted") -> Experiment:
    """Fig. 4 middle (ZP-E5): augmentation kappa_1, kappa_2 ~ N(0, kappa^2 I) (scripts/6.py:115-116), noise
    U[0, sigma) per coordinate (``np.random.rand``, scripts/6.py:113; the paper says Gaussian), A learned,
    probes on z (scripts/6.py:31-33), one 5000-step probe fit after 40001 updates, NN = 10000 evaluation
    samples. The notebook plots kappa in {0, 0.01, 0.1} (kappa < 0.2) with the noise term replaced by 1,
    although a noise probe (target eps, normalised by d_o sigma^2, d_b = 128) is recorded (~1/12 at every
    sigma > 0: the probe's bias removes the mean sigma/2, the variance is sigma^2/12). "release":
    release/6.py (same protocol; the constructor call passes undefined learn_A, CD_zero, release/6.py:86)."""
    kw = dict(name="fig4_middle", figure="Fig. 4 middle", claim="ZP-E5", d_o=D_O, d_a=(8,), d_b=D_O,  # scripts/6.py:68-70
              d_z=tuple(range(2, 17)), noise="iid-uniform", sigmas=(0.0, 0.1, 0.5, 1.0),  # scripts/6.py:72, :74
              kappas=(0.0, 0.01, 0.1, 0.5), plot_kappas=(0.0, 0.01, 0.1),  # scripts/6.py:73; script20250319_new_6.ipynb:35
              training=Training(updates=40001, checkpoint=40000, learn_A=True),  # scripts/6.py:108, :188
              probes=Probes(action_input="z", rest_input="z", fit_data="training", eval_data="training",  # scripts/6.py:29-33, :131-145
                            noise_target="eps", schedule="after-training", eval_samples=10000),  # scripts/6.py:131, :67
              metrics=Metrics(noise_normalisation="d_o sigma^2", notebook="noise-term-1"),  # scripts/6.py:176; ipynb:37
              notes=("noise U[0, sigma): mean sigma/2, variance sigma^2/12 (see uniform_noise_moments)",))
    if variant == "plotted":
        return Experiment(variant=variant, plotted="yes", script="scripts/6.py",
                          csv="scripts/6_learnATrue_CDzeroFalse_psdactionFalse.csv",  # scripts/6.py:185
                          notebook="script20250319_new_6.ipynb:34-37 (cell 0, kappa < 0.2, iter == 40000)", **kw)
    if variant == "release":
        return Experiment(variant=variant, plotted="no", script="release/6.py", csv=None, notebook=None, **kw)
    raise ValueError(f"fig4_middle variants: plotted, release; got {variant!r}")


# --- Fig. 4 right: script 7 (ZP-E6), action prediction with other-agent noise ---------------------------------

def fig4_right(variant: str = "plotted") -> Experiment:
    """Fig. 4 right (ZP-E6): eps = sigma Y_0 b, d_a = d_b = 8, sigma in {0.5, 1, 2}, label ratio in {0, 1%, 5%,
    10%} (plotted: 0 and 1%), d_z in {2, ..., 16}; augmentation kappa = 0.1 always (``use_kappa`` is unused,
    scripts/7.py:67, :114-115); A learned; action head on z trained jointly (opt1) with the labelled-mean
    loss; then one 5000-step probe fit (the head continues in opt2, fresh Adam state), evaluation on N = 128
    samples (not NN); LLO clipped at 2 by the notebook. Effective action weight in sum units:
    ``effective_action_weight(0.01)`` = 16 (1 - 0.99^128) = 11.58. "release": release/7.py, same protocol
    (its constructor call passes undefined learn_A, CD_zero, release/7.py:80)."""
    kw = dict(name="fig4_right", figure="Fig. 4 right", claim="ZP-E6", d_o=D_O, d_a=(8,), d_b=8,  # scripts/7.py:71-73
              d_z=tuple(range(2, 17)), noise="exo", sigmas=(0.5, 1.0, 2.0),  # scripts/7.py:76-77
              kappas=(0.1,), label_ratios=(0.0, 0.01, 0.05, 0.10), plot_label_ratios=(0.0, 0.01),  # scripts/7.py:74, :78; ipynb:66-86
              training=Training(updates=40001, checkpoint=40000, learn_A=True, action_weight=1.0,  # scripts/7.py:106, :136, :198
                                head_input="z"),  # scripts/7.py:32, :55 (pseudo_latent=False at :198)
              probes=Probes(action_input="z", rest_input="z", fit_data="training", eval_data="training",  # scripts/7.py:141-161
                            noise_target="b", schedule="after-training", eval_samples=BATCH),  # scripts/7.py:164
              metrics=Metrics(noise_normalisation="d_b", notebook="clip-2"),  # scripts/7.py:186; ipynb:58
              notes=("mask ratio 0: the action loss is the int 0 (scripts/7.py:134), the head gets no gradient in "
                     "training and is fitted only by the probe phase",))
    if variant == "plotted":
        return Experiment(variant=variant, plotted="yes", script="scripts/7.py",
                          csv="scripts/7_learnATrue_CDzeroFalse_psdlatentFalse_v2.csv",  # scripts/7.py:194
                          notebook="script20250319_new_7.ipynb:56-58 (cell 1, iter == 40000)", **kw)
    if variant == "release":
        return Experiment(variant=variant, plotted="no", script="release/7.py", csv=None, notebook=None, **kw)
    raise ValueError(f"fig4_right variants: plotted, release; got {variant!r}")


FIGURES = {"fig3_left": fig3_left, "fig3_middle": fig3_middle, "fig3_right": fig3_right, "fig4_left": fig4_left,
           "fig4_middle": fig4_middle, "fig4_right": fig4_right}
CLAIM_OF = {"ZP-E1": fig3_left, "ZP-E2": fig3_middle, "ZP-E3": fig3_right, "ZP-E4": fig4_left, "ZP-E5": fig4_middle,
            "ZP-E6": fig4_right}


def ci_training(claim_or_figure: str, **kw) -> Experiment:
    """``FIGURES[name]().ci_training(**kw)`` (or by claim id, ``CLAIM_OF``): the plotted variant, cheaper."""
    make = FIGURES.get(claim_or_figure) or CLAIM_OF[claim_or_figure]
    return make().ci_training(**kw)


#: What in the released code does not run or does not match the paper, and what we conclude (docs/protocols.md).
RELEASE_NOTES: tuple[str, ...] = (
    "release/4_3.py:79, 6.py:86, 7.py:80 call LAM_Linear(..., learn_A=learn_A, CD_zero=CD_zero, ...) with names "
    "undefined in main (NameError); release/5.py:80 passes main's learn_A, CD_zero to a class that takes only "
    "(d_o, d_z, d_a, d_b, pseudo_latent) (release/5.py:13, TypeError). These release scripts cannot run; the "
    "figures come from the scripts/ versions (class with learn_A, CD_zero: scripts/7.py:15) and older commits.",
    "The release scripts always learn A and (4_1, 4_2, 4_3, 5) probe the pseudo-latent; the plotted CSVs of "
    "Fig. 3 middle and right used A = I and probes on z (scripts/4_3.py@eb04bd4:147 main(False)).",
    "Final evaluation on N = 128 samples although NN = 100000 is defined: release/7.py:143 (and :58), "
    "release/4_3.py:129, scripts/4_3.py@eb04bd4:116. Recorded NMSEs then carry sampling error ~ sqrt(2/(128 d)); "
    "the notebook's clip at 2 (script20250319_new_7.ipynb:58) binds (max unclipped LLO in the v2 CSV: 2.104).",
    "Script 6's noise is U[0, sigma) (np.random.rand, scripts/6.py:113, release/6.py:96), not the paper's "
    "Gaussian: mean sigma/2 per coordinate; for sigma >= 0.5 one latent dimension goes to the offset "
    "(uniform_noise_moments).",
    "Noise terms differ between figures for the same noise model: notebook 4_3 multiplies the d_b-normalised "
    "noi_mse by sigma^2 and clips to [0, 1] (script20250319_new_4_3.ipynb:43-44); notebook 7 uses it as recorded.",
    "Notebook 4_2 adds -0.002 d_z + 0.016 to every plotted point (script20250319_new_4_2.ipynb:56), a display "
    "offset (+0.008 at d_z = 4, -0.016 at d_z = 16).",
    "The CSV behind Fig. 3 middle (scripts/4_2_False_no_noise_new.csv) was written by a script that is not in "
    "the repository; the CSV behind Fig. 4 left mixes two probe schedules (scripts/5_psdaction.py:76-77).",
    "scripts/7.py:67 takes use_kappa but never reads it: kappa = 0.1 is always applied (scripts/7.py:74, :114-115).",
    "Init: nn.Linear gives C and D each fan_in d_o (bound 1/sqrt(d_o)); the harness initialises them with "
    "fan_in 2 d_o (gpu_checks.linear_lam.init_linear_lams). The head's bias is initialised U(-1/sqrt(d_z), "
    "1/sqrt(d_z)) by nn.Linear; the harness's head bias starts at 0. Optima are unaffected; dynamics may not be.",
)


# --- grid world (Sec. 5, Table 1; ZP-E7) --------------------------------------------------------------------

TRAIN_LAM = "rebuttal/train_lam.py@7b4802d"
DATA_CREATE = "rebuttal/data_create_lam.py@e2c807c"
RESULTS = "rebuttal/rebuttal_results.py@924b0e9"


@dataclass(frozen=True)
class GridWorld:
    """The non-linear grid-world LAM of Sec. 5 as the ``rebuttal/`` code implements it.

    Data: frames (n_rows + noise_rows) x cols = 4 x 4; a unit pixel in the top 3 x 4 region moved by 5 actions
    (0 up, 1 down, 2 left, 3 right, 4 stay; clipped at the borders), starting at (row, col) = (1, 2); the bottom
    row is Bernoulli(0.5) x ``stored_noise`` in every frame, re-scaled at load time by the run's
    ``intensity`` multiplier, so the noise amplitude is 0.25 x intensity (low 4 -> 1.0, high 8 -> 2.0) and its
    variance (0.25 intensity)^2 / 4. One random (o_t, o_t+1) pair per trajectory per epoch.

    Model: encoder CNN per frame (conv 1->64, ReLU, BN, conv 64->64, ReLU, BN, avg-pool 2, conv 64->1, ReLU:
    4 features), concatenation (8) -> MLP 512 -> 512 -> 16 -> VQ (codebook 5 x 16, nearest by Euclidean
    distance, straight-through); FDM: conv net on [o, latent as 1 x 4 x 4] (conv 2->64, ReLU, BN, conv, ReLU,
    BN, pool, conv, ReLU, BN, upsample, conv, ReLU, BN, conv 64->1, ReLU; no skip connections).
    Loss: mean-squared reconstruction + 0.1 codebook + 0.025 commitment + 0.1 pull (labelled samples).
    """

    n_rows: int = 3  # rebuttal/data_create_lam.py@e2c807c:14 n_pixels = (3, 4)
    n_cols: int = 4  # data_create_lam.py@e2c807c:14
    noise_rows: int = 1  # data_create_lam.py@e2c807c:17
    n_frames: int = 200  # data_create_lam.py@e2c807c:15
    n_traj: int = 4000  # data_create_lam.py@e2c807c:16; train_lam.py@7b4802d:259
    n_actions: int = 5  # data_create_lam.py@e2c807c:32 np.random.randint(0, 5, n_frames)
    start: tuple[int, int] = (1, 2)  # data_create_lam.py@e2c807c:35 (n_pixels[0]//2, n_pixels[1]//2)
    noise_on_prob: float = 0.5  # data_create_lam.py@e2c807c:103 np.random.rand(...) < 0.5
    stored_noise: float = 0.25  # data_create_lam.py@e2c807c:18, :104 (intensity = 0.25)
    intensities: tuple[float, ...] = (0.0, 4.0, 8.0)  # rebuttal_results.py@924b0e9:10-12 (none, low, high); train_lam.py@7b4802d:45
    default_intensity: float = 4.0  # rebuttal_results.py@924b0e9:7 ("Defaults: Intensity=4.0")
    correlated_policy_prob: float = 0.95  # rebuttal_results.py@924b0e9:26-27 ("0.95 correlation", dataset0.95)
    pairs_per_traj_per_epoch: int = 1  # train_lam.py@7b4802d:83-88 (one random frame index per __getitem__)
    train_split: float = 0.95  # train_lam.py@7b4802d:261
    n_latent: int = 16  # train_lam.py@7b4802d:35
    codebook_size: int = 5  # train_lam.py@7b4802d:50
    enc_filters: int = 64  # train_lam.py@7b4802d:99-104
    mlp_hidden: tuple[int, int] = (512, 512)  # train_lam.py@7b4802d:140-142
    fdm_filters: int = 64  # train_lam.py@7b4802d:173-178
    codebook_init: str = "torch.randn(codebook_size, n_latent)"  # train_lam.py@7b4802d:144
    codebook_weight: float = 0.1  # train_lam.py@7b4802d:347 (1.0/10 * loss_quant)
    commitment_weight: float = 0.025  # train_lam.py@7b4802d:347 (0.25/10 * loss_commit)
    pull_weight: float = 0.1  # train_lam.py@7b4802d:347 (1.0/10 * loss_act_pull), :329
    straight_through: bool = True  # train_lam.py@7b4802d:156
    epochs: int = 400  # train_lam.py@7b4802d:239; rebuttal_results.py@924b0e9:7 ("epochs=400")
    batch: int = 1024  # train_lam.py@7b4802d:240
    lr: float = 1e-4  # train_lam.py@7b4802d:241 (Adam, :249)
    label_fraction_traj: float = 0.01  # rebuttal_results.py@924b0e9:41 (actionprop0.01); train_lam.py@7b4802d:72, :89
    aug_factor: float = 0.1  # train_lam.py@7b4802d:57 (commented sweep "for k_data_aug in [0., 0.1]"); used only as > 0 (:303, :334)
    dead_code_every_epochs: int = 5  # train_lam.py@7b4802d:446 (epoch % 5 == 0)
    dead_code_usage: float = 0.001  # train_lam.py@7b4802d:484 (usage in the last batch < 0.001)
    dead_code_patience: int = 3  # train_lam.py@7b4802d:488 (re-init once flagged more than 3 times)
    controllable_normaliser: float = 0.060  # rebuttal_results.py@924b0e9:20-22 (/0.060)
    metric_last_epochs: int = 10  # rebuttal_results.py@924b0e9:20 (np.mean(data[-10:, 3]))
    scale: str = "paper"

    # -- derived quantities (formulas; pure) -------------------------------------------------------------
    def noise_amplitude(self, intensity: float) -> float:
        """Noise-pixel value when on: stored 0.25 x the run's multiplier (train_lam.py@7b4802d:80)."""
        return self.stored_noise * intensity

    def noise_variance(self, intensity: float) -> float:
        """Var of Bernoulli(1/2) x c = c^2 / 4: 0.25 (low, c = 1), 1.0 (high, c = 2); rebuttal_results.py:21-22."""
        c = self.noise_amplitude(intensity)
        return self.noise_on_prob * (1 - self.noise_on_prob) * c ** 2

    def controllable_loss(self, mse_top: float) -> float:
        """Table 1's controllable loss: MSE over the top 3 x 4 region / 0.060 (rebuttal_results.py@924b0e9:20)."""
        return mse_top / self.controllable_normaliser

    def stochastic_loss(self, mse_noise_row: float, intensity: float) -> float:
        """Table 1's stochastic loss: MSE over the noise row / noise variance (rebuttal_results.py@924b0e9:21-22);
        at intensity 0 the script prints the raw MSE (:20), the table shows '-'."""
        v = self.noise_variance(intensity)
        return mse_noise_row / v if v > 0 else mse_noise_row

    @property
    def train_trajectories(self) -> int:
        return int(self.train_split * self.n_traj)  # train_lam.py@7b4802d:261

    @property
    def updates_per_epoch(self) -> int:
        """ceil(3800 / 1024) = 4 (DataLoader without drop_last, train_lam.py@7b4802d:264)."""
        return math.ceil(self.train_trajectories / self.batch)

    @property
    def updates(self) -> int:
        """400 epochs x 4 = 1600 Adam updates at the code's settings."""
        return self.epochs * self.updates_per_epoch

    @property
    def labelled_trajectories(self) -> int:
        """int(n_traj x 1%) = 40 trajectories carry labels (train_lam.py@7b4802d:72), about 38 of them in the
        95% training split; per batch ~1% of the pairs."""
        return int(self.n_traj * self.label_fraction_traj)

    def invariants(self) -> dict[str, float]:
        """Dimensionless quantities kept by `ci_training`: codes per action, label fraction, loss weights,
        noise variances relative to the unit action pixel, correlated-policy probability, updates."""
        return {"codes/actions": self.codebook_size / self.n_actions, "label_fraction": self.label_fraction_traj,
                "codebook_weight": self.codebook_weight, "commitment_weight": self.commitment_weight,
                "pull_weight": self.pull_weight, "noise_var_low": self.noise_variance(4.0),
                "noise_var_high": self.noise_variance(8.0), "policy_prob": self.correlated_policy_prob,
                "updates": float(self.updates)}

    def ci_training(self, n_traj: int = 1000, batch: int = 256) -> "GridWorld":
        """Fewer trajectories and smaller batches, the SAME number of updates (epochs x ceil(0.95 n_traj /
        batch) = 1600 at the defaults: 400 x 4) and the same `invariants`."""
        g = replace(self, n_traj=n_traj, batch=batch, scale="ci")
        epochs = math.ceil(self.updates / g.updates_per_epoch)
        return replace(g, epochs=epochs)


def grid_world() -> GridWorld:
    """Table 1's grid world at the code's settings (`GridWorld`; notes in ``GRID_NOTES``)."""
    return GridWorld()


#: What the grid-world code does that the paper's text does not say (docs/protocols.md).
GRID_NOTES: tuple[str, ...] = (
    "Only one of four versions of rebuttal/train_lam.py could be read (7b4802d); its loops are set to one "
    "configuration (intensity 0.25, codebook 5, labels 0, augmentation 0: :46-58), not Table 1's runs.",
    "The codebook is a plain tensor attribute (train_lam.py@7b4802d:144, moved by hand at :247), not an "
    "nn.Parameter, so Adam (:249) never updates it: the 0.1 codebook loss has no effect; codes change only by "
    "dead-code re-initialisation (:492), which runs only when action_prop == 0 (:468).",
    "Dead-code rule: every 5 epochs, a code used by < 0.1% of the last batch is flagged; on its 4th flag it is "
    "reset to the i-th pre-quantisation latent of that batch, diff[i] (train_lam.py@7b4802d:446-493).",
    "Augmentation in this version is NOT the paper's one-cell shift with periodic padding: the IDM's o gets o''s "
    "noise row (train_lam.py@7b4802d:303-307) and the FDM target o' gets o's noise row (:334-337).",
    "The reported losses are means over the last 10 epochs of per-step losses on one no-grad batch of the "
    "TRAINING split of the clean (uniform-policy) dataset (train_lam.py@7b4802d:373-437; rebuttal_results.py:20); "
    "labelled pairs get the true code in that batch too (:411-412). No held-out split is used.",
    "No seeding anywhere; rebuttal_results.py reads one file per setting (no seeds loop), while the paper reports "
    "mean +- s.e. over five seeds.",
    "1600 updates (400 epochs x 4 batches) at the code's settings; the paper's Sec. 5 states 16k (as this "
    "project reads it).",
    "Labelled pairs: the FDM receives the detached true-action code (train_lam.py@7b4802d:324-325) and the latent "
    "is pulled to it (:329); with no labelled pair in a batch the pull term is the mean of an empty tensor (NaN "
    "value, zero gradient).",
    "Snake policy's special action 5 (jump to the top-left) is recorded as action 4, stay "
    "(data_create_lam.py@e2c807c:96); the snake block is disabled (`if False`, :55) in the readable version.",
)
