"""`lamcheck check` and `lamcheck.check(spec)`: every example runs, validates against the shipped JSON Schemas, is
the configuration its claims' checks use, and its prediction is what the claims' library functions compute there
(one code path); the `--advise` switch points agree with hand-derived values and with the claims' own switch
functions, checked on both sides; ties and spare directions are reported as ranges.

Independent routes used here (never the implementation's own formula): hand-derived closed forms written down with
their derivation, explicit least squares on the source maps, the paper libraries' own constructors and predicates
(`numerics.zhang2025.protocol`, `numerics.lee2026.minimisers`, `numerics.lachapelle2025.witnesses`)."""

from __future__ import annotations

import json
import math
import sys
import tomllib
from functools import lru_cache
from pathlib import Path

import numpy as np
import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource

import lamcheck
from lamcheck.cli import main
from lamcheck.spec import linear_process, load_spec

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = {p.stem: p for p in sorted((ROOT / "examples").glob("*.toml"))}
SCHEMAS = {n: json.loads((ROOT / "lamcheck" / "schemas" / f"{n}.schema.json").read_text()) for n in ("spec", "output")}
_REG = Registry().with_resource("https://lamcheck/schemas/spec.schema.json", Resource.from_contents(SCHEMAS["spec"]))
SPEC_V = Draft202012Validator(SCHEMAS["spec"], registry=_REG)
OUT_V = Draft202012Validator(SCHEMAS["output"], registry=_REG)
checkmod = sys.modules["lamcheck.check"]  # the package attribute lamcheck.check is the function


@lru_cache(maxsize=None)
def run(name: str, advise: bool = False):
    return lamcheck.check(EXAMPLES[name], advise=advise)


def _valid(v: Draft202012Validator, doc) -> None:
    errors = sorted(v.iter_errors(doc), key=lambda e: list(e.path))
    assert not errors, "; ".join(f"{list(e.path)}: {e.message[:200]}" for e in errors[:5])


# --- the examples ------------------------------------------------------------------------------------------------

def test_examples_cover_every_figure_and_main_setting():
    names = set(EXAMPLES)
    for fig in ("fig3_left", "fig3_middle", "fig3_right", "fig4_left", "fig4_middle", "fig4_right"):
        assert any(fig in n for n in names), fig
    assert {"lee_leakage", "lee_supervised", "lee_representation", "lee_residual_fdm", "lee_overlap"} <= names
    assert sum(n.startswith("lachapelle_") for n in names) >= 8


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_example_runs_and_validates_against_both_schemas(name):
    doc = tomllib.loads(EXAMPLES[name].read_text())
    _valid(SPEC_V, doc)
    rep = run(name)
    out = rep.to_json()
    json.dumps(out, allow_nan=False)
    _valid(OUT_V, out)
    _valid(SPEC_V, out["spec"])
    assert load_spec(out["spec"]) == load_spec(doc)  # the normalised spec describes the same process
    papers = checkmod.PAPERS_OF_KIND[rep.kind]
    from theory.ledger import all_claims
    assert [c["id"] for c in out["claims"]] == [c.id for p in papers for c in all_claims(p)]
    assert all(c["prediction"] for c in out["claims"])
    assert not [c["id"] for c in out["claims"] if c["data"].get("error")], "a predictor raised"
    assert not [a for a in out["unevaluated_assumptions"] if a.get("error")], "an evaluator raised"
    assert rep.to_text().startswith(f"lamcheck check: kind = {rep.kind}")
    if rep.kind == "linear":
        pr = rep.prediction
        assert pr.closed_form, pr.reason
        for k, v in pr.nmse.items():  # the canonical minimiser is one of the minimisers
            r = pr.nmse_range[k]
            assert (v is None) == (r is None), k
            if v is not None:
                assert r.lo - 1e-9 <= v <= r.hi + 1e-9, (k, v, r)


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_assumptions_are_the_ledgers_evaluators_and_decide_applies(name):
    """Each reported assumption is the ledger evaluator's answer on the example's process; a claim with ledger
    assumptions applies exactly when all of its evaluable ones hold."""
    from theory.assumptions import claim_assumptions, evaluate
    from theory.ledger import get_claim

    rep = run(name)
    for a, row in rep.assumptions.items():
        e = evaluate(a, rep.process)
        assert (e.holds, e.reason) == (row["holds"], row["reason"]), a
    for c in rep.claims:
        names = [a.name for a in claim_assumptions(get_claim(c.id))]
        known = [n for n in names if n in rep.assumptions]
        if known and not all(rep.assumptions[n]["holds"] for n in known):
            assert not c.applies, c.id
            assert c.failed and c.prediction.startswith("does not apply")


