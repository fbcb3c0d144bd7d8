"""report.json and report.md, rendered from the checks' data (docs/contract.md, "report.json").

Checks return data (status, measured numbers, ranges, series, witness); every sentence of report.md
that is not a check's own ``detail`` is written here from that data. report.json holds everything
complete (no value is ever cut); report.md is for reading: a findings summary first, then the table,
then claim by claim with compact counterexamples (shapes, leading entries, the violated quantity).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from lamcheck.audit import ClaimReport
from lamcheck.figures import render
from lamcheck.jsondata import plain, witness_json
from lamcheck.outdir import Written, write_files
from theory.checks import KINDS, CheckResult
from theory.verdicts import EXACT_KINDS, deciding, first_refutation, first_witness, verdict_label

#: Bumped in its major part when a key is renamed or removed, in its minor part when keys are added.
SCHEMA_VERSION = "2.1"
VERDICT_ORDER = ("verified", "refuted", "inconclusive", "not-run")


def slug(claim_id: str) -> str:
    """The prefix of a claim's figure names: ``ZP-E6`` -> ``zp_e6``."""
    return claim_id.lower().replace("-", "_")


# --- report.json ------------------------------------------------------------------------------------

def _answers(r: CheckResult, quantifier: str | None) -> str | None:
    """The quantifier a result answers: its own declaration, else its claim's."""
    return r.answers if r.answers is not None else quantifier


def _role(r: CheckResult, quantifier: str | None) -> str:
    return "decides" if r.answers is None or r.answers == quantifier else "explains"


def figure_names(reports: Sequence[ClaimReport]) -> dict[tuple[int, int], str]:
    """(id(result), figure index) -> file stem, unique within the report (a repeated name gets ``-2``...)."""
    names: dict[tuple[int, int], str] = {}
    seen: Counter[str] = Counter()
    for rep in reports:
        for r in rep.results + rep.repair_results:
            for i, f in enumerate(r.figures):
                seen[f.name] += 1
                names[(id(r), i)] = f.name if seen[f.name] == 1 else f"{f.name}-{seen[f.name]}"
    return names


def check_json(r: CheckResult, quantifier: str | None, figures: dict[tuple[int, int], str]) -> dict:
    out = {"name": r.name, "kind": r.kind, "status": r.status, "detail": r.detail,
           "answers": _answers(r, quantifier), "role": _role(r, quantifier), "seconds": round(r.seconds, 3),
           "measured": plain(dict(r.measured)), "ranges": {k: plain(v.to_json()) for k, v in r.ranges.items()},
           "counterexample": plain(r.counterexample)}
    if r.process is not None:
        out.update(witness_json(r.process))
    out["figures"] = [f"figures/{figures[(id(r), i)]}.png" for i in range(len(r.figures))]
    return out


def merged_ranges(results: Sequence[CheckResult], quantifier: str | None) -> dict:
    """The ranges of a claim's checks, one entry per quantity (deciding checks first, then in order),
    each naming its check and the quantifier it answers; a second check that computed a different
    range for the same quantity is listed under ``conflicts``."""
    ordered = sorted(results, key=lambda r: _role(r, quantifier) != "decides")
    out: dict[str, dict] = {}
    for r in ordered:
        for q, rng in r.ranges.items():
            entry = {**plain(rng.to_json()), "check": r.name, "answers": _answers(r, quantifier)}
            if q not in out:
                out[q] = entry
            elif (out[q]["min"], out[q]["max"]) != (entry["min"], entry["max"]):
                out[q].setdefault("conflicts", []).append({"check": r.name, "min": entry["min"], "max": entry["max"]})
    return out


def _witness_json(r: CheckResult | None) -> dict | None:
    """``{check, kind, <the check's counterexample fields>}`` complete, with its typed process
    (``process_type``, ``process``) when the check attached one; None for no check."""
    if r is None:
        return None
    out = {"check": r.name, "kind": r.kind, **plain(dict(r.counterexample or {}))}
    if r.process is not None:
        out.update(witness_json(r.process))
    return out


def counterexample_json(results: Sequence[CheckResult], quantifier: str | None) -> dict | None:
    """The witness of the claim's reported refutation (`theory.verdicts.first_refutation`); None if
    nothing refutes."""
    return _witness_json(first_refutation(results, quantifier))


