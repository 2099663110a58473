"""Statistics from the database (per unit) and the server-drawn SVG charts."""
from __future__ import annotations

from datetime import date

import pytest
from lxml import etree

from screening.web.ui.charts import columns, hbar
from screening.web.ui.stats import unit_stats
from tests.ui.conftest import ID_DRAFT, ID_FIXED, MARKED, open_case


def stats_of(svc, people, unit_of: str = "sun"):
    from screening.review.accounts import get_user

    unit_id = get_user(svc.db, people[unit_of]).unit_id
    with svc.db.read() as s:
        return unit_stats(s, unit_id, date(2026, 11, 30))


def test_counts_by_category_department_and_rule(svc, people):
    case = open_case(svc, people)                                    # id card + phone
    phone = next(f for f in svc.case_view(case.case_id)["findings"] if f["subtype"] == "phone")
    svc.dispose(people["zhang"], case.case_id, phone["id"], action="dismissed", reason="办公电话")
    svc.add_version(people["zhang"], case.case_id, data=ID_FIXED.encode(), filename="v2.txt")
    open_case(svc, people, text=MARKED, who="zhao", title="内部")     # quarantined, department 2
    open_case(svc, people, who="zhou")                                # another unit: not counted
    data = stats_of(svc, people)
    assert data.findings == 3                                        # the phone number counted once
    assert data.by_category == {"personal_info": 2, "marking": 1}
    assert dict(data.by_department) == {"政务公开科": 2, "综合科": 1}
    assert sum(data.by_month.values()) == 3 and data.cases == 2 and data.quarantined == 1
    rates = {r.rule: r for r in data.rules}
    assert rates["pii.mobile"].dismissed == 1 and rates["pii.mobile"].rate == 1.0
    assert rates["pii.id_card"].confirmed == 1 and rates["pii.id_card"].rate == 0.0   # fixed: a true positive
    assert rates["marking.classification"].open == 1 and rates["marking.classification"].rate is None


def test_stats_page_changes_with_the_database(as_user, svc, people):
    sun = as_user("sun")
    before = sun.get("/officer/stats").get_data(as_text=True)
    assert 'id="kpi-findings">0<' in before
    open_case(svc, people, text=ID_DRAFT)
    after = sun.get("/officer/stats").get_data(as_text=True)
    assert 'id="kpi-findings">2<' in after and "个人信息：2 项" in after


@pytest.mark.parametrize("chart", [
    hbar([("个人信息", 3, "#a7d3f5"), ("<script>", 1, None)], title="按类别", unit=" 项"),
    hbar([], title="空"),
    hbar([("pii.mobile", 0.5, None)], title="误报率", percent=True, max_value=1.0),
    columns([("2026-10", 2), ("2026-11", 5)], title="按月"),
    columns([], title="空"),
])
def test_charts_are_well_formed_svg(chart):
    root = etree.fromstring(str(chart).encode())
    assert root.tag.endswith("svg") and root.get("role") == "img"
    assert root.find("{http://www.w3.org/2000/svg}title").text
    assert "<script>" not in str(chart)


def test_percent_chart_reads_as_percent():
    assert "50%" in str(hbar([("pii.mobile", 0.5, None)], title="误报率", percent=True, max_value=1.0))


def _approve(svc, people, case_id: int) -> None:
    svc.set_publicity(people["zhang"], case_id, attribute="主动公开")
    for who, stage in (("zhang", "drafter"), ("li", "head"), ("wang", "leader")):
        svc.sign(people[who], case_id, stage=stage, decision="approve", opinion="同意公开")


def test_officer_exports_the_monthly_summary(as_user, svc, people):
    import io

    import openpyxl

    case = open_case(svc, people, text="关于开展冬季供暖安全检查的通知\n各单位：请做好检查。\n", title="供暖通知")
    _approve(svc, people, case.case_id)
    month = svc.case_view(case.case_id)["signoffs"][-1]["at"][:7]
    response = as_user("sun").get(f"/officer/summary?month={month}&format=xlsx")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    values = [c for row in openpyxl.load_workbook(io.BytesIO(response.data)).active.iter_rows(values_only=True)
              for c in row if c]
    assert "供暖通知" in values
    assert as_user("zhang").get(f"/officer/summary?month={month}").status_code == 403
    assert 'action="/officer/summary"' in as_user("sun").get("/officer/stats").get_data(as_text=True)
