"""Determinism and replay (issue 2): same scenario and seed give identical frames, in process and in a
subprocess; different seeds differ; saved games replay bit-identically, with human decisions and injects;
undo by replaying fewer seasons; bad game logs are refused with a clear ``GameLogError``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pandas as pd
import pytest

from agents.lab import Lab
from wargame.gamelog import (
    GameLogError,
    _checksum,
    game_log,
    load_game,
    parse_game_log,
    replay,
    save_game,
)
from wargame.model import AIRaceModel
from wargame.scenario import load_scenario

SCENARIOS = ("baseline", "tight_controls", "loopholes")


def frames(model: AIRaceModel) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The model-level and lab-level DataCollector frames of a model."""
    dc = model.datacollector
    return dc.get_model_vars_dataframe(), dc.get_agenttype_vars_dataframe(Lab)


def assert_same_game(a: AIRaceModel, b: AIRaceModel) -> None:
    """Two models played the same game: identical frames, state, news and logs."""
    for fa, fb in zip(frames(a), frames(b), strict=True):
        pd.testing.assert_frame_equal(fa, fb, check_exact=True)
    assert a.seasons_played == b.seasons_played
    assert a.running == b.running
    assert a.news == b.news
    assert a.decision_log == b.decision_log
    assert a.inject_log == b.inject_log
    assert json.dumps(a.summary(), sort_keys=True) == json.dumps(b.summary(), sort_keys=True)  # NaN-safe
    assert a.log_efficiency == b.log_efficiency
    assert [lab.stock_h100e for lab in a.labs] == [lab.stock_h100e for lab in b.labs]


# ----------------------------------------------------------------------------- same seed, same game
@pytest.mark.parametrize("name", SCENARIOS)
@pytest.mark.parametrize("seed", [0, 7, 2**40 + 3])
def test_same_scenario_and_seed_give_identical_frames(name, seed):
    a = AIRaceModel(name, seed=seed).run_to_end()
    b = AIRaceModel(load_scenario(name), seed=seed).run_to_end()
    assert_same_game(a, b)
    model_frame, lab_frame = frames(a)
    assert len(model_frame) == a.total_seasons + 1
    assert len(lab_frame) == len(a.labs) * (a.total_seasons + 1)


def test_interleaved_models_do_not_share_randomness():
    """Stepping two models alternately gives the same games as running each alone (no global RNG)."""
    alone = [AIRaceModel("baseline", seed=s).run_to_end() for s in (11, 12)]
    a, b = AIRaceModel("baseline", seed=11), AIRaceModel("baseline", seed=12)
    while a.running or b.running:
        a.step()
        b.step()
    assert_same_game(a, alone[0])
    assert_same_game(b, alone[1])


SUBPROCESS_SCRIPT = textwrap.dedent("""
    import json, sys
    from agents.lab import Lab
    from wargame.model import AIRaceModel
    name, seed, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    model = AIRaceModel(name, seed=seed).run_to_end()
    model.datacollector.get_model_vars_dataframe().to_parquet(out + "/model.parquet")
    model.datacollector.get_agenttype_vars_dataframe(Lab).to_parquet(out + "/labs.parquet")
    with open(out + "/summary.json", "w") as f:
        json.dump({"summary": model.summary(), "news": model.news}, f)
""")


@pytest.mark.parametrize("name,seed", [("baseline", 5), ("loopholes", 123456789)])
def test_subprocess_run_gives_identical_frames(tmp_path, name, seed):
    """A fresh interpreter (with a different hash seed) reproduces the in-process frames exactly."""
    env = {**os.environ, "PYTHONHASHSEED": "4242"}
    proc = subprocess.run([sys.executable, "-c", SUBPROCESS_SCRIPT, name, str(seed), str(tmp_path)],
                          capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr
    local = AIRaceModel(name, seed=seed).run_to_end()
    model_frame, lab_frame = frames(local)
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "model.parquet"), model_frame, check_exact=True)
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "labs.parquet"), lab_frame, check_exact=True)
    saved = json.loads((tmp_path / "summary.json").read_text())
    assert saved["summary"] == json.loads(json.dumps(local.summary()))
    assert saved["news"] == local.news


@pytest.mark.parametrize("name", SCENARIOS)
def test_different_seeds_differ(name):
    a, b = (AIRaceModel(name, seed=s).run_to_end() for s in (1, 2))
    ma, la = frames(a)
    mb, lb = frames(b)
    assert not ma.equals(mb)
    assert not la.equals(lb)
    # They differ in the substance of the game, not just in some bookkeeping column.
    assert (ma["lead_months"] != mb["lead_months"]).any()
    # Smuggled volume is a lognormal draw every season (CNAS 2025: enforcement never stops most
    # transshipment), so two seeds never ship the same volume. Equal volumes mean smuggling stopped.
    assert (ma["smuggled_h100e"].iloc[1:] != mb["smuggled_h100e"].iloc[1:]).all(), (
        f"{name}: smuggled volumes equal across seeds: {list(ma['smuggled_h100e'])}")
    assert not la["internal_capability"].equals(lb["internal_capability"])


