"""Trained linear LAMs for the remedies of Lee et al. 2026 (RECONSTRUCTED model; brief §2.3, §3.C).

EX-T3 (frozen representation Phi; collapse when Phi is trained), EX-T4 (trained points on the lambda-threshold
figure, away from lambda*), EX-T5 (near lambda*: trained J vs the global optimum, and the saddle rotation),
EX-T4a (x_t-sensitivity after unsupervised training tracks the init scale), EX-T4d (label-fraction sweep under both
averaging conventions). Shared batched Adam trainer (`gpu_checks.linear_lam.train_linear_lams`) with our own samplers;
closed forms from `numerics.lee2026`. Every comparison uses several seeds and margins; no sharp threshold is asserted
from SGD (brief §5.5): trained points are only judged well away from the thresholds.

Per-model lambda in one batched run: the sampler emits the label sqrt(lam_k) a and the trainer uses action weight 1,
so the head term is E||sqrt(lam) a - E z||^2 = lam E||a - W_z z||^2 with W_z = E / sqrt(lam) (an exact
reparametrisation of J_lambda; only Adam's per-coordinate step scale on E differs).
"""

from __future__ import annotations

import functools

import numpy as np
import torch

from gpu_checks.lee2026.linear import TRAIN_TOL, exo_sampler
from gpu_checks.linear_lam import Batch, LAMOptions, Sampler, train_linear_lams
from numerics import linear_lam as ll
from numerics.lee2026 import model as m
from numerics.lee2026.leakage import leak_at
from numerics.lee2026.remedies import beta_leak, exo_free, phi_optimum, supervised_J, supervised_rrr
from theory.checks import CheckContext, CheckResult, FigureSpec, Series, confirms, judged, register_check

RECON = "[reconstructed claim: the paper's formal body was unavailable] "
D_O, D_S, D_X, D_A = 12, 3, 3, 2  # small setting of gpu_checks.lee2026.linear (A6, U_a orthonormal, Gamma = 0.5 I)


def _seeds(ctx: CheckContext) -> tuple[int, ...]:
    return (0, 1, 2) if not ctx.full else (0, 1, 2, 3, 4)


def _steps(ctx: CheckContext) -> int:
    return 1000 if not ctx.full else 8000


def _proc(sx: float, seed: int) -> m.ExoProcess:
    return m.orthonormal_process(D_O, D_S, D_X, D_A, 1.0, sx, seed=seed)


def _mean_sd(v) -> tuple[float, float]:
    return float(np.mean(v)), float(np.std(v))


# --- samplers ---------------------------------------------------------------------------------------
def phi_sampler(procs: list[m.ExoProcess], Phis: list[np.ndarray], device: str = "cpu") -> Sampler:
    """Emit h = Phi o, h' = Phi o' (and a) for K processes: a LAM trained on it works in Phi-space (EX-T3)."""
    base = exo_sampler(procs, device)
    Ph = torch.as_tensor(np.stack(Phis), dtype=torch.float32, device=device)

    def sample(n: int, gen: torch.Generator) -> Batch:
        b = base(n, gen)
        return Batch(o=b.o @ Ph.transpose(1, 2), o_next=b.o_next @ Ph.transpose(1, 2), a=b.a)

    return sample


def scaled_label_sampler(procs: list[m.ExoProcess], lams: list[float], device: str = "cpu") -> Sampler:
    """Labels sqrt(lam_k) a_k: with action weight 1 this trains J_lam_k per model (module docstring)."""
    base = exo_sampler(procs, device)
    s = torch.as_tensor(np.sqrt(lams), dtype=torch.float32, device=device)[:, None, None]

    def sample(n: int, gen: torch.Generator) -> Batch:
        b = base(n, gen)
        return Batch(o=b.o, o_next=b.o_next, a=b.a * s)

    return sample


def _train(ctx: CheckContext, sampler: Sampler, K: int, k: int, options: LAMOptions = LAMOptions(),
           steps: int | None = None, lr: float = 3e-2, seed: int | None = None):
    return train_linear_lams(sampler, K=K, d_o=D_O, d_z=[k] * K, steps=steps or _steps(ctx), batch=256, lr=lr,
                             lr_final=1e-3 if not ctx.full else 1e-4, options=options,
                             seed=ctx.seed if seed is None else seed, device=ctx.device)


