"""Branch in the debrief (issue 10, item 3): the panel's computing helper and the panel itself, headless.

The game is a full ``baseline`` game (seed 2026, ten seasons) with the US and PRC governments human; the US
government bans remote access in 2026Q3. Branches play a hundred or two futures per arm, so the file stays fast;
the real-browser test is ``tests/test_browser_branch.py``.
"""

from __future__ import annotations

import dataclasses
import time

import ipyvuetify as v
import ipywidgets as widgets
import pandas as pd
import pytest
import solara
from widget_text import all_text

from wargame.futures import FuturesError, future_seeds
from wargame.tabletop import branch_view
from wargame.tabletop.branch_game import (
    MAX_FUTURES,
    MIN_FUTURES,
    BranchInputError,
    changed_levers,
    check_request,
    parse_futures,
    played_game,
)
from wargame.tabletop.branch_result import run_branch, value_text
from wargame.tabletop.branch_view import BranchPanel
from wargame.tabletop.debrief import RevealDebrief, RoomDebrief
from wargame.tabletop.forms import SHARE_LEVERS, coerce_lever
from wargame.tabletop.room import Room, Team
from wargame.tabletop.session import GameSession
from wargame.tabletop.text_widgets import TextTable

SEED = 2026
N = 150


def full_game() -> GameSession:
    game = GameSession.new("baseline", SEED, ["us_gov", "prc_gov"])
    game.set_lever("us_gov", "remote_access_rule", "ban")
    game.step()
    game.play_to_end()
    return game


@pytest.fixture(scope="module")
def game() -> GameSession:
    return full_game()


@pytest.fixture(scope="module")
def played(game):
    return played_game(game.log(), game.model)


def _assert_identical(result):
    a, b = result.branch.arm("as_played"), result.branch.arm("changed")
    pd.testing.assert_frame_equal(a, b)
    assert result.identical and result.changes == {}
    diff = result.branch.difference()
    assert (diff[["difference", "ci_low", "ci_high"]].to_numpy() == 0.0).all()
    assert [row[1] for row in result.rows] == [row[2] for row in result.rows], "the arms are shown side by side"
    assert all(row[3].startswith(("+0.0 [+0.0, +0.0]", "+0.00 [+0.00, +0.00]")) for row in result.rows)


# ----------------------------------------------------------------------------------------------- what was played


def test_the_panel_lists_every_season_played_and_every_seat_with_what_it_played(game, played):
    assert played.seasons == tuple(f"{2026 + (i + 2) // 4}Q{(i + 2) % 4 + 1}" for i in range(10))
    assert [s.seat for s in played.seats] == [a.seat for a in game.seats()] and len(played.seats) == 22
    assert {s.seat for s in played.seats if s.human} == {"us_gov", "prc_gov"}
    assert played.seat("us_gov").label == "US government (US government, US bloc; human)"
    assert played.seat("us_lab_a").label.endswith("(AI lab, US bloc; computer)")
    for entry in game.model.decision_history:
        levers, by = played.played(entry["season"], entry["seat"])
        assert levers == entry["levers"] and by == entry["by"]
    assert played.played("2026Q3", "us_gov")[0]["remote_access_rule"] == "ban"
    assert played.outcome == game.model.summary()["outcome"]
    assert played.lead_path[-1] == pytest.approx(played.final_lead_months)


@pytest.mark.parametrize(("season", "seat"), [("2026Q3", "us_gov"), ("2027Q2", "prc_gov"),
                                              ("2027Q1", "us_lab_a"), ("2028Q1", "prc_lab_a")])
def test_the_form_starts_from_what_the_seat_played_so_unchanged_is_the_default(played, season, seat):
    form = played.form(season, seat)
    levers, by = played.played(season, seat)
    assert set(form.draft) == set(levers) == set(played.seat(seat).levers)
    assert form.typed() == {k: coerce_lever(form.rows[k], v) for k, v in levers.items()}
    assert form.problem() == ""
    assert changed_levers(form, levers, form.typed()) == {}
    form.set_lever(next(iter(form.rows)), "0.5" if form.rows[next(iter(form.rows))]["type"] == "float" else "1")
    form.reset()
    assert changed_levers(form, levers, form.typed()) == {}, "reset goes back to the game as played"


# ----------------------------------------------------------------------------------------------- the branch


@pytest.mark.parametrize(("season", "seat", "hold"), [("2026Q3", "us_gov", False), ("2027Q2", "prc_gov", True),
                                                      ("2027Q1", "us_lab_a", False)])
