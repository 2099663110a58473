"""What a document says it is: the signs, each read on its own, that it is published or internal.

Three independent kinds of sign that a document is published:
- a **mark**: 公开属性：主动公开, or the 附注 an issued document carries under its signature
  (（此件公开发布）, and （本文有删减） on the edited text released of it);
- its **genre**, named by its title (a 公告, a 批复, a reply to a deputy's 建议, an enacted
  办法 or 规定…); the title of an issued document is every line before its 文号 (〔2018〕38号), or
  under an issuer's mark (某某人民政府文件) the lines between the 文号 and the 主送, its
  letter-spacing (“批 复”) removed;
- the **form** of a published body: articles numbered 第一条、第二条…, a report delivered to an
  assembly of delegates (代表大会、各位代表、提请大会审议), or a portal's 发布日期/索引号 block.

A sign of an internal document (不予公开, a 会议纪要, 请示 or 代拟稿 title, （此件不公开）) outweighs them all.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from screening.types import Document, PartKind

_ATTRIBUTE = re.compile(r"公开(?:属性|方式|类别|形式)\s*[:：]\s*(主动公开|依申请公开|不予公开|不公开|免予公开)")
# GB/T 9704 附注 of an issued document, and the note on the released, edited text of one.
_PUBLISHED_NOTE = re.compile(r"[（(]\s*(?:此件|本件)(?:公开发布|主动公开|可公开发布)\s*[)）]|[（(]\s*(?:本文|此件|本件)有删减\s*[)）]")
_INTERNAL_NOTE = re.compile(r"[（(]\s*(?:此件|本件)(?:不公开|不予公开|不宜公开|不对外公开|不得公开|仅限内部使用)[^)）\n]{0,12}[)）]")
_PORTAL = re.compile(r"(?:发布(?:日期|时间|机构)|索引号|信息来源|文章来源|发文机关)\s*[:：]")
PUBLISHED_GENRES = ("政府工作报告", "新闻发布会", "新闻发布", "答记者问", "统计公报", "政策解读", "白皮书",
                    "公告", "通告", "公示", "决算报告", "预算执行情况", "工作动态", "代表大会上的报告", "条例",
                    "实施细则", "管理办法", "暂行办法", "暂行规定", "决议", "议事规则", "工作规则", "批复",
                    "复函", "处罚决定书", "任免", "招标公告", "中标", "成交结果", "采购公告", "采购意向",
                    # the answer to a deputy's or a member's proposal is published once sent
                    "建议的答复", "建议的复函", "提案的答复", "提案的复函", "议案的答复")
INTERNAL_GENRES = ("会议纪要", "纪要", "请示", "情况反映", "专报", "谈话记录", "讨论稿", "送审稿", "内部通报",
                   "汇报", "研判", "应答口径", "谈话提纲", "备忘录", "测算", "考察材料", "工作底稿", "会商意见",
                   "草稿", "初稿", "代拟稿",   # a draft: whatever it will become, it is not yet published
                   # a reply giving views on a draft or a question is deliberation, unlike a 复函 that decides
                   "意见的复函")
# A title naming an enacted norm (…办法、…规定（试行）), or the notice that issues one.
_NORM_TITLE = re.compile(r"(?:条例|规定|办法|细则|规则|规范|准则)(?:[（(](?:试行|暂行|修订|修正)[)）])?(?:》?的通知)?$")
# Enacted text (a law, regulation or rule) numbers its articles 第一条、第二条…: published by law once in force.
_ARTICLE = re.compile(r"^[ \t\u3000]*第([一二三四五六七八九十百零〇两]+|\d+)条", re.M)
MIN_ARTICLES = 3        # distinct article numbers (a line repeated is not a statute)
# A report delivered to an assembly of delegates (a party or people's congress) says so in its
# opening lines: 各位代表, or the formula of delivering it (向大会报告…, 向…代表大会作报告, the
# chair's 大会现在开幕). Looser words (提请…审议, 向大会秘书处报告, 确保大会胜利开幕) also stand in
# internal papers about a congress (its candidates, its security) and are not signs.
_ASSEMBLY = re.compile(r"代表大(?:会|會)|各位代表")
_DELIVERED = re.compile(r"各位代表|向(?:本次|这次)?大(?:会|會)(?:作|做)?(?:工作)?(?:报告|報告)"
                        r"|向[^。！\n]{0,20}代表大(?:会|會)(?:作|做)[^。！\n]{0,12}(?:报告|報告)"
                        r"|代表大(?:会|會)上的(?:报告|讲话|報告|講話)|大(?:会|會)现在开幕|现在开幕了")
# The 文号 line of an issued document: 国发〔2018〕38号, 豫0923环罚决字〔2024〕7号, 某政〔2025〕9号签发人：王某
# (a report upward names who signed it). It stands under the title, or, on a document headed by its
# issuer's mark (某某人民政府文件), between that mark and the title, which runs to the 主送 line.
_DOC_NUMBER = re.compile(r"[^\s〔\[]{0,16}(?:〔\d{4}〕|\[\d{4}\])\d+号(?:签发人[:：].{1,12})?")
_ISSUER_MARK = re.compile(r"(?!.*关于).{2,30}文件")   # not a title: 关于清理规范性文件…
_ADDRESSEE = re.compile(r".{2,60}[:：]")
# A normative document (规范性文件) takes effect only once published, and closes by saying who
# interprets it and from when it applies.
_NORM_CLOSING = re.compile(r"本(?:办法|规定|条例|细则|规则|规范|准则|预案|标准|制度|意见|决定)"
                           r"(?:由[^。\n]{0,30}负责解释|自[^。\n]{0,20}起施行)")
_TITLE_LINES = 8        # an issued document's title wraps over a few lines next to its 文号
_HEAD_CHARS = 300
_OPENING_CHARS = 600    # where a report says to whom it is delivered
_PORTAL_CHARS = 2000
_PADDING = re.compile(r"[ \t\u3000]+")     # "索 引 号：", "批 复" as portals and titles space their letters


@dataclass(frozen=True, slots=True)
class Signs:
    internal: str | None = None          # the reason a document is internal, when one is
    published: tuple[str, ...] = ()      # one reason per kind of sign of what it is (genre, form)
    declared: str | None = None          # a mark: what its drafter declares it to be

    @property
    def kinds(self) -> tuple[str, ...]:
        """The published signs that count. A mark is the drafter's declaration, and a draft screened
        before publication may declare wrongly what it is (the very error screening is for): it counts
        alone, never on top of what the document shows itself to be."""
        return self.published or ((self.declared,) if self.declared else ())


def title(doc: Document, whole: str) -> str:
    """The document's name and its title: the lines above its 文号 (below it, up to the 主送 line, when
    those above are the issuer's mark), or its first line."""
    lines = [line for line in (_PADDING.sub("", raw) for raw in whole[:_HEAD_CHARS].split("\n")) if line]
    lines = lines[:_TITLE_LINES]
    numbered = next((i for i, line in enumerate(lines) if _DOC_NUMBER.fullmatch(line)), 0)
    heading = lines[:numbered] if numbered else lines[:1]
    if numbered and all(_ISSUER_MARK.fullmatch(line) for line in heading):
        below = lines[numbered + 1:]
        heading = below[:next((i for i, line in enumerate(below) if _ADDRESSEE.fullmatch(line)), len(below))]
    return doc.name + "\n" + "".join(heading)


