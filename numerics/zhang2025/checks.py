"""Numeric and convex checks of Zhang et al.'s non-experimental claims (the check module: registered checks only).

Every search draws the claim's WHOLE stated domain through its assumption evaluators
(`numerics.zhang2025.strategies.domain`), every refutation attaches its typed witness (``process``) so the
audit re-validates it, and quantities that the set of global minimisers leaves open are reported as
ranges (`numerics.optima`). Closed forms run at the paper's size (d_o = 128, d_a = 8) at both scales;
only the hypothesis budget (``ctx.scale.examples``) shrinks at CI.
"""

from __future__ import annotations

import numpy as np

from numerics import linear_lam as ll
from numerics.certificates import certified_lsq
from numerics.optima import minimiser_set
from numerics.processes import LAMConfig, LinearProcess, orthonormal
from numerics.search import search_counterexample
from numerics.zhang2025 import action, augmentation, cases, llo, overparam, policy
from numerics.zhang2025.reduction import float_tolerance
from numerics.zhang2025 import strategies as S
from theory.checks import CheckContext, CheckResult, FigureSpec, Marker, Range, Series, certified_judgement, judge_facts, \
    judged, register_check, undecided

PAPER_D_O, PAPER_D_A = 128, 8


# --- ZP-D1 ---------------------------------------------------------------------------------------------

@register_check("ZP-D1", "numeric", "closed-form probe NMSEs: each in [0,1], LLO in [-1,2], LLO = 2 only with the stated conditions")
def zp_d1_numeric(ctx: CheckContext) -> CheckResult:
    out = search_counterexample(S.with_params(S.domain("ZP-D1")), lambda x: llo.bound_violation((x[0], x[2], x[3])),
                                max_examples=ctx.scale.examples)
    pl = llo.paper_like_optimum(d_o=PAPER_D_O, d_a=PAPER_D_A, d_b=8, seed=ctx.seed)
    best = pl["C=-D=X^T"]["llo"]
    attained = abs(best - 2) <= 1e-9 and pl["C=0 (z carries o)"]["llo"] < 2 - 1e-3 and pl["D sees noise"]["llo"] < 2 - 1e-3
    mi = llo.mi_proxy_vs_exact()
    return judged(
        "numeric", not out.found and attained,
        (f"{out.examples} (process, z) draws of the domain: unclipped NMSEs in [0, 1], LLO in [-1, 2], LLO = 2 only with "
         f"NMSE_action = 0 and NMSE_noise = NMSE_o = 1 (action q and a, noise eps and the probe target). At d_o = "
         f"{PAPER_D_O}, d_a = 8, z = X^T(o' - o) has LLO {best:.9f}. Supporting MI proxy (not in the statement): q in R^8 "
         f"from 4 of its coordinates gives proxy {mi['proxy_partial_copy']:.4f} nats, exact Gaussian MI infinite")
        if not out.found else f"violated: {out.detail}",
        counterexample=out.witness(S.params_json) or {"paper_like": pl},
        process=out.process(),
        measured={"instances": out.examples, "paper_like": pl, "mi_proxy": mi},
    )


# --- ZP-P3 ---------------------------------------------------------------------------------------------

def _p3_domain(repair: bool = False, **kw):
    return S.with_params(S.domain("ZP-P3", repair=repair, lam=S.plain_lam, exogenous=False, **kw))


def _p3_paper_like(ctx: CheckContext) -> dict:
    """The paper's size: a = chi Pi o + (1 - chi) pi_s (chi = 0.8), other-agent noise 0.5 Y b with Y perpendicular
    to X, d_z = d_a = 8: at the PCA optimum of the innovation, the correct A against the quoted one."""
    rng = np.random.default_rng(1000 * ctx.seed + 3)
    Q = orthonormal(rng, PAPER_D_O, 2 * PAPER_D_A)
    X, Y = Q[:, :PAPER_D_A], Q[:, PAPER_D_A:]
    Pi = orthonormal(rng, PAPER_D_O, PAPER_D_A).T
    p = LinearProcess(X=X, lam=LAMConfig(d_z=PAPER_D_A), chi=0.8, Pi=Pi, F_e=0.5 * Y)
    opt = ll.pca_optimum(p.Sigma_r, PAPER_D_A)  # innovation (1 - chi)^2 X X^T + 0.25 Y Y^T: the latent takes Y
    B, D = opt.U, opt.U.T
    C = -D
    m = p.moments()
    return {"L_correct": ll.lam_loss(policy.correct_A(p, B, C, D), B, C, D, m), "tail_innovation": opt.value,
            "L_paper_plus": ll.lam_loss(policy.paper_A(p, B, C, D, 1), B, C, D, m),
            "L_paper_minus": ll.lam_loss(policy.paper_A(p, B, C, D, -1), B, C, D, m),
            "L_random_policy_A": ll.lam_loss(np.eye(PAPER_D_O) - B @ (C + D), B, C, D, m),
            "min_set_value": minimiser_set(p).value}


