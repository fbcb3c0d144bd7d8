"""The finite LAPO process: states on a graph, actions, merged actions, k codes (Lachapelle 2025; this project's reconstruction).

THIS IS THIS PROJECT'S RECONSTRUCTION (provenance ``reconstructed``): the paper's formal body was not available.

A `FiniteProcess` is the discretised surrogate of the data-generating process s ~ p(s), a ~ pi(.|s),
s' = g(s, a) with a finite latent set of ``codes`` = k labels:

* states 0..n-1 are the nodes of an undirected graph (``edges``): a path is a discretised connected interval,
  two paths a disconnected state space;
* ``available[s]`` is the set of actions the expert uses at s (``"all"``: full support); S_a = {s : a in
  available[s]} is then the support of action a, and "S_a connected" means the subgraph S_a induces is connected;
* ``merge`` holds triples (s, a, b) with g(s, a) = g(s, b): the IDM sees the same input (s, s') for a and b at s;
  merges are closed transitively per state, so each state's available actions fall into *next-state classes*;
  otherwise g(s, .) is injective. Next states are encoded as reals y(s, c) = 100 s + min(c) (a distinct real per next state);
* p(s) = 1/n, pi(a|s) = 1/|available[s]| (full support on the available set);
* ``lam`` is the weight lambda >= 0 of the entropy penalty E[H(q(.|s,s'))] (``regulariser = "idm-entropy"``, the
  first reading) or of H(A_hat|S) (``"conditional-entropy"``, the alternative reading of the regulariser);
* ``continuity``: the learned IDM is continuous (True) or an unrestricted measurable map (False). Its finite
  surrogate: the code of action a is the same at both ends of every edge where a is available at both ends
  (s -> q(.|s, g(s,a)) is continuous along S_a, and a continuous map that is one-hot everywhere is locally constant).

An observed transition is (s, c) with c a next-state class at s; a deterministic labelling assigns a code to each
observed transition. The same description is what ``lamcheck check`` builds from a ``kind = "finite"`` TOML spec
(`FiniteProcess.from_spec`); every field is validated on construction and a bad one raises
`numerics.processes.ProcessError(field, reason)`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from numerics.processes import ProcessError

REGULARISERS = ("idm-entropy", "conditional-entropy")
SPEC_FIELDS = ("states", "actions", "codes", "edges", "available", "merge", "lam", "continuity", "regulariser")

Transition = tuple[int, tuple[int, ...]]  # (state, sorted next-state class of actions)
#: Fields `FiniteProcess.replace` can change without rebuilding the structure; the cached tables that depend on the
#: structure only, and those that also depend on ``continuity``.
_SCALAR_FIELDS = frozenset({"lam", "continuity", "regulariser"})
_STRUCTURE_CACHE = ("classes", "transitions", "transition_index", "_support_components")
_TIE_CACHE = ("ties", "tie_classes")


def _int(name: str, value: Any, lo: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ProcessError(name, f"must be an integer, got {type(value).__name__}")
    if value < lo:
        raise ProcessError(name, f"must be >= {lo}, got {value}")
    return int(value)


def _index(name: str, value: Any, n: int, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ProcessError(name, f"{what} {value!r} is not an integer")
    if not 0 <= value < n:
        raise ProcessError(name, f"names a missing {what} {value} (there are {n}: 0..{n - 1})")
    return int(value)


def _as_list(name: str, value: Any) -> list:
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
        raise ProcessError(name, f"must be a list, got {type(value).__name__}")
    return list(value)


class _UnionFind:
    def __init__(self, n: int):
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, i: int, j: int) -> None:
        ri, rj = self.find(i), self.find(j)
        if ri != rj:
            self.parent[max(ri, rj)] = min(ri, rj)


@dataclass(frozen=True)
class FiniteProcess:
    """The finite test bed (module docstring). Fields are normalised on construction: ``edges`` sorted pairs
    without duplicates, ``available`` one sorted tuple per state, ``merge`` sorted triples (s, a, b) with a < b."""

    states: int
    actions: int
    codes: int
    edges: tuple[tuple[int, int], ...] = ()
    available: Any = "all"
    merge: tuple[tuple[int, int, int], ...] = ()
    lam: float = 1.0
    continuity: bool = True
    regulariser: str = "idm-entropy"

    def __post_init__(self) -> None:
        n = _int("states", self.states, 1)
        m = _int("actions", self.actions, 1)
        _int("codes", self.codes, 1)
        edges = set()
        for e in _as_list("edges", self.edges):
            pair = _as_list("edges", e)
            if len(pair) != 2:
                raise ProcessError("edges", f"edge {e!r} is not a pair of states")
            s, t = (_index("edges", x, n, "state") for x in pair)
            if s == t:
                raise ProcessError("edges", f"edge {e!r} joins state {s} to itself")
            edges.add((min(s, t), max(s, t)))
        object.__setattr__(self, "edges", tuple(sorted(edges)))
        if isinstance(self.available, str):
            if self.available != "all":
                raise ProcessError("available", f"must be \"all\" or one list of actions per state, got {self.available!r}")
            avail = tuple(tuple(range(m)) for _ in range(n))
        else:
            rows = _as_list("available", self.available)
            if len(rows) != n:
                raise ProcessError("available", f"has {len(rows)} lists, expected one per state ({n})")
            avail = []
            for s, row in enumerate(rows):
                acts = [_index("available", a, m, "action") for a in _as_list("available", row)]
                if not acts:
                    raise ProcessError("available", f"state {s} has no available action (it would not be in S)")
                if len(set(acts)) != len(acts):
                    raise ProcessError("available", f"state {s} lists an action twice: {acts}")
                avail.append(tuple(sorted(acts)))
            avail = tuple(avail)
        object.__setattr__(self, "available", avail)
        merges = set()
        for tr in _as_list("merge", self.merge):
            trip = _as_list("merge", tr)
            if len(trip) != 3:
                raise ProcessError("merge", f"{tr!r} is not a triple [state, a, b]")
            s = _index("merge", trip[0], n, "state")
            a, b = (_index("merge", x, m, "action") for x in trip[1:])
            if a == b:
                raise ProcessError("merge", f"{tr!r} merges action {a} with itself")
            for x in (a, b):
                if x not in avail[s]:
                    raise ProcessError("merge", f"{tr!r} names action {x}, which is not available at state {s}")
            merges.add((s, min(a, b), max(a, b)))
        object.__setattr__(self, "merge", tuple(sorted(merges)))
        self._check_scalars()

    def _check_scalars(self) -> None:
        """Validate and normalise ``lam``, ``continuity``, ``regulariser`` (the fields that leave the structure)."""
        lam = self.lam
        if isinstance(lam, bool) or not isinstance(lam, (int, float)) or lam != lam or lam in (float("inf"),):
            raise ProcessError("lam", f"must be a finite number, got {lam!r}")
        if lam < 0:
            raise ProcessError("lam", f"must be >= 0 (an entropy penalty; a bonus is LA-X1), got {lam}")
        object.__setattr__(self, "lam", float(lam))
        if not isinstance(self.continuity, bool):
            raise ProcessError("continuity", f"must be true or false, got {self.continuity!r}")
        if self.regulariser not in REGULARISERS:
            raise ProcessError("regulariser", f"must be one of {REGULARISERS}, got {self.regulariser!r}")

    # --- the spec (TOML) round trip ----------------------------------------------------------------------------
    @classmethod
    def from_spec(cls, spec: Mapping[str, Any]) -> "FiniteProcess":
        """Build from a ``kind = "finite"`` spec mapping (the TOML contract); unknown fields raise ProcessError."""
        spec = dict(spec)
        kind = spec.pop("kind", "finite")
        if kind != "finite":
            raise ProcessError("kind", f"expected \"finite\", got {kind!r}")
        unknown = sorted(set(spec) - set(SPEC_FIELDS))
        if unknown:
            raise ProcessError(unknown[0], f"unknown field (known: {', '.join(SPEC_FIELDS)})")
        for need in ("states", "actions", "codes"):
            if need not in spec:
                raise ProcessError(need, "missing")
        return cls(**spec)

    def to_json(self) -> dict:
        full = all(a == tuple(range(self.actions)) for a in self.available)
        return {"kind": "finite", "states": self.states, "actions": self.actions, "codes": self.codes,
                "edges": [list(e) for e in self.edges],
                "available": "all" if full else [list(a) for a in self.available],
                "merge": [list(t) for t in self.merge], "lam": self.lam, "continuity": self.continuity,
                "regulariser": self.regulariser}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "FiniteProcess":
        """Inverse of `to_json` (report.json witnesses are rebuilt with it)."""
        return cls.from_spec(data)

    def replace(self, **changes: Any) -> "FiniteProcess":
        """A copy with some spec fields changed (validated again). Changing only ``lam``, ``continuity`` or
        ``regulariser`` keeps the (already validated, normalised) structure and its derived tables, so the copy is
        the same object `from_spec` would build, without re-validating the graph (the sweeps call this per process)."""
        if changes and set(changes) <= _SCALAR_FIELDS:
            new = object.__new__(FiniteProcess)
            for f in SPEC_FIELDS:
                object.__setattr__(new, f, changes.get(f, getattr(self, f)))
            new._check_scalars()
            keep = _STRUCTURE_CACHE + (_TIE_CACHE if new.continuity == self.continuity else ())
            for name in keep:
                if name in self.__dict__:
                    new.__dict__[name] = self.__dict__[name]
            return new
        spec = self.to_json() | changes
        return FiniteProcess.from_spec(spec)

    # --- derived structure -------------------------------------------------------------------------------------
    @cached_property
    def classes(self) -> tuple[tuple[tuple[int, ...], ...], ...]:
        """Per state, its next-state classes: the available actions grouped by g(s, a) (merges closed transitively)."""
        out = []
        for s in range(self.states):
            acts = self.available[s]
            uf = _UnionFind(self.actions)
            for (t, a, b) in self.merge:
                if t == s:
                    uf.union(a, b)
            groups: dict[int, list[int]] = {}
            for a in acts:
                groups.setdefault(uf.find(a), []).append(a)
            out.append(tuple(sorted(tuple(sorted(g)) for g in groups.values())))
        return tuple(out)

    @cached_property
    def transitions(self) -> tuple[Transition, ...]:
        """The observed transitions (s, class), state by state."""
        return tuple((s, c) for s in range(self.states) for c in self.classes[s])

    @cached_property
    def transition_index(self) -> dict[tuple[int, int], int]:
        """(s, a) -> index of the observed transition that action a produces at s."""
        return {(s, a): i for i, (s, c) in enumerate(self.transitions) for a in c}

    def weight(self, t: int) -> tuple[int, int]:
        """p(s) pi(class|s) of transition t as the fraction (|class|, n |available[s]|)."""
        s, c = self.transitions[t]
        return len(c), self.states * len(self.available[s])

    def next_state(self, t: int) -> int:
        """y = 100 s + min(class): the real-valued next state of transition t."""
        s, c = self.transitions[t]
        return 100 * s + c[0]

    @cached_property
    def ties(self) -> tuple[tuple[int, int], ...]:
        """Pairs of transitions whose codes the continuity surrogate ties (empty without ``continuity``):
        (s, a) and (u, a) for every edge {s, u} with a available at both ends."""
        if not self.continuity:
            return ()
        idx = self.transition_index
        out = set()
        for s, u in self.edges:
            for a in set(self.available[s]) & set(self.available[u]):
                i, j = idx[(s, a)], idx[(u, a)]
                if i != j:
                    out.add((min(i, j), max(i, j)))
        return tuple(sorted(out))

    @cached_property
    def tie_classes(self) -> tuple[tuple[int, ...], ...]:
        """Transitions grouped by the ties (union-find closure): a labelling in the model class is constant on each."""
        uf = _UnionFind(len(self.transitions))
        for i, j in self.ties:
            uf.union(i, j)
        groups: dict[int, list[int]] = {}
        for t in range(len(self.transitions)):
            groups.setdefault(uf.find(t), []).append(t)
        return tuple(tuple(g) for g in sorted(groups.values()))

    def support(self, a: int) -> tuple[int, ...]:
        """S_a: the states where action a is available."""
        return tuple(s for s in range(self.states) if a in self.available[s])

    def components(self, nodes: Sequence[int]) -> list[tuple[int, ...]]:
        """Connected components of the subgraph the state set ``nodes`` induces."""
        nodes = set(nodes)
        adj: dict[int, set[int]] = {s: set() for s in nodes}
        for s, t in self.edges:
            if s in nodes and t in nodes:
                adj[s].add(t)
                adj[t].add(s)
        seen, comps = set(), []
        for s in sorted(nodes):
            if s in seen:
                continue
            stack, comp = [s], []
            seen.add(s)
            while stack:
                x = stack.pop()
                comp.append(x)
                for y in adj[x] - seen:
                    seen.add(y)
                    stack.append(y)
            comps.append(tuple(sorted(comp)))
        return comps

    @cached_property
    def _support_components(self) -> tuple[tuple[tuple[int, ...], ...], ...]:
        return tuple(tuple(self.components(self.support(a))) for a in range(self.actions))

    def support_components(self, a: int) -> list[tuple[int, ...]]:
        """Connected components of the subgraph S_a induces."""
        return list(self._support_components[a])

    @property
    def max_classes(self) -> int:
        """max_s (number of distinct next states at s): a zero-loss labelling needs at least this many codes."""
        return max(len(c) for c in self.classes)
