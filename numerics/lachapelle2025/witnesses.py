"""Explicit finite instances: the examples of the necessity claims and the assumption-removal table.

THIS IS THIS PROJECT'S RECONSTRUCTION (provenance ``reconstructed``). Each instance is a `FiniteProcess`; what it
shows is computed by `finite.identifiability` (never asserted here).

BASE: a path of 3 states (a discretised connected interval), 2 actions available everywhere, 3 codes (k > m),
lam = 1, continuous IDM: every assumption of LA-T holds. `removals` drops one assumption at a time.
"""

from __future__ import annotations

from numerics.lachapelle2025.process import FiniteProcess

PATH3 = ((0, 1), (1, 2))
BASE = FiniteProcess(states=3, actions=2, codes=3, edges=PATH3, lam=1.0, continuity=True)

#: LA-U1: A = {L, R}, A_hat = {1, 2, 3}, lam = 0 (the claim's example, on a path of 3 states).
U1_EXAMPLE = BASE.replace(lam=0.0)
#: LA-U2: sigma_s = id at s = 0 and the swap at s = 1, with an unrestricted (discontinuous) IDM.
U2_DISCONTINUOUS = FiniteProcess(states=2, actions=2, codes=2, edges=((0, 1),), continuity=False)
#: LA-U2: two components [0,1] u [2,3] (two edges, no edge between them), identity on one and swap on the other.
U2_DISCONNECTED = FiniteProcess(states=4, actions=2, codes=2, edges=((0, 1), (2, 3)), continuity=True)
#: LA-U2 / LA-T2: S connected (a path) but S_1 = {0, 2} disconnected (action 1 unused at state 1), k = 3.
U2_ACTION_DISCONNECTED = FiniteProcess(states=3, actions=2, codes=3, edges=PATH3, available=[[0, 1], [0], [0, 1]])
#: The converse of LA-T2 fails: the same availability with k = m = 2 forces action 1's code on both components.
T2_CONVERSE = U2_ACTION_DISCONNECTED.replace(codes=2)
#: LA-U4 (i): actions 0 and 1 merged wherever they co-occur (both states).
U4_MERGED = FiniteProcess(states=2, actions=2, codes=2, edges=((0, 1),), merge=((0, 0, 1), (1, 0, 1)))
#: LA-U4 (iii): S_0 = {0}, S_1 = {1} disjoint (no overlap), g injective.
U4_NO_OVERLAP = FiniteProcess(states=2, actions=2, codes=2, edges=((0, 1),), available=[[0], [1]])
#: LA-U4 (ii) repair: merged at state 1, distinct at states 0 and 2, S_0 = S_1 = the whole path.
U4_PARTIAL = FiniteProcess(states=3, actions=2, codes=2, edges=PATH3, merge=((1, 0, 1),))


def removals() -> dict[str, FiniteProcess]:
    """BASE with each assumption removed in turn (name -> process)."""
    return {
        "all assumptions (BASE)": BASE,
        "la-positive-lambda removed (lam = 0)": BASE.replace(lam=0.0),
        "la-A2-continuity removed (unrestricted IDM)": BASE.replace(continuity=False),
        "la-A3-connectivity removed (S disconnected: no edge 1-2)": BASE.replace(edges=[[0, 1]]),
        "la-A3-connectivity removed (S connected, S_1 disconnected)": BASE.replace(available=[[0, 1], [0], [0, 1]]),
        "la-A4-injectivity removed (merge at state 1)": BASE.replace(merge=[[1, 0, 1]]),
        "la-overlap removed (S_0 = {0, 1}, S_1 = {2})": BASE.replace(available=[[0], [0], [1]]),
        "la-A1-realisability removed (k = 1 < m)": BASE.replace(codes=1),
    }


def grid_instance(side: int = 5) -> FiniteProcess:
    """A side x side grid (4-neighbour edges), 4 actions, 5 codes, action 3 unused in the middle row (so S_3 splits
    into two components while S stays connected): a larger instance for z3 and the enumeration."""
    edges = [(r * side + c, r * side + c + 1) for r in range(side) for c in range(side - 1)]
    edges += [(r * side + c, (r + 1) * side + c) for r in range(side - 1) for c in range(side)]
    avail = [[0, 1, 2] if s // side == side // 2 else [0, 1, 2, 3] for s in range(side * side)]
    return FiniteProcess(states=side * side, actions=4, codes=5, edges=edges, available=avail)