def test_many_seeds_give_many_distinct_games():
    finals = {AIRaceModel("baseline", seed=s).run_to_end().lead_months for s in range(20)}
    assert len(finals) == 20


# ----------------------------------------------------------------------------- save, load, replay
def play_with_humans(model: AIRaceModel, seasons: int | None = None) -> AIRaceModel:
    """Play a game with human decisions in several seats and hand-played injects.

    The scripted humans: the US government turns hawkish in the 2nd season and bans remote access from the
    3rd; a US lab cuts safety in the 2nd season; the PRC fast follower distils at full effort in the 4th;
    the facilitator plays a Taiwan Strait crisis in the 3rd season and a smuggling bust in the 5th.

    Args:
        model: A fresh model of a scenario with the default seats.
        seasons: Seasons to play (default: to the end).

    Returns:
        The model.

    """
    script = {
        1: [("us_gov", {"enforcement_budget_musd": 200.0, "chip_threshold_h100e": 0.0})],
        2: [("us_gov", {"remote_access_rule": "ban"}),
            ("us_lab_b", {"safety_share": 0.02, "serving_share": 0.3, "training_share": 0.68,
                          "testing_quarters": 0})],
        4: [("prc_lab_b", {"distillation_effort": 1.0}), ("prc_gov", {"smuggling_tolerance": 1.0})],
    }
    injects = {2: ["taiwan_strait_crisis"], 4: ["smuggling_bust", "algorithmic_breakthrough"]}
    target = model.total_seasons if seasons is None else seasons
    while model.running and model.seasons_played < target:
        k = model.seasons_played
        for seat, levers in script.get(k, []):
            model.submit_decision(seat, levers)
        for event in injects.get(k, []):
            model.play_event(event)
        model.step()
    return model


@pytest.mark.parametrize("name", SCENARIOS)
def test_save_load_replay_is_identical(tmp_path, name):
    model = AIRaceModel(name, seed=31).run_to_end()
    path = save_game(model, tmp_path / "games" / "g.json")
    log = load_game(path)
    assert log["seed"] == 31 and log["seasons_played"] == model.total_seasons
    assert_same_game(replay(log), model)


def test_replay_with_human_decisions_and_injects(tmp_path):
    model = play_with_humans(AIRaceModel("baseline", seed=8))
    # The humans and the facilitator really changed the game.
    assert len(model.decision_log) == 5
    assert {e["event"] for e in model.inject_log} == {"taiwan_strait_crisis", "smuggling_bust",
                                                     "algorithmic_breakthrough"}
    computer_only = AIRaceModel("baseline", seed=8).run_to_end()
    assert not frames(model)[0].equals(frames(computer_only)[0])

    path = save_game(model, tmp_path / "human.json", meta={"human_seats": ["us_gov", "us_lab_b"]})
    log = load_game(path)
    assert log["meta"] == {"human_seats": ["us_gov", "us_lab_b"]}
    replayed = replay(log)
    assert_same_game(replayed, model)
    # A second save of the replay is the same log (a save/load/replay round trip is a fixed point).
    assert game_log(replayed, meta=log["meta"]) == log


def test_resume_a_game_saved_midway(tmp_path):
    """Save after 4 seasons, reload, and finish: the same as playing straight through."""
    straight = play_with_humans(AIRaceModel("loopholes", seed=77))
    midway = play_with_humans(AIRaceModel("loopholes", seed=77), seasons=4)
    assert midway.running and midway.seasons_played == 4
    resumed = replay(load_game(save_game(midway, tmp_path / "mid.json")))
    assert_same_game(resumed, midway)
    play_with_humans(resumed)
    assert_same_game(resumed, straight)


@pytest.mark.parametrize("k", [0, 1, 3, 6, 9])
def test_undo_by_replaying_fewer_seasons(k):
    full = play_with_humans(AIRaceModel("baseline", seed=19))
    log = game_log(full)
    undone = replay(log, seasons=k)
    fresh = play_with_humans(AIRaceModel("baseline", seed=19), seasons=k)
    assert undone.seasons_played == k
    assert_same_game(undone, fresh)
    # A branch: after the undo, the game goes on with a different decision.
    undone.submit_decision("us_gov", {"remote_access_rule": "ban", "enforcement_budget_musd": 500.0})
    undone.step()
    assert undone.decision_log[-1]["levers"]["enforcement_budget_musd"] == 500.0


def test_replay_beyond_the_saved_point_is_refused():
    log = game_log(AIRaceModel("baseline", seed=1))  # 0 seasons played
    with pytest.raises(GameLogError, match="cannot replay 3 seasons of a game that played 0"):
        replay(log, seasons=3)
    with pytest.raises(GameLogError, match="cannot replay -1 seasons"):
        replay(log, seasons=-1)


