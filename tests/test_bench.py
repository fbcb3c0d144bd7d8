"""`lamcheck bench`: the JSON keys and their sanity on a tiny run, and the FLOP formula against a hand count
and against torch's own FLOP counter on one real training step."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch
from torch.utils.flop_counter import FlopCounterMode

from benchmarks.flops import linear_lam_step_flops
from gpu_checks.linear_lam import LAMOptions, _LossPlan, init_linear_lams, lam_losses, process_sampler
from lamcheck.cli import main
from numerics.processes import LAMConfig, zhang_process


def test_flop_formula_by_hand_for_a_tiny_configuration():
    # n = 2 samples, d_o = 3, d_z = 1, A learned, C and D free, no head. Products (2 m k p each):
    #   forward  C s_c^T (1x3)(3x2): 12, D s_d^T: 12, z B^T (2x1)(1x3): 12, s_a A^T (2x3)(3x3): 36
    #   backward G^T s_a (3x2)(2x3): 36, z^T G (1x2)(2x3): 12, B^T G^T (1x3)(3x2): 12, g s_c (1x2)(2x3): 12, g s_d: 12
    # total 156; the sampler of a clean process adds X a: (2x1)(1x3) with d_a = 1: 12.
    assert linear_lam_step_flops(n=2, d_o=3, d_z=1) == 156
    assert linear_lam_step_flops(n=2, d_o=3, d_z=1, learn_A=False) == 156 - 72
    assert linear_lam_step_flops(n=2, d_o=3, d_z=1, tie_CD=True) == 156 - 24  # one encoder product, one gradient
    assert linear_lam_step_flops(n=2, d_o=3, d_z=1, d_a=2, head=True) == 156 + 3 * 2 * 2 * 1 * 2
    # the papers' size (benchmarks/flops.py docstring): 4 n d_o^2 + 14 n d_o d_z + 2 n d_a d_o
    assert linear_lam_step_flops(n=128, d_o=128, d_z=8, sampler=2 * 128 * 8 * 128) == 10_485_760


@pytest.mark.parametrize("opts,head", [(LAMOptions(), False), (LAMOptions(learn_A=False), False),
                                       (LAMOptions(tie_CD=True), False),
                                       (LAMOptions(action_weight=1.0, d_a=2, label_fraction=1.0), True)],
                         ids=["plain", "fixed-A", "tied", "head"])
def test_flop_formula_equals_torchs_count_of_one_training_step(opts, head):
    """FlopCounterMode counts every matrix product torch runs (forward, the hand-written backward and the
    head's autograd): it must equal the formula, for one model and for K = 3 (the count is per model).
    torch's registry has no entry for the in-place ``baddbmm_`` the trainer uses; it is given the same
    formula as ``baddbmm``."""

    def baddbmm_flop(self_shape, a_shape, b_shape, out_shape=None, **kwargs):  # (b, m, k) x (b, k, n): 2 b m k n
        return 2 * a_shape[0] * a_shape[1] * a_shape[2] * b_shape[2]

    inplace = {torch.ops.aten.baddbmm_: baddbmm_flop}
    rng = np.random.default_rng(0)
    procs = [zhang_process(rng, d_o=6, d_a=2, lam=LAMConfig(d_z=2)) for _ in range(3)]
    sampler = process_sampler(procs)
    gen = torch.Generator().manual_seed(0)
    n = 5
    for K in (1, 3):
        model = init_linear_lams(K, 6, [2] * K, opts, gen, "cpu")
        batch = sampler(n, gen)
        batch = type(batch)(o=batch.o[:K], o_next=batch.o_next[:K], a=batch.a[:K])
        with FlopCounterMode(display=False, custom_mapping=inplace) as fc:
            lam_losses(model, batch, gen, _LossPlan.of(model, K, "cpu")).sum().backward()
        want = linear_lam_step_flops(n=n, d_o=6, d_z=2, d_a=2, learn_A=opts.learn_A, tie_CD=opts.tie_CD, head=head)
        assert fc.get_total_flops() == K * want
    with FlopCounterMode(display=False) as fc:
        sampler(n, gen)
    assert fc.get_total_flops() == 3 * sampler.flops(n) == 3 * 2 * n * 2 * 6  # X a only: o, a are the draws


def test_bench_tiny_json_keys_and_sanity(capsys):
    assert main(["bench", "--tiny", "--json"]) == 0
    r = json.loads(capsys.readouterr().out)
    for key in ("end_to_end_ratio", "end_to_end_ratio_cpu", "trainer_matmul_fraction", "configuration_steps_per_second",
                "matmul_gflops", "trainer_gflops", "audit_seconds", "theorem_tests_seconds", "end_to_end", "trainer"):
        assert key in r, key
    assert r["end_to_end_ratio"] > 0 and r["end_to_end_ratio_cpu"] > 0
    assert 0 < r["trainer_matmul_fraction"] and r["trainer_gflops"] > 0 and r["matmul_gflops"]["1"] > 0
    cs = r["configuration_steps_per_second"]
    assert cs["batched"] > 0 and cs["one_at_a_time"] > 0 and cs["protocol_loop"] > 0
    e = r["end_to_end"]
    assert len(e["configurations"]) == len(e["final_llo"]) == 2
    # both pipelines produced LLOs in the metric's range [-1, 2] (plus sampling slack)
    for row in e["final_llo"]:
        assert -1.1 <= row["lamcheck"] <= 2.1 and -1.1 <= row["protocol"] <= 2.1
    # the achieved rate is the counted FLOPs times the measured rate
    t = r["trainer"]["clean"]
    assert t["batched"]["gflops"] == pytest.approx(t["flops_per_configuration_step"] * t["batched"]["steps_per_second"] / 1e9)
    assert r["audit_seconds"] is None and r["theorem_tests_seconds"] is None  # only with --with-suite
