"""The odds meter (issue 10, item 1): :func:`wargame.odds.season_odds`, the room's bookkeeping and the views.

The odds are P(S1), P(S2), P(contested) over the futures of a game's current state with Wilson 95% intervals,
and the shift: the same odds had the computer's proposals played the team seats in the season just played, on
the same future seeds. A room computes them off the UI thread, the console and the projector show them, the
facilitator can hide them (saved with the room), and teams never see them.
"""

from __future__ import annotations

import time

import ipyvuetify as v
import ipywidgets as widgets
import pytest
import solara
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from widget_text import all_text

from wargame.futures import FuturesError
from wargame.gamelog import game_log
from wargame.model import AIRaceModel
from wargame.odds import DEFAULT_FUTURES, season_odds
from wargame.tabletop.console_view import FacilitatorConsole
from wargame.tabletop.errors import RoomError
from wargame.tabletop.odds_view import odds_png, points, shift_lines
from wargame.tabletop.projector_view import ProjectorView
from wargame.tabletop.room import Access
from wargame.tabletop.room_store import RoomRegistry
from wargame.tabletop.team_view import TeamView

#: A US government decision far from the computer's proposal (loose export controls, no enforcement).
LOOSE_US = {"chip_threshold_h100e": 1.0, "licences_downgraded": True, "enforcement_budget_musd": 0.0,
            "remote_access_rule": "open", "anti_distillation": 0.0, "ally_pressure": 0.0}
#: Long enough for 1,000 futures in two arms on a busy 2-core machine, s (they take about 0.5 s alone).
WAIT_S = 60.0


@pytest.fixture
def registry(tmp_path):
    return RoomRegistry(tmp_path)


@pytest.fixture
def room(registry):
    return registry.create("baseline", 7, [("US government", ["us_gov"]), ("US labs", ["us_lab_a"])])


def fac(room) -> Access:
    return Access(room.room_id, "facilitator")


def team(room, team_id: str) -> Access:
    return Access(room.room_id, "team", team_id)


def submit(room, decisions: dict[str, dict]) -> None:
    """The teams submit these levers for their seats (the rest of each form as it stands)."""
    for team_id, seat in (("team1", "us_gov"), ("team2", "us_lab_a")):
        if seat in decisions:
            levers = {**room.form_for(team(room, team_id), seat).typed(), **decisions[seat]}
            room.submit(team(room, team_id), seat, levers, room.season)


def with_class(rc, css: str) -> list:
    out, stack = [], [rc.find().widget]
    while stack:
        node = stack.pop()
        if css in str(getattr(node, "class_", None) or "").split():
            out.append(node)
        stack.extend(c for c in getattr(node, "children", None) or () if isinstance(c, widgets.Widget))
    return out


