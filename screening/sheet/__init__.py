"""The review sheet (政府信息公开保密审查单), the monthly summary (汇总表), and masking by the
publication norm.

    data = SheetData.from_report(report, versions=engine.versions)     # or filled from a review case
    render_docx(data) -> bytes;  render_pdf(data) -> bytes (LibreOffice)
    summary_xlsx(Summary(unit, "2025-03", rows)), summary_docx(...)
"""
from __future__ import annotations

from screening.sheet.data import (EngineVersions, FileInfo, SheetData, SheetDisposition, SheetFinding, StageSignoff,
                                  blank_signoffs, sheet_findings)
from screening.sheet.docx import render_docx
from screening.sheet.mask import DEFAULT_POLICY, MaskPolicy, mask_for_sheet, mask_value
from screening.sheet.pdf import ConversionError, docx_to_pdf
from screening.sheet.summary import Summary, SummaryRow, summary_docx, summary_xlsx


def render_pdf(data: SheetData, *, timeout: float = 120.0) -> bytes:
    """The sheet as PDF: the docx converted by LibreOffice, so both look the same."""
    return docx_to_pdf(render_docx(data), timeout=timeout, name="审查单.docx")


__all__ = [
    "ConversionError", "DEFAULT_POLICY", "EngineVersions", "FileInfo", "MaskPolicy", "SheetData",
    "SheetDisposition", "SheetFinding", "StageSignoff", "Summary", "SummaryRow", "blank_signoffs", "docx_to_pdf",
    "mask_for_sheet", "mask_value", "render_docx", "render_pdf", "sheet_findings", "summary_docx", "summary_xlsx",
]
