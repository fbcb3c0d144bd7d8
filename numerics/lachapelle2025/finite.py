"""Exact identifiability of a `FiniteProcess`: the whole set of global minimisers, by exhaustive enumeration.

THIS IS THIS PROJECT'S RECONSTRUCTION (provenance ``reconstructed``): the paper's formal body was not available.

The objective (the reconstructed objective) on the finite process, with the FDM g_hat(s, x) free for every state s and code x:

    L_lam(q, g_hat) = sum_t p_t [ sum_x q_t(x) (y_t - g_hat(s_t, x))^2 + lam H(q_t) ]          (idm-entropy)
    L_lam(q, g_hat) = sum_t p_t sum_x q_t(x) (y_t - g_hat(s_t, x))^2 + lam sum_s p(s) H(A_hat | S = s)
                                                                                      (conditional-entropy)

over transitions t = (s_t, class) with weight p_t = p(s) pi(class|s) and next state y_t, and over IDMs q in the
model class: q is constant on every tie class when ``continuity`` holds (module `process`).

Reduction to deterministic labellings (LA-L1 applied per tie class). For fixed g_hat the objective restricted to
the q of one tie class T is linear plus lam (sum_{t in T} p_t) H(q_T) (or lam times entropies of marginals that
move linearly with q_T): strictly concave along every segment that moves mass between two codes when lam > 0.
A minimiser is a minimiser in q_T for fixed g_hat*, so it is a vertex: **for lam > 0 every global minimiser is a
deterministic labelling h** (D1), with g_hat*(s, x) the weighted mean of the next states labelled x at s (unique
where x is used at s, free where it is not). For a deterministic h the objective is

    L_rec(h) = sum_s p(s) sum_x [ W Y2 - Y^2 / W ]_{s,x}   (W, Y, Y2: sums of pi, pi y, pi y^2 of the transitions
                                                           labelled x at s; the within-code variance)
    (+ lam sum_s p(s) H(code marginal at s) in the conditional-entropy reading),

so the set of global minimisers is the set of labellings that minimise this finite function: enumerated exactly
here (integer arithmetic for L_rec). Labellings of tie classes that never meet at a state are independent, so the
enumeration runs per *component* (tie classes linked by sharing a state) and the global set is the product.

D1 at lam = 0. Then the objective is linear in q for fixed g_hat, and a non-deterministic minimiser exists iff two
deterministic minimisers h, h' differ on exactly one tie class T and have a common optimal g_hat (the means agree at
every (s, x) that both use): q_T = (e_{h(T)} + e_{h'(T)})/2 is then a minimiser. (If (q, g_hat) is a minimiser with
q_T mixed on codes x != y, rounding every other class to a vertex of its argmin, and T to x or to y, keeps the value
and g_hat optimal: that gives such a pair; the converse is linearity.) At zero loss this is the set-labelling
criterion: some tie class has a code unused at every state it touches.

Desiderata on a deterministic labelling h (D2, D3 are evaluated on the deterministic minimisers, which are all
the minimisers when lam > 0):
    D2  h(s, g(s, a)) = v(a) for every a and s in S_a (the code of an action does not depend on the state);
    D3  the code determines the action: a code never labels transitions of two different actions (a merged
        transition carries both of its actions); under D2 this is exactly "v is injective".
"""

from __future__ import annotations

import dataclasses
import itertools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from functools import lru_cache, reduce

import numpy as np

from numerics.lachapelle2025.process import FiniteProcess

#: Enumeration budget per component (k^N labellings of N tie classes). Above it `TooLarge` is raised and the SMT
#: path (`numerics.lachapelle2025.smt`) answers the zero-loss questions instead.
MAX_LABELINGS = 2_000_000
#: Ties among objective values in the conditional-entropy reading (float entropies of exact rationals summed over
#: <= 10 states: rounding ~1e-15 each): a relative 1e-9 separates ties from genuine gaps (>= ~1e-4 on these inputs).
VALUE_RTOL = 1e-9


class TooLarge(ValueError):
    """The exhaustive enumeration of some component exceeds `MAX_LABELINGS`."""


def falling_factorial(k: int, r: int) -> int:
    """(k)_r = k (k-1) ... (k-r+1): injective maps from r labels into k codes."""
    return math.prod(range(k - r + 1, k + 1)) if r <= k else 0


def entropy(p: Sequence[float]) -> float:
    """H(p) = -sum p log p (natural log, 0 log 0 = 0)."""
    p = np.asarray(p, dtype=float)
    nz = p[p > 0]
    return float(-(nz * np.log(nz)).sum())


