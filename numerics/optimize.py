"""Numeric optima over several matrix blocks (L-BFGS), to cross-check closed forms.

`minimize_blocks` flattens matrices of the given shapes into one vector, runs scipy's L-BFGS-B from
each start with the analytic gradient, and returns the best value with the blocks reshaped.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from scipy.optimize import minimize

Shapes = Sequence[tuple[int, int]]
#: L-BFGS-B stopping rule used for cross-checks: stop only at a tiny projected gradient or a
#: relative decrease below 1e-15, so what remains is the closed form's own accuracy question.
TIGHT = {"gtol": 1e-12, "ftol": 1e-16, "maxiter": 30000, "maxcor": 30}


def unpack(x: np.ndarray, shapes: Shapes) -> list[np.ndarray]:
    out, i = [], 0
    for a, b in shapes:
        out.append(x[i:i + a * b].reshape(a, b))
        i += a * b
    return out


def minimize_blocks(value_and_grads: Callable[..., tuple], shapes: Shapes, starts: Sequence[np.ndarray],
                    options: dict | None = None) -> tuple[float, list[np.ndarray]]:
    """min over matrices (M_1, ..., M_n) of ``value_and_grads(*Ms) -> (value, dM_1, ..., dM_n)``,
    best of L-BFGS-B runs from ``starts`` (flat vectors). Returns (value, [M_1, ..., M_n])."""

    def f(x: np.ndarray) -> tuple[float, np.ndarray]:
        val, *g = value_and_grads(*unpack(x, shapes))
        return float(val), np.concatenate([gi.ravel() for gi in g])

    best = None
    for s in starts:
        res = minimize(f, s, jac=True, method="L-BFGS-B", options={**TIGHT, **(options or {})})
        if best is None or res.fun < best[0]:
            best = (float(res.fun), unpack(res.x, shapes))
    return best


def n_params(shapes: Shapes) -> int:
    return sum(a * b for a, b in shapes)
