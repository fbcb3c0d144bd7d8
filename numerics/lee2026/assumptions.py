"""Evaluators of every assumption of the Lee et al. 2026 ledger (THIS PROJECT'S RECONSTRUCTION), on the shared
`numerics.processes.LinearProcess` and on EX-T6's `numerics.lee2026.process.PairedProcess`.

Each evaluator is ``holds(process) -> (bool, reason)`` and registers under the ledger name
(`theory.assumptions.register_evaluator`). The same evaluators define the hypothesis domains of the Lee checks
(`numerics.domains.within`) and re-validate every counterexample in the audit. Tolerances: matrix identities are
decided at ``REL_TOL`` relative to the largest entry involved (float64 products of O(1) matrices err by ~1e-15, so
1e-9 is six orders above round-off and far below any genuine violation of the integer/QR instances used here).
"""

from __future__ import annotations

import numpy as np

from numerics.lee2026.process import PairedProcess
from numerics.optima import NotClosedForm, minimiser_set
from numerics.processes import LinearProcess
from theory.assumptions import register_evaluator

REL_TOL = 1e-9
LP = LinearProcess


def _small(M: np.ndarray, scale: float = 1.0) -> bool:
    return float(np.max(np.abs(M), initial=0.0)) <= REL_TOL * max(1.0, scale)


def _base(p):
    return p.base if isinstance(p, PairedProcess) else p


def _plain_lam(p: LinearProcess) -> tuple[bool, str]:
    lam = p.lam
    bad = [n for n, b in (("A fixed (learn_A=False)", not lam.learn_A), ("tied C = -D", lam.tie_CD),
                          (f"augmentation kappa = {lam.kappa:g}", lam.kappa > 0),
                          ("a fixed representation Phi", lam.Phi is not None)) if b]
    return (not bad), ("z = C o + D o', o_hat' = A o + B z with A, B, C, D learnable" if not bad else "; ".join(bad))


# --- the exogenous model and A1-A6 ---------------------------------------------------------------------------
@register_evaluator("exogenous-linear-model", LP, PairedProcess)
def exogenous_linear_model(p) -> tuple[bool, str]:
    p = _base(p)
    if p.G_s is None or not p.has_exogenous:
        return False, "no endogenous factorisation X = G_s W or no exogenous block G_x"
    G = np.hstack([p.G_s, p.G_x])
    s = np.linalg.svd(G, compute_uv=False)
    rank = int(np.sum(s > 1e-10 * max(1.0, float(s.max(initial=0.0)))))
    if rank < G.shape[1]:
        return False, f"[G_s G_x] has rank {rank} < {G.shape[1]} columns"
    if p.has_noise:
        return False, "extra change noise eps (F_e != 0) outside the exogenous model"
    return True, f"o' = P o + G_s W a + G_x xi with [G_s G_x] of full column rank {rank}"


@register_evaluator("A1-zero-mean", LP, PairedProcess)
def a1_zero_mean(p) -> tuple[bool, str]:
    return True, "every variable is a zero-mean linear map of a standard-normal source (finite second moments)"


@register_evaluator("A2-random-policy", LP, PairedProcess)
def a2_random_policy(p) -> tuple[bool, str]:
    p = _base(p)
    S = p.cov("a", "o")
    if not _small(S, float(np.abs(p.Sigma_a).max(initial=0.0))):
        return False, f"E[a o^T] != 0 (chi = {p.chi:g}, max |E[a o^T]| = {float(np.abs(S).max()):.3g})"
    return True, "a independent of o (chi = 0); xi independent of (o, a) by construction (its own source block)"


@register_evaluator("A3-observation-identifies-state", LP, PairedProcess)
def a3_observation_identifies_state(p) -> tuple[bool, str]:
    p = _base(p)
    if p.G_s is None or not p.has_exogenous:
        return False, "no (s, x) factorisation"
    G = np.hstack([p.G_s, p.G_x])
    H = np.vstack([p.H_s, p.H_x])
    err = H @ G - np.eye(G.shape[1])
    if not _small(err):
        return False, f"[H_s; H_x] [G_s G_x] != I (max error {float(np.abs(err).max()):.3g}): o does not identify (s, x)"
    return True, "[s; x] = [H_s; H_x] o with [H_s; H_x] [G_s G_x] = I"