def test_every_example_has_at_least_one_claim_that_applies_and_says_something():
    for name in EXAMPLES:
        rep = run(name)
        assert any(c.applies and c.data for c in rep.claims), name


# --- one code path: the claims' configuration and the claims' library functions -----------------------------------

ZHANG = {  # example -> (claim, protocol kwargs of Experiment.process)
    "zhang_fig3_left": ("ZP-E1", {"d_z": 8, "d_a": 8}),
    "zhang_fig3_left_dz4": ("ZP-E1", {"d_z": 4, "d_a": 8}),
    "zhang_fig3_middle": ("ZP-E2", {"d_z": 8, "sigma": 0.5}),
    "zhang_fig3_right_sigma05": ("ZP-E3", {"d_z": 8, "sigma": 0.5}),
    "zhang_fig3_right_sigma2": ("ZP-E3", {"d_z": 8, "sigma": 2.0}),
    "zhang_fig4_left": ("ZP-E4", {"d_z": 8, "chi": 0.5}),
    "zhang_fig4_middle": ("ZP-E5", {"d_z": 8, "sigma": 0.5, "kappa": 0.1, "uniform_as": "paper-gaussian"}),
    "zhang_fig4_right": ("ZP-E6", {"d_z": 8, "sigma": 2.0, "label_fraction": 0.01}),
}


def _same_process(p, q) -> None:
    for f in ("X", "F_o", "F_a", "F_e", "Pi", "G_x", "H_x", "Gamma", "F_xi"):
        assert np.array_equal(getattr(p, f), getattr(q, f)), f
    assert (p.chi, p.noise_target) == (q.chi, q.noise_target)
    for f in ("d_z", "learn_A", "tie_CD", "kappa"):
        assert getattr(p.lam, f) == getattr(q.lam, f), f
    assert math.isclose(p.lam.effective_action_weight(p.d_o, p.d_a), q.lam.effective_action_weight(q.d_o, q.d_a))
    assert (p.lam.Phi is None) == (q.lam.Phi is None)
    if p.lam.Phi is not None:
        assert np.array_equal(p.lam.Phi, q.lam.Phi)


@pytest.mark.parametrize("name", sorted(ZHANG))
def test_zhang_example_is_the_figures_configuration_and_predicts_what_the_llo_library_computes(name):
    """The example builds exactly the process of the figure's plotted variant (`protocol.CLAIM_OF[claim]().process`
    with the seed's generator), and the claim's prediction holds THE LLO metric (`model.llo`) of the canonical
    minimiser of `numerics.optima` at that process, assembled as the figure's notebook does (`notebook_llo`)."""
    from numerics.optima import minimiser_set
    from numerics.zhang2025.model import llo
    from numerics.zhang2025.protocol import CLAIM_OF, notebook_llo

    claim, kw = ZHANG[name]
    rep = run(name)
    exp = CLAIM_OF[claim]()
    ref = exp.process(np.random.default_rng(rep.spec["seed"]), **kw)
    _same_process(rep.process, ref)
    pred = rep.claim(claim)
    assert pred.applies, pred.prediction
    params = minimiser_set(ref).canonical()
    data = {"training": ref, "policy": ref, "noise-free": ref.clean(), "random-actions": ref.random_actions()}
    lat = {"z": "z", "pseudo_latent": "pseudo"}
    t = llo(params, ref, fit=data[exp.probes.fit_data], ev=data[exp.probes.eval_data],
            action_from=lat[exp.probes.action_input], rest_from=lat[exp.probes.rest_input],
            noise_term_one=exp.metrics.noise_normalisation == "none")
    sigma = kw.get("sigma", 0.0)
    want = notebook_llo(exp.metrics, t.nmse_action, t.nmse_o, t.nmse_noise, sigma=sigma, d_z=kw["d_z"])
    assert pred.data["figure_llo"] == pytest.approx(want, abs=1e-12)
    assert pred.data["nmse_action"] == pytest.approx(t.nmse_action, abs=1e-12)


