"""Core types. Frozen dataclasses and StrEnums that mirror SPEC §3 one-to-one."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from enum import StrEnum


class Category(StrEnum):
    MARKING = "marking"
    STATE_SECRET = "state_secret"
    WORK_SECRET = "work_secret"
    PERSONAL_INFO = "personal_info"
    CREDENTIAL = "credential"
    NETWORK = "network"
    HIDDEN = "hidden"


class Severity(StrEnum):
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"

    @property
    def rank(self) -> int:
        return {"high": 3, "medium": 2, "low": 1}[self.value]


class Source(StrEnum):
    RULE = "rule"
    CLASSIFIER = "classifier"
    STRUCTURE = "structure"


class PartKind(StrEnum):
    BODY = "body"
    TABLE = "table"
    HEADER = "header"
    FOOTER = "footer"
    FOOTNOTE = "footnote"
    COMMENT = "comment"
    REVISION = "revision"
    METADATA = "metadata"
    HIDDEN = "hidden"
    ATTACHMENT = "attachment"


class Verdict(StrEnum):
    BLOCK = "block"
    REVIEW = "review"
    PASS = "pass"


# Block.region / location.region (an added SPEC §3 location field): where on a web page the text
# sits. "chrome" is the page's frame (navigation, site header and footer, share/QR/print widgets,
# related links): screened by the rules, never by the classifier, and shown as “页面框架”.
REGION_CHROME = "chrome"

PERSONAL_SUBTYPES = ("id_card", "phone", "email", "bank_card", "address", "name", "passport", "plate", "other")


def column_letter(column: int) -> str:
    """1 → "A", 27 → "AA": a spreadsheet column's letters."""
    letters = ""
    while column > 0:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


@dataclass(frozen=True, slots=True)
class CellRef:
    """A table or spreadsheet cell: 1-based table/row/column, the column's header text and,
    for a spreadsheet, the sheet's name (then `table` is the sheet's 1-based index)."""

    table: int
    row: int
    column: int
    header: str | None = None
    sheet: str | None = None

    def __reduce__(self):   # pickled as a constructor call: faster across the sandbox's pipe
        return (CellRef, (self.table, self.row, self.column, self.header, self.sheet))

    @property
    def a1(self) -> str:
        """The cell's spreadsheet name, e.g. "D7" (column letters, then the row)."""
        return column_letter(self.column) + str(self.row)

    def to_dict(self) -> dict:
        out: dict = {"table": self.table, "row": self.row, "column": self.column}
        if self.header is not None:
            out["header"] = self.header
        if self.sheet is not None:
            out["sheet"] = self.sheet
        return out


@dataclass(frozen=True, slots=True)
class Block:
    """A paragraph, table cell or header line inside a Part; offsets into Part.text."""

    page: int | None
    paragraph: int
    start: int
    end: int
    # What this block is, where one part gathers several kinds of text, e.g. "批注（作者：张三）",
    # "修订痕迹：已删除的文字", "隐藏文字". Empty when Part.label / Part.hidden_reason say it all.
    label: str = ""
    # Where the block sits beyond page and paragraph (SPEC §3 added location fields); every finding
    # inside the block carries them. None where they do not apply.
    cell: CellRef | None = None
    member: str | None = None                       # embedded file / attachment the text came from
    box: tuple[float, float, float, float] | None = None   # [x0, y0, x1, y1] on the page (OCR text)
    region: str = ""                                # REGION_CHROME for a web page's frame, else ""

    def __post_init__(self) -> None:
        if not 0 <= self.start <= self.end:
            raise ValueError(f"bad block span {self.start}..{self.end}")

    def __reduce__(self):
        """Pickled as a constructor call (validated again): a 2,000-row sheet's 14,000 cell blocks
        cross the sandbox's pipe in 60% of the time the slots' getstate/setstate pair takes."""
        return (Block, (self.page, self.paragraph, self.start, self.end, self.label, self.cell, self.member, self.box,
                        self.region))


@dataclass(frozen=True, slots=True)
class Part:
    """Text exactly as extracted: the only coordinate system findings use.

    `hidden_reason` says why the reader of the published file cannot see this text
    (for parts of kind revision/comment/hidden/metadata); findings in such parts are
    also reported as `hidden`.
    """

    kind: PartKind
    text: str
    blocks: tuple[Block, ...]
    label: str = ""
    hidden_reason: str = ""

    def block_at(self, offset: int) -> Block | None:
        """The block containing `offset` (binary search; blocks are sorted and disjoint)."""
        lo, hi = 0, len(self.blocks) - 1
        while lo <= hi:
            mid = (lo + hi) // 2
            block = self.blocks[mid]
            if offset < block.start:
                hi = mid - 1
            elif offset >= block.end and not (block.start == block.end == offset):
                lo = mid + 1
            else:
                return block
        return self.blocks[hi] if 0 <= hi < len(self.blocks) else None


@dataclass(frozen=True, slots=True)
class DocumentInfo:
    name: str
    sha256: str
    format: str
    pages: int | None
    chars: int

    def to_dict(self) -> dict:
        return {"name": self.name, "sha256": self.sha256, "format": self.format,
                "pages": self.pages, "chars": self.chars}


@dataclass(frozen=True, slots=True)
class Document:
    name: str
    sha256: str
    format: str
    pages: int | None
    parts: tuple[Part, ...]
    size: int = 0
    warnings: tuple[str, ...] = ()
    site: str = ""            # a web page's site (host or frame signature); "" for other formats

    @property
    def info(self) -> DocumentInfo:
        return DocumentInfo(self.name, self.sha256, self.format, self.pages,
                            sum(len(p.text) for p in self.parts))