# --- EX-T3: frozen Phi, beta flip, collapse -----------------------------------------------------------
#: sigma_xi = 2, sigma_a = 1, k = d_a = 2: flip at beta* = 0.5. Trained betas are away from it: eigenvalue ratios
#: beta^2 sigma_xi^2 / sigma_a^2 = 0 (projector), 0.25, 1.96, 4 -> gaps >= 0.75 (x sigma_a^2) on either side.
T3_BETAS = (0.0, 0.25, 0.7, 1.0)
T3_SX = 2.0


def _phi(proc: m.ExoProcess, beta: float) -> np.ndarray:
    return np.eye(proc.d_o) + (beta - 1) * proc.G_x @ proc.G_x.T  # beta = 0: projector off span G_x (Phi U_x = 0)


@functools.lru_cache(maxsize=4)
def t3_runs(scale: str, seed: int, device: str) -> list[dict]:
    ctx = CheckContext(scale=scale, seed=seed, device=device)
    cfgs = [(b, s) for b in T3_BETAS for s in _seeds(ctx)]
    procs = [_proc(T3_SX, seed) for _ in cfgs]
    Phis = [_phi(p, b) for p, (b, _) in zip(procs, cfgs)]
    res = _train(ctx, phi_sampler(procs, Phis, device), len(cfgs), D_A)
    rows = []
    for i, ((b, s), proc, Phi) in enumerate(zip(cfgs, procs, Phis)):
        C, D = res.params["C"][i][:D_A], res.params["D"][i][:D_A]
        met = m.metrics(proc, C @ Phi, D @ Phi)  # z = C h + D h' = (C Phi) o + (D Phi) o'
        _, tail, Co, Do = phi_optimum(proc, Phi, D_A)
        pred = m.metrics(proc, Co, Do)
        rows.append({"beta": b, "seed": s, "leak": met.leak, "leak_pred": pred.leak, "nmse_a_zo": met.nmse_a_zo,
                     "nmse_a_pred": pred.nmse_a_zo, "train_seconds": res.seconds})
    return rows


def collapse_demo(seed: int, steps: int, d_o: int = D_O, k: int = D_A, lr: float = 1e-2) -> dict:
    """Tiny custom loop: Phi (d_o x d_o) TRAINED by the same loss E||Phi o' - A Phi o - B(C Phi o + D Phi o')||^2.
    Returns initial/final loss, ||Phi||_F, E||z||^2, and the fixed-Phi (Phi at init) optimum for comparison."""
    proc = _proc(T3_SX, seed)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        gen = torch.Generator().manual_seed(seed)
        sample = exo_sampler([proc])
        u = lambda *s: ((torch.rand(*s, generator=gen) * 2 - 1) / np.sqrt(s[-1])).requires_grad_(True)  # noqa: E731
        Phi = (torch.eye(d_o) + 0.1 * torch.randn(d_o, d_o, generator=gen)).requires_grad_(True)
        A, B, C, D = u(d_o, d_o), u(d_o, k), u(k, d_o), u(k, d_o)
        Phi0 = Phi.detach().double().numpy().copy()
        opt = torch.optim.Adam([Phi, A, B, C, D], lr=lr)
        sched = torch.optim.lr_scheduler.ExponentialLR(opt, (1e-2) ** (1 / steps))
        hist = []
        for t in range(steps):
            b = sample(256, gen)
            h, h2 = b.o[0] @ Phi.T, b.o_next[0] @ Phi.T
            z = h @ C.T + h2 @ D.T
            loss = ((h2 - h @ A.T - z @ B.T) ** 2).sum(-1).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            if t in (0, steps - 1):
                hist.append((float(loss.detach()), float((z.detach() ** 2).sum(-1).mean())))
        Phif = Phi.detach().double().numpy()
    finally:
        torch.set_num_threads(threads)
    fixed_opt = ll.eigen_tail(Phi0 @ proc.Sigma_r @ Phi0.T, k)  # optimum with Phi frozen at its init
    seen = lambda F: float(ll.eigen_tail(F @ proc.Sigma_r @ F.T, k))  # noqa: E731 - innovation the latent cannot hold
    act = lambda F: float(np.linalg.norm(F @ proc.U_a))  # noqa: E731
    return {"innov_init": seen(Phi0), "innov_final": seen(Phif), "phi_Ua_init": act(Phi0), "phi_Ua_final": act(Phif),
            "loss_init": hist[0][0], "loss_final": hist[-1][0], "z2_init": hist[0][1], "z2_final": hist[-1][1],
            "phi_norm_init": float(np.linalg.norm(Phi0)), "phi_norm_final": float(np.linalg.norm(Phif)),
            "fixed_phi_optimum": float(fixed_opt), "raw_optimum": float(ll.eigen_tail(proc.Sigma_r, k))}


