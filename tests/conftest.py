"""Test plumbing: theorem markers are checked against the ledger, gpu tests skip without CUDA,
hypothesis runs derandomised (fixed seed, no example database) so tests cannot flake."""

from __future__ import annotations

import os

# One BLAS thread per test process: pytest-xdist already runs one worker per core, and a second BLAS
# thread per worker made eigh(256 x 256) 25x slower on the loaded 2-core box (915 ms vs 38 ms). Set
# before numpy loads (pytest imports this file before any test module).
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import pytest  # noqa: E402
from hypothesis import HealthCheck, settings  # noqa: E402

settings.register_profile("lamcheck", derandomize=True, database=None, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow], print_blob=True)
settings.load_profile("lamcheck")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    from theory.ledger import LEDGER

    unknown = sorted({f"{item.nodeid}: {mark.args!r}" for item in items for mark in item.iter_markers("theorem")
                      if len(mark.args) != 1 or mark.args[0] not in LEDGER})
    if unknown:
        raise pytest.UsageError("theorem marker with an unknown claim id: " + "; ".join(unknown))
    import torch

    if not torch.cuda.is_available():
        skip = pytest.mark.skip(reason="needs CUDA: torch.cuda.is_available() is False on this machine")
        for item in items:
            if item.get_closest_marker("gpu"):
                item.add_marker(skip)
