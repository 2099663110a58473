"""The classifier's figures, printed in one run (`make bench` calls it; or run it alone):

- grouped-CV precision/recall per class at medium+ (from the model's metadata: out-of-fold
  predictions, folds grouped by source document);
- the share of the held-back authored set's secret passages found at medium+ (models/heldout/,
  written apart from models/data and never trained on; documents screened whole), and of the same
  documents re-issued as 公文, without and with a publication 附注; the same on a second set by
  another author (models/heldout2/);
- classifier findings per real published document by severity (../shared/corpus/public, measure only);
- sentences/s of the classifier on one core, and the start-up time of `screening check`.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PUBLIC = Path(os.environ.get("SCREENING_SHARED", ROOT.parent / "shared")) / "corpus" / "public"
HELDOUT = ROOT / "models" / "heldout"
HELDOUT_2 = ROOT / "models" / "heldout2"   # a second set, written later by another author (its README)
sys.path.insert(0, str(ROOT))


def grouped_cv(meta: dict) -> list[str]:
    rows = []
    for label in ("state_secret", "work_secret", "personal_private"):
        m = meta["grouped_cv"]["medium"]["per_class"][label]
        rows.append(f"| grouped CV (by document) `{label}` at medium+: precision / recall | "
                    f"{m['precision']:.3f} / {m['recall']:.3f} |")
    return rows


def heldout_documents(folder: Path = HELDOUT) -> dict[str, list[dict]]:
    docs: dict[str, list[dict]] = defaultdict(list)
    for path in sorted(folder.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                docs[row["doc"]].append(row)
    return docs


# The held-back documents re-issued as 公文 (文号 under the title, 主送, 落款): an issued form is no
# sign of publication, so what is found must not change; with the 附注 （此件公开发布） added, what a
# wrong publication mark hides.
ISSUED_HEAD = ("某办发〔2025〕7号", "各有关单位：")
ISSUED_TAIL = ("某某办公室", "2025年4月2日")
NOTED_TAIL = ISSUED_TAIL + ("（此件公开发布）",)


def heldout(engine, rules_engine, head: tuple[str, ...] = (), tail: tuple[str, ...] = (),
            folder: Path = HELDOUT) -> dict:
    """Per secret passage of each held-back document screened whole: found by the classifier at
    medium+ (any sensitive class / the right class), at low+ (hint); and normal passages flagged.
    `head` lines go under the document's title (its first row), `tail` lines after its last row."""
    from screening.pipeline import text_document
    from screening.types import Severity, Source

    wanted = {"state_secret": "state_secret", "work_secret": "work_secret", "personal_private": "personal_info"}
    tally = Counter()
    for doc, rows in heldout_documents(folder).items():
        text, spans, pos = [], [], 0
        for i, row in enumerate(rows):
            text.append(row["text"])
            spans.append((pos, pos + len(row["text"]), row))
            pos += len(row["text"]) + 1
            if i == 0:
                text += head
                pos += sum(len(line) + 1 for line in head)
        document = text_document("\n".join(text + list(tail)), f"{doc}.txt")
        found = [f for f in engine.screen(document).findings if f.source is Source.CLASSIFIER]
        by_rules = [f for f in rules_engine.screen(document).findings]
        for start, end, row in spans:
            inside = [f for f in found if f.location.start < end and f.location.end > start]
            ruled = any(f.location.start < end and f.location.end > start for f in by_rules)
            if row["label"] == "normal":
                tally["normal"] += 1
                tally["normal_medium"] += any(f.severity.rank >= Severity.MEDIUM.rank for f in inside)
                continue
            key = "kwfree" if not ruled else "keyword"
            tally[key] += 1
            medium = [f for f in inside if f.severity.rank >= Severity.MEDIUM.rank]
            tally[key + "_medium"] += bool(medium)
            tally[key + "_right"] += any(str(f.category) == wanted[row["label"]] for f in medium)
            tally[key + "_low"] += bool(inside)
    return tally


def published(engine) -> tuple[int, Counter]:
    from screening.pipeline import text_document
    from screening.types import Source

    paths = sorted(PUBLIC.glob("*.txt")) if PUBLIC.is_dir() else []
    counts: Counter = Counter()
    for path in paths:
        for f in engine.screen(text_document(path.read_text(encoding="utf-8"), path.name)).findings:
            if f.source is Source.CLASSIFIER:
                counts[str(f.severity)] += 1
    return len(paths), counts


def sentences_per_second(engine, texts: list[str]) -> tuple[int, float]:
    """Classifier only (segmentation, prose filter, context, features, scores, reasons) over documents."""
    from screening.pipeline import text_document
    from screening.model.judge import candidate_spans

    detector = [d for d in engine.detectors if d.name == "classifier"][0]
    docs = [text_document(t, f"{i}.txt") for i, t in enumerate(texts)]
    getattr(detector.model, "model", None)   # map the weights before timing
    n = sum(len(candidate_spans(d.parts[0])[0]) for d in docs)
    t = time.process_time()   # CPU seconds of this process: the machine is shared, wall time is not one core
    for d in docs:
        list(detector.detect(d, ()))
    return n, n / (time.process_time() - t)


