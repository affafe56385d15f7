"""The ``wargame`` command line (issue 2): run, scenarios, validate, replay; output files; bad input."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from wargame.cli import main
from wargame.model import AIRaceModel
from wargame.scenario import load_scenario, resolve_scenario_path

HEADER = ("season", "lead (mo)", "US/PRC compute", "smuggled H100e", "remote H100e", "distil (mo)", "pressure",
          "safety", "incidents", "US adoption")
SEASONS = ["2026Q2", "2026Q3", "2026Q4", "2027Q1", "2027Q2", "2027Q3", "2027Q4", "2028Q1", "2028Q2", "2028Q3",
           "2028Q4"]


def table_rows(out: str) -> list[list[str]]:
    """The data rows of the season table in a command's output, split into cells."""
    lines = out.splitlines()
    start = next(i for i, line in enumerate(lines) if line.split()[:2] == ["season", "lead"])
    assert set(lines[start + 1].replace(" ", "")) == {"-"}
    rows = []
    for line in lines[start + 2:]:
        if not line.strip():
            break
        rows.append(line.split())
    return rows


def wargame_script() -> str:
    """Path of the installed ``wargame`` console script of this interpreter's environment."""
    candidate = Path(sys.executable).parent / "wargame"
    found = str(candidate) if candidate.exists() else shutil.which("wargame")
    assert found, "the wargame console script is not installed"
    return found


# ----------------------------------------------------------------------------- run
def test_run_prints_season_table_and_outcome(capsys):
    assert main(["run", "baseline", "--seed", "3"]) == 0
    out = capsys.readouterr().out
    model = AIRaceModel("baseline", seed=3).run_to_end()
    summary = model.summary()
    assert out.splitlines()[0].startswith("Baseline: 2026 policy as it stands  (scenario baseline, seed 3")
    for header in HEADER:
        assert header in out
    rows = table_rows(out)
    assert [r[0] for r in rows] == SEASONS  # the start row and ten seasons, 2026Q3..2028Q4
    frame = model.datacollector.get_model_vars_dataframe()
    assert [float(r[1]) for r in rows] == [round(x, 1) for x in frame["lead_months"]]
    assert f"Outcome at 2028Q4: {summary['outcome']}" in out
    assert f"lead {summary['final_lead_months']:.1f} months" in out
    assert "S1: lead >= 12 months; S2: lead <= 3 months" in out


def test_run_defaults_to_baseline_and_seed_is_deterministic(capsys):
    assert main(["run"]) == 0
    first = capsys.readouterr().out
    assert "(scenario baseline, seed 1," in first
    assert main(["run", "baseline", "--seed", "1"]) == 0
    assert capsys.readouterr().out == first
    assert main(["run", "baseline", "--seed", "2"]) == 0
    assert capsys.readouterr().out != first


@pytest.mark.parametrize("name", ["tight_controls", "loopholes"])
def test_run_other_scenarios_by_name_and_by_path(name, capsys):
    assert main(["run", name, "--seed", "4"]) == 0
    by_name = capsys.readouterr().out
    assert main(["run", str(resolve_scenario_path(name)), "--seed", "4"]) == 0
    by_path = capsys.readouterr().out
    assert f"(scenario {name}, seed 4" in by_name
    assert table_rows(by_name) == table_rows(by_path)


