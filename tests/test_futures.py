"""Futures and branches of a saved game (issue 9, item 5): ``wargame.futures`` and ``wargame futures|branch``.

The saved game is ``baseline`` cut to six seasons (2026Q3..2027Q4), seed 11, three seasons played; the US
government is human: ``remote_access_rule = ban`` in 2026Q3 and ``chip_threshold_h100e = 0`` in 2026Q4 (the
rest of its levers from its policy). Every test plays a handful of futures, so the file stays fast.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
from scipy.stats import binomtest

from wargame import futures as fut
from wargame.cli import main
from wargame.decisions import DecisionError
from wargame.futures import (
    FuturesError,
    branch,
    fan_chart,
    future_seeds,
    odds_table,
    play_futures,
)
from wargame.gamelog import game_log, load_game, replay, save_game
from wargame.model import RANDOM_STREAMS, AIRaceModel
from wargame.scenario import load_scenario, validate_scenario

PLAYED = 3
SEASONS = ("2026Q3", "2026Q4", "2027Q1", "2027Q2", "2027Q3", "2027Q4")


def short_baseline():
    data = load_scenario("baseline").model_dump(mode="json")
    data["scenario"]["end"] = SEASONS[-1]
    return validate_scenario(data, source="short baseline")


def play_game(seasons: int = PLAYED) -> AIRaceModel:
    model = AIRaceModel(short_baseline(), seed=11)
    for k in range(seasons):
        if k == 0:
            model.submit_decision("us_gov", {"remote_access_rule": "ban"})
        if k == 1:
            model.submit_decision("us_gov", {"chip_threshold_h100e": 0.0})
        model.step()
    return model


@pytest.fixture(scope="module")
def game_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("futures") / "game.json"
    save_game(play_game(), path)
    return path


@pytest.fixture(scope="module")
def log(game_file):
    return load_game(game_file)


@pytest.fixture(scope="module")
def futures10(log):
    return play_futures(log, 10, seed=3)


# ------------------------------------------------------------------------------------------------ seeds


def test_future_seeds_are_a_stream_of_63_bit_seeds():
    eight = future_seeds(7, 8)
    assert eight.dtype == np.int64 and eight.shape == (8,)
    assert (eight >= 0).all() and len(set(eight.tolist())) == 8
    for m in (0, 1, 5):
        assert future_seeds(7, m).tolist() == eight[:m].tolist(), "the first m of n are future_seeds(seed, m)"
    assert future_seeds(7, 8).tolist() == eight.tolist()
    assert future_seeds(8, 8).tolist() != eight.tolist()
    with pytest.raises(FuturesError, match="seed must be an integer"):
        future_seeds(-1, 3)


def test_reseed_keys_the_draws_like_init_and_gives_common_random_numbers():
    model = play_game(1)
    model.reseed(99)
    fresh = AIRaceModel("baseline", seed=99)
    assert model.draw_seeds.tolist() == fresh.draw_seeds.tolist() == [99]
    for stream in RANDOM_STREAMS:
        assert model.draw("uniform", stream, 3, season=4) == fresh.draw("uniform", stream, 3, season=4), stream
    a, b, c = play_game(1), play_game(1), play_game(1)
    a.reseed(5)
    b.reseed(5)
    c.reseed(6)
    for m in (a, b, c):
        m.run_to_end()
    assert a.datacollector.get_model_vars_dataframe().equals(b.datacollector.get_model_vars_dataframe())
    assert a.seat_scores() == b.seat_scores()
    assert a.lead_months != c.lead_months, "another seed, other draws"
    assert a.seed == 11, "the game's seed is kept"
    for bad in (-1, 2**63, 1.5, True):
        with pytest.raises(ValueError, match="seed must be an integer"):
            a.reseed(bad)


# ------------------------------------------------------------------------------------------------ futures


def test_futures_match_the_game_up_to_the_saved_point(log, futures10):
    game = play_game()
    played = game.datacollector.get_model_vars_dataframe()["lead_months"].to_numpy()
    paths = futures10.lead_paths
    assert list(paths.columns) == ["future", "2026Q2", *SEASONS], "the start state, then every season"
    assert len(paths) == 10 and paths["future"].tolist() == list(range(10))
    for _, row in paths.iterrows():
        assert row.iloc[1:1 + PLAYED + 1].to_numpy(dtype=float).tolist() == played.tolist()
    assert futures10.game_lead.tolist() == played.tolist()
    assert futures10.start_season == SEASONS[PLAYED]
    assert futures10.human_seats == ("us_gov",)
    final = paths[SEASONS[-1]].to_numpy()
    assert final.tolist() == futures10.runs["final_lead_months"].tolist()


def test_fresh_seeds_make_the_futures_differ_after_the_saved_point(futures10):
    runs = futures10.runs
    assert runs["seed"].tolist() == future_seeds(3, 10).tolist()
    for season in SEASONS[PLAYED:]:
        assert futures10.lead_paths[season].nunique() > 5, season
    assert runs["score_us_gov"].nunique() > 5
    assert set(runs["outcome"]) <= {"S1", "S2", "contested"}
    assert [c for c in runs.columns if c.startswith("score_")] == [
        f"score_{a.seat}" for a in play_game(0).seats()]


def test_each_future_is_the_game_reseeded_and_played_alone(log, futures10):
    """The ensemble of futures: lane i equals the replayed game reseeded with future i's seed, played alone."""
    for i, seed in enumerate(future_seeds(3, 10)[:4]):
        alone = replay(log)
        alone.reseed(int(seed))
        alone.run_to_end()
        row = futures10.runs.iloc[i]
        assert row["outcome"] == alone.outcome()
        assert row["final_lead_months"] == pytest.approx(alone.lead_months, rel=1e-12, abs=1e-12)
        for seat, score in alone.seat_scores().items():
            assert row[f"score_{seat}"] == pytest.approx(score, rel=1e-12, abs=1e-12), seat
        path = alone.datacollector.get_model_vars_dataframe()["lead_months"].to_numpy()
        np.testing.assert_allclose(futures10.lead_paths.iloc[i, 1:].to_numpy(dtype=float), path, rtol=1e-12)


