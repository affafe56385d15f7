"""The shared game room: roles by token, secret submissions, the lock, one season per step, undo, restarts."""

from __future__ import annotations

import json
import stat
import threading

import pytest

from wargame.tabletop.errors import RoomError, SessionError
from wargame.tabletop.role_views import projector_snapshot, team_snapshot
from wargame.tabletop.room import MISSING_NOTE, Access, normal_code
from wargame.tabletop.room_store import BAD_LINK, RoomRegistry, room_link

TEAMS = [("Washington", ["us_gov"]), ("Beijing", ["prc_gov"]), ("US labs", ["us_lab_a", "us_lab_b"])]


@pytest.fixture
def registry(tmp_path):
    return RoomRegistry(tmp_path)


@pytest.fixture
def room(registry):
    return registry.create("baseline", 5, TEAMS)


def team_access(room, number):
    return room.access_for(room.teams[f"team{number}"].token)


def facilitator(room):
    return room.access_for(room.facilitator_token)


def submit_all(room):
    for team in room.teams.values():
        access = room.access_for(team.token)
        for seat in team.seats:
            room.submit(access, seat, room.form_for(access, seat).typed(), room.season)


def test_each_token_grants_exactly_its_role(room):
    assert facilitator(room) == Access(room.room_id, "facilitator")
    assert room.access_for(room.projector_token).role == "projector"
    assert team_access(room, 2) == Access(room.room_id, "team", "team2")
    assert room.access_for("x" * 22) is None and room.access_for("") is None and room.access_for(None) is None
    tokens = [room.facilitator_token, room.projector_token, *(t.token for t in room.teams.values())]
    assert len(set(tokens)) == len(tokens) and all(len(t) >= 22 for t in tokens)


def test_a_team_cannot_see_or_change_another_teams_seat(room):
    washington, beijing = team_access(room, 1), team_access(room, 2)
    with pytest.raises(RoomError, match="cannot see or change that seat"):
        room.form_for(washington, "prc_gov")
    form = room.form_for(beijing, "prc_gov")
    with pytest.raises(RoomError, match="cannot see or change that seat"):
        room.submit(washington, "prc_gov", form.typed(), room.season)
    with pytest.raises(RoomError):
        team_snapshot(room, room.access_for(room.projector_token))
    seen = team_snapshot(room, washington)
    assert [s["seat"] for s in seen["seats"]] == ["us_gov"]
    text = json.dumps(seen, default=str)
    assert "\"prc_gov\"" not in text and "lead_internal" not in text and "true_" not in text


def test_team_actions_need_a_team_and_facilitator_actions_the_facilitator(room):
    washington, projector = team_access(room, 1), room.access_for(room.projector_token)
    for access in (washington, projector):
        with pytest.raises(RoomError, match="cannot do that"):
            room.step(access, room.season, force=True)
        with pytest.raises(RoomError):
            room.undo(access)
        with pytest.raises(RoomError):
            room.add_note(access, "hello")
        with pytest.raises(RoomError):
            room.set_locked(access, True)
    forged = Access("0" * 16, "facilitator")
    with pytest.raises(RoomError):
        room.step(forged, room.season, force=True)
    assert room.game.seasons_played == 0


def test_statuses_go_from_not_opened_to_drafting_to_submitted_and_never_show_contents(room):
    access = team_access(room, 1)
    assert room.status("us_gov") == "not opened" and room.status("nl_gov") == "computer"
    room.mark_opened(access, "us_gov")
    assert room.status("us_gov") == "drafting"
    form = room.form_for(access, "us_gov")
    form.set_lever("enforcement_budget_musd", "400")
    room.submit(access, "us_gov", form.typed(), room.season)
    assert room.status("us_gov") == "submitted"
    assert room.submissions["us_gov"]["enforcement_budget_musd"] == 400.0
    assert "400" not in json.dumps(projector_snapshot(room)["statuses"])


def test_a_team_can_change_its_submission_until_the_lock(room):
    access = team_access(room, 1)
    form = room.form_for(access, "us_gov")
    room.submit(access, "us_gov", form.typed(), room.season)
    form.set_lever("enforcement_budget_musd", "300")
    room.submit(access, "us_gov", form.typed(), room.season)
    assert room.submissions["us_gov"]["enforcement_budget_musd"] == 300.0
    assert room.form_for(access, "us_gov").draft["enforcement_budget_musd"] == 300.0
    room.set_locked(facilitator(room), True)
    with pytest.raises(RoomError, match="locked"):
        room.submit(access, "us_gov", form.typed(), room.season)
    with pytest.raises(RoomError, match="already been played"):
        room.submit(access, "us_gov", form.typed(), "2026Q1")


