"""The stories of a docx that Word does not show as running text, read as `hidden`: a second or
third `w:body` (Word shows only the first), the glossary document (building blocks and
placeholder text), chart data caches (series and category names, values) and SmartArt data.
A reader of the printed page sees none of this text, or sees it only as a picture."""
from __future__ import annotations

import posixpath

from screening.extract.docx_style import W
from screening.extract.docx_text import Walker
from screening.extract.ooxml import Package
from screening.types import PartKind

C = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"
A_T = "{http://schemas.openxmlformats.org/drawingml/2006/main}t"
EXTRA_BODY = "文档中多余的正文（Word 不显示的第二个 w:body）"
GLOSSARY = "构建基块和占位文字（glossary）"
CHART = "图表数据（{name}）"
SMARTART = "SmartArt 图形中的文字（{name}）"


def extra_bodies(root, walker: Walker) -> None:
    for body in root.findall(W + "body")[1:]:
        walker.blocks(body, PartKind.HIDDEN, label=EXTRA_BODY)


def glossary(pkg: Package, main: str, walker: Walker) -> None:
    story = pkg.xml(pkg.rel_target(main, "/glossaryDocument"))
    if story is None:
        return
    for part in story.iter(W + "docPartBody"):
        walker.blocks(part, PartKind.HIDDEN, label=GLOSSARY)


def charts_and_diagrams(pkg: Package, walker: Walker) -> None:
    hidden = walker.parts[PartKind.HIDDEN]
    for name in pkg.names:
        if name.startswith("word/charts/") and posixpath.basename(name).startswith("chart") and name.endswith(".xml"):
            root = pkg.xml(name)
            if root is None:
                continue
            label = CHART.format(name=posixpath.basename(name))
            hidden.add(" ".join(t.text.strip() for t in root.iter(A_T) if t.text and t.text.strip()), label=label)
            for series in root.iter(C + "ser"):
                values = [v.text.strip() for v in series.iter(C + "v") if v.text and v.text.strip()]
                hidden.add("、".join(values), label=label)
        elif name.startswith("word/diagrams/data") and name.endswith(".xml"):
            root = pkg.xml(name)
            if root is not None:
                texts = (t.text.strip() for t in root.iter(A_T) if t.text and t.text.strip())
                for text in texts:
                    hidden.add(text, label=SMARTART.format(name=posixpath.basename(name)))
