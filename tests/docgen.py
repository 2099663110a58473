"""Real test documents, generated: docx (python-docx plus raw WordprocessingML where python-docx
has no API), PDF (reportlab), and the hostile or broken variants extractors must refuse.

Every generator returns the file's bytes and also writes them to `path` when one is given.

    make_docx(paragraphs=["正文", ["申请人身份证号", ("del", "11010519491231002X")]],
              table=[["姓名", "电话"], ["张三", "13800138000"]], header="内部资料",
              comments=[("批注的原文", "批注内容", "张三")], core_author="李四", company="某某局")
    make_pdf(pages=[["第一行", "身份证号11010519491231002X"]], black_box_over=["11010519491231002X"])

A paragraph is a string or a list of runs; a run is a string or `(kind, text)` with kind one of
"del", "ins" (tracked changes by `revision_author`), "hidden" (w:vanish), "hidden_style" (a
character style with w:vanish), "white", "white_on_dark" (white text on black shading: visible),
"tiny" (1pt), "page_break" (text ignored), "textbox" (a VML text box holding the text), or
`("comment", anchor, comment_text, author)`.
"""
from __future__ import annotations

import io
import struct
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path
from xml.sax.saxutils import escape

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
Run = str | tuple
Paragraph = str | Sequence[Run]


def _write(data: bytes, path: str | Path | None) -> bytes:
    if path is not None:
        Path(path).write_bytes(data)
    return data


# ------------------------------------------------------------------------------------------- docx

def make_docx(path: str | Path | None = None, *, paragraphs: Sequence[Paragraph] = (),
              table: Sequence[Sequence] | None = None, header: str | None = None, footer: str | None = None,
              footnotes: Sequence[str] = (), comments: Sequence[tuple[str, str, str]] = (),
              deletions: Sequence[str] = (), insertions: Sequence[str] = (), hidden: Sequence[str] = (),
              white: Sequence[str] = (), tiny: Sequence[str] = (), revision_author: str = "王五",
              core_author: str | None = None, last_modified_by: str | None = None, title: str | None = None,
              keywords: str | None = None, company: str | None = None, manager: str | None = None,
              links: Sequence[tuple[str, str]] = (), images: int = 0,
              extra_members: dict[str, bytes] | None = None) -> bytes:
    """A docx. `table` rows hold strings or, for a nested table, a list of rows.
    `deletions`, `insertions`, `hidden`, `white`, `tiny` add one paragraph per text with one run of
    that kind; `comments` add one paragraph per (anchor, comment text, author); `links` one
    paragraph per (text, external URL); `images` that many pictures, one paragraph each;
    `extra_members` adds or replaces zip members (see rewrite_zip)."""
    import docx

    document = docx.Document()
    state = {"id": 100, "author": revision_author, "document": document}
    for item in paragraphs:
        _paragraph(document.add_paragraph(), item, state)
    for kind, texts in (("del", deletions), ("ins", insertions), ("hidden", hidden), ("white", white), ("tiny", tiny)):
        for text in texts:
            _paragraph(document.add_paragraph(), [(kind, text)], state)
    for anchor, text, author in comments:
        _paragraph(document.add_paragraph(), [("comment", anchor, text, author)], state)
    for text, url in links:
        _hyperlink(document, document.add_paragraph(), text, url)
    for _ in range(images):
        document.add_picture(_png(), width=docx.shared.Cm(4))
    if table is not None:
        _table(document.add_table(rows=0, cols=max(len(r) for r in table)), table)
    if footnotes:
        refs = document.add_paragraph("见脚注")
        for i, _ in enumerate(footnotes, 1):
            refs._p.append(_xml(f'<w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr>'
                                f'<w:footnoteReference w:id="{i}"/></w:r>'))
    section = document.sections[0]
    if header is not None:
        section.header.paragraphs[0].text = header
    if footer is not None:
        section.footer.paragraphs[0].text = footer
    props = document.core_properties
    for attr, value in (("author", core_author), ("last_modified_by", last_modified_by), ("title", title),
                        ("keywords", keywords)):
        if value is not None:
            setattr(props, attr, value)
    buffer = io.BytesIO()
    document.save(buffer)
    changes: dict[str, bytes | Callable[[bytes], bytes]] = dict(extra_members or {})
    if company is not None or manager is not None:
        changes["docProps/app.xml"] = lambda xml: _app_properties(xml, company, manager)
    if footnotes:
        changes.update(_footnote_members(footnotes))
    return _write(rewrite_zip(buffer.getvalue(), changes) if changes else buffer.getvalue(), path)


