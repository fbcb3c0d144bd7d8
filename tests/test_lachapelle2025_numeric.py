"""Lachapelle 2025 (ALL STATEMENTS THIS PROJECT'S RECONSTRUCTION): metrics, the continuous test bed, the per-sample
problem (sympy vs finite differences, cvxpy vs hand values), LA-L3 paths, LA-S2 statistics.

Metrics are tested on an oracle, an anti-oracle and degenerate codes before they judge anything; symbolic results
are cross-checked numerically; tolerances are derived next to each assertion.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from numerics.lachapelle2025 import gibbs, metrics, paths, statistics, testbed
from numerics.lachapelle2025.testbed import ContinuousTestBed
from theory.lachapelle2025 import derivations

M, K = 4, 6


# --- metrics: oracle, anti-oracle, degenerate -------------------------------------------------------------------
@pytest.fixture(scope="module")
def actions():
    return np.random.default_rng(0).integers(0, M, size=4000)


def test_metrics_oracle(actions):
    s = metrics.summary(actions, actions, M, K, np.eye(K)[actions])
    assert s["purity_min"] == 1 and s["modal_codes"] == M and s["lookup_accuracy"] == 1
    assert s["hungarian_accuracy"] == 1 and s["nmi"] == pytest.approx(1, abs=1e-12)
    assert s["H_A_given_code"] == pytest.approx(0, abs=1e-12) and s["entropy_mean"] == 0 and s["entropy_max"] == 0


def test_metrics_anti_oracle(actions):
    c = np.zeros_like(actions)
    freq = np.bincount(actions, minlength=M) / len(actions)
    s = metrics.summary(actions, c, M, K)
    assert s["purity_min"] == 1 and s["modal_codes"] == 1  # purity alone cannot see a constant code
    assert s["nmi"] == 0 and s["hungarian_accuracy"] == pytest.approx(freq.max())
    assert s["H_A_given_code"] == pytest.approx(-(freq * np.log(freq)).sum(), rel=1e-12)


def test_metrics_degenerate_duplicated_codes(actions):
    # action a -> code a or a + M alternately (a state-dependent but informative code): purity 1/2 per action,
    # H(A|code) = 0 (the code still determines the action), Hungarian 1/2, one label per action sees 4 of 8 codes.
    c = actions + M * (np.arange(len(actions)) % 2)
    s = metrics.summary(actions, c, M, 2 * M)
    assert s["purity_min"] == pytest.approx(0.5, abs=0.03)  # binomial: 1000 per action, 3 s.e. ~ 0.05
    # Hungarian takes the larger half of each action: 1/2 + E|X - n/2|/n with X ~ Bin(n, 1/2), n ~ 1000 per action,
    # i.e. 1/2 + sqrt(1/(2 pi n)) ~ 0.5126 on average; [0.5, 0.54] leaves room for the sampling spread.
    assert s["H_A_given_code"] == pytest.approx(0, abs=1e-12) and 0.5 <= s["hungarian_accuracy"] <= 0.54
    assert 0.4 < s["lookup_accuracy"] < 0.75


def test_metrics_random_code_is_uninformative(actions):
    c = np.random.default_rng(1).integers(0, K, size=len(actions))
    s = metrics.summary(actions, c, M, K)
    # NMI of independent variables: bias ~ (M-1)(K-1) / (2 n H) ~ 3e-3 at n = 4000
    assert s["nmi"] < 0.01 and s["purity_min"] < 0.25


def test_switches_and_idm_entropy():
    assert metrics.switches(np.array([[0, 1], [0, 1], [2, 1], [2, 0]])) == 2
    mean, mx = metrics.idm_entropy(np.array([[1.0, 0.0], [0.5, 0.5]]))
    assert mean == pytest.approx(math.log(2) / 2) and mx == pytest.approx(math.log(2))


# --- the continuous test bed --------------------------------------------------------------------------------------
def test_testbed_dynamics_and_policy():
    bed = ContinuousTestBed()
    s = bed.grid(16)
    for a in range(4):
        d = bed.displacement(s, np.full(len(s), a))
        assert np.allclose(np.linalg.norm(d, axis=1), 0.15)
    assert bed.min_next_state_gap() == pytest.approx(0.15 * math.sqrt(2))  # 90 degrees apart
    p = bed.policy(s)
    assert np.allclose(p.sum(1), 1) and p.min() > 0.006 and set(p.argmax(1).tolist()) == {0, 1, 2, 3}
    dis = ContinuousTestBed(domain="disconnected")
    assert np.all(np.abs(dis.sample_states(1000, np.random.default_rng(0))[:, 0]) >= 0.2)


def test_testbed_values_of_explicit_idms():
    bed = ContinuousTestBed(codes=5, lam=0.1)
    ident = testbed.value(bed, testbed.identified_idm(bed), 24)
    assert ident["rec"] < 1e-25 and ident["entropy"] == 0
    split = testbed.value(bed, testbed.split_idm(bed), 24)
    p0 = bed.policy(bed.grid(24))[:, 0].mean()
    assert split["rec"] < 1e-25 and split["value"] == pytest.approx(0.1 * p0 * math.log(2), rel=1e-12)


def test_merged_loss_closed_form_matches_monte_carlo():
    bed = ContinuousTestBed()
    closed = testbed.merged_loss_closed_form(bed, per_axis=200)
    rng = np.random.default_rng(0)
    s, a, sp = bed.sample(200_000, rng)
    pi = bed.policy(s)
    g0, g1 = bed.g(s, np.zeros(len(s), int)), bed.g(s, np.ones(len(s), int))
    mean = (pi[:, :1] * g0 + pi[:, 1:2] * g1) / (pi[:, :1] + pi[:, 1:2])
    err = np.where(np.isin(a, [0, 1]), ((sp - mean) ** 2).sum(1), 0.0)
    se = err.std() / math.sqrt(len(err))
    assert abs(err.mean() - closed) <= 5 * se + 1e-4 * closed  # 5 s.e. Monte Carlo + midpoint-rule error


def test_state_free_bayes_accuracy_matches_an_empirical_angle_classifier():
    bed = ContinuousTestBed(latent="continuous")
    bayes = testbed.state_free_bayes_accuracy(bed, bins=180, per_axis=300)
    rng = np.random.default_rng(0)
    s, a, _ = bed.sample(400_000, rng)
    z = testbed.delta_s_code(bed, s, a)
    phi = np.mod(np.arctan2(z[:, 1], z[:, 0]), 2 * np.pi)
    b = np.minimum((phi / (2 * np.pi) * 180).astype(int), 179)
    half = len(a) // 2
    table = np.zeros((180, 4))
    np.add.at(table, (b[:half], a[:half]), 1)
    acc = (table.argmax(1)[b[half:]] == a[half:]).mean()
    assert abs(acc - bayes) < 0.01  # 200k test points: s.e. ~1e-3; 180 bins fitted on 200k points: bias < 5e-3
    assert bayes < 0.5


def test_vq_switch_is_continuous_in_the_encoder_and_switches_codes():
    bed = ContinuousTestBed(codes=5, latent="vq")
    s = np.stack([np.linspace(-1, 1, 2001), np.zeros(2001)], 1)
    x, code = testbed.vq_switch_labelling(bed, s, np.zeros(len(s), int))
    assert np.abs(np.diff(x, axis=0)).max() <= (2 / 2000) / 0.2 + 1e-12  # Lipschitz 1/width in s_1
    assert set(code.tolist()) == {0, 4} and (np.diff(code) != 0).sum() == 1


# --- the per-sample problem: sympy vs numbers -------------------------------------------------------------------
def test_l1_second_derivative_by_finite_differences():
    l1, l2, lam = 2.0, 5.0, 1 / 3
    f = lambda q: q * l1 + (1 - q) * l2 + lam * (-q * math.log(q) - (1 - q) * math.log(1 - q))  # noqa: E731
    for q in (0.1, 0.3, 0.7):
        h = 1e-4
        fd = (f(q + h) - 2 * f(q) + f(q - h)) / h**2
        assert fd == pytest.approx(-lam / (q * (1 - q)), rel=1e-6)  # central difference error O(h^2 f'''') ~ 1e-7


@pytest.mark.theorem("LA-L1")
def test_l1_no_dirichlet_sample_beats_the_minimum_and_ties_are_all_minimisers():
    rng = np.random.default_rng(3)
    l = np.array([1.0, 1.0, 3.0])
    q = rng.dirichlet(np.ones(3), size=20_000)
    v = gibbs.penalised_value(q, l, 0.2)
    assert v.min() > 1.0
    assert gibbs.penalised_value(np.eye(3)[[0, 1]], l, 0.2).tolist() == [1.0, 1.0]
    assert gibbs.penalised_value(np.array([[0.5, 0.5, 0.0]]), l, 0.2)[0] == pytest.approx(1 + 0.2 * math.log(2))


@pytest.mark.theorem("LA-X1")
def test_x1_cvxpy_gives_the_hand_computed_gibbs_distribution():
    # l = (0, log 2, log 4), tau = 1: q proportional to (1, 1/2, 1/4) = (4/7, 2/7, 1/7); value -log(7/4).
    # Both routes: the conic program given to Clarabel directly (the check's) and the same problem through cvxpy.
    for solver in ("clarabel", "cvxpy"):
        c = gibbs.certified_gibbs(np.array([0.0, math.log(2), math.log(4)]), 1.0, solver=solver)
        assert c.certified
        assert np.allclose(c.q, [4 / 7, 2 / 7, 1 / 7], atol=1e-6)
        assert c.primal_value == pytest.approx(-math.log(7 / 4), abs=1e-9)
        # the multiplier of sum q = 1: stationarity l_i + tau (log q_i + 1) + nu = 0 at q_1 = 4/7, l_1 = 0
        assert c.nu == pytest.approx(-(math.log(4 / 7) + 1), abs=1e-6)
    assert gibbs.bonus_value(np.array([0.0, math.log(2), math.log(4)]), 1.0) == pytest.approx(-math.log(7 / 4), abs=1e-15)


def test_x1_direct_conic_program_is_cvxpys():
    # the hand-built Clarabel program and cvxpy's canonicalisation of l @ q - tau sum(entr(q)) agree (solution and
    # multipliers) on random instances with ties and zeros; 1e-9 is far above the 1e-13 solve tolerance and far
    # below the check's 1e-6 comparison level
    rng = np.random.default_rng(5)
    cases = [(rng.normal(size=int(rng.integers(2, 9))) * 3, float(rng.uniform(0.1, 5))) for _ in range(8)]
    cases += [(np.array([1.0, 1.0, 2.0]), 0.5), (np.zeros(4), 1.0)]
    for l, tau in cases:
        a, b = gibbs.certified_gibbs(l, tau, solver="clarabel"), gibbs.certified_gibbs(l, tau, solver="cvxpy")
        assert a.certified and b.certified
        assert np.abs(a.q - b.q).max() <= 1e-9 and abs(a.nu - b.nu) <= 1e-9 * max(1.0, abs(b.nu))
        assert np.abs(a.mu - b.mu).max() <= 1e-9


def test_x1_dual_function_is_a_lower_bound_everywhere():
    l, tau = np.array([0.3, -1.0, 2.0]), 0.7
    best = gibbs.bonus_value(l, tau)
    for nu in np.linspace(-3, 3, 13):
        assert gibbs.dual_function(l, tau, nu, np.zeros(3)) <= best + 1e-12


@pytest.mark.theorem("LA-D1")
def test_d1_explicit_instance_by_hand():
    # y = (0,0), (1,0) with weights 1/2, 1/4 on code 1: mean (1/3, 0), variance 1/2 (1/9) + 1/4 (4/9) = 1/6;
    # y = (5,5) alone on code 2: 0. The sympy derivation must state the same value.
    facts = derivations.derive_d1()
    assert all(facts.values())
    w = np.array([0.5, 0.25])
    y = np.array([[0.0, 0.0], [1.0, 0.0]])
    mean = (w[:, None] * y).sum(0) / w.sum()
    assert (w * ((y - mean) ** 2).sum(1)).sum() == pytest.approx(1 / 6, abs=1e-15)


@pytest.mark.theorem("LA-L3")
def test_l3_crossing_is_a_top_two_tie():
    rng = np.random.default_rng(5)
    for _ in range(30):
        phi = paths.softmax_path(rng, 3, sharpness=30.0)
        rep = paths.switch_report(phi, n=200)
        if rep["switches"]:
            assert rep["max_top_prob_at_crossings"] <= 0.5 + 1e-9
            assert rep["min_entropy_at_crossings"] >= math.log(2) - 1e-9


@pytest.mark.theorem("LA-U3")
def test_u3_delta_s_codes_collide_across_actions():
    bed = ContinuousTestBed(latent="continuous")
    s = np.array([[0.25, 0.3], [-0.25, 0.3]])
    z = testbed.delta_s_code(bed, s, np.array([0, 1]))
    assert np.allclose(z[0], z[1], atol=1e-15)  # the sympy identity z(s + (1/2, 0), a) = z(s, a + 1)


# --- LA-S2 --------------------------------------------------------------------------------------------------------
@pytest.mark.theorem("LA-S2")
def test_s2_coupon_exact_matches_enumeration_and_bounds():
    p = np.array([0.4, 0.35, 0.25])
    for n in range(1, 7):
        brute = sum(np.prod(p[list(seq)]) for seq in itertools.product(range(3), repeat=n) if len(set(seq)) < 3)
        assert statistics.coupon_exact(p, n) == pytest.approx(brute, abs=1e-14)
        union, crude = statistics.coupon_bounds(p, n)
        assert brute <= union + 1e-15 and union <= crude + 1e-15
    mc = statistics.coupon_monte_carlo(p, 8, 100_000, np.random.default_rng(0))
    exact = statistics.coupon_exact(p, 8)
    assert abs(mc - exact) <= 5 * math.sqrt(exact * (1 - exact) / 100_000)


def test_s2_lookup_decoder_is_exact_iff_every_action_is_labelled():
    bed = ContinuousTestBed()
    rng = np.random.default_rng(0)
    cur = statistics.decoder_curves(bed, [2, 8, 64], trials=10, rng=rng, n_test=500)
    assert np.all(cur["lookup"][cur["all_seen"] == 1] == 1.0)
    assert np.all(cur["lookup"][cur["all_seen"] == 0] < 1.0)
    assert cur["state_dependent"][-1].mean() < 0.95  # the swapped half confuses actions 0 and 1
    assert cur["bc"][-1].mean() < statistics.bayes_bc_accuracy(bed) + 0.05
