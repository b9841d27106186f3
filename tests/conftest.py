"""Shared test constants; the external-tool helpers live in `external.py` beside this file."""

from __future__ import annotations

from pathlib import Path

from external import in_ci, missing, require_executable, require_module, require_path

__all__ = ["in_ci", "missing", "require_executable", "require_module", "require_path"]

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
FIXTURES = SHARED / "fixtures" / "enki-docker"
SEEDS = SHARED / "seeds"
