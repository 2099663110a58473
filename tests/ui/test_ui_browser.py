"""The whole story in a real browser (Debian's Chromium driven by Playwright) against the app served
by gunicorn on a loopback port: a drafter uploads a draft with an ID number, and another file marked
机密★1年 (quarantined, the officer is told), sees the findings highlighted, dismisses one with a
reason, uploads a fixed version, submits; the head and the leader approve in their own browser
contexts; the officer's statistics change; the clearance API says the approved file may be published.
Screenshots of the main pages are written to docs/screenshots/ (shown in the README) only when asked:
`SCREENING_SCREENSHOTS=1 make test` (otherwise a run leaves the tree as it was)."""
from __future__ import annotations

import hashlib
import re
import os
import shutil
from pathlib import Path

import pytest
import requests

from tests.live_server import serve
from tests.ui.conftest import ID_DRAFT, ID_FIXED, MARKED, PASSWORD

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "docs" / "screenshots"
CHROMIUM = os.environ.get("SCREENING_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--lang=zh-CN", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
WIDE, NARROW = {"width": 1920, "height": 1080}, {"width": 1366, "height": 768}


def shoot(page, name: str, *, full_page: bool = True) -> None:
    """A screenshot for the README, written only when SCREENING_SCREENSHOTS=1."""
    if os.environ.get("SCREENING_SCREENSHOTS") != "1":
        return
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=full_page)


@pytest.fixture(scope="module")
def server(ui_template, tmp_path_factory):
    """`screening serve` (gunicorn, 2 workers) with a temp instance folder and SQLite."""
    root = tmp_path_factory.mktemp("ui-live")
    instance = root / "instance"
    instance.mkdir()
    shutil.copyfile(ui_template[0], instance / "screening.db")
    env = {"SCREENING_INSTANCE": str(instance), "SCREENING_CLASSIFIER": "0",
           "SCREENING_RATE_LIMIT": "100000 per minute"}
    with serve(env, root, timeout=60, workers=2) as base:
        yield base


@pytest.fixture(scope="module")
def chromium():
    if not Path(CHROMIUM).exists():
        if os.environ.get("SCREENING_SKIP_BROWSER") == "1":
            pytest.skip("SCREENING_SKIP_BROWSER=1: browser tests skipped on request")
        pytest.fail(f"{CHROMIUM} is missing: run scripts/system-deps.sh (Debian's chromium), "
                    "or set SCREENING_SKIP_BROWSER=1 to skip the browser tests explicitly")
    from playwright import sync_api
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield browser
        browser.close()


class Person:
    """One person's browser context (own cookies), logged in through the login form."""

    def __init__(self, chromium, base: str, name: str, viewport=NARROW, *, javascript: bool = True) -> None:
        self.base = base
        # bypass_csp: the test injects axe-core as a script of its own; the service's CSP (no inline
        # script) is asserted by tests/security/test_headers_login.py
        self.context = chromium.new_context(viewport=viewport, locale="zh-CN", java_script_enabled=javascript,
                                            bypass_csp=True)
        self.context.set_default_timeout(20_000)
        self.page = self.context.new_page()
        self.page.goto(f"{base}/login")
        self.page.fill("input[name=username]", name)
        self.page.fill("input[name=password]", PASSWORD)
        self.page.click("button[type=submit]")
        self.page.wait_for_url(lambda url: "/login" not in url)

    def go(self, path: str):
        self.page.goto(self.base + path)
        return self.page

    def shot(self, name: str, *, full_page: bool = True) -> None:
        shoot(self.page, name, full_page=full_page)

    def close(self) -> None:
        self.context.close()


def submitted_case(chromium, server: str, drafter_name: str, file, title: str) -> str:
    """A drafter opens a case with `file` on the self-check page and submits it: the case's path."""
    drafter = Person(chromium, server, drafter_name)
    page = drafter.go("/selfcheck")
    page.set_input_files("#file", str(file))
    page.fill("input[name=title]", title)
    page.click("button[value=case]")
    page.wait_for_url("**/cases/*")
    path = page.url.split("#")[0].replace(server, "")
    page.click("#sign button[value=approve]")
    page.wait_for_selector("text=已提交承办部门负责人审核")
    drafter.close()
    return path


