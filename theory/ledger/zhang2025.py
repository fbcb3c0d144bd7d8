"""Ledger: Zhang et al. 2025, *What Do Latent Action Models Actually Learn?* (NeurIPS 2025).

Source: ../shared/papers/zhang2025_linear_lam.md. The paper's prose and proposition statements were
available; its displayed equations were not, so formulas marked ``provenance_note`` are this
project's reconstruction from the surviving inline formulas and the authors' code.

Model (Sec. 3.2): o' = o + q + eps, q = X a; IDM z = C o + D o'; FDM o_hat' = A o + B z;
L(A,B,C,D) = E||o_hat' - o'||^2.
"""

from __future__ import annotations

from theory.claims import Assumption, Claim

P = "zhang2025"

UNCORRELATED_CHANGE = Assumption("uncorrelated-change", "E[o (q+eps)^T] = 0")
LINEAR_MODEL = Assumption(
    "linear-lam", "o' = o + q + eps, q = X a; z = C o + D o'; o_hat' = A o + B z; A,B,C,D unconstrained"
)
BOTTLENECK = Assumption("bottleneck", "1 <= d_z < d_o")
NO_NOISE = Assumption("no-noise", "eps = 0")
ISOTROPIC_NOISE = Assumption("isotropic-noise", "E eps = 0, E[eps eps^T] = sigma^2 I, q independent of eps")
STRUCTURED_NOISE = Assumption("structured-noise", "eps = Y b, b independent of a and o")
CORRELATED_POLICY = Assumption("correlated-policy", "a = Pi_d o + pi_s; o, eps, pi_s mutually uncorrelated; Sigma_o invertible")
AUGMENTATION = Assumption(
    "augmentation", "kappa_1, kappa_2 independent, zero-mean, independent of everything, Cov = sigma_k^2 I"
)
ACTION_LABELS = Assumption("action-labels", "labelled set D_a from the same distribution; E[q^T eps] = 0; eps^T X = 0; d_z >= d_a")
POPULATION_PROBES = Assumption("population-probes", "linear probes with bias, population-optimal; Var = total variance")

