"""`lamcheck check --train`: linear LAMs trained by THE training loop (`gpu_checks.linear_lam`) land on the predicted
optimum: the NMSEs that every global minimiser shares (given z and o) match the prediction, the others fall inside
the range over the set of minimisers. Tiny processes in CI; the examples at the papers' sizes in the slow tier."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import lamcheck
from lamcheck.cli import main

ROOT = Path(__file__).resolve().parent.parent

TINY = """
kind = "linear"
seed = 1
[dims]
d_o = 8
d_a = 2
d_z = 2
[noise]
type = "structured"
sigma = 0.5
d_b = 2
overlap = 0.0
"""

TINY_BETA = """
kind = "linear"
seed = 2
[dims]
d_o = 8
d_a = 2
d_z = 2
[exogenous]
d_s = 2
d_x = 2
gamma = 0.5
sigma_xi = 2.0
[lam]
representation_beta = 0.3
"""


def test_trained_invariant_nmses_match_the_prediction():
    """Tolerance: training stops at a relative excess (J - J*) / max(J*, tr Sigma_r) <= 1e-4; here tr Sigma_r = 2.5,
    so J - J* <= 2.5e-4. Missing a fraction d of the action variance (tr Sigma_q = 2) in favour of the noise
    (eigenvalue 0.25) costs at least 2 d (1 - 0.25) = 1.5 d, so d <= 1.7e-4; 1e-3 leaves a 6x margin (the
    budget ends the run earlier only if Adam stalls, which the relative excess in the report would show)."""
    rep = lamcheck.check(TINY, train=True, seeds=2, steps=3000)
    t = rep.trained
    assert t["seeds"] == 2 and len(t["relative_excess"]) == 2 and max(t["relative_excess"]) <= 1e-4
    a, n = t["nmse"]["action_given_z_o"], t["nmse"]["noise_given_z"]
    assert rep.prediction.nmse["action_given_z_o"] == 0.0 and a["max"] <= 1e-3
    assert n["min"] >= 1 - 1e-3
    for key, row in t["nmse"].items():  # the mixing-dependent ones lie inside the range over the minimisers
        if row is not None:
            assert row["agrees"], (key, row)
    assert t["agrees"]
    assert t["nmse"]["exo_state_given_z"] is None  # no exogenous block: the quantity does not exist
    out = rep.to_json()
    json.dumps(out, allow_nan=False)
    from tests.test_check import OUT_V, _valid
    _valid(OUT_V, out)


def test_training_in_a_representation_uses_phi():
    """Lee EX-T3 with beta = 0.3: beta^2 sigma_xi^2 = 0.36 < sigma_a^2 = 1, so the action is captured and the
    exogenous innovation excluded at every minimiser; the trained encoder acts on h = Phi o (the trainer sees Phi o
    and Phi o'), and its NMSE(xi | z, o) is ~1. Same tolerance derivation as above with the eigenvalue gap 0.64."""
    rep = lamcheck.check(TINY_BETA, train=True, seeds=2, steps=3000)
    assert rep.prediction.nmse["exo_innovation_given_z_o"] == 1.0
    row = rep.trained["nmse"]["exo_innovation_given_z_o"]
    assert row["min"] >= 1 - 2e-3 and rep.trained["nmse"]["action_given_z_o"]["max"] <= 2e-3


def test_cli_train_progress_on_stderr(capsys):
    spec = ROOT / "examples" / "lee_supervised.toml"
    assert main(["check", str(spec), "--train", "--seeds", "1", "--steps", "200", "--json", "--device", "cpu"]) == 0
    cap = capsys.readouterr()
    out = json.loads(cap.out)
    assert out["trained"]["seeds"] == 1 and out["trained"]["steps_budget"] == 200 and out["trained"]["device"] == "cpu"
    assert "lamcheck: train:" in cap.err


def test_cli_cuda_without_cuda(capsys, tmp_path):
    import torch

    if torch.cuda.is_available():
        pytest.skip("this machine has CUDA")
    f = tmp_path / "s.toml"
    f.write_text(TINY)
    assert main(["check", str(f), "--train", "--device", "cuda"]) == 2
    assert capsys.readouterr().err == "lamcheck: error: --device: cuda requested but torch sees no CUDA device\n"


#: Examples away from ties and thresholds (lee_leakage and zhang_fig3_left_dz4 have tied optima: training picks
#: some member of the set, so only ranges could be compared; the finite kind has no trainer here).
#: lee_zhang_protocol is left out: with 1% labels (~1.3 labelled samples per batch of 128, no augmentation) 2 of 3
#: seeds stall far from the optimum within 20000 steps of --train's schedule (measured relative excess 0.19, 0.21,
#: 1.4e-3 at w_eff = 11.6, four times the threshold 3), so the run measures the optimiser, not the prediction.
AWAY = ["zhang_fig3_left", "zhang_fig3_middle", "zhang_fig3_right_sigma05", "zhang_fig3_right_sigma2",
        "zhang_fig3_right_sigma2_orthogonal", "zhang_fig4_left", "zhang_fig4_middle", "zhang_fig4_right",
        "lee_supervised", "lee_representation", "lee_overlap", "lee_residual_fdm"]


@pytest.mark.slow
@pytest.mark.parametrize("name", AWAY)
def test_train_confirms_the_example_prediction(name):
    """At the papers' sizes (d_o = 128 for Zhang): 3 seeds, at most 20000 steps. A majority of seeds reaches the
    optimum's neighbourhood (relative excess <= 1e-3; a seed stuck at a saddle, EX-T5, stays far above); on those
    the shared quantities
    (given z and o) lie within 0.02 of the prediction (measured spreads ~1e-4) and every NMSE inside the range over
    the minimisers up to the reporting margin."""
    rep = lamcheck.check(ROOT / "examples" / f"{name}.toml", train=True, seeds=3, steps=20000)
    t = rep.trained
    conv = t["converged"]
    assert sum(conv) >= 2, t["relative_excess"]
    for key in ("action_given_z_o", "exo_innovation_given_z_o"):
        row = t["nmse"][key]
        if row is not None:
            for v, c in zip(row["values"], conv):
                if c:
                    assert abs(v - row["predicted"]) <= 0.02, (key, row)
    assert t["agrees"], t["nmse"]
