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


@dataclass(frozen=True)
class _LossPlan:
    """What `lam_losses` needs besides the parameters, built once per model (no tensor creation and no
    host synchronisation per step): per-model kappa (K, 1, 1) and label fraction (K, 1), and flags."""

    kappa: Tensor | None  # None: no augmentation
    labels: Tensor | None  # None: no action loss
    mean: bool
    labelled: bool
    masked: bool = True  # False: every model uses all d_z_max latent dimensions (the mask is all ones)

    @classmethod
    def of(cls, model: "LinearLAMs", K: int, device: str | torch.device) -> "_LossPlan":
        opts = model.options
        kappa = np.array(np.broadcast_to(np.asarray(opts.kappa, dtype=float), (K,)))
        head = model.E is not None and bool(opts.action_weight)
        return cls(kappa=torch.as_tensor(kappa, dtype=torch.float32, device=device)[:, None, None] if np.any(kappa != 0) else None,
                   labels=_per_model(opts.label_fraction, K, device)[:, None] if head else None,
                   mean=opts.loss_normalisation == "mean", labelled=opts.label_average == "labelled",
                   masked=not bool(torch.all(model.mask == 1)))


class _Reconstruction(torch.autograd.Function):
    """Per-model reconstruction loss and latent of K linear LAMs, with hand-written gradients whose
    products are laid out for the skinny (d_z x d_o) matrices (autograd's own layouts for z = o C^T and
    its gradients ran 2-4x slower on one CPU thread, measured in docs/performance.md):

        z^T    = m * (C s_c^T + D s_d^T)                      (K, d_z, n); m the latent mask (K, d_z, 1)
        R      = s_a A^T + z B^T - t                          (no s_a A^T term when A is fixed to I)
        rec_k  = ||R_k||_F^2 / c                              (c = n, or n d_o for "mean" normalisation)
        G      = (2 g_k / c) R,   dA = G^T s_a,   dB = (z^T G)^T,
        g_z^T  = m * (B^T G^T + g_extra),   dC = g_z^T s_c,   dD = g_z^T s_d

    where g_k is the incoming gradient of rec_k and g_extra that of z^T (an action head reads it).
    Inputs are fixed tensors (no gradient); A, C may be None (A = I; C tied or absent)."""

    @staticmethod
    def forward(ctx, s_a, t, s_c, s_d, A, B, C, D, mask, c: float):
        zt = torch.bmm(D, s_d.transpose(1, 2))
        if C is not None:
            zt.baddbmm_(C, s_c.transpose(1, 2))
        if mask is not None:
            zt.mul_(mask)
        R = torch.bmm(zt.transpose(1, 2), B.transpose(1, 2))
        if A is not None:
            R.baddbmm_(s_a, A.transpose(1, 2))
        R.sub_(t)
        rec = torch.linalg.vector_norm(R.flatten(1), dim=1).square_().div_(c)
        ctx.c = c
        ctx.save_for_backward(s_a, s_c, s_d, A, B, C, mask, zt, R)
        return rec, zt

    @staticmethod
    def backward(ctx, g_rec, g_zt):
        s_a, s_c, s_d, A, B, C, mask, zt, R = ctx.saved_tensors
        G = R.mul_((2.0 / ctx.c * g_rec)[:, None, None])  # R is not needed again (one backward per forward)
        dA = torch.bmm(G.transpose(1, 2), s_a) if A is not None and ctx.needs_input_grad[4] else None
        dB = torch.bmm(zt, G).transpose(1, 2).contiguous()
        gzt = torch.bmm(B.transpose(1, 2), G.transpose(1, 2))
        if g_zt is not None:
            gzt.add_(g_zt)
        if mask is not None:
            gzt.mul_(mask)
        dC = torch.bmm(gzt, s_c) if C is not None and ctx.needs_input_grad[6] else None
        dD = torch.bmm(gzt, s_d)
        return None, None, None, None, dA, dB, dC, dD, None, None