@register_check("ZP-P3", "numeric", "paper's extra term (both signs) vs dL/dA = 0 over the whole domain (hypothesis)")
def zp_p3_numeric(ctx: CheckContext) -> CheckResult:
    zero_K = []

    def violation(x):
        if policy.cross_moment(x[0]) <= 1e-12:
            zero_K.append(x[0].d_o)
        return policy.paper_violation(x)

    out = search_counterexample(_p3_domain(), violation, max_examples=ctx.scale.examples)
    pl = _p3_paper_like(ctx)
    return judged(
        "numeric", not out.found,
        (f"violated: {out.detail}. At d_o = {PAPER_D_O} (chi = 0.8, other-agent noise 0.5, d_z = d_a = 8): L(A*) = "
         f"{pl['L_correct']:.4f} = tail of the innovation {pl['tail_innovation']:.4f} = min over the set "
         f"{pl['min_set_value']:.4f}; L(quoted, +) = {pl['L_paper_plus']:.4f}, L(quoted, -) = {pl['L_paper_minus']:.4f}, "
         f"L(I - B(C+D)) = {pl['L_random_policy_A']:.4f}. Draws with E[o q^T] = 0 (X Pi_d Sigma_o = 0): {len(zero_K)}")
        if out.found else f"{out.examples} draws, no violation",
        counterexample=out.witness(S.params_json), process=out.process(),
        measured={"instances": out.examples, "paper_like": pl, "draws_with_zero_cross_moment": len(zero_K)},
    )


@register_check("ZP-P3", "numeric", "repair: A* = I-B(C+D)+(I-BD) X Pi_d stationary, = pinv optimum; L(A*) = PCA on innovation",
                target="repair")
def zp_p3_repair_numeric(ctx: CheckContext) -> CheckResult:
    out = search_counterexample(_p3_domain(repair=True), policy.repair_violation, max_examples=ctx.scale.examples)
    pl = _p3_paper_like(ctx)
    ok_paper = abs(pl["L_correct"] - pl["tail_innovation"]) <= 1e-9 * (1 + pl["tail_innovation"]) and \
        abs(pl["min_set_value"] - pl["tail_innovation"]) <= 1e-9 * (1 + pl["tail_innovation"])
    return judged("numeric", not out.found and ok_paper,
                  f"{out.examples} draws, no violation; at d_o = {PAPER_D_O} L(A*) = {pl['L_correct']:.6f} = innovation tail "
                  f"= minimiser-set value" if not out.found else out.detail,
                  counterexample=out.witness(S.params_json) or {"paper_like": pl}, process=out.process(),
                  measured={"instances": out.examples, "paper_like": pl})


@register_check("ZP-P3", "convex", "min_A L certified by cvxpy (primal, explicit dual, gap) vs closed form and paper's term")
def zp_p3_convex(ctx: CheckContext) -> CheckResult:
    rows = []

    def violation(x):
        p, B, C, D = x
        A_cvx, cert = ll.min_A_certificate(B, C, D, p.moments())  # problems compiled once per shape
        # distance of the solver's A to a closed form: stationarity residual / (2 lambda_min(Sigma_o)), x10 margin
        bound = 10 * cert.tol / (2 * float(np.linalg.eigvalsh(p.Sigma_o)[0]))
        err_c = float(np.max(np.abs(A_cvx - policy.correct_A(p, B, C, D))))
        err_p = min(float(np.max(np.abs(A_cvx - policy.paper_A(p, B, C, D, s)))) for s in (1, -1))
        rows.append({"d_o": p.d_o, "d_z": p.d_z, "certified": cert.certified, "gap": cert.gap, "tol": cert.tol,
                     "|A_cvx - A*|": err_c, "min_sign |A_cvx - A_paper|": err_p, "bound": bound})
        if not cert.certified or err_c > max(bound, 1e-6):
            return -1.0, "uncertified or closed form off (recorded)"
        return err_p - bound, f"certified argmin differs from the quoted A by {err_p:.3g} (> {bound:.2g}) for both signs"

    out = search_counterexample(_p3_domain(max_d_o=4), violation, max_examples=ctx.scale.pick(ci=25, full=200))
    bad = [r for r in rows if not r["certified"] or r["|A_cvx - A*|"] > max(r["bound"], 1e-6)]
    if bad:
        return undecided("convex", f"{len(bad)} solves uncertified or off the closed form: {bad[:2]}", measured={"rows": rows})
    return certified_judgement(
        "convex", True, not out.found,
        (f"{len(rows)} certified solves (max |gap| {max(abs(r['gap']) for r in rows):.1e}) match I-B(C+D)+(I-BD)X Pi_d "
         f"(max err {max(r['|A_cvx - A*|'] for r in rows):.1e}); {out.detail}") if out.found else
        f"{len(rows)} certified solves: the quoted A is the argmin for some sign on every draw",
        counterexample=out.witness(S.params_json), process=out.process(), measured={"rows": rows[-20:]},
    )