def test_future_i_does_not_depend_on_n_workers_or_chunking(log, monkeypatch):
    five = play_futures(log, 5, seed=3)
    eight = play_futures(log, 8, seed=3, workers=2)
    pd.testing.assert_frame_equal(five.runs, eight.runs.iloc[:5])
    pd.testing.assert_frame_equal(five.lead_paths, eight.lead_paths.iloc[:5])
    monkeypatch.setattr(fut, "CHUNK_FUTURES", 3)
    chunked = play_futures(log, 8, seed=3)
    pd.testing.assert_frame_equal(chunked.runs, eight.runs)
    pd.testing.assert_frame_equal(chunked.lead_paths, eight.lead_paths)


def test_progress_counts_every_run(log):
    seen: list[int] = []
    play_futures(log, 4, progress=seen.append)
    assert sum(seen) == 4
    seen.clear()
    branch(log, SEASONS[1], "us_gov", {}, 3, progress=seen.append)
    assert sum(seen) == 6, "two runs a future"


def _capture_decisions(monkeypatch):
    """Record, for every ensemble of futures played in this process, us_gov's decision after each season."""
    played: list[list[tuple[str, dict]]] = []
    original = fut._play_arm

    def spy(model, arm):
        seasons: list[tuple[str, dict]] = []
        step = model.step

        def recording_step():
            season = model.season
            step()
            us = model.actor("us_gov")
            seasons.append((season, {k: np.broadcast_to(getattr(us.decision, k), (model.n_runs,)).tolist()
                                     for k in us.levers}))

        model.step = recording_step
        original(model, arm)
        played.append(seasons)

    monkeypatch.setattr(fut, "_play_arm", spy)
    return played