def lam_losses(model: LinearLAMs, batch: Batch, gen: torch.Generator, plan: _LossPlan | None = None) -> Tensor:
    """Per-model training loss (K,) on one batch, with augmentation and the action head (module docstring).

    Computed by `_Reconstruction` (the latent mask applied once, to z: masked latent rows of C, D and
    columns of B, E get zero gradient, the values those of masking every matrix; A = I not multiplied;
    with C = -D, z = D (o' - o), where the augmentation kappa_1 cancels exactly). ``plan``: precomputed
    by the trainer (`_LossPlan`)."""
    K, n, d_o = batch.o.shape
    dev = batch.o.device
    opts = model.options
    plan = plan or _LossPlan.of(model, K, dev)
    o, o_next = batch.o, batch.o_next
    k1 = k2 = None
    if plan.kappa is not None:
        if not opts.tie_CD:
            k1 = plan.kappa * torch.randn(K, n, d_o, generator=gen, device=dev)
        k2 = plan.kappa * torch.randn(K, n, d_o, generator=gen, device=dev)
    if opts.tie_CD:
        s_c, s_d, C = None, o_next - o, None
    elif k1 is None:
        s_c, s_d, C = o, o_next, model.C
    else:
        s_c, s_d, C = o + k1, o_next + k1, model.C
    if opts.learn_A:
        s_a, t, A = (o, o_next, model.A) if k2 is None else (o + k2, o_next + k2, model.A)
    else:  # o_hat' = (o + k2) + z B^T - k2 = o + z B^T
        s_a, t, A = None, o_next - o, None
    mask = model.mask[:, :, None] if plan.masked else None
    rec, zt = _Reconstruction.apply(s_a, t, s_c, s_d, A, model.B, C, model.D, mask, float(n * d_o if plan.mean else n))
    loss = rec
    if plan.labels is not None and batch.a is not None:
        lab = (torch.rand(K, n, generator=gen, device=dev) < plan.labels).to(zt.dtype)
        a_hat = torch.bmm(zt.transpose(1, 2), model.E.transpose(1, 2))
        if model.e is not None:
            a_hat = a_hat + model.e[:, None, :]
        err_a = (batch.a - a_hat).square().sum(-1)
        if plan.mean:
            err_a = err_a / batch.a.shape[-1]
        denom = lab.sum(-1).clamp_min(1.0) if plan.labelled else n
        loss = loss + opts.action_weight * (err_a * lab).sum(-1) / denom
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
        plan = _LossPlan.of(model, K, device)
        run = train(model.params, lambda _step: lam_losses(model, sampler(batch, gen), gen, plan).sum(), schedule=schedule,
                    stop=stop, monitor=(lambda: monitor(model.numpy())) if monitor else None, progress=progress)
    return TrainResult(params=model.numpy(), steps=run.steps, history=run.history, seconds=run.seconds, run=run)


# --- samplers --------------------------------------------------------------------------------------

class _StackedMap:
    """x -> x M_k^T for K matrices M_k (zero-padded to one (out, in) shape), applied as the cheapest exact
    operation the K matrices allow: nothing ("zero"), the input itself ("identity"), a per-model scalar
    times the input ("scalar": every M_k a multiple of I) or one batched product ("dense")."""

    def __init__(self, mats: Sequence[np.ndarray], out_dim: int, in_dim: int, device: str | torch.device):
        M = np.zeros((len(mats), out_dim, in_dim))
        for k, m in enumerate(mats):
            M[k, :m.shape[0], :m.shape[1]] = m
        self.scale: Tensor | None = None
        self.Mt: Tensor | None = None
        diag = M[:, 0, 0] if out_dim and in_dim else np.zeros(len(mats))
        if not M.any():
            self.kind = "zero"
        elif out_dim == in_dim and np.array_equal(M, diag[:, None, None] * np.eye(out_dim)):
            self.kind = "identity" if np.all(diag == 1) else "scalar"
            self.scale = torch.as_tensor(diag, dtype=torch.float32, device=device)[:, None, None]
        else:
            self.kind = "dense"
            self.Mt = torch.as_tensor(M, dtype=torch.float32, device=device).transpose(1, 2).contiguous()

    def flops(self, n: int) -> int:
        """Multiply-adds x 2 per model for n rows (0 unless dense)."""
        return 2 * n * self.Mt.shape[1] * self.Mt.shape[2] if self.kind == "dense" else 0


