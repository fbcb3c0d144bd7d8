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


@dataclass(frozen=True, eq=False)
class Scale:
    """The one scale object every check receives (``ctx.scale``).

    ``ci``: CPU-sized *training* (CI and the default audit); ``full``: the papers' own sizes and step
    budgets. Closed forms, certificates and exhaustive searches run at the papers' configurations at
    BOTH scales (they cost milliseconds); only trained checks and search budgets shrink at ``ci``.
    A scaled-down trained check keeps the dimensionless quantities that decide its outcome
    (d_o/d_a, effective weights, variance ratios) and states them in its result.

    ``Scale`` compares equal to its name (``ctx.scale == "ci"``) and hashes like it, so it can key caches.
    """

    name: str

    def __post_init__(self) -> None:
        if self.name not in SCALES:
            raise ValueError(f"scale {self.name!r} is not one of {SCALES}")

    @property
    def full(self) -> bool:
        return self.name == "full"

    def pick(self, ci: Any, full: Any) -> Any:
        """``full`` at full scale, else ``ci``: ``steps = ctx.scale.pick(ci=1500, full=40_000)``."""
        return full if self.full else ci

    @property
    def examples(self) -> int:
        """Hypothesis budget of a counterexample search: 150 instances at ci, 1500 at full."""
        return self.pick(150, 1500)

    def __str__(self) -> str:
        return self.name

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Scale):
            return self.name == other.name
        if isinstance(other, str):
            return self.name == other
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.name)

    def __reduce__(self):  # picklable for worker processes
        return (Scale, (self.name,))


CI, FULL = Scale("ci"), Scale("full")


def as_scale(value: "Scale | str") -> Scale:
    return value if isinstance(value, Scale) else Scale(str(value))


#: A quantifier says which global minimisers a claim about an optimum (or a check's answer) speaks of:
#: ``every-minimiser``, ``some-minimiser``, or ``selected-by:<mechanism>`` (the one a named mechanism
#: selects: ``selected-by:protocol`` for the authors' training protocol, ``selected-by:augmentation``,
#: ``selected-by:small-init-gd``, ``selected-by:tie-break``). None: the claim is not about an optimum.
QUANTIFIER_WORDS = ("every-minimiser", "some-minimiser")


def check_quantifier(q: str | None) -> str | None:
    """Validate a quantifier string (None allowed); return it."""
    if q is None or q in QUANTIFIER_WORDS:
        return q
    if q.startswith("selected-by:") and len(q) > len("selected-by:") and " " not in q:
        return q
    raise ValueError(f"quantifier {q!r} is not one of {QUANTIFIER_WORDS} or 'selected-by:<mechanism>'")


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
class Marker:
    """A reference line on a figure: a threshold or a predicted switch point (``axis="x"``: vertical
    line at x = value; ``"y"``: horizontal)."""

    label: str
    value: float
    axis: str = "x"
    style: str = "--"


@dataclass(frozen=True)
class FigureSpec:
    """A figure as data; `lamcheck.figures` renders it. ``name`` becomes ``figures/<name>.png`` and
    starts with the claim id (``zp_e6_...`` for ZP-E6). ``logx``/``logy``: log axes where a parameter
    spans decades. ``markers``: thresholds and predicted switch points. ``categories``: names of the x
    positions 0, 1, ... when x is categorical (never code categories as bare numbers)."""

    name: str
    title: str
    xlabel: str
    ylabel: str
    series: tuple[Series, ...]
    logy: bool = False
    caption: str = ""
    logx: bool = False
    markers: tuple[Marker, ...] = ()
    categories: tuple[str, ...] = ()


@dataclass(frozen=True)
class Range:
    """The range of a quantity over a set of global minimisers: ``lo`` <= value <= ``hi``.

    ``lo_attained`` / ``hi_attained``: whether a minimiser attains the end (False: an infimum or
    supremum approached along a sequence of minimisers). ``exact``: derived in closed form (True) or
    a certified enclosure that may be loose (False). ``method`` names the derivation."""

    lo: float
    hi: float
    lo_attained: bool = True
    hi_attained: bool = True
    exact: bool = True
    method: str = "closed-form"

    @property
    def unique(self) -> bool:
        return abs(self.hi - self.lo) <= 1e-9 * max(1.0, abs(self.lo), abs(self.hi))

    def to_json(self) -> dict:
        return {"min": self.lo, "max": self.hi, "min_attained": self.lo_attained, "max_attained": self.hi_attained,
                "exact": self.exact, "method": self.method}