def test_console_script_runs_in_a_subprocess():
    proc = subprocess.run([wargame_script(), "run", "loopholes", "--seed", "9"], capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "Outcome at 2028Q4:" in proc.stdout
    assert [r[0] for r in table_rows(proc.stdout)] == SEASONS
    model = AIRaceModel("loopholes", seed=9).run_to_end()
    assert f"Outcome at 2028Q4: {model.outcome()}" in proc.stdout
    assert f"lead {model.lead_months:.1f} months" in proc.stdout


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_run_writes_a_readable_table(tmp_path, suffix, capsys):
    path = tmp_path / f"results{suffix}"
    assert main(["run", "tight_controls", "--seed", "5", "--out", str(path)]) == 0
    assert f"Season table written to {path}" in capsys.readouterr().out
    table = pd.read_csv(path, index_col="step") if suffix == ".csv" else pd.read_parquet(path)
    expected = AIRaceModel("tight_controls", seed=5).run_to_end().datacollector.get_model_vars_dataframe()
    assert list(table["season"]) == SEASONS
    assert list(table.columns) == list(expected.columns)
    pd.testing.assert_frame_equal(table, expected, check_dtype=False, check_names=False, check_index_type=False,
                                  rtol=1e-12)


def test_run_rejects_an_unknown_output_format(tmp_path, capsys):
    assert main(["run", "--out", str(tmp_path / "x.xlsx")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: --out must end in .csv or .parquet")
    assert "Traceback" not in err


@pytest.mark.parametrize(("args", "message"), [
    (["--out", "{tmp}/missing/x.csv"], "--out {tmp}/missing/x.csv: folder {tmp}/missing does not exist"),
    (["--out", "{tmp}"], "--out {tmp}: is a directory; give a file name"),
    (["--save", "{tmp}"], "--save {tmp}: is a directory; give a file name"),
    (["--save", "{tmp}/game.txt"], "--save must end in .json, got 'game.txt'"),
    (["--out", "{tmp}/same.json", "--save", "{tmp}/same.json"], "--out must end in .csv or .parquet"),
    (["--out", "{tmp}/same.csv", "--save", "{tmp}/same.csv"], "--save must end in .json"),
])
def test_run_checks_output_paths_before_playing(tmp_path, args, message, capsys):
    args = [a.format(tmp=tmp_path) for a in args]
    assert main(["run", "baseline", *args]) == 2
    captured = capsys.readouterr()
    assert captured.err.startswith(f"error: {message.format(tmp=tmp_path)}")
    assert captured.out == "", "nothing is played or printed when an output path is bad"
    assert list(tmp_path.iterdir()) == [], "no file (and no temp file) is left behind"


def test_output_suffix_is_case_insensitive(tmp_path, capsys):
    path = tmp_path / "RESULTS.CSV"
    assert main(["run", "baseline", "--out", str(path)]) == 0
    assert list(pd.read_csv(path)["season"])[-1] == "2028Q4"


def test_saved_game_is_readable_by_others(tmp_path, capsys):
    path = tmp_path / "game.json"
    assert main(["run", "baseline", "--save", str(path)]) == 0
    assert path.stat().st_mode & 0o044 == 0o044
    assert [p.name for p in tmp_path.iterdir()] == ["game.json"]


def test_a_directory_is_not_a_scenario(tmp_path, capsys):
    assert main(["run", str(tmp_path)]) == 2
    assert capsys.readouterr().err.strip() == f"error: {tmp_path}: is a directory, not a scenario file"


# ----------------------------------------------------------------------------- save and replay
def test_save_then_replay_reproduces_the_game(tmp_path, capsys):
    game = tmp_path / "game.json"
    assert main(["run", "loopholes", "--seed", "12", "--save", str(game)]) == 0
    run_out = capsys.readouterr().out
    assert f"Game saved to {game}" in run_out
    assert json.loads(game.read_text())["seed"] == 12

    out_csv = tmp_path / "replayed.csv"
    assert main(["replay", str(game), "--out", str(out_csv)]) == 0
    replay_out = capsys.readouterr().out
    assert replay_out.startswith(f"Replayed {game}: scenario loopholes, seed 12, 10 seasons, 0 human decisions")
    assert table_rows(replay_out) == table_rows(run_out)
    lines = run_out.splitlines()
    first = next(i for i, line in enumerate(lines) if line.startswith("Outcome at 2028Q4:"))
    outcome = "\n".join(lines[first:first + 3])  # the outcome line and its two lines of figures
    assert outcome in replay_out
    original = AIRaceModel("loopholes", seed=12).run_to_end().datacollector.get_model_vars_dataframe()
    pd.testing.assert_frame_equal(pd.read_csv(out_csv, index_col="step"), original, check_dtype=False,
                                  check_names=False, check_index_type=False, rtol=1e-12)


def test_replay_of_a_game_with_human_decisions(tmp_path, capsys):
    from wargame.gamelog import save_game

    model = AIRaceModel("baseline", seed=6)
    model.submit_decision("us_gov", {"remote_access_rule": "ban"})
    model.play_event("smuggling_bust")
    model.step()
    model.step()
    path = save_game(model, tmp_path / "partial.json")
    assert main(["replay", str(path)]) == 0
    out = capsys.readouterr().out
    assert "2 seasons, 1 human decisions" in out
    assert [r[0] for r in table_rows(out)] == SEASONS[:3]
    assert "Outcome at" not in out  # the game is not over


@pytest.mark.parametrize("content,message", [
    ("{not json", "not a valid JSON file"),
    ('{"format": "other"}', "not a game log of the AI race wargame"),
])
def test_replay_rejects_bad_logs_with_exit_code_2(tmp_path, content, message, capsys):
    path = tmp_path / "bad.json"
    path.write_text(content)
    assert main(["replay", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {path}: {message}")
    assert "Traceback" not in err


def test_replay_rejects_a_tampered_log(tmp_path, capsys):
    game = tmp_path / "game.json"
    assert main(["run", "--seed", "1", "--save", str(game)]) == 0
    data = json.loads(game.read_text())
    data["seed"] = 2
    game.write_text(json.dumps(data))
    capsys.readouterr()
    assert main(["replay", str(game)]) == 2
    assert "checksum mismatch" in capsys.readouterr().err


def test_replay_of_a_missing_file(tmp_path, capsys):
    assert main(["replay", str(tmp_path / "none.json")]) == 2
    assert capsys.readouterr().err.startswith(f"error: {tmp_path / 'none.json'}: cannot read file")


# ----------------------------------------------------------------------------- bad arguments
@pytest.mark.parametrize("seed", ["-1", "abc", "1.5", "", str(2**70)])
def test_bad_seed_exits_2_with_a_clear_message(seed, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["run", "baseline", "--seed", seed])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert f"seed must be an integer from 0 to {2**63 - 1}, got {seed!r}" in err
    assert "Traceback" not in err


def test_bad_seed_in_the_console_script():
    proc = subprocess.run([wargame_script(), "run", "--seed", "-1"], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert "seed must be an integer from 0 to 9223372036854775807, got '-1'" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert proc.stdout == ""


def test_unknown_scenario_exits_2(capsys):
    assert main(["run", "atlantis"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: unknown scenario 'atlantis'; shipped scenarios: baseline, loopholes, tight_controls")


def test_bad_scenario_file_in_run_exits_2(tmp_path, capsys):
    path = tmp_path / "bad.toml"
    path.write_text(resolve_scenario_path("baseline").read_text().replace("visibility = 0.3", "visibility = -1"))
    assert main(["run", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {path}: field 'parameters.visibility'")
    assert "Traceback" not in err


# ----------------------------------------------------------------------------- scenarios
def test_scenarios_lists_the_three_with_briefings(capsys):
    assert main(["scenarios"]) == 0
    out = capsys.readouterr().out
    for name in ("baseline", "tight_controls", "loopholes"):
        sc = load_scenario(name)
        assert f"{name}: {sc.title}  [2026Q3..2028Q4]" in out
        assert f"file: {resolve_scenario_path(name)}" in out
        for line in sc.briefing.splitlines():
            assert line in out
    assert out.index("baseline:") < out.index("loopholes:") < out.index("tight_controls:")


def test_help_lists_the_commands(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    for command in ("run", "scenarios", "validate", "replay"):
        assert command in out


# ----------------------------------------------------------------------------- score table
def score_rows(out: str) -> dict[str, str]:
    """Seat id -> its first line in the score table of a command's output."""
    lines = out.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("Scores at "))
    assert lines[start + 1].split() == ["seat", "name", "policy", "score", "components"]
    assert set(lines[start + 2].replace(" ", "")) == {"-"}
    rows = {}
    for line in lines[start + 3:]:
        if not line.strip():
            break
        if not line.startswith(" "):  # continuation lines of the components are indented
            rows[line.split()[0]] = line
    return rows


def test_run_prints_a_score_table_listing_every_seat(capsys):
    # needs the model's seat scores (seat_scores, score_breakdown): passes once Model v2 has landed
    assert main(["run", "baseline", "--seed", "3"]) == 0
    out = capsys.readouterr().out
    model = AIRaceModel("baseline", seed=3).run_to_end()
    scores = model.seat_scores()
    assert out.index("Outcome at 2028Q4:") < out.index("Scores at 2028Q4")
    rows = score_rows(out)
    assert list(rows) == [a.seat for a in model.seats()] == list(scores)  # the model's seat order
    assert set(rows) == {s.id for s in load_scenario("baseline").seats()}
    for actor in model.seats():
        row = rows[actor.seat]
        assert actor.name[:20] in row and f" {actor.policy} " in row
        assert f" {scores[actor.seat]:.2f}" in row
    block = out[out.index("Scores at 2028Q4"):]
    assert max(len(line) for line in block.splitlines()) <= 120
    flat = " ".join(block.split())
    for actor in model.seats():
        for name, value in model.score_breakdown(actor.seat).items():
            assert f"{name} {value:+.2f}" in flat


class _FakeModel:
    """Just what the score table reads from a model."""

    last_season = "2028Q4"

    def __init__(self, components):
        from types import SimpleNamespace

        self._seats = [SimpleNamespace(seat="us_gov", name="US government", kind="us_government",
                                       policy="status_quo"),
                       SimpleNamespace(seat="sea_network", name="Southeast Asian transshipment network " * 3,
                                       kind="smuggler", policy="profit_seeking")]
        self._components = components

    def seats(self):
        return self._seats

    def seat_scores(self):
        return {"us_gov": 3.14159, "sea_network": -12.5}

    def score_breakdown(self, seat):
        return dict(self._components) if seat == "us_gov" else {}


def test_score_table_wraps_components_whole_and_keeps_its_width():
    from wargame.cli import format_scores

    components = {f"component_{i}": (-1) ** i * i * 0.731 for i in range(12)}
    text = format_scores(_FakeModel(components), width=100)
    lines = text.splitlines()
    assert lines[0].split() == ["seat", "name", "policy", "score", "components"]
    assert lines[2].startswith("us_gov ") and " 3.14  component_0 +0.00," in lines[2]
    assert max(len(line) for line in lines) <= 100
    indent = lines[2].index("component_0")
    continuation = [line for line in lines[3:] if line.startswith(" ")]
    assert continuation and all(line[:indent].strip() == "" and line[indent] != " " for line in continuation)
    flat = " ".join(text.split())
    for name, value in components.items():  # every component whole, none split across lines
        assert f"{name} {value:+.2f}" in flat
    seat_line = next(line for line in lines if line.startswith("sea_network"))
    assert "..." in seat_line and "-12.50" in seat_line  # a long name is cut; a seat with no components

