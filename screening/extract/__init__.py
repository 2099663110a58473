"""Extraction: bytes → Document, one module per format.

    extract_bytes(data, name)     in this process
    extract_path(path)            checks existence and size, then extract_bytes
    extract_isolated(data, name)  extract_bytes in a child process with a memory limit and a timeout

The format comes from the content (magic bytes) first and the file name second. Every failure
is an `UnreadableDocument(code, message)` with a Chinese message; nothing else escapes.
"""
from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from types import MappingProxyType

from screening.errors import UnreadableDocument
import importlib
from screening.extract.common import Limits
from screening.extract.sandbox import extract_isolated
from screening.extract.sniff import label, sniff, suffix, text_by_name
from screening.types import Document



@dataclass(frozen=True, slots=True)
class _Extractor:
    """`module.function` of screening.extract, imported on first use: a check of one .txt file
    does not pay for the PDF, OCR and Office readers (the sandbox's forkserver preloads them all)."""

    module: str
    function: str = "extract"

    def __call__(self, data: bytes, name: str, limits: Limits) -> Document:
        extract: Callable[[bytes, str, Limits], Document] = getattr(
            importlib.import_module(f"screening.extract.{self.module}"), self.function)
        return extract(data, name, limits)


# The one registry: format (as sniff() names it) → extractor(data, name, limits) -> Document.
# A new format is one line here (and, if its content needs telling apart, one row in sniff.py).
_DOCX, _LEGACY, _XLSX, _XLS = _Extractor("docx"), _Extractor("legacy"), _Extractor("xlsx"), _Extractor("xls")
_WORKBOOK, _IMAGE = _Extractor("legacy", "extract_workbook"), _Extractor("image")
EXTRACTORS = {
    "docx": _DOCX, "docm": _DOCX, "dotx": _DOCX, "dotm": _DOCX,
    "doc": _LEGACY, "dot": _LEGACY, "wps": _LEGACY, "rtf": _LEGACY, "odt": _LEGACY, "ott": _LEGACY,
    "xlsx": _XLSX, "xlsm": _XLSX, "xltx": _XLSX, "xltm": _XLSX,
    "xls": _XLS, "xlt": _XLS, "et": _XLS,
    "ods": _WORKBOOK, "ots": _WORKBOOK, "csv": _Extractor("delimited"),
    "pdf": _Extractor("pdf"), "txt": _Extractor("txt"), "html": _Extractor("html"), "ofd": _Extractor("ofd"),
    "png": _IMAGE, "jpg": _IMAGE, "gif": _IMAGE, "tif": _IMAGE, "bmp": _IMAGE, "eml": _Extractor("eml"),
}
EXTRACTOR_MODULES = tuple(sorted({f"screening.extract.{e.module}" for e in EXTRACTORS.values()}))
SUPPORTED_FORMATS = tuple(EXTRACTORS)
_ASK_INSTEAD = "请另存为 docx、xlsx 或带文本层的 PDF 后再提交"

# File-name extensions of the supported formats beyond ".<format>" (for upload pickers and help texts).
_MORE_EXTENSIONS = {"html": (".htm", ".xhtml", ".shtml"), "txt": (".text", ".log", ".md"), "csv": (".tsv",),
                    "jpg": (".jpeg",), "tif": (".tiff",), "wps": (".wpt",), "et": (".ett",)}

__all__ = ["EXTRACTORS", "SUPPORTED_FORMATS", "Limits", "accepted_extensions", "extract_bytes", "extract_isolated",
           "extract_path"]


@functools.lru_cache(maxsize=1)
def _formats_by_extension() -> Mapping[str, str]:
    """".docx" → "docx", ".htm" → "html" …: every extension a supported format goes by (built once)."""
    return MappingProxyType({f".{fmt}": fmt for fmt in EXTRACTORS}
                            | {e: fmt for fmt, more in _MORE_EXTENSIONS.items() for e in more})


def accepted_extensions() -> tuple[str, ...]:
    """".docx", ".doc", ".xlsx" …: every extension a supported format goes by, sorted (for an
    `<input type=file accept=…>` or a help text; detection itself never trusts the name)."""
    return tuple(sorted(_formats_by_extension()))


def modules_for(names: Iterable[str]) -> tuple[str, ...]:
    """The extractor modules that files of these names will need, judged by their extensions (for
    the sandbox to preload); every module when an extension is unknown, since the content decides."""
    by_extension = _formats_by_extension()
    modules = set()
    for name in names:
        fmt = by_extension.get(suffix(name))
        if fmt is None:
            return EXTRACTOR_MODULES
        modules.add(f"screening.extract.{EXTRACTORS[fmt].module}")
    return tuple(sorted(modules))


def extract_bytes(data: bytes, name: str, *, limits: Limits = Limits()) -> Document:
    """Extract in this process. Parser failures of any kind become `corrupt`: one bad file
    must never stop a batch, and a document we could not read must never pass."""
    if len(data) > limits.max_bytes:
        raise UnreadableDocument("too_large", f"文件大小 {len(data)} 字节，超过上限 {limits.max_bytes} 字节")
    fmt = sniff(data, name)
    extractor = EXTRACTORS.get(fmt)
    if extractor is None:
        raise UnreadableDocument("unsupported_format", f"不支持的文件格式：{label(fmt)}。{_ASK_INSTEAD}")
    try:
        doc = extractor(data, name, limits)
    except UnreadableDocument as exc:
        if exc.code == "encoding" and fmt == "txt" and not text_by_name(name):
            raise UnreadableDocument("unsupported_format", f"不支持的文件格式：{suffix(name) or '无扩展名的'}"
                                     f"文件既不是可审查的文档，也不是可识别编码的文本。{_ASK_INSTEAD}") from None
        what = label(fmt)
        raise UnreadableDocument(exc.code, exc.message if what in exc.message else f"{what}：{exc.message}") from None
    except MemoryError:
        raise UnreadableDocument("memory_limit", "解析该文件所需内存超过限制，已中止") from None
    except RecursionError:
        raise UnreadableDocument("hostile_content", "文档结构嵌套过深，已拒绝解析") from None
    except ImportError:
        raise                  # a broken installation, not a broken file
    except Exception as exc:  # noqa: BLE001 - a parser's failure on hostile or broken input
        raise UnreadableDocument("corrupt", f"无法解析该{label(fmt)}（{type(exc).__name__}: {exc}）") from None
    return doc if doc.format == fmt else replace(doc, format=fmt)


def read_path(path: str | Path, limits: Limits = Limits()) -> bytes:
    """The bytes of a file to screen, refused before reading when missing or too large."""
    path = Path(path)
    try:
        if not path.is_file():
            raise UnreadableDocument("not_found", f"文件不存在：{path}")
        size = path.stat().st_size
        if size > limits.max_bytes:
            raise UnreadableDocument("too_large", f"文件大小 {size} 字节，超过上限 {limits.max_bytes} 字节")
        data = path.read_bytes()
    except OSError as exc:
        raise UnreadableDocument("not_found", f"无法读取文件 {path}：{exc.strerror}") from None
    return data


def extract_path(path: str | Path, *, limits: Limits = Limits()) -> Document:
    return extract_bytes(read_path(path, limits), Path(path).name, limits=limits)