@dataclass(frozen=True)
class CheckResult:
    """The outcome of one check: data, never prose the numbers did not compute.

    ``counterexample`` (the *witness*) is required for ``refutes``: the smallest instance found and
    the violated quantity, as JSON-serialisable data. ``process`` is the witness as a typed process
    description (`numerics.processes.LinearProcess`, the finite LAPO process, ...): the audit
    re-validates it against the claim's assumption evaluators, and a witness outside the claim's
    domain turns the refutation into an ``error``. ``measured`` holds the key numbers with their
    tolerances; ``ranges`` the range of each quantity over the set of global minimisers; ``answers``
    the quantifier the check answers when it differs from its claim's (see `theory.verdicts`).
    """

    kind: str
    status: str
    detail: str
    counterexample: Mapping[str, Any] | None = None
    measured: Mapping[str, Any] = field(default_factory=dict)
    figures: tuple[FigureSpec, ...] = ()
    name: str = ""
    seconds: float = 0.0
    ranges: Mapping[str, Range] = field(default_factory=dict)
    process: Any = None
    answers: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"check kind {self.kind!r} is not one of {KINDS}")
        if self.status not in STATUSES:
            raise ValueError(f"check status {self.status!r} is not one of {STATUSES}")
        if self.status == "refutes" and not self.counterexample:
            raise ValueError("a refuting check must carry its counterexample")
        check_quantifier(self.answers)


def confirms(kind: str, detail: str, **kw: Any) -> CheckResult:
    return CheckResult(kind=kind, status="confirms", detail=detail, **kw)


def refutes(kind: str, detail: str, counterexample: Mapping[str, Any], **kw: Any) -> CheckResult:
    return CheckResult(kind=kind, status="refutes", detail=detail, counterexample=counterexample, **kw)


def skipped(kind: str, detail: str) -> CheckResult:
    return CheckResult(kind=kind, status="skipped", detail=detail)


def undecided(kind: str, detail: str, **kw: Any) -> CheckResult:
    """Could not decide (e.g. an uncertified convex solve, or trained evidence within its margin of a
    threshold): never a counterexample."""
    return CheckResult(kind=kind, status="undecided", detail=detail, **kw)


class MissingWitness(ValueError):
    """A check tried to refute without a witness: that is a bug in the check, reported as ``error``."""


def judged(kind: str, ok: bool, detail: str, *, counterexample: Mapping[str, Any] | None = None,
           **kw: Any) -> CheckResult:
    """``confirms`` when ``ok``; otherwise ``refutes`` with ``counterexample``, which is then required
    (a refutation without a witness raises `MissingWitness`, so the check reports ``error``).

    ``counterexample`` is dropped when ``ok``. An EXISTENCE claim (a counter-claim: "some minimiser is
    not identified") confirms by exhibiting its witness: build ``CheckResult(status="confirms",
    counterexample=witness, process=typed_witness, ...)`` directly; the report shows it."""
    if _truthy(ok):
        return confirms(kind, detail, **kw)
    if not counterexample:
        raise MissingWitness(f"refutation without a witness: {detail}")
    return refutes(kind, detail, counterexample, **kw)


def certified_judgement(kind: str, certified: bool, ok: bool, detail: str, *,
                        counterexample: Mapping[str, Any] | None = None, **kw: Any) -> CheckResult:
    """A convex result: ``undecided`` unless the certificate (primal, dual, gap) holds; then `judged`."""
    if not _truthy(certified):
        return undecided(kind, f"uncertified solve: {detail}", **kw)
    return judged(kind, ok, detail, counterexample=counterexample, **kw)


def _truthy(x: Any) -> bool:
    """bool() that refuses ambiguous values (numpy arrays, sympy relations) instead of guessing."""
    if isinstance(x, bool):
        return x
    try:
        import numpy as np

        if isinstance(x, np.bool_):
            return bool(x)
    except ImportError:  # pragma: no cover
        pass
    if type(x).__module__.startswith("sympy"):
        if x is True or x is False:
            return bool(x)
        from sympy.logic.boolalg import BooleanFalse, BooleanTrue

        if isinstance(x, (BooleanTrue, BooleanFalse)):
            return bool(x)
        raise TypeError(f"undecided sympy truth value {x!r}; simplify it to True/False first")
    if isinstance(x, (int, float)):
        return bool(x)
    raise TypeError(f"ambiguous truth value of type {type(x).__name__}")


def judge_facts(kind: str, facts: Mapping[str, bool], note: str = "", *, noun: str = "facts", key: str = "facts",
                prefix: str = "", counterexample: Mapping[str, Any] | None = None,
                measured: Mapping[str, Any] | None = None, **kw: Any) -> CheckResult:
    """Judge named derived facts (name -> bool): ``confirms`` iff every one holds. The detail reads
    "<prefix>k/n <noun> hold<note>" plus the failed names; the failed names go into the counterexample
    and all facts into ``measured[key]``. Each fact must be a definite truth value (`_truthy`)."""
    if not facts:
        raise ValueError("judge_facts needs at least one fact")
    values = {k: _truthy(v) for k, v in facts.items()}
    failed = [k for k, v in values.items() if not v]
    detail = f"{prefix}{len(facts) - len(failed)}/{len(facts)} {noun} hold{note}" + (f"; failed: {failed}" if failed else "")
    return judged(kind, not failed, detail, counterexample={**(counterexample or {}), "failed": failed},
                  measured={key: values, **(measured or {})}, **kw)


