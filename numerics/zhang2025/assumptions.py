"""Executable assumptions of Zhang et al. 2025: one evaluator per ledger assumption (theory/ledger/zhang2025.py).

Each evaluator is ``holds(p: LinearProcess) -> (bool, reason)``; the reason carries the number that
decided it. They define every Zhang claim's domain three times (`theory.assumptions`): the hypothesis
strategies draw inside them (`numerics.zhang2025.strategies`), the audit re-validates every witness
against them, and `lamcheck check` answers them for a user's process.

Zhang's model (Sec. 3.2) is o' = o + q + eps, q = X a, with eps the whole non-action part of the frame
change: in `LinearProcess` terms, no exogenous block (G_x = 0: then o' - o = X a + eps exactly) and the
LAM on o itself (no representation Phi). Tolerances: every test compares a norm of a product of the
process's factors with ``TOL * scale`` (scale = 1 + the largest factor entry squared), TOL = 1e-10:
the products are exact up to float64 round-off (~1e-15 relative), and the strategies' integer factors
make every violated condition at least 1e-3 away.
"""

from __future__ import annotations

import numpy as np

from numerics.processes import LinearProcess
from theory.assumptions import register_evaluator

TOL = 1e-10


def _scale(*Ms: np.ndarray) -> float:
    return 1.0 + max((float(np.max(np.abs(M))) ** 2 for M in Ms if M.size), default=0.0)


def _norm(M: np.ndarray) -> float:
    return float(np.max(np.abs(M))) if M.size else 0.0


def _tr(p: LinearProcess, name: str) -> float:
    return float(np.trace(p.cov(name, name)))


def effective_weight(p: LinearProcess) -> float:
    """The action-loss weight in per-sample-sum units (`LAMConfig.effective_action_weight`)."""
    return p.lam.effective_action_weight(p.d_o, p.d_a)


@register_evaluator("zp-linear-model", LinearProcess)
def linear_model(p: LinearProcess) -> tuple[bool, str]:
    if p.lam.Phi is not None:
        return False, "the LAM reads a representation Phi o, not o (Zhang's LAM works on o)"
    g = _norm(p.G_x)
    if g > 0:
        return False, f"exogenous block present (max |G_x| = {g:.3g}): o' - o is not X a + eps with eps independent of o"
    return True, "o' = o + X a + eps, LAM on o (no exogenous block, no representation)"


@register_evaluator("zp-reconstruction-loss", LinearProcess)
def reconstruction_loss(p: LinearProcess) -> tuple[bool, str]:
    lam = p.lam
    if not lam.learn_A:
        return False, "A is fixed to I (loss (4) optimises A)"
    if lam.tie_CD:
        return False, "C is tied to -D (loss (4) leaves C free)"
    if lam.kappa > 0:
        return False, f"augmentation kappa = {lam.kappa:g} > 0 (loss (4) has none)"
    w = effective_weight(p)
    if w > 0:
        return False, f"action head with effective weight {w:.3g} > 0 (loss (4) has none)"
    return True, "loss (4): E||o_hat' - o'||^2 over free A, B, C, D"


@register_evaluator("zp-uncorrelated-change", LinearProcess)
def uncorrelated_change(p: LinearProcess) -> tuple[bool, str]:
    K = p.cov("o", "delta")
    x = _norm(K)
    tol = TOL * _scale(p.F_o, p.X, p.Pi)
    return x <= tol, (f"E[o (q+eps)^T] = 0 (max entry {x:.1e})" if x <= tol else f"max |E[o (q+eps)^T]| = {x:.3g} > 0")


@register_evaluator("zp-bottleneck", LinearProcess)
def bottleneck(p: LinearProcess) -> tuple[bool, str]:
    ok = 1 <= p.d_z < p.d_o
    return ok, f"d_z = {p.d_z}, d_o = {p.d_o}"


@register_evaluator("zp-no-noise", LinearProcess)
def no_noise(p: LinearProcess) -> tuple[bool, str]:
    x = _norm(p.F_e)
    return x == 0.0, ("eps = 0" if x == 0.0 else f"noise present (max |F_e| = {x:.3g})")


def isotropic_level(p: LinearProcess) -> float | None:
    """sigma^2 if Sigma_eps = sigma^2 I with sigma > 0, else None."""
    S = p.Sigma_eps
    s2 = float(np.trace(S)) / p.d_o
    if s2 <= 0 or _norm(S - s2 * np.eye(p.d_o)) > TOL * _scale(p.F_e):
        return None
    return s2


@register_evaluator("zp-isotropic-noise", LinearProcess)
def isotropic_noise(p: LinearProcess) -> tuple[bool, str]:
    s2 = isotropic_level(p)
    if s2 is None:
        S = p.Sigma_eps
        if not np.any(S):
            return False, "no noise (sigma = 0)"
        w = np.linalg.eigvalsh(S)
        return False, f"Sigma_eps is not a multiple of I (eigenvalues {w.min():.3g} .. {w.max():.3g})"
    c = _norm(p.cov("q", "eps"))
    if c > TOL * _scale(p.X, p.F_e):
        return False, f"q and eps correlated (max |E[q eps^T]| = {c:.3g})"
    return True, f"Sigma_eps = {s2:.4g} I, E[q eps^T] = 0"


