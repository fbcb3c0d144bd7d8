"""The set of global minimisers (numerics.optima): hand-derived ranges, sampled members, and the global
minimum against independent numeric optimisation (torch L-BFGS on the population objective)."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given, settings

from numerics import linear_lam as ll
from numerics.domains import linear_processes
from numerics.optima import NotClosedForm, minimiser_set
from numerics.processes import LAMConfig, LinearProcess, zhang_process


def objective(p: LinearProcess, prm: dict) -> float:
    """The population objective written out independently of numerics.optima: reconstruction from the
    raw moments, the action loss from the source maps, and Zhang's augmentation penalties
    kappa^2 (||A - I||^2 + ||B(C+D)||^2 + w ||E(C+D)||^2) (kappa_1, kappa_2 independent N(0, kappa^2 I))."""
    L = ll.lam_loss(prm["A"], prm["B"], prm["C"], prm["D"], p.moments())
    w = p.lam.effective_action_weight(p.d_o, p.d_a)
    if w > 0:
        src = p.source
        R = src.T("a") - prm["E"] @ (prm["C"] @ src.T("o") + prm["D"] @ src.T("o_next"))
        L += w * float(np.sum(R * R))
    k2 = p.lam.kappa ** 2
    if k2:
        G = prm["C"] + prm["D"]
        L += k2 * (np.sum((prm["A"] - np.eye(p.d_o)) ** 2) + np.sum((prm["B"] @ G) ** 2) + (w * np.sum((prm["E"] @ G) ** 2) if w else 0))
    return float(L)


# --- hand-derived ranges --------------------------------------------------------------------------------

def tied_process(**lam) -> LinearProcess:
    """d_o = 3, X = [e1, e2], Sigma_a = diag(1, 1/2), noise e2 n with variance 1/2: Sigma_r = diag(1, 1, 0), a tie
    between e1 (action 1) and e2 (action 1/2 + noise 1/2)."""
    X = np.eye(3)[:, :2]
    F_e = np.sqrt(0.5) * np.eye(3)[:, [1]]
    return LinearProcess(X=X, lam=LAMConfig(d_z=1, **lam), F_a=np.diag([1.0, np.sqrt(0.5)]), F_e=F_e)


def test_tied_core_ranges_by_hand():
    """z = cos t r1 + sin t r2 (unit variance) for any t: Cov(a1, z) = cos t, Cov(a2, z) = sin t / 2, so the
    explained action variance is cos^2 t + sin^2 t / 4 in [1/4, 1] of tr Sigma_a = 3/2: NMSE(a | z, o) in
    [1/3, 5/6]. Cov(eps, z) = sin t / 2 against Var eps = 1/2: NMSE(eps | z, o) in [1/2, 1]."""
    ms = minimiser_set(tied_process())
    assert ms.tied and ms.k == 1 and ms.n_tie == 2 and ms.value == pytest.approx(1.0)
    a = ms.given_zo("a")
    assert (a.lo, a.hi) == (pytest.approx(1 / 3), pytest.approx(5 / 6)) and a.exact
    n = ms.given_zo("noise")
    assert (n.lo, n.hi) == (pytest.approx(0.5), pytest.approx(1.0))
    # the plain LAM also mixes o into z: NMSE(a | z) from the best core (1/3) up to 1 (a supremum)
    az = ms.given_z("a")
    assert az.lo == pytest.approx(1 / 3) and az.hi == pytest.approx(1.0) and not az.hi_attained
    # sampled tie choices stay inside and reach both ends of [1/3, 5/6] (a circle: t on a fine grid)
    src = ms.process.source
    vals = [src.nmse("a", [ms.latent_map(ms.member(W=np.array([[np.cos(t)], [np.sin(t)]]))), "o"])
            for t in np.linspace(0, np.pi, 721)]
    assert min(vals) == pytest.approx(1 / 3, abs=1e-5) and max(vals) == pytest.approx(5 / 6, abs=1e-5)


def test_mixing_ranges_by_hand():
    """d_o = 2, X = e1, Sigma_a = 1, no noise, d_z = 1, learned A: every minimiser has z ~ a + h^T o, h free.
    With s = |h|^2 / (1 + |h|^2) in [0, 1): NMSE(a | z) = s, NMSE(o | z) = 1 - s/2, LLO = 2 - 3s/2 in (1/2, 2]."""
    p = LinearProcess(X=np.eye(2)[:, [0]], lam=LAMConfig(d_z=1))
    ms = minimiser_set(p)
    assert ms.mixing == "all" and ms.value == pytest.approx(0.0, abs=1e-12)
    a, o, llo = ms.given_z("a"), ms.given_z("o"), ms.llo_range()
    assert (a.lo, a.hi, a.hi_attained) == (pytest.approx(0.0), pytest.approx(1.0), False)
    assert (o.lo, o.hi, o.lo_attained) == (pytest.approx(0.5), pytest.approx(1.0), False)
    assert (llo.lo, llo.hi, llo.lo_attained, llo.hi_attained) == (pytest.approx(0.5), pytest.approx(2.0), False, True)
    for h in (0.0, 0.5, 3.0):  # members: the closed form above at s = h^2 / (1 + h^2)
        prm = ms.member(H=np.array([[h, 0.0]]))
        s = h * h / (1 + h * h)
        T_z = ms.latent_map(prm)
        assert p.source.nmse("a", [T_z]) == pytest.approx(s) and ms.llo(T_z) == pytest.approx(2 - 1.5 * s)
        assert objective(p, prm) == pytest.approx(0.0, abs=1e-12)


def test_augmentation_spare_direction_carries_o_by_hand():
    """Zhang Prop. 4.3's counterexample (d_o = 3, d_a = 1, d_z = 2, eps = 0, X = e1, kappa > 0): the core is
    a; the second latent coordinate is spare (B's column 0) and may read any statistic of o: NMSE(o | z) in
    [2/3, 1], both attained (z_2 = e2^T o explains one of three unit directions)."""
    ms = minimiser_set(LinearProcess(X=np.eye(3)[:, [0]], lam=LAMConfig(d_z=2, kappa=0.5)))
    assert ms.mixing == "none" and ms.spare == 1
    o = ms.given_z("o")
    assert (o.lo, o.hi, o.lo_attained, o.hi_attained) == (pytest.approx(2 / 3), pytest.approx(1.0), True, True)
    prm = ms.member(spare=np.r_[0.0, 1.0, 0.0, 0.0, 0.0, 0.0])
    assert ms.process.source.nmse("o", [ms.latent_map(prm)]) == pytest.approx(2 / 3)
    assert objective(ms.process, prm) == pytest.approx(ms.value, abs=1e-12)


def test_not_closed_form_is_a_clear_error():
    p = zhang_process(np.random.default_rng(0), d_o=6, d_a=2, d_z=2, chi=0.5, kappa=0.1)
    with pytest.raises(NotClosedForm, match="augmentation"):
        minimiser_set(p)


# --- sampled members of the whole domain --------------------------------------------------------------

@settings(max_examples=120)
@given(linear_processes(max_d_o=4))
def test_every_member_is_optimal_and_inside_every_range(p):
    """Members drawn over the set (random tie choice, mixing of any size, spare rows) attain the global
    value and lie inside each reported range (tolerance 1e-6: closed-form probes in float64)."""
    try:
        ms = minimiser_set(p)
    except NotClosedForm:
        return
    quantities, llo = ms.quantities(), ms.llo_range()
    rng = np.random.default_rng(0)
    givens = {"action_given_z": ("a", False), "action_given_z_o": ("a", True), "noise_given_z": ("noise", False),
              "observation_given_z": ("o", False), "exo_innovation_given_z_o": ("xi", True), "exo_state_given_z": ("x", False)}
    for _ in range(4):
        W = np.linalg.qr(rng.standard_normal((ms.n_tie, ms.j)))[0] if ms.tied else None
        m = ms.mix_basis(ms.core_map(W)).shape[1]
        H = rng.standard_normal((m, p.d_o)) * rng.choice([0.3, 3.0, 30.0]) if m else None
        spare = rng.standard_normal((ms.spare, 2 * p.d_o)) if ms.spare else None
        prm = ms.member(W, H, spare)
        assert objective(p, prm) == pytest.approx(ms.value, rel=1e-7, abs=1e-7)
        T_z = ms.latent_map(prm)
        for key, (y, with_o) in givens.items():
            r = quantities[key]
            if r is not None:
                v = p.source.nmse(y, [T_z, "o"] if with_o else [T_z])
                assert r.lo - 1e-6 <= v <= r.hi + 1e-6, (key, v, r)
        if llo is not None:
            assert llo.lo - 1e-6 <= ms.llo(T_z) <= llo.hi + 1e-6


# --- the global minimum against numeric optimisation ----------------------------------------------------

def numeric_minimum(p: LinearProcess, starts: int = 3) -> float:
    """min over (A, B, C, D, E) of `objective` by torch L-BFGS from random starts (float64)."""
    m, src = p.moments(), p.source
    t = lambda x: torch.tensor(x, dtype=torch.float64)  # noqa: E731
    S_oo, S_no, S_nn = t(m.S_oo), t(m.S_no), t(m.S_nn)
    Ta, To, Tn = t(src.T("a")), t(src.T("o")), t(src.T("o_next"))
    d, dz, da = p.d_o, p.d_z, p.d_a
    w, k2 = p.lam.effective_action_weight(d, da), p.lam.kappa ** 2
    best = np.inf
    for s in range(starts):
        g = torch.Generator().manual_seed(s)
        P = [(0.3 * torch.randn(*sh, generator=g, dtype=torch.float64)).requires_grad_() for sh in ((d, d), (d, dz), (dz, d), (dz, d), (da, dz))]
        opt = torch.optim.LBFGS(P, max_iter=2000, tolerance_grad=1e-12, tolerance_change=1e-15, history_size=50,
                                line_search_fn="strong_wolfe")

        def f():
            A, B, C, D, E = P
            A = A if p.lam.learn_A else torch.eye(d, dtype=torch.float64)
            C = -D if p.lam.tie_CD else C
            F, G = A + B @ C, torch.eye(d, dtype=torch.float64) - B @ D
            L = torch.trace(G @ S_nn @ G.T) - 2 * torch.trace(G @ S_no @ F.T) + torch.trace(F @ S_oo @ F.T)
            if w:
                R = Ta - E @ (C @ To + D @ Tn)
                L = L + w * (R * R).sum()
            if k2:
                L = L + k2 * (((A - torch.eye(d, dtype=torch.float64)) ** 2).sum() + ((B @ (C + D)) ** 2).sum()
                              + (w * ((E @ (C + D)) ** 2).sum() if w else 0))
            return L

        def closure():
            opt.zero_grad()
            L = f()
            L.backward()
            return L

        for _ in range(3):
            opt.step(closure)
        best = min(best, float(f().detach()))
    return best


CASES = [dict(noise="iid", sigma=0.5), dict(noise="exo", sigma=2.0, d_b=2), dict(noise="exo", sigma=0.5, d_b=2, action_weight=5.0),
         dict(noise="iid", sigma=0.3, kappa=0.3), dict(noise="exo", sigma=2.0, d_b=2, kappa=0.3, action_weight=4.0),
         dict(noise="iid", sigma=0.4, learn_A=False), dict(noise="none", chi=0.5), dict(noise="iid", sigma=0.4, tie_CD=True)]


@pytest.mark.parametrize("kw", CASES, ids=lambda kw: ",".join(f"{k}={v}" for k, v in kw.items()))
@pytest.mark.parametrize("d_z", [1, 3])
def test_closed_form_value_is_the_numeric_global_minimum(kw, d_z):
    """L-BFGS from 3 random starts reaches the closed-form value (no start goes below it). Tolerance 1e-6
    relative: L-BFGS with gradient tolerance 1e-12 on a smooth quartic in float64 converges far below it."""
    p = zhang_process(np.random.default_rng(d_z), d_o=5, d_a=2, d_z=d_z, **kw)
    value = minimiser_set(p).value
    num = numeric_minimum(p)
    assert num >= value - 1e-6 * (1 + value)
    assert num == pytest.approx(value, rel=1e-6, abs=1e-6)
