"""The continuous test bed of Lachapelle 2025 (this project's reconstruction) and explicit global optima on it (numpy only).

THIS IS THIS PROJECT'S RECONSTRUCTION (provenance ``reconstructed``): the paper has no known experiments.

    S = [-1, 1]^2 (``domain = "connected"``) or [-1,-0.2] x [-1,1]  u  [0.2,1] x [-1,1] (``"disconnected"``)
    u_a = (cos(pi a / 2), sin(pi a / 2)), a = 0..3                       four directions
    g(s, a) = s + step R(theta(s)) u_a,  theta(s) = rotation * s_1       state-dependent rotation (step 0.15, pi)
    pi(a|s) = softmax(W s + b)                                          full support, state-dependent

s' need not lie in S (transitions are i.i.d. pairs), so no clipping is needed: g(., a) is continuous and
g(s, .) injective with |g(s,a) - g(s,b)| >= step |u_a - u_b| >= step sqrt 2 (the action graphs are separated).
The displacement s' - s = step R(theta(s)) u_a depends on s, so a "Delta s" code is not state-independent.

Identifiability claims concern the whole set of global optima, so alternative optima are constructed explicitly and
their losses compared exactly before looking at what training finds. Each construction below is an IDM q(.|s, g(s,a)) (per state and action, over k codes) with the
FDM that is optimal for it, g_hat(s, c) = sum_a pi(a|s) q(c|s,a) g(s,a) / sum_a pi(a|s) q(c|s,a); because the IDM
input (s, g(s,a)) determines a, the objective is an exact finite sum over a at each s, and the expectation over s is
a midpoint rule on a grid (`value`):

    L_lam = E_s sum_a pi(a|s) [ sum_c q(c|s,a) |g(s,a) - g_hat(s,c)|^2 + lam H(q(.|s,a)) ].
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

DOMAINS = ("connected", "disconnected")
LATENTS = ("discrete", "continuous", "vq")
#: The policy logits W s + b (pi(a|s) = softmax(W s + b)): fixed numbers chosen so that every
#: action is the modal one somewhere in [-1,1]^2 and min pi(a|s) > 0.006 on the square (full support).
POLICY_W = np.array([[1.5, -1.0], [-1.0, 1.2], [0.8, 1.4], [-1.3, -0.7]])
POLICY_B = np.zeros(4)
GAP = 0.2  # the disconnected domain removes (-GAP, GAP) x [-1, 1]


@dataclass(frozen=True)
class ContinuousTestBed:
    """Brief §4.3 (module docstring). ``latent``: the IDM's output space ("discrete": softmax over ``codes``;
    "continuous": R^2; "vq": a continuous encoder followed by an argmin quantiser over ``codes`` entries);
    ``lam``: entropy weight; ``full_support``: False restricts the expert so that pairs of actions never co-occur
    (LA-U4 (iii)), by the rule "action a is used only where sign(s_1) matches its parity"; ``same_dynamics`` = (a, b):
    action b moves like action a everywhere, g(s, b) = g(s, a) (LA-U4 (i))."""

    domain: str = "connected"
    actions: int = 4
    codes: int = 4
    step: float = 0.15
    rotation: float = float(np.pi)
    lam: float = 0.01
    latent: str = "discrete"
    full_support: bool = True
    same_dynamics: tuple[int, int] | None = None

    def __post_init__(self) -> None:
        if self.domain not in DOMAINS:
            raise ValueError(f"domain {self.domain!r} is not one of {DOMAINS}")
        if self.latent not in LATENTS:
            raise ValueError(f"latent {self.latent!r} is not one of {LATENTS}")
        if self.actions != 4:
            raise ValueError("the test bed has 4 actions")

    def domain_text(self) -> str:
        return "[-1,1]^2" if self.domain == "connected" else f"[-1,-{GAP}]x[-1,1] u [{GAP},1]x[-1,1]"

    def to_json(self) -> dict:
        return {"kind": "continuous-testbed", "domain": self.domain, "actions": self.actions, "codes": self.codes,
                "step": self.step, "rotation": self.rotation, "lam": self.lam, "latent": self.latent,
                "full_support": self.full_support, "same_dynamics": self.same_dynamics}

    @classmethod
    def from_json(cls, data: dict) -> "ContinuousTestBed":
        d = {k: v for k, v in data.items() if k != "kind"}
        if d.get("same_dynamics") is not None:
            d["same_dynamics"] = tuple(d["same_dynamics"])
        return cls(**d)

    # --- the process ----------------------------------------------------------------------------------------------
    @property
    def directions(self) -> np.ndarray:
        ang = np.pi / 2 * np.arange(self.actions)
        return np.stack([np.cos(ang), np.sin(ang)], 1)

    def displacement(self, s: np.ndarray, a: np.ndarray) -> np.ndarray:
        """s' - s = step R(rotation s_1) u_a, for arrays s (n, 2) and a (n,)."""
        a = np.asarray(a)
        if self.same_dynamics is not None:
            a = np.where(a == self.same_dynamics[1], self.same_dynamics[0], a)
        th = self.rotation * s[:, 0] + np.pi / 2 * a
        return self.step * np.stack([np.cos(th), np.sin(th)], 1)

    def g(self, s: np.ndarray, a: np.ndarray) -> np.ndarray:
        return s + self.displacement(s, a)

    def policy(self, s: np.ndarray) -> np.ndarray:
        """pi(.|s), shape (n, 4)."""
        logits = s @ POLICY_W.T + POLICY_B
        p = np.exp(logits - logits.max(1, keepdims=True))
        if not self.full_support:
            right = (s[:, :1] > 0)
            parity = (np.arange(self.actions)[None, :] % 2 == 0)
            p = p * np.where(right, parity, ~parity)
        return p / p.sum(1, keepdims=True)

    def sample_states(self, n: int, rng: np.random.Generator) -> np.ndarray:
        s = rng.uniform(-1, 1, size=(n, 2))
        if self.domain == "disconnected":
            x = rng.uniform(GAP, 1, size=n)
            s[:, 0] = np.where(rng.random(n) < 0.5, -x, x)
        return s

    def sample(self, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(s, a, s') with s ~ uniform on the domain, a ~ pi(.|s), s' = g(s, a)."""
        s = self.sample_states(n, rng)
        p = self.policy(s)
        a = (rng.random((n, 1)) > np.cumsum(p, 1)).sum(1).clip(0, self.actions - 1)
        return s, a, self.g(s, a)

    def grid(self, per_axis: int = 64) -> np.ndarray:
        """Midpoint grid on the domain (equal cell areas): the quadrature nodes of `value`."""
        if self.domain == "connected":
            xs = -1 + (np.arange(per_axis) + 0.5) * 2 / per_axis
        else:
            half = -1 + (np.arange(per_axis // 2) + 0.5) * (1 - GAP) / (per_axis // 2)
            xs = np.concatenate([half, -half[::-1]])
        ys = -1 + (np.arange(per_axis) + 0.5) * 2 / per_axis
        X, Y = np.meshgrid(xs, ys, indexing="ij")
        return np.stack([X.ravel(), Y.ravel()], 1)

    def min_next_state_gap(self) -> float:
        """min_{s, a != b} |g(s,a) - g(s,b)| = step min_{a != b} |u_a - u_b| (a rotation keeps distances)."""
        u = self.directions
        if self.same_dynamics is not None:
            u = u.copy()
            u[self.same_dynamics[1]] = u[self.same_dynamics[0]]
        d = np.linalg.norm(u[:, None] - u[None], axis=-1)
        return float(self.step * d[~np.eye(self.actions, dtype=bool)].min())

    def co_occurring_gap(self) -> float:
        """min |g(s,a) - g(s,b)| over the pairs a != b used at a common state (all pairs under full support; same
        parity under the parity rule): what a zero-loss continuous IDM needs to be > 0."""
        u = self.directions
        if self.same_dynamics is not None:
            u = u.copy()
            u[self.same_dynamics[1]] = u[self.same_dynamics[0]]
        pairs = [(a, b) for a in range(self.actions) for b in range(a + 1, self.actions)
                 if self.full_support or (a - b) % 2 == 0]
        return float(self.step * min(np.linalg.norm(u[a] - u[b]) for a, b in pairs)) if pairs else float("inf")

    def line(self, n: int = 200, s2: float = 0.0) -> np.ndarray:
        """A horizontal line of states across the domain (for label switches)."""
        if self.domain == "connected":
            x = np.linspace(-0.99, 0.99, n)
        else:
            half = np.linspace(-0.99, -GAP - 0.01, n // 2)
            x = np.concatenate([half, -half[::-1]])
        return np.stack([x, np.full_like(x, s2)], 1)


# --- exact values of explicit IDMs ------------------------------------------------------------------------------------
def _entropy_rows(q: np.ndarray) -> np.ndarray:
    return -(np.where(q > 0, q * np.log(np.where(q > 0, q, 1.0)), 0.0)).sum(-1)


def value(bed: ContinuousTestBed, idm, per_axis: int = 64, lam: float | None = None) -> dict:
    """L_lam of the IDM ``idm(s) -> q`` (shape (n, m, k): q(.|s, g(s,a)) for every action) with its optimal FDM,
    integrated over the grid (module docstring). Returns rec, entropy (E[H(q)]), value = rec + lam entropy."""
    lam = bed.lam if lam is None else lam
    s = bed.grid(per_axis)
    n, m = len(s), bed.actions
    pi = bed.policy(s)  # (n, m)
    nxt = np.stack([bed.g(s, np.full(n, a)) for a in range(m)], 1)  # (n, m, 2)
    q = idm(s)  # (n, m, k)
    wq = pi[:, :, None] * q  # (n, m, k)
    mass = wq.sum(1)  # (n, k)
    ghat = np.einsum("nmk,nmd->nkd", wq, nxt) / np.where(mass > 0, mass, 1.0)[:, :, None]
    err = ((nxt[:, :, None, :] - ghat[:, None, :, :]) ** 2).sum(-1)  # (n, m, k)
    rec = float((wq * err).sum((1, 2)).mean())
    ent = float((pi * _entropy_rows(q)).sum(1).mean())
    return {"rec": rec, "entropy": ent, "value": rec + lam * ent, "grid": int(n)}


def onehot(idx: np.ndarray, k: int) -> np.ndarray:
    return np.eye(k)[idx]


def identified_idm(bed: ContinuousTestBed, v: np.ndarray | None = None):
    """q(.|s, g(s,a)) = e_{v(a)} (v = identity by default): D1, D2, D3."""
    v = np.arange(bed.actions) if v is None else np.asarray(v)
    return lambda s: np.broadcast_to(onehot(v, bed.codes)[None], (len(s), bed.actions, bed.codes)).copy()


def split_idm(bed: ContinuousTestBed, action: int = 0, spare: int | None = None):
    """LA-U1: action ``action``'s transitions split half/half between its code and a spare code (k > m)."""
    spare = bed.actions if spare is None else spare

    def q(s):
        out = identified_idm(bed)(s)
        out[:, action, :] = 0.0
        out[:, action, action] = 0.5
        out[:, action, spare] = 0.5
        return out

    return q


def swap_idm(bed: ContinuousTestBed, a: int = 0, b: int = 1, width: float = 0.0):
    """LA-U2 / LA-T2: codes of a and b swapped where s_1 > 0. ``width`` = 0: the hard (discontinuous on the
    connected domain, continuous on the disconnected one) swap; width > 0: a continuous interpolation
    t(s) = sigmoid(s_1 / width) between the two labellings."""

    def q(s):
        out = identified_idm(bed)(s)
        t = (s[:, 0] > 0).astype(float) if width == 0 else 1 / (1 + np.exp(-s[:, 0] / width))
        ea, eb = np.eye(bed.codes)[a], np.eye(bed.codes)[b]
        out[:, a, :] = (1 - t)[:, None] * ea + t[:, None] * eb
        out[:, b, :] = (1 - t)[:, None] * eb + t[:, None] * ea
        return out

    return q


def mixed_idm(bed: ContinuousTestBed, eps: float, rng: np.random.Generator):
    """(1 - eps) e_a + eps r(s) with r a random softmax field: a perturbation of the identified IDM off the vertices."""
    logits = rng.normal(size=(bed.actions, bed.codes))

    def q(s):
        r = np.exp(logits + np.sin(3 * s[:, :1, None]))
        r = r / r.sum(-1, keepdims=True)
        return (1 - eps) * identified_idm(bed)(s) + eps * r

    return q


def merged_idm(bed: ContinuousTestBed, a: int = 0, b: int = 1):
    """LA-T3: v(a) = v(b) (actions a and b share a code)."""
    v = np.arange(bed.actions)
    v[b] = v[a]
    return identified_idm(bed, v)


def merged_loss_closed_form(bed: ContinuousTestBed, a: int = 0, b: int = 1, per_axis: int = 64) -> float:
    """L_rec of the merged IDM: E_s[pi_a pi_b / (pi_a + pi_b) |g(s,a) - g(s,b)|^2] (two points, weighted mean)."""
    s = bed.grid(per_axis)
    pi = bed.policy(s)
    d2 = ((bed.g(s, np.full(len(s), a)) - bed.g(s, np.full(len(s), b))) ** 2).sum(1)
    pa, pb = pi[:, a], pi[:, b]
    return float((np.where(pa + pb > 0, pa * pb / np.where(pa + pb > 0, pa + pb, 1), 0.0) * d2).mean())


def delta_s_code(bed: ContinuousTestBed, s: np.ndarray, a: np.ndarray) -> np.ndarray:
    """LA-U3: the continuous latent z = s' - s (with g_hat(s, z) = s + z: zero loss)."""
    return bed.displacement(s, a)


def state_free_bayes_accuracy(bed: ContinuousTestBed, bins: int = 720, per_axis: int = 400) -> float:
    """The best accuracy of ANY decoder z -> a that ignores s, for the code z = s' - s: z's direction is
    phi = rotation s_1 + pi a / 2 (mod 2 pi), |z| = step, so accuracy = int max_a p(phi, a) dphi, computed on a
    fine grid of (s_1, s_2) (midpoint rule) binned in phi."""
    s = bed.grid(per_axis)
    pi = bed.policy(s)
    acc = np.zeros((bins, bed.actions))
    for a in range(bed.actions):
        phi = np.mod(bed.rotation * s[:, 0] + np.pi / 2 * a, 2 * np.pi)
        idx = np.minimum((phi / (2 * np.pi) * bins).astype(int), bins - 1)
        np.add.at(acc[:, a], idx, pi[:, a])
    return float(acc.max(1).sum() / len(s))


def vq_switch_labelling(bed: ContinuousTestBed, s: np.ndarray, a: np.ndarray, width: float = 0.2):
    """LA-C1: a CONTINUOUS encoder followed by LAPO's argmin quantiser that switches codes along a path.
    Codebook: e_c in R^k (one-hot rows, k >= m + 1). Encoder: x(s, a) = (1 - t) e_{v(a)} + t e_{spare} for a = 0 and
    x = e_{v(a)} otherwise, t = clip(s_1 / width + 1/2, 0, 1) (continuous). The argmin code of action 0 is 0 for
    t < 1/2 and the spare code m for t > 1/2; g_hat(s, c) = g(s, c) for c < m and g(s, 0) for c = m: zero loss a.e.
    (only the tie set t = 1/2, measure zero), no entropy (argmin is deterministic), D2 fails. Returns
    (encoder outputs (n, k), quantised codes (n,))."""
    k = bed.codes
    if k <= bed.actions:
        raise ValueError("the spare-code switch needs k > m")
    t = np.clip(s[:, 0] / width + 0.5, 0, 1)
    E = np.eye(k)
    x = E[a].copy()
    zero = a == 0
    x[zero] = (1 - t[zero, None]) * E[0] + t[zero, None] * E[bed.actions]
    dist = ((x[:, None, :] - E[None]) ** 2).sum(-1)
    return x, dist.argmin(1)
