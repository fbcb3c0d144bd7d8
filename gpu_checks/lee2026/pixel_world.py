"""Nonlinear pixel world with an exogenous distractor (Lee et al. 2026, EX-C1..EX-C4; THIS PROJECT'S SETTING).

The paper's nonlinear experiments are unknown (brief §4.2); this toy is our own, in the spirit of Zhang et al.'s
pixel toy: a 6x6 torus, two channels (agent, distractor), flattened to o in R^72.
- agent: continuous position s on the torus, 5 discrete actions (stay/up/down/left/right) moving it by 1 px;
- distractor: its OWN dynamics x_{t+1} = c + Gamma (x_t - c) + xi_t, Gamma = 0.5, xi ~ N(0, sigma_xi^2 I), rendered
  brighter than the agent (so its motion dominates the pixel change, the analogue of sigma_xi > sigma_a);
- rendering: Gaussian bumps (width 0.7 px) with torus distances, so everything is a smooth nonlinear map of (s, x).
LAMs: MLP IDM (o_t, o_{t+1}) -> z and MLP FDM (o_t, z) -> target, with a continuous bottleneck (d_z = 2) or a VQ
bottleneck (8 codes, straight-through, commitment 0.25); batched over seeds (K models as stacked weights).
Settings: plain reconstruction (target o_{t+1}); FIXED endogenous target (the agent channel of o_{t+1}); the same with a
TRAINABLE representation (linear phi on both frames, target phi(o_{t+1}); collapse); action supervision (CE head on z,
label fraction 10%). Metrics (held-out): leak = NMSE(xi | o_t) - NMSE(xi | z, o_t) with the same ridge linear probe on [z, o_t] (standardised);
consistency = within-(s_t, a_t) share of the variance of z across distractor states (paired samples);
action accuracy of a linear probe on z. Orderings across settings are asserted with margins, never values.
"""

from __future__ import annotations

import functools
import time
from dataclasses import dataclass

import numpy as np
import torch

from theory.checks import CheckContext, CheckResult, FigureSpec, Series, judged, register_check

TAG = "[paper-abstract claim, checked on THIS PROJECT'S nonlinear pixel toy (the paper's setting is unknown)] "
G, CENTER, GAMMA, WIDTH, STEP = 6, 3.0, 0.5, 0.7, 1.0
MOVES = np.array([[0, 0], [1, 0], [-1, 0], [0, 1], [0, -1]], dtype=float) * STEP


@dataclass(frozen=True)
class World:
    sigma_xi: float = 1.0
    bright: float = 2.0  # distractor intensity (agent 1.0)

    def render(self, pos: torch.Tensor, amp: float) -> torch.Tensor:
        """(n, 2) positions -> (n, G*G) Gaussian bumps on the torus."""
        g = torch.arange(G, dtype=torch.float32)
        d = pos[:, None, :] - torch.stack(torch.meshgrid(g, g, indexing="ij"), -1).reshape(1, G * G, 2)
        d = torch.remainder(d + G / 2, G) - G / 2
        return amp * torch.exp(-(d**2).sum(-1) / (2 * WIDTH**2))

    def sample(self, n: int, gen: torch.Generator, s=None, a=None) -> dict[str, torch.Tensor]:
        s = torch.rand(n, 2, generator=gen) * G if s is None else s
        a = torch.randint(0, 5, (n,), generator=gen) if a is None else a
        sd = self.sigma_xi / np.sqrt(1 - GAMMA**2)  # stationary distractor spread
        x = CENTER + sd * torch.randn(n, 2, generator=gen)
        xi = self.sigma_xi * torch.randn(n, 2, generator=gen)
        s2 = s + torch.as_tensor(MOVES, dtype=torch.float32)[a]
        x2 = CENTER + GAMMA * (x - CENTER) + xi
        o = torch.cat([self.render(s, 1.0), self.render(x, self.bright)], -1)
        o2 = torch.cat([self.render(s2, 1.0), self.render(x2, self.bright)], -1)
        return {"o": o, "o2": o2, "a": a, "xi": xi, "s": s, "x": x}


# --- batched MLPs (K models as stacked weights) ----------------------------------------------------
def _lin(K: int, i: int, o: int, gen: torch.Generator) -> list[torch.Tensor]:
    b = 1 / np.sqrt(i)
    return [((torch.rand(K, i, o, generator=gen) * 2 - 1) * b).requires_grad_(True),
            torch.zeros(K, 1, o).requires_grad_(True)]


