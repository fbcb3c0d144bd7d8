"""report.json (the contract of DESIGN.md) and report.md, written atomically with the figures."""

from __future__ import annotations

import json
import math
import shutil
import tempfile
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from lamcheck.audit import ClaimReport
from lamcheck.figures import render
from theory.checks import CheckResult


def _jsonable(x):
    """numpy scalars/arrays and non-finite floats to plain JSON values."""
    if isinstance(x, dict):
        return {str(k): _jsonable(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_jsonable(v) for v in x]
    if isinstance(x, np.ndarray):
        return _jsonable(x.tolist())
    if isinstance(x, (np.floating, float)):
        return float(x) if math.isfinite(float(x)) else None
    if isinstance(x, (np.integer,)):
        return int(x)
    if isinstance(x, np.bool_):
        return bool(x)
    return x


def _check_json(r: CheckResult) -> dict:
    return {"name": r.name, "kind": r.kind, "status": r.status, "detail": r.detail, "seconds": round(r.seconds, 3),
            "measured": _jsonable(dict(r.measured)), "counterexample": _jsonable(r.counterexample),
            "figures": [f"figures/{f.name}.png" for f in r.figures]}


def claim_json(rep: ClaimReport, tests: Sequence[str]) -> dict:
    c = rep.claim
    repair = None
    if c.repair is not None:
        repair = {"statement": c.repair.statement, "note": c.repair.note, "verdict": rep.repair_verdict,
                  "checks": [_check_json(r) for r in rep.repair_results]}
    return {"id": c.id, "paper": c.paper, "where": c.where, "provenance": c.provenance,
            "provenance_note": c.provenance_note, "kind": c.kind, "title": c.title, "statement": c.statement,
            "assumptions": [{"name": a.name, "formula": a.formula} for a in c.assumptions],
            "verdict": rep.verdict, "checks": [_check_json(r) for r in rep.results],
            "counterexample": _jsonable(rep.counterexample), "repair": repair, "tests": list(tests)}


def summary_rows(reports: Sequence[ClaimReport]) -> list[tuple[str, ...]]:
    rows = []
    for rep in reports:
        kinds = " ".join(f"{r.kind[:3]}:{'+' if r.status == 'confirms' else '-' if r.status == 'refutes' else '?'}"
                         for r in rep.results) or "-"
        repair = f" (repair {rep.repair_verdict})" if rep.repair_verdict else ""
        rows.append((rep.claim.id, rep.claim.provenance, rep.verdict + repair, kinds, rep.claim.title))
    return rows


def summary_table(reports: Sequence[ClaimReport]) -> str:
    rows = [("claim", "provenance", "verdict", "checks", "title")] + summary_rows(reports)
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    lines = ["  ".join(r[i].ljust(widths[i]) for i in range(4)) + "  " + r[4] for r in rows]
    counts = Counter(rep.verdict for rep in reports)
    lines.append("")
    lines.append(", ".join(f"{counts[v]} {v}" for v in ("verified", "refuted", "inconclusive", "not-run")))
    return "\n".join(lines)


def contributions_json(reports: Sequence[ClaimReport]) -> list[dict]:
    """Contribution-level claims of the audited papers, each with the verdicts of the claims covering it."""
    from theory.ledger import CONTRIBUTIONS

    by_id = {rep.claim.id: rep for rep in reports}
    papers = {rep.claim.paper for rep in reports}
    out = []
    for c in CONTRIBUTIONS:
        if c.paper not in papers:
            continue
        cover = [{"id": cid, "verdict": by_id[cid].verdict if cid in by_id else "not-run",
                  "repair_verdict": by_id[cid].repair_verdict if cid in by_id else None} for cid in c.covered_by]
        out.append({"paper": c.paper, "text": c.text, "covered_by": cover})
    return out


def _cover_text(cover: dict) -> str:
    rv = f", repair {cover['repair_verdict']}" if cover.get("repair_verdict") else ""
    return f"{cover['id']} ({cover['verdict']}{rv})"


def markdown(reports: Sequence[ClaimReport], env: dict, tests: dict[str, list[str]], seconds: float) -> str:
    counts = Counter(rep.verdict for rep in reports)
    out = ["# lamcheck audit report", "",
           f"Scale `{env['scale']}`, device `{env['device']}`, seed {env['seed']}, commit `{env['commit']}`, "
           f"{seconds:.1f} s. Verdicts: " + ", ".join(f"{counts[v]} {v}" for v in ("verified", "refuted", "inconclusive", "not-run")) + ".",
           "", "Provenance: `paper` = the paper's own statement; `paper-abstract` = only abstract-level text exists; "
           "`reconstructed` = this project's formalisation (the formal text was not available).", "",
           "| claim | paper | provenance | verdict | checks | title |", "|---|---|---|---|---|---|"]
    for rep in reports:
        checks = ", ".join(f"{r.kind} {r.status}" for r in rep.results) or "none yet"
        rv = f" (repair: {rep.repair_verdict})" if rep.repair_verdict else ""
        out.append(f"| [{rep.claim.id}](#{rep.claim.id.lower()}) | {rep.claim.paper} | {rep.claim.provenance} | "
                   f"**{rep.verdict}**{rv} | {checks} | {rep.claim.title} |")
    contributions = contributions_json(reports)
    if contributions:
        out += ["", "## Contribution-level claims", "",
                "These have no id of their own; the evidence is the verdicts of the claims that cover them.", "",
                "| paper | contribution | covered by |", "|---|---|---|"]
        out += [f"| {c['paper']} | {c['text']} | {'; '.join(_cover_text(x) for x in c['covered_by'])} |" for c in contributions]
    for rep in reports:
        c = rep.claim
        out += ["", f"## {c.id}", "", f"**{c.title}** — {c.paper}, {c.where}. Provenance: `{c.provenance}`"
                + (f" ({c.provenance_note})" if c.provenance_note else "") + ".", "", f"> {c.statement}", ""]
        if c.assumptions:
            out.append("Assumptions: " + "; ".join(f"`{a.name}`: {a.formula}" for a in c.assumptions) + ".")
            out.append("")
        out.append(f"Verdict: **{rep.verdict}**.")
        for r in rep.results + rep.repair_results:
            out.append(f"- {r.kind} — {r.status} ({r.seconds:.1f} s): {r.detail}  \n  `{r.name}`")
            for f in r.figures:
                out.append(f"\n  ![{f.title}](figures/{f.name}.png)\n  *{f.caption}*")
        if rep.counterexample:
            out += ["", "Counterexample:", "```json", json.dumps(_jsonable(rep.counterexample), indent=1)[:3000], "```"]
        if c.repair:
            out += ["", f"Repaired statement ({rep.repair_verdict}): {c.repair.statement}"]
        if tests.get(c.id):
            out += ["", "Tests: " + ", ".join(f"`{t}`" for t in tests[c.id])]
    out += ["", "## Environment", "", "```json", json.dumps(env, indent=1), "```", ""]
    return "\n".join(out)


def write_report(out_dir: Path, reports: Sequence[ClaimReport], env: dict, tests: dict[str, list[str]],
                 seconds: float) -> Path:
    """Write report.json, report.md and figures/ into a temporary folder, then move it into place,
    so an interrupted run leaves no half-written report."""
    out_dir = Path(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".lamcheck-", dir=out_dir.parent))
    try:
        (tmp / "figures").mkdir()
        for rep in reports:
            for r in rep.results + rep.repair_results:
                for f in r.figures:
                    render(f, tmp / "figures")
        data = {"claims": [claim_json(rep, tests.get(rep.claim.id, [])) for rep in reports],
                "contributions": contributions_json(reports),
                "environment": env, "seconds": round(seconds, 2)}
        (tmp / "report.json").write_text(json.dumps(_jsonable(data), indent=1))
        (tmp / "report.md").write_text(markdown(reports, env, tests, seconds))
        for name in ("report.json", "report.md", "figures"):
            target = out_dir / name
            if target.is_dir():
                shutil.rmtree(target)
            elif target.exists():
                target.unlink()
        out_dir.mkdir(parents=True, exist_ok=True)
        for item in tmp.iterdir():
            item.rename(out_dir / item.name)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return out_dir