def test_an_unchanged_decision_gives_identical_arms(played, season, seat, hold):
    form = played.form(season, seat)
    levers, n = check_request(form, str(N))
    result = run_branch(played, season, seat, levers, n, hold=hold)
    _assert_identical(result)
    name = played.seat(seat).name
    assert result.sentence == (f"With {name}'s decision in {season} left as played, all {N} futures would have "
                               "ended exactly the same, on the same dice: the two distributions are identical "
                               "(difference 0).")
    assert f"{name} plays what it played in the game (unchanged)" in result.setup_line
    assert result.png.startswith(b"\x89PNG")


def test_a_strongly_changed_decision_gives_a_different_distribution(played):
    form = played.form("2026Q3", "us_gov")
    form.set_lever("chip_threshold_h100e", "1")
    form.set_lever("remote_access_rule", "open")
    levers, n = check_request(form, str(N))
    result = run_branch(played, "2026Q3", "us_gov", levers, n, hold=True)
    assert result.changes == {"chip_threshold_h100e": 1.0, "remote_access_rule": "open"}
    assert result.branch.levers == result.changes, "only the changed levers are overridden"
    assert not result.identical
    a, b = result.branch.arm("as_played"), result.branch.arm("changed")
    assert a["seed"].tolist() == b["seed"].tolist() == future_seeds(0, N).tolist(), "the same dice in both arms"
    assert not a["final_lead_months"].equals(b["final_lead_months"])
    diff = result.branch.difference().set_index("quantity")
    lead = diff.loc["final_lead_months"]
    assert lead["ci_high"] < 0, "selling the best chips to the PRC every season shrinks the US lead"
    assert result.rows[3][1] != result.rows[3][2]
    assert result.rows[3][3] == f"{lead['difference']:+.2f} [{lead['ci_low']:+.2f}, {lead['ci_high']:+.2f}] months"
    assert result.sentence.startswith("Had US government set chip threshold to 1 H100e per chip (in the game: "
                                      "0.15 H100e per chip) and remote access rule to open (in the game: ban) in "
                                      "2026Q3, ")
    assert f"the US lead at the end {abs(lead['difference']):.2f} months lower" in result.sentence
    odds = diff.loc[["P(S1)", "P(S2)", "P(contested)"]]
    moved = odds["difference"].abs().idxmax()
    points = abs(100 * odds.loc[moved, "difference"])
    if points:
        assert f"{moved} would have been {points:.1f} percentage points" in result.sentence
    for row, outcome in zip(result.rows[:3], ("S1", "S2", "contested"), strict=True):
        p = odds.loc[f"P({outcome})"]
        assert row[1].startswith(f"{p['as_played']:.1%} [") and row[2].startswith(f"{p['changed']:.1%} [")


def test_the_same_request_gives_the_same_result(played):
    form = played.form("2027Q4", "us_gov")
    form.set_lever("export_promotion", "1")
    levers, _ = check_request(form, str(MIN_FUTURES))
    first = run_branch(played, "2027Q4", "us_gov", levers, MIN_FUTURES)
    second = run_branch(played, "2027Q4", "us_gov", levers, MIN_FUTURES)
    assert first.rows == second.rows and first.sentence == second.sentence
    pd.testing.assert_frame_equal(first.branch.runs, second.branch.runs)


def test_a_labs_shares_are_changed_together_and_a_single_lever_alone(played):
    form = played.form("2027Q1", "prc_lab_a")
    levers, _ = played.played("2027Q1", "prc_lab_a")
    form.set_lever("training_share", f"{levers['training_share'] - 0.1:.6f}")
    form.set_lever("safety_share", f"{levers['safety_share'] + 0.1:.6f}")
    form.set_lever("distillation_effort", "1")
    typed, _ = check_request(form, "100")
    changes = changed_levers(form, levers, typed)
    assert set(changes) == {*SHARE_LEVERS, "distillation_effort"}
    assert sum(changes[name] for name in SHARE_LEVERS) == pytest.approx(1.0)
    result = run_branch(played, "2027Q1", "prc_lab_a", typed, 100)
    assert not result.identical and set(result.changes) == set(changes)


def test_value_text_gives_every_value_its_unit(played):
    rows = played.form("2026Q3", "us_gov").rows
    assert value_text(rows["chip_threshold_h100e"], 1.0) == "1 H100e per chip"
    assert value_text(rows["ally_pressure"], 0.5) == "0.5 (intensity [0, 1])"
    assert value_text(rows["licences_downgraded"], False) == "no"
    assert value_text(rows["remote_access_rule"], "kyc") == "kyc"