def counter_claim_witness_json(rep: ClaimReport) -> dict | None:
    """For a confirmed counter-claim, the example that shows the failure it asserts
    (`theory.verdicts.first_witness`); None for every other claim."""
    if rep.claim.kind != "counter-claim" or rep.verdict != "verified":
        return None
    return _witness_json(first_witness(rep.results, rep.quantifier))


def _assumptions_json(assumptions) -> list[dict]:
    from theory.assumptions import has_evaluator

    return [{"name": a.name, "formula": a.formula, "hidden": a.hidden, "evaluator": has_evaluator(a.name)}
            for a in assumptions]


def claim_json(rep: ClaimReport, tests: Sequence[str], figures: dict[tuple[int, int], str]) -> dict:
    c = rep.claim
    q = rep.quantifier
    repair = None
    if c.repair is not None:
        rq = rep.repair_quantifier
        repair = {"statement": c.repair.statement, "note": c.repair.note, "quantifier": rq,
                  "assumptions": _assumptions_json(c.repair.assumptions), "verdict": rep.repair_verdict,
                  "verdict_label": verdict_label(rep.repair_verdict, c.provenance),
                  "checks": [check_json(r, rq, figures) for r in rep.repair_results],
                  "ranges": merged_ranges(rep.repair_results, rq),
                  "counterexample": counterexample_json(rep.repair_results, rq)}
    return {"id": c.id, "paper": c.paper, "where": c.where, "provenance": c.provenance,
            "provenance_note": c.provenance_note, "kind": c.kind, "title": c.title, "statement": c.statement,
            "quantifier": q, "assumptions": _assumptions_json(c.assumptions),
            "verdict": rep.verdict, "verdict_label": rep.verdict_label,
            "checks": [check_json(r, q, figures) for r in rep.results], "ranges": merged_ranges(rep.results, q),
            "counterexample": counterexample_json(rep.results, q), "witness": counter_claim_witness_json(rep),
            "repair": repair, "tests": list(tests)}


def contributions_json(reports: Sequence[ClaimReport]) -> list[dict]:
    """Contribution-level claims of the audited papers, each with the verdicts of the claims covering it."""
    from theory.ledger import CONTRIBUTIONS

    by_id = {rep.claim.id: rep for rep in reports}
    papers = {rep.claim.paper for rep in reports}
    out = []
    for c in CONTRIBUTIONS:
        if c.paper not in papers:
            continue
        cover = [{"id": cid, "verdict": by_id[cid].verdict if cid in by_id else "not-audited",
                  "repair_verdict": by_id[cid].repair_verdict if cid in by_id else None} for cid in c.covered_by]
        out.append({"paper": c.paper, "text": c.text, "covered_by": cover})
    return out


def report_data(reports: Sequence[ClaimReport], env: dict, tests: dict[str, list[str]], *, selection: dict,
                timing: dict, figures: dict[tuple[int, int], str] | None = None) -> dict:
    """The whole of report.json. Only ``timing`` and each check's ``seconds`` vary between runs of
    the same audit (executor, jobs, wall time); everything else is a function of the checks' data."""
    figures = figure_names(reports) if figures is None else figures
    return {"schema_version": SCHEMA_VERSION, "selection": selection,
            "claims": [claim_json(rep, tests.get(rep.claim.id, []), figures) for rep in reports],
            "contributions": contributions_json(reports),
            "counts": {v: sum(rep.verdict == v for rep in reports) for v in VERDICT_ORDER},
            "environment": plain(env), "timing": plain(timing)}


def is_timing_key(key: str) -> bool:
    """Wall-clock fields: ``timing`` at the top, and every key named ``seconds`` or ending in
    ``_seconds`` (a check's own and those a check puts in ``measured``, e.g. ``train_seconds``)."""
    return key == "seconds" or key.endswith("_seconds")


def without_timing(data):
    """report.json data minus its wall-clock fields (`is_timing_key`, and the top-level ``timing``):
    what is byte-identical between two runs of the same audit on the same commit, whatever the
    executor and the number of jobs."""
    def strip(x):
        if isinstance(x, dict):
            return {k: strip(v) for k, v in x.items() if not is_timing_key(str(k))}
        if isinstance(x, list):
            return [strip(v) for v in x]
        return x
    return strip({k: v for k, v in data.items() if k != "timing"})


def dumps(data: dict) -> str:
    """report.json text: strict JSON (no NaN/Infinity), never truncated; objects one key a line,
    arrays of numbers (vectors, matrices) on one line each."""
    return _dump(data, 0) + "\n"