CLAIMS: tuple[Claim, ...] = (
    Claim(
        id="ZP-D1", paper=P, where="Sec. 3.2, Eqs. (5)-(6)", provenance="paper", kind="definition",
        provenance_note="LLO formula reconstructed; its maximum 0+1+1=2 is the paper's",
        title="The LLO metric and its optimum",
        statement=(
            "LLO = -E||q_hat-q||^2/Var(q) + E||eps_hat-eps||^2/Var(eps) + E||o_hat-o||^2/Var(o) with linear "
            "probes from z; LLO <= 2, with equality iff z linearly determines q and carries no linear "
            "information about eps or o; with optimal probes LLO lies in [-1, 2]."
        ),
        assumptions=(POPULATION_PROBES,),
    ),
    Claim(
        id="ZP-P1", paper=P, where="Prop. 4.1, App. C.1", provenance="paper",
        provenance_note="Eq. (7) display reconstructed; A = I - B(C+D) is the paper's",
        title="Linear LAM is PCA on the frame change",
        statement=(
            "If E[o (q+eps)^T] = 0, then min_{A,B,C,D} E||o' - A o - B(C o + D o')||^2 = "
            "min_{B,D} E||(BD - I)(q+eps)||^2, attained with A = I - B(C+D)."
        ),
        assumptions=(LINEAR_MODEL, UNCORRELATED_CHANGE),
    ),
    Claim(
        id="ZP-P2", paper=P, where="Prop. 4.2", provenance="paper",
        title="Eckart-Young optimum of the linear LAM",
        statement=(
            "With Sigma_{q+eps} = U Lambda U^T (lambda_1 >= ... >= lambda_{d_o}), under Prop. 4.1's conditions L is "
            "minimised by B = U_{d_z}, D = U_{d_z}^T, so BD is the projector onto the top-d_z principal subspace, "
            "and L* = sum_{i > d_z} lambda_i."
        ),
        assumptions=(LINEAR_MODEL, UNCORRELATED_CHANGE, BOTTLENECK),
    ),
    Claim(
        id="ZP-P3", paper=P, where="Sec. 4.2", provenance="paper",
        provenance_note="only the extra term of the equation for A is quoted; its combination is reconstructed",
        title="A correlated policy breaks the PCA reduction",
        statement=(
            "If a = Pi_d o + pi_s then E[o q^T] != 0, the problem no longer reduces to PCA, and the optimal A differs "
            "from I - B(C+D) by the term Sigma_o Pi_d^T X^T (BD - I)^T Sigma_o^{-1}; more deterministic policies "
            "leave less action information in z."
        ),
        assumptions=(LINEAR_MODEL, CORRELATED_POLICY),
    ),
    Claim(
        id="ZP-P4", paper=P, where="Prop. 4.3, App. C.2", provenance="paper",
        provenance_note="the expectation identity L_aug = L + s^2||A-I||^2 + s^2||B(C+D)||^2 is reconstructed",
        title="Data augmentation removes the over-parameterisation",
        statement=(
            "With augmentation (kappa_1 on both IDM inputs, kappa_2 on FDM input and target) and E[o (q+eps)^T] = 0, "
            "optimising loss (1) gives A = I and C + D = 0, so z = D(q+eps) carries no information about o."
        ),
        assumptions=(LINEAR_MODEL, UNCORRELATED_CHANGE, AUGMENTATION),
    ),
    Claim(
        id="ZP-P5", paper=P, where="Prop. 4.4, App. C.3", provenance="paper",
        provenance_note="the L_a decomposition and the lambda -> infinity minimiser are reconstructed",
        title="Action prediction can denoise",
        statement=(
            "Under Prop. 4.3's conditions, E[q^T eps] = 0, eps^T X = 0 and d_z >= d_a, optimising "
            "L_a = E||o_hat'-o'||^2 + lambda E||E z - a||^2 biases the encoder perpendicular to the noise; as "
            "lambda -> infinity the optimum is a 'perfect LAM' with D eps = 0 and B z = q."
        ),
        assumptions=(LINEAR_MODEL, AUGMENTATION, ACTION_LABELS),
    ),
    Claim(
        id="ZP-O1", paper=P, where="Sec. 4.1", provenance="paper",
        title="Over-parameterisation: z may carry o",
        statement=(
            "Many (A,B,C,D) minimise L; z = C o + D o' may contain information about o without hurting reconstruction "
            "because A compensates: B(C o + D o') = (q+eps) + alpha o with A = (1-alpha) I is optimal for every alpha."
        ),
        assumptions=(LINEAR_MODEL, UNCORRELATED_CHANGE),
    ),
    Claim(
        id="ZP-C1", paper=P, where="Sec. 4.1, Case 1", provenance="paper", kind="case",
        title="No noise: the latent recovers the action subspace",
        statement=(
            "With eps = 0: Sigma_q = X E[aa^T] X^T has d_a nonzero eigenvalues; d_z >= d_a gives L* = 0 and optimal "
            "LLO; d_z = d_a gives span(B) = span(X); d_z < d_a gives L* > 0 and the first d_z components of q."
        ),
        assumptions=(LINEAR_MODEL, UNCORRELATED_CHANGE, NO_NOISE),
    ),
    Claim(
        id="ZP-C2", paper=P, where="Sec. 4.1, Case 2", provenance="paper", kind="case",
        title="Isotropic noise leaves the learned subspace unchanged",
        statement=(
            "With E[eps eps^T] = sigma^2 I and q independent of eps, Sigma_{q+eps} = U_0 (Lambda_0 + sigma^2 I) U_0^T: "
            "the eigenvectors, hence B and the latent's semantics, are unchanged and the loss increases; linear LAM "
            "is robust up to sigma ~ 0.5 (Fig. 3 middle)."
        ),
        assumptions=(LINEAR_MODEL, UNCORRELATED_CHANGE, ISOTROPIC_NOISE),
    ),
    Claim(
        id="ZP-C3", paper=P, where="Sec. 4.1, Case 3", provenance="paper", kind="case",
        title="Structured noise with larger variance is captured instead of the action",
        statement=(
            "With eps = Y b: the latent captures the largest-variance effects; non-orthogonal Y and X affect B; "
            "sigma_exo < sigma_q keeps d_z = d_a optimal; sigma_exo > sigma_q makes the latent fit the noise first "
            "and fail to exclude it whatever d_z."
        ),
        assumptions=(LINEAR_MODEL, UNCORRELATED_CHANGE, STRUCTURED_NOISE),
    ),
    Claim(
        id="ZP-E1", paper=P, where="Fig. 3 left", provenance="paper", kind="experiment",
        title="No noise: LLO optimal when d_z >= d_a",
        statement="With eps = 0, the trained linear LAM is optimal in LLO when d_z >= d_a (d_a in 2..16, d_z in 1..16).",
    ),
    Claim(
        id="ZP-E2", paper=P, where="Fig. 3 middle", provenance="paper", kind="experiment",
        title="Robust to i.i.d. noise up to sigma ~ 0.5",
        statement="With i.i.d. Gaussian noise (d_a = 8), the LLO gap to the optimum is negligible up to sigma ~ 0.5.",
    ),
    Claim(
        id="ZP-E3", paper=P, where="Fig. 3 right", provenance="paper", kind="experiment",
        title="Other-agent noise: sigma_exo = 0.5 fine, 2.0 fails",
        statement="sigma_exo = 0.5 makes d_z = d_a optimal; sigma_exo = 2.0 makes the LAM fail for every d_z.",
    ),
    Claim(
        id="ZP-E4", paper=P, where="Fig. 4 left", provenance="paper", kind="experiment",
        title="More deterministic policy, less action information",
        statement="As the policy determinism chi grows from 0 to 1, z carries less information about a (lower LLO).",
    ),
    Claim(
        id="ZP-E5", paper=P, where="Fig. 4 middle", provenance="paper", kind="experiment",
        title="Augmentation |kappa| = 0.1 gives close-to-ideal LLO",
        statement="With augmentation |kappa| = 0.1 the trained linear LAM reaches close-to-ideal LLO.",
    ),
    Claim(
        id="ZP-E6", paper=P, where="Fig. 4 right", provenance="paper", kind="experiment",
        title="1% action labels rescue sigma_exo = 2.0",
        statement="With sigma_exo = 2.0, 1% of action labels leads to successful learning (unlike Fig. 3 right).",
    ),
    Claim(
        id="ZP-E7", paper=P, where="Sec. 5, Table 1", provenance="paper", kind="experiment",
        title="Non-linear grid-world LAM agrees qualitatively",
        statement=(
            "In the 4x4 grid world with a VQ LAM (codebook 5): more noise and a correlated policy give less action and "
            "more noise information; augmentation and 1% action prediction help (Table 1 orderings)."
        ),
    ),
)
