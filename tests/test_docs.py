"""The model description cannot drift from the code: its generated tables must match, and every
parameter must carry a unit and a source."""

import subprocess
import sys
from pathlib import Path

import pytest

from wargame.decisions import DECISION_MODELS
from wargame.scenario import Outcome, Parameters

ROOT = Path(__file__).resolve().parents[1]
TOOL = ROOT / "tools" / "parameter_table.py"
DOC = ROOT / "docs" / "model.md"


def test_generated_tables_match_the_code():
    result = subprocess.run([sys.executable, str(TOOL), "--check", str(DOC)], capture_output=True, text=True,
                            cwd=ROOT, timeout=120)
    assert result.returncode == 0, (
        f"docs/model.md is stale; run 'python tools/parameter_table.py --write docs/model.md'\n"
        f"{result.stdout[-4000:]}\n{result.stderr[-2000:]}")


@pytest.mark.parametrize("model", [Parameters, Outcome])
def test_every_parameter_has_a_unit_and_a_source(model):
    for name, field in model.model_fields.items():
        extra = field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}
        assert str(extra.get("unit", "")).strip(), f"{model.__name__}.{name} has no unit"
        assert str(extra.get("source", "")).strip(), f"{model.__name__}.{name} has no source"
        assert (field.description or "").strip(), f"{model.__name__}.{name} has no description"


@pytest.mark.parametrize("kind", list(DECISION_MODELS))
def test_every_lever_has_a_unit_and_a_description(kind):
    for info in DECISION_MODELS[kind].lever_info():
        assert info["unit"].strip(), f"{kind}.{info['name']} has no unit"
        assert info["description"].strip(), f"{kind}.{info['name']} has no description"


def test_check_fails_on_a_stale_document(tmp_path):
    stale = tmp_path / "model.md"
    text = DOC.read_text(encoding="utf-8").replace("| `enmity` | index >= 0 |", "| `enmity` | furlongs |", 1)
    assert text != DOC.read_text(encoding="utf-8")
    stale.write_text(text, encoding="utf-8")
    result = subprocess.run([sys.executable, str(TOOL), "--check", str(stale)], capture_output=True, text=True,
                            cwd=ROOT, timeout=120)
    assert result.returncode == 1
    fixed = subprocess.run([sys.executable, str(TOOL), "--write", str(stale)], capture_output=True, text=True,
                           cwd=ROOT, timeout=120)
    assert fixed.returncode == 0
    assert stale.read_text(encoding="utf-8") == DOC.read_text(encoding="utf-8")


def test_check_reports_missing_markers(tmp_path):
    bare = tmp_path / "model.md"
    bare.write_text("# no tables here\n", encoding="utf-8")
    result = subprocess.run([sys.executable, str(TOOL), "--check", str(bare)], capture_output=True, text=True,
                            cwd=ROOT, timeout=120)
    assert result.returncode == 2
    assert "missing markers" in result.stderr
