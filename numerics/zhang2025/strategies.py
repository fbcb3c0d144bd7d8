"""Hypothesis strategies for the Zhang claims: each claim's WHOLE stated domain, drawn through its
assumption evaluators (`numerics.domains.within`, evaluators in `numerics.zhang2025.assumptions`).

`domain(claim_id)` = within(claim's assumptions, linear_processes(...)): the evaluators decide membership.
The base strategy's options (which LAM options, noise kinds, policy, exogenous blocks it proposes) only
steer the proposals towards the domain so that few draws are rejected; each option below matches an
assumption exactly (e.g. ``zp-reconstruction-loss`` is learned A, untied, no augmentation, no head), so
nothing the domain allows is left out. `with_params` adds an arbitrary encoder/decoder (B, C, D) drawn
like the factors (small integers: zeros, ties and rank drops are reachable and shrink towards 0).
"""

from __future__ import annotations

from hypothesis import strategies as st

import numerics.zhang2025.assumptions  # noqa: F401  (registers the evaluators `within` filters by)
from numerics.domains import int_matrices, lam_configs, linear_processes, within
from numerics.processes import LAMConfig, LinearProcess
from theory.assumptions import claim_assumptions, has_evaluator
from theory.ledger import get_claim

#: kappa > 0 values drawn for augmentation claims (the minimiser set does not depend on kappa > 0).
KAPPAS = (0.1, 0.5, 1.0, 2.0)
#: action-loss weights (per-sample-sum units) drawn for ZP-P5.
WEIGHTS = (0.5, 2.0, 8.0)


def plain_lam(d_o: int) -> st.SearchStrategy[LAMConfig]:
    """Loss (4): A learned, C and D free, no augmentation, no head; any d_z < d_o."""
    return lam_configs(d_o, learn_A=True, kappa=False, head=False, tie=False)


@st.composite
def augmented_lam(draw, d_o: int, head: bool = False) -> LAMConfig:
    """Loss (1) with augmentation kappa > 0 (and, with ``head``, an action loss of weight lambda > 0 in
    per-sample-sum units, every sample labelled); any d_z < d_o."""
    d_z = draw(st.integers(1, d_o - 1))
    w = draw(st.sampled_from(WEIGHTS)) if head else 0.0
    return LAMConfig(d_z=d_z, kappa=draw(st.sampled_from(KAPPAS)), action_weight=w, label_fraction=1.0)


def restrict(claim_id: str, proposals: st.SearchStrategy, *, repair: bool = False) -> st.SearchStrategy:
    """``proposals`` filtered by the evaluators of the claim's (or its repair's) assumptions; every one must
    have an evaluator (a missing one would leave the domain unfiltered, so it raises)."""
    assumptions = claim_assumptions(get_claim(claim_id), repair=repair)
    missing = [a.name for a in assumptions if not has_evaluator(a.name, LinearProcess)]
    if missing:
        raise LookupError(f"{claim_id}: no evaluator for {missing}")
    return within(assumptions, proposals)


def domain(claim_id: str, *, repair: bool = False, **kw) -> st.SearchStrategy:
    """Processes in the domain of ``claim_id`` (or of its repair): `linear_processes(**kw)` through `restrict`."""
    return restrict(claim_id, linear_processes(**kw), repair=repair)


def params_json(x) -> dict:
    """A (process, B, C, D) instance of `with_params` as report data: the process's JSON and the three maps."""
    p, B, C, D = x
    return p.to_json() | {"B": B.tolist(), "C": C.tolist(), "D": D.tolist()}


@st.composite
def with_params(draw, processes: st.SearchStrategy):
    """(process, B, C, D) with an arbitrary encoder/decoder of the process's sizes."""
    p = draw(processes)
    d_o, d_z = p.d_o, p.d_z
    return p, draw(int_matrices(d_o, d_z)), draw(int_matrices(d_z, d_o)), draw(int_matrices(d_z, d_o))