# ----------------------------------------------------------------------------- bad game logs
@pytest.fixture
def saved(tmp_path) -> Path:
    """A saved game (baseline, seed 3, 4 seasons with human decisions)."""
    return save_game(play_with_humans(AIRaceModel("baseline", seed=3), seasons=4), tmp_path / "game.json")


def rewrite(path: Path, edit, fix_checksum: bool = False) -> Path:
    """Edit a saved log's JSON in place.

    Args:
        path: The game log file.
        edit: Function mutating the parsed dict.
        fix_checksum: Recompute the checksum after the edit (a well-formed but semantically bad log).

    Returns:
        The path.

    """
    data = json.loads(path.read_text())
    edit(data)
    if fix_checksum:
        data["checksum"] = _checksum({k: v for k, v in data.items() if k != "checksum"})
    path.write_text(json.dumps(data))
    return path


def test_tampered_seed_is_refused(saved):
    rewrite(saved, lambda d: d.update(seed=d["seed"] + 1))
    with pytest.raises(GameLogError, match=r"checksum mismatch: the file was edited or corrupted") as exc:
        load_game(saved)
    assert str(saved) in str(exc.value)


def test_tampered_decision_is_refused(saved):
    def edit(d):
        d["decisions"][0]["levers"]["enforcement_budget_musd"] = 1.0

    rewrite(saved, edit)
    with pytest.raises(GameLogError, match="checksum mismatch"):
        load_game(saved)


def test_tampered_scenario_is_refused(saved):
    rewrite(saved, lambda d: d["scenario"]["parameters"].update(enmity=3.0))
    with pytest.raises(GameLogError, match="checksum mismatch"):
        load_game(saved)


def test_removed_checksum_is_refused(saved):
    rewrite(saved, lambda d: d.pop("checksum"))
    with pytest.raises(GameLogError, match="checksum mismatch"):
        load_game(saved)


@pytest.mark.parametrize("cut", [0, 1, 100, -10])
def test_corrupt_file_is_refused(saved, cut):
    text = saved.read_bytes()
    saved.write_bytes(text[:cut] if cut else b"")
    with pytest.raises(GameLogError, match="not a valid JSON file") as exc:
        load_game(saved)
    assert str(saved) in str(exc.value)


def test_binary_garbage_is_refused(saved):
    saved.write_bytes(bytes(range(256)) * 4)
    with pytest.raises(GameLogError, match="not a valid JSON file"):
        load_game(saved)


@pytest.mark.parametrize("content", [
    {"format": "some-other-tool", "version": 1},
    {"seed": 1, "decisions": []},
    [1, 2, 3],
    "a game",
    None,
])
def test_foreign_json_is_refused(tmp_path, content):
    path = tmp_path / "foreign.json"
    path.write_text(json.dumps(content))
    with pytest.raises(GameLogError, match=r"not a game log of the AI race wargame \(expected format"):
        load_game(path)


def test_unknown_version_is_refused(saved):
    rewrite(saved, lambda d: d.update(version=99), fix_checksum=True)
    with pytest.raises(GameLogError, match="game log version 99 is not supported"):
        load_game(saved)


def test_missing_file_is_refused(tmp_path):
    with pytest.raises(GameLogError, match="cannot read file"):
        load_game(tmp_path / "nope.json")


def test_wrong_field_type_is_refused(saved):
    rewrite(saved, lambda d: d.update(seed="3"), fix_checksum=True)
    with pytest.raises(GameLogError, match="field 'seed' is missing or not a int"):
        load_game(saved)


def test_log_with_invalid_scenario_does_not_replay(saved):
    rewrite(saved, lambda d: d["scenario"]["parameters"].update(visibility=7.0), fix_checksum=True)
    log = load_game(saved)
    with pytest.raises(GameLogError, match=r"parameters\.visibility") as exc:
        replay(log)
    assert "less than or equal to 1" in str(exc.value)


def test_log_with_invalid_decision_does_not_replay(saved):
    def edit(d):
        d["decisions"][0]["levers"]["enforcement_budget_musd"] = -5.0

    rewrite(saved, edit, fix_checksum=True)
    with pytest.raises(GameLogError, match=r"the saved game does not replay: .*enforcement_budget_musd"):
        replay(load_game(saved))


def test_log_with_unknown_seat_or_event_does_not_replay(saved):
    rewrite(saved, lambda d: d["decisions"][0].update(seat="eu_gov"), fix_checksum=True)
    with pytest.raises(GameLogError, match="unknown seat 'eu_gov'"):
        replay(load_game(saved))
    rewrite(saved, lambda d: d.update(decisions=[], injects=[{"season": "2026Q4", "event": "alien_landing"}]),
            fix_checksum=True)
    with pytest.raises(GameLogError, match="unknown event 'alien_landing'"):
        replay(load_game(saved))


def test_parse_game_log_names_its_source():
    with pytest.raises(GameLogError, match=r"^upload\.json: not a valid JSON file"):
        parse_game_log("{", source="upload.json")
