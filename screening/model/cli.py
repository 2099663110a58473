"""`screening train`: rebuild the classifier (deterministic), optionally with reviewer feedback."""
from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

from screening.model.corpus import Passage
from screening.model.labels import LABELS

KEY_CLASSES = ("state_secret", "work_secret")
TOLERANCE = 0.01   # a fixed test split of a few hundred passages moves by this much on noise alone


def feedback_rows(source: str) -> list[dict]:
    """From a JSONL file (text, label), or "db": the review database's officer decisions."""
    if source == "db":
        from screening.review.config import ReviewConfig
        from screening.review.db import Database
        from screening.review.feedback import classifier_feedback
        from screening.review.models import FINDINGS_PURPOSE, use_sealer
        from screening.review.sealing import Sealer

        config = ReviewConfig.from_env()
        db = Database.from_url(config.database_url)
        use_sealer(db.engine, Sealer(config.storage_key(), FINDINGS_PURPOSE))
        try:
            return classifier_feedback(db)
        finally:
            db.dispose()
    lines = Path(source).read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def to_passages(rows: list[dict]) -> list[Passage]:
    passages = []
    for row in rows:
        if row["label"] not in LABELS:
            raise ValueError(f"unknown label {row['label']!r} in the feedback")
        passages.append(Passage(row["text"], row["label"], row.get("doc", "feedback"), "feedback", "feedback", "train"))
    return passages


def _key_f1(meta: dict) -> float:
    return sum(meta["test"]["per_class"][c]["f1"] for c in KEY_CLASSES) / len(KEY_CLASSES)


def cmd_train(args) -> int:
    from screening.model.artifact import Paths
    from screening.model.training import train, up_to_date

    paths = Paths.default(Path(args.models) if args.models else None)
    if args.if_changed and not args.with_feedback and up_to_date(paths):
        print("分类模型已是最新（语料与代码未变化），跳过训练。")
        return 0
    if args.select:
        from screening.model.training import select

        print("按来源文档分组交叉验证比较模型选择：")
        rows = select(paths)
        for row in rows:
            print(f"  {'*' if row['chosen'] else ' '} {row['config']:24s} macro-F1={row['macro_f1']:.3f}")
        selection = paths.card.with_name("selection.json")   # tracked: the model card quotes it
        selection.write_text(json.dumps(rows, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        return 0
    print(f"正在训练分类模型（约{_estimate(paths)}秒）……", flush=True)
    if not args.with_feedback:
        meta = train(paths, cv=not args.no_cv)
        print(_summary(meta))
        return 0
    feedback = to_passages(feedback_rows(args.with_feedback))
    if not feedback:
        print("没有可用的复核反馈（保密办确认或驳回的模型发现），模型未改动。")
        return 0
    old = json.loads(paths.metadata.read_text(encoding="utf-8")) if paths.metadata.exists() else None
    with tempfile.TemporaryDirectory() as tmp:
        candidate = Paths.beside(paths.data, Path(tmp))
        meta = train(candidate, feedback=feedback, cv=not args.no_cv)
        if old is not None and paths.weights.exists() and _key_f1(meta) < _key_f1(old) - TOLERANCE:
            print(f"新模型在固定测试集上更差（F1 {_key_f1(meta):.3f} < {_key_f1(old):.3f}），保留原模型。")
            return 1
        for src, dst in zip(candidate.artifacts, paths.artifacts):
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, dst)
    print(f"已加入 {len(feedback)} 条复核反馈并替换模型。\n" + _summary(meta))
    return 0


def _estimate(paths) -> int:
    """Seconds the last training took here, else a guess from the corpus size."""
    try:
        return max(1, round(json.loads(paths.metadata.read_text(encoding="utf-8"))["train_seconds"]))
    except (OSError, ValueError, KeyError):
        size = sum(p.stat().st_size for p in paths.data.glob("*.jsonl"))
        return max(5, round(size / 40_000))


def _summary(meta: dict) -> str:
    rows = [f"训练完成（{meta['train_seconds']} 秒）。测试集："]
    for label in LABELS:
        m = meta["test"]["per_class"][label]
        rows.append(f"  {label:17s} P={m['precision']:.3f} R={m['recall']:.3f} F1={m['f1']:.3f} n={m['support']}")
    return "\n".join(rows)


def register(sub) -> None:
    parser = sub.add_parser("train", help="训练敏感段落分类模型")
    parser.add_argument("--if-changed", action="store_true", help="语料和代码未变化时跳过")
    parser.add_argument("--with-feedback", metavar="FILE", nargs="?", const="db",
                        help="加入复核反馈：默认读取审查数据库中保密办确认/驳回的模型发现，或给出 JSONL 文件（text, label）")
    parser.add_argument("--models", metavar="DIR", help="模型目录（默认：项目的 models/）")
    parser.add_argument("--no-cv", action="store_true", help="不做交叉验证（更快；阈值取默认值）")
    parser.add_argument("--select", action="store_true", help="只比较候选模型（分组交叉验证），不写模型")
    parser.set_defaults(func=cmd_train)
