"""The custom lexicon: a term is validated with its examples before it is saved, is applied to the
next screening (in every process: the engine follows the database's revision), and can be retired."""
from __future__ import annotations

import pytest

from screening.review import lexicon
from screening.review.errors import Forbidden
from screening.pipeline import screen_text

GOOD = dict(term="天河工程", category="work_secret", severity="medium", message="出现本单位内部项目代号",
            suggestion="删除代号，或改用公开名称", hits="推进天河工程建设\n天河工程进度通报",
            misses="银河系的星星", allow="")


def entry(**changes) -> lexicon.TermInput:
    return lexicon.TermInput.of(**{**GOOD, **changes})


def test_a_good_term_passes_with_its_examples_marked():
    checked = lexicon.check_term(entry())
    assert checked.hits == ("推进⟦天河工程⟧建设", "⟦天河工程⟧进度通报")
    assert checked.rule.id == "work.lexicon_new" and checked.rule.keywords == ("天河工程",)


@pytest.mark.parametrize("changes,field,words", [
    ({"term": "天"}, "term", "长度"),
    ({"term": "1234"}, "term", "纯数字"),
    ({"term": "天河 工程"}, "term", "空白"),
    ({"category": "hidden"}, "category", "类别"),
    ({"severity": "urgent"}, "severity", "风险等级"),
    ({"hits": ""}, "hits", "至少填写一个应当标记"),
    ({"misses": ""}, "misses", "至少填写一个不应标记"),
    ({"hits": "没有这个词"}, "hits", "没有出现"),
    ({"misses": "天河工程的介绍"}, "misses", "被标记了"),
    ({"message": "internal code", "suggestion": "remove it"}, "message", "中文"),
], ids=["short", "digits", "space", "category", "severity", "no-hit", "no-miss", "hit-without-term",
        "miss-flagged", "english"])
def test_bad_terms_are_refused_before_saving(changes, field, words):
    with pytest.raises(lexicon.TermProblems) as refused:
        lexicon.check_term(entry(**changes))
    assert field in refused.value.fields and words in str(refused.value)


def test_an_allowed_context_rescues_a_miss():
    checked = lexicon.check_term(entry(misses="天河工程学院招生简章", allow="天河工程学院"))
    assert checked.rule.allow is not None


def test_a_duplicate_term_is_refused():
    with pytest.raises(lexicon.TermProblems, match="已有"):
        lexicon.check_term(entry(), existing=["天河工程"])


def test_a_term_applies_to_the_next_screening_and_retires(svc, people, engine):
    screener = lexicon.LexiconScreener(engine, svc.db)
    text = "今年继续推进天河工程建设。"
    assert not [f for f in screener.screen(_doc(text)).findings if "lexicon" in f.rule]
    info, _ = lexicon.add_term(svc.db, people["sun"], entry())
    found = [f for f in screener.screen(_doc(text)).findings if f.rule == info.rule_id]
    assert [f.text for f in found] == ["天河工程"] and found[0].message == GOOD["message"]
    assert screener.versions["rules"] != engine.versions["rules"]
    lexicon.retire_term(svc.db, people["sun"], info.id)
    assert not [f for f in screener.screen(_doc(text)).findings if f.rule == info.rule_id]


def test_only_a_secrecy_officer_adds_terms(svc, people):
    with pytest.raises(Forbidden):
        lexicon.add_term(svc.db, people["wang"], entry())


def test_the_audit_trail_records_lexicon_changes(svc, people):
    info, _ = lexicon.add_term(svc.db, people["sun"], entry())
    lexicon.retire_term(svc.db, people["sun"], info.id)
    with svc.db.read() as s:
        import sqlalchemy as sa

        from screening.review.models import AuditEvent
        actions = s.execute(sa.select(AuditEvent.action).order_by(AuditEvent.id)).scalars().all()
    assert actions[-2:] == ["lexicon.add", "lexicon.retire"]


def test_the_officer_adds_a_term_in_the_ui_and_cases_use_it(as_user, svc, people):
    sun = as_user("sun")
    sun.get("/officer/rules")
    refused = sun.post("/officer/lexicon", {**GOOD, "misses": "天河工程的介绍"})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 400 and "未保存" in html and "被标记了" in html
    assert 'value="天河工程"' in html                                # the form keeps what was typed
    saved = sun.post("/officer/lexicon", GOOD, follow_redirects=True)
    assert "已加入词库" in saved.get_data(as_text=True)
    rules = sun.get("/officer/rules").get_data(as_text=True)
    assert "work.lexicon_1" in rules and "推进" in rules
    upload = svc.open_case(people["zhang"], title="进度", data="天河工程进度通报".encode(), filename="a.txt")
    assert [f["rule"] for f in svc.case_view(upload.case_id)["findings"]] == ["work.lexicon_1"]
    tried = sun.post("/officer/try", {"text": "关于天河工程的通知"}).get_data(as_text=True)
    assert "天河工程</mark>" in tried


def test_the_api_screens_with_the_lexicon_too(app, as_user, svc, people):
    from screening.review import accounts

    lexicon.add_term(svc.db, people["sun"], entry())
    key = accounts.create_api_key(svc.db, "cms", "screen").secret
    client = app.test_client()
    as_user("zhang").get("/todo")                                      # any UI request wraps the engine
    r = client.post("/api/v1/screen", json={"name": "a.txt", "text": "天河工程进度"},
                    headers={"Authorization": f"Bearer {key}"})
    assert r.status_code == 200, r.get_json()
    assert [f["rule"] for f in r.get_json()["findings"]] == ["work.lexicon_1"]


def _doc(text: str):
    from screening.pipeline import text_document

    return text_document(text)


def test_rule_examples_of_every_shipped_rule_are_listed(as_user, engine):
    html = as_user("sun").get("/officer/rules").get_data(as_text=True)
    for rule in engine.ruleset.rules:
        assert f'id="rule-{rule.id}"' in html
    assert html.count('class="ex hit"') >= len(engine.ruleset.rules)
    assert screen_text("无", engine=engine).findings == ()
