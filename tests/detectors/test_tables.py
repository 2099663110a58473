"""Tables seen as tables: columns typed by their content in generated docx, html, PDF, xlsx and
csv lists whose header words the rules do not contain (or that have no header at all). Every name,
ID, phone, bank-card, address and password cell is found with its row and column; masked cells are not;
lists of officials stay quiet."""
from __future__ import annotations

from functools import partial
from pathlib import Path

import pytest

from screening.columns import HEADER_HINTS
from screening.extract import extract_bytes
from screening.types import Category, PartKind
from screening.validators import gb11643_check_digit, luhn

from tests.tabledocs import table_csv, table_docx, table_html, table_pdf, table_xlsx

# Header words that no rule and no header hint contains: only the cells can decide.
VOCABULARY = ("名录", "证照", "传呼", "居所", "发放去向", "登入标识", "凭据", "次第")


def citizen_id(first17: str) -> str:
    return first17 + gb11643_check_digit(first17)


def card(prefix: str) -> str:
    return next(prefix + d for d in "0123456789" if luhn(prefix + d))


PEOPLE = [
    ("王建国", citizen_id("11010519491231002"), "13812345678", "溧城镇燕山新村12栋3单元301室", card("439225000000000")),
    ("欧阳娜娜", citizen_id("32048119800307251"), "13912345670", "石桥村三组25号", card("622202123456789")),
    ("李秀英", citizen_id("11010119900307123"), "15051234567", "南环路18号3幢2单元502室", card("622848040256489001")),
    ("赵桂兰", citizen_id("44030419851212002"), "18662345678", "张庄村5组12号", card("410062345678123")),
]
MAKERS = {"csv": table_csv, "docx": table_docx, "html": table_html, "pdf": table_pdf, "xlsx": table_xlsx,
          "pdf-gridless": partial(table_pdf, grid=False)}


def _file(stem: str, fmt: str) -> str:
    return f"{stem}.{fmt.partition('-')[0]}"


def first_row(fmt: str, before: list[str], with_header: bool = True) -> int:
    """The row the first listed person is on, as the reader of the file counts: a docx, html or PDF
    table counts its own rows; a csv's rows are the file's lines, so its title lines come first
    (an xlsx keeps the title on another sheet)."""
    return (len(before) if fmt == "csv" else 0) + (2 if with_header else 1)


def test_the_vocabulary_is_unknown_to_the_rules():
    rules = "".join(p.read_text("utf-8") for p in (Path(__file__).parents[2] / "rules").glob("*.toml"))
    hints = {w for words in HEADER_HINTS.values() for w in words}
    for word in VOCABULARY:
        assert word not in rules and not any(h in word for h in hints), word


def _screen(engine, data: bytes, name: str):
    return engine.screen(extract_bytes(data, name)).findings


def _cells(findings, category=Category.PERSONAL_INFO) -> dict[tuple[int, int], set[str]]:
    out: dict[tuple[int, int], set[str]] = {}
    for f in findings:
        if f.category is category and f.location.cell is not None:
            out.setdefault((f.location.cell.row, f.location.cell.column), set()).add(f.subtype or "")
    return out


@pytest.mark.parametrize("fmt", sorted(MAKERS))
@pytest.mark.parametrize("with_header", [True, False], ids=["unknown-header", "no-header"])
def test_every_personal_cell_is_found_with_row_and_column(engine, fmt, with_header):
    header = [["次第", "名录", "证照", "传呼", "居所", "发放去向"]] if with_header else []
    rows = header + [[str(i), *p] for i, p in enumerate(PEOPLE, 1)]
    before = ["2024年度困难群众临时救助情况"]
    found = _cells(_screen(engine, MAKERS[fmt](rows, before=before), _file("list", fmt)))
    first = first_row(fmt, before, with_header)
    for i in range(len(PEOPLE)):
        for column, subtype in zip(range(2, 7), ("name", "id_card", "phone", "address", "bank_card")):
            assert subtype in found.get((first + i, column), set()), (fmt, first + i, column, found)


@pytest.mark.parametrize("fmt", sorted(MAKERS))
def test_masked_cells_are_not_findings_and_a_mostly_masked_list_reports_exactly_the_few(engine, fmt):
    rows = [["名录", "证照", "传呼"],
            ["张*明", "110105********002X", "138****5678"],
            ["李某", "3204**********251X", "139****5670"],
            ["王某某", "110101********1233", "150****4567"],
            ["陈晓东", citizen_id("44030419851212002"), "186****5678"],
            ["刘**", "4403**********0029", "137****1234"]]
    findings = _screen(engine, MAKERS[fmt](rows), _file("masked", fmt))
    personal = [f for f in findings if f.category is Category.PERSONAL_INFO]
    assert sorted((f.text, f.location.cell.row, f.location.cell.column) for f in personal) == [
        (citizen_id("44030419851212002"), 5, 2), ("陈晓东", 5, 1)]


