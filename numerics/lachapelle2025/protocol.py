"""Lachapelle 2025 analyses LAPO (Schmidt & Jiang, "Learning to Act without Actions", ICLR 2024): LAPO's
protocol as its public code implements it, written ONCE, every constant cited by file and line.

Sources: github.com/schmidtdominik/LAPO at HEAD c3844f7 (``lapo/config.yaml``, ``lapo/models.py``,
``lapo/stage1_idm.py``, ``lapo/utils.py``, ``lapo/data_loader.py``, ``lapo/config.py``); the optimiser and
the learning-rate schedule come from the ``doy`` package pinned by LAPO (``requirements.txt:4``, doy==1.9.2
from PyPI), cited as ``doy 1.9.2 doy/utils.py:<line>``.

What the code does (formulas in the function docstrings):

* IDM: 3 frames (o_{t-1}, o_t, o_{t+1}) stacked on channels -> IMPALA CNN -> 256 -> Linear -> la (128-dim,
  continuous) -> VQ-EMA -> la_q (straight-through); FDM ("world model"): UNet on (o_{t-1}, o_t) with la_q
  broadcast at the input and injected at the bottleneck, output tanh / 2 (frames live in [-0.5, 0.5]);
* stage-1 loss = MSE(o_hat_{t+1}, o_{t+1}) + 0.05 MSE(la, sg(la_q)); no entropy term, no codebook loss (the
  codebook moves by EMA with Laplace smoothing); AdamW, piecewise-linear lr 0.1 lr -> lr (step 50) -> 0.01 lr
  (step steps + 1), gradient-norm clip 2, batch 128, 50k steps;
* the latent's quality probe ``eval_latent_repr``: an MLP (128, 128) from the CONTINUOUS la to the 15 true
  actions, cross-entropy, AdamW defaults, 3 epochs of batch 128 on the first half of 131072 training windows,
  test accuracy on the second half.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

Array = np.ndarray

REPO = "schmidtdominik/LAPO"
COMMIT = "c3844f7"  # HEAD of the mirrored repository ("Update README.md")

STAGE1_LR = 3e-4  # schmidtdominik/LAPO lapo/config.yaml:21
STAGE1_BATCH = 128  # lapo/config.yaml:22
STAGE1_STEPS = 50_000  # lapo/config.yaml:23
WARMUP_END = 50  # lapo/stage1_idm.py:24 (points [0, 50, steps + 1])
LR_FACTORS = (0.1, 1.0, 0.01)  # lapo/stage1_idm.py:25 ([0.1 lr, lr, 0.01 lr])
GRAD_CLIP = 2.0  # lapo/stage1_idm.py:46 clip_grad_norm_(..., 2)
OPTIMISER = "torch.optim.AdamW, torch defaults (betas 0.9, 0.999; weight decay 0.01)"  # doy 1.9.2 doy/utils.py:153
ADD_TIME_HORIZON = 1  # lapo/config.py:12: windows of 2 + 1 = 3 frames (lapo/data_loader.py:110)
N_TRUE_ACTIONS = 15  # lapo/utils.py:92 TA_DIM = 15 (Procgen)


@dataclass(frozen=True)
class VQ:
    """``VQEmbeddingEMA`` (lapo/models.py:230-325) with ``model.vq`` of lapo/config.yaml."""

    num_codebooks: int = 2  # lapo/config.yaml:12
    num_discrete_latents: int = 4  # lapo/config.yaml:13
    emb_dim: int = 16  # lapo/config.yaml:14
    num_embs: int = 64  # lapo/config.yaml:15
    commitment_cost: float = 0.05  # lapo/config.yaml:16; loss = commitment_cost * mse(x, sg(q)), lapo/models.py:287-288
    decay: float = 0.999  # lapo/config.yaml:17; EMA of counts and sums, lapo/models.py:272-283
    epsilon: float = 1e-5  # lapo/models.py:234 (Laplace smoothing, :276-279)
    init_bound_times_num_embs: float = 5.0  # lapo/models.py:241 embedding.uniform_(-5/M, 5/M)
    assignment: str = "argmin Euclidean distance (deterministic)"  # lapo/models.py:255-263
    straight_through: str = "quantized.detach() + (x - x.detach())"  # lapo/models.py:290
    ema_only_in_train_mode: bool = True  # lapo/models.py:271 (idm.eval() in test_step disables it, stage1_idm.py:61)

    @property
    def la_dim(self) -> int:
        """num_codebooks x num_discrete_latents x emb_dim = 128 (lapo/config.py:130-134)."""
        return self.num_codebooks * self.num_discrete_latents * self.emb_dim

    @property
    def n_discrete(self) -> int:
        """Categorical variables per latent action: 2 x 4 = 8, each with 64 values (codebook n shared by the 4
        positions of codebook n): 64^8 ~ 2.8e14 possible codes for 15 true actions."""
        return self.num_codebooks * self.num_discrete_latents

    def positions(self, codebook: int, latent: int) -> list[int]:
        """Indices of la that form discrete latent (codebook n, position h): la is viewed as
        (B, N D, H, 1) (lapo/models.py:306-311), then (B, N, D, H, W) (:252), so element (n, d, h) is
        la[(n D + d) H + h], d = 0..D-1: interleaved with stride H, not contiguous."""
        D, H = self.emb_dim, self.num_discrete_latents
        return [(codebook * D + d) * H + latent for d in range(D)]


@dataclass(frozen=True)
class Stage1:
    """Stage-1 IDM + FDM training (lapo/stage1_idm.py)."""

    lr: float = STAGE1_LR
    batch: int = STAGE1_BATCH
    steps: int = STAGE1_STEPS
    updates_offset: int = 1  # lapo/stage1_idm.py:75 loop(steps + 1): steps 0..steps, lr set before each (:36)
    warmup_end: int = WARMUP_END
    lr_factors: tuple[float, float, float] = LR_FACTORS
    grad_clip: float = GRAD_CLIP
    optimiser: str = OPTIMISER
    loss: str = "F.mse_loss(wm(o_{t-1}, o_t; la_q), o_{t+1}) + vq commitment"  # lapo/stage1_idm.py:42; models.py:124
    eval_every: int = 500  # lapo/stage1_idm.py:78
    wm_scale: int = 24  # lapo/config.yaml:7
    idm_impala_scale: int = 4  # lapo/config.yaml:8
    idm_channels: tuple[int, int, int] = (16, 32, 32)  # lapo/models.py:357
    idm_features: int = 256  # lapo/models.py:358


@dataclass(frozen=True)
class Probe:
    """``utils.eval_latent_repr`` / ``train_decoder`` (lapo/utils.py:76-138)."""

    samples: int = 131072  # lapo/utils.py:77 td_unfolded[:131072] (training windows)
    split: str = "first half train, second half test"  # lapo/utils.py:97
    hidden: tuple[int, int] = (128, 128)  # lapo/utils.py:84; ReLU MLP, lapo/utils.py:18-25
    epochs: int = 3  # lapo/utils.py:85
    batch: int = 128  # lapo/utils.py:86
    optimiser: str = "torch.optim.AdamW() defaults (lr 1e-3, weight decay 0.01)"  # lapo/utils.py:94
    loss: str = "cross-entropy"  # lapo/utils.py:110
    target: str = "ta[:, -2]: the action between o_t and o_{t+1}"  # lapo/utils.py:109
    input: str = "la: the continuous pre-quantisation IDM output"  # lapo/utils.py:78, :108
    test_every: int = 10  # lapo/utils.py:121 (steps)
    metric: str = "test_acc at the last test; train_acc = mean of the last 15 logged"  # lapo/utils.py:133-136
    n_classes: int = N_TRUE_ACTIONS


@dataclass(frozen=True)
class Data:
    """Frames and windows (lapo/data_loader.py)."""

    frame: tuple[int, int, int] = (3, 64, 64)  # lapo/data_loader.py:20 (uint8), permuted to C,H,W at :79
    normalisation: str = "obs / 255 - 0.5"  # lapo/data_loader.py:47
    window: int = 2 + ADD_TIME_HORIZON  # lapo/data_loader.py:110
    idm_frames: int = 3  # lapo/utils.py:32 idm_in_depth = 3 (2 + ADD_TIME_HORIZON)
    wm_frames: int = 2  # lapo/utils.py:33 wm_in_depth = 3 (1 + ADD_TIME_HORIZON)
    wm_output: str = "tanh(out) / 2"  # lapo/models.py:117
    shuffle_drop_last: tuple[bool, bool] = (True, True)  # lapo/data_loader.py:87-88
    train_chunk: int = 32_768  # lapo/data_loader.py:13
    test_chunk: int = 4096  # lapo/data_loader.py:14


@dataclass(frozen=True)
class LAPOProtocol:
    vq: VQ = field(default_factory=VQ)
    stage1: Stage1 = field(default_factory=Stage1)
    probe: Probe = field(default_factory=Probe)
    data: Data = field(default_factory=Data)
    scale: str = "paper"

    @property
    def la_dim(self) -> int:
        return self.vq.la_dim

    def invariants(self) -> dict[str, float]:
        """Kept by `ci_training`: warm-up length, lr factors, commitment cost, EMA decay (its horizon
        1 / (1 - decay) = 1000 steps must stay below the number of steps), codes per categorical variable,
        number of categorical variables."""
        return {"warmup_end": float(self.stage1.warmup_end), "lr_start": self.stage1.lr_factors[0],
                "lr_end": self.stage1.lr_factors[2], "commitment": self.vq.commitment_cost, "decay": self.vq.decay,
                "num_embs": float(self.vq.num_embs), "n_discrete": float(self.vq.n_discrete)}

    def ci_training(self, steps: int = 3000) -> "LAPOProtocol":
        """Fewer stage-1 steps, everything in `invariants` unchanged (``steps`` must exceed the EMA horizon
        1000 and the warm-up 50)."""
        if steps <= max(self.stage1.warmup_end, round(1 / (1 - self.vq.decay))):
            raise ValueError("ci steps must exceed the EMA horizon 1/(1 - decay) and the warm-up")
        return replace(self, stage1=replace(self.stage1, steps=steps), scale="ci")


def lapo() -> LAPOProtocol:
    """LAPO's stage-1 protocol at the authors' configuration."""
    return LAPOProtocol()


def lapo_learning_rate(step: float, steps: int = STAGE1_STEPS, lr: float = STAGE1_LR) -> float:
    """lr(step) = piecewise-linear interpolation through (0, 0.1 lr), (50, lr), (steps + 1, 0.01 lr)
    (lapo/stage1_idm.py:23-26; doy 1.9.2 doy/utils.py:98-128, set before every update, doy/utils.py:159-161)."""
    return float(np.interp(step, [0, WARMUP_END, steps + 1], [f * lr for f in LR_FACTORS]))


def ema_update(ema_count: Array, ema_weight: Array, x: Array, indices: Array, decay: float = 0.999,
               eps: float = 1e-5) -> tuple[Array, Array, Array]:
    """One training-mode EMA step of ``VQEmbeddingEMA`` (lapo/models.py:272-285), per codebook n:

        c_j  <- decay c_j + (1 - decay) #{i : k_i = j}                     (:272-274)
        n    =  sum_j c_j;   c_j <- (c_j + eps) / (n + M eps) n            (:276-279, Laplace smoothing)
        w_j  <- decay w_j + (1 - decay) sum_{i : k_i = j} x_i              (:280-283)
        e_j  =  w_j / c_j                                                  (:285)

    Note the SMOOTHED count is written back (it compounds from step to step). Shapes: ema_count (N, M),
    ema_weight (N, M, D), x (N, B, D), indices (N, B). Returns (count, weight, embedding)."""
    N, M = ema_count.shape
    onehot = np.eye(M)[indices]  # (N, B, M)
    count = decay * ema_count + (1 - decay) * onehot.sum(axis=1)
    n = count.sum(axis=-1, keepdims=True)
    count = (count + eps) / (n + M * eps) * n
    weight = decay * ema_weight + (1 - decay) * np.einsum("nbm,nbd->nmd", onehot, x)
    return count, weight, weight / count[..., None]


def commitment_loss(x: Array, q: Array, cost: float = 0.05) -> float:
    """cost x mean((x - sg(q))^2) over all elements (lapo/models.py:287-288)."""
    return float(cost * np.mean((np.asarray(x) - np.asarray(q)) ** 2))


#: Where LAPO's code and the harness's VQ layer (gpu_checks.training.VectorQuantizer, update="ema") differ.
HARNESS_NOTES: tuple[str, ...] = (
    "LAPO writes the Laplace-smoothed count back into ema_count (lapo/models.py:277-279); so does the harness "
    "(tests/test_training.py::test_vq_ema_follows_lapos_update_step_after_step compares it with `ema_update`).",
    "LAPO initialises codes U(-5/M, 5/M) (lapo/models.py:241); the harness U(-s/M, s/M) with s = init_scale "
    "(init_scale = 5 matches).",
    "A code unused at the first EMA step gets e = decay e_0 / O(eps) (ema_weight starts at the codes, counts at 0: "
    "lapo/models.py:244-245, :285), i.e. it is thrown far away; the harness's EMA start is the same.",
    "The probe reads the continuous la (lapo/utils.py:78, :108), not la_q; stage 2 also regresses la.",
    "LAPO's IDM sees o_{t-1} as well (3 frames, lapo/utils.py:32); LAPO has no entropy regulariser "
    "(lapo/stage1_idm.py:42), unlike the entropy-regularised objective the identifiability analysis studies.",
)
