"""`lamcheck check`'s spec: every field validated, every failure one typed `SpecError` naming the field; the CLI
turns it into one line on stderr and exit 2 with nothing on stdout and nothing written. The parser is fuzzed with
hypothesis (random and mutated TOML documents): it never raises anything but SpecError."""

from __future__ import annotations

import copy
import math
import string
import tomllib
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lamcheck.cli import main
from lamcheck.spec import (MAX_D_O, FiniteSpec, LinearSpec, SpecError, build_process, linear_process, load_spec,
                           overlap_basis, parse_spec)

EXAMPLES = sorted((Path(__file__).resolve().parent.parent / "examples").glob("*.toml"))

LINEAR = """
kind = "linear"
seed = 3
[dims]
d_o = 12
d_a = 2
d_z = 2
[noise]
type = "structured"
sigma = 1.5
d_b = 3
overlap = 0.25
"""

FINITE = """
kind = "finite"
states = 3
actions = 2
codes = 3
edges = [[0, 1], [1, 2]]
"""


def _lin(**tables) -> dict:
    doc = tomllib.loads(LINEAR)
    for path, value in tables.items():
        *head, key = path.split(".")
        t = doc
        for h in head:
            t = t.setdefault(h, {})
        if value is _DEL:
            t.pop(key, None)
        else:
            t[key] = value
    return doc


def _fin(**fields) -> dict:
    doc = tomllib.loads(FINITE)
    for k, v in fields.items():
        if v is _DEL:
            doc.pop(k, None)
        else:
            doc[k] = v
    return doc


_DEL = object()


# --- valid specs -------------------------------------------------------------------------------------------

def test_linear_defaults_and_round_trip():
    s = load_spec(LINEAR)
    assert isinstance(s, LinearSpec)
    assert (s.d_o, s.d_a, s.d_z, s.seed, s.d_b, s.noise_overlap) == (12, 2, 2, 3, 3, 0.25)
    assert (s.chi, s.learn_A, s.action_weight, s.label_fraction, s.label_average, s.batch) == (0.0, True, 0.0, 1.0,
                                                                                             "labelled", 128)
    assert load_spec(s.to_json()) == s  # the normalised spec is itself a valid spec describing the same process
    assert load_spec(LINEAR.encode()) == s


def test_a_path_a_string_and_a_mapping_give_the_same_spec(tmp_path):
    f = tmp_path / "s.toml"
    f.write_text(LINEAR)
    assert load_spec(f) == load_spec(str(f)) == load_spec(LINEAR) == load_spec(tomllib.loads(LINEAR))


def test_finite_spec_matches_the_finite_process_contract():
    s = load_spec(FINITE)
    assert isinstance(s, FiniteSpec)
    p = build_process(s)
    assert (p.states, p.actions, p.codes, p.edges, p.lam, p.continuity) == (3, 2, 3, ((0, 1), (1, 2)), 1.0, True)
    assert load_spec(s.to_json()) == s


def test_structured_noise_overlap_is_the_cosine_of_every_principal_angle():
    """The noise basis at overlap c: orthonormal columns, and every principal angle to span(X) has cosine c
    (singular values of U_X^T Y, computed here from an SVD, independently of the construction)."""
    for c, d_b in ((0.0, 3), (0.25, 3), (0.6, 2), (0.9, 1)):
        p = linear_process(load_spec(_lin(**{"noise.overlap": c, "noise.d_b": d_b})))
        Y = p.F_e / 1.5
        assert np.allclose(Y.T @ Y, np.eye(d_b), atol=1e-12)
        U = np.linalg.qr(p.X)[0]
        cos = np.linalg.svd(U.T @ Y, compute_uv=False)
        assert np.allclose(cos, c, atol=1e-12), cos
    # "random": Y_0 by QR, independent of X, exactly Zhang's constructor (same draws for the same seed)
    from numerics.processes import zhang_process
    p = linear_process(load_spec(_lin(**{"noise.overlap": "random"})))
    ref = zhang_process(np.random.default_rng(3), d_o=12, d_a=2, d_z=2, noise="exo", sigma=1.5, d_b=3)
    assert np.array_equal(p.X, ref.X) and np.array_equal(p.F_e, ref.F_e) and p.noise_target == "b"


def test_overlap_basis_rejects_nothing_it_can_build():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((6, 2)) @ np.array([[2.0, 1.0], [0.0, 0.5]])  # not orthonormal
    Y = overlap_basis(X, rng.standard_normal((6, 3)), 0.5)
    U = np.linalg.svd(X, full_matrices=False)[0]
    assert np.allclose(Y.T @ Y, np.eye(3)) and np.allclose(np.linalg.svd(U.T @ Y, compute_uv=False), 0.5)


