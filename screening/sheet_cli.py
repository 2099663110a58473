"""`screening sheet` (审查单 for one document) and `screening redact` (区分处理副本), SPEC §2.

    screening sheet 通知.docx -o 审查单.pdf [--title … --unit … --doc-number … --formed 2025-03-01]
    screening redact 通知.docx -o 通知（公开版）.docx [--revisions accept|reject]
    screening redact 通知.pdf -o 公开版.pdf [--pdf-mode raster|text]

Exit status: 0 written; 1 the redacted copy still contained a redacted value (nothing written, what
remains on stderr); 2 the input cannot be read, the output cannot be produced, or bad arguments.
"""
from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

SHEET_SUFFIXES = (".docx", ".pdf")


def register(sub) -> None:
    sheet = sub.add_parser("sheet", help="生成政府信息公开保密审查单（docx 或 pdf）")
    sheet.add_argument("path", metavar="PATH", help="所审文件")
    sheet.add_argument("-o", "--output", required=True, metavar="SHEET.docx|SHEET.pdf")
    sheet.add_argument("--title", help="信息名称（默认：文件名）")
    sheet.add_argument("--unit", default="", help="拟公开信息单位")
    sheet.add_argument("--department", default="", help="部门")
    sheet.add_argument("--doc-number", default="", help="文号")
    sheet.add_argument("--drafter", default="", help="拟稿人")
    sheet.add_argument("--formed", type=_date, help="形成日期 YYYY-MM-DD（据此计算最迟公开日）")
    sheet.add_argument("--planned", type=_date, help="拟公开时间 YYYY-MM-DD")
    sheet.add_argument("--channel", action="append", default=[],
                       choices=("website", "newspaper", "broadcast", "television", "bulletin", "other"),
                       help="拟公开方式（可多次）")
    sheet.add_argument("--carrier", choices=("official", "non_official"), help="载体形式：公文类/非公文类")
    sheet.add_argument("--no-classifier", action="store_true", help="只用规则，不运行分类模型")
    sheet.set_defaults(func=cmd_sheet)

    redact = sub.add_parser("redact", help="生成区分处理后的公开副本（遮挡个人信息并清理隐藏内容），复查通过才写出")
    redact.add_argument("path", metavar="PATH", help="原文件（docx、pdf、txt、html）")
    redact.add_argument("-o", "--output", required=True, metavar="OUT", help="副本（与原文件同一格式）")
    redact.add_argument("--pdf-mode", choices=("raster", "text"), default="raster",
                        help="PDF：raster 逐页转图像并涂黑（默认，无文本层）；text 按提取文字重建")
    redact.add_argument("--revisions", choices=("accept", "reject"), default="accept",
                        help="docx 修订痕迹：全部接受（默认）或全部拒绝")
    redact.add_argument("--category", action="append", dest="categories", metavar="CATEGORY",
                        choices=("personal_info", "credential", "network", "work_secret"),
                        help="遮挡的审查发现类别（可多次；默认 personal_info）")
    redact.add_argument("--id-keep", default="6,3", metavar="FIRST,LAST",
                        help="身份证号保留的前后位数（默认 6,3）")
    redact.add_argument("--dpi", type=int, default=150, help="PDF 转图像的分辨率（默认 150）")
    redact.add_argument("--no-classifier", action="store_true", help="只用规则，不运行分类模型")
    redact.set_defaults(func=cmd_redact)


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期应为 YYYY-MM-DD：{text!r}") from None


def _engine(no_classifier: bool):
    from screening.engine import Settings, build_engine

    return build_engine(Settings(classifier=not no_classifier))


def _fail(message: str) -> int:
    print(f"screening: {message}", file=sys.stderr)
    return 2


