"""In a real browser (Debian's chromium, Playwright) against `screening serve`: the print view of
the review sheet shows a 公示's table as a table with each finding highlighted in its cell (issue 14),
and the secrecy officer starts an archive re-screen of a folder on the server from the 档案复查 page
and sees its file flagged with its path (issue 15). axe-core finds no serious or critical violation."""
from __future__ import annotations

import shutil
import time

import pytest

from tests.live_server import serve
from tests.tabledocs import table_xlsx
from tests.ui.gongshi import TITLE, gongshi_rows, id_number, make_gongshi
from tests.ui.test_ui_browser import WIDE, Person, audit_page, chromium  # noqa: F401 - the fixture

ID_NUMBER = "11010519491231002X"


@pytest.fixture(scope="module")
def archive_root(tmp_path_factory):
    return tmp_path_factory.mktemp("archive-root")


@pytest.fixture(scope="module")
def server(ui_template, tmp_path_factory, archive_root):
    """`screening serve` with archive runs allowed below `archive_root`."""
    root = tmp_path_factory.mktemp("ui-live-print")
    instance = root / "instance"
    instance.mkdir()
    shutil.copyfile(ui_template[0], instance / "screening.db")
    env = {"SCREENING_INSTANCE": str(instance), "SCREENING_CLASSIFIER": "0",
           "SCREENING_RATE_LIMIT": "100000 per minute", "SCREENING_ARCHIVE_ROOTS": str(archive_root)}
    with serve(env, root, timeout=60, workers=1) as base:
        yield base


@pytest.mark.parametrize("kind", ["docx", "xlsx"])
def test_the_print_view_shows_the_table_with_findings_in_their_cells(server, chromium, tmp_path, kind):  # noqa: F811
    path = tmp_path / f"低保公示.{kind}"
    if kind == "docx":
        make_gongshi(path, 5)
    else:
        path.write_bytes(table_xlsx(gongshi_rows(5)))
    drafter = Person(chromium, server, "zhang", viewport=WIDE)
    page = drafter.go("/selfcheck")
    page.set_input_files("#file", str(path))
    page.fill("input[name=title]", TITLE)
    page.click("button[value=case]")
    page.wait_for_url("**/cases/*")
    case_path = page.url.replace(server, "").split("#")[0]

    page = drafter.go(case_path + "/print")
    table = page.locator(".sheet table.doc-table")
    assert table.count() == 1
    assert table.locator("th[scope=col]", has_text="身份证号").count() == 1
    assert table.locator("td.marked mark.hl.c-personal_info").count() == 5
    row = table.locator("tr", has_text="户主3")
    cells = row.locator("td")
    assert "户主3" in cells.nth(1).inner_text() and cells.nth(1).locator("mark").count() == 0
    id_cell = cells.nth(2)
    assert "marked" in id_cell.get_attribute("class") and id_cell.locator("mark.hl").count() == 1
    shown = id_cell.inner_text()
    assert id_number(3)[:6] in shown and id_number(3) not in shown           # masked, as the sheet prints
    assert id_number(3) not in page.content()
    page.emulate_media(media="print")                                        # on paper: the whole table
    assert page.locator(".doc-table-wrap").first.evaluate("e => getComputedStyle(e).overflowX") == "visible"
    assert page.locator(".tools").evaluate("e => getComputedStyle(e).display") == "none"
    page.emulate_media(media="screen")
    audit_page(page)
    if kind == "docx":
        drafter.shot("review_sheet_table")
    drafter.close()


def test_the_officer_starts_an_archive_run_on_a_server_folder(server, chromium, archive_root):  # noqa: F811
    folder = archive_root / "门户导出"
    folder.mkdir()
    planted = folder / "低保名单.txt"
    planted.write_text(f"2019年低保对象名单\n王建国，身份证号{ID_NUMBER}，城东社区。\n", encoding="utf-8")
    officer = Person(chromium, server, "sun", viewport=WIDE)
    page = officer.go("/officer/rescreen")
    audit_page(page)
    assert str(archive_root) in page.inner_text("#archive-roots")
    page.fill("#archive-folder", "/etc")                                    # outside the roots: refused
    page.click("form[action$='/officer/rescreen/archive'] button")
    page.wait_for_selector(".flash.error")
    assert "该文件夹不在允许复查的档案目录内" in page.inner_text(".flash.error")

    page.fill("#archive-folder", str(folder))
    page.click("form[action$='/officer/rescreen/archive'] button")
    page.wait_for_selector(".flash.success")
    assert "已发起已公开档案复查" in page.inner_text(".flash.success")
    deadline = time.monotonic() + 60
    while f"已公开档案：{planted.resolve()}" not in page.inner_text("main"):
        assert time.monotonic() < deadline, "the archive run did not report its file"
        time.sleep(0.5)
        page = officer.go("/officer/rescreen")
    flag = page.locator("tr", has_text=str(planted.resolve()))
    assert "低保名单.txt" in flag.inner_text() and "新发现" in flag.inner_text()
    assert "身份证号" in flag.inner_text() or "个人信息" in flag.inner_text()
    assert ID_NUMBER not in page.content()
    audit_page(page)
    officer.shot("rescreen_archive")
    officer.close()