def kpi(page, name: str) -> int:
    return int(page.inner_text(f"#kpi-{name}"))


def fits(page, width: int) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= width


def test_the_whole_story(server, chromium, tmp_path):
    draft, fixed, marked = tmp_path / "表彰通报.txt", tmp_path / "表彰通报（修改稿）.txt", tmp_path / "内部通报.txt"
    draft.write_text(ID_DRAFT, encoding="utf-8")
    fixed.write_text(ID_FIXED, encoding="utf-8")
    marked.write_text(MARKED, encoding="utf-8")

    # the login page, by keyboard only
    anon = chromium.new_context(viewport=NARROW, locale="zh-CN")
    page = anon.new_page()
    page.goto(f"{server}/login")
    shoot(page, "login", full_page=False)
    assert page.evaluate("document.activeElement.name") == "username"      # autofocus
    page.keyboard.type("zhang")
    page.keyboard.press("Tab")
    page.keyboard.type("wrong password")
    page.keyboard.press("Enter")
    page.wait_for_selector("text=用户名或密码错误")
    anon.close()

    officer = Person(chromium, server, "sun")
    stats = officer.go("/officer/stats")
    approved_before, findings_before = kpi(stats, "approved"), kpi(stats, "findings")

    # the drafter: self-check opens a case; the ID number is highlighted in place
    drafter = Person(chromium, server, "zhang")
    drafter.shot("todo")
    drafter.page.keyboard.press("Tab")                          # the first stop skips to the content
    assert drafter.page.evaluate("document.activeElement.className") == "skip"
    page = drafter.go("/selfcheck")
    drafter.shot("selfcheck")
    page.set_input_files("#file", str(draft))
    page.fill("input[name=title]", "关于表彰优秀志愿者的通报")
    page.click("button[value=case]")
    page.wait_for_url("**/cases/*")
    case_url = page.url.split("#")[0]
    mark = page.locator("mark.hl.c-personal_info", has_text="11010519491231002X")
    assert mark.count() == 1 and "s-high" in mark.get_attribute("class")
    assert page.locator(".sev-badge.s-high").count() >= 1
    assert page.locator("#side-h").is_visible()
    assert fits(page, NARROW["width"])
    drafter.shot("case_drafter")

    # the same page without JavaScript: everything is there (progressive enhancement)
    plain = Person(chromium, server, "li", javascript=False)
    page = plain.go(case_url.replace(server, ""))
    assert page.locator("mark.hl.c-personal_info", has_text="11010519491231002X").is_visible()
    assert page.locator("li.finding").count() == 2 and page.locator(".flash").count() == 0
    plain.close()

    # a file with a classification marking is quarantined, never shown
    page = drafter.go("/selfcheck")
    page.set_input_files("#file", str(marked))
    page.fill("input[name=title]", "内部通报")
    page.click("button[value=case]")
    page.wait_for_url("**/cases/*")
    assert page.locator(".quarantine-banner").is_visible()
    banner = page.inner_text(".quarantine-banner")
    assert "机****" in banner and "机密★1年" not in banner          # the marking is kept masked
    assert page.locator(".doc-page").count() == 0
    assert page.locator("#publicity").count() == 0 and page.locator("#incident").is_visible()
    audit_page(page)

    # submitting is refused while the ID number stands; the phone number is dismissed with a reason
    page = drafter.go(case_url.replace(server, ""))
    page.click("#sign button[value=approve]")
    page.wait_for_selector(".flash.error")
    assert "高风险" in page.inner_text(".flash.error")
    phone = page.locator("li.finding", has_text="13812345678")
    phone.locator(".f-actions > summary").click()
    phone.locator("textarea[name=reason]").fill("该号码为单位公开的办公电话")
    phone.locator("button[value=dismissed]").click()
    page.wait_for_selector("li.finding.d-dismissed")
    assert "经核实不涉密" in page.locator("li.finding", has_text="13812345678").inner_text()

    # the fixed version: the ID number is resolved, the phone number's dismissal carries over
    page.set_input_files("#nv-file", str(fixed))
    page.click("#new-version button.primary")
    page.wait_for_selector("#changes")
    changes = page.inner_text("#changes")
    assert "第 2 版与第 1 版相比" in changes
    assert "11010519491231002X" in page.inner_text("#changes .diff-cols > div:nth-child(2)")
    assert "13812345678" in page.inner_text("#changes .diff-cols > div:nth-child(3)")
    assert page.locator("mark.hl", has_text="11010519491231002X").count() == 0
    page.check("input[name=attribute][value='主动公开']")
    page.click("#publicity button.primary")
    page.wait_for_selector("text=公开属性已确定")
    page.fill("#sign textarea[name=opinion]", "已删除身份证号，电话为办公电话")
    page.click("#sign button[value=approve]")
    page.wait_for_selector("text=已提交承办部门负责人审核")
    drafter.shot("case_versions")

    # the head and the leader approve, each in their own context
    head = Person(chromium, server, "li")
    page = head.go("/todo")
    page.click("text=关于表彰优秀志愿者的通报")
    page.wait_for_selector("#sign")
    page.click("#sign button[value=return]")        # returning needs an opinion: the browser says so
    assert page.locator(".flash.success").count() == 0
    head.shot("case_head")
    page.fill("#sign textarea[name=opinion]", "同意")
    page.click("#sign button[value=approve]")
    page.wait_for_selector("text=承办部门负责人审核同意")
    head.close()

    leader = Person(chromium, server, "wang", viewport=WIDE)
    page = leader.go(case_url.replace(server, ""))
    assert fits(page, WIDE["width"])
    page.fill("#sign textarea[name=opinion]", "同意公开")
    page.click("#sign button[value=approve]")
    page.wait_for_selector("text=单位负责人审发同意")
    assert "已审发" in page.inner_text(".case-head")
    page = leader.go(case_url.replace(server, "") + "/print")
    leader.shot("review_sheet_print")
    leader.close()

    # the officer: statistics changed, the quarantine notice is there
    page = officer.go("/officer/stats")
    assert kpi(page, "approved") == approved_before + 1
    assert kpi(page, "findings") > findings_before
    assert kpi(page, "quarantined") >= 1
    assert page.locator("svg.chart").count() >= 4
    officer.shot("stats")
    page = officer.go("/officer/quarantine")
    assert "机****" in page.inner_text("main") and "机密★1年" not in page.inner_text("main")
    officer.shot("quarantine")
    page = officer.go("/cases")
    officer.shot("cases_officer")
    page = officer.go("/officer/rules")
    officer.shot("rules", full_page=False)
    page = officer.go("/officer/try")
    page.fill("textarea[name=text]", "会议地点：内网 http://10.1.2.3/admin ，联系人李四 13900001111。")
    page.click("button.primary")
    page.wait_for_selector(".side")
    assert page.locator("mark.hl.c-network").count() >= 1
    officer.shot("try_rules")
    officer.close()

    # the administrator issues a clearance key; the publishing system asks about the two versions
    admin = Person(chromium, server, "root")
    page = admin.go("/admin/keys")
    page.fill("input[name=name]", "cms")
    page.check("input[name=scopes][value=clearance]")
    page.click("form[action$='/admin/keys'] button.primary")
    key = page.inner_text("#new-key").strip()
    admin.shot("admin_keys")
    admin.go("/admin/users")
    admin.shot("admin_users")
    admin.close()
    drafter.close()

    def clearance(text: str) -> dict:
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        r = requests.get(f"{server}/api/v1/clearance", params={"sha256": digest},
                         headers={"Authorization": f"Bearer {key}"}, timeout=10)
        assert r.status_code == 200, r.text
        return r.json()

    assert clearance(ID_FIXED)["publishable"] is True
    assert clearance(ID_DRAFT)["publishable"] is False
    assert clearance(MARKED)["publishable"] is False


