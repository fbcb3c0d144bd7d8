"""Executors: where an audit's checks run (docs/contract.md, "Executors").

The audit cuts its checks into *tasks*, one per check module (all the selected checks registered by
that module, in ledger order), so that a module-level cache of trained runs serves every check of
the module in the same process. A task carries only names and plain settings; the process that runs
it imports the registry and finds each check by name (`theory.checks.find_check`). Results come back
as `CheckResult`s and are re-assembled in ledger order, so the report does not depend on the
executor, the number of workers or the order in which tasks finish.

* ``inline``: in the calling process, one task after another (the library default; no workers).
* ``local``: ``jobs`` worker processes on this machine (spawned, never forked: torch and forking
  do not mix).
* ``ray``: Ray tasks on a cluster (``address``; default: a fresh local instance with ``jobs`` CPUs).
  Ray is an optional extra (``pip install -e .[ray]``), imported only here and only when chosen.

Every worker runs with BLAS/OpenMP limited to one thread (`THREAD_ENV`): parallelism is across checks,
and a check's floating-point results do not depend on how many threads its linear algebra had.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace

EXECUTORS = ("local", "ray")

#: Environment of every worker process: one BLAS/OpenMP thread each.
THREAD_ENV = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
              "VECLIB_MAXIMUM_THREADS": "1", "NUMEXPR_NUM_THREADS": "1"}


class ExecutorUnavailable(RuntimeError):
    """The chosen executor cannot run here (e.g. ray is not installed): a usage error."""


@dataclass(frozen=True)
class CheckCall:
    """One check of a task, by name: ``module:function`` and target (claim or repair)."""

    claim_id: str
    name: str
    target: str
    kind: str
    title: str


@dataclass(frozen=True)
class Task:
    """The selected checks of one check module, with the plain settings of their `CheckContext`."""

    module: str
    calls: tuple[CheckCall, ...]
    scale: str = "ci"
    device: str = "cpu"
    seed: int = 0
    cuda_available: bool = False
    cpu_full_ok: bool = False

    @property
    def has_trained(self) -> bool:
        return any(c.kind == "trained" for c in self.calls)


def default_jobs() -> int:
    """The cores this process may use (the affinity mask where the OS has one)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - macOS, Windows
        return max(1, os.cpu_count() or 1)


