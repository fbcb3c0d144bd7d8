"""The papers' protocol, one configuration at a time: the baseline `lamcheck bench` measures against.

Zhang et al.'s linear scripts (github.com/zhangchuheng123/LinearLAM, e.g. release/4_2.py and
scripts/4_2.py@eb04bd4; every constant here comes from `numerics.zhang2025.protocol`) train ONE linear
LAM per configuration with its own Adam loop, and at every checkpoint (every CHECKPOINT_EVERY = 1000
updates) train linear probes (nn.Linear with bias) by PROBE_STEPS = 5000 more Adam steps of PROBE_BATCH =
128 fresh samples, their Adam state carried over between checkpoints, then evaluate them on
``eval_samples`` fresh samples. `run_configuration` is that loop, written for this benchmark from the
protocol's description (not lamcheck's trainer, which is what it is compared with):

    for t in 0 .. updates-1:   one Adam step (lr ADAM_LR) on nn.MSELoss(o_hat', o') over a fresh batch
        if t % 1000 == 0:      5000 Adam steps (lr PROBE_LR) of the probes on the probe-fit data, then
                               act_mse, obs_mse, noi_mse on eval_samples fresh samples of the eval data

Choices that make this baseline FASTER than the authors' scripts (so the measured ratio understates
lamcheck's lead): samples drawn by torch in float32 (the scripts draw numpy float64 and convert); the
LAM's forward runs without gradient while the probes train (the scripts back-propagate the probe loss
into the LAM and discard it); heads the protocol does not read are not evaluated; one torch thread.
Processes: Zhang's family (o = n_o, a = n_a, o' = o + X a + F_e n_e; random policy), as built by
`Experiment.process`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
import torch
from torch import nn

from numerics.processes import LinearProcess
from numerics.zhang2025 import protocol as P

Tensor = torch.Tensor


class AuthorsLAM(nn.Module):
    """z = C o + D o';  o_hat' = A o + B z (A learned) or o + B z (A = I); nn.Linear layers without bias."""

    def __init__(self, d_o: int, d_z: int, learn_A: bool):
        super().__init__()
        self.A = nn.Linear(d_o, d_o, bias=P.LAM_BIAS) if learn_A else None
        self.C = nn.Linear(d_o, d_z, bias=P.LAM_BIAS)
        self.D = nn.Linear(d_o, d_z, bias=P.LAM_BIAS)
        self.B = nn.Linear(d_z, d_o, bias=P.LAM_BIAS)

    def forward(self, o: Tensor, o_next: Tensor) -> tuple[Tensor, Tensor]:
        z = self.C(o) + self.D(o_next)
        pred = (self.A(o) if self.A is not None else o) + self.B(z)
        return pred, z


@dataclass
class BaselineResult:
    """Per checkpoint: the update count and the recorded metrics; wall seconds of the LAM updates, of the
    probe training and of the evaluations."""

    records: list[dict] = field(default_factory=list)
    lam_seconds: float = 0.0
    probe_seconds: float = 0.0
    eval_seconds: float = 0.0
    updates: int = 0
    probe_steps: int = 0

    @property
    def seconds(self) -> float:
        return self.lam_seconds + self.probe_seconds + self.eval_seconds


class _Data:
    """Fresh samples of one Zhang process: o ~ N(0, I), a ~ N(0, I), q = X a, eps = F_e n (scaled identity
    drawn elementwise as the scripts do), b the other-agent source."""

    def __init__(self, proc: LinearProcess, gen: torch.Generator):
        if proc.chi or proc.d_x or not np.array_equal(proc.F_o, np.eye(proc.d_o)) or not np.array_equal(proc.F_a, np.eye(proc.d_a)):
            raise ValueError("the baseline implements Zhang's random-policy family (F_o = I, F_a = I, chi = 0, no x)")
        self.gen, self.d_o, self.d_a = gen, proc.d_o, proc.d_a
        self.X = torch.as_tensor(proc.X, dtype=torch.float32)
        F_e = proc.F_e
        self.n_e = F_e.shape[1]
        self.iid = self.n_e == proc.d_o and np.array_equal(F_e, F_e[0, 0] * np.eye(proc.d_o))
        self.sigma = float(F_e[0, 0]) if self.iid else 0.0
        self.F_e = torch.as_tensor(F_e, dtype=torch.float32)
        self.noisy = bool(np.any(F_e))

    def draw(self, n: int, noisy: bool) -> dict[str, Tensor]:
        o = torch.randn(n, self.d_o, generator=self.gen)
        a = torch.randn(n, self.d_a, generator=self.gen)
        out = {"o": o, "a": a, "o_next": o + a @ self.X.T}
        if noisy and self.noisy:
            b = torch.randn(n, self.n_e, generator=self.gen)
            eps = self.sigma * b if self.iid else b @ self.F_e.T
            out.update(o_next=out["o_next"] + eps, eps=eps, b=b)
        return out


def run_configuration(exp: P.Experiment, proc: LinearProcess, *, updates: int | None = None, seed: int = 0,
                      eval_samples: int | None = None) -> BaselineResult:
    """One configuration through the protocol of ``exp`` (module docstring); ``updates`` defaults to the
    script's. Records after updates 1, 1001, ... (the scripts' ``i_batch % 1000 == 0`` after the step)."""
    tr, pr, me = exp.training, exp.probes, exp.metrics
    updates = tr.updates if updates is None else updates
    eval_samples = pr.eval_samples if eval_samples is None else eval_samples
    torch.manual_seed(seed)  # nn.Linear's init draws from the global generator, as in the scripts
    gen = torch.Generator().manual_seed(seed + 1)
    data = _Data(proc, gen)
    d_o, d_a, d_z = proc.d_o, proc.d_a, proc.d_z
    lam = AuthorsLAM(d_o, d_z, tr.learn_A)
    if tr.tie_CD or tr.action_weight:
        raise ValueError("the baseline implements the reconstruction-only scripts (4_1, 4_2, 4_3)")
    opt1 = torch.optim.Adam(lam.parameters(), lr=tr.lr, betas=P.ADAM_BETAS)
    d_in = {"z": d_z, "pseudo_latent": d_o}
    noise_dim = {"eps": d_o, "b": data.n_e, None: 0}[pr.noise_target]
    heads = {"a": nn.Linear(d_in[pr.action_input], d_a, bias=pr.bias), "o": nn.Linear(d_in[pr.rest_input], d_o, bias=pr.bias)}
    if noise_dim:
        heads["noise"] = nn.Linear(d_in[pr.rest_input], noise_dim, bias=pr.bias)
    opt2 = torch.optim.Adam([p for h in heads.values() for p in h.parameters()], lr=pr.lr, betas=P.ADAM_BETAS)
    mse = nn.MSELoss()
    fit_noisy, eval_noisy = pr.fit_data == "training", pr.eval_data == "training"

    def probe_inputs(batch: dict[str, Tensor]) -> dict[str, Tensor]:
        with torch.no_grad():
            pred, z = lam(batch["o"], batch["o_next"])
        pseudo = pred - batch["o"]
        pick = lambda which: z if which == "z" else pseudo  # noqa: E731
        return {"a": pick(pr.action_input), "o": pick(pr.rest_input), "noise": pick(pr.rest_input)}

    def targets(batch: dict[str, Tensor]) -> dict[str, Tensor]:
        out = {"a": batch["a"], "o": batch["o"]}
        if noise_dim:
            out["noise"] = batch.get(pr.noise_target, torch.zeros(batch["o"].shape[0], noise_dim))
        return out

    res = BaselineResult(updates=updates)
    with _one_thread():
        for t in range(updates):
            t0 = time.perf_counter()
            batch = data.draw(tr.batch, noisy=True)
            pred, _ = lam(batch["o"], batch["o_next"])
            loss = mse(pred, batch["o_next"])
            opt1.zero_grad()
            loss.backward()
            opt1.step()
            res.lam_seconds += time.perf_counter() - t0
            if t % P.CHECKPOINT_EVERY:
                continue
            t0 = time.perf_counter()
            for _ in range(pr.steps):
                batch = data.draw(pr.batch, noisy=fit_noisy)
                v, y = probe_inputs(batch), targets(batch)
                loss = sum(mse(h(v[k]), y[k]) for k, h in heads.items())
                opt2.zero_grad()
                loss.backward()
                opt2.step()
            res.probe_steps += pr.steps
            t1 = time.perf_counter()
            res.probe_seconds += t1 - t0
            batch = data.draw(eval_samples, noisy=eval_noisy)
            v, y = probe_inputs(batch), targets(batch)
            with torch.no_grad():
                sq = {k: float(((h(v[k]) - y[k]) ** 2).sum(1).mean()) for k, h in heads.items()}
            act, obs = sq["a"] / d_a, sq["o"] / d_o
            sigma = data.sigma if data.iid else (1.0 if data.noisy else 0.0)
            noi = P.recorded_noise_nmse(sq.get("noise", 0.0), me, d_o=d_o, d_b=data.n_e or None, sigma=sigma) \
                if noise_dim else P.NOISE_TERM_WITHOUT_NOISE
            res.records.append({"update": t + 1, "act_mse": act, "obs_mse": obs, "noi_mse": noi,
                                "llo": -act + obs + noi})
            res.eval_seconds += time.perf_counter() - t1
    return res


class _one_thread:
    def __enter__(self):
        self.before = torch.get_num_threads()
        torch.set_num_threads(1)

    def __exit__(self, *exc):
        torch.set_num_threads(self.before)