def test_hold_keeps_the_human_seats_last_decision(log, monkeypatch):
    last = [e for e in log["decisions"] if e["seat"] == "us_gov"][-1]
    assert last["season"] == SEASONS[1] and last["levers"]["chip_threshold_h100e"] == 0.0
    assert last["levers"]["remote_access_rule"] != "ban", "the last decision, not the first"
    played = _capture_decisions(monkeypatch)
    held = play_futures(log, 3, hold=True)
    free = play_futures(log, 3)
    assert len(played) == 2, "one ensemble of 3 futures each"
    for seasons, hold in zip(played, [True, False], strict=True):
        assert [season for season, _ in seasons] == list(SEASONS[PLAYED:])
        as_logged = [all(values == [last["levers"][k]] * 3 for k, values in levers.items()) for _, levers in seasons]
        assert all(as_logged) if hold else not all(as_logged), (hold, seasons)
    assert held.hold and not free.hold
    assert not held.runs["final_lead_months"].equals(free.runs["final_lead_months"])


def test_a_finished_game_has_no_future():
    over = game_log(play_game(len(SEASONS)))
    with pytest.raises(FuturesError, match=r"the saved game is over \(6 of 6 seasons played.*wargame branch"):
        play_futures(over, 3)


@pytest.mark.parametrize("n", [0, -3, 2.5, True, fut.MAX_FUTURES + 1])
def test_the_number_of_futures_is_checked(log, n):
    with pytest.raises(FuturesError, match="number of futures must be an integer from 1 to 100,000"):
        play_futures(log, n)


# ------------------------------------------------------------------------------------------------ odds


def test_odds_are_wilson_intervals_that_match_scipy(futures10):
    odds = futures10.odds()
    assert odds["outcome"].tolist() == ["S1", "S2", "contested"]
    assert odds["count"].sum() == 10 and (odds["n"] == 10).all()
    for row in odds.itertuples():
        assert row.p == row.count / 10
        assert row.ci_low <= row.p <= row.ci_high
        ci = binomtest(row.count, 10).proportion_ci(confidence_level=0.95, method="wilson")
        assert math.isclose(row.ci_low, ci.low, abs_tol=1e-12) and math.isclose(row.ci_high, ci.high, abs_tol=1e-12)
    runs = pd.DataFrame({"outcome": ["S1"] * 7 + ["S2"] * 2 + ["contested"] * 991})
    table = odds_table(runs).set_index("outcome")
    for outcome, k in (("S1", 7), ("S2", 2), ("contested", 991)):
        ci = binomtest(k, 1000).proportion_ci(method="wilson")
        assert math.isclose(table.loc[outcome, "ci_low"], ci.low, abs_tol=1e-12)
        assert math.isclose(table.loc[outcome, "ci_high"], ci.high, abs_tol=1e-12)


def test_score_summary_describes_each_seats_final_score(futures10):
    summary = futures10.score_summary().set_index("seat")
    runs = futures10.runs
    assert list(summary.index) == [c.removeprefix("score_") for c in runs.columns if c.startswith("score_")]
    us = runs["score_us_gov"]
    assert math.isclose(summary.loc["us_gov", "mean"], us.mean())
    assert math.isclose(summary.loc["us_gov", "sd"], us.std(ddof=1))
    assert math.isclose(summary.loc["us_gov", "p50"], us.median())
    assert (summary["p5"] <= summary["p50"]).all() and (summary["p50"] <= summary["p95"]).all()


def test_fan_chart_writes_a_png(futures10, tmp_path):
    path = fan_chart(futures10, tmp_path / "fan.png")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    bands = futures10.lead_bands()
    assert bands["season"].tolist() == ["2026Q2", *SEASONS]
    played = bands.iloc[:PLAYED + 1]
    assert (played["q05"] == played["q95"]).all(), "no spread over the seasons played"
    assert (bands["q05"] <= bands["median"]).all() and (bands["median"] <= bands["q95"]).all()


# ------------------------------------------------------------------------------------------------ branches


def _assert_arms_identical(result):
    a, b = result.arm("as_played"), result.arm("changed")
    pd.testing.assert_frame_equal(a, b)
    diff = result.difference()
    assert (diff[["difference", "ci_low", "ci_high"]].to_numpy() == 0.0).all(), diff
    assert (diff["as_played"] == diff["changed"]).all()