def _mlp(K: int, sizes: list[int], gen: torch.Generator) -> list[torch.Tensor]:
    return [p for i, o in zip(sizes, sizes[1:]) for p in _lin(K, i, o, gen)]


def _fwd(ps: list[torch.Tensor], x: torch.Tensor) -> torch.Tensor:
    for j in range(0, len(ps), 2):
        x = torch.baddbmm(ps[j + 1], x, ps[j])
        if j + 2 < len(ps):
            x = torch.relu(x)
    return x


@dataclass(frozen=True)
class Setting:
    name: str
    vq: bool = False
    target: str = "full"  # "full": o_{t+1}; "agent": agent channel of o_{t+1} (fixed); "learned": trainable phi
    label_fraction: float = 0.0
    act_weight: float = 30.0


SETTINGS = (
    Setting("plain/cont"), Setting("plain/vq", vq=True),
    Setting("endo/cont", target="agent"), Setting("endo/vq", vq=True, target="agent"),
    Setting("learned-phi/cont", target="learned"),
    Setting("sup10%/cont", label_fraction=0.1), Setting("sup10%/vq", vq=True, label_fraction=0.1),
)
D_Z, N_CODES, HID = 2, 8, 32


def train_setting(world: World, st: Setting, seeds: tuple[int, ...], steps: int, n_train: int, base_seed: int):
    """Train K = len(seeds) LAMs of one setting (batched); returns an encoder z(o, o2) -> (K, n, d_z) and the losses."""
    K, d = len(seeds), 2 * G * G
    gen = torch.Generator().manual_seed(1000 * base_seed + 17)
    data = [world.sample(n_train, torch.Generator().manual_seed(10_000 + 7 * s + base_seed)) for s in seeds]
    O, O2 = torch.stack([b["o"] for b in data]), torch.stack([b["o2"] for b in data])
    A = torch.stack([b["a"] for b in data])
    lab = torch.rand(K, n_train, generator=gen) < st.label_fraction
    d_in = d
    params: dict[str, list[torch.Tensor]] = {}
    if st.target == "learned":
        phi = (torch.eye(d).expand(K, d, d) + 0.05 * torch.randn(K, d, d, generator=gen)).clone().requires_grad_(True)
        params["phi"] = [phi]
    d_t = G * G if st.target == "agent" else d
    params["idm"] = _mlp(K, [2 * d_in, HID, D_Z], gen)
    params["fdm"] = _mlp(K, [d_in + D_Z, HID, d_t], gen)
    if st.vq:
        params["code"] = [(torch.randn(K, N_CODES, D_Z, generator=gen)).requires_grad_(True)]
    if st.label_fraction:
        params["head"] = _lin(K, D_Z, 5, gen)
    opt = torch.optim.Adam([p for ps in params.values() for p in ps], lr=3e-3)

    def feats(o, o2):
        if st.target == "learned":
            return torch.bmm(o, params["phi"][0]), torch.bmm(o2, params["phi"][0])
        return o, o2

    def encode(o, o2):
        h, h2 = feats(o, o2)
        ze = _fwd(params["idm"], torch.cat([h, h2], -1))
        if not st.vq:
            return ze, ze, torch.zeros(())
        cb = params["code"][0]
        idx = torch.cdist(ze, cb).argmin(-1)
        q = torch.gather(cb, 1, idx[..., None].expand(-1, -1, D_Z))
        vq = ((ze.detach() - q) ** 2).sum(-1).mean() + 0.25 * ((ze - q.detach()) ** 2).sum(-1).mean()
        return ze + (q - ze).detach(), q, vq

    rec_hist = []
    for t in range(steps):
        idx = torch.randint(0, n_train, (256,), generator=gen)
        o, o2, a, lb = O[:, idx], O2[:, idx], A[:, idx], lab[:, idx]
        z, _, vq = encode(o, o2)
        h, h2 = feats(o, o2)
        tgt = h2[..., : G * G] if st.target == "agent" else h2
        pred = _fwd(params["fdm"], torch.cat([h, z], -1))
        rec = ((tgt - pred) ** 2).sum(-1).mean(-1)
        loss = rec.sum() + vq * K
        if st.label_fraction:
            logits = _fwd(params["head"], z)
            ce = torch.nn.functional.cross_entropy(logits.reshape(-1, 5), a.reshape(-1), reduction="none").reshape(K, -1)
            loss = loss + st.act_weight * ((ce * lb).sum(-1) / lb.sum(-1).clamp_min(1)).sum()
        opt.zero_grad()
        loss.backward()
        opt.step()
        if t >= steps - 50:
            rec_hist.append(rec.detach())

    @torch.no_grad()
    def z_of(o, o2):
        return encode(o.expand(K, -1, -1), o2.expand(K, -1, -1))[1]

    return z_of, torch.stack(rec_hist).mean(0).numpy()


