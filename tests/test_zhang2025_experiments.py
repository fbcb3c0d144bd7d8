"""Zhang et al. 2025 simulation claims ZP-E1..ZP-E6: closed-form population LLO and trained checks."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from numerics import linear_lam as ll
from numerics.zhang2025 import experiments as ne
from theory.checks import CheckContext

CTX = CheckContext(scale="ci", seed=0)


def _clean(rng: np.random.Generator, d_o: int, d_a: int) -> ne.Process:
    return ne.Process(ne.orthonormal(rng, d_o, d_a), np.eye(d_a), np.zeros((d_o, 1)))


# --- direct property tests --------------------------------------------------------------------------

@pytest.mark.theorem("ZP-E1")
@given(d_o=st.integers(3, 12), d_a=st.integers(1, 4), d_z=st.integers(1, 6), seed=st.integers(0, 10_000))
@settings(max_examples=30)
def test_e1_llo_formula_and_pseudo_invariance(d_o: int, d_a: int, d_z: int, seed: int) -> None:
    d_a, d_z = min(d_a, d_o - 1), min(d_z, d_o - 1)
    rng = np.random.default_rng(seed)
    p = _clean(rng, d_o, d_a)
    opt = ne.canonical_optimum(p, d_z)
    llo = ne.population_llo(opt, p).value
    assert llo == pytest.approx(2.0 if d_z >= d_a else 1 + d_z / d_a, abs=1e-8)
    sh = ne.shifted_optimum(opt, rng.normal(size=(d_z, d_o)))
    # same loss, same pseudo-latent LLO; the true z can only lose (o-content mixes into it)
    assert ll.lam_loss(**sh, m=p.moments()) == pytest.approx(ll.lam_loss(**opt, m=p.moments()), abs=1e-8)
    assert ne.population_llo(sh, p, action_from="pseudo", rest_from="pseudo").value == pytest.approx(llo, abs=1e-8)
    assert ne.population_llo(sh, p).value <= llo + 1e-8


@pytest.mark.theorem("ZP-E5")
@given(d_o=st.integers(3, 8), d_z=st.integers(1, 4), kappa=st.floats(0.01, 1.0), sigma=st.floats(0.0, 1.0),
       seed=st.integers(0, 10_000))
@settings(max_examples=25)
def test_e5_augmented_loss_penalises_shifts(d_o: int, d_z: int, kappa: float, sigma: float, seed: int) -> None:
    d_z = min(d_z, d_o - 1)
    rng = np.random.default_rng(seed)
    p = ne.iid_process(rng, d_o, min(2, d_o), sigma)
    opt = ne.canonical_optimum(p, d_z)
    G = rng.normal(size=(d_z, d_o))
    sh = ne.shifted_optimum(opt, G)
    assert ne.augmented_loss(opt, p, kappa) == pytest.approx(ll.eigen_tail(p.sigma_cond(), d_z), rel=1e-9, abs=1e-9)
    excess = ne.augmented_loss(sh, p, kappa) - ne.augmented_loss(opt, p, kappa)
    assert excess == pytest.approx(2 * kappa**2 * np.sum((opt["B"] @ G) ** 2), rel=1e-8, abs=1e-10)


@pytest.mark.theorem("ZP-E6")
def test_e6_effective_weight_and_zero_weight_is_pca() -> None:
    assert ne.effective_weight(1.0, 0.01, 128) == pytest.approx(1 - 0.99**128)
    assert ne.effective_weight(1.0, 0.01, 128, "all") == pytest.approx(0.01)
    assert ne.effective_weight(1.0, 0.0, 128) == 0.0
    rng = np.random.default_rng(3)
    X, Y0 = ne.orthonormal(rng, 12, 3), ne.orthonormal(rng, 12, 3)
    p = ne.exo_process(X, Y0, 0.5)
    for dz in (2, 3, 5):
        a = ne.population_llo(ne.action_head_optimum(p, dz, 0.0), p).value
        b = ne.population_llo(ne.canonical_optimum(p, dz), p).value
        assert a == pytest.approx(b, abs=1e-8)


@pytest.mark.theorem("ZP-E6")
def test_e6_large_weight_rescues_in_closed_form() -> None:
    rng = np.random.default_rng(4)
    X, Y0 = ne.orthonormal(rng, 32, 4), ne.orthonormal(rng, 32, 4)
    p = ne.exo_process(X, Y0, 2.0)
    assert ne.population_llo(ne.action_head_optimum(p, 4, 0.72), p).value < 1.0
    assert ne.population_llo(ne.action_head_optimum(p, 4, 20.0), p).value > 1.8


@pytest.mark.theorem("ZP-E4")
@given(chi=st.floats(0.0, 0.95), seed=st.integers(0, 10_000))
@settings(max_examples=20)
def test_e4_pseudo_latent_is_q_at_every_optimum(chi: float, seed: int) -> None:
    rng = np.random.default_rng(seed)
    X, Pi = ne.orthonormal(rng, 6, 2), ne.orthonormal(rng, 6, 2).T
    p = ne.policy_process(X, Pi, chi)
    opt = ne.shifted_optimum(ne.canonical_optimum(p, 2), rng.normal(size=(2, 6)))
    _, T_p = ne.latent_maps(opt, p.random_actions().source())
    s = p.random_actions().source()
    assert np.allclose(T_p, X @ s.T("a"), atol=1e-8)


# --- the registered checks ---------------------------------------------------------------------------

@pytest.mark.theorem("ZP-E1")
def test_e1_numeric_check() -> None:
    r = ne.zp_e1_numeric(CTX)
    assert r.status == "confirms"
    assert r.measured["A_I_unused_rows_llo"] == pytest.approx(2 - 8 / 32, abs=1e-8)
    assert r.measured["z_llo_min_shifted"] < 1.9


@pytest.mark.theorem("ZP-E2")
def test_e2_numeric_check() -> None:
    r = ne.zp_e2_numeric(CTX)
    assert r.status == "confirms"
    assert abs(r.measured["gap_paper"]["8,1.5"]) < 1e-8
    # probes read on noisy data: sigma^2/(1+sigma^2) + (1 - NMSE(eps|z)) = 0.2 + 8*0.25/(1.25*32)
    assert r.measured["gap_noisy_probes"]["8,0.5"] == pytest.approx(0.2 + 8 * 0.25 / (1.25 * 32), abs=1e-8)


@pytest.mark.theorem("ZP-E3")
def test_e3_numeric_check() -> None:
    r = ne.zp_e3_numeric(CTX)
    assert r.status == "confirms"
    assert all(row["argmax_0.5"] == row["d_a"] for row in r.measured["rows"])
    assert max(row["max_2.0"] for row in r.measured["rows"]) <= 1 + 1e-8


@pytest.mark.theorem("ZP-E4")
def test_e4_numeric_check_refutes() -> None:
    r = ne.zp_e4_numeric(CTX)
    assert r.status == "refutes"
    assert r.counterexample["d_z"] == 1 and r.counterexample["chi"] == [0.0, 0.5]
    assert max(r.counterexample["nmse_a"]) < 1e-8


@pytest.mark.theorem("ZP-E5")
def test_e5_numeric_check() -> None:
    r = ne.zp_e5_numeric(CTX)
    assert r.status == "confirms"
    ideal = {row["sigma"]: row["ideal_llo"] for row in r.measured["rows"] if row["d_z"] == 8}
    assert ideal[0.5] == pytest.approx(2 - 0.25 / 1.25, abs=1e-8)


@pytest.mark.theorem("ZP-E6")
def test_e6_numeric_check_refutes() -> None:
    r = ne.zp_e6_numeric(CTX)
    assert r.status == "refutes"
    assert r.counterexample["w_eff"] == pytest.approx(0.7237, abs=1e-4)
    assert r.counterexample["best_llo"] <= 1 + 1e-8
    assert r.counterexample["w_needed"] >= 2.0


# --- trained checks (slow on a shared 2-core CPU) ---------------------------------------------------------

@pytest.mark.slow
@pytest.mark.theorem("ZP-E1")
def test_e1_to_e6_trained_checks() -> None:
    from gpu_checks.zhang2025 import experiments as ge

    expected = {"ZP-E1": "confirms", "ZP-E2": "confirms", "ZP-E3": "confirms", "ZP-E4": "confirms",
                "ZP-E5": "confirms", "ZP-E6": "refutes"}
    fns = {"ZP-E1": ge.zp_e1_trained, "ZP-E2": ge.zp_e2_trained, "ZP-E3": ge.zp_e3_trained,
           "ZP-E4": ge.zp_e4_trained, "ZP-E5": ge.zp_e5_trained, "ZP-E6": ge.zp_e6_trained}
    got = {cid: fn(CTX).status for cid, fn in fns.items()}
    assert got == expected


@pytest.mark.theorem("ZP-E4")
def test_e4_repair_flat_above_d_a_and_rising_below():
    from numerics.zhang2025.experiments import zp_e4_repair_numeric

    res = zp_e4_repair_numeric(CheckContext(scale="ci", seed=0))
    assert res.status == "confirms", res.detail
    below = [r["nmse_a"] for r in res.measured["rows"] if r["d_z"] == 4]
    assert below[0] == pytest.approx(0.5, abs=1e-6)  # d_z = 4 of d_a = 8 isotropic action directions at chi = 0


@pytest.mark.theorem("ZP-E6")
def test_e6_repair_threshold_at_sigma_squared_minus_one():
    from numerics.zhang2025.experiments import zp_e6_repair_numeric

    res = zp_e6_repair_numeric(CheckContext(scale="ci", seed=0))
    assert res.status == "confirms", res.detail
    by_w = {r["w_eff"]: r["best_llo"] for r in res.measured["rows"] if r["draw"] == 0}
    assert by_w[2.9] == pytest.approx(1.0, abs=1e-6) and by_w[3.1] == pytest.approx(2.0, abs=1e-6)
