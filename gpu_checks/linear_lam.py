"""Batched training of linear LAMs: one call trains K independent models as stacked tensors.

Model k (all shapes batched over a leading K axis):

    z   = C (o + kappa_1) + D (o' + kappa_1)          (IDM; kappa = 0 unless augmenting)
    o^' = A (o + kappa_2) + B z - kappa_2               (FDM; Zhang's code form of the target shift)
    L   = E||o' - o^'||^2 + w E_lab||a - E z||^2        (per-sample sums, i.e. population units)

Latent sizes differ across models through a mask on a common d_z_max (masked latent rows get zero
gradient), so a sweep over d_z, noise levels and seeds is a single batched loop. Options: ``learn_A``
(False fixes A = I), ``tie_CD`` (C = -D), augmentation ``kappa``, action head with weight
``action_weight``, label fraction and averaging convention (``"labelled"``: mean over labelled samples,
Zhang's code; ``"all"``: masked mean over all samples, effective weight w * p).

Data come from a *sampler*: ``sampler(batch, generator) -> Batch`` with (K, batch, .) tensors; each
paper's module supplies its own. Adam on the summed loss of the K models equals K independent Adams,
because Adam's update is elementwise. Deterministic under a seed on CPU; device-agnostic.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import torch

Tensor = torch.Tensor


@dataclass(frozen=True)
class Batch:
    o: Tensor  # (K, n, d_o)
    o_next: Tensor  # (K, n, d_o)
    a: Tensor | None = None  # (K, n, d_a)


Sampler = Callable[[int, torch.Generator], Batch]


@dataclass(frozen=True)
class LAMOptions:
    learn_A: bool = True
    tie_CD: bool = False
    kappa: Sequence[float] | float = 0.0  # per model or shared
    action_weight: float = 0.0
    d_a: int = 0  # action head output size (0: no head)
    label_fraction: Sequence[float] | float = 0.0
    label_average: str = "labelled"  # or "all"
    init_scale: float = 1.0  # multiplies torch's default nn.Linear init


@dataclass
class LinearLAMs:
    """K linear LAMs as batched parameters; ``mask`` (K, d_z_max) switches latent dims on."""

    A: Tensor
    B: Tensor
    C: Tensor
    D: Tensor
    E: Tensor | None
    mask: Tensor
    options: LAMOptions

    @property
    def params(self) -> list[Tensor]:
        ps = [self.B, self.D]
        if self.options.learn_A:
            ps.append(self.A)
        if not self.options.tie_CD:
            ps.append(self.C)
        if self.E is not None:
            ps.append(self.E)
        return ps

    def encoder(self) -> tuple[Tensor, Tensor]:
        """(C, D) with the latent mask applied (and C = -D when tied)."""
        m = self.mask[:, :, None]
        C = -self.D if self.options.tie_CD else self.C
        return C * m, self.D * m

    def numpy(self) -> dict[str, np.ndarray]:
        C, D = self.encoder()
        out = {"A": self.A, "B": self.B * self.mask[:, None, :], "C": C, "D": D}
        if self.E is not None:
            out["E"] = self.E * self.mask[:, None, :]
        return {k: v.detach().cpu().double().numpy() for k, v in out.items()}


def _uniform(shape: tuple[int, ...], fan_in: int, gen: torch.Generator, device: str, scale: float) -> Tensor:
    """torch.nn.Linear's default init U(-1/sqrt(fan_in), 1/sqrt(fan_in)), times ``scale``."""
    bound = scale / math.sqrt(fan_in)
    return ((torch.rand(shape, generator=gen, device=device) * 2 - 1) * bound).requires_grad_(True)


def init_linear_lams(K: int, d_o: int, d_z: Sequence[int], options: LAMOptions, gen: torch.Generator,
                     device: str) -> LinearLAMs:
    d_z_max = max(d_z)
    mask = torch.zeros(K, d_z_max, device=device)
    for k, dz in enumerate(d_z):
        mask[k, :dz] = 1.0
    s = options.init_scale
    A = _uniform((K, d_o, d_o), d_o, gen, device, s) if options.learn_A else torch.eye(d_o, device=device).expand(K, d_o, d_o)
    B = _uniform((K, d_o, d_z_max), d_z_max, gen, device, s)
    C = _uniform((K, d_z_max, d_o), 2 * d_o, gen, device, s)
    D = _uniform((K, d_z_max, d_o), 2 * d_o, gen, device, s)
    E = _uniform((K, options.d_a, d_z_max), d_z_max, gen, device, s) if options.d_a else None
    return LinearLAMs(A, B, C, D, E, mask, options)


