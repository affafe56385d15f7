"""The analysis tools of issue 7 run end to end at a small seed count and report consistently.

``tools/lever_effects.py`` must cover every lever offered to every seat kind with finite numbers, and its
``--check`` exit code must agree with its printed verdict; ``tools/strategy_matrix.py`` likewise for its
acceptance checks. Both write only between their markers. The shared runner plays each block of seeds as one
ensemble, whose runs must be exactly the single games of their seeds.
"""

import math
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wargame.model import AIRaceModel
from wargame.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[1]
TOOLS = ROOT / "tools"
DOC = ROOT / "docs" / "model.md"
NUMBER = r"[+-]?\d+(?:\.\d+)?"

sys.path.insert(0, str(TOOLS))
import strategy_matrix as sm  # noqa: E402
from analysis_common import (  # noqa: E402
    OUTCOMES,
    Config,
    RunResult,
    has_planner,
    make_config,
    mean_se,
    moved,
    replace_block,
    run_configs,
    run_games,
    seed_blocks,
)

# Take tools/ off the path again (the tools add it themselves): worker processes started later (Dask) inherit
# sys.path, and a tool's file name must never shadow an installed package.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != TOOLS]


def _run(tool: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(TOOLS / tool), *args], capture_output=True, text=True, cwd=ROOT,
                          timeout=240)


def _outside(text: str, name: str) -> tuple[str, str]:
    begin, end = f"<!-- BEGIN GENERATED {name} -->", f"<!-- END GENERATED {name} -->"
    return text[:text.index(begin)], text[text.index(end):]


@pytest.fixture(scope="module")
def lever_run(tmp_path_factory):
    doc = tmp_path_factory.mktemp("lever") / "model.md"
    doc.write_text(DOC.read_text(encoding="utf-8"), encoding="utf-8")
    result = _run("lever_effects.py", "--seeds", "8", "--jobs", "2", "--check", "--write", str(doc))
    return result, doc


PLANNER_CONFIG = make_config("baseline", overrides={"governments.us_gov.policy": "planner"}, scored=["us_gov"])


def _single_game(config: Config, seed: int) -> RunResult:
    """The reference: one game played on its own (``seed=``), levers submitted before every season."""
    scenario = load_scenario(config.scenario).with_overrides(dict(config.overrides))
    model = AIRaceModel(scenario, seed=seed)
    assert model.n_runs == 1
    while model.running:
        for seat, levers in config.fixed:
            model.submit_decision(seat, dict(levers))
        model.step()
    s = model.summary()
    outcomes = {"lead": s["final_lead_months"], "s1": float(s["outcome"] == "S1"),
                "s2": float(s["outcome"] == "S2"), "safety": s["mean_safety_share"], "incidents": s["incidents"],
                "adoption": s["adoption_share_us"]}
    return RunResult(outcomes, {seat: model.seat_scores()[seat] for seat in config.scored},
                     {seat: model.score_breakdown(seat) for seat in config.scored})


def _assert_same_numbers(got: RunResult, want: RunResult) -> None:
    assert set(got.outcomes) == set(want.outcomes) == set(OUTCOMES)
    for key, value in want.outcomes.items():
        assert got.outcomes[key] == pytest.approx(value, rel=1e-12, abs=1e-12), key
    assert set(got.scores) == set(want.scores) and set(got.components) == set(want.components)
    for seat, score in want.scores.items():
        assert got.scores[seat] == pytest.approx(score, rel=1e-12, abs=1e-12), seat
        assert got.components[seat].keys() == want.components[seat].keys()
        for part, value in want.components[seat].items():
            assert got.components[seat][part] == pytest.approx(value, rel=1e-12, abs=1e-12), (seat, part)


def test_ensemble_runs_are_the_single_games_of_their_seeds():
    configs = [
        make_config("baseline", scored=["us_gov", "prc_lab_b"]),
        make_config("loopholes", overrides={"governments.prc_gov.policy": "hawkish"},
                    fixed={"us_gov": {"enforcement_budget_musd": 300.0, "remote_access_rule": "ban",
                                      "safety_dialogue": 0.6},
                           "us_lab_b": {"training_share": 0.5, "safety_share": 0.25, "serving_share": 0.25,
                                        "testing_quarters": 2}},
                    scored=["us_gov", "us_lab_b"]),
    ]
    seeds = (7, 0, 31, 2)
    assert seed_blocks(configs, seeds, jobs=1) == [[seeds], [seeds]]  # one ensemble of four runs each
    results, seconds = run_configs(configs, seeds, jobs=1)
    assert seconds > 0 and [len(runs) for runs in results] == [len(seeds), len(seeds)]
    for config, runs in zip(configs, results, strict=True):
        for seed, run in zip(seeds, runs, strict=True):
            _assert_same_numbers(run, _single_game(config, seed))
    # The fixed levers matter (the check above would be weak if they did nothing).
    free = run_games(make_config("loopholes", overrides={"governments.prc_gov.policy": "hawkish"},
                                 scored=["us_lab_b"]), seeds)
    assert [r.scores["us_lab_b"] for r in free] != [r.scores["us_lab_b"] for r in results[1]]


