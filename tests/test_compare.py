"""Class comparison (wargame/report/compare.py, wargame compare): decisions vs dice, divergences, report, CLI."""

from __future__ import annotations

import copy
import json
import math
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wargame.cli import main
from wargame.gamelog import GameLogError, game_log, replay, save_game
from wargame.model import AIRaceModel
from wargame.report.compare import MAX_GAMES, CompareError, compare_files, compare_games, shapley_split
from wargame.report.compare_report import divergence_table, format_value, report_html, signed

#: A US government that opens remote access every season.
OPEN = {"remote_access_rule": "open"}
#: From the fourth season (2027Q2) on, remote access banned and no chips sold to the PRC.
BAN_FROM_2027Q2 = {"remote_access_rule": "ban", "chip_threshold_h100e": 0.0}


def play(seed: int, decide=None, seasons: int | None = None, scenario: str = "baseline", seat: str = "us_gov",
         injects: dict[int, str] | None = None) -> dict:
    """A game log: ``decide(k)`` gives the seat's levers in season ``k`` (0-based), or ``None`` for none."""
    model = AIRaceModel(scenario, seed=seed)
    k = 0
    while model.running and (seasons is None or k < seasons):
        levers = decide(k) if decide is not None else None
        if levers is not None:
            model.submit_decision(seat, levers)
        if injects and k in injects:
            model.play_event(injects[k])
        model.step()
        k += 1
    return game_log(model, meta={"human_seats": [seat] if decide is not None else []})


@pytest.fixture(scope="module")
def games() -> dict[str, dict]:
    """Game logs of baseline: ``a`` and ``b`` on seed 5 (b bans from 2027Q2), ``c`` like b on seed 9, ``auto``
    with no human decision on seed 5."""
    return {
        "a": play(5, lambda k: OPEN),
        "b": play(5, lambda k: BAN_FROM_2027Q2 if k >= 3 else OPEN),
        "c": play(9, lambda k: BAN_FROM_2027Q2 if k >= 3 else OPEN),
        "a9": play(9, lambda k: OPEN),
        "auto": play(5),
    }


def final(log: dict, seed: int | None = None) -> AIRaceModel:
    """A log replayed, optionally on another seed (an independent check of the comparison's crossed games)."""
    return replay({**log, "seed": log["seed"] if seed is None else seed})


# ----------------------------------------------------------------------------------------------- the split


finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False)


@given(finite, finite, finite, finite)
def test_the_parts_of_a_split_sum_to_the_gap(rr, rg, gr, gg):
    gap, decisions, dice = shapley_split(rr, rg, gr, gg)
    assert gap == gg - rr
    assert math.isclose(decisions + dice, gap, rel_tol=1e-12, abs_tol=1e-6)


@given(finite, finite)
def test_on_one_seed_the_dice_part_is_exactly_zero(ref, game):
    gap, decisions, dice = shapley_split(ref, ref, game, game)  # f(dR, sG) = f(dR, sR), f(dG, sR) = f(dG, sG)
    assert dice == 0.0
    assert decisions == gap


@given(finite, finite)
def test_with_the_same_decisions_the_decisions_part_is_exactly_zero(on_ref_seed, on_game_seed):
    gap, decisions, dice = shapley_split(on_ref_seed, on_game_seed, on_ref_seed, on_game_seed)
    assert decisions == 0.0
    assert dice == gap


def test_same_seed_dice_part_is_zero_and_decisions_part_is_the_whole_gap(games):
    c = compare_games([("a.json", games["a"]), ("b.json", games["b"])])
    (split,) = c.splits
    assert split.same_seed and split.game == 1 and split.reference == 0
    lead = split.row("lead")
    assert lead.gap == final(games["b"]).lead_months - final(games["a"]).lead_months
    assert lead.gap != 0.0  # the ban moved the lead
    for row in split.rows:
        assert row.dice == 0.0, row
        assert row.decisions == row.gap, row
    scores_b = final(games["b"]).seat_scores()
    assert split.row("us_gov").game == scores_b["us_gov"]
    assert "the same dice" in c.notes[0]