def test_diagonal_action_variance_and_policy():
    p = linear_process(load_spec(_lin(**{"action.variance": [4.0, 0.25], "policy.chi": 0.5})))
    assert np.allclose(p.Sigma_a, np.diag([4.0, 0.25])) and p.chi == 0.5
    assert np.allclose(p.Pi @ p.Pi.T, np.eye(2))  # Pi with orthonormal rows (Zhang Sec. 4.2)


def test_exogenous_block_reproduces_lee_constructor():
    from numerics.lee2026.process import reference_process

    doc = {"kind": "linear", "seed": 0, "dims": {"d_o": 16, "d_a": 3, "d_z": 3},
           "exogenous": {"d_s": 4, "d_x": 4, "gamma": 0.5, "sigma_xi": 2.0}}
    p = linear_process(load_spec(doc))
    ref = reference_process(2.0, seed=0)
    for name in ("X", "G_x", "H_x", "Gamma", "F_xi", "G_s", "W", "H_s", "F_a"):
        assert np.array_equal(getattr(p, name), getattr(ref, name)), name
    beta = linear_process(load_spec(doc | {"lam": {"representation_beta": 0.3}}))
    Q = np.linalg.qr(p.G_x)[0]  # Phi = I + (beta - 1) Q Q^T: beta on span(G_x), 1 off it
    assert np.allclose(beta.lam.Phi @ Q, 0.3 * Q) and np.allclose(beta.lam.Phi @ p.X, p.X)


ISSUE_LINEAR = """
kind = "linear"        # Zhang et al. and Lee et al. processes
seed = 0
[dims]
d_o = 128              # observation
d_a = 8                # action
d_z = 8                # latent bottleneck
[action]
variance = 1.0         # isotropic; a list gives a diagonal covariance
[noise]                # additive change noise (Zhang et al.)
type = "none"          # "none" | "isotropic" | "structured"
sigma = 0.0
d_b = 8                # structured only
overlap = 0.0
[policy]
chi = 0.0              # a = chi * Pi_d o + (1 - chi) * pi_s
[exogenous]            # optional (Lee et al.): x' = gamma x + xi
d_x = 4
gamma = 0.5
sigma_xi = 2.0
overlap = 0.0
[lam]
learn_A = true
augmentation = 0.0     # kappa standard deviation
action_weight = 0.0    # weight of E||a - W z||^2 per sample, in the units of loss_normalisation
loss_normalisation = "sum"
label_fraction = 1.0
label_average = "labelled"   # "labelled" | "all"
representation_beta = 1.0    # Phi = I + (beta - 1) G_x G_x^T
"""

ISSUE_FINITE = """
kind = "finite"        # Lachapelle: LAPO on a finite environment
states = 3
actions = 2
codes = 3
edges = [[0, 1], [1, 2]]
available = "all"
merge = []
"""


def test_the_issue_templates_are_valid_specs():
    """The two documents of the field contract, verbatim (comments included), parse and run."""
    import lamcheck

    lin = load_spec(ISSUE_LINEAR)
    assert (lin.d_o, lin.exogenous.d_x, lin.exogenous.sigma_xi, lin.noise_type) == (128, 4, 2.0, "none")
    assert lamcheck.check(ISSUE_FINITE).identifiability["zero_loss_labelings"] == 6


# --- bad input: the field and the reason --------------------------------------------------------------------

