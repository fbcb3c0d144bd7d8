"""The finite statements of each Lachapelle 2025 claim as properties of one `FiniteProcess`, and the domain search.

THIS IS THIS PROJECT'S RECONSTRUCTION (provenance ``reconstructed``). Each ``*_violation(p) -> (excess, detail)``
returns excess > 0 iff the claim's finite statement fails on ``p`` (the `numerics.search` convention); all read the
one exact answer `finite.identifiability(p)` over the whole set of global minimisers. `search_domain` runs a
property over a claim's whole stated domain: first EVERY process up to 3 states, 2 actions, 3 codes
(`strategies.small_processes`, so the first failure is a smallest counterexample), then hypothesis instances up to
4 states, 3 actions, 4 codes drawn through the same evaluators (`strategies.in_domain`).
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from fractions import Fraction

from numerics.lachapelle2025 import finite, smt
from numerics.lachapelle2025 import strategies as strat
from numerics.lachapelle2025.process import FiniteProcess
from numerics.search import search_counterexample
from theory.assumptions import claim_assumptions, evaluate
from theory.claims import Assumption, Claim


def _ok(cond: bool, detail: str) -> tuple[float, str]:
    return (0.0 if cond else 1.0), detail


# --- LA-T1, LA-T2, LA-T3, LA-T -----------------------------------------------------------------------------------
def t1_violation(p: FiniteProcess) -> tuple[float, str]:
    """Every global minimiser is one-hot (D1) with L_rec = 0."""
    r = finite.identifiability(p)
    return _ok(r.D1 and r.loss_range[1] == 0, f"D1 = {r.D1}, L_rec over minimisers in [{r.loss_range[0]}, {r.loss_range[1]}]")


def t2_violation(p: FiniteProcess) -> tuple[float, str]:
    r = finite.identifiability(p)
    return _ok(r.D2, f"D2 = {r.D2}; {r.state_independent_labelings} of {r.zero_loss_labelings} zero-loss labellings "
                     "are state-independent")


def t3_violation(p: FiniteProcess) -> tuple[float, str]:
    r = finite.identifiability(p)
    return _ok(r.D3, f"D3 = {r.D3}")


def t_violation(p: FiniteProcess) -> tuple[float, str]:
    """LA-T as written: D1-D3 at every minimiser AND g_hat*(s, v(a)) = g(s, a) for every s (determined everywhere)."""
    r = finite.identifiability(p)
    ok = r.identified and r.loss_range[1] == 0 and not r.fdm_free
    return _ok(ok, f"D1, D2, D3 = {r.D1}, {r.D2}, {r.D3}; g_hat*(s, v(a)) undetermined at (s, a) = {list(r.fdm_free)}")


def t_repair_violation(p: FiniteProcess) -> tuple[float, str]:
    """The repair: D1-D3 at every minimiser, zero loss (so g_hat*(s, v(a)) = g(s, a) on S_a: the optimal FDM at a
    used (s, code) is the mean of the single next state it labels), and the free FDM values are exactly the pairs
    (s, a) with s outside S_a."""
    r = finite.identifiability(p)
    expected = tuple((s, a) for s in range(p.states) for a in range(p.actions)
                     if a not in p.available[s] and p.support(a))
    ok = r.identified and r.loss_range[1] == 0 and r.fdm_free == expected
    return _ok(ok, f"D1, D2, D3 = {r.D1}, {r.D2}, {r.D3}; L_rec = {r.loss_range[1]}; free (s, a) = {list(r.fdm_free)}")


def connectivity_converse_violation(p: FiniteProcess) -> tuple[float, str]:
    """The suggested equivalence 'D2 at every zero-loss labelling iff every S_a is connected', direction <=:
    D2 at every minimiser implies every S_a connected."""
    r = finite.identifiability(p)
    connected = evaluate("la-A3-connectivity", p).holds
    return _ok(not (r.D2 and not connected), f"D2 = {r.D2} although {evaluate('la-A3-connectivity', p).reason}")


# --- LA-U1, LA-U2, LA-U4 ------------------------------------------------------------------------------------------
def u1_violation(p: FiniteProcess) -> tuple[float, str]:
    """Some global minimiser of L_0 is not one-hot."""
    r = finite.identifiability(p)
    return _ok(not r.D1, f"D1 = {r.D1} (every minimiser deterministic)")


def u2_violation(p: FiniteProcess) -> tuple[float, str]:
    """Without the continuity surrogate: every per-state injective relabelling sigma_s has zero loss (count =
    prod_s (k)_{c_s}), the zero-loss labellings are the global minimisers for every lam > 0, and D2 fails at some
    minimiser iff some labelling is state-dependent (zero-loss count > state-independent count)."""
    q = p.replace(continuity=False)
    r = finite.identifiability(q)
    expected = math.prod(finite.falling_factorial(p.codes, len(c)) for c in p.classes)
    ok = (r.zero_loss_labelings == expected and r.loss_range == (0, 0) and r.minimisers == expected
          and r.D2 == (r.zero_loss_labelings == r.state_independent_labelings))
    return _ok(ok, f"zero-loss {r.zero_loss_labelings} (prod (k)_c = {expected}), minimisers {r.minimisers}, "
                   f"state-independent {r.state_independent_labelings}, D2 = {r.D2}")


def _co_occur_unmerged(p: FiniteProcess, a: int, b: int) -> list[int]:
    return [s for s in range(p.states) if a in p.available[s] and b in p.available[s]
            and not any(a in c and b in c for c in p.classes[s])]


def merged_everywhere_pairs(p: FiniteProcess) -> list[tuple[int, int]]:
    """(i): pairs a < b that co-occur somewhere and are merged wherever they co-occur."""
    out = []
    for a, b in itertools.combinations(range(p.actions), 2):
        co = [s for s in range(p.states) if a in p.available[s] and b in p.available[s]]
        if co and not _co_occur_unmerged(p, a, b):
            out.append((a, b))
    return out


def partially_merged_pairs(p: FiniteProcess, each_connected: bool) -> list[tuple[int, int]]:
    """(ii): pairs merged at some state and co-occurring unmerged at another, with S_a u S_b connected (as written)
    or with S_a and S_b each connected (the repair)."""
    out = []
    for (_, a, b) in p.merge:
        if not _co_occur_unmerged(p, a, b):
            continue
        if len(p.components(sorted(set(p.support(a)) | set(p.support(b))))) != 1:
            continue
        if each_connected and (len(p.support_components(a)) > 1 or len(p.support_components(b)) > 1):
            continue
        out.append((a, b))
    return sorted(set(out))


def disjoint_pairs(p: FiniteProcess) -> list[tuple[int, int]]:
    """(iii): pairs of used actions with S_a intersect S_b empty."""
    return [(a, b) for a, b in itertools.combinations(range(p.actions), 2)
            if p.support(a) and p.support(b) and not set(p.support(a)) & set(p.support(b))]


def u4_i_violation(p: FiniteProcess) -> tuple[float, str]:
    if not merged_everywhere_pairs(p):
        return 0.0, "no pair merged wherever it co-occurs"
    exists = finite.exists_d3_minimiser(p)
    return _ok(not exists, f"pairs {merged_everywhere_pairs(p)} merged wherever they co-occur; a D3 minimiser exists: {exists}")


def u4_ii_violation(p: FiniteProcess, each_connected: bool = False) -> tuple[float, str]:
    pairs = partially_merged_pairs(p, each_connected)
    if not pairs or not p.continuity:
        return 0.0, "no partially merged pair (or no continuity)"
    r = finite.identifiability(p)
    return _ok(not r.realisable, f"pairs {pairs} merged only at part of S; zero-loss labellings in the continuity "
                                 f"class: {r.zero_loss_labelings}")


def u4_iii_violation(p: FiniteProcess) -> tuple[float, str]:
    pairs = disjoint_pairs(p)
    if not pairs:
        return 0.0, "no pair with disjoint supports"
    r = finite.identifiability(p)
    return _ok(not r.D3, f"pairs {pairs} with disjoint S_a, S_b; D3 at every minimiser = {r.D3}; "
                         f"realisable = {r.realisable}")


def u4_ii_repair_violation(p: FiniteProcess) -> tuple[float, str]:
    return u4_ii_violation(p, each_connected=True)


# structural filters of the searches (named, so that searches can be cached)
def has_merged_everywhere_pair(p: FiniteProcess) -> bool:
    return bool(merged_everywhere_pairs(p))


def has_partial_merge(p: FiniteProcess) -> bool:
    return p.continuity and bool(partially_merged_pairs(p, False))


def has_partial_merge_each_connected(p: FiniteProcess) -> bool:
    return p.continuity and bool(partially_merged_pairs(p, True))


def has_disjoint_pair(p: FiniteProcess) -> bool:
    return bool(disjoint_pairs(p))


def has_no_merge(p: FiniteProcess) -> bool:
    return not p.merge


def has_spare_codes_and_penalty(p: FiniteProcess) -> bool:
    return p.codes > p.actions and p.lam > 0


def unrestricted_code_map_violation(p: FiniteProcess) -> tuple[float, str]:
    """LA-C1 repair: with the code map unrestricted (a VQ argmin over a continuous encoder is not continuous as a
    map to codes), some global minimiser violates D2 as soon as an action is used at two states."""
    r = finite.identifiability(p.replace(continuity=False))
    moves = any(len(p.support(a)) >= 2 for a in range(p.actions))
    return (1.0 if (moves and r.D2) else 0.0), f"unrestricted code map: D2 = {r.D2}"


# --- LA-S1 --------------------------------------------------------------------------------------------------------
def pushforward_violation(p: FiniteProcess) -> tuple[float, str]:
    """For EVERY global minimiser h: the latent policy pi_hat(x|s) = sum_a pi(a|s) [h(s, a) = x] satisfies
    pi(a|s) = pi_hat(v(a)|s) for every a (0 = 0 where a is not used at s), and pi_hat(x|s) = 0 off v(A).
    With pi(a|s) = 1/|A_s| on A_s this reads #{b in A_s : v(b) = v(a)} = [a in A_s] and no code outside v(A) is
    used. When every minimiser is state-independent (zero-loss count = state-independent count), the minimisers
    are exactly the maps v: A -> codes whose labelling has zero loss, enumerated here independently of the
    component enumeration (k^m maps)."""
    r = finite.identifiability(p)
    if not (r.identified and r.realisable):
        return 0.0, "not identified"
    if r.zero_loss_labelings != r.state_independent_labelings:
        return 1.0, f"{r.zero_loss_labelings} minimisers but {r.state_independent_labelings} state-independent ones"
    used = [a for a in range(p.actions) if p.support(a)]
    n, bad = 0, None
    for vals in itertools.product(range(p.codes), repeat=len(used)):
        v = dict(zip(used, vals))
        if not all(len({v[a] for a in p.available[s]}) == len(p.available[s]) for s in range(p.states)):
            continue  # not zero loss (two actions share a code at some state): not a minimiser
        n += 1
        for s in range(p.states):
            for a in used:
                if sum(v[b] == v[a] for b in p.available[s]) != (a in p.available[s]):
                    bad = (v, s, a)
    ok = bad is None and n == r.minimisers
    return _ok(ok, f"pi(a|s) = pi_hat(v(a)|s) at {n} minimisers (engine: {r.minimisers})"
                   + (f"; fails at v = {bad[0]}, s = {bad[1]}, a = {bad[2]}" if bad else ""))


# --- SMT agreement ----------------------------------------------------------------------------------------------
def smt_disagreement(p: FiniteProcess) -> tuple[float, str]:
    """Enumeration and z3 answer the same zero-loss questions (realisable; D2, D3; D1 at lam = 0; the count)."""
    r = finite.identifiability(p)
    a = smt.decide(p)
    if a.realisable != r.realisable:
        return 1.0, f"realisable: enumeration {r.realisable}, z3 {a.realisable}"
    if not r.realisable or p.regulariser != "idm-entropy":
        return 0.0, "agree (not realisable)"
    diffs = [(d, getattr(r, d), getattr(a, d)) for d in ("D2", "D3") if getattr(r, d) != getattr(a, d)]
    if p.lam == 0 and a.D1 != r.D1:
        diffs.append(("D1", r.D1, a.D1))
    if r.zero_loss_labelings <= 200 and smt.count(p) != r.zero_loss_labelings:
        diffs.append(("count", r.zero_loss_labelings, smt.count(p)))
    return (1.0 if diffs else 0.0), (f"disagree: {diffs}" if diffs else "agree")


# --- search over a claim's domain ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class DomainSearch:
    """``swept``: processes of the exhaustive sweep inside the domain; ``drawn``: hypothesis instances;
    ``witness``: the first (smallest) failing process or None; ``detail``: the property's description there."""

    swept: int
    drawn: int
    witness: FiniteProcess | None
    detail: str

    @property
    def found(self) -> bool:
        return self.witness is not None

    @property
    def examples(self) -> int:
        return self.swept + self.drawn


