"""extract_isolated: the real extraction in a child, and what happens when a child misbehaves.

Misbehaviour is injected through the test-only `_run=(function, args)`: builtins, so that the
forkserver child can unpickle them without importing test modules. No timing assertions."""
from __future__ import annotations

import os
import signal
import threading
import time
from concurrent.futures import ProcessPoolExecutor

import pytest
from docgen import encrypted_docx, make_docx, make_pdf

from screening.errors import UnreadableDocument
from screening.extract import Limits, extract_bytes, extract_isolated

DOCX = make_docx(paragraphs=["正文", ["申请人", ("del", "11010519491231002X")]], core_author="张三")


@pytest.mark.parametrize("data, name", [(DOCX, "a.docx"), (make_pdf(pages=[["第一页"]]), "a.pdf"),
                                        ("第一行\n第二行".encode("gb18030"), "a.txt")])
def test_the_child_returns_what_extract_bytes_returns(data, name):
    assert extract_isolated(data, name) == extract_bytes(data, name)


def test_an_unreadable_document_keeps_its_code_and_message():
    with pytest.raises(UnreadableDocument) as isolated:
        extract_isolated(encrypted_docx(), "a.docx")
    with pytest.raises(UnreadableDocument) as direct:
        extract_bytes(encrypted_docx(), "a.docx")
    assert (isolated.value.code, isolated.value.message) == (direct.value.code, direct.value.message)


@pytest.mark.parametrize("run, limits, code", [
    ((time.sleep, (60,)), Limits(timeout_s=0.5), "timeout"),                         # hangs: killed
    ((sum, (range(10 ** 12),)), Limits(timeout_s=0.5), "timeout"),                   # spins: killed
    ((bytearray, (8 << 30,)), Limits(memory_bytes=512 << 20), "memory_limit"),       # RLIMIT_AS → MemoryError
    ((signal.raise_signal, (signal.SIGKILL,)), Limits(), "memory_limit"),            # as the OOM killer does
    ((os.abort, ()), Limits(), "corrupt"),                                           # a crashing parser
    ((len, ("not a Document",)), Limits(), "corrupt"),
], ids=["sleep", "busy", "allocate", "sigkill", "abort", "wrong-result"])
def test_a_misbehaving_child_is_an_unreadable_document(run, limits, code):
    with pytest.raises(UnreadableDocument) as caught:
        extract_isolated(DOCX, "a.docx", limits=limits, _run=run)
    assert caught.value.code == code


def test_too_large_is_refused_before_starting_a_child():
    with pytest.raises(UnreadableDocument, match="too_large"):
        extract_isolated(DOCX, "a.docx", limits=Limits(max_bytes=1024), _run=(os.abort, ()))


def test_concurrent_calls_from_threads():
    results, errors = [], []

    def work():
        try:
            results.append(extract_isolated(DOCX, "a.docx"))
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and len(results) == 6


def _isolated_in_worker(data: bytes) -> str:
    return extract_isolated(data, "a.docx").parts[0].text


def test_from_forked_pool_workers_after_the_parent_used_the_sandbox():
    extract_isolated(DOCX, "a.docx")         # the parent's forkserver exists before the fork
    with ProcessPoolExecutor(max_workers=2) as pool:
        assert list(pool.map(_isolated_in_worker, [DOCX] * 3)) == ["正文\n申请人"] * 3


def _gone(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] == "Z"      # a zombie awaiting its reaper
    except FileNotFoundError:
        return True


def test_a_timeout_also_ends_what_the_child_started(tmp_path):
    """A converter the child starts (LibreOffice, here a shell) dies with it: the child leads its own
    process group, and the parent kills the group."""
    import subprocess

    pidfile = tmp_path / "grandchild.pid"
    script = f"echo $$ > {pidfile}; exec sleep 60"
    with pytest.raises(UnreadableDocument) as caught:
        extract_isolated(DOCX, "a.docx", limits=Limits(timeout_s=3), _run=(subprocess.run, (["sh", "-c", script],)))
    assert caught.value.code == "timeout"
    pid = int(pidfile.read_text())
    deadline = time.monotonic() + 10
    while not _gone(pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _gone(pid)
