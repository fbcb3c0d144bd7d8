"""Gradient-based optimisation of the stochastic IDM on a finite process (LA-L2's numeric evidence).

THIS IS THIS PROJECT'S RECONSTRUCTION (provenance ``reconstructed``). The IDM is q = softmax(z) with one logit vector
per tie class (the model class; rows of tied transitions share it), the FDM is optimal for q in closed form
(`finite.objective`), and L-BFGS (scipy, finite-difference gradients) minimises L_lam over z from several random
starts. Independent of the reduction to deterministic labellings: it must never go below the enumerated minimum,
and its best value should approach it with q near one-hot.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize

from numerics.lachapelle2025 import finite
from numerics.lachapelle2025.process import FiniteProcess


@dataclass(frozen=True)
class Relaxed:
    """``best``: lowest L_lam found; ``lowest_seen``: lowest value evaluated anywhere (incl. line searches);
    ``max_entropy``: the largest row entropy of q at the best point; ``starts``: random starts."""

    best: float
    lowest_seen: float
    max_entropy: float
    starts: int


def _q(p: FiniteProcess, z: np.ndarray, tie: list[int]) -> np.ndarray:
    Z = z.reshape(len(p.tie_classes), p.codes)
    Z = Z - Z.max(1, keepdims=True)
    Q = np.exp(Z)
    Q /= Q.sum(1, keepdims=True)
    return Q[tie]


def optimise(p: FiniteProcess, rng: np.random.Generator, starts: int = 6, scale: float = 3.0) -> Relaxed:
    tie = finite._tie_of(p)
    seen = {"low": np.inf}

    def f(z):
        v = finite.objective(p, _q(p, z, tie))
        seen["low"] = min(seen["low"], v)
        return v

    best, best_z = np.inf, None
    for _ in range(starts):
        z0 = rng.normal(size=len(p.tie_classes) * p.codes) * scale
        res = minimize(f, z0, method="L-BFGS-B", options={"maxiter": 400})
        if res.fun < best:
            best, best_z = float(res.fun), res.x
    Q = _q(p, best_z, tie)
    return Relaxed(best=best, lowest_seen=float(seen["low"]), max_entropy=float(max(finite.entropy(r) for r in Q)),
                   starts=starts)