def _noop(_: str) -> None:
    return None


@dataclass(frozen=True)
class CheckContext:
    """What a check may depend on besides its claim: the `Scale`, the torch device name, the base
    seed, and a progress callback for long work. ``scale`` may be given as a string."""

    scale: Scale = CI
    device: str = "cpu"
    seed: int = 0
    progress: Callable[[str], None] = _noop
    cuda_available: bool = False
    cpu_full_ok: bool = False  # the user asked for full-scale training on the CPU explicitly

    def __post_init__(self) -> None:
        object.__setattr__(self, "scale", as_scale(self.scale))
        if isinstance(self.seed, bool) or not isinstance(self.seed, int) or self.seed < 0:
            raise ValueError(f"seed {self.seed!r} must be a non-negative integer")

    @property
    def full(self) -> bool:
        return self.scale.full


CheckFn = Callable[[CheckContext], CheckResult]


@dataclass(frozen=True)
class CheckSpec:
    """A registered check. ``name`` is ``module:function``; ``target`` says whether it checks the
    claim as written or its repair; ``answers`` the quantifier it answers when that differs from the
    claim's (`theory.verdicts`: such a check explains the verdict and does not decide it)."""

    claim_id: str
    kind: str
    name: str
    title: str
    fn: CheckFn
    target: str = "claim"
    answers: str | None = None

    @property
    def module(self) -> str:
        return self.name.split(":", 1)[0]

    def run(self, ctx: CheckContext) -> CheckResult:
        """Run the check; a crash becomes status ``error`` with the exception in ``detail``."""
        import time

        t0 = time.perf_counter()
        try:
            result = self.fn(ctx)
            if not isinstance(result, CheckResult):
                raise TypeError(f"check returned {type(result).__name__}, not CheckResult")
            if result.kind != self.kind:
                raise ValueError(f"check registered as {self.kind} returned kind {result.kind}")
        except Exception as exc:  # noqa: BLE001 - a crashed check is data for the report
            result = CheckResult(kind=self.kind, status="error", detail=f"{type(exc).__name__}: {exc}")
        return replace(result, name=self.name, seconds=time.perf_counter() - t0,
                       answers=result.answers if result.answers is not None else self.answers)


_REGISTRY: dict[str, list[CheckSpec]] = {}


def register_check(claim_id: str, kind: str, title: str, *, target: str = "claim",
                   answers: str | None = None) -> Callable[[CheckFn], CheckFn]:
    """Decorator: register ``fn`` as a ``kind`` check of claim ``claim_id`` (or of its repair).

    ``answers``: the quantifier this check answers if it is not the claim's own, e.g. a closed-form
    check of an experimental claim answers ``every-minimiser`` while the claim (what the authors'
    protocol produces) is ``selected-by:protocol``; the check then explains the verdict.
    The id is validated against the ledger when the registry is loaded (`theory.ledger.validate`),
    so a typo fails loudly rather than attaching evidence to nothing.
    """
    if kind not in KINDS:
        raise ValueError(f"check kind {kind!r} is not one of {KINDS}")
    if target not in TARGETS:
        raise ValueError(f"check target {target!r} is not one of {TARGETS}")
    check_quantifier(answers)

    def wrap(fn: CheckFn) -> CheckFn:
        name = f"{fn.__module__}:{fn.__qualname__}"
        specs = _REGISTRY.setdefault(claim_id, [])
        if not any(s.name == name and s.target == target for s in specs):
            specs.append(CheckSpec(claim_id, kind, name, title, fn, target, answers))
        return fn

    return wrap


def registered_checks(claim_id: str | None = None) -> list[CheckSpec]:
    """The checks registered so far (all, or one claim's), in kind order then registration order."""
    order = {k: i for i, k in enumerate(KINDS)}
    specs = [s for cid, ss in _REGISTRY.items() if claim_id in (None, cid) for s in ss]
    return sorted(specs, key=lambda s: (s.claim_id, s.target, order[s.kind]))


def find_check(name: str, target: str = "claim") -> CheckSpec:
    """The registered check called ``module:function`` (for worker processes that run checks by name)."""
    for specs in _REGISTRY.values():
        for s in specs:
            if s.name == name and s.target == target:
                return s
    raise KeyError(f"no registered check {name!r} ({target})")