def test_zhang_figure_predictions_hand_values():
    """Hand-derived values at the paper's sizes (X orthonormal, a ~ N(0, I), d_a = 8):
    * Fig. 3 left, d_z = 8 = rank Sigma_q: z captures q exactly, LLO = -0 + 1 + 1 = 2 (no noise: term 1);
    * d_z = 4: the 8 unit action eigenvalues are tied, any 4 of them: NMSE(a | z) = 1 - 4/8 = 0.5 at EVERY minimiser,
      and the output says the optimum is not unique (tied eigenvalues);
    * Fig. 3 middle, sigma = 0.5, A = I: z = X^T (o' - o) = a + X^T eps, NMSE(a | z, o) = sigma^2 / (1 + sigma^2) = 0.2;
    * Fig. 4 right at the authors' protocol: w_eff = 16 (1 - 0.99^128) = 11.580 > sigma_exo^2 - 1 = 3."""
    assert run("zhang_fig3_left").claim("ZP-E1").data["figure_llo"] == pytest.approx(2.0, abs=1e-12)
    dz4 = run("zhang_fig3_left_dz4").prediction
    assert dz4.tied and dz4.nmse_range["action_given_z"].lo == pytest.approx(0.5, abs=1e-9)
    assert dz4.nmse_range["action_given_z"].hi == pytest.approx(0.5, abs=1e-9)
    assert any("tied eigenvalues" in w for w in dz4.nonunique)
    assert run("zhang_fig3_middle").prediction.nmse["action_given_z_o"] == pytest.approx(0.2, abs=1e-12)
    e6 = run("zhang_fig4_right").claim("ZP-E6").data
    assert e6["effective_action_weight"] == pytest.approx(16 * (1 - 0.99 ** 128), rel=1e-12) and e6["noise_excluded"]
    e3 = run("zhang_fig3_right_sigma2").claim("ZP-E3").data
    assert e3["fails_for_every_d_z"] and not run("zhang_fig3_right_sigma05").claim("ZP-E3").data["fails_for_every_d_z"]


LEE = {  # example -> reference_process kwargs (the Lee checks' constructor)
    "lee_leakage": {"sigma_xi": 2.0, "d_z": 3},
    "lee_supervised": {"sigma_xi": 2.0, "d_z": 3, "action_weight": 4.0},
    "lee_overlap": {"sigma_xi": 0.5, "d_z": 3, "overlap": 0.5},
    "lee_residual_fdm": {"sigma_xi": 0.5, "d_z": 7, "learn_A": False},
}


@pytest.mark.parametrize("name", sorted(LEE))
def test_lee_example_is_the_reference_setting_and_predicts_what_the_lee_library_computes(name):
    from numerics.lee2026.minimisers import lambda_star_closed_form, leakage
    from numerics.lee2026.process import reference_process
    from numerics.optima import minimiser_set

    rep = run(name)
    kw = dict(LEE[name])
    ref = reference_process(kw.pop("sigma_xi"), seed=0, **kw)
    _same_process(rep.process, ref)
    L = leakage(minimiser_set(ref))
    pred = rep.claim("EX-C1")
    assert pred.applies and pred.data["leakage"].lo == pytest.approx(L.lo, abs=1e-12)
    assert pred.data["leakage"].hi == pytest.approx(L.hi, abs=1e-12)
    t4 = rep.claim("EX-T4")
    if t4.applies:
        assert t4.data["lambda_star_closed_form"] == lambda_star_closed_form(ref)


def test_lee_hand_values():
    """Reference setting, A6, orthonormal maps, sigma_a = 1: exogenous eigenvalue sigma_xi^2 = 4 beats the action's 1,
    so with k = 3 < d_x = 4 the latent holds 3 of the 4 tied exogenous directions: leakage 3/4 at every minimiser;
    with lambda = 4 > lambda* = 4 - 1 = 3 the action wins: leakage 0; in the representation with beta = 0.3, the
    exogenous eigenvalue is beta^2 sigma_xi^2 = 0.36 < 1: leakage 0."""
    L = run("lee_leakage").claim("EX-T2").data["leakage"]
    assert (L.lo, L.hi) == pytest.approx((0.75, 0.75), abs=1e-12)
    assert run("lee_leakage").prediction.tied
    assert run("lee_supervised").claim("EX-T4").data["exogenous_free"]
    assert run("lee_supervised").claim("EX-T4").data["lambda_star_closed_form"] == pytest.approx(3.0, abs=1e-9)
    assert run("lee_representation").claim("EX-C1").data["leakage"].hi == pytest.approx(0.0, abs=1e-12)


