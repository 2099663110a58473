"""What every extractor shares: limits, the Part builder, the Document assembly, fixed labels."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, fields

from screening.errors import UnreadableDocument
from screening.types import Block, CellRef, Document, Part, PartKind

MiB = 1 << 20
GiB = 1 << 30


@dataclass(frozen=True, slots=True)
class Limits:
    """Resource limits for reading one document (all configurable)."""

    max_bytes: int = 50 * MiB          # size of the file itself
    max_pages: int = 2000              # PDF pages
    zip_max_members: int = 2000        # OOXML: number of zip members
    zip_max_total: int = 300 * MiB     # OOXML: total uncompressed size
    zip_max_ratio: float = 100.0       # OOXML: uncompressed/compressed, per member and overall,
    zip_ratio_floor: int = 64 * MiB    #   counted only for members (and totals) larger than this
    timeout_s: float = 60.0            # extract_isolated: wall clock
    memory_bytes: int = 2 * GiB        # extract_isolated: RLIMIT_AS of the child
    attachment_depth: int = 3          # attachments inside attachments: levels still to open
    attachment_total: int = 100 * MiB  # attachments and embedded files of one document, together

    def __post_init__(self) -> None:
        for f in fields(self):
            if not getattr(self, f.name) > (-1 if f.name == "attachment_depth" else 0):
                raise ValueError(f"Limits.{f.name} must be positive")


# Part.label and Part.hidden_reason per kind. There is at most one Part per kind in a Document,
# so SPEC §3 `location.part` + start/end always name one text; Block.label says more where a
# part gathers several kinds of text (comment authors, deleted vs inserted, why hidden).
PART_LABELS = {
    PartKind.BODY: "正文", PartKind.TABLE: "表格", PartKind.HEADER: "页眉", PartKind.FOOTER: "页脚",
    PartKind.FOOTNOTE: "脚注和尾注", PartKind.COMMENT: "批注", PartKind.REVISION: "修订痕迹",
    PartKind.METADATA: "文档属性", PartKind.HIDDEN: "隐藏内容", PartKind.ATTACHMENT: "附件",
}
HIDDEN_REASONS = {
    PartKind.COMMENT: "批注内容", PartKind.REVISION: "修订痕迹", PartKind.METADATA: "文档属性",
    PartKind.HIDDEN: "读者看不到但可从文件中提取的文字",
}

# Block.label values for hidden and revision text (also used by the review sheet).
DELETED = "修订痕迹：已删除的文字"
INSERTED = "修订痕迹：插入的文字"
VANISHED = "隐藏文字"
INVISIBLE = "白色或极小字号文字"
UNDER_BOX = "黑框遮盖下仍可提取的文字"
HTML_COMMENT = "HTML注释"
HTML_HIDDEN = "HTML隐藏元素"
HTML_HIDDEN_INPUT = "HTML隐藏表单字段"
HTML_ATTRIBUTE = "HTML属性中的文字"
HTML_SCRIPT = "页面脚本中的字符串"
HTML_NOSCRIPT = "浏览器禁用脚本时才显示的文字"
HTML_TEMPLATE = "HTML模板中的文字"

# Document.warnings: the extraction is incomplete, so the engine must not answer `pass`.
WARN_ONLY_IMAGES = "文档只有图片没有文字（可能为扫描件），未能审查图像内容"
WARN_ATTACHMENT = "附件或嵌入文件“{name}”未能审查：{reason}"
WARN_ATTACHMENT_DEPTH = "附件“{name}”嵌套层数超过上限，其中的附件未审查"
WARN_ATTACHMENT_BUDGET = "附件和嵌入文件合计超过 {limit} 字节，“{name}”等未审查"
WARN_OCR_FAILED = "第{pages}页图像文字识别失败，未能审查这些页的图像内容"
WARN_LAYOUT_FAILED = "PDF第{pages}页版面分析失败，未能检查黑框遮盖和白色文字"


class PartBuilder:
    """Collects blocks of one part; Part.text is the block texts joined with "\\n" (or with the
    separator a block asks for: the cells of one table row are joined with a tab)."""

    def __init__(self, kind: PartKind, *, keep_blank: bool = False) -> None:
        self.kind = kind
        self.keep_blank = keep_blank
        self._texts: list[str] = []
        self._blocks: list[Block] = []
        self._end = 0  # end of the text so far

    def add(self, text: str, *, page: int | None = None, label: str = "", cell: CellRef | None = None,
            sep: str = "\n", member: str | None = None,
            box: tuple[float, float, float, float] | None = None, region: str = "") -> None:
        """Add one block; blank text is skipped unless keep_blank (txt: block N = line N).
        `sep` goes before the block's text (not before the first block)."""
        if not self.keep_blank and not text.strip():
            return
        if self._blocks:
            self._texts.append(sep)
            self._end += len(sep)
        start = self._end
        self._end = start + len(text)
        self._texts.append(text)
        self._blocks.append(Block(page, len(self._blocks) + 1, start, self._end, label, cell=cell,
                                  member=member, box=box, region=region))

    @property
    def has_text(self) -> bool:
        return any(t.strip() for t in self._texts)

    def build(self) -> Part | None:
        if not self._blocks:
            return None
        return Part(self.kind, "".join(self._texts), tuple(self._blocks),
                    label=PART_LABELS[self.kind], hidden_reason=HIDDEN_REASONS.get(self.kind, ""))


class Parts:
    """One PartBuilder per PartKind, made on first use: `parts[PartKind.BODY].add(...)`."""

    def __init__(self, *, keep_blank: bool = False) -> None:
        self._keep_blank = keep_blank
        self._builders: dict[PartKind, PartBuilder] = {}

    def __getitem__(self, kind: PartKind) -> PartBuilder:
        if kind not in self._builders:
            self._builders[kind] = PartBuilder(kind, keep_blank=self._keep_blank)
        return self._builders[kind]

    def has_text(self, *kinds: PartKind) -> bool:
        """Whether any of these parts (all when none is named) has non-blank text so far."""
        return any(b.has_text for k, b in self._builders.items() if not kinds or k in kinds)

    def build(self) -> tuple[Part, ...]:
        built = (self._builders[k].build() for k in PartKind if k in self._builders)
        return tuple(p for p in built if p is not None)


def make_document(data: bytes, name: str, fmt: str, parts: Parts, *,
                  pages: int | None = None, warnings: list[str] | tuple[str, ...] = (), site: str = "") -> Document:
    """Assemble the Document; `empty` only when no part has text and no warning explains why."""
    if not warnings and not parts.has_text():
        raise UnreadableDocument("empty")
    return Document(name=name, sha256=hashlib.sha256(data).hexdigest(), format=fmt, pages=pages,
                    parts=parts.build(), size=len(data), warnings=tuple(dict.fromkeys(warnings)), site=site)
