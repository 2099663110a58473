"""A site's template across a batch: a finding in a page's frame (navigation, header, footer,
comments, scripts, properties) that recurs on most pages of one site is the site's, not the
page's — reported once per batch, on the first page that has it, and noted on the others.

Pure: reports in, reports out. A page's site is its canonical host, or the shape of the path to
its article when it names none (Report.site, set by the html extractor).
"""
from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import replace

from screening.types import REGION_CHROME, Finding, PartKind, Report

MIN_PAGES = 3          # fewer pages of a site say nothing about its template
SHARE = 0.5            # a fragment on more than this share of a site's pages is its template
_FRAME_PARTS = (PartKind.HEADER, PartKind.FOOTER, PartKind.HIDDEN, PartKind.METADATA)


def _templated(f: Finding) -> bool:
    return f.location.region == REGION_CHROME or f.location.part in _FRAME_PARTS


def report_template_once(reports: Sequence[Report], min_pages: int = MIN_PAGES, share: float = SHARE) -> list[Report]:
    by_site: dict[str, list[int]] = defaultdict(list)
    for i, report in enumerate(reports):
        if report.error is None and report.site:
            by_site[report.site].append(i)
    out = list(reports)
    for pages in by_site.values():
        if len(pages) < min_pages:
            continue
        counts = Counter(key for i in pages for key in {f.fingerprint() for f in reports[i].findings if _templated(f)})
        recurring = {key: n for key, n in counts.items() if n > share * len(pages)}
        if recurring:
            _collapse(out, pages, recurring)
    return out


def _collapse(out: list[Report], pages: list[int], recurring: dict[str, int]) -> None:
    first: dict[str, int] = {}
    for i in pages:
        report, kept, origins = out[i], [], []
        for f in report.findings:
            key = f.fingerprint() if _templated(f) else None
            if key not in recurring:
                kept.append(f)
            elif first.setdefault(key, i) == i:
                kept.append(replace(f, message=f"{f.message}（网站模板：本批同一网站 {recurring[key]} 个页面中都有，只在此报告一次）"))
            else:
                origins.append(out[first[key]].document.name)
        notes = report.notes
        if origins:
            names = "》《".join(dict.fromkeys(origins))
            notes += (f"本页另有 {len(origins)} 项网站模板中的发现，已在《{names}》中报告，此处不再重复",)
        out[i] = replace(report, findings=tuple(kept), notes=notes)
