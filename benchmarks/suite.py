"""Wall time of the default audit (``lamcheck audit --scale ci``, per check from report.json) and of the
claim-tied tests (``pytest -m theorem``, per test from ``--durations``), each in a fresh subprocess."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _checks(data: dict) -> list[dict]:
    rows = []
    for c in data.get("claims", []):
        for target, checks in (("claim", c.get("checks", [])), ("repair", (c.get("repair") or {}).get("checks", []))):
            for r in checks:
                rows.append({"claim": c["id"], "target": target, "kind": r.get("kind"), "name": r.get("name"),
                             "status": r.get("status"), "seconds": r.get("seconds", 0.0)})
    return rows


def audit_seconds(args: tuple[str, ...] = ("--scale", "ci"), top: int = 20, timeout: float = 3600) -> dict:
    """Run ``lamcheck audit`` with ``args`` into a temporary folder; wall seconds, exit code, the check
    seconds summed by claim and by check module, and the ``top`` slowest checks."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "report"
        t0 = time.perf_counter()
        proc = subprocess.run([sys.executable, "-m", "lamcheck", "audit", *args, "--out", str(out)], cwd=ROOT,
                              capture_output=True, text=True, timeout=timeout)
        wall = time.perf_counter() - t0
        data = json.loads((out / "report.json").read_text()) if (out / "report.json").exists() else {}
    rows = _checks(data)
    by_claim: dict[str, float] = {}
    by_module: dict[str, float] = {}
    for r in rows:
        by_claim[r["claim"]] = by_claim.get(r["claim"], 0.0) + r["seconds"]
        module = (r["name"] or "").split(":", 1)[0]
        by_module[module] = by_module.get(module, 0.0) + r["seconds"]
    total = sum(r["seconds"] for r in rows)
    return {"command": "lamcheck audit " + " ".join(args), "seconds": wall, "returncode": proc.returncode,
            "check_seconds_total": total, "checks": len(rows), "timing": data.get("timing", {}),
            "slowest_checks": sorted(rows, key=lambda r: -r["seconds"])[:top],
            "by_claim": dict(sorted(by_claim.items(), key=lambda kv: -kv[1])),
            "by_module": dict(sorted(by_module.items(), key=lambda kv: -kv[1])),
            "stderr_tail": proc.stderr[-2000:] if proc.returncode else ""}


_DURATION = re.compile(r"^\s*([0-9.]+)s\s+(call|setup|teardown)\s+(\S+)")


def theorem_tests_seconds(args: tuple[str, ...] = ("-m", "theorem"), top: int = 25, timeout: float = 3600) -> dict:
    """Run ``pytest -q <args> --durations=top``; wall seconds, exit code, pass/fail summary, slowest tests."""
    t0 = time.perf_counter()
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", *args, f"--durations={top}"], cwd=ROOT,
                          capture_output=True, text=True, timeout=timeout, env=env)
    wall = time.perf_counter() - t0
    slow = [{"seconds": float(m.group(1)), "phase": m.group(2), "test": m.group(3)}
            for m in map(_DURATION.match, proc.stdout.splitlines()) if m]
    summary = next((ln.strip("= ") for ln in reversed(proc.stdout.splitlines()) if " in " in ln and ("passed" in ln or "failed" in ln)), "")
    return {"command": "pytest -q " + " ".join(args), "seconds": wall, "returncode": proc.returncode, "summary": summary,
            "slowest_tests": slow[:top]}
