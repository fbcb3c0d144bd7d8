"""Torch models for Lachapelle 2025 on the continuous test bed (library; no checks).

THIS IS THIS PROJECT'S RECONSTRUCTION (provenance ``reconstructed``). K independent models are trained at once
(batched weights, `gpu_checks.training.train`, Adam on the sum of their losses):

    discrete    q = softmax(MLP_idm([s, s'])) over k codes; g_hat(s, c) = s + MLP_fdm(s) head_c (an MLP trunk on s
                with one linear output head per code: the MLP on [s, onehot(c)] whose code input enters the last
                layer, k times cheaper);
                L_lam = mean_batch [ sum_c q_c ||s' - g_hat(s, c)||^2 / step^2 + lam H(q) ]  (exact sum over codes)
    continuous  z = MLP_idm([s, s']) in R^2; g_hat(s, z) = s + MLP_fdm([s, z]); L_rec = mean ||s' - g_hat||^2/step^2
    vq          x = MLP_idm([s, s']) in R^d -> VectorQuantizer (update="ema", LAPO's commitment 0.05, decay 0.999,
                eps 1e-5, codes U(-5/M, 5/M): numerics/lachapelle2025/protocol.py) -> z_q (straight-through);
                g_hat(s, z_q) = s + MLP_fdm([s, z_q]); loss = L_rec + commitment MSE(x, sg(z_q))

`lrec` and `l_lambda` are the objectives of LA-D1 / LA-D2 in torch (checked against numpy on hand-computed batches).

Units: the trained objective measures reconstruction in units of the step size (||.||^2 / step^2, so the
collapsed "predict the mean move" solution costs ~1 and lam is relative to that scale); the IDM reads
[s, (s' - s)/step] and the FDM outputs s + step MLP(.), fixed invertible affine maps of [s, s'] and of
its output, so the model classes are the same continuous networks.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import torch

from gpu_checks.training import Schedule, StopRule, VectorQuantizer, single_thread, train, uniform_init
from numerics.lachapelle2025 import protocol as lapo
from numerics.lachapelle2025.testbed import ContinuousTestBed

Tensor = torch.Tensor


# --- the objectives ---------------------------------------------------------------------------------------------
def lrec(s_next: Tensor, pred: Tensor) -> Tensor:
    """L_rec = mean over the batch of ||s' - g_hat(s, h(s, s'))||^2 (last axis: state coordinates)."""
    return ((s_next - pred) ** 2).sum(-1).mean(-1)


def entropy(q: Tensor) -> Tensor:
    """H(q) along the last axis, 0 log 0 = 0."""
    return -torch.special.xlogy(q, q).sum(-1)


def l_lambda(q: Tensor, sq_err: Tensor, lam: Tensor | float) -> Tensor:
    """L_lam = mean over the batch of sum_c q_c err_c + lam H(q); ``q``, ``sq_err``: (..., n, k); ``lam``: (...,)
    or a number. Exact enumeration over the k codes (no sampling)."""
    lam = torch.as_tensor(lam, dtype=q.dtype, device=q.device)
    per = (q * sq_err).sum(-1) + lam[..., None] * entropy(q) if lam.ndim else (q * sq_err).sum(-1) + lam * entropy(q)
    return per.mean(-1)


# --- batched MLPs -----------------------------------------------------------------------------------------------
class BatchedMLP:
    """K independent MLPs d_in -> h -> h -> d_out (tanh hidden), weights (K, d_in, h) etc."""

    def __init__(self, K: int, d_in: int, hidden: int, d_out: int, gen: torch.Generator, device, out_scale: float = 1.0):
        self.W1 = uniform_init((K, d_in, hidden), d_in, gen, device)
        self.b1 = uniform_init((K, 1, hidden), d_in, gen, device)
        self.W2 = uniform_init((K, hidden, hidden), hidden, gen, device)
        self.b2 = uniform_init((K, 1, hidden), hidden, gen, device)
        self.W3 = uniform_init((K, hidden, d_out), hidden, gen, device, scale=out_scale)
        self.b3 = uniform_init((K, 1, d_out), hidden, gen, device, scale=out_scale)

    @property
    def params(self) -> list[Tensor]:
        return [self.W1, self.b1, self.W2, self.b2, self.W3, self.b3]

    def __call__(self, x: Tensor) -> Tensor:
        """x: (K, n, d_in) or (n, d_in) shared by all models."""
        if x.ndim == 2:
            x = x.expand(self.W1.shape[0], *x.shape)
        h = torch.tanh(torch.baddbmm(self.b1, x, self.W1))
        h = torch.tanh(torch.baddbmm(self.b2, h, self.W2))
        return torch.baddbmm(self.b3, h, self.W3)


@dataclass
class LAPOModel:
    """K models of one ``latent`` kind with per-model entropy weights ``lams`` (discrete only)."""

    latent: str
    K: int
    codes: int
    idm: BatchedMLP
    fdm: BatchedMLP
    lams: Tensor
    vq: VectorQuantizer | None = None
    device: str = "cpu"

    @property
    def params(self) -> list[Tensor]:
        return self.idm.params + self.fdm.params + (self.vq.params if self.vq is not None else [])

    step: float = 0.15

    def fdm_all_codes(self, s: Tensor) -> Tensor:
        """g_hat(s, c) for every code c: (K, n, k, 2) (discrete: one output head per code); s: (K, n, 2)."""
        n, k = s.shape[1], self.codes
        out = self.fdm(s).reshape(self.K, n, k, 2)
        return s[:, :, None, :] + self.step * out

    def forward(self, s: Tensor, sp: Tensor) -> dict[str, Tensor]:
        """Loss per model, and the IDM's outputs; s, s': (K, n, 2) (one batch per model) or (n, 2) (shared).
        Errors are in units of step^2 (module docstring)."""
        if s.ndim == 2:
            s, sp = s.expand(self.K, *s.shape), sp.expand(self.K, *sp.shape)
        inp = torch.cat([s, (sp - s) / self.step], -1)
        if self.latent == "discrete":
            q = torch.softmax(self.idm(inp), -1)
            err = ((sp[:, :, None, :] - self.fdm_all_codes(s)) ** 2).sum(-1) / self.step**2
            loss = l_lambda(q, err, self.lams)
            return {"loss": loss, "q": q, "code": q.argmax(-1), "rec": (q * err).sum(-1).mean(-1)}
        x = self.idm(inp)
        if self.latent == "continuous":
            pred = s + self.step * self.fdm(torch.cat([s, x], -1))
            rec = lrec(sp, pred) / self.step**2
            return {"loss": rec, "z": x, "rec": rec}
        z_q, idx, vq_loss = self.vq.quantise(x)
        pred = s + self.step * self.fdm(torch.cat([s, z_q], -1))
        rec = lrec(sp, pred) / self.step**2
        return {"loss": rec + vq_loss, "z": x, "code": idx, "rec": rec}


def build(latent: str, lams: list[float], codes: int, seed: int, device: str, hidden: int = 64,
          vq_dim: int = 8, step: float = 0.15) -> LAPOModel:
    gen = torch.Generator(device="cpu").manual_seed(seed)
    K = len(lams)
    d_lat = {"discrete": codes, "continuous": 2, "vq": vq_dim}[latent]
    idm = BatchedMLP(K, 4, hidden, d_lat, gen, "cpu")
    fdm = (BatchedMLP(K, 2, hidden, 2 * codes, gen, "cpu") if latent == "discrete"
           else BatchedMLP(K, 2 + d_lat, hidden, 2, gen, "cpu"))
    vq = None
    if latent == "vq":
        p = lapo.VQ()
        vq = VectorQuantizer(K, codes, vq_dim, commitment=p.commitment_cost, update="ema", decay=p.decay,
                             eps=p.epsilon, generator=gen, init_scale=p.init_bound_times_num_embs)
    m = LAPOModel(latent, K, codes, idm, fdm, torch.tensor(lams, dtype=torch.float32), vq, step=step)
    return _to(m, device)


def _to(m: LAPOModel, device: str) -> LAPOModel:
    if device == "cpu":
        return m
    for mlp in (m.idm, m.fdm):
        for name in ("W1", "b1", "W2", "b2", "W3", "b3"):
            setattr(mlp, name, getattr(mlp, name).detach().to(device).requires_grad_(True))
    m.lams = m.lams.to(device)
    if m.vq is not None:
        m.vq.codebook = m.vq.codebook.to(device)
        m.vq.cluster_size = m.vq.cluster_size.to(device)
        m.vq.embed_sum = m.vq.embed_sum.to(device)
    m.device = device
    return m


@dataclass
class Trained:
    """K trained models; ``beds[i]`` is model i's test bed (models of one run may see different test beds)."""

    model: LAPOModel
    beds: list[ContinuousTestBed]
    steps: int
    seconds: float
    history: dict = field(default_factory=dict)

    @property
    def bed(self) -> ContinuousTestBed:
        return self.beds[0]