def test_planner_configurations_play_single_games():
    assert has_planner(PLANNER_CONFIG) and not has_planner(make_config("baseline"))
    seeds = (3, 1)
    runs = run_games(PLANNER_CONFIG, seeds)
    for seed, run in zip(seeds, runs, strict=True):
        _assert_same_numbers(run, _single_game(PLANNER_CONFIG, seed))


@settings(max_examples=60, deadline=None)
@given(planner=st.lists(st.booleans(), min_size=1, max_size=6),
       seeds=st.lists(st.integers(0, 10_000), min_size=1, max_size=40, unique=True), jobs=st.integers(1, 8))
def test_seed_blocks_cover_every_seed_once_and_keep_processes_busy(planner, seeds, jobs):
    configs = [PLANNER_CONFIG if slow else make_config("baseline", scored=[f"x{i}"])
               for i, slow in enumerate(planner)]
    blocks = seed_blocks(configs, seeds, jobs)
    assert len(blocks) == len(configs)
    for slow, config_blocks in zip(planner, blocks, strict=True):
        assert [seed for block in config_blocks for seed in block] == seeds  # in order, each seed once
        if slow:
            assert all(len(block) == 1 for block in config_blocks)  # one planner game per task
    ensemble_blocks = [config_blocks for slow, config_blocks in zip(planner, blocks, strict=True) if not slow]
    if ensemble_blocks:
        if len(ensemble_blocks) >= jobs:
            assert all(len(b) == 1 for b in ensemble_blocks)  # one ensemble per configuration
        else:  # fewer configurations than processes: enough tasks to keep every process busy, if seeds allow
            assert sum(len(b) for b in ensemble_blocks) >= min(jobs, len(seeds) * len(ensemble_blocks))


def test_moved_rule():
    assert not moved([0.0, 0.0, 0.0])  # all exactly zero: not moved
    assert moved([0.5, 0.5, 0.5])  # SE 0 but a nonzero mean: moved
    assert not moved([1.0, -1.0, 1.0, -1.0])
    mean, se = mean_se([1.0, 2.0, 3.0])
    assert mean == pytest.approx(2.0) and se == pytest.approx(1.0 / math.sqrt(3.0))


def test_replace_block_touches_only_the_block(tmp_path):
    doc = tmp_path / "d.md"
    doc.write_text("a\n<!-- BEGIN GENERATED X -->\nold\n<!-- END GENERATED X -->\nb\n", encoding="utf-8")
    replace_block(doc, "X", "new $1 \\1 text")
    expected = "a\n<!-- BEGIN GENERATED X -->\nnew $1 \\1 text\n<!-- END GENERATED X -->\nb\n"
    assert doc.read_text(encoding="utf-8") == expected
    with pytest.raises(ValueError):
        replace_block(doc, "Y", "x")


def test_lever_table_covers_every_offered_lever(lever_run):
    result, _ = lever_run
    assert result.returncode in (0, 1), result.stderr[-3000:]
    model = AIRaceModel("baseline", seed=0)
    offered = {(a.kind, lever) for a in model.seats() for lever in a.levers}
    rows = [line.split(" | ") for line in result.stdout.splitlines()
            if line.startswith("| ") and "`" in line]
    in_table = {(cells[0].strip("| "), cells[2].strip("`")) for cells in rows}
    assert in_table == offered
    for cells in rows:
        values = re.findall(rf"({NUMBER}) ± ({NUMBER})", " | ".join(cells))
        assert len(values) == 7, cells
        assert all(math.isfinite(float(m)) and math.isfinite(float(s)) and float(s) >= 0 for m, s in values)


def test_lever_check_agrees_with_the_printed_verdict(lever_run):
    result, _ = lever_run
    passed = "CHECK PASS" in result.stdout
    failed = "CHECK FAIL" in result.stdout
    assert passed != failed
    assert result.returncode == (1 if failed else 0)
    # The dead levers named in the verdict are exactly those whose every row moved nothing.
    moved_any: dict[tuple[str, str, str], bool] = {}
    for line in result.stdout.splitlines():
        if line.startswith("| ") and "`" in line:
            cells = [c.strip() for c in line.strip("|").split("|")]
            key = (cells[0], cells[1].strip("`"), cells[2].strip("`"))
            moved_any[key] = moved_any.get(key, False) or cells[-1] != "**none**"
    dead = {(f"{kind}.{lever}", seat) for (kind, seat, lever), ok in moved_any.items() if not ok}
    named = set(re.findall(r"(\w+\.\w+) \((\w+)\)", result.stdout.split("CHECK FAIL:")[-1])) if failed else set()
    assert dead == named


