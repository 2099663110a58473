"""The review layer's closed vocabularies. Values are stored in the database and used by the API."""
from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    DRAFTER = "drafter"
    HEAD = "head"
    LEADER = "leader"
    SECRECY_OFFICER = "secrecy_officer"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return {"drafter": "承办人", "head": "承办部门负责人", "leader": "单位负责人",
                "secrecy_officer": "保密员", "admin": "系统管理员"}[self.value]


class Stage(StrEnum):
    """Where a case is (SPEC §4 `stage`)."""

    DRAFT = "draft"
    HEAD_REVIEW = "head_review"
    SECRECY_REVIEW = "secrecy_review"   # only where the unit has the fourth stage (SPEC §5)
    LEADER_REVIEW = "leader_review"
    APPROVED = "approved"
    RETURNED = "returned"
    WITHDRAWN = "withdrawn"
    ESCALATED = "escalated"
    QUARANTINED = "quarantined"

    @property
    def label(self) -> str:
        return {"draft": "承办人初审", "head_review": "承办部门负责人审核",
                "secrecy_review": "保密审核", "leader_review": "单位负责人审发", "approved": "已审发",
                "returned": "已退回承办人", "withdrawn": "已撤回",
                "escalated": "已报请确定（等待答复）",
                "quarantined": "已隔离（含密级标志）"}[self.value]


class SignStage(StrEnum):
    """A sign-off stage (SPEC §5), in the order they are signed: 承办人初审 → 承办部门负责人审核 →
    (保密审核, where the unit has switched the fourth stage on) → 单位负责人审发."""

    DRAFTER = "drafter"
    HEAD = "head"
    SECRECY = "secrecy"
    LEADER = "leader"

    @property
    def label(self) -> str:
        return {"drafter": "承办人初审", "head": "承办部门负责人审核", "secrecy": "保密审核",
                "leader": "单位负责人审发"}[self.value]

    @property
    def signer(self) -> str:
        """Who signs it, as the sheet and the clearance name them."""
        return {"drafter": "承办人", "head": "部门负责人", "secrecy": "保密员",
                "leader": "单位负责人"}[self.value]


def sign_stages(secrecy: bool) -> tuple[SignStage, ...]:
    """The stages a case passes, in order: three, or four where the unit has 保密审核 switched on."""
    return tuple(s for s in SignStage if secrecy or s is not SignStage.SECRECY)


class Decision(StrEnum):
    APPROVE = "approve"
    RETURN = "return"


class OpinionKind(StrEnum):
    """The three opinions of the review sheet (审查单)."""

    AGREE = "同意公开"
    REFUSE = "不予公开"
    REFER = "报请确定"


class DispositionAction(StrEnum):
    FIXED = "fixed"            # gone in a newer version (set by the system only)
    DISMISSED = "dismissed"    # not sensitive: a written reason is required
    CONFIRMED = "confirmed"    # agreed to be sensitive
    REDACTED = "redacted"      # to be removed from the published copy (区分处理)

    @property
    def label(self) -> str:
        return {"fixed": "已在新版本中修改", "dismissed": "经核实不涉密（驳回）",
                "confirmed": "确认敏感", "redacted": "区分处理（遮挡/删除后公开）"}[self.value]


class PublicAttribute(StrEnum):
    """公开属性."""

    PROACTIVE = "主动公开"
    ON_REQUEST = "依申请公开"
    NOT_PUBLIC = "不予公开"


class Channel(StrEnum):
    """拟公开方式."""

    WEBSITE = "website"
    NEWSPAPER = "newspaper"
    BROADCAST = "broadcast"
    TELEVISION = "television"
    BULLETIN = "bulletin"
    OTHER = "other"

    @property
    def label(self) -> str:
        return {"website": "政府网站", "newspaper": "报刊", "broadcast": "广播",
                "television": "电视", "bulletin": "政府公开栏", "other": "其他"}[self.value]


class Carrier(StrEnum):
    """载体形式."""

    OFFICIAL = "official"
    NON_OFFICIAL = "non_official"

    @property
    def label(self) -> str:
        return {"official": "公文类", "non_official": "非公文类"}[self.value]


SCOPES = ("screen", "cases:read", "cases:write", "clearance")