def _per_model(value: Sequence[float] | float, K: int, device: str) -> Tensor:
    v = torch.as_tensor(value, dtype=torch.float32, device=device)
    return v.expand(K).clone() if v.ndim == 0 else v


def lam_losses(model: LinearLAMs, batch: Batch, gen: torch.Generator) -> Tensor:
    """Per-model training loss (K,) on one batch, with augmentation and the action head."""
    K, n, d_o = batch.o.shape
    dev = batch.o.device
    C, D = model.encoder()
    kappa = _per_model(model.options.kappa, K, dev)[:, None, None]
    k1 = kappa * torch.randn(K, n, d_o, generator=gen, device=dev) if bool((kappa != 0).any()) else 0.0
    k2 = kappa * torch.randn(K, n, d_o, generator=gen, device=dev) if bool((kappa != 0).any()) else 0.0
    z = (batch.o + k1) @ C.transpose(1, 2) + (batch.o_next + k1) @ D.transpose(1, 2)
    pred = (batch.o + k2) @ model.A.transpose(1, 2) + z @ (model.B * model.mask[:, None, :]).transpose(1, 2) - k2
    loss = ((batch.o_next - pred) ** 2).sum(-1).mean(-1)
    if model.E is not None and model.options.action_weight and batch.a is not None:
        p = _per_model(model.options.label_fraction, K, dev)[:, None]
        lab = (torch.rand(K, n, generator=gen, device=dev) < p).float()
        err = ((batch.a - z @ (model.E * model.mask[:, None, :]).transpose(1, 2)) ** 2).sum(-1)
        denom = lab.sum(-1).clamp_min(1.0) if model.options.label_average == "labelled" else torch.full_like(lab[:, 0], n)
        loss = loss + model.options.action_weight * (err * lab).sum(-1) / denom
    return loss


@dataclass
class TrainResult:
    """Final parameters (numpy, float64), and the monitored metrics at each logged step."""

    params: dict[str, np.ndarray]
    steps: list[int] = field(default_factory=list)
    history: dict[str, list[np.ndarray]] = field(default_factory=dict)
    seconds: float = 0.0

    def curve(self, key: str) -> np.ndarray:
        """(n_logged, K) array of a monitored metric."""
        return np.stack(self.history[key])


def train_linear_lams(
    sampler: Sampler,
    *,
    K: int,
    d_o: int,
    d_z: Sequence[int],
    steps: int,
    batch: int = 128,
    lr: float = 1e-3,
    lr_final: float | None = None,
    options: LAMOptions = LAMOptions(),
    seed: int = 0,
    device: str = "cpu",
    monitor: Callable[[dict[str, np.ndarray]], dict[str, np.ndarray]] | None = None,
    log_every: int = 100,
    progress: Callable[[str], None] | None = None,
) -> TrainResult:
    """Train K linear LAMs with Adam on fresh samples each step (the papers' protocol).

    ``lr_final``: if given, the learning rate decays geometrically from ``lr`` to ``lr_final`` over
    the run (used when comparing with a population optimum: a constant rate leaves an SGD noise floor).
    ``monitor(params) -> {name: (K,) array}`` is called every ``log_every`` steps and at the end.
    On the CPU the run uses one torch thread (restored afterwards): the batched matrices are small,
    and intra-op threads oversubscribe a loaded 2-core machine (measured 10-70 s vs 1.7 s for the
    same 1000-step run).
    """
    if device != "cpu":
        return _train(sampler, K, d_o, d_z, steps, batch, lr, lr_final, options, seed, device, monitor, log_every, progress)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        return _train(sampler, K, d_o, d_z, steps, batch, lr, lr_final, options, seed, device, monitor, log_every, progress)
    finally:
        torch.set_num_threads(threads)


