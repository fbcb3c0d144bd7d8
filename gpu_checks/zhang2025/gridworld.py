"""Zhang et al.'s non-linear grid world (ZP-E7, Sec. 5, Table 1): data, batched VQ LAM and its training
(library: the check is in `gpu_checks.zhang2025.gridworld_checks`).

Constants come from `numerics.zhang2025.protocol.GridWorld` (the ``rebuttal/`` code, cited there by file and
line); the model is a downscaled rebuild, every deviation listed in ``DEVIATIONS``. Training goes through
THE loop (`gpu_checks.training.train`) with the one VQ layer (`gpu_checks.training.VectorQuantizer`, the
authors' codebook-loss weight 0.1 and commitment weight 0.025) and is cached once per (scale, device, seed).

Data. 4x4 single-channel frames, flattened row-major to 16 pixels. The top 3x4 region (pixels 0..11)
holds one unit pixel; actions 0..4 = up, down, left, right, stay move it by one cell, clipped at the
borders (a blocked move is a stay). The bottom row (pixels 12..15) is fresh Bernoulli(0.5) x intensity
in every frame; intensities are the paper's labels none 0.0, low 1.0, high 2.0 (the code's 0.25 x 0/4/8
is the same numbers), so the noise variance is c^2/4 = 0 / 0.25 / 1.0 as in the paper's normaliser.
Trajectories start at (row 1, col 2) (protocol.GridWorld.start: (n_rows // 2, n_cols // 2)). Policy "uniform": a
uniformly random action; "correlated": with prob. 0.95 the action of a fixed snake cycle (``SNAKE``, a
Hamiltonian cycle of the 12 cells), else a uniformly random action. Training pairs (o, o') are drawn
uniformly from all consecutive pairs of the trajectories (the code draws one pair per trajectory per
epoch; with replacement over pairs is the same marginal).

Model (batched over settings x seeds; every model has its own data, init and Adam state). IDM = MLP
on [o, o'] (32 -> 64 -> 64 -> 16) instead of the paper's CNN encoder + MLP 512-512; VQ with a codebook
of 5 codes of dim 16, straight-through, codebook loss 0.1, commitment 0.025 (codebook trained by its loss, as
the paper describes; the readable authors' code never updates it, protocol.GRID_NOTES), every ``REINIT_EVERY``
updates codes unused in the last batch re-initialised to random current encoder outputs; FDM = MLP on [o, code]
(32 -> 64 -> 64 -> 16) instead of the paper's UNet. Loss: MSE over the 16 pixels.

Ablations. Noise none/low/high; policy uniform/correlated; augmentation: the IDM sees (o, o') both
rolled by the SAME random +-1 column shift (periodic in the 4 columns, all four rows), the FDM gets the
un-shifted o and must reconstruct the un-shifted o'; 1% action prediction: code k is pre-assigned to
action k, 1% of the trajectories are labelled, and for their pairs the FDM receives code a (instead of
the quantised latent) and 0.1 * ||z_e - sg(code a)||^2 pulls the latent to that code.

Metrics (on held-out UNIFORM-policy pairs at the training noise level, quantised latent, no labels; for
the correlated policy this is the ZP-E4 protocol, and the paper's note that its normaliser refers to
uniform-policy data, giving values > 1, says the same). Controllable loss = MSE on the 12 top pixels /
C0 with C0 = E[1 - sum_c p(c|o)^2] / 12 the exact MSE of the no-action predictor E[o'|o] under the
uniform policy on the test positions (the paper's 0.060; ours ~0.061). Stochastic loss = MSE on the 4
noise pixels / (c^2/4) (1 = the predictor c/2 that knows nothing about the noise; undefined at c = 0).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import torch

from gpu_checks.training import Schedule, StopRule, VectorQuantizer, cached, single_thread, train
from numerics.zhang2025.protocol import grid_world

GRID = grid_world()

H, W, ROWS = 4, 4, 3  # frame size; the pixel lives in the top ROWS x W region
N_TOP = ROWS * W
N_ACT = 5
MOVES = np.array([(-1, 0), (1, 0), (0, -1), (0, 1), (0, 0)])  # up, down, left, right, stay
START = GRID.start
#: Hamiltonian cycle of the 3x4 region (the "fixed snake path"): row 0 left->right, down the right edge,
#: a zig-zag back through columns 2..0, up the left edge.
SNAKE = [(0, 0), (0, 1), (0, 2), (0, 3), (1, 3), (2, 3), (2, 2), (1, 2), (1, 1), (2, 1), (2, 0), (1, 0)]
NOISE = {"none": GRID.noise_amplitude(0.0), "low": GRID.noise_amplitude(4.0), "high": GRID.noise_amplitude(8.0)}
CODES, D_LAT, HID = GRID.codebook_size, GRID.n_latent, 64
BETA_CB, BETA_COMMIT, BETA_PULL = GRID.codebook_weight, GRID.commitment_weight, GRID.pull_weight
REINIT_EVERY = 100

#: Table 1 of the paper, verbatim (mean +- standard error over five seeds); stoch None = "-".
PAPER = {
    "no noise": (0.624, 0.087, None, None),
    "base": (0.781, 0.079, 0.739, 0.047),
    "high noise": (1.046, 0.017, 0.607, 0.021),
    "correlated": (1.997, 0.022, 0.599, 0.036),
    "augmentation": (0.415, 0.020, 0.898, 0.049),
    "1% labels": (0.295, 0.011, 0.986, 0.002),
}

DEVIATIONS = (
    "IDM = MLP 32-64-64-16 on the flattened (o, o') instead of the paper's CNN encoder + MLP 512-512; "
    "FDM = MLP 32-64-64-16 on [o, code] instead of a UNet; the codebook is trained by its 0.1 loss; snake = a fixed Hamiltonian cycle "
    "of the 3x4 cells; pairs drawn uniformly with replacement from all trajectory pairs, no train/test split of "
    "trajectories but a fresh uniform-policy test set; ci (a smoke run, orderings not judged): 100 trajectories x 50 "
    "frames, 150 updates, batch 256, Adam lr 1e-3, 3 seeds (code: 4000 x 200, 1600 updates, batch 1024, lr 1e-4; "
    "paper: 16k updates, 5 seeds)"
)


# --- data ------------------------------------------------------------------------------------------

def step_positions(pos: np.ndarray, act: np.ndarray) -> np.ndarray:
    """Move (row, col) positions [n, 2] by actions [n], clipped to the 3x4 region."""
    new = pos + MOVES[act]
    return np.stack([np.clip(new[:, 0], 0, ROWS - 1), np.clip(new[:, 1], 0, W - 1)], axis=1)


def snake_action(pos: np.ndarray) -> np.ndarray:
    """Action that moves each position to its successor on the snake cycle."""
    nxt = {SNAKE[i]: SNAKE[(i + 1) % len(SNAKE)] for i in range(len(SNAKE))}
    out = np.empty(len(pos), dtype=np.int64)
    for i, (r, c) in enumerate(pos):
        dr, dc = nxt[(int(r), int(c))][0] - r, nxt[(int(r), int(c))][1] - c
        out[i] = int(np.flatnonzero((MOVES[:, 0] == dr) & (MOVES[:, 1] == dc))[0])
    return out


def frames(pos: np.ndarray, noise: np.ndarray) -> np.ndarray:
    """Frames [n, 16]: one-hot pixel at pos in the top region, noise row [n, 4] at the bottom."""
    f = np.zeros((len(pos), H * W), dtype=np.float32)
    f[np.arange(len(pos)), pos[:, 0] * W + pos[:, 1]] = 1.0
    f[:, N_TOP:] = noise
    return f


def trajectories(rng: np.random.Generator, n: int, T: int, intensity: float, policy: str = "uniform",
                 p_follow: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """n trajectories of T frames from the centre: frames [n, T, 16] and actions [n, T-1]."""
    pos = np.tile(np.array(START), (n, 1))
    obs = np.zeros((n, T, H * W), dtype=np.float32)
    acts = np.zeros((n, T - 1), dtype=np.int64)
    for t in range(T):
        obs[:, t] = frames(pos, intensity * rng.integers(0, 2, size=(n, W)))
        if t == T - 1:
            break
        a = rng.integers(0, N_ACT, size=n)
        if policy == "correlated":
            follow = rng.random(n) < p_follow
            a = np.where(follow, snake_action(pos), a)
        acts[:, t] = a
        pos = step_positions(pos, a)
    return obs, acts


def pairs(obs: np.ndarray, acts: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """All consecutive pairs: o [N,16], o' [N,16], a [N], trajectory index [N]."""
    n, T, _ = obs.shape
    return (obs[:, :-1].reshape(-1, H * W), obs[:, 1:].reshape(-1, H * W), acts.reshape(-1),
            np.repeat(np.arange(n), T - 1))