def test_an_unchanged_decision_gives_exactly_zero_difference(log):
    logged = next(e for e in log["decisions"] if e["season"] == SEASONS[0])
    _assert_arms_identical(branch(log, SEASONS[0], "us_gov", {}, 4))
    same = {"remote_access_rule": logged["levers"]["remote_access_rule"]}
    _assert_arms_identical(branch(log, SEASONS[0], "us_gov", same, 4, hold=True))


def test_setting_a_computer_seat_to_its_policys_choice_changes_nothing(log):
    # What the PRC government's policy chose in 2026Q4 of the game: the same value "by hand" is no change.
    history = play_game().decision_history
    chosen = next(e for e in history if e["seat"] == "prc_gov" and e["season"] == SEASONS[1])
    assert chosen["by"] == "computer"
    result = branch(log, SEASONS[1], "prc_gov", {"retaliation": chosen["levers"]["retaliation"]}, 4)
    _assert_arms_identical(result)
    assert result.as_played == {"retaliation": chosen["levers"]["retaliation"]}  # read from the game itself
    assert result.as_played_by == "computer"


def test_a_branch_says_what_the_seat_played_in_the_game(log):
    logged = next(e for e in log["decisions"] if e["season"] == SEASONS[0] and e["seat"] == "us_gov")
    result = branch(log, SEASONS[0], "us_gov", {"remote_access_rule": "open"}, 2)
    assert result.as_played == {"remote_access_rule": logged["levers"]["remote_access_rule"]}
    assert result.as_played_by == "human"


def test_a_strong_lever_change_moves_the_outcome(log):
    result = branch(log, SEASONS[1], "us_gov", {"chip_threshold_h100e": 1.0}, 16, hold=True)
    a, b = result.arm("as_played"), result.arm("changed")
    assert a["seed"].tolist() == b["seed"].tolist() == future_seeds(0, 16).tolist(), "common random numbers"
    diff = result.difference().set_index("quantity")
    lead = diff.loc["final_lead_months"]
    assert lead["difference"] < 0 and lead["ci_high"] < 0, "selling better chips to the PRC shrinks the US lead"
    assert math.isclose(lead["difference"], (b["final_lead_months"] - a["final_lead_months"]).mean())
    assert math.isclose(lead["as_played"], a["final_lead_months"].mean())
    for outcome in ("S1", "S2", "contested"):
        p = diff.loc[f"P({outcome})"]
        assert math.isclose(p["difference"], (b["outcome"] == outcome).mean() - (a["outcome"] == outcome).mean())
    assert (b["score_us_designer"] > a["score_us_designer"]).all(), "the designer sells more"
    odds = result.odds()
    assert odds["arm"].tolist() == ["as_played"] * 3 + ["changed"] * 3
    played = result.lead_paths[result.lead_paths["arm"] == "as_played"]
    assert (played["2026Q3"] == played["2026Q3"].iloc[0]).all(), "the season before the branch is the game's"


def test_a_branch_at_the_next_season_is_the_futures(log):
    for hold in (False, True):
        futures = play_futures(log, 3, hold=hold)
        result = branch(log, SEASONS[PLAYED], "us_gov", {}, 3, hold=hold)
        pd.testing.assert_frame_equal(result.arm("as_played"), futures.runs)
        pd.testing.assert_frame_equal(result.arm("changed"), futures.runs)


@pytest.mark.parametrize(("season", "seat", "levers", "error", "message"), [
    ("2028Q1", "us_gov", {}, FuturesError, r"season '2028Q1' cannot be branched.*2026Q3\.\.2027Q2"),
    ("2027Q3", "us_gov", {}, FuturesError, "cannot be branched"),
    ("spring", "us_gov", {}, FuturesError, "season must look like '2026Q3'.*2026Q3..2027Q2"),
    (SEASONS[0], "nobody", {}, DecisionError, "unknown seat 'nobody'; seats: us_gov, prc_gov"),
    (SEASONS[0], "us_gov", {"warp_drive": 1.0}, FuturesError,
     "seat 'us_gov' has no lever 'warp_drive'; its levers: chip_threshold_h100e"),
    (SEASONS[0], "us_gov", {"remote_access_rule": "never"}, DecisionError,
     "remote_access_rule: Input should be 'open', 'kyc' or 'ban'"),
    (SEASONS[0], "us_gov", {"chip_threshold_h100e": 5.0}, DecisionError, "chip_threshold_h100e"),
    (SEASONS[0], "prc_lab_a", {"distillation_defence": 0.5}, FuturesError, "has no lever 'distillation_defence'"),
])
def test_bad_branch_requests_are_refused_by_name(log, season, seat, levers, error, message):
    with pytest.raises(error, match=message):
        branch(log, season, seat, levers, 2)