def test_lever_write_replaces_only_its_block(lever_run):
    result, doc = lever_run
    assert "wrote the table" in result.stdout
    new, old = doc.read_text(encoding="utf-8"), DOC.read_text(encoding="utf-8")
    assert _outside(new, "LEVER EFFECTS") == _outside(old, "LEVER EFFECTS")
    assert "8 common seeds" in new and "| `us_gov` | `enforcement_budget_musd` |" in new


def test_strategy_matrix_runs_and_checks_consistently(tmp_path):
    doc = tmp_path / "model.md"
    doc.write_text(DOC.read_text(encoding="utf-8"), encoding="utf-8")
    result = _run("strategy_matrix.py", "--seeds", "6", "--max-strategies", "10", "--jobs", "2", "--check",
                  "--write", str(doc))
    assert result.returncode in (0, 1), result.stderr[-3000:]
    out = result.stdout
    for kind, opponents in (("us_government", ("status_quo", "hawkish", "dovish", "reactive")),
                            ("prc_government", ("status_quo", "hawkish", "dovish", "reactive"))):
        assert f"== {kind}" in out
        for opponent in opponents:
            assert f"{kind} vs {opponent}: best response" in out
    assert "== lab_US (us_lab_b)" in out and "== lab_PRC (prc_lab_b)" in out
    scores = re.findall(rf"({NUMBER}|nan|inf) ± ({NUMBER}|nan|inf)", out)
    assert scores and all(math.isfinite(float(m)) and math.isfinite(float(s)) for m, s in scores)
    verdicts = re.findall(r"^(PASS|FAIL) \((a|b|c)\)", out, flags=re.MULTILINE)
    assert sorted(v[1] for v in verdicts) == ["a", "b", "c"]
    any_fail = any(v[0] == "FAIL" for v in verdicts)
    assert ("CHECK FAIL" in out) == any_fail and ("CHECK PASS" in out) == (not any_fail)
    assert result.returncode == (1 if any_fail else 0)
    new, old = doc.read_text(encoding="utf-8"), DOC.read_text(encoding="utf-8")
    assert _outside(new, "STRATEGY MATRIX") == _outside(old, "STRATEGY MATRIX")
    assert "6 common seeds" in new and "Acceptance checks" in new


def _analysis(best_flips: bool, dominant: bool, lab_best_safety: float):
    """A synthetic strategy-matrix result: two constant strategies and a named policy per seat, two opponents."""
    noise = np.random.default_rng(0).normal(0.0, 0.01, 50)

    def cell(level: float, comps: dict) -> sm.Cell:
        return sm.Cell(level + noise, comps)

    strategies, cells = {}, {}
    for kind in ("us_government", "prc_government"):
        strategies[kind] = [sm.Strategy("c001", "low", levers={}), sm.Strategy("c002", "high", levers={}),
                            sm.Strategy("named", "named", policy="status_quo")]
        worse = {"x": 0.0, "y": 0.0}
        one = {"x": 2.0, "y": 2.5} if dominant else {"x": 2.0, "y": -1.0}
        two = {"x": -1.0, "y": 2.0}
        cells[kind] = {"o1": {"c001": cell(3.0, one), "c002": cell(1.0, two), "named": cell(0.0, worse)},
                       "o2": {"c001": cell(1.0 if best_flips else 3.0, one), "c002": cell(2.0, two),
                              "named": cell(0.0, worse)}}
    for group in ("lab_US", "lab_PRC"):
        strategies[group] = [sm.Strategy("L01", "safety 0", levers={}, safety=0.0),
                             sm.Strategy("L02", "safety 0.1", levers={}, safety=0.1)]
        cells[group] = {"default": {"L01": cell(2.0 if lab_best_safety == 0.0 else 1.0, {"c": 0.0}),
                                    "L02": cell(1.0 if lab_best_safety == 0.0 else 2.0, {"c": 0.0})}}
    seats = {"us_government": "us_gov", "prc_government": "prc_gov", "lab_US": "us_lab_b", "lab_PRC": "prc_lab_b"}
    return sm.Analysis(list(range(50)), seats, strategies, cells, 0, 0.0)


def test_acceptance_checks_on_synthetic_results():
    good = sm.run_checks(_analysis(best_flips=True, dominant=False, lab_best_safety=0.1))
    assert good.passed
    assert "significant at 3 SE: yes" in "\n".join(good.results["(b) best response differs across opponent "
                                                                 "policies"][1])
    bad = sm.run_checks(_analysis(best_flips=False, dominant=True, lab_best_safety=0.0))
    assert [ok for ok, _ in bad.results.values()] == [False, False, False]
    assert "DOMINANT c001" in "\n".join(bad.results["(a) no weakly dominant constant strategy"][1])