# --- structure -------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Component:
    classes: tuple[int, ...]  # tie-class ids
    states: tuple[int, ...]


def _tie_of(p: FiniteProcess) -> list[int]:
    tie = [0] * len(p.transitions)
    for i, members in enumerate(p.tie_classes):
        for t in members:
            tie[t] = i
    return tie


def _components(p: FiniteProcess) -> list[_Component]:
    """Tie classes linked by co-presence at a state."""
    tie = _tie_of(p)
    n_cls = len(p.tie_classes)
    parent = list(range(n_cls))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    by_state: dict[int, list[int]] = {}
    for t, (s, _) in enumerate(p.transitions):
        by_state.setdefault(s, []).append(tie[t])
    for cl in by_state.values():
        for c in cl[1:]:
            a, b = find(cl[0]), find(c)
            if a != b:
                parent[max(a, b)] = min(a, b)
    groups: dict[int, list[int]] = {}
    for c in range(n_cls):
        groups.setdefault(find(c), []).append(c)
    comps = []
    for cls in sorted(groups.values()):
        states = sorted({p.transitions[t][0] for c in cls for t in p.tie_classes[c]})
        comps.append(_Component(tuple(cls), tuple(states)))
    return comps


def tie_class_actions(p: FiniteProcess) -> list[frozenset[int]]:
    """The actions whose transitions a tie class contains."""
    return [frozenset(a for t in members for a in p.transitions[t][1]) for members in p.tie_classes]


def conflict_graph(p: FiniteProcess) -> tuple[int, set[tuple[int, int]], bool]:
    """Zero loss <=> a proper colouring of this graph on tie classes: (number of tie classes, edges between tie
    classes holding distinct transitions at a common state, whether some tie class holds two distinct transitions
    at one state, which no colouring can fix)."""
    tie = _tie_of(p)
    edges, self_conflict = set(), False
    by_state: dict[int, list[int]] = {}
    for t, (s, _) in enumerate(p.transitions):
        by_state.setdefault(s, []).append(tie[t])
    for cls in by_state.values():
        if len(set(cls)) < len(cls):
            self_conflict = True
        for a, b in itertools.combinations(sorted(set(cls)), 2):
            edges.add((a, b))
    return len(p.tie_classes), edges, self_conflict


@lru_cache(maxsize=100_000)
def realisable(p: FiniteProcess) -> bool:
    """A zero-loss labelling exists in the model class: the conflict graph on tie classes has a proper k-colouring
    (backtracking, largest degree first) and no tie class conflicts with itself. Cheaper than `identifiability`,
    which finds the same answer by enumeration."""
    n, edges, self_conflict = conflict_graph(p)
    if self_conflict:
        return False
    adj: dict[int, set[int]] = {v: set() for v in range(n)}
    for a, b in edges:
        adj[a].add(b)
        adj[b].add(a)
    order = sorted(range(n), key=lambda v: -len(adj[v]))
    colour: dict[int, int] = {}

    def rec(i: int) -> bool:
        if i == n:
            return True
        v = order[i]
        used = {colour[u] for u in adj[v] if u in colour}
        for c in range(min(p.codes, len(used) + 1)):  # colours beyond the first unused one are symmetric
            if c not in used:
                colour[v] = c
                if rec(i + 1):
                    return True
                del colour[v]
        return False

    return rec(0)


def chromatic_polynomial_value(n_vertices: int, edges: Iterable[tuple[int, int]], k: int) -> int:
    """P(G, k), the number of proper k-colourings, by deletion-contraction P(G) = P(G - e) - P(G / e)
    (memoised on the canonical edge set, across calls; P of an edgeless graph on n vertices is k^n)."""
    return _chromatic(n_vertices, frozenset((min(a, b), max(a, b)) for a, b in edges), k)


@lru_cache(maxsize=200_000)
def _chromatic(n: int, es: frozenset, k: int) -> int:
    if not es:
        return k**n
    e = min(es)
    a, b = e
    rest = es - {e}
    merged = set()
    for (x, y) in rest:  # contract b into a, relabel vertices above b down by one
        x2, y2 = (a if x == b else x), (a if y == b else y)
        x2, y2 = (x2 - (x2 > b)), (y2 - (y2 > b))
        if x2 != y2:
            merged.add((min(x2, y2), max(x2, y2)))
    return _chromatic(n, frozenset(rest), k) - _chromatic(n - 1, frozenset(merged), k)


