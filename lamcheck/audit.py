"""Running the checks of a set of claims and turning their results into verdicts.

`plan` picks the checks (claims in ledger order, each claim's checks in registry order), `tasks`
cuts them into one task per check module, an executor (`lamcheck.executors`) runs the tasks, and
`run_audit` re-assembles the results in plan order, re-validates every refutation's typed witness
against its claim's assumptions and builds one `ClaimReport` per claim (docs/contract.md).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

from lamcheck.executors import CheckCall, Task, execute
from theory.assumptions import validate_witness
from theory.checks import CheckContext, CheckResult, CheckSpec, registered_checks, skipped
from theory.claims import Claim
from theory.verdicts import claim_verdict, deciding, explaining, verdict_label


@dataclass
class ClaimReport:
    """A claim with the results of its checks, its verdict and (if it has one) its repair's verdict."""

    claim: Claim
    results: list[CheckResult] = field(default_factory=list)
    repair_results: list[CheckResult] = field(default_factory=list)

    @property
    def quantifier(self) -> str | None:
        return self.claim.quantifier

    @property
    def repair_quantifier(self) -> str | None:
        rep = self.claim.repair
        return (rep.quantifier or self.claim.quantifier) if rep else None

    @property
    def verdict(self) -> str:
        return claim_verdict(self.results, self.quantifier)

    @property
    def verdict_label(self) -> str:
        return verdict_label(self.verdict, self.claim.provenance)

    @property
    def repair_verdict(self) -> str | None:
        return claim_verdict(self.repair_results, self.repair_quantifier) if self.claim.repair else None

    def deciding(self, repair: bool = False) -> list[CheckResult]:
        return deciding(self.repair_results, self.repair_quantifier) if repair else deciding(self.results, self.quantifier)

    def explaining(self, repair: bool = False) -> list[CheckResult]:
        return (explaining(self.repair_results, self.repair_quantifier) if repair
                else explaining(self.results, self.quantifier))

    @property
    def crashed(self) -> bool:
        return any(r.status == "error" for r in self.results + self.repair_results)


def _gpu_only(spec: CheckSpec, ctx: CheckContext) -> bool:
    """Trained checks at full scale need CUDA; without it they are skipped with a recorded reason,
    unless the user chose the CPU explicitly (``--device cpu``)."""
    return spec.kind == "trained" and ctx.full and not ctx.cuda_available and not ctx.cpu_full_ok


GPU_SKIP = "full-scale training needs CUDA; none available (use a GPU, or --device cpu to train on the CPU)"


def revalidate(claim: Claim, spec: CheckSpec, result: CheckResult) -> CheckResult:
    """A refutation's witness must lie inside its claim's domain, and so must the example a confirmed
    counter-claim reports (its claim is "under these assumptions, this can fail"): re-evaluate the claim's
    (or the repair's) assumptions on the typed witness; a violated one turns the check into an error."""
    witness = result.status == "refutes" or (claim.kind == "counter-claim" and result.status == "confirms")
    if not witness or result.process is None:
        return result
    violated = validate_witness(claim, result.process, repair=spec.target == "repair")
    if not violated:
        return result
    why = "; ".join(f"{e.name}: {e.reason}" for e in violated)
    return replace(result, status="error", detail=f"{'counterexample' if result.status == 'refutes' else 'witness'} outside the claim's domain ({why}); was: {result.detail}")


@dataclass(frozen=True)
class Planned:
    """One selected check of one claim; ``skip`` is the recorded reason when it will not run."""

    claim: Claim
    spec: CheckSpec
    skip: str | None = None


def plan(claims: Sequence[Claim], tiers: Sequence[str], ctx: CheckContext) -> list[Planned]:
    """The checks to run: claims in the given (ledger) order, each claim's checks in registry order."""
    return [Planned(c, s, GPU_SKIP if _gpu_only(s, ctx) else None)
            for c in claims for s in registered_checks(c.id) if s.kind in tiers]


def tasks(planned: Sequence[Planned], ctx: CheckContext) -> list[Task]:
    """One task per check module (modules in order of first appearance, calls in plan order)."""
    by_module: dict[str, list[CheckCall]] = {}
    for p in planned:
        if p.skip is None:
            by_module.setdefault(p.spec.module, []).append(
                CheckCall(p.claim.id, p.spec.name, p.spec.target, p.spec.kind, p.spec.title))
    return [Task(module, tuple(calls), scale=ctx.scale.name, device=ctx.device, seed=ctx.seed,
                 cuda_available=ctx.cuda_available, cpu_full_ok=ctx.cpu_full_ok)
            for module, calls in by_module.items()]


OnCheck = Callable[[CheckSpec, CheckResult], None]


def run_audit(claims: Sequence[Claim], tiers: Sequence[str], ctx: CheckContext, on_check: OnCheck | None = None,
              *, executor: str = "inline", jobs: int = 1, address: str | None = None,
              say: Callable[[str], None] | None = None) -> tuple[list[ClaimReport], float]:
    """Run the selected checks on ``executor`` and build the claims' reports (in ``claims`` order).

    ``on_check(spec, result)`` is called as results arrive (completion order); the reports do not
    depend on that order, the executor or ``jobs``. Returns the reports and the wall time."""
    t0 = time.perf_counter()
    claims = list({c.id: c for c in claims}.values())  # a claim named twice runs once
    planned = plan(claims, tiers, ctx)
    work = tasks(planned, ctx)
    results: dict[tuple[str, str, str], CheckResult] = {}
    specs = {(p.claim.id, p.spec.name, p.spec.target): p for p in planned}

    def store(key: tuple[str, str, str], result: CheckResult) -> None:
        p = specs[key]
        results[key] = revalidate(p.claim, p.spec, result)
        if on_check:
            on_check(p.spec, results[key])

    for p in planned:
        if p.skip is not None:
            store((p.claim.id, p.spec.name, p.spec.target), replace(skipped(p.spec.kind, p.skip), name=p.spec.name))

    def on_done(i: int, task_results: list) -> None:
        for call, result in zip(work[i].calls, task_results):
            store((call.claim_id, call.name, call.target), result)

    execute(work, on_done, executor=executor, jobs=jobs, address=address, say=say)
    reports = {c.id: ClaimReport(c) for c in claims}
    for p in planned:
        r = results[(p.claim.id, p.spec.name, p.spec.target)]
        rep = reports[p.claim.id]
        (rep.results if p.spec.target == "claim" else rep.repair_results).append(r)
    return [reports[c.id] for c in claims], time.perf_counter() - t0


def run_claim(claim: Claim, tiers: Sequence[str], ctx: CheckContext, on_check: OnCheck | None = None) -> ClaimReport:
    """One claim's checks, in this process (the library entry point tests use)."""
    return run_audit([claim], tiers, ctx, on_check)[0][0]
