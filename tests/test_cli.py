"""The command line (docs/contract.md, "Command line" and "Output safety").

Bad input is one line on stderr, exit 2, nothing written and no check run; an audit never deletes or
overwrites a file it did not write; `--version`, `claims --json` and `claims --show` answer from the
ledger. Audits here are small subsets (the default audit is tests/test_audit_report.py).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from lamcheck.cli import main
from lamcheck.outdir import MANIFEST, read_manifest, write_files

SMALL = ["--claim", "ZP-P2", "--tier", "numeric", "--jobs", "1"]  # one numeric check, about 2 s


@pytest.fixture
def fake_audit(monkeypatch):
    """Audits that return one made-up confirming check at once: for tests of where reports go, which
    do not depend on what the checks find (real audits: the tests above and below this fixture's users)."""
    import lamcheck.audit
    from theory.checks import CheckResult
    from theory.ledger import get_claim

    def run_audit(claims, tiers, ctx, on_check=None, **kw):
        return [lamcheck.audit.ClaimReport(c, [CheckResult("numeric", "confirms", "made up", name="fake:check")])
                for c in claims], 0.01

    monkeypatch.setattr(lamcheck.audit, "run_audit", run_audit)
    return get_claim


@pytest.fixture
def no_checks(monkeypatch):
    """Fail loudly if a check would run (bad input must be refused before the first check)."""
    import lamcheck.audit
    import lamcheck.executors

    def refuse(*a, **k):
        raise AssertionError("a check ran")

    monkeypatch.setattr(lamcheck.audit, "run_audit", refuse)
    monkeypatch.setattr(lamcheck.executors, "execute", refuse)


def _one_line_exit_2(argv, capsys, needle):
    assert main(argv) == 2
    cap = capsys.readouterr()
    assert cap.err.count("\n") == 1 and cap.err.startswith("lamcheck: error: "), cap.err
    assert needle in cap.err, cap.err
    assert cap.out == ""
    return cap.err


@pytest.mark.parametrize("argv,needle", [
    (["audit", "--claim", "NOPE"], "--claim: unknown claim id 'NOPE'"),
    (["audit", "--paper", "smith2024"], "--paper: unknown paper 'smith2024'"),
    (["audit", "--tier", "numeric,vibes"], "--tier: unknown tier vibes"),
    (["audit", "--scale", "huge"], "--scale: unknown scale 'huge'"),
    (["audit", "--seed", "x"], "--seed: 'x' is not an integer"),
    (["audit", "--seed", "abc"], "--seed: 'abc' is not an integer"),
    (["audit", "--seed", "1.5"], "--seed: '1.5' is not an integer"),
    (["audit", "--seed", "-3"], "--seed: -3 is negative"),
    (["audit", "--seed", "4294967296"], "--seed: 4294967296 is too large"),
    (["audit", "--device", "tpu"], "--device: unknown device 'tpu'"),
    (["audit", "--jobs", "0"], "--jobs: '0' is not a positive integer"),
    (["audit", "--jobs", "two"], "--jobs: 'two' is not a positive integer"),
    (["audit", "--executor", "dask"], "--executor: unknown executor 'dask'"),
    (["audit", "--address", "auto"], "--address: only with --executor ray"),
    (["audit", "--paper", "lee2026", "--claim", "ZP-P1"], "--claim: ZP-P1 not in paper lee2026"),
])
def test_bad_input_is_one_line_exit_2_nothing_written_no_check_run(argv, needle, tmp_path, capsys, no_checks):
    out = tmp_path / "rep"
    _one_line_exit_2(argv + ["--out", str(out)], capsys, needle)
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_unknown_options_and_claims_errors_are_one_line(capsys, no_checks):
    _one_line_exit_2(["audit", "--bogus"], capsys, "unrecognized arguments: --bogus")
    _one_line_exit_2(["claims", "--paper", "x"], capsys, "--paper: unknown paper 'x'")
    _one_line_exit_2(["claims", "--show", "NOPE"], capsys, "--show: unknown claim id 'NOPE'")


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_bad_out_is_refused_before_any_check(tmp_path, capsys, no_checks):
    user_file = tmp_path / "notes.txt"
    user_file.write_text("mine")
    cases = [
        (str(user_file), f"--out: {user_file} is a file, not a folder"),
        (str(user_file / "sub"), f"--out: {user_file / 'sub'} lies below {user_file}, which is a file"),
        ("/proc/x", "--out: /proc/x cannot be created: /proc is not writable"),
        ("", "--out: empty path"),
        ("  ", "--out: empty path"),
    ]
    for out, needle in cases:
        before = _snapshot(tmp_path)
        _one_line_exit_2(["audit", *SMALL, "--out", out], capsys, needle)
        assert _snapshot(tmp_path) == before and sorted(os.listdir(tmp_path)) == ["notes.txt"]
    assert not Path("/proc/x").exists()


def test_a_folder_that_is_not_a_lamcheck_report_is_refused(tmp_path, capsys, no_checks, monkeypatch):
    # the observed failure: `lamcheck audit --claim ZP-D1 --out .` deleted the user's own figures/ folder
    (tmp_path / "figures").mkdir()
    (tmp_path / "figures" / "mine.png").write_bytes(b"my figure")
    (tmp_path / "report.md").write_text("my own report")
    before = _snapshot(tmp_path)
    monkeypatch.chdir(tmp_path)
    err = _one_line_exit_2(["audit", "--claim", "ZP-D1", "--out", "."], capsys,
                           f"--out: . is not empty and holds no lamcheck report (no {MANIFEST})")
    assert "new or empty folder" in err
    assert _snapshot(tmp_path) == before


def _claim_without(tiers: set[str]) -> str:
    """A ledger claim with no check of these tiers (it reads not-run when only they are audited)."""
    from lamcheck.registry import load_checks
    from theory.checks import registered_checks
    from theory.ledger import LEDGER

    load_checks()
    return next(cid for cid in LEDGER if not {s.kind for s in registered_checks(cid)} & tiers)


def test_audit_writes_the_report_contract(tmp_path, capsys):
    from theory.checks import registered_checks

    idle = _claim_without({"numeric", "convex"})
    out = tmp_path / "rep"
    assert main(["audit", "--claim", "ZP-P2", idle, "--tier", "numeric,convex", "--jobs", "2", "--out", str(out)]) == 0
    data = json.loads((out / "report.json").read_text())
    assert data["schema_version"] == "2.1"
    assert [c["id"] for c in data["claims"]] == ["ZP-P2", idle]
    zp, other = data["claims"]
    assert {"id", "paper", "provenance", "verdict", "verdict_label", "quantifier", "checks", "ranges",
            "counterexample", "repair", "assumptions"} <= set(zp)
    expected = [(s.name, s.kind) for s in registered_checks("ZP-P2") if s.target == "claim" and s.kind in ("numeric", "convex")]
    assert [(c["name"], c["kind"]) for c in zp["checks"]] == expected and {k for _, k in expected} == {"numeric", "convex"}
    assert zp["verdict"] == "verified" and zp["counterexample"] is None
    assert all({"kind", "status", "detail", "answers", "role", "ranges"} <= set(c) for c in zp["checks"])
    assert all(c["role"] in ("decides", "explains") for c in zp["checks"])
    assert other["verdict"] == "not-run" and other["checks"] == []
    assert {"versions", "seed", "device", "commit"} <= set(data["environment"])
    assert data["environment"]["versions"]["torch"].startswith("2.")
    assert data["selection"] == {"full": False, "paper": None, "claims": ["ZP-P2", idle], "tiers": ["numeric", "convex"]}
    assert data["timing"]["jobs"] == 2 and data["timing"]["executor"] == "local"
    pca = next(c for c in data["contributions"] if "PCA reduction" in c["text"])
    assert {"id": "ZP-P2", "verdict": "verified", "repair_verdict": None} in pca["covered_by"]
    assert {"id": "ZP-P1", "verdict": "not-audited", "repair_verdict": None} in pca["covered_by"]
    md = (out / "report.md").read_text()
    assert md.index("## Findings") < md.index("| [ZP-P2](#zp-p2) | zhang2025 | paper |")
    summary = capsys.readouterr().out
    assert "ZP-P2" in summary and "1 verified" in summary and "1 not-run" in summary
    manifest = read_manifest(out)
    assert sorted(manifest.files) == ["report.json", "report.md"] and manifest.full is False


def test_files_the_user_had_in_the_report_folder_are_untouched(tmp_path, capsys, monkeypatch):
    import lamcheck.audit

    out = tmp_path / "rep"
    real = lamcheck.audit.run_audit
    with monkeypatch.context() as mp:  # a first (made-up) audit makes `out` a lamcheck report folder
        mp.setattr(lamcheck.audit, "run_audit", lambda claims, *a, **k: ([lamcheck.audit.ClaimReport(c) for c in claims], 0.0))
        assert main(["audit", *SMALL, "--out", str(out)]) == 0
    assert lamcheck.audit.run_audit is real
    (out / "notes.txt").write_text("my notes")
    (out / "figures" / "mine.png").write_bytes(b"my figure")
    (out / "mine").mkdir()
    (out / "mine" / "data.csv").write_text("1,2")
    mine = {p: (out / p).read_bytes() for p in ("notes.txt", "figures/mine.png", "mine/data.csv")}
    stamps = {p: (out / p).stat().st_mtime_ns for p in mine}
    first = json.loads((out / "report.json").read_text())
    assert main(["audit", *SMALL, "--seed", "1", "--out", str(out)]) == 0  # a real audit into the same folder
    assert {p: (out / p).read_bytes() for p in mine} == mine
    assert {p: (out / p).stat().st_mtime_ns for p in mine} == stamps
    second = json.loads((out / "report.json").read_text())
    assert (first["environment"]["seed"], second["environment"]["seed"]) == (0, 1)
    assert first["claims"][0]["checks"] == [] and second["claims"][0]["checks"][0]["status"] == "confirms"
    assert sorted(read_manifest(out).files) == ["report.json", "report.md"]
    assert not [p for p in out.iterdir() if p.name.startswith(".lamcheck-staging")]


def test_a_file_lamcheck_wrote_but_the_user_edited_is_never_overwritten(tmp_path, capsys, fake_audit):
    out = tmp_path / "rep"
    assert main(["audit", *SMALL, "--out", str(out)]) == 0
    (out / "report.md").write_text("my edits")
    assert main(["audit", *SMALL, "--out", str(out)]) == 0
    assert (out / "report.md").read_text() == "my edits"
    assert json.loads((out / "run-1" / "report.json").read_text())["claims"][0]["id"] == "ZP-P2"
    assert "the report went to" in capsys.readouterr().err


def _fake_full_report(folder: Path) -> dict[str, bytes]:
    def produce(staging: Path) -> None:
        (staging / "figures").mkdir()
        (staging / "figures" / "zp_e6_x.png").write_bytes(b"png")
        (staging / "report.json").write_text('{"claims": []}')
        (staging / "report.md").write_text("full report")
    write_files(folder, produce, full=True, selection={"full": True})
    return _snapshot(folder)


def test_a_subset_audit_never_clobbers_a_full_report(tmp_path, capsys, fake_audit):
    out = tmp_path / "rep"
    full = _fake_full_report(out)
    assert main(["audit", *SMALL, "--out", str(out)]) == 0
    subsets = [p for p in out.iterdir() if p.name.startswith("subset-")]
    assert len(subsets) == 1 and subsets[0].name.startswith("subset-zp-p2-")
    assert {k: v for k, v in _snapshot(out).items() if not k.startswith("subset-")} == full
    assert json.loads((subsets[0] / "report.json").read_text())["selection"]["claims"] == ["ZP-P2"]
    assert f"report: {subsets[0] / 'report.md'}" in capsys.readouterr().out
    # the same subset again replaces its own subset report, still leaving the full report alone
    assert main(["audit", *SMALL, "--out", str(out)]) == 0
    assert [p.name for p in out.iterdir() if p.name.startswith("subset-")] == [subsets[0].name]


def test_stale_files_of_lamchecks_own_previous_report_are_removed(tmp_path):
    out = tmp_path / "rep"
    _fake_full_report(out)

    def produce(staging: Path) -> None:
        (staging / "figures").mkdir()
        (staging / "report.json").write_text("{}")
        (staging / "report.md").write_text("new")
    write_files(out, produce, full=True, selection={"full": True})
    assert _snapshot(out).keys() == {"report.json", "report.md", MANIFEST}
    assert (out / "figures").is_dir()


def test_version_and_claims_listing(capsys):
    from importlib.metadata import version

    assert main(["--version"]) == 0
    assert capsys.readouterr().out == f"lamcheck {version('lamcheck')}\n"
    assert main(["claims", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)["claims"]
    from theory.ledger import LEDGER

    assert [r["id"] for r in rows] == list(LEDGER)
    assert all(r["quantifier"] == LEDGER[r["id"]].quantifier for r in rows)
    assert {"id", "paper", "provenance", "title", "quantifier", "checks", "tests"} <= set(rows[0])


def test_claims_show_prints_statement_assumptions_checks_with_docstrings_tests_and_repair(capsys):
    from lamcheck.registry import load_checks
    from theory.checks import registered_checks
    from theory.ledger import get_claim

    load_checks()
    claim = next(c for c in map(get_claim, ("ZP-P3", "ZP-P4", "ZP-P5")) if c.repair is not None)
    assert main(["claims", "--show", claim.id, "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert (d["id"], d["statement"], d["provenance"], d["quantifier"]) == (claim.id, claim.statement, claim.provenance,
                                                                           claim.quantifier)
    assert [a["name"] for a in d["assumptions"]] == [a.name for a in claim.assumptions]
    specs = [s for s in registered_checks(claim.id) if s.target == "claim"]
    assert [c["name"] for c in d["checks"]] == [s.name for s in specs]
    assert all(c["role"] in ("decides", "explains") for c in d["checks"])
    assert d["repair"]["statement"] == claim.repair.statement
    assert main(["claims", "--show", claim.id]) == 0
    text = capsys.readouterr().out
    assert text.startswith(f"{claim.id}  {claim.title}\n")
    assert "statement:" in text and "assumptions:" in text and "tests:" in text and "repair (quantifier" in text
    for s in specs:
        assert s.name in text and s.title in text
        if s.fn.__doc__:
            assert s.fn.__doc__.strip().splitlines()[0].strip() in text
    assert "(no docstring)" not in text  # a check without a docstring is described by its title alone
    assert all(c["doc"] is None or c["doc"].strip() for c in d["checks"])


def test_cuda_without_cuda_is_a_usage_error(tmp_path, capsys, no_checks):
    import torch

    if torch.cuda.is_available():
        pytest.skip("this machine has CUDA")
    _one_line_exit_2(["audit", "--claim", "ZP-P1", "--device", "cuda", "--out", str(tmp_path / "r")], capsys,
                     "--device: cuda requested but torch sees no CUDA device")
    assert not (tmp_path / "r").exists()


def test_ray_executor_without_ray_is_a_usage_error(tmp_path, capsys, no_checks, monkeypatch):
    import lamcheck.executors

    monkeypatch.setattr(lamcheck.executors, "ray_available", lambda: False)
    _one_line_exit_2(["audit", *SMALL, "--executor", "ray", "--out", str(tmp_path / "r")], capsys,
                     "--executor: ray is not installed (install the extra: pip install 'lamcheck[ray]')")
    assert not (tmp_path / "r").exists()


def test_full_scale_training_without_cuda_is_not_run_unless_cpu_is_chosen():
    from lamcheck.audit import run_claim
    from lamcheck.registry import load_checks
    from theory.checks import CheckContext
    from theory.ledger import get_claim

    load_checks()
    auto = run_claim(get_claim("ZP-P1"), ["trained"], CheckContext(scale="full", cuda_available=False))
    assert auto.verdict == "not-run" and {r.status for r in auto.results} == {"skipped"}
    assert "--device cpu" in auto.results[0].detail


def test_the_installed_command_keeps_hypothesis_files_out_of_the_working_folder(tmp_path):
    """`lamcheck audit` in a clean folder leaves that folder as it was (hypothesis writes to a cache)."""
    cwd, cache = tmp_path / "work", tmp_path / "cache"
    cwd.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "HYPOTHESIS_STORAGE_DIRECTORY"}
    env["XDG_CACHE_HOME"] = str(cache)
    proc = subprocess.run([sys.executable, "-m", "lamcheck", "audit", *SMALL, "--out", str(tmp_path / "rep")],
                          cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert list(cwd.iterdir()) == []
    assert (cache / "lamcheck" / "hypothesis").is_dir()  # where the search's files went instead
    assert "ZP-P2" in proc.stdout and (tmp_path / "rep" / "report.json").is_file()


def test_an_unreachable_ray_address_is_refused_at_once(tmp_path, capsys, no_checks, monkeypatch):
    import socket

    import lamcheck.executors

    monkeypatch.setattr(lamcheck.executors, "ray_available", lambda: True)
    with socket.socket() as s:  # a port that was free a moment ago: nothing listens there
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    _one_line_exit_2(["audit", *SMALL, "--executor", "ray", "--address", f"127.0.0.1:{port}",
                      "--out", str(tmp_path / "r")], capsys, f"--address: nothing answers at 127.0.0.1:{port}")
    assert not (tmp_path / "r").exists()


def test_a_full_audit_replaces_a_subset_report_and_a_forged_manifest_is_no_report(tmp_path, capsys, fake_audit):
    out = tmp_path / "rep"
    assert main(["audit", *SMALL, "--out", str(out)]) == 0
    assert read_manifest(out).full is False
    assert main(["audit", "--jobs", "1", "--out", str(out)]) == 0  # every claim, every tier
    data = json.loads((out / "report.json").read_text())
    assert data["selection"]["full"] is True and read_manifest(out).full is True
    assert not [p for p in out.iterdir() if p.name.startswith(("subset-", "run-"))]
    forged = tmp_path / "forged"
    forged.mkdir()
    (forged / MANIFEST).write_text(json.dumps({"lamcheck_manifest": 1, "files": {"../outside.txt": "0" * 64}}))
    capsys.readouterr()
    _one_line_exit_2(["audit", *SMALL, "--out", str(forged)], capsys, "holds no lamcheck report")
    assert os.listdir(forged) == [MANIFEST]