#: Hypothesis instances per search beyond the exhaustive sweep (the sweep is the primary evidence at CI scale).
DRAWS = {"ci": 40, "full": 1500}
_SEARCHES: dict = {}
_COSTLY = {"la-A1-realisability", "la-identified-labelling"}


_HOLDS: dict[tuple[str, FiniteProcess], bool | None] = {}


def _holds(name: str, p: FiniteProcess) -> bool | None:
    """``evaluate(name, p).holds``, once per (assumption, process) for the process's lifetime: the searches of
    different claims sweep the same processes through the same evaluators (pure functions of the process)."""
    key = (name, p)
    if key not in _HOLDS:
        if len(_HOLDS) > 500_000:
            _HOLDS.clear()
        _HOLDS[key] = evaluate(name, p).holds
    return _HOLDS[key]


def _steer(names: set[str]) -> tuple[dict, dict]:
    """Sweep / strategy keyword arguments that skip instances the evaluators would reject anyway (the evaluators
    still decide membership): lam, IDM class, merges."""
    sweep, draw = {}, {}
    if "la-positive-lambda" in names:
        sweep["lams"], draw["lams"] = (1.0,), (0.5, 1.0)
    if "la-no-entropy-term" in names:
        sweep["lams"], draw["lams"] = (0.0,), (0.0,)
    if "la-A2-continuity" in names or "la-continuous-encoder" in names:
        sweep["continuity"], draw["continuity"] = (True,), True
    if names & {"la-A4-injectivity", "la-separated-action-graphs"}:
        draw["merges"] = False
    return sweep, draw