# ------------------------------------------------------------------------------------------------ CLI


def test_cli_futures_end_to_end(game_file, tmp_path, capsys):
    chart, out = tmp_path / "fan.png", tmp_path / "futures.csv"
    code = main(["futures", str(game_file), "-n", "20", "--workers", "1", "--seed", "3", "--chart", str(chart),
                 "--out", str(out)])
    printed = capsys.readouterr().out
    assert code == 0, printed
    assert "20 futures from 2027Q2 to 2027Q4" in printed
    assert "95% CI (Wilson)" in printed
    table = pd.read_csv(out)
    assert len(table) == 20 and table["future"].tolist() == list(range(20))
    odds = odds_table(table)
    for row in odds.itertuples():
        assert f"{row.outcome:<10} {row.count:>8,} {row.p:>7.3f}  [{row.ci_low:.3f}, {row.ci_high:.3f}]" in printed
    assert "us_gov" in printed and "p95" in printed
    assert "runs/s with 1 worker(s)" in printed
    assert chart.read_bytes()[:4] == b"\x89PNG"


def test_cli_branch_end_to_end(game_file, tmp_path, capsys):
    out = tmp_path / "branch.parquet"
    code = main(["branch", str(game_file), "--season", SEASONS[1], "--seat", "us_gov", "--set",
                 "chip_threshold_h100e=1", "--set", "licences_downgraded=yes", "-n", "6", "--workers", "1",
                 "--hold", "--out", str(out)])
    printed = capsys.readouterr().out
    assert code == 0, printed
    assert "us_gov sets chip_threshold_h100e=1.0, licences_downgraded=yes" in printed
    assert "changed - as played [95% CI, paired]" in printed
    assert "P(S1)" in printed and "final_lead_months" in printed
    runs = pd.read_parquet(out)
    assert runs["arm"].tolist() == ["as_played"] * 6 + ["changed"] * 6


def test_cli_branch_at_the_next_season_says_what_the_seat_would_play(game_file, capsys):
    code = main(["branch", str(game_file), "--season", SEASONS[PLAYED], "--seat", "prc_gov", "--set",
                 "smuggling_tolerance=0", "-n", "2", "--workers", "1"])
    printed = capsys.readouterr().out
    assert code == 0, printed
    assert "In the game, prc_gov would play smuggling_tolerance=" in printed
    assert f"in {SEASONS[PLAYED]} (its computer policy" in printed and "the season is not played yet" in printed
    code = main(["branch", str(game_file), "--season", SEASONS[1], "--seat", "prc_gov", "--set",
                 "smuggling_tolerance=0", "-n", "2", "--workers", "1"])
    assert "In the game, prc_gov played smuggling_tolerance=" in capsys.readouterr().out


@pytest.mark.parametrize("command", ["futures", "branch"])
def test_cli_ctrl_c_prints_one_line_and_exits_130(game_file, capsys, monkeypatch, command):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("wargame.futures_cli.play_futures", interrupted)
    monkeypatch.setattr("wargame.futures_cli.branch", interrupted)
    args = [command, str(game_file), "-n", "4"]
    if command == "branch":
        args += ["--season", SEASONS[1], "--seat", "us_gov", "--set", "remote_access_rule=ban"]
    assert main(args) == 130
    captured = capsys.readouterr()
    assert captured.err.strip().splitlines() == [
        f"interrupted; nothing was written. Re-run the same command to play the {command} again (the same seed "
        "gives the same futures)."]


