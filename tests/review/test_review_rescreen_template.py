"""Archive re-screening of one site's pages: a new finding in the site's template (a footer all
pages share) flags the first page's case only; the other cases carry a note naming where it was
reported. What differs between the pages stays each page's own."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from review_helpers import approve_all
from screening.engine import Settings, build_engine
from screening.review import rescreen
from screening.review.deadlines import WorkCalendar
from screening.review.models import Notification
from screening.review.service import ReviewService
from tests.docgen import portal_page

RULES = Path(__file__).resolve().parents[2] / "rules"
FOOTER = '<div class="footer">主办：某某市人民政府办公室 维护入口 http://10.12.3.4:8080/admin/login.jsp</div>'
ARTICLES = [
    "关于做好2026年春节假期安全生产工作的通知，请各单位认真贯彻落实有关要求，确保节日期间安全稳定。",
    "关于印发2026年政府信息公开工作要点的通知，各单位要结合实际抓好落实，按时报送工作情况。",
    "关于开展2026年度行政规范性文件清理工作的通知，请各部门于六月底前完成清理并报送结果。",
]


@pytest.fixture(scope="module")
def engines(tmp_path_factory):
    """The rules as they were at approval (no network rules yet), and today's."""
    old = tmp_path_factory.mktemp("rules-then")
    for path in RULES.glob("*.toml"):
        if path.name != "network.toml":
            shutil.copy(path, old / path.name)
    return build_engine(Settings(rules_dirs=(old,), classifier=False)), build_engine(Settings(classifier=False))


def _service(database, store, clock, notifier, engine) -> ReviewService:
    return ReviewService(database, engine, store, calendar=WorkCalendar(include_package=False),
                         notifier=notifier, clock=clock)


def test_a_sites_template_is_flagged_once_per_rescreen(database, store, clock, notifier, org, engines):
    then, today = engines
    svc = _service(database, store, clock, notifier, then)
    pages = [portal_page(a, footer=FOOTER) for a in ARTICLES]
    pages.append(portal_page("关于调整部分公交线路的公告，内网地址 http://10.9.9.9/manage/ 仅供查阅。", footer=FOOTER))
    cases = []
    for i, data in enumerate(pages):
        up = svc.open_case(org.drafter, title=f"通知{i + 1}", data=data, filename=f"page{i + 1}.html")
        approve_all(svc, org, up.case_id)
        cases.append(up.case_id)

    svc.engine = today
    run_id = rescreen.start(svc, actor_id=org.officer)
    progress = rescreen.run_all(svc, run_id)

    flags = {f["case_id"]: f for f in rescreen.flags_of_run(svc, run_id)}
    footer = [(case, x) for case, f in flags.items() for x in f["findings"]
              if x["rule"] == "net.admin_url" and x["part"] == "footer"]
    assert [case for case, _ in footer] == [cases[0]]                  # once, on the first page
    assert "网站模板" in footer[0][1]["message"]
    assert set(flags) == {cases[0], cases[3]} and progress.flagged == 2  # the fourth page's own leak stays
    assert any(x["rule"] == "net.admin_url" and x["part"] == "body" for x in flags[cases[3]]["findings"])
    for case in cases[1:3]:
        assert rescreen.case_flags(svc, case) == []
    with database.read() as s:
        notes = {i.case_id: i.notes for i in s.query(rescreen.RescreenItem).filter_by(run_id=run_id)}
    for case in cases[1:]:
        assert any("已在《通知1》中报告" in n for n in notes[case]), notes[case]
    assert not notes[cases[0]]
    # the officers hear of the template once, on the first page's case, and of each page's own leak
    with database.read() as s:
        told = [n.case_id for n in s.query(Notification).filter_by(kind="rescreen").order_by(Notification.id)]
    assert sorted(told) == sorted([cases[0], cases[3]])