# -- bulk actions, tables, plain Chinese, accessibility, phones, in the same browser ----------------

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
RAW_CODE = re.compile(r"art\d|pii\.|case\.|\{\"")


def audit_page(page) -> None:
    """Every page: no raw code in its visible text, and axe-core finds no serious or critical
    violation (axe-core from npm: `make axe`)."""
    text = page.inner_text("body")
    if "/officer/rules" in page.url:      # the credential rules' examples quote config syntax ({"pass": …})
        text = re.sub(r'\{"\w+"\s*:', "", text)
    leaked = sorted(set(RAW_CODE.findall(text)))
    assert not leaked, f"{page.url}: raw codes in the page text: {leaked}"
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `make axe` (npm install of the pinned axe-core)")
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate("""async () => {
        const r = await axe.run(document, {resultTypes: ['violations']});
        return r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
            .map(v => v.id + ': ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '));
    }""")
    assert violations == [], f"{page.url}: {violations}"


def test_a_100_row_gongshi_cleared_with_bulk_actions(server, chromium, tmp_path):
    from tests.ui.gongshi import DOC_NUMBER, TITLE, id_number, make_gongshi

    path = tmp_path / "低保公示.docx"
    make_gongshi(path, 100)
    drafter = Person(chromium, server, "zhang", viewport=WIDE)
    page = drafter.go("/selfcheck")
    audit_page(page)
    page.set_input_files("#file", str(path))
    page.fill("input[name=title]", TITLE)
    clicks = 0
    page.click("button[value=case]"); clicks += 1
    page.wait_for_url("**/cases/*")
    case_path = page.url.replace(server, "").split("#")[0]
    # the table is a table, its ID numbers highlighted in their cells
    table = page.locator("table.doc-table")
    assert table.count() == 1 and table.locator("td.marked").count() == 100
    assert id_number(7) in table.locator("tr", has_text="户主7").first.inner_text()
    assert "表1 第2行 身份证号" in page.inner_text("aside.side")
    audit_page(page)
    drafter.shot("case_table")
    # submitting is refused: 100 ID numbers stand
    page.click("#sign button[value=approve]"); clicks += 1
    page.wait_for_selector(".flash.error")
    assert "100 个高风险" in page.inner_text(".flash.error")
    # the whole ID column: 区分处理 and the redacted copy, in one act
    page.select_option("#bulk-scope", "column:table:1:3"); clicks += 1
    drafter.shot("bulk_actions", full_page=False)
    page.click("#bulk button[value=redact_copy]"); clicks += 1
    page.wait_for_selector("text=区分处理副本已生成")
    assert "第 2 版" in page.inner_text(".versions")
    assert page.locator("table.doc-table td.marked").count() == 0
    page.click("#sign button[value=approve]"); clicks += 1
    page.wait_for_selector("text=已提交承办部门负责人审核")
    assert clicks <= 5
    history = page.locator("#opinions details").first
    history.locator("summary").first.click()
    assert history.inner_text().count("处置发现：身份证号（区分处理）") == 100
    audit_page(page)
    for path_ in ("/todo", "/cases", case_path + "/print", "/profile"):
        audit_page(drafter.go(path_))
    drafter.close()
    # the other people's pages, in plain Chinese and accessible
    for name, paths in (("li", ["/todo", case_path]), ("wang", ["/officer/stats"]),
                        ("sun", ["/officer/stats", "/officer/quarantine", "/officer/rules", "/officer/try", "/cases",
                                 "/officer/accounts"]),
                        ("root", ["/admin/users", "/admin/units", "/admin/keys"])):
        person = Person(chromium, server, name)
        for path_ in paths:
            audit_page(person.go(path_))
        person.close()


