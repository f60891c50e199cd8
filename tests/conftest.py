"""Shared fixtures: where the optional shared corpus lives."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


@pytest.fixture
def shared() -> Path:
    """The shared examples/corpus folder beside the checkout; skips the test when absent."""
    if not SHARED.is_dir():
        pytest.skip("../shared is not present")
    return SHARED