def zero_loss_count_formula(p: FiniteProcess) -> int:
    """The number of zero-loss labellings in the model class as lamcheck derives it: the chromatic polynomial of
    the conflict graph at k (0 if some tie class conflicts with itself). Special cases (proofs.md, LA-T2):
    without continuity prod_s (k)_{c_s}; with continuity, no merges and full availability (k)_m per connected
    component of the state graph."""
    n, edges, self_conflict = conflict_graph(p)
    return 0 if self_conflict else chromatic_polynomial_value(n, edges, p.codes)


def action_graph(p: FiniteProcess) -> tuple[list[int], set[tuple[int, int]], bool]:
    """State-independent labellings are maps v: A -> codes; merges force v(a) = v(b), co-available unmerged
    actions force v(a) != v(b). Returns (merge-class representative of each action, the "must differ" edges
    between representatives, whether some pair must be both equal and different)."""
    rep = list(range(p.actions))

    def find(a: int) -> int:
        while rep[a] != a:
            a = rep[a]
        return a

    for _, a, b in p.merge:
        ra, rb = find(a), find(b)
        if ra != rb:
            rep[max(ra, rb)] = min(ra, rb)
    reps = [find(a) for a in range(p.actions)]
    edges, contradiction = set(), False
    for s in range(p.states):
        cls = p.classes[s]
        for c1, c2 in itertools.combinations(cls, 2):
            for a in c1:
                for b in c2:
                    ra, rb = reps[a], reps[b]
                    if ra == rb:
                        contradiction = True
                    else:
                        edges.add((min(ra, rb), max(ra, rb)))
    return reps, edges, contradiction


def state_independent_count_formula(p: FiniteProcess) -> int:
    """Zero-loss state-independent labellings = proper colourings of the action graph with merged actions
    identified and never-available actions dropped (they leave no trace in a labelling)."""
    reps, edges, contradiction = action_graph(p)
    if contradiction:
        return 0
    used = sorted({reps[a] for a in range(p.actions) if p.support(a)})
    index = {r: i for i, r in enumerate(used)}
    es = {(index[a], index[b]) for a, b in edges}
    return chromatic_polynomial_value(len(used), es, p.codes)


# --- the objective ----------------------------------------------------------------------------------------------
def _scale(p: FiniteProcess) -> tuple[int, int]:
    """(L_A, L_W): p(s) pi(class|s) = |class| / (n |A_s|); within-code variances have denominators dividing the
    code's weight W <= m; n L_A L_W L_rec is then an integer."""
    la = reduce(math.lcm, (len(a) for a in p.available), 1)
    lw = reduce(math.lcm, range(1, p.actions + 1), 1)
    return la, lw


def loss_of_labelling(p: FiniteProcess, labels: Sequence[int]) -> Fraction:
    """L_rec of a deterministic labelling (one code per observed transition), exactly: per state the within-code
    weighted variance of the next states y (with the optimal FDM g_hat(s, x) = mean)."""
    total = Fraction(0)
    for s in range(p.states):
        ts = [t for t, (u, _) in enumerate(p.transitions) if u == s]
        for x in set(labels[t] for t in ts):
            group = [t for t in ts if labels[t] == x]
            w = [Fraction(len(p.transitions[t][1]), len(p.available[s])) for t in group]
            y = [p.next_state(t) for t in group]
            W = sum(w)
            mean = sum(wi * yi for wi, yi in zip(w, y)) / W
            total += sum(wi * (yi - mean) ** 2 for wi, yi in zip(w, y)) / p.states
    return total


def objective(p: FiniteProcess, q: np.ndarray, lam: float | None = None, regulariser: str | None = None) -> float:
    """L_lam(q, g_hat*) for a stochastic IDM q (one row per observed transition, a distribution over the k codes)
    with the optimal FDM g_hat*(s, x) = sum_t p_t q_t(x) y_t / sum_t p_t q_t(x); floats. ``lam``/``regulariser``
    default to the process's."""
    lam = p.lam if lam is None else lam
    reg = p.regulariser if regulariser is None else regulariser
    q = np.asarray(q, dtype=float)
    total = 0.0
    for s in range(p.states):
        ts = [t for t, (u, _) in enumerate(p.transitions) if u == s]
        w = np.array([len(p.transitions[t][1]) / (p.states * len(p.available[s])) for t in ts])
        y = np.array([p.next_state(t) for t in ts], dtype=float) - 100 * s
        Q = q[ts]  # (r, k)
        mass = (w[:, None] * Q).sum(0)
        mean = np.divide((w[:, None] * Q * y[:, None]).sum(0), mass, out=np.zeros_like(mass), where=mass > 0)
        total += float((w[:, None] * Q * (y[:, None] - mean[None, :]) ** 2).sum())
        if reg == "idm-entropy":
            total += lam * float(sum(wi * entropy(Qi) for wi, Qi in zip(w, Q)))
        else:
            total += lam * (1 / p.states) * entropy(mass * p.states)
    return total


