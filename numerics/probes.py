"""Linear probes in closed form, on linear-Gaussian models written over one common source.

Every variable of a linear process (o, a, q, eps, o', z, x, xi, ...) is a linear map of one vector w
of independent standard normals: x = T_x w. Then Cov(x, y) = T_x T_y^T exactly, and the population
normalised MSE of the best linear probe (with bias; all variables here are zero-mean) is

    NMSE(y | v) = min_{M,b} E||y - M v - b||^2 / tr Cov(y)
                = 1 - tr(S_yv S_vv^+ S_vy) / tr S_yy.

Conventions: NMSE of a zero-variance target is defined as 1 ("nothing to predict", the paper's
convention for absent noise); conditioning on several variables stacks them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

Array = np.ndarray


def nmse(S_yy: Array, S_yv: Array, S_vv: Array) -> float:
    """1 - tr(S_yv S_vv^+ S_vy) / tr S_yy (1 when tr S_yy = 0). Pseudo-inverse with rcond 1e-10."""
    total = float(np.trace(S_yy))
    if total <= 0:
        return 1.0
    if S_vv.size == 0:
        return 1.0
    explained = float(np.trace(S_yv @ np.linalg.pinv(S_vv, rcond=1e-10, hermitian=True) @ S_yv.T))
    return float(np.clip(1.0 - explained / total, 0.0, 1.0))


@dataclass(frozen=True)
class SourceModel:
    """Named linear maps from a shared standard-normal source: ``maps[name]`` is T_name (dim x n_src)."""

    maps: Mapping[str, Array]

    def T(self, name: str | Array) -> Array:
        return self.maps[name] if isinstance(name, str) else np.asarray(name)

    def stack(self, names: Sequence[str | Array]) -> Array:
        mats = [self.T(n) for n in names]
        return np.vstack(mats) if mats else np.zeros((0, self.n_source))

    @property
    def n_source(self) -> int:
        return next(iter(self.maps.values())).shape[1]

    def cov(self, x: str | Array, y: str | Array) -> Array:
        return self.T(x) @ self.T(y).T

    def with_maps(self, **extra: Array) -> "SourceModel":
        return SourceModel({**self.maps, **extra})

    def nmse(self, target: str | Array, given: Sequence[str | Array]) -> float:
        """NMSE of the best linear probe of ``target`` from the stacked variables ``given``."""
        Ty, Tv = self.T(target), self.stack(given)
        return nmse(Ty @ Ty.T, Ty @ Tv.T, Tv @ Tv.T)


def latent_map(model: SourceModel, C: Array, D: Array, o: str = "o", o_next: str = "o_next") -> Array:
    """T_z for the linear IDM z = C o + D o'."""
    return C @ model.T(o) + D @ model.T(o_next)