@pytest.mark.parametrize("fmt", sorted(MAKERS))
@pytest.mark.parametrize("with_header", [True, False], ids=["unknown-header", "no-header"])
def test_account_tables_each_password_cell_names_its_account(engine, fmt, with_header):
    accounts = [("城南街道", "cnjd001", "Cn@2016x"), ("城北街道", "cbjd002", "Kb#7731q"),
                ("南渡镇", "ndz003", "Nd9!pq2R"), ("社渚镇", "szz004", "Sz$4410w")]
    rows = ([["单位", "登入标识", "凭据"]] if with_header else []) + [list(a) for a in accounts]
    before = ["各单位信息报送系统开通情况"]
    findings = _screen(engine, MAKERS[fmt](rows, before=before), _file("accounts", fmt))
    creds = {f.text: f for f in findings if f.category is Category.CREDENTIAL and f.location.cell is not None}
    first = first_row(fmt, before, with_header)
    for i, (_, account, secret) in enumerate(accounts):
        assert secret in creds, (secret, sorted(creds))
        cell = creds[secret].location.cell
        assert (cell.row, cell.column) == (first + i, 3)
        assert account in creds[secret].message
    assert not any(account in creds for _, account, _ in accounts)


def test_digit_pins_beside_an_account_column_are_credentials(engine):
    rows = [["单位", "登入标识", "凭据"], ["城南", "cnjd001", "739184"], ["城北", "cbjd002", "205716"],
            ["南渡", "ndz003", "864203"]]
    creds = [f for f in _screen(engine, table_docx(rows), "pins.docx") if f.category is Category.CREDENTIAL]
    assert sorted(f.text for f in creds if f.location.cell) == ["205716", "739184", "864203"]


@pytest.mark.parametrize("fmt", sorted(MAKERS))
def test_official_notices_stay_quiet(engine, fmt):
    promotion = [["名录", "性别", "出生年月", "现任职务", "拟任职务"],
                 ["王建国", "男", "1975.03", "市水务局办公室主任", "市水务局副局长"],
                 ["李秀英", "女", "1980.07", "市财政局预算科科长", "市财政局副局长"]]
    honours = [["名录", "工作单位"], ["王建国", "市水务局"], ["李秀英", "市财政局"], ["赵桂兰", "城南街道办事处"]]
    for rows, title in ((promotion, "市管干部任前公示"), (honours, "关于表彰2024年度先进个人的决定")):
        findings = _screen(engine, MAKERS[fmt](rows, before=[title]), _file("official", fmt))
        assert not [f for f in findings if f.category is Category.PERSONAL_INFO], title


def test_product_and_place_columns_are_not_names(engine):
    rows = [["名录", "规格", "产地"], ["红星牌", "500克", "溧阳市"], ["金龙鱼", "5升", "南京市"],
            ["王老吉", "310毫升", "广州市"], ["城南街道", "", "常州市"]]
    findings = _screen(engine, table_docx(rows), "goods.docx")
    names = [f.text for f in findings if f.subtype == "name"]
    assert "红星牌" not in names and "城南街道" not in names and "溧阳市" not in names


# two grid-less columns are no table: a page set in two text columns looks the same
@pytest.mark.parametrize("fmt", sorted(set(MAKERS) - {"pdf-gridless"}))
def test_key_value_layout_in_two_cells(engine, fmt):
    rows = [["系统", "政务OA"], ["登入标识", "zwoa_admin"], ["密码", "Oa@2024!x"]]
    before = ["系统移交清单"]
    findings = _screen(engine, MAKERS[fmt](rows, before=before), _file("kv", fmt))
    creds = [f for f in findings if f.category is Category.CREDENTIAL and f.text == "Oa@2024!x"]
    assert creds and (creds[0].location.cell.row, creds[0].location.cell.column) == (first_row(fmt, before) + 1, 2)


