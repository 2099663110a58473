"""The classifier's feature pipeline. Kept importable (module-level functions, no lambdas)
because a fitted Pipeline is pickled with references to these names."""
from __future__ import annotations

import re

from screening.model.labels import LABELS, SENSITIVE  # noqa: F401  (re-exported for pickles)
from screening.normalize import fold

_DIGITS = re.compile(r"\d")
_SPACE = re.compile(r"\s+")


def prepare(text: str) -> str:
    """Width/script folding, digits collapsed to 0 (the model learns shapes, not numbers)."""
    return _SPACE.sub(" ", _DIGITS.sub("0", fold(text))).strip()


def _jieba():
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    return jieba


def words(text: str) -> list[str]:
    """jieba tokens without whitespace and punctuation-only tokens."""
    return [w for w in _jieba().lcut(text) if w.strip() and not _PUNCT.fullmatch(w)]


_PUNCT = re.compile(r"[\W_]+")


def build_pipeline(random_state: int = 0, C: float = 0.3):
    """Char 1–3-grams + jieba word 1–2-grams (TF-IDF) → class-balanced linear SVM, sigmoid-calibrated."""
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import FeatureUnion, Pipeline
    from sklearn.svm import LinearSVC

    features = FeatureUnion([
        ("chars", TfidfVectorizer(analyzer="char", ngram_range=(1, 3), min_df=2, sublinear_tf=True,
                                  preprocessor=prepare, max_features=200_000)),
        ("words", TfidfVectorizer(tokenizer=words, preprocessor=prepare, token_pattern=None, lowercase=False,
                                  ngram_range=(1, 2), min_df=2, sublinear_tf=True, max_features=100_000)),
    ])
    model = CalibratedClassifierCV(
        LinearSVC(C=C, class_weight="balanced", random_state=random_state),
        method="sigmoid", cv=5)
    return Pipeline([("features", features), ("model", model)])


def feature_names(pipeline) -> list[str]:
    names = []
    for name, vectorizer in pipeline.named_steps["features"].transformer_list:
        names.extend(vectorizer.get_feature_names_out())
    return names


def mean_coefficients(pipeline):
    """Coefficients of the calibrated ensemble's base models, averaged: (n_classes, n_features)."""
    import numpy as np

    model = pipeline.named_steps["model"]
    return np.mean([c.estimator.coef_ for c in model.calibrated_classifiers_], axis=0)
