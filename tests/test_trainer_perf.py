"""The fast paths of the batched linear-LAM trainer against independent routes.

* `_Reconstruction` (hand-written gradients) against torch autograd on the textbook loss, written here
  from the module docstring of gpu_checks/linear_lam.py with every matrix masked (the former route), in
  float64, for every option: learned / fixed A, tied C = -D, augmentation, action head with bias, both
  normalisations and both label averages.
* `process_sampler` (products through the process's factors, views and scalars where the maps allow)
  against the dense source maps of `LinearProcess.source` applied to the SAME standard-normal draw, for a
  batch mixing no noise, i.i.d. noise, other-agent noise, a correlated policy and Lee's exogenous process;
  and, by Monte Carlo, the second moments of its own draws against T T^T.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

from gpu_checks.linear_lam import Batch, LAMOptions, LinearLAMs, _LossPlan, lam_losses, process_sampler
from numerics.processes import LAMConfig, lee_process, zhang_process

OPTIONS = {
    "plain": LAMOptions(),
    "fixed-A": LAMOptions(learn_A=False),
    "tied": LAMOptions(tie_CD=True),
    "augmented": LAMOptions(kappa=[0.3, 0.0, 0.7]),
    "fixed-A-augmented": LAMOptions(learn_A=False, kappa=0.5),
    "head-labelled-mean": LAMOptions(action_weight=2.0, d_a=2, label_fraction=[0.5, 0.2, 1.0], loss_normalisation="mean",
                                     head_bias=True),
    "head-all": LAMOptions(action_weight=0.7, d_a=2, label_fraction=0.4, label_average="all"),
    "tied-augmented-head": LAMOptions(tie_CD=True, kappa=0.2, action_weight=1.0, d_a=2, label_fraction=1.0),
}


def _model(opts: LAMOptions, K=3, d_o=5, d_z=(1, 2, 3), seed=0) -> LinearLAMs:
    g = torch.Generator().manual_seed(seed)
    d_zm = max(d_z)
    mask = torch.zeros(K, d_zm, dtype=torch.float64)
    for k, dz in enumerate(d_z):
        mask[k, :dz] = 1
    leaf = lambda *shape: torch.randn(*shape, generator=g, dtype=torch.float64).requires_grad_(True)  # noqa: E731
    A = leaf(K, d_o, d_o) if opts.learn_A else torch.eye(d_o, dtype=torch.float64).expand(K, d_o, d_o)
    E = leaf(K, opts.d_a, d_zm) if opts.d_a else None
    e = leaf(K, opts.d_a) if opts.d_a and opts.head_bias else None
    return LinearLAMs(A, leaf(K, d_o, d_zm), leaf(K, d_zm, d_o), leaf(K, d_zm, d_o), E, mask, opts, e)


def _reference(model: LinearLAMs, batch: Batch, k1, k2, lab) -> torch.Tensor:
    """The loss of the module docstring with every matrix masked, by plain autograd."""
    opts = model.options
    K, n, d_o = batch.o.shape
    m = model.mask
    C = (-model.D if opts.tie_CD else model.C) * m[:, :, None]
    D = model.D * m[:, :, None]
    z = (batch.o + k1) @ C.transpose(1, 2) + (batch.o_next + k1) @ D.transpose(1, 2)
    pred = (batch.o + k2) @ model.A.transpose(1, 2) + z @ (model.B * m[:, None, :]).transpose(1, 2) - k2
    rec = ((batch.o_next - pred) ** 2).sum(-1).mean(-1)
    mean = opts.loss_normalisation == "mean"
    loss = rec / d_o if mean else rec
    if model.E is not None and opts.action_weight:
        a_hat = z @ (model.E * m[:, None, :]).transpose(1, 2) + (model.e[:, None, :] if model.e is not None else 0)
        err = ((batch.a - a_hat) ** 2).sum(-1) / (batch.a.shape[-1] if mean else 1)
        denom = lab.sum(-1).clamp_min(1) if opts.label_average == "labelled" else n
        loss = loss + opts.action_weight * (err * lab).sum(-1) / denom
    return loss


@pytest.mark.parametrize("name", list(OPTIONS))
def test_hand_written_gradients_equal_autograd_on_the_textbook_loss(name):
    """float64 throughout: both routes agree to rounding (~1e-13 relative here); 1e-9 leaves ample margin."""
    opts = OPTIONS[name]
    model = _model(opts)
    g = torch.Generator().manual_seed(1)
    K, n, d_o = 3, 7, 5
    batch = Batch(o=torch.randn(K, n, d_o, generator=g, dtype=torch.float64),
                  o_next=torch.randn(K, n, d_o, generator=g, dtype=torch.float64),
                  a=torch.randn(K, n, 2, generator=g, dtype=torch.float64))
    plan = _LossPlan.of(model, K, "cpu")
    plan = _LossPlan(kappa=None if plan.kappa is None else plan.kappa.double(),
                     labels=None if plan.labels is None else plan.labels.double(), mean=plan.mean, labelled=plan.labelled,
                     masked=plan.masked)
    gen = torch.Generator().manual_seed(2)
    got = lam_losses(model, batch, gen, plan)
    # replay the random draws lam_losses made, in its order: k1 (untied), k2, then the label flags
    rep = torch.Generator().manual_seed(2)
    zero = torch.zeros(K, n, d_o, dtype=torch.float64)
    k1 = k2 = zero
    if plan.kappa is not None:
        if not opts.tie_CD:
            k1 = plan.kappa * torch.randn(K, n, d_o, generator=rep).double()
        k2 = plan.kappa * torch.randn(K, n, d_o, generator=rep).double()
    lab = (torch.rand(K, n, generator=rep).double() < plan.labels).double() if plan.labels is not None else None
    want = _reference(model, batch, k1, k2, lab)
    assert torch.allclose(got, want, rtol=1e-9, atol=1e-12)
    w = torch.randn(K, generator=g, dtype=torch.float64)  # a random combination tests every per-model gradient
    g_got = torch.autograd.grad((got * w).sum(), model.params)
    g_want = torch.autograd.grad((want * w).sum(), model.params)
    for a, b in zip(g_got, g_want):
        assert torch.allclose(a, b, rtol=1e-9, atol=1e-11), (a - b).abs().max()
    # masked latent rows / columns get exactly zero gradient
    for p, grad in zip(model.params, g_got):
        if p is model.B:
            assert torch.all(grad[0, :, 1:] == 0)
        if p is model.D:
            assert torch.all(grad[0, 1:, :] == 0)


def _mixed_processes():
    rng = np.random.default_rng(3)
    lam = LAMConfig(d_z=2)
    d_o, d_a = 8, 2
    procs = [zhang_process(rng, d_o=d_o, d_a=d_a, lam=lam),
             zhang_process(rng, d_o=d_o, d_a=d_a, noise="iid", sigma=0.7, lam=lam),
             zhang_process(rng, d_o=d_o, d_a=d_a, noise="exo", sigma=1.3, d_b=3, lam=lam),
             zhang_process(rng, d_o=d_o, d_a=d_a, chi=0.6, lam=lam),
             lee_process(rng, d_o=d_o, d_s=3, d_x=2, d_a=d_a, gamma=0.4, overlap=0.3, lam=lam)]
    return procs


def _relaid_maps(procs, sampler, name):
    """T_name of every process with its source columns placed in the sampler's padded block layout
    [n_o | n_a | n_e | n_xi] (each block padded to the largest model), written here independently."""
    cuts = np.cumsum([0, *sampler.blocks])
    out = []
    for p in procs:
        T = p.source.T(name)
        sizes = [p.F_o.shape[1], p.F_a.shape[1], p.F_e.shape[1], p.F_xi.shape[1]]
        at = np.cumsum([0, *sizes])
        R = np.zeros((T.shape[0], cuts[-1]))
        for b in range(4):
            R[:, cuts[b]:cuts[b] + sizes[b]] = T[:, at[b]:at[b + 1]]
        out.append(R)
    return np.stack(out)


def test_structured_sampler_equals_the_dense_source_maps_on_one_draw():
    """Same w, two routes: float32 products of size <= 20 agree to ~1e-6 relative; 1e-5 absolute on
    unit-scale entries."""
    procs = _mixed_processes()
    sampler = process_sampler(procs, extra=("eps", "q"))
    g = torch.Generator().manual_seed(0)
    w = torch.randn(len(procs), 50, sum(sampler.blocks), generator=g)
    batch = sampler.draw(w)
    for name, got in (("o", batch.o), ("a", batch.a), ("o_next", batch.o_next), ("eps", batch.extra["eps"]), ("q", batch.extra["q"])):
        T = _relaid_maps(procs, sampler, name)
        want = np.einsum("kns,kds->knd", w.double().numpy(), T)
        assert np.allclose(got.double().numpy(), want, atol=1e-5), name


def test_structured_sampler_moments_by_monte_carlo():
    """Second moments of the sampler's own draws (blocks drawn separately) against the exact T T^T.
    For Gaussian x, E||S_hat - S||_F^2 = (1/n) sum_ij (S_ii S_jj + S_ij^2); the assertion allows 3x
    that root-mean-square error (the squared error is a sum of many terms and concentrates; Markov
    alone bounds the failure probability by 1/9, measured ratio ~1)."""
    procs = _mixed_processes()
    sampler = process_sampler(procs)
    n = 20000
    batch = sampler(n, torch.Generator().manual_seed(5))
    for k, p in enumerate(procs):
        v = torch.cat([batch.o[k], batch.a[k], batch.o_next[k]], dim=-1).double().numpy()
        S_hat = v.T @ v / n
        T = p.source.stack(["o", "a", "o_next"])
        S = T @ T.T
        d = np.diag(S)
        rms = np.sqrt((np.outer(d, d) + S ** 2).sum() / n)
        assert np.linalg.norm(S_hat - S) <= 3 * rms, (k, np.linalg.norm(S_hat - S), rms)


def test_sampler_skips_blocks_with_zero_maps_and_counts_its_products():
    rng = np.random.default_rng(0)
    lam = LAMConfig(d_z=2)
    clean = [zhang_process(rng, d_o=6, d_a=2, noise="iid", sigma=0.0, lam=lam) for _ in range(2)]
    s = process_sampler(clean)
    b = s(4, torch.Generator().manual_seed(0))
    assert torch.equal(b.o_next, b.o + b.a @ torch.as_tensor(np.stack([p.X for p in clean]), dtype=torch.float32).transpose(1, 2))
    # the only product: a X^T, 2 n d_a d_o FLOPs per model (o and a are views of the draw, no noise drawn)
    assert s.flops(4) == 2 * 4 * 2 * 6
