"""The self-check with several files: each one gets its row (verdict and findings, or why it could
not be read), nothing is kept, a marked file is reported and not shown, and a case is still opened
one file at a time (一事一审)."""
from __future__ import annotations

import io

import sqlalchemy as sa
from docgen import make_docx

from screening.review.models import Case, Notification
from tests.ui.conftest import ID_DRAFT, MARKED

CLEAN = "关于开展义务植树活动的通知\n各科室：定于3月12日上午开展义务植树活动，请按时参加。\n"


def files(*named):
    return [(io.BytesIO(data), name) for name, data in named]


BATCH = (
    ("表彰通报.docx", make_docx(paragraphs=ID_DRAFT.splitlines())),
    ("植树通知.txt", CLEAN.encode("utf-8")),
    ("损坏.docx", b"PK\x03\x04 not really a zip"),
    ("内部.txt", MARKED.encode("utf-8")),
)


def post(browser, named, mode="check"):
    browser.get("/selfcheck")
    return browser.post("/selfcheck", {"file": files(*named), "mode": mode}, content_type="multipart/form-data")


def cases(svc) -> int:
    with svc.db.read() as s:
        return s.execute(sa.select(sa.func.count(Case.id))).scalar_one()


def test_every_file_gets_its_row_and_nothing_is_kept(as_user, svc, people):
    zhang = as_user("zhang")
    before = cases(svc)
    response = post(zhang, BATCH)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "批量检查结果（未保存）" in html
    assert "共 4 个文件" in html and "无法审查 1" in html
    names = [name for name, _ in BATCH]
    assert [html.index(n) for n in names] == sorted(html.index(n) for n in names)   # in the order chosen
    assert "11010519491231002X" in html and "身份证" in html                          # the finding, in words
    assert "File is not a zip file" not in html.split("技术细节")[0]                  # plain Chinese first
    assert "含密级标志" in html and "关于某项工作的内部通报" not in html                # the marked file: not shown
    assert "pii." not in html and "art1" not in html
    assert cases(svc) == before
    with svc.db.read() as s:
        told = s.execute(sa.select(Notification.kind).where(Notification.user_id == people["sun"])).scalars().all()
    assert told == ["quarantine"]


def test_a_case_is_opened_one_file_at_a_time(as_user, svc):
    zhang = as_user("zhang")
    before = cases(svc)
    response = post(zhang, BATCH[:2], mode="case")
    assert response.status_code == 302                       # back to the form, with the reason
    html = zhang.get(response.headers["Location"]).get_data(as_text=True)
    assert "一事一审" in html and "仅检查" in html
    assert cases(svc) == before


def test_a_batch_has_a_most_files_setting(app, as_user):
    app.config["BATCH_MAX_FILES"] = 2
    zhang = as_user("zhang")
    response = post(zhang, BATCH[:3])
    assert response.status_code == 302
    assert "一次最多检查 2 个文件" in zhang.get(response.headers["Location"]).get_data(as_text=True)
