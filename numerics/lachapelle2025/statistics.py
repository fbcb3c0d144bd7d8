"""LA-S2: labels needed by a lookup decoder on identified codes vs behaviour cloning vs a state-dependent code.

THIS IS THIS PROJECT'S RECONSTRUCTION (provenance ``reconstructed``). On the continuous test bed
(`numerics.lachapelle2025.testbed`) n labelled transitions (s, s', a) are drawn; every decoder is scored on fresh
transitions:

    lookup (identified code)   code = v(a) (an identified IDM); ERM over the finite class {codes -> actions}
                               (`metrics.table_decoder_accuracy`): exact once every action has been labelled
    state-dependent code       code = sigma_s(a) (the swap of actions 0, 1 where s_1 > 0): the best state-free table
                               cannot exceed 1 - (mass of the swapped region's actions 0 and 1) / 2 ...
    BC from scratch            a predicted from s alone (1-nearest-neighbour on the labelled s): bounded by the
                               Bayes accuracy E max_a pi(a|s) < 1 (the expert is stochastic)
    IDM from scratch           a predicted from (s, s') (1-nearest-neighbour): learns the inverse dynamics itself

Coupon collector: exact recovery of v^{-1} fails iff some action is missing from the n labels:
P(fail) = sum_{J != empty} (-1)^{|J|+1} (1 - p_J)^n <= sum_a (1 - p_a)^n <= m (1 - p_min)^n, p_a = E_s pi(a|s).
"""

from __future__ import annotations

import itertools

import numpy as np

from numerics.lachapelle2025 import metrics
from numerics.lachapelle2025.testbed import ContinuousTestBed


def action_marginal(bed: ContinuousTestBed, per_axis: int = 200) -> np.ndarray:
    """p_a = E_s pi(a|s) (midpoint rule)."""
    return bed.policy(bed.grid(per_axis)).mean(0)


def coupon_exact(p: np.ndarray, n: int) -> float:
    m = len(p)
    return float(sum((-1) ** (r + 1) * (1 - sum(p[list(J)])) ** n
                     for r in range(1, m + 1) for J in itertools.combinations(range(m), r)))


def coupon_bounds(p: np.ndarray, n: int) -> tuple[float, float]:
    return float(((1 - p) ** n).sum()), float(len(p) * (1 - p.min()) ** n)


def coupon_monte_carlo(p: np.ndarray, n: int, trials: int, rng: np.random.Generator) -> float:
    draws = rng.choice(len(p), size=(trials, n), p=p)
    seen = np.zeros((trials, len(p)), dtype=bool)
    np.put_along_axis(seen, draws, True, axis=1)
    return float((~seen.all(1)).mean())


def nn_predict(X_lab: np.ndarray, y_lab: np.ndarray, X: np.ndarray) -> np.ndarray:
    d = ((X[:, None, :] - X_lab[None]) ** 2).sum(-1)
    return y_lab[d.argmin(1)]


def bayes_bc_accuracy(bed: ContinuousTestBed, per_axis: int = 200) -> float:
    """E_s max_a pi(a|s): the best any s-only policy can agree with the expert's sampled action."""
    return float(bed.policy(bed.grid(per_axis)).max(1).mean())


def swap_code(bed: ContinuousTestBed, s: np.ndarray, a: np.ndarray) -> np.ndarray:
    """sigma_s(a): actions 0 and 1 swapped where s_1 > 0 (a zero-loss, state-dependent code)."""
    c = a.copy()
    right = s[:, 0] > 0
    c[right & (a == 0)] = 1
    c[right & (a == 1)] = 0
    return c


def decoder_curves(bed: ContinuousTestBed, ns: list[int], trials: int, rng: np.random.Generator,
                   n_test: int = 2000) -> dict[str, np.ndarray]:
    """Mean test accuracy (over ``trials`` labelled sets) of each decoder for each number of labels n."""
    s_t, a_t, sp_t = bed.sample(n_test, rng)
    out = {k: np.zeros((len(ns), trials)) for k in ("lookup", "state_dependent", "bc", "idm_scratch", "all_seen")}
    for i, n in enumerate(ns):
        for j in range(trials):
            s, a, sp = bed.sample(n, rng)
            out["lookup"][i, j] = metrics.table_decoder_accuracy(a, a, a_t, a_t, bed.actions)
            out["all_seen"][i, j] = float(len(set(a.tolist())) == bed.actions)
            out["state_dependent"][i, j] = metrics.table_decoder_accuracy(a, swap_code(bed, s, a), a_t,
                                                                          swap_code(bed, s_t, a_t), bed.actions)
            out["bc"][i, j] = float((nn_predict(s, a, s_t) == a_t).mean())
            out["idm_scratch"][i, j] = float((nn_predict(np.hstack([s, sp]), a, np.hstack([s_t, sp_t])) == a_t).mean())
    return out