def test_a_phone_screen_shows_cards_and_findings_first(server, chromium, tmp_path):
    phone = {"width": 390, "height": 844}
    drafter = Person(chromium, server, "zhao", viewport=phone)
    page = drafter.go("/selfcheck")
    page.fill("textarea[name=text]", ID_DRAFT)
    page.fill("input[name=title]", "手机上的通报")
    page.click("button[value=case]")
    page.wait_for_url("**/cases/*")
    assert fits(page, phone["width"])
    side = page.locator("#side-h").bounding_box()
    document = page.locator("#doc-h").bounding_box()
    assert side["y"] < document["y"] and side["y"] < 1500
    audit_page(page)
    drafter.shot("case_phone")
    page = drafter.go("/cases")
    assert fits(page, phone["width"])
    assert page.locator("table.list.cards tbody tr").first.evaluate("e => getComputedStyle(e).display") == "block"
    audit_page(page)
    drafter.close()


def test_the_fourth_stage_on_and_off(server, chromium, tmp_path):
    """The administrator switches 保密审核 on for the unit: a new case goes drafter → head → secrecy
    officer → leader, the officer finds it in the to-do list and signs in the browser, the review
    sheet has four opinion blocks; switched off again, the next case goes straight to the leader."""
    notice = tmp_path / "植树通知.txt"
    notice.write_text("关于开展义务植树活动的通知\n各科室：定于3月12日上午在城南公园开展义务植树活动，请按时参加。\n",
                      encoding="utf-8")

    def switch(label: str) -> None:
        admin = Person(chromium, server, "root")
        page = admin.go("/admin/units")
        page.locator("tr", has_text="某市人民政府办公室").locator("button", has_text=label).click()
        page.wait_for_selector(".flash.success")
        assert ("已开启保密审核环节" if label == "开启保密审核" else "已关闭保密审核环节") in page.inner_text(".flash")
        audit_page(page)
        admin.close()

    def open_and_pass_head(title: str) -> str:
        path = submitted_case(chromium, server, "zhang", notice, title)
        head = Person(chromium, server, "li")
        page = head.go(path)
        page.fill("#sign textarea[name=opinion]", "同意")
        page.click("#sign button[value=approve]")
        page.wait_for_selector(".flash.success")
        flashed = page.inner_text(".flash.success")
        head.close()
        return path, flashed

    switch("开启保密审核")
    path, flashed = open_and_pass_head("关于开展义务植树活动的通知")
    assert "案件现处于：保密审核" in flashed

    officer = Person(chromium, server, "sun")
    page = officer.go("/todo")
    row = page.locator("tr, li", has_text="关于开展义务植树活动的通知").first
    assert "保密审核（同意或退回）" in row.inner_text()
    page = officer.go(path)
    assert page.inner_text("#sign h3") == "保密审核"
    audit_page(page)
    officer.shot("case_secrecy_review")
    page.fill("#sign textarea[name=opinion]", "经保密审核，未发现涉密内容，同意公开")
    page.click("#sign button[value=approve]")
    page.wait_for_selector("text=保密审核同意")
    assert "单位负责人审发" in page.inner_text(".flash.success")
    officer.close()

    leader = Person(chromium, server, "wang")
    page = leader.go(path)
    page.fill("#sign textarea[name=opinion]", "同意公开")
    page.click("#sign button[value=approve]")
    page.wait_for_selector("text=单位负责人审发同意")
    page = leader.go(path + "/print")
    sheet = page.inner_text("main") if page.locator("main").count() else page.inner_text("body")
    assert "保密审核意见" in sheet and "孙保密员" in sheet and "经保密审核，未发现涉密内容" in sheet
    leader.close()

    switch("关闭保密审核")
    path, flashed = open_and_pass_head("关于开展义务植树活动的补充通知")
    assert "案件现处于：单位负责人审发" in flashed