@register_evaluator("A4-bottleneck", LP, PairedProcess)
def a4_bottleneck(p) -> tuple[bool, str]:
    p = _base(p)
    return p.d_z < p.d_o, f"d_z = {p.d_z}, d_o = {p.d_o}"


@register_evaluator("A5-eigengap", LP)
def a5_eigengap(p: LinearProcess) -> tuple[bool, str]:
    try:
        ms = minimiser_set(p)
    except NotClosedForm as exc:
        return False, f"no closed-form minimiser set ({exc})"
    if ms.tied:
        return False, f"mu_k = mu_(k+1) = {ms.mu[ms.k - 1]:.6g}: {ms.n_tie} tied directions for {ms.j} slots"
    return True, f"gap mu_k - mu_(k+1) = {ms.gap:.3g} (or the core exhausts the tied block)"


@register_evaluator("A6-non-overlap", LP, PairedProcess)
def a6_non_overlap(p) -> tuple[bool, str]:
    p = _base(p)
    M = p.X.T @ p.G_x
    scale = float(np.abs(p.X).max(initial=0.0) * np.abs(p.G_x).max(initial=0.0))
    ok = _small(M, scale)
    return ok, ("U_a^T U_x = 0" if ok else f"||U_a^T U_x||_F = {float(np.linalg.norm(M)):.3g}")


@register_evaluator("isotropic", LP, PairedProcess)
def isotropic(p) -> tuple[bool, str]:
    p = _base(p)
    Sa, Sx = p.Sigma_a, p.Sigma_xi
    sa2 = float(np.trace(Sa)) / max(p.d_a, 1)
    sx2 = float(np.trace(Sx)) / max(p.d_x, 1)
    if not _small(Sa - sa2 * np.eye(p.d_a), sa2):
        return False, "Sigma_a is not a multiple of I"
    if not _small(Sx - sx2 * np.eye(p.d_x), sx2):
        return False, "Sigma_xi is not a multiple of I"
    if abs(sa2 - sx2) <= REL_TOL * max(1.0, sa2):
        return False, f"sigma_a^2 = sigma_xi^2 = {sa2:.6g} (a tie)"
    return True, f"sigma_a^2 = {sa2:.6g}, sigma_xi^2 = {sx2:.6g}"


# --- hidden assumptions found by refutations --------------------------------------------------------------------
@register_evaluator("orthonormal-action-map", LP, PairedProcess)
def orthonormal_action_map(p) -> tuple[bool, str]:
    p = _base(p)
    E = p.X.T @ p.X - np.eye(p.d_a)
    ok = _small(E)
    return ok, ("U_a^T U_a = I" if ok else f"U_a^T U_a != I (singular values of U_a "
                                         f"{np.round(np.linalg.svd(p.X, compute_uv=False), 4).tolist()})")


@register_evaluator("orthonormal-exogenous-map", LP, PairedProcess)
def orthonormal_exogenous_map(p) -> tuple[bool, str]:
    p = _base(p)
    if not p.has_exogenous:
        return False, "no exogenous map"
    E = p.G_x.T @ p.G_x - np.eye(p.d_x)
    ok = _small(E)
    return ok, ("U_x^T U_x = I" if ok else f"U_x^T U_x != I (singular values of U_x "
                                         f"{np.round(np.linalg.svd(p.G_x, compute_uv=False), 4).tolist()})")


# --- the LAM and its objective --------------------------------------------------------------------------------
@register_evaluator("lee-linear-lam", LP, PairedProcess)
def lee_linear_lam(p) -> tuple[bool, str]:
    return _plain_lam(_base(p))