def _stderr(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def run_task(task: Task, say: Callable[[str], None] | None = None) -> list:
    """Run a task's checks in order in this process; what every worker does. ``say`` prints progress
    (default: stderr). A result that cannot travel back to the parent becomes an ``error``."""
    from lamcheck.registry import load_checks
    from theory.checks import CheckContext, find_check

    say = say or _stderr
    load_checks()
    results = []
    for call in task.calls:
        def note(msg: str, _cid: str = call.claim_id) -> None:
            say(f"      {_cid}: {msg}")

        ctx = CheckContext(scale=task.scale, device=task.device, seed=task.seed, progress=note,
                           cuda_available=task.cuda_available, cpu_full_ok=task.cpu_full_ok)
        say(f"  ... {call.claim_id:<8} {call.kind:<10} {call.title[:70]}")
        results.append(_transportable(find_check(call.name, call.target).run(ctx)))
    return results


def _transportable(result):
    """The result itself if it pickles; otherwise an ``error`` naming why (the same under every executor)."""
    try:
        pickle.dumps(result)
        return result
    except Exception as exc:  # noqa: BLE001 - any pickling failure is reported the same way
        return replace(result, status="error", counterexample=None, measured={}, figures=(), ranges={}, process=None,
                       detail=f"the check's result cannot be sent between processes ({type(exc).__name__}: {exc}); "
                              f"was: {result.status}: {result.detail}")


def failed(task: Task, why: str) -> list:
    """Error results for every check of a task whose worker died or raised."""
    from theory.checks import CheckResult

    return [CheckResult(kind=c.kind, status="error", detail=f"worker failed: {why}", name=c.name) for c in task.calls]


OnDone = Callable[[int, list], None]


def run_inline(tasks: Sequence[Task], on_done: OnDone, say: Callable[[str], None] | None = None) -> None:
    for i, task in enumerate(tasks):
        on_done(i, run_task(task, say))


@contextlib.contextmanager
def thread_env() -> Iterator[None]:
    """`THREAD_ENV` in os.environ while workers are started (they inherit it), restored afterwards."""
    saved = {k: os.environ.get(k) for k in THREAD_ENV}
    os.environ.update(THREAD_ENV)
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def submission_order(tasks: Sequence[Task]) -> list[int]:
    """Long tasks first (those with trained checks, then the larger ones), so workers finish together;
    ties in ledger order. Only the schedule depends on this, never the report."""
    return sorted(range(len(tasks)), key=lambda i: (not tasks[i].has_trained, -len(tasks[i].calls), i))


def run_local(tasks: Sequence[Task], jobs: int, on_done: OnDone) -> None:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    if not tasks:
        return
    ctx = multiprocessing.get_context("spawn")
    with thread_env(), ProcessPoolExecutor(max_workers=max(1, min(jobs, len(tasks))), mp_context=ctx) as pool:
        futures = {pool.submit(run_task, tasks[i]): i for i in submission_order(tasks)}
        for fut in as_completed(futures):
            i = futures[fut]
            try:
                results = fut.result()
            except Exception as exc:  # noqa: BLE001 - a dead worker is data for the report
                results = failed(tasks[i], f"{type(exc).__name__}: {exc}")
            on_done(i, results)


def ray_available() -> bool:
    import importlib.util

    return importlib.util.find_spec("ray") is not None


def _project_modules() -> list:
    import gpu_checks
    import lamcheck
    import numerics
    import theory

    return [theory, numerics, gpu_checks, lamcheck]


def run_ray(tasks: Sequence[Task], jobs: int, on_done: OnDone, address: str | None = None) -> None:
    """Ray tasks, one per `Task`, each on one CPU (and one GPU for trained checks on cuda). Without
    ``address`` a local instance with ``jobs`` CPUs is started (and stopped); with one, the cluster
    there is joined and lamcheck's packages are shipped to it (``runtime_env`` ``py_modules``), so its
    nodes need only lamcheck's dependencies."""
    if not ray_available():
        raise ExecutorUnavailable("ray is not installed (pip install 'lamcheck[ray]')")
    import logging

    import ray

    started = False
    if not ray.is_initialized():
        env_vars = dict(THREAD_ENV)
        if "HYPOTHESIS_STORAGE_DIRECTORY" in os.environ:
            env_vars["HYPOTHESIS_STORAGE_DIRECTORY"] = os.environ["HYPOTHESIS_STORAGE_DIRECTORY"]
        runtime_env: dict = {"env_vars": env_vars}
        common = dict(include_dashboard=False, logging_level=logging.ERROR, log_to_driver=True)
        try:
            if address:
                runtime_env["py_modules"] = _project_modules()
                ray.init(address=address, runtime_env=runtime_env, **common)
            else:
                ray.init(address="local", num_cpus=max(1, jobs), runtime_env=runtime_env, **common)
        except Exception as exc:  # noqa: BLE001 - ray raises several types; all mean "no cluster here"
            where = f"the Ray cluster at {address}" if address else "a local Ray instance"
            first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise ExecutorUnavailable(f"cannot start or reach {where} ({first}); a cluster with token "
                                      "authentication needs RAY_AUTH_MODE=token and its token") from None
        started = True
    try:
        remote = ray.remote(run_task)
        refs = {}
        for i in submission_order(tasks):
            gpus = 1 if tasks[i].has_trained and tasks[i].device.startswith("cuda") else 0
            refs[remote.options(num_cpus=1, num_gpus=gpus, max_retries=0).remote(tasks[i])] = i
        pending = list(refs)
        while pending:
            done, pending = ray.wait(pending, num_returns=1)
            for ref in done:
                i = refs[ref]
                try:
                    results = ray.get(ref)
                except Exception as exc:  # noqa: BLE001 - a failed task is data for the report
                    results = failed(tasks[i], f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}")
                on_done(i, results)
    finally:
        if started:
            ray.shutdown()


def execute(tasks: Sequence[Task], on_done: OnDone, *, executor: str = "inline", jobs: int = 1,
            address: str | None = None, say: Callable[[str], None] | None = None) -> None:
    """Run ``tasks`` on ``executor``; ``on_done(i, results)`` as each task ``i`` finishes."""
    if executor == "inline":
        run_inline(tasks, on_done, say)
    elif executor == "local":
        run_local(tasks, jobs, on_done)
    elif executor == "ray":
        run_ray(tasks, jobs, on_done, address)
    else:
        raise ExecutorUnavailable(f"unknown executor {executor!r} (choose from inline, {', '.join(EXECUTORS)})")