@register_check("EX-T3", "trained", "frozen Phi: trained leakage matches the closed form on both sides of the beta flip; "
                "trainable Phi collapses")
def ex_t3_trained(ctx: CheckContext) -> CheckResult:
    rows = t3_runs(ctx.scale, ctx.seed, ctx.device)
    worst = max(max(abs(r["leak"] - r["leak_pred"]), abs(r["nmse_a_zo"] - r["nmse_a_pred"])) for r in rows)
    proj = [r["leak"] for r in rows if r["beta"] == 0.0]
    below = [r["leak"] for r in rows if 0 < r["beta"] < 0.5]
    above = [r["leak"] for r in rows if r["beta"] > 0.5]
    # ordering across the flip (margin: closed form 0 vs 2/3, so 0.3 leaves > 6x TRAIN_TOL on each side)
    flip_ok = max(proj + below) + 0.3 < min(above)
    col = [collapse_demo(ctx.seed + s, 600 if not ctx.full else 3000) for s in _seeds(ctx)]
    # collapse: the loss ends >= 10x below the fixed-Phi optimum because Phi removes the innovation the k-dim latent
    # cannot hold: the tail of Phi Sr Phi^T beyond k shrinks >= 10x. ||Phi|| itself need not shrink: the minimiser
    # set is {Phi : rank(Phi Sr Phi^T) <= k}, Phi = 0 included, and which innovation survives is arbitrary.
    col_ok = all(c["loss_final"] < 0.1 * min(c["loss_init"], c["fixed_phi_optimum"])
                 and c["innov_final"] < 0.1 * c["innov_init"] for c in col)
    proc = _proc(T3_SX, ctx.seed)
    bs = list(np.linspace(0.0, 1.2, 49))
    series = [Series("closed form (Phi-space optimum)", bs, [beta_leak(proc, b, D_A) if b > 0 else
                                                              m.metrics(proc, *phi_optimum(proc, _phi(proc, 0.0), D_A)[2:]).leak
                                                              for b in bs], style="-")]
    mv = [_mean_sd([r["leak"] for r in rows if r["beta"] == b]) for b in T3_BETAS]
    series.append(Series(f"trained, frozen Phi ({len(_seeds(ctx))} seeds)", list(T3_BETAS), [v[0] for v in mv],
                         yerr=[v[1] for v in mv], style="o"))
    fig = FigureSpec(name="lee2026_beta_flip_trained", title="EX-T3: leakage vs beta, closed form and trained (frozen Phi)",
                     xlabel="beta (Phi = I + (beta-1) G_x G_x^T)", ylabel="E_leak = 1 - NMSE(xi | z, o)",
                     series=tuple(series),
                     caption="d_o=12, d_s=d_x=3, d_a=k=2, sigma_a=1, sigma_xi=2, Gamma=0.5I; flip at beta=0.5 "
                             "(beta^2 sigma_xi^2 = sigma_a^2); trained betas 0, 0.25, 0.7, 1 are away from it.")
    ok = worst <= TRAIN_TOL and flip_ok and col_ok
    return judged("trained", ok, RECON + f"{len(rows)} frozen-Phi LAMs (betas {T3_BETAS}, seeds {_seeds(ctx)}): max |trained "
                  f"- closed form| over leak and NMSE(a|z,o) = {worst:.3f} (margin {TRAIN_TOL}); Phi U_x = 0 (beta=0) leak "
                  f"max {max(proj):.3f}; leak below flip max {max(below):.3f} < above flip min {min(above):.3f}. Collapse "
                  f"(Phi trained by the same loss, {len(col)} seeds): loss {col[0]['loss_init']:.2f} -> "
                  f"{col[0]['loss_final']:.2e} (fixed-Phi optimum {col[0]['fixed_phi_optimum']:.2f}), innovation beyond k "
                  f"tail_k(Phi Sr Phi^T) {col[0]['innov_init']:.2f} -> {col[0]['innov_final']:.2e}, ||Phi U_a|| "
                  f"{col[0]['phi_Ua_init']:.2f} -> {col[0]['phi_Ua_final']:.2e} (||Phi||_F {col[0]['phi_norm_init']:.2f} -> "
                  f"{col[0]['phi_norm_final']:.2f}): the loss is driven below the fixed-Phi optimum by a representation blind to the innovation "
                  "beyond what the k latent dims hold (any rank-k part, actions or not; Phi = 0 is one such minimiser): "
                  "the loss stops measuring what the latent carries (caveat (b)). Depends on training having converged.",
                  counterexample={"rows": rows, "collapse": col}, measured={"rows": rows, "collapse": col}, figures=(fig,))


