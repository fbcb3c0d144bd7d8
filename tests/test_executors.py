"""Executors (docs/contract.md, "Executors"): checks grouped by module into tasks, run in worker
processes or on Ray, re-assembled in ledger order. report.json is byte-identical for every executor
and number of jobs apart from the timing fields."""

from __future__ import annotations

import json
import os

import pytest

from lamcheck.audit import plan, run_audit, tasks
from lamcheck.cli import main
from lamcheck.executors import THREAD_ENV, CheckCall, Task, run_local, thread_env
from lamcheck.registry import load_checks
from lamcheck import report
from lamcheck.report import dumps
from theory.checks import CheckContext, CheckResult
from theory.ledger import get_claim

# Two check modules (two tasks, so --jobs 2 runs both at once), two refutations with their repairs
# checks: every path of the assembly, in about 7 s of checks.
SUBSET = ["--claim", "ZP-P4", "ZP-C1", "--tier", "numeric"]


def without_timing(report_json: str) -> str:
    """report.json minus what may differ between runs of the same audit: ``timing`` and every
    ``seconds`` / ``*_seconds`` key (docs/contract.md, "report.json")."""
    return dumps(report.without_timing(json.loads(report_json)))


@pytest.fixture(scope="module")
def audits(tmp_path_factory):
    """The SUBSET audited with --jobs 1 and --jobs 2 (and on Ray when it is installed), from one commit id.

    Run once per session even under pytest-xdist: the first worker runs them under a file lock in the
    session's shared temporary folder, the others read the reports."""
    import lamcheck.environment
    from filelock import FileLock

    base = tmp_path_factory.getbasetemp()
    root = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "executor-audits"
    root.mkdir(exist_ok=True)
    runs = [("jobs1", ["--jobs", "1"]), ("jobs2", ["--jobs", "2"])]
    try:
        import ray  # noqa: F401
        runs.append(("ray", ["--jobs", "2", "--executor", "ray"]))
    except ImportError:
        pass
    out = {}
    with FileLock(str(root / "lock")), pytest.MonkeyPatch.context() as mp:
        # a colleague committing between two runs must not change the report: pin the commit id
        mp.setattr(lamcheck.environment, "git_commit", lambda: "pinned")
        for name, extra in runs:
            report = root / name / "report.json"
            if not report.exists():
                assert main(["audit", *SUBSET, *extra, "--out", str(root / name)]) == 0
            out[name] = report.read_text()
    return out


def test_report_json_is_byte_identical_for_jobs_1_and_2(audits):
    one, two = without_timing(audits["jobs1"]), without_timing(audits["jobs2"])
    assert one == two
    data = json.loads(audits["jobs2"])
    assert [c["id"] for c in data["claims"]] == ["ZP-P4", "ZP-C1"]
    assert (json.loads(audits["jobs1"])["timing"]["jobs"], data["timing"]["jobs"]) == (1, 2)
    # the subset really exercises a refutation with its repair's checks (else identity would be cheap)
    assert any(c["verdict"] == "refuted" and c["counterexample"] and c["repair"]["checks"] for c in data["claims"]), \
        "SUBSET no longer holds a refuted claim with a checked repair: choose one that does"


def test_ray_gives_the_same_report_as_the_local_executor(audits):
    pytest.importorskip("ray", reason="ray is an optional extra: pip install -e .[ray]")
    assert without_timing(audits["ray"]) == without_timing(audits["jobs2"])
    assert json.loads(audits["ray"])["timing"]["executor"] == "ray"


def _ctx() -> CheckContext:
    return CheckContext(scale="ci")


