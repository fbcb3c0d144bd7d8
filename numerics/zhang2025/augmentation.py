"""ZP-P4 (Prop. 4.3, data augmentation): the augmented loss in closed form and by exact expectation.

    L_aug(A,B,C,D) = L(A,B,C,D) + kappa^2 ||A - I||_F^2 + kappa^2 ||B(C + D)||_F^2   (theory.zhang2025.augmentation)

`exact_augmented_loss` computes the same expectation another way (kappa_1, kappa_2 as extra blocks of
the standard-normal source, the authors' code form o' - [A(o + k2) + B(C(o + k1) + D(o' + k1)) - k2]),
independent of the formula. Since L >= tail_{d_z}(Sigma_{q+eps}) (ZP-P1/P2, E[o r^T] = 0) and A = I,
C = -D, (B, D) PCA attains it with zero penalties, min L_aug = tail and every minimiser has A = I,
B(C+D) = 0. C + D = 0 follows only when every optimal B has full column rank (rank Sigma_{q+eps} >= d_z);
otherwise spare latent rows that B ignores may hold any (C, D), so z carries o.
"""

from __future__ import annotations

import numpy as np

from numerics import linear_lam as ll
from numerics.optima import minimiser_set
from numerics.optimize import minimize_blocks, n_params
from numerics.processes import LAMConfig, LinearProcess

Array = np.ndarray


def aug_loss(A, B, C, D, m: ll.TransitionMoments, s2: float) -> float:
    """L + s^2 ||A - I||^2 + s^2 ||B(C+D)||^2 (population, closed form; s2 = kappa^2)."""
    return ll.lam_loss(A, B, C, D, m) + s2 * (np.sum((A - np.eye(m.d_o)) ** 2) + np.sum((B @ (C + D)) ** 2))


def aug_loss_and_grad(A, B, C, D, m: ll.TransitionMoments, s2: float):
    """L_aug and its gradients in (A, B, C, D)."""
    I = np.eye(m.d_o)
    F, G, H = A + B @ C, I - B @ D, B @ (C + D)
    dF = 2 * (F @ m.S_oo - G @ m.S_no)
    dG = 2 * (G @ m.S_nn - F @ m.S_no.T)
    dH = 2 * s2 * H
    return (aug_loss(A, B, C, D, m, s2), dF + 2 * s2 * (A - I), dF @ C.T - dG @ D.T + dH @ (C + D).T,
            B.T @ dF + B.T @ dH, -B.T @ dG + B.T @ dH)


def exact_augmented_loss(params: dict[str, Array], p: LinearProcess, kappa: float) -> float:
    """E||o' - [A(o + k2) + B(C(o + k1) + D(o' + k1)) - k2]||^2 with k1, k2 ~ N(0, kappa^2 I) as two
    extra source blocks: the residual's source map R gives the expectation tr(R R^T) exactly."""
    s = p.source
    d_o, n = p.d_o, s.n_source
    pad = lambda T: np.hstack([T, np.zeros((T.shape[0], 2 * d_o))])  # noqa: E731
    T_o, T_n = pad(s.T("o")), pad(s.T("o_next"))
    K1 = np.hstack([np.zeros((d_o, n)), kappa * np.eye(d_o), np.zeros((d_o, d_o))])
    K2 = np.hstack([np.zeros((d_o, n + d_o)), kappa * np.eye(d_o)])
    A, B, C, D = params["A"], params["B"], params["C"], params["D"]
    R = T_n - (A @ (T_o + K2) + B @ (C @ (T_o + K1) + D @ (T_n + K1)) - K2)
    return float(np.trace(R @ R.T))


def monte_carlo_identity(seed: int, n: int = 200_000, d_o: int = 4, d_z: int = 2, s: float = 0.7) -> tuple[float, float, float]:
    """Sample o, r, kappa_1, kappa_2 (Gaussian, general covariances) and compare the sample mean of the
    augmented squared residual with the closed form. Returns (sample mean, closed form, 6 standard errors)."""
    rng = np.random.default_rng(seed)
    Fo, Fr = rng.normal(size=(d_o, d_o)), rng.normal(size=(d_o, d_o))
    A, B, C, D = rng.normal(size=(d_o, d_o)), rng.normal(size=(d_o, d_z)), rng.normal(size=(d_z, d_o)), rng.normal(size=(d_z, d_o))
    o, r = rng.normal(size=(n, d_o)) @ Fo.T, rng.normal(size=(n, d_o)) @ Fr.T
    k1, k2 = s * rng.normal(size=(n, d_o)), s * rng.normal(size=(n, d_o))
    on = o + r
    res = (o + k2) @ A.T + ((o + k1) @ C.T + (on + k1) @ D.T) @ B.T - (on + k2)
    sq = np.sum(res**2, axis=1)
    m = ll.TransitionMoments.from_change(Fo @ Fo.T, Fr @ Fr.T)
    return float(sq.mean()), aug_loss(A, B, C, D, m, s * s), float(6 * sq.std() / np.sqrt(n))


