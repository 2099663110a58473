"""Legal basis codes: which article of 《中华人民共和国政府信息公开条例》 (2019) a finding touches.

Pure and small so the review sheet, the API and the suggestion of the 公开属性 share one table.
`basis_for(finding)` gives a finding's code; `BASES[code]` its citation and wording.
"""
from __future__ import annotations

from dataclasses import dataclass

from screening.review.enums import PublicAttribute
from screening.types import Category, Finding

REGULATION = "《中华人民共和国政府信息公开条例》"


@dataclass(frozen=True, slots=True)
class Basis:
    code: str
    article: str              # e.g. "第十四条"
    summary: str              # what the article says, shortened
    attribute: PublicAttribute  # what it suggests when the finding stands

    @property
    def citation(self) -> str:
        return f"{REGULATION}{self.article}"


BASES: dict[str, Basis] = {b.code: b for b in (
    Basis("art14", "第十四条",
          "依法确定为国家秘密的政府信息，法律、行政法规禁止公开的政府信息，以及公开后可能危及国家安全、"
          "公共安全、经济安全、社会稳定的政府信息，不予公开", PublicAttribute.NOT_PUBLIC),
    Basis("art15", "第十五条",
          "涉及商业秘密、个人隐私等公开会对第三方合法权益造成损害的政府信息，行政机关不得公开",
          PublicAttribute.NOT_PUBLIC),
    Basis("art16.1", "第十六条第一款",
          "行政机关的内部事务信息，包括人事管理、后勤管理、内部工作流程等方面的信息，可以不予公开",
          PublicAttribute.NOT_PUBLIC),
    Basis("art16.2", "第十六条第二款",
          "行政机关在履行行政管理职能过程中形成的讨论记录、过程稿、磋商信函、请示报告等过程性信息"
          "以及行政执法案卷信息，可以不予公开", PublicAttribute.NOT_PUBLIC),
    Basis("art37", "第三十七条",
          "申请公开的信息中含有不应当公开或者不属于政府信息的内容，但是能够作区分处理的，"
          "应当提供可以公开的政府信息内容（区分处理）", PublicAttribute.PROACTIVE),
    Basis("art19", "第十九条",
          "对涉及公众利益调整、需要公众广泛知晓或者需要公众参与决策的政府信息，行政机关应当主动公开",
          PublicAttribute.PROACTIVE),
    Basis("art27", "第二十七条",
          "除行政机关主动公开的政府信息外，公民、法人或者其他组织可以向行政机关申请获取相关政府信息",
          PublicAttribute.ON_REQUEST),
)}

# Words that make a work-secret finding "process information" (过程性信息, 第十六条第二款).
PROCESS_WORDS = ("征求意见稿", "讨论稿", "送审稿", "审议稿", "草案", "草稿", "初稿", "请示",
                 "会议纪要", "讨论记录", "磋商", "过程稿", "内部讨论", "执法案卷")

_BY_CATEGORY = {
    Category.MARKING: "art14",
    Category.STATE_SECRET: "art14",
    Category.PERSONAL_INFO: "art15",
    Category.CREDENTIAL: "art14",     # 公开后可能危及公共安全（系统账号、口令、密钥）
    Category.NETWORK: "art14",        # 内部网络结构暴露，可能危及公共安全
    Category.HIDDEN: "art37",         # 读者看不到但可恢复的内容：删除后公开（区分处理）
}


def basis_for(finding: Finding) -> str:
    """The basis code of one finding (a code of `BASES`)."""
    given = finding.explanation.basis
    if given in BASES:
        return given
    if finding.category is Category.WORK_SECRET:
        haystack = " ".join((finding.rule, finding.subtype or "", finding.text, finding.message))
        return "art16.2" if any(w in haystack for w in PROCESS_WORDS) or "process" in haystack \
            else "art16.1"
    return _BY_CATEGORY[finding.category]


def citation(code: str) -> str:
    """`《中华人民共和国政府信息公开条例》第十五条` for a code; the code itself if unknown."""
    basis = BASES.get(code)
    return basis.citation if basis else code