# --- ZP-P4 ---------------------------------------------------------------------------------------------

def _p4_domain(repair: bool = False, **kw):
    return S.domain("ZP-P4", repair=repair, lam=S.augmented_lam, exogenous=False, **kw)


@register_check("ZP-P4", "numeric", "Monte-Carlo identity; at every minimiser of L_aug: A = I, and C + D = 0 as written?")
def zp_p4_numeric(ctx: CheckContext) -> CheckResult:
    mc, cf, se = augmentation.monte_carlo_identity(ctx.seed, n=ctx.scale.pick(ci=200_000, full=2_000_000))
    mc_ok = abs(mc - cf) <= se  # 6 standard errors of the sample mean (CLT); fixed seed
    out = search_counterexample(_p4_domain(), augmentation.claim_violation, max_examples=ctx.scale.examples)
    paper = augmentation.paper_like_counterexample()
    ranges, ce = {}, None
    if out.found:
        c = augmentation.cd_minimiser(out.counterexample)
        ranges["witness_nmse_o_given_z"] = c["nmse_o_range"]
        ce = out.counterexample.to_json() | {"violation": out.detail, "minimiser": {k: v.tolist() for k, v in c["params"].items()},
                                             "L_aug_exact": c["L_aug"], "tail": c["tail"]}
    X = orthonormal(np.random.default_rng(ctx.seed), PAPER_D_O, PAPER_D_A)
    pp = LinearProcess(X=X, lam=LAMConfig(d_z=12, kappa=0.1))
    ranges["paper_d_z12_nmse_o_given_z"] = minimiser_set(pp).given_z("o")
    return judged(
        "numeric", mc_ok and not out.found,
        (f"Monte-Carlo identity: |MC - closed form| = {abs(mc - cf):.3g} vs 6 s.e. {se:.3g}. "
         + (f"'C + D = 0' fails: {out.detail} (its exact augmented loss {c['L_aug']:.6g} = tail). Paper-like d_o=3, d_a=1, "
            f"d_z=2, eps=0: ||C+D|| = {paper['||C+D||_F']:.3g}, NMSE(o|z) = {paper['NMSE(o|z)']:.4g}; at d_o = {PAPER_D_O}, "
            f"d_a = 8, d_z = 12: NMSE(o|z) over the minimiser set in [{ranges['paper_d_z12_nmse_o_given_z'].lo:.4f}, "
            f"{ranges['paper_d_z12_nmse_o_given_z'].hi:.4f}]"
            if out.found else f"{out.examples} draws, no minimiser with C + D != 0")),
        counterexample=ce or {"mc_ok": mc_ok}, process=out.counterexample if out.found else None, ranges=ranges,
        measured={"mc_mean": mc, "closed_form": cf, "mc_6se": se, "instances": out.examples,
                  "paper_like": {k: v for k, v in paper.items() if k != "process"}},
    )


@register_check("ZP-P4", "numeric", "repair: every minimiser has A = I, B(C+D) = 0; C + D = 0 iff rank Sigma_r >= d_z (members, L-BFGS)",
                target="repair")