LACHAPELLE = {
    "lachapelle_base": "BASE", "lachapelle_no_entropy": "U1_EXAMPLE", "lachapelle_discontinuous": "U2_DISCONTINUOUS",
    "lachapelle_disconnected": "U2_DISCONNECTED", "lachapelle_action_disconnected": "U2_ACTION_DISCONNECTED",
    "lachapelle_merged": "U4_MERGED", "lachapelle_no_overlap": "U4_NO_OVERLAP", "lachapelle_walls": "U4_PARTIAL",
}


@pytest.mark.parametrize("name", sorted(LACHAPELLE))
def test_lachapelle_example_is_the_checks_witness_and_predicts_its_identifiability(name):
    """The finite examples are the explicit instances the Lachapelle checks evaluate (`witnesses`), and the
    identifiability block is `finite.identifiability` of that instance (what the exhaustive checks compute)."""
    from numerics.lachapelle2025 import witnesses
    from numerics.lachapelle2025.finite import identifiability

    rep = run(name)
    w = getattr(witnesses, LACHAPELLE[name])
    assert rep.process.to_json() == w.to_json()
    ref = identifiability(w)
    got = rep.identifiability
    assert (got["zero_loss_labelings"], got["state_independent_labelings"], got["D1"], got["D2"], got["D3"]) == \
        (ref.zero_loss_labelings, ref.state_independent_labelings, ref.D1, ref.D2, ref.D3)
    assert (got["counterexample"] is None) == ref.identified
    for cid, flag in (("LA-T1", "D1"), ("LA-T2", "D2"), ("LA-T3", "D3")):
        c = rep.claim(cid)
        if c.applies:
            assert c.data[flag] == getattr(ref, flag)


def test_lachapelle_hand_counts():
    """BASE: a path with 2 actions and 3 codes, codes tied along the path: a zero-loss labelling is an injective map
    of 2 actions into 3 codes, (3)_2 = 6, all state-independent. Two disconnected edges with k = m = 2: each
    component picks one of 2! = 2 bijections, 4 labellings, of which 2 agree across components."""
    b = run("lachapelle_base").identifiability
    assert (b["zero_loss_labelings"], b["state_independent_labelings"], b["D1"], b["D2"], b["D3"]) == (6, 6, True, True, True)
    d = run("lachapelle_disconnected").identifiability
    assert (d["zero_loss_labelings"], d["state_independent_labelings"], d["D2"]) == (4, 2, False)
    assert d["counterexample"]["desideratum"] == "D2"
    assert run("lachapelle_no_entropy").identifiability["D1"] is False
    assert run("lachapelle_walls").identifiability["zero_loss_labelings"] == 0


# --- --advise: switch points ------------------------------------------------------------------------------------

def _remedy(rep, parameter: str) -> dict:
    return next(r for r in rep.advice["remedies"] if r["parameter"] == parameter)


def _residual_objective(p, T_z: np.ndarray, w: float) -> float:
    """J(z) = min_B E||(o' - o) - B z||^2 + w min_E E||a - E z||^2 (A = I fixed), by explicit least squares on the
    source maps: an independent route to the residual-FDM objective of a given latent."""
    src = p.source
    T_d = src.T("o_next") - src.T("o")
    S_zz = T_z @ T_z.T

    def resid(T_y):
        G = T_y @ T_z.T
        return float(np.trace(T_y @ T_y.T) - np.trace(G @ np.linalg.solve(S_zz, G.T)))
    return resid(T_d) + w * resid(src.T("a"))


