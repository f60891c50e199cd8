"""Shared fixtures: where the optional shared corpus lives."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"

# The compiled-regex cache of the test run (and of the commands it starts) goes to a folder of
# its own, not to the user's cache.
os.environ["DOCCLEAN_CACHE_DIR"] = tempfile.mkdtemp(prefix="docclean-test-cache-")


@pytest.fixture
def shared() -> Path:
    """The shared examples/corpus folder beside the checkout; skips the test when absent."""
    if not SHARED.is_dir():
        pytest.skip("../shared is not present")
    return SHARED
