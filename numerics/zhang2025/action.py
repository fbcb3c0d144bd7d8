"""ZP-P5 (Prop. 4.4, action prediction): the reduced objective, the claimed limit point, the optimum.

Prop. 4.3 gives A = I, C = -D under augmentation, so z = D r with r = o' - o = X a + eps and

    L_a(B, D, E) = E||(BD - I) r||^2 + lambda E||E D r - a||^2        (lambda: per-sample-sum units).

Its global minimisers are the minimiser set of the process with augmentation and an action head of weight
lambda (`numerics.optima`: reduced-rank regression of y = [r; sqrt(lambda) a] on r); `la_process` builds it.
Claimed lambda -> infinity minimiser (App. C.3, reconstructed): X = U S V^T, D = [U^T; 0], B = [U, *], E = [V S^{-1}, *], value
tr Sigma_eps for every lambda, with D eps = 0 and B z = q. With d_z > d_a (a uncorrelated with eps, eps^T X = 0)
the spare latent rows on the top noise directions W beat it at every lambda (value tr Sigma_eps -
sum_{i <= d_z - d_a} lambda_i(Sigma_eps)); with noise correlated with the action (eps = Y a, Y^T X = 0:
eps^T X = 0 and E[q^T eps] = 0 hold) D = (X + Y)^+, B = X + Y, E = I gives L_a = 0 < tr Sigma_eps. A
`LinearProcess` draws a and eps from independent sources, so that second counterexample is evaluated
from its moments (`correlated_noise_values`) rather than as a typed process.
"""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

from numerics.domains import int_matrices
from numerics.optima import minimiser_set
from numerics.optimize import minimize_blocks, n_params
from numerics.processes import LAMConfig, LinearProcess, orthonormal

Array = np.ndarray


def la_process(p: LinearProcess, lam: float, kappa: float | None = None) -> LinearProcess:
    """The same process with augmentation (kappa, default the process's or 0.1) and an action loss of
    weight ``lam`` in per-sample-sum units (every sample labelled)."""
    k = kappa if kappa is not None else (p.lam.kappa or 0.1)
    return p.with_lam(kappa=k, action_weight=float(lam), loss_normalisation="sum", label_fraction=1.0)


def la_loss(B: Array, D: Array, E: Array, p: LinearProcess, lam: float) -> float:
    """L_a at A = I, C = -D from the process's source maps (exact expectation)."""
    s = p.source
    T_r = s.T("delta")
    R1 = (B @ D - np.eye(p.d_o)) @ T_r
    R2 = E @ D @ T_r - s.T("a")
    return float(np.sum(R1 * R1) + lam * np.sum(R2 * R2))


def la_loss_grad(B, D, E, p: LinearProcess, lam: float):
    """L_a and its gradients in (B, D, E) (for L-BFGS cross-checks)."""
    s = p.source
    Sr, Sar = s.cov("delta", "delta"), s.cov("a", "delta")
    N, H = B @ D - np.eye(p.d_o), E @ D
    dN = 2 * N @ Sr
    dH = 2 * lam * (H @ Sr - Sar)
    return la_loss(B, D, E, p, lam), dN @ D.T, B.T @ dN + E.T @ dH, dH @ D.T


def optimal_value(p: LinearProcess, lam: float) -> float:
    """min L_a (the minimiser set's value; `numerics.optima`)."""
    return minimiser_set(la_process(p, lam)).value


def optimise_la(p: LinearProcess, lam: float, seed: int, restarts: int = 3) -> float:
    """L-BFGS on L_a over (B, D, E) from random starts (an independent route to `optimal_value`)."""
    shapes = ((p.d_o, p.d_z), (p.d_z, p.d_o), (p.d_a, p.d_z))
    rng = np.random.default_rng(seed)
    value, _ = minimize_blocks(lambda B, D, E: la_loss_grad(B, D, E, p, lam), shapes,
                               [rng.normal(size=n_params(shapes)) for _ in range(restarts)])
    return value


def claimed_point(p: LinearProcess) -> tuple[Array, Array, Array]:
    """D = [U^T; 0], B = [U, 0], E = [V S^+, 0] from X = U S V^T (thin SVD; S^+ inverts the nonzero singular
    values, so for X of full column rank E = V S^{-1} as claimed)."""
    U, S, Vt = np.linalg.svd(p.X, full_matrices=False)
    S = np.where(S > 1e-12 * max(1.0, float(S.max(initial=0.0))), S, np.inf)
    d_z, d_a = p.d_z, p.d_a
    D = np.zeros((d_z, p.d_o))
    D[:d_a] = U.T
    B = D.T.copy()
    E = np.zeros((d_a, d_z))
    E[:, :d_a] = Vt.T @ np.diag(1 / S)
    return B, D, E