@register_evaluator("zp-structured-noise", LinearProcess)
def structured_noise(p: LinearProcess) -> tuple[bool, str]:
    # eps = F_e b with b = n_e: Y = F_e; b must be independent of a and o (independent sources here).
    c = max(_norm(p.cov("b", "a")), _norm(p.cov("b", "o")))
    ok = c <= TOL * _scale(p.F_o, p.F_a, p.Pi)
    return ok, (f"eps = Y b with Y = F_e ({p.d_e} columns), b independent of a and o" if ok
                else f"b correlated with a or o (max {c:.3g})")


@register_evaluator("zp-correlated-policy", LinearProcess)
def correlated_policy(p: LinearProcess) -> tuple[bool, str]:
    if p.chi <= 0 or not np.any(p.Pi):
        return False, f"no deterministic policy part (chi = {p.chi:g}, max |Pi| = {_norm(p.Pi):.3g})"
    lam_min = float(np.linalg.eigvalsh(p.Sigma_o)[0])
    if lam_min <= TOL * _scale(p.F_o):
        return False, f"Sigma_o singular (smallest eigenvalue {lam_min:.3g})"
    c = max(_norm(p.cov("pi_s", "o")), _norm(p.cov("pi_s", "eps")), _norm(p.cov("o", "eps")))
    if c > TOL * _scale(p.F_o, p.F_a, p.F_e):
        return False, f"o, eps, pi_s correlated (max cross-covariance {c:.3g})"
    return True, (f"a = Pi_d o + pi_s with Pi_d = chi Pi (chi = {p.chi:g}), o, eps, pi_s uncorrelated, "
                  f"lambda_min(Sigma_o) = {lam_min:.3g} > 0")


@register_evaluator("zp-augmentation", LinearProcess)
def augmentation(p: LinearProcess) -> tuple[bool, str]:
    lam = p.lam
    if lam.kappa <= 0:
        return False, "no augmentation (kappa = 0)"
    if not lam.learn_A or lam.tie_CD:
        return False, "A fixed or C tied to -D (Prop. 4.3 optimises free A, B, C, D)"
    return True, f"kappa_1, kappa_2 ~ N(0, {lam.kappa:g}^2 I), independent of everything"


@register_evaluator("zp-no-action-head", LinearProcess)
def no_action_head(p: LinearProcess) -> tuple[bool, str]:
    w = effective_weight(p)
    return w == 0.0, ("no action loss" if w == 0.0 else f"action head with effective weight {w:.3g}")


@register_evaluator("zp-action-labels", LinearProcess)
def action_labels(p: LinearProcess) -> tuple[bool, str]:
    w = effective_weight(p)
    if w <= 0:
        return False, "no action loss (effective weight 0)"
    if p.d_z < p.d_a:
        return False, f"d_z = {p.d_z} < d_a = {p.d_a}"
    sc = _scale(p.X, p.F_e)
    xe = _norm(p.X.T @ p.F_e)
    if xe > TOL * sc:
        return False, f"eps^T X != 0 (max |X^T F_e| = {xe:.3g})"
    qe = abs(float(np.trace(p.cov("q", "eps"))))
    if qe > TOL * sc:
        return False, f"E[q^T eps] = {qe:.3g} != 0"
    return True, f"action loss weight {w:.4g} (labels from the same process), eps^T X = 0, E[q^T eps] = 0, d_z >= d_a"


@register_evaluator("zp-population-probes", LinearProcess)
def population_probes(p: LinearProcess) -> tuple[bool, str]:
    return True, "probes are the population-optimal linear maps with bias (closed form from the source maps)"


@register_evaluator("zp-llo-defined", LinearProcess)
def llo_defined(p: LinearProcess) -> tuple[bool, str]:
    tq, to = _tr(p, "q"), _tr(p, "o")
    ok = tq > TOL and to > TOL
    return ok, f"Var(q) = {tq:.4g}, Var(o) = {to:.4g}" + ("" if ok else " (LLO divides by both)")


def action_rank(p: LinearProcess) -> int:
    """rank(X E[a a^T] X^T), decided at relative 1e-9 (integer factors: nonzero eigenvalues >= ~1e-3)."""
    S = p.cov("q", "q")
    w = np.linalg.eigvalsh((S + S.T) / 2)
    return int(np.sum(w > 1e-9 * max(1.0, float(np.abs(w).max(initial=0.0)))))


@register_evaluator("zp-full-rank-action-effect", LinearProcess)
def full_rank_action_effect(p: LinearProcess) -> tuple[bool, str]:
    r = action_rank(p)
    return r == p.d_a, f"rank(X E[aa^T] X^T) = {r}, d_a = {p.d_a}"


@register_evaluator("zp-action-noise-uncorrelated", LinearProcess)
def action_noise_uncorrelated(p: LinearProcess) -> tuple[bool, str]:
    c = _norm(p.cov("a", "eps"))
    ok = c <= TOL * _scale(p.F_a, p.F_e, p.Pi)
    return ok, (f"E[a eps^T] = 0 (max {c:.1e})" if ok else f"max |E[a eps^T]| = {c:.3g}")