@register_evaluator("residual-fdm", LP)
def residual_fdm(p: LinearProcess) -> tuple[bool, str]:
    lam = p.lam
    if lam.learn_A:
        return False, "A is learnable (learn_A=True): a large kappa only approaches A = I"
    bad = [n for n, b in (("tied C = -D", lam.tie_CD), (f"augmentation kappa = {lam.kappa:g}", lam.kappa > 0),
                          ("a fixed representation Phi", lam.Phi is not None)) if b]
    return (not bad), ("A = I fixed, B, C, D learnable" if not bad else "; ".join(bad))


@register_evaluator("fixed-representation", LP)
def fixed_representation(p: LinearProcess) -> tuple[bool, str]:
    lam = p.lam
    if lam.Phi is None:
        return False, "no representation Phi (the LAM works on o)"
    if not lam.learn_A or lam.tie_CD or lam.kappa > 0:
        return False, "the Phi-space LAM must have A, B, C, D learnable (no tie, no augmentation)"
    return True, f"fixed Phi of shape {lam.Phi.shape}"


@register_evaluator("endogenous-representation", LP)
def endogenous_representation(p: LinearProcess) -> tuple[bool, str]:
    Phi = p.lam.Phi
    if Phi is None:
        return False, "no representation Phi"
    PU = Phi @ p.G_x
    if not _small(PU, float(np.abs(Phi).max(initial=0.0))):
        return False, f"Phi U_x != 0 (||Phi U_x|| = {float(np.linalg.norm(PU)):.3g})"
    r = int(np.linalg.matrix_rank(Phi @ p.X, tol=1e-10 * max(1.0, float(np.abs(Phi @ p.X).max(initial=0.0)))))
    if r != p.d_a or p.d_a > p.d_z:
        return False, f"rank(Phi U_a) = {r}, d_a = {p.d_a}, k = {p.d_z}: needs rank d_a <= k"
    return True, f"Phi U_x = 0, rank(Phi U_a) = {r} = d_a <= k = {p.d_z}"


@register_evaluator("action-supervision", LP)
def action_supervision(p: LinearProcess) -> tuple[bool, str]:
    ok, why = _plain_lam(p)
    if not ok:
        return False, why
    w = p.lam.effective_action_weight(p.d_o, p.d_a)
    return True, f"J_lambda with lambda_eff = {w:.6g} (sum units)"


@register_evaluator("paired-contexts", LP, PairedProcess)
def paired_contexts(p) -> tuple[bool, str]:
    if isinstance(p, PairedProcess):
        return True, "two transitions sharing (s_t, a_t), independent (x, xi)" + (" (self + cross)" if p.self_term else
                                                                                  " (cross only)")
    return False, "a single-context process"


# --- Zhang's base model (EX-B*) ---------------------------------------------------------------------------------
@register_evaluator("lee-base-model", LP)
def lee_base_model(p: LinearProcess) -> tuple[bool, str]:
    ok, why = (True, "")
    if not p.lam.learn_A or p.lam.tie_CD or p.lam.Phi is not None:
        return False, "the base LAM has A, B, C, D learnable on o (no tie, no Phi)"
    S_oo = p.cov("o", "o")
    if not _small(S_oo - np.eye(p.d_o)):
        return False, "Cov(o) != I"
    K = p.cov("o_next", "o") - S_oo  # E[(o' - o) o^T] = E[(q + eps) o^T]
    if not _small(K, float(np.abs(p.cov("o_next", "o_next")).max(initial=0.0))):
        return False, f"o correlated with the change q + eps (max |E[(o'-o) o^T]| = {float(np.abs(K).max()):.3g})"
    return ok, "o' = o + q + eps with o uncorrelated with q + eps, Cov(o) = I, zero mean"


@register_evaluator("lee-augmentation", LP)
def lee_augmentation(p: LinearProcess) -> tuple[bool, str]:
    return True, (f"kappa_1, kappa_2 ~ N(0, {p.lam.kappa:g}^2 I), independent of everything" if p.lam.kappa > 0 else
                  "kappa = 0 (the unaugmented objective, the claim's first part)")