def cd_minimiser(p: LinearProcess, rng: np.random.Generator | None = None) -> dict | None:
    """If the minimiser set has spare latent rows (d_z > rank Sigma_{q+eps}): a minimiser with C + D != 0,
    its spare rows reading o along Sigma_o's top eigenvector (so z carries o whenever Sigma_o != 0);
    None otherwise. Its augmented loss is recomputed by exact expectation (not from the set's value)."""
    ms = minimiser_set(p)
    if ms.spare == 0:
        return None
    d = p.d_o
    spare = np.zeros((ms.spare, 2 * d))
    spare[0, :d] = np.linalg.eigh(p.Sigma_o)[1][:, -1]  # C row along the top eigenvector of Sigma_o, D row 0
    if rng is not None and ms.spare > 1:
        spare[1:] = rng.standard_normal((ms.spare - 1, 2 * d))
    prm = ms.member(spare=spare)
    return {"params": prm, "L_aug": exact_augmented_loss(prm, p, p.lam.kappa), "minimum": ms.value,
            "tail": ll.eigen_tail(p.Sigma_delta, p.d_z), "rank_Sigma_r": ms.k, "C+D": float(np.linalg.norm(prm["C"] + prm["D"])),
            "nmse_o_range": ms.given_z("o")}


def claim_violation(p: LinearProcess) -> tuple[float, str]:
    """ZP-P4 as written (every minimiser has A = I and C + D = 0): violated iff a minimiser with C + D != 0
    exists; it is exhibited (`cd_minimiser`) and its exact augmented loss must equal the eigen tail."""
    ce = cd_minimiser(p)
    if ce is None:
        return -1.0, "rank Sigma_{q+eps} >= d_z: C + D = 0 at every minimiser"
    tol = 1e-9 * (1 + ce["tail"])
    if abs(ce["L_aug"] - ce["tail"]) > tol:
        return -1.0, f"construction failed: L_aug {ce['L_aug']:.6g} != tail {ce['tail']:.6g}"
    return ce["C+D"], (f"rank Sigma_(q+eps) = {ce['rank_Sigma_r']} < d_z = {p.d_z}: a minimiser (L_aug = tail = "
                       f"{ce['tail']:.4g}) has ||C + D||_F = {ce['C+D']:.3g}")


def optimise_aug(p: LinearProcess, seed: int, iters: int = 20000) -> tuple:
    """L-BFGS on L_aug over (A, B, C, D) from a random start. Returns (value, A, B, C, D)."""
    d, d_z, m, s2 = p.d_o, p.d_z, p.moments(), p.lam.kappa ** 2
    shapes = ((d, d), (d, d_z), (d_z, d), (d_z, d))
    start = 0.5 * np.random.default_rng(seed).normal(size=n_params(shapes))
    value, mats = minimize_blocks(lambda A, B, C, D: aug_loss_and_grad(A, B, C, D, m, s2), shapes, [start], {"maxiter": iters})
    return (value, *mats)


def repair_facts_at_members(p: LinearProcess, rng: np.random.Generator, members: int = 3) -> dict:
    """At members of the minimiser set (random spare rows): A = I, B(C+D) = 0, and the exact augmented
    loss equals the eigen tail (two routes: exact expectation vs eigh of Sigma_{q+eps})."""
    ms = minimiser_set(p)
    tail = ll.eigen_tail(p.Sigma_delta, p.d_z)
    worst = 0.0
    for _ in range(members):
        sp = rng.standard_normal((ms.spare, 2 * p.d_o)) if ms.spare else None
        prm = ms.member(spare=sp)
        worst = max(worst, abs(exact_augmented_loss(prm, p, p.lam.kappa) - tail) / (1 + tail),
                    float(np.max(np.abs(prm["A"] - np.eye(p.d_o)))), float(np.max(np.abs(prm["B"] @ (prm["C"] + prm["D"])), initial=0.0)))
    return {"worst": worst, "spare": ms.spare, "rank": ms.k}


def paper_like_counterexample() -> dict:
    """d_o = 3, d_a = 1, d_z = 2, eps = 0, Sigma_o = I, X = e_1 (Case 1 with d_z > d_a), kappa = 0.5:
    A = I, B = [e_1, 0], D = [e_1^T; 0], C = -D + [0; e_2^T] attains L_aug = 0 with ||C + D|| = 1; z = (a, o_2),
    so NMSE(o | z) = 1 - 1/3 = 2/3 (one of three unit-variance coordinates of o is read)."""
    p = LinearProcess(X=np.array([[1.0], [0.0], [0.0]]), lam=LAMConfig(d_z=2, kappa=0.5))
    B = np.array([[1.0, 0.0], [0.0, 0.0], [0.0, 0.0]])
    D = np.array([[1.0, 0.0, 0.0], [0.0, 0.0, 0.0]])
    C = -D + np.array([[0.0, 0.0, 0.0], [0.0, 1.0, 0.0]])
    prm = {"A": np.eye(3), "B": B, "C": C, "D": D}
    src = p.source
    Tz = C @ src.T("o") + D @ src.T("o_next")
    return {"process": p, "L_aug": exact_augmented_loss(prm, p, 0.5), "||C+D||_F": float(np.linalg.norm(C + D)),
            "||B(C+D)||_F": float(np.linalg.norm(B @ (C + D))), "NMSE(o|z)": src.nmse("o", [Tz])}
