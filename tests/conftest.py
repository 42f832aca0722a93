"""Shared fixtures: the tiny fictional dataset and copies of it to mutate."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MINI = ROOT / "tests" / "data" / "mini"
WESTPHALIA = ROOT / "tests" / "data" / "westphalia"
BUNDLED = ROOT / "datasets" / "russia-china-summits"
SHARED_SOURCES = ROOT.parent / "shared" / "sources"


@pytest.fixture
def mini_src() -> Path:
    """The committed mini dataset (do not modify it)."""
    return MINI


@pytest.fixture
def mini(tmp_path: Path) -> Path:
    """A private, built copy of the mini dataset to mutate freely."""
    target = tmp_path / "mini"
    shutil.copytree(MINI, target)
    return target


@pytest.fixture
def westphalia(tmp_path: Path) -> Path:
    """A private, built copy of the fixture from another field (declared terms, BCE dates,
    page locators, a parent event) to mutate freely."""
    target = tmp_path / "westphalia"
    shutil.copytree(WESTPHALIA, target)
    return target
