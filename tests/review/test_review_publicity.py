"""The 公开属性: basis codes of findings, the suggestion, and the drafter's confirmation or change."""
from __future__ import annotations

import pytest

from screening.review.basis import BASES, basis_for, citation
from screening.review.enums import DispositionAction as D
from screening.review.enums import PublicAttribute as P
from screening.review.errors import Invalid
from screening.review.publicity import FindingState, suggest
from screening.types import Category, Explanation, Finding, Location, PartKind, Severity, Source
from review_helpers import WITH_ID, open_clean, submit


def finding(category, text="x", rule=None, subtype=None, basis=None):
    subtype = subtype or ("name" if category is Category.PERSONAL_INFO else None)
    return Finding(rule=rule or f"{category}.test", category=category, subtype=subtype,
                   severity=Severity.HIGH, source=Source.RULE, text=text, message="m", suggestion="s",
                   confidence=0.9, location=Location(PartKind.BODY, None, 1, 0, 1),
                   explanation=Explanation(detector="t", basis=basis))


@pytest.mark.parametrize("f,code", [
    (finding(Category.MARKING, "机密★1年"), "art14"),
    (finding(Category.STATE_SECRET, "部队驻地"), "art14"),
    (finding(Category.PERSONAL_INFO, "张三"), "art15"),
    (finding(Category.WORK_SECRET, "（征求意见稿）"), "art16.2"),
    (finding(Category.WORK_SECRET, "会议纪要", rule="work_secret.minutes"), "art16.2"),
    (finding(Category.WORK_SECRET, "请示"), "art16.2"),
    (finding(Category.WORK_SECRET, "拟提拔人选名单"), "art16.1"),
    (finding(Category.CREDENTIAL, "密码：abc"), "art14"),
    (finding(Category.NETWORK, "10.1.2.3"), "art14"),
    (finding(Category.HIDDEN, "批注"), "art37"),
    (finding(Category.MARKING, "x", basis="art16.1"), "art16.1"),      # the engine's own code wins
    (finding(Category.MARKING, "x", basis="第十四条"), "art14"),       # unless it is not a code
])
def test_basis_for(f, code):
    assert basis_for(f) == code


def test_every_basis_cites_the_regulation():
    for code, basis in BASES.items():
        assert citation(code).startswith("《中华人民共和国政府信息公开条例》第")
        assert basis.summary
    assert citation("nonsense") == "nonsense"


def S(basis, disposition=None, label=""):
    return FindingState(basis, disposition, label=label)


@pytest.mark.parametrize("states,attribute,code", [
    ([], P.PROACTIVE, "art19"),
    ([S("art14", None)], P.NOT_PUBLIC, "art14"),
    ([S("art15", None)], P.NOT_PUBLIC, "art15"),
    ([S("art15", D.CONFIRMED)], P.NOT_PUBLIC, "art15"),
    ([S("art15", D.REDACTED)], P.PROACTIVE, "art37"),
    ([S("art15", D.DISMISSED)], P.PROACTIVE, "art19"),
    ([S("art15", D.FIXED)], P.PROACTIVE, "art19"),
    ([S("art16.1", None)], P.NOT_PUBLIC, "art16.1"),
    ([S("art16.2", None), S("art15", D.REDACTED)], P.NOT_PUBLIC, "art16.2"),
    ([S("art15", None), S("art14", None)], P.NOT_PUBLIC, "art14"),
    ([S("art16.1", None), S("art16.2", None)], P.NOT_PUBLIC, "art16.2"),
    ([S("art37", None)], P.PROACTIVE, "art37"),
])
def test_suggestion(states, attribute, code):
    got = suggest(states)
    assert (got.attribute, got.basis) == (attribute, code)
    assert got.to_dict()["citation"].endswith(BASES[code].article)


def test_the_suggestion_names_the_findings_that_drove_it():
    got = suggest([S("art15", D.REDACTED, "身份证号")] * 100 + [S("art15", D.REDACTED, "电话号码")])
    assert got.attribute is P.PROACTIVE and got.basis == "art37"
    assert got.reason.startswith("区分处理后主动公开：身份证号 100 项、电话号码 1 项")
    withheld = suggest([S("art14", None, "国家秘密"), S("art15", D.REDACTED, "身份证号")])
    assert withheld.attribute is P.NOT_PUBLIC and "国家秘密 1 项" in withheld.reason


# -- the drafter's decision (both databases) ---------------------------------------------------------

def test_suggestion_follows_dispositions(svc, org):
    case_id = open_clean(svc, org, WITH_ID)
    assert svc.case_view(case_id)["public_attribute"]["suggested"]["basis"] == "art15"
    f = svc.case_view(case_id)["findings"][0]
    svc.dispose(org.drafter, case_id, f["id"], action="redacted", reason="公开时遮挡")
    suggested = svc.case_view(case_id)["public_attribute"]["suggested"]
    assert (suggested["attribute"], suggested["basis"]) == ("主动公开", "art37")
    svc.dispose(org.officer, case_id, f["id"], action="dismissed", reason="虚构的示例号码")
    assert svc.case_view(case_id)["public_attribute"]["suggested"]["basis"] == "art19"


def test_changing_to_not_public_needs_a_reason_and_a_basis(svc, org):
    case_id = open_clean(svc, org)          # suggested: 主动公开
    with pytest.raises(Invalid) as refused:
        svc.set_publicity(org.drafter, case_id, attribute="不予公开", basis="art16.1")
    assert refused.value.code == "reason_required"
    with pytest.raises(Invalid) as refused:
        svc.set_publicity(org.drafter, case_id, attribute="不予公开", reason="内部事务")
    assert refused.value.code == "basis_required"
    with pytest.raises(Invalid):
        svc.set_publicity(org.drafter, case_id, attribute="不予公开", basis="art19", reason="内部事务")
    out = svc.set_publicity(org.drafter, case_id, attribute="不予公开", basis="art16.1",
                            reason="属于内部人事管理信息")
    assert out["citation"].endswith("第十六条第一款") and out["due_date"] is None
    pa = svc.case_view(case_id)["public_attribute"]
    assert (pa["attribute"], pa["basis"], pa["set_by"]) == ("不予公开", "art16.1", "zhang")


def test_confirming_the_suggestion_needs_no_reason(svc, org):
    case_id = open_clean(svc, org, WITH_ID)   # suggested: 不予公开, 第十五条
    out = svc.set_publicity(org.drafter, case_id, attribute="不予公开")
    assert out["basis"] == "art15"
    with pytest.raises(Invalid):
        svc.set_publicity(org.drafter, case_id, attribute="主动公开")
    svc.set_publicity(org.drafter, case_id, attribute="主动公开", reason="当事人同意公开")


def test_unknown_attribute(svc, org):
    case_id = open_clean(svc, org)
    with pytest.raises(Invalid):
        svc.set_publicity(org.drafter, case_id, attribute="半公开", reason="x")


@pytest.mark.parametrize("kind,code", [("不予公开", "opinion_mismatch"), ("报请确定", "use_escalate")])
def test_an_approval_must_agree_with_the_public_attribute(svc, org, kind, code):
    case_id = open_clean(svc, org)
    submit(svc, org, case_id)
    with pytest.raises(Invalid) as refused:
        svc.sign(org.head, case_id, stage="head", decision="approve", opinion_kind=kind)
    assert refused.value.code == code
    out = svc.sign(org.head, case_id, stage="head", decision="approve", opinion_kind="同意公开")
    assert out["signoff"]["opinion_kind"] == "同意公开"