def _leafy(v) -> bool:
    return isinstance(v, list) and all((isinstance(x, list) and _leafy(x)) or not isinstance(x, (list, dict)) for x in v)


def _dump(v, level: int) -> str:
    pad, inner = " " * level, " " * (level + 1)
    if isinstance(v, dict):
        if not v:
            return "{}"
        items = [f"{inner}{json.dumps(str(k), ensure_ascii=False)}: {_dump(x, level + 1)}" for k, x in v.items()]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if isinstance(v, list) and v and not _leafy(v):
        return "[\n" + ",\n".join(inner + _dump(x, level + 1) for x in v) + "\n" + pad + "]"
    return json.dumps(v, allow_nan=False, ensure_ascii=False, separators=(", ", ": "))


# --- summary table (stdout) -------------------------------------------------------------------------

def _status_mark(status: str) -> str:
    return {"confirms": "+", "refutes": "-"}.get(status, "?")


def summary_rows(reports: Sequence[ClaimReport]) -> list[tuple[str, ...]]:
    rows = []
    for rep in reports:
        kinds = " ".join(f"{r.kind[:3]}:{_status_mark(r.status)}" + ("(e)" if _role(r, rep.quantifier) == "explains" else "")
                         for r in rep.results) or "-"
        repair = f" (repair {rep.repair_verdict})" if rep.repair_verdict else ""
        rows.append((rep.claim.id, rep.claim.provenance, rep.verdict_label + repair, kinds, rep.claim.title))
    return rows


def summary_table(reports: Sequence[ClaimReport]) -> str:
    rows = [("claim", "provenance", "verdict", "checks", "title")] + summary_rows(reports)
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    lines = ["  ".join(r[i].ljust(widths[i]) for i in range(4)) + "  " + r[4] for r in rows]
    counts = Counter(rep.verdict for rep in reports)
    lines.append("")
    lines.append(", ".join(f"{counts[v]} {v}" for v in VERDICT_ORDER))
    return "\n".join(lines)


# --- report.md --------------------------------------------------------------------------------------

_NP_SCALAR = re.compile(r"\bnp\.(?:float|int|uint|complex)\d*\(([^()]*)\)|\bnp\.(?:bool_|True_|False_)\(([^()]*)\)")


def prose(text: str) -> str:
    """A check's detail for markdown: numpy scalar reprs (``np.float64(0.5)``) shown as their value."""
    return _NP_SCALAR.sub(lambda m: m.group(1) if m.group(1) is not None else m.group(2), text)


def cell(text: str) -> str:
    """Text inside a markdown table cell."""
    return prose(str(text)).replace("|", "\\|").replace("\n", " ")


def num(x) -> str:
    if isinstance(x, bool):
        return str(x).lower()
    if isinstance(x, int):
        return str(x)
    if isinstance(x, float):
        return f"{x:.4g}"
    return str(x)


def _shape(v) -> tuple[int, ...] | None:
    """The shape of a rectangular nested list of numbers, else None."""
    if not isinstance(v, list):
        return () if isinstance(v, (int, float)) and not isinstance(v, bool) else None
    if not v:
        return (0,)
    inner = [_shape(x) for x in v]
    if any(s is None for s in inner) or len(set(inner)) != 1:
        return None
    return (len(v), *inner[0])


def _nested(v) -> str:
    return "[" + ", ".join(_nested(x) for x in v) + "]" if isinstance(v, list) else num(v)


def _flat(v) -> list:
    return [y for x in v for y in _flat(x)] if isinstance(v, list) else [v]


def compact(v, width: int = 4) -> str:
    """A short rendering of a JSON value: arrays by shape and leading entries, long text cut (the
    full value is in report.json)."""
    if isinstance(v, list):
        shape = _shape(v)
        if shape is not None and shape != (0,) and len(_flat(v)) <= 6:
            return f"{'×'.join(map(str, shape))} {_nested(v)}"
        if shape is not None and shape != (0,):
            lead = _flat(v)[:width]
            more = ", …" if len(_flat(v)) > width else ""
            kind = {1: "vector", 2: "matrix"}.get(len(shape), "array")
            return f"{kind} {'×'.join(map(str, shape))} [{', '.join(num(x) for x in lead)}{more}]"
        items = ", ".join(compact(x, width) for x in v[:width])
        return f"[{items}{', …' if len(v) > width else ''}]"
    if isinstance(v, dict):
        scalars = [f"{k} = {compact(x)}" for k, x in v.items() if not isinstance(x, (list, dict))]
        arrays = [f"{k}: {compact(x, 2)}" for k, x in v.items() if isinstance(x, (list, dict))]
        parts = scalars + arrays
        return "{" + "; ".join(parts[:8]) + ("; …" if len(parts) > 8 else "") + "}"
    if isinstance(v, str):
        v = prose(v)
        return v if len(v) <= 160 else v[:157] + "…"
    return num(v)