# --- probes ------------------------------------------------------------------------------------------
def _standardise(tr: torch.Tensor, te: torch.Tensor):
    mu, sd = tr.mean(1, keepdim=True), tr.std(1, keepdim=True).clamp_min(1e-6)
    return (tr - mu) / sd, (te - mu) / sd


def ridge_probe_nmse(Xtr, Ytr, Xte, Yte, alpha: float = 1.0) -> np.ndarray:
    """Held-out NMSE of a ridge linear probe with bias (batched over K; closed form, float64); NMSE = mean over target
    coordinates of MSE / Var. With n_tr >> d features the overfitting bias is ~ d / n_tr (reported via NMSE(xi|o_t))."""
    Xtr, Xte = _standardise(Xtr.double(), Xte.double())
    Ytr, Yte = Ytr.double(), Yte.double()
    one = lambda X: torch.cat([X, torch.ones(*X.shape[:-1], 1, dtype=X.dtype)], -1)  # noqa: E731
    Xtr, Xte = one(Xtr), one(Xte)
    d = Xtr.shape[-1]
    W = torch.linalg.solve(Xtr.transpose(1, 2) @ Xtr + alpha * torch.eye(d, dtype=Xtr.dtype), Xtr.transpose(1, 2) @ Ytr)
    return (((Xte @ W - Yte) ** 2).mean(1) / Yte.var(1)).mean(-1).numpy()


def linear_acc(Ztr, Atr, Zte, Ate, gen, steps=300) -> np.ndarray:
    Ztr, Zte = _standardise(Ztr, Zte)
    ps = _lin(Ztr.shape[0], Ztr.shape[-1], 5, gen)
    opt = torch.optim.Adam(ps, lr=5e-2)
    for _ in range(steps):
        loss = torch.nn.functional.cross_entropy(_fwd(ps, Ztr).reshape(-1, 5), Atr.reshape(-1))
        opt.zero_grad()
        loss.backward()
        opt.step()
    with torch.no_grad():
        return (_fwd(ps, Zte).argmax(-1) == Ate).float().mean(-1).numpy()


@functools.lru_cache(maxsize=2)
def run_world(scale: str, seed: int) -> dict:
    """Train every setting over seeds and evaluate (cached: the four checks share one run)."""
    full = scale == "full"
    seeds = (0, 1, 2) if not full else (0, 1, 2, 3, 4)
    steps, n_train, n_eval = (1000, 4096, 2048) if not full else (6000, 20000, 4000)
    world = World()
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    t0 = time.perf_counter()
    try:
        gen = torch.Generator().manual_seed(seed + 99)
        ev = world.sample(2 * n_eval, gen)
        # paired samples: groups of M transitions sharing (s_t, a_t) with independent distractor states
        n_grp, M = (64, 8) if not full else (256, 16)
        s_g = (torch.rand(n_grp, 2, generator=gen) * G).repeat_interleave(M, 0)
        a_g = torch.randint(0, 5, (n_grp,), generator=gen).repeat_interleave(M, 0)
        pair = world.sample(n_grp * M, gen, s=s_g, a=a_g)
        out = {"seeds": seeds, "settings": {}}
        for st in SETTINGS:
            z_of, rec = train_setting(world, st, seeds, steps, n_train, seed)
            z = z_of(ev["o"][None], ev["o2"][None])  # (K, 2 n_eval, d_z)
            K = z.shape[0]
            tr, te = slice(0, n_eval), slice(n_eval, 2 * n_eval)
            rep = lambda t: t[None].expand(K, *t.shape)  # noqa: E731
            O, XI, A = rep(ev["o"]), rep(ev["xi"]), rep(ev["a"])
            zo = torch.cat([z, O], -1)
            pg = torch.Generator().manual_seed(seed + 5)
            nm_zo = ridge_probe_nmse(zo[:, tr], XI[:, tr], zo[:, te], XI[:, te])
            nm_o = ridge_probe_nmse(O[:, tr], XI[:, tr], O[:, te], XI[:, te])
            acc = linear_acc(z[:, tr], A[:, tr], z[:, te], A[:, te], pg)
            zp = z_of(pair["o"][None], pair["o2"][None])
            zp = (zp - zp.mean(1, keepdim=True)) / zp.std(1, keepdim=True).clamp_min(1e-6)
            within = zp.reshape(K, n_grp, M, -1).var(2).mean((1, 2))
            total = zp.var(1).mean(-1)
            out["settings"][st.name] = {"leak": (nm_o - nm_zo).tolist(), "nmse_xi_zo": nm_zo.tolist(),
                                        "nmse_xi_o": nm_o.tolist(), "act_acc": acc.tolist(),
                                        "inconsistency": (within / total.clamp_min(1e-12)).numpy().tolist(),
                                        "rec_loss": rec.tolist()}
        out["seconds"] = time.perf_counter() - t0
        return out
    finally:
        torch.set_num_threads(threads)