def zp_p4_repair_numeric(ctx: CheckContext) -> CheckResult:
    rng = np.random.default_rng(ctx.seed)
    spare_cases = []

    def members(p):
        f = augmentation.repair_facts_at_members(p, rng)
        if f["spare"]:
            c = augmentation.cd_minimiser(p, rng)
            carries = c["nmse_o_range"].lo < 1 - 1e-9 if np.any(p.Sigma_o) else True
            spare_cases.append(carries)
            if c["C+D"] <= 0 or abs(c["L_aug"] - c["tail"]) > 1e-9 * (1 + c["tail"]) or not carries:
                return 1.0, f"rank < d_z but no minimiser with C + D != 0 carrying o: {c['C+D']}, {c['L_aug']}"
        return f["worst"] - 1e-8, f"member worst deviation {f['worst']:.3g}"  # members via pinv/whitening: ~1e-12

    out = search_counterexample(_p4_domain(repair=True), members, max_examples=ctx.scale.examples)
    rows, bad = [], []

    def lbfgs(p):
        s2 = p.lam.kappa ** 2
        tail = ll.eigen_tail(p.Sigma_delta, p.d_z)
        val, A, B, C, D = min((augmentation.optimise_aug(p, ctx.seed + j) for j in range(2)), key=lambda t: t[0])
        gap = val - tail
        round_tol = float_tolerance(1 + np.linalg.norm(p.Sigma_delta, 2) + np.linalg.norm(p.Sigma_o, 2), p.d_o)
        bound = np.sqrt((max(gap, 0.0) + round_tol) / s2)  # kappa^2 (||A-I||^2 + ||B(C+D)||^2) <= L_aug - tail
        ms = minimiser_set(p)
        smin_B = float(np.linalg.svd(B, compute_uv=False)[-1])
        row = {"d_o": p.d_o, "d_z": p.d_z, "rank": ms.k if ms.spare else p.d_z, "gap": gap,
               "||A-I||": float(np.linalg.norm(A - np.eye(p.d_o))), "||B(C+D)||": float(np.linalg.norm(B @ (C + D))),
               "bound": bound, "sigma_min(B)": smin_B, "||C+D||": float(np.linalg.norm(C + D))}
        rows.append(row)
        ok = -round_tol <= gap <= 1e-8 * (1 + tail) and row["||A-I||"] <= bound and row["||B(C+D)||"] <= bound
        if ms.spare == 0:
            ok = ok and smin_B >= 1e-3 and row["||C+D||"] <= row["||B(C+D)||"] / smin_B + 1e-9
        if not ok:
            bad.append(row)
        return -1.0, ""

    search_counterexample(_p4_domain(repair=True, max_d_o=4), lbfgs, max_examples=ctx.scale.pick(ci=8, full=40))
    return judged(
        "numeric", not out.found and not bad,
        (f"{out.examples} draws of the domain: members with random spare rows have A = I, B(C+D) = 0 and exact augmented "
         f"loss = eigen tail; {len(spare_cases)} draws with rank < d_z, each with a minimiser with C + D != 0 whose z "
         f"carries o where Sigma_o != 0; {len(rows)} L-BFGS runs reach the tail with ||A-I||, ||B(C+D)|| inside the "
         f"gap-certified bound (and ||C+D|| <= ||B(C+D)||/sigma_min(B) where rank >= d_z)")
        if not out.found and not bad else f"violated: {out.detail or bad}",
        counterexample=(out.witness() if out.found else {"bad": bad}), process=out.process(),
        measured={"instances": out.examples, "lbfgs_rows": rows, "spare_draws": len(spare_cases)},
    )


# --- ZP-P5 ---------------------------------------------------------------------------------------------

def _p5_domain(repair: bool = False, **kw):
    return S.restrict("ZP-P5", action.orthogonal_noise_processes(**kw), repair=repair)


@register_check("ZP-P5", "numeric", "claimed lambda->inf minimiser vs the optimum over the domain (hypothesis) and explicit better points")
def zp_p5_numeric(ctx: CheckContext) -> CheckResult:
    out = search_counterexample(_p5_domain(), action.claim_violation, max_examples=ctx.scale.examples)
    # the smallest counterexample may have a rank-deficient X (outside the repair); the claim fails with full rank too
    full = search_counterexample(S.restrict("ZP-P5", action.orthogonal_noise_processes(), repair=True), action.claim_violation,
                                 max_examples=ctx.scale.examples)
    lams = (1.0, 10.0, 100.0, 1000.0)
    rows, ranges, witness = [], {}, None
    if out.found:
        p = out.counterexample
        for lam in lams:
            rows.append({"lambda": lam, "optimum": action.optimal_value(p, lam),
                         "claimed": action.la_loss(*action.claimed_point(p), p, lam), "limit_repair": action.limit_value(p)})
        witness = action.la_process(p, lams[-1])
        ranges["witness_nmse_eps_given_z_lambda_1e3"] = minimiser_set(witness).given_z("eps")
    corr = action.correlated_noise_values()
    below = all(r["optimum"] < r["claimed"] - 1e-9 for r in rows)
    return judged(
        "numeric", not out.found,
        (f"violated: {out.detail}; on the witness the optimum stays below the claimed point at every lambda in "
         f"{list(lams)}: {below} (optimum {[round(r['optimum'], 4) for r in rows]} vs claimed "
         f"{[round(r['claimed'], 4) for r in rows]}); NMSE(eps | z) at lambda = 1e3 over the minimiser set: "
         f"[{ranges['witness_nmse_eps_given_z_lambda_1e3'].lo:.4f}, {ranges['witness_nmse_eps_given_z_lambda_1e3'].hi:.4f}]"
         f" (< 1: D eps != 0 at every minimiser). With X of full column rank and E[a eps^T] = 0 (the repair's domain): "
         + (f"{full.detail} (d_o = {full.counterexample.d_o}, d_a = {full.counterexample.d_a}, d_z = {full.counterexample.d_z})"
            if full.found else "no counterexample")
         + f". Noise correlated with the action (eps = 2 Y a, outside the typed family): L_a = {corr['L_a_better'][0]:.2g} < "
         f"claimed {corr['L_a_claimed'][0]:.4g} at every lambda")
        if out.found else f"{out.examples} draws, the claimed point is optimal in the limit on every draw",
        counterexample=(out.witness() | {"rows": rows, "correlated_noise": corr,
                                         "full_rank_witness": full.witness()}) if out.found else None,
        process=witness, ranges=ranges,
        measured={"instances": out.examples, "rows": rows, "correlated_noise": corr},
    )


@register_check("ZP-P5", "numeric", "repair: L_a(lambda) increases to tr S_eps - top_{d_z-d_a}(S_eps); noise leaves z iff d_z = d_a",
                target="repair")
