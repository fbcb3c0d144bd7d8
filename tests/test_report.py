"""report.json and report.md rendered from check data (docs/contract.md, "report.json"), and figures.

Synthetic check results only: these tests pin the renderer, not any claim's verdict. Values that
could be wrong are asserted (a 200 x 200 matrix survives entry for entry, non-finite floats keep
their meaning, ranges keep their ends, the compact markdown is short), never only the presence of a key.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from lamcheck.audit import ClaimReport
from lamcheck.jsondata import load_process, plain, process_type
from lamcheck.report import (SCHEMA_VERSION, compact, dumps, figure_names, markdown, merged_ranges, report_data,
                             slug)
from numerics.processes import zhang_process
from theory.checks import CheckResult, FigureSpec, Marker, Range, Series
from theory.claims import Assumption, Claim, Repair

ENV = {"versions": {"python": "3"}, "seed": 0, "device": "cpu", "commit": "abc", "scale": "ci", "gpu": None}
SELECTION = {"full": False, "paper": None, "claims": None, "tiers": ["numeric"]}


def _strict(text: str):
    """json.loads that rejects NaN/Infinity (which json.dumps would write unless allow_nan=False)."""
    def bad(token):
        raise ValueError(f"non-standard JSON constant {token}")
    return json.loads(text, parse_constant=bad)


def _claim(cid="ZP-P2", provenance="paper", quantifier=None, repair=None, paper="zhang2025"):
    return Claim(id=cid, paper=paper, where="Prop. 4.2", provenance=provenance, title=f"title of {cid}",
                 statement=f"statement of {cid}", assumptions=(Assumption("demo-assumption", "x > 0"),),
                 quantifier=quantifier, repair=repair)


def _data(reports):
    return report_data(reports, ENV, {}, selection=SELECTION, timing={"seconds": 1.0})


def test_report_json_is_strict_versioned_and_keeps_every_entry_of_a_large_witness():
    rng = np.random.default_rng(0)
    big = rng.standard_normal((200, 200))
    proc = zhang_process(np.random.default_rng(1), d_o=4, d_a=2, d_z=2)
    r = CheckResult("numeric", "refutes", "gap np.float64(0.25) found",
                    counterexample={"M": big, "gap": np.float64(0.25), "bound": float("inf"), "undefined": float("nan")},
                    measured={"n": np.int64(7), "ok": np.bool_(False)}, name="numerics.x:check", process=proc)
    data = _data([ClaimReport(_claim(), [r])])
    text = dumps(data)
    back = _strict(text)
    assert back["schema_version"] == SCHEMA_VERSION
    ce = back["claims"][0]["counterexample"]
    # every one of the 40 000 entries survives exactly (repr of a float round-trips)
    assert np.array_equal(np.array(ce["M"]), big)
    assert (ce["gap"], ce["bound"], ce["undefined"]) == (0.25, "inf", "nan")
    assert back["claims"][0]["checks"][0]["measured"] == {"n": 7, "ok": False}
    # the typed witness: class path, and a process rebuilt from JSON with the same description
    assert ce["process_type"] == "numerics.processes.LinearProcess" == process_type(proc)
    rebuilt = load_process(ce["process_type"], ce["process"])
    assert plain(rebuilt.to_json()) == plain(proc.to_json())
    assert np.array_equal(rebuilt.X, proc.X)
    # arrays of numbers on one line each: the 200 x 200 matrix does not take 40 000 lines
    assert text.count("\n") < 400


def test_answers_and_role_follow_the_claims_quantifier():
    claim = _claim("ZP-E6", quantifier="selected-by:protocol")
    trained = CheckResult("trained", "confirms", "trained ok", name="gpu_checks.x:t")
    exact = CheckResult("numeric", "refutes", "closed form disagrees", counterexample={"w": 1.0},
                        answers="every-minimiser", name="numerics.x:n")
    rep = ClaimReport(claim, [exact, trained])
    c = _data([rep])["claims"][0]
    roles = {k["name"]: (k["answers"], k["role"]) for k in c["checks"]}
    assert roles == {"numerics.x:n": ("every-minimiser", "explains"), "gpu_checks.x:t": ("selected-by:protocol", "decides")}
    # the explaining refutation does not decide: the verdict is the trained check's, and no counterexample
    assert (c["quantifier"], c["verdict"], c["counterexample"]) == ("selected-by:protocol", "verified", None)
    md = markdown([rep], ENV, {}, 1.0)
    assert "Which evidence answers which: trained checks answer `selected-by:protocol` (decide); " \
           "numeric checks answer `every-minimiser` (explain)." in md
    assert md.index("Deciding checks") < md.index("Explaining checks")


def test_ranges_are_merged_per_quantity_with_conflicts_named():
    a = CheckResult("numeric", "confirms", "", name="m:a",
                    ranges={"nmse_z": Range(0.1, 0.4, hi_attained=False), "gap": Range(0.0, 0.0)})
    b = CheckResult("convex", "confirms", "", name="m:b", ranges={"nmse_z": Range(0.1, 0.5, exact=False, method="sdp")})
    c = CheckResult("trained", "confirms", "", name="m:c", answers="selected-by:protocol",
                    ranges={"llo": Range(0.2, 0.3)})
    merged = merged_ranges([c, a, b], "every-minimiser")
    assert list(merged) == ["nmse_z", "gap", "llo"]  # deciding checks first
    assert (merged["nmse_z"]["min"], merged["nmse_z"]["max"], merged["nmse_z"]["max_attained"]) == (0.1, 0.4, False)
    assert merged["nmse_z"]["conflicts"] == [{"check": "m:b", "min": 0.1, "max": 0.5}]
    assert merged["llo"]["answers"] == "selected-by:protocol" and "conflicts" not in merged["gap"]
    rep = ClaimReport(_claim(quantifier="every-minimiser"), [a, b, c])
    md = markdown([rep], ENV, {}, 1.0)
    assert "| nmse_z | [0.1, 0.4] | min only | yes | closed-form | `a` (differs: m:b) |" in md
    assert "| gap | = 0 (unique) | both |" in md


def test_markdown_opens_with_findings_then_the_table_and_labels_reconstructions():
    holds = ClaimReport(_claim("ZP-P1"), [CheckResult("symbolic", "confirms", "ok", name="m:s")])
    paper_fail = ClaimReport(_claim("ZP-P3", repair=Repair("the repaired statement R3")),
                             [CheckResult("numeric", "refutes", "bad", counterexample={"v": 1}, name="m:n")],
                             [CheckResult("numeric", "confirms", "repair ok", name="m:r")])
    recon_fail = ClaimReport(_claim("EX-T4", provenance="reconstructed", paper="lee2026"),
                             [CheckResult("numeric", "refutes", "bad", counterexample={"v": 2}, name="m:e")])
    undecided = ClaimReport(_claim("ZP-E7"), [CheckResult("trained", "undecided", "overlap", name="m:t")])
    notrun = ClaimReport(_claim("ZP-C1"))
    md = markdown([holds, paper_fail, recon_fail, undecided, notrun], ENV, {}, 1.0)
    assert md.index("## Findings") < md.index("## All claims") < md.index("## ZP-P1")
    findings = md[md.index("## Findings"):md.index("## All claims")]
    assert "- [ZP-P1](#zp-p1) title of ZP-P1." in findings
    assert "- [ZP-P3](#zp-p3) title of ZP-P3 — refuted. Repaired (verified): the repaired statement R3" in findings
    assert "- [EX-T4](#ex-t4) title of EX-T4 — refuted (reconstruction). No repaired statement yet." in findings
    assert "- [ZP-E7](#zp-e7) title of ZP-E7 — trained undecided." in findings
    assert "**Not run** (1: " in findings and findings.rstrip().endswith("ZP-C1.")
    assert "| [EX-T4](#ex-t4) | lee2026 | reconstructed | - | **refuted (reconstruction)** |" in md
    data = _data([paper_fail, recon_fail])
    assert [c["verdict_label"] for c in data["claims"]] == ["refuted", "refuted (reconstruction)"]
    assert data["claims"][0]["repair"]["verdict"] == "verified"


def test_markdown_counterexample_is_compact_and_the_json_complete():
    big = np.arange(40_000, dtype=float).reshape(200, 200) / 7
    r = CheckResult("numeric", "refutes", "violated by np.float64(0.125)", name="m:n",
                    counterexample={"excess_loss": 0.125, "W": big, "v": [1.0, 2.0, 3.0], "note": "x" * 400})
    md = markdown([ClaimReport(_claim(), [r])], ENV, {}, 1.0)
    section = md[md.index("Counterexample (from"):md.index("## Environment")]
    assert "- excess_loss: 0.125" in section                      # the violated quantity, first
    assert "- W: matrix 200×200 [0, 0.1429, 0.2857, 0.4286, …]" in section  # shape and leading entries
    assert "- v: 3 [1, 2, 3]" in section                          # small arrays whole
    assert "x" * 157 + "…" in section and "x" * 158 not in section
    assert "claims[0].counterexample" in section
    assert len(section) < 1500
    assert "np.float64" not in md and "violated by 0.125" in md
    assert compact([[1, 2, 3], [4, 5, 6], [7, 8, 9]]) == "matrix 3×3 [1, 2, 3, 4, …]"


def test_a_confirmed_counter_claim_reports_its_witness_and_other_claims_none():
    """A counter-claim ("without X, Y can fail") is an existence statement: its confirming example is the
    evidence, in `witness` and in report.md; an exact check's example is preferred over a trained one's."""
    cc = Claim(id="LA-U1", paper="lachapelle2025", where="S3", provenance="reconstructed", title="t", statement="s",
               kind="counter-claim", quantifier="some-minimiser")
    trained = CheckResult("trained", "confirms", "8 models", name="g:t", counterexample={"delta_H": 0.69})
    exact = CheckResult("exhaustive", "confirms", "found", name="n:e", counterexample={"L_0": 0, "states": 3})
    plain_confirm = CheckResult("symbolic", "confirms", "holds", name="t:s")
    data = _data([ClaimReport(cc, [trained, plain_confirm, exact]), ClaimReport(_claim(), [exact])])
    assert data["claims"][0]["witness"] == {"check": "n:e", "kind": "exhaustive", "L_0": 0, "states": 3}
    assert data["claims"][0]["counterexample"] is None
    assert data["claims"][1]["witness"] is None  # a theorem's confirmation is no witness
    md = markdown([ClaimReport(cc, [trained, exact])], ENV, {}, 1.0)
    assert "Witness of the failure (from `n:e`, exhaustive; complete values in report.json, `claims[0].witness`)" in md
    # not verified (a deciding check undecided): no witness reported
    undec = CheckResult("numeric", "undecided", "?", name="n:u")
    assert _data([ClaimReport(cc, [undec])])["claims"][0]["witness"] is None


def test_figure_names_start_with_the_claim_slug_and_never_collide():
    assert slug("ZP-E6") == "zp_e6" and slug("EX-T4a") == "ex_t4a"
    fig = FigureSpec("zp_e6_weight", "t", "x", "y", (Series("s", [1, 2], [1, 2]),))
    r1 = CheckResult("numeric", "confirms", "", name="m:a", figures=(fig, fig))
    r2 = CheckResult("trained", "confirms", "", name="m:b", figures=(fig,))
    names = figure_names([ClaimReport(_claim("ZP-E6"), [r1, r2])])
    assert sorted(names.values()) == ["zp_e6_weight", "zp_e6_weight-2", "zp_e6_weight-3"]
    data = report_data([ClaimReport(_claim("ZP-E6"), [r1, r2])], ENV, {}, selection=SELECTION, timing={})
    paths = [p for c in data["claims"][0]["checks"] for p in c["figures"]]
    assert paths == ["figures/zp_e6_weight.png", "figures/zp_e6_weight-2.png", "figures/zp_e6_weight-3.png"]


def test_figures_render_log_axes_markers_and_named_categories_with_the_legend_outside(tmp_path):
    import matplotlib.pyplot as plt

    from lamcheck.figures import draw, render

    fig = FigureSpec("zp_e6_demo", "demo", "action weight", "NMSE", logx=True, logy=True,
                     series=(Series("closed form", [0.01, 0.1, 1, 10, 100], [1, 0.5, 0.2, 0.1, 0.05]),
                             Series("trained", [0.01, 1, 100], [1.1, 0.21, 0.05], yerr=[0.1, 0.02, 0.01], style="o")),
                     markers=(Marker("threshold w* = sigma^2 - 1", 3.0), Marker("ideal", 0.1, axis="y")))
    f, ax = draw(fig)
    try:
        assert (ax.get_xscale(), ax.get_yscale()) == ("log", "log")
        labels = [t.get_text() for t in f.legends[0].get_texts()]
        assert sorted(labels) == ["closed form", "ideal (0.1)", "threshold w* = sigma^2 - 1 (3)", "trained"]
        vertical = [ln for ln in ax.get_lines() if list(ln.get_xdata()) == [3.0, 3.0]]
        horizontal = [ln for ln in ax.get_lines() if list(ln.get_ydata()) == [0.1, 0.1]]
        assert len(vertical) == 1 and len(horizontal) == 1
        f.canvas.draw()
        legend_box, axes_box = f.legends[0].get_window_extent(), ax.get_window_extent()
        assert legend_box.y1 <= axes_box.y0  # the legend sits below the axes: it cannot hide data
    finally:
        plt.close(f)
    cats = FigureSpec("zp_e7_table", "orderings", "setting", "metric",
                      series=(Series("lamcheck", [0, 1, 2], [0.3, 0.2, 0.1], style="o"),),
                      categories=("no noise", "exogenous noise", "action head"))
    f, ax = draw(cats)
    try:
        assert [t.get_text() for t in ax.get_xticklabels()] == ["no noise", "exogenous noise", "action head"]
        assert list(ax.get_xticks()) == [0, 1, 2]
    finally:
        plt.close(f)
    path = render(cats, tmp_path)
    assert path == tmp_path / "zp_e7_table.png" and path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize("value,expected", [
    (float("inf"), "inf"), (float("-inf"), "-inf"), (np.float32(0.5), 0.5), ({1, 3, 2}, [1, 2, 3]),
    (complex(1, -2), {"re": 1.0, "im": -2.0}), ((np.int8(3), None), [3, None]), (Range(0.0, 1.0).to_json()["max"], 1.0),
])
def test_plain_values(value, expected):
    assert plain(value) == expected


def _contract() -> str:
    from pathlib import Path

    return (Path(__file__).resolve().parent.parent / "docs" / "contract.md").read_text()


def test_the_contract_quotes_the_verdict_rule_of_theory_verdicts_word_for_word():
    import theory.verdicts

    rule = theory.verdicts.__doc__.split("\n\n", 1)[1].strip()  # all but the title line
    assert rule in _contract()


def test_the_contract_documents_every_report_json_key():
    proc = zhang_process(np.random.default_rng(1), d_o=3, d_a=1, d_z=1)
    fig = FigureSpec("zp_p3_f", "t", "x", "y", (Series("s", [1], [1]),))
    r = CheckResult("numeric", "refutes", "d", counterexample={"v": 1}, name="m:n", process=proc, figures=(fig,),
                    ranges={"q": Range(0, 1)})
    rep = ClaimReport(_claim("ZP-P3", repair=Repair("R")), [r], [CheckResult("numeric", "confirms", "ok", name="m:r")])
    data = report_data([rep], ENV, {}, selection=SELECTION, timing={"seconds": 1.0, "jobs": 1, "executor": "local",
                                                                     "address": None})
    claim = data["claims"][0]
    keys = (set(data) | set(data["selection"]) | set(claim) | set(claim["checks"][0]) | set(claim["repair"])
            | set(claim["ranges"]["q"]) | set(claim["assumptions"][0]) | set(data["timing"]) | set(data["contributions"][0]))
    import re

    doc = _contract()
    section = doc[doc.index("## report.json"):doc.index("## Executors")]
    assert sorted(k for k in keys if not re.search(rf"(?<![\w-]){re.escape(k)}(?![\w-])", section)) == []