def wait_for_text(box, text: str, timeout: float = WAIT_S) -> str:
    """Wait until a rendered view shows ``text`` (a background thread redraws it); its text then."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        shown = all_text(box)
        if text in shown:
            return shown
        time.sleep(0.05)
    raise AssertionError(f"{text!r} not shown within {timeout} s")


# ----------------------------------------------------------------------------------------------- season_odds
@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**20), seasons=st.integers(0, 4), master=st.integers(0, 2**63 - 1),
       n=st.integers(2, 300))
def test_probabilities_sum_to_one_and_every_interval_holds_its_estimate(seed, seasons, master, n):
    model = AIRaceModel("baseline", seed=seed)
    for _ in range(seasons):
        model.step()
    odds = season_odds(game_log(model), n, seed=master)
    assert [o.outcome for o in odds.odds] == ["S1", "S2", "contested"]
    assert sum(o.count for o in odds.odds) == n == odds.n
    assert sum(o.p for o in odds.odds) == pytest.approx(1.0, abs=1e-12)
    for o in odds.odds:
        assert 0.0 <= o.low <= o.p <= o.high <= 1.0
    assert len(odds.played) == seasons + 1
    assert odds.bands[0].season == odds.played[-1][0], "the fan starts at the current state"
    assert odds.bands[0].median == pytest.approx(odds.played[-1][1]), "the same in every future"
    assert odds.bands[-1].season == odds.horizon == "2028Q4"
    for band in odds.bands:
        assert band.q05 <= band.q25 <= band.median <= band.q75 <= band.q95


def test_default_is_1000_futures_and_the_same_log_and_seed_give_the_same_odds(room):
    submit(room, {"us_gov": LOOSE_US, "us_lab_a": {}})
    room.step(fac(room), room.season)
    log = room.game.log()
    first, again = season_odds(log, seed=5), season_odds(log, seed=5)
    assert first.n == DEFAULT_FUTURES >= 1_000
    assert first == again, "deterministic: an identical result, shift included"
    other = season_odds(log, seed=6)
    assert other.odds != first.odds, "another master seed plays other futures"


def test_the_shift_is_exactly_zero_when_the_teams_play_the_computers_proposals(room):
    room.step(fac(room), room.season, force=True)
    proposals = room.game.proposals  # what the forms show as the computer's proposal, before the step
    submit(room, proposals)
    room.step(fac(room), room.season)
    odds = season_odds(room.game.log(), seed=1)
    assert odds.season == "2026Q4" and odds.shift is not None and odds.note == ""
    assert odds.shift.seats == ("us_gov", "us_lab_a")
    assert odds.shift.differing == 0
    for move in odds.shift.outcomes:
        assert (move.points, move.low, move.high) == (0.0, 0.0, 0.0)
        assert move.teams == move.computer == odds.of(move.outcome).p


def test_a_strongly_different_decision_moves_the_odds_on_the_same_futures(room):
    submit(room, {"us_gov": LOOSE_US, "us_lab_a": {}})
    room.step(fac(room), room.season)
    odds = season_odds(room.game.log(), seed=3)
    shift = odds.shift
    assert shift is not None and shift.differing > 0
    s1 = shift.of("S1")
    assert s1.points != 0.0 and s1.low <= s1.points <= s1.high
    assert s1.points == pytest.approx(100 * (s1.teams - s1.computer))
    assert s1.teams == odds.of("S1").p, "the teams' arm is the game as played: the headline odds"
    assert sum(move.points for move in shift.outcomes) == pytest.approx(0.0, abs=1e-9)
    lines = shift_lines(odds, {"us_gov": "US government", "us_lab_a": "US frontier lab A"})
    assert lines[0] == (f"Your teams' decisions in 2026Q3 moved P(S1) by {points(s1.points)} compared with the "
                        "computer's proposals for the same seats (same dice: the same 1,000 futures).")
    assert lines[-1] == "Seats compared: US government, US frontier lab A."


def test_no_shift_before_the_first_season_or_when_the_computer_played_every_seat(room):
    start = season_odds(room.game.log(), 50)
    assert start.season == "" and start.shift is None and "No season has been played yet" in start.note
    assert start.start_season == "2026Q3" and len(start.played) == 1
    room.step(fac(room), room.season, force=True)
    odds = season_odds(room.game.log(), 50)
    assert odds.shift is None
    assert odds.note == "The computer played every seat in 2026Q3: no team decision to compare with its proposals."
    assert shift_lines(odds, {}) == [odds.note]


def test_a_finished_game_has_no_odds():
    model = AIRaceModel("baseline", seed=2)
    model.run_to_end()
    with pytest.raises(FuturesError, match="is over"):
        season_odds(game_log(model))


def test_points_are_signed_and_zero_has_no_sign():
    assert (points(1.94), points(-0.3), points(0.0), points(-0.04)) == ("+1.9 points", "-0.3 points", "0.0 points",
                                                                       "0.0 points")


# ----------------------------------------------------------------------------------------------- the room
def test_a_room_computes_the_odds_in_the_background_and_drops_stale_ones(room):
    room.step(fac(room), room.season, force=True)
    room.undo(fac(room))
    assert room.odds.status().computing and not room.odds.wait(0.5).result, "no meter asked yet: nothing computed"
    assert room.odds.status().computing and room.odds.ensure(room.lock, room.game)
    assert not room.odds.ensure(room.lock, room.game), "one computation per state"
    status = room.odds.wait(WAIT_S)
    assert status.result is not None and status.result.season == ""
    assert not room.odds.ensure(room.lock, room.game), "already held"
    submit(room, {"us_gov": LOOSE_US, "us_lab_a": {}})
    room.step(fac(room), room.season)
    assert room.odds.status().result is None, "a step makes the odds stale at once"
    assert not room.odds.ensure(room.lock, room.game), "and, a meter having asked before, starts the new ones"
    room.undo(fac(room))  # a newer state while the thread runs: its result is dropped
    assert not room.odds.ensure(room.lock, room.game), "the undo started the odds of its state"
    status = room.odds.wait(WAIT_S)
    assert status.result is not None and status.result.season == "", "the odds of the state after the undo"
    assert status.result == season_odds(room.game.log(), seed=7), "the room's futures are on the game's seed"


def test_hiding_is_the_facilitators_stops_the_computing_and_survives_a_restart(room, tmp_path):
    for role, team_id in (("projector", None), ("team", "team1")):
        with pytest.raises(RoomError):
            room.set_odds_hidden(Access(room.room_id, role, team_id), True)
    before = room.version
    room.set_odds_hidden(fac(room), True)
    assert room.odds.hidden and room.version == before + 1
    assert not room.odds.ensure(room.lock, room.game), "hidden: nothing is computed"
    reloaded = RoomRegistry(tmp_path).get(room.room_id)  # a restarted server reads the save file
    assert reloaded is not room and reloaded.odds.hidden
    reloaded.set_odds_hidden(fac(reloaded), False)
    again = RoomRegistry(tmp_path).get(room.room_id)
    assert not again.odds.hidden and again.state()["odds_hidden"] is False


# ----------------------------------------------------------------------------------------------- the views
def test_console_and_projector_show_the_meter_the_projector_hides_it_teams_never_see_it(room):
    submit(room, {"us_gov": LOOSE_US, "us_lab_a": {}})
    room.step(fac(room), room.season)
    box, rc = solara.render(FacilitatorConsole(room, fac(room), room.version), handle_error=False)
    assert "Computing the odds for 2026Q4 (1,000 futures of the game)…" in all_text(box)
    text = wait_for_text(box, "Your teams' decisions in 2026Q3 moved P(S1) by")
    odds = room.odds.status().result
    assert "Chance the US ends 2028Q4 with a lead of 12 months or more (S1)" in text
    assert f"95% interval: {100 * odds.of('S1').low:.1f}% to {100 * odds.of('S1').high:.1f}%" in text
    assert len(with_class(rc, "odds-meter")) == 1
    assert [all_text(w) for w in with_class(rc, "odds-p")][::-1] == [f"{100 * o.p:.1f}%" for o in odds.odds]
    assert rc.find(widgets.Image).widgets[-1].value == odds_png(odds), "the fan chart of these odds"

    pbox, prc = solara.render(ProjectorView(room, Access(room.room_id, "projector"), room.version),
                              handle_error=False)
    assert "Seats compared: US government, US frontier lab A." in all_text(pbox)
    assert with_class(prc, "odds-big")

    tbox, trc = solara.render(TeamView(room, team(room, "team1"), room.version), handle_error=False)
    assert not with_class(trc, "odds-meter") and "Chance the US ends" not in all_text(tbox)

    toggle = rc.find(v.Switch, class_="odds-toggle")
    toggle.assert_single()
    toggle.widget.v_model = False  # the facilitator's switch
    assert room.odds.hidden
    wait_for_text(box, "Hidden: neither the console nor the projector shows the odds.")
    deadline = time.monotonic() + WAIT_S
    while with_class(prc, "odds-meter") and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not with_class(prc, "odds-meter"), "hidden: nothing of the meter on the projector"
    assert "Chance the US ends" not in all_text(box)
