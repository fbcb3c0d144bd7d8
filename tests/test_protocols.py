"""Parity of the authors' protocols (numerics.<paper>.protocol) with the harness's trainer and LAMConfig.

(a) On one fixed batch and fixed parameters, the harness's training loss (`gpu_checks.linear_lam.lam_losses`)
    equals the authors'-form numpy loss of release/7.py after the documented rescaling: d_o x authors ==
    harness in per-sample-sum units with action weight d_o/d_a (and == harness in "mean" units with weight 1),
    for a batch with labels, a batch without, with augmentation (the same kappa draws) and with a head bias.
(b) LAMConfig(loss_normalisation="mean").effective_action_weight(d_o, d_a) equals the protocol's derivation,
    checked against an exact binomial sum in rational arithmetic.
(c) Monte Carlo: P(batch of 128 holds >= 1 label at p = 0.01) = 1 - 0.99^128, and the mask-averaged
    authors' action term = w_eff x mean error (tolerances from the sample standard errors).
"""

from __future__ import annotations

import functools
import math
from fractions import Fraction

import numpy as np
import pytest
import torch

from gpu_checks.linear_lam import Batch, LAMOptions, init_linear_lams, lam_losses
from numerics.lachapelle2025 import protocol as lp
from numerics.lee2026 import protocol as leep
from numerics.processes import LAMConfig
from numerics.zhang2025 import protocol as zp

D_O, D_A, D_Z, N = 128, 8, 8, 128  # the paper's configuration (Fig. 4 right)

#: float32 forward error bound. The harness computes in float32: every entry of z and o_hat' is an inner
#: product of length <= 2 d_o = 256, relative error <= 256 u (u = 2^-24, 1.5e-5, a worst-case bound; blocked
#: sums are far better), squaring doubles it, the reductions over d_o and N add log2(16384) u. The numpy side
#: is float64 on the same float32 inputs. Hence rtol 5e-5 (3e-5 + margin).
RTOL_F32 = 5e-5