def test_tasks_are_one_per_check_module_with_calls_in_ledger_order():
    load_checks()
    claims = [get_claim(c) for c in ("ZP-P1", "ZP-P2", "ZP-P3")]
    planned = plan(claims, ["symbolic", "numeric", "convex", "trained"], _ctx())
    work = tasks(planned, _ctx())
    modules = [t.module for t in work]
    assert len(modules) == len(set(modules))
    assert modules == list(dict.fromkeys(p.spec.module for p in planned))  # order of first appearance
    calls = [(c.claim_id, c.name, c.target) for t in work for c in t.calls]
    assert sorted(calls) == sorted((p.claim.id, p.spec.name, p.spec.target) for p in planned)
    for t in work:
        assert all(c.name.split(":")[0] == t.module for c in t.calls)
        order = [(p.claim.id, p.spec.name, p.spec.target) for p in planned if p.spec.module == t.module]
        assert [(c.claim_id, c.name, c.target) for c in t.calls] == order
    # ZP-P1 and ZP-P2 share numerics.zhang2025.pca: one task, so its module-level caches serve both
    pca = next(t for t in work if t.module == "numerics.zhang2025.pca")
    assert {c.claim_id for c in pca.calls} == {"ZP-P1", "ZP-P2"}


def test_results_are_reassembled_in_ledger_order_whatever_order_tasks_finish(monkeypatch):
    import lamcheck.audit

    load_checks()

    def backwards(work, on_done, **kw):
        for i in reversed(range(len(work))):
            on_done(i, [CheckResult(c.kind, "confirms", f"{c.claim_id} {c.name}", name=c.name) for c in work[i].calls])

    monkeypatch.setattr(lamcheck.audit, "execute", backwards)
    claims = [get_claim(c) for c in ("ZP-P1", "ZP-P2", "ZP-P3")]
    seen = []
    reports, _ = run_audit(claims, ["symbolic", "numeric", "convex"], _ctx(), lambda s, r: seen.append(s.claim_id))
    assert [r.claim.id for r in reports] == ["ZP-P1", "ZP-P2", "ZP-P3"]
    for rep in reports:
        planned = [p.spec.name for p in plan([rep.claim], ["symbolic", "numeric", "convex"], _ctx())
                   if p.spec.target == "claim"]
        assert [r.name for r in rep.results] == planned
        assert all(r.detail.startswith(rep.claim.id) for r in rep.results + rep.repair_results)
    assert seen[0] == "ZP-P3"  # on_check follows completion order, the reports do not


def test_a_worker_that_fails_turns_its_checks_into_errors():
    bad = Task("nowhere", (CheckCall("ZP-P1", "nowhere:missing", "claim", "numeric", "t"),
                           CheckCall("ZP-P1", "nowhere:other", "claim", "convex", "t")))
    got = {}
    run_local([bad], jobs=2, on_done=lambda i, rs: got.setdefault(i, rs))
    assert [(r.kind, r.status, r.name) for r in got[0]] == [("numeric", "error", "nowhere:missing"),
                                                            ("convex", "error", "nowhere:other")]
    assert got[0][0].detail.startswith("worker failed: KeyError")


def test_timing_fields_are_the_seconds_keys_and_the_timing_block():
    data = {"schema_version": "2.0", "timing": {"seconds": 3.0},
            "claims": [{"id": "X", "checks": [{"seconds": 1.0, "measured": {"train_seconds": 2.0, "loss": 0.5,
                                                                              "runs": [{"seconds": 4, "steps": 9}]}}]}]}
    assert report.without_timing(data) == {"schema_version": "2.0",
                                           "claims": [{"id": "X", "checks": [{"measured": {"loss": 0.5,
                                                                                            "runs": [{"steps": 9}]}}]}]}


def test_workers_get_one_blas_thread_and_the_parent_environment_is_restored(monkeypatch):
    monkeypatch.setenv("OMP_NUM_THREADS", "7")
    monkeypatch.delenv("OPENBLAS_NUM_THREADS", raising=False)
    with thread_env():
        assert {k: os.environ[k] for k in THREAD_ENV} == THREAD_ENV
    assert os.environ["OMP_NUM_THREADS"] == "7" and "OPENBLAS_NUM_THREADS" not in os.environ