def spare_capacity_point(p: LinearProcess) -> tuple[Array, Array, Array]:
    """d_z > d_a: the claimed point with the spare latent rows on the top eigenvectors W of Sigma_eps."""
    B, D, E = claimed_point(p)
    W = np.linalg.eigh(p.Sigma_eps)[1][:, ::-1][:, : p.d_z - p.d_a]
    D[p.d_a:] = W.T
    B[:, p.d_a:] = W
    return B, D, E


def limit_value(p: LinearProcess) -> float:
    """tr Sigma_eps - sum_{i <= d_z - d_a} lambda_i(Sigma_eps): the lambda -> infinity value of the repair."""
    w = np.sort(np.linalg.eigvalsh(p.Sigma_eps))[::-1]
    return float(np.trace(p.Sigma_eps) - np.sum(w[: p.d_z - p.d_a]))


def claim_violation(p: LinearProcess, lam: float = 100.0) -> tuple[float, str]:
    """As written, the lambda -> infinity optimum is the claimed point (value tr Sigma_eps, D eps = 0). Violated
    where the optimum at every lambda, hence in the limit, is strictly below tr Sigma_eps (spare capacity)."""
    claimed = la_loss(*claimed_point(p), p, lam)
    opt = optimal_value(p, lam)
    return claimed - opt - 1e-9 * (1 + claimed), f"lambda = {lam:g}: optimum {opt:.6g} < claimed point {claimed:.6g}"


def correlated_noise_values(d_o: int = 8, d_a: int = 2, s_e: float = 2.0, lams=(1.0, 10.0, 100.0, 1000.0),
                            seed: int = 0) -> dict:
    """eps = s_e Y a (Y orthonormal, Y perpendicular to X): from the moments Sigma_r = (X + Y')(X + Y')^T,
    Sigma_ar = (X + Y')^T (Y' = s_e Y). D = (X + Y')^+, B = X + Y', E = I gives L_a = 0 at every lambda; the
    claimed point gives tr Sigma_eps = s_e^2 d_a (its B z = q misses eps entirely, and E D r = a exactly)."""
    rng = np.random.default_rng(seed)
    Q = orthonormal(rng, d_o, 2 * d_a)
    X, Y = Q[:, :d_a], s_e * Q[:, d_a:]
    M = X + Y
    Sr, Sar = M @ M.T, M.T.copy()

    def value(B, D, E, lam):
        N, H = B @ D - np.eye(d_o), E @ D
        return float(np.trace(N @ Sr @ N.T) + lam * (np.trace(H @ Sr @ H.T) - 2 * np.trace(H @ Sar.T) + d_a))

    better = [value(M, np.linalg.pinv(M), np.eye(d_a), lam) for lam in lams]
    claimed = [value(X, X.T, np.eye(d_a), lam) for lam in lams]
    return {"d_o": d_o, "d_a": d_a, "d_z": d_a, "eps": f"{s_e} Y a, Y perpendicular to X", "lambdas": list(lams),
            "L_a_better": better, "L_a_claimed": claimed, "tr_Sigma_eps": s_e**2 * d_a}


@st.composite
def orthogonal_noise_processes(draw, max_d_o: int = 5, head_weight: float = 1.0, d_z_at_least_d_a: bool = True):
    """Proposals for ZP-P5's domain (eps^T X = 0 and d_z >= d_a): X (integer, any rank) on the first d_s
    coordinates, the noise factor on the other d_o - d_s (so X^T F_e = 0 exactly); any Sigma_o, Sigma_a;
    augmentation and an action head. Up to a rotation every pair with X^T Y = 0 is of this form, and the
    claim's quantities are rotation invariant. Random policy only (a policy with X Pi Sigma_o = 0 lies in the
    domain but outside the closed form of an action head with E[a o^T] != 0)."""
    d_o = draw(st.integers(2, max_d_o))
    d_s = draw(st.integers(1, d_o - 1))
    d_a = draw(st.integers(1, d_s))
    X = np.vstack([draw(int_matrices(d_s, d_a)), np.zeros((d_o - d_s, d_a))])
    d_e = draw(st.integers(0, d_o - d_s))
    F_e = np.vstack([np.zeros((d_s, d_e)), draw(int_matrices(d_o - d_s, d_e))]) if d_e else None
    F_o = draw(int_matrices(d_o, d_o)) if draw(st.booleans()) else None
    F_a = draw(int_matrices(d_a, d_a)) if draw(st.booleans()) else None
    d_z = draw(st.integers(d_a if d_z_at_least_d_a else 1, d_o - 1))
    lam = LAMConfig(d_z=d_z, kappa=draw(st.sampled_from((0.1, 1.0))), action_weight=head_weight, label_fraction=1.0)
    return LinearProcess(X=X, lam=lam, F_o=F_o, F_a=F_a, F_e=F_e)