def test_on_different_seeds_the_parts_sum_to_the_gap_and_match_crossed_replays(games):
    c = compare_games([("a.json", games["a"]), ("c.json", games["c"])])
    (split,) = c.splits
    assert not split.same_seed
    # the crossed games, replayed independently: a's decisions on seed 9 and c's decisions on seed 5
    a_on_9, c_on_5 = final(games["a"], 9), final(games["c"], 5)
    a, cc = final(games["a"]), final(games["c"])
    assert split.crossed_lead == {"reference decisions, this seed": a_on_9.lead_months,
                                  "these decisions, reference seed": c_on_5.lead_months}
    lead = split.row("lead")
    expected = shapley_split(a.lead_months, a_on_9.lead_months, c_on_5.lead_months, cc.lead_months)
    assert (lead.gap, lead.decisions, lead.dice) == expected
    assert lead.dice != 0.0 and lead.decisions != 0.0
    for row in split.rows:
        assert math.isclose(row.decisions + row.dice, row.gap, rel_tol=1e-12, abs_tol=1e-9), row
    assert "2 different seeds (5, 9)" in c.notes[0]


def test_the_same_decisions_on_two_seeds_have_no_decisions_part(games):
    c = compare_games([("a.json", games["a"]), ("a9.json", games["a9"])])
    for row in c.splits[0].rows:
        assert row.decisions == 0.0, row
        assert row.dice == row.gap
    assert c.divergences[0].first_season is None


def test_identical_games_have_every_gap_zero(games):
    c = compare_games([("one.json", games["b"]), ("two.json", copy.deepcopy(games["b"])),
                       ("three.json", games["b"])])
    assert len(c.splits) == 2
    for split in c.splits:
        for row in split.rows:
            assert (row.gap, row.decisions, row.dice) == (0.0, 0.0, 0.0), row
    (div,) = c.divergences
    assert div.seat == "us_gov" and div.first_season is None and div.differences == ()
    assert div.human_in == (0, 1, 2)
    assert [n for n in c.notes if "same game as" in n] == [
        "two.json is the same game as one.json (same seed, seasons, decisions and injects): was one file given twice?",
        "three.json is the same game as one.json (same seed, seasons, decisions and injects): was one file given "
        "twice?"]


def test_every_game_is_split_against_the_chosen_reference(games):
    logs = [("a.json", games["a"]), ("b.json", games["b"]), ("c.json", games["c"])]
    c = compare_games(logs, reference=2)
    assert [s.game for s in c.splits] == [0, 1] and {s.reference for s in c.splits} == {2}
    assert c.splits[1].same_seed is False
    first = compare_games(logs)
    assert c.splits[0].row("lead").gap == -first.splits[1].row("lead").gap  # a against c is minus c against a


# ----------------------------------------------------------------------------------------------- divergence


def test_the_divergence_table_finds_the_first_season_the_decisions_differ(games):
    c = compare_games([("a.json", games["a"]), ("b.json", games["b"])])
    (div,) = c.divergences
    assert div.seat == "us_gov" and div.name == "US government"
    assert div.first_season == "2027Q2"
    assert {d.season for d in div.differences} == {"2027Q2", "2027Q3", "2027Q4", "2028Q1", "2028Q2", "2028Q3",
                                                    "2028Q4"}
    first = [d for d in div.differences if d.season == "2027Q2"]
    assert {d.lever: d.values for d in first} == {"chip_threshold_h100e": (0.15, 0.0),
                                                  "remote_access_rule": ("open", "ban")}
    assert {d.lever: d.unit for d in first} == {"chip_threshold_h100e": "H100e per chip",
                                                "remote_access_rule": "rule"}
    header, rows = divergence_table(c, div)
    assert header == ["season", "lever", "unit", "a.json", "b.json"]
    assert rows[0] == ["2027Q2", "chip threshold H100e", "H100e per chip", "0.15", "0"]
    assert rows[1] == ["2027Q2", "remote access rule", "rule", "open", "ban"]


def test_a_seat_people_played_in_one_game_only_shows_the_computer_values_of_the_other(games):
    prc = play(5, lambda k: {"smuggling_tolerance": 0.0}, seat="prc_gov")
    c = compare_games([("us.json", games["a"]), ("prc.json", prc)])
    by_seat = {d.seat: d for d in c.divergences}
    assert set(by_seat) == {"us_gov", "prc_gov"}
    assert by_seat["prc_gov"].human_in == (1,) and by_seat["us_gov"].human_in == (0,)
    first = by_seat["prc_gov"].differences[0]
    assert first.season == "2026Q3" and first.by == ("computer", "human")
    rows = divergence_table(c, by_seat["prc_gov"])[1]
    assert rows[0][3].endswith(" (computer)") and not rows[0][4].endswith(")")


# ----------------------------------------------------------------------------------------------- endings


