"""The ledger holds every claim id of the three papers (ids stable, in the papers' order), with provenance,
quantifiers and executable assumptions; theorem plumbing works."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from lamcheck.cli import main
from lamcheck.registry import load_checks
from lamcheck.test_index import theorem_tests
from theory.checks import registered_checks
from theory.claims import PROVENANCES
from theory.ledger import LEDGER, all_claims

REPO = Path(__file__).resolve().parent.parent

EXPECTED = {
    "zhang2025": ["ZP-D1", "ZP-P1", "ZP-P2", "ZP-P3", "ZP-P4", "ZP-P5", "ZP-O1", "ZP-C1", "ZP-C2", "ZP-C3"]
    + [f"ZP-E{i}" for i in range(1, 8)],
    "lachapelle2025": ["LA-D1", "LA-D2", "LA-L1", "LA-L2", "LA-L3", "LA-X1", "LA-T1", "LA-T2", "LA-T3", "LA-T",
                       "LA-S1", "LA-S2", "LA-U1", "LA-U2", "LA-U3", "LA-U4", "LA-C1"],
    "lee2026": [f"EX-C{i}" for i in range(1, 5)] + [f"EX-B{i}" for i in range(1, 7)]
    + ["EX-T1", "EX-T2", "EX-T2b", "EX-T2c", "EX-T3", "EX-T4", "EX-T4a", "EX-T4b", "EX-T4c", "EX-T4d", "EX-T5", "EX-T6"],
}


def test_ledger_has_every_expected_claim_in_paper_order():
    for paper, ids in EXPECTED.items():
        assert [c.id for c in all_claims(paper)] == ids
    assert len(LEDGER) == 56


def test_provenance_is_explicit_and_honest():
    assert all(c.provenance in PROVENANCES for c in LEDGER.values())
    # The formal bodies of Lachapelle 2025 and Lee 2026 were not available: nothing there is `paper`.
    assert {c.provenance for c in all_claims("lachapelle2025")} <= {"paper-abstract", "reconstructed"}
    assert {c.provenance for c in all_claims("lee2026")} <= {"paper-abstract", "reconstructed"}
    assert {c.provenance for c in all_claims("lee2026") if c.id.startswith("EX-C")} == {"paper-abstract"}


def test_fabricated_content_stays_out_of_the_ledger():
    text = json.dumps([c.__dict__ for c in all_claims("lee2026")], default=str).lower()
    assert "metric/scale" not in text and "when not to use" not in text


def test_every_claim_with_checks_has_a_theorem_test():
    load_checks()
    tests = theorem_tests()
    missing = sorted({s.claim_id for s in registered_checks()} - set(tests))
    assert not missing, f"claims with checks but no @pytest.mark.theorem test: {missing}"


def test_theorem_index_only_names_ledger_ids():
    assert set(theorem_tests()) <= set(LEDGER)


def test_unknown_theorem_id_fails_collection(tmp_path):
    (tmp_path / "conftest.py").write_text((REPO / "tests" / "conftest.py").read_text())
    (tmp_path / "test_bad.py").write_text('import pytest\n\n@pytest.mark.theorem("NOPE-1")\ndef test_x():\n    pass\n')
    proc = subprocess.run([sys.executable, "-m", "pytest", "-c", str(REPO / "pyproject.toml"), "--rootdir", str(tmp_path),
                           str(tmp_path / "test_bad.py"), "-q"], capture_output=True, text=True, cwd=tmp_path)
    assert proc.returncode == 4  # pytest's usage-error exit code: collection refused
    assert "unknown claim id" in proc.stderr + proc.stdout and "NOPE-1" in proc.stderr + proc.stdout


def test_claims_json_lists_every_id_with_provenance_and_test_node_ids(capsys):
    assert main(["claims", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)["claims"]
    assert [r["id"] for r in rows] == [cid for ids in EXPECTED.values() for cid in ids]
    by_id = {r["id"]: r for r in rows}
    assert by_id["ZP-P2"]["provenance"] == "paper" and by_id["LA-T2"]["provenance"] == "reconstructed"
    assert "tests/test_zhang2025_pca.py::test_zp_p2_convex_check_certifies_the_fantope_value" in by_id["ZP-P2"]["tests"]
    assert set(by_id["ZP-P2"]["checks"]) == {"symbolic", "numeric", "convex", "trained"}


def test_proofs_md_has_a_section_per_claim_stating_its_provenance():
    text = (REPO / "proofs.md").read_text()
    sections = dict(re.findall(r"^## ([A-Z]{2}-[A-Za-z0-9]+) — .*?\n(.*?)(?=^## |^# |\Z)", text, re.S | re.M))
    assert set(sections) == set(LEDGER)
    for cid, body in sections.items():
        assert f"`{LEDGER[cid].provenance}`" in body, cid


def test_zhang_contribution_level_claims_are_covered_by_ledger_claims():
    from theory.ledger import CONTRIBUTIONS

    zp = [c for c in CONTRIBUTIONS if c.paper == "zhang2025"]
    assert len(zp) == 6  # the brief's six contribution-level claims
    assert all(c.covered_by and set(c.covered_by) <= set(LEDGER) for c in zp)


def _ledger_assumptions():
    for c in LEDGER.values():
        yield c.id, c.assumptions
        if c.repair is not None:
            yield f"{c.id} (repair)", c.repair.assumptions


def test_assumption_names_are_unique_and_every_assumption_has_an_evaluator():
    """One source of truth per domain: a name means one formula everywhere, and each assumption has an
    evaluator registered by the numerics layer (theory.assumptions)."""
    from theory.assumptions import has_evaluator

    load_checks()
    formulas: dict[str, set[str]] = {}
    for _, assumptions in _ledger_assumptions():
        for a in assumptions:
            formulas.setdefault(a.name, set()).add(a.formula)
    clashes = {n: f for n, f in formulas.items() if len(f) > 1}
    assert not clashes, clashes
    missing = sorted(n for n in formulas if not has_evaluator(n))
    assert not missing, f"assumptions without an evaluator: {missing}"


def test_experimental_claims_are_about_what_the_protocol_produces():
    """The one verdict rule (theory/verdicts.py): an experimental claim is decided by the authors' protocol."""
    exp = [c for c in LEDGER.values() if c.kind == "experiment"]
    assert exp and all(c.quantifier == "selected-by:protocol" for c in exp), [c.id for c in exp if c.quantifier != "selected-by:protocol"]


def test_code_and_docs_never_point_outside_the_repo():
    """Everything the repo says about itself is inside it: no paths into a sibling checkout."""
    needles = ("../shared", "shared/papers", "DESIGN.md", "/work/")
    bad = []
    for path in REPO.rglob("*"):
        if path.is_dir() or ".git" in path.parts or ".venv" in path.parts or path.suffix not in {".py", ".md", ".toml", ".txt", ".json", ".cfg"}:
            continue
        if "egg-info" in str(path) or path.name in ("test_ledger.py", "test_audit_report.py"):  # they search for these strings
            continue
        text = path.read_text(errors="ignore")
        bad += [f"{path.relative_to(REPO)}: {n}" for n in needles if n in text]
    assert not bad, bad