# --- EX-T4: trained points on the lambda-threshold figure, away from lambda* ----------------------------
T4_SX = 2.0  # lambda* = 3
T4_LAMS = (0.5, 1.0, 8.0, 12.0)  # action eigenvalue (1+lam) = 1.5, 2 | 9, 13 vs exogenous 4: gaps >= 2 either side


@functools.lru_cache(maxsize=4)
def lambda_runs(scale: str, seed: int, device: str, lams: tuple[float, ...]) -> list[dict]:
    ctx = CheckContext(scale=scale, seed=seed, device=device)
    cfgs = [(lam, s) for lam in lams for s in _seeds(ctx)]
    procs = [_proc(T4_SX, seed) for _ in cfgs]
    opts = LAMOptions(action_weight=1.0, d_a=D_A, label_fraction=1.0)
    res = _train(ctx, scaled_label_sampler(procs, [c[0] for c in cfgs], device), len(cfgs), D_A, opts)
    rows = []
    for i, ((lam, s), proc) in enumerate(zip(cfgs, procs)):
        p = {key: v[i] for key, v in res.params.items()}
        C, D, B, E = p["C"][:D_A], p["D"][:D_A], p["B"][:, :D_A], p["E"][:, :D_A]
        met = m.metrics(proc, C, D)
        Wz = E / np.sqrt(lam)
        J = supervised_J(proc, p["A"], B, C, D, Wz, lam)
        R = supervised_rrr(proc, D_A, lam)
        rows.append({"lam": lam, "seed": s, "leak": met.leak, "leak_pred": exo_free(proc, D_A, lam)[1].leak,
                     "nmse_a_zo": met.nmse_a_zo, "J": J, "J_opt": R.value, "J_red": reduced_J(proc, D, lam),
                     "D": D.tolist(), "train_seconds": res.seconds})
    return rows


def reduced_J(proc: m.ExoProcess, D: np.ndarray, lam: float) -> float:
    """J with every block except the latent map on r re-optimised in closed form:
    tr Sigma_y - tr((D Sr D^T)^+ D N D^T), N = Sr^2 + lam U_a Sa^2 U_a^T (RRR of y = [r; sqrt(lam) a] on z = D r)."""
    Sr = proc.Sigma_r
    N = Sr @ Sr + lam * proc.U_a @ proc.Sigma_a @ proc.Sigma_a @ proc.U_a.T
    M = D @ Sr @ D.T
    return float(np.trace(Sr) + lam * np.trace(proc.Sigma_a)
                 - np.trace(np.linalg.pinv(M, rcond=1e-10, hermitian=True) @ D @ N @ D.T))


