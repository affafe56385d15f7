"""Per-session game state of the tabletop (no UI): seeds, steps, undo, injects, save/resume, isolation."""

from __future__ import annotations

import json

import pytest

from wargame.gamelog import game_log, replay
from wargame.tabletop.session import (
    GameSession,
    GameStore,
    SessionError,
    lever_rows,
    parse_seed,
    valid_game_id,
)


@pytest.mark.parametrize("text, value", [("42", 42), (" 7 ", 7), ("1_000", 1000), (3, 3), ("0", 0)])
def test_parse_seed_accepts_whole_numbers(text, value):
    assert parse_seed(text) == value


@pytest.mark.parametrize("text", ["", "abc", "-1", "1.5", "1e3", None, True, "9" * 25, 2**64])
def test_parse_seed_rejects_everything_else_with_a_clear_message(text):
    with pytest.raises(SessionError, match="Seed must be a whole number"):
        parse_seed(text)


def test_new_game_prefills_human_drafts_from_policy():
    session = GameSession.new("baseline", "3", ["us_gov", "prc_lab_b"])
    assert session.human_seats == ["us_gov", "prc_lab_b"]
    assert session.drafts["us_gov"] == session.model.default_decision("us_gov")
    assert session.season == "2026Q3" and session.seasons_played == 0
    assert valid_game_id(session.game_id)


def test_policy_choice_for_computer_seats_is_applied():
    session = GameSession.new("baseline", 1, [], policies={"us_gov": "hawkish", "us_lab_a": "racing"})
    by_seat = {s.seat: s.policy for s in session.seats()}
    assert by_seat["us_gov"] == "hawkish" and by_seat["us_lab_a"] == "racing"


def test_bad_policy_or_seat_is_a_session_error():
    with pytest.raises(SessionError):
        GameSession.new("baseline", 1, [], policies={"us_gov": "no_such_policy"})
    with pytest.raises(SessionError, match="Unknown seat"):
        GameSession.new("baseline", 1, ["nobody"])


def test_step_submits_human_decision_and_logs_it():
    session = GameSession.new("baseline", 5, ["us_gov"])
    session.drafts["us_gov"]["chip_threshold_h100e"] = 0.0
    session.step()
    assert session.seasons_played == 1 and session.version == 1
    rows = session.human_decisions()
    assert rows[0]["seat"] == "us_gov" and rows[0]["levers"]["chip_threshold_h100e"] == 0.0
    assert session.model.government("us").decision.chip_threshold_h100e == 0.0


def test_invalid_draft_blocks_the_step_with_a_message():
    session = GameSession.new("baseline", 5, ["us_lab_a"])
    session.drafts["us_lab_a"]["safety_share"] = 0.9  # shares no longer sum to 1
    assert "sum to 1" in session.draft_problem("us_lab_a")
    with pytest.raises(SessionError, match="sum to 1"):
        session.step()
    assert session.seasons_played == 0


def test_undo_replays_to_one_season_less_bit_identically():
    session = GameSession.new("baseline", 11, ["us_gov"])
    session.step()
    lead_after_one = session.model.lead_months
    session.drafts["us_gov"]["enforcement_budget_musd"] = 500.0
    session.step()
    session.undo()
    assert session.seasons_played == 1
    assert session.model.lead_months == lead_after_one
    with pytest.raises(SessionError):
        GameSession.new("baseline", 1, []).undo()


def test_play_to_end_finishes_and_debrief_has_an_outcome():
    session = GameSession.new("baseline", 2, ["us_gov"])
    session.play_to_end()
    assert session.finished
    assert session.model.summary()["outcome"] in {"S1", "S2", "contested"}
    with pytest.raises(SessionError, match="over"):
        session.step()


def test_inject_is_queued_logged_and_survives_a_save():
    session = GameSession.new("baseline", 4, [])
    session.play_inject("taiwan_strait_crisis")
    with pytest.raises(SessionError):
        session.play_inject("alien_invasion")
    resumed = GameSession.from_upload(session.log_json())
    assert resumed.model.queued_injects == ["taiwan_strait_crisis"]
    session.step()
    assert session.log()["injects"] == [{"season": "2026Q3", "event": "taiwan_strait_crisis"}]