def test_advise_zhang_orthogonal_noise_switch_points():
    """sigma_exo = 2, noise exactly orthogonal to X, A = I, d_z = d_a = 8. Hand derivation: the two candidate
    latents are z_a = X^T (o' - o) = a (J = rec 8 sigma^2 = 32, action loss 0) and z_n = Y^T (o' - o) = sigma b
    (rec 8, action loss 8): J_n < J_a iff 8 + 8 w_eff < 32 iff w_eff < 3; in the spec's "mean" units w_eff =
    16 w, so w* = 3/16. The noise level switches where sigma^2 = sigma_q^2 = 1. Both sides are checked here with
    the explicit least squares of `_residual_objective`."""
    rep = run("zhang_fig3_right_sigma2_orthogonal", advise=True)
    assert rep.advice["needed"] and not rep.capture.captures
    w = _remedy(rep, "lam.action_weight")
    assert w["switch"] == pytest.approx(3 / 16, rel=1e-4) and w["closed_form_agrees"]
    assert w["confirmed"]["holds"] and w["confirmed"]["fails"]
    p = rep.process
    src = p.source
    T_a = p.X.T @ (src.T("o_next") - src.T("o"))
    T_n = (p.F_e / 2.0).T @ (src.T("o_next") - src.T("o"))
    for w_spec, action_wins in ((w["switch"] * 1.01, True), (w["switch"] * 0.99, False)):
        w_eff = 16 * w_spec
        assert (_residual_objective(p, T_a, w_eff) < _residual_objective(p, T_n, w_eff)) == action_wins
    n = _remedy(rep, "noise.sigma")
    assert n["switch"] == pytest.approx(1.0, rel=1e-4) and n["confirmed"]["holds"] and n["confirmed"]["fails"]
    assert _remedy(rep, "lam.label_fraction")["suffices"] is False  # no action loss: labels do nothing
    assert _remedy(rep, "dims.d_z")["suffices"] is False  # noise dominates every prefix of the spectrum
    assert _remedy(rep, "lam.representation_beta")["suffices"] is False  # no exogenous block


def test_advise_lee_switch_points_agree_with_the_lee_checks_functions():
    """lee_leakage: the EX-T4 switch lambda* = sigma_xi^2/sigma_a^2 - 1 = 3 (sum units, every sample labelled) and
    the EX-T3 switch beta* = sigma_a / sigma_xi = 0.5; the Lee library's `lambda_switch` / `beta_switch` (bisection
    on ITS predicates `exogenous_free`, z = T a at every minimiser, and `captures_action_only`) agree, and those
    predicates confirm both sides.
    The innovation level switches at sigma_xi = sigma_a = 1."""
    from numerics.lee2026.minimisers import (beta_process, beta_switch, captures_action_only, exogenous_free,
                                             lambda_switch, supervised)
    from numerics.optima import minimiser_set

    rep = run("lee_leakage", advise=True)
    p = rep.process
    w = _remedy(rep, "lam.action_weight")
    lam_lee, _ = lambda_switch(p)
    assert w["switch"] == pytest.approx(3.0, rel=1e-4) and lam_lee == pytest.approx(w["switch"], rel=1e-4)
    assert w["closed_form_agrees"]
    assert not exogenous_free(minimiser_set(supervised(p, w["switch"] * 0.999)))
    assert exogenous_free(minimiser_set(supervised(p, w["switch"] * 1.001)))
    b = _remedy(rep, "lam.representation_beta")
    beta_lee, _ = beta_switch(p)
    assert b["switch"] == pytest.approx(0.5, rel=1e-4) and beta_lee == pytest.approx(b["switch"], rel=1e-4)
    assert captures_action_only(minimiser_set(beta_process(p, b["switch"] * 0.999)))
    assert not captures_action_only(minimiser_set(beta_process(p, b["switch"] * 1.001)))
    x = _remedy(rep, "exogenous.sigma_xi")
    assert x["switch"] == pytest.approx(1.0, rel=1e-4) and x["confirmed"]["holds"] and x["confirmed"]["fails"]


def test_advise_isotropic_noise_and_capacity():
    """Fig. 3 middle: NMSE(a | z, o) = sigma^2 / (1 + sigma^2) at every minimiser (A = I), so the capture criterion
    NMSE <= tol holds iff sigma <= sqrt(tol / (1 - tol)); no action weight helps (the noise inside the action
    directions cannot be separated linearly: the readout of a from (o, o') is X^T (o' - o) / (1 + sigma^2) whatever
    the weight). Fig. 3 left at d_z = 4 < d_a = 8: the action is captured from d_z = 8 = rank Sigma_q on."""
    tol = 0.05
    mid = run("zhang_fig3_middle", advise=True)
    n = _remedy(mid, "noise.sigma")
    assert n["switch"] == pytest.approx(math.sqrt(tol / (1 - tol)), rel=1e-4)
    assert _remedy(mid, "lam.action_weight")["suffices"] is False
    left = run("zhang_fig3_left_dz4", advise=True)
    d = _remedy(left, "dims.d_z")
    assert d["switch"] == 8 and d["confirmed"]["fails_at"] == 7 and d["confirmed"]["fails"]