def counterexample_lines(ce: dict, where: str, title: str = "Counterexample") -> list[str]:
    """The compact counterexample: scalars (the violated quantity among them) first, then arrays by
    shape and leading entries, then the typed process by its dimensions."""
    meta = {"check", "kind", "process", "process_type"}
    scal = [(k, v) for k, v in ce.items() if k not in meta and not isinstance(v, (list, dict))]
    arr = [(k, v) for k, v in ce.items() if k not in meta and isinstance(v, (list, dict))]
    out = [f"{title} (from `{ce['check']}`, {ce['kind']}; complete values in report.json, `{where}`):", ""]
    out += [f"- {k}: {compact(v)}" for k, v in scal + arr]
    if "process" in ce:
        p = ce["process"]
        dims = ", ".join(f"{k} = {num(v)}" for k, v in p.items() if not isinstance(v, (list, dict)))
        mats = ", ".join(f"{k} {'×'.join(map(str, _shape(v) or ()))}" for k, v in p.items()
                         if isinstance(v, list) and _shape(v))
        out.append(f"- witness process `{ce['process_type'].rsplit('.', 1)[-1]}`: {dims}" + (f"; matrices {mats}" if mats else ""))
    return out


def _quantifier_words(q: str | None) -> str:
    if q is None:
        return "none (not a claim about an optimum)"
    if q == "every-minimiser":
        return "`every-minimiser` (about every global minimiser)"
    if q == "some-minimiser":
        return "`some-minimiser` (about at least one global minimiser)"
    return f"`{q}` (about the minimiser that {q.split(':', 1)[1]} selects)"


def _check_line(r: CheckResult, quantifier: str | None, figures: dict, *, show_answers: bool) -> list[str]:
    ans = f", answers `{_answers(r, quantifier)}`" if show_answers and _answers(r, quantifier) else ""
    lines = [f"- {r.kind} — **{r.status}**{ans} ({r.seconds:.1f} s): {prose(r.detail)}  \n  `{r.name}`"]
    for i, f in enumerate(r.figures):
        lines.append(f"\n  ![{f.title}](figures/{figures[(id(r), i)]}.png)" + (f"\n  *{prose(f.caption)}*" if f.caption else ""))
    return lines


def _which_answers_which(results: Sequence[CheckResult], quantifier: str | None) -> str | None:
    """One sentence when the checks answer different quantifiers: which kinds answer which."""
    groups: dict[str | None, list[str]] = {}
    for r in sorted(results, key=lambda r: _role(r, quantifier) != "decides"):
        kinds = groups.setdefault(_answers(r, quantifier), [])
        if r.kind not in kinds:
            kinds.append(r.kind)
    if len(groups) < 2:
        return None
    parts = [f"{', '.join(kinds)} checks answer `{q or 'no quantifier'}` ({'decide' if q == quantifier else 'explain'})"
             for q, kinds in groups.items()]
    return "Which evidence answers which: " + "; ".join(parts) + "."


def _ranges_table(ranges: dict) -> list[str]:
    if not ranges:
        return []
    out = ["| quantity | range over the minimisers | ends attained | exact | method | check |", "|---|---|---|---|---|---|"]
    for q, r in ranges.items():
        lo, hi = r["min"], r["max"]
        span = f"= {num(lo)} (unique)" if lo == hi else f"[{num(lo)}, {num(hi)}]"
        att = {(True, True): "both", (True, False): "min only", (False, True): "max only", (False, False): "neither"}[
            (bool(r["min_attained"]), bool(r["max_attained"]))]
        conflict = f" (differs: {', '.join(c['check'] for c in r['conflicts'])})" if r.get("conflicts") else ""
        out.append(f"| {cell(q)} | {span} | {att} | {'yes' if r['exact'] else 'enclosure'} | {cell(r['method'])} | "
                   f"`{r['check'].rsplit(':', 1)[-1]}`{conflict} |")
    return out