def _xml(fragment: str):
    """Parse a WordprocessingML fragment, declaring the w: namespace on its root."""
    from docx.oxml import parse_xml

    name_end = next(i for i, ch in enumerate(fragment) if ch in " />" and i > 0)
    return parse_xml(f'{fragment[:name_end]} xmlns:w="{W_NS}"{fragment[name_end:]}')


def _paragraph(p, item: Paragraph, state: dict) -> None:
    from docx.enum.text import WD_BREAK
    from docx.shared import Pt, RGBColor

    for run in [item] if isinstance(item, str) else item:
        if isinstance(run, str):
            p.add_run(run)
            continue
        kind, text = run[0], run[1]
        state["id"] += 1
        if kind in ("del", "ins"):
            tag, text_tag = ("w:del", "w:delText") if kind == "del" else ("w:ins", "w:t")
            p._p.append(_xml(f'<{tag} w:id="{state["id"]}" w:author="{escape(state["author"])}" '
                             f'w:date="2024-01-01T00:00:00Z"><w:r><{text_tag} xml:space="preserve">{escape(text)}'
                             f'</{text_tag}></w:r></{tag}>'))
        elif kind == "textbox":
            p._p.append(_xml(
                f'<w:r><w:pict><v:shape xmlns:v="urn:schemas-microsoft-com:vml" style="width:200pt;height:40pt">'
                f'<v:textbox><w:txbxContent><w:p><w:r><w:t>{escape(text)}</w:t></w:r></w:p></w:txbxContent>'
                f'</v:textbox></v:shape></w:pict></w:r>'))
        elif kind == "comment":
            anchor = p.add_run(text)
            state["document"].add_comment([anchor], text=run[2], author=run[3], initials=run[3][:1])
        elif kind == "page_break":
            p.add_run().add_break(WD_BREAK.PAGE)
        else:
            r = p.add_run(text)
            if kind == "hidden":
                r.font.hidden = True
            elif kind == "hidden_style":
                r.style = _hidden_style(state["document"])
            elif kind in ("white", "white_on_dark"):
                r.font.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)
                if kind == "white_on_dark":
                    r._r.get_or_add_rPr().append(_xml('<w:shd w:val="clear" w:color="auto" w:fill="000000"/>'))
            elif kind == "tiny":
                r.font.size = Pt(1)
            else:
                raise ValueError(f"unknown run kind {kind!r}")


def _hyperlink(document, p, text: str, url: str) -> None:
    from docx.opc.constants import RELATIONSHIP_TYPE

    rid = document.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    p._p.append(_xml(f'<w:hyperlink xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
                     f'r:id="{rid}"><w:r><w:t>{escape(text)}</w:t></w:r></w:hyperlink>'))


def _png() -> io.BytesIO:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), (200, 30, 30)).save(buffer, "PNG")
    buffer.seek(0)
    return buffer


def _hidden_style(document):
    from docx.enum.style import WD_STYLE_TYPE

    name = "隐藏样式"
    if name not in [s.name for s in document.styles]:
        style = document.styles.add_style(name, WD_STYLE_TYPE.CHARACTER)
        style.font.hidden = True
    return document.styles[name]


def _table(table, rows: Sequence[Sequence]) -> None:
    for values in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, values):
            if isinstance(value, str):
                cell.text = value
            else:
                _table(cell.add_table(rows=0, cols=max(len(r) for r in value)), value)


def _app_properties(xml: bytes, company: str | None, manager: str | None) -> bytes:
    for tag, value in (("Company", company), ("Manager", manager)):
        if value is not None:
            element = f"<{tag}>{escape(value)}</{tag}>".encode("utf-8")
            xml = xml.replace(f"<{tag}/>".encode(), b"")
            xml = xml.replace(b"</Properties>", element + b"</Properties>")
    return xml


