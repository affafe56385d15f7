"""The local process pool of a batch (and of futures): worker processes, their parent watch, the executor.

:func:`make_executor` opens a :class:`concurrent.futures.ProcessPoolExecutor` (``forkserver``; ``spawn``
where unavailable) whose workers never import ``__main__``, ignore Ctrl-C (the parent handles it) and exit
when the parent dies, or a Dask executor; :func:`run_tasks` runs tasks through either with a bounded number
in flight. The worker entry point of a batch, :func:`wargame.batch.runner.execute_chunk`, lives in
:mod:`wargame.batch.runner`, which the fork server preloads.
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import logging
import multiprocessing as mp
import os
import sys
import threading
import time
import types
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from wargame.batch.runner import Engine, execute_chunk


def default_workers() -> int:
    """CPU cores available to this process (affinity-aware)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


@contextlib.contextmanager
def _main_hidden() -> Iterator[None]:
    """Hide ``__main__`` from multiprocessing while a worker process is being launched.

    Under ``spawn`` and ``forkserver`` every new process re-runs the parent's main script (so that
    functions defined there can be unpickled). Our tasks only reference importable modules, so the
    re-run is useless, and harmful for scripts without an ``if __name__ == "__main__"`` guard: they
    would start a batch inside every worker. While a worker starts, ``sys.modules["__main__"]`` is
    replaced by an empty module, so the preparation data carries no main path.
    """
    real = sys.modules.get("__main__")
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        if real is not None:
            sys.modules["__main__"] = real


if sys.platform != "win32" and "forkserver" in mp.get_all_start_methods():
    _BaseProcess: Any = mp.context.ForkServerProcess
    _BaseContext: Any = mp.context.ForkServerContext
else:  # pragma: no cover - Windows and macOS-without-forkserver fall back to spawn
    _BaseProcess = mp.context.SpawnProcess
    _BaseContext = mp.context.SpawnContext


class _WorkerProcess(_BaseProcess):
    @staticmethod
    def _Popen(process_obj: Any) -> Any:  # noqa: N802 - multiprocessing's name
        with _main_hidden():
            return _BaseProcess._Popen(process_obj)


class _WorkerContext(_BaseContext):
    """``forkserver`` (``spawn`` where unavailable) whose processes never import ``__main__``."""

    Process = _WorkerProcess


def _process_context() -> mp.context.BaseContext:
    ctx = _WorkerContext()
    if ctx.get_start_method() == "forkserver":
        # Preload the worker module (and so the model) once in the fork server, not __main__.
        ctx.set_forkserver_preload(["wargame.batch.runner", "wargame.model"])
    return ctx


def ignore_sigint() -> None:
    """Worker initializer: ignore SIGINT, so Ctrl-C (sent to the whole process group) reaches only the parent.

    The parent then cancels the pending tasks and shuts the pool down; without this every worker would
    also raise ``KeyboardInterrupt`` and print its own traceback.
    """
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)


#: Seconds between a worker's checks that the batch process is still alive (illustrative: orphans are
#: gone within about this long after a ``kill -9`` of the batch).
PARENT_CHECK_SECONDS = 0.5
#: Exit status of a worker that quits because the batch process died.
PARENT_DIED_EXIT = 75
#: Most local workers per CPU core; more only add memory and switching (illustrative cap).
MAX_WORKERS_PER_CORE = 4


def process_start_token(pid: int) -> str | None:
    """Identity of a live process: its start time from ``/proc/<pid>/stat`` (Linux), so a reused pid differs.

    Returns:
        The start time in clock ticks as text, ``None`` where ``/proc`` is unavailable, or ``""`` if the
        process does not exist or is a zombie (dead, not yet reaped).

    """
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            stat = fh.read().decode(errors="replace")
    except FileNotFoundError:
        return "" if os.path.isdir("/proc/self") else None
    except OSError:
        return None
    fields = stat[stat.rfind(")") + 2:].split()  # after "pid (comm) ": state is field 3, starttime field 22
    if not fields or fields[0] in ("Z", "X"):
        return ""
    return fields[19] if len(fields) > 19 else None


def _parent_alive(pid: int, token: str | None) -> bool:
    now = process_start_token(pid)
    if now is not None:
        return now != "" and (token is None or now == token)
    try:  # no /proc: signal 0 only checks the pid exists
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _watch_parent(pid: int, token: str | None, interval: float) -> None:
    while True:
        time.sleep(interval)
        if not _parent_alive(pid, token):
            os._exit(PARENT_DIED_EXIT)  # no cleanup: the batch is gone, its results are on disk already


