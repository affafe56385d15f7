"""Golden trajectories (issue 9 regression guard): today's model replays every recorded run.

``tests/data/golden_trajectories.json.gz`` holds 30 runs (every shipped scenario x seeds 0-4 x the scenario's
own policies and "reactive wherever offered"), recorded by ``tools/golden_trajectories.py``: the model and
Lab frames, summary, seat scores, news and decision history. Each run is replayed and compared value by
value (floats to 1e-12 relative or absolute, NaN equal to NaN, everything else exactly). A change of the
model's results fails here until it is re-recorded on purpose (``python tools/golden_trajectories.py
--write``, with the reason in the commit message).

The comparison itself is tested on deliberately altered copies of a recorded run and on a model run with a
parameter moved by one part in a billion (in an in-memory copy of the scenario).
"""

import copy
import gzip
import json
import math
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TOOLS = ROOT / "tools"

sys.path.insert(0, str(TOOLS))
import golden_trajectories as gt  # noqa: E402

# Take tools/ off the path again: a tool's file name must never shadow an installed package.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != TOOLS]

DATA = gt.load_fixture()
RUNS = DATA["runs"]


def run_id(run):
    return f"{run['scenario']}-seed{run['seed']}-{run['policies']}"


def by_label(scenario, seed, policies):
    return next(r for r in RUNS if (r["scenario"], r["seed"], r["policies"]) == (scenario, seed, policies))


# ----------------------------------------------------------------------------- the recorded set
def test_fixture_holds_todays_run_set_and_metadata():
    assert gt.coverage_problems(DATA) == []
    assert len(RUNS) == len(gt.list_scenarios()) * len(gt.SEEDS) * len(gt.POLICY_SETTINGS) == 30
    meta = DATA["metadata"]
    assert meta["wargame_version"] == gt.wargame.__version__
    assert meta["format_version"] == gt.FORMAT_VERSION
    assert "git_commit" in meta and "git_dirty" in meta
    assert gt.FIXTURE.stat().st_size < 1_000_000


def test_reactive_setting_switches_every_seat_that_offers_reactive():
    for name in gt.list_scenarios():
        scenario = gt.recipe_scenario(by_label(name, 0, "reactive"))
        for seat in scenario.seats():
            offered = "reactive" in gt.policy_names(gt.seat_kind(seat))
            original = next(s for s in gt.load_scenario(name).seats() if s.id == seat.id)
            assert seat.policy == ("reactive" if offered else original.policy), (name, seat.id)
    # Chipmakers and smugglers offer no reactive policy, so they keep the scenario's.
    assert "chipmakers" not in json.dumps(by_label("baseline", 0, "reactive")["overrides"])


def test_policy_settings_and_seeds_give_different_runs():
    """Each recorded run is a distinct game (the settings and seeds are not accidentally the same run)."""
    leads = {run_id(r): r["trajectory"]["model_frame"]["columns"]["lead_months"] for r in RUNS}
    assert len({json.dumps(v) for v in leads.values()}) == len(RUNS)


# ----------------------------------------------------------------------------- the replay
@pytest.mark.parametrize("run", RUNS, ids=run_id)
def test_recorded_run_replays(run):
    differences = gt.check_run(run)
    assert not differences, (f"{len(differences)} value(s) differ from the golden trajectories:\n"
                             + gt.format_differences(differences, 20, gt.scenario_hint(run)))


# ----------------------------------------------------------------------------- the comparison can fail
def altered(run):
    return copy.deepcopy(run)


def test_altered_recording_reports_each_change_with_run_variable_season_and_values():
    run = by_label("tight_controls", 3, "reactive")
    changed = altered(run)
    t = changed["trajectory"]
    old_lead = t["model_frame"]["columns"]["lead_months"][4]
    t["model_frame"]["columns"]["lead_months"][4] = old_lead * (1 + 1e-9)
    lab = t["agent_frames"]["Lab"]["columns"]
    row = 7  # step 1 (the first season played), the first lab
    lab["incidents"][row] += 1
    t["summary"]["outcome"] = "S9"
    t["news"][2]["text"] += "!"
    first_lever = next(iter(t["decision_history"][5]["levers"]))
    t["decision_history"][5]["levers"][first_lever] = "changed"

    found = gt.compare_runs(run, changed)
    exp = run["trajectory"]
    season4 = exp["model_frame"]["columns"]["season"][4]
    season1 = exp["model_frame"]["columns"]["season"][1]
    assert [(d.variable, d.season) for d in found] == [
        ("model.lead_months", season4),
        (f"Lab.incidents[seat {lab['seat'][row]}]", season1),
        ("summary.outcome", exp["model_frame"]["columns"]["season"][-1]),  # end-of-run values: the last season
        ("news[2].text", exp["news"][2]["season"]),
        (f"decision_history[5](seat {exp['decision_history'][5]['seat']}).levers.{first_lever}",
         exp["decision_history"][5]["season"]),
    ]
    assert found[0].expected == old_lead and found[0].actual == old_lead * (1 + 1e-9)
    report = gt.format_differences(found)
    assert "scenario=tight_controls seed=3 policies=reactive: model.lead_months at season " + season4 in report
    assert repr(old_lead) in report and repr(old_lead * (1 + 1e-9)) in report
    assert "python tools/golden_trajectories.py --write" in report and "commit" in report