# ----------------------------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(("seat", "typed", "message"), [
    ("us_gov", {"chip_threshold_h100e": "abc"},
     "Chip threshold: must be between 0 and 1 H100e per chip ('abc' is not a number)."),
    ("us_gov", {"chip_threshold_h100e": "5"}, "Chip threshold: must be between 0 and 1 H100e per chip (got 5)."),
    ("us_gov", {"enforcement_budget_musd": ""},
     "Enforcement budget: must be between 0 and 1,000 USD million per quarter (the field is empty)."),
    ("us_lab_a", {"testing_quarters": "1.5"},
     "Testing quarters: must be a whole number from 0 to 4 quarters (got '1.5')."),
    ("us_lab_a", {"training_share": "0.9"}, "Training, safety and serving shares must add up to 1 (now "),
])
def test_bad_lever_input_is_refused_with_one_plain_line(played, seat, typed, message):
    form = played.form("2027Q1", seat)
    for name, text in typed.items():
        form.set_lever(name, text)
    with pytest.raises(BranchInputError) as caught:
        check_request(form, "1000")
    assert str(caught.value).startswith(message) and "\n" not in str(caught.value)


@pytest.mark.parametrize(("text", "message"), [
    ("50", "Number of futures: must be a whole number from 100 to 10,000 futures per arm (got 50)."),
    ("20000", "Number of futures: must be a whole number from 100 to 10,000 futures per arm (got 20,000)."),
    ("many", "Number of futures: must be a whole number from 100 to 10,000 futures per arm ('many' is not a number)."),
    ("", "Number of futures: must be a whole number from 100 to 10,000 futures per arm (the field is empty)."),
    ("12.5", "Number of futures: must be a whole number from 100 to 10,000 futures per arm (got '12.5')."),
])
def test_a_bad_number_of_futures_is_refused_with_one_plain_line(text, message):
    with pytest.raises(BranchInputError) as caught:
        parse_futures(text)
    assert str(caught.value) == message


def test_the_number_of_futures_takes_its_bounds_and_thousands_separators():
    assert parse_futures("1,000") == 1000
    assert parse_futures(f"{MIN_FUTURES}") == MIN_FUTURES and parse_futures(f"{MAX_FUTURES}") == MAX_FUTURES


def test_every_problem_of_a_request_is_a_line_of_its_own(played):
    form = played.form("2027Q1", "us_gov")
    form.set_lever("chip_threshold_h100e", "lots")
    form.set_lever("revenue_share", "a lot")
    with pytest.raises(BranchInputError) as caught:
        check_request(form, "7")
    lines = str(caught.value).split("\n")
    assert [line.split(":")[0] for line in lines] == ["Chip threshold", "Revenue share", "Number of futures"]


def test_a_season_not_played_or_an_unknown_seat_is_refused_by_name(played):
    with pytest.raises(BranchInputError, match=r"Season '2029Q1' was not played; seasons: 2026Q3, .*2028Q4\."):
        run_branch(played, "2029Q1", "us_gov", {}, MIN_FUTURES)
    with pytest.raises(BranchInputError, match=r"Unknown seat 'nobody'; seats: us_gov, prc_gov"):
        run_branch(played, "2027Q1", "nobody", {}, MIN_FUTURES)


# ----------------------------------------------------------------------------------------------- the panel


def tree(rc) -> list:
    out, stack = [], [rc.find().widget]
    while stack:
        node = stack.pop()
        out.append(node)
        for attr in ("children", "v_slots"):
            value = getattr(node, attr, None)
            for item in value if isinstance(value, list | tuple) else []:
                child = item.get("children") if isinstance(item, dict) else item
                stack.extend(child if isinstance(child, list) else [child])
    return [w for w in out if isinstance(w, widgets.Widget)]


def with_class(rc, css: str) -> list:
    return [w for w in tree(rc) if css in str(getattr(w, "class_", "") or "").split()]


def one(rc, css: str):
    found = with_class(rc, css)
    assert len(found) == 1, f"{len(found)} widgets with class {css}"
    return found[0]


