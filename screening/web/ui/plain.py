"""Plain Chinese for what the system stores as codes: rule ids, basis codes, audit events, API-key
scopes, technical error details. Pure functions; the rule table is passed in (built once per app from
the loaded rule set by `screening.web.ui.common`). Codes stay available in a details toggle only."""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from screening import labels
from screening.review.basis import BASES
from screening.review.enums import DispositionAction, PublicAttribute, SignStage, Stage
from screening.types import Category, Verdict

SHORT_REGULATION = "《条例》"

# Rules that are not in the rule files: the structure check and the classifier.
FIXED_RULES = {
    "hidden.revision": "修订痕迹", "hidden.comment": "批注", "hidden.text": "隐藏文字",
    "hidden.metadata": "文档属性中的个人或单位信息",
    "classifier.state_secret": "疑似国家秘密内容（分类模型）",
    "classifier.work_secret": "疑似工作秘密内容（分类模型）",
    "classifier.personal_private": "疑似个人隐私内容（分类模型）",
}
SCOPE_LABELS = {"screen": "审查文件", "cases:read": "查看案件", "cases:write": "办理案件",
                "clearance": "查询可否公开"}
ACTION_SHORT = {DispositionAction.DISMISSED: "驳回：经核实不涉密", DispositionAction.CONFIRMED: "确认敏感",
                DispositionAction.REDACTED: "区分处理", DispositionAction.FIXED: "已在新版本中修改"}
FIELD_LABELS = {"title": "信息名称", "doc_number": "文号", "channel": "拟公开方式", "carrier": "载体形式",
                "formed_on": "形成日期", "planned_on": "拟公开时间"}


@dataclass(frozen=True, slots=True)
class RuleInfo:
    category: str
    subtype: str | None
    message: str


def rule_table(rules) -> dict[str, RuleInfo]:
    """id → RuleInfo for the rules of a loaded rule set (objects with id/category/subtype/message)."""
    return {r.id: RuleInfo(str(r.category), r.subtype, r.message) for r in rules}


def rule_label(rule: str, table: Mapping[str, RuleInfo], category: str | None = None,
               subtype: str | None = None) -> str:
    """A short Chinese name of a rule: "身份证号", "修订痕迹", "文中出现密级标志"."""
    if rule in FIXED_RULES:
        return FIXED_RULES[rule]
    info = table.get(rule)
    category = category or (info.category if info else None)
    subtype = subtype or (info.subtype if info else None)
    if category == "personal_info" and subtype in labels.SUBTYPE and subtype != "other":
        return labels.SUBTYPE[subtype]
    if info is not None and info.message:
        return re.split(r"[，,；;。]", info.message, maxsplit=1)[0]
    if rule.startswith("lexicon."):
        return "自定义词库"
    try:
        return labels.CATEGORY[Category(category)] if category else "审查规则"
    except ValueError:
        return "审查规则"


def basis_label(code: str | None) -> str:
    """"《条例》第十五条" for "art15" (empty for none)."""
    basis = BASES.get(code or "")
    return f"{SHORT_REGULATION}{basis.article}" if basis else ""


def scope_label(scope: str) -> str:
    return SCOPE_LABELS.get(scope, "其他权限")


def verdict_label(verdict: str | None) -> str:
    try:
        return labels.VERDICT[Verdict(verdict)]
    except ValueError:
        return "未完成审查"


_TECHNICAL = re.compile(r"[（(]?[A-Za-z_][\w.]*(?:Error|Exception)?:\s.*$|[：:]\s*[A-Za-z][^\u4e00-\u9fff]{3,}$")


def split_error(message: str | None) -> tuple[str, str]:
    """A refusal message in Chinese and the technical detail it carried (an English exception text),
    e.g. "压缩结构损坏：File is not a zip file" → ("压缩结构损坏", "File is not a zip file")."""
    message = (message or "").strip()
    match = _TECHNICAL.search(message)
    if not match or match.start() == 0:
        return message, ""
    head = message[:match.start()].rstrip("：:（( ")
    detail = match.group(0).strip("：:（()） ")
    if not re.search(r"[\u4e00-\u9fff]", head):
        return message, ""
    return head, detail


def _opinion(text: str | None) -> str:
    return f"，意见：{text}" if text else ""


def event_text(action: str, payload: Mapping, table: Mapping[str, RuleInfo]) -> str:
    """One audit event as a sentence: "处置发现：身份证号（区分处理）"."""
    p = payload
    if action == "case.open":
        return f"新建审查案件《{p.get('title', '')}》"
    if action == "version.add":
        return (f"上传第 {p.get('version')} 版（{p.get('filename') or '粘贴的文字'}），"
                f"筛查结论：{verdict_label(p.get('verdict'))}")
    if action == "version.quarantine":
        return f"上传的第 {p.get('version')} 版含密级标志，已隔离（文件未保存）并通报保密员"
    if action == "version.purge":
        return f"清除第 {p.get('version')} 版的文件内容"
    if action == "finding.dispose":
        try:
            what = ACTION_SHORT[DispositionAction(p.get("action"))]
        except ValueError:
            what = "处置"
        reason = f"，理由：{p['reason']}" if p.get("reason") else ""
        return f"处置发现：{rule_label(p.get('rule', ''), table)}（{what}）{reason}"
    if action == "case.publicity":
        try:
            attribute = str(PublicAttribute(p.get("attribute")))
        except ValueError:
            attribute = "—"
        basis = basis_label(p.get("basis"))
        how = "采用系统建议，" if p.get("adopted") else ""
        return f"{how}确定公开属性：{attribute}" + (f"（依据{basis}）" if basis else "")
    if action == "case.sign":
        try:
            stage = SignStage(p.get("stage")).label
        except ValueError:
            stage = "签署"
        if p.get("decision") == "return":
            return f"{stage}：退回承办人{_opinion(p.get('opinion'))}"
        verb = "提交审核" if p.get("stage") == "drafter" else "同意"
        return f"{stage}：{verb}（第 {p.get('version')} 版）{_opinion(p.get('opinion'))}"
    if action == "case.escalate":
        return f"报请有关主管部门或保密行政管理部门确定：{p.get('question', '')}"
    if action == "case.answer":
        return f"登记报请确定的答复：{p.get('answer', '')}"
    if action == "case.withdraw":
        return "撤回案件" + (f"，理由：{p['reason']}" if p.get("reason") else "")
    if action == "case.edit":
        names = "、".join(FIELD_LABELS.get(k, "其他信息") for k in (p.get("changes") or {}))
        return f"修改案件信息：{names}"
    if action == "case.deadline":
        return f"最迟公开日调整为 {p.get('new') or '无'}"
    if action == "case.close_incident":
        return "保密员关闭泄密事件" + (f"：{p['note']}" if p.get("note") else "")
    if action == "unit.secrecy_stage":
        return (f"{p.get('unit', '')}开启保密审核环节（此后新建的案件须经四级审核）" if p.get("secrecy_stage")
                else f"{p.get('unit', '')}关闭保密审核环节（此后新建的案件为三级审核）")
    if action == "case.stage":
        try:
            return f"案件转入：{Stage(p.get('stage_after')).label}"
        except ValueError:
            return "案件阶段变更"
    return "其他操作"