def test_endings_scores_and_the_all_computer_game(games):
    c = compare_games([("a.json", games["a"]), ("b.json", games["b"]), ("auto.json", games["auto"])])
    played = final(games["b"])
    b = c.games[1]
    assert b.ending.outcome == played.outcome() and b.ending.lead_months == played.lead_months
    assert b.ending.scores == played.seat_scores() and b.ending.finished and b.ending.season == "2028Q4"
    assert b.human_seats == ("us_gov",) and b.decisions == 10
    computer = AIRaceModel("baseline", seed=5)
    computer.run_to_end()
    assert b.computer.lead_months == computer.lead_months
    assert b.computer.scores == computer.seat_scores()
    auto = c.games[2]
    assert auto.human_seats == () and auto.computer == auto.ending
    assert any("computer played every seat" in note for note in c.notes)
    assert list(b.path.columns) == ["season", "lead_months", "compute_ratio", "mean_safety_share",
                                    "adoption_share_us"]
    assert len(b.path) == 11


def test_unfinished_games_are_compared_after_the_last_season_all_of_them_played(games):
    short = play(5, lambda k: BAN_FROM_2027Q2 if k >= 3 else OPEN, seasons=4)
    c = compare_games([("a.json", games["a"]), ("short.json", short)])
    assert c.season == "2027Q2" and c.seasons == 4
    assert not c.games[1].ending.finished and c.games[1].ending.season == "2027Q2"
    a_at_4 = replay(games["a"], seasons=4)
    lead = c.splits[0].row("lead")
    assert lead.reference == a_at_4.lead_months
    assert lead.dice == 0.0 and lead.decisions == lead.gap
    assert any("short.json stopped after 2027Q2 (4 of 10 seasons)" in n for n in c.notes)
    assert any("measured after 2027Q2" in n for n in c.notes)
    assert c.divergences[0].first_season == "2027Q2"


def test_injects_count_with_the_decisions(games):
    crisis = play(5, lambda k: OPEN, injects={2: "taiwan_strait_crisis"})
    c = compare_games([("a.json", games["a"]), ("crisis.json", crisis)])
    assert c.games[1].injects == (("2027Q1", "taiwan_strait_crisis"),)
    lead = c.splits[0].row("lead")
    assert lead.gap != 0.0 and lead.dice == 0.0  # same seed: the inject's effect is a choice, not dice
    assert lead.decisions == lead.gap
    assert any("Injects the facilitator played" in note for note in c.notes)


# ----------------------------------------------------------------------------------------------- refusals


def test_bad_sets_of_games_are_refused_with_one_line(games):
    with pytest.raises(CompareError, match="at least 2 games, got 1"):
        compare_games([("a.json", games["a"])])
    with pytest.raises(CompareError, match=f"at most {MAX_GAMES} games"):
        compare_games([(f"{i}.json", games["a"]) for i in range(MAX_GAMES + 1)])
    with pytest.raises(CompareError, match="reference game must be a number from 0 to 1, got 2"):
        compare_games([("a.json", games["a"]), ("b.json", games["b"])], reference=2)
    with pytest.raises(CompareError, match="no season played yet in empty.json"):
        compare_games([("a.json", games["a"]), ("empty.json", game_log(AIRaceModel("baseline", seed=5)))])


def test_games_of_different_scenarios_are_refused_naming_the_files(games):
    other = play(5, scenario="tight_controls")
    with pytest.raises(CompareError) as info:
        compare_games([("a.json", games["a"]), ("b.json", games["b"]), ("tight.json", other)])
    message = str(info.value)
    assert "\n" not in message
    assert "a.json, b.json play scenario 'baseline'; tight.json plays scenario 'tight_controls'" in message


def test_a_changed_policy_is_another_scenario_even_under_the_same_name(games):
    changed = copy.deepcopy(games["a"])
    changed["scenario"]["governments"][1]["policy"] = "hawkish"
    with pytest.raises(CompareError, match=r"same name, other settings"):
        compare_games([("a.json", games["a"]), ("hawk.json", changed)])


def test_a_log_that_does_not_replay_is_named(games):
    broken = copy.deepcopy(games["a"])
    broken["decisions"][0]["levers"]["remote_access_rule"] = "sometimes"
    with pytest.raises(GameLogError, match=r"^broken.json: the saved game does not replay"):
        compare_games([("a.json", games["a"]), ("broken.json", broken)])


# ----------------------------------------------------------------------------------------------- the report


XSS = "<script>window.__xss=1</script><img src=x onerror=alert(1)>"


