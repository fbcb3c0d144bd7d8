"""The linear LAM in closed form: population loss, optimal A, PCA optimum, subspace metrics.

Shared by every paper that builds on the linear LAM (Zhang et al. 2025; Lee et al. 2026 reuses it).
Model: IDM z = C o + D o', FDM o_hat' = A o + B z, loss L = E||o' - o_hat'||^2.

With F := A + BC and G := I - BD the residual is o' - o_hat' = G o' - F o, so L depends on the process
only through the second moments S_oo = E[o o^T], S_no = E[o' o^T], S_nn = E[o' o'^T]:

    L(A,B,C,D) = tr(G S_nn G^T) - 2 tr(G S_no F^T) + tr(F S_oo F^T).

Everything here is raw second moments, so no zero-mean assumption is hidden in the formulas.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from numerics.certificates import LSQCertificate, certified_lsq

Array = np.ndarray


@dataclass(frozen=True)
class TransitionMoments:
    """Second moments of a transition (o, o'): S_oo = E[o o^T], S_no = E[o' o^T], S_nn = E[o' o'^T]."""

    S_oo: Array
    S_no: Array
    S_nn: Array

    @property
    def d_o(self) -> int:
        return self.S_oo.shape[0]

    @classmethod
    def from_change(cls, Sigma_o: Array, Sigma_r: Array, K: Array | None = None) -> "TransitionMoments":
        """Moments of o' = o + r with E[o o^T] = Sigma_o, E[r r^T] = Sigma_r, E[o r^T] = K (0 by default).

        S_no = Sigma_o + K^T,  S_nn = Sigma_o + K + K^T + Sigma_r.
        """
        K = np.zeros_like(Sigma_o) if K is None else K
        return cls(S_oo=Sigma_o, S_no=Sigma_o + K.T, S_nn=Sigma_o + K + K.T + Sigma_r)


def lam_loss(A: Array, B: Array, C: Array, D: Array, m: TransitionMoments) -> float:
    """Population loss L = tr(G S_nn G^T) - 2 tr(G S_no F^T) + tr(F S_oo F^T), F = A+BC, G = I-BD."""
    F = A + B @ C
    G = np.eye(m.d_o) - B @ D
    return float(np.trace(G @ m.S_nn @ G.T) - 2 * np.trace(G @ m.S_no @ F.T) + np.trace(F @ m.S_oo @ F.T))


def lam_loss_grad_A(A: Array, B: Array, C: Array, D: Array, m: TransitionMoments) -> Array:
    """dL/dA = 2 (F S_oo - G S_no): the loss is quadratic in F = A + BC."""
    F = A + B @ C
    G = np.eye(m.d_o) - B @ D
    return 2 * (F @ m.S_oo - G @ m.S_no)


def optimal_A(B: Array, C: Array, D: Array, m: TransitionMoments) -> Array:
    """A minimising L for fixed (B, C, D): F* = G S_no S_oo^+, A* = F* - BC.

    When S_no = S_oo (uncorrelated change, o' = o + r) this is A* = G - BC = I - B(C + D): Prop. 4.1.
    Unique iff S_oo is invertible; otherwise the pseudo-inverse picks the minimum-norm F*.
    """
    G = np.eye(m.d_o) - B @ D
    return G @ m.S_no @ np.linalg.pinv(m.S_oo) - B @ C


def reduced_loss(B: Array, D: Array, Sigma_r: Array) -> float:
    """E||(BD - I) r||^2 = tr((BD - I) Sigma_r (BD - I)^T): the PCA objective of Prop. 4.1."""
    N = B @ D - np.eye(Sigma_r.shape[0])
    return float(np.trace(N @ Sigma_r @ N.T))


@dataclass(frozen=True)
class PCAOptimum:
    """Eckart-Young optimum of min_{rank BD <= k} tr((I-BD) Sigma (I-BD)^T).

    ``eigvals`` descending; ``U`` top-k eigenvectors (B = U, D = U^T); ``value`` = sum_{i>k} lambda_i;
    ``gap`` = lambda_k - lambda_{k+1} (the projector U U^T is the unique optimum iff gap > 0).
    """

    eigvals: Array
    U: Array
    value: float
    gap: float

    @property
    def projector(self) -> Array:
        return self.U @ self.U.T


def pca_optimum(Sigma: Array, k: int) -> PCAOptimum:
    """Top-k eigen-pair solution; ``value`` = sum of the d-k smallest eigenvalues (Eckart-Young/Ky Fan)."""
    w, V = np.linalg.eigh((Sigma + Sigma.T) / 2)
    w, V = w[::-1], V[:, ::-1]
    k = min(k, len(w))
    gap = float(w[k - 1] - w[k]) if k < len(w) else float("inf")
    return PCAOptimum(eigvals=w, U=V[:, :k], value=float(np.sum(w[k:])), gap=gap)


def eigen_tail(Sigma: Array, k: int) -> float:
    """sum_{i>k} lambda_i(Sigma), eigenvalues in descending order."""
    return pca_optimum(Sigma, k).value


def orthonormal_basis(M: Array, rtol: float = 1e-10) -> Array:
    """Orthonormal basis of span(M) (columns), rank decided at rtol * largest singular value."""
    U, s, _ = np.linalg.svd(M, full_matrices=False)
    if s.size == 0 or s[0] == 0:
        return U[:, :0]
    return U[:, s > rtol * s[0]]


def principal_angles(M1: Array, M2: Array) -> Array:
    """Principal angles (radians, ascending) between span(M1) and span(M2): arccos of the singular
    values of Q1^T Q2 for orthonormal bases Q1, Q2 (Bjorck-Golub)."""
    Q1, Q2 = orthonormal_basis(M1), orthonormal_basis(M2)
    s = np.linalg.svd(Q1.T @ Q2, compute_uv=False)
    return np.arccos(np.clip(s, -1.0, 1.0))  # s descending -> angles ascending


def min_A_certificate(B, C, D, m: TransitionMoments) -> tuple[np.ndarray, LSQCertificate]:
    """min_A L(A, B, C, D) is the convex least squares min_F tr(F S_oo F^T) - 2 tr(G S_no F^T) + tr(G S_nn G^T)
    in F = A + BC (G = I - BD); solved and certified by `certified_lsq`. Returns (A, certificate)."""
    G = np.eye(m.d_o) - B @ D
    cert = certified_lsq(m.S_oo, G @ m.S_no, float(np.trace(G @ m.S_nn @ G.T)))
    return cert.W - B @ C, cert