def test_an_invalid_submission_is_refused_and_changes_nothing(room):
    access = team_access(room, 3)
    form = room.form_for(access, "us_lab_a")
    levers = {**form.typed(), "training_share": 0.9}
    with pytest.raises(RoomError, match="add up to 1"):
        room.submit(access, "us_lab_a", levers, room.season)
    with pytest.raises(RoomError, match="not a lever"):
        room.submit(access, "us_lab_a", {**form.typed(), "distillation_effort": 1.0}, room.season)
    assert "us_lab_a" not in room.submissions


def test_step_waits_for_every_team_or_force_and_says_who_the_computer_played(room):
    fac = facilitator(room)
    with pytest.raises(RoomError, match="Still waiting for"):
        room.step(fac, room.season)
    access = team_access(room, 1)
    room.submit(access, "us_gov", room.form_for(access, "us_gov").typed(), room.season)
    season = room.season
    assert room.step(fac, season, force=True) is True
    notes = [n for n in room.game.model.note_log if n["season"] == season]
    assert len(notes) == 1 and notes[0]["text"].startswith(MISSING_NOTE)
    assert "PRC government" in notes[0]["text"] and "US government" not in notes[0]["text"]
    human = {(e["season"], e["seat"]) for e in room.game.model.decision_log}
    assert human == {(season, "us_gov")}
    assert room.submissions == {} and room.status("us_gov") == "not opened"


def test_a_stale_or_repeated_step_plays_nothing(room):
    fac = facilitator(room)
    season = room.season
    results = [room.step(fac, season, force=True) for _ in range(5)]
    assert results == [True, False, False, False, False]
    assert room.game.seasons_played == 1