def test_the_selfcheck_checks_several_files_at_once(server, chromium, tmp_path):
    """A drafter drops three files and only checks them: one row each, the unreadable one says why."""
    from tests.docgen import make_docx

    make_docx(tmp_path / "表彰通报.docx", paragraphs=ID_DRAFT.splitlines())
    (tmp_path / "植树通知.txt").write_text("关于开展义务植树活动的通知\n请各科室按时参加。\n", encoding="utf-8")
    (tmp_path / "损坏.docx").write_bytes(b"PK\x03\x04 not really a zip")
    drafter = Person(chromium, server, "zhang")
    page = drafter.go("/selfcheck")
    page.set_input_files("#file", [str(tmp_path / n) for n in ("表彰通报.docx", "植树通知.txt", "损坏.docx")])
    assert "已选择 3 个文件" in page.inner_text(".dz-name")
    page.click("button[value=check]")
    page.wait_for_selector("#batch-files")
    rows = page.locator("#batch-files tr.batch-row")
    assert rows.count() == 3
    assert "拦截" in rows.nth(0).inner_text() and "未发现问题" in rows.nth(1).inner_text()
    assert "无法审查" in rows.nth(2).inner_text()
    assert "共 3 个文件" in page.inner_text("#batch-summary")
    audit_page(page)
    drafter.shot("batch_check")
    drafter.close()