def init_worker(parent_pid: int, parent_token: str | None, interval: float = PARENT_CHECK_SECONDS) -> None:
    """Worker initializer: ignore SIGINT (see :func:`ignore_sigint`) and exit when the batch process dies.

    A daemon thread checks every ``interval`` seconds that the batch process (``parent_pid``, with start
    token ``parent_token`` from :func:`process_start_token`) still lives, and ends the worker at once
    (exit status :data:`PARENT_DIED_EXIT`) when it does not, even in the middle of a run: after a
    ``kill -9`` of the batch no worker keeps computing for nobody. (A worker's own parent is the fork
    server, not the batch process, so ``os.getppid()`` and ``PR_SET_PDEATHSIG`` would watch the wrong one.)

    Args:
        parent_pid: Pid of the batch process.
        parent_token: Its start token, or None where unknown.
        interval: Seconds between checks.

    """
    ignore_sigint()
    threading.Thread(target=_watch_parent, args=(parent_pid, parent_token, interval), daemon=True,
                     name="wargame-parent-watchdog").start()


def cap_workers(requested: int | None) -> tuple[int, str | None]:
    """The number of local workers to start, at most :data:`MAX_WORKERS_PER_CORE` per core.

    Args:
        requested: Workers asked for (``None``: one per core).

    Returns:
        ``(workers, note)``: ``note`` says why the request was lowered, ``None`` when it was not.

    """
    cores = default_workers()
    if requested is None:
        return cores, None
    cap = MAX_WORKERS_PER_CORE * cores
    if requested > cap:
        return cap, (f"--workers {requested} lowered to {cap} ({MAX_WORKERS_PER_CORE} per core, {cores} "
                     "core(s)); more workers than that only cost memory")
    return requested, None


@contextlib.contextmanager
def make_executor(
    engine: Engine = "local", workers: int | None = None, scheduler: str | None = None
) -> Iterator[tuple[cf.Executor, int]]:
    """Open an executor for a batch.

    Args:
        engine: ``"local"`` (process pool) or ``"dask"``.
        workers: Local processes, or LocalCluster workers; default: the machine's cores; at most
            :data:`MAX_WORKERS_PER_CORE` per core (:func:`cap_workers`). Local workers exit when this
            process dies (:func:`init_worker`).
        scheduler: Address of a running Dask scheduler (``tcp://host:8786``); ``None`` starts a
            ``LocalCluster``. Only with ``engine="dask"``.

    Yields:
        ``(executor, slots)``, where ``slots`` is the number of tasks that can run at once.

    """
    if engine == "local":
        if scheduler:
            raise ValueError("--scheduler needs --engine dask")
        n, _ = cap_workers(workers)
        parent = os.getpid()
        with cf.ProcessPoolExecutor(max_workers=n, mp_context=_process_context(), initializer=init_worker,
                                    initargs=(parent, process_start_token(parent))) as ex:
            yield ex, n
    elif engine == "dask":
        from distributed import Client, LocalCluster

        if scheduler:
            with Client(scheduler) as client:
                slots = sum(client.nthreads().values()) or 1
                yield client.get_executor(pure=False), slots
        else:
            n, _ = cap_workers(workers)
            with _main_hidden():  # the nannies spawn their workers now; keep them from re-running __main__
                cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True, dashboard_address=None,
                                       silence_logs=logging.ERROR)
            with cluster, Client(cluster) as client:
                yield client.get_executor(pure=False), n
    else:
        raise ValueError(f"unknown engine {engine!r}; allowed: local, dask")


def run_tasks(
    executor: cf.Executor,
    tasks: Iterable[Any],
    on_result: Callable[[Any, Any], None],
    window: int,
    fn: Callable[[Any], Any] = execute_chunk,
) -> None:
    """Run ``fn(task)`` in the executor with at most ``window`` tasks in flight; hand each result to ``on_result``.

    Results arrive in completion order; the batch store keys them by run id and futures by future index, so
    nothing downstream depends on it. On an exception (or Ctrl-C) pending tasks are cancelled and the
    exception propagates.

    Args:
        executor: Where the tasks run.
        tasks: The tasks, consumed lazily (the parent never holds more than ``window`` of them).
        on_result: Called with ``(task, result)`` as tasks complete (those done together in submission order).
        window: Most tasks submitted and not yet handed over.
        fn: The function a worker runs on a task (picklable): :func:`execute_chunk` for a batch.

    """
    in_flight: dict[cf.Future, tuple[int, Any]] = {}
    numbered = enumerate(tasks)

    def top_up() -> None:
        while len(in_flight) < window:
            item = next(numbered, None)
            if item is None:
                return
            in_flight[executor.submit(fn, item[1])] = item

    try:
        top_up()
        while in_flight:
            done, _ = cf.wait(in_flight, return_when=cf.FIRST_COMPLETED)
            for fut in sorted(done, key=lambda f: in_flight[f][0]):
                _, task = in_flight.pop(fut)
                on_result(task, fut.result())
            top_up()
    except BaseException:
        for fut in in_flight:
            fut.cancel()
        raise
