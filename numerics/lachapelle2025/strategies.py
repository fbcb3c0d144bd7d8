"""Hypothesis strategies over finite LAPO processes, drawn THROUGH the assumption evaluators.

`finite_processes` draws the whole space of small `FiniteProcess` descriptions: 1..4 states on any graph (paths,
random edge sets, several components), 1..3 actions, 1..4 codes (k below, at and above m), availability "all" or
per state (which can disconnect some S_a while S stays connected), merges at chosen states, lam in {0, 1/2, 1},
both IDM classes, both regulariser readings when asked. `in_domain(claim)` keeps the instances where every one of
the claim's (or its repair's) assumptions holds according to the registered evaluators, so the domain of a check
is exactly the domain the ledger states. Hypothesis shrinks towards fewer states, actions, codes, edges and merges,
so a failing search returns the smallest counterexample.
"""

from __future__ import annotations

import itertools
from functools import lru_cache

from hypothesis import strategies as st

import numerics.lachapelle2025.assumptions  # noqa: F401  (registers the evaluators)
from numerics.lachapelle2025.process import FiniteProcess
from theory.assumptions import claim_assumptions, in_domain as _in_domain
from theory.claims import Assumption, Claim

LAMS = (0.0, 0.5, 1.0)


@st.composite
def finite_processes(draw, max_states: int = 4, max_actions: int = 3, max_codes: int = 4, continuity=None,
                     lam=None, regulariser: str | None = "idm-entropy", merges: bool = True,
                     lams: tuple[float, ...] = LAMS, min_actions: int = 1, per_state_rows: bool = False) -> FiniteProcess:
    """``min_actions`` / ``per_state_rows`` (availability drawn per state, never "all") skip draws a structural
    filter would reject with certainty (e.g. a pair of actions with disjoint supports needs m >= 2 and per-state
    availability); the domain a filter keeps is the same, hypothesis spends its budget inside it."""
    n = draw(st.integers(1, max_states))
    m = draw(st.integers(min_actions, max_actions))
    k = draw(st.integers(1, max_codes))
    # tuples, not lists: hypothesis then caches these strategies (the same choices, so the same examples)
    pairs = tuple(itertools.combinations(range(n), 2))
    shape = draw(st.sampled_from(("path", "any")))
    if shape == "path":
        edges = tuple((i, i + 1) for i in range(n - 1))
        cut = draw(st.sets(st.sampled_from(edges))) if edges else set()
        edges = [e for e in edges if e not in cut]
    else:
        edges = sorted(draw(st.sets(st.sampled_from(pairs)))) if pairs else []
    if not per_state_rows and draw(st.booleans()):
        available = "all"
        rows = [tuple(range(m))] * n
    else:
        rows = [tuple(sorted(draw(st.sets(st.integers(0, m - 1), min_size=1)))) for _ in range(n)]
        available = [list(r) for r in rows]
    triples = tuple((s, a, b) for s in range(n) for a, b in itertools.combinations(rows[s], 2))
    merge = sorted(draw(st.sets(st.sampled_from(triples), max_size=2))) if (merges and triples) else []
    return FiniteProcess(
        states=n, actions=m, codes=k, edges=tuple(edges), available=available, merge=tuple(merge),
        lam=draw(st.sampled_from(lams)) if lam is None else lam,
        continuity=draw(st.booleans()) if continuity is None else continuity,
        regulariser=draw(st.sampled_from(("idm-entropy", "conditional-entropy"))) if regulariser is None else regulariser,
    )


def in_domain(strategy: st.SearchStrategy[FiniteProcess], claim: Claim | None = None, *,
              assumptions: tuple[Assumption, ...] = (), repair: bool = False,
              violating: tuple[str, ...] = ()) -> st.SearchStrategy[FiniteProcess]:
    """Instances where the claim's (or repair's) assumptions and ``assumptions`` hold, and the assumptions named
    in ``violating`` FAIL (to search the complement of one hypothesis: "each assumption removed in turn")."""
    from theory.assumptions import evaluate

    need = (claim_assumptions(claim, repair=repair) if claim is not None else ()) + tuple(assumptions)
    need = tuple(a for a in need if a.name not in violating)
    return strategy.filter(lambda p: _in_domain(need, p) and all(evaluate(v, p).holds is False for v in violating))


def _rows(m: int):
    """Every availability row (non-empty action subset) with every set of merge pairs inside it."""
    for size in range(1, m + 1):
        for row in itertools.combinations(range(m), size):
            pairs = list(itertools.combinations(row, 2))
            for r in range(len(pairs) + 1):
                for merges in itertools.combinations(pairs, r):
                    yield row, merges


@lru_cache(maxsize=16)
def small_processes(max_states: int = 3, max_actions: int = 2, max_codes: int = 3, continuity=(True, False),
                    lams=(0.0, 1.0), regularisers=("idm-entropy",)) -> tuple[FiniteProcess, ...]:
    return tuple(_small_processes(max_states, max_actions, max_codes, continuity, lams, regularisers))


def _small_processes(max_states, max_actions, max_codes, continuity, lams, regularisers):
    """EVERY finite process up to the given sizes (graphs, availability rows, merges, codes, lam, IDM class), in
    increasing size (states, actions, codes, edges, merges): the first failing one is a smallest counterexample.
    n <= 3, m <= 2, k <= 3 is 7,000-odd instances per (continuity, lam) pair; isomorphic copies are kept.
    Each structure is built (and validated) once, `_structures`; its (continuity, lam, regulariser) variants are
    `FiniteProcess.replace` copies that share its derived tables."""
    for base in _structures(max_states, max_actions, max_codes):
        for cont in continuity:
            for lam in lams:
                for reg in regularisers:
                    yield base.replace(continuity=cont, lam=lam, regulariser=reg)


@lru_cache(maxsize=4)
def _structures(max_states: int, max_actions: int, max_codes: int) -> tuple[FiniteProcess, ...]:
    """Every structure (graph, availability rows with merges, codes) of `_small_processes`, in its order, at
    continuity = True, lam = 1, IDM-entropy reading (the variants are copies), transitions tabulated."""
    out = []
    for n in range(1, max_states + 1):
        pairs = list(itertools.combinations(range(n), 2))
        for m in range(1, max_actions + 1):
            rows = list(_rows(m))
            for k in range(1, max_codes + 1):
                for n_edges in range(len(pairs) + 1):
                    for edges in itertools.combinations(pairs, n_edges):
                        combos = sorted(itertools.product(rows, repeat=n),
                                        key=lambda c: sum(len(mg) for _, mg in c))
                        for combo in combos:
                            available = [list(r) for r, _ in combo]
                            merge = [(s, a, b) for s, (_, mg) in enumerate(combo) for a, b in mg]
                            p = FiniteProcess(states=n, actions=m, codes=k, edges=edges, available=available,
                                              merge=tuple(merge), lam=1.0, continuity=True,
                                              regulariser="idm-entropy")
                            p.transition_index  # noqa: B018  (tabulated once, shared by the variants)
                            out.append(p)
    return tuple(out)


def sweep(processes, keep, violation):
    """Evaluate ``violation(p) -> (excess, detail)`` on every p with ``keep(p)``; returns (evaluated, first
    failing process or None, its detail). With `small_processes` the first failure is a smallest one."""
    n = 0
    for p in processes:
        if not keep(p):
            continue
        n += 1
        excess, detail = violation(p)
        if excess > 0:
            return n, p, detail
    return n, None, ""
