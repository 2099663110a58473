"""What a document says about itself, for the classifier: its genre, its 公开属性 and portal
publishing marks, and which figures it reports as already released.

A passage's odds of being sensitive are multiplied by exp(shift): a document that is published
by nature (a 政府工作报告, a 新闻发布 transcript, a statistical communiqué, a 公告, a 批复, a 招标公告, an
enacted text whose articles are numbered 第一条、第二条…) or that carries
公开属性：主动公开 or a portal's 发布 marks lowers them; a 会议纪要, a 请示 or 公开属性：不予公开 raises them.
The reason is shown beside the words when it counted.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from screening.types import Document, PartKind

PUBLISHED_SHIFT = -1.5
INTERNAL_SHIFT = 0.7
RELEASED_SHIFT = -1.5

_ATTRIBUTE = re.compile(r"公开(?:属性|方式|类别|形式)\s*[:：]\s*(主动公开|依申请公开|不予公开|不公开|免予公开)")
_PORTAL = re.compile(r"(?:发布(?:日期|时间|机构)|索引号|信息来源|文章来源|发文机关)\s*[:：]")
# Read in the title (the document name and its first non-empty line), where a genre names itself.
PUBLISHED_GENRES = ("政府工作报告", "新闻发布会", "新闻发布", "答记者问", "统计公报", "政策解读", "白皮书",
                    "公告", "通告", "公示", "决算报告", "预算执行情况", "工作动态", "代表大会上的报告", "条例",
                    "实施细则", "管理办法", "暂行办法", "暂行规定", "决议", "议事规则", "工作规则", "批复",
                    "任免", "招标公告", "中标", "成交结果", "采购公告", "采购意向")
INTERNAL_GENRES = ("会议纪要", "纪要", "请示", "情况反映", "专报", "谈话记录", "讨论稿", "送审稿", "内部通报",
                   "汇报", "研判", "应答口径", "谈话提纲", "备忘录", "测算", "考察材料", "工作底稿", "会商意见")
_RELEASE = re.compile(r"发布|公布|公报|数据显示|统计显示|据统计|据初步统计")
_UNRELEASED = re.compile(r"(?:尚未|未经|未|暂不|不得|不宜)(?:审定)?(?:发布|公布)|(?:发布|公布)前|初步核算|预计")
_FIGURE = re.compile(r"\d+(?:\.\d+)?(?:万亿|亿|万|千)?(?:元|吨|人|户|个|家|亩|%|％|千瓦|公里|平方米|项|件)?")
# Enacted text (a law, regulation or rule) numbers its articles 第一条、第二条…: published by law once in force.
_ARTICLE = re.compile(r"^[ \t\u3000]*第([一二三四五六七八九十百零〇两]+|\d+)条", re.M)
MIN_ARTICLES = 3        # distinct article numbers (a line repeated is not a statute)
_HEAD_CHARS = 300
_PORTAL_CHARS = 2000
_PADDING = re.compile(r"[ \t\u3000]+")     # "索 引 号：" as portals space their labels


@dataclass(frozen=True, slots=True)
class DocumentContext:
    shift: float = 0.0                 # added to every sensitive class's log-odds
    reason: str | None = None          # the Chinese reason, shown when the shift counted
    released: frozenset[str] = frozenset()   # figures stated as released in the document

    def figures_released(self, text: str) -> bool:
        """True when every significant figure of `text` is one the document reports as released elsewhere."""
        figures = significant_figures(text)
        return bool(figures) and figures <= self.released


def significant_figures(text: str) -> frozenset[str]:
    return frozenset(m.group() for m in _FIGURE.finditer(text) if sum(c.isdigit() for c in m.group()) >= 2)


def document_context(doc: Document) -> DocumentContext:
    body = [p.text for p in doc.parts if p.kind in (PartKind.BODY, PartKind.HEADER)]
    whole = "\n".join(body)
    # A portal's 发布 marks stand in the page header, after a body of any length.
    marks = "\n".join([whole[:_PORTAL_CHARS]] + [p.text for p in doc.parts if p.kind is PartKind.HEADER])
    title = doc.name + "\n" + next((line.strip() for line in whole[:_HEAD_CHARS].split("\n") if line.strip()), "")
    attribute = _ATTRIBUTE.search(whole)
    shift, reason = 0.0, None
    if attribute and attribute.group(1) == "主动公开":
        shift, reason = PUBLISHED_SHIFT, "文件标明公开属性为主动公开"
    elif attribute:
        shift, reason = INTERNAL_SHIFT, f"文件标明公开属性为{attribute.group(1)}"
    elif (genre := next((g for g in INTERNAL_GENRES if g in title), None)):
        shift, reason = INTERNAL_SHIFT, f"文件性质为{genre}（内部文稿）"
    elif (genre := next((g for g in PUBLISHED_GENRES if g in title), None)):
        shift, reason = PUBLISHED_SHIFT, f"文件性质为{genre}（公开发布类）"
    elif len(set(_ARTICLE.findall(whole))) >= MIN_ARTICLES:
        shift, reason = PUBLISHED_SHIFT, "文件为分条列明的法规规章条文（公开发布类）"
    elif _PORTAL.search(_PADDING.sub("", marks)):
        shift, reason = PUBLISHED_SHIFT, "文件带有网站发布信息（发布日期、索引号等）"
    released = frozenset()
    for line in re.split(r"[。！？\n]", whole):
        if _RELEASE.search(line) and not _UNRELEASED.search(line):
            released |= significant_figures(line)
    return DocumentContext(shift, reason, released)
