"""The one training loop, the VQ layer and every option of the batched linear-LAM trainer.

Each trainer option (augmentation, action head with either label averaging and either loss
normalisation, tied encoder, fixed A) is exercised by a small trained run in the CI selection and
compared with the closed-form optimum of `numerics.optima` (an independent route: eigen/RRR closed
forms, themselves cross-checked against numeric optimisation in tests/test_optima.py).
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

from gpu_checks.linear_lam import relative_excess_monitor, train_processes
from gpu_checks.training import Schedule, StopRule, VectorQuantizer, cached, clear_cache, single_thread, train
from numerics.optima import minimiser_set
from numerics.processes import LAMConfig, LinearProcess, orthonormal


# --- schedules and the loop -----------------------------------------------------------------------

def test_schedules_hand_values():
    assert Schedule(0.1).at(500, 1000) == 0.1
    g = Schedule(1e-1, 1e-3, kind="geometric")  # lr (final/lr)^(t/T): at t = T/2 the geometric mean 1e-2
    assert g.at(0, 1000) == pytest.approx(1e-1) and g.at(500, 1000) == pytest.approx(1e-2) and g.at(1000, 1000) == pytest.approx(1e-3)
    lapo = Schedule(3e-4, 3e-6, warmup=50, kind="lapo")  # 0.1 lr at 0, lr at the warm-up end, final at T
    assert lapo.at(0, 1050) == pytest.approx(3e-5) and lapo.at(50, 1050) == pytest.approx(3e-4)
    assert lapo.at(550, 1050) == pytest.approx((3e-4 + 3e-6) / 2) and lapo.at(1050, 1050) == pytest.approx(3e-6)
    with pytest.raises(ValueError):
        Schedule(1e-2, kind="geometric")
    with pytest.raises(ValueError):
        StopRule(10, metric="x")


def test_train_minimises_a_quadratic_and_stops_on_the_invariant():
    # f(x) = ||x - 3||^2 per model (K = 2); the monitor is |x - 3|, stop once <= 1e-3 for both.
    x = torch.zeros(2, requires_grad=True)
    run = train([x], lambda _s: ((x - 3) ** 2).sum(), schedule=Schedule(0.1), stop=StopRule(5000, every=10, metric="err", tol=1e-3),
                monitor=lambda: {"err": np.abs(x.detach().numpy() - 3)})
    assert run.stopped_early and run.steps_done < 5000 and np.all(np.abs(x.detach().numpy() - 3) <= 1e-3)
    assert run.steps == sorted(run.steps) and run.steps[-1] == run.steps_done
    budget_only = train([torch.zeros(1, requires_grad=True)], lambda _s: torch.zeros(1, requires_grad=True).sum(),
                        schedule=Schedule(0.1), stop=StopRule(7))
    assert budget_only.steps_done == 7 and not budget_only.stopped_early


def test_single_thread_restores_the_thread_count():
    before = torch.get_num_threads()
    with single_thread("cpu"):
        assert torch.get_num_threads() == 1
    assert torch.get_num_threads() == before


def test_cache_computes_once_per_key():
    clear_cache()
    calls = []
    assert cached(("t", 1), lambda: calls.append(1) or 5) == 5
    assert cached(("t", 1), lambda: calls.append(1) or 6) == 5 and calls == [1]
    assert cached(("t", 2), lambda: 7) == 7


# --- the VQ layer --------------------------------------------------------------------------------------

def test_vq_nearest_code_by_enumeration_and_straight_through():
    g = torch.Generator().manual_seed(0)
    vq = VectorQuantizer(2, 4, 3, commitment=0.25, generator=g)
    z = torch.randn(2, 5, 3, generator=g, requires_grad=True)
    z_q, idx, loss = vq.quantise(z)
    cb = vq.codebook.detach()
    for k in range(2):
        for i in range(5):
            d = [float(((z[k, i].detach() - cb[k, c]) ** 2).sum()) for c in range(4)]
            assert idx[k, i] == int(np.argmin(d))
            assert torch.allclose(z_q[k, i].detach(), cb[k, idx[k, i]])
    z_q.sum().backward()  # straight-through: d z_q / d z = I
    assert torch.allclose(z.grad, torch.ones_like(z))
    # gradient-mode loss = codebook_weight * ||sg(z) - e||^2 + commitment * ||z - sg(e)||^2, both the same value here
    e = cb[torch.arange(2)[:, None], idx]
    mse = ((z.detach() - e) ** 2).mean(dim=(1, 2))
    assert torch.allclose(loss.detach(), (1.0 + 0.25) * mse)


def test_vq_ema_update_matches_the_hand_formula():
    g = torch.Generator().manual_seed(1)
    vq = VectorQuantizer(1, 2, 1, commitment=0.05, update="ema", decay=0.5, eps=1e-5, generator=g)
    vq.codebook.data[:] = torch.tensor([[[0.0], [10.0]]])
    vq.embed_sum[:] = vq.codebook.data
    z = torch.tensor([[[1.0], [2.0], [9.0]]])
    vq.quantise(z)
    vq.after_step()
    # counts (2, 1); N = 0.5 * 0 + 0.5 * counts = (1, 0.5); M = 0.5 * (0, 10) + 0.5 * (3, 9) = (1.5, 9.5);
    # Laplace: N_s = (N + eps) / (1.5 + 2 eps) * 1.5; e = M / N_s
    N = np.array([1.0, 0.5])
    Ns = (N + 1e-5) / (1.5 + 2e-5) * 1.5
    assert np.allclose(vq.codebook.detach().numpy().ravel(), np.array([1.5, 9.5]) / Ns)


def test_vq_ema_follows_lapos_update_step_after_step():
    """Five EMA steps of the harness's VQ layer against numerics.lachapelle2025.protocol.ema_update (written
    from lapo/models.py, float64 numpy): the smoothed count is written back and compounds, so a harness that
    only smoothed to divide would drift by O(eps) per step; float32 against float64 over 5 steps allows 1e-5
    relative (eps = 1e-2 here makes the write-back visible: it moves the codes by ~1e-3)."""
    from numerics.lachapelle2025.protocol import ema_update

    g = torch.Generator().manual_seed(3)
    vq = VectorQuantizer(2, 3, 2, commitment=0.05, update="ema", decay=0.9, eps=1e-2, generator=g)
    count = vq.cluster_size.double().numpy().copy()
    weight = vq.embed_sum.double().numpy().copy()
    rng = np.random.default_rng(0)
    for _ in range(5):
        z = torch.tensor(rng.standard_normal((2, 16, 2)) * 0.3, dtype=torch.float32)
        _, idx, _ = vq.quantise(z)
        vq.after_step()
        count, weight, emb = ema_update(count, weight, z.double().numpy(), idx.numpy(), decay=0.9, eps=1e-2)
        assert np.allclose(vq.cluster_size.numpy(), count, rtol=1e-5, atol=1e-7)
        assert np.allclose(vq.codebook.detach().numpy(), emb, rtol=1e-5, atol=1e-6)


def test_vq_reinitialises_dead_codes_onto_encoder_outputs():
    g = torch.Generator().manual_seed(2)
    vq = VectorQuantizer(1, 3, 2, commitment=0.1, reinit_dead=True, generator=g)
    vq.codebook.data[:] = torch.tensor([[[0.0, 0.0], [100.0, 100.0], [-100.0, 100.0]]])
    z = torch.tensor([[[0.1, 0.0], [0.0, 0.2], [0.3, 0.1]]])
    vq.quantise(z)
    vq.after_step()
    cb = vq.codebook.detach()[0]
    for c in (1, 2):  # both far codes were unused: they now sit on encoder outputs
        assert any(torch.allclose(cb[c], z[0, i]) for i in range(3))


# --- every trainer option, trained, against the closed-form optimum ------------------------------------

def _procs(n: int = 2, **lam) -> list[LinearProcess]:
    rng = np.random.default_rng(0)
    X, Y = orthonormal(rng, 6, 2), orthonormal(rng, 6, 2)
    base = {"d_z": 2, **lam}
    return [LinearProcess(X=X, lam=LAMConfig(**base), F_e=s * Y, noise_target="b") for s in (0.5, 1.5)[:n]]


def _fit(procs, tol=3e-3, budget=4000, lr=3e-2):
    vals = [minimiser_set(p).value for p in procs]
    res = train_processes(procs, schedule=Schedule(lr, 1e-5, kind="geometric"),
                          stop=StopRule(budget, every=100, metric="rel_excess", tol=tol),
                          monitor=relative_excess_monitor(procs, vals), seed=0)
    return res, vals


@pytest.mark.parametrize("lam", [
    {},  # plain, learned A
    {"learn_A": False},  # residual FDM
    {"tie_CD": True},  # C = -D
    {"action_weight": 2.0, "label_fraction": 0.25, "label_average": "all", "batch": 256},  # w_eff = w p = 0.5
    {"action_weight": 2.0, "label_fraction": 0.25, "label_average": "labelled", "batch": 256},  # w_eff = 2 (1 - .75^256) ~ 2
    {"action_weight": 0.5, "label_fraction": 1.0, "loss_normalisation": "mean", "batch": 256},  # w_eff = 0.5 d_o/d_a = 1.5
], ids=["plain", "fixed-A", "tied", "head-all", "head-labelled", "head-mean"])
def test_trainer_option_reaches_the_closed_form_optimum(lam):
    """Tolerance: Adam annealed 3e-2 -> 1e-5 on fresh batches of 128-256 reaches a relative excess of
    ~1e-3 in a few thousand steps at d_o = 6 (the SGD noise floor at the final rate is ~1e-4); 3e-3
    leaves a 3x margin and still separates the two label-averaging conventions, whose optima differ by
    more than 10% of the loss here."""
    procs = _procs(**lam)
    res, vals = _fit(procs)
    assert np.all(res.history["rel_excess"][-1] <= 3e-3), res.history["rel_excess"][-1]
    if lam.get("tie_CD"):
        assert np.allclose(res.params["C"], -res.params["D"])
    if lam.get("learn_A") is False:
        assert np.allclose(res.params["A"][0], np.eye(6))
    if lam.get("action_weight") and lam.get("loss_normalisation") != "mean":
        # The converged objective is the one of ITS convention: at sigma = 1.5 the two conventions give
        # w_eff = 0.5 and ~2, on both sides of the switch sigma^2 - 1 = 1.25 (noise vs action in the
        # latent), so their optima differ by far more than the 3e-3 the run reached.
        other = "labelled" if lam.get("label_average") == "all" else "all"
        alt = minimiser_set(procs[1].with_lam(label_average=other)).value
        assert abs(alt - vals[1]) / vals[1] > 0.1


def test_augmentation_drives_A_to_I_and_B_C_plus_D_to_0():
    """Zhang Prop. 4.3: with kappa > 0 the optimum has A = I and B(C + D) = 0. The penalty is kappa^2 per
    unit of ||A - I||_F^2; at kappa = 0.5 and the measured excess <= 3e-3 relative, ||A - I||_F^2 <=
    3e-3 tr(Sigma_r) / kappa^2 ~ 0.05 (tr Sigma_r ~ 4.5 here): assert ||A - I||_F < 0.3."""
    procs = _procs(kappa=0.5)
    res, _ = _fit(procs)
    for k in range(len(procs)):
        assert np.linalg.norm(res.params["A"][k] - np.eye(6)) < 0.3
        assert np.linalg.norm(res.params["B"][k] @ (res.params["C"][k] + res.params["D"][k])) < 0.3


def test_trained_run_is_deterministic_under_a_seed():
    procs = _procs(n=1)
    a, _ = _fit(procs, budget=200, tol=0.0)
    b, _ = _fit(procs, budget=200, tol=0.0)
    assert all(np.array_equal(a.params[k], b.params[k]) for k in a.params)
