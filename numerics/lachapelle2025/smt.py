"""The zero-loss identifiability questions of a `FiniteProcess` as SMT queries (z3; optional extra ``smt``).

THIS IS THIS PROJECT'S RECONSTRUCTION (provenance ``reconstructed``). The exhaustive enumeration
(`numerics.lachapelle2025.finite`) is the reference; this encoding is independent of it (no union-find, no
components: one integer per observed transition) and must agree with it wherever both run.
It answers the questions whose minimisers are the zero-loss labellings (realisable processes):

    h[t] in {0..k-1}                                 one code per observed transition t = (s, class)
    Distinct(h[t] : t at s)              for each s  zero loss: distinct next states get distinct codes
    h[(s,a)] == h[(u,a)]    for each edge {s,u} and a available at both ends (continuity surrogate, if on)

    realisable        SAT of the above
    D2 violated       ... and Or(h[t1] != h[t2] : t1, t2 both produced by one action a)
    D3 violated       ... and Or(h[t1] == h[t2] : the actions of t1 and t2 together are >= 2) (a merged transition
                      alone violates D3)
    D1 violated (lam = 0)  ... and a second code x[t] in {-1} u {0..k-1} per transition (-1: none), x tied like h,
                      x[t] != h[t], x[t] not in {h[t'], x[t']} for every other t' at the same state, some x[t] >= 0:
                      a zero-loss stochastic IDM that splits some tie class over two codes.

Each query returns (holds, witness): the desideratum holds iff its violation query is UNSAT; a SAT model is
decoded into the labelling that violates it. ``count`` enumerates zero-loss labellings by blocking clauses.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from numerics.lachapelle2025.process import FiniteProcess


def available() -> bool:
    try:
        import z3  # noqa: F401
    except ImportError:
        return False
    return True


@dataclass(frozen=True)
class SMTAnswer:
    """``realisable``; ``D1``/``D2``/``D3``: the desideratum at every zero-loss labelling (None when not
    realisable: the minimisers then have positive loss and the enumeration answers); ``witnesses``: per violated
    desideratum the decoded labelling (codes per observed transition, plus the split code for D1)."""

    realisable: bool
    D1: bool | None
    D2: bool | None
    D3: bool | None
    witnesses: dict


def _base(p: FiniteProcess):
    import z3

    h = [z3.Int(f"h_{s}_{'_'.join(map(str, c))}") for (s, c) in p.transitions]
    cons = [z3.And(0 <= v, v < p.codes) for v in h]
    for s in range(p.states):
        ts = [t for t, (u, _) in enumerate(p.transitions) if u == s]
        if len(ts) > 1:
            cons.append(z3.Distinct(*[h[t] for t in ts]))
    if p.continuity:
        idx = p.transition_index
        for s, u in p.edges:
            for a in sorted(set(p.available[s]) & set(p.available[u])):
                cons.append(h[idx[(s, a)]] == h[idx[(u, a)]])
    return h, cons


def _decode(p: FiniteProcess, model, h) -> list[int]:
    return [model.eval(v, model_completion=True).as_long() for v in h]


def _solve(cons, extra):
    import z3

    solver = z3.Solver()
    solver.add(*cons)
    if extra is not None:
        solver.add(extra)
    return solver.model() if solver.check() == z3.sat else None


def decide(p: FiniteProcess) -> SMTAnswer:
    """The module docstring's queries; D1 is decided only at lam = 0 (for lam > 0 it holds: `finite`)."""
    import z3

    h, cons = _base(p)
    if _solve(cons, None) is None:
        return SMTAnswer(False, None, None, None, {})
    witnesses = {}
    by_action = {a: [t for t, (_, c) in enumerate(p.transitions) if a in c] for a in range(p.actions)}
    d2_viol = [h[t1] != h[t2] for ts in by_action.values() for t1, t2 in itertools.combinations(ts, 2)]
    m2 = _solve(cons, z3.Or(*d2_viol)) if d2_viol else None
    if m2 is not None:
        witnesses["D2"] = {"labels": _decode(p, m2, h)}
    trans = p.transitions
    multi = any(len(c) > 1 for _, c in trans)
    d3_viol = [h[t1] == h[t2] for t1, t2 in itertools.combinations(range(len(trans)), 2)
               if len(set(trans[t1][1]) | set(trans[t2][1])) >= 2]
    if multi:
        m3 = _solve(cons, None)
    else:
        m3 = _solve(cons, z3.Or(*d3_viol)) if d3_viol else None
    if m3 is not None:
        witnesses["D3"] = {"labels": _decode(p, m3, h)}
    d1 = True
    if p.lam == 0:
        x = [z3.Int(f"x_{i}") for i in range(len(trans))]
        extra = [z3.And(-1 <= v, v < p.codes) for v in x]
        extra += [z3.Or(x[t] == -1, x[t] != h[t]) for t in range(len(trans))]
        for s in range(p.states):
            ts = [t for t, (u, _) in enumerate(trans) if u == s]
            for t1, t2 in itertools.permutations(ts, 2):
                extra.append(z3.Or(x[t1] == -1, z3.And(x[t1] != h[t2], x[t1] != x[t2])))
        if p.continuity:
            idx = p.transition_index
            for s, u in p.edges:
                for a in sorted(set(p.available[s]) & set(p.available[u])):
                    extra.append(x[idx[(s, a)]] == x[idx[(u, a)]])
        extra.append(z3.Or(*[v >= 0 for v in x]))
        m1 = _solve(cons + extra, None)
        if m1 is not None:
            d1 = False
            witnesses["D1"] = {"labels": _decode(p, m1, h), "split": _decode(p, m1, x)}
    return SMTAnswer(True, d1, "D2" not in witnesses, "D3" not in witnesses, witnesses)


def count(p: FiniteProcess, limit: int = 100_000) -> int:
    """Number of zero-loss labellings in the model class, by blocking clauses (raises past ``limit``)."""
    import z3

    h, cons = _base(p)
    solver = z3.Solver()
    solver.add(*cons)
    n = 0
    while solver.check() == z3.sat:
        n += 1
        if n > limit:
            raise ValueError(f"more than {limit} zero-loss labellings")
        model = solver.model()
        solver.add(z3.Or(*[v != model.eval(v, model_completion=True) for v in h]))
    return n
