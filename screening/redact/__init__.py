"""The redacted copy (区分处理, 《政府信息公开条例》第三十七条): docx, pdf, txt and html.

    from screening.redact import redact_document, RedactOptions, RedactionRefused
    try:
        result = redact_document(data, "通知.docx", options=RedactOptions(revisions="accept"))
    except RedactionRefused as refused:
        print(refused)                      # what remains, and where
"""
from __future__ import annotations

from screening.redact.docx import Revisions
from screening.redact.items import DEFAULT_CATEGORIES, Matcher, RedactionItem, items_from_findings
from screening.redact.pdf import PdfMode
from screening.redact.service import (RedactionRefused, RedactionResult, RedactOptions, Remaining, copy_name,
                                      redact, redact_document)

__all__ = [
    "DEFAULT_CATEGORIES", "Matcher", "PdfMode", "RedactOptions", "RedactionItem", "RedactionRefused",
    "RedactionResult", "Remaining", "Revisions", "copy_name", "items_from_findings", "redact",
    "redact_document",
]