@register_check("EX-T4", "trained", "lambda-threshold figure with trained points (seeds), judged only away from lambda*")
def ex_t4_trained_figure(ctx: CheckContext) -> CheckResult:
    rows = lambda_runs(ctx.scale, ctx.seed, ctx.device, T4_LAMS)
    worst = max(abs(r["leak"] - r["leak_pred"]) for r in rows)
    below = [r["leak"] for r in rows if r["lam"] < 3]
    above = [r["leak"] for r in rows if r["lam"] > 3]
    order_ok = min(below) > max(above) + 0.3
    proc = _proc(T4_SX, ctx.seed)
    lams = list(np.linspace(0, 14, 57))
    series = [Series("closed form (RRR optimum)", lams, [exo_free(proc, D_A, float(x))[1].leak if x > 0 else leak_at(proc, D_A)
                                                         for x in lams], style="-")]
    mv = [_mean_sd([r["leak"] for r in rows if r["lam"] == lam]) for lam in T4_LAMS]
    series.append(Series(f"trained ({len(_seeds(ctx))} seeds)", list(T4_LAMS), [v[0] for v in mv], yerr=[v[1] for v in mv],
                         style="o"))
    fig = FigureSpec(name="lee2026_lambda_threshold_trained", title="EX-T4: leakage vs lambda, closed form and trained",
                     xlabel="lambda", ylabel="E_leak = 1 - NMSE(xi | z, o)", series=tuple(series),
                     caption="d_o=12, d_s=d_x=3, d_a=k=2, sigma_a=1, sigma_xi=2 (lambda*=3), A6; trained lambdas "
                             "0.5, 1, 8, 12 (away from lambda*); no threshold is asserted from training.")
    ok = worst <= TRAIN_TOL and order_ok
    return judged("trained", ok, RECON + f"lambda in {T4_LAMS} (lambda* = 3, not trained near it), seeds {_seeds(ctx)}: max "
                  f"|trained - closed-form leak| = {worst:.3f} (margin {TRAIN_TOL}); below lambda* leak >= {min(below):.3f}, "
                  f"above <= {max(above):.3f}. Compares reached points with the optimum (depends on convergence).",
                  counterexample={"rows": rows}, measured={"rows": [{k: v for k, v in r.items() if k != "D"} for r in rows]},
                  figures=(fig,))


# --- EX-T5: near lambda*: saddles ---------------------------------------------------------------------
T5_LAMS = (3.3, 3.6)  # just above lambda* = 3: action eigenvalue 4.3, 4.6 vs exogenous 4 (small gaps)


def rotate_to_optimum(proc: m.ExoProcess, D: np.ndarray, lam: float, n_theta: int = 91) -> dict:
    """Whitened coordinates (range of Sigma_r): K = Sr^{+1/2} N Sr^{+1/2}; the latent subspace is span(Sr^{1/2} D^T).
    Repeatedly rotate the weakest latent direction (smallest Rayleigh quotient of K inside the subspace) toward the
    best missing direction (top eigenvector of K on the orthogonal complement), other blocks re-optimised in closed
    form (reduced J). Returns the J profile of each rotation and whether it is nonincreasing up to its minimum."""
    Sr = proc.Sigma_r
    w, V = np.linalg.eigh(Sr)
    keep = w > 1e-9 * w[-1]
    Vk, wk = V[:, keep], w[keep]
    K = np.diag(wk**-0.5) @ Vk.T @ (Sr @ Sr + lam * proc.U_a @ proc.Sigma_a @ proc.Sigma_a @ proc.U_a.T) @ Vk @ np.diag(wk**-0.5)
    const = float(np.trace(Sr) + lam * np.trace(proc.Sigma_a))
    Q = np.linalg.qr(np.diag(wk**0.5) @ Vk.T @ D.T)[0]
    J = lambda Q_: const - float(np.trace(Q_.T @ K @ Q_))  # noqa: E731
    J_opt = const - float(np.sum(np.sort(np.linalg.eigvalsh(K))[::-1][: D.shape[0]]))
    steps, mono = [], True
    for _ in range(D.shape[0]):
        ev, EV = np.linalg.eigh(Q.T @ K @ Q)
        qw = Q @ EV[:, 0]
        rest = Q @ EV[:, 1:]
        Pc = np.eye(len(wk)) - Q @ Q.T
        ec, EC = np.linalg.eigh(Pc @ K @ Pc)
        mv = EC[:, -1]
        if mv @ K @ qw < 0:
            mv = -mv
        thetas = np.linspace(0, np.pi / 2, n_theta)
        prof = [J(np.column_stack([rest, np.cos(t) * qw + np.sin(t) * mv])) for t in thetas]
        i_min = int(np.argmin(prof))
        if prof[0] - prof[i_min] <= 1e-12 * const:
            break
        mono &= bool(np.all(np.diff(prof[: i_min + 1]) <= 1e-10 * const))
        steps.append({"J_start": prof[0], "J_end": prof[i_min], "theta_min": float(thetas[i_min])})
        Q = np.column_stack([rest, np.cos(thetas[i_min]) * qw + np.sin(thetas[i_min]) * mv])
    return {"J_start": J(np.linalg.qr(np.diag(wk**0.5) @ Vk.T @ D.T)[0]), "J_final": J(Q), "J_opt": J_opt,
            "rotations": steps, "monotone": mono}


