"""extract_isolated: extract_bytes in a child process with a memory limit and a wall-clock timeout.

Parsers of hostile files can take unbounded memory (pdfminer has no decompression cap, a
500 KB PDF can need 1 GB) or time. The child comes from a multiprocessing forkserver with
the extractors preloaded (a fork costs a few milliseconds), sets RLIMIT_AS and RLIMIT_CPU,
runs extract_bytes and sends back the Document or the error. The parent kills it when the
time is up, and always joins it (the forkserver reaps it): no hang, no zombie.

Safe to call from threads and from worker processes forked by a ProcessPoolExecutor (each
forked process gets its own forkserver). Nothing is started at import.
"""
from __future__ import annotations

import math
import multiprocessing
import os
import resource
import signal
import threading
from collections.abc import Callable, Sequence

from screening.errors import UnreadableDocument
from screening.extract.common import Limits
from screening.types import Document

_MEMORY_EXIT = 86            # the child's exit status after MemoryError
_lock = threading.Lock()
_context = None              # created on first use, per process


def extract_isolated(data: bytes, name: str, *, limits: Limits = Limits(),
                     _run: tuple[Callable, tuple] | None = None) -> Document:
    """`_run` (tests only) replaces extract_bytes in the child with `func(*args)`."""
    if len(data) > limits.max_bytes:
        raise UnreadableDocument("too_large", f"文件大小 {len(data)} 字节，超过上限 {limits.max_bytes} 字节")
    ctx = _get_context()
    receiver, sender = ctx.Pipe(duplex=False)
    child = ctx.Process(target=_child, args=(sender, data, name, limits, _run), name="screening-extract", daemon=True)
    try:
        child.start()
        sender.close()
        if not receiver.poll(limits.timeout_s):
            raise UnreadableDocument("timeout", f"解析超过 {limits.timeout_s:g} 秒，已中止")
        try:
            outcome = receiver.recv()
        except (EOFError, OSError):
            child.join(timeout=5)
            raise _died(child.exitcode) from None
    finally:
        if child.pid is not None:
            _kill_group(child.pid)     # the child and what it started (LibreOffice), not yet reaped
        if child.is_alive():
            child.kill()
        if child.pid is not None:
            child.join()
            child.close()
        receiver.close()
    if outcome[0] == "ok" and isinstance(outcome[1], Document):
        return outcome[1]
    if outcome[0] == "error":
        raise UnreadableDocument(outcome[1], outcome[2])
    raise UnreadableDocument("corrupt", "解析进程返回了无法识别的结果")


def _kill_group(pid: int) -> None:
    """The child leads its own process group (see _child): kill every process in it. A group that
    does not exist (the child has not made it yet, or all are gone) is nothing to kill."""
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _died(exitcode: int | None) -> UnreadableDocument:
    if exitcode == _MEMORY_EXIT or exitcode == -signal.SIGKILL:
        return UnreadableDocument("memory_limit", "解析所需内存超过限制，已中止")
    if exitcode == -signal.SIGXCPU:
        return UnreadableDocument("timeout", "解析占用处理器时间超过限制，已中止")
    return UnreadableDocument("corrupt", f"解析进程异常退出（退出状态 {exitcode}），文件可能已损坏")


def _child(sender, data: bytes, name: str, limits: Limits, run) -> None:
    """In the child: limit resources, extract, send ("ok", doc) or ("error", code, message)."""
    try:
        os.setpgid(0, 0)     # a group of its own, so the parent can end converters it starts
        resource.setrlimit(resource.RLIMIT_AS, (limits.memory_bytes, limits.memory_bytes))
        cpu = math.ceil(limits.timeout_s) + 1
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
        if run is not None:
            outcome = ("ok", run[0](*run[1]))
        else:
            from screening.extract import extract_bytes

            outcome = ("ok", extract_bytes(data, name, limits=limits))
    except UnreadableDocument as exc:
        outcome = ("error", exc.code, exc.message)
    except MemoryError:
        os._exit(_MEMORY_EXIT)
    except Exception as exc:  # noqa: BLE001 - reported to the parent, never raised there as-is
        outcome = ("error", "corrupt", f"解析失败（{type(exc).__name__}）")
    try:
        sender.send(outcome)
    except MemoryError:
        os._exit(_MEMORY_EXIT)
    sender.close()


def _get_context(preload: Sequence[str] | None = None):
    """The forkserver context; its server preloads `preload` (extractor modules), by default all of
    them, so that every child starts warm. Fixed by the first call in a process."""
    global _context  # noqa: PLW0603 - created lazily, reset in forked children
    with _lock:
        if _context is None:
            from screening.extract import EXTRACTOR_MODULES

            ctx = multiprocessing.get_context("forkserver")
            ctx.set_forkserver_preload(["screening.extract", *(EXTRACTOR_MODULES if preload is None else preload)])
            os.register_at_fork(after_in_child=_forget_forkserver)
            _context = ctx
        return _context


def warm(preload: Sequence[str] | None = None) -> None:
    """Start the forkserver now, so that it imports the extractors while the caller loads its rules
    and model (a command-line check of one file would otherwise wait for both in turn). `preload`:
    only the extractor modules the files to come need (a child imports any other on its own)."""
    from multiprocessing import forkserver

    _get_context(preload)
    forkserver.ensure_running()


def _forget_forkserver() -> None:
    """A forked child (a ProcessPoolExecutor worker) cannot use its parent's forkserver:
    multiprocessing would waitpid() a process that is not its child. Start afresh."""
    global _lock  # noqa: PLW0603 - the parent's lock may have been held by another thread
    _lock = threading.Lock()
    from multiprocessing import forkserver

    server = forkserver._forkserver
    if server._forkserver_alive_fd is not None:
        try:
            os.close(server._forkserver_alive_fd)
        except OSError:
            pass
    server._forkserver_address = None
    server._forkserver_alive_fd = None
    server._forkserver_pid = None
    server._inherited_fds = None
    server._lock = threading.Lock()
