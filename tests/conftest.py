from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def engine():
    from screening.engine import Settings, build_engine

    return build_engine(Settings(classifier=False))


@pytest.fixture(scope="session")
def full_engine():
    from screening.engine import build_engine

    return build_engine()
