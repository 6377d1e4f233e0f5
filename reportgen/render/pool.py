"""Renders many reports: in worker processes, skipping unchanged ones, stopping cleanly on Ctrl-C.

Each worker builds its Renderer (fonts, stylesheets, Jinja) once, then renders many
reports; workers are recycled now and then because WeasyPrint's native memory grows by
about 75 KB per report. They fork from a server that has imported WeasyPrint once.
"""

from __future__ import annotations

import ctypes
import gc
import hashlib
import json
import multiprocessing
import multiprocessing.util
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing import forkserver
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import __version__
from ..errors import RenderError
from ..models import Assessment, Brand, Response
from ..output import writer
from ..report.model import ReportView

if TYPE_CHECKING:
    from ..report.cohort import CohortView
    from .renderer import Renderer

REPORTS_PER_WORKER = 250  # then fresh processes: WeasyPrint's native memory only grows
WATCH_EVERY = 0.2  # seconds between a worker's checks that the build that started it still runs
_PR_SET_PDEATHSIG = 1  # Linux prctl option: a signal for this process when its parent ends
COHORT_ROW = 0  # the source row of the cohort report's task: no data row is row 0


def default_jobs() -> int:
    """The cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS and Windows
        return os.cpu_count() or 1


@dataclass(frozen=True)
class RendererSetup:
    """What a worker needs to build its own Renderer."""

    template_dirs: tuple[Path, ...]
    contents: dict[str, Any]
    brand: Brand
    paper: str
    fetch_roots: tuple[Path, ...]

    def create(self) -> Renderer:
        """A Renderer; imports WeasyPrint, so only where reports are rendered."""
        from .renderer import Renderer

        return Renderer(self.template_dirs, self.contents, self.brand, self.paper, fetch_roots=self.fetch_roots)


@dataclass(frozen=True)
class Task:
    """One report to render and where to write it: a leader's, or with a template the cohort report."""

    source_row: int  # the leader's data row, or COHORT_ROW
    view: ReportView | CohortView
    path: Path
    output_format: str  # "pdf" or "html"
    asset_base: str | None = None
    stylesheet: str | None = None
    template: str | None = None  # None: the leader's report template


@dataclass(frozen=True)
class TaskResult:
    """How one task ended: written, or the one-line reason it failed."""

    source_row: int
    reason: str | None = None
    disk_full: bool = False  # nothing more can be written: the batch stops


class Interrupted(Exception):
    """Ctrl-C: the reports finished so far are written whole, the rest are not started."""


class DiskFull(Interrupted):
    """The disk is full: the reports written so far are whole, the rest are not started."""


_renderer: Renderer | None = None
_build_pid: int | None = None  # in a worker: the build process it renders for


def _start_worker(setup: RendererSetup, build_pid: int) -> None:
    global _renderer, _build_pid
    # Ctrl-C is the main process's to handle: a worker finishes its report, then stops.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _build_pid = build_pid
    _die_with_the_build()
    _renderer = setup.create()
    # A worker's normal end runs multiprocessing's finalizers, not atexit or __del__.
    multiprocessing.util.Finalize(None, _renderer.close, exitpriority=10)
    _freeze_long_lived()


def _die_with_the_build() -> None:
    """End this worker when the build ends, also by kill -9, so that no report is written after it.

    A worker's parent is the fork server, which itself lives while any worker does: so on
    Linux the parent-death signal covers the fork server's end, and a watcher thread the
    build's. Either way WeasyPrint's font folder is removed first.
    """
    signal.signal(signal.SIGTERM, lambda *_: _end_worker())
    if sys.platform == "linux":
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    if not _build_running():  # it ended before the signal was set
        _end_worker()
    threading.Thread(target=_watch_the_build, name="reportgen-watch", daemon=True).start()


def _watch_the_build() -> None:
    while _build_running():
        time.sleep(WATCH_EVERY)
    _end_worker()