def _get(ctx: CheckContext) -> dict:
    return run_world(ctx.scale, ctx.seed)


def _v(out: dict, name: str, key: str) -> np.ndarray:
    return np.asarray(out["settings"][name][key])


def _bar(out: dict, key: str, names: tuple[str, ...], fname: str, title: str, ylabel: str, caption: str) -> FigureSpec:
    ys = [_v(out, n, key) for n in names]
    return FigureSpec(name=fname, title=title, xlabel="setting (" + ", ".join(f"{i}={n}" for i, n in enumerate(names)) + ")",
                      ylabel=ylabel, series=(Series(f"trained ({len(out['seeds'])} seeds, mean +- sd)", list(range(len(names))),
                                                    [float(y.mean()) for y in ys], yerr=[float(y.std()) for y in ys], style="o"),),
                      caption=caption)


#: margins: leak values are differences of held-out NMSEs (in [0, ~1]); a probe on 2048 held-out samples has
#: NMSE standard error ~ sqrt(2/2048) ~ 0.03, so orderings are asserted with margins >= 0.15 seed-by-seed.
MARGIN = 0.15


def c1_result(out: dict) -> tuple[bool, str]:
    ok, parts = True, []
    for b in ("cont", "vq"):
        leak = _v(out, f"plain/{b}", "leak")
        base = _v(out, f"plain/{b}", "nmse_xi_o")
        ok &= bool(leak.min() > MARGIN and base.min() > 0.8)
        parts.append(f"plain/{b}: NMSE(xi|o_t) {np.round(base, 2).tolist()} vs NMSE(xi|z,o_t) "
                     f"{np.round(_v(out, f'plain/{b}', 'nmse_xi_zo'), 2).tolist()}")
    return ok, "; ".join(parts)


@register_check("EX-C1", "trained", "nonlinear pixel LAMs (continuous and VQ): the latent carries future distractor noise")
def ex_c1_trained(ctx: CheckContext) -> CheckResult:
    out = _get(ctx)
    ok, d = c1_result(out)
    fig = _bar(out, "leak", ("plain/cont", "plain/vq", "endo/cont", "endo/vq", "sup10%/cont", "sup10%/vq"),
               "lee2026_pixel_leak", "Pixel world: future-distractor leakage per setting",
               "NMSE(xi|o_t) - NMSE(xi|z,o_t)", "6x6 torus, agent + drifting distractor (its own AR dynamics); ridge linear probe, held out.")
    return judged("trained", ok, TAG + f"{d}. xi_t (only in o_{{t+1}}) is unpredictable from o_t (NMSE ~1) but decodable "
                  f"from (z, o_t): leak > {MARGIN} for every seed, both bottlenecks. {out['seconds']:.0f} s.",
                  counterexample={"settings": out["settings"]}, measured=out, figures=(fig,))


