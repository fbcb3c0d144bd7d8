"""ctx.device reaches the torch work of every trained check, and every trained check trains through the one loop.

Method, on a CPU-only machine: run each registered `trained` check with ``ctx.device = "meta"``, a torch
device that exists everywhere but on which nothing can be computed, and with the one training loop
(`gpu_checks.training.train`) replaced by a stub that raises at once with the device of the parameters it
was given. A check that honours the device reaches either the stub with parameters on ``meta`` or an
earlier torch call that rejects ``meta`` (e.g. ``torch.Generator(device="meta")``: "META device type not an
accelerator"). A check that ignores the device trains on the CPU: the stub reports ``cpu`` (or the check
finishes), and the test fails naming it. The training cache is cleared around each check, so no check is
answered from another's run.
"""

from __future__ import annotations

import sys

import pytest

from gpu_checks import training
from lamcheck.registry import load_checks
from theory.checks import CheckContext, registered_checks


class ReachedTraining(Exception):
    """Raised by the stubbed training loop with the device its parameters live on."""

    def __init__(self, device: str):
        super().__init__(device)
        self.device = device


def _stub_train(params, *args, **kwargs):
    devices = {str(p.device.type) for p in params}
    raise ReachedTraining(",".join(sorted(devices)))


def _trained_checks():
    load_checks()
    return [s for s in registered_checks() if s.kind == "trained"]


@pytest.fixture
def stubbed_training(monkeypatch):
    """`train` replaced in gpu_checks.training and in every loaded module that imported it by name."""
    real = training.train
    monkeypatch.setattr(training, "train", _stub_train)
    for mod in list(sys.modules.values()):
        if getattr(mod, "__name__", "").startswith(("gpu_checks.", "lamcheck.")) and getattr(mod, "train", None) is real:
            monkeypatch.setattr(mod, "train", _stub_train)
    training.clear_cache()
    yield
    training.clear_cache()


def test_there_are_trained_checks_of_every_paper():
    papers = {s.claim_id.split("-")[0] for s in _trained_checks()}
    assert papers == {"ZP", "EX", "LA"}


@pytest.mark.parametrize("spec", _trained_checks(), ids=lambda s: s.name)
def test_ctx_device_reaches_the_training_of(spec, stubbed_training):
    ctx = CheckContext(scale="ci", device="meta", seed=0, cuda_available=True)
    try:
        result = spec.fn(ctx)
    except ReachedTraining as hit:
        assert hit.device == "meta", f"{spec.name} trains on {hit.device}, not on ctx.device"
        return
    except (RuntimeError, NotImplementedError, TypeError) as exc:  # torch refusing the meta device
        msg = str(exc).lower()
        assert "meta" in msg, f"{spec.name} failed before training, not on the device: {exc}"
        return
    pytest.fail(f"{spec.name} finished without torch work on ctx.device (status {result.status})")


@pytest.mark.parametrize("spec", _trained_checks(), ids=lambda s: s.name)
def test_every_trained_check_trains_through_the_one_loop(spec, stubbed_training):
    """With ctx.device = "cpu" every trained check reaches `gpu_checks.training.train` (none keeps its own
    loop), with its parameters on the CPU: the control for the meta-device test above."""
    with pytest.raises(ReachedTraining) as hit:
        spec.fn(CheckContext(scale="ci", device="cpu", seed=0))
    assert hit.value.device == "cpu"