@pytest.mark.parametrize(("args", "message"), [
    (["futures", "{missing}", "-n", "5"], "cannot read file"),
    (["futures", "{corrupt}", "-n", "5"], "not a valid JSON file"),
    (["futures", "{game}", "-n", "0"], "number of futures must be an integer from 1 to 100,000, got 0"),
    (["futures", "{game}", "-n", "99999999"], "number of futures must be an integer from 1 to 100,000"),
    (["futures", "{game}", "-n", "5", "--workers", "0"], "--workers must be at least 1"),
    (["futures", "{game}", "-n", "5", "--chart", "{tmp}/fan.jpg"], "--chart must end in .png"),
    (["futures", "{game}", "-n", "5", "--chart", "/proc/fan.png"], "cannot write in folder /proc"),  # up front
    (["futures", "{over}", "-n", "5"], "the saved game is over"),
    (["branch", "{game}", "--season", "2029Q1", "--seat", "us_gov", "--set", "remote_access_rule=ban", "-n", "5"],
     "season '2029Q1' cannot be branched"),
    (["branch", "{game}", "--season", "2026Q4", "--seat", "usgov", "--set", "remote_access_rule=ban", "-n", "5"],
     "unknown seat 'usgov'"),
    (["branch", "{game}", "--season", "2026Q4", "--seat", "us_gov", "--set", "warp=9", "-n", "5"],
     "seat 'us_gov' has no lever 'warp'"),
    (["branch", "{game}", "--season", "2026Q4", "--seat", "us_gov", "--set", "remote_access_rule", "-n", "5"],
     "--set 'remote_access_rule': expected LEVER=VALUE"),
    (["branch", "{game}", "--season", "2026Q4", "--seat", "us_gov", "--set", "chip_threshold_h100e=lots"],
     "--set chip_threshold_h100e=lots: chip_threshold_h100e takes a number from 0 to 1"),
    (["branch", "{game}", "--season", "2026Q4", "--seat", "us_gov", "--set", "licences_downgraded=maybe"],
     "licences_downgraded takes yes or no"),
    (["branch", "{game}", "--season", "2026Q4", "--seat", "us_gov", "--set", "remote_access_rule=never"],
     "Input should be 'open', 'kyc' or 'ban'"),
])
def test_cli_bad_input_exits_2_with_one_line(game_file, tmp_path, capsys, args, message):
    corrupt = tmp_path / "corrupt.json"
    corrupt.write_text(game_file.read_text()[:-40])
    over = tmp_path / "over.json"
    save_game(play_game(len(SEASONS)), over)
    paths = {"missing": tmp_path / "nope.json", "corrupt": corrupt, "game": game_file, "over": over, "tmp": tmp_path}
    code = main([a.format(**paths) for a in args])
    err = capsys.readouterr().err
    assert code == 2, err
    assert err.startswith("error: ") and err.count("\n") == 1, err
    assert message in err and "Traceback" not in err


def test_the_saved_fixture_replays_to_the_game(log):
    assert log["seasons_played"] == PLAYED
    assert [e["season"] for e in log["decisions"]] == list(SEASONS[:2])
    model = replay(log)
    assert json.dumps(model.summary(), sort_keys=True, default=str) == json.dumps(
        play_game().summary(), sort_keys=True, default=str)


def test_a_branch_needs_two_futures_for_its_paired_interval(log):
    with pytest.raises(FuturesError, match="a paired interval needs at least 2 futures"):
        branch(log, SEASONS[0], "us_gov", {}, 1)


def test_cli_run_can_stop_early_and_save_a_game_in_progress_for_futures(tmp_path, capsys):
    from wargame.cli import main

    game = tmp_path / "part.json"
    assert main(["run", "baseline", "--seed", "3", "--seasons", "2", "--save", str(game)]) == 0
    out = capsys.readouterr().out
    assert "Game in progress: 2 of 10 seasons played, next 2027Q1" in out and "Outcome at" not in out
    assert main(["futures", str(game), "-n", "3", "--workers", "1"]) == 0
    assert "3 futures from 2027Q1" in capsys.readouterr().out
    assert main(["run", "baseline", "--seasons", "0"]) == 2
    assert "--seasons must be from 1 to 10" in capsys.readouterr().err
