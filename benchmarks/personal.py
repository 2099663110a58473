"""Personal data and credentials: recall and precision on generated documents, false positives on
the shared published corpora.

    .venv/bin/python benchmarks/personal.py        # also run by `make bench`

- tabular recall: generated 公示 lists (docx and PDF) with header words the rules do not know, or
  no header; a share of the cells masked; every unmasked name/ID/phone/card/address cell is gold;
- prose names: generated sentences naming private persons (gold) and officials in office
  (negatives), the product beside plain jieba.posseg (every nr/nrfg/nrt token a name);
- credentials: generated config, code and shell lines with one secret each, the product beside
  detect-secrets 1.5.0 when benchmarks/.venv-detect-secrets holds it (a benchmark-only venv:
  `python3 -m venv benchmarks/.venv-detect-secrets && benchmarks/.venv-detect-secrets/bin/pip
  install detect-secrets==1.5.0`);
- false positives: name, credential and personal_info (medium+) findings per document on
  ../shared/corpus/public and ../shared/corpus/portal (read in place; skipped when absent).
"""
from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("SCREENING_SHARED", ROOT.parent / "shared")) / "corpus"   # read in place
DETECT_SECRETS = ROOT / "benchmarks" / ".venv-detect-secrets" / "bin" / "detect-secrets"
sys.path.insert(0, str(ROOT))

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蔡蒋余杜叶程"
COMPOUND = ("欧阳", "司马", "上官", "诸葛", "东方")
GIVEN = "建国秀英桂兰明华伟芳娜敏静丽强磊军洋勇艳杰娟涛超霞平刚玉兰红梅晓东海燕志鹏春林文斌宇浩凯佳欣怡子涵雨萱"
HEADERS = (("次第", "名录", "证照", "传呼", "居所", "发放去向"), ("编次", "人丁", "凭照号", "讯号", "栖址", "拨付渠道"), None)
PLACES = ("溧城镇燕山新村{a}栋{b}单元{c}室", "南环路{a}号{b}幢{c}室", "石桥村{k}组{a}号", "庆丰村{k}组{b}号")


def name(rng: random.Random) -> str:
    surname = rng.choice(COMPOUND) if rng.random() < 0.1 else rng.choice(SURNAMES)
    return surname + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))


def citizen_id(rng: random.Random) -> str:
    from screening.validators import gb11643_check_digit

    first = f"{rng.choice(['110105', '320481', '440304', '510104'])}{rng.randint(1950, 2005)}" \
            f"{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{rng.randint(0, 999):03d}"
    return first + gb11643_check_digit(first)


def card(rng: random.Random) -> str:
    from screening.validators import luhn

    body = rng.choice(("622202", "622848", "436742", "621700")) + "".join(str(rng.randint(0, 9)) for _ in range(9))
    return next(body + d for d in "0123456789" if luhn(body + d))


def person(rng: random.Random) -> list[tuple[str, str]]:
    place = rng.choice(PLACES).format(a=rng.randint(1, 99), b=rng.randint(1, 9), c=rng.randint(101, 1808),
                                      k=rng.choice("一二三四五六七八"))
    phone = f"{rng.choice(['138', '139', '150', '158', '186', '189'])}{rng.randint(10_000_000, 99_999_999)}"
    return [("name", name(rng)), ("id_card", citizen_id(rng)), ("phone", phone), ("address", place),
            ("bank_card", card(rng))]


def masked(subtype: str, value: str) -> str:
    return {"name": value[0] + "*" + value[-1] if len(value) > 2 else value[0] + "某",
            "id_card": value[:6] + "********" + value[-4:], "phone": value[:3] + "****" + value[-4:],
            "address": value[:3] + "****", "bank_card": value[:4] + " **** **** " + value[-4:]}[subtype]