def _train(sampler, K, d_o, d_z, steps, batch, lr, lr_final, options, seed, device, monitor, log_every, progress) -> TrainResult:
    import time

    if len(d_z) != K:
        raise ValueError(f"d_z has {len(d_z)} entries for K={K} models")
    t0 = time.perf_counter()
    gen = torch.Generator(device=device).manual_seed(seed)
    model = init_linear_lams(K, d_o, d_z, options, gen, device)
    opt = torch.optim.Adam(model.params, lr=lr)
    decay = (lr_final / lr) ** (1 / max(steps, 1)) if lr_final else 1.0
    result = TrainResult(params={})

    def log(step: int) -> None:
        if monitor is None:
            return
        result.steps.append(step)
        for key, v in monitor(model.numpy()).items():
            result.history.setdefault(key, []).append(np.asarray(v))

    for step in range(steps):
        if step % log_every == 0:
            log(step)
            if progress and step % (log_every * 10) == 0:
                progress(f"step {step}/{steps}")
        loss = lam_losses(model, sampler(batch, gen), gen).sum()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        if decay != 1.0:
            for g in opt.param_groups:
                g["lr"] *= decay
    log(steps)
    result.params = model.numpy()
    result.seconds = time.perf_counter() - t0
    return result


# --- a batched Gaussian linear process (Zhang et al.'s simulation family) -------------------------

@dataclass(frozen=True)
class GaussianLinearProcess:
    """K processes o ~ N(0, I), a = chi Pi o + (1 - chi) pi_s with pi_s ~ N(0, Sigma_a),
    o' = o + X a + N_e n_e with n_e ~ N(0, I). Arrays are numpy (K, ...); zero-padding lets models
    with different d_a or noise rank share one tensor."""

    X: np.ndarray  # (K, d_o, d_a)
    F_a: np.ndarray  # (K, d_a, d_a): pi_s = F_a n_a
    F_e: np.ndarray  # (K, d_o, d_e): eps = F_e n_e
    Pi: np.ndarray | None = None  # (K, d_a, d_o)
    chi: np.ndarray | None = None  # (K,)

    def moments(self, k: int):
        """Second moments of model k as `numerics.linear_lam.TransitionMoments` (population)."""
        from numerics.linear_lam import TransitionMoments

        d_o = self.X.shape[1]
        X, Fa, Fe = self.X[k], self.F_a[k], self.F_e[k]
        chi = 0.0 if self.chi is None else float(self.chi[k])
        Pi = np.zeros((X.shape[1], d_o)) if self.Pi is None else self.Pi[k]
        # o' = (I + chi X Pi) o + (1 - chi) X F_a n_a + F_e n_e
        T = np.eye(d_o) + chi * X @ Pi
        noise = (1 - chi) ** 2 * X @ Fa @ Fa.T @ X.T + Fe @ Fe.T
        return TransitionMoments(S_oo=np.eye(d_o), S_no=T, S_nn=T @ T.T + noise)

    def sampler(self, device: str = "cpu") -> Sampler:
        X, Fa, Fe = (torch.as_tensor(m, dtype=torch.float32, device=device) for m in (self.X, self.F_a, self.F_e))
        Pi = None if self.Pi is None else torch.as_tensor(self.Pi, dtype=torch.float32, device=device)
        chi = None if self.chi is None else torch.as_tensor(self.chi, dtype=torch.float32, device=device)[:, None, None]
        K, d_o, d_a = X.shape

        def sample(n: int, gen: torch.Generator) -> Batch:
            o = torch.randn(K, n, d_o, generator=gen, device=device)
            a = torch.randn(K, n, d_a, generator=gen, device=device) @ Fa.transpose(1, 2)
            if Pi is not None and chi is not None:
                a = chi * (o @ Pi.transpose(1, 2)) + (1 - chi) * a
            eps = torch.randn(K, n, Fe.shape[2], generator=gen, device=device) @ Fe.transpose(1, 2)
            return Batch(o=o, o_next=o + a @ X.transpose(1, 2) + eps, a=a)

        return sample
