"""Detectors: pure objects that turn a Document (and its normalized views) into findings.

Registration is explicit: `default_detectors` lists them; nothing registers at import.
"""
from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Protocol

from screening.normalize import NormalizedView
from screening.types import Document, Finding


class Detector(Protocol):
    name: str

    def detect(self, doc: Document, views: Sequence[NormalizedView]) -> Iterator[Finding]: ...


def default_detectors(settings, ruleset) -> tuple[list[Detector], str]:
    """The detectors an engine runs, in order, and the model version ('none' without one)."""
    from screening.detectors.hidden import HiddenContentDetector
    from screening.detectors.rules import RuleDetector
    from screening.detectors.prose_names import ProseNameDetector
    from screening.detectors.tables import TableDetector

    detectors: list[Detector] = [RuleDetector(ruleset), TableDetector(), ProseNameDetector(), HiddenContentDetector()]
    if not settings.classifier:
        return detectors, "none"
    from screening.detectors.classifier import ClassifierDetector
    from screening.model.artifact import Paths
    from screening.model.predict import LazyModel

    model = LazyModel(Paths.default(settings.model_path))   # metadata checked now, weights mapped when needed
    detectors.append(ClassifierDetector(model))
    return detectors, model.version
