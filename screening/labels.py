"""Chinese display names for the SPEC enums, shared by the text report, the UI and the review sheet."""
from __future__ import annotations

from screening.types import REGION_CHROME, Category, PartKind, Severity, Verdict

CATEGORY = {
    Category.MARKING: "密级标志", Category.STATE_SECRET: "国家秘密", Category.WORK_SECRET: "工作秘密",
    Category.PERSONAL_INFO: "个人信息", Category.CREDENTIAL: "账号密码", Category.NETWORK: "内部网络",
    Category.HIDDEN: "隐藏内容",
}
SUBTYPE = {
    "id_card": "身份证号", "phone": "电话号码", "email": "电子邮箱", "bank_card": "银行卡号", "address": "住址",
    "name": "姓名", "passport": "证件号码", "plate": "车牌号", "other": "其他",
}
SEVERITY = {Severity.HIGH: "高", Severity.MEDIUM: "中", Severity.LOW: "低"}
VERDICT = {Verdict.BLOCK: "拦截（不得公开）", Verdict.REVIEW: "需人工复核", Verdict.PASS: "未发现问题"}
PART = {
    PartKind.BODY: "正文", PartKind.TABLE: "表格", PartKind.HEADER: "页眉", PartKind.FOOTER: "页脚",
    PartKind.FOOTNOTE: "脚注", PartKind.COMMENT: "批注", PartKind.REVISION: "修订痕迹",
    PartKind.METADATA: "文档属性", PartKind.HIDDEN: "隐藏内容", PartKind.ATTACHMENT: "附件",
}

REGION = {REGION_CHROME: "页面框架"}


def where(location) -> str:
    """“正文 第2页 第12段” for a Location; “页面框架 页脚 第3段” in a web page's frame; a table cell
    “表2 第5行 身份证号” (its column's header, else “第3列”); a spreadsheet cell
    “正文 工作表“名单” D7（身份证号）”."""
    bits = [PART[location.part]]
    if getattr(location, "region", "") == REGION_CHROME:
        bits.insert(0, REGION["chrome"])
    cell = getattr(location, "cell", None)
    if cell is not None and cell.sheet is not None:     # a spreadsheet: 工作表“名单” D7（身份证号）
        bits.append(f"工作表“{cell.sheet}” {cell.a1}" + (f"（{cell.header}）" if cell.header else ""))
        return " ".join(bits)
    if cell is not None:                                # a table of a document: 表2 第5行 身份证号
        if str(location.part) == "table":
            bits = bits[:-1]
        if location.page is not None:
            bits.append(f"第{location.page}页")
        bits += [f"表{cell.table}", f"第{cell.row}行", cell.header or f"第{cell.column}列"]
        return " ".join(bits)
    if location.page is not None:
        bits.append(f"第{location.page}页")
    if location.paragraph is not None:
        bits.append(f"第{location.paragraph}段")
    return " ".join(bits)