def tabular(engine, rng: random.Random, lists: int = 24) -> dict:
    from screening.extract import extract_bytes
    from tests.tabledocs import table_docx, table_pdf

    gold = found = reported = correct = 0
    for i in range(lists):
        header = HEADERS[i % len(HEADERS)]
        share = rng.choice((0.0, 0.3, 0.8))
        rows, expected = [], set()
        for r in range(rng.randint(4, 12)):
            cells = []
            for column, (subtype, value) in enumerate(person(rng), 2):
                hide = rng.random() < share
                cells.append(masked(subtype, value) if hide else value)
                if not hide:
                    expected.add((r + (2 if header else 1), column, subtype))
            rows.append([str(r + 1), *cells])
        rows = ([list(header)] if header else []) + rows
        maker, fmt = (table_pdf, "pdf") if i % 4 == 3 else (table_docx, "docx")
        findings = engine.screen(extract_bytes(maker(rows, before=["困难群众救助情况公示"]), f"l.{fmt}")).findings
        got = {(f.location.cell.row, f.location.cell.column, f.subtype) for f in findings
               if f.category == "personal_info" and f.location.cell is not None}
        gold += len(expected)
        found += len(expected & got)
        reported += len(got)
        correct += len(got & expected)
    return {"lists": lists, "cells": gold, "recall": found / gold, "precision": correct / max(1, reported)}


PRIVATE_TEMPLATES = ("村民{n}驾驶摩托车在乡道上与一辆货车相撞。", "被告人{n}，男，1985年3月出生，住溧阳市溧城镇。",
                     "患者{n}，女，45岁，因胸闷入院。", "当晚其妻{n}赶到现场。", "信访人{n}反映其子被拖欠工资。",
                     "受害人{n}，女，1962年出生。", "户主{n}家中共有4人，均无固定收入。", "{n}之子在实验小学就读。",
                     "经查，低保户{n}家住石桥村三组。", "犯罪嫌疑人{n}于3月5日被刑事拘留。")
OFFICIAL_TEMPLATES = ("局长{n}主持会议并讲话。", "{n}同志任市水务局副局长。", "法定代表人{n}，男，1970年出生。",
                      "副市长{n}出席开幕式。", "经研究，决定对{n}等10名同志予以表彰。", "市委书记{n}到城南街道调研。",
                      "任前公示：{n}，男，1975年出生，拟任市财政局副局长。", "会议由{n}主任主持。")


def prose(engine, rng: random.Random, sentences: int = 400) -> dict:
    import jieba.posseg

    from screening.pipeline import text_document

    ours = {"tp": 0, "fp": 0, "fn": 0}
    tagger = {"tp": 0, "fp": 0, "fn": 0}
    for _ in range(sentences):
        private = rng.random() < 0.6
        who = name(rng)
        text = rng.choice(PRIVATE_TEMPLATES if private else OFFICIAL_TEMPLATES).format(n=who)
        mine = {f.text for f in engine.screen(text_document(text)).findings if f.subtype == "name"}
        theirs = {w for w, flag in jieba.posseg.cut(text) if flag in ("nr", "nrfg", "nrt")}
        for found, score in ((mine, ours), (theirs, tagger)):
            hit = who in found
            score["tp"] += hit and private
            score["fn"] += private and not hit
            score["fp"] += len(found - ({who} if private else set()))
    def summary(s):
        return {"recall": s["tp"] / max(1, s["tp"] + s["fn"]), "precision": s["tp"] / max(1, s["tp"] + s["fp"])}
    return {"sentences": sentences, "ours": summary(ours), "jieba": summary(tagger)}


def secret(rng: random.Random, length: int = 12) -> str:
    alphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(rng.choice(alphabet) for _ in range(length - 2)) + rng.choice("#@!%") + rng.choice("23456789")


CREDENTIAL_FILES = (
    ("app.env", "DB_HOST=10.1.2.3\nDB_PASSWORD={s}\n"), ("config.json", '{{"user": "admin", "pass": "{s}"}}\n'),
    ("wp-config.php", "<?php\ndefine('DB_PASSWORD', '{s}');\n"), ("settings.py", "DEBUG = False\nSECRET_KEY = '{s}'\n"),
    ("irc.sh", "export IRC_PASS={s}\n"), ("db.properties", "spring.datasource.password={s}\n"),
    ("sync.sh", "rsync -a ftp://admin:{s}@files.example.cn/data ./\n"), ("aliyun.yaml", "AccessKeySecret: {s}\n"),
    ("web.config", '<add name="oa" connectionString="Server=db01;Uid=sa;Pwd={s};" />\n'),
    ("notice.txt", "各乡镇账号已开通，初始密码统一为{s}，请登录后修改。\n"), ("mail.txt", "SMTP授权码：{s}\n"),
    ("wifi.txt", "会议室WiFi：gov-meeting 密码 {s}\n"), ("ds.xml", "<password>{s}</password>\n"),
    ("accounts.txt", "城南街道：账号 cnjd001 密码 {s}\n"),
)