# --- enumeration -------------------------------------------------------------------------------------------------
@dataclass
class _CompResult:
    comp: _Component
    rows: np.ndarray  # (M, N) minimiser labellings of the component's tie classes
    zero_rows: np.ndarray  # (Z, N) zero-loss labellings
    min_scaled: int | float
    loss_lo: Fraction
    loss_hi: Fraction
    local_d2: np.ndarray  # (M,) bool
    local_d3: np.ndarray  # (M,) bool
    zero_d2: np.ndarray  # (Z,) bool


def _labellings(n: int, k: int) -> np.ndarray:
    if k**n > MAX_LABELINGS:
        raise TooLarge(f"{k}^{n} = {k**n} labellings in one component exceed {MAX_LABELINGS}")
    return _labelling_table(n, k)


@lru_cache(maxsize=256)
def _labelling_table(n: int, k: int) -> np.ndarray:
    """All k^n labellings (read-only: shared by every component with n tie classes and k codes)."""
    out = np.zeros((1, 0), dtype=np.int64) if n == 0 else np.indices((k,) * n).reshape(n, -1).T.astype(np.int64)
    out.flags.writeable = False
    return out


def _component_values(p: FiniteProcess, comp: _Component, tie: list[int]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """All k^N labellings L of the component's tie classes, n L_A L_W L_rec of each (integers) and its
    conditional-entropy term sum_s p(s) H(code marginal at s) (floats).

    Per state s and code x (all codes at once): W = sum of the weights |class| of the transitions labelled x,
    WY = sum |class| y, WY2 = sum |class| y^2 (integers), and the state contributes (L_A / |A_s|) (L_W / W)
    (W WY2 - WY^2) for every used code (the within-code variance, scaled to an integer: W divides L_W)."""
    la, lw = _scale(p)
    k = p.codes
    col = {c: i for i, c in enumerate(comp.classes)}
    L = _labellings(len(comp.classes), k)
    scaled = np.zeros(len(L), dtype=np.int64)
    cent = np.zeros(len(L), dtype=float)
    codes = np.arange(k)
    for s in comp.states:
        ts = [t for t, (u, _) in enumerate(p.transitions) if u == s]
        cols = [col[tie[t]] for t in ts]
        w = np.array([len(p.transitions[t][1]) for t in ts], dtype=np.int64)
        y = np.array([p.transitions[t][1][0] for t in ts], dtype=np.int64)  # y - 100 s
        onehot = (L[:, cols, None] == codes).astype(np.int64)  # (rows, r, k): transition t labelled x
        W, WY, WY2 = np.einsum("ntk,tj->jnk", onehot, np.stack([w, w * y, w * y * y], 1))  # integer sums
        fac = np.where(W > 0, lw // np.maximum(W, 1), 0)
        scaled += (la // len(p.available[s])) * ((W * WY2 - WY * WY) * fac).sum(1)
        pr = W / len(p.available[s])
        cent += (np.where(pr > 0, -pr * np.log(np.where(pr > 0, pr, 1.0)), 0.0) / p.states).sum(1)
    return L, scaled, cent


def lam_free(p: FiniteProcess) -> FiniteProcess:
    """The process whose labelling enumeration ``p`` shares: the objective values of the labellings, their
    minimisers, zero-loss and state-independent counts do not depend on lam except through the
    conditional-entropy term (module docstring: for lam > 0 in the IDM-entropy reading, and at lam = 0 in either
    reading, the minimisers are the L_rec-minimising labellings). So ``p`` at lam = 1, IDM-entropy reading,
    unless ``p`` weighs H(A_hat|S) by some lam > 0 (then ``p`` itself)."""
    if p.regulariser == "conditional-entropy" and p.lam > 0:
        return p
    if p.lam == 1.0 and p.regulariser == "idm-entropy":
        return p
    return p.replace(lam=1.0, regulariser="idm-entropy")


def _enumerate(p: FiniteProcess) -> list[_CompResult]:
    """Per component: the minimiser rows, the zero-loss rows and their local D2 / D3 masks (read-only arrays,
    computed once per `lam_free` process)."""
    return _enumerate_lam_free(lam_free(p))


@lru_cache(maxsize=50_000)
def _enumerate_lam_free(p: FiniteProcess) -> list[_CompResult]:
    tie = _tie_of(p)
    acts = tie_class_actions(p)
    la, lw = _scale(p)
    denom = p.states * la * lw
    out = []
    for comp in _components(p):
        col = {c: i for i, c in enumerate(comp.classes)}
        L, scaled, cent = _component_values(p, comp, tie)
        if p.regulariser == "conditional-entropy" and p.lam > 0:
            value = scaled / denom + p.lam * cent
            vmin = float(value.min())
            is_min = value <= vmin + VALUE_RTOL * max(1.0, abs(vmin))
            min_scaled: int | float = vmin
        else:
            vmin_i = int(scaled.min())
            is_min = scaled == vmin_i
            min_scaled = vmin_i
        rows = L[is_min]
        zero = L[scaled == 0]
        lo, hi = int(scaled[is_min].min()), int(scaled[is_min].max())
        # local D2: every action's tie classes in this component carry one code
        def d2_mask(R: np.ndarray) -> np.ndarray:
            ok = np.ones(len(R), dtype=bool)
            for a in range(p.actions):
                cols_a = [col[c] for c in comp.classes if a in acts[c]]
                for c2 in cols_a[1:]:
                    ok &= R[:, cols_a[0]] == R[:, c2]
            return ok

        def d3_mask(R: np.ndarray) -> np.ndarray:
            ok = np.ones(len(R), dtype=bool)
            for c in comp.classes:
                if len(acts[c]) > 1:
                    ok[:] = False
            for c1, c2 in itertools.combinations(comp.classes, 2):
                if acts[c1] != acts[c2] or len(acts[c1]) > 1:
                    ok &= R[:, col[c1]] != R[:, col[c2]]
            return ok

        res = _CompResult(comp, rows, zero, min_scaled, Fraction(lo, denom), Fraction(hi, denom),
                          d2_mask(rows), d3_mask(rows), d2_mask(zero))
        for arr in (res.rows, res.zero_rows, res.local_d2, res.local_d3, res.zero_d2):
            arr.flags.writeable = False  # shared by every process with the same `lam_free` key
        out.append(res)
    return out


# --- the answer ---------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Identifiability:
    """Exact answers for one `FiniteProcess` over the WHOLE set of global minimisers (module docstring).

    ``realisable``: a zero-loss labelling exists in the model class; ``loss_range``: L_rec over the minimisers
    (lo, hi; both 0 when realisable in the idm-entropy reading); ``minimisers``: number of deterministic global
    minimisers; ``zero_loss_labelings``: in the model class (ties respected when ``continuity``);
    ``zero_loss_labelings_unconstrained``: the same without the continuity surrogate; ``state_independent_labelings``:
    zero-loss labellings satisfying D2; ``count_formula`` / ``state_independent_formula``: the same two counts
    derived by lamcheck (chromatic polynomials, `zero_loss_count_formula`); ``D1``/``D2``/``D3``: the desideratum
    holds at EVERY global minimiser; ``witnesses``: for each failing desideratum a minimiser that violates it;
    ``counterexample``: the first of those (D1, D2, D3 order), None when all hold; ``fdm_free``: pairs (s, a), a not
    available at s, where the FDM g_hat(s, v(a)) of a minimiser is left free by the data."""

    process: FiniteProcess
    realisable: bool
    loss_range: tuple[Fraction, Fraction]
    minimisers: int
    zero_loss_labelings: int
    zero_loss_labelings_unconstrained: int
    state_independent_labelings: int
    count_formula: int
    state_independent_formula: int
    D1: bool
    D2: bool
    D3: bool
    witnesses: dict = field(default_factory=dict)
    fdm_free: tuple[tuple[int, int], ...] = ()

    @property
    def identified(self) -> bool:
        return self.D1 and self.D2 and self.D3

    @property
    def counterexample(self) -> dict | None:
        for d in ("D1", "D2", "D3"):
            if d in self.witnesses:
                return {"desideratum": d, **render_witness(self.process, self.witnesses[d])}
        return None

    def to_json(self) -> dict:
        return {"process": self.process.to_json(), "realisable": self.realisable,
                "loss_range": [str(self.loss_range[0]), str(self.loss_range[1])], "minimisers": self.minimisers,
                "zero_loss_labelings": self.zero_loss_labelings,
                "zero_loss_labelings_unconstrained": self.zero_loss_labelings_unconstrained,
                "state_independent_labelings": self.state_independent_labelings,
                "count_formula": self.count_formula, "state_independent_formula": self.state_independent_formula,
                "D1": self.D1, "D2": self.D2, "D3": self.D3, "counterexample": self.counterexample,
                "fdm_free": [list(x) for x in self.fdm_free]}


def describe_labelling(p: FiniteProcess, labels: Sequence[int], q: dict | None = None) -> dict:
    """A labelling as report data: one entry per observed transition (state, actions producing it, code). The
    witnesses of `identifiability` keep the raw ``labels``; `Identifiability.counterexample` describes them."""
    out = {"labels": [int(x) for x in labels]}
    if q is not None:
        out["stochastic"] = q
    return out


def render_witness(p: FiniteProcess, w: dict) -> dict:
    """A witness with its labelling spelled out and its exact loss."""
    labels = w["labels"]
    rows = [{"state": s, "actions": list(c), "code": int(labels[t])} for t, (s, c) in enumerate(p.transitions)]
    return {k: v for k, v in w.items() if k != "labels"} | {"labelling": rows, "loss": str(loss_of_labelling(p, labels))}


def _full_labels(p: FiniteProcess, results: list[_CompResult], picks: dict[int, np.ndarray]) -> list[int]:
    """A full labelling of the transitions from one minimiser row per component (``picks``; row 0 otherwise)."""
    tie = _tie_of(p)
    code_of_class: dict[int, int] = {}
    for i, r in enumerate(results):
        row = picks.get(i, r.rows[0])
        for j, c in enumerate(r.comp.classes):
            code_of_class[c] = int(row[j])
    return [code_of_class[tie[t]] for t in range(len(p.transitions))]


def _d1_witness(p: FiniteProcess, results: list[_CompResult]) -> dict | None:
    """lam = 0: two minimisers differing on one tie class with a common optimal FDM (module docstring)."""
    tie = _tie_of(p)
    for i, r in enumerate(results):
        rowset = {tuple(int(v) for v in row) for row in r.rows}
        for row in r.rows:
            for j, c in enumerate(r.comp.classes):
                for x in range(p.codes):
                    if x == row[j]:
                        continue
                    alt = row.copy()
                    alt[j] = x
                    if tuple(int(v) for v in alt) not in rowset:
                        continue
                    if _means_agree(p, r.comp, row, alt, tie):
                        labels = _full_labels(p, results, {i: row})
                        members = [{"state": p.transitions[t][0], "actions": list(p.transitions[t][1])}
                                   for t in p.tie_classes[c]]
                        return describe_labelling(p, labels, q={"tie_class": members,
                                                                "q": {str(int(row[j])): 0.5, str(x): 0.5}})
    return None


def _means_agree(p: FiniteProcess, comp: _Component, h: np.ndarray, h2: np.ndarray, tie: list[int]) -> bool:
    col = {c: i for i, c in enumerate(comp.classes)}
    for s in comp.states:
        ts = [t for t, (u, _) in enumerate(p.transitions) if u == s]
        for x in range(p.codes):
            g1 = [t for t in ts if h[col[tie[t]]] == x]
            g2 = [t for t in ts if h2[col[tie[t]]] == x]
            if g1 and g2 and g1 != g2:
                def mean(g):
                    w = [Fraction(len(p.transitions[t][1])) for t in g]
                    return sum(wi * p.next_state(t) for wi, t in zip(w, g)) / sum(w)
                if mean(g1) != mean(g2):
                    return False
    return True


@lru_cache(maxsize=50_000)
def _state_independent_labellings(p: FiniteProcess) -> int:
    """Zero-loss D2 labellings, by enumerating v: A -> codes (k^m) and de-duplicating the labellings they induce."""
    if p.codes**p.actions > MAX_LABELINGS:
        raise TooLarge(f"{p.codes}^{p.actions} maps v exceed {MAX_LABELINGS}")
    seen = set()
    for v in itertools.product(range(p.codes), repeat=p.actions):
        labels = []
        ok = True
        for (s, c) in p.transitions:
            codes = {v[a] for a in c}
            if len(codes) > 1:
                ok = False
                break
            labels.append(codes.pop())
        if not ok:
            continue
        if all(len({labels[t] for t, (u, _) in enumerate(p.transitions) if u == s}) == len(p.classes[s])
               for s in range(p.states)):
            seen.add(tuple(labels))
    return len(seen)


@lru_cache(maxsize=50_000)
def identifiability(p: FiniteProcess) -> Identifiability:
    """The exact answer for ``p`` (the one code path behind the exhaustive checks and ``lamcheck check``);
    cached per process (FiniteProcess is frozen and hashable), since sweeps and evaluators ask again. Processes
    that differ only in lam > 0 (IDM-entropy reading) have the same answer: it is computed once, at lam = 1
    (`lam_free`), and carries ``p`` as its process; lam = 0 adds the D1 question (stochastic minimisers) to the
    same enumeration."""
    if p.lam > 0 and lam_free(p) != p:
        return dataclasses.replace(identifiability(lam_free(p)), process=p)
    results = _enumerate(p)
    acts = tie_class_actions(p)
    realisable = all(len(r.zero_rows) > 0 for r in results)
    minimisers = math.prod(len(r.rows) for r in results)
    zero = math.prod(len(r.zero_rows) for r in results)
    # the unrestricted class decouples per state: injective maps of the c_s next-state classes into k codes
    zero_free = math.prod(falling_factorial(p.codes, len(c)) for c in p.classes)
    witnesses: dict[str, dict] = {}

    # D1
    if p.lam == 0:
        w = _d1_witness(p, results)
        if w is not None:
            witnesses["D1"] = w
    # D2: locally in each component, then across components (an action met in two components)
    d2_code_sets: dict[int, list[tuple[int, set[int]]]] = {}
    for i, r in enumerate(results):
        bad = np.flatnonzero(~r.local_d2)
        if len(bad) and "D2" not in witnesses:
            witnesses["D2"] = describe_labelling(p, _full_labels(p, results, {i: r.rows[bad[0]]}))
        for a in range(p.actions):
            cols = [j for j, c in enumerate(r.comp.classes) if a in acts[c]]
            if cols:
                codes = {int(row[cols[0]]) for row, ok in zip(r.rows, r.local_d2) if ok}
                d2_code_sets.setdefault(a, []).append((i, codes))
    if "D2" not in witnesses:
        for a, entries in d2_code_sets.items():
            found = None
            for (i1, c1), (i2, c2) in itertools.combinations(entries, 2):
                if len(c1) > 1 or c1 != c2:  # some x in c1, y in c2 with x != y
                    y = min(c2)
                    x = min(c1 - {y}) if c1 - {y} else None
                    if x is None:  # c1 == {y}: then c2 holds another code
                        x, y = y, min(c2 - {y})
                    found = (i1, x, i2, y)
                    break
            if found:
                i1, x, i2, y = found
                pick = {}
                for i, code in ((i1, x), (i2, y)):
                    r = results[i]
                    cols = [j for j, c in enumerate(r.comp.classes) if a in acts[c]]
                    for row, ok in zip(r.rows, r.local_d2):
                        if ok and int(row[cols[0]]) == code:
                            pick[i] = row
                            break
                witnesses["D2"] = describe_labelling(p, _full_labels(p, results, pick)) | {"action": a}
                break
    # D3: locally, then across components (one code for two actions in two components)
    pairs: list[dict[int, dict[int, np.ndarray]]] = []  # per component: code -> action -> a row using it
    for i, r in enumerate(results):
        bad = np.flatnonzero(~r.local_d3)
        if len(bad) and "D3" not in witnesses:
            witnesses["D3"] = describe_labelling(p, _full_labels(p, results, {i: r.rows[bad[0]]}))
        use: dict[int, dict[int, np.ndarray]] = {}
        for row, ok in zip(r.rows, r.local_d3):
            if not ok:
                continue
            for j, c in enumerate(r.comp.classes):
                for a in acts[c]:
                    use.setdefault(int(row[j]), {}).setdefault(a, row)
        pairs.append(use)
    if "D3" not in witnesses:
        for (i1, u1), (i2, u2) in itertools.combinations(enumerate(pairs), 2):
            hit = next(((x, a, b) for x in u1 for a in u1[x] for b in u2.get(x, {}) if a != b), None)
            if hit:
                x, a, b = hit
                labels = _full_labels(p, results, {i1: u1[x][a], i2: u2[x][b]})
                witnesses["D3"] = describe_labelling(p, labels) | {"code": x, "actions": [a, b]}
                break
    D1 = "D1" not in witnesses
    D2 = "D2" not in witnesses
    D3 = "D3" not in witnesses
    fdm_free = tuple((s, a) for s in range(p.states) for a in range(p.actions)
                     if a not in p.available[s] and p.support(a))
    return Identifiability(
        process=p, realisable=realisable,
        loss_range=(sum((r.loss_lo for r in results), Fraction(0)), sum((r.loss_hi for r in results), Fraction(0))),
        minimisers=minimisers, zero_loss_labelings=zero, zero_loss_labelings_unconstrained=zero_free,
        state_independent_labelings=_state_independent_labellings(lam_free(p)),
        count_formula=zero_loss_count_formula(p), state_independent_formula=state_independent_count_formula(p), D1=D1, D2=D2, D3=D3, witnesses=witnesses,
        fdm_free=fdm_free)


def zero_loss_labellings(p: FiniteProcess) -> list[tuple[int, ...]]:
    """Every zero-loss labelling in the model class (one code per observed transition), for cross-checks."""
    results = _enumerate(p)
    tie = _tie_of(p)
    per = []
    for r in results:
        per.append([{c: int(row[j]) for j, c in enumerate(r.comp.classes)} for row in r.zero_rows])
    out = []
    for combo in itertools.product(*per):
        merged = {}
        for d in combo:
            merged.update(d)
        out.append(tuple(merged[tie[t]] for t in range(len(p.transitions))))
    return out


@lru_cache(maxsize=50_000)
def exists_d3_minimiser(p: FiniteProcess) -> bool:
    """Whether SOME deterministic global minimiser satisfies D3 (the code determines the action): backtracking over
    components through their locally-D3 minimiser rows, keeping the code -> action map consistent across them."""
    results = _enumerate(p)
    acts = tie_class_actions(p)
    options = []
    for r in results:
        opts = []
        for row, ok in zip(r.rows, r.local_d3):
            if ok:
                opts.append({int(row[j]): next(iter(acts[c])) for j, c in enumerate(r.comp.classes)})
        if not opts:
            return False
        options.append(opts)
    options.sort(key=len)

    def rec(i: int, used: dict[int, int]) -> bool:
        if i == len(options):
            return True
        for opt in options[i]:
            if all(used.get(x, a) == a for x, a in opt.items()):
                if rec(i + 1, used | opt):
                    return True
        return False

    return rec(0, {})


def conditional_entropy_threshold(p: FiniteProcess) -> float:
    """The alternative reading L_rec + lam H(A_hat|S): the smallest lam at which a lossy labelling ties with the
    zero-loss ones. Zero-loss labellings all have H(A_hat|S) = H_0 (the next-state classes' entropy given s); a
    labelling h with H(h) < H_0 wins once lam > L_rec(h) / (H_0 - H(h)). Both terms are sums over components and
    a ratio of sums is at least the smallest ratio of its parts (mediant), so lam* is the minimum over components
    of the per-component ratio (others kept at zero loss). inf if no labelling lowers H(A_hat|S); raises
    ValueError if the process is not realisable."""
    tie = _tie_of(p)
    la, lw = _scale(p)
    denom = p.states * la * lw
    best = float("inf")
    for comp in _components(p):
        L, scaled, cent = _component_values(p, comp, tie)
        zero = scaled == 0
        if not zero.any():
            raise ValueError("not realisable: no zero-loss labelling")
        h0 = float(cent[zero].max())
        gain = h0 - cent
        ok = gain > 1e-12
        if ok.any():
            best = min(best, float((scaled[ok] / denom / gain[ok]).min()))
    return best


def simplex_lattice(k: int, denom: int) -> np.ndarray:
    """Every point of Delta_k with coordinates in (1/denom) Z."""
    pts = [c for c in itertools.product(range(denom + 1), repeat=k) if sum(c) == denom]
    return np.array(pts, dtype=float) / denom


def lattice_minimum(p: FiniteProcess, denom: int = 4) -> tuple[float, float]:
    """min of L_lam(q, g_hat*) over EVERY stochastic IDM q in the model class whose rows lie on the lattice
    Delta_k cap (1/denom) Z^k (one row per tie class), and the max entropy of q among the lattice points that
    attain that minimum (0: only one-hot minimisers). Independent of the reduction to labellings (`objective`)."""
    lat = simplex_lattice(p.codes, denom)
    tie = _tie_of(p)
    n_cls = len(p.tie_classes)
    if len(lat) ** n_cls > 200_000:
        raise TooLarge(f"{len(lat)}^{n_cls} lattice IDMs")
    best, best_h = float("inf"), 0.0
    for combo in itertools.product(range(len(lat)), repeat=n_cls):
        q = lat[[combo[tie[t]] for t in range(len(p.transitions))]]
        v = objective(p, q)
        h = max(entropy(row) for row in q)
        if v < best - 1e-12:
            best, best_h = v, h
        elif abs(v - best) <= 1e-12:
            best_h = max(best_h, h)
    return best, best_h
