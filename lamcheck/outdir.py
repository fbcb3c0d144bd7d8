"""Output safety: where an audit may write, and writing there without touching anyone else's files.

The policy (docs/contract.md, "Output safety"):

* An audit writes into ``--out`` only if that folder does not exist yet, is empty, or holds a
  lamcheck report, recognised by its manifest ``lamcheck-manifest.json`` (the list of files lamcheck
  wrote there, each with its SHA-256). Any other non-empty folder is refused before a check runs.
* It replaces or removes only files listed in that manifest whose content is still what lamcheck
  wrote (same SHA-256). A file the user added, or edited since, is never overwritten or deleted:
  if the new report would overwrite such a file, the whole report goes to a fresh folder
  ``<out>/run-<k>/`` instead, and stderr says so.
* A subset audit (``--claim``, ``--paper`` or a subset of ``--tier``) never replaces a full report:
  if ``--out`` holds a full report, the subset's report goes to ``<out>/subset-<first id>-<hash>/``
  (the hash names the selection), under the same rules.
* Everything is checked before any check runs: an empty path, a path naming a file or lying below a
  file, a location that cannot be created or written (probed by creating and removing a temporary
  folder) are usage errors.
* Files are staged in a temporary folder inside the target and moved into place one by one; the
  manifest is written last.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

MANIFEST = "lamcheck-manifest.json"
MANIFEST_FORMAT = 1
STAGING_PREFIX = ".lamcheck-staging-"


class OutError(ValueError):
    """``--out`` cannot be used: the message names the path and the reason (one line)."""


@dataclass(frozen=True)
class Manifest:
    """What lamcheck wrote into one report folder: relative POSIX paths -> SHA-256, the folders it
    created, and the selection the report covers (``full``: every claim, every tier)."""

    files: dict[str, str]
    dirs: tuple[str, ...] = ()
    full: bool = False
    selection: dict = field(default_factory=dict)

    def to_json(self) -> dict:
        return {"lamcheck_manifest": MANIFEST_FORMAT, "full": self.full, "selection": self.selection,
                "files": dict(sorted(self.files.items())), "dirs": sorted(self.dirs)}


def _safe_relative(p: str) -> bool:
    q = PurePosixPath(p)
    return bool(p) and not q.is_absolute() and ".." not in q.parts and q.parts[0] != MANIFEST


def read_manifest(folder: Path) -> Manifest | None:
    """The folder's manifest, or None if it has none or it is malformed (then the folder is not a
    lamcheck report)."""
    path = folder / MANIFEST
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text())
        files, dirs = data["files"], data.get("dirs", [])
        ok = (data.get("lamcheck_manifest") == MANIFEST_FORMAT and isinstance(files, dict)
              and all(isinstance(k, str) and _safe_relative(k) and isinstance(v, str) for k, v in files.items())
              and isinstance(dirs, list) and all(isinstance(d, str) and _safe_relative(d) for d in dirs))
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    if not ok:
        return None
    return Manifest(files=dict(files), dirs=tuple(dirs), full=bool(data.get("full")), selection=data.get("selection") or {})


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def owned(folder: Path, manifest: Manifest | None, rel: str) -> bool:
    """True iff ``folder/rel`` is a file lamcheck wrote and nobody changed since (manifest SHA-256)."""
    if manifest is None or rel not in manifest.files:
        return False
    path = folder / rel
    return path.is_file() and not path.is_symlink() and sha256(path) == manifest.files[rel]


def subset_folder_name(selection: dict) -> str:
    """``subset-<first claim id>-<8 hex of the selection>``: readable, and distinct per selection."""
    key = json.dumps(selection, sort_keys=True).encode()
    first = (selection.get("claims") or [selection.get("paper") or "tiers"])[0]
    return f"subset-{str(first).lower()}-{hashlib.sha256(key).hexdigest()[:8]}"


def _probe_writable(folder: Path, wanted: Path) -> None:
    """Create and remove a temporary folder in ``folder`` (nothing is left behind)."""
    try:
        os.rmdir(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=folder))
    except OSError as exc:
        why = exc.strerror or str(exc)
        if folder == wanted:
            raise OutError(f"{wanted} is not writable ({why})") from None
        raise OutError(f"{wanted} cannot be created: {folder} is not writable ({why})") from None


def _classify(folder: Path) -> tuple[str, Manifest | None]:
    """'new' (does not exist), 'empty', 'report' (has a manifest) or 'foreign'."""
    if not folder.exists():
        return "new", None
    manifest = read_manifest(folder)
    if manifest is not None:
        return "report", manifest
    try:
        empty = not any(folder.iterdir())
    except OSError as exc:
        raise OutError(f"{folder} cannot be read ({exc.strerror or exc})") from None
    return ("empty" if empty else "foreign"), None


def resolve_out(out: str, *, full: bool, selection: dict) -> Path:
    """The folder this audit's report will go to, after checking ``out`` (raises `OutError`).

    Writes nothing: the writability probe creates and removes one temporary folder."""
    if not out or not out.strip():
        raise OutError("empty path (name a folder, e.g. --out lamcheck-report)")
    path = Path(out)
    existing = path
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if existing.exists() and not existing.is_dir():
        if existing == path:
            raise OutError(f"{path} is a file, not a folder")
        raise OutError(f"{path} lies below {existing}, which is a file")
    target = path
    state, manifest = _classify(path)
    if state == "foreign":
        raise OutError(f"{path} is not empty and holds no lamcheck report (no {MANIFEST}); "
                       "lamcheck writes only into a new or empty folder or one of its own reports")
    if state == "report" and manifest.full and not full:
        target = path / subset_folder_name(selection)
        sub_state, _ = _classify(target)
        if sub_state == "foreign":
            raise OutError(f"{target} is not empty and holds no lamcheck report (no {MANIFEST})")
    probe = target if target.exists() else existing
    if not probe.is_dir():  # pragma: no cover - the root always exists
        raise OutError(f"{path} cannot be created")
    _probe_writable(probe, target)
    return target


@dataclass
class Written:
    """Where a report went, and why it went elsewhere than asked (``note``), if it did."""

    folder: Path
    note: str = ""


def _fresh_run_folder(base: Path) -> Path:
    k = 1
    while (base / f"run-{k}").exists():
        k += 1
    return base / f"run-{k}"


def write_files(target: Path, produce, *, full: bool, selection: dict) -> Written:
    """Write a report into ``target`` under the policy of this module.

    ``produce(staging: Path)`` writes the report's files into an empty staging folder. They are then
    moved into ``target``: files of the previous lamcheck report that the new one no longer has are
    removed (only if unchanged since lamcheck wrote them); files lamcheck did not write are never
    touched; if one stands where a new file must go, the report goes to ``target/run-<k>/``."""
    target.mkdir(parents=True, exist_ok=True)
    old = read_manifest(target)
    staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=target))
    try:
        produce(staging)
        new_files = sorted(p.relative_to(staging).as_posix() for p in staging.rglob("*") if p.is_file())
        new_dirs = sorted(p.relative_to(staging).as_posix() for p in staging.rglob("*") if p.is_dir())
        blocked = [rel for rel in [*new_files, MANIFEST] if _blocks(target, old, rel)]
        blocked += [d for d in new_dirs if (target / d).is_symlink() or ((target / d).exists() and not (target / d).is_dir())]
        note = ""
        if blocked:
            fresh = _fresh_run_folder(target)
            note = (f"{target / blocked[0]} was not written by lamcheck; the report went to {fresh} "
                    "so that nothing of yours is overwritten")
            fresh.mkdir()
            _move_in(staging, fresh, new_files, None, full, selection, created=set(new_dirs))
            return Written(fresh, note)
        if old is not None:
            for rel in sorted(set(old.files) - set(new_files)):
                if owned(target, old, rel):
                    (target / rel).unlink()
            for d in sorted(set(old.dirs) - set(new_dirs), key=len, reverse=True):
                p = target / d
                if p.is_dir() and not p.is_symlink() and not any(p.iterdir()):
                    p.rmdir()
        created = {d for d in new_dirs if not (target / d).exists() or (old is not None and d in old.dirs)}
        _move_in(staging, target, new_files, old, full, selection, created)
        return Written(target, note)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _blocks(target: Path, old: Manifest | None, rel: str) -> bool:
    """A path lamcheck must write but may not: something is there that lamcheck did not write."""
    path = target / rel
    if not path.exists() and not path.is_symlink():
        return False
    if rel == MANIFEST:
        return old is None
    return not owned(target, old, rel)


def _move_in(staging: Path, target: Path, files: list[str], old: Manifest | None, full: bool, selection: dict,
             created: set[str]) -> None:
    hashes = {}
    for d in sorted(created):
        (target / d).mkdir(parents=True, exist_ok=True)
    for rel in files:
        dest = target / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        hashes[rel] = sha256(staging / rel)
        os.replace(staging / rel, dest)
    manifest = Manifest(files=hashes, dirs=tuple(sorted(created)), full=full, selection=selection)
    tmp = staging / MANIFEST
    tmp.write_text(json.dumps(manifest.to_json(), indent=1) + "\n")
    os.replace(tmp, target / MANIFEST)