@functools.lru_cache(maxsize=None)
def _batch(seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One batch of Fig. 4 right's process (sigma_exo = 2), rounded to float32 (both sides see the same numbers)."""
    proc = zp.fig4_right().process(np.random.default_rng(seed), D_Z, sigma=2.0, label_fraction=0.25)
    s = proc.sample(N, np.random.default_rng(seed + 1))
    return tuple(s[k].astype(np.float32).astype(np.float64) for k in ("o", "a", "o_next"))


def _losses(options: LAMOptions, o, a, o_next, *, bias: np.ndarray | None = None, seed: int = 3):
    """(harness loss, numpy params, kappa1, kappa2, mask) with the draws the trainer makes inside lam_losses.

    lam_losses draws, from its generator and in this order: kappa_1, kappa_2 (only when some kappa != 0),
    then the label flags torch.rand(K, n) < p. A clone of the generator replays those draws for the numpy side.
    """
    model = init_linear_lams(1, D_O, [D_Z], options, torch.Generator().manual_seed(seed), "cpu")
    if bias is not None:
        with torch.no_grad():
            model.e.copy_(torch.as_tensor(bias, dtype=torch.float32)[None])
    t = lambda x: torch.as_tensor(x, dtype=torch.float32)[None]  # noqa: E731
    gen = torch.Generator().manual_seed(seed + 1)
    replay = torch.Generator()
    replay.set_state(gen.get_state())
    with torch.no_grad():
        loss = float(lam_losses(model, Batch(o=t(o), o_next=t(o_next), a=t(a)), gen)[0])
    kappa = float(options.kappa)
    k1 = k2 = None
    if kappa:
        k1 = (kappa * torch.randn(1, N, D_O, generator=replay))[0].double().numpy()
        k2 = (kappa * torch.randn(1, N, D_O, generator=replay))[0].double().numpy()
    mask = (torch.rand(1, N, generator=replay) < float(options.label_fraction))[0].numpy()
    p = model.numpy()
    params = {"A": p["A"][0], "B": p["B"][0], "C": p["C"][0], "D": p["D"][0], "E": p["E"][0]}
    if "e" in p:
        params["e"] = p["e"][0]
    return loss, params, k1, k2, mask


@pytest.mark.theorem("ZP-E6")
@pytest.mark.parametrize("label_fraction,kappa", [(0.25, 0.0), (0.0, 0.0), (0.25, 0.1), (0.0, 0.1)])
def test_harness_loss_equals_authors_loss_times_d_o(label_fraction: float, kappa: float) -> None:
    o, a, o_next = _batch()
    opts = LAMOptions(kappa=kappa, action_weight=zp.harness_action_weight(D_O, D_A), d_a=D_A,
                      label_fraction=label_fraction, label_average="labelled")
    harness, params, k1, k2, mask = _losses(opts, o, a, o_next)
    assert (mask.sum() > 0) == (label_fraction > 0)  # the batch with labels has some, the other none
    rec, act = zp.authors_linear_loss_terms(o, o_next, a, params, mask, k1, k2)
    assert (act > 0) == (label_fraction > 0)
    assert harness == pytest.approx(D_O * (rec + act), rel=RTOL_F32)
    if kappa:  # the augmentation really enters: without the shifts the equality fails by >> the tolerance
        rec_0, act_0 = zp.authors_linear_loss_terms(o, o_next, a, params, mask)
        assert abs(D_O * (rec_0 + act_0) - harness) > 10 * RTOL_F32 * harness
    # the action term is not negligible in the comparison: d_o act is >= 1% of the total when labelled
    if label_fraction:
        assert D_O * act > 0.01 * D_O * (rec + act)


@pytest.mark.theorem("ZP-E6")
@pytest.mark.parametrize("kappa", [0.0, 0.1])
def test_harness_mean_normalisation_with_head_bias_equals_authors_loss(kappa: float) -> None:
    o, a, o_next = _batch()
    bias = np.linspace(-0.5, 0.5, D_A)  # a non-zero head bias, as nn.Linear has one (release/7.py:26)
    opts = LAMOptions(kappa=kappa, action_weight=1.0, d_a=D_A, label_fraction=0.25, label_average="labelled",
                      loss_normalisation="mean", head_bias=True)
    harness, params, k1, k2, mask = _losses(opts, o, a, o_next, bias=bias)
    np.testing.assert_allclose(params["e"], bias, rtol=1e-6)  # float32 storage of the bias
    authors = zp.authors_linear_loss(o, o_next, a, params, mask, k1, k2)
    assert harness == pytest.approx(authors, rel=RTOL_F32)
    # without the bias the authors' loss differs by more than the tolerance: the bias is really tested
    no_bias = zp.authors_linear_loss(o, o_next, a, {k: v for k, v in params.items() if k != "e"}, mask, k1, k2)
    assert abs(no_bias - authors) > 10 * RTOL_F32 * authors


def test_authors_loss_hand_example() -> None:
    """d_o = 2, d_z = 1, d_a = 1, two samples, one labelled; every number by hand.
    A = I, B = [1, 0]^T, C = [0, 0], D = [1, 0], E = [2], e = 0.5; o = (1, 0), (0, 1); o' = (2, 0), (0, 3);
    a = (1), (4). z = D o' = 2, 0; o_hat' = o + B z = (3, 0), (0, 1); rec = ((2-3)^2 + 0 + 0 + (3-1)^2) / 4
    = 5/4. a_hat = 2 z + 0.5 = 4.5, 0.5; with only sample 0 labelled act = (1 - 4.5)^2 = 12.25."""
    o = np.array([[1.0, 0.0], [0.0, 1.0]])
    o_next = np.array([[2.0, 0.0], [0.0, 3.0]])
    a = np.array([[1.0], [4.0]])
    params = {"A": np.eye(2), "B": np.array([[1.0], [0.0]]), "C": np.zeros((1, 2)), "D": np.array([[1.0, 0.0]]),
              "E": np.array([[2.0]]), "e": np.array([0.5])}
    rec, act = zp.authors_linear_loss_terms(o, o_next, a, params, np.array([True, False]))
    assert rec == 1.25 and act == 12.25
    assert zp.authors_linear_loss(o, o_next, a, params, np.array([False, False])) == 1.25  # no label: 0
    # learn_A False (no "A") is A = I: the same numbers here
    assert zp.authors_linear_loss_terms(o, o_next, a, {k: v for k, v in params.items() if k != "A"},
                                        np.array([True, False])) == (1.25, 12.25)
    # CD_zero (no "D", C = -D): z = C (o - o') = (1, 0); o_hat' = (2, 0), (0, 1); rec = (0 + 0 + 0 + 4) / 4 = 1;
    # a_hat_0 = 2 x 1 + 0.5 = 2.5, act = (1 - 2.5)^2 = 2.25
    tied = {"A": np.eye(2), "B": params["B"], "C": -params["D"], "E": params["E"], "e": params["e"]}
    assert zp.authors_linear_loss_terms(o, o_next, a, tied, np.array([True, False])) == (1.0, 2.25)
    # pseudo-latent head E = [1, 1] on o_hat' - o = (2, 0): a_hat_0 = 2.5, act = 2.25
    pseudo = params | {"E": np.array([[1.0, 1.0]])}
    assert zp.authors_linear_loss_terms(o, o_next, a, pseudo, np.array([True, False]), head_input="pseudo_latent") == (1.25, 2.25)


def _p_label_exact(p: Fraction, n: int) -> Fraction:
    """P(Binomial(n, p) >= 1) summed term by term, exactly (independent of the closed form 1 - (1 - p)^n)."""
    return sum((math.comb(n, k) * p ** k * (1 - p) ** (n - k) for k in range(1, n + 1)), Fraction(0))


@pytest.mark.theorem("ZP-E6")
@pytest.mark.parametrize("p", [Fraction(1, 100), Fraction(5, 100), Fraction(1, 10)])
def test_effective_weight_matches_lamconfig_and_exact_binomial(p: Fraction) -> None:
    exact = 16 * float(_p_label_exact(p, 128))  # d_o / d_a = 128 / 8 = 16
    cfg = LAMConfig(d_z=8, action_weight=1.0, loss_normalisation="mean", label_fraction=float(p),
                    label_average="labelled", batch=128)
    # double rounding of a handful of operations on numbers ~16: 1e-12 absolute is >> 100 ulp
    assert cfg.effective_action_weight(128, 8) == pytest.approx(exact, abs=1e-12)
    assert zp.effective_action_weight(128, 8, float(p), 128) == pytest.approx(exact, abs=1e-12)
    assert zp.fig4_right().lam(8, label_fraction=float(p)).effective_action_weight(128, 8) == pytest.approx(exact, abs=1e-12)
    assert zp.fig4_right().effective_action_weight(float(p)) == pytest.approx(exact, abs=1e-12)
    if p == Fraction(1, 100):
        assert exact == pytest.approx(11.5800, abs=5e-5)  # 16 (1 - 0.99^128) = 16 x 0.723748


@pytest.mark.theorem("ZP-E6")
def test_monte_carlo_probability_of_a_labelled_batch() -> None:
    """P(>= 1 of 128 Bernoulli(0.01) flags) by simulation of the code's mask (release/7.py:106). M = 50000
    batches: SE = sqrt(P (1 - P) / M) = 0.0020; tolerance 5 SE (two-sided normal tail 6e-7)."""
    rng = np.random.default_rng(20250514)
    M, hits = 50000, 0
    for _ in range(5):
        hits += int((rng.random((M // 5, 128)) < 0.01).any(axis=1).sum())
    P = 1 - 0.99 ** 128
    se = math.sqrt(P * (1 - P) / M)
    assert abs(hits / M - P) <= 5 * se


@pytest.mark.theorem("ZP-E6")
def test_mask_average_of_authors_action_term_is_effective_weight_times_error() -> None:
    """Averaged over fresh masks on ONE batch, d_o x the authors' action term -> w_eff x mean_i ||a_i - a_hat_i||^2
    (exchangeability: given n >= 1 labels they are a uniform n-subset). M = 3000 masks at p = 2%;
    tolerance 5 sample standard errors."""
    rng = np.random.default_rng(7)
    d_o, d_a, d_z = 16, 2, 2  # the identity is dimension-free; small sizes keep 3000 loss evaluations fast
    o, a = rng.normal(size=(N, d_o)), rng.normal(size=(N, d_a))
    o_next = o + a @ np.linalg.qr(rng.normal(size=(d_o, d_a)))[0].T
    params = {"B": rng.normal(size=(d_o, d_z)), "C": rng.normal(size=(d_z, d_o)) / 4,
              "D": rng.normal(size=(d_z, d_o)) / 4, "E": rng.normal(size=(d_a, d_z))}
    z = o @ params["C"].T + o_next @ params["D"].T
    err = np.sum((a - z @ params["E"].T) ** 2, axis=1)  # per-sample squared error, summed over d_a
    p, M = 0.02, 3000
    x = np.array([d_o * zp.authors_linear_loss_terms(o, o_next, a, params, rng.random(N) < p)[1] for _ in range(M)])
    se = x.std(ddof=1) / math.sqrt(M)
    expected = zp.effective_action_weight(d_o, d_a, p, N) * err.mean()
    assert abs(x.mean() - expected) <= 5 * se
    assert abs(x.mean() - zp.harness_action_weight(d_o, d_a) * err.mean()) > 5 * se  # the factor P(n > 0) < 1 matters


# --- the protocol objects ------------------------------------------------------------------------------------

def test_notebook_llo_assemblies_hand_values() -> None:
    m = lambda kind: zp.Metrics(noise_normalisation="d_b", notebook=kind)  # noqa: E731
    assert zp.notebook_llo(m("clip-2"), 0.0, 1.05, 1.02) == 2.0  # 2.07 clipped
    assert zp.notebook_llo(m("clip-2"), 0.5, 1.0, 0.9) == pytest.approx(1.4)
    assert zp.notebook_llo(m("rescale-clip"), 0.1, 1.0, 0.5, sigma=2.0) == pytest.approx(1.9)  # 0.5 x 4 -> 1
    assert zp.notebook_llo(m("rescale-clip"), 0.1, 1.0, 0.5, sigma=0.5) == pytest.approx(1.025)  # 0.5 x 0.25
    assert zp.notebook_llo(m("offset"), 0.2, 1.0, 1.0, d_z=8) == pytest.approx(1.8)  # offset 0.016 - 0.016 = 0
    assert zp.notebook_llo(m("offset"), 0.2, 1.0, 1.0, d_z=16) == pytest.approx(1.784)
    assert zp.notebook_llo(m("noise-term-1"), 0.2, 0.9, 0.3) == pytest.approx(1.7)


def test_figure_settings_are_the_scripts() -> None:
    e = zp.fig4_right()
    assert (e.d_o, e.d_a, e.d_b, e.kappas, e.training.batch, e.training.updates) == (128, (8,), 8, (0.1,), 128, 40001)
    assert e.label_ratios == (0.0, 0.01, 0.05, 0.10) and e.plot_label_ratios == (0.0, 0.01)
    assert e.d_z == tuple(range(2, 17)) and e.sigmas == (0.5, 1.0, 2.0)
    lam = e.lam(8, label_fraction=0.01)
    assert (lam.loss_normalisation, lam.label_average, lam.kappa, lam.learn_A, lam.action_weight) == ("mean", "labelled", 0.1, True, 1.0)
    assert e.probes.eval_samples == 128 and e.metrics.notebook == "clip-2"
    assert zp.fig3_right().training.learn_A is False and zp.fig3_right().probes.noise_target == "b"
    assert zp.fig3_middle().probes.fit_data == "noise-free" and zp.fig3_middle().d_z[0] == 4
    assert zp.fig4_left().probes.eval_data == "random-actions" and zp.fig4_left().plot_d_z == (2, 4, 6, 8, 10, 12, 14, 16)
    assert zp.fig4_middle().noise == "iid-uniform" and zp.fig4_middle().plot_kappas == (0.0, 0.01, 0.1)
    assert len(list(zp.fig4_right().runs(plotted_only=True))) == 15 * 3 * 2
    with pytest.raises(ValueError, match="uniform_as"):
        zp.fig4_middle().process(np.random.default_rng(0), 8, sigma=0.5)


@pytest.mark.parametrize("name", sorted(zp.FIGURES))
def test_ci_training_keeps_the_dimensionless_quantities(name: str) -> None:
    full, ci = zp.FIGURES[name](), zp.ci_training(name)
    assert ci.scale == "ci" and ci.training.updates < full.training.updates
    fi, ki = full.invariants(), ci.invariants()
    for key in ("sigma^2", "kappa^2", "chi", "label_fraction", "batch", "P(label in batch)"):
        assert ki[key] == fi[key], key
    for key in ("d_o/d_a", "d_b/d_a", "w_eff"):  # ci keeps the d_a that scale to integers: a subset
        assert set(ki[key]) <= set(fi[key]), key
    assert ci.d_z_ratios() <= full.d_z_ratios()
    if name == "fig4_right":
        assert ki == fi  # every invariant, including w_eff = 11.58 at 1%


def test_uniform_noise_second_moment_by_sampling() -> None:
    """The second-moment stand-in of script 6's U[0, sigma) noise against sampled noise on the first 16
    coordinates: n = 20000, entry SE <= sigma^2 sqrt(4/45 / n) (diagonal: Var(eps^2) = sigma^4 (1/5 - 1/9));
    256 entries: tolerance 5 SE (P(max |Z| > 5) x 256 ~ 1.5e-4)."""
    sigma, n, k = 1.0, 20000, 16
    proc = zp.fig4_middle().process(np.random.default_rng(0), 8, sigma=sigma, kappa=0.1, uniform_as="second-moment")
    eps = sigma * np.random.default_rng(1).random((n, k))  # np.random.rand(do, N) * sigma, scripts/6.py:113
    emp = eps.T @ eps / n
    assert np.max(np.abs(emp - proc.Sigma_eps[:k, :k])) <= 5 * sigma ** 2 * math.sqrt(4 / 45 / n)
    top = np.linalg.eigvalsh(proc.Sigma_eps)[-1]
    assert top == pytest.approx(zp.D_O * sigma ** 2 / 4 + sigma ** 2 / 12, rel=1e-12)  # 32.083: above the action's 1


def test_grid_world_derived_numbers() -> None:
    g = zp.grid_world()
    assert g.updates == 400 * 4 == 1600  # 3800 train trajectories / 1024 -> 4 batches per epoch
    assert g.noise_variance(4.0) == 0.25 and g.noise_variance(8.0) == 1.0  # (0.25 x 4)^2 / 4, (0.25 x 8)^2 / 4
    assert g.labelled_trajectories == 40 and g.stochastic_loss(0.25, 4.0) == 1.0
    assert g.controllable_loss(0.06) == pytest.approx(1.0)
    ci = g.ci_training()
    assert ci.updates == g.updates and ci.invariants() == g.invariants() and ci.n_traj < g.n_traj


# --- Lee et al. (reconstructed on Zhang's script 7) and LAPO ------------------------------------------------

def test_lee_linear_protocol_reuses_script_7() -> None:
    e = leep.linear()
    assert e.provenance == "reconstructed"
    assert (e.d_o, e.d_a, e.training, e.probes) == (128, 8, zp.fig4_right().training, zp.fig4_right().probes)
    assert e.effective_action_weight(0.01) == pytest.approx(zp.effective_action_weight(128, 8, 0.01))
    ci = e.ci_training()
    proc = ci.process(np.random.default_rng(0), 2, sigma_xi=2.0, label_fraction=0.01)
    assert (proc.d_o, proc.d_a, proc.d_x, proc.lam.loss_normalisation, proc.lam.kappa) == (32, 2, 2, "mean", 0.1)
    assert ci.effective_action_weight(0.01) == pytest.approx(e.effective_action_weight(0.01))
    assert ci.d_o / ci.d_a == e.d_o / e.d_a and ci.d_x / ci.d_a == e.d_x / e.d_a
    # LAOM: a labelled batch every step, mean units: weight coef x d_target / d_a, no Bernoulli factor
    assert leep.laom_effective_action_weight(0.001, d_target=4096, d_a=8) == pytest.approx(0.512)


def test_lapo_schedule_and_ema_by_hand() -> None:
    lr = lp.STAGE1_LR
    assert lp.lapo_learning_rate(0) == pytest.approx(0.1 * lr)
    assert lp.lapo_learning_rate(25) == pytest.approx(0.55 * lr)  # 0.1 + 0.9 x 25/50
    assert lp.lapo_learning_rate(50) == pytest.approx(lr)
    assert lp.lapo_learning_rate(lp.STAGE1_STEPS + 1) == pytest.approx(0.01 * lr)
    # one EMA step, one codebook, M = 2 codes of dim 1, decay 1/2, eps 0: x = (1, 3) both on code 0, previous
    # count (2, 2), weight (4, 6): count <- (1 + 1, 1) = (2, 1); weight <- (2 + 2, 3) = (4, 3); code = (2, 3)
    count, weight, emb = lp.ema_update(np.array([[2.0, 2.0]]), np.array([[[4.0], [6.0]]]), np.array([[[1.0], [3.0]]]),
                                       np.array([[0, 0]]), decay=0.5, eps=0.0)
    np.testing.assert_allclose(count, [[2.0, 1.0]])
    np.testing.assert_allclose(emb, [[[2.0], [3.0]]])
    # Laplace smoothing keeps the total count: sum_j (c_j + eps) / (n + M eps) n = n
    c2, _, _ = lp.ema_update(np.array([[2.0, 2.0]]), np.array([[[4.0], [6.0]]]), np.array([[[1.0], [3.0]]]),
                             np.array([[0, 0]]), decay=0.5, eps=0.1)
    assert c2.sum() == pytest.approx(3.0)
    assert lp.lapo().vq.num_codebooks * lp.lapo().vq.num_discrete_latents * lp.lapo().vq.emb_dim == lp.lapo().la_dim == 128
