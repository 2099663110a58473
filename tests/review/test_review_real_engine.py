"""The review service with the real extraction (`extract_isolated`) and the real engine
(`build_engine`): what the rule ids, fingerprints and versions really look like."""
from __future__ import annotations

import pytest

from screening.review.deadlines import WorkCalendar
from screening.review.service import ReviewService
from review_helpers import sha

V1 = ("关于表彰张三同志的决定\n"
      "张三，公民身份号码11010519491231002X，联系电话13812345678。\n"
      "经研究，决定予以表彰。\n")
V2 = ("关于表彰张三同志的决定\n"
      "张三同志，联系电话13812345678。\n"
      "经研究，决定予以表彰。\n")
MARKED = "机密★1年\n关于XQ-5590型设备部署情况的通报\n"


@pytest.fixture(scope="module")
def real_engine():
    from screening.engine import Settings, build_engine
    return build_engine(Settings(classifier=False))


@pytest.fixture
def real(database, store, clock, notifier, real_engine) -> ReviewService:
    # extract=None: the service uses screening.extract.extract_isolated
    return ReviewService(database, real_engine, store, calendar=WorkCalendar(include_package=False),
                         notifier=notifier, clock=clock)


def test_real_upload_fix_and_clearance(real, org, real_engine):
    up = real.open_case(org.drafter, title="表彰决定", data=V1.encode(), filename="决定.txt")
    assert up.report.verdict == "block"
    view = real.case_view(up.case_id)
    by_rule = {f["rule"]: f for f in view["findings"]}
    assert by_rule["pii.id_card"]["text"] == "11010519491231002X"
    assert by_rule["pii.id_card"]["basis"] == "art15"
    screening = view["versions"][0]["screening"]
    assert {k: screening[k] for k in ("engine", "rules", "model")} == dict(real_engine.versions)

    mobile = next(f for f in view["findings"] if f["text"] == "13812345678")
    real.dispose(org.drafter, up.case_id, mobile["id"], action="dismissed", reason="单位对外公布的值班电话")
    up2 = real.add_version(org.drafter, up.case_id, data=V2.encode(), filename="决定-修改.txt")
    assert up2.fixed >= 1 and up2.carried_over >= 1
    now = {f["text"]: f for f in real.case_view(up.case_id)["findings"]}
    assert "11010519491231002X" not in now
    assert now["13812345678"]["disposition"]["action"] == "dismissed"

    for f in real.case_view(up.case_id)["findings"]:     # settle whatever else the rules flag
        if f["disposition"] is None and f["severity"] == "high":
            real.dispose(org.drafter, up.case_id, f["id"], action="dismissed", reason="经核实不敏感")
    real.sign(org.drafter, up.case_id, stage="drafter", decision="approve")
    real.sign(org.head, up.case_id, stage="head", decision="approve")
    real.sign(org.leader, up.case_id, stage="leader", decision="approve")
    assert real.clearance(sha(V2)).publishable
    assert not real.clearance(sha(V1)).publishable


def test_real_classification_marking_is_quarantined(real, org, tmp_path, database):
    up = real.open_case(org.drafter, title="通报", data=MARKED.encode(), filename="通报.txt")
    assert up.quarantined and up.stage == "quarantined"
    assert any(m["rule"].startswith("marking.classification") for m in up.markings)
    needle = "XQ-5590".encode()
    assert not [p for p in tmp_path.rglob("*") if p.is_file() and needle in p.read_bytes()]
    with database.read() as s:
        from screening.review.models import Base
        import sqlalchemy as sa
        for table in Base.metadata.sorted_tables:
            assert not [r for r in s.execute(sa.select(table)) if "XQ-5590" in repr(tuple(r))]


def docx_bytes(*paragraphs: str) -> bytes:
    import io

    import docx
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_real_docx_upload(real, org, tmp_path):
    data = docx_bytes("关于表彰张三同志的决定", "张三，公民身份号码11010519491231002X。")
    up = real.open_case(org.drafter, title="表彰决定", data=data, filename="决定.docx")
    version = real.case_view(up.case_id)["versions"][0]
    assert (version["format"], version["filename"], version["size"]) == ("docx", "决定.docx", len(data))
    assert "11010519491231002X" in [f["text"] for f in real.case_view(up.case_id)["findings"]]
    assert real.get_file(up.case_id)[1] == data

    marked = docx_bytes("机密★1年", "关于设备部署的通报")
    up2 = real.open_case(org.drafter, title="通报", data=marked, filename="通报.docx")
    assert up2.quarantined
    stored = [p.name for p in (tmp_path / "instance" / "files").rglob("*") if p.is_file()]
    assert stored == [sha_bytes(data)]      # only the first, unmarked file


def sha_bytes(data: bytes) -> str:
    import hashlib
    return hashlib.sha256(data).hexdigest()