BAD = [
    ("unreadable TOML", "kind = ", "spec", "not valid TOML"),
    ("unknown kind", _lin(kind="quadratic"), "kind", "unknown kind 'quadratic'"),
    ("missing kind", {"dims": {}}, "kind", "missing"),
    ("kind not a string", _lin(kind=3), "kind", "must be a string"),
    ("unknown top key", _lin(colour="red"), "colour", "unknown key"),
    ("unknown nested key", _lin(**{"dims.d_y": 3}), "dims.d_y", "unknown key"),
    ("missing dims", _lin(dims=_DEL), "dims", "missing"),
    ("missing d_z", _lin(**{"dims.d_z": _DEL}), "dims.d_z", "missing"),
    ("wrong type int", _lin(**{"dims.d_o": "twelve"}), "dims.d_o", "must be an integer"),
    ("bool as int", _lin(**{"dims.d_a": True}), "dims.d_a", "must be an integer, got a boolean"),
    ("fractional int", _lin(**{"dims.d_a": 2.5}), "dims.d_a", "must be an integer"),
    ("table expected", _lin(noise=3), "noise", "must be a table"),
    ("negative variance", _lin(**{"action.variance": -1.0}), "action.variance", "negative"),
    ("negative variance entry", _lin(**{"action.variance": [1.0, -2.0]}), "action.variance[1]", "negative"),
    ("variance list length", _lin(**{"action.variance": [1.0]}), "action.variance", "expected d_a = 2"),
    ("negative sigma", _lin(**{"noise.sigma": -0.5}), "noise.sigma", "negative"),
    ("NaN sigma", _lin(**{"noise.sigma": float("nan")}), "noise.sigma", "NaN or infinity"),
    ("infinite variance", _lin(**{"action.variance": float("inf")}), "action.variance", "NaN or infinity"),
    ("NaN in TOML text", LINEAR.replace("sigma = 1.5", "sigma = nan"), "noise.sigma", "NaN or infinity"),
    ("chi above 1", _lin(**{"policy.chi": 1.5}), "policy.chi", "<= 1"),
    ("chi below 0", _lin(**{"policy.chi": -0.1}), "policy.chi", ">= 0"),
    ("label fraction above 1", _lin(**{"lam.label_fraction": 1.01}), "lam.label_fraction", "<= 1"),
    ("label fraction below 0", _lin(**{"lam.label_fraction": -0.01}), "lam.label_fraction", ">= 0"),
    ("overlap 1", _lin(**{"noise.overlap": 1.0}), "noise.overlap", "< 1"),
    ("overlap negative", _lin(**{"noise.overlap": -0.2}), "noise.overlap", ">= 0"),
    ("overlap word", _lin(**{"noise.overlap": "some"}), "noise.overlap", "\"random\""),
    ("exo overlap 1", _lin(exogenous={"d_x": 2, "overlap": 1.0}), "exogenous.overlap", "< 1"),
    ("d_z >= d_o", _lin(**{"dims.d_z": 12}), "dims.d_z", "must be below d_o = 12"),
    ("d_a > d_o", _lin(**{"dims.d_a": 13}), "dims.d_a", "exceeds d_o = 12"),
    ("d_a + d_b > d_o", _lin(**{"noise.d_b": 11}), "noise.d_b", "d_a + d_b = 13 exceeds d_o = 12"),
    ("d_b > d_o", _lin(**{"noise.d_b": 13, "noise.overlap": "random"}), "noise.d_b", "exceeds d_o"),
    ("d_s + d_x > d_o", _lin(exogenous={"d_x": 11}), "exogenous.d_x", "exceeds d_o = 12"),
    ("d_s < d_a", _lin(exogenous={"d_x": 2, "d_s": 1}), "exogenous.d_s", "below d_a"),
    ("gamma outside", _lin(exogenous={"d_x": 2, "gamma": 1.5}), "exogenous.gamma", "<= 1"),
    ("missing d_x", _lin(exogenous={"gamma": 0.5}), "exogenous.d_x", "missing"),
    ("sigma without noise", _lin(**{"noise.type": "none"}), "noise.sigma", "type = \"none\""),
    ("d_b not an integer", _lin(**{"noise.type": "isotropic", "noise.d_b": 1.5}), "noise.d_b", "must be an integer"),
    ("unknown noise type", _lin(**{"noise.type": "pink"}), "noise.type", "unknown value 'pink'"),
    ("unknown normalisation", _lin(lam={"loss_normalisation": "median"}), "lam.loss_normalisation", "unknown value"),
    ("beta without exogenous", _lin(lam={"representation_beta": 0.5}), "lam.representation_beta", "needs an [exogenous]"),
    ("negative weight", _lin(lam={"action_weight": -1.0}), "lam.action_weight", "negative"),
    ("learn_A not bool", _lin(lam={"learn_A": "yes"}), "lam.learn_A", "true or false"),
    ("too large", _lin(**{"dims.d_o": MAX_D_O + 1}), "dims.d_o", f"too large to evaluate in reasonable time (limit: d_o <= {MAX_D_O})"),
    ("negative seed", _lin(seed=-1), "seed", ">= 0"),
    ("name not a string", _lin(name=5), "name", "must be a string"),
    # finite
    ("edge names a missing state", _fin(edges=[[0, 1], [1, 5]]), "edges[1]", "missing state 5"),
    ("edge self loop", _fin(edges=[[1, 1]]), "edges[0]", "to itself"),
    ("edge not a pair", _fin(edges=[[0, 1, 2]]), "edges[0]", "must have 2 entries"),
    ("edges not a list", _fin(edges="0-1"), "edges", "must be an array"),
    ("merge names a missing action", _fin(merge=[[0, 0, 2]]), "merge[0]", "missing action 2"),
    ("merge names a missing state", _fin(merge=[[3, 0, 1]]), "merge[0]", "missing state 3"),
    ("merge with itself", _fin(merge=[[0, 1, 1]]), "merge[0]", "with itself"),
    ("merge of an unavailable action", _fin(available=[[0], [0, 1], [0, 1]], merge=[[0, 0, 1]]), "merge[0]",
     "not available at state 0"),
    ("available wrong length", _fin(available=[[0, 1]]), "available", "expected one per state (3)"),
    ("available missing action", _fin(available=[[0, 1], [2], [0]]), "available[1]", "missing action 2"),
    ("available empty", _fin(available=[[0, 1], [], [0]]), "available[1]", "no available action"),
    ("available word", _fin(available="some"), "available", "\"all\""),
    ("negative lam", _fin(lam=-1.0), "lam", "negative"),
    ("zero states", _fin(states=0), "states", ">= 1"),
    ("finite too large", _fin(codes=13), "codes", "<= 12"),
    ("finite unknown key", _fin(d_o=3), "d_o", "unknown key"),
    ("finite missing codes", _fin(codes=_DEL), "codes", "missing"),
]