def test_missing_extra_and_shortened_entries_are_differences():
    run = by_label("baseline", 1, "scenario")
    changed = altered(run)
    t = changed["trajectory"]
    del t["model_frame"]["columns"]["enmity"]
    t["model_frame"]["columns"]["new_variable"] = [0.0] * len(t["model_frame"]["index"])
    t["agent_frames"]["Lab"]["index"].pop()
    for values in t["agent_frames"]["Lab"]["columns"].values():
        values.pop()
    t["seat_scores"]["ghost_seat"] = 1.0
    t["decision_history"].pop()
    found = {d.variable for d in gt.compare_runs(run, changed)}
    assert found == {"model.enmity", "model.new_variable", "Lab frame (number of rows)", "seat_scores.ghost_seat",
                     "decision_history (number of items)"}


def test_float_tolerance_and_exact_types():
    run = by_label("loopholes", 2, "scenario")
    changed = altered(run)
    cols = changed["trajectory"]["model_frame"]["columns"]
    cols["lead_months"] = [v * (1 + 1e-13) for v in cols["lead_months"]]  # inside 1e-12 relative
    cols["seized_h100e"] = [v + 5e-13 if v == 0 else v for v in cols["seized_h100e"]]  # inside 1e-12 absolute
    assert gt.compare_runs(run, changed) == []

    assert gt.values_match(math.nan, math.nan)
    assert not gt.values_match(math.nan, 0.0) and not gt.values_match(0.0, math.nan)
    assert gt.values_match(math.inf, math.inf) and not gt.values_match(math.inf, 1e308)
    assert gt.values_match(1.0, 1.0 + 9e-13) and not gt.values_match(1.0, 1.0 + 2e-12)
    assert gt.values_match(0.0, 9e-13) and not gt.values_match(0.0, 2e-12)
    assert gt.values_match(2, 2) and gt.values_match(2, 2.0) and not gt.values_match(2, 2.0 + 1e-15 * 2)
    assert not gt.values_match(2**53 + 1, float(2**53 + 1))  # an int is compared exactly, not within 1e-12
    assert not gt.values_match(True, 1) and not gt.values_match(1, True) and not gt.values_match(False, 0.0)
    assert gt.values_match("2027Q1", "2027Q1") and not gt.values_match("2027Q1", "2027Q2")
    assert not gt.values_match(None, 0.0) and not gt.values_match("1", 1)


def test_model_with_a_parameter_moved_by_one_part_in_a_billion_is_caught():
    """The scenario is changed in memory only (a copy with an override); no file of the model is touched."""
    run = by_label("baseline", 0, "scenario")
    scenario = gt.recipe_scenario(run)
    nudged = scenario.with_overrides({"parameters.enmity": scenario.parameters.enmity * (1 + 1e-9)})
    found = gt.compare_runs(run, {**run, "trajectory": gt.trajectory(gt.play(nudged, run["seed"]))})
    assert found
    assert {d.variable for d in found} >= {"model.lead_months", "model.enmity", "summary.final_enmity"}
    assert all(d.run == "scenario=baseline seed=0 policies=scenario" for d in found)


# ----------------------------------------------------------------------------- the command line
def two_runs(monkeypatch):
    """Restrict today's run set to two recipes, so the command line is tested on a small file."""
    recipes = [r for r in gt.run_recipes() if r["seed"] == 0 and r["scenario"] == "loopholes"]
    monkeypatch.setattr(gt, "run_recipes", lambda: recipes)
    return recipes


def test_write_then_check_round_trips(tmp_path, monkeypatch, capsys):
    recipes = two_runs(monkeypatch)
    path = tmp_path / "sub" / "golden.json.gz"
    assert gt.main(["--write", "--path", str(path)]) == 0
    written = gt.load_fixture(path)
    # Re-recording gives the same runs, bit for bit, as the committed fixture.
    assert written["runs"] == [by_label(r["scenario"], r["seed"], r["policies"]) for r in recipes]
    assert gzip.decompress(path.read_bytes())  # a gzip file
    capsys.readouterr()
    assert gt.main(["--check", "--path", str(path)]) == 0
    assert "replay within 1e-12" in capsys.readouterr().out


def test_check_exits_1_and_prints_the_first_20_differences(tmp_path, monkeypatch, capsys):
    two_runs(monkeypatch)
    data = {"metadata": DATA["metadata"], "runs": copy.deepcopy(
        [by_label("loopholes", 0, setting) for setting in gt.POLICY_SETTINGS])}
    data["runs"][1]["trajectory"]["model_frame"]["columns"]["compute_ratio"] = [
        v + 1.0 for v in data["runs"][1]["trajectory"]["model_frame"]["columns"]["compute_ratio"]]
    data["runs"][1]["trajectory"]["model_frame"]["columns"]["enmity"] = [
        v + 1.0 for v in data["runs"][1]["trajectory"]["model_frame"]["columns"]["enmity"]]
    path = tmp_path / "golden.json.gz"
    gt.write_fixture(data, path)
    assert gt.main(["--check", "--path", str(path)]) == 1
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert sum("scenario=loopholes seed=0 policies=reactive: model." in line for line in lines) == 20
    assert "... and 2 more difference(s)" in out  # 11 seasons x 2 columns = 22
    assert "--write" in out and "22 difference(s)" in out


def test_check_refuses_a_missing_or_foreign_file(tmp_path, capsys):
    assert gt.main(["--check", "--path", str(tmp_path / "none.json.gz")]) == 2
    assert "--write" in capsys.readouterr().err
    bad = tmp_path / "bad.json.gz"
    bad.write_bytes(gzip.compress(b'{"metadata": {"format_version": 0}, "runs": []}'))
    assert gt.main(["--check", "--path", str(bad)]) == 2
    assert "layout version 0" in capsys.readouterr().err
    plain = tmp_path / "plain.json.gz"
    plain.write_text("not gzip")
    with pytest.raises(ValueError, match="not a gzip-compressed JSON"):
        gt.load_fixture(plain)
