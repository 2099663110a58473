"""Real test PDFs with what a reader does not see on the page, added to a reportlab PDF with pypdf:
embedded files (document-level and as file attachment annotations), form fields, XMP metadata,
info Subject/Keywords and outlines.

    add_to_pdf(make_pdf(pages=[["正文"]]), attachments={"账号.txt": b"..."},
               annotation_files={"名单.txt": b"..."}, fields={"applicant": "张三"},
               xmp_creator="李四", subject="主题", keywords="关键词", outline=["一、总体要求"])
"""
from __future__ import annotations

import io
from xml.sax.saxutils import escape


def _xmp(creator: str) -> bytes:
    return f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">
<dc:creator><rdf:Seq><rdf:li>{escape(creator)}</rdf:li></rdf:Seq></dc:creator>
</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>""".encode()


def add_to_pdf(data: bytes, *, attachments: dict[str, bytes] | None = None,
               annotation_files: dict[str, bytes] | None = None, fields: dict[str, str] | None = None,
               xmp_creator: str | None = None, subject: str | None = None, keywords: str | None = None,
               outline: tuple[str, ...] | list[str] = ()) -> bytes:
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import (
        ArrayObject, DecodedStreamObject, DictionaryObject, FloatObject, NameObject, NumberObject, TextStringObject,
    )

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    for name, content in (attachments or {}).items():
        writer.add_attachment(name, content)
    page = writer.pages[0]
    for name, content in (annotation_files or {}).items():
        stream = DecodedStreamObject()
        stream.set_data(content)
        stream[NameObject("/Type")] = NameObject("/EmbeddedFile")
        spec = DictionaryObject({NameObject("/Type"): NameObject("/Filespec"), NameObject("/F"): TextStringObject(name),
                                 NameObject("/UF"): TextStringObject(name),
                                 NameObject("/EF"): DictionaryObject({NameObject("/F"): writer._add_object(stream)})})
        annot = DictionaryObject({
            NameObject("/Type"): NameObject("/Annot"), NameObject("/Subtype"): NameObject("/FileAttachment"),
            NameObject("/Rect"): ArrayObject([FloatObject(500), FloatObject(700), FloatObject(520), FloatObject(720)]),
            NameObject("/FS"): writer._add_object(spec), NameObject("/Name"): NameObject("/Paperclip")})
        page.setdefault(NameObject("/Annots"), ArrayObject()).append(writer._add_object(annot))
    if fields:
        refs = ArrayObject()
        for i, (name, value) in enumerate(fields.items()):
            field = DictionaryObject({
                NameObject("/Type"): NameObject("/Annot"), NameObject("/Subtype"): NameObject("/Widget"),
                NameObject("/FT"): NameObject("/Tx"), NameObject("/T"): TextStringObject(name),
                NameObject("/V"): TextStringObject(value), NameObject("/F"): NumberObject(2),   # hidden widget
                NameObject("/Rect"): ArrayObject([FloatObject(72), FloatObject(600 - 30 * i),
                                                  FloatObject(300), FloatObject(620 - 30 * i)])})
            ref = writer._add_object(field)
            refs.append(ref)
            page.setdefault(NameObject("/Annots"), ArrayObject()).append(ref)
        writer._root_object[NameObject("/AcroForm")] = writer._add_object(DictionaryObject({NameObject("/Fields"): refs}))
    if xmp_creator is not None:
        writer.xmp_metadata = None
        stream = DecodedStreamObject()
        stream.set_data(_xmp(xmp_creator))
        stream[NameObject("/Type")] = NameObject("/Metadata")
        stream[NameObject("/Subtype")] = NameObject("/XML")
        writer._root_object[NameObject("/Metadata")] = writer._add_object(stream)
    info = {}
    if subject is not None:
        info["/Subject"] = subject
    if keywords is not None:
        info["/Keywords"] = keywords
    if info:
        writer.add_metadata(info)
    for title in outline:
        writer.add_outline_item(title=title, page_number=0)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