@pytest.mark.parametrize("doc,field,needle", [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_bad_spec_raises_spec_error_naming_the_field(doc, field, needle):
    with pytest.raises(SpecError) as e:
        load_spec(copy.deepcopy(doc))
    assert e.value.field == field and needle in e.value.reason, (e.value.field, e.value.reason)


def _write(tmp_path: Path, doc) -> Path:
    f = tmp_path / "spec.toml"
    f.write_text(doc if isinstance(doc, str) else _toml(doc))
    return f


def _toml(doc: dict, prefix: str = "") -> str:
    """A minimal TOML writer for the test documents (tables one level deep, scalars and arrays)."""
    def val(v):
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, float):
            return "nan" if math.isnan(v) else ("inf" if v == math.inf else ("-inf" if v == -math.inf else repr(v)))
        if isinstance(v, str):
            return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'
        if isinstance(v, list):
            return "[" + ", ".join(val(x) for x in v) + "]"
        return str(v)
    top = [f"{k} = {val(v)}" for k, v in doc.items() if not isinstance(v, dict)]
    tabs = [f"[{k}]\n" + "\n".join(f"{kk} = {val(vv)}" for kk, vv in v.items()) for k, v in doc.items() if isinstance(v, dict)]
    return "\n".join(top + tabs) + "\n"


@pytest.mark.parametrize("doc,field,needle", [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_cli_bad_spec_is_one_line_exit_2_nothing_written(doc, field, needle, tmp_path, capsys, monkeypatch):
    f = _write(tmp_path, doc)
    monkeypatch.chdir(tmp_path)
    before = sorted(tmp_path.rglob("*"))
    assert main(["check", str(f), "--json"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1, err
    assert err.startswith(f"lamcheck: error: {field}: ") and needle in err, err
    assert sorted(tmp_path.rglob("*")) == before


@pytest.mark.parametrize("argv,needle", [
    (["check", "/nonexistent/spec.toml"], "spec: cannot read /nonexistent/spec.toml: no such file"),
    (["check"], "spec: missing"),
    (["check", "SPEC", "--seeds", "x", "--train"], "--seeds: 'x' is not an integer"),
    (["check", "SPEC", "--train", "--seeds", "0"], "--seeds: must be an integer from 1"),
    (["check", "SPEC", "--steps", "10"], "--steps: only with --train"),
    (["check", "SPEC", "--tol", "0.7"], "--tol: must be a number in (0, 0.5)"),
    (["check", "SPEC", "--device", "tpu"], "--device: unknown device 'tpu'"),
    (["check", "FINITE", "--advise"], "--advise: only for kind = \"linear\" specs"),
    (["check", "--schema", "nope"], "--schema: unknown schema 'nope'"),
    (["check", "DIR"], "it is a folder"),
])
def test_cli_bad_arguments(argv, needle, tmp_path, capsys):
    (tmp_path / "s.toml").write_text(LINEAR)
    (tmp_path / "f.toml").write_text(FINITE)
    argv = [{"SPEC": str(tmp_path / "s.toml"), "FINITE": str(tmp_path / "f.toml"), "DIR": str(tmp_path)}.get(a, a)
            for a in argv]
    assert main(argv) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1 and err.startswith("lamcheck: error: ") and needle in err, err


def test_enumeration_too_large_is_a_spec_error():
    """A finite spec the exhaustive enumeration cannot afford (12 codes on 12 actions without continuity: 12^12
    labellings of one state) is refused with the budget named."""
    import lamcheck
    from numerics.lachapelle2025.finite import MAX_LABELINGS

    with pytest.raises(SpecError) as e:
        lamcheck.check({"kind": "finite", "states": 1, "actions": 12, "codes": 12})
    assert e.value.field == "spec" and "too large to evaluate" in e.value.reason and str(MAX_LABELINGS) in e.value.reason


# --- fuzzing ---------------------------------------------------------------------------------------------------

def _check_only_spec_error(doc) -> None:
    try:
        spec = load_spec(doc)
    except SpecError as exc:
        assert exc.field and exc.reason and "\n" not in str(exc)
        return
    try:
        build_process(spec)
    except SpecError as exc:
        assert exc.field and exc.reason


toml_scalars = st.one_of(st.integers(-3, 300), st.floats(allow_nan=True, allow_infinity=True, width=32),
                         st.booleans(), st.text(string.ascii_letters + "_", max_size=8),
                         st.sampled_from(["random", "all", "none", "isotropic", "structured", "linear", "finite",
                                          "mean", "sum", "labelled"]))
toml_values = st.recursive(toml_scalars, lambda c: st.lists(c, max_size=4), max_leaves=8)
keys = st.sampled_from(["kind", "seed", "dims", "d_o", "d_a", "d_z", "noise", "type", "sigma", "d_b", "overlap",
                        "action", "variance", "policy", "chi", "exogenous", "d_x", "gamma", "sigma_xi", "lam",
                        "learn_A", "action_weight", "label_fraction", "states", "actions", "codes", "edges",
                        "available", "merge", "continuity", "x"])
SEEDS = [tomllib.loads(LINEAR), tomllib.loads(FINITE)] + [tomllib.loads(p.read_text()) for p in EXAMPLES[:4]]


@st.composite
def mutated_docs(draw):
    doc = copy.deepcopy(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 4))):
        tables = [doc] + [v for v in doc.values() if isinstance(v, dict)]
        t = draw(st.sampled_from(tables))
        op = draw(st.sampled_from(["set", "delete", "add", "table"]))
        if op == "delete" and t:
            t.pop(draw(st.sampled_from(sorted(t))), None)
        elif op == "set" and t:
            t[draw(st.sampled_from(sorted(t)))] = draw(toml_values)
        elif op == "add":
            t[draw(keys)] = draw(toml_values)
        else:
            t[draw(keys)] = {draw(keys): draw(toml_values)}
    return doc


@settings(max_examples=300)
@given(mutated_docs())
def test_fuzz_mutated_documents_raise_only_spec_error(doc):
    _check_only_spec_error(doc)


@settings(max_examples=200)
@given(st.text(alphabet=string.printable, max_size=120))
def test_fuzz_random_text_raises_only_spec_error(text):
    _check_only_spec_error(text if ("\n" in text or "=" in text) else text + "\n")


@settings(max_examples=200)
@given(st.sampled_from([LINEAR, FINITE] + [p.read_text() for p in EXAMPLES[:3]]), st.data())
def test_fuzz_edited_toml_text_raises_only_spec_error(text, data):
    chars = list(text)
    for _ in range(data.draw(st.integers(1, 5))):
        i = data.draw(st.integers(0, max(len(chars) - 1, 0)))
        op = data.draw(st.sampled_from(["delete", "insert", "replace"]))
        c = data.draw(st.sampled_from(list("[]=\"'.,-0123456789eE\n #ainf") + ["nan", "true", "1e400"]))
        if op == "delete" and chars:
            del chars[i]
        elif op == "insert":
            chars.insert(i, c)
        elif chars:
            chars[i] = c
    _check_only_spec_error("".join(chars) + "\n=")  # "=" keeps it a TOML string, never a path


def test_parse_spec_rejects_non_tables():
    for doc in (3, "x", [1, 2], None):
        with pytest.raises(SpecError):
            parse_spec(doc)  # type: ignore[arg-type]
    with pytest.raises(SpecError) as e:
        load_spec(12)
    assert e.value.field == "spec"
    with pytest.raises(SpecError) as e:
        load_spec(b"\xff\xfe = 1")
    assert "UTF-8" in e.value.reason
