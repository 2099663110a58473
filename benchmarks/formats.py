"""Per-format figures beside the reference reader's own time, measured in the same run:

- a .doc (a generated ~5-page docx that LibreOffice saved as .doc) end to end — the sandboxed
  LibreOffice conversion, the docx reader and the rules — beside `soffice --convert-to docx`
  alone, which is most of it;
- a 2,000-row 公示 xlsx end to end (sandboxed extraction + rules) and extraction alone, beside
  openpyxl loading the same workbook (read-only, cached values).

    .venv/bin/python benchmarks/formats.py      # also part of benchmarks/run.py
"""
from __future__ import annotations

import io
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _best(fn, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best


def _gongshi(rows: int) -> bytes:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "公示名单"
    ws.append(["2025年城乡低保对象公示"])
    ws.append(["序号", "姓名", "性别", "身份证号", "家庭住址", "保障人数", "月保障金（元）", "备注"])
    for i in range(rows):
        ws.append([i + 1, f"王{i}", "女", "11010519491231002X", "某街道某社区", 3, 1200.5, ""])
    ws.column_dimensions["D"].hidden = True
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def rows(engine) -> list[str]:
    """Markdown table rows (| what | figure |)."""
    import openpyxl

    from screening.extract import extract_bytes, extract_isolated
    from screening.pipeline import screen_bytes

    out = []
    data = _gongshi(2000)
    screen = _best(lambda: screen_bytes(data, "公示.xlsx", engine=engine))
    extract = _best(lambda: extract_isolated(data, "公示.xlsx"))
    reference = _best(lambda: [list(ws.values) for ws in openpyxl.load_workbook(
        io.BytesIO(data), read_only=True, data_only=True).worksheets])
    cpu = time.process_time()
    engine.screen(extract_bytes(data, "公示.xlsx"))
    cpu = time.process_time() - cpu
    out.append(f"| xlsx, 2,000-row 公示, end to end (isolated extraction + rules) | {screen:.2f} s |")
    out.append(f"| xlsx, 2,000 rows, processor time in one process (extraction + rules, no sandbox) | {cpu:.2f} s |")
    out.append(f"| xlsx, 2,000 rows, isolated extraction alone / reference: openpyxl read-only load | "
               f"{extract:.2f} s / {reference:.2f} s |")
    if shutil.which("soffice") is None:
        out.append("| .doc via LibreOffice | (LibreOffice not installed) |")
        return out
    with tempfile.TemporaryDirectory() as tmp:
        from tests.docgen import make_docx

        folder = Path(tmp)
        paragraphs = [f"第{i}条 各单位应当按照规定做好政府信息公开前的保密审查工作，确保不泄露国家秘密。" for i in range(150)]
        make_docx(folder / "草稿.docx", paragraphs=paragraphs)
        profile = (folder / "profile").as_uri()

        def soffice(target: str, source: Path) -> None:
            subprocess.run(["soffice", "--headless", "--norestore", f"-env:UserInstallation={profile}",
                            "--convert-to", target, "--outdir", str(folder / target), str(source)],
                           check=True, capture_output=True, timeout=240)

        soffice("doc", folder / "草稿.docx")
        doc = (folder / "doc" / "草稿.doc").read_bytes()
        (folder / "草稿.doc").write_bytes(doc)
        reference = _best(lambda: soffice("docx", folder / "草稿.doc"), repeat=2)
        end_to_end = _best(lambda: screen_bytes(doc, "草稿.doc", engine=engine), repeat=2)
    out.append(f"| .doc (~5 pages) end to end via LibreOffice / reference: soffice --convert-to docx alone | "
               f"{end_to_end:.2f} s / {reference:.2f} s |")
    return out


def main() -> None:
    from screening.engine import Settings, build_engine

    print("| what | figure |\n|---|---|")
    print("\n".join(rows(build_engine(Settings(classifier=False)))))


if __name__ == "__main__":
    main()
