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


def _tool():
    import importlib.util

    spec = importlib.util.spec_from_file_location("parameter_table", TOOL)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_parameter_objective_weight_and_policy_description_is_in_the_document():
    from wargame.policies import POLICY_DESCRIPTIONS
    from wargame.scenario import Objectives

    text = DOC.read_text(encoding="utf-8")
    for name in Parameters.model_fields:
        assert f"| `{name}` |" in text, f"parameter {name} is missing"
    objectives = text[text.index("#### Objectives (`[objectives]`)"):text.index("<!-- END GENERATED PARAMETERS -->")]
    for kind, field in Objectives.model_fields.items():
        assert f"`[objectives.{kind}]`" in objectives
        for name, weight in field.annotation.model_fields.items():
            unit = weight.json_schema_extra["unit"]
            assert f"| `{name}` | {_tool().fmt_value(weight.default)} | {unit} |" in objectives, (kind, name)
    for kind, policies in POLICY_DESCRIPTIONS.items():
        for name, sentence in policies.items():
            assert f"| `{name}` |" in text and sentence in text, (kind, name)


@pytest.mark.parametrize("kind, lever, seats", [
    ("lab", "distillation_effort", "PRC labs"), ("lab", "distillation_defence", "US labs"),
    ("lab", "safety_share", "every lab"), ("chipmaker", "yield_ramp", "domestic chain"),
    ("chipmaker", "compliant_downgraded", "accelerator designer"),
    ("chipmaker", "customer_checks", "accelerator designer, foundry, tool maker, memory maker"),
    ("us_government", "safety_dialogue", "the US government"),
])
def test_the_lever_tables_say_which_seats_each_lever_is_offered_to(kind, lever, seats):
    assert _tool().offered_to(kind, lever) == seats
    text = DOC.read_text(encoding="utf-8")
    section = text[text.index(f"#### {_tool().KIND_TITLES[kind]} ("):]
    row = next(line for line in section.splitlines() if line.startswith(f"| `{lever}` |"))
    assert f"| {seats} |" in row


def test_the_objectives_table_of_section_7_15_gives_the_weights_in_the_code():
    """Every default weight in docs/model.md §7.15 is the one in wargame.scenario.Objectives."""
    import re

    from wargame.scenario import Objectives

    kinds = {"US government": "us_government", "PRC government": "prc_government", "ally government":
             "ally_government", "lab": "lab", "chipmaker": "chipmaker", "smuggler": "smuggler",
             "overseas cloud": "overseas_cloud"}
    text = (Path(__file__).resolve().parents[1] / "docs" / "model.md").read_text(encoding="utf-8")
    section = text[text.index("### 7.15"):text.index("### 7.16")]
    objectives, kind, seen = Objectives(), None, 0
    for line in section.splitlines():
        match = re.match(r"\|\s*([^|]*?)\s*\|\s*`(\w+)`\s*\|.*\|\s*([0-9.]+)\s*\|$", line)
        if match:
            kind = kinds[match.group(1).strip()] if match.group(1).strip() else kind
            assert float(match.group(3)) == getattr(objectives.for_kind(kind), match.group(2)), line
            seen += 1
    assert seen == sum(len(type(objectives.for_kind(k)).model_fields) for k in kinds.values())