def findings(reports: Sequence[ClaimReport]) -> list[str]:
    """The opening summary: what holds, what fails (with the repaired statements), what is undecided,
    what did not run; one line each."""
    holds = [r for r in reports if r.verdict == "verified"]
    fails = [r for r in reports if r.verdict == "refuted"]
    undecided = [r for r in reports if r.verdict == "inconclusive"]
    notrun = [r for r in reports if r.verdict == "not-run"]
    out = ["## Findings", ""]
    if holds:
        out += [f"**What holds** ({len(holds)}: verified, every deciding check confirms):", ""]
        out += [f"- [{r.claim.id}](#{r.claim.id.lower()}) {r.claim.title}." for r in holds] + [""]
    if fails:
        out += [f"**What fails** ({len(fails)}: a counterexample to the statement as written; the repaired statement "
                "and its own verdict where there is one):", ""]
        for r in fails:
            rep = (f" Repaired ({r.repair_verdict}): {prose(r.claim.repair.statement)}" if r.claim.repair
                   else " No repaired statement yet.")
            out.append(f"- [{r.claim.id}](#{r.claim.id.lower()}) {r.claim.title} — {r.verdict_label}.{rep}")
        out.append("")
    if undecided:
        out += [f"**Undecided** ({len(undecided)}: inconclusive):", ""]
        for r in undecided:
            why = ", ".join(f"{x.kind} {x.status}" for x in r.results if x.status not in ("confirms",)) or "mixed evidence"
            out.append(f"- [{r.claim.id}](#{r.claim.id.lower()}) {r.claim.title} — {why}.")
        out.append("")
    if notrun:
        out += [f"**Not run** ({len(notrun)}: no deciding check ran, e.g. none registered yet or a tier skipped): "
                + ", ".join(r.claim.id for r in notrun) + ".", ""]
    return out


def markdown(reports: Sequence[ClaimReport], env: dict, tests: dict[str, list[str]], seconds: float,
             figures: dict[tuple[int, int], str] | None = None) -> str:
    figures = figure_names(reports) if figures is None else figures
    counts = Counter(rep.verdict for rep in reports)
    out = ["# lamcheck audit report", "",
           f"Scale `{env['scale']}`, device `{env['device']}`, seed {env['seed']}, commit `{env['commit']}`, "
           f"{seconds:.1f} s. Verdicts: " + ", ".join(f"{counts[v]} {v}" for v in VERDICT_ORDER) + ".", ""]
    out += findings(reports)
    out += ["## All claims", "",
            "Provenance: `paper` = the paper's own statement; `paper-abstract` = only abstract-level text exists; "
            "`reconstructed` = this project's formalisation (the formal text was not available). A refuted "
            "reconstruction reads \"refuted (reconstruction)\": the counterexample is to this project's statement, "
            "not necessarily to the paper's.", "",
            "| claim | paper | provenance | quantifier | verdict | checks | title |", "|---|---|---|---|---|---|---|"]
    for rep in reports:
        checks = ", ".join(f"{r.kind} {r.status}" + (" (explains)" if _role(r, rep.quantifier) == "explains" else "")
                           for r in rep.results) or "none yet"
        rv = f" (repair: {rep.repair_verdict})" if rep.repair_verdict else ""
        out.append(f"| [{rep.claim.id}](#{rep.claim.id.lower()}) | {rep.claim.paper} | {rep.claim.provenance} | "
                   f"{cell(rep.quantifier or '-')} | **{rep.verdict_label}**{rv} | {checks} | {cell(rep.claim.title)} |")
    contributions = contributions_json(reports)
    if contributions:
        out += ["", "## Contribution-level claims", "",
                "These have no id of their own; the evidence is the verdicts of the claims that cover them.", "",
                "| paper | contribution | covered by |", "|---|---|---|"]
        for c in contributions:
            cover = "; ".join(f"{x['id']} ({x['verdict']}" + (f", repair {x['repair_verdict']}" if x.get("repair_verdict") else "")
                              + ")" for x in c["covered_by"])
            out.append(f"| {c['paper']} | {cell(c['text'])} | {cover} |")
    for k, rep in enumerate(reports):
        out += [""] + claim_section(rep, k, tests.get(rep.claim.id, []), figures)
    out += ["", "## Environment", "", "```json", json.dumps(plain(env), indent=1, allow_nan=False), "```", ""]
    return "\n".join(out)


