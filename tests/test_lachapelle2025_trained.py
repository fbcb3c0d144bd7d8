"""Lachapelle 2025 (ALL STATEMENTS THIS PROJECT'S RECONSTRUCTION): the torch objectives and models.

Gradients against finite differences, the exact enumeration against numpy, a short batched training smoke run, the
mass-splitting identity on a trained model, and the softmax relaxation against the enumerated minimum.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from gpu_checks.lachapelle2025 import models
from numerics.lachapelle2025 import finite, gibbs, relaxation, witnesses
from numerics.lachapelle2025.process import FiniteProcess
from numerics.lachapelle2025.testbed import ContinuousTestBed


@pytest.mark.theorem("LA-D2")
def test_l_lambda_gradient_matches_finite_differences_and_numpy():
    rng = np.random.default_rng(0)
    z = torch.tensor(rng.normal(size=(5, 4)), dtype=torch.float64, requires_grad=True)
    err = torch.tensor(rng.uniform(0, 1, size=(5, 4)), dtype=torch.float64)
    f = lambda zz: models.l_lambda(torch.softmax(zz, -1), err, 0.4)  # noqa: E731
    f(z).backward()
    num = np.zeros((5, 4))
    h = 1e-6
    for i in range(5):
        for j in range(4):
            e = torch.zeros_like(z)
            e[i, j] = h
            num[i, j] = (float(f(z.detach() + e)) - float(f(z.detach() - e))) / (2 * h)
    assert np.allclose(z.grad.numpy(), num, atol=1e-9)  # central differences: O(h^2) + rounding 1e-16/h ~ 1e-10
    q = torch.softmax(z.detach(), -1).numpy()
    per_row = [gibbs.penalised_value(qi, ei, 0.4) for qi, ei in zip(q, err.numpy())]
    assert float(f(z.detach())) == pytest.approx(np.mean(per_row), abs=1e-14)
    onehot = torch.eye(4, dtype=torch.float64)[[0, 1, 2, 3, 0]]
    assert float(models.l_lambda(onehot, err, 0.4)) == pytest.approx(float(err[torch.arange(5), [0, 1, 2, 3, 0]].mean()))


def test_batched_models_train_on_their_own_test_beds():
    beds = [ContinuousTestBed(codes=5, rotation=math.pi / 4), ContinuousTestBed(domain="disconnected", codes=5)]
    t = models.fit(beds, "discrete", [0.0, 0.1], 5, steps=30, batch=32, seed=0, device="cpu", hidden=16)
    ev = models.evaluate(t, 200, 0)
    assert ev["q"].shape == (2, 200, 5) and ev["s"].shape == (2, 200, 2)
    assert np.all(np.abs(ev["s"][1][:, 0]) >= 0.2) and not np.all(np.abs(ev["s"][0][:, 0]) >= 0.2)
    lines = models.line_codes(t, n=20)
    assert lines.shape == (2, 3, 20, 4)


def test_mass_splitting_keeps_lrec_and_adds_log_2():
    t = models.fit([ContinuousTestBed(codes=6)] * 2, "discrete", [0.0, 0.01], 6, steps=40, batch=32, seed=1,
                   device="cpu", hidden=16)
    r = models.split_mass(t, 300, 0)
    ok = r["has_spare"] > 0
    assert ok.any()
    assert np.allclose(r["rec_after"][ok], r["rec_before"][ok], atol=1e-6)  # float32 sums of 300 O(1) terms
    assert np.allclose(r["H_after"][ok] - r["H_before"][ok], math.log(2), atol=1e-6)


def test_vq_variant_uses_lapos_constants():
    m = models.build("vq", [0.0], 8, 0, "cpu", vq_dim=4)
    assert m.vq.update == "ema" and m.vq.commitment == 0.05 and m.vq.decay == 0.999 and m.vq.eps == 1e-5
    assert float(m.vq.codebook.abs().max()) <= 5 / 8  # U(-5/M, 5/M), lapo/models.py:241


@pytest.mark.theorem("LA-L2")
def test_l2_softmax_relaxation_reaches_but_never_beats_the_enumerated_minimum():
    rng = np.random.default_rng(0)
    for p in (FiniteProcess(states=1, actions=2, codes=3, lam=0.5), witnesses.U4_PARTIAL.replace(lam=0.3)):
        target = float(finite.identifiability(p).loss_range[0])
        res = relaxation.optimise(p, rng, starts=3)
        assert res.lowest_seen >= target - 1e-12  # L_lam >= min over labellings (LA-L1 per tie class)
        assert res.best <= target + 1e-3 and res.max_entropy < 1e-2
