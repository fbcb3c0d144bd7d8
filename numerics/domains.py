"""Hypothesis strategies over a claim's WHOLE stated domain, drawn through its assumption evaluators.

`linear_processes` draws `LinearProcess` instances over every dimension and block the linear family
allows: d_z below, at and above d_a; rank-deficient and non-orthonormal maps (small-integer entries in
[-2, 2], so hypothesis reaches and shrinks toward zeros, ties and rank drops); zero, isotropic,
structured and general noise; random and correlated policies; optional exogenous dynamics; every LAM
option. `within(assumptions, strategy)` keeps only the draws on which every evaluable assumption holds
(`theory.assumptions.in_domain`): the same evaluators that re-validate counterexamples and answer
`lamcheck check`, so a claim's search domain IS its stated domain.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
from hypothesis import strategies as st

from numerics.processes import LAMConfig, LinearProcess
from theory.assumptions import has_evaluator, in_domain
from theory.claims import Assumption

Array = np.ndarray
NOISE_KINDS = ("none", "isotropic", "structured", "general")


def int_matrices(rows: int, cols: int, lo: int = -2, hi: int = 2) -> st.SearchStrategy[Array]:
    """rows x cols float matrices with integer entries in [lo, hi] (shrinks towards 0)."""
    return st.lists(st.integers(lo, hi), min_size=rows * cols, max_size=rows * cols).map(
        lambda v: np.array(v, dtype=float).reshape(rows, cols))


@st.composite
def lam_configs(draw, d_o: int, *, learn_A: bool | None = None, kappa: bool = True, head: bool = True,
                tie: bool = True) -> LAMConfig:
    """Any LAM on d_o: d_z in [1, d_o - 1]; A learned or fixed; augmentation; an action head with any
    normalisation, label fraction and averaging (each option only when the flag allows it)."""
    d_z = draw(st.integers(1, d_o - 1))
    la = draw(st.booleans()) if learn_A is None else learn_A
    kap = draw(st.sampled_from((0.0, 0.0, 0.5, 1.0))) if kappa else 0.0
    w = draw(st.sampled_from((0.0, 0.0, 0.5, 2.0, 8.0))) if head else 0.0
    return LAMConfig(d_z=d_z, learn_A=la, tie_CD=draw(st.booleans()) if tie else False, kappa=kap, action_weight=w,
                     loss_normalisation=draw(st.sampled_from(("sum", "mean"))),
                     label_fraction=draw(st.sampled_from((1.0, 0.5, 0.01))),
                     label_average=draw(st.sampled_from(("labelled", "all"))), batch=draw(st.sampled_from((1, 8, 128))))


@st.composite
def linear_processes(draw, *, min_d_o: int = 2, max_d_o: int = 5, noise_kinds: tuple[str, ...] = NOISE_KINDS,
                     policy: bool = True, exogenous: bool = True, lam=None) -> LinearProcess:
    """Any linear process of the family on d_o in [min_d_o, max_d_o] (module docstring).

    ``lam``: a strategy ``d_o -> SearchStrategy[LAMConfig]`` (default: `lam_configs` with every option)."""
    d_o = draw(st.integers(min_d_o, max_d_o))
    d_a = draw(st.integers(1, d_o))
    X = draw(int_matrices(d_o, d_a))
    F_o = draw(int_matrices(d_o, d_o)) if draw(st.booleans()) else None
    F_a = draw(int_matrices(d_a, d_a)) if draw(st.booleans()) else None
    kind = draw(st.sampled_from(noise_kinds))
    F_e, target = None, "eps"
    if kind == "isotropic":
        F_e = draw(st.integers(1, 4)) / 2 * np.eye(d_o)
    elif kind == "structured":
        F_e, target = draw(int_matrices(d_o, draw(st.integers(1, d_o)))), draw(st.sampled_from(("eps", "b")))
    elif kind == "general":
        F_e = draw(int_matrices(d_o, d_o))
    chi, Pi = 0.0, None
    if policy and draw(st.booleans()):
        chi = draw(st.sampled_from((0.5, 1.0)))
        Pi = draw(int_matrices(d_a, d_o, -1, 1))
    exo = {}
    if exogenous and draw(st.booleans()):
        d_x = draw(st.integers(1, max(1, d_o - 1)))
        G_x = draw(int_matrices(d_o, d_x, -1, 1))
        exo = {"G_x": G_x, "Gamma": draw(int_matrices(d_x, d_x, -1, 1)) / 2, "F_xi": draw(int_matrices(d_x, d_x))}
    lam_cfg = draw((lam or (lambda d: lam_configs(d)))(d_o))
    return LinearProcess(X=X, lam=lam_cfg, F_o=F_o, F_a=F_a, F_e=F_e, noise_target=target, chi=chi, Pi=Pi, **exo)


class MissingEvaluator(LookupError):
    """A claim's assumption has no evaluator for the process type being drawn: its domain is unknown."""


def within(assumptions: Iterable[Assumption], strategy: st.SearchStrategy) -> st.SearchStrategy:
    """Draws of ``strategy`` on which every assumption holds (the claim's stated domain). Works for
    strategies of processes and of (process, extra...) tuples (the first item is evaluated). Every
    assumption must have an evaluator for the drawn type: a missing one raises `MissingEvaluator`
    instead of silently letting every draw through."""
    assumptions = tuple(assumptions)
    checked: set[type] = set()

    def ok(x) -> bool:
        proc = x[0] if isinstance(x, tuple) else x
        if type(proc) not in checked:
            missing = [a.name for a in assumptions if not has_evaluator(a.name, type(proc))]
            if missing:
                raise MissingEvaluator(f"no evaluator for {missing} on {type(proc).__name__}")
            checked.add(type(proc))
        return in_domain(assumptions, proc)

    return strategy.filter(ok)
