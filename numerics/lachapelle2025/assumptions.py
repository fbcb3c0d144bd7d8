"""Evaluators of every Lachapelle 2025 ledger assumption, on the finite process and on the continuous test bed.

THIS IS THIS PROJECT'S RECONSTRUCTION (provenance ``reconstructed``). Each evaluator is ``holds(process) ->
(bool, reason)`` (`theory.assumptions`); the hypothesis strategies (`numerics.lachapelle2025.strategies`) draw a
claim's instances through them and the audit re-validates every counterexample against them.

On a `FiniteProcess` (the finite test bed of `numerics.lachapelle2025.process`):
    la-finite-setting            k >= m (finite A and A_hat; g deterministic by construction)
    la-A1-realisability          k >= m and the model class holds a zero-loss labelling (the FDM is free, so this
                                 is "some labelling respecting the ties is injective on the next states at every s")
    la-A2-continuity             the IDM class is the continuity surrogate (``continuity = true``)
    la-continuous-encoder        the code map is the continuity surrogate (the finite bed models no quantiser)
    la-A3-connectivity           every S_a induces a connected subgraph (per action; "S connected" is weaker: LA-U2)
    la-A4-injectivity            no merge: g(s, .) injective at every s
    la-separated-action-graphs   no merge (distinct next states at one state are >= 1 apart in y = 100 s + a)
    la-overlap                   every pair a != b is available and unmerged at some common state
    la-positive-lambda / la-no-entropy-term   lam > 0 / lam = 0
    la-spare-codes               k > m
    la-continuous-latent         false: the latent set is finite
    la-identified-labelling      D1, D2, D3 at every global minimiser (`finite.identifiability`)
    la-idm-entropy-regulariser   the penalty is E[H(q(.|s,s'))] (not the alternative reading H(A_hat|S))
On a `ContinuousTestBed` (`numerics.lachapelle2025.testbed`) the same names read the test bed's fields.
"""

from __future__ import annotations

import itertools

from numerics.lachapelle2025 import finite
from numerics.lachapelle2025.process import FiniteProcess
from numerics.lachapelle2025.testbed import ContinuousTestBed
from theory.assumptions import register_evaluator


def _realisable(p: FiniteProcess) -> bool:
    """A zero-loss labelling in the model class: a proper colouring of the conflict graph (`finite.realisable`)."""
    return finite.realisable(p)


@register_evaluator("la-finite-setting", FiniteProcess)
def _a1_setting(p: FiniteProcess):
    ok = p.codes >= p.actions
    return ok, f"k = {p.codes} {'>=' if ok else '<'} m = {p.actions}"


@register_evaluator("la-A1-realisability", FiniteProcess)
def _a1(p: FiniteProcess):
    if p.codes < p.actions:
        return False, f"k = {p.codes} < m = {p.actions}"
    if not _realisable(p):
        return False, (f"no zero-loss labelling in the model class (continuity = {p.continuity}, merges {list(p.merge)})")
    return True, f"k = {p.codes} >= m = {p.actions} and a zero-loss labelling exists in the model class"


@register_evaluator("la-A2-continuity", FiniteProcess)
def _a2(p: FiniteProcess):
    return p.continuity, ("IDM class: continuity surrogate (codes tied across edges)" if p.continuity
                          else "IDM class: unrestricted (continuity = false)")


@register_evaluator("la-A3-connectivity", FiniteProcess)
def _a3(p: FiniteProcess):
    split = {a: p.support_components(a) for a in range(p.actions) if len(p.support_components(a)) > 1}
    if split:
        a, comps = next(iter(split.items()))
        return False, f"S_{a} has {len(comps)} components {comps}"
    return True, "every S_a is connected"


@register_evaluator("la-A4-injectivity", FiniteProcess)
def _a4(p: FiniteProcess):
    return (not p.merge), ("g(s, .) injective at every s" if not p.merge else f"merges {list(p.merge)}")


@register_evaluator("la-separated-action-graphs", FiniteProcess)
def _separated(p: FiniteProcess):
    return (not p.merge), ("distinct next states at every state (gap >= 1)" if not p.merge
                           else f"g(s,a) = g(s,b) at {list(p.merge)}")


@register_evaluator("la-overlap", FiniteProcess)
def _overlap(p: FiniteProcess):
    for a, b in itertools.combinations(range(p.actions), 2):
        if not any(a in p.available[s] and b in p.available[s]
                   and not any(a in c and b in c for c in p.classes[s]) for s in range(p.states)):
            return False, f"actions {a} and {b} never co-occur with distinct next states"
    return True, "every pair of actions co-occurs with distinct next states"