def _batch(beds: list[ContinuousTestBed], n: int, rng: np.random.Generator, device: str):
    """One batch per model (one draw per distinct test bed, shared by the models on it): (K, n, 2) tensors and the
    true actions (K, n)."""
    drawn: dict[int, tuple] = {}
    S, A, SP = [], [], []
    for b in beds:
        if id(b) not in drawn:
            drawn[id(b)] = b.sample(n, rng)
        s, a, sp = drawn[id(b)]
        S.append(s), A.append(a), SP.append(sp)
    f = lambda x: torch.as_tensor(np.stack(x), dtype=torch.float32, device=device)  # noqa: E731
    return f(S), np.stack(A), f(SP), np.stack(S), np.stack(SP)


def fit(beds: list[ContinuousTestBed], latent: str, lams: list[float], codes: int, *, steps: int, batch: int,
        seed: int, device: str, lr: float = 1e-2, hidden: int = 64, progress=None, invariant=None,
        every: int | None = None) -> Trained:
    """Train K = len(lams) models, model i on fresh samples of ``beds[i]`` every step (Adam, geometric lr decay to
    lr/30 over ``steps``; one `gpu_checks.training.train` call for all of them).

    ``invariant(t: Trained) -> {name: (K,) array}`` (optional): monitored every ``every`` steps (default steps / 5)
    on the models trained so far; training stops early once its ``"excess"`` entry is <= 0 for every model
    (`StopRule(metric="excess", tol=0)`: the prediction the checks test is met). Up to the stop the run is the
    same run as the full budget (the schedule is over ``steps``). The monitored history is ``Trained.history``
    (``"step"`` and one (n_logged, K) array per name)."""
    if len(beds) != len(lams):
        raise ValueError("one test bed per model")
    m = build(latent, lams, codes, seed, device, hidden=hidden, step=beds[0].step)
    rng = np.random.default_rng(seed)
    t = Trained(m, list(beds), 0, 0.0)

    def loss_fn(step: int) -> Tensor:
        st, _, spt, _, _ = _batch(beds, batch, rng, device)
        return m.forward(st, spt)["loss"].sum()

    every = every or max(steps // 5, 1)
    stop = (StopRule(budget=steps, every=every, metric="excess", tol=0.0) if invariant is not None
            else StopRule(budget=steps, every=every))
    with single_thread(device):
        run = train(m.params, loss_fn, schedule=Schedule(lr=lr, final=lr / 30, kind="geometric"), stop=stop,
                    monitor=(lambda: invariant(t)) if invariant is not None else None, progress=progress,
                    after_step=(lambda step: m.vq.after_step()) if m.vq is not None else None)
    t.steps, t.seconds = run.steps_done, run.seconds
    if run.history:
        t.history = {"step": list(run.steps), "stopped_early": run.stopped_early,
                     **{k: run.curve(k) for k in run.history}}
    return t


@torch.no_grad()
def evaluate(t: Trained, n: int, seed: int) -> dict[str, np.ndarray]:
    """Held-out transitions per model (K, n, ...): true actions, codes (argmax q / VQ index), q, continuous
    latents, reconstruction (K,)."""
    rng = np.random.default_rng(10_000 + seed)
    st, a, spt, s, sp = _batch(t.beds, n, rng, t.model.device)
    out = t.model.forward(st, spt)
    res = {"s": s, "a": a, "sp": sp, "rec": out["rec"].cpu().numpy()}
    for key in ("q", "code", "z"):
        if key in out:
            res[key] = out[key].cpu().numpy()
    return res


@torch.no_grad()
def line_codes(t: Trained, s2_values=(-0.5, 0.0, 0.5), n: int = 200) -> np.ndarray:
    """Codes of every action along horizontal lines of states (each model on its own test bed): (K, lines, n, m)."""
    dev = t.model.device
    out = []
    for s2 in s2_values:
        per_a = []
        for a in range(t.bed.actions):
            S = np.stack([b.line(n, s2) for b in t.beds])
            SP = np.stack([b.g(x, np.full(len(x), a)) for b, x in zip(t.beds, S)])
            r = t.model.forward(torch.as_tensor(S, dtype=torch.float32, device=dev),
                                torch.as_tensor(SP, dtype=torch.float32, device=dev))
            per_a.append(r["code"].cpu().numpy())
        out.append(np.stack(per_a, -1))  # (K, n, m)
    return np.stack(out, 1)


@torch.no_grad()
def split_mass(t: Trained, n: int, seed: int) -> dict[str, np.ndarray]:
    """LA-U1 on a trained discrete model: move half of q's mass from each transition's modal code to a code c' that
    no held-out transition uses, with g_hat(s, c') := g_hat(s, modal code). Returns L_rec and E[H] before/after
    per model: L_rec is unchanged exactly, the entropy term grows."""
    m = t.model
    rng = np.random.default_rng(20_000 + seed)
    st, _, spt, _, _ = _batch(t.beds, n, rng, m.device)
    dev = m.device
    q = torch.softmax(m.idm(torch.cat([st, (spt - st) / m.step], -1)), -1)  # (K, n, k)
    g = m.fdm_all_codes(st)  # (K, n, k, 2)
    onehot = torch.nn.functional.one_hot(q.argmax(-1), m.codes).to(q.dtype)
    qd = onehot  # the deterministic (rounded) IDM
    used = onehot.sum(1) > 0  # (K, k)
    spare = (~used).float().argmax(-1)  # first unused code per model (0 if none)
    has_spare = (~used).any(-1)
    modal = qd.argmax(-1)  # (K, n)
    g2 = g.clone()
    idx = torch.arange(m.K, device=dev)
    g2[idx, :, spare] = torch.gather(g, 2, modal[..., None, None].expand(-1, -1, 1, 2)).squeeze(2)
    q2 = qd * 0.5
    q2[idx[:, None], torch.arange(n, device=dev)[None], spare[:, None].expand(-1, n)] += 0.5
    err = ((spt[:, :, None, :] - g) ** 2).sum(-1) / m.step**2
    err2 = ((spt[:, :, None, :] - g2) ** 2).sum(-1) / m.step**2
    return {"rec_before": (qd * err).sum(-1).mean(-1).cpu().numpy(), "rec_after": (q2 * err2).sum(-1).mean(-1).cpu().numpy(),
            "H_before": entropy(qd).mean(-1).cpu().numpy(), "H_after": entropy(q2).mean(-1).cpu().numpy(),
            "has_spare": has_spare.cpu().numpy()}