def _build_running() -> bool:
    """Whether the build process this worker renders for still runs (a zombie does not)."""
    if _build_pid is None:
        return True
    try:
        os.kill(_build_pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        with open(f"/proc/{_build_pid}/stat", "rb") as stat:  # noqa: PTH123 (Linux only; a tight loop)
            return stat.read().rpartition(b")")[2].split()[0] != b"Z"
    except OSError:
        return True  # no /proc (macOS): kill(0) has answered


def _end_worker() -> None:
    if _renderer is not None:
        _renderer.close()
    os._exit(1)


def _worker_context() -> multiprocessing.context.BaseContext:
    """Workers forked from a server that has imported WeasyPrint once.

    That saves about 0.5 s a worker, for every chunk; a fresh interpreter each where there is
    no fork server (Windows). Never a plain fork of this process, whose state workers need not share.
    """
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([f"{__package__}.renderer"])
    return context


def warm_up(jobs: int) -> None:
    """Start the fork server now, so that it imports WeasyPrint while this process prepares the reports."""
    if jobs > 1 and _worker_context().get_start_method() == "forkserver":
        forkserver.ensure_running()


def _freeze_long_lived() -> None:
    """Keep what lives for the whole run (modules, fonts, stylesheets) out of every collection."""
    gc.collect()
    gc.freeze()


def render_task(task: Task, renderer: Renderer | None = None) -> TaskResult:
    """Render one report and write it atomically; any error fails only this report."""
    if renderer is None and not _build_running():  # a worker whose build has ended starts nothing
        _end_worker()
    renderer = renderer or _renderer
    assert renderer is not None
    try:
        data = _rendered(task, renderer)
        # Nothing slow after the write: a Ctrl-C between it and the caller's record would
        # leave a written report listed as not rendered.
        writer.write_atomic(task.path, data)
    except RenderError as error:
        return TaskResult(task.source_row, str(error))
    except OSError as error:
        if writer.is_disk_full(error):  # every report after this one would fail the same way
            return TaskResult(task.source_row, "not written: the disk is full", disk_full=True)
        return TaskResult(task.source_row, f"{type(error).__name__}: {error}")
    except Exception as error:  # one leader's problem must not stop the batch
        return TaskResult(task.source_row, f"{type(error).__name__}: {error}")
    return TaskResult(task.source_row)


def _rendered(task: Task, renderer: Renderer) -> bytes:
    """The report's bytes, with one garbage collection after it instead of dozens during it.

    WeasyPrint makes hundreds of thousands of objects per report. Measured 4% of a render.
    """
    gc.disable()
    try:
        template = {"template": task.template} if task.template else {}
        if task.output_format == "html":
            html = renderer.html(task.view, asset_base=task.asset_base, stylesheet=task.stylesheet, **template)
            return html.encode("utf-8")
        return renderer.pdf(task.view, **template)
    finally:
        gc.collect()
        gc.enable()


def run(
    tasks: Sequence[Task],
    setup: RendererSetup,
    jobs: int,
    on_result: Callable[[TaskResult], None],
    renderer: Renderer | None = None,
) -> None:
    """Render every task, in `jobs` worker processes, or here with `renderer` for one job.

    Raises Interrupted on Ctrl-C, DiskFull once a report could not be written for want of space.
    """
    if not tasks:
        return
    if jobs <= 1 or len(tasks) == 1:
        renderer = renderer or setup.create()
        _freeze_long_lived()
        try:
            with _ctrl_c_between_reports() as asked:
                for task in tasks:
                    result = render_task(task, renderer)
                    on_result(result)
                    if result.disk_full:
                        raise DiskFull
                    if asked:
                        raise Interrupted
        except KeyboardInterrupt:
            raise Interrupted from None
        finally:
            gc.unfreeze()
        return
    # Fresh workers for every chunk of reports. Not max_tasks_per_child: with it, Python
    # 3.11's ProcessPoolExecutor hung here once the first workers retired (500 of 5,000).
    chunk = jobs * REPORTS_PER_WORKER
    for start in range(0, len(tasks), chunk):
        _run_pool(tasks[start : start + chunk], setup, jobs, on_result)


@contextmanager
def _ctrl_c_between_reports() -> Iterator[list[bool]]:
    """Ctrl-C (with one job) stops the run once the report in hand is written and recorded.

    A KeyboardInterrupt raised between a report's write and its record would leave a whole
    report listed as not rendered; the flag (a non-empty list once asked) is read between reports.
    """
    asked: list[bool] = []
    if threading.current_thread() is not threading.main_thread():
        yield asked
        return
    previous = signal.signal(signal.SIGINT, lambda signum, frame: asked.append(True))
    try:
        yield asked
    finally:
        signal.signal(signal.SIGINT, previous)


def _run_pool(tasks: Sequence[Task], setup: RendererSetup, jobs: int, on_result: Callable[[TaskResult], None]) -> None:
    pool = ProcessPoolExecutor(
        max_workers=min(jobs, len(tasks)),
        mp_context=_worker_context(),
        initializer=_start_worker,
        initargs=(setup, os.getpid()),
    )
    futures: list[Future[TaskResult]] = [pool.submit(render_task, task) for task in tasks]
    reported: set[int] = set()

    def stop(reason: type[Interrupted]) -> Interrupted:
        for future in futures:
            future.cancel()
        pool.shutdown(wait=True)  # the reports in progress finish and are written whole
        for future in futures:
            if future.done() and not future.cancelled() and future.exception() is None:
                result = future.result()
                if result.source_row not in reported:
                    reported.add(result.source_row)
                    on_result(result)
        return reason()

    try:
        for future in as_completed(futures):
            result = future.result()
            reported.add(result.source_row)
            on_result(result)
            if result.disk_full:
                raise stop(DiskFull)
    except KeyboardInterrupt:
        raise stop(Interrupted) from None
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def run_fingerprint(paths: Iterable[Path], settings: dict[str, object]) -> str:
    """A digest of everything every report depends on: files (instrument, brand, templates) and settings."""
    digest = hashlib.sha256(f"reportgen {__version__}".encode())
    for root in paths:
        files = sorted(p for p in root.rglob("*") if p.is_file()) if root.is_dir() else [root]
        for path in files:
            digest.update(str(path.relative_to(root) if root.is_dir() else path.name).encode())
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    digest.update(json.dumps(settings, sort_keys=True, default=str).encode())
    return digest.hexdigest()


def leader_fingerprint(run: str, response: Response, language: str, previous: Assessment | None = None) -> str:
    """A digest of one report's inputs: the run's, the leader's row and language, and earlier scores."""
    data = {
        "previous": [str(step.score) for step in previous.steps] if previous else None,
        "run": run,
        "language": language,
        "row": response.source_row,
        "name": response.name,
        "email": response.email,
        "organisation": response.organisation,
        "role": response.role,
        "answers": dict(response.answers),
        "free_text": dict(response.free_text),
    }
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:32]