def zp_p5_repair_numeric(ctx: CheckContext) -> CheckResult:
    lams = (1.0, 10.0, 100.0, 1e3, 1e4, 1e5)
    stats = {"d_z=d_a": 0, "d_z>d_a, noise": 0}

    def violation(p):
        lim = action.limit_value(p)
        vals = [action.optimal_value(p, lam) for lam in lams]
        # eigh of lambda-scaled moments: round-off ~1e-15 * lambda * scale; 1e-9 (1 + lim) lambda bounds it
        tol = [1e-9 * (1 + lim) * lam for lam in lams]
        if not all(v <= lim + t for v, t in zip(vals, tol)):
            return 1.0, f"optimum above the limit: {vals} vs {lim}"
        if not all(b >= a - t for a, b, t in zip(vals, vals[1:], tol[1:])):
            return 1.0, f"not nondecreasing: {vals}"
        if lim - vals[-1] > 1e-3 * (1 + lim):
            return 1.0, f"not at the limit by lambda = 1e5: {vals[-1]} vs {lim}"
        n = minimiser_set(action.la_process(p, lams[-1])).given_z("eps")
        if n is not None:
            if p.d_z == p.d_a:
                stats["d_z=d_a"] += 1
                if n.lo < 1 - 1e-3:  # NMSE(eps|z) -> 1 like 1/lambda; 1e-3 at lambda = 1e5 leaves 100x slack
                    return 1.0, f"d_z = d_a but NMSE(eps | z) >= {n.lo:.4g} at lambda 1e5"
            else:
                stats["d_z>d_a, noise"] += 1
                if n.hi >= 1 - 1e-9:
                    return 1.0, f"d_z > d_a but some minimiser excludes the noise (NMSE(eps|z) <= {n.hi})"
        return -1.0, ""

    out = search_counterexample(_p5_domain(repair=True), violation, max_examples=ctx.scale.examples)
    return judged("numeric", not out.found,
                  (f"{out.examples} draws (eps^T X = 0, any X of full column rank, any Sigma_eps incl. 0 and ties, d_z >= d_a): "
                   f"optimal L_a(lambda) nondecreasing in lambda = {list(lams)}, <= and -> tr S_eps - top_(d_z-d_a)(S_eps); "
                   f"{stats['d_z=d_a']} draws with d_z = d_a and noise: NMSE(eps|z) >= 1 - 1e-3 at every minimiser at lambda 1e5; "
                   f"{stats['d_z>d_a, noise']} draws with d_z > d_a and noise: NMSE(eps|z) < 1 at every minimiser")
                  if not out.found else out.detail,
                  counterexample=out.witness(), process=out.process(), measured={"instances": out.examples, **stats})


@register_check("ZP-P5", "convex", "for fixed D: B and E least squares certified (primal, dual, gap); claimed and spare-capacity D")
def zp_p5_convex(ctx: CheckContext) -> CheckResult:
    rng = np.random.default_rng(1000 * ctx.seed + 5)
    Q = orthonormal(rng, 6, 3)
    X, Y = Q[:, :1], Q[:, 1:]
    lam = 10.0
    rows, certified = [], True
    for name, d_z, use_spare in (("claimed, d_z = d_a", 1, False), ("claimed, d_z = d_a + 1", 2, False),
                                 ("spare capacity, d_z = d_a + 1", 2, True)):
        p = LinearProcess(X=X, lam=LAMConfig(d_z=d_z, kappa=0.1, action_weight=lam), F_e=1.5 * Y)
        _, D, _ = (action.spare_capacity_point if use_spare else action.claimed_point)(p)
        s = p.source
        Sr, Sar = s.cov("delta", "delta"), s.cov("a", "delta")
        S_ = D @ Sr @ D.T
        cB = certified_lsq(S_, Sr @ D.T, float(np.trace(Sr)))
        cE = certified_lsq(lam * S_, lam * Sar @ D.T, lam * float(np.trace(s.cov("a", "a"))))
        total, direct = cB.primal_value + cE.primal_value, action.la_loss(cB.W, D, cE.W, p, lam)
        rows.append({"point": name, "B_certified": cB.certified, "E_certified": cE.certified, "value": total, "direct": direct,
                     "process": p})
        certified &= cB.certified and cE.certified and abs(total - direct) <= 1e-6 * (1 + abs(direct))
    better = rows[2]["value"] < rows[1]["value"] - 1.0
    return certified_judgement(
        "convex", certified, not better,
        f"certified B/E least squares (lambda = {lam}): best value with the claimed D {rows[1]['value']:.4f} vs spare-capacity D "
        f"{rows[2]['value']:.4f} at d_z = d_a + 1 (if lower, the claimed D is not optimal whatever B and E); at d_z = d_a the "
        f"claimed D gives {rows[0]['value']:.4f} (tr Sigma_eps = {2 * 1.5 ** 2:.2f})",
        counterexample={"rows": [{k: v for k, v in r.items() if k != "process"} for r in rows]}, process=rows[2]["process"],
        measured={"rows": [{k: v for k, v in r.items() if k != "process"} for r in rows]},
    )