def test_advise_not_needed_when_captured_and_none_suffices_reported():
    sup = run("lee_supervised", advise=True)
    assert sup.advice["needed"] is False and sup.advice["remedies"] == []
    left = run("zhang_fig4_left", advise=True)  # captured, but z carries o; augmentation is outside the closed forms
    assert left.capture.captures and not left.capture.o_free
    assert left.advice["none_suffices"] and "none suffices" in left.to_text()
    _valid(OUT_V, left.to_json())
    _valid(OUT_V, run("lee_leakage", advise=True).to_json())


# --- the Python API and the command --------------------------------------------------------------------------------

def test_api_accepts_a_path_a_string_and_a_dict():
    text = EXAMPLES["lee_supervised"].read_text()
    a = lamcheck.check(text)
    b = lamcheck.check(tomllib.loads(text))
    assert a.to_json()["prediction"] == b.to_json()["prediction"] == run("lee_supervised").to_json()["prediction"]
    assert isinstance(a, lamcheck.CheckReport)
    with pytest.raises(lamcheck.SpecError):
        lamcheck.check({"kind": "linear"})


def test_not_closed_form_is_reported_not_raised():
    """Augmentation with a correlated policy is outside optima's closed forms: every number is None and says why."""
    rep = lamcheck.check({"kind": "linear", "dims": {"d_o": 6, "d_a": 2, "d_z": 2}, "policy": {"chi": 0.5},
                          "lam": {"augmentation": 0.1}})
    out = rep.to_json()
    assert out["prediction"]["closed_form"] is False and "augmentation" in out["prediction"]["reason"]
    assert all(v is None for v in out["prediction"]["nmse"].values())
    _valid(OUT_V, out)
    assert "outside the closed forms" in rep.to_text()