def _accumulate(terms: Sequence[tuple[_StackedMap, Tensor]], like: tuple[int, int, int], device) -> Tensor:
    """sum_i x_i M_i^T over the non-zero maps: batched products first (fused adds), identity and scalar
    terms as in-place adds into a tensor this function owns (an identity term alone returns its input)."""
    live = sorted((t for t in terms if t[0].kind != "zero"), key=lambda t: t[0].kind != "dense")
    out, owned = None, False
    for m, x in live:
        if m.kind == "dense":
            out = x @ m.Mt if out is None else torch.baddbmm(out, x, m.Mt)
            owned = True
        elif out is None:
            out, owned = (x, False) if m.kind == "identity" else (x * m.scale, True)
        elif m.kind == "identity":
            out = out.add_(x) if owned else out + x
            owned = True
        else:
            out = out.addcmul_(x, m.scale) if owned else torch.addcmul(out, x, m.scale)
            owned = True
    return torch.zeros(like, device=device) if out is None else out


def process_sampler(procs: Sequence, device: str = "cpu", extra: Sequence[str] = ()) -> Sampler:
    """A batched sampler for K `numerics.processes.LinearProcess` (equal d_o and d_a): one fresh
    standard-normal source draw w = [n_o; n_a; n_e; n_xi] per sample (each block zero-padded to the largest
    model), pushed through the process's own factors rather than through the dense source maps:

        o = F_o n_o,   a = chi Pi o + (1 - chi) F_a n_a,   u = (Gamma - I) H_x o + F_xi n_xi,
        o' = o + X a + F_e n_e + G_x u          (= P o + X a + eps + G_x xi, P = I + G_x (Gamma - I) H_x)

    Each product is skipped, a view, a per-model scalar or a batched product, whichever the K matrices allow
    (`_StackedMap`): with F_o = F_a = I and eps = sigma n, o and a are views of w and o' costs one
    (n x d_a) (d_a x d_o) product and two adds per model, against three (n x n_src) (n_src x d_o) products
    through the source maps. The same distribution as the source maps exactly (tests/test_trainer_perf.py
    compares both routes on one w). ``extra`` names further variables (source maps, e.g. "xi"), returned in
    ``Batch.extra``. Each source block is drawn as its own contiguous tensor; ``sample.draw(w)`` evaluates
    one given source tensor (K, n, sum of block sizes);
    ``sample.blocks`` gives the block sizes and ``sample.flops(n)`` the products' FLOPs per model."""
    d_o, d_a = procs[0].d_o, procs[0].d_a
    if any(p.d_o != d_o or p.d_a != d_a for p in procs):
        raise ValueError("a batched sampler needs equal d_o and d_a across processes")
    K = len(procs)
    N_o, N_a, N_e, N_xi = (max(getattr(p, f).shape[1] for p in procs) for f in ("F_o", "F_a", "F_e", "F_xi"))
    D_x = max(p.d_x for p in procs)
    cuts = np.cumsum([0, N_o, N_a, N_e, N_xi])
    N = int(cuts[-1])
    sm = lambda mats, out_dim, in_dim: _StackedMap(mats, out_dim, in_dim, device)  # noqa: E731
    F_o = sm([p.F_o for p in procs], d_o, N_o)
    F_a = sm([(1 - p.chi) * p.F_a for p in procs], d_a, N_a)
    chi_Pi = sm([p.chi * p.Pi for p in procs], d_a, d_o)
    F_e = sm([p.F_e for p in procs], d_o, N_e)
    X = sm([p.X for p in procs], d_o, d_a)
    ident = sm([np.eye(d_o)] * K, d_o, d_o)
    G_x = sm([p.G_x for p in procs], d_o, D_x)
    H_x = sm([p.H_x for p in procs], D_x, d_o)
    G_m = sm([p.Gamma - np.eye(p.d_x) for p in procs], D_x, D_x)
    F_xi = sm([p.F_xi for p in procs], D_x, N_xi)

    def relaid(p, name: str) -> np.ndarray:
        """T_name of process p with its source columns placed in the padded block layout."""
        T = p.source.T(name)
        sizes = [p.F_o.shape[1], p.F_a.shape[1], p.F_e.shape[1], p.F_xi.shape[1]]
        out = np.zeros((T.shape[0], N))
        at = np.cumsum([0] + sizes)
        for b in range(4):
            out[:, cuts[b]:cuts[b] + sizes[b]] = T[:, at[b]:at[b + 1]]
        return out

    T_x = {name: torch.as_tensor(np.stack([relaid(p, name) for p in procs]), dtype=torch.float32,
                                 device=device).transpose(1, 2) for name in extra}

    def draw(w: Tensor) -> Batch:
        return from_blocks(*(w[..., cuts[b]:cuts[b + 1]] for b in range(4)), w=w)

    @torch.no_grad()
    def from_blocks(w_o: Tensor, w_a: Tensor, w_e: Tensor, w_xi: Tensor, w: Tensor | None = None) -> Batch:
        n = w_o.shape[1]
        o = _accumulate([(F_o, w_o)], (K, n, d_o), w_o.device)
        a = _accumulate([(chi_Pi, o), (F_a, w_a)], (K, n, d_a), w_o.device)
        terms = [(X, a), (ident, o), (F_e, w_e)]
        if G_x.kind != "zero":
            u = _accumulate([(G_m, _accumulate([(H_x, o)], (K, n, D_x), w_o.device)), (F_xi, w_xi)], (K, n, D_x), w_o.device)
            terms.append((G_x, u))
        o_next = _accumulate(terms, (K, n, d_o), w_o.device)
        if T_x and w is None:
            w = torch.cat([w_o, w_a, w_e, w_xi], dim=-1)
        return Batch(o=o, o_next=o_next, a=a, extra={k: w @ T for k, T in T_x.items()})

    # a block whose maps are all zero is not drawn (e.g. sigma = 0 in every model), unless extras read it
    needed = (True, F_a.kind != "zero", F_e.kind != "zero", F_xi.kind != "zero" and G_x.kind != "zero")
    needed = tuple(bool(T_x) or b for b in needed)

    def sample(size: int, gen: torch.Generator) -> Batch:
        """One contiguous standard-normal tensor per needed source block."""
        blocks = [torch.randn(K, size, nb, generator=gen, device=device) if nb and need else torch.empty(K, size, 0, device=device)
                  for nb, need in zip((N_o, N_a, N_e, N_xi), needed)]
        return from_blocks(*blocks)

    def flops(n: int) -> int:
        """FLOPs per model of one batch of n rows: the batched products above (adds and scalars not counted)."""
        f = F_o.flops(n) + chi_Pi.flops(n) + F_a.flops(n) + X.flops(n) + F_e.flops(n)
        if G_x.kind != "zero":
            f += H_x.flops(n) + G_m.flops(n) + F_xi.flops(n) + G_x.flops(n)
        return f + sum(2 * n * T.shape[1] * T.shape[2] for T in T_x.values())

    sample.draw, sample.blocks, sample.flops = draw, (N_o, N_a, N_e, N_xi), flops
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