def test_an_admin_gives_a_membership_and_the_person_signs_for_the_second_department(server, chromium, tmp_path):
    """On 用户与角色 the administrator makes 李科长 (head of 政务公开科) also head of 综合科 (兼任, chosen
    from lists); 赵承办 of 综合科 submits a case; 李科长, logged in again, finds it in the to-do list and
    signs the head stage. The membership is then taken away."""
    notice = tmp_path / "消防演练通知.txt"
    notice.write_text("关于开展秋季消防演练的通知\n各科室：定于11月20日下午在办公楼开展消防疏散演练，请按时参加。\n",
                      encoding="utf-8")
    admin = Person(chromium, server, "root")
    page = admin.go("/admin/users")
    row = page.locator("tr", has_text="李科长")
    row.locator("summary", has_text="增加兼任").click()
    form = row.locator("form[action$='/memberships']")
    form.locator("select[name=role]").select_option(label="承办部门负责人")
    form.locator("select[name=department]").select_option(label="综合科")
    form.locator("button", has_text="增加").click()
    page.wait_for_selector(".flash.success")
    assert "已为用户 li 增加兼任：承办部门负责人（综合科）" in page.inner_text(".flash.success")
    assert "承办部门负责人（综合科）" in page.locator("tr", has_text="李科长").locator("td.memberships").inner_text()
    audit_page(page)

    path = submitted_case(chromium, server, "zhao", notice, "关于开展秋季消防演练的通知")

    head = Person(chromium, server, "li")
    page = head.go("/todo")
    assert "审核（同意或退回）" in page.locator("tr, li", has_text="关于开展秋季消防演练的通知").first.inner_text()
    page = head.go(path)
    assert "综合科" in page.inner_text("main")
    page.fill("#sign textarea[name=opinion]", "同意")
    page.click("#sign button[value=approve]")
    page.wait_for_selector(".flash.success")
    assert "案件现处于：单位负责人审发" in page.inner_text(".flash.success")
    head.close()

    page = admin.go("/admin/users")
    page.locator("tr", has_text="李科长").locator("button", has_text="取消兼任").click()
    page.wait_for_selector(".flash.success")
    assert "已取消用户 li 的兼任" in page.inner_text(".flash.success")
    admin.close()


def test_the_pages_not_walked_above_are_plain_and_accessible(server, chromium):
    """axe-core and the raw-code check on the pages the stories above do not pass through: the login
    page, a quick check's result, a case another unit's person may not see (the error page)."""
    anon = chromium.new_context(viewport=NARROW, locale="zh-CN", bypass_csp=True)
    page = anon.new_page()
    page.goto(f"{server}/login")
    audit_page(page)
    anon.close()
    drafter = Person(chromium, server, "zhang")
    page = drafter.go("/selfcheck")
    page.fill("textarea[name=text]", ID_DRAFT)
    page.click("button[value=check]")
    page.wait_for_selector(".verdict-line")
    assert "本次检查未保存任何内容" in page.inner_text("main")
    audit_page(page)
    drafter.close()
    other = Person(chromium, server, "zhou")
    page = other.go("/cases/1")
    assert "不存在" in page.inner_text("main") or "无权" in page.inner_text("main")
    audit_page(page)
    other.close()
