"""Numeric and convex checks of EX-T3, EX-T4, EX-T4a..d, EX-T6 (Lee et al. 2026) and the aggregated
paper-level EX-C1..EX-C3.

ALL EX-T* STATEMENTS ARE THIS PROJECT'S RECONSTRUCTION (``reconstructed``); EX-C1..C3 are the abstract's
claims (``paper-abstract``) checked only through these reconstructed counterparts. The paper's formal body
was unavailable. Loss/PCA: shared `numerics.linear_lam`; probes: `numerics.probes`; Fantope certificate:
shared `numerics.certificates.fantope_bound`.

Supervised objective (brief §2.4): J = L_rec + lam E||a - W_z z||^2. With A absorbing the o-terms and
W_z (C + D P) = 0 it is the rank-k reduced-rank regression of y = [r; sqrt(lam) a] on r.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from hypothesis import strategies as st

from numerics import linear_lam as ll
from numerics.certificates import fantope_bound
from numerics.lee2026 import model as m
from numerics.lee2026.leakage import PROBE_TOL, RECON, ZERO_TOL, leak_at
from numerics.search import DEFAULT_EXAMPLES, search_counterexample
from theory.checks import CheckContext, CheckResult, FigureSpec, Series, judged, register_check

Array = np.ndarray


# --- reduced-rank regression ------------------------------------------------------------------------
@dataclass(frozen=True)
class RRR:
    value: float  # tr Sigma_y - sum of top-k eigenvalues of S_yr Sigma_r^+ S_ry
    mus: Array  # eigenvalues of S_yr Sigma_r^+ S_ry, descending (= generalised eigenvalues of (N, Sigma_r))
    V: Array  # top-k eigenvectors
    D: Array  # latent map on r: z = D r = V^T S_yr Sigma_r^+ r
    gap: float


def rrr(Sigma_r: Array, S_yr: Array, tr_Sy: float, k: int) -> RRR:
    Sp = np.linalg.pinv(Sigma_r, rcond=1e-10, hermitian=True)
    K = S_yr @ Sp @ S_yr.T
    w, V = np.linalg.eigh((K + K.T) / 2)
    w, V = w[::-1], V[:, ::-1]
    gap = float(w[k - 1] - w[k]) if k < len(w) else float("inf")
    return RRR(tr_Sy - float(np.sum(w[:k])), w, V[:, :k], V[:, :k].T @ S_yr @ Sp, gap)


def supervised_rrr(proc: m.ExoProcess, k: int, lam: float) -> RRR:
    S_yr = np.vstack([proc.Sigma_r, np.sqrt(lam) * proc.Sigma_a @ proc.U_a.T])
    return rrr(proc.Sigma_r, S_yr, float(np.trace(proc.Sigma_r) + lam * np.trace(proc.Sigma_a)), k)


def supervised_J(proc: m.ExoProcess, A: Array, B: Array, C: Array, D: Array, Wz: Array, lam: float) -> float:
    """J = L_rec (shared lam_loss) + lam E||a - W_z z||^2 (source-model covariance)."""
    src = proc.source
    T = src.T("a") - Wz @ (C @ src.T("o") + D @ src.T("o_next"))
    return ll.lam_loss(A, B, C, D, proc.moments()) + lam * float(np.trace(T @ T.T))


def supervised_optimum(proc: m.ExoProcess, k: int, lam: float) -> tuple[m.LinearLAM, Array, RRR]:
    """Constructed minimiser: D_o = RRR D, C = -D_o P (so C + D P = 0), B = V[:d_o], W_z = V[d_o:]/sqrt(lam)."""
    R = supervised_rrr(proc, k, lam)
    D = R.D
    C = -D @ proc.P
    B = R.V[: proc.d_o]
    Wz = R.V[proc.d_o:] / np.sqrt(lam) if lam > 0 else np.zeros((proc.d_a, k))
    return m.lam_from_encoder(proc, B, C, D), Wz, R


# --- EX-T4 ----------------------------------------------------------------------------------------
def t4_value_violation(x: tuple[tuple[m.ExoProcess, int], float]) -> tuple[float, str]:
    """RRR value attained by the constructed parameters and not beaten by random (B, C, D, W_z) with A optimal;
    mus == generalised eigenvalues of (N, Sigma_r), N = Sigma_r^2 + lam U_a Sigma_a^2 U_a^T."""
    (proc, k), lam = x
    tol = 1e-8 * m.scale_of(proc) * (1 + lam) * proc.d_o
    lamm, Wz, R = supervised_optimum(proc, k, lam)
    err = abs(supervised_J(proc, lamm.A, lamm.B, lamm.C, lamm.D, Wz, lam) - R.value)
    rng = np.random.default_rng(5)
    B, C, D = rng.normal(size=(proc.d_o, k)), rng.normal(size=(k, proc.d_o)), rng.normal(size=(k, proc.d_o))
    Wr = rng.normal(size=(proc.d_a, k))
    below = R.value - supervised_J(proc, m.lam_from_encoder(proc, B, C, D).A, B, C, D, Wr, lam)
    N = proc.Sigma_r @ proc.Sigma_r + lam * proc.U_a @ proc.Sigma_a @ proc.Sigma_a @ proc.U_a.T
    w, V = np.linalg.eigh(proc.Sigma_r)
    keep = w > 1e-9 * max(1.0, w[-1])
    Wh = V[:, keep] / np.sqrt(w[keep])
    gen = np.sort(np.linalg.eigvalsh(Wh.T @ N @ Wh))[::-1]
    nz = R.mus[R.mus > 1e-9 * max(1.0, R.mus[0])]
    gerr = float(np.max(np.abs(np.sort(nz)[::-1] - gen[: len(nz)]))) if len(nz) else 0.0
    return max(err, below, gerr) - tol, f"|J(constructed)-value|={err:.2e}, value-J(random)={below:.2e}, |mu - gen.eig|={gerr:.2e}"


LAMBDAS = (0.0, 0.25, 1.0, 2.5, 8.0, 16.0)


def t4_instances(isotropic: bool = False):
    return st.tuples(m.exo_processes(isotropic=isotropic), st.sampled_from(LAMBDAS[1:]))


@st.composite
def iso_orthonormal(draw, unit_actions: bool):
    """A6 (orthonormal G), isotropic sigma_a, sigma_xi in {1,2,3}, k = d_a <= d_s; W orthonormal columns
    (``unit_actions``) or any integer W; lam on a grid (exact ties lam = lam* skipped and counted)."""
    d_s, d_x = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    d_a = draw(st.integers(1, d_s))
    d_o = d_s + d_x + draw(st.integers(0, 2))
    E = np.eye(d_o)
    if unit_actions:
        W = E[:d_s, :d_a] if d_s > 0 else None
    else:
        from numerics.instances import int_matrices

        W = draw(int_matrices(d_s, d_a))
    sa = draw(st.sampled_from((1.0, 2.0, 3.0)))
    sx = draw(st.sampled_from(tuple(v for v in (1.0, 2.0, 3.0) if v != sa)))  # ISOTROPIC: sigma_a != sigma_xi
    lam = draw(st.sampled_from(LAMBDAS))
    proc = m.ExoProcess(E[:, :d_s], E[:, d_s:d_s + d_x], W, 0.5 * np.eye(d_x), sa * np.eye(d_a), sx * np.eye(d_x))
    return proc, d_a, lam, sa, sx


def exo_free(proc: m.ExoProcess, k: int, lam: float) -> tuple[bool, m.Metrics, float]:
    lamm, Wz, R = supervised_optimum(proc, k, lam) if lam > 0 else (m.pca_lam(proc, k), None, ll.pca_optimum(proc.Sigma_r, k))
    met = m.metrics(proc, lamm.C, lamm.D)
    free = met.leak < ZERO_TOL and met.S_xi < ZERO_TOL and met.S_x < ZERO_TOL and met.nmse_a_z < PROBE_TOL
    return free, met, R.gap


def t4_threshold_violation(x, repaired: bool = False) -> tuple[float, str]:
    proc, k, lam, sa, sx = x
    free, met, gap = exo_free(proc, k, lam)
    if gap <= 1e-9:
        return -1.0, "tie (skipped)"
    if repaired:
        # action generalised eigenvalues are sigma_a^2 (s_i^2 + lam), s_i the singular values of U_a
        s_min = np.linalg.svd(proc.U_a, compute_uv=False)[k - 1] if min(proc.U_a.shape) >= k else 0.0
        beta = np.max(np.linalg.eigvalsh(proc.U_x @ proc.Sigma_xi @ proc.U_x.T))
        pred = s_min > 1e-9 and sa**2 * (s_min**2 + lam) > beta
    else:
        pred = lam > sx**2 / sa**2 - 1
    return (1.0 if pred != free else -1.0), (f"lam={lam}, lam*={sx**2 / sa**2 - 1:.3g}: predicted exogenous-free={pred}, "
                                             f"optimum exogenous-free={free} (leak={met.leak:.3g}, S_xi={met.S_xi:.3g}, "
                                             f"S_x={met.S_x:.3g}, NMSE(a|z)={met.nmse_a_z:.3g})")


def _lambda_figure(seed: int) -> FigureSpec:
    lams = list(np.linspace(0, 6, 61))
    series = []
    for sx in (1.5, 2.0):
        proc = m.orthonormal_process(16, 4, 4, 3, 1.0, sx, seed=seed)
        series.append(Series(f"sigma_xi={sx}: E_leak (closed form)", lams,
                             [exo_free(proc, 3, float(l_))[1].leak if l_ > 0 else leak_at(proc, 3) for l_ in lams], style="-"))
    return FigureSpec(name="lee2026_lambda_threshold", title="EX-T4: leakage of the supervised optimum vs lambda",
                      xlabel="lambda", ylabel="E_leak", series=tuple(series),
                      caption="d_o=16, d_s=d_x=4, d_a=k=3, sigma_a=1, A6; threshold lambda* = sigma_xi^2/sigma_a^2 - 1 "
                              "(1.25 and 3). Closed form (RRR).")


@register_check("EX-T4", "numeric", "RRR value/eigenvalues (hypothesis) and the threshold lambda* as written")
def ex_t4_numeric(ctx: CheckContext) -> CheckResult:
    n = DEFAULT_EXAMPLES[ctx.scale]
    val = search_counterexample(t4_instances(), t4_value_violation, max_examples=n)
    thr = search_counterexample(iso_orthonormal(False), t4_threshold_violation, max_examples=n)
    ok = not val.found and not thr.found
    detail = RECON + (f"RRR value/generalised eigenvalues: {val.examples} instances"
                      + (" OK" if not val.found else f" VIOLATED ({val.detail})")
                      + "; threshold (A6, isotropic, k = d_a, any integer W): "
                      + ("holds" if not thr.found else f"FAILS: {thr.detail}. lambda* = sigma_xi^2/sigma_a^2 - 1 assumes the "
                         "action directions have eigenvalue sigma_a^2, i.e. U_a = G_s W with orthonormal columns; a scaled "
                         "or rank-deficient W changes the action eigenvalues"))
    ce = None
    if thr.found:
        proc, k, lam, sa, sx = thr.counterexample
        ce = m.process_json(proc, k) | {"lambda": lam, "sigma_a": sa, "sigma_xi": sx, "violation": thr.detail}
    elif val.found:
        (proc, k), lam = val.counterexample
        ce = m.process_json(proc, k) | {"lambda": lam, "violation": val.detail}
    return judged("numeric", ok, detail, counterexample=ce, measured={"value_instances": val.examples},
                  figures=(_lambda_figure(ctx.seed),))


@register_check("EX-T4", "numeric", "repair: exogenous-free iff sigma_a^2 (s_min(U_a)^2 + lam) > beta_1 (lam* when U_a, U_x orthonormal)",
                target="repair")
def ex_t4_repair_numeric(ctx: CheckContext) -> CheckResult:
    n = DEFAULT_EXAMPLES[ctx.scale]
    thr = search_counterexample(iso_orthonormal(False), lambda x: t4_threshold_violation(x, True), max_examples=n)
    unit = search_counterexample(iso_orthonormal(True), t4_threshold_violation, max_examples=n)
    ok = not thr.found and not unit.found
    return judged("numeric", ok, RECON + (f"{thr.examples} instances (any integer W): optimum exogenous-free iff "
                  f"rank U_a = k and sigma_a^2 (s_min(U_a)^2 + lam) > lambda_max(U_x Sigma_xi U_x^T); {unit.examples} instances with orthonormal U_a: iff lam > sigma_xi^2/sigma_a^2 - 1 "
                  "(exact ties lam = lam* skipped: there every mixture is optimal)" if ok else f"{thr.detail}; {unit.detail}"),
                  counterexample=None if ok else {"violation": thr.detail or unit.detail},
                  measured={"instances": thr.examples + unit.examples})


def t4_convex_violation(x) -> tuple[float, str]:
    (proc, k), lam = x
    R = supervised_rrr(proc, k, lam)
    N = proc.Sigma_r @ proc.Sigma_r + lam * proc.U_a @ proc.Sigma_a @ proc.Sigma_a @ proc.U_a.T
    w, V = np.linalg.eigh(proc.Sigma_r)
    keep = w > 1e-9 * max(1.0, w[-1])
    Wh = V[:, keep] / np.sqrt(w[keep])
    K = Wh.T @ N @ Wh  # whitened on range(Sigma_r)
    kk = min(k, K.shape[0])
    if kk == 0:
        return -1.0, "Sigma_r = 0"
    cert = fantope_bound(K, kk)
    top = float(np.sum(R.mus[:k]))
    err = abs(cert.primal_value - top)
    return max(err - cert.tol, 0.0 if cert.certified else 1.0), f"certified={cert.certified}, |SDP - sum top-k mu| = {err:.2e}, tol {cert.tol:.1e}"


@register_check("EX-T4", "convex", "whitened Fantope SDP certified; value = sum of top-k generalised eigenvalues")
def ex_t4_convex(ctx: CheckContext) -> CheckResult:
    n = 25 if ctx.scale == "ci" else 200
    out = search_counterexample(st.tuples(m.exo_processes(max_d=2), st.sampled_from(LAMBDAS[1:])), t4_convex_violation,
                                max_examples=n)
    return judged("convex", not out.found, RECON + (f"{out.examples} instances: primal/dual/gap certified and equal to "
                  "sum_{i<=k} mu_i" if not out.found else out.detail),
                  counterexample={"violation": out.detail} if out.found else None, measured={"instances": out.examples})


# --- EX-T4a / EX-T4b ------------------------------------------------------------------------------
@register_check("EX-T4a", "numeric", "L_rec identical for different C while dz/dx_t differs")
def ex_t4a_numeric(ctx: CheckContext) -> CheckResult:
    proc = m.orthonormal_process(16, 4, 4, 3, 1.0, 0.7, seed=ctx.seed)
    rng = np.random.default_rng(ctx.seed)
    rows = []
    for scale in (0.0, 0.1, 1.0, 3.0):
        lam = m.pca_lam(proc, 3, C_extra=scale * rng.normal(size=(3, 16)))
        met = m.metrics(proc, lam.C, lam.D)
        rows.append((scale, m.loss(proc, lam), met.S_x, met.nmse_x_z))
    spread = max(r[1] for r in rows) - min(r[1] for r in rows)
    sx = [r[2] for r in rows]
    ok = spread < 1e-10 and sx[0] < 1e-12 and min(sx[1:]) > 0.1
    return judged("numeric", ok, RECON + f"C_extra scale (0,0.1,1,3): loss spread {spread:.1e}, S_x = {np.round(sx, 3).tolist()}: "
                  "the optimum set contains latents with any x_t-sensitivity (which one training reaches depends on "
                  "initialisation/optimiser, not on the optimum)", measured={"rows": rows})


@register_check("EX-T4b", "numeric", "k > d_a with supervision: readout consistent, spare dimension holds xi")
def ex_t4b_numeric(ctx: CheckContext) -> CheckResult:
    rows = []
    ok = True
    for sx in (0.5, 2.0):
        proc = m.orthonormal_process(16, 4, 4, 3, 1.0, sx, seed=ctx.seed)
        lamm, Wz, R = supervised_optimum(proc, 4, 8.0)
        met = m.metrics(proc, lamm.C, lamm.D)
        read = np.linalg.norm(Wz @ lamm.D @ proc.U_x)
        # a second minimiser: add x_t-dependence in the spare direction (kernel of W_z): same J
        ker = np.linalg.svd(Wz)[2][-1:].T  # k x 1, W_z ker = 0
        C2 = lamm.C + ker @ np.ones((1, 16))
        A2 = m.lam_from_encoder(proc, lamm.B, C2, lamm.D).A
        dJ = abs(supervised_J(proc, A2, lamm.B, C2, lamm.D, Wz, 8.0) - R.value)
        Sx2 = m.metrics(proc, C2, lamm.D).S_x
        rows.append({"sigma_xi": sx, "leak": met.leak, "readout_dxi": float(read), "J_shift": dJ, "S_x_second": Sx2})
        ok &= met.leak > 0.1 and read < 1e-9 and dJ < 1e-9 and Sx2 > 0.1
    return judged("numeric", ok, RECON + f"lam=8, k=d_a+1=4: {rows}. The spare dimension carries xi (leak>0) while "
                  "W_z z is xi-free; x_t-dependence in the spare dimension is allowed (same J), not forced.",
                  counterexample=None if ok else {"rows": rows}, measured={"rows": rows})


# --- EX-T4c -----------------------------------------------------------------------------------------
@st.composite
def overlap_raw(draw):
    from numerics.instances import int_matrices

    d_o, d_a, d_x = draw(st.integers(1, 4)), draw(st.integers(1, 3)), draw(st.integers(1, 3))
    return (draw(int_matrices(d_o, d_a)), draw(int_matrices(d_o, d_x)), draw(int_matrices(d_a, d_a)),
            draw(int_matrices(d_x, d_x)))


def t4c_quantities(x):
    U_a, U_x, F_a, F_x = x
    Sa, Sx = F_a @ F_a.T, F_x @ F_x.T
    Sr = U_a @ Sa @ U_a.T + U_x @ Sx @ U_x.T
    Sp = np.linalg.pinv(Sr, rcond=1e-10, hermitian=True)
    floor = float(np.trace(Sa - Sa @ U_a.T @ Sp @ U_a @ Sa))
    # probe: a = F_a e_a, r = U_a F_a e_a + U_x F_x e_x
    Ta = np.hstack([F_a, np.zeros((F_a.shape[0], F_x.shape[1]))])
    Tr = np.hstack([U_a @ F_a, U_x @ F_x])
    from numerics.probes import nmse

    probe = nmse(Ta @ Ta.T, Ta @ Tr.T, Tr @ Tr.T) * float(np.trace(Sa)) if np.trace(Sa) > 0 else 0.0
    xi_coef = float(np.linalg.norm(Sa @ U_a.T @ Sp @ U_x @ F_x))
    ident = np.linalg.matrix_rank(np.hstack([U_a, U_x])) == U_a.shape[1] + U_x.shape[1]
    return floor, probe, xi_coef, ident


def t4c_claim_violation(x):
    U_a, U_x, F_a, F_x = x
    if float(np.linalg.norm(U_x @ F_x)) == 0.0:
        return -1.0, "no exogenous innovation (outside the claim's intent)"
    floor, probe, xi_coef, ident = t4c_quantities(x)
    tol = 1e-7 * max(1.0, probe)
    if abs(floor - probe) > tol:
        return 1.0, f"floor {floor:.4g} != probe {probe:.4g}"
    if floor > tol and xi_coef <= ZERO_TOL:
        return 1.0, f"a not identifiable (floor {floor:.3g}) but E[a|r] does not depend on xi"
    if ident and (floor > tol or xi_coef > ZERO_TOL):
        return 1.0, f"identifiable but floor {floor:.3g}, xi coefficient {xi_coef:.3g}"
    return -1.0, "ok"


def t4c_repair_violation(x):
    floor, probe, xi_coef, ident = t4c_quantities(x)
    U_a, U_x, F_a, F_x = x
    tol = 1e-7 * max(1.0, probe)
    Sa = F_a @ F_a.T
    Sr = U_a @ Sa @ U_a.T + U_x @ F_x @ F_x.T @ U_x.T
    cond = float(np.linalg.norm(Sa @ U_a.T @ np.linalg.pinv(Sr, rcond=1e-10, hermitian=True) @ U_x @ F_x)) > ZERO_TOL
    if abs(floor - probe) > tol or (ident and (floor > tol or xi_coef > ZERO_TOL)):
        return 1.0, f"floor {floor:.4g} probe {probe:.4g} ident {ident} xi {xi_coef:.3g}"
    return -1.0, "ok" if cond == (xi_coef > ZERO_TOL) else "cond mismatch"


@register_check("EX-T4c", "numeric", "floor formula; non-identifiable => readout depends on xi (as written)")
def ex_t4c_numeric(ctx: CheckContext) -> CheckResult:
    out = search_counterexample(overlap_raw(), t4c_claim_violation, max_examples=DEFAULT_EXAMPLES[ctx.scale])
    ce = None
    if out.found:
        U_a, U_x, F_a, F_x = out.counterexample
        ce = {"U_a": U_a.tolist(), "U_x": U_x.tolist(), "Sigma_a": (F_a @ F_a.T).tolist(),
              "Sigma_xi": (F_x @ F_x.T).tolist(), "violation": out.detail}
    return judged("numeric", not out.found, RECON + (f"{out.examples} instances: holds" if not out.found else
                  f"fails: {out.detail}. Non-identifiability can come from the action itself (U_a Sigma_a rank-deficient, "
                  "e.g. an action with no effect), not from xi; then E[a|r] need not depend on xi."),
                  counterexample=ce, measured={"instances": out.examples})


@register_check("EX-T4c", "numeric", "repair: floor formula; readout depends on xi iff Sigma_a U_a^T Sigma_r^+ U_x Sigma_xi^(1/2) != 0; "
                "identifiable => xi-free", target="repair")
def ex_t4c_repair_numeric(ctx: CheckContext) -> CheckResult:
    out = search_counterexample(overlap_raw(), t4c_repair_violation, max_examples=DEFAULT_EXAMPLES[ctx.scale])
    return judged("numeric", not out.found, RECON + (f"{out.examples} instances: holds" if not out.found else out.detail),
                  counterexample={"violation": out.detail} if out.found else None, measured={"instances": out.examples})


# --- EX-T4d ------------------------------------------------------------------------------------------
@register_check("EX-T4d", "numeric", "masked loss averaged over all samples: lam_eff = lam p; labelled-average 1/(Np) noise")
def ex_t4d_numeric(ctx: CheckContext) -> CheckResult:
    proc = m.orthonormal_process(16, 4, 4, 3, 1.0, 2.0, seed=ctx.seed)  # lam* = 3
    rows = []
    ok = True
    for p in (0.05, 0.1, 0.5):
        for lam in (4.0, 20.0, 80.0):
            free = exo_free(proc, 3, lam * p)[0]
            pred = lam * p > 3.0
            if abs(lam * p - 3.0) > 0.1:
                ok &= free == pred
            rows.append((p, lam, lam * p, free))
    # gradient noise: variance of a labelled-average of i.i.d. per-sample losses with n = N p labels is Var/n.
    rng = np.random.default_rng(ctx.seed)
    N, reps = 512, 4000
    ell = rng.chisquare(3, size=(reps, N))  # per-sample squared errors of a 3-dim standard normal residual
    ratios = []
    for p in (0.05, 0.25):
        n = int(N * p)
        est = ell[:, :n].mean(axis=1)
        ratios.append(float(est.var() * n / 6.0))  # Var(chi2_3) = 6
    # relative sd of a sample variance from 4000 reps ~ sqrt(2/4000) = 0.022; 5 sd = 0.11
    ok &= all(abs(r - 1) < 0.11 for r in ratios)
    return judged("numeric", ok, RECON + f"lam* = 3: exogenous-free iff lam p > 3 on {rows}; Var(labelled mean) * N p / "
                  f"Var(per-sample) = {np.round(ratios, 3).tolist()} (= 1: noise ~ 1/(N p)). The noise part concerns "
                  "training, not the optimum.", measured={"rows": rows, "variance_ratios": ratios})


# --- EX-T3 ---------------------------------------------------------------------------------------
def phi_moments(proc: m.ExoProcess, Phi: Array) -> ll.TransitionMoments:
    return ll.TransitionMoments(S_oo=Phi @ Phi.T, S_no=Phi @ proc.P @ Phi.T, S_nn=Phi @ (proc.P @ proc.P.T + proc.Sigma_r) @ Phi.T)


def phi_optimum(proc: m.ExoProcess, Phi: Array, k: int) -> tuple[float, float, Array, Array]:
    """Phi-space PCA LAM: z = U_k^T Phi (o' - P o) = C h + D h' with D = U_k^T, C = -U_k^T Phi P Phi^+ ;
    returns (loss in h-space with optimal A, tail of Phi Sigma_r Phi^T, C_o, D_o) with C_o, D_o acting on o."""
    S = Phi @ proc.Sigma_r @ Phi.T
    U = ll.pca_optimum(S, k).U
    Ch = -U.T @ Phi @ proc.P @ np.linalg.pinv(Phi)
    mom = phi_moments(proc, Phi)
    A = ll.optimal_A(U, Ch, U.T, mom)
    return ll.lam_loss(A, U, Ch, U.T, mom), ll.eigen_tail(S, k), Ch @ Phi, U.T @ Phi


def t3_violation(x: tuple[m.ExoProcess, int]) -> tuple[float, str]:
    """Phi = I - Q_x Q_x^T (Q_x orthonormal basis of span G_x, so Phi U_x = 0): loss = tail(Phi Sr Phi^T);
    if rank(Phi U_a) = d_a <= k: leak = 0 and NMSE(a|z,o) = 0 (when Sigma_a != 0)."""
    proc, k = x
    Q = ll.orthonormal_basis(proc.G_x)
    Phi = np.eye(proc.d_o) - Q @ Q.T
    val, tail, Co, Do = phi_optimum(proc, Phi, k)
    tol = 1e-9 * m.scale_of(proc) * proc.d_o
    met = m.metrics(proc, Co, Do)
    bad = abs(val - tail) - tol
    what = f"|L_Phi - tail| = {abs(val - tail):.2e}"
    if np.linalg.matrix_rank(Phi @ proc.U_a) == proc.d_a <= k:
        bad = max(bad, met.leak - PROBE_TOL, (met.nmse_a_zo - PROBE_TOL) if np.trace(proc.Sigma_a) > 0 else -1)
        what += f"; leak = {met.leak:.2e}, NMSE(a|z,o) = {met.nmse_a_zo:.2e}"
    return bad, what


def beta_leak(proc: m.ExoProcess, beta: float, k: int) -> float:
    Phi = np.eye(proc.d_o) + (beta - 1) * proc.G_x @ proc.G_x.T
    _, _, Co, Do = phi_optimum(proc, Phi, k)
    return m.metrics(proc, Co, Do).leak


@register_check("EX-T3", "numeric", "Phi U_x = 0 removes leakage (hypothesis, overlap incl.); beta flip at beta^2 sx^2 = sa^2")
def ex_t3_numeric(ctx: CheckContext) -> CheckResult:
    out = search_counterexample(m.exo_processes(), t3_violation, max_examples=DEFAULT_EXAMPLES[ctx.scale])
    flips = []
    ok_flip = True
    for sx in (0.5, 2.0):
        proc = m.orthonormal_process(12, 3, 3, 2, 1.0, sx, seed=ctx.seed)
        b_star = 1.0 / sx
        for b in (0.5 * b_star, 0.9 * b_star, 1.1 * b_star, 2 * b_star):
            lk = beta_leak(proc, b, 2)
            flips.append((sx, round(b, 4), lk))
            ok_flip &= (lk > 0.1) == (b > b_star)
    collapse = ll.lam_loss(np.zeros((4, 4)), np.zeros((4, 1)), np.zeros((1, 4)), np.zeros((1, 4)),
                           phi_moments(m.orthonormal_process(4, 1, 1, 1, 1.0, 1.0), np.zeros((4, 4))))
    ok = not out.found and ok_flip
    bs = list(np.linspace(0.05, 2.0, 40))
    proc = m.orthonormal_process(12, 3, 3, 2, 1.0, 2.0, seed=ctx.seed)
    fig = FigureSpec(name="lee2026_beta_flip", title="EX-T3: leakage vs exogenous down-weighting beta",
                     xlabel="beta", ylabel="E_leak at the Phi-space optimum",
                     series=(Series("sigma_xi=2, k=d_a=2 (closed form)", bs, [beta_leak(proc, b, 2) for b in bs], style="-"),),
                     caption="Phi = I + (beta-1) G_x G_x^T, A6, sigma_a=1, W orthonormal; flip at beta = sigma_a/sigma_xi = 0.5.")
    return judged("numeric", ok, RECON + (f"{out.examples} instances (Phi = projector off span G_x, overlap on/off): "
                  f"loss = tail(Phi Sr Phi^T), leak 0, NMSE(a|z,o) 0; beta sweep (k=d_a=2): {flips} flips at "
                  f"beta^2 sigma_xi^2 = sigma_a^2 (U_a orthonormal, as in EX-T2's special case). Caveat (b): Phi = 0 "
                  f"gives loss {collapse:.1f} (collapse) - needs a fixed Phi." if ok else f"{out.detail}; flips {flips}"),
                  counterexample=out.witness(m.process_json_of) or ({"flips": flips} if not ok else None),
                  measured={"instances": out.examples, "beta_sweep": flips, "collapse_loss": collapse}, figures=(fig,))


# --- EX-T6 --------------------------------------------------------------------------------------
def cross_rrr(proc: m.ExoProcess, k: int, self_term: bool) -> RRR:
    """Latent from transition 1 predicts r^(2) (= U_a a + U_x xi^(2); shares a only): Cov(r2, r1) = U_a Sa U_a^T."""
    Sa_o = proc.U_a @ proc.Sigma_a @ proc.U_a.T
    blocks = [proc.Sigma_r, Sa_o] if self_term else [Sa_o]
    tr = float(np.trace(proc.Sigma_r)) * len(blocks)
    return rrr(proc.Sigma_r, np.vstack(blocks), tr, k)


@register_check("EX-T6", "numeric", "cross-context: exogenous-free; self+cross captures a iff 2 sa^2 > sx^2")
def ex_t6_numeric(ctx: CheckContext) -> CheckResult:
    rows, ok = [], True
    for sx in (1.0, 1.3, 1.6, 3.0):  # sx^2 vs 2: 1, 1.69 < 2 < 2.56, 9
        proc = m.orthonormal_process(12, 3, 3, 2, 1.0, sx, seed=ctx.seed)
        Rc, Rs = cross_rrr(proc, 2, False), cross_rrr(proc, 2, True)
        lc = m.metrics(proc, -Rc.D @ proc.P, Rc.D).leak
        met_s = m.metrics(proc, -Rs.D @ proc.P, Rs.D)
        captured = met_s.nmse_a_zo < PROBE_TOL
        rows.append({"sigma_xi": sx, "cross_leak": lc, "self+cross_nmse_a": met_s.nmse_a_zo, "self+cross_leak": met_s.leak})
        ok &= lc < ZERO_TOL and captured == (2 > sx**2)
    return judged("numeric", ok, RECON + f"A6, isotropic, U_a orthonormal, k = d_a = 2: {rows}",
                  counterexample=None if ok else {"rows": rows}, measured={"rows": rows})


# --- paper-level aggregates -------------------------------------------------------------------
@register_check("EX-C1", "numeric", "aggregate of EX-T2/EX-T2b: optimal reconstruction LAM leaks future xi")
def ex_c1_numeric(ctx: CheckContext) -> CheckResult:
    proc = m.orthonormal_process(16, 4, 4, 3, 1.0, 2.0, seed=ctx.seed)
    proc2 = m.orthonormal_process(16, 4, 4, 3, 1.0, 0.5, seed=ctx.seed)
    over = m.overlapping_process(16, 4, 4, 3, 1.0, 0.5, 0.3, seed=ctx.seed)
    vals = {"sigma_xi>sigma_a,k=d_a": leak_at(proc, 3), "sigma_xi<sigma_a,k=d_a": leak_at(proc2, 3),
            "sigma_xi<sigma_a,k=d_a+2": leak_at(proc2, 5), "overlap,k=d_a": leak_at(over, 3),
            "NMSE(xi|o)": proc.source.nmse("xi", ["o"])}
    ok = vals["sigma_xi>sigma_a,k=d_a"] > 0.5 and vals["sigma_xi<sigma_a,k=d_a"] < ZERO_TOL and \
        vals["sigma_xi<sigma_a,k=d_a+2"] > 0.4 and vals["overlap,k=d_a"] > ZERO_TOL
    return judged("numeric", ok, "[paper-abstract claim, checked only through this project's RECONSTRUCTED model "
                  "(EX-T2, EX-T2b)] the reconstruction optimum leaks xi (info only in o_{t+1}) when sigma_xi > sigma_a, "
                  f"when k > d_a, or with overlap; no leak without these: {vals}", measured=vals)


@register_check("EX-C2", "numeric", "aggregate of EX-T3: endogenous representation removes leakage")
def ex_c2_numeric(ctx: CheckContext) -> CheckResult:
    proc = m.orthonormal_process(16, 4, 4, 3, 1.0, 2.0, seed=ctx.seed)
    raw = leak_at(proc, 3)
    Phi = np.eye(16) - proc.G_x @ proc.G_x.T
    _, _, Co, Do = phi_optimum(proc, Phi, 3)
    met = m.metrics(proc, Co, Do)
    ok = raw > 0.5 and met.leak < ZERO_TOL and met.nmse_a_zo < PROBE_TOL
    return judged("numeric", ok, "[paper-abstract claim via this project's RECONSTRUCTED EX-T3] raw-space leak "
                  f"{raw:.3f} -> Phi-space leak {met.leak:.1e}, NMSE(a|z,o) {met.nmse_a_zo:.1e} (fixed Phi; a learned Phi "
                  "collapses to 0)", measured={"raw_leak": raw, "phi_leak": met.leak, "phi_nmse_a": met.nmse_a_zo})


@register_check("EX-C3", "numeric", "aggregate of EX-T4: action supervision makes the latent exogenous-consistent")
def ex_c3_numeric(ctx: CheckContext) -> CheckResult:
    proc = m.orthonormal_process(16, 4, 4, 3, 1.0, 2.0, seed=ctx.seed)
    rows = {lam: exo_free(proc, 3, lam) for lam in (0.0, 1.0, 5.0, 16.0)}
    summary = {lam: {"free": f, "leak": mt.leak, "S_x": mt.S_x, "S_xi": mt.S_xi} for lam, (f, mt, _) in rows.items()}
    ok = not rows[0.0][0] and not rows[1.0][0] and rows[5.0][0] and rows[16.0][0]
    return judged("numeric", ok, "[paper-abstract claim via this project's RECONSTRUCTED EX-T4; 'provably encourage' read "
                  "as: above lambda* the optimum has S_x = S_xi = 0; below it leaks; k > d_a keeps spare leakage (EX-T4b)] "
                  f"lambda* = 3: {summary}", measured={str(k): v for k, v in summary.items()})