def _footnote_members(footnotes: Sequence[str]) -> dict:
    notes = "".join(f'<w:footnote w:id="{i}"><w:p><w:r><w:footnoteRef/></w:r><w:r><w:t xml:space="preserve"> '
                    f'{escape(text)}</w:t></w:r></w:p></w:footnote>' for i, text in enumerate(footnotes, 1))
    body = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:footnotes xmlns:w="{W_NS}">'
            '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
            f'<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p>'
            f'</w:footnote>{notes}</w:footnotes>')
    rel = ('<Relationship Id="rIdFootnotes" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
           'relationships/footnotes" Target="footnotes.xml"/>')
    override = ('<Override PartName="/word/footnotes.xml" ContentType="application/vnd.openxmlformats-'
                'officedocument.wordprocessingml.footnotes+xml"/>')
    return {
        "word/footnotes.xml": body.encode("utf-8"),
        "word/_rels/document.xml.rels": lambda xml: xml.replace(b"</Relationships>", rel.encode() + b"</Relationships>"),
        "[Content_Types].xml": lambda xml: xml.replace(b"</Types>", override.encode() + b"</Types>"),
    }


def make_zip(members: dict[str, bytes]) -> bytes:
    """A zip holding `members` in this order (deflated)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buffer.getvalue()


def rewrite_zip(data: bytes, changes: dict[str, bytes | None | Callable[[bytes], bytes]],
                compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    """Copy a zip, replacing members (bytes), editing them (a function of the old bytes),
    deleting them (None) or adding them (a name not yet in it)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", compression) as dst:
        for info in src.infolist():
            change = changes.get(info.filename, ...)
            if change is None:
                continue
            old = src.read(info.filename)
            dst.writestr(info.filename, old if change is ... else change(old) if callable(change) else change)
        for name, change in changes.items():
            if name not in src.namelist() and isinstance(change, bytes):
                dst.writestr(name, change)
    return out.getvalue()


def docx_with_doctype(**kwargs) -> bytes:
    """A docx whose document.xml declares an entity (billion laughs in miniature)."""
    dtd = b'<!DOCTYPE w:document [<!ENTITY a "\xe6\x9c\xba\xe5\xaf\x86"><!ENTITY b "&a;&a;&a;&a;">]>'
    return rewrite_zip(make_docx(**kwargs), {"word/document.xml": lambda x: x.replace(b"?>", b"?>" + dtd, 1)})


def docx_zip_bomb(megabytes: int = 40) -> bytes:
    """A small docx with one member that expands about a thousandfold."""
    return rewrite_zip(make_docx(paragraphs=["正文"]), {"word/media/padding.bin": bytes(megabytes << 20)})


# -------------------------------------------------------------------------------------------- pdf

FONT = "STSong-Light"


