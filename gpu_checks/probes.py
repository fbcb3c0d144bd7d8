"""Linear probes trained by Adam, as in the authors' protocol (the option beside the closed form).

lamcheck's pipeline fits its probes in closed form: least squares with bias on a held-out sample
(`numerics.probes.sample_nmse`, or `moment_nmse` from the sample's source moments). The papers train
them instead: one ``nn.Linear`` with bias per target, Adam, fresh batches, the sum of one mean-squared
error per probe (disjoint parameters, so the sum is separate least-squares fits), e.g. Zhang et al.'s
5000 steps of 128 samples at lr 1e-3 (`numerics.zhang2025.protocol`, PROBE_*). `AdamProbes` is that,
through THE training loop (`gpu_checks.training.train`), with the Adam state kept across `fit` calls
(the authors resume probe training at every checkpoint). tests/test_probes_sample.py shows the two
agree within the error a finite fit sample and a finite Adam run leave.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import torch

from gpu_checks.training import Schedule, StopRule, adam, single_thread, train, uniform_init

Tensor = torch.Tensor
#: draw(batch, generator) -> (probe input (n, d_in), {target name: (n, d_target)})
Draw = Callable[[int, torch.Generator], tuple[Tensor, Mapping[str, Tensor]]]


class AdamProbes:
    """One linear read-out y_hat = W v + b per target (nn.Linear's init: U(+-1/sqrt(d_in)) for W and b).

    ``fit(draw, steps, batch)`` (one torch thread on the CPU): ``steps`` Adam steps on sum_targets mean_{batch x dim} (y - y_hat)^2, a
    fresh batch from ``draw`` each step; calling it again continues with the same Adam moments.
    ``nmse(V, targets)``: sum_i ||y_i - y_hat_i||^2 / sum_i ||y_i - ybar||^2 per target on an evaluation
    sample (the normalisation of `numerics.probes.sample_nmse`); ``mse`` the authors' mean ||.||^2 / dim."""

    def __init__(self, d_in: int, targets: Mapping[str, int], *, lr: float, bias: bool = True, seed: int = 0,
                 device: str | torch.device = "cpu"):
        self.gen = torch.Generator(device=device).manual_seed(seed)
        self.W = {k: uniform_init((d, d_in), d_in, self.gen, device) for k, d in targets.items()}
        self.b = {k: uniform_init((d,), d_in, self.gen, device) for k, d in targets.items()} if bias else {}
        self.lr = lr
        self.opt = adam(self.params, lr)
        self.steps_done = 0

    @property
    def params(self) -> list[Tensor]:
        return [*self.W.values(), *self.b.values()]

    def predict(self, V: Tensor) -> dict[str, Tensor]:
        return {k: torch.nn.functional.linear(V, W, self.b.get(k)) for k, W in self.W.items()}

    def fit(self, draw: Draw, steps: int, batch: int) -> None:
        def loss(_step: int) -> Tensor:
            V, Y = draw(batch, self.gen)
            pred = self.predict(V)
            return sum(torch.nn.functional.mse_loss(pred[k], Y[k]) for k in self.W)

        with single_thread(self.W[next(iter(self.W))].device):
            train(self.params, loss, schedule=Schedule(self.lr), stop=StopRule(steps, every=max(steps, 1)), optimizer=self.opt)
        self.steps_done += steps

    @torch.no_grad()
    def errors(self, V: Tensor, targets: Mapping[str, Tensor]) -> dict[str, tuple[float, float, int]]:
        """Per target: (sum of squared errors, centred total sum of squares, dim) on the sample."""
        pred = self.predict(V)
        out = {}
        for k, y in targets.items():
            sse = float(((y - pred[k]).double() ** 2).sum())
            tot = float(((y - y.mean(0)).double() ** 2).sum())
            out[k] = (sse, tot, y.shape[-1])
        return out

    def nmse(self, V: Tensor, targets: Mapping[str, Tensor]) -> dict[str, float]:
        return {k: (sse / tot if tot > 0 else 1.0) for k, (sse, tot, _) in self.errors(V, targets).items()}

    def mse(self, V: Tensor, targets: Mapping[str, Tensor]) -> dict[str, float]:
        n = V.shape[0]
        return {k: sse / n / d for k, (sse, _, d) in self.errors(V, targets).items()}
