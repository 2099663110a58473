"""A site's template across a batch: a finding in a page's frame (navigation, header, footer,
comments, scripts, properties) that recurs on most pages of one site is the site's, not the
page's — reported once per batch, on the first page that has it, and noted on the others.

Pure: reports in, reports out. A page's site is its canonical host, or the shape of the path to
its article when it names none (Report.site, set by the html extractor).
"""
from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Collection, Sequence
from dataclasses import replace

from screening.types import REGION_CHROME, Finding, PartKind, Report

MIN_PAGES = 3          # fewer pages of a site say nothing about its template
SHARE = 0.5            # a fragment on more than this share of a site's pages is its template
_FRAME_PARTS = (PartKind.HEADER, PartKind.FOOTER, PartKind.HIDDEN, PartKind.METADATA)


def templated(f: Finding) -> bool:
    """Whether a finding lies in a page's frame, where a site's template is."""
    return f.location.region == REGION_CHROME or f.location.part in _FRAME_PARTS


def site_templates(pages: Sequence[tuple[str, Collection[str]]], min_pages: int = MIN_PAGES,
                   share: float = SHARE) -> list[tuple[list[int], dict[str, int]]]:
    """Pages as (site, keys of their frame findings); per site with enough pages, its page indexes
    in order and the keys recurring on more than `share` of them, with the number of pages."""
    by_site: dict[str, list[int]] = defaultdict(list)
    for i, (site, _) in enumerate(pages):
        if site:
            by_site[site].append(i)
    out = []
    for indexes in by_site.values():
        if len(indexes) < min_pages:
            continue
        counts = Counter(key for i in indexes for key in set(pages[i][1]))
        recurring = {key: n for key, n in counts.items() if n > share * len(indexes)}
        if recurring:
            out.append((indexes, recurring))
    return out


def reported_once(message: str, pages: int) -> str:
    """The message of a template finding, on the one page that reports it."""
    return f"{message}（网站模板：本批同一网站 {pages} 个页面中都有，只在此报告一次）"


def reported_elsewhere(count: int, names: Sequence[str]) -> str:
    """The note of a page whose template findings were reported on other pages."""
    return f"本页另有 {count} 项网站模板中的发现，已在《{'》《'.join(dict.fromkeys(names))}》中报告，此处不再重复"


def report_template_once(reports: Sequence[Report], min_pages: int = MIN_PAGES, share: float = SHARE) -> list[Report]:
    pages = [(r.site if r.error is None else "", {f.fingerprint() for f in r.findings if templated(f)})
             for r in reports]
    out = list(reports)
    for indexes, recurring in site_templates(pages, min_pages, share):
        _collapse(out, indexes, recurring)
    return out


def _collapse(out: list[Report], pages: list[int], recurring: dict[str, int]) -> None:
    first: dict[str, int] = {}
    for i in pages:
        report, kept, origins = out[i], [], []
        for f in report.findings:
            key = f.fingerprint() if templated(f) else None
            if key not in recurring:
                kept.append(f)
            elif first.setdefault(key, i) == i:
                kept.append(replace(f, message=reported_once(f.message, recurring[key])))
            else:
                origins.append(out[first[key]].document.name)
        notes = report.notes
        if origins:
            notes += (reported_elsewhere(len(origins), origins),)
        out[i] = replace(report, findings=tuple(kept), notes=notes)