def cmd_sheet(args) -> int:
    from screening.pipeline import screen_path
    from screening.review.enums import Carrier, Channel
    from screening.sheet import ConversionError, SheetData, render_docx, render_pdf

    output = Path(args.output)
    if output.suffix.lower() not in SHEET_SUFFIXES:
        return _fail(f"审查单只能输出为 .docx 或 .pdf：{output}")
    try:
        engine = _engine(args.no_classifier)
    except Exception as exc:  # noqa: BLE001 - reported to the user, exit 2
        return _fail(f"无法加载规则或模型：{exc}")
    path = Path(args.path)
    report = screen_path(path, engine=engine)
    if report.error is not None:
        return _fail(f"{report.document.name}: {report.error.message}（{report.error.code}）")
    extra = {}
    if args.formed:
        from screening.review.deadlines import WorkCalendar

        deadline = WorkCalendar().publication_deadline(args.formed)
        extra.update(formed_on=args.formed, due_date=deadline.due, due_note=deadline.note or "")
    data = SheetData.from_report(
        report, versions=engine.versions, size=path.stat().st_size, title=args.title, unit=args.unit,
        department=args.department, doc_number=args.doc_number, drafter=args.drafter, planned_date=args.planned,
        channels=tuple(Channel(c) for c in dict.fromkeys(args.channel)),
        carrier=Carrier(args.carrier) if args.carrier else None, **extra)
    try:
        content = render_pdf(data) if output.suffix.lower() == ".pdf" else render_docx(data)
    except ConversionError as exc:
        return _fail(str(exc))
    try:
        output.write_bytes(content)
    except OSError as exc:
        return _fail(f"无法写入 {output}：{exc.strerror}")
    from screening import labels

    verdict = labels.VERDICT[report.verdict] if report.verdict else "—"
    print(f"已生成审查单：{output}（自动审查结论：{verdict}，共 {len(report.findings)} 项发现）")
    return 0


def cmd_redact(args) -> int:
    from screening.errors import UnreadableDocument
    from screening.extract.sniff import suffix
    from screening.redact import PdfMode, RedactionRefused, RedactOptions, Revisions, redact_document
    from screening.sheet import ConversionError, MaskPolicy
    from screening.types import Category

    path, output = Path(args.path), Path(args.output)
    if suffix(output.name) != suffix(path.name):
        return _fail(f"副本应与原文件同一格式（{suffix(path.name) or '无扩展名'}）：{output}")
    if output.resolve() == path.resolve():
        return _fail("副本不能覆盖原文件，请另指定 -o")
    try:
        first, last = (int(x) for x in args.id_keep.split(","))
        options = RedactOptions(pdf_mode=PdfMode(args.pdf_mode), revisions=Revisions(args.revisions), dpi=args.dpi,
                                policy=MaskPolicy(id_keep=(first, last)),
                                categories=tuple(Category(c) for c in args.categories or ("personal_info",)))
    except ValueError as exc:
        return _fail(f"参数有误：{exc}")
    try:
        engine = _engine(args.no_classifier)
    except Exception as exc:  # noqa: BLE001 - reported to the user, exit 2
        return _fail(f"无法加载规则或模型：{exc}")
    try:
        data = path.read_bytes()
    except OSError as exc:
        return _fail(f"无法读取文件 {path}：{exc.strerror}")
    try:
        result = redact_document(data, path.name, options=options, engine=engine)
    except UnreadableDocument as exc:
        return _fail(f"{path.name}: {exc.message}（{exc.code}）")
    except RedactionRefused as exc:
        print(f"screening: {exc}", file=sys.stderr)
        return 1
    except ConversionError as exc:
        return _fail(str(exc))
    try:
        output.write_bytes(result.data)
    except OSError as exc:
        return _fail(f"无法写入 {output}：{exc.strerror}")
    print(f"已生成区分处理副本：{output}（遮挡 {result.masked} 处，{len(result.items)} 个不同的值；复查未发现被遮挡内容）")
    for line in result.removed:
        print(f"  已清理：{line}")
    for note in result.notes:
        print(f"  注意：{note}", file=sys.stderr)
    return 0
