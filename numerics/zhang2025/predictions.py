"""What the theory predicts for ONE linear process: the code path shared by `lamcheck check` and the checks.

A library module (no checks). It holds

* the optimum of a `numerics.processes.LinearProcess` (`optimum`): the global minimum, the NMSEs at the
  canonical minimiser, their range over the WHOLE set of global minimisers (`numerics.optima`), LLO, and
  why the optimum is not unique where it is not (tied eigenvalues, spare latent directions, mixing);
* the capture criterion (`capture`) and the switch points of the remedies the papers analyse
  (`switch_point`, `REMEDIES`), computed from the closed forms by scanning and bisection, both sides verified;
* the per-claim predictors of Zhang et al. 2025 (`PREDICTORS`: claim id -> ``fn(ctx) -> ClaimPrediction``).

The Lee et al. 2026 predictors (`numerics.lee2026.predictions`) and Lachapelle's
(`numerics.lachapelle2025.predictions`) use the same types.

Canonical minimiser: `MinimiserSet.canonical()` (no mixing, zero spare rows, eigh's tie-break): A = K, C = -D K,
so z = D r with r the innovation o' - K o; when E[o'|o] = o (Zhang's processes) that is A = I, C = -D,
z = D(o' - o), the minimiser augmentation selects (Zhang Prop. 4.3). Quantities given (z, o) do not depend on
mixing or spare rows (only on the tie choice), quantities given z alone do.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from numerics.optima import MinimiserSet, NotClosedForm, minimiser_set
from numerics.processes import LinearProcess
from theory.assumptions import claim_assumptions, evaluate
from theory.checks import Range

#: The probe quantities of `lamcheck check` (key -> (target variable, conditioned on o as well)).
NMSE_KEYS: dict[str, tuple[str, bool]] = {
    "action_given_z": ("a", False),
    "action_given_z_o": ("a", True),
    "noise_given_z": ("noise", False),
    "observation_given_z": ("o", False),
    "exo_innovation_given_z_o": ("xi", True),
    "exo_state_given_z": ("x", False),
}

#: Tolerance of the capture criterion on NMSEs (dimensionless, in [0, 1]): the action counts as captured when
#: NMSE(a | z, o) <= TOL at every minimiser and a distractor as excluded when its NMSE given (z, o) is >= 1 - TOL.
#: Where the optimum switches by an eigenvalue crossing (structured noise, exogenous innovation) the NMSEs jump
#: between ~0 and ~1 and any TOL in (0, 1/2) gives the same switch point; for isotropic noise the NMSE moves
#: continuously (NMSE(a|z,o) = sigma^2 / (1 + sigma^2) with unit action variance) and TOL decides it.
DEFAULT_TOL = 0.05


# --- the optimum --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class OptimumPrediction:
    """The global optimum of a linear process's LAM objective (module docstring). ``closed_form`` False: the
    process lies outside `numerics.optima`'s closed forms (``reason``) and every number is None."""

    closed_form: bool
    reason: str = ""
    loss: float | None = None
    llo: float | None = None
    llo_range: Range | None = None
    nmse: dict[str, float | None] = field(default_factory=dict)
    nmse_range: dict[str, Range | None] = field(default_factory=dict)
    nonunique: tuple[str, ...] = ()
    tied: bool = False
    spare: int = 0
    mixing_dims: int = 0
    family: str = ""
    effective_action_weight: float = 0.0
    core: int = 0
    score_eigenvalues: tuple[float, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def unique(self) -> bool:
        return self.closed_form and not self.nonunique

    def to_json(self) -> dict:
        rng = lambda r: None if r is None else [r.lo, r.hi]  # noqa: E731
        return {
            "closed_form": self.closed_form, "reason": self.reason or None, "loss": self.loss,
            "loss_units": "per-sample sum (population); the action term at its effective weight",
            "llo": self.llo, "llo_range": rng(self.llo_range),
            "nmse": {k: self.nmse.get(k) for k in NMSE_KEYS},
            "nmse_range": {k: rng(self.nmse_range.get(k)) for k in NMSE_KEYS},
            "range_detail": {k: (None if r is None else r.to_json()) for k, r in self.nmse_range.items()},
            "unique": self.unique, "nonunique": list(self.nonunique), "tied": self.tied, "spare": self.spare,
            "mixing_dims": self.mixing_dims, "family": self.family or None,
            "effective_action_weight": self.effective_action_weight, "core": self.core,
            "score_eigenvalues": list(self.score_eigenvalues), "notes": list(self.notes),
        }


#: Values within SNAP of 0, 1 or 2 are reported as exactly 0, 1 or 2: float64 round-off of the closed forms on
#: O(1) matrices (~1e-15), far below any tolerance a prediction is compared with.
SNAP = 1e-12


def snap(x: float | None) -> float | None:
    """x rounded to 0, 1 or 2 when within `SNAP` of one (float round-off), else x."""
    if x is None:
        return None
    for v in (0.0, 1.0, 2.0):
        if abs(x - v) <= SNAP:
            return v
    return float(x)


def snap_range(r: Range | None) -> Range | None:
    return None if r is None else replace(r, lo=snap(r.lo), hi=snap(r.hi))


def canonical_nmse(p: LinearProcess, T_z: np.ndarray, key: str) -> float:
    """NMSE of the key's target given the latent with source map T_z (and o for the ``given_z_o`` keys)."""
    target, with_o = NMSE_KEYS[key]
    return p.source.nmse(target, [T_z, "o"] if with_o else [T_z])


def mixing_dims(ms: MinimiserSet) -> int:
    """Dimension of the latent subspace where an arbitrary linear function of h may be mixed into the core."""
    if ms.mixing == "none" or ms.k == 0:
        return 0
    if ms.tied or ms.mixing == "all":
        return ms.k
    return int(ms.mix_basis(ms.core_map()).shape[1])


def optimum(p: LinearProcess, ms: MinimiserSet | None = None) -> OptimumPrediction:
    """The optimum of ``p`` (`OptimumPrediction`); NotClosedForm is reported, not raised."""
    if ms is None:
        try:
            ms = minimiser_set(p)
        except NotClosedForm as exc:
            return OptimumPrediction(closed_form=False, reason=str(exc), nmse={k: None for k in NMSE_KEYS},
                                     nmse_range={k: None for k in NMSE_KEYS})
    ranges = ms.quantities()
    T_z = ms.latent_map(ms.canonical())
    nmse = {k: (None if ranges.get(k) is None else canonical_nmse(p, T_z, k)) for k in NMSE_KEYS}
    llo_r = ms.llo_range()
    llo = None if llo_r is None else ms.llo(T_z)
    m = mixing_dims(ms)
    why = []
    if ms.tied:
        why.append(f"tied eigenvalues: the score eigenvalue {ms.mu[ms.k - 1]:.6g} has multiplicity {ms.n_tie} for "
                   f"{ms.j} remaining latent slot(s); every choice inside the tied eigenspace is optimal")
    if ms.spare > 0:
        why.append(f"{ms.spare} spare latent direction(s): d_z = {p.d_z} exceeds the rank {ms.k} of the score, so "
                   "they may carry any statistic of the inputs the core leaves")
    if m > 0:
        why.append(f"mixing: z may hold an arbitrary linear function of o in {m} latent direction(s), which A "
                   "absorbs (Zhang Sec. 4.1)")
    return OptimumPrediction(
        closed_form=True, loss=snap(ms.value), llo=snap(llo), llo_range=snap_range(llo_r),
        nmse={k: snap(v) for k, v in nmse.items()}, nmse_range={k: snap_range(r) for k, r in ranges.items()},
        nonunique=tuple(why), tied=ms.tied, spare=ms.spare, mixing_dims=m, family=ms.family,
        effective_action_weight=ms.weight, core=ms.k,
        score_eigenvalues=tuple(float(x) for x in ms.mu[: min(len(ms.mu), ms.k + 4)]), notes=ms.notes)


# --- the capture criterion ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Capture:
    """``captures``: at EVERY global minimiser the action is in the latent (NMSE(a | z, o) <= tol) and every
    distractor (change noise, exogenous innovation) is out (NMSE(. | z, o) >= 1 - tol): invariant to the
    o-component A absorbs. ``o_free``: at every minimiser z alone carries no o and no exogenous state
    (NMSE(o | z), NMSE(x | z) >= 1 - tol). ``decided`` False outside the closed forms."""

    decided: bool
    captures: bool = False
    o_free: bool = False
    numbers: dict[str, float | None] = field(default_factory=dict)
    reason: str = ""

    def to_json(self) -> dict:
        return {"decided": self.decided, "captures": self.captures, "o_free": self.o_free, "numbers": self.numbers,
                "reason": self.reason}


def capture(p: LinearProcess, tol: float = DEFAULT_TOL, ms: MinimiserSet | None = None, *,
            o_free: bool = True) -> Capture:
    """The capture criterion of ``p`` (`Capture`); ``o_free`` False skips the o-free part (reported False)."""
    if ms is None:
        try:
            ms = minimiser_set(p)
        except NotClosedForm as exc:
            return Capture(decided=False, reason=f"outside the closed forms: {exc}")
    a = ms.given_zo("a")
    n = ms.given_zo("noise") if p.has_noise else None
    xi = ms.given_zo("xi") if p.has_exogenous else None
    o = ms.given_z("o") if o_free else None
    x = ms.given_z("x") if (o_free and p.has_exogenous) else None
    nums = {"action_given_z_o_max": None if a is None else a.hi,
            "noise_given_z_o_min": None if n is None else n.lo,
            "exo_innovation_given_z_o_min": None if xi is None else xi.lo,
            "observation_given_z_min": None if o is None else o.lo,
            "exo_state_given_z_min": None if x is None else x.lo}
    fails = []
    if a is None:
        fails.append("the action has no variance")
    elif a.hi > tol:
        fails.append(f"NMSE(a | z, o) reaches {a.hi:.3g} > {tol:g}")
    if n is not None and n.lo < 1 - tol:
        fails.append(f"NMSE(noise | z, o) goes down to {n.lo:.3g} < {1 - tol:g}")
    if xi is not None and xi.lo < 1 - tol:
        fails.append(f"NMSE(xi | z, o) goes down to {xi.lo:.3g} < {1 - tol:g}")
    ofails = []
    if o is not None and o.lo < 1 - tol:
        ofails.append(f"NMSE(o | z) goes down to {o.lo:.3g}")
    if x is not None and x.lo < 1 - tol:
        ofails.append(f"NMSE(x | z) goes down to {x.lo:.3g}")
    reason = "; ".join(fails + ofails) or "every minimiser captures the action, excludes the distractors and o"
    return Capture(decided=True, captures=not fails, o_free=o_free and not ofails, numbers=nums, reason=reason)


# --- switch points ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Switch:
    """The smallest change of one parameter that makes the criterion hold at every global minimiser.

    ``switch``: the boundary found (None: none suffices in the scanned range, or undecidable); ``suffices``;
    ``already``: the criterion holds at the current value; ``confirmed``: the predicate evaluated on both sides
    of the switch (``{"fails_at": v, "holds_at": v', "fails": bool, "holds": bool}``), computed independently of
    the bisection that found it."""

    remedy: str
    parameter: str
    claim: str
    criterion: str
    current: float
    direction: str
    switch: float | None
    suffices: bool
    already: bool = False
    confirmed: dict[str, Any] = field(default_factory=dict)
    scanned: tuple[float, float] = (0.0, 0.0)
    note: str = ""
    closed_form_value: float | None = None
    closed_form_source: str = ""

    def to_json(self) -> dict:
        return {"remedy": self.remedy, "parameter": self.parameter, "claim": self.claim, "criterion": self.criterion,
                "current": self.current, "direction": self.direction, "switch": self.switch,
                "suffices": self.suffices, "already": self.already, "confirmed": self.confirmed,
                "scanned": list(self.scanned), "note": self.note, "closed_form_value": self.closed_form_value,
                "closed_form_source": self.closed_form_source or None}


Predicate = Callable[[LinearProcess], "bool | None"]


def captures_predicate(tol: float = DEFAULT_TOL) -> Predicate:
    def pred(p: LinearProcess) -> bool | None:
        c = capture(p, tol, o_free=False)
        return c.captures if c.decided else None
    return pred


def o_free_predicate(tol: float = DEFAULT_TOL) -> Predicate:
    def pred(p: LinearProcess) -> bool | None:
        c = capture(p, tol)
        return (c.captures and c.o_free) if c.decided else None
    return pred


def _between(lo: float, hi: float) -> float:
    if lo > 0 and hi > 0 and max(lo, hi) / min(lo, hi) > 2:
        return math.sqrt(lo * hi)
    return 0.5 * (lo + hi)


def switch_point(make: Callable[[float], LinearProcess], current: float, grid: Sequence[float], pred: Predicate, *,
                 remedy: str, parameter: str, claim: str, criterion: str, rtol: float = 1e-5,
                 side: float = 1e-3) -> Switch:
    """Scan ``grid`` (values ordered from ``current`` outward) for the first value where ``pred(make(v))`` holds,
    bisect between it and the last value where it fails, and verify both sides of the boundary at a relative
    distance ``side``. ``pred`` None (no closed form) stops the scan."""
    direction = "increase" if (grid and grid[-1] > current) else "decrease"
    span = (float(current), float(grid[-1]) if grid else float(current))
    common = dict(remedy=remedy, parameter=parameter, claim=claim, criterion=criterion, current=float(current),
                  direction=direction, scanned=span)
    now = pred(make(current))
    if now is None:
        return Switch(switch=None, suffices=False, note="the current spec lies outside the closed forms", **common)
    if now:
        return Switch(switch=float(current), suffices=True, already=True, note="already holds", **common)
    bad, good = float(current), None
    for v in grid:
        r = pred(make(v))
        if r is None:
            return Switch(switch=None, suffices=False, note=f"{parameter} = {v:g} lies outside the closed forms", **common)
        if r:
            good = float(v)
            break
        bad = float(v)
    if good is None:
        return Switch(switch=None, suffices=False, note=f"no value in the scanned range {span[0]:g} .. {span[1]:g} works",
                      **common)
    for _ in range(200):
        if abs(good - bad) <= rtol * max(abs(good), abs(bad), 1e-12):
            break
        mid = _between(bad, good)
        r = pred(make(mid))
        if r is None:
            break
        if r:
            good = mid
        else:
            bad = mid
    s = good
    up = direction == "increase"
    d = side * max(abs(s), 1e-9)
    holds_at, fails_at = (s + d, s - d) if up else (s - d, s + d)
    if not up:
        holds_at = max(holds_at, 0.0)
    h, f = pred(make(holds_at)), pred(make(fails_at))
    return Switch(switch=s, suffices=True, confirmed={"holds_at": holds_at, "holds": bool(h),
                                                      "fails_at": fails_at, "fails": f is False}, **common)


def increasing_grid(current: float, top: float, n: int = 16) -> list[float]:
    lo = max(current, top * 1e-6)
    g = list(np.geomspace(lo, top, n))
    return [float(v) for v in g if v > current]


def decreasing_grid(current: float, n: int = 12, floor: float = 1e-4) -> list[float]:
    if current <= 0:
        return []
    g = [float(v) for v in np.geomspace(current, current * floor, n)[1:]]
    return g + [0.0]


def scale_noise(p: LinearProcess, sigma: float, sigma0: float) -> LinearProcess:
    """p with the change noise scaled to level ``sigma`` (from ``sigma0``)."""
    return replace(p, F_e=p.F_e * (sigma / sigma0))


def noise_level(p: LinearProcess) -> float:
    """The noise level sigma: sqrt of the largest eigenvalue of Sigma_eps (sigma for sigma I or sigma Y, Y orthonormal)."""
    if not p.has_noise:
        return 0.0
    return float(math.sqrt(max(float(np.linalg.eigvalsh(p.Sigma_eps)[-1]), 0.0)))


def weight_switch(p: LinearProcess, pred: Predicate, top: float = 1e6) -> Switch:
    """Action-loss weight (spec units: the process's normalisation and label averaging): Zhang Prop. 4.4 / Lee EX-T4."""
    w0 = p.lam.action_weight
    return switch_point(lambda w: p.with_lam(action_weight=w), w0, increasing_grid(w0, max(top, 10 * w0)), pred,
                        remedy="action-loss weight", parameter="lam.action_weight", claim="ZP-P5, EX-T4",
                        criterion="captures")


def label_fraction_switch(p: LinearProcess, pred: Predicate) -> Switch:
    """Label fraction under the process's averaging (Lee EX-T4d): needs a positive action weight."""
    p0 = p.lam.label_fraction
    if p.lam.action_weight <= 0:
        return Switch(remedy="label fraction", parameter="lam.label_fraction", claim="EX-T4d", criterion="captures",
                      current=p0, direction="increase", switch=None, suffices=False,
                      note="no action loss (lam.action_weight = 0): labels have no effect")
    sw = switch_point(lambda f: p.with_lam(label_fraction=f), p0, increasing_grid(p0, 1.0) if p0 < 1 else [], pred, remedy="label fraction", parameter="lam.label_fraction",
                      claim="EX-T4d", criterion="captures")
    return sw


def augmentation_switch(p: LinearProcess, tol: float = DEFAULT_TOL) -> Switch:
    """Augmentation kappa (Zhang Prop. 4.3 / ZP-P4): every kappa > 0 gives the same minimiser set (A = I,
    B(C + D) = 0), so the switch is at 0+: evaluated at kappa = 0 and at kappa = 1e-3 (and the spec's kappa)."""
    k0 = p.lam.kappa
    common = dict(remedy="augmentation", parameter="lam.augmentation", claim="ZP-P4", criterion="captures and o-free",
                  current=k0, direction="increase", scanned=(k0, max(k0, 1e-3)))
    pred = o_free_predicate(tol)
    try:
        now = pred(p)
    except NotClosedForm:
        now = None
    if now:
        return Switch(switch=k0, suffices=True, already=True, note="already holds", **common)
    at_pos = pred(p.with_lam(kappa=max(k0, 1e-3)))
    if at_pos is None:
        return Switch(switch=None, suffices=False, note="augmentation lies outside the closed forms here "
                      "(it needs E[o'|o] = o: no correlated policy, no exogenous drift)", **common)
    if not at_pos:
        c = capture(p.with_lam(kappa=max(k0, 1e-3)), tol)
        return Switch(switch=None, suffices=False, note=f"with kappa > 0: {c.reason}", **common)
    at0 = pred(p.with_lam(kappa=0.0))
    return Switch(switch=0.0, suffices=True, confirmed={"holds_at": 1e-3, "holds": True, "fails_at": 0.0,
                                                       "fails": at0 is False},
                  note="any kappa > 0: every kappa > 0 has the same minimiser set", **common)


def latent_size_switch(p: LinearProcess, pred: Predicate, max_d_z: int | None = None) -> Switch:
    """Latent size d_z (Zhang Case 1 / ZP-C1, Lee EX-B5): every d_z from 1 to one above the number of positive score
    eigenvalues (beyond it d_z only adds spare directions, which behave alike), capped by d_o - 1 and ``max_d_z``;
    the one nearest the current d_z where the criterion holds (ties: the smaller)."""
    d0 = p.d_z
    try:
        ms = minimiser_set(p.with_lam(d_z=1))
        pos = int(np.sum(ms.mu > 1e-10 * max(1.0, float(ms.mu.max(initial=0.0)))))
    except NotClosedForm:
        pos = p.d_o - 1
    top = min(p.d_o - 1, max_d_z or p.d_o - 1, pos + 1)
    ok = []
    undecided = False
    for d in range(1, top + 1):
        r = pred(p.with_lam(d_z=d))
        if r is None:
            undecided = True
        elif r:
            ok.append(d)
    common = dict(remedy="latent size", parameter="dims.d_z", claim="ZP-C1, EX-B5", criterion="captures",
                  current=float(d0), scanned=(1.0, float(top)))
    if d0 in ok:
        return Switch(direction="none", switch=float(d0), suffices=True, already=True, note="already holds", **common)
    if not ok:
        return Switch(direction="none", switch=None, suffices=False,
                      note=f"no d_z in 1..{top} works (larger ones only add spare directions)"
                      + (" (some outside the closed forms)" if undecided else ""),
                      **common)
    best = min(ok, key=lambda d: (abs(d - d0), d))
    fails_at = best - 1 if best > d0 else best + 1  # the neighbour on the current side
    fails = fails_at not in ok
    runs = _runs(ok) + (" and above (spare directions only)" if top in ok and top < p.d_o - 1 else "")
    return Switch(direction="increase" if best > d0 else "decrease", switch=float(best), suffices=True,
                  confirmed={"holds_at": best, "holds": True, "fails_at": fails_at, "fails": fails,
                             "holds_for": runs}, note=f"the criterion holds for d_z in {runs}", **common)


def _runs(vals: list[int]) -> str:
    out, start = [], None
    for i, v in enumerate(vals):
        if start is None:
            start = v
        if i + 1 == len(vals) or vals[i + 1] != v + 1:
            out.append(f"{start}" if start == v else f"{start}..{v}")
            start = None
    return ", ".join(out)


def noise_switch(p: LinearProcess, pred: Predicate) -> Switch:
    """Change-noise level sigma (Zhang Cases 2-3 / ZP-C2, ZP-C3; Lee EX-B3): the largest sigma below the
    current one where the criterion holds."""
    s0 = noise_level(p)
    if s0 <= 0:
        return Switch(remedy="lower noise level", parameter="noise.sigma", claim="ZP-C3, ZP-C2", criterion="captures",
                      current=0.0, direction="decrease", switch=None, suffices=False, note="no change noise")
    return switch_point(lambda s: scale_noise(p, s, s0), s0, decreasing_grid(s0), pred, remedy="lower noise level",
                        parameter="noise.sigma", claim="ZP-C3, ZP-C2", criterion="captures")


# --- per-claim predictions -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ClaimPrediction:
    """What a claim says about one process: ``applies`` (its assumptions hold there and, for an experimental
    claim, the process is in the experiment's setting), a one-line ``prediction`` whose every phrase is
    conditional on the computed numbers in ``data``, and ``failed``: the assumptions that fail (with reasons)."""

    id: str
    applies: bool
    prediction: str
    data: dict[str, Any] = field(default_factory=dict)
    failed: tuple[str, ...] = ()

    def to_json(self) -> dict:
        return {"id": self.id, "applies": self.applies, "prediction": self.prediction,
                "failed_assumptions": list(self.failed), "data": plain(self.data)}


def plain(x: Any) -> Any:
    """JSON-ready data: Ranges as [min, max], numpy scalars and arrays as Python values."""
    if isinstance(x, Range):
        return [x.lo, x.hi]
    if isinstance(x, dict):
        return {str(k): plain(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [plain(v) for v in x]
    if isinstance(x, (np.floating, float)):
        v = float(x)
        return v if math.isfinite(v) else str(v)
    if isinstance(x, (np.integer,)):
        return int(x)
    if isinstance(x, np.bool_):
        return bool(x)
    if isinstance(x, np.ndarray):
        return plain(x.tolist())
    return x


@dataclass
class LinearContext:
    """Everything the predictors of one process share (computed once): the minimiser set or why there is none,
    the optimum, the capture verdict."""

    process: LinearProcess
    tol: float = DEFAULT_TOL
    ms: MinimiserSet | None = None
    not_closed: str = ""
    opt: OptimumPrediction | None = None
    cap: Capture | None = None
    _cache: dict = field(default_factory=dict)

    @classmethod
    def of(cls, p: LinearProcess, tol: float = DEFAULT_TOL) -> "LinearContext":
        try:
            ms = minimiser_set(p)
            nc = ""
        except NotClosedForm as exc:
            ms, nc = None, str(exc)
        ctx = cls(process=p, tol=tol, ms=ms, not_closed=nc)
        ctx.opt = optimum(p, ms) if ms is not None else optimum(p)
        ctx.cap = capture(p, tol, ms) if ms is not None else Capture(decided=False, reason=f"outside the closed forms: {nc}")
        return ctx

    def variant(self, key: Any, make: Callable[[], LinearProcess]) -> "LinearContext":
        """A context of a related process (e.g. the same process without the action head), cached by key."""
        if key not in self._cache:
            self._cache[key] = LinearContext.of(make(), self.tol)
        return self._cache[key]


def domain(claim_id: str, p: Any) -> tuple[bool, tuple[str, ...]]:
    """Whether every evaluable assumption of the ledger claim holds on p, and the failing ones with reasons
    (the ledger's evaluators, `theory.assumptions.evaluate`; assumptions without an evaluator for this process
    type are ignored here and listed by `lamcheck check` separately)."""
    from theory.ledger import get_claim

    failed = []
    for a in claim_assumptions(get_claim(claim_id)):
        e = evaluate(a, p)
        if e.holds is False:
            failed.append(f"{a.name}: {e.reason}")
    return not failed, tuple(failed)


def _fmt(x: float | None, nd: int = 4) -> str:
    return "n/a" if x is None else f"{x:.{nd}g}"


def _rfmt(r: Range | None, nd: int = 4) -> str:
    if r is None:
        return "n/a"
    return f"{r.lo:.{nd}g}" if r.unique else f"[{r.lo:.{nd}g}, {r.hi:.{nd}g}]"


def _no_closed_form(cid: str, ctx: LinearContext, applies: bool, failed: tuple[str, ...]) -> ClaimPrediction:
    return ClaimPrediction(cid, applies, f"no closed-form prediction: {ctx.not_closed}", {}, failed)


def outside(cid: str, failed: Sequence[str]) -> ClaimPrediction:
    """A claim whose domain does not contain the process: no prediction, the failing assumptions say why."""
    shown = "; ".join(failed[:2]) + (f"; and {len(failed) - 2} more" if len(failed) > 2 else "")
    return ClaimPrediction(cid, False, f"does not apply: {shown}", {}, tuple(failed))


def theorem(cid: str, body: Callable[[LinearContext], tuple[str, dict]], *, plain: bool = False):
    """A predictor for a claim with ledger assumptions: outside its domain it says which fail; inside, ``body``
    computes the prediction (on the plain-reconstruction variant of the process when ``plain``)."""
    def predictor(ctx: LinearContext) -> ClaimPrediction:
        ok, failed = domain(cid, ctx.process)
        if not ok:
            return outside(cid, failed)
        c = _plain_ctx(ctx) if plain else ctx
        if c.ms is None:
            return _no_closed_form(cid, c, True, ())
        text, data = body(c)
        return ClaimPrediction(cid, True, text, data)
    predictor.__name__ = f"predict_{cid.replace('-', '_').lower()}"
    return predictor


def _eigs(S: np.ndarray) -> np.ndarray:
    return np.sort(np.linalg.eigvalsh((S + S.T) / 2))[::-1]


def _tail(ev: np.ndarray, k: int) -> float:
    return float(np.sum(ev[k:]))


def _rank(S: np.ndarray) -> int:
    ev = _eigs(S)
    return int(np.sum(ev > 1e-10 * max(1.0, float(ev[0]) if len(ev) else 1.0)))


def _plain_ctx(ctx: LinearContext) -> LinearContext:
    """The same process under the plain reconstruction loss (learned A, no head, no augmentation, no tie, on o)."""
    p = ctx.process
    lam = p.lam
    if lam.learn_A and not lam.tie_CD and lam.kappa == 0 and lam.action_weight == 0 and lam.Phi is None:
        return ctx
    return ctx.variant("plain", lambda: p.with_lam(learn_A=True, tie_CD=False, kappa=0.0, action_weight=0.0, Phi=None))


def _d1(ctx: LinearContext) -> tuple[str, dict]:
    o = ctx.opt
    if o.llo_range is None:
        return "LLO is undefined here (Var a = 0 or Var o = 0)", {}
    top = o.llo_range.hi >= 2 - 1e-9
    return (f"LLO over the global minimisers: {_rfmt(o.llo_range)} (canonical {_fmt(o.llo)}); the maximum 2 is "
            + ("attained" if top else "not attained"),
            {"llo": o.llo, "llo_range": o.llo_range, "attains_2": top})


def _p1(ctx: LinearContext) -> tuple[str, dict]:
    p = ctx.process
    tail = _tail(_eigs(p.Sigma_r), p.d_z)
    return (f"min L = {tail:.6g} = the sum of the eigenvalues of Sigma_(q+eps) beyond the top {p.d_z}, attained with "
            "A = I - B(C+D)", {"loss": ctx.opt.loss, "tail": tail})


def _p2(ctx: LinearContext) -> tuple[str, dict]:
    p = ctx.process
    ev = _eigs(p.Sigma_r)
    k = p.d_z
    gap = float(ev[k - 1] - ev[k]) if k < len(ev) else float("inf")
    unique = gap > 1e-9 * max(1.0, float(ev[0]))
    text = (f"BD = the projector onto the top-{k} principal subspace of Sigma_(q+eps), L* = {_tail(ev, k):.6g}; "
            + (f"unique (eigengap {gap:.4g})" if unique else
               f"not unique: lambda_{k} = lambda_{k + 1} = {ev[k - 1]:.6g} (any subspace of the tied eigenspace)"))
    return text, {"L_star": _tail(ev, k), "eigengap": gap, "unique": unique, "top_eigenvalues": ev[: k + 2]}


def _p3(ctx: LinearContext) -> tuple[str, dict]:
    a = ctx.opt.nmse_range["action_given_z_o"]
    return (f"chi = {ctx.process.chi:g}: the optimal A absorbs X Pi_d o and the latent solves PCA of Sigma_(r|o) "
            f"(repaired statement); NMSE(a | z, o) over the minimisers = {_rfmt(a)}",
            {"chi": ctx.process.chi, "action_given_z_o": a})


def _p4(ctx: LinearContext) -> tuple[str, dict]:
    p = ctx.process
    r = _rank(p.Sigma_r)
    o = ctx.opt.nmse_range["observation_given_z"]
    return (f"every minimiser has A = I and B(C+D) = 0; C + D = 0 at every minimiser "
            + ("holds" if r >= p.d_z else "fails") + f" (rank Sigma_(q+eps) = {r}, d_z = {p.d_z}); NMSE(o | z) = "
            f"{_rfmt(o)}", {"rank_Sigma_r": r, "observation_given_z": o, "C_plus_D_zero_every_minimiser": r >= p.d_z})


def _p5(ctx: LinearContext) -> tuple[str, dict]:
    p = ctx.process
    w = ctx.opt.effective_action_weight
    nzo = ctx.ms.given_zo("noise") if p.has_noise else None
    limit = ("noise-free latent (d_z = d_a)" if p.d_z == p.d_a else
             f"{p.d_z - p.d_a} spare direction(s) holding the top noise components (repaired statement)")
    return (f"effective action weight {w:.4g} (sum units): NMSE(noise | z, o) = {_rfmt(nzo)}; as the weight grows the "
            f"optimum tends to a {limit}", {"effective_action_weight": w, "noise_given_z_o": nzo})


def _o1(ctx: LinearContext) -> tuple[str, dict]:
    o = ctx.opt.nmse_range["observation_given_z"]
    carries = o is not None and o.lo < 1 - 1e-9
    return (f"NMSE(o | z) over the minimisers = {_rfmt(o)}: " + ("some minimisers' z carry o (A compensates)" if carries
            else "no minimiser's z carries o"), {"observation_given_z": o, "z_may_carry_o": carries})


def _c1(ctx: LinearContext) -> tuple[str, dict]:
    p = ctx.process
    Sq = p.cov("q", "q")
    r = _rank(Sq)
    ev = _eigs(Sq)
    k = p.d_z
    if k >= r:
        return (f"rank Sigma_q = {r} <= d_z = {k}: L* = 0 and the surrogate latent (C = -D) has LLO 2",
                {"rank_Sigma_q": r, "L_star": 0.0})
    tied = abs(ev[k - 1] - ev[k]) <= 1e-9 * max(1.0, float(ev[0]))
    return (f"rank Sigma_q = {r} > d_z = {k}: L* = {_tail(ev, k):.6g} > 0; the latent keeps the top {k} components"
            + (" (tied eigenvalues: any subspace of the tied eigenspace)" if tied else ""),
            {"rank_Sigma_q": r, "L_star": _tail(ev, k), "tied": tied})


def _c2(ctx: LinearContext) -> tuple[str, dict]:
    p = ctx.process
    a = ctx.opt.nmse_range["action_given_z_o"]
    s = noise_level(p)
    return (f"sigma = {s:.4g}: the eigenvectors (hence B) are those without noise, every eigenvalue raised by sigma^2 = "
            f"{s * s:.4g}; NMSE(a | z, o) = {_rfmt(a)}", {"sigma": s, "action_given_z_o": a})


def _c3(ctx: LinearContext) -> tuple[str, dict]:
    p = ctx.process
    s = noise_level(p)
    sq = math.sqrt(max(float(np.linalg.eigvalsh(p.cov("q", "q"))[-1]), 0.0))
    nzo = ctx.ms.given_zo("noise") if p.has_noise else None
    captured = nzo is not None and nzo.lo < 1 - ctx.tol
    return (f"sigma_exo = {s:.4g} vs sigma_q = {sq:.4g}: NMSE(noise | z, o) = {_rfmt(nzo)}, so "
            + ("some minimiser's latent holds noise" if captured else "every minimiser excludes the noise")
            + f" at d_z = {p.d_z}", {"sigma_exo": s, "sigma_q": sq, "noise_given_z_o": nzo, "noise_captured": captured})


def _setting(p: LinearProcess, *, noise: str | None, chi: bool = False, head: bool = False,
             kappa: bool | None = False) -> list[str]:
    """Why p is not in a figure's setting ([]: it is); ``None`` for noise or kappa: either is allowed."""
    bad = []
    kind = _noise_kind(p)
    if noise is not None and kind != noise:
        bad.append(f"noise is {kind}, the figure has {noise}")
    if p.has_exogenous:
        bad.append("an exogenous block (not in Zhang's simulations)")
    if (p.chi > 0) != chi:
        bad.append(f"chi = {p.chi:g}")
    w = p.lam.effective_action_weight(p.d_o, p.d_a)
    if (w > 0) != head:
        bad.append(f"action-loss weight {w:.3g}")
    if kappa is not None and (p.lam.kappa > 0) != kappa:
        bad.append(f"augmentation kappa = {p.lam.kappa:g}")
    if p.lam.Phi is not None:
        bad.append("a representation Phi")
    return bad


def _noise_kind(p: LinearProcess) -> str:
    if not p.has_noise:
        return "none"
    S = p.Sigma_eps
    s2 = float(np.trace(S)) / p.d_o
    return "isotropic" if np.allclose(S, s2 * np.eye(p.d_o), atol=1e-12) else "structured"


def _experiment(cid: str, ctx: LinearContext, bad: list[str], text: Callable[[], tuple[str, dict]]) -> ClaimPrediction:
    """An experimental claim applies when the process is in its figure's setting (``bad`` empty)."""
    if bad:
        return ClaimPrediction(cid, False, "does not apply: not the figure's setting (" + "; ".join(bad) + ")", {},
                               tuple(bad))
    if ctx.ms is None:
        return _no_closed_form(cid, ctx, True, ())
    t, data = text()
    return ClaimPrediction(cid, True, t, data)


def llo_by_dz(p: LinearProcess, d_zs: Sequence[int], noise_term_one: bool = False) -> dict[int, float | None]:
    """Canonical-minimiser LLO (Eq. (6), population probes on the training data) for each latent size."""
    out = {}
    for d in d_zs:
        try:
            ms = minimiser_set(p.with_lam(d_z=d))
        except NotClosedForm:
            out[d] = None
            continue
        if ms.llo_range(noise_term_one=noise_term_one) is None:
            out[d] = None
            continue
        out[d] = ms.llo(ms.latent_map(ms.canonical()), noise_term_one=noise_term_one)
    return out


_PROBE_DATA = {"training": lambda p: p, "policy": lambda p: p, "noise-free": lambda p: p.clean(),
               "random-actions": lambda p: p.random_actions()}
_LATENT = {"z": "z", "pseudo_latent": "pseudo"}


def figure_llo(p: LinearProcess, params: dict, claim: str) -> dict[str, float]:
    """The LLO a figure of Zhang et al. plots, at population probes, for LAM parameters ``params`` on ``p``: the
    probes (inputs, fit and evaluation data) and the notebook's assembly of the plotted variant of the claim's
    experiment (`numerics.zhang2025.protocol.CLAIM_OF`), the probe errors from THE LLO metric
    (`numerics.zhang2025.model.llo`). The recorded per-dimension MSEs equal the NMSEs here (unit variance per
    coordinate of a on the evaluation data, of o, of b; the i.i.d. noise record is normalised by d_o sigma^2)."""
    from numerics.zhang2025.model import llo
    from numerics.zhang2025.protocol import CLAIM_OF, notebook_llo

    exp = CLAIM_OF[claim]()
    pr, me = exp.probes, exp.metrics
    terms = llo(params, p, fit=_PROBE_DATA[pr.fit_data](p), ev=_PROBE_DATA[pr.eval_data](p),
                action_from=_LATENT[pr.action_input], rest_from=_LATENT[pr.rest_input],
                noise_term_one=me.noise_normalisation == "none")
    plotted = notebook_llo(me, terms.nmse_action, terms.nmse_o, terms.nmse_noise, sigma=noise_level(p), d_z=p.d_z)
    return {"figure_llo": snap(plotted), "nmse_action": snap(terms.nmse_action), "nmse_o": snap(terms.nmse_o),
            "nmse_noise": snap(terms.nmse_noise), "assembly": me.notebook, "probes": f"{pr.action_input}/{pr.rest_input}, "
            f"fit on {pr.fit_data}, evaluated on {pr.eval_data}", "variant": exp.variant}


def _figure(ctx: LinearContext, claim: str) -> dict:
    return figure_llo(ctx.process, ctx.ms.canonical(), claim)


def pred_zp_e1(ctx: LinearContext) -> ClaimPrediction:
    p = ctx.process

    def text():
        f = _figure(ctx, "ZP-E1")
        r = _rank(p.cov("q", "q"))
        return (f"figure LLO at the canonical minimiser = {f['figure_llo']:.4g} (2 iff d_z >= rank Sigma_q = {r}); "
                f"Eq. (6) LLO over the minimisers {_rfmt(ctx.opt.llo_range)}",
                {"llo_range": ctx.opt.llo_range, "rank_Sigma_q": r, **f})
    return _experiment("ZP-E1", ctx, _setting(p, noise="none"), text)


def pred_zp_e2(ctx: LinearContext) -> ClaimPrediction:
    p = ctx.process

    def text():
        f = _figure(ctx, "ZP-E2")
        clean = ctx.variant("clean", lambda: p.clean())
        base = None if clean.ms is None else _figure(clean, "ZP-E2")["figure_llo"]
        gap = None if base is None else base - f["figure_llo"]
        return (f"sigma = {noise_level(p):.4g}: figure LLO (probes fitted and evaluated on noise-free data, noise term 1) "
                f"at the canonical minimiser = {f['figure_llo']:.4g}, gap to the noise-free optimum {_fmt(gap)}",
                {"gap": gap, "noise_free_figure_llo": base, **f})
    return _experiment("ZP-E2", ctx, _setting(p, noise="isotropic"), text)


def pred_zp_e3(ctx: LinearContext) -> ClaimPrediction:
    p = ctx.process

    def text():
        from numerics.zhang2025.protocol import fig3_right

        f = _figure(ctx, "ZP-E3")
        d_zs = [d for d in fig3_right().d_z if d < p.d_o]
        curve = llo_by_dz(p, d_zs)
        vals = {d: v for d, v in curve.items() if v is not None}
        best = max(vals, key=lambda d: vals[d]) if vals else None
        fails = best is None or vals[best] <= 1 + 1e-9
        return (f"sigma_exo = {noise_level(p):.4g}: Eq. (6) LLO at the canonical minimiser {_fmt(ctx.opt.llo)} (figure's "
                f"assembly {f['figure_llo']:.4g}); best over the figure's d_z {d_zs[0]}..{d_zs[-1]}: d_z = {best} "
                f"(LLO {_fmt(vals.get(best))}): "
                + ("no latent size beats the empty latent (LLO 1)" if fails else "beats the empty latent (LLO 1)"),
                {"llo": ctx.opt.llo, "llo_by_d_z": curve, "best_d_z": best, "fails_for_every_d_z": fails, **f})
    return _experiment("ZP-E3", ctx, _setting(p, noise="structured"), text)


def pred_zp_e4(ctx: LinearContext) -> ClaimPrediction:
    p = ctx.process

    def text():
        f = _figure(ctx, "ZP-E4")
        a = ctx.opt.nmse_range["action_given_z_o"]
        return (f"chi = {p.chi:g}: NMSE(a | z, o) over the minimisers = {_rfmt(a)}"
                + (" (0 for every chi < 1 when d_z >= d_a: repaired statement)" if p.d_z >= p.d_a else "")
                + f"; figure LLO at the canonical minimiser {f['figure_llo']:.4g}",
                {"chi": p.chi, "action_given_z_o": a, **f})
    return _experiment("ZP-E4", ctx, _setting(p, noise=None, chi=True), text)


def pred_zp_e5(ctx: LinearContext) -> ClaimPrediction:
    p = ctx.process

    def text():
        f = _figure(ctx, "ZP-E5")
        return (f"kappa = {p.lam.kappa:g}: the minimiser augmentation selects has figure LLO (noise term 1) "
                f"{f['figure_llo']:.4g}; NMSE(o | z) over the minimisers = {_rfmt(ctx.opt.nmse_range['observation_given_z'])}",
                {"observation_given_z": ctx.opt.nmse_range["observation_given_z"], **f})
    return _experiment("ZP-E5", ctx, _setting(p, noise=None, kappa=True), text)


def pred_zp_e6(ctx: LinearContext) -> ClaimPrediction:
    p = ctx.process

    def text():
        f = _figure(ctx, "ZP-E6")
        w = ctx.opt.effective_action_weight
        s = noise_level(p)
        nzo = ctx.ms.given_zo("noise") if p.has_noise else None
        excluded = nzo is not None and nzo.lo >= 1 - ctx.tol
        thr = s * s - 1.0
        return (f"effective action weight {w:.4g} (sum units) vs the switch sigma_exo^2/sigma_q^2 - 1 = {thr:.4g} (noise "
                f"orthogonal to X): NMSE(noise | z, o) = {_rfmt(nzo)}, so every minimiser "
                + ("excludes" if excluded else "does not exclude") + f" the noise; figure LLO {f['figure_llo']:.4g}",
                {"effective_action_weight": w, "switch_orthogonal": thr, "noise_excluded": excluded,
                 "noise_given_z_o": nzo, **f})
    return _experiment("ZP-E6", ctx, _setting(p, noise="structured", head=True, kappa=None), text)


def pred_zp_e7(ctx: LinearContext) -> ClaimPrediction:
    return ClaimPrediction("ZP-E7", False, "a non-linear grid-world experiment: a linear spec does not describe it", {},
                           ("the grid world is not a linear process",))


PREDICTORS: dict[str, Callable[[LinearContext], ClaimPrediction]] = {
    "ZP-D1": theorem("ZP-D1", _d1), "ZP-P1": theorem("ZP-P1", _p1, plain=True), "ZP-P2": theorem("ZP-P2", _p2, plain=True),
    "ZP-P3": theorem("ZP-P3", _p3), "ZP-P4": theorem("ZP-P4", _p4), "ZP-P5": theorem("ZP-P5", _p5),
    "ZP-O1": theorem("ZP-O1", _o1), "ZP-C1": theorem("ZP-C1", _c1, plain=True), "ZP-C2": theorem("ZP-C2", _c2),
    "ZP-C3": theorem("ZP-C3", _c3), "ZP-E1": pred_zp_e1, "ZP-E2": pred_zp_e2, "ZP-E3": pred_zp_e3,
    "ZP-E4": pred_zp_e4, "ZP-E5": pred_zp_e5, "ZP-E6": pred_zp_e6, "ZP-E7": pred_zp_e7,
}