def exact_saddle(proc: m.ExoProcess, lam: float) -> dict:
    """The constructed stationary point: latent = {top action direction, one xi direction} (k = d_a = 2). Along the
    rotation xi -> missing action direction J(theta) = J0 - (mu_a - mu_xi) sin^2 theta: zero slope at theta = 0,
    curvature -2 (mu_a - mu_xi) < 0 when lam > lam* (strict saddle, not a local minimum)."""
    D = np.vstack([proc.U_a[:, :1].T, proc.U_x[:, :1].T])
    out = rotate_to_optimum(proc, D, lam, n_theta=181)
    h = 1e-4
    Sr_half = None  # noqa: F841 - the profile below is computed in closed form
    mu_a = (1 + lam) * 1.0
    mu_x = T4_SX**2
    prof = lambda t: out["J_start"] - (mu_a - mu_x) * np.sin(t) ** 2  # noqa: E731
    return {**out, "slope0": float((prof(h) - prof(-h)) / (2 * h)), "curv0": float((prof(h) - 2 * prof(0) + prof(-h)) / h**2),
            "mu_a": mu_a, "mu_xi": mu_x}


@register_check("EX-T5", "trained", "near lambda*: trained J vs global optimum; gaps explained by the saddle rotation")
def ex_t5_trained(ctx: CheckContext) -> CheckResult:
    rows = lambda_runs(ctx.scale, ctx.seed, ctx.device, T5_LAMS)
    proc = _proc(T4_SX, ctx.seed)
    #: a gap counts when the reduced J exceeds the optimum by > 1e-3 of tr Sigma_y (above the ~1e-4 SGD floor of the
    #: lr-decayed runs measured in EX-T4 well away from the threshold)
    out, explained, gaps = [], True, 0
    for r in rows:
        rot = rotate_to_optimum(proc, np.array(r["D"]), r["lam"])
        scale = float(np.trace(proc.Sigma_r) + r["lam"] * np.trace(proc.Sigma_a))
        gap = (r["J_red"] - r["J_opt"]) / scale
        row = {"lam": r["lam"], "seed": r["seed"], "leak": r["leak"], "rel_gap_reduced": gap,
               "rel_gap_full": (r["J"] - r["J_opt"]) / scale, "rel_gap_after_rotation": (rot["J_final"] - rot["J_opt"]) / scale,
               "rotations": len(rot["rotations"]), "monotone": rot["monotone"]}
        out.append(row)
        if gap > 1e-3:
            gaps += 1
            explained &= rot["monotone"] and row["rel_gap_after_rotation"] < 0.1 * gap
    sad = exact_saddle(proc, T5_LAMS[0])
    sad_ok = abs(sad["slope0"]) < 1e-6 and sad["curv0"] < 0 and sad["monotone"] and abs(sad["J_final"] - sad["J_opt"]) < 1e-9 * sad["J_opt"]
    detail = RECON + (f"lambda in {T5_LAMS} just above lambda* = 3 (action eigenvalue {[1 + x for x in T5_LAMS]} vs xi 4), "
                      f"seeds {_seeds(ctx)}: {gaps}/{len(out)} runs end above the global optimum (rel. gap > 1e-3): "
                      f"{[(o['lam'], o['seed'], round(o['rel_gap_reduced'], 4), round(o['leak'], 3)) for o in out]}. "
                      f"Constructed saddle (latent = action + xi direction): slope {sad['slope0']:.1e}, curvature "
                      f"{sad['curv0']:.2f} < 0, rotation lowers J monotonically to the optimum. ")
    meas = {"rows": out, "saddle": {k: v for k, v in sad.items() if k != "rotations"}}
    if not sad_ok:
        return judged("trained", False, detail + "the constructed point is NOT a strict saddle", counterexample=meas, measured=meas)
    if gaps == 0:
        return CheckResult(kind="trained", status="undecided", detail=detail + "No trained run stalled, so the 'training can "
                           "stall' part is not exhibited at this budget; the saddle structure holds (constructed).", measured=meas)
    if explained:
        return confirms("trained", detail + "Every gap is removed (>= 90%) by rotating the weakest latent direction toward "
                        "the missing action direction with the other blocks re-optimised, J nonincreasing along the way: the "
                        "stalls are saddles, not local minima. Depends on the training budget.", measured=meas)
    return CheckResult(kind="trained", status="undecided", detail=detail + "some gap is NOT explained by the rotation "
                       "(not monotone or not closed) - possibly unconverged rather than a saddle.", measured=meas)


