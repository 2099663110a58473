"""Where the shared data lives (read in place, never copied) and how a test skips without it."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("SCREENING_SHARED", ROOT.parent / "shared"))   # a worktree elsewhere names it
SEEDS = SHARED / "seeds"
PUBLIC_CORPUS = SHARED / "corpus" / "public"


def require_shared(path: Path) -> Path:
    """Data under ../shared is read in place; without it the test is skipped with the reason."""
    if not path.exists():
        pytest.skip(f"{path} is absent: the shared data set is read in place and not shipped with the project")
    return path