def whole_text(doc: Document) -> str:
    """The text the document's signs are read in: its body and header parts, one per line."""
    return "\n".join(p.text for p in doc.parts if p.kind in (PartKind.BODY, PartKind.HEADER))


def signs(doc: Document, whole: str) -> Signs:
    """What `doc` shows itself to be; `whole` is its `whole_text`."""
    heading = title(doc, whole)
    attribute = _ATTRIBUTE.search(whole)
    if attribute and attribute.group(1) != "主动公开":
        return Signs(internal=f"文件标明公开属性为{attribute.group(1)}")
    if (note := _INTERNAL_NOTE.search(whole)):
        return Signs(internal=f"文件附注{note.group()}")
    if (genre := next((g for g in INTERNAL_GENRES if g in heading), None)):
        return Signs(internal=f"文件性质为{genre}（内部文稿）")
    declared = None
    if attribute:
        declared = "文件标明公开属性为主动公开"
    elif (note := _PUBLISHED_NOTE.search(whole)):
        declared = f"文件附注{_PADDING.sub('', note.group())}"
    published = []
    if (genre := next((g for g in PUBLISHED_GENRES if g in heading), None)):
        published.append(f"文件性质为{genre}（公开发布类）")
    elif _NORM_TITLE.search(heading):
        published.append("文件标题为法规规章名称（公开发布类）")
    if (form := _published_form(doc, whole)):
        published.append(form)
    return Signs(published=tuple(published), declared=declared)


def _published_form(doc: Document, whole: str) -> str | None:
    opening = whole[:_OPENING_CHARS]
    if len(set(_ARTICLE.findall(whole))) >= MIN_ARTICLES:
        return "文件为分条列明的法规规章条文（公开发布类）"
    if _NORM_CLOSING.search(whole):
        return "文件写明解释机关或施行日期（规范性文件，公开发布类）"
    if _ASSEMBLY.search(opening) and _DELIVERED.search(opening):
        return "文件为向代表大会所作的报告（公开发布类）"
    # A portal's 发布 marks stand in the page header, after a body of any length.
    marks = "\n".join([whole[:_PORTAL_CHARS]] + [p.text for p in doc.parts if p.kind is PartKind.HEADER])
    if _PORTAL.search(_PADDING.sub("", marks)):
        return "文件带有网站发布信息（发布日期、索引号等）"
    return None
