"""Hypothesis strategies for linear-LAM processes: the whole domain a statement allows.

Matrices are drawn as small-integer factors (entries in [-2, 2]), so hypothesis reaches and shrinks
towards the boundary cases that break careless statements: zero matrices, rank deficiency, repeated
eigenvalues (ties), d_z below, equal to and above d_a, zero and non-zero noise of every shape.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from hypothesis import strategies as st

Array = np.ndarray
NOISE_KINDS = ("none", "isotropic", "structured", "general")


@dataclass(frozen=True)
class LinearLAMInstance:
    """A linear-LAM process o' = o + X a + eps with o, a, eps mutually uncorrelated.

    Sigma_o = F_o F_o^T, Sigma_a = F_a F_a^T, Sigma_eps by ``noise`` kind: 0, sigma^2 I, Y Y^T, or
    F_e F_e^T. (B, C, D) is an arbitrary encoder/decoder at which reduction identities are tested.
    """

    d_o: int
    d_a: int
    d_z: int
    F_o: Array
    X: Array
    F_a: Array
    noise: str
    F_e: Array  # noise factor: Sigma_eps = F_e F_e^T (sigma I for isotropic)
    B: Array
    C: Array
    D: Array

    @property
    def Sigma_o(self) -> Array:
        return self.F_o @ self.F_o.T

    @property
    def Sigma_q(self) -> Array:
        return self.X @ self.F_a @ self.F_a.T @ self.X.T

    @property
    def Sigma_eps(self) -> Array:
        return self.F_e @ self.F_e.T

    @property
    def Sigma_r(self) -> Array:
        """E[(q+eps)(q+eps)^T] = Sigma_q + Sigma_eps (q and eps uncorrelated)."""
        return self.Sigma_q + self.Sigma_eps

    def to_json(self) -> dict:
        """A counterexample-ready description: dimensions, noise kind and the matrices as lists."""
        return {
            "d_o": self.d_o, "d_a": self.d_a, "d_z": self.d_z, "noise": self.noise,
            "Sigma_o": self.Sigma_o.tolist(), "X": self.X.tolist(), "Sigma_a": (self.F_a @ self.F_a.T).tolist(),
            "Sigma_eps": self.Sigma_eps.tolist(), "B": self.B.tolist(), "C": self.C.tolist(), "D": self.D.tolist(),
        }


def int_matrices(rows: int, cols: int, lo: int = -2, hi: int = 2) -> st.SearchStrategy[Array]:
    """rows x cols float matrices with integer entries in [lo, hi] (shrinks towards 0)."""
    return st.lists(st.integers(lo, hi), min_size=rows * cols, max_size=rows * cols).map(
        lambda v: np.array(v, dtype=float).reshape(rows, cols)
    )


@st.composite
def linear_lam_instances(draw, max_d_o: int = 6, noise_kinds: tuple[str, ...] = NOISE_KINDS,
                         min_d_o: int = 2) -> LinearLAMInstance:
    """Any (d_o, d_a, d_z) with 1 <= d_a <= d_o, 1 <= d_z < d_o; any noise kind; arbitrary (B, C, D)."""
    d_o = draw(st.integers(min_d_o, max_d_o))
    d_a = draw(st.integers(1, d_o))
    d_z = draw(st.integers(1, d_o - 1))
    noise = draw(st.sampled_from(noise_kinds))
    if noise == "none":
        F_e = np.zeros((d_o, 1))
    elif noise == "isotropic":
        sigma = draw(st.integers(1, 4)) / 2
        F_e = sigma * np.eye(d_o)
    elif noise == "structured":
        F_e = draw(int_matrices(d_o, draw(st.integers(1, d_o))))
    else:
        F_e = draw(int_matrices(d_o, d_o))
    return LinearLAMInstance(
        d_o=d_o, d_a=d_a, d_z=d_z,
        F_o=draw(int_matrices(d_o, d_o)), X=draw(int_matrices(d_o, d_a)), F_a=draw(int_matrices(d_a, d_a)),
        noise=noise, F_e=F_e,
        B=draw(int_matrices(d_o, d_z)), C=draw(int_matrices(d_z, d_o)), D=draw(int_matrices(d_z, d_o)),
    )


def float_tolerance(scale: float, d: int, factor: float = 64.0) -> float:
    """Rounding tolerance for a trace/eigen identity evaluated in float64 on d x d matrices.

    Backward-stable products, traces and `eigh` err by O(d * eps * |magnitude of the terms|); the
    caller passes that magnitude as ``scale`` (e.g. (1 + ||B|| ||D||)^2 ||Sigma||) and we allow
    ``factor`` * d * eps * max(1, scale).
    """
    return factor * d * np.finfo(float).eps * max(1.0, scale)