# --- ZP-O1 ---------------------------------------------------------------------------------------------

def _o1_domain(repair: bool = False, **kw):
    return S.domain("ZP-O1", repair=repair, lam=S.plain_lam, exogenous=False, **kw)


@register_check("ZP-O1", "numeric", "is B z = (q+eps) + alpha o with A = (1-alpha) I optimal for every alpha? (closed form + L-BFGS)")
def zp_o1_numeric(ctx: CheckContext) -> CheckResult:
    out = search_counterexample(_o1_domain(), overparam.claim_violation, max_examples=ctx.scale.examples)
    pl = overparam.paper_like(PAPER_D_O, PAPER_D_A, seed=ctx.seed)
    rng = np.random.default_rng(ctx.seed)
    Fo, Fr = rng.normal(size=(4, 4)), rng.normal(size=(4, 2))
    p4 = LinearProcess(X=Fr, lam=LAMConfig(d_z=2), F_o=Fo)
    lb, cf = overparam.lbfgs_family_loss(p4, 1.0, ctx.seed), overparam.family_best_loss(p4, 1.0)
    lb_ok = abs(lb - cf) <= 1e-7 * (1 + cf)  # L-BFGS stops at ~1e-10 relative gradient
    r = pl["nmse_o_range"]
    return judged(
        "numeric", not out.found and lb_ok,
        (f"refuted: {out.detail}. The family needs B(C+D) = alpha I on range(Sigma_o) and BD = I on range(Sigma_(q+eps)), "
         f"impossible once rank(Sigma_(q+eps) + alpha^2 Sigma_o) > d_z; at d_o = {PAPER_D_O}, d_z = d_a = 8, Sigma_o = I the "
         f"excess is {[round(x['paper_family_min_loss'] - x['L_star'], 6) for x in pl['rows']]} for alpha in "
         f"{[x['alpha'] for x in pl['rows']]} (alpha^2 (d_o - d_z)). 'z may contain o': NMSE(o | z) over the minimiser set "
         f"ranges over [{r.lo:.4f}, {r.hi:.4f}]" if out.found else f"{out.examples} draws, no violation")
        + f"; L-BFGS cross-check of the family's closed form: {lb:.6g} vs {cf:.6g}",
        counterexample=out.witness() if out.found else {"lbfgs": lb, "closed_form": cf}, process=out.process(),
        ranges={"paper_nmse_o_given_z": r},
        measured={"instances": out.examples, "paper_like": {k: v for k, v in pl.items() if k not in ("process", "nmse_o_range")},
                  "lbfgs": lb, "closed_form": cf},
    )


@register_check("ZP-O1", "numeric", "repair: C=(alpha-1)D, A=I-alpha BD is optimal for every alpha and z carries o", target="repair")
def zp_o1_repair_numeric(ctx: CheckContext) -> CheckResult:
    out = search_counterexample(_o1_domain(repair=True), overparam.repair_violation, max_examples=ctx.scale.examples)
    pl = overparam.paper_like(PAPER_D_O, PAPER_D_A, seed=ctx.seed)
    carries = all(x["NMSE(o|z)"] < 1 - 1e-9 for x in pl["rows"] if x["alpha"] != 0)
    literal = overparam.family_best_loss(LinearProcess(X=np.array([[0.0], [1.0], [0.0]]), lam=LAMConfig(d_z=2),
                                                       F_o=np.diag([1.0, 0.0, 0.0])), 1.0)
    return judged(
        "numeric", not out.found and carries and literal <= 1e-12,
        f"{out.examples} draws: the repaired family attains L* for alpha in (0,)+{overparam.ALPHAS} and z carries o where "
        f"alpha D Sigma_o != 0; at d_o = {PAPER_D_O}: NMSE(o|z) = {[round(x['NMSE(o|z)'], 5) for x in pl['rows']]}; the "
        f"literal family is attainable when rank(Sigma_r + alpha^2 Sigma_o) <= d_z (witness loss {literal:.1e})",
        counterexample=out.witness() if out.found else {"carries": carries, "literal": literal}, process=out.process(),
        ranges={"paper_nmse_o_given_z": pl["nmse_o_range"]},
        measured={"instances": out.examples, "paper_rows": pl["rows"]},
    )


# --- ZP-C1 ---------------------------------------------------------------------------------------------

def _c_domain(cid: str, noise: tuple[str, ...], repair: bool = False, **kw):
    return S.domain(cid, repair=repair, lam=S.plain_lam, exogenous=False, noise_kinds=noise, **kw)


