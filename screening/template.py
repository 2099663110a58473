"""A site's template across a batch: a finding in a page's frame (navigation, header, footer,
comments, scripts, properties) that recurs on most pages of one site is the site's, not the
page's — reported once per batch, on the first page that has it, and noted on the others.

Pure: reports in, reports out (`once_per_site` also serves the archive re-screen's stored findings). A page's site is its canonical host, or the shape of the path to
its article when it names none (Report.site, set by the html extractor).
"""
from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Generic, TypeVar

from screening.types import REGION_CHROME, Finding, PartKind, Report

MIN_PAGES = 3          # fewer pages of a site say nothing about its template
SHARE = 0.5            # a fragment on more than this share of a site's pages is its template
_FRAME_PARTS = (PartKind.HEADER, PartKind.FOOTER, PartKind.HIDDEN, PartKind.METADATA)
F = TypeVar("F")


def templated(f: Finding) -> bool:
    """Whether a finding lies in a page's frame, where a site's template is."""
    return f.location.region == REGION_CHROME or f.location.part in _FRAME_PARTS


@dataclass(frozen=True, slots=True)
class Page(Generic[F]):
    """One page of a batch or run, as the template step sees it: its site, the name by which other
    pages refer to it, and its findings (of any shape: a Finding, a stored summary)."""

    site: str
    name: str
    findings: Sequence[F]


def once_per_site(pages: Sequence[Page[F]], key: Callable[[F], str | None], mark: Callable[[F, int], F],
                  min_pages: int = MIN_PAGES, share: float = SHARE) -> dict[int, tuple[list[F], str | None]]:
    """For each page of a site whose template recurs: its index → (the findings it keeps, the note
    naming the pages where the rest was reported, or None). `key` is a frame finding's fingerprint
    (None for any other finding); `mark(f, pages)` is the finding as its first page reports it."""
    keyed = [[(f, key(f)) for f in page.findings] for page in pages]     # each finding hashed once
    keys = [{k for _, k in findings if k is not None} for findings in keyed]
    by_site: dict[str, list[int]] = defaultdict(list)
    for i, page in enumerate(pages):
        if page.site:
            by_site[page.site].append(i)
    out: dict[int, tuple[list[F], str | None]] = {}
    for indexes in by_site.values():
        if len(indexes) < min_pages:
            continue
        counts = Counter(k for i in indexes for k in keys[i])
        recurring = {k: n for k, n in counts.items() if n > share * len(indexes)}
        if not recurring:
            continue
        first: dict[str, int] = {}
        for i in indexes:
            kept, origins = [], []
            for f, k in keyed[i]:
                if k not in recurring:
                    kept.append(f)
                elif first.setdefault(k, i) == i:
                    kept.append(mark(f, recurring[k]))
                else:
                    origins.append(pages[first[k]].name)
            out[i] = (kept, _reported_elsewhere(len(origins), origins) if origins else None)
    return out


def reported_once(message: str, pages: int) -> str:
    """The message of a template finding, on the one page that reports it."""
    return f"{message}（网站模板：本批同一网站 {pages} 个页面中都有，只在此报告一次）"


def _reported_elsewhere(count: int, names: Sequence[str]) -> str:
    """The note of a page whose template findings were reported on other pages."""
    return f"本页另有 {count} 项网站模板中的发现，已在《{'》《'.join(dict.fromkeys(names))}》中报告，此处不再重复"


def report_template_once(reports: Sequence[Report], min_pages: int = MIN_PAGES, share: float = SHARE) -> list[Report]:
    pages = [Page(r.site if r.error is None else "", r.document.name, r.findings) for r in reports]
    changed = once_per_site(pages, lambda f: f.fingerprint() if templated(f) else None,
                            lambda f, n: replace(f, message=reported_once(f.message, n)), min_pages, share)
    out = list(reports)
    for i, (kept, note) in changed.items():
        out[i] = replace(reports[i], findings=tuple(kept), notes=reports[i].notes + ((note,) if note else ()))
    return out
