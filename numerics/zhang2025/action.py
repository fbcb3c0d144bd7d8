"""Numeric and convex checks of ZP-P5 (Prop. 4.4, action prediction).

Reduced objective (Prop. 4.3 gives A = I, C = -D, so z = D r, r = X a + eps):

    L_a(B, D, E) = tr((BD - I) Sigma_r (BD - I)^T) + lambda [tr(E D Sigma_r D^T E^T) - 2 tr(E D Sigma_ra) + tr Sigma_a].

Claimed lambda -> infinity minimiser (brief): X = U S V^T, D = [U^T; 0], B = [U, *], E = [V S^{-1}, *]; value
E||eps||^2 = tr Sigma_eps for every lambda, with D eps = 0 and B z = q.

Two explicit points beat it at EVERY lambda (so also in the limit):
  * d_z > d_a (a ⊥ eps): D = [U^T; W^T], B = [U, W], E = [V S^{-1}, 0] with W the top-(d_z - d_a) eigenvectors of
    Sigma_eps (⟂ X because eps^T X = 0): value tr Sigma_eps - sum_{i <= d_z - d_a} lambda_i(Sigma_eps), D eps != 0.
  * noise correlated with the action, eps = Y a with Y^T X = 0 (allowed: eps^T X = 0 and E[q^T eps] = 0 hold):
    D = (X + Y)^+, B = X + Y, E = I gives L_a = 0 < tr Sigma_eps.
Repair (also E[a eps^T] = 0): the lambda -> infinity value is tr Sigma_eps - sum_{i <= d_z - d_a} lambda_i(Sigma_eps);
D eps = 0 and B z = q hold in the limit iff d_z = d_a (or Sigma_eps = 0).
Convex: for fixed D, the B- and E-problems are least squares, solved and certified with cvxpy (explicit dual).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from numerics.certificates import certified_lsq
from numerics.optimize import minimize_blocks, n_params
from numerics.probes import nmse
from theory.checks import CheckContext, CheckResult, FigureSpec, Series, judged, register_check


@dataclass(frozen=True)
class ActionProcess:
    X: np.ndarray
    Sigma_a: np.ndarray
    Sigma_eps: np.ndarray
    S_ae: np.ndarray  # E[a eps^T]

    @property
    def d_o(self) -> int:
        return self.X.shape[0]

    @property
    def d_a(self) -> int:
        return self.X.shape[1]

    @property
    def Sigma_r(self) -> np.ndarray:
        X = self.X
        return X @ self.Sigma_a @ X.T + X @ self.S_ae + self.S_ae.T @ X.T + self.Sigma_eps

    @property
    def Sigma_ar(self) -> np.ndarray:
        return self.Sigma_a @ self.X.T + self.S_ae


def la_loss(B, D, E, p: ActionProcess, lam: float) -> float:
    N = B @ D - np.eye(p.d_o)
    H = E @ D
    Sr = p.Sigma_r
    return float(np.trace(N @ Sr @ N.T) + lam * (np.trace(H @ Sr @ H.T) - 2 * np.trace(H @ p.Sigma_ar.T) + np.trace(p.Sigma_a)))


def la_loss_grad(B, D, E, p: ActionProcess, lam: float):
    N = B @ D - np.eye(p.d_o)
    H = E @ D
    Sr = p.Sigma_r
    dN = 2 * N @ Sr
    dH = 2 * lam * (H @ Sr - p.Sigma_ar)
    return la_loss(B, D, E, p, lam), dN @ D.T, B.T @ dN + E.T @ dH, dH @ D.T


def claimed_point(p: ActionProcess, d_z: int):
    U, S, Vt = np.linalg.svd(p.X, full_matrices=False)
    D = np.zeros((d_z, p.d_o))
    D[: p.d_a] = U.T
    B = np.zeros((p.d_o, d_z))
    B[:, : p.d_a] = U
    E = np.zeros((p.d_a, d_z))
    E[:, : p.d_a] = Vt.T @ np.diag(1 / S)
    return B, D, E


def spare_capacity_point(p: ActionProcess, d_z: int):
    """d_z > d_a: the extra latent rows carry the top noise directions W (⟂ X)."""
    B, D, E = claimed_point(p, d_z)
    w, V = np.linalg.eigh(p.Sigma_eps)
    W = V[:, ::-1][:, : d_z - p.d_a]
    D[p.d_a:] = W.T
    B[:, p.d_a:] = W
    return B, D, E


def limit_value(p: ActionProcess, d_z: int) -> float:
    w = np.sort(np.linalg.eigvalsh(p.Sigma_eps))[::-1]
    return float(np.trace(p.Sigma_eps) - np.sum(w[: d_z - p.d_a]))


def optimise_la(p: ActionProcess, d_z: int, lam: float, seed: int, restarts: int = 3, x0=None):
    """L-BFGS on L_a over (B, D, E) from ``restarts`` random starts (and ``x0``). Returns (value, B, D, E)."""
    shapes = ((p.d_o, d_z), (d_z, p.d_o), (p.d_a, d_z))
    rng = np.random.default_rng(seed)
    starts = [rng.normal(size=n_params(shapes)) for _ in range(restarts)]
    if x0:
        starts.append(np.concatenate([m.ravel() for m in x0]))
    value, mats = minimize_blocks(lambda B, D, E: la_loss_grad(B, D, E, p, lam), shapes, starts)
    return (value, *mats)


def optimal_la(p: ActionProcess, d_z: int, lam: float):
    """Global optimum of L_a in closed form (reduced-rank regression): L_a = E||M D r - y||^2 with M = [B; sqrt(lam) E]
    and y = [r; sqrt(lam) a], so min = E||y - T r||^2 + tail_{d_z}(T Sigma_r T^T), T = Sigma_yr Sigma_r^+; the optimum is
    W = M D = U_k U_k^T T (U_k: top-d_z eigenvectors of T Sigma_r T^T). Returns (value, B, D, E)."""
    Sr, d_o = p.Sigma_r, p.d_o
    sl = np.sqrt(lam)
    Syr = np.vstack([Sr, sl * p.Sigma_ar])
    Syy_tr = float(np.trace(Sr) + lam * np.trace(p.Sigma_a))
    T = Syr @ np.linalg.pinv(Sr, rcond=1e-12, hermitian=True)
    C = T @ Sr @ T.T
    w, V = np.linalg.eigh((C + C.T) / 2)
    w, V = w[::-1], V[:, ::-1]
    Uk = V[:, :d_z]
    value = Syy_tr - float(np.sum(w)) + float(np.sum(w[d_z:]))
    D = Uk.T @ T
    return value, Uk[:d_o], D, Uk[d_o:] / sl


def paper_process(d_o: int, d_a: int, s_e: float, seed: int, correlated: bool = False, d_b: int | None = None) -> ActionProcess:
    """X, Y orthonormal with Y ⟂ X (eps^T X = 0), a ~ N(0, I), eps = s_e Y b (b ⊥ a) or s_e Y a (correlated)."""
    d_b = d_b or d_a
    rng = np.random.default_rng(seed)
    Q = np.linalg.qr(rng.normal(size=(d_o, d_a + d_b)))[0]
    X, Y = Q[:, :d_a], s_e * Q[:, d_a:]
    if correlated:
        Y = Y[:, :d_a]
        return ActionProcess(X, np.eye(d_a), Y @ Y.T, Y.T.copy())
    return ActionProcess(X, np.eye(d_a), Y @ Y.T, np.zeros((d_a, d_o)))


@register_check("ZP-P5", "numeric", "claimed lambda->inf minimiser vs explicit better points and L-BFGS (d_z = d_a, d_z > d_a, several lambda)")
def zp_p5_numeric(ctx: CheckContext) -> CheckResult:
    d_o, d_a = (8, 2) if not ctx.full else (16, 4)
    lams = (1.0, 10.0, 100.0, 1000.0)
    rows = []
    # (a) d_z > d_a, a ⊥ eps: spare capacity beats the claimed point at every lambda
    p = paper_process(d_o, d_a, 2.0, ctx.seed)
    d_z = d_a + 1
    claimed = [la_loss(*claimed_point(p, d_z), p, lam) for lam in lams]
    spare = [la_loss(*spare_capacity_point(p, d_z), p, lam) for lam in lams]
    Bs, Ds, Es = spare_capacity_point(p, d_z)
    # (b) correlated noise eps = Y a (Y ⟂ X): loss 0 at every lambda even with d_z = d_a
    pc = paper_process(d_o, d_a, 2.0, ctx.seed, correlated=True)
    M = pc.X + pc.S_ae.T  # q + eps = (X + Y) a
    corr = [la_loss(M, np.linalg.pinv(M), np.eye(d_a), pc, lam) for lam in lams]
    claimed_c = [la_loss(*claimed_point(pc, d_a), pc, lam) for lam in lams]
    ok_a = all(s < c - 1.0 for s, c in zip(spare, claimed))  # the gap is lambda_1(Sigma_eps) = 4
    ok_b = all(abs(v) < 1e-9 and c > 1.0 for v, c in zip(corr, claimed_c))
    # (c) global optimum in closed form (reduced-rank regression) for d_z = d_a and d_z = d_a + 1
    for dz in (d_a, d_z):
        for lam in lams:
            val, B, D, E = optimal_la(p, dz, lam)
            rows.append({"lambda": lam, "d_z": dz, "optimum": val, "claimed": la_loss(*claimed_point(p, dz), p, lam),
                         "limit": limit_value(p, dz), "direct": la_loss(B, D, E, p, lam),
                         "nmse_eps_from_z": nmse(p.Sigma_eps, p.Sigma_eps @ D.T, D @ p.Sigma_r @ D.T)})
    # L-BFGS cross-check of the closed form (random starts; small instance, moderate lambda)
    ps = paper_process(5, 1, 1.5, ctx.seed, d_b=2)
    lb = optimise_la(ps, 2, 3.0, ctx.seed, restarts=2)[0]
    cf = optimal_la(ps, 2, 3.0)[0]
    lb_ok = abs(lb - cf) <= 1e-6 * (1 + cf)  # L-BFGS gtol 1e-11; nonconvex but benign (rank-constrained LS)
    fig = FigureSpec(
        name="zp_p5_la_vs_lambda", title=f"ZP-P5: optimal L_a vs lambda (d_o={d_o}, d_a={d_a}, other-agent noise 2.0)",
        xlabel="lambda", ylabel="L_a", logy=False,
        series=tuple(Series(f"{k}, d_z={dz}", list(lams), [r[k] for r in rows if r["d_z"] == dz], style=st)
                     for dz in (d_a, d_z) for k, st in (("optimum", "-"), ("claimed", "--"), ("limit", ":"))),
        caption="Global optimum (closed form) increases to the limit tr Sigma_eps - sum_{i<=d_z-d_a} lambda_i(Sigma_eps); the claimed "
                "point (value tr Sigma_eps) is the limit only for d_z = d_a.")
    return judged(
        "numeric", not (ok_a or ok_b) and lb_ok,
        (f"Refuted as written. (i) d_z = d_a + 1 = {d_z}, a ⊥ eps, eps ⟂ X: the point with the spare latent row on the top "
         f"noise direction has L_a = {spare[0]:.4f} < claimed {claimed[0]:.4f} at every lambda in {lams}, with D eps != 0 and "
         f"B z = q + P_W eps. (ii) eps = Y a (Y ⟂ X, so eps^T X = 0 and E[q^T eps] = 0 hold), d_z = d_a: L_a = 0 < claimed "
         f"{claimed_c[0]:.4f}. (iii) d_z = d_a, a ⊥ eps: the global optimum (closed-form reduced-rank regression; "
         f"L-BFGS agrees, {lb:.6f} vs {cf:.6f}) rises to the claimed value "
         f"({[round(r['optimum'], 4) for r in rows if r['d_z'] == d_a]} -> {limit_value(p, d_a):.4f}) and NMSE(eps|z) "
         f"rises to 1 ({[round(r['nmse_eps_from_z'], 4) for r in rows if r['d_z'] == d_a]}): the claim holds there; "
         f"d_z = d_a + 1: optimum -> {limit_value(p, d_z):.4f} < claimed and z keeps noise, NMSE(eps|z) = "
         f"{[round(r['nmse_eps_from_z'], 3) for r in rows if r['d_z'] == d_z]}.")
        if (ok_a or ok_b) else "no better point found",
        counterexample={
            "spare_capacity": {"d_o": d_o, "d_a": d_a, "d_z": d_z, "X": p.X.tolist(), "Sigma_eps": p.Sigma_eps.tolist(),
                               "B": Bs.tolist(), "D": Ds.tolist(), "E": Es.tolist(), "L_a": spare, "claimed_L_a": claimed,
                               "lambdas": list(lams)},
            "correlated_noise": {"d_o": d_o, "d_a": d_a, "d_z": d_a, "eps": "2 Y a, Y ⟂ X", "L_a": corr, "claimed_L_a": claimed_c},
            "smallest": smallest_counterexample(),
        },
        measured={"rows": rows, "lbfgs_crosscheck": lb, "closed_form": cf},
        figures=(fig,),
    )


def smallest_counterexample() -> dict:
    """d_o = 3, d_a = 1, d_z = 2, X = e_1, eps = e_2 b (Var b = 1, b ⊥ a), a ~ N(0, 1): the claimed point has L_a = 1,
    D = [[1,0,0],[0,1,0]], B = D^T, E = [1, 0] has L_a = 0 for every lambda (z = (a, b))."""
    X = np.array([[1.0], [0.0], [0.0]])
    p = ActionProcess(X, np.eye(1), np.diag([0.0, 1.0, 0.0]), np.zeros((1, 3)))
    D = np.array([[1.0, 0, 0], [0, 1.0, 0]])
    return {"d_o": 3, "d_a": 1, "d_z": 2, "X": [1, 0, 0], "Sigma_eps": "diag(0,1,0)", "B": D.T.tolist(), "D": D.tolist(),
            "E": [[1.0, 0.0]], "L_a_better": la_loss(D.T, D, np.array([[1.0, 0.0]]), p, 100.0),
            "L_a_claimed": la_loss(*claimed_point(p, 2), p, 100.0)}


@register_check("ZP-P5", "numeric", "repair: with E[a eps^T] = 0 the lambda->inf value is tr S_eps - top_{d_z-d_a}(S_eps)", target="repair")
def zp_p5_repair_numeric(ctx: CheckContext) -> CheckResult:
    rows, bad = [], []
    cases = [(6, 1, 1, 1.5), (6, 1, 2, 1.5), (8, 2, 2, 0.5), (8, 2, 3, 2.0)] + ([(12, 3, 5, 2.0)] if ctx.full else [])
    lams = (1.0, 10.0, 100.0, 1e3, 1e4, 1e5)
    rng = np.random.default_rng(ctx.seed)
    for i, (d_o, d_a, d_z, s_e) in enumerate(cases):
        p = paper_process(d_o, d_a, s_e, ctx.seed + i, d_b=2)
        # a generic (non-orthonormal) variant with the same structure: X full rank, eps ⟂ X, a ⊥ eps
        Xg = p.X @ rng.normal(size=(d_a, d_a))
        Pp = np.eye(d_o) - p.X @ p.X.T
        F = Pp @ rng.normal(size=(d_o, 2))
        Fa = rng.normal(size=(d_a, d_a))
        for q in (p, ActionProcess(Xg, Fa @ Fa.T, F @ F.T, np.zeros((d_a, d_o)))):
            lim = limit_value(q, d_z)
            vals = [optimal_la(q, d_z, lam)[0] for lam in lams]
            D = optimal_la(q, d_z, lams[-1])[2]
            # eps ⟂ X and a ⊥ eps: Cov(eps, r) = Sigma_eps, so NMSE(eps | z = D r) in closed form
            leak = 1.0 - nmse(q.Sigma_eps, q.Sigma_eps @ D.T, D @ q.Sigma_r @ D.T)
            tol = 1e-8 * (1 + lim)  # pinv/eigh in float64 on lambda-scaled moments: ~1e-12 * lambda relative
            row = {"d_o": d_o, "d_a": d_a, "d_z": d_z, "s_e": s_e, "limit": lim, "opt": vals, "1-NMSE(eps|z)_at_1e5": leak}
            rows.append(row)
            # opt(lambda) <= limit (the explicit point attains it), nondecreasing, and within 1e-3 of it at 1e5
            if not (all(v <= lim + tol * l for v, l in zip(vals, lams)) and all(b >= a - tol * l for a, b, l in zip(vals, vals[1:], lams[1:]))
                    and lim - vals[-1] <= 1e-3 * (1 + lim)):
                bad.append(row)
            if d_z == d_a and leak > 1e-3:  # d_z = d_a: noise leaves the latent in the limit (D eps -> 0)
                bad.append(row)
    return judged("numeric", not bad,
                  f"{len(rows)} processes (a ⊥ eps, eps ⟂ X): optimal L_a(lambda) increases to tr S_eps - top_(d_z-d_a)(S_eps) "
                  f"(max gap at lambda=1e5: {max(r['limit'] - r['opt'][-1] for r in rows):.2g}); for d_z = d_a NMSE(eps|z) -> 1 (D eps -> 0), for d_z > d_a it stays < 1",
                  counterexample={"bad": bad}, measured={"rows": rows})


# --- convex: B and E least squares for fixed D --------------------------------------------------

@register_check("ZP-P5", "convex", "for fixed D: B and E least squares certified (primal, dual, gap); claimed and spare-capacity D")
def zp_p5_convex(ctx: CheckContext) -> CheckResult:
    d_o, d_a = 6, 1
    p = paper_process(d_o, d_a, 1.5, ctx.seed, d_b=2)
    lam = 10.0
    rows, ok = [], True
    for name, d_z, pt in (("claimed, d_z = d_a", d_a, claimed_point(p, d_a)), ("claimed, d_z = d_a + 1", d_a + 1, claimed_point(p, d_a + 1)),
                          ("spare capacity, d_z = d_a + 1", d_a + 1, spare_capacity_point(p, d_a + 1))):
        _, D, _ = pt
        S = D @ p.Sigma_r @ D.T
        cB = certified_lsq(S, p.Sigma_r @ D.T, float(np.trace(p.Sigma_r)))
        cE = certified_lsq(lam * S, lam * p.Sigma_ar @ D.T, lam * float(np.trace(p.Sigma_a)))
        total = cB.primal_value + cE.primal_value
        direct = la_loss(cB.W, D, cE.W, p, lam)
        rows.append({"point": name, "B_certified": cB.certified, "E_certified": cE.certified, "value": total,
                     "direct": direct, "B_gap": cB.primal_value - cB.dual_value, "E_gap": cE.primal_value - cE.dual_value})
        ok &= cB.certified and cE.certified and abs(total - direct) <= 1e-6 * (1 + abs(direct))
    better = rows[2]["value"] < rows[1]["value"] - 1.0
    return judged(
        "convex", ok and not better,
        (f"certified B/E least squares (lambda = {lam}): best value with the claimed D {rows[1]['value']:.4f} vs spare-capacity D "
         f"{rows[2]['value']:.4f} at d_z = d_a + 1 (the claimed D is not optimal, whatever B and E); at d_z = d_a the claimed D "
         f"gives {rows[0]['value']:.4f} = tr Sigma_eps") if ok else f"certificate failed: {rows}",
        counterexample={"rows": rows},
        measured={"rows": rows},
    )