def test_upload_resumes_the_same_trajectory():
    session = GameSession.new("baseline", 9, ["us_gov", "prc_gov"])
    session.drafts["prc_gov"]["smuggling_tolerance"] = 0.0
    session.step()
    session.step()
    resumed = GameSession.from_upload(session.log_json())
    assert resumed.season == session.season
    assert resumed.human_seats == ["us_gov", "prc_gov"]
    assert resumed.model.lead_months == session.model.lead_months
    assert resumed.game_id != session.game_id


@pytest.mark.parametrize(
    "data, message",
    [
        (b"", "empty"),
        (b"\x00\xffnot json", "not a valid JSON"),
        (b'{"format": "something-else"}', "not a game log"),
        (b"[1, 2, 3]", "not a game log"),
    ],
)
def test_corrupt_or_foreign_upload_gives_a_clear_message(data, message):
    with pytest.raises(SessionError, match=message):
        GameSession.from_upload(data)


def test_tampered_upload_is_refused():
    session = GameSession.new("baseline", 9, ["us_gov"])
    session.step()
    log = json.loads(session.log_json())
    log["seed"] = 10
    with pytest.raises(SessionError, match="checksum"):
        GameSession.from_upload(json.dumps(log).encode())


def test_oversized_upload_is_refused():
    with pytest.raises(SessionError, match="too large"):
        GameSession.from_upload(b" " * (6 * 1024 * 1024))


def test_store_autosaves_and_resumes_after_a_restart(tmp_path):
    store = GameStore(tmp_path)
    session = GameSession.new("baseline", 21, ["us_gov"])
    session.step()
    store.autosave(session)
    assert store.exists(session.game_id)
    resumed = GameStore(tmp_path).load(session.game_id)  # a new store: as after a server restart
    assert resumed.game_id == session.game_id
    assert resumed.season == session.season and resumed.human_seats == ["us_gov"]


def test_store_rejects_bad_ids_and_reports_missing_or_corrupt_games(tmp_path):
    store = GameStore(tmp_path)
    with pytest.raises(SessionError, match="not a game id"):
        store.load("../../etc/passwd")
    with pytest.raises(SessionError, match="No saved game"):
        store.load("0123456789abcdef")
    (tmp_path / "0123456789abcdef.json").write_text("{broken")
    with pytest.raises(SessionError, match="not a usable game log"):
        store.load("0123456789abcdef")


def test_autosave_failure_becomes_a_message_not_a_crash(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    store = GameStore(blocker / "sub")  # a directory below a file cannot be created
    session = GameSession.new("baseline", 1, [])
    store.autosave(session)
    assert session.message.startswith("Autosave failed")


def test_two_sessions_are_independent():
    a = GameSession.new("baseline", 1, ["us_gov"])
    b = GameSession.new("baseline", 1, ["us_gov"])
    a.step()
    a.step()
    assert a.model is not b.model
    assert (a.seasons_played, b.seasons_played) == (2, 0)


def test_session_log_replays_like_the_model_log():
    session = GameSession.new("baseline", 13, ["us_lab_b"])
    session.step()
    assert replay(session.log()).lead_months == replay(game_log(session.model)).lead_months


def test_lever_rows_carry_unit_description_and_bounds():
    rows = {r["name"]: r for r in lever_rows("us_government")}
    threshold = rows["chip_threshold_h100e"]
    assert threshold["unit"] and threshold["description"]
    assert (threshold["minimum"], threshold["maximum"]) == (0.0, 1.0)
    assert rows["remote_access_rule"]["choices"] == ["open", "kyc", "ban"]


def test_drafts_keep_the_players_last_decision_and_proposals_stay_separate():
    session = GameSession.new("baseline", 6, ["us_gov"])
    assert session.drafts["us_gov"] == session.proposals["us_gov"]
    session.drafts["us_gov"]["chip_threshold_h100e"] = 0.0
    session.step()
    assert session.drafts["us_gov"]["chip_threshold_h100e"] == 0.0
    assert session.proposals["us_gov"] == session.model.default_decision("us_gov")