def no_action_mse(o: np.ndarray) -> float:
    """Exact MSE (mean over the 12 top pixels) of E[o'|o] under the uniform policy, averaged over o's positions.

    For a position whose 5 actions land on cells with probabilities p_c, E_a sum_c (p_c - 1[c = cell(a)])^2
    = 1 - sum_c p_c^2; divided by 12 pixels. Interior cells: 0.8/12 = 0.0667; border cells less.
    """
    cells = np.array([(r, c) for r in range(ROWS) for c in range(W)])
    land = np.stack([step_positions(cells, np.full(N_TOP, a)) for a in range(N_ACT)], axis=1)  # [12, 5, 2]
    flat = land[..., 0] * W + land[..., 1]
    per_cell = np.array([1.0 - np.sum((np.unique(f, return_counts=True)[1] / N_ACT) ** 2) for f in flat])
    val = per_cell[np.argmax(o[:, :N_TOP], axis=1)]
    return float(val.mean() / N_TOP)


def losses(pred: np.ndarray, o_next: np.ndarray, o: np.ndarray, intensity: float) -> tuple[float, float | None]:
    """(controllable, stochastic) loss of predictions [n, 16] of o_next."""
    ctrl = float(np.mean((pred[:, :N_TOP] - o_next[:, :N_TOP]) ** 2)) / no_action_mse(o)
    var = intensity ** 2 / 4
    stoch = float(np.mean((pred[:, N_TOP:] - o_next[:, N_TOP:]) ** 2)) / var if var > 0 else None
    return ctrl, stoch