@register_check("ZP-C1", "numeric", "eps = 0: rank, L* = 0, surrogate LLO = 2, span(B) = span(X), d_z < d_a at every minimiser (whole domain)")
def zp_c1_numeric(ctx: CheckContext) -> CheckResult:
    out = search_counterexample(_c_domain("ZP-C1", ("none",)), cases.c1_violation, max_examples=ctx.scale.examples)
    pd = cases.c1_paper_domain(ctx.seed)
    rows = {r["d_z"]: r for r in pd["rows"]}
    ranges = {f"paper_d_z{dz}_llo_z": Range(rows[dz]["llo_z_min"], rows[dz]["llo_z_max"], rows[dz]["llo_z_min_attained"])
              for dz in (4, 8, 16)}
    ranges.update({f"paper_d_z{dz}_llo_surrogate": Range(rows[dz]["llo_surrogate_min"], rows[dz]["llo_surrogate_max"])
                   for dz in (4, 8, 16)})
    return judged(
        "numeric", not out.found,
        (f"Domain: eps = 0, any X, any E[aa^T], learned A. "
         + (f"Refuted: {out.detail}. At the paper's setting (d_o = {PAPER_D_O}, X orthonormal, a ~ N(0, I)): L* by d_z "
            f"{[round(r['L_star'], 6) for r in pd['rows'][:10]]}, surrogate LLO {[round(r['llo_surrogate_max'], 4) for r in pd['rows'][:10]]}; "
            f"the true z's LLO at d_z = 8 ranges over [{rows[8]['llo_z_min']:.4f}, {rows[8]['llo_z_max']:.4f}] (z may carry o)"
            if out.found else f"{out.examples} draws, all sub-statements hold")),
        counterexample=out.witness(), process=out.process(), ranges=ranges,
        measured={"instances": out.examples, "paper_domain": pd},
    )


@register_check("ZP-C1", "numeric", "repair: sub-statements with d_a replaced by r = rank(X E[aa^T] X^T), at every minimiser", target="repair")
def zp_c1_repair_numeric(ctx: CheckContext) -> CheckResult:
    out = search_counterexample(_c_domain("ZP-C1", ("none",), repair=True), lambda p: cases.c1_violation(p, repaired=True),
                                max_examples=ctx.scale.examples)
    pd = cases.c1_paper_domain(ctx.seed)
    ok = all(abs(r["llo_surrogate_min"] - 2) <= 1e-9 for r in pd["rows"] if r["d_z"] >= PAPER_D_A)
    return judged("numeric", not out.found and ok,
                  f"{out.examples} draws, all repaired sub-statements hold; paper setting: surrogate LLO = 2 for every d_z >= 8"
                  if not out.found else out.detail, counterexample=out.witness(), process=out.process(),
                  measured={"instances": out.examples})


# --- ZP-C2 ---------------------------------------------------------------------------------------------

@register_check("ZP-C2", "numeric", "isotropic noise: eigenvectors unchanged, every noisy minimiser noise-free optimal, L* up by sigma^2 (d_o - d_z)")
def zp_c2_numeric(ctx: CheckContext) -> CheckResult:
    rng = np.random.default_rng(ctx.seed)
    out = search_counterexample(_c_domain("ZP-C2", ("isotropic",)), lambda p: cases.c2_violation(p, rng),
                                max_examples=ctx.scale.examples)
    X = orthonormal(np.random.default_rng(1000 * ctx.seed + 3), PAPER_D_O, PAPER_D_A)
    sigmas = [round(0.1 * i, 1) for i in range(1, 16)] if ctx.full else [0.25, 0.5, 1.0, 1.5]
    sweep, worst = {}, 0.0
    for d_z in (4, 8, 12):
        vals = []
        for s in sigmas:
            lo, hi, rlo, rhi = cases.c2_protocol_llo(LinearProcess(X=X, lam=LAMConfig(d_z=d_z), F_e=s * np.eye(PAPER_D_O)), rng)
            vals.append((lo, hi))
            worst = max(worst, rlo - lo, hi - rhi)
        sweep[d_z] = {"sigma": sigmas, "llo_min": [v[0] for v in vals], "llo_max": [v[1] for v in vals], "noise_free": [rlo, rhi]}
    fig = FigureSpec(
        name="zp_c2_protocol_llo_vs_sigma", title=f"ZP-C2: surrogate LLO at noisy minimisers, Fig. 3 middle probes (d_o = {PAPER_D_O}, d_a = 8)",
        xlabel="sigma_iid", ylabel="LLO (probes on noise-free data, noise term 1)",
        series=tuple(Series(f"d_z = {d_z}", sw["sigma"], sw["llo_min"], style="o-") for d_z, sw in sweep.items()),
        caption="Each point: the LLO of members of the noisy minimiser set read on noise-free data; equal to the noise-free value when the curve is flat.")
    ok_sweep = worst <= 1e-7
    return judged(
        "numeric", not out.found and ok_sweep,
        (f"Domain: Sigma_eps = sigma^2 I (sigma > 0), any X, Sigma_a, Sigma_o, d_z < d_o. {out.examples} draws: Sigma_q and "
         f"Sigma_q + sigma^2 I commute, every noisy minimiser (random tie, mixing, spare) is a noise-free minimiser, "
         f"L* increases by sigma^2 (d_o - d_z). At d_o = {PAPER_D_O} the Fig. 3 middle reading of noisy minimisers stays "
         f"within {worst:.1e} of the noise-free LLO range for sigma in {sigmas}")
        if not out.found and ok_sweep else f"violated: {out.detail or worst}",
        counterexample=out.witness() or {"sweep_worst": worst}, process=out.process(),
        measured={"instances": out.examples, "sweep": {str(k): v for k, v in sweep.items()}}, figures=(fig,),
    )