def startup(runs: int = 7) -> tuple[float, float]:
    """Wall time of `screening check small.txt` in a new process (this checkout's code, as
    `python -m screening.cli`), with and without the classifier: the median of `runs`."""
    with tempfile.TemporaryDirectory() as tmp:
        small = Path(tmp) / "small.txt"
        small.write_text("关于做好今年防汛工作的通知。各镇要落实值班制度，发现险情及时报告。", encoding="utf-8")
        out = []
        for extra in ([], ["--no-classifier"]):
            times = []
            for _ in range(runs):
                t = time.perf_counter()
                subprocess.run([sys.executable, "-m", "screening.cli", "check", str(small), "--jobs", "1", *extra],
                               capture_output=True, cwd=ROOT)
                times.append(time.perf_counter() - t)
            out.append(sorted(times)[len(times) // 2])
    return out[0], out[1]


def startup_row() -> str:
    with_model, without = startup()
    return (f"| start-up: `screening check small.txt` with the classifier / `--no-classifier` (new process, "
            f"median of 7, load average {os.getloadavg()[0]:.1f}) | {with_model:.2f} s / {without:.2f} s |")


def rows(full=None) -> list[str]:
    from screening.engine import Settings, build_engine
    from screening.model.artifact import Paths, read_metadata

    full = full or build_engine()
    rules_engine = build_engine(Settings(classifier=False))
    meta = read_metadata(Paths.default())
    lines = grouped_cv(meta)
    if HELDOUT.is_dir():
        t = heldout(full, rules_engine)
        n = t["kwfree"]
        lines.append(f"| held-back authored set: keyword-free secret passages found at medium+ (any class / right class) "
                     f"| {t['kwfree_medium'] / max(n, 1):.3f} / {t['kwfree_right'] / max(n, 1):.3f} of {n} |")
        lines.append(f"| held-back: the same at low+ (hints included) | {t['kwfree_low'] / max(n, 1):.3f} |")
        if t["keyword"]:
            lines.append(f"| held-back: secret passages a rule also names, found by the model at medium+ | "
                         f"{t['keyword_medium'] / t['keyword']:.3f} of {t['keyword']} |")
        lines.append(f"| held-back: normal passages flagged at medium+ | {t['normal_medium'] / max(t['normal'], 1):.3f} "
                     f"of {t['normal']} |")
        issued = heldout(full, rules_engine, ISSUED_HEAD, ISSUED_TAIL)
        noted = heldout(full, rules_engine, ISSUED_HEAD, NOTED_TAIL)
        lines.append(f"| held-back re-issued as 公文 (文号, 主送, 落款): keyword-free secrets at medium+ / the same with "
                     f"（此件公开发布） | {issued['kwfree_medium'] / max(issued['kwfree'], 1):.3f} / "
                     f"{noted['kwfree_medium'] / max(noted['kwfree'], 1):.3f} of {issued['kwfree']} |")
    if HELDOUT_2.is_dir():
        t = heldout(full, rules_engine, folder=HELDOUT_2)
        n = t["kwfree"]
        lines.append(f"| held-back set 2 (another author): keyword-free secret passages found at medium+ (any class / "
                     f"right class) | {t['kwfree_medium'] / max(n, 1):.3f} / {t['kwfree_right'] / max(n, 1):.3f} of {n} |")
        lines.append(f"| held-back set 2: normal passages flagged at medium+ | "
                     f"{t['normal_medium'] / max(t['normal'], 1):.3f} of {t['normal']} |")
    n, counts = published(full)
    if n:
        lines.append(f"| classifier findings per real published document ({n}): high / medium / low (hints) | "
                     f"{counts['high'] / n:.3f} / {counts['medium'] / n:.3f} / {counts['low'] / n:.3f} |")
    texts = [p.read_text(encoding="utf-8") for p in sorted(PUBLIC.glob("*.txt"))[:60]] if PUBLIC.is_dir() else \
        ["\n".join(json.loads(line)["text"] for line in p.read_text(encoding="utf-8").splitlines())
         for p in sorted((ROOT / "models" / "data").glob("*.jsonl"))]
    count, speed = sentences_per_second(full, texts)
    lines.append(f"| classifier (segmentation, prose filter, context, features, scores, reasons), per CPU-second | {speed:,.0f} sentences/s ({count} sentences) |")
    lines.append(startup_row())
    return lines


if __name__ == "__main__":
    print("| what | figure |\n|---|---|")
    print(startup_row() if sys.argv[1:] == ["--startup"] else "\n".join(rows()))