def credentials(engine, rng: random.Random, rounds: int = 6) -> dict:
    from screening.pipeline import text_document

    ours, cases = 0, []
    with tempfile.TemporaryDirectory() as tmp:
        for r in range(rounds):
            for filename, template in CREDENTIAL_FILES:
                value = secret(rng, 10 + r)
                text = template.format(s=value)
                findings = engine.screen(text_document(text, filename)).findings
                ours += any(f.category == "credential" and (f.text in value or value in f.text) for f in findings)
                path = Path(tmp) / f"{r}_{filename}"
                path.write_text(text, encoding="utf-8")
                cases.append((path.name, next(i for i, ln in enumerate(text.splitlines(), 1) if value in ln)))
        theirs = None
        if DETECT_SECRETS.exists():
            out = subprocess.run([str(DETECT_SECRETS), "scan", "--all-files", "."], capture_output=True, text=True,
                                 check=False, cwd=tmp)
            results = json.loads(out.stdout or "{}").get("results", {})
            theirs = sum(any(item["line_number"] == line for item in results.get(name, ())) for name, line in cases)
    return {"lines": len(cases), "ours": ours / len(cases),
            "detect_secrets": theirs / len(cases) if theirs is not None else None}


def corpora(engine) -> list[tuple[str, int, float, float, float]]:
    from screening.pipeline import screen_path

    out = []
    for label, folder, pattern in (("public", "public", "*.txt"), ("portal (article text)", "portal", "*.txt"),
                                   ("portal (page HTML)", "portal", "*.html")):
        files = sorted((SHARED / folder).glob(pattern))
        if not files:
            continue
        names = creds = personal = 0
        for path in files:
            for f in screen_path(path, engine=engine, isolated=False).findings:
                names += f.subtype == "name"
                creds += f.category == "credential"
                personal += f.category == "personal_info" and f.severity in ("high", "medium")
        n = len(files)
        out.append((label, n, names / n, creds / n, personal / n))
    return out


def main() -> None:
    from screening.engine import Settings, build_engine

    engine = build_engine(Settings(classifier=False))
    rng = random.Random(17)
    started = time.perf_counter()
    table = tabular(engine, rng)
    names = prose(engine, rng)
    creds = credentials(engine, rng)
    fps = corpora(engine)
    print("## Personal data and credentials\n")
    print("| what | figure |\n|---|---|")
    print(f"| tabular recall ({table['lists']} generated lists, docx and PDF, unknown or no header, "
          f"{table['cells']} unmasked cells) | {table['recall']:.3f} (precision {table['precision']:.3f}) |")
    print(f"| prose names, this product: recall / precision ({names['sentences']} generated sentences) | "
          f"{names['ours']['recall']:.3f} / {names['ours']['precision']:.3f} |")
    print(f"| prose names, plain jieba.posseg (nr): recall / precision (same sentences) | "
          f"{names['jieba']['recall']:.3f} / {names['jieba']['precision']:.3f} |")
    ds = f"{creds['detect_secrets']:.3f}" if creds["detect_secrets"] is not None else "not installed"
    print(f"| credential recall, this product / detect-secrets 1.5.0 ({creds['lines']} generated lines) | "
          f"{creds['ours']:.3f} / {ds} |")
    for label, n, names_rate, creds_rate, personal_rate in fps:
        print(f"| {label} ({n} documents): name / credential / personal_info medium+ findings per document | "
              f"{names_rate:.3f} / {creds_rate:.3f} / {personal_rate:.3f} |")
    if not fps:
        print("| false positives on the shared corpora | ../shared absent |")
    print(f"\n({time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