def make_pdf(path: str | Path | None = None, *, pages: Sequence[Sequence[str]] = (("正文",),),
             black_box_over: Sequence[str] = (), white_text: Sequence[str] = (),
             white_on_black: Sequence[str] = (), tiny_text: Sequence[str] = (), scanned_pages: int = 0,
             annotations: Sequence[tuple[str, str]] = (), links: Sequence[str] = (),
             author: str | None = None, title: str | None = None, user_password: str | None = None) -> bytes:
    """A PDF (A4, Chinese text in the built-in STSong-Light CID font), one string per line.

    black_box_over: strings covered, where they occur in `pages`, by a black box drawn after them.
    white_text / white_on_black / tiny_text: extra lines on page 1 (white on the page: hidden;
    white on a black bar drawn first: visible; 1pt: hidden). scanned_pages: pages with only an
    image. annotations: (contents, author) sticky notes on page 1. links: URI links on page 1.
    user_password: encrypted, needs this password to open."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfdoc, pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    buffer = io.BytesIO()
    c = canvas.Canvas(buffer, pagesize=A4, encrypt=user_password, invariant=1)
    if author is not None:
        c.setAuthor(author)
    if title is not None:
        c.setTitle(title)
    size, top = 12, A4[1] - 72
    for number, lines in enumerate(pages, 1):
        c.setFont(FONT, size)
        y = top
        for line in lines:
            c.setFillColorRGB(0, 0, 0)
            c.drawString(72, y, line)
            for secret in black_box_over:
                if secret in line:
                    x = 72 + pdfmetrics.stringWidth(line[: line.index(secret)], FONT, size)
                    c.rect(x, y - 3, pdfmetrics.stringWidth(secret, FONT, size), size + 2, fill=1, stroke=0)
            y -= 20
        if number == 1:
            for line in white_text:
                c.setFillColorRGB(1, 1, 1)
                c.drawString(72, y, line)
                y -= 20
            for line in white_on_black:
                c.setFillColorRGB(0, 0, 0)
                c.rect(68, y - 4, pdfmetrics.stringWidth(line, FONT, size) + 8, size + 6, fill=1, stroke=0)
                c.setFillColorRGB(1, 1, 1)
                c.drawString(72, y, line)
                y -= 20
            c.setFillColorRGB(0, 0, 0)
            for line in tiny_text:
                c.setFont(FONT, 0.5)
                c.drawString(72, y, line)
                y -= 20
            for contents, who in annotations:
                c.textAnnotation(contents, Rect=(400, y, 420, y + 20), T=pdfdoc.PDFString(who))
            for url in links:
                c.linkURL(url, (72, 40, 300, 60))
        c.showPage()
    for _ in range(scanned_pages):
        c.drawImage(_scan_image(), 72, 300, width=400, height=400)
        c.showPage()
    c.save()
    return _write(buffer.getvalue(), path)


def _scan_image():
    from PIL import Image, ImageDraw
    from reportlab.lib.utils import ImageReader

    image = Image.new("L", (200, 200), 255)
    ImageDraw.Draw(image).rectangle((20, 20, 180, 40), fill=0)
    return ImageReader(image)


# ------------------------------------------------------------------------ OLE2 (compound file)

def make_ole2(streams: dict[str, bytes]) -> bytes:
    """A minimal, valid compound file (CFB v3) holding `streams` (each padded to 4 KiB so that
    none lives in the mini stream): the container of .doc files and of encrypted OOXML."""
    sector, end, free, fat_mark = 512, 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD
    ordered = sorted(streams.items(), key=lambda item: (len(item[0]), item[0].upper()))  # a valid sibling chain
    entries = [("Root Entry", 5, b"")] + [(name, 2, data.ljust(4096, b"\0")) for name, data in ordered]
    dir_sectors = -(-len(entries) // 4)
    fat = [fat_mark] + [i + 2 if i + 1 < dir_sectors else end for i in range(dir_sectors)]
    directory, starts = b"", []
    for name, kind, data in entries:
        first = len(fat) if data else end
        count = len(data) // sector
        fat += [len(fat) + i + 1 if i + 1 < count else end for i in range(count)]
        starts.append((first, len(data)))
    fat += [free] * (sector // 4 - len(fat))
    for i, (name, kind, data) in enumerate(entries):
        encoded = name.encode("utf-16-le") + b"\0\0"
        child = 1 if kind == 5 and len(entries) > 1 else free
        right = i + 1 if kind == 2 and i + 1 < len(entries) else free
        directory += struct.pack("<64sHBBIII16sIQQIII", encoded, len(encoded), kind, 1, free, right, child,
                                 b"\0" * 16, 0, 0, 0, starts[i][0] if kind == 2 else end, starts[i][1], 0)
    directory = directory.ljust(dir_sectors * sector, b"\0")
    difat = [0] + [free] * 108
    header = struct.pack("<8s16sHHHHH6sIIIIIIIII", bytes.fromhex("d0cf11e0a1b11ae1"), b"\0" * 16, 0x3E, 3,
                         0xFFFE, 9, 6, b"\0" * 6, 0, 1, 1, 0, 4096, end, 0, end, 0) + struct.pack("<109I", *difat)
    body = b"".join(data for _, kind, data in entries if data)
    return header.ljust(sector, b"\0") + struct.pack(f"<{sector // 4}I", *fat) + directory + body


def encrypted_docx() -> bytes:
    """What Word writes for a password-protected docx: a compound file, not a zip."""
    return make_ole2({"EncryptionInfo": b"\x04\x00\x04\x00\x40\x00\x00\x00", "EncryptedPackage": b"\x00" * 64})


def legacy_doc() -> bytes:
    """A Word 97-2003 .doc as far as format detection can tell."""
    return make_ole2({"WordDocument": b"\xec\xa5" + b"\0" * 32, "1Table": b"\0" * 32})


def portal_page(article: str, *, host: str = "www.example.gov.cn", footer: str = "",
                comments: int = 0) -> bytes:
    """A portal page as a publishing system writes it: canonical link, navigation, the article, the
    site's footer, and `comments` markup-only template comments (tag names, paths, short labels)."""
    marks = "".join(f"<!-- /enpcontent block{i} --><!--<div class=\"share\">-->" for i in range(comments // 2))
    marks += "<!-- end -->" * (comments % 2)
    return (f'<html><head><link rel="canonical" href="https://{host}/a.html"><title>通知</title></head><body>'
            f'{marks}<div class="nav">首页 &gt; 政务公开</div><div class="content"><p>{article}</p>'
            f"<p>{article}</p></div>{footer}</body></html>").encode("utf-8")