def search_domain(claim: Claim | None, violation, *, scale, repair: bool = False,
                  assumptions: tuple[Assumption, ...] = (), violating: tuple[str, ...] = (), keep=None,
                  sweep: dict | None = None, strategy: dict | None = None, draws: int | None = None) -> DomainSearch:
    """Run ``violation`` over the domain (module docstring); ``keep``: an extra structural filter (e.g. "has a
    partially merged pair"); ``sweep`` / ``strategy``: keyword arguments of `small_processes` / `finite_processes`;
    ``draws``: hypothesis budget (default `DRAWS` at the scale; rare domains filtered from the whole space cost
    many rejected draws, so their checks pass a smaller CI budget and rely on the exhaustive sweep).
    Results are cached per (claim, property, domain, scale) for the process's lifetime."""
    need = tuple(a for a in (claim_assumptions(claim, repair=repair) if claim is not None else ()) + tuple(assumptions)
                 if a.name not in violating)
    key = (claim.id if claim else None, getattr(violation, "__qualname__", repr(violation)),
           tuple(a.name for a in need), violating, getattr(keep, "__qualname__", None), str(scale),
           tuple(sorted((sweep or {}).items())), tuple(sorted((strategy or {}).items())), draws)
    if key in _SEARCHES and "<lambda>" not in key[1] and "<lambda>" not in str(key[5]):
        return _SEARCHES[key]

    # the same membership as theory.assumptions.in_domain, short-circuited with the costly evaluators last
    ordered = sorted(need, key=lambda a: a.name in _COSTLY)

    def member(p: FiniteProcess) -> bool:
        if keep is not None and not keep(p):
            return False
        return (all(_holds(a.name, p) is not False for a in ordered)
                and all(_holds(v, p) is False for v in violating))

    sw_auto, st_auto = _steer({a.name for a in need} - set(violating))
    sw = sw_auto | dict(sweep or {})
    if scale.full:
        sw.setdefault("max_states", 4)
    n, w, detail = strat.sweep(strat.small_processes(**sw), member, violation)
    if w is not None:
        result = DomainSearch(n, 0, w, detail)
    else:
        out = search_counterexample(strat.finite_processes(**(st_auto | dict(strategy or {}))).filter(member),
                                    violation, max_examples=draws if draws is not None else scale.pick(DRAWS["ci"], DRAWS["full"]))
        result = DomainSearch(n, out.examples, out.counterexample, out.detail)
    _SEARCHES[key] = result
    return result