# --- ZP-C3 ---------------------------------------------------------------------------------------------

@register_check("ZP-C3", "numeric", "structured noise: (2) non-orthogonal Y affects B? (whole domain); (3), (4) at the paper's setting")
def zp_c3_numeric(ctx: CheckContext) -> CheckResult:
    out = search_counterexample(_c_domain("ZP-C3", ("structured", "general", "none")), cases.c3_2_violation,
                                max_examples=ctx.scale.examples)
    ps = cases.c3_paper_setting(ctx.seed)
    lo, hi = ps["by_sigma"][0.5], ps["by_sigma"][2.0]
    best = max(lo, key=lambda r: r["llo_min"])
    s3 = best["d_z"] == PAPER_D_A and all(r["llo_max"] < best["llo_min"] for r in lo if r["d_z"] != PAPER_D_A)
    s4 = all(r["nmse_b_max"] < 1 - 1e-9 for r in hi)
    facts = {"(2) non-orthogonal Y and X affect B": not out.found,
             "(3) sigma_exo = 0.5 < sigma_q: d_z = d_a is the unique LLO maximiser (paper setting)": s3,
             "(4) sigma_exo = 2 > sigma_q: NMSE(b | latent) < 1 at every minimiser for every d_z (paper setting)": s4}
    fig = FigureSpec(
        name="zp_c3_llo_vs_dz", title=f"ZP-C3: surrogate LLO at the minimiser set vs d_z (d_o = {PAPER_D_O}, d_a = d_b = 8)",
        xlabel="d_z", ylabel="LLO (surrogate latent, noise probe on b)",
        series=tuple(Series(f"sigma_exo = {s}", [r["d_z"] for r in rows], [r["llo_min"] for r in rows], style="-")
                     for s, rows in ps["by_sigma"].items()),
        markers=(Marker("d_z = d_a", PAPER_D_A), Marker("empty latent (LLO 1)", 1.0, axis="y")),
        caption="Independent QR draws of X and Y_0 (max |cos| between them in the caption's data). Below 1: no d_z beats an empty latent.")
    r = judge_facts("numeric", facts, f" (X, Y_0 overlap max |cos| = {ps['max_cos_X_Y0']:.3f})"
                    + (f"; (2) counterexample: {out.detail}" if out.found else ""),
                    counterexample=(out.witness() | {"sub_statement": "(2)"}) if out.found else None,
                    measured={"instances": out.examples, "paper_setting": ps}, process=out.process(), figures=(fig,))
    return r


@register_check("ZP-C3", "numeric", "repair: (2) criterion; (3'), (4') spectral forms on the whole domain with span Y perpendicular to span X",
                target="repair")
def zp_c3_repair_numeric(ctx: CheckContext) -> CheckResult:
    out2 = search_counterexample(_c_domain("ZP-C3", ("structured", "general", "none"), repair=True), cases.c3_2_repair_violation,
                                 max_examples=ctx.scale.examples)
    seen = {"3'": 0, "4'": 0}

    def spectral(p):
        f = cases.c3_spectral_facts(p)
        for k in f:
            seen[k[1:3]] += 1
        failed = [k for k, v in f.items() if not v]
        return (1.0 if failed else -1.0), f"failed {failed}"

    out34 = search_counterexample(S.restrict("ZP-C3", cases.orthogonal_structured_processes(), repair=True),
                                  spectral, max_examples=ctx.scale.examples)
    ps = cases.c3_paper_setting(ctx.seed)
    best = max(ps["by_sigma"][0.5], key=lambda r: r["llo_min"])
    n3, n4 = seen["3'"], seen["4'"]
    premises = f"(3'), (4') hold on every draw ({n3} and {n4} draws in their premises)"
    facts = {"(2') span(B) = span(X) iff span X is Sigma_eps-invariant and dominant": not out2.found,
             premises: not out34.found and seen["3'"] > 0 and seen["4'"] > 0,
             "paper setting: d_z = d_a maximises LLO at sigma_exo = 0.5": best["d_z"] == PAPER_D_A}
    bad = out2 if out2.found else out34
    return judge_facts("numeric", facts, counterexample=bad.witness() if bad.found else None, process=bad.process(),
                       measured={"instances": out2.examples + out34.examples, "premise_draws": seen})
