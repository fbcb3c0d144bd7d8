"""Checks: the executable evidence attached to a claim.

A check is a function ``f(ctx: CheckContext) -> CheckResult`` registered against a claim id with
`register_check`. Symbolic checks live in `theory`, numeric/convex/exhaustive ones in `numerics`,
trained ones in `gpu_checks`; each layer registers into the one registry defined here, so the
layering (`lamcheck -> gpu_checks -> numerics -> theory`) is kept: only downward imports.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

KINDS = ("symbolic", "numeric", "convex", "exhaustive", "trained")
STATUSES = ("confirms", "refutes", "undecided", "skipped", "error")
SCALES = ("ci", "full")
TARGETS = ("claim", "repair")


@dataclass(frozen=True)
class Series:
    """One line of a figure: ``y`` against ``x`` (equal lengths); optional symmetric error bars
    ``yerr`` (drawn as bars on point styles) or a band ``lo``..``hi`` (e.g. min..max over seeds,
    which stays positive on a log axis)."""

    label: str
    x: Sequence[float]
    y: Sequence[float]
    yerr: Sequence[float] | None = None
    style: str = "-"  # matplotlib format string: "-" closed form, "o" trained points, "--" bound
    lo: Sequence[float] | None = None
    hi: Sequence[float] | None = None


@dataclass(frozen=True)
class FigureSpec:
    """A figure as data; `lamcheck.figures` renders it. ``name`` becomes ``figures/<name>.png``."""

    name: str
    title: str
    xlabel: str
    ylabel: str
    series: tuple[Series, ...]
    logy: bool = False
    caption: str = ""


@dataclass(frozen=True)
class CheckResult:
    """The outcome of one check.

    ``counterexample`` is required for ``refutes``: the smallest instance found and the violated
    quantity, as JSON-serialisable data. ``measured`` holds the key numbers with their tolerances,
    so the report can show what was found next to what theory predicts.
    """

    kind: str
    status: str
    detail: str
    counterexample: Mapping[str, Any] | None = None
    measured: Mapping[str, Any] = field(default_factory=dict)
    figures: tuple[FigureSpec, ...] = ()
    name: str = ""
    seconds: float = 0.0

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"check kind {self.kind!r} is not one of {KINDS}")
        if self.status not in STATUSES:
            raise ValueError(f"check status {self.status!r} is not one of {STATUSES}")
        if self.status == "refutes" and not self.counterexample:
            raise ValueError("a refuting check must carry its counterexample")


def confirms(kind: str, detail: str, **kw: Any) -> CheckResult:
    return CheckResult(kind=kind, status="confirms", detail=detail, **kw)


def refutes(kind: str, detail: str, counterexample: Mapping[str, Any], **kw: Any) -> CheckResult:
    return CheckResult(kind=kind, status="refutes", detail=detail, counterexample=counterexample, **kw)


def skipped(kind: str, detail: str) -> CheckResult:
    return CheckResult(kind=kind, status="skipped", detail=detail)


def judged(kind: str, ok: bool, detail: str, *, counterexample: Mapping[str, Any] | None = None,
           **kw: Any) -> CheckResult:
    """``confirms`` when ``ok``; otherwise ``refutes`` with ``counterexample`` (required then)."""
    if ok:
        return confirms(kind, detail, **kw)
    return refutes(kind, detail, counterexample or {"summary": detail}, **kw)


def judge_facts(kind: str, facts: Mapping[str, bool], note: str = "", *, noun: str = "facts", key: str = "facts",
                prefix: str = "", counterexample: Mapping[str, Any] | None = None,
                measured: Mapping[str, Any] | None = None, **kw: Any) -> CheckResult:
    """Judge named derived facts (name -> bool): ``confirms`` iff every one holds. The detail reads
    "<prefix>k/n <noun> hold<note>" plus the failed names; the failed names go into the counterexample
    and all facts into ``measured[key]``."""
    failed = [k for k, v in facts.items() if not v]
    detail = f"{prefix}{len(facts) - len(failed)}/{len(facts)} {noun} hold{note}" + (f"; failed: {failed}" if failed else "")
    return judged(kind, not failed, detail, counterexample={**(counterexample or {}), "failed": failed},
                  measured={key: dict(facts), **(measured or {})}, **kw)


def _noop(_: str) -> None:
    return None


@dataclass(frozen=True)
class CheckContext:
    """What a check may depend on besides its claim: scale (``ci``: CPU-sized, ``full``: the
    papers' sizes), torch device name, base seed, and a progress callback for long work."""

    scale: str = "ci"
    device: str = "cpu"
    seed: int = 0
    progress: Callable[[str], None] = _noop
    cuda_available: bool = False
    cpu_full_ok: bool = False  # the user asked for full-scale training on the CPU explicitly

    def __post_init__(self) -> None:
        if self.scale not in SCALES:
            raise ValueError(f"scale {self.scale!r} is not one of {SCALES}")

    @property
    def full(self) -> bool:
        return self.scale == "full"


CheckFn = Callable[[CheckContext], CheckResult]


@dataclass(frozen=True)
class CheckSpec:
    """A registered check. ``name`` is ``module:function``; ``target`` says whether it checks the
    claim as written or its repair."""

    claim_id: str
    kind: str
    name: str
    title: str
    fn: CheckFn
    target: str = "claim"

    def run(self, ctx: CheckContext) -> CheckResult:
        """Run the check; a crash becomes status ``error`` with the exception in ``detail``."""
        import time

        t0 = time.perf_counter()
        try:
            result = self.fn(ctx)
            if result.kind != self.kind:
                raise ValueError(f"check registered as {self.kind} returned kind {result.kind}")
        except Exception as exc:  # noqa: BLE001 - a crashed check is data for the report
            result = CheckResult(kind=self.kind, status="error", detail=f"{type(exc).__name__}: {exc}")
        return replace(result, name=self.name, seconds=time.perf_counter() - t0)


_REGISTRY: dict[str, list[CheckSpec]] = {}


def register_check(claim_id: str, kind: str, title: str, *, target: str = "claim") -> Callable[[CheckFn], CheckFn]:
    """Decorator: register ``fn`` as a ``kind`` check of claim ``claim_id`` (or of its repair).

    The id is validated against the ledger when the registry is loaded (`theory.ledger.validate`),
    so a typo fails loudly rather than attaching evidence to nothing.
    """
    if kind not in KINDS:
        raise ValueError(f"check kind {kind!r} is not one of {KINDS}")
    if target not in TARGETS:
        raise ValueError(f"check target {target!r} is not one of {TARGETS}")

    def wrap(fn: CheckFn) -> CheckFn:
        name = f"{fn.__module__}:{fn.__qualname__}"
        specs = _REGISTRY.setdefault(claim_id, [])
        if not any(s.name == name and s.target == target for s in specs):
            specs.append(CheckSpec(claim_id, kind, name, title, fn, target))
        return fn

    return wrap


def registered_checks(claim_id: str | None = None) -> list[CheckSpec]:
    """The checks registered so far (all, or one claim's), in kind order then registration order."""
    order = {k: i for i, k in enumerate(KINDS)}
    specs = [s for cid, ss in _REGISTRY.items() if claim_id in (None, cid) for s in ss]
    return sorted(specs, key=lambda s: (s.claim_id, s.target, order[s.kind]))