def test_the_report_escapes_every_outside_text(games):
    hostile = []
    for log in (games["a"], games["b"]):
        log = copy.deepcopy(log)
        log["scenario"]["scenario"]["title"] = f"TITLE {XSS}"
        log["scenario"]["governments"][0]["name"] = f"US {XSS}"
        hostile.append(log)
    c = compare_games([(f"{XSS}.json", hostile[0]), (r"$\undefined$ & co.json", hostile[1])])
    page = report_html(c)
    assert "<script>" not in page and "<img src=x" not in page
    assert "&lt;script&gt;window.__xss=1&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;.json" in page
    assert "TITLE &lt;script&gt;" in page and "US &lt;script&gt;" in page
    assert "$\\undefined$ &amp; co.json" in page
    assert page.count("<img ") == 2  # the two charts (drawn with a "$" label as text, not maths), nothing else


def test_the_report_has_every_part_and_is_deterministic(games):
    logs = [("a.json", games["a"]), ("b.json", games["b"]), ("c.json", games["c"])]
    first = report_html(compare_games(logs))
    assert first == report_html(compare_games([(n, copy.deepcopy(log)) for n, log in logs]))
    for section in ("games", "endings", "paths", "divergence", "split", "computer"):
        assert f'<section id="{section}">' in first
    for table in ("endings-table", "scores-table", "lead-table", "divergence-table", "split-summary",
                  "split-table", "computer-table"):
        assert f'class="{table}"' in first
    assert "Decisions or dice?" in first and "from decisions (months)" in first


def test_value_formats():
    assert [format_value(v) for v in (True, False, 0.15, 0.0, 1500.0, 123456.7, 3, "ban", None)] == [
        "yes", "no", "0.15", "0", "1500", "123,457", "3", "ban", ""]
    assert [signed(v, 1) for v in (1.26, -0.04, 0.0, -2.0)] == ["+1.3", "0.0", "0.0", "-2.0"]


# ----------------------------------------------------------------------------------------------- CLI


@pytest.fixture(scope="module")
def files(games, tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("compare")
    out = {}
    for name in ("a", "b", "c"):
        out[name] = folder / f"{name}.json"
        out[name].write_text(json.dumps(games[name]))
    model = AIRaceModel("tight_controls", seed=5)
    model.run_to_end()
    out["tight"] = save_game(model, folder / "tight.json")
    broken = folder / "broken.json"
    broken.write_text(out["a"].read_text().replace('"open"', '"ban"', 1))
    out["broken"] = broken
    return out


def test_cli_prints_the_summary_and_writes_the_report(files, tmp_path, capsys):
    report = tmp_path / "class.html"
    assert main(["compare", str(files["a"]), str(files["b"]), str(files["c"]), "-o", str(report)]) == 0
    out = capsys.readouterr().out
    assert "Class comparison: Baseline: 2026 policy as it stands (scenario baseline), 3 games" in out
    assert "Endings" in out and "Scores of the seats people played" in out
    assert "from decisions" in out and "from dice" in out
    assert f"Report written to {report}" in out
    c = compare_files([files["a"], files["b"], files["c"]])
    b_lead = c.splits[0].row("lead")
    assert "b.json  final lead" in out
    assert signed(b_lead.gap, 1) in out
    text = report.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>") and "Decisions or dice?" in text


def test_cli_reference_option(files, tmp_path, capsys):
    report = tmp_path / "r.html"
    assert main(["compare", str(files["a"]), str(files["b"]), "--reference", "2", "-o", str(report)]) == 0
    assert "Gaps against b.json" in capsys.readouterr().out


@pytest.mark.parametrize("case, expected", [
    ("one", "needs at least 2 game files, got 1"),
    ("none", "needs at least 2 game files, got 0"),
    ("missing", "nowhere.json: cannot read file"),
    ("broken", "broken.json: checksum mismatch"),
    ("scenarios", "games of different scenarios cannot be compared: a.json plays scenario 'baseline'; "
                  "tight.json plays scenario 'tight_controls'"),
    ("suffix", "-o must end in .html or .htm, got 'report.txt'"),
    ("folder", "does not exist"),
    ("reference", "--reference must be a game number from 1 to 2, got 3"),
])
def test_cli_bad_input_is_one_line_and_exit_2(files, tmp_path, capsys, case, expected):
    a, b = str(files["a"]), str(files["b"])
    args = {
        "one": [a],
        "none": [],
        "missing": [a, str(tmp_path / "nowhere.json")],
        "broken": [a, str(files["broken"])],
        "scenarios": [a, str(files["tight"])],
        "suffix": [a, b, "-o", str(tmp_path / "report.txt")],
        "folder": [a, b, "-o", str(tmp_path / "no" / "report.html")],
        "reference": [a, b, "--reference", "3"],
    }[case]
    if "-o" not in args:
        args += ["-o", str(tmp_path / "report.html")]
    assert main(["compare", *args]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), captured.err
    assert expected in lines[0]
    assert not (tmp_path / "report.html").exists()
