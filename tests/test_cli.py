"""The command line: bad input is one line and exit 2 with nothing written; a real audit writes the
contract's report.json keys, report.md and figures."""

from __future__ import annotations

import json

import pytest

from lamcheck.cli import main


@pytest.mark.parametrize("argv,needle", [
    (["audit", "--claim", "NOPE"], "--claim: unknown claim id 'NOPE'"),
    (["audit", "--paper", "smith2024"], "--paper: unknown paper 'smith2024'"),
    (["audit", "--tier", "numeric,vibes"], "--tier: unknown tier vibes"),
    (["audit", "--scale", "huge"], "--scale: unknown scale 'huge'"),
    (["audit", "--seed", "x"], "--seed: 'x' is not an integer"),
    (["audit", "--device", "tpu"], "--device: unknown device 'tpu'"),
    (["audit", "--paper", "lee2026", "--claim", "ZP-P1"], "--claim: ZP-P1 not in paper lee2026"),
    (["audit", "--bogus"], "unrecognized arguments: --bogus"),
    (["claims", "--paper", "x"], "--paper: unknown paper 'x'"),
])
def test_bad_input_is_one_line_exit_2_and_nothing_written(argv, needle, tmp_path, capsys):
    out = tmp_path / "rep"
    assert main(argv + (["--out", str(out)] if argv[0] == "audit" and "--bogus" not in argv else [])) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("lamcheck: error: ") and needle in err
    assert not out.exists()


def test_cuda_without_cuda_is_a_usage_error(tmp_path, capsys):
    import torch

    if torch.cuda.is_available():
        pytest.skip("this machine has CUDA")
    assert main(["audit", "--claim", "ZP-P1", "--device", "cuda", "--out", str(tmp_path / "r")]) == 2
    assert capsys.readouterr().err == "lamcheck: error: --device: cuda requested but torch sees no CUDA device\n"
    assert not (tmp_path / "r").exists()


@pytest.mark.theorem("ZP-P2")
def test_audit_writes_the_report_contract(tmp_path, capsys):
    out = tmp_path / "rep"
    assert main(["audit", "--claim", "ZP-P2", "LA-T2", "--tier", "numeric,convex", "--out", str(out)]) == 0
    data = json.loads((out / "report.json").read_text())
    assert [c["id"] for c in data["claims"]] == ["ZP-P2", "LA-T2"]
    zp, la = data["claims"]
    assert {"id", "paper", "provenance", "verdict", "checks", "counterexample", "repair"} <= set(zp)
    assert zp["verdict"] == "verified" and [c["kind"] for c in zp["checks"]] == ["numeric", "convex"]
    assert all({"kind", "status", "detail"} <= set(c) for c in zp["checks"])
    assert la["verdict"] == "not-run" and la["provenance"] == "reconstructed"
    assert {"versions", "seed", "device", "commit"} <= set(data["environment"])
    pca = next(c for c in data["contributions"] if "PCA reduction" in c["text"])
    assert {"id": "ZP-P2", "verdict": "verified", "repair_verdict": None} in pca["covered_by"]
    assert data["environment"]["versions"]["torch"].startswith("2.")
    md = (out / "report.md").read_text()
    assert "| [ZP-P2](#zp-p2) | zhang2025 | paper | **verified**" in md
    summary = capsys.readouterr().out
    assert "ZP-P2" in summary and "1 verified" in summary and "1 not-run" in summary


def test_full_scale_training_without_cuda_is_not_run_unless_cpu_is_chosen(monkeypatch):
    from lamcheck.audit import run_claim
    from lamcheck.registry import load_checks
    from theory.checks import CheckContext

    load_checks()
    from theory.ledger import get_claim

    auto = run_claim(get_claim("ZP-P1"), ["trained"], CheckContext(scale="full", cuda_available=False))
    assert auto.verdict == "not-run" and auto.results[0].status == "skipped"
    assert "--device cpu" in auto.results[0].detail
