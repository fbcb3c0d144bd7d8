"""The process spec of `lamcheck check`: TOML in, a validated typed spec out, or one `SpecError`.

Two kinds (the field names are a contract: examples and other tools write them).

``kind = "linear"``: a linear LAM process of Zhang et al. 2025 / Lee et al. 2026::

    kind = "linear"
    seed = 0                    # draws X, the noise basis, Pi and the exogenous maps
    [dims]     d_o, d_a, d_z    # observation, action, latent (1 <= d_a <= d_o, 1 <= d_z < d_o)
    [action]   variance         # >= 0; a number (isotropic) or a list of d_a numbers (diagonal covariance)
    [noise]    type = "none" | "isotropic" | "structured"; sigma >= 0; d_b (structured, default d_a);
               overlap (structured): cosine in [0, 1) of every principal angle between span(Y) and the
               action directions span(X), or "random" (Y by QR, independent of X, as in the papers); d_b and
               overlap are validated with every type and used only by "structured"
    [policy]   chi in [0, 1]    # a = chi Pi o + (1 - chi) pi_s, Pi with orthonormal rows (Zhang Sec. 4.2)
    [exogenous] (optional, Lee et al.): d_x, gamma in [-1, 1], sigma_xi >= 0, overlap in [0, 1), d_s
               (endogenous state size, default d_a); x' = gamma x + xi, G_x tilted toward the action pixels
    [lam]      learn_A, tie_CD, augmentation (kappa >= 0), action_weight (>= 0), loss_normalisation
               ("sum" | "mean"), label_fraction in [0, 1], label_average ("labelled" | "all"), batch (>= 1),
               representation_beta (>= 0; Phi = I + (beta - 1) Q_x Q_x^T, Q_x an orthonormal basis of
               span(G_x), = G_x G_x^T for orthonormal G_x (Lee EX-T3); needs [exogenous])

``kind = "finite"``: Lachapelle's LAPO on a finite environment (`numerics.lachapelle2025.process`)::

    kind = "finite"
    states, actions, codes      # positive integers
    edges = [[0, 1], ...]       # the state graph
    available = "all"           # or one list of actions per state
    merge = [[s, a, b], ...]    # g(s, a) = g(s, b)
    lam = 1.0                   # entropy weight (>= 0); continuity = true; regulariser = "idm-entropy"

Both kinds accept ``name`` and ``description`` (strings). Every field is validated: unknown kind or key,
wrong type, NaN or infinity, values outside their domain, dimensions that do not fit together and specs
too large to evaluate in reasonable time each raise ``SpecError(field, reason)`` (field: the dotted TOML
path). Nothing else escapes `load_spec`: that is what the CLI turns into one line and exit 2.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

try:  # Python >= 3.11
    import tomllib
except ModuleNotFoundError:  # pragma: no cover - Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]

KINDS = ("linear", "finite")
NOISE_TYPES = ("none", "isotropic", "structured")
LOSS_NORMALISATIONS = ("sum", "mean")
LABEL_AVERAGES = ("labelled", "all")
REGULARISERS = ("idm-entropy", "conditional-entropy")

#: Size limits ("reasonable time"). A linear evaluation costs a few eigen-decompositions of d_o x d_o
#: matrices (about 10 ms at d_o = 128, O(d_o^3)); `--advise` runs a few hundred of them, so d_o = 256
#: keeps the whole command within tens of seconds on one CPU core.
MAX_D_O = 256
#: Finite kind: the exhaustive enumeration of Lachapelle's labellings grows as codes^(tie classes) per
#: component (`numerics.lachapelle2025.finite.MAX_LABELINGS` bounds it); these bounds keep the inputs
#: small enough to describe, the enumeration budget decides the rest.
MAX_STATES = 64
MAX_ACTIONS = 12
MAX_CODES = 12
MAX_TEXT = 2000
MAX_SEED = 2**63 - 1


class SpecError(ValueError):
    """An invalid spec; ``field`` is the dotted path of the offending field (``spec`` for the document)."""

    def __init__(self, field_name: str, reason: str):
        super().__init__(f"{field_name}: {reason}")
        self.field = field_name
        self.reason = reason


# --- the typed spec ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class ExogenousSpec:
    d_x: int
    gamma: float = 0.5
    sigma_xi: float = 1.0
    overlap: float = 0.0
    d_s: int | None = None  # None: d_a


@dataclass(frozen=True)
class LinearSpec:
    """A validated ``kind = "linear"`` spec (module docstring)."""

    d_o: int
    d_a: int
    d_z: int
    seed: int = 0
    action_variance: float | tuple[float, ...] = 1.0
    noise_type: str = "none"
    noise_sigma: float = 0.0
    noise_d_b: int | None = None
    noise_overlap: float | str = 0.0
    chi: float = 0.0
    exogenous: ExogenousSpec | None = None
    learn_A: bool = True
    tie_CD: bool = False
    augmentation: float = 0.0
    action_weight: float = 0.0
    loss_normalisation: str = "sum"
    label_fraction: float = 1.0
    label_average: str = "labelled"
    batch: int = 128
    representation_beta: float = 1.0
    name: str = ""
    description: str = ""
    kind: str = field(default="linear", init=False)

    @property
    def d_b(self) -> int:
        return self.d_a if self.noise_d_b is None else self.noise_d_b

    def to_json(self) -> dict:
        """The normalised spec, in the TOML layout (every default filled in)."""
        out: dict[str, Any] = {"kind": "linear", "seed": self.seed}
        if self.name:
            out["name"] = self.name
        if self.description:
            out["description"] = self.description
        out["dims"] = {"d_o": self.d_o, "d_a": self.d_a, "d_z": self.d_z}
        v = self.action_variance
        out["action"] = {"variance": list(v) if isinstance(v, tuple) else v}
        noise: dict[str, Any] = {"type": self.noise_type, "sigma": self.noise_sigma}
        if self.noise_type == "structured":
            noise |= {"d_b": self.d_b, "overlap": self.noise_overlap}
        out["noise"] = noise
        out["policy"] = {"chi": self.chi}
        if self.exogenous is not None:
            e = self.exogenous
            out["exogenous"] = {"d_x": e.d_x, "gamma": e.gamma, "sigma_xi": e.sigma_xi, "overlap": e.overlap,
                                "d_s": self.d_a if e.d_s is None else e.d_s}
        out["lam"] = {"learn_A": self.learn_A, "tie_CD": self.tie_CD, "augmentation": self.augmentation,
                      "action_weight": self.action_weight, "loss_normalisation": self.loss_normalisation,
                      "label_fraction": self.label_fraction, "label_average": self.label_average,
                      "batch": self.batch, "representation_beta": self.representation_beta}
        return out


@dataclass(frozen=True)
class FiniteSpec:
    """A validated ``kind = "finite"`` spec; ``fields`` holds the `FiniteProcess.from_spec` mapping."""

    fields: Mapping[str, Any]
    name: str = ""
    description: str = ""
    kind: str = field(default="finite", init=False)

    def to_json(self) -> dict:
        out: dict[str, Any] = {"kind": "finite"}
        if self.name:
            out["name"] = self.name
        if self.description:
            out["description"] = self.description
        return out | copy.deepcopy(dict(self.fields))


Spec = LinearSpec | FiniteSpec


# --- reading ----------------------------------------------------------------------------------------

def load_spec(source: Any) -> Spec:
    """A validated spec from a path (`str` or `Path` to a TOML file), a TOML document (`str`/`bytes`
    holding a newline or '='), a mapping (the parsed document), or an already typed spec."""
    if isinstance(source, (LinearSpec, FiniteSpec)):
        return source
    if isinstance(source, Mapping):
        return parse_spec(source)
    if isinstance(source, bytes):
        try:
            source = source.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise SpecError("spec", f"not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    if isinstance(source, str) and ("\n" in source or "=" in source):
        return parse_spec(parse_toml(source))
    if isinstance(source, (str, Path)):
        return parse_spec(parse_toml(read_text(Path(source))))
    raise SpecError("spec", f"expected a path, a TOML string or a mapping, got {type(source).__name__}")


def read_text(path: Path) -> str:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise SpecError("spec", f"cannot read {path}: no such file") from None
    except IsADirectoryError:
        raise SpecError("spec", f"cannot read {path}: it is a folder") from None
    except OSError as exc:
        raise SpecError("spec", f"cannot read {path}: {exc.strerror or exc}") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SpecError("spec", f"{path} is not UTF-8 text ({exc.reason} at byte {exc.start})") from None


def parse_toml(text: str) -> dict:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SpecError("spec", f"not valid TOML: {_one_line(str(exc))}") from None
    except RecursionError:
        raise SpecError("spec", "not valid TOML: nested too deeply") from None
    except (ValueError, TypeError) as exc:  # tomllib is documented to raise only TOMLDecodeError; be safe
        raise SpecError("spec", f"not valid TOML: {_one_line(str(exc))}") from None


def _one_line(s: str) -> str:
    return " ".join(s.split())


def parse_spec(doc: Mapping[str, Any]) -> Spec:
    """Validate a parsed document (module docstring)."""
    if not isinstance(doc, Mapping):
        raise SpecError("spec", f"must be a table, got {type(doc).__name__}")
    for k in doc:
        if not isinstance(k, str):
            raise SpecError("spec", f"key {k!r} is not a string")
    if "kind" not in doc:
        raise SpecError("kind", f"missing (one of {', '.join(map(repr, KINDS))})")
    kind = doc["kind"]
    if not isinstance(kind, str):
        raise SpecError("kind", f"must be a string, got {_tname(kind)}")
    if kind == "linear":
        return _parse_linear(doc)
    if kind == "finite":
        return _parse_finite(doc)
    raise SpecError("kind", f"unknown kind {kind!r} (choose from {', '.join(map(repr, KINDS))})")


# --- field readers: each names the field on failure ------------------------------------------------

def _tname(v: Any) -> str:
    if isinstance(v, bool):
        return "a boolean"
    if isinstance(v, int):
        return "an integer"
    if isinstance(v, float):
        return "a number"
    if isinstance(v, str):
        return "a string"
    if isinstance(v, list):
        return "an array"
    if isinstance(v, Mapping):
        return "a table"
    return type(v).__name__


class _Table:
    """One TOML table being read: remembers which keys were consumed, rejects the rest."""

    def __init__(self, data: Any, path: str, allowed: tuple[str, ...]):
        if not isinstance(data, Mapping):
            raise SpecError(path or "spec", f"must be a table, got {_tname(data)}")
        self.data, self.path, self.allowed = data, path, allowed
        unknown = [k for k in data if k not in allowed]
        if unknown:
            raise SpecError(self.name(str(unknown[0])), f"unknown key (known here: {', '.join(allowed)})")

    def name(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def has(self, key: str) -> bool:
        return key in self.data

    def raw(self, key: str, default: Any = None) -> Any:
        return self.data.get(key, default)

    def integer(self, key: str, default: int | None = None, *, lo: int | None = None, hi: int | None = None,
                required: bool = False) -> int | None:
        if key not in self.data:
            if required:
                raise SpecError(self.name(key), "missing")
            return default
        v = self.data[key]
        if isinstance(v, float) and math.isfinite(v) and v == int(v) and abs(v) < 2**53:
            v = int(v)  # 8.0 is accepted as 8
        if isinstance(v, bool) or not isinstance(v, int):
            extra = " (NaN or infinity)" if isinstance(v, float) and not math.isfinite(v) else ""
            raise SpecError(self.name(key), f"must be an integer, got {_tname(v)}{extra}")
        if lo is not None and v < lo:
            raise SpecError(self.name(key), f"must be >= {lo}, got {v}")
        if hi is not None and v > hi:
            raise SpecError(self.name(key), f"must be <= {hi}, got {v}")
        return v

    def number(self, key: str, default: float, *, lo: float | None = None, hi: float | None = None,
               hi_open: bool = False) -> float:
        if key not in self.data:
            return default
        return _number(self.name(key), self.data[key], lo=lo, hi=hi, hi_open=hi_open)

    def boolean(self, key: str, default: bool) -> bool:
        if key not in self.data:
            return default
        v = self.data[key]
        if not isinstance(v, bool):
            raise SpecError(self.name(key), f"must be true or false, got {_tname(v)}")
        return v

    def choice(self, key: str, default: str, options: tuple[str, ...]) -> str:
        if key not in self.data:
            return default
        v = self.data[key]
        if not isinstance(v, str):
            raise SpecError(self.name(key), f"must be a string, one of {', '.join(map(repr, options))}; got {_tname(v)}")
        if v not in options:
            raise SpecError(self.name(key), f"unknown value {v!r} (choose from {', '.join(map(repr, options))})")
        return v

    def text(self, key: str) -> str:
        if key not in self.data:
            return ""
        v = self.data[key]
        if not isinstance(v, str):
            raise SpecError(self.name(key), f"must be a string, got {_tname(v)}")
        if len(v) > MAX_TEXT:
            raise SpecError(self.name(key), f"longer than {MAX_TEXT} characters")
        return v

    def sub(self, key: str, allowed: tuple[str, ...]) -> "_Table":
        return _Table(self.data.get(key, {}), self.name(key), allowed)


def _number(name: str, v: Any, *, lo: float | None = None, hi: float | None = None, hi_open: bool = False) -> float:
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise SpecError(name, f"must be a number, got {_tname(v)}")
    if isinstance(v, int) and abs(v) > 2**53:
        raise SpecError(name, f"{v} is too large")
    x = float(v)
    if not math.isfinite(x):
        raise SpecError(name, f"must be finite, got {v!r} (NaN or infinity)")
    if lo is not None and x < lo:
        what = "negative" if lo == 0 else f"below {lo:g}"
        raise SpecError(name, f"must be >= {lo:g}, got {x:g} ({what})")
    if hi is not None and (x > hi or (hi_open and x == hi)):
        raise SpecError(name, f"must be {'<' if hi_open else '<='} {hi:g}, got {x:g}")
    return x


# --- linear ------------------------------------------------------------------------------------------

_LINEAR_TOP = ("kind", "seed", "name", "description", "dims", "action", "noise", "policy", "exogenous", "lam")
_LAM_KEYS = ("learn_A", "tie_CD", "augmentation", "action_weight", "loss_normalisation", "label_fraction",
             "label_average", "batch", "representation_beta")


def _parse_linear(doc: Mapping[str, Any]) -> LinearSpec:
    top = _Table(doc, "", _LINEAR_TOP)
    seed = top.integer("seed", 0, lo=0, hi=MAX_SEED)
    if not top.has("dims"):
        raise SpecError("dims", "missing (a table with d_o, d_a, d_z)")
    dims = top.sub("dims", ("d_o", "d_a", "d_z"))
    d_o = dims.integer("d_o", required=True, lo=2)
    if d_o > MAX_D_O:
        raise SpecError("dims.d_o", f"{d_o} is too large to evaluate in reasonable time (limit: d_o <= {MAX_D_O})")
    d_a = dims.integer("d_a", required=True, lo=1)
    if d_a > d_o:
        raise SpecError("dims.d_a", f"d_a = {d_a} exceeds d_o = {d_o}")
    d_z = dims.integer("d_z", required=True, lo=1)
    if d_z >= d_o:
        raise SpecError("dims.d_z", f"d_z = {d_z} must be below d_o = {d_o} (a bottleneck)")

    action = top.sub("action", ("variance",))
    variance: float | tuple[float, ...] = 1.0
    if action.has("variance"):
        v = action.raw("variance")
        if isinstance(v, list):
            if len(v) != d_a:
                raise SpecError("action.variance", f"has {len(v)} entries, expected d_a = {d_a}")
            variance = tuple(_number(f"action.variance[{i}]", x, lo=0.0) for i, x in enumerate(v))
        else:
            variance = _number("action.variance", v, lo=0.0)

    noise = top.sub("noise", ("type", "sigma", "d_b", "overlap"))
    ntype = noise.choice("type", "none", NOISE_TYPES)
    sigma = noise.number("sigma", 0.0, lo=0.0)
    if ntype == "none" and sigma != 0:
        raise SpecError("noise.sigma", f"is {sigma:g} but noise.type = \"none\" (set type, or sigma = 0)")
    d_b = noise.integer("d_b", None, lo=1)
    overlap: float | str = 0.0
    if noise.has("overlap"):
        ov = noise.raw("overlap")
        if isinstance(ov, str):
            if ov != "random":
                raise SpecError("noise.overlap", f"must be a number in [0, 1) or \"random\", got {ov!r}")
            overlap = "random"
        else:
            overlap = _number("noise.overlap", ov, lo=0.0, hi=1.0, hi_open=True)
    if ntype == "structured":
        db = d_a if d_b is None else d_b
        if db > d_o:
            raise SpecError("noise.d_b", f"d_b = {db} exceeds d_o = {d_o}")
        if overlap != "random" and d_a + db > d_o:
            raise SpecError("noise.d_b", f"d_a + d_b = {d_a + db} exceeds d_o = {d_o}: a noise basis at a given "
                                         "overlap needs d_b directions outside the action directions "
                                         "(or use overlap = \"random\")")

    policy = top.sub("policy", ("chi",))
    chi = policy.number("chi", 0.0, lo=0.0, hi=1.0)

    exo = None
    if top.has("exogenous"):
        e = top.sub("exogenous", ("d_x", "gamma", "sigma_xi", "overlap", "d_s"))
        d_x = e.integer("d_x", required=True, lo=1)
        d_s = e.integer("d_s", None, lo=1)
        ds = d_a if d_s is None else d_s
        if ds < d_a:
            raise SpecError("exogenous.d_s", f"d_s = {ds} is below d_a = {d_a} (X = G_s W needs rank d_a)")
        if ds + d_x > d_o:
            raise SpecError("exogenous.d_x", f"d_s + d_x = {ds} + {d_x} exceeds d_o = {d_o} ([G_s G_x] must have "
                                             "full column rank)")
        exo = ExogenousSpec(d_x=d_x, gamma=e.number("gamma", 0.5, lo=-1.0, hi=1.0),
                            sigma_xi=e.number("sigma_xi", 1.0, lo=0.0),
                            overlap=e.number("overlap", 0.0, lo=0.0, hi=1.0, hi_open=True), d_s=d_s)

    lam = top.sub("lam", _LAM_KEYS)
    beta = lam.number("representation_beta", 1.0, lo=0.0)
    if beta != 1.0 and exo is None:
        raise SpecError("lam.representation_beta", "needs an [exogenous] block (Phi = I + (beta - 1) G_x G_x^T)")
    return LinearSpec(
        d_o=d_o, d_a=d_a, d_z=d_z, seed=seed, action_variance=variance, noise_type=ntype, noise_sigma=sigma,
        noise_d_b=d_b, noise_overlap=overlap, chi=chi, exogenous=exo,
        learn_A=lam.boolean("learn_A", True), tie_CD=lam.boolean("tie_CD", False),
        augmentation=lam.number("augmentation", 0.0, lo=0.0), action_weight=lam.number("action_weight", 0.0, lo=0.0),
        loss_normalisation=lam.choice("loss_normalisation", "sum", LOSS_NORMALISATIONS),
        label_fraction=lam.number("label_fraction", 1.0, lo=0.0, hi=1.0),
        label_average=lam.choice("label_average", "labelled", LABEL_AVERAGES),
        batch=lam.integer("batch", 128, lo=1, hi=10**7), representation_beta=beta,
        name=top.text("name"), description=top.text("description"))


# --- finite ------------------------------------------------------------------------------------------

_FINITE_TOP = ("kind", "name", "description", "states", "actions", "codes", "edges", "available", "merge", "lam",
               "continuity", "regulariser")


def _int_list(name: str, v: Any, length: int | None = None) -> list[int]:
    if not isinstance(v, list):
        raise SpecError(name, f"must be an array, got {_tname(v)}")
    if length is not None and len(v) != length:
        raise SpecError(name, f"must have {length} entries, got {len(v)}")
    out = []
    for i, x in enumerate(v):
        if isinstance(x, bool) or not isinstance(x, int):
            raise SpecError(f"{name}[{i}]", f"must be an integer, got {_tname(x)}")
        out.append(x)
    return out


def _parse_finite(doc: Mapping[str, Any]) -> FiniteSpec:
    top = _Table(doc, "", _FINITE_TOP)
    n = top.integer("states", required=True, lo=1, hi=MAX_STATES)
    m = top.integer("actions", required=True, lo=1, hi=MAX_ACTIONS)
    k = top.integer("codes", required=True, lo=1, hi=MAX_CODES)
    edges_raw = top.raw("edges", [])
    if not isinstance(edges_raw, list):
        raise SpecError("edges", f"must be an array of [state, state] pairs, got {_tname(edges_raw)}")
    edges = []
    for i, e in enumerate(edges_raw):
        pair = _int_list(f"edges[{i}]", e, 2)
        for x in pair:
            if not 0 <= x < n:
                raise SpecError(f"edges[{i}]", f"names a missing state {x} (states are 0..{n - 1})")
        if pair[0] == pair[1]:
            raise SpecError(f"edges[{i}]", f"joins state {pair[0]} to itself")
        edges.append(pair)
    available_raw = top.raw("available", "all")
    if isinstance(available_raw, str):
        if available_raw != "all":
            raise SpecError("available", f"must be \"all\" or one list of actions per state, got {available_raw!r}")
        available: Any = "all"
    elif isinstance(available_raw, list):
        if len(available_raw) != n:
            raise SpecError("available", f"has {len(available_raw)} lists, expected one per state ({n})")
        available = []
        for s, row in enumerate(available_raw):
            acts = _int_list(f"available[{s}]", row)
            for a in acts:
                if not 0 <= a < m:
                    raise SpecError(f"available[{s}]", f"names a missing action {a} (actions are 0..{m - 1})")
            if not acts:
                raise SpecError(f"available[{s}]", f"state {s} has no available action")
            if len(set(acts)) != len(acts):
                raise SpecError(f"available[{s}]", f"lists an action twice: {acts}")
            available.append(acts)
    else:
        raise SpecError("available", f"must be \"all\" or an array of arrays, got {_tname(available_raw)}")
    merge_raw = top.raw("merge", [])
    if not isinstance(merge_raw, list):
        raise SpecError("merge", f"must be an array of [state, a, b] triples, got {_tname(merge_raw)}")
    merge = []
    for i, t in enumerate(merge_raw):
        s, a, b = _int_list(f"merge[{i}]", t, 3)
        if not 0 <= s < n:
            raise SpecError(f"merge[{i}]", f"names a missing state {s} (states are 0..{n - 1})")
        for x in (a, b):
            if not 0 <= x < m:
                raise SpecError(f"merge[{i}]", f"names a missing action {x} (actions are 0..{m - 1})")
        if a == b:
            raise SpecError(f"merge[{i}]", f"merges action {a} with itself")
        avail_s = range(m) if available == "all" else available[s]
        for x in (a, b):
            if x not in avail_s:
                raise SpecError(f"merge[{i}]", f"names action {x}, which is not available at state {s}")
        merge.append([s, a, b])
    fields_ = {"states": n, "actions": m, "codes": k, "edges": edges, "available": available, "merge": merge,
               "lam": top.number("lam", 1.0, lo=0.0), "continuity": top.boolean("continuity", True),
               "regulariser": top.choice("regulariser", "idm-entropy", REGULARISERS)}
    spec = FiniteSpec(fields=fields_, name=top.text("name"), description=top.text("description"))
    finite_process(spec)  # the process validates once more (one description of the domain)
    return spec


# --- processes from specs ---------------------------------------------------------------------------

def finite_process(spec: FiniteSpec):
    """The `FiniteProcess` a finite spec describes (its own validation reported as a SpecError)."""
    from numerics.lachapelle2025.process import FiniteProcess
    from numerics.processes import ProcessError

    try:
        return FiniteProcess.from_spec(copy.deepcopy(dict(spec.fields)))
    except ProcessError as exc:
        raise SpecError(exc.field, exc.reason) from None


def linear_process(spec: LinearSpec):
    """The `numerics.processes.LinearProcess` a linear spec describes.

    Draws (``numpy.random.default_rng(seed)``), so that a spec reproduces the papers' constructors:
    without [exogenous] `zhang_process` draws X (d_o x d_a, QR), the noise basis Y_0 (structured) and Pi
    (chi > 0) in that order; with [exogenous] `lee_process` draws [G_s G_x] (one QR), W and the overlap
    tilt, then Pi. The structured-noise basis at a given overlap c is built from the drawn Y_0:
    P = orth((I - X X^+) Y_0) (d_b directions outside span X) and Y = [c U_X + sqrt(1 - c^2) P_1, P_2]
    (U_X an orthonormal basis of span X, P_1 its first min(d_a, d_b) columns), so that every principal
    angle between span(Y) and span(X) has cosine c and Y has orthonormal columns. Noise is eps = sigma Y b
    and its probe reads b (Zhang's other-agent noise), or eps = sigma n (isotropic; the probe reads eps).
    """
    import numpy as np

    from numerics.processes import LAMConfig, ProcessError, lee_process, orthonormal, zhang_process

    rng = np.random.default_rng(spec.seed)
    lam = LAMConfig(d_z=spec.d_z, learn_A=spec.learn_A, tie_CD=spec.tie_CD, kappa=spec.augmentation,
                    action_weight=spec.action_weight, loss_normalisation=spec.loss_normalisation,
                    label_fraction=spec.label_fraction, label_average=spec.label_average, batch=spec.batch)
    v = spec.action_variance
    sd = np.sqrt(np.array(v if isinstance(v, tuple) else [v] * spec.d_a, dtype=float))
    try:
        if spec.exogenous is None:
            kind = {"none": "none", "isotropic": "iid", "structured": "exo"}[spec.noise_type]
            p = zhang_process(rng, d_o=spec.d_o, d_a=spec.d_a, noise=kind, sigma=spec.noise_sigma, d_b=spec.d_b,
                              chi=spec.chi, lam=lam)
        else:
            e = spec.exogenous
            p = lee_process(rng, d_o=spec.d_o, d_s=spec.d_a if e.d_s is None else e.d_s, d_x=e.d_x, d_a=spec.d_a,
                            sigma_a=1.0, sigma_xi=e.sigma_xi, gamma=e.gamma, overlap=e.overlap, lam=lam)
            changes: dict[str, Any] = {}
            if spec.noise_type == "isotropic":
                changes |= {"F_e": spec.noise_sigma * np.eye(spec.d_o), "noise_target": "eps"}
            elif spec.noise_type == "structured":
                changes |= {"F_e": spec.noise_sigma * orthonormal(rng, spec.d_o, spec.d_b), "noise_target": "b"}
            if spec.chi:
                changes |= {"chi": spec.chi, "Pi": orthonormal(rng, spec.d_o, spec.d_a).T}
            if changes:
                p = _replace(p, **changes)
        changes = {"F_a": np.diag(sd)}
        if spec.noise_type == "structured" and spec.noise_overlap != "random":
            Y0 = p.F_e / spec.noise_sigma if spec.noise_sigma else orthonormal(rng, spec.d_o, spec.d_b)
            changes["F_e"] = spec.noise_sigma * overlap_basis(p.X, Y0, float(spec.noise_overlap))
        if spec.representation_beta != 1.0:
            from numerics.lee2026.process import beta_representation

            changes["lam"] = _lam_replace(p.lam, Phi=beta_representation(p, spec.representation_beta))
        return _replace(p, **changes)
    except ProcessError as exc:  # the spec validation above should make this unreachable
        raise SpecError(exc.field, exc.reason) from None


def overlap_basis(X, Y0, c: float):
    """Y (d_o x d_b, orthonormal columns) whose principal angles to span(X) all have cosine c (docstring of
    `linear_process`): built from the directions of Y0 outside span X."""
    import numpy as np

    U_X = np.linalg.svd(X, full_matrices=False)[0][:, : np.linalg.matrix_rank(X)]
    R = Y0 - U_X @ (U_X.T @ Y0)
    P = np.linalg.qr(R)[0]
    m = min(U_X.shape[1], Y0.shape[1])
    Y = P.copy()
    Y[:, :m] = c * U_X[:, :m] + np.sqrt(1.0 - c * c) * P[:, :m]
    return Y


def _replace(p, **changes):
    from dataclasses import replace

    return replace(p, **changes)


def _lam_replace(lam, **changes):
    from dataclasses import replace

    return replace(lam, **changes)


def build_process(spec: Spec):
    """The typed process of either kind."""
    return linear_process(spec) if isinstance(spec, LinearSpec) else finite_process(spec)