# --- settings --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Setting:
    name: str
    noise: str = "low"
    policy: str = "uniform"
    augment: bool = False
    labels: float = 0.0


SETTINGS = (
    Setting("no noise", noise="none"),
    Setting("base"),
    Setting("high noise", noise="high"),
    Setting("correlated", policy="correlated"),
    Setting("augmentation", augment=True),
    Setting("1% labels", labels=0.01),
)


@dataclass(frozen=True)
class Scale:
    n_traj: int
    T: int
    steps: int
    batch: int
    lr: float
    seeds: int
    n_test: int

    #: Whether this budget judges Table 1's orderings (full) or is a smoke run whose table is only reported (ci).
    judges: bool = True

    @classmethod
    def at(cls, scale: str) -> "Scale":
        """full: the authors' data, updates and batch, 5 seeds; the check judges the orderings.

        ci: a smoke run of the whole pipeline (data, batched IDM/VQ/FDM, THE loop, metrics) for every setting
        x 3 seeds, 150 updates (1% of the paper's 16k) on 100 trajectories x 50 frames, 1000 test pairs; the
        check reports its table and does NOT judge the orderings. Reason: at the former 1200-update ci budget
        (95 s of the audit) the outcome was already `undecided` (noisy settings' codes mostly on the noise row,
        seed-dependent ties), so a ci budget cannot decide Table 1; the undecided status is then a property
        of the budget, stated as such, not of the seeds.
        """
        if scale == "full":
            return cls(GRID.n_traj, GRID.n_frames, GRID.updates, GRID.batch, GRID.lr, 5, 20000)
        return cls(100, 50, 150, 256, 1e-3, 3, 1000, judges=False)


# --- batched model ---------------------------------------------------------------------------------

def _lin(g: torch.Generator, K: int, i: int, o: int) -> list[torch.Tensor]:
    b = 1.0 / np.sqrt(i)  # torch.nn.Linear's default init range
    return [(torch.rand(K, i, o, generator=g) * 2 - 1) * b, (torch.rand(K, 1, o, generator=g) * 2 - 1) * b]


def init_params(K: int, seeds: list[int]) -> dict[str, torch.Tensor]:
    per = []
    for s in seeds:
        g = torch.Generator().manual_seed(int(s))
        ws = _lin(g, 1, 2 * H * W, HID) + _lin(g, 1, HID, HID) + _lin(g, 1, HID, D_LAT)
        ws += _lin(g, 1, H * W + D_LAT, HID) + _lin(g, 1, HID, HID) + _lin(g, 1, HID, H * W)
        per.append(ws)
    names = ["i0w", "i0b", "i1w", "i1b", "i2w", "i2b", "f0w", "f0b", "f1w", "f1b", "f2w", "f2b"]
    return {n: torch.cat([p[j] for p in per]).contiguous() for j, n in enumerate(names)}


