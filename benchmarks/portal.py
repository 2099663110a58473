"""Real portal pages: findings per page for the page as published (HTML) and for its article text,
side by side by category and severity, and how well the article found in the HTML matches the text.

    make bench-portal     # or: .venv/bin/python benchmarks/portal.py [--no-classifier]

Reads ../shared/corpus/portal in place (pages `*.html` with their article `*.txt`); measures only.
"""
from __future__ import annotations

import argparse
import re
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PORTAL = ROOT.parent / "shared" / "corpus" / "portal"
sys.path.insert(0, str(ROOT))


def _bag(text: str) -> Counter:
    return Counter(ch for ch in text if not ch.isspace())


def article_match(doc, reference: str) -> tuple[float, float]:
    """Character-bag precision and recall of the HTML's article (body + table) against the text."""
    from screening.types import PartKind

    article = "".join(p.text for p in doc.parts if p.kind in (PartKind.BODY, PartKind.TABLE))
    ours, theirs = _bag(article), _bag(reference)
    common = sum((ours & theirs).values())
    return common / max(1, sum(ours.values())), common / max(1, sum(theirs.values()))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--no-classifier", action="store_true")
    args = parser.parse_args()
    if not PORTAL.is_dir():
        print(f"{PORTAL} is absent: nothing to measure")
        return
    from screening.engine import Settings, build_engine
    from screening.extract import extract_path
    from screening.labels import CATEGORY, SEVERITY
    from screening.types import Category, Severity

    engine = build_engine(Settings(classifier=not args.no_classifier))
    pairs = [(h, h.with_suffix(".txt")) for h in sorted(PORTAL.glob("*.html")) if h.with_suffix(".txt").exists()]
    counts = {"html": Counter(), "txt": Counter()}
    notes, precision, recall, started = Counter(), [], [], time.perf_counter()
    for html, text in pairs:
        page = extract_path(html)
        p, r = article_match(page, text.read_text(encoding="utf-8", errors="replace"))
        precision.append(p)
        recall.append(r)
        for kind, doc in (("html", page), ("txt", extract_path(text))):
            report = engine.screen(doc)
            counts[kind].update((f.category, f.severity) for f in report.findings if not f.hint)
            counts[kind].update(("hint", f.severity) for f in report.findings if f.hint)
            if kind == "html":
                notes.update(re.sub(r"\d+", "N", note) for note in report.notes)
    n = len(pairs)
    print(f"{n} pages of {PORTAL} (classifier {'off' if args.no_classifier else 'on'}), "
          f"{time.perf_counter() - started:.1f} s")
    print(f"article found in the HTML vs the article text (character bags): "
          f"precision {sum(precision) / n:.3f}, recall {sum(recall) / n:.3f}, lowest recall {min(recall):.3f}")
    print()
    print("| category | severity | HTML per page | article text per page |")
    print("|---|---|---|---|")
    rows = [(c, s) for c in (*Category, "hint") for s in Severity
            if counts["html"][(c, s)] or counts["txt"][(c, s)]]
    for c, s in rows:
        name = "模型提示 (hint)" if c == "hint" else f"{CATEGORY[c]} ({c})"
        print(f"| {name} | {SEVERITY[s]} | {counts['html'][(c, s)] / n:.2f} | {counts['txt'][(c, s)] / n:.2f} |")
    for label, keep in (("medium + high", lambda c, s: c != "hint" and s is not Severity.LOW),
                        ("low (not hints)", lambda c, s: c != "hint" and s is Severity.LOW)):
        html_total = sum(v for (c, s), v in counts["html"].items() if keep(c, s))
        txt_total = sum(v for (c, s), v in counts["txt"].items() if keep(c, s))
        print(f"| **all** | {label} | {html_total / n:.2f} | {txt_total / n:.2f} |")
    print()
    print("report notes on the HTML pages (pages with each):")
    for note, pages in notes.most_common():
        print(f"- {note}: {pages}")


if __name__ == "__main__":
    main()