@dataclass(frozen=True, slots=True)
class Location:
    part: PartKind
    page: int | None
    paragraph: int | None
    start: int
    end: int
    cell: CellRef | None = None
    member: str | None = None
    box: tuple[float, float, float, float] | None = None
    region: str = ""

    def __post_init__(self) -> None:
        if not 0 <= self.start < self.end:
            raise ValueError(f"bad finding span {self.start}..{self.end}")

    @classmethod
    def within(cls, part: Part, start: int, end: int) -> Location:
        """The location of part.text[start:end], with the page, paragraph, cell, member and box
        of the block that holds `start`."""
        block = part.block_at(start)
        if block is None:
            return cls(part.kind, None, None, start, end)
        return cls(part.kind, block.page, block.paragraph, start, end, block.cell, block.member, block.box,
                   block.region)

    def to_dict(self) -> dict:
        out: dict = {"part": str(self.part), "page": self.page, "paragraph": self.paragraph,
                     "start": self.start, "end": self.end}
        if self.cell is not None:
            out.update(self.cell.to_dict())
        if self.member is not None:
            out["member"] = self.member
        if self.box is not None:
            out["box"] = [round(v, 1) for v in self.box]
        if self.region:
            out["region"] = self.region
        return out

    @classmethod
    def from_dict(cls, data: dict) -> Location:
        cell = None
        if data.get("row") is not None and data.get("column") is not None:
            cell = CellRef(int(data.get("table") or 1), int(data["row"]), int(data["column"]),
                           data.get("header"), data.get("sheet"))
        box = tuple(float(v) for v in data["box"]) if data.get("box") else None
        return cls(PartKind(data["part"]), data.get("page"), data.get("paragraph"), int(data["start"]),
                   int(data["end"]), cell, data.get("member"), box, data.get("region") or "")  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class Explanation:
    detector: str
    pattern: str | None = None
    keyword: str | None = None
    validator: str | None = None
    validated: bool | None = None
    context_words: tuple[str, ...] = ()
    model_score: float | None = None
    features: tuple[str, ...] = ()
    basis: str | None = None
    also: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        return {"detector": self.detector, "pattern": self.pattern, "keyword": self.keyword,
                "validator": self.validator, "validated": self.validated,
                "context_words": list(self.context_words), "model_score": self.model_score,
                "features": list(self.features), "basis": self.basis, "also": list(self.also)}


@dataclass(frozen=True, slots=True)
class Finding:
    rule: str
    category: Category
    subtype: str | None
    severity: Severity
    source: Source
    text: str
    location: Location
    message: str
    suggestion: str
    confidence: float
    explanation: Explanation = field(default_factory=lambda: Explanation(detector="unknown"))
    normalized: str = ""
    # SPEC §3 `hint`: a low-severity model suggestion shown to reviewers that changes neither the
    # verdict nor the 公开属性 suggestion.
    hint: bool = False

    def __post_init__(self) -> None:
        if not 0.0 <= self.confidence <= 1.0:
            raise ValueError(f"confidence {self.confidence} out of range")
        if self.category is Category.PERSONAL_INFO and self.subtype not in PERSONAL_SUBTYPES:
            raise ValueError(f"personal_info finding needs a subtype, got {self.subtype!r}")
        if self.hint and self.severity is not Severity.LOW:
            raise ValueError("only a low-severity finding can be a hint")

    def fingerprint(self) -> str:
        """Stable key for dispositions: rule + part kind + normalized text, no offsets."""
        key = "\x1f".join((self.rule, str(self.location.part), self.normalized or self.text))
        return hashlib.sha256(key.encode("utf-8")).hexdigest()

    def to_dict(self) -> dict:
        out = {
            "rule": self.rule,
            "category": str(self.category),
            "subtype": self.subtype,
            "severity": str(self.severity),
            "source": str(self.source),
            "text": self.text,
            "location": self.location.to_dict(),
            "message": self.message,
            "suggestion": self.suggestion,
            "confidence": round(self.confidence, 4),
            "explanation": self.explanation.to_dict(),
            "fingerprint": self.fingerprint(),
        }
        if self.hint:
            out["hint"] = True
        return out


@dataclass(frozen=True, slots=True)
class ErrorInfo:
    code: str
    message: str

    def to_dict(self) -> dict:
        return {"code": self.code, "message": self.message}


@dataclass(frozen=True, slots=True)
class Report:
    document: DocumentInfo
    findings: tuple[Finding, ...] = ()
    error: ErrorInfo | None = None
    # Added to SPEC §3: one Chinese line per thing screened that holds nothing to report
    # ("页面含 12 段 HTML 注释，未发现敏感内容"), serialized as "notes" when there is one.
    notes: tuple[str, ...] = ()
    # The web site a page belongs to (host, or a signature of its frame); not serialized: the
    # batch uses it to report a site template's findings once (screening/template.py).
    site: str = ""

    @property
    def verdict(self) -> Verdict | None:
        if self.error is not None:
            return None
        if any(f.severity is Severity.HIGH for f in self.findings):
            return Verdict.BLOCK
        if any(not f.hint for f in self.findings):
            return Verdict.REVIEW
        return Verdict.PASS

    def to_dict(self) -> dict:
        verdict = self.verdict
        out = {
            "document": self.document.to_dict(),
            "verdict": str(verdict) if verdict else None,
            "error": self.error.to_dict() if self.error else None,
            "findings": [f.to_dict() for f in self.findings],
        }
        if self.notes:
            out["notes"] = list(self.notes)
        return out
