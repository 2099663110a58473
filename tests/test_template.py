"""A site's template across a folder: reported once per batch, not once per page."""
from __future__ import annotations

import json

from screening.cli import main
from screening.extract import extract_bytes
from screening.template import report_template_once

FOOTER = '<div class="footer">主办：某某市人民政府办公室 维护入口 http://10.12.3.4:8080/admin/login.jsp</div>'
ARTICLES = [
    "关于做好2026年春节假期安全生产工作的通知，请各单位认真贯彻落实有关要求，确保节日期间安全稳定。",
    "关于印发2026年政府信息公开工作要点的通知，各单位要结合实际抓好落实，按时报送工作情况。",
    "关于开展2026年度行政规范性文件清理工作的通知，请各部门于六月底前完成清理并报送结果。",
    "关于进一步优化营商环境若干措施的通知，各区县人民政府要明确责任分工，细化工作举措。",
]


def _page(article: str, host: str = "www.example.gov.cn", footer: str = FOOTER) -> bytes:
    return (f'<html><head><link rel="canonical" href="https://{host}/a.html"></head><body>'
            f'<div class="nav">首页 &gt; 政务公开</div><div class="content"><p>{article}</p>'
            f"<p>{article}</p></div>{footer}</body></html>").encode("utf-8")


def _admin_urls(reports) -> list[str]:
    return [r.document.name for r in reports for f in r.findings if f.rule == "net.admin_url"]


def test_a_folder_of_one_sites_pages_reports_the_templates_leak_once(tmp_path, capsys):
    for i, article in enumerate(ARTICLES):
        (tmp_path / f"page{i}.html").write_bytes(_page(article))
    assert main(["check", str(tmp_path), "--format", "json", "--no-classifier", "--jobs", "1"]) == 0
    reports = json.loads(capsys.readouterr().out)["reports"]
    found = [(r["document"]["name"], f) for r in reports for f in r["findings"] if f["rule"] == "net.admin_url"]
    assert len(found) == 1 and found[0][0] == "page0.html"
    assert "网站模板" in found[0][1]["message"] and found[0][1]["location"]["region"] == "chrome"
    for r in reports[1:]:
        assert any("已在《page0.html》中报告" in n for n in r["notes"])


def test_each_site_keeps_its_own_template_and_a_rare_fragment_stays(engine):
    reports = [engine.screen(extract_bytes(_page(a, host), f"{host}-{i}.html"))
               for host in ("a.gov.cn", "b.gov.cn") for i, a in enumerate(ARTICLES[:3])]
    reports.append(engine.screen(extract_bytes(_page(ARTICLES[3], "c.gov.cn"), "c.html")))
    assert _admin_urls(report_template_once(reports)) == ["a.gov.cn-0.html", "b.gov.cn-0.html", "c.html"]
    once = _page(ARTICLES[0], footer='<div class="footer">维护入口 http://10.9.9.9/manage/</div>')
    mixed = [engine.screen(extract_bytes(_page(a), f"p{i}.html")) for i, a in enumerate(ARTICLES)]
    mixed.append(engine.screen(extract_bytes(once, "odd.html")))
    assert "odd.html" in _admin_urls(report_template_once(mixed))      # on one page of five: the page's own


def test_a_fragment_in_the_article_is_the_documents_even_when_it_recurs(engine):
    article = "请各单位认真落实。联系人内网地址 http://10.1.1.1:8080/admin/ 请勿外传给无关人员知悉为盼。"
    reports = [engine.screen(extract_bytes(_page(article + str(i), footer=""), f"p{i}.html")) for i in range(4)]
    before = _admin_urls(reports)
    assert set(before) == {f"p{i}.html" for i in range(4)}
    assert _admin_urls(report_template_once(reports)) == before