def test_cli_json_and_text(capsys):
    assert main(["check", str(EXAMPLES["lee_representation"]), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    _valid(OUT_V, out)
    assert out["kind"] == "linear" and out["prediction"]["nmse"]["exo_innovation_given_z_o"] == pytest.approx(1.0)
    assert main(["check", str(EXAMPLES["lachapelle_disconnected"])]) == 0
    text = capsys.readouterr().out
    assert "zero-loss labellings 4, state-independent 2" in text and "D2 no" in text


def test_cli_prints_the_schemas(capsys):
    for which in ("spec", "output"):
        assert main(["check", "--schema", which]) == 0
        assert json.loads(capsys.readouterr().out) == SCHEMAS[which]


def test_output_schema_rejects_a_broken_document():
    out = run("lee_supervised").to_json()
    bad = json.loads(json.dumps(out))
    bad["prediction"]["nmse"]["action_given_z"] = 1.5
    assert list(OUT_V.iter_errors(bad))
    del bad["claims"]
    assert list(OUT_V.iter_errors(bad))
    fin = json.loads(json.dumps(run("lachapelle_base").to_json()))
    fin["identifiability"].pop("D2")
    assert list(OUT_V.iter_errors(fin))


# --- valid but unusual specs: the whole command never crashes ------------------------------------------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@st.composite
def linear_docs(draw) -> dict:
    """Valid small linear specs over the whole field domain: zero variances and noise levels, chi = 1, overlap near
    1, beta = 0, every LAM option."""
    d_o = draw(st.integers(2, 7))
    d_a = draw(st.integers(1, d_o))
    doc: dict = {"kind": "linear", "seed": draw(st.integers(0, 3)),
                 "dims": {"d_o": d_o, "d_a": d_a, "d_z": draw(st.integers(1, d_o - 1))}}
    doc["action"] = {"variance": draw(st.one_of(st.sampled_from([0.0, 1.0, 2.5]),
                                                st.lists(st.sampled_from([0.0, 0.5, 1.0, 4.0]), min_size=d_a, max_size=d_a)))}
    kind = draw(st.sampled_from(["none", "isotropic", "structured"]))
    noise: dict = {"type": kind}
    if kind != "none":
        noise["sigma"] = draw(st.sampled_from([0.0, 0.5, 1.0, 2.0]))
    if kind == "structured":
        ov = draw(st.sampled_from(["random", 0.0, 0.5, 0.999]))
        top = d_o if ov == "random" else d_o - d_a
        if top < 1:
            ov, top = "random", d_o
        noise |= {"d_b": draw(st.integers(1, top)), "overlap": ov}
    doc["noise"] = noise
    doc["policy"] = {"chi": draw(st.sampled_from([0.0, 0.0, 0.5, 1.0]))}
    lam: dict = {"learn_A": draw(st.booleans()), "tie_CD": draw(st.booleans()),
                 "augmentation": draw(st.sampled_from([0.0, 0.0, 0.1])),
                 "action_weight": draw(st.sampled_from([0.0, 0.0, 1.0, 50.0])),
                 "loss_normalisation": draw(st.sampled_from(["sum", "mean"])),
                 "label_fraction": draw(st.sampled_from([0.0, 0.01, 1.0])),
                 "label_average": draw(st.sampled_from(["labelled", "all"])), "batch": draw(st.sampled_from([1, 128]))}
    d_s = d_a
    if draw(st.booleans()) and d_o - d_s >= 1:
        d_x = draw(st.integers(1, d_o - d_s))
        doc["exogenous"] = {"d_x": d_x, "d_s": d_s, "gamma": draw(st.sampled_from([-1.0, 0.0, 0.5, 1.0])),
                            "sigma_xi": draw(st.sampled_from([0.0, 0.5, 2.0])),
                            "overlap": draw(st.sampled_from([0.0, 0.5]))}
        lam["representation_beta"] = draw(st.sampled_from([1.0, 1.0, 0.0, 0.3, 2.0]))
    doc["lam"] = lam
    return doc


@settings(max_examples=25)
@given(linear_docs(), st.sampled_from([False, False, True]))
def test_any_valid_linear_spec_runs_and_validates(doc, advise):
    """Budget: 25 draws (a third with --advise); each costs ~0.1-1 s, more where a non-isotropic tie sends
    `numerics.optima` to its Grassmannian search."""
    rep = lamcheck.check(doc, advise=advise)
    out = rep.to_json()
    json.dumps(out, allow_nan=False)
    _valid(OUT_V, out)
    assert not [c["id"] for c in out["claims"] if c["data"].get("error")]
    assert not [a for a in out["unevaluated_assumptions"] if a.get("error")]
    pr = out["prediction"]
    if pr["closed_form"]:
        for k, v in pr["nmse"].items():
            if v is not None:
                lo, hi = pr["nmse_range"][k]
                assert lo - 1e-7 <= v <= hi + 1e-7, (k, v, lo, hi)


@st.composite
def finite_docs(draw) -> dict:
    n = draw(st.integers(1, 4))
    m = draw(st.integers(1, 3))
    pairs = [[i, j] for i in range(n) for j in range(i + 1, n)]
    edges = draw(st.lists(st.sampled_from(pairs), max_size=4)) if pairs else []
    avail = draw(st.one_of(st.just("all"), st.lists(st.lists(st.integers(0, m - 1), min_size=1, max_size=m, unique=True),
                                                  min_size=n, max_size=n)))
    rows = [list(range(m))] * n if avail == "all" else avail
    merges = [[s, a, b] for s in range(n) for a in rows[s] for b in rows[s] if a < b]
    return {"kind": "finite", "states": n, "actions": m, "codes": draw(st.integers(1, 4)), "edges": edges,
            "available": avail, "merge": draw(st.lists(st.sampled_from(merges), max_size=2)) if merges else [],
            "lam": draw(st.sampled_from([0.0, 0.5])), "continuity": draw(st.booleans()),
            "regulariser": draw(st.sampled_from(["idm-entropy", "conditional-entropy"]))}


@settings(max_examples=25)
@given(finite_docs())
def test_any_valid_finite_spec_runs_and_validates(doc):
    out = lamcheck.check(doc).to_json()
    _valid(OUT_V, out)
    assert not [c["id"] for c in out["claims"] if c["data"].get("error")]


def test_package_attribute_is_the_function_even_after_the_cli_imported_the_module(capsys):
    import importlib

    import lamcheck as pkg

    assert main(["check", "--schema", "spec"]) == 0  # the CLI imports lamcheck.check (the module)
    importlib.import_module("lamcheck.check")
    capsys.readouterr()
    assert callable(pkg.check) and pkg.check is checkmod.check
    assert pkg.check(EXAMPLES["lachapelle_base"]).identifiability["D1"] is True
