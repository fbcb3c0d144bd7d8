"""Lee et al. 2026: the linear protocol. A RECONSTRUCTION: the paper has no public code.

The abstract says the findings are validated on linear and non-linear LAMs; nothing else about the setup is
known. This project's reconstruction reuses Zhang et al.'s script 7 conventions (github.com/
zhangchuheng123/LinearLAM ``scripts/7.py``, the closest public linear-LAM code, and the base framework the
paper builds on) for everything the exogenous extension does not change: d_o = 128, d_a = 8, an exogenous
block of size 8 (script 7's ``others_embeddings``, d_b = 8), exogenous noise levels {0.5, 1, 2}, label
ratios {0, 1%, 5%, 10%}, kappa = 0.1, mean normalisation, labelled-mean action loss with a biased head,
Adam lr 1e-3, batch 128, 40001 updates, linear probes as in script 7. The exogenous dynamics
x' = gamma x + xi, the endogenous size d_s and gamma have no source: they are this project's choices
(``numerics.processes.lee_process``), stated as such.

Background (LAOM, Nikulin et al. 2025, "Latent Action Learning Requires Supervision in the Presence of
Distractors", github.com/dunnolab/laom): how a public non-linear LAM with distractors adds supervision is
recorded in the ``LAOM_*`` constants, cited by file and line, for checks that compare conventions.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from numerics.processes import LAMConfig, LinearProcess, lee_process
from numerics.zhang2025 import protocol as zp

PROVENANCE = "reconstructed"

D_O = zp.D_O  # zhangchuheng123/LinearLAM scripts/7.py:71
D_A = 8  # zhangchuheng123/LinearLAM scripts/7.py:72
D_X = 8  # zhangchuheng123/LinearLAM scripts/7.py:73 (db = 8, the other-agent block)
SIGMA_XI = (0.5, 1.0, 2.0)  # zhangchuheng123/LinearLAM scripts/7.py:77 (sigma_list)
LABEL_RATIOS = (0.0, 0.01, 0.05, 0.10)  # zhangchuheng123/LinearLAM scripts/7.py:78
KAPPA = 0.1  # zhangchuheng123/LinearLAM scripts/7.py:74
D_Z = tuple(range(2, 17))  # zhangchuheng123/LinearLAM scripts/7.py:76
D_S = 8  # project choice (no source): s' = s + W a with W square orthonormal
GAMMA = 0.5  # project choice (no source): numerics.processes.lee_process default
SIGMA_A = 1.0  # zhangchuheng123/LinearLAM scripts/7.py:109 (a ~ N(0, I))
METRICS = ("NMSE(a | z) as Zhang's act_mse (scripts/7.py:181); future-exogenous leakage 1 - NMSE(xi | z, o) "
           "(this project's reconstruction); probes nn.Linear with bias, 5000 Adam steps of 128 (scripts/7.py:141)")


@dataclass(frozen=True)
class LinearExperiment:
    """Lee et al.'s linear experiment as reconstructed (module docstring)."""

    name: str
    provenance: str
    d_o: int
    d_a: int
    d_s: int
    d_x: int
    d_z: tuple[int, ...]
    sigma_a: float
    sigma_xis: tuple[float, ...]
    gamma: float
    kappas: tuple[float, ...]
    label_ratios: tuple[float, ...]
    training: zp.Training
    probes: zp.Probes
    overlap: float = 0.0
    metrics: str = METRICS
    scale: str = "paper"

    def lam(self, d_z: int, *, kappa: float | None = None, label_fraction: float | None = None) -> LAMConfig:
        """Script 7's LAM options: mean normalisation, labelled-mean action loss, batch 128, A learned."""
        p = self.label_ratios[0] if label_fraction is None else label_fraction
        return LAMConfig(d_z=d_z, learn_A=self.training.learn_A, tie_CD=self.training.tie_CD,
                         kappa=self.kappas[0] if kappa is None else kappa, action_weight=self.training.action_weight,
                         loss_normalisation="mean", label_fraction=p, label_average="labelled",
                         batch=self.training.batch)

    def process(self, rng: np.random.Generator, d_z: int, *, sigma_xi: float, label_fraction: float | None = None,
                kappa: float | None = None, gamma: float | None = None, overlap: float | None = None) -> LinearProcess:
        """`numerics.processes.lee_process` at this experiment's sizes with `lam`."""
        return lee_process(rng, d_o=self.d_o, d_s=self.d_s, d_x=self.d_x, d_a=self.d_a, sigma_a=self.sigma_a,
                           sigma_xi=sigma_xi, gamma=self.gamma if gamma is None else gamma,
                           overlap=self.overlap if overlap is None else overlap,
                           lam=self.lam(d_z, kappa=kappa, label_fraction=label_fraction))

    def effective_action_weight(self, label_fraction: float) -> float:
        """(d_o/d_a)(1 - (1 - p)^batch), as for Zhang's script 7 (`zhang2025.protocol.effective_action_weight`)."""
        return zp.effective_action_weight(self.d_o, self.d_a, label_fraction, self.training.batch,
                                          self.training.action_weight)

    def invariants(self) -> dict[str, tuple[float, ...]]:
        """d_o/d_a, d_x/d_a, d_s/d_a, sigma_xi^2 / sigma_a^2, gamma, kappa^2, label fractions, batch, w_eff."""
        return {"d_o/d_a": (self.d_o / self.d_a,), "d_x/d_a": (self.d_x / self.d_a,), "d_s/d_a": (self.d_s / self.d_a,),
                "sigma_xi^2/sigma_a^2": tuple(s ** 2 / self.sigma_a ** 2 for s in self.sigma_xis),
                "gamma": (self.gamma,), "kappa^2": tuple(k ** 2 for k in self.kappas), "label_fraction": self.label_ratios,
                "batch": (float(self.training.batch),),
                "w_eff": tuple(self.effective_action_weight(p) for p in self.label_ratios)}

    def ci_training(self, d_o: int = 32, updates: int = 4000) -> "LinearExperiment":
        """Dimensions scaled by d_o / 128 (d_a, d_s, d_x; d_z with d_z d_o / 128 an integer >= 1), the same
        noise levels, gamma, kappa, label fractions and batch, fewer updates: `invariants` unchanged."""
        if self.d_o % d_o:
            raise ValueError(f"d_o = {d_o} must divide {self.d_o}")
        f = self.d_o // d_o
        if self.d_a % f or self.d_s % f or self.d_x % f:
            raise ValueError(f"d_a, d_s, d_x must scale to integers at d_o = {d_o}")
        d_z = tuple(sorted({d // f for d in self.d_z if d % f == 0}))
        return replace(self, d_o=d_o, d_a=self.d_a // f, d_s=self.d_s // f, d_x=self.d_x // f, d_z=d_z,
                       training=replace(self.training, updates=updates, checkpoint=updates - 1), scale="ci")


def linear() -> LinearExperiment:
    """The supervised sweep (label ratios 0, 1%, 5%, 10%) on the exogenous process, script 7's training and
    probes (`zhang2025.protocol.fig4_right`); ``label_fraction=0`` gives the unsupervised LAM."""
    z7 = zp.fig4_right()
    return LinearExperiment(name="lee_linear", provenance=PROVENANCE, d_o=D_O, d_a=D_A, d_s=D_S, d_x=D_X, d_z=D_Z,
                            sigma_a=SIGMA_A, sigma_xis=SIGMA_XI, gamma=GAMMA, kappas=(KAPPA,),
                            label_ratios=LABEL_RATIOS, training=z7.training, probes=z7.probes)


def ci_training(**kw) -> LinearExperiment:
    return linear().ci_training(**kw)


# --- LAOM (dunnolab/laom), background: a non-linear LAM with distractors and supervision -------------------

LAOM_REPO = "dunnolab/laom"
LAOM_LABELED_LOSS_COEF = 0.001  # dunnolab/laom configs/laom-labels.yaml:8 (dataclass default 0.05: train_laom_labels.py:46)
LAOM_LABELED_BATCH = 128  # configs/laom-labels.yaml:7: a separate labelled batch EVERY step (train_laom_labels.py:263)
LAOM_BATCH = 512  # configs/laom-labels.yaml:6
LAOM_EPOCHS = 10  # configs/laom-labels.yaml:5
LAOM_LR = 1e-4  # configs/laom-labels.yaml:12 (Adam, train_laom_labels.py:199-203)
LAOM_WARMUP_EPOCHS = 3  # configs/laom-labels.yaml:14; linear warm-up then linear decay to 0 (src/scheduler.py:15-23, :118-125)
LAOM_LATENT_ACTION_DIM = 8192  # configs/laom-labels.yaml:15
LAOM_FUTURE_OFFSET = 10  # configs/laom-labels.yaml:11
LAOM_TARGET_TAU = 0.001  # configs/laom-labels.yaml:25 (EMA target encoder, train_laom_labels.py:292-293)
LAOM_USE_AUG = True  # configs/laom-labels.yaml:10
LAOM_FRAME_STACK = 3  # configs/laom-labels.yaml:27
LAOM_LABELED_TRAJECTORIES = 32  # scripts/sample_labeled_data.py:19 (chunks of 1000 steps, :18)
LAOM_DATASET = "5000 trajectories x 1000 steps per environment"  # README.md:31
LAOM_LOSS = ("loss0 + coef x loss1: loss0 = F.mse_loss(latent next-obs prediction, EMA-target encoding) "
             "(train_laom_labels.py:260), loss1 = F.mse_loss(predicted action, true action) on the labelled "
             "batch (:282), total :284")
LAOM_PROBE = ("nn.Linear(latent_action_dim, act_dim), Adam at the LAM's lr, fitted online on detached latents "
              "every step, MSE (train_laom_labels.py:209-210, :304-310)")


def laom_effective_action_weight(coef: float, d_target: int, d_a: int) -> float:
    """LAOM's action weight in per-sample-sum units: coef d_target / d_a (both terms are F.mse_loss means, over
    d_target latent dims and over d_a action dims, train_laom_labels.py:260, :282), with NO Bernoulli factor:
    a labelled batch is drawn every step (train_laom_labels.py:263), unlike Zhang's script 7."""
    return coef * d_target / d_a