def _mlp(p: dict[str, torch.Tensor], pre: str, x: torch.Tensor) -> torch.Tensor:
    x = torch.relu(torch.baddbmm(p[pre + "0b"], x, p[pre + "0w"]))
    x = torch.relu(torch.baddbmm(p[pre + "1b"], x, p[pre + "1w"]))
    return torch.baddbmm(p[pre + "2b"], x, p[pre + "2w"])


def roll_columns(x: torch.Tensor, shift: torch.Tensor) -> torch.Tensor:
    """Roll frames [..., 16] by per-sample column shifts [...] (periodic, every row)."""
    cols = (torch.arange(W, device=x.device) - shift.unsqueeze(-1)) % W  # [..., W]: source column of each column
    src = (torch.arange(H, device=x.device).view(H, 1) * W + cols.unsqueeze(-2)).flatten(-2)  # [..., 16]
    return torch.gather(x, -1, src)


def forward(p: dict[str, torch.Tensor], vq: VectorQuantizer, o: torch.Tensor, o_next: torch.Tensor, *,
            shift: torch.Tensor | None = None, label: torch.Tensor | None = None, a: torch.Tensor | None = None):
    """Prediction [K,B,16], code index, VQ + pull loss per model. ``shift`` (IDM-input augmentation) and
    ``label`` (bool [K,B]: FDM gets code a, latent pulled to it) are optional."""
    oi, ni = (o, o_next) if shift is None else (roll_columns(o, shift), roll_columns(o_next, shift))
    z_e = _mlp(p, "i", torch.cat([oi, ni], -1))
    z, idx, aux = vq.quantise(z_e)
    if label is not None:
        z_a = vq.lookup(a)
        m = label.unsqueeze(-1).to(z.dtype)
        z = m * z_a + (1 - m) * z
        aux = aux + BETA_PULL * (m * (z_e - z_a.detach()) ** 2).sum(-1).mean(-1)
    return _mlp(p, "f", torch.cat([o, z], -1)), idx, aux


@dataclass
class Trained:
    settings: list[Setting]
    seeds: list[int]
    ctrl: np.ndarray  # [K]
    stoch: np.ndarray  # [K] (nan where no noise)
    code_use: np.ndarray  # [K] number of codes used on the test set
    seconds: float
    budget: Scale | None = None  # the budget trained (None: unknown)


def train_all(scale: str, device: str, seed: int, progress=lambda _m: None) -> Trained:
    """Every setting x seed, trained once per (scale, device, seed) (`gpu_checks.training.cached`)."""
    return cached(("zhang2025.gridworld", str(scale), device, seed), lambda: _train_all(str(scale), device, seed, progress))