@pytest.mark.parametrize("fmt", sorted(MAKERS))
def test_the_header_row_names_the_column_of_every_cell(engine, fmt):
    """A 公示's header row of plain cells (in html <td>, not <th>, as most pages write it) names
    each finding's column, in every format."""
    header = ["次第", "姓名", "身份证号", "联系电话"]
    rows = [header] + [[str(i), name, number, phone] for i, (name, number, phone, _, _) in enumerate(PEOPLE, 1)]
    before = ["2024年度困难群众临时救助情况"]
    findings = [f for f in _screen(engine, MAKERS[fmt](rows, before=before), _file("headed", fmt))
                if f.category is Category.PERSONAL_INFO and f.location.cell is not None]
    assert {f.subtype for f in findings} >= {"name", "id_card", "phone"}
    assert all(f.location.cell.header == header[f.location.cell.column - 1] for f in findings), fmt


def test_an_html_header_row_of_td_cells_reads_as_one_of_th_cells(engine):
    rows = [["姓名", "身份证号", "联系电话"]] + [[name, number, phone] for name, number, phone, _, _ in PEOPLE]

    def seen(**options):
        return sorted((f.rule, f.text, str(f.location.to_dict())) for f in _screen(engine, table_html(rows, **options),
                                                                                  "公示.html"))

    assert seen() == seen(th=True)
    assert any("身份证号" in where for _, _, where in seen())


def test_the_text_report_names_table_row_and_header(engine):
    from screening.report import to_text

    rows = [["次第", "名录", "证照"], ["1", "王建国", citizen_id("11010519491231002")],
            ["2", "李秀英", citizen_id("11010119900307123")]]
    report = engine.screen(extract_bytes(table_docx(rows), "list.docx"))
    text = to_text([report])
    assert "表1 第2行 名录" in text and "表1 第3行 证照" in text


def test_a_column_headed_password_reports_every_value_even_plain_ones(engine):
    rows = [["单位", "用户", "初始密码"], ["城南", "城南街道", "sunshine1"], ["城北", "城北街道", "qwerty88"],
            ["南渡", "南渡镇", "******"]]
    creds = [f for f in _screen(engine, table_docx(rows), "pw.docx") if f.category is Category.CREDENTIAL]
    assert sorted(f.text for f in creds if f.location.cell) == ["qwerty88", "sunshine1"]


@pytest.mark.parametrize("fmt", sorted(MAKERS))
def test_a_column_of_scopes_and_common_words_is_not_a_column_of_names(engine, fmt):
    """A 推广清单 whose last column says 全国 in nearly every row (全 is a surname), and a column of
    ordinary words that start with surnames (高度, 方案), are not lists of people."""
    rows = [("序号", "改革举措", "指导部门", "推广范围")]
    rows += [(str(i), f"第{i}项改革举措", "国家知识产权局", "全国" if i % 5 else "8个改革试验区域") for i in range(1, 16)]
    assert not _cells(_screen(engine, MAKERS[fmt](rows), _file("清单", fmt)))
    words = [("序号", "事项", "说明")] + [(str(i), w, "按规定办理") for i, w in
                                        enumerate(("高度", "方案", "安全", "程序", "金融", "方向"), 1)]
    assert not _cells(_screen(engine, MAKERS[fmt](words), _file("事项", fmt)))


def test_a_list_of_people_still_counts_a_name_that_is_also_a_word(engine):
    """高峰 is a word and a name: in a list of people it is a name like the others."""
    rows = [("序号", "名录")] + [(str(i), n) for i, n in enumerate(("王建国", "高峰", "李秀英", "赵桂兰", "陈志强"), 1)]
    found = _cells(_screen(engine, table_docx(rows), "名录.docx"))
    assert {row for row, _ in found} == {2, 3, 4, 5, 6}


def test_grid_less_columns_of_prose_are_no_table(engine):
    """Paragraphs, a numbered list and a page of short CJK lines printed without lines stay body."""
    paragraphs = ["根据《社会救助暂行办法》，经个人申请、村（居）委会评议、镇政府审核，现将有关情况公示如下。" * 3,
                  "1 加强组织领导 2 落实工作责任 3 强化督促检查", "王建国 同志 任 市水务局副局长",
                  "公示期为7天，如有异议请在公示期内向镇民政办反映。"]
    document = extract_bytes(table_pdf([["附件", "", ""]], before=paragraphs, grid=False), "说明.pdf")
    assert not [p for p in document.parts if p.kind is PartKind.TABLE]


def test_common_words_are_known_in_a_fresh_process():
    """The word check needs no earlier use of jieba (its dictionary is empty until loaded)."""
    import subprocess
    import sys

    code = "from screening.names import common_word; print(common_word('全国'), common_word('王建国'))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.stdout.split() == ["True", "False"], out.stderr
