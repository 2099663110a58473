"""政府信息公开前的保密审查 — screening engine.

    from screening import screen_path, screen_text
    report = screen_path("草稿.docx")
"""
from __future__ import annotations

__version__ = "0.1.0"

from screening.pipeline import screen_bytes, screen_path, screen_text  # noqa: E402
from screening.types import (  # noqa: E402
    Category, Document, Finding, Location, Part, PartKind, Report, Severity, Source, Verdict,
)

__all__ = [
    "Category", "Document", "Finding", "Location", "Part", "PartKind", "Report", "Severity", "Source",
    "Verdict", "screen_bytes", "screen_path", "screen_text", "__version__",
]
