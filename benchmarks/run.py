"""Speed and accuracy figures, printed side by side with the building blocks' raw speed.

    make bench            # or: .venv/bin/python benchmarks/run.py [--mb 10] [--dense]

Measures on one core: the rule pass incl. normalization (MB/s) on a ~10 MB Chinese corpus
with planted identifiers (and their recall), the same on identifier-dense text (one every ~500
characters; `--dense` prints only these figures), a generated 50-page docx and 200-page PDF end
to end, a 20-page OFD and a scanned page (OCR) beside their reference readers, start-up time,
classifier sentences/s, and peak memory. The corpus text is read in
place from ../shared/corpus/public when present, else built from models/data passages.
"""
from __future__ import annotations

import argparse
import os
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PUBLIC = Path(os.environ.get("SCREENING_SHARED", ROOT.parent / "shared")) / "corpus" / "public"
sys.path.insert(0, str(ROOT))


def base_text(mb: float) -> tuple[str, str]:
    if PUBLIC.is_dir():
        texts = [p.read_text(encoding="utf-8") for p in sorted(PUBLIC.glob("*.txt"))]
        source = f"{len(texts)} published documents from ../shared/corpus/public"
    else:
        import json

        texts = [json.loads(line)["text"] for p in sorted((ROOT / "models" / "data").glob("*.jsonl"))
                 for line in p.read_text(encoding="utf-8").splitlines()
                 if json.loads(line)["label"] == "normal"]
        source = "normal passages of models/data (../shared absent)"
    text = "\n".join(texts)
    target = int(mb * 1024 * 1024 / 3)  # ~3 bytes per CJK char in UTF-8
    return (text * (target // len(text) + 1))[:target], source


def id_number(rng: random.Random) -> str:
    from screening.validators import gb11643_check_digit

    first = f"{rng.choice(['110105', '320481', '440304', '510104'])}{rng.randint(1950, 2005)}" \
            f"{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{rng.randint(0, 999):03d}"
    return first + gb11643_check_digit(first)


def plant(text: str, n: int, seed: int = 7) -> tuple[str, list[tuple[str, str]]]:
    """Insert n identifiers at paragraph ends; returns the text and (rule, value) planted."""
    rng = random.Random(seed)
    makers = [
        ("pii.id_card", lambda: id_number(rng), "申请人身份证号{}。"),
        ("pii.mobile", lambda: f"{rng.choice(['138', '139', '150', '158', '186', '189', '199'])}{rng.randint(10_000_000, 99_999_999)}",
         "联系人手机{}。"),
        ("net.private_ipv4", lambda: f"192.168.{rng.randint(0, 254)}.{rng.randint(1, 254)}", "请登录内网{}填报。"),
        ("pii.email", lambda: f"zhang{rng.randint(100, 999)}@qq.com", "个人邮箱{}。"),
    ]
    lines = text.split("\n")
    planted = []
    for i in rng.sample(range(len(lines)), n):
        rule, make, frame = rng.choice(makers)
        value = make()
        lines[i] += frame.format(value)
        planted.append((rule, value))
    return "\n".join(lines), planted


def timed(fn, *args, repeat: int = 1):
    best = float("inf")
    result = None
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn(*args)
        best = min(best, time.perf_counter() - t)
    return best, result


def raw_blocks(text: str, ruleset) -> list[tuple[str, float]]:
    import ahocorasick_rs

    from screening.normalize import to_simplified

    mb = len(text.encode("utf-8")) / 2**20
    keywords = [k for k, _ in ruleset.keyword_owners]
    automaton = ahocorasick_rs.AhoCorasick(keywords)
    id_re = re.compile(r"(?<![0-9])[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[0-9Xx](?![0-9Xx])")
    return [
        (f"ahocorasick-rs over {len(keywords)} rule keywords", mb / timed(automaton.find_matches_as_indexes, text)[0]),
        ("OpenCC t2s", mb / timed(to_simplified, text)[0]),
        ("one ID-number regex (plain re)", mb / timed(lambda t: list(id_re.finditer(t)), text)[0]),
    ]


def dense(rules_engine, text: str, every: int = 500) -> None:
    """Identifier-dense text (an identifier planted every ~`every` characters): the rule pass and
    its two costliest detectors alone, warm (best of 2), beside plain regex and automaton scans of
    the same text in the same run."""
    from screening.engine import prepare
    from screening.normalize import normalize
    from screening.pipeline import text_document

    text, planted = plant(text, len(text) // every, seed=11)
    mb = len(text.encode("utf-8")) / 2**20
    doc = text_document(text, "dense.txt")
    rules_engine.screen(text_document(text[:100_000], "warm.txt"))        # dictionaries and patterns loaded
    seconds, _ = timed(rules_engine.screen, doc, repeat=2)
    views = [normalize(p) for p in prepare(doc).parts]
    print(f"| identifier-dense text ({mb:.1f} MB, {len(planted)} identifiers, one every ~{every} characters): "
          f"rule pass incl. normalization (rules only, warm) | {mb / seconds:.1f} MB/s |")
    for detector in rules_engine.detectors:
        if detector.name in ("rules", "prose_names"):
            seconds = timed(lambda: list(detector.detect(doc, views)), repeat=2)[0]
            print(f"| the same, {detector.name} detector alone | {mb / seconds:.1f} MB/s |")
    for name, speed in raw_blocks(text, rules_engine.ruleset)[::2]:
        print(f"| reference on the same text: {name} | {speed:.1f} MB/s |")
    count, seconds = checksum_scan(rules_engine.ruleset, text)
    print(f"| reference on the same text: bare checksum-regex scan (the rules' {count} checksum-validated identifier "
          f"patterns, each over the whole text, every match's checksum checked; no context, no findings) "
          f"| {mb / seconds:.1f} MB/s |")


# The validators of identifiers (check digits, number plans, plate and permit formats), not of
# secrets' or names' plausibility, which run only in keyword windows.
IDENTIFIER_VALIDATORS = frozenset({"gb11643", "gb11643_15", "mobile", "landline", "bank_card", "passport",
                                   "hk_macau_permit", "taiwan_permit", "plate", "student_id", "disability_card", "vin",
                                   "private_ip", "private_ipv6"})


def checksum_scan(ruleset, text: str) -> tuple[int, float]:
    """The floor under the rule pass on identifier-dense text: every pattern of a rule with a
    checksum validator run over the whole text (no keyword windows, normalization or context),
    each match validated. Returns the number of patterns and the best of two times."""
    checked = [(rule.validate, lazy.compiled) for rule in ruleset.rules if rule.validator in IDENTIFIER_VALIDATORS
               for lazy in rule.patterns]

    def scan() -> int:
        valid = 0
        for validate, pattern in checked:
            group = "hit" if "hit" in pattern.groupindex else 0
            for m in pattern.finditer(text):
                if m.start(group) >= 0 and validate(m.group(group)):
                    valid += 1
        return valid

    return len(checked), timed(scan, repeat=2)[0]


def real_documents(engine) -> None:
    """Rule findings per published document (false-positive pressure); the classifier's figures
    (grouped CV, held-back set, findings per published document, speed, start-up) come from
    benchmarks/classifier.py in the same run."""
    from collections import Counter

    from screening.pipeline import text_document
    from screening.types import Severity, Source

    paths = sorted(PUBLIC.glob("*.txt")) if PUBLIC.is_dir() else []
    if paths:
        counts: Counter = Counter()
        for path in paths:
            for f in engine.screen(text_document(path.read_text(encoding="utf-8"), path.name)).findings:
                if f.source is not Source.CLASSIFIER and f.severity.rank >= Severity.MEDIUM.rank:
                    counts["medium+"] += 1
        print(f"| rule findings per published document, medium+ ({len(paths)} documents) | {counts['medium+'] / len(paths):.3f} |")
    from benchmarks.classifier import rows

    print("\n".join(rows(engine)))


def new_formats(pages: int = 20) -> None:
    """A 20-page OFD and a scanned page (OCR), end to end, beside the reference readers' own time
    in the same run: lxml parsing every XML member of the OFD, and one RapidOCR call (warm)."""
    import io
    import zipfile

    from lxml import etree

    from screening.pipeline import screen_path
    sys.path.insert(0, str(ROOT / "tests"))  # the generators import each other as the test suite does
    from ofdgen import make_ofd, scan_png

    lines = [f"第{i}行：根据工作安排，现将有关事项通知如下，请各单位认真落实。" for i in range(30)]
    ofd = make_ofd(pages=[lines] * pages)
    png = scan_png(["关于申请补助的情况说明", "联系电话：13912345678", "身份证号码：11010519491231002X"] * 6,
                   size=(1240, 1754), font_size=32)
    with tempfile.TemporaryDirectory() as tmp:
        ofd_path, png_path = Path(tmp) / "20页.ofd", Path(tmp) / "扫描件.png"
        ofd_path.write_bytes(ofd)
        png_path.write_bytes(png)
        seconds, _ = timed(screen_path, ofd_path, repeat=3)
        zf = zipfile.ZipFile(io.BytesIO(ofd))
        parse = timed(lambda: [etree.fromstring(zf.read(n)) for n in zf.namelist() if n.endswith(".xml")], repeat=3)[0]
        print(f"| ofd, {pages} pages, end to end (isolated extraction + rules + classifier) | {seconds:.2f} s "
              f"({pages / seconds:.0f} pages/s); reference: lxml parse of its XML {parse * 1000:.0f} ms |")
        seconds, report = timed(screen_path, png_path)
        from PIL import Image

        from screening.extract import ocr

        image = Image.open(io.BytesIO(png))
        load = timed(ocr.engine)[0]
        call = timed(ocr.recognise, image, repeat=2)[0]
        print(f"| scanned page (A4 at 150 dpi, 18 lines), end to end incl. OCR model load in the child | {seconds:.2f} s "
              f"({len(report.findings)} findings); reference: RapidOCR call alone {call:.2f} s, model load {load:.2f} s |")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mb", type=float, default=10.0)
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--new-formats", action="store_true", help="only the OFD and OCR figures")
    parser.add_argument("--dense", action="store_true", help="only the identifier-dense rule-pass figures")
    args = parser.parse_args()
    if args.dense:
        from screening.engine import Settings, build_engine

        print("| what | figure |\n|---|---|")
        dense(build_engine(Settings(classifier=False)), base_text(args.mb)[0])
        return
    if args.new_formats:
        print("| what | figure |\n|---|---|")
        new_formats()
        return

    t = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", "from screening.engine import build_engine, Settings;"
                          "build_engine(Settings(classifier=False))"], cwd=ROOT, capture_output=True)
    startup_rules = time.perf_counter() - t
    assert out.returncode == 0, out.stderr

    from screening.engine import Settings, build_engine
    from screening.pipeline import screen_path, text_document

    rules_engine = build_engine(Settings(classifier=False))
    text, source = base_text(args.mb)
    text, planted = plant(text, 2000)
    mb = len(text.encode("utf-8")) / 2**20
    doc = text_document(text, "corpus.txt")
    seconds, report = timed(rules_engine.screen, doc)
    found = {(f.rule, f.text) for f in report.findings}
    recall = sum((rule, value) in found for rule, value in planted) / len(planted)

    print(f"# Benchmarks ({time.strftime('%Y-%m-%d')}, one core, Python {sys.version.split()[0]})\n")
    print(f"corpus: {mb:.1f} MB of Chinese text ({source}) with {len(planted)} planted identifiers\n")
    print("| what | figure |\n|---|---|")
    print(f"| rule pass incl. normalization (rules only) | {mb / seconds:.1f} MB/s |")
    print(f"| recall of planted identifiers | {recall:.3f} |")
    for name, speed in raw_blocks(text, rules_engine.ruleset):
        print(f"| reference: {name} | {speed:.1f} MB/s |")
    print(f"| start-up: import + rules + automaton (new process) | {startup_rules:.2f} s |")
    dense(rules_engine, base_text(args.mb)[0])

    full = build_engine()
    with tempfile.TemporaryDirectory() as tmp:
        from tests.docgen import make_docx, make_pdf

        paragraphs = [line for line in text[:400_000].split("\n") if line.strip()]
        docx_path = Path(tmp) / "50页.docx"
        make_docx(docx_path, paragraphs=paragraphs[:1500])
        seconds, report = timed(screen_path, docx_path, repeat=3)
        print(f"| docx, ~50 pages, end to end (isolated extraction + rules + classifier) | {seconds:.2f} s |")
        pdf_path = Path(tmp) / "200页.pdf"
        make_pdf(pdf_path, pages=["\n".join(paragraphs[i * 12:(i + 1) * 12]) for i in range(args.pages)])
        seconds, report = timed(screen_path, pdf_path, repeat=2)
        print(f"| pdf, {args.pages} pages, end to end | {seconds:.2f} s ({args.pages / seconds:.0f} pages/s) |")
    from benchmarks.formats import rows as format_rows

    print("\n".join(format_rows(rules_engine)))
    new_formats()
    real_documents(full)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"| peak memory (this process / largest child) | {peak:.0f} MB / {children:.0f} MB |")


if __name__ == "__main__":
    main()