def _train_all(scale: str, device: str, seed: int, progress, sc: Scale | None = None) -> Trained:
    """Train every setting x seed at ``sc`` (default: ``Scale.at(scale)``; tests pass a tiny budget)."""
    sc = Scale.at(scale) if sc is None else sc
    cfg = [(st, s) for st in SETTINGS for s in range(sc.seeds)]
    K = len(cfg)
    O, N, A, L, tests = [], [], [], [], []
    for j, (st, s) in enumerate(cfg):
        rng = np.random.default_rng([seed, s, j])
        obs, acts = trajectories(rng, sc.n_traj, sc.T, NOISE[st.noise], st.policy)
        o, n, a, tr = pairs(obs, acts)
        labelled = rng.permutation(sc.n_traj)[: int(round(st.labels * sc.n_traj))]
        O.append(o), N.append(n), A.append(a), L.append(np.isin(tr, labelled))
        tobs, _ = trajectories(np.random.default_rng([seed, s, j, 1]), sc.n_test // (sc.T - 1) + 1, sc.T,
                               NOISE[st.noise], "uniform")
        to, tn, _, _ = pairs(tobs, np.zeros((tobs.shape[0], sc.T - 1), dtype=np.int64))
        tests.append((to[: sc.n_test], tn[: sc.n_test]))
    dev = torch.device(device)
    O_t, N_t = torch.tensor(np.stack(O), device=dev), torch.tensor(np.stack(N), device=dev)
    A_t, L_t = torch.tensor(np.stack(A), device=dev), torch.tensor(np.stack(L), device=dev)
    aug = torch.tensor([st.augment for st, _ in cfg], device=dev).view(K, 1)
    use_labels = any(st.labels > 0 for st, _ in cfg)
    p = {k: v.to(dev).requires_grad_() for k, v in init_params(K, [10_000 * seed + 100 * j + s for j, (_, s) in enumerate(cfg)]).items()}
    g = torch.Generator(device=dev).manual_seed(seed)
    vq = VectorQuantizer(K, CODES, D_LAT, commitment=BETA_COMMIT, update="gradient", codebook_weight=BETA_CB,
                         reinit_dead=True, generator=g, device=dev)
    P = O_t.shape[1]
    last: dict[str, float] = {}

    def loss_fn(step: int) -> torch.Tensor:
        ix = torch.randint(0, P, (K, sc.batch), generator=g, device=dev)
        take = lambda X: torch.gather(X, 1, ix.unsqueeze(-1).expand(-1, -1, X.shape[-1]))  # noqa: E731
        o, n = take(O_t), take(N_t)
        a, lab = torch.gather(A_t, 1, ix), torch.gather(L_t, 1, ix)
        sign = torch.randint(0, 2, (K, sc.batch), generator=g, device=dev) * 2 - 1
        shift = torch.where(aug, sign, torch.zeros_like(sign))
        pred, _, aux = forward(p, vq, o, n, shift=shift, label=lab if use_labels else None, a=a)
        loss = (((pred - n) ** 2).mean((-1, -2)) + aux).sum()
        last["loss"] = float(loss.detach()) / K
        return loss

    def after_step(step: int) -> None:
        if (step + 1) % REINIT_EVERY == 0:  # dead codes: unused in the last batch, every REINIT_EVERY updates
            vq.after_step()

    t0 = time.perf_counter()
    with single_thread(dev):
        train(list(p.values()) + vq.params, loss_fn, schedule=Schedule(sc.lr), stop=StopRule(sc.steps, every=sc.steps),
              progress=lambda m: progress(f"grid world: {m}, loss {last.get('loss', float('nan')):.4f}"), after_step=after_step)
        with torch.no_grad():
            to = torch.tensor(np.stack([t[0] for t in tests]), device=dev)
            tn = torch.tensor(np.stack([t[1] for t in tests]), device=dev)
            pred, idx, _ = forward(p, vq, to, tn)
            pred, idx = pred.cpu().numpy(), idx.cpu().numpy()
    ctrl, stoch = np.zeros(K), np.full(K, np.nan)
    for k, (st, _) in enumerate(cfg):
        c, s_ = losses(pred[k], tests[k][1], tests[k][0], NOISE[st.noise])
        ctrl[k], stoch[k] = c, (np.nan if s_ is None else s_)
    return Trained([st for st, _ in cfg], [s for _, s in cfg], ctrl, stoch,
                   np.array([len(np.unique(i)) for i in idx]), time.perf_counter() - t0, sc)


# --- the check -------------------------------------------------------------------------------------

#: (metric, smaller setting, larger setting): the orderings of Table 1 (Sec. 5 conclusions (1)-(4)).
ORDERINGS = (
    ("ctrl", "no noise", "base"),
    ("ctrl", "base", "high noise"),
    ("stoch", "high noise", "base"),
    ("ctrl", "base", "correlated"),
    ("ctrl", "augmentation", "base"),
    ("stoch", "base", "augmentation"),
    ("ctrl", "1% labels", "base"),
    ("stoch", "base", "1% labels"),
)


def judge_ordering(small: np.ndarray, large: np.ndarray) -> str:
    """'holds' if every seed of `small` lies below every seed of `large` (complete separation of the
    seed ranges), 'fails' if the reverse separation holds, else 'undecided' (ranges overlap)."""
    if small.max() < large.min():
        return "holds"
    if small.min() > large.max():
        return "fails"
    return "undecided"


def table(tr: Trained) -> list[dict]:
    rows = []
    for st in SETTINGS:
        k = [i for i, s in enumerate(tr.settings) if s.name == st.name]
        c, s = tr.ctrl[k], tr.stoch[k]
        pc, pcs, ps, pss = PAPER[st.name]
        rows.append({
            "setting": st.name, "ctrl_mean": float(c.mean()), "ctrl_sd": float(c.std(ddof=1)),
            "ctrl_seeds": [round(float(x), 4) for x in c],
            "stoch_mean": None if np.isnan(s).all() else float(s.mean()),
            "stoch_sd": None if np.isnan(s).all() else float(s.std(ddof=1)),
            "stoch_seeds": None if np.isnan(s).all() else [round(float(x), 4) for x in s],
            "codes_used": [int(x) for x in tr.code_use[k]],
            "paper_ctrl": pc, "paper_ctrl_se": pcs, "paper_stoch": ps, "paper_stoch_se": pss,
        })
    return rows