def test_concurrent_steps_from_many_threads_play_one_season(room):
    fac = facilitator(room)
    season = room.season
    played = []
    barrier = threading.Barrier(8)

    def click():
        barrier.wait()
        played.append(room.step(fac, season, force=True))

    threads = [threading.Thread(target=click) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(played) == [False] * 7 + [True] and room.game.seasons_played == 1


def test_a_room_survives_a_restart_with_its_submissions_lock_and_timer(room, tmp_path):
    fac = facilitator(room)
    room.step(fac, room.season, force=True)
    access = team_access(room, 1)
    form = room.form_for(access, "us_gov")
    form.set_lever("enforcement_budget_musd", "777")
    room.submit(access, "us_gov", form.typed(), room.season)
    room.set_timer(fac, minutes=5, running=True)
    room.add_note(fac, "Adjudication: <b>the chips</b> {{ 7*7 }}")
    room.set_locked(fac, True)
    after_restart = RoomRegistry(tmp_path)  # a new process: nothing in memory
    again, role = after_restart.resolve(room.room_id, room.teams["team1"].token)
    assert role == access and again is not room
    assert again.season == room.season and again.submissions == room.submissions and again.locked
    assert again.timer.running and again.timer.minutes == 5
    assert [n["text"] for n in again.game.model.note_log] == [n["text"] for n in room.game.model.note_log]
    assert again.game.model.news == room.game.model.news
    frame = room.game.model.datacollector.get_model_vars_dataframe()
    assert frame.equals(again.game.model.datacollector.get_model_vars_dataframe())


def test_the_save_file_is_private_and_the_download_holds_no_token(room, registry):
    path = registry.path(room.room_id)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    download = room.game.log_json().decode()
    for token in [room.facilitator_token, room.projector_token, *(t.token for t in room.teams.values())]:
        assert token in path.read_text()
        assert token not in download
    assert not list(path.parent.glob("*.tmp"))


def test_a_wrong_token_and_an_unknown_room_get_the_same_message(room, registry):
    for room_id, key in [(room.room_id, "A" * 22), ("f" * 16, room.facilitator_token), ("../../etc", "x"),
                         (room.room_id, None), (None, room.facilitator_token), (room.room_id, "short")]:
        with pytest.raises(RoomError) as info:
            registry.resolve(room_id, key)
        assert str(info.value) == BAD_LINK


def test_a_join_code_opens_its_team_as_typed_in_any_case_and_spacing(room, tmp_path):
    code = room.teams["team3"].code
    assert normal_code(code.lower().replace("-", " ")) == code
    _, access = RoomRegistry(tmp_path).resolve_code(f"  {code.lower()} ")
    assert access == Access(room.room_id, "team", "team3")
    with pytest.raises(RoomError, match="No game on this server"):
        RoomRegistry(tmp_path).resolve_code("ABCD-EFGH")
    with pytest.raises(RoomError, match="8 letters"):
        RoomRegistry(tmp_path).resolve_code("12")
    link = room_link(room, access)
    assert link == f"/?room={room.room_id}&key={room.teams['team3'].token}"


def test_undo_brings_back_the_seasons_submissions_and_drops_the_computer_note(room):
    fac = facilitator(room)
    access = team_access(room, 1)
    form = room.form_for(access, "us_gov")
    form.set_lever("enforcement_budget_musd", "321")
    room.submit(access, "us_gov", form.typed(), room.season)
    room.add_note(fac, "A manual note")
    season = room.season
    room.step(fac, season, force=True)
    room.undo(fac)
    assert room.season == season and room.game.seasons_played == 0
    assert room.submissions["us_gov"]["enforcement_budget_musd"] == 321.0
    assert [n["text"] for n in room.game.model.note_log] == ["A manual note"]
    assert room.message.startswith(f"{season} was taken back")
    room.step(fac, season, force=True)  # played again: the notice is about the past now
    assert room.message == ""


def test_bad_setups_are_refused_with_a_plain_message(registry):
    with pytest.raises(RoomError, match="played by two teams"):
        registry.create("baseline", 1, [("A", ["us_gov"]), ("B", ["us_gov"])])
    with pytest.raises(SessionError, match="Unknown seat"):
        registry.create("baseline", 1, [("A", ["nobody"])])
    with pytest.raises(RoomError, match="plays no seat"):
        registry.create("baseline", 1, [("A", [])])
    with pytest.raises(RoomError, match="Two teams are called"):
        registry.create("baseline", 1, [("A", ["us_gov"]), ("a", ["prc_gov"])])
    with pytest.raises(RoomError, match="printable"):
        registry.create("baseline", 1, [("A\u0000", ["us_gov"])])


def test_the_timer_pauses_resumes_and_restarts_each_season(room):
    fac = facilitator(room)
    room.set_timer(fac, minutes=2, running=True)
    assert 119 <= room.timer.remaining() <= 120
    room.set_timer(fac, running=False)
    left = room.timer.remaining()
    assert room.timer.remaining() == left
    with pytest.raises(RoomError, match="between 0.5"):
        room.set_timer(fac, minutes=0)
    with pytest.raises(RoomError, match="must be a number"):
        room.set_timer(fac, minutes="soon")
    room.step(fac, room.season, force=True)
    assert room.timer.remaining() == 120.0 and not room.timer.running


def test_a_view_waiting_for_change_wakes_on_a_submission(room):
    seen = room.version
    woke = []

    def wait():
        woke.append(room.wait_for_change(seen, timeout=10))

    thread = threading.Thread(target=wait)
    thread.start()
    access = team_access(room, 1)
    room.submit(access, "us_gov", room.form_for(access, "us_gov").typed(), room.season)
    thread.join(timeout=5)
    assert woke and woke[0] > seen


def test_a_submission_that_no_longer_checks_out_after_a_restart_is_dropped_with_a_message(room, registry, tmp_path):
    access = team_access(room, 1)
    room.submit(access, "us_gov", room.form_for(access, "us_gov").typed(), room.season)
    path = registry.path(room.room_id)
    data = json.loads(path.read_text())
    data["state"]["submissions"]["us_gov"]["enforcement_budget_musd"] = -5
    path.write_text(json.dumps(data))
    again = RoomRegistry(tmp_path).get(room.room_id)
    assert "us_gov" not in again.submissions and "us_gov" in again.message


def test_a_team_may_not_hold_seats_of_both_blocs(registry):
    with pytest.raises(RoomError, match="both blocs"):
        registry.create("baseline", 1, [("Mixed", ["us_lab_b", "prc_lab_a"])])


def test_undo_queues_the_undone_seasons_inject_again_and_keeps_later_notes(room):
    fac = facilitator(room)
    room.play_inject(fac, "taiwan_strait_crisis")
    undone = room.season
    room.step(fac, undone, force=True)
    room.add_note(fac, "Written after the season was played", audience="US")
    room.undo(fac)
    assert room.season == undone and room.game.model.queued_injects == ["taiwan_strait_crisis"]
    notes = [(n["season"], n["text"], n["audience"]) for n in room.game.model.note_log]
    assert (undone, "Written after the season was played", "US") in notes
    assert "taiwan_strait_crisis" in room.message
    room.step(fac, undone, force=True)
    assert [e["event"] for e in room.game.model.inject_log] == ["taiwan_strait_crisis"]


def test_submit_counts_submissions_so_a_second_device_can_tell(room):
    access = team_access(room, 1)
    form = room.form_for(access, "us_gov")
    assert room.submit(access, "us_gov", form.typed(), room.season) == 1
    assert room.submit(access, "us_gov", form.typed(), room.season) == 2
    assert team_snapshot(room, access)["seats"][0]["submission_count"] == 2
    room.step(facilitator(room), room.season, force=True)
    assert team_snapshot(room, access)["seats"][0]["submission_count"] == 0
