"""Symbolic checks of Lachapelle 2025 (sympy). Checks only; the derivations are `theory.lachapelle2025.derivations`.

ALL STATEMENTS ARE THIS PROJECT'S RECONSTRUCTION (provenance ``reconstructed``): the paper's formal body was not
available. Each check judges the derived facts (`judge_facts`: confirms iff every one holds).
"""

from __future__ import annotations

from dataclasses import replace

from theory.checks import CheckContext, CheckResult, judge_facts, register_check
from theory.lachapelle2025 import derivations as d

RECON = "[reconstructed claim: the paper's formal body was unavailable] "


def _judge(facts: dict[str, bool], witness: dict | None = None) -> CheckResult:
    """judge_facts; for a some-minimiser counter-claim the confirming result keeps ``witness`` (the bad minimiser)."""
    r = judge_facts("symbolic", facts, ": " + "; ".join(facts), noun="derived facts", prefix=RECON,
                    counterexample=witness)
    if r.status == "confirms" and witness:
        return replace(r, counterexample=witness)
    return r


@register_check("LA-D1", "symbolic", "optimal FDM = weighted mean per code; min over g_hat of L_rec = within-code variance")
def la_d1_symbolic(ctx: CheckContext) -> CheckResult:
    return _judge(d.derive_d1())


@register_check("LA-D2", "symbolic", "softmax gradient of L_lam in closed form, finite; one-hot limit = L_rec")
def la_d2_symbolic(ctx: CheckContext) -> CheckResult:
    return _judge(d.derive_d2())


@register_check("LA-L1", "symbolic", "k = 2: f'' = -lam/(q(1-q)); k = 3: tangent Hessian of H negative definite; ties")
def la_l1_symbolic(ctx: CheckContext) -> CheckResult:
    return _judge(d.derive_l1())


@register_check("LA-L3", "symbolic", "H(q) >= -log max q; an arg-max switch along a continuous path passes H >= log 2")
def la_l3_symbolic(ctx: CheckContext) -> CheckResult:
    return _judge(d.derive_l3())


@register_check("LA-X1", "symbolic", "Lagrangian stationarity gives softmax(-l/tau); strictly convex; zero duality gap")
def la_x1_symbolic(ctx: CheckContext) -> CheckResult:
    return _judge(d.derive_x1())


@register_check("LA-S1", "symbolic", "push-forward pi_hat(v(a)|s) = pi(a|s) for injective v; fails for non-injective v")
def la_s1_symbolic(ctx: CheckContext) -> CheckResult:
    return _judge(d.derive_s1())


@register_check("LA-S2", "symbolic", "coupon collector: inclusion-exclusion = enumeration <= union bound <= m(1-p_min)^n; "
                                     "ERM bound")
def la_s2_symbolic(ctx: CheckContext) -> CheckResult:
    return _judge(d.derive_s2())


@register_check("LA-U1", "symbolic", "the example: zero loss, entropy log 2, L_lam = lam P(L) log 2 (exact)")
def la_u1_symbolic(ctx: CheckContext) -> CheckResult:
    facts = d.derive_u1()
    return _judge(facts, witness={"example": "A = {L,R}, codes {1,2,3}, q_L = (1/2, 0, 1/2), q_R = e_2",
                                         "L_0": "0", "L_lam": "lam P(L) log 2"})


@register_check("LA-U3", "symbolic", "Delta s code on the rotation test bed: z(s + (1/2,0), a) = z(s, a+1), zero loss")
def la_u3_symbolic(ctx: CheckContext) -> CheckResult:
    facts = d.derive_u3()
    return _judge(facts, witness={"code": "z = s' - s = 0.15 R(pi s_1) u_a, g_hat(s, z) = s + z",
                                         "collision": "z((1/4, y), a=0) = z((-1/4, y), a=1)"})