@register_evaluator("la-positive-lambda", FiniteProcess, ContinuousTestBed)
def _pos_lam(p):
    return p.lam > 0, f"lambda = {p.lam:g}"


@register_evaluator("la-no-entropy-term", FiniteProcess, ContinuousTestBed)
def _no_lam(p):
    return p.lam == 0, f"lambda = {p.lam:g}"


@register_evaluator("la-spare-codes", FiniteProcess)
def _spare(p: FiniteProcess):
    return p.codes > p.actions, f"k = {p.codes}, m = {p.actions}"


@register_evaluator("la-continuous-latent", FiniteProcess)
def _cont_latent_finite(p: FiniteProcess):
    return False, f"finite latent set of k = {p.codes} codes"


@register_evaluator("la-identified-labelling", FiniteProcess)
def _identified(p: FiniteProcess):
    r = finite.identifiability(p)
    return r.identified, f"D1 = {r.D1}, D2 = {r.D2}, D3 = {r.D3} at every global minimiser"


# --- the continuous test bed ---------------------------------------------------------------------------------------
@register_evaluator("la-finite-setting", ContinuousTestBed)
def _tb_a1_setting(b: ContinuousTestBed):
    ok = b.latent == "continuous" or b.codes >= b.actions
    return ok, f"k = {b.codes}, m = {b.actions}, latent {b.latent}"


@register_evaluator("la-A1-realisability", ContinuousTestBed)
def _tb_a1(b: ContinuousTestBed):
    gap = b.co_occurring_gap()
    ok = (b.latent == "continuous" or b.codes >= b.actions) and gap > 0
    return ok, (f"k = {b.codes} vs m = {b.actions}; min |g(s,a) - g(s,b)| over co-occurring pairs = {gap:.3g} (a "
                "continuous zero-loss IDM exists iff > 0)")


@register_evaluator("la-A2-continuity", ContinuousTestBed)
def _tb_a2(b: ContinuousTestBed):
    if b.latent == "vq":
        return False, "the code map argmin_c |x(s,s') - e_c| is discontinuous at Voronoi boundaries (VQ)"
    return True, "g(., a) is continuous and the IDM is a continuous network (softmax over codes, or a continuous latent)"


@register_evaluator("la-continuous-encoder", ContinuousTestBed)
def _tb_encoder(b: ContinuousTestBed):
    return True, {"discrete": "softmax logits of a continuous network", "continuous": "continuous latent network",
                  "vq": "continuous encoder before the argmin quantiser"}[b.latent]


@register_evaluator("la-continuous-encoder", FiniteProcess)
def _encoder(p: FiniteProcess):
    return p.continuity, ("continuity surrogate of the code map" if p.continuity
                          else "unrestricted code map (no continuity surrogate)")


@register_evaluator("la-A3-connectivity", ContinuousTestBed)
def _tb_a3(b: ContinuousTestBed):
    ok = b.domain == "connected"
    return ok, f"state space {b.domain} ({b.domain_text()})"


@register_evaluator("la-A4-injectivity", ContinuousTestBed)
def _tb_a4(b: ContinuousTestBed):
    gap = b.min_next_state_gap()
    return gap > 0, f"min |g(s,a) - g(s,b)| = {gap:.3g}"


@register_evaluator("la-separated-action-graphs", ContinuousTestBed)
def _tb_sep(b: ContinuousTestBed):
    gap = b.min_next_state_gap()
    return gap > 0, f"inf over the closure of S of min |g(s,a) - g(s,b)| = {gap:.3g}"


@register_evaluator("la-overlap", ContinuousTestBed)
def _tb_overlap(b: ContinuousTestBed):
    return b.full_support, "pi(a|s) = softmax(W s + b) > 0 everywhere" if b.full_support else "policy without full support"


@register_evaluator("la-spare-codes", ContinuousTestBed)
def _tb_spare(b: ContinuousTestBed):
    return b.latent == "continuous" or b.codes > b.actions, f"k = {b.codes}, m = {b.actions}"


@register_evaluator("la-continuous-latent", ContinuousTestBed)
def _tb_cont(b: ContinuousTestBed):
    return b.latent == "continuous", f"latent {b.latent}"


@register_evaluator("la-idm-entropy-regulariser", FiniteProcess)
def _reg(p: FiniteProcess):
    ok = p.regulariser == "idm-entropy"
    return ok, f"regulariser {p.regulariser!r}" + ("" if ok else " (the alternative reading H(A_hat|S))")


@register_evaluator("la-idm-entropy-regulariser", ContinuousTestBed)
def _tb_reg(b: ContinuousTestBed):
    return True, "regulariser E[H(q(.|s,s'))]"
