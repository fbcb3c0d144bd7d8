"""Batched training of linear LAMs: one call trains K independent models as stacked tensors, through
THE training loop (`gpu_checks.training.train`).

Model k (all shapes batched over a leading K axis):

    z   = C (o + kappa_1) + D (o' + kappa_1)          (IDM; kappa = 0 unless augmenting)
    o^' = A (o + kappa_2) + B z - kappa_2               (FDM; Zhang's code form of the target shift)
    L   = rec + w * act,   rec = E||o' - o^'||^2,   act = E_lab||a - E z - e||^2

in per-sample sums (``loss_normalisation="sum"``, population units), or with rec averaged over d_o and
act over d_a (``"mean"``, the authors' nn.MSELoss form). ``label_average="labelled"`` averages act over
the labelled samples of the batch (Zhang's code: a batch without labels contributes 0); ``"all"``
averages the masked errors over the whole batch (effective weight w p). The head bias ``e`` is present
only with ``head_bias`` (the authors' nn.Linear has one; at the population optimum it is 0).

Latent sizes differ across models through a mask on a common d_z_max (masked latent rows get zero
gradient), so a sweep over d_z, noise levels and seeds is one batched loop. Data come from a sampler,
``sampler(batch, generator) -> Batch``; `process_sampler` builds one for any list of
`numerics.processes.LinearProcess` from their source maps (fresh samples every step, the papers'
protocol). Adam on the summed loss of K models equals K independent Adams (elementwise update).
Deterministic under a seed on CPU; device-agnostic.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import torch

from gpu_checks.training import Run, Schedule, StopRule, single_thread, train, uniform_init

Tensor = torch.Tensor


@dataclass(frozen=True)
class Batch:
    o: Tensor  # (K, n, d_o)
    o_next: Tensor  # (K, n, d_o)
    a: Tensor | None = None  # (K, n, d_a)
    extra: dict[str, Tensor] = field(default_factory=dict)  # other named variables, (K, n, dim)


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
    loss_normalisation: str = "sum"  # or "mean" (reconstruction / d_o, action / d_a)
    head_bias: bool = False


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
    e: Tensor | None = None  # head bias (K, d_a)

    @property
    def params(self) -> list[Tensor]:
        ps = [self.B, self.D]
        if self.options.learn_A:
            ps.append(self.A)
        if not self.options.tie_CD:
            ps.append(self.C)
        if self.E is not None:
            ps.append(self.E)
        if self.e is not None:
            ps.append(self.e)
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
        if self.e is not None:
            out["e"] = self.e
        return {k: v.detach().cpu().double().numpy() for k, v in out.items()}


def init_linear_lams(K: int, d_o: int, d_z: Sequence[int], options: LAMOptions, gen: torch.Generator,
                     device: str) -> LinearLAMs:
    d_z_max = max(d_z)
    mask = torch.zeros(K, d_z_max, device=device)
    for k, dz in enumerate(d_z):
        mask[k, :dz] = 1.0
    s = options.init_scale
    A = uniform_init((K, d_o, d_o), d_o, gen, device, s) if options.learn_A else torch.eye(d_o, device=device).expand(K, d_o, d_o)
    B = uniform_init((K, d_o, d_z_max), d_z_max, gen, device, s)
    C = uniform_init((K, d_z_max, d_o), 2 * d_o, gen, device, s)
    D = uniform_init((K, d_z_max, d_o), 2 * d_o, gen, device, s)
    E = uniform_init((K, options.d_a, d_z_max), d_z_max, gen, device, s) if options.d_a else None
    e = torch.zeros(K, options.d_a, device=device, requires_grad=True) if (options.d_a and options.head_bias) else None
    return LinearLAMs(A, B, C, D, E, mask, options, e)


def _per_model(value: Sequence[float] | float, K: int, device: str | torch.device) -> Tensor:
    v = torch.as_tensor(value, dtype=torch.float32, device=device)
    return v.expand(K).clone() if v.ndim == 0 else v


def lam_losses(model: LinearLAMs, batch: Batch, gen: torch.Generator) -> Tensor:
    """Per-model training loss (K,) on one batch, with augmentation and the action head (module docstring)."""
    K, n, d_o = batch.o.shape
    dev = batch.o.device
    opts = model.options
    C, D = model.encoder()
    kappa = _per_model(opts.kappa, K, dev)[:, None, None]
    augment = bool((kappa != 0).any())
    k1 = kappa * torch.randn(K, n, d_o, generator=gen, device=dev) if augment else 0.0
    k2 = kappa * torch.randn(K, n, d_o, generator=gen, device=dev) if augment else 0.0
    z = (batch.o + k1) @ C.transpose(1, 2) + (batch.o_next + k1) @ D.transpose(1, 2)
    pred = (batch.o + k2) @ model.A.transpose(1, 2) + z @ (model.B * model.mask[:, None, :]).transpose(1, 2) - k2
    mean = opts.loss_normalisation == "mean"
    rec = ((batch.o_next - pred) ** 2).sum(-1)
    loss = (rec / d_o if mean else rec).mean(-1)
    if model.E is not None and opts.action_weight and batch.a is not None:
        p = _per_model(opts.label_fraction, K, dev)[:, None]
        lab = (torch.rand(K, n, generator=gen, device=dev) < p).float()
        a_hat = z @ (model.E * model.mask[:, None, :]).transpose(1, 2)
        if model.e is not None:
            a_hat = a_hat + model.e[:, None, :]
        err = ((batch.a - a_hat) ** 2).sum(-1)
        if mean:
            err = err / batch.a.shape[-1]
        denom = lab.sum(-1).clamp_min(1.0) if opts.label_average == "labelled" else torch.full_like(lab[:, 0], n)
        loss = loss + opts.action_weight * (err * lab).sum(-1) / denom
    return loss


@dataclass
class TrainResult:
    """Final parameters (numpy, float64), the monitored metrics at each logged step, and the `Run`."""

    params: dict[str, np.ndarray]
    steps: list[int] = field(default_factory=list)
    history: dict[str, list[np.ndarray]] = field(default_factory=dict)
    seconds: float = 0.0
    run: Run | None = None

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
    stop: StopRule | None = None,
    schedule: Schedule | None = None,
) -> TrainResult:
    """Train K linear LAMs with Adam on fresh samples each step (the papers' protocol), through `train`.

    ``schedule`` defaults to a constant ``lr``, or a geometric decay to ``lr_final`` when given (a
    constant rate leaves an SGD noise floor above a population optimum). ``stop`` defaults to the
    ``steps`` budget, monitored every ``log_every``; give ``StopRule(budget, every, metric, tol)`` to stop
    once ``monitor(params)[metric] <= tol`` for every model. ``monitor(params) -> {name: (K,) array}``
    sees the numpy parameters. One torch thread on the CPU (`single_thread`).
    """
    if len(d_z) != K:
        raise ValueError(f"d_z has {len(d_z)} entries for K={K} models")
    schedule = schedule or (Schedule(lr, lr_final, kind="geometric") if lr_final else Schedule(lr))
    stop = stop or StopRule(budget=steps, every=log_every)
    with single_thread(device):
        gen = torch.Generator(device=device).manual_seed(seed)
        model = init_linear_lams(K, d_o, d_z, options, gen, device)
        run = train(model.params, lambda _step: lam_losses(model, sampler(batch, gen), gen).sum(), schedule=schedule,
                    stop=stop, monitor=(lambda: monitor(model.numpy())) if monitor else None, progress=progress)
    return TrainResult(params=model.numpy(), steps=run.steps, history=run.history, seconds=run.seconds, run=run)


# --- samplers --------------------------------------------------------------------------------------

def process_sampler(procs: Sequence, device: str = "cpu", extra: Sequence[str] = ()) -> Sampler:
    """A batched sampler for K `numerics.processes.LinearProcess` (equal d_o and d_a): every variable is
    its source map applied to one fresh standard-normal draw per sample (the maps are zero-padded to a
    common source size). ``extra`` names further variables to return in ``Batch.extra`` (e.g. "xi")."""
    d_o, d_a = procs[0].d_o, procs[0].d_a
    if any(p.d_o != d_o or p.d_a != d_a for p in procs):
        raise ValueError("a batched sampler needs equal d_o and d_a across processes")
    n = max(p.source.n_source for p in procs)

    def stack(name: str) -> Tensor:
        mats = []
        for p in procs:
            T = p.source.T(name)
            mats.append(np.hstack([T, np.zeros((T.shape[0], n - T.shape[1]))]))
        return torch.as_tensor(np.stack(mats), dtype=torch.float32, device=device).transpose(1, 2)  # (K, n, dim)

    T_o, T_n, T_a = stack("o"), stack("o_next"), stack("a")
    T_x = {name: stack(name) for name in extra}
    K = len(procs)

    def sample(size: int, gen: torch.Generator) -> Batch:
        w = torch.randn(K, size, n, generator=gen, device=device)
        return Batch(o=w @ T_o, o_next=w @ T_n, a=w @ T_a, extra={k: w @ T for k, T in T_x.items()})

    return sample


def options_for(procs: Sequence, *, init_scale: float = 1.0, head_bias: bool = False) -> LAMOptions:
    """`LAMOptions` from the processes' `LAMConfig`s: per-model kappa and label fraction; learn_A,
    tie_CD, action weight, normalisation and label averaging must agree across the batch."""
    cfgs = [p.lam for p in procs]
    for name in ("learn_A", "tie_CD", "action_weight", "loss_normalisation", "label_average"):
        if len({getattr(c, name) for c in cfgs}) > 1:
            raise ValueError(f"processes in one batch must share lam.{name}")
    c0 = cfgs[0]
    head = c0.action_weight > 0
    return LAMOptions(learn_A=c0.learn_A, tie_CD=c0.tie_CD, kappa=[c.kappa for c in cfgs], action_weight=c0.action_weight,
                      d_a=procs[0].d_a if head else 0, label_fraction=[c.label_fraction for c in cfgs],
                      label_average=c0.label_average, init_scale=init_scale, loss_normalisation=c0.loss_normalisation,
                      head_bias=head_bias)


def train_processes(procs: Sequence, *, schedule: Schedule, stop: StopRule, seed: int = 0, device: str = "cpu",
                    monitor: Callable[[dict[str, np.ndarray]], dict[str, np.ndarray]] | None = None,
                    progress: Callable[[str], None] | None = None, init_scale: float = 1.0,
                    head_bias: bool = False) -> TrainResult:
    """Train one linear LAM per `LinearProcess` (their `LAMConfig`s; batch size from the first), batched."""
    opts = options_for(procs, init_scale=init_scale, head_bias=head_bias)
    return train_linear_lams(process_sampler(procs, device), K=len(procs), d_o=procs[0].d_o,
                             d_z=[p.d_z for p in procs], steps=stop.budget, batch=procs[0].lam.batch, options=opts,
                             seed=seed, device=device, monitor=monitor, progress=progress, stop=stop, schedule=schedule)


def relative_excess_monitor(procs: Sequence, optimum_values: Sequence[float]):
    """A monitor giving ``rel_excess`` = (J - J*) / max(J*, tr Cov(r)) of every model at the population
    level (J: the objective of `numerics.optima`, in per-sample-sum units, without augmentation terms),
    for a `StopRule(metric="rel_excess", tol=...)`."""
    from numerics.linear_lam import lam_loss

    scales = [max(v, float(np.trace(p.Sigma_r)), 1e-12) for p, v in zip(procs, optimum_values)]

    def monitor(params: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        out = []
        for k, (p, v, s) in enumerate(zip(procs, optimum_values, scales)):
            dz = p.d_z
            L = lam_loss(params["A"][k], params["B"][k][:, :dz], params["C"][k][:dz], params["D"][k][:dz], p.moments())
            w = p.lam.effective_action_weight(p.d_o, p.d_a)
            if w > 0 and "E" in params:
                src = p.source
                Tz = params["C"][k][:dz] @ src.T("o") + params["D"][k][:dz] @ src.T("o_next")
                R = src.T("a") - params["E"][k][:, :dz] @ Tz
                L += w * float(np.sum(R * R))
            out.append((L - v) / s)
        return {"rel_excess": np.array(out)}

    return monitor


# --- a batched Gaussian linear process (Zhang et al.'s simulation family) -------------------------
# Kept for the trained checks being migrated to `process_sampler`; new code builds LinearProcess lists.

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