# --- EX-T4a: x_t-sensitivity after unsupervised training is not fixed by the objective --------------------------
T4A_RUNS = ((0.1, 3e-2), (0.1, 1e-2), (1.0, 3e-2))  # (init scale, Adam lr); larger scales did not converge in 1000 steps


@register_check("EX-T4a", "trained", "unsupervised training: equal loss, dz/dx_t set by init scale / optimiser (seeds)")
def ex_t4a_trained(ctx: CheckContext) -> CheckResult:
    seeds = _seeds(ctx)
    procs = [_proc(0.7, ctx.seed) for _ in seeds]
    rows = []
    for sc, lr in T4A_RUNS:
        res = _train(ctx, exo_sampler(procs, ctx.device), len(seeds), 3, LAMOptions(init_scale=sc),
                     steps=1000 if not ctx.full else 5000, lr=lr)
        for i, s in enumerate(seeds):
            C, D = res.params["C"][i][:3], res.params["D"][i][:3]
            met = m.metrics(procs[i], C, D)
            excess = (ll.lam_loss(res.params["A"][i], res.params["B"][i][:, :3], C, D, procs[i].moments())
                      - ll.eigen_tail(procs[i].Sigma_r, 3)) / np.trace(procs[i].Sigma_r)
            rows.append({"init_scale": sc, "lr": lr, "seed": s, "S_x": met.S_x, "leak": met.leak,
                         "rel_loss_excess": float(excess), "nmse_x_z": met.nmse_x_z})
    # the same loss has an x_t-free minimiser (C + D P = 0): S_x = 0 at the tail value (closed form)
    free = m.pca_lam(procs[0], 3)
    free_gap = abs(m.loss(procs[0], free) - ll.eigen_tail(procs[0].Sigma_r, 3))
    sx = np.array([r["S_x"] for r in rows])
    converged = max(r["rel_loss_excess"] for r in rows) < 0.005  # measured <= 7e-4; all runs at the optimum value
    # margins: every run clearly x_t-sensitive (S_x > 0.3, observed >= 0.69) although S_x = 0 is optimal too, and the
    # sensitivity differs between runs by >= 20% (observed ~1.7x) at equal loss
    ok = converged and free_gap < 1e-9 and sx.min() > 0.3 and sx.max() > 1.2 * sx.min()
    by = {f"scale={sc},lr={lr}": [round(r["S_x"], 3) for r in rows if (r["init_scale"], r["lr"]) == (sc, lr)] for sc, lr in T4A_RUNS}
    init = {sc: float(np.sqrt(3 * 3) * sc / np.sqrt(3 * 2 * 12)) for sc, _ in T4A_RUNS}  # rough init-size reference
    fig = FigureSpec(name="lee2026_t4a_init_scale", title="EX-T4a: x_t-sensitivity of z after unsupervised training",
                     xlabel="run (init scale, lr)", ylabel="||dz/dx_t||_F",
                     series=(Series(f"trained ({len(seeds)} seeds)", list(range(len(T4A_RUNS))),
                                    [float(np.mean(by[k])) for k in by], yerr=[float(np.std(by[k])) for k in by], style="o"),
                             Series("x_t-free minimiser (same loss)", list(range(len(T4A_RUNS))), [0.0] * len(T4A_RUNS), style="-")),
                     caption=f"runs {list(T4A_RUNS)}; d_o=12, k=3, sigma_xi=0.7, no supervision; all at the optimal loss.")
    return judged("trained", ok, RECON + f"S_x = ||dz/dx_t|| after training per (init scale, lr): {by}; all runs at the "
                  f"optimal loss (max rel. excess {max(r['rel_loss_excess'] for r in rows):.1e}) while the x_t-free minimiser "
                  f"(S_x = 0) has the same loss: consistency is not determined by the objective, it is whatever training gives. "
                  f"FINDING vs the brief's suggested check: S_x does NOT track the init scale here: from init scale 0.1 "
                  f"(S_x at init ~0.03) Adam ends at S_x ~ 0.9-1.2, as from scale 1 - the optimiser's path (A and C move "
                  f"together along the symmetry A -> A - B Delta, C -> C + Delta) sets it, and lr changes it; init scales >= 4 "
                  f"had not converged at this budget.", counterexample={"rows": rows}, measured={"rows": rows, "init_reference": init},
                  figures=(fig,))