def claim_section(rep: ClaimReport, index: int, tests: Sequence[str], figures: dict) -> list[str]:
    c = rep.claim
    q = rep.quantifier
    out = [f"## {c.id}", "", f"**{prose(c.title)}** — {c.paper}, {c.where}. Provenance: `{c.provenance}`"
           + (f" ({prose(c.provenance_note)})" if c.provenance_note else "") + ".", "", f"> {prose(c.statement)}", "",
           f"Quantifier: {_quantifier_words(q)}.", ""]
    if c.assumptions:
        out += ["Assumptions:", ""] + [f"- `{a.name}`{' (hidden: not stated in the paper)' if a.hidden else ''}: "
                                       f"{prose(a.formula)}" for a in c.assumptions] + [""]
    out += [f"Verdict: **{rep.verdict_label}**.", ""]
    out += _evidence(rep.results, q, figures, repair=False)
    data_ranges = merged_ranges(rep.results, q)
    if data_ranges:
        out += ["Ranges over the set of global minimisers:", ""] + _ranges_table(data_ranges) + [""]
    ce = counterexample_json(rep.results, q)
    if ce:
        out += counterexample_lines(ce, f"claims[{index}].counterexample") + [""]
    wit = counter_claim_witness_json(rep)
    if wit:
        out += counterexample_lines(wit, f"claims[{index}].witness", title="Witness of the failure") + [""]
    if c.repair:
        rq = rep.repair_quantifier
        out += [f"Repaired statement — **{verdict_label(rep.repair_verdict, c.provenance)}**"
                + (f" (quantifier `{rq}`)" if rq else "") + f": {prose(c.repair.statement)}", ""]
        if c.repair.note:
            out += [prose(c.repair.note), ""]
        if c.repair.assumptions:
            out += ["The repair adds:", ""] + [f"- `{a.name}`: {prose(a.formula)}" for a in c.repair.assumptions] + [""]
        out += _evidence(rep.repair_results, rq, figures, repair=True)
        rr = merged_ranges(rep.repair_results, rq)
        if rr:
            out += ["Ranges (repair):", ""] + _ranges_table(rr) + [""]
        rce = counterexample_json(rep.repair_results, rq)
        if rce:
            out += counterexample_lines(rce, f"claims[{index}].repair.counterexample") + [""]
    if tests:
        out += ["Tests: " + ", ".join(f"`{t}`" for t in tests), ""]
    return out


def _evidence(results: Sequence[CheckResult], q: str | None, figures: dict, *, repair: bool) -> list[str]:
    if not results:
        return ["No checks of the repair ran." if repair else "No checks ran.", ""]
    decide = [r for r in results if _role(r, q) == "decides"]
    explain = [r for r in results if _role(r, q) == "explains"]
    what = "the repair's" if repair else "the claim's"
    out = []
    if decide:
        out += [f"Deciding checks (answer {what} quantifier" + (f", `{q}`" if q else "") + "):", ""]
        for r in sorted(decide, key=lambda r: KINDS.index(r.kind)):
            out += _check_line(r, q, figures, show_answers=False)
        out.append("")
    if explain:
        out += ["Explaining checks (answer another quantifier; they explain the verdict, they do not decide it):", ""]
        for r in explain:
            out += _check_line(r, q, figures, show_answers=True)
        out.append("")
    which = _which_answers_which(results, q)
    if which:
        out += [which, ""]
    return out


# --- writing ----------------------------------------------------------------------------------------

def write_report(target: Path, reports: Sequence[ClaimReport], env: dict, tests: dict[str, list[str]], *,
                 seconds: float, selection: dict, full: bool, timing: dict | None = None) -> Written:
    """Render the figures, report.json and report.md and write them into ``target`` under the output
    policy of `lamcheck.outdir` (never touching a file lamcheck did not write)."""
    figures = figure_names(reports)
    timing = {"seconds": round(seconds, 2), **(timing or {})}

    def produce(staging: Path) -> None:
        (staging / "figures").mkdir()
        for rep in reports:
            for r in rep.results + rep.repair_results:
                for i, f in enumerate(r.figures):
                    render(f, staging / "figures", figures[(id(r), i)])
        data = report_data(reports, env, tests, selection=selection, timing=timing, figures=figures)
        (staging / "report.json").write_text(dumps(data))
        (staging / "report.md").write_text(markdown(reports, env, tests, seconds, figures))

    return write_files(Path(target), produce, full=full, selection=selection)
