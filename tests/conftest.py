from __future__ import annotations

import pytest
from hypothesis import settings

# Speed is measured in benchmarks/, not asserted in tests: hypothesis' per-example deadline would
# fail a correct property on a busy machine (CI shares its cores), so the suite runs without it.
settings.register_profile("screening", deadline=None)
settings.load_profile("screening")


@pytest.fixture(scope="session")
def engine():
    from screening.engine import Settings, build_engine

    return build_engine(Settings(classifier=False))


@pytest.fixture(scope="session")
def full_engine():
    from screening.engine import build_engine

    return build_engine()