# --- EX-T4d: label fraction under both averaging conventions ----------------------------------------
T4D_PS = (0.0, 0.01, 0.05, 0.1)
T4D_LAM = 200.0  # lambda* = 3; "all": lambda p = 0, 2 | 10, 20 (action eigen 1, 3 | 11, 21 vs 4); "labelled": 200
# (lambda = 100 put "all", p = 0.05 at eigen 6 vs 4: 2 of 3 seeds stalled at the EX-T5 saddle with leak 1/3)


@functools.lru_cache(maxsize=4)
def t4d_runs(scale: str, seed: int, device: str) -> list[dict]:
    ctx = CheckContext(scale=scale, seed=seed, device=device)
    seeds = _seeds(ctx)
    rows = []
    for avg in ("labelled", "all"):
        cfgs = [(p, s) for p in T4D_PS for s in seeds]
        procs = [_proc(T4_SX, seed) for _ in cfgs]
        opts = LAMOptions(action_weight=T4D_LAM, d_a=D_A, label_fraction=[c[0] for c in cfgs], label_average=avg)
        res = _train(ctx, exo_sampler(procs, device), len(cfgs), D_A, opts)
        for i, ((p, s), proc) in enumerate(zip(cfgs, procs)):
            met = m.metrics(proc, res.params["C"][i][:D_A], res.params["D"][i][:D_A])
            lam_eff = 0.0 if p == 0 else (T4D_LAM if avg == "labelled" else T4D_LAM * p)
            pred = exo_free(proc, D_A, lam_eff)[1].leak if lam_eff > 0 else leak_at(proc, D_A)
            rows.append({"average": avg, "p": p, "seed": s, "lam_eff": lam_eff, "leak": met.leak, "leak_pred": pred,
                         "nmse_a_zo": met.nmse_a_zo})
    return rows


@register_check("EX-T4d", "trained", "label-fraction sweep, labelled vs all averaging, vs the closed-form effective weight")
def ex_t4d_trained(ctx: CheckContext) -> CheckResult:
    rows = t4d_runs(ctx.scale, ctx.seed, ctx.device)
    worst = max(abs(r["leak"] - r["leak_pred"]) for r in rows)
    lab01 = [r["leak"] for r in rows if r["average"] == "labelled" and r["p"] == 0.01]
    all01 = [r["leak"] for r in rows if r["average"] == "all" and r["p"] == 0.01]
    order_ok = max(lab01) + 0.3 < min(all01)  # same p = 1%: labelled averaging switches, all-averaging does not
    series = []
    for avg in ("labelled", "all"):
        mv = [_mean_sd([r["leak"] for r in rows if r["average"] == avg and r["p"] == p]) for p in T4D_PS]
        series.append(Series(f"trained, average over {avg}", list(T4D_PS), [v[0] for v in mv], yerr=[v[1] for v in mv], style="o"))
        series.append(Series(f"closed form at lambda_eff ({avg})", list(T4D_PS),
                             [float(np.mean([r["leak_pred"] for r in rows if r["average"] == avg and r["p"] == p])) for p in T4D_PS],
                             style="-"))
    fig = FigureSpec(name="lee2026_t4d_label_fraction", title="EX-T4d: leakage vs label fraction", xlabel="label fraction p",
                     ylabel="E_leak", series=tuple(series),
                     caption=f"lambda={T4D_LAM}, lambda*=3; lambda_eff = lambda (labelled average) or lambda p (all).")
    ok = worst <= 2 * TRAIN_TOL and order_ok
    return judged("trained", ok, RECON + f"lambda = {T4D_LAM}, lambda* = 3, p in {T4D_PS}: max |trained - closed form at "
                  f"lambda_eff| = {worst:.3f} (margin {2 * TRAIN_TOL}: few labels per batch, noisy head gradients); p = 0.01: "
                  f"labelled-average leak <= {max(lab01):.3f}, all-average leak >= {min(all01):.3f} (lambda p = 2 < 3). "
                  "Settings chosen away from lambda_eff = lambda*.",
                  counterexample={"rows": rows}, measured={"rows": rows}, figures=(fig,))
