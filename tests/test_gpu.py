"""Full-scale trained checks on CUDA (the papers' d_o = 128). Skipped, with the reason recorded by
tests/conftest.py, on machines without CUDA; every one also has a CPU-scale twin that CI runs."""

from __future__ import annotations

import pytest

from gpu_checks.zhang2025 import pca as trained
from theory.checks import CheckContext


@pytest.mark.gpu
@pytest.mark.theorem("ZP-P1")
@pytest.mark.theorem("ZP-P2")
def test_full_scale_pca_training_on_cuda():
    ctx = CheckContext(scale="full", device="cuda", seed=0, cuda_available=True)
    p1, p2 = trained.zp_p1_trained(ctx), trained.zp_p2_trained(ctx)
    assert p1.status == "confirms" and max(p1.measured["rel_excess"]) <= trained.TAU, p1.detail
    assert p2.status == "confirms", p2.detail
