"""tools/tornado_chart.py: perturbation rule, Wilson intervals, the printed table and the --write splice."""

from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from wargame.scenario import Parameters

ROOT = Path(__file__).resolve().parents[1]
TOOL = ROOT / "tools" / "tornado_chart.py"
ONLY = ("diffusion_share_per_quarter", "incident_pause_quarters", "open_weights_hazard_multiplier")
SEEDS = 6


def _load_tool():
    spec = importlib.util.spec_from_file_location("tornado_tool", TOOL)
    module = importlib.util.module_from_spec(spec)
    sys.modules["tornado_tool"] = module  # dataclasses look their module up while the file executes
    spec.loader.exec_module(module)
    return module


tornado = _load_tool()
INTERVAL = re.compile(r"([0-9.]+) \[([0-9.]+), ([0-9.]+)\]")
DELTA = re.compile(r"([+-][0-9.]+) ± ([0-9.]+)")


def test_illustrative_parameters_come_from_the_source_metadata():
    names = tornado.illustrative_parameters()
    assert "enmity" in names and "incident_pause_quarters" in names
    # Sourced (non-illustrative) defaults are not perturbed.
    assert "algorithmic_halving_months" not in names and "h100e_price_usd" not in names
    for name in Parameters.model_fields:
        source = Parameters.model_fields[name].json_schema_extra["source"]
        assert (name in names) == source.startswith("illustrative"), name


def test_perturbation_rule_clips_rounds_and_stays_in_bounds():
    pause = tornado.perturbation("incident_pause_quarters")  # int, default 1: floor(0.5), ceil(1.5)
    assert (pause.low, pause.high) == (0, 2)
    hazard = tornado.perturbation("open_weights_hazard_multiplier")  # default 1.5, ge=1: 0.75 is clipped
    assert hazard.low == 1.0 and hazard.high == pytest.approx(2.25) and "low clipped" in hazard.rule
    assert tornado.perturbation("enmity").low == pytest.approx(0.3)
    for name in tornado.illustrative_parameters():
        p = tornado.perturbation(name)
        lo, lo_open, hi, hi_open = tornado.field_bounds(name)
        assert p.low is not None or p.high is not None, name
        for value in (p.low, p.high):
            if value is None:
                continue
            assert value != p.default
            assert lo is None or (value > lo if lo_open else value >= lo), name
            assert hi is None or (value < hi if hi_open else value <= hi), name
        if p.low is not None and p.high is not None:
            assert p.low < p.default < p.high, name


def test_wilson_interval():
    low, high = tornado.wilson(0, 6)
    assert low == 0.0 and high == pytest.approx(3.8415 / (6 + 3.8415), abs=1e-3)
    low, high = tornado.wilson(3, 6)
    assert low == pytest.approx(1 - high) and low < 0.5 < high
    assert tornado.wilson(200, 200) == (pytest.approx(0.9812, abs=1e-3), 1.0)


def test_write_needs_markers_and_runs_nothing_without_them(tmp_path, capsys):
    doc = tmp_path / "model.md"
    doc.write_text("# no markers here\n", encoding="utf-8")
    assert tornado.main(["--seeds", "6", "--only", "enmity", "--write", str(doc)]) == 2
    assert "BEGIN GENERATED TORNADO" in capsys.readouterr().err
    assert doc.read_text(encoding="utf-8") == "# no markers here\n"


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    """Run the command once on three parameters and a copy of docs/model.md; return (stdout, before, after, dir)."""
    folder = tmp_path_factory.mktemp("docs")
    doc = folder / "model.md"
    shutil.copy(ROOT / "docs" / "model.md", doc)
    before = doc.read_text(encoding="utf-8")
    result = subprocess.run([sys.executable, str(TOOL), "--seeds", str(SEEDS), "--jobs", "2", "--only", ",".join(ONLY),
                             "--write", str(doc)], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout, before, doc.read_text(encoding="utf-8"), folder


def _table_rows(text: str) -> list[list[str]]:
    lines = [ln for ln in text.splitlines() if ln.startswith("| `")]
    return [[c.strip() for c in ln.strip().strip("|").split(" | ")] for ln in lines]


def test_table_has_every_parameter_sorted_by_swing_with_valid_intervals(written):
    stdout, *_ = written
    defaults = dict(re.findall(r"defaults: (P\(S[12]\) in \w+) = ([0-9.]+)", stdout))
    base = [float(defaults["P(S1) in tight_controls"]), float(defaults["P(S2) in loopholes"])]
    rows = _table_rows(stdout)
    assert sorted(r[0].strip("`") for r in rows) == sorted(ONLY)
    swings = [float(r[-1]) for r in rows]
    assert swings == sorted(swings, reverse=True)
    for row in rows:
        for block, ref in zip((row[3:8], row[8:13]), base, strict=True):
            for p_cell, d_cell in zip(block[0:2], block[2:4], strict=True):
                if p_cell == "—":
                    assert d_cell == "—"
                    continue
                p, low, high = (float(x) for x in INTERVAL.search(p_cell).groups())
                assert 0.0 <= low <= p <= high <= 1.0
                assert p * SEEDS == pytest.approx(round(p * SEEDS), abs=0.01)  # a share of 6 runs
                delta, se = (float(x) for x in DELTA.search(d_cell).groups())
                assert delta == pytest.approx(p - ref, abs=2e-3)  # paired mean = difference of shares
                assert se >= 0.0
        assert float(row[-1]) == pytest.approx(
            max(abs(float(DELTA.search(c).group(1))) for c in row[5:7] + row[10:12] if c != "—"), abs=1e-3)
    assert "robust" in stdout


def test_write_replaces_only_the_marked_block(written):
    _, before, after, folder = written
    begin, end = tornado.BEGIN, tornado.END
    assert before[:before.index(begin)] == after[:after.index(begin)]
    assert before[before.index(end):] == after[after.index(end):]
    block = after[after.index(begin):after.index(end)]
    assert f"--seeds {SEEDS} --jobs 2 --only {','.join(ONLY)} --write" in block
    assert f"seeds 0–{SEEDS - 1}" in block
    assert "](img/tornado.png)" in block
    assert len(_table_rows(block)) == len(ONLY)
    assert "P(S1) in `tight_controls`" in block and "P(S2) in `loopholes`" in block
    png = folder / "img" / "tornado.png"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 10_000
    # Idempotent splice: writing the same body again changes nothing.
    body = block[len(begin):].strip("\n")
    assert tornado.splice(after, body) == after
