"""LA-L3 on a discretised path: continuous softmax maps along a segment and their label switches (numpy only).

THIS IS THIS PROJECT'S RECONSTRUCTION (provenance ``reconstructed``). phi(t) = softmax(A sin(w t + c) + B t), t in
[0, 1], is continuous; on a grid its arg max may switch between neighbours. Where it switches from i to j, the
continuous function phi_i - phi_j changes sign in between, so (intermediate value theorem) some t* has
phi_i(t*) = phi_j(t*) with both at least every other coordinate at the top of the order; there max phi <= 1/2 and
H(phi(t*)) >= -log max phi >= log 2. `crossing` finds t* by bisection on the score max_{others} - phi_top.
"""

from __future__ import annotations

import numpy as np


def softmax_path(rng: np.random.Generator, k: int, sharpness: float):
    """A random continuous map t -> softmax(sharpness (A sin(w t + c) + B t)) into Delta_k."""
    A, B = rng.normal(size=k), rng.normal(size=k) * 2
    w, c = rng.uniform(2, 12, size=k), rng.uniform(0, 2 * np.pi, size=k)

    def phi(t: np.ndarray) -> np.ndarray:
        t = np.atleast_1d(np.asarray(t, float))
        z = sharpness * (A[None] * np.sin(w[None] * t[:, None] + c[None]) + B[None] * t[:, None])
        z -= z.max(1, keepdims=True)
        e = np.exp(z)
        return e / e.sum(1, keepdims=True)

    return phi


def entropy(q: np.ndarray) -> np.ndarray:
    return -(np.where(q > 0, q * np.log(np.where(q > 0, q, 1.0)), 0.0)).sum(-1)


def crossing(phi, t0: float, t1: float, iters: int = 60) -> float:
    """A point between grid neighbours t0 < t1 with different arg max where the top two coordinates tie: bisection
    on the sign of [arg max(phi(t)) == arg max(phi(t0))]."""
    i0 = int(phi(t0)[0].argmax())
    lo, hi = t0, t1
    for _ in range(iters):
        mid = (lo + hi) / 2
        if int(phi(mid)[0].argmax()) == i0:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def crossings(phi, t0: np.ndarray, t1: np.ndarray, iters: int = 60) -> np.ndarray:
    """`crossing` for many grid intervals at once: the same bisection (same midpoints, same comparisons, one
    vectorised phi call per step), so each entry equals ``crossing(phi, t0[i], t1[i], iters)``."""
    lo, hi = np.asarray(t0, float).copy(), np.asarray(t1, float).copy()
    if lo.size == 0:
        return lo
    i0 = phi(lo).argmax(1)
    for _ in range(iters):
        mid = (lo + hi) / 2
        same = phi(mid).argmax(1) == i0
        lo, hi = np.where(same, mid, lo), np.where(same, hi, mid)
    return (lo + hi) / 2


def switch_report(phi, n: int = 400) -> dict:
    """Label switches of phi on an n-point grid, and at each switch the largest max-probability and the smallest
    entropy at the bisected crossing (the lemma predicts <= 1/2 and >= log 2)."""
    t = np.linspace(0, 1, n)
    P = phi(t)
    lab = P.argmax(1)
    idx = np.flatnonzero(lab[1:] != lab[:-1])
    Q = phi(crossings(phi, t[idx], t[idx + 1])) if len(idx) else np.zeros((0, P.shape[1]))
    maxp, minH = [float(x) for x in Q.max(1)], [float(x) for x in entropy(Q)]
    return {"switches": int(len(idx)), "sup_entropy_on_grid": float(entropy(P).max()),
            "max_top_prob_at_crossings": max(maxp) if maxp else None, "min_entropy_at_crossings": min(minH) if minH else None}