def wait_for(rc, css: str, seconds: float = 60.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if with_class(rc, css):
            return one(rc, css)
        time.sleep(0.05)
    raise AssertionError(f"nothing with class {css} after {seconds} s")


def branch_table(rc) -> list[list[str]]:
    tables = [w for w in rc.find(TextTable).widgets if w.table_class == "branch-table"]
    assert len(tables) == 1
    return [list(row) for row in tables[0].rows]


def test_the_panel_branches_unchanged_then_changed_off_the_ui_thread(game):
    box, rc = solara.render(RevealDebrief(game, game.version), handle_error=False)
    assert not with_class(rc, "branch-season"), "the panel is closed until opened"
    one(rc, "open-branch").click()
    assert one(rc, "branch-season").v_model == "2026Q3"
    assert one(rc, "branch-seat").v_model == "us_gov"
    assert one(rc, "branch-lever-remote_access_rule").v_model == "ban"
    one(rc, "branch-futures").v_model = str(MIN_FUTURES)
    one(rc, "run-branch").click()
    wait_for(rc, "branch-result")
    assert "branch-identical" in one(rc, "branch-result").class_
    same = branch_table(rc)
    assert [row[1] for row in same] == [row[2] for row in same]
    text = all_text(one(rc, "branch-result"))
    assert "left as played" in text and "identical" in text
    chart = one(rc, "chart-branch")
    assert [c for c in chart.children if isinstance(c, widgets.Image) and bytes(c.value[:4]) == b"\x89PNG"]

    one(rc, "branch-lever-chip_threshold_h100e").v_model = "1"
    assert "Changed." in all_text(one(rc, "lever-changed"))
    one(rc, "run-branch").click()
    deadline = time.monotonic() + 60
    while (with_class(rc, "branch-computing") or not with_class(rc, "branch-result")
           or "branch-identical" in one(rc, "branch-result").class_):
        assert time.monotonic() < deadline, "the changed branch did not finish"
        time.sleep(0.05)
    changed = branch_table(rc)
    assert changed[3][1] == same[3][1], "the as-played arm is the same futures as before"
    assert changed[3][2] != changed[3][1], "a strong change moves the final lead"
    assert "Had US government set chip threshold to 1 H100e per chip" in all_text(one(rc, "branch-sentence"))


def test_bad_input_in_the_panel_is_shown_and_nothing_is_computed(game):
    box, rc = solara.render(RevealDebrief(game, game.version), handle_error=False)
    one(rc, "open-branch").click()
    one(rc, "branch-seat").v_model = "us_lab_a"
    one(rc, "branch-lever-training_share").v_model = "0.99"
    one(rc, "branch-futures").v_model = "5"
    one(rc, "run-branch").click()
    problem = all_text(one(rc, "branch-problem"))
    assert "Training, safety and serving shares must add up to 1" in problem
    assert "Number of futures: must be a whole number from 100 to 10,000" in problem
    assert not with_class(rc, "branch-computing") and not with_class(rc, "branch-result")
    assert "shares must add up to 1" in all_text(one(rc, "branch-lever-problem"))


def test_a_rooms_debrief_has_the_panel_only_where_the_facilitator_allows_it():
    game = full_game()
    room = Room(game, [Team("red", "Red", ["us_gov"]), Team("blue", "Blue", ["prc_gov"])])
    box, rc = solara.render(RoomDebrief(room, room.version), handle_error=False)
    assert [w for w in rc.find(TextTable).widgets if w.table_class == "score-table"], "the debrief is drawn"
    assert not with_class(rc, "branch-panel"), "a team's view (and the projector) has no branch panel"
    box, rc = solara.render(RoomDebrief(room, room.version, allow_branch=True), handle_error=False)
    one(rc, "branch-panel")
    one(rc, "open-branch").click()
    assert one(rc, "branch-seat").v_model == "us_gov"


def test_seat_names_from_the_scenario_stay_plain_text(game):
    hostile = "<img src=x onerror=alert(1)> {{7*7}}"
    played = played_game(game.log(), game.model)
    seats = tuple(dataclasses.replace(s, name=hostile) if s.seat == "us_gov" else s for s in played.seats)
    box, rc = solara.render(BranchPanel(dataclasses.replace(played, seats=seats)), handle_error=False)
    one(rc, "open-branch").click()
    assert one(rc, "branch-seat").items[0]["text"].startswith(hostile)  # data of the select, never markup
    assert hostile in all_text(one(rc, "branch-played-by"))
    assert not [w for w in tree(rc) if isinstance(w, v.VuetifyTemplate | widgets.HTML)]


@pytest.mark.parametrize(("error", "shown"), [
    (FuturesError("seat 'us_gov' has no lever 'warp'"), "seat 'us_gov' has no lever 'warp'"),
    (RuntimeError("boom"), "The branch could not be computed (RuntimeError: boom)."),
])
def test_a_branch_that_fails_says_why_in_one_line(game, monkeypatch, error, shown):
    def fail(*args, **kwargs):
        raise error

    monkeypatch.setattr(branch_view, "run_branch", fail)
    box, rc = solara.render(RevealDebrief(game, game.version), handle_error=False)
    one(rc, "open-branch").click()
    one(rc, "run-branch").click()
    assert all_text(wait_for(rc, "branch-problem")) == shown
    assert not with_class(rc, "branch-result")
