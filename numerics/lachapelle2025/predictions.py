"""What the Lachapelle 2025 claims (THIS PROJECT'S RECONSTRUCTION) predict for one finite process.

A library module (no checks). ``PREDICTORS`` maps each LA-* claim id to ``fn(ctx) -> ClaimPrediction`` on a
`FiniteContext`, whose one exact answer is `numerics.lachapelle2025.finite.identifiability` (the exhaustive
enumeration of the WHOLE set of global minimisers behind the exhaustive checks): zero-loss and state-independent
labelling counts, D1-D3 at every minimiser and a violating minimiser where one fails. ``applies`` is decided by
the ledger's evaluators (`numerics.lachapelle2025.assumptions`).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction

from numerics.lachapelle2025.finite import Identifiability, identifiability
from numerics.lachapelle2025.process import FiniteProcess
from numerics.zhang2025.predictions import ClaimPrediction, domain, outside

RECON = "[reconstructed claim] "


@dataclass
class FiniteContext:
    process: FiniteProcess
    ident: Identifiability

    @classmethod
    def of(cls, p: FiniteProcess) -> "FiniteContext":
        """Raises `numerics.lachapelle2025.finite.TooLarge` when the enumeration exceeds its budget."""
        return cls(p, identifiability(p))


def identifiability_summary(ident: Identifiability) -> dict:
    """The ``identifiability`` block of `lamcheck check`: counts, D1-D3 at every global minimiser, and a violating
    minimiser (or None)."""
    return {"zero_loss_labelings": ident.zero_loss_labelings,
            "state_independent_labelings": ident.state_independent_labelings,
            "D1": ident.D1, "D2": ident.D2, "D3": ident.D3, "counterexample": ident.counterexample,
            "identified": ident.identified, "realisable": ident.realisable, "minimisers": ident.minimisers,
            "zero_loss_labelings_unconstrained": ident.zero_loss_labelings_unconstrained,
            "loss_range": [str(ident.loss_range[0]), str(ident.loss_range[1])],
            "fdm_free": [list(x) for x in ident.fdm_free]}


def _theorem(cid: str, body: Callable[[FiniteContext], tuple[str, dict]]):
    def predictor(ctx: FiniteContext) -> ClaimPrediction:
        ok, failed = domain(cid, ctx.process)
        if not ok:
            return outside(cid, failed)
        t, d = body(ctx)
        return ClaimPrediction(cid, True, RECON + t, d)
    return predictor


def _yes(b: bool) -> str:
    return "holds" if b else "fails"


def _d(name: str, ctx: FiniteContext) -> str:
    i = ctx.ident
    v = getattr(i, name)
    s = f"{name} {_yes(v)} at every global minimiser"
    if not v and name in i.witnesses:
        s = f"{name} fails at some global minimiser (witness in the counterexample)"
    return s


def _loss(ctx: FiniteContext) -> tuple[str, dict]:
    i = ctx.ident
    lo, hi = i.loss_range
    return (f"min L_rec over the model class = {lo} ({'zero: realisable' if i.realisable else 'positive: not realisable'}); "
            f"{i.minimisers} deterministic global minimiser(s)", {"loss_range": [str(lo), str(hi)],
                                                                  "realisable": i.realisable, "minimisers": i.minimisers})


def _t1(ctx: FiniteContext) -> tuple[str, dict]:
    return _d("D1", ctx), {"D1": ctx.ident.D1}


def _t2(ctx: FiniteContext) -> tuple[str, dict]:
    i = ctx.ident
    return (_d("D2", ctx) + f"; {i.state_independent_labelings} of {i.zero_loss_labelings} zero-loss labellings are "
            "state-independent", {"D2": i.D2, "zero_loss_labelings": i.zero_loss_labelings,
                                  "state_independent_labelings": i.state_independent_labelings})


def _t3(ctx: FiniteContext) -> tuple[str, dict]:
    return _d("D3", ctx), {"D3": ctx.ident.D3}


def _t(ctx: FiniteContext) -> tuple[str, dict]:
    i = ctx.ident
    return ("D1, D2, D3 hold at every global minimiser: identified up to the relabelling v" if i.identified else
            "not identified: " + ", ".join(f"{d} fails" for d in ("D1", "D2", "D3") if not getattr(i, d)),
            {"D1": i.D1, "D2": i.D2, "D3": i.D3, "identified": i.identified})


def _action_probabilities(p: FiniteProcess) -> list[Fraction]:
    """P(a) = sum_s p(s) pi(a|s) with p(s) = 1/n and pi uniform on the available actions."""
    return [sum((Fraction(1, p.states * len(p.available[s])) for s in range(p.states) if a in p.available[s]),
                Fraction(0)) for a in range(p.actions)]


def _s1(ctx: FiniteContext) -> tuple[str, dict]:
    return ("the latent policy pi_hat(v(a)|s) equals the expert policy pi(a|s) at every global minimiser", {})


def _s2(ctx: FiniteContext) -> tuple[str, dict]:
    p = ctx.process
    probs = _action_probabilities(p)
    pmin = float(min(probs))
    n = None if pmin <= 0 else (0 if pmin >= 1 else math.ceil(math.log(0.01 / p.actions) / math.log(1 - pmin)))
    return (f"a state-free lookup decoder recovers every action from n labels with P(fail) <= m (1 - p_min)^n, "
            f"p_min = {pmin:.4g}; n = {n} labels give P(fail) <= 1%", {"p_min": pmin, "labels_for_1pct": n})


def _u1(ctx: FiniteContext) -> tuple[str, dict]:
    return (_d("D1", ctx) + " (lambda = 0, k > m: mass can split between codes)", {"D1": ctx.ident.D1})


def _u2(ctx: FiniteContext) -> tuple[str, dict]:
    i = ctx.ident
    return (_d("D2", ctx) + f" (continuity = {ctx.process.continuity}); {i.zero_loss_labelings} zero-loss labellings, "
            f"{i.state_independent_labelings} state-independent",
            {"D2": i.D2, "zero_loss_labelings": i.zero_loss_labelings,
             "state_independent_labelings": i.state_independent_labelings})


def _u4(ctx: FiniteContext) -> tuple[str, dict]:
    p = ctx.process
    return (_d("D3", ctx) + (f"; merges {list(p.merge)}" if p.merge else ""), {"D3": ctx.ident.D3})


def _c1(ctx: FiniteContext) -> tuple[str, dict]:
    return (_d("D2", ctx) + f" with k = {ctx.process.codes} discrete codes", {"D2": ctx.ident.D2})


PREDICTORS: dict[str, Callable[[FiniteContext], ClaimPrediction]] = {
    "LA-D1": _theorem("LA-D1", _loss),
    "LA-D2": _theorem("LA-D2", _loss),
    "LA-L1": _theorem("LA-L1", _t1),
    "LA-L2": _theorem("LA-L2", _loss),
    "LA-L3": lambda ctx: ClaimPrediction("LA-L3", True, RECON + "a topological fact (true for every process); "
                                         "it is what makes the continuity surrogate tie codes along edges"),
    "LA-X1": lambda ctx: outside("LA-X1", [f"the spec's entropy term is a penalty (lam = {ctx.process.lam:g} >= 0), "
                                           "not a bonus"]),
    "LA-T1": _theorem("LA-T1", _t1),
    "LA-T2": _theorem("LA-T2", _t2),
    "LA-T3": _theorem("LA-T3", _t3),
    "LA-T": _theorem("LA-T", _t),
    "LA-S1": _theorem("LA-S1", _s1),
    "LA-S2": _theorem("LA-S2", _s2),
    "LA-U1": _theorem("LA-U1", _u1),
    "LA-U2": _theorem("LA-U2", _u2),
    "LA-U3": _theorem("LA-U3", lambda ctx: ("", {})),
    "LA-U4": _theorem("LA-U4", _u4),
    "LA-C1": _theorem("LA-C1", _c1),
}