def c2_result(out: dict) -> tuple[bool, str]:
    ok, parts = True, []
    for b in ("cont", "vq"):
        plain, endo = _v(out, f"plain/{b}", "leak"), _v(out, f"endo/{b}", "leak")
        ok &= bool(np.all(endo + MARGIN < plain))
        parts.append(f"{b}: leak plain {np.round(plain, 2).tolist()} -> fixed agent-channel target {np.round(endo, 2).tolist()}")
    fixed, learned = _v(out, "endo/cont", "rec_loss"), _v(out, "learned-phi/cont", "rec_loss")
    plain_rec = _v(out, "plain/cont", "rec_loss")
    col = bool(np.all(learned < 0.1 * plain_rec))
    parts.append(f"trainable phi: final loss {np.round(learned, 4).tolist()} vs plain {np.round(plain_rec, 3).tolist()} "
                 f"(fixed agent target {np.round(fixed, 3).tolist()}); action acc. of its z "
                 f"{np.round(_v(out, 'learned-phi/cont', 'act_acc'), 2).tolist()}")
    return ok and col, "; ".join(parts)


@register_check("EX-C2", "trained", "nonlinear pixel LAMs: a fixed endogenous target cuts leakage; a trained one collapses")
def ex_c2_trained(ctx: CheckContext) -> CheckResult:
    out = _get(ctx)
    ok, d = c2_result(out)
    return judged("trained", ok, TAG + d + f". Orderings asserted seed by seed with margin {MARGIN}; collapse: loss "
                  ">= 10x below plain reconstruction because phi shrinks what must be predicted (the loss stops measuring the "
                  "latent).", counterexample={"settings": out["settings"]}, measured=out)


def c3_result(out: dict) -> tuple[bool, str]:
    ok, parts = True, []
    for b in ("cont", "vq"):
        pl, sp = _v(out, f"plain/{b}", "inconsistency"), _v(out, f"sup10%/{b}", "inconsistency")
        ap, asu = _v(out, f"plain/{b}", "act_acc"), _v(out, f"sup10%/{b}", "act_acc")
        # asserted: the paired-sample conditional variance (seed by seed, margin). Reported only: linear action accuracy
        # from z alone (z may encode the move jointly with s_t, readable only together with o_t; brief §5.6)
        ok &= bool(np.all(sp + MARGIN < pl))
        parts.append(f"{b}: within-(s,a) variance share plain {np.round(pl, 2).tolist()} -> supervised {np.round(sp, 2).tolist()}, "
                     f"linear action acc. from z (reported) {np.round(ap, 2).tolist()} -> {np.round(asu, 2).tolist()}")
    return ok, "; ".join(parts)


@register_check("EX-C3", "trained", "nonlinear pixel LAMs: 10% action labels make z consistent across distractor states")
def ex_c3_trained(ctx: CheckContext) -> CheckResult:
    out = _get(ctx)
    ok, d = c3_result(out)
    fig = _bar(out, "inconsistency", ("plain/cont", "sup10%/cont", "plain/vq", "sup10%/vq"), "lee2026_pixel_consistency",
               "Pixel world: variance of z across distractor states at fixed (s_t, a_t)",
               "within-group / total variance of z", "Paired samples: same (s_t, a_t), independent distractor (x_t, xi_t).")
    return judged("trained", ok, TAG + d + f" (margins {MARGIN}, seed by seed).", counterexample={"settings": out["settings"]},
                  measured=out, figures=(fig,))


@register_check("EX-C4", "trained", "aggregate: the three findings hold on trained linear AND nonlinear LAMs")
def ex_c4_trained(ctx: CheckContext) -> CheckResult:
    from gpu_checks.lee2026 import linear, remedies_trained as rt

    lin = {"EX-T2 (leak)": linear.ex_t2_trained(ctx).status, "EX-T3 (Phi)": rt.ex_t3_trained(ctx).status,
           "EX-T4 (supervision)": rt.ex_t4_trained_figure(ctx).status}
    out = _get(ctx)
    non = {"C1": c1_result(out)[0], "C2": c2_result(out)[0], "C3": c3_result(out)[0]}
    ok = all(s == "confirms" for s in lin.values()) and all(non.values())
    return judged("trained", ok, TAG + f"linear trained checks {lin}; nonlinear pixel toy (continuous + VQ) {non}. "
                  "'Validated' here means: consistent with this project's reconstruction on our own toys; the paper's "
                  "experiments are unknown.", counterexample={"linear": lin, "nonlinear": non}, measured={"linear": lin, "nonlinear": non})
