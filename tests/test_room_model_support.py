"""Model support for the multi-device tabletop: facilitator's notes, the decision history, stricter game-log
checks, and the belief-versus-reality table (:mod:`wargame.beliefs`)."""

from __future__ import annotations

import json

import pytest

from agents import Lab
from wargame.beliefs import BELIEF_COLUMNS, belief_history, beliefs_frame
from wargame.gamelog import GameLogError, _checksum, game_log, load_game, parse_game_log, replay, save_game
from wargame.model import MAX_NOTE_CHARS, MAX_NOTES_PER_SEASON, AIRaceModel

LAB_SHARES = {"training_share": 0.5, "safety_share": 0.2, "serving_share": 0.3}


def _resign(log: dict) -> dict:
    """Recompute a log's checksum after editing it (a forger can do the same)."""
    body = {k: v for k, v in log.items() if k != "checksum"}
    return {**body, "checksum": _checksum(body)}


def _frames(model: AIRaceModel):
    collector = model.datacollector
    return collector.get_model_vars_dataframe(), collector.get_agenttype_vars_dataframe(Lab)


def _played(notes: bool, seed: int = 4) -> AIRaceModel:
    """Baseline, three seasons with human decisions and an inject; with or without facilitator's notes."""
    model = AIRaceModel("baseline", seed=seed)
    if notes:
        model.add_note("Season opens: markets are nervous.")
        model.add_note("US only: a source says the PRC lab is close.", audience="US")
    model.submit_decision("us_gov", {"remote_access_rule": "ban"})
    model.step()
    if notes:
        model.add_note("Ruling: the ban applies to\nall overseas clouds.", audience="PRC")
    model.play_event("smuggling_bust")
    model.submit_decision("us_lab_a", LAB_SHARES)
    model.step()
    model.step()
    if notes:
        model.add_note("  Coming next: a summit?  ")  # for the season not yet played
    return model


# ------------------------------------------------------------------ facilitator's notes
def test_add_note_appends_plain_news_and_logs_it():
    model = AIRaceModel("baseline", seed=1)
    model.add_note("  <b>Not markup</b> **and not bold**\nsecond line  ", audience="PRC")
    text = "<b>Not markup</b> **and not bold**\nsecond line"
    assert model.note_log == [{"season": "2026Q3", "text": text, "audience": "PRC"}]
    assert model.news[-1] == {"season": "2026Q3", "phase": "facilitator", "text": text, "audience": "PRC"}
    assert [n["text"] for n in model.observe("prc_gov")["news"]] == [text]
    assert model.observe("us_gov")["news"] == [], "a note for one bloc is hidden from the other"


def test_notes_survive_save_load_and_replay_with_identical_news(tmp_path):
    model = _played(notes=True)
    loaded = load_game(save_game(model, tmp_path / "game.json"))
    assert loaded["notes"] == model.note_log and len(loaded["notes"]) == 4
    again = replay(loaded)
    assert again.news == model.news, "same items in the same order"
    assert again.note_log == model.note_log
    assert again.news[-1] == {"season": "2027Q2", "phase": "facilitator", "text": "Coming next: a summit?",
                              "audience": "public"}


def test_undo_keeps_the_notes_given_before_the_season_taken_back():
    model = _played(notes=True)
    back = replay(game_log(model), seasons=1)
    # The game as it stood just before its second season was played: season 1's news, then season 2's notes.
    expected = [n for n in model.news
                if n["season"] == "2026Q3" or (n["season"] == "2026Q4" and n["phase"] == "facilitator")]
    assert back.news == expected
    assert [n["season"] for n in back.note_log] == ["2026Q3", "2026Q3", "2026Q4"]


def test_a_log_saved_before_notes_existed_still_loads_and_replays():
    model = _played(notes=False)
    old = _resign({k: v for k, v in game_log(model).items() if k != "notes"})
    parsed = parse_game_log(json.dumps(old))
    assert "notes" not in parsed
    again = replay(parsed)
    assert again.news == model.news and again.note_log == []


@pytest.mark.parametrize("notes, message", [
    ("a note", "field 'notes' is not a list"),
    ([["2026Q3", "text"]], "entry 0 of 'notes' is not a dict"),
    ([{"season": "2026Q3", "text": 5, "audience": "public"}], "entry 0 of 'notes' has no text field 'text'"),
])
def test_a_log_with_malformed_notes_is_refused(notes, message):
    log = _resign({**game_log(_played(notes=False)), "notes": notes})
    with pytest.raises(GameLogError, match=message):
        parse_game_log(json.dumps(log))


def test_a_forged_note_is_checked_on_replay():
    log = game_log(_played(notes=False))
    bad = _resign({**log, "notes": [{"season": "2026Q4", "text": "x", "audience": "EU"}]})
    with pytest.raises(GameLogError, match="does not replay: note audience must be one of public, US, PRC"):
        replay(parse_game_log(json.dumps(bad)))
    late = _resign({**log, "notes": [{"season": "2027Q3", "text": "x", "audience": "public"}]})
    with pytest.raises(GameLogError, match="note for season '2027Q3', outside the 3 seasons it played and the one"):
        replay(late)


@pytest.mark.parametrize("text, audience, message", [
    (None, "public", "must be text, got NoneType"),
    (b"bytes", "public", "must be text, got bytes"),
    ("", "public", "cannot be empty"),
    (" \n\t ", "public", "cannot be empty"),
    ("x" * (MAX_NOTE_CHARS + 1), "public", f"at most {MAX_NOTE_CHARS} characters, got {MAX_NOTE_CHARS + 1}"),
    ("tab\there", "public", r"character 4 is '\\t'"),
    ("bell\x07", "public", r"character 5 is '\\x07'"),
    ("windows\r\nline", "public", r"character 8 is '\\r'"),
    ("fine", "EU", "audience must be one of public, US, PRC, got 'EU'"),
    ("fine", None, "audience must be one of public, US, PRC, got None"),
])
def test_a_bad_note_raises_and_changes_nothing(text, audience, message):
    model = AIRaceModel("baseline", seed=1)
    model.add_note("kept")
    before = (list(model.news), list(model.note_log))
    with pytest.raises(ValueError, match=message):
        model.add_note(text, audience)
    assert (model.news, model.note_log) == before


def test_note_limits_and_game_over():
    model = AIRaceModel("baseline", seed=1)
    model.add_note("  " + "é" * MAX_NOTE_CHARS + "\n")  # the longest note, once stripped
    for k in range(MAX_NOTES_PER_SEASON - 1):
        model.add_note(f"note {k}")
    with pytest.raises(ValueError, match=f"already has {MAX_NOTES_PER_SEASON} notes"):
        model.add_note("one too many")
    model.step()
    model.add_note("a new season takes notes again")
    model.run_to_end()
    with pytest.raises(ValueError, match="the game is over"):
        model.add_note("too late")
    assert replay(game_log(model)).news == model.news


def test_notes_change_no_number_of_the_model():
    with_notes, without = _played(notes=True), _played(notes=False)
    for a, b in zip(_frames(with_notes), _frames(without), strict=True):
        assert a.equals(b)
    assert with_notes.summary() == without.summary()
    assert [n for n in with_notes.news if n["phase"] != "facilitator"] == without.news
    assert with_notes.decision_history == without.decision_history


# ------------------------------------------------------------------ decision history
def test_decision_history_has_one_entry_per_seat_per_season_and_marks_humans():
    model = _played(notes=False)
    seats = [a.seat for a in model.seats()]
    history = model.decision_history
    assert len(history) == len(seats) * 3
    for season in ("2026Q3", "2026Q4", "2027Q1"):
        assert sorted(e["seat"] for e in history if e["season"] == season) == sorted(seats)
    humans = {(e["season"], e["seat"]) for e in history if e["by"] == "human"}
    assert humans == {("2026Q3", "us_gov"), ("2026Q4", "us_lab_a")}
    assert {e["by"] for e in history} == {"human", "computer"}
    for entry in history:
        actor = model.actor(entry["seat"])
        assert set(entry["levers"]) == set(actor.levers), "offered levers only"
        assert all(type(v) in (bool, int, float, str) for v in entry["levers"].values()), entry
    by_human = [{k: e[k] for k in ("season", "seat", "levers")} for e in history if e["by"] == "human"]
    assert by_human == model.decision_log
    ban = next(e for e in history if e["seat"] == "us_gov" and e["season"] == "2026Q3")
    assert ban["levers"]["remote_access_rule"] == "ban"
    lab = model.actor("prc_lab_a")  # its decision in force is the one it made in the last season
    entry = next(e for e in history if e["seat"] == "prc_lab_a" and e["season"] == "2027Q1")
    assert entry["levers"]["safety_share"] == lab.decision.safety_share


def test_decision_history_is_not_saved_but_rebuilt_by_replay():
    model = _played(notes=False)
    log = game_log(model)
    assert "decision_history" not in json.dumps(log)
    assert replay(log).decision_history == model.decision_history


def test_recording_decisions_changes_no_result(monkeypatch):
    recorded = _played(notes=False, seed=9)
    monkeypatch.setattr(AIRaceModel, "record_decision", lambda self, actor, by: None)
    unrecorded = _played(notes=False, seed=9)
    assert unrecorded.decision_history == [] and recorded.decision_history
    for a, b in zip(_frames(recorded), _frames(unrecorded), strict=True):
        assert a.equals(b)
    assert recorded.news == unrecorded.news


# ------------------------------------------------------------------ forged game logs
def test_a_log_with_two_decisions_for_one_seat_in_one_season_is_refused():
    log = game_log(_played(notes=False))
    first = log["decisions"][0]
    forged = _resign({**log, "decisions": [*log["decisions"], {**first, "levers": {"remote_access_rule": "open"}}]})
    for refuse in (lambda: parse_game_log(json.dumps(forged), source="forged.json"), lambda: replay(forged)):
        with pytest.raises(GameLogError, match=r"two decisions for seat 'us_gov' in season '2026Q3' \(entries 0 and 2"):
            refuse()


def test_a_log_with_ten_thousand_copies_of_a_decision_is_refused():
    log = game_log(_played(notes=False))
    forged = _resign({**log, "decisions": [log["decisions"][0]] * 10_000})
    with pytest.raises(GameLogError, match=r"forged\.json: 10000 entries in 'decisions' for 3 season\(s\) played; "
                                           r"a game holds at most 66 \(one per seat and season \(22 seats\)\)"):
        parse_game_log(json.dumps(forged), source="forged.json")
    with pytest.raises(GameLogError, match="10000 entries in 'decisions'"):
        replay(forged)


def test_a_log_with_an_inject_played_twice_in_one_season_is_refused():
    log = game_log(_played(notes=False))
    forged = _resign({**log, "injects": log["injects"] * 2})
    with pytest.raises(GameLogError, match="inject 'smuggling_bust' played twice in season '2026Q4'"):
        parse_game_log(json.dumps(forged))
    with pytest.raises(GameLogError, match="played twice"):
        replay(forged)
    many = _resign({**log, "injects": [{"season": f"s{k}", "event": "smuggling_bust"} for k in range(13)]})
    with pytest.raises(GameLogError, match="13 entries in 'injects' for 3 season"):
        parse_game_log(json.dumps(many))


def test_a_log_with_too_many_notes_is_refused():
    log = game_log(_played(notes=False))
    notes = [{"season": "2026Q3", "text": f"n{k}", "audience": "public"} for k in range(4 * MAX_NOTES_PER_SEASON + 1)]
    with pytest.raises(GameLogError, match=f"{4 * MAX_NOTES_PER_SEASON + 1} entries in 'notes'"):
        parse_game_log(json.dumps(_resign({**log, "notes": notes})))
    crowded = _resign({**log, "notes": notes[:MAX_NOTES_PER_SEASON + 1]})
    with pytest.raises(GameLogError, match=f"does not replay: season 2026Q3 already has {MAX_NOTES_PER_SEASON}"):
        replay(parse_game_log(json.dumps(crowded)))


def test_a_decision_entry_without_a_seat_is_refused():
    log = game_log(_played(notes=False))
    forged = _resign({**log, "decisions": [{"season": "2026Q3", "seat": ["us_gov"], "levers": {}}]})
    with pytest.raises(GameLogError, match="entry 0 of 'decisions' has no text field 'seat'"):
        parse_game_log(json.dumps(forged))


def test_replay_calls_on_season_after_each_season():
    log = game_log(_played(notes=True))
    seen = []
    model = replay(log, on_season=lambda m: seen.append((m.seasons_played, m.last_season)))
    assert seen == [(1, "2026Q3"), (2, "2026Q4"), (3, "2027Q1")]
    assert model.seasons_played == 3


# ------------------------------------------------------------------ beliefs
def test_belief_history_has_one_row_per_government_and_lab_seat_per_played_season():
    model = _played(notes=True)
    log = game_log(model)
    rows = belief_history(log)
    believers = [a for a in model.seats() if a.kind == "lab" or a.kind.endswith("_government")]
    assert len(believers) == 13
    assert len(rows) == len(believers) * 3
    assert all(set(row) == set(BELIEF_COLUMNS) for row in rows)
    for k, season in enumerate(("2026Q3", "2026Q4", "2027Q1"), start=1):
        block = rows[(k - 1) * len(believers):k * len(believers)]
        assert [r["seat"] for r in block] == [a.seat for a in believers]
        assert {(r["season"], r["seasons_played"]) for r in block} == {(season, k)}
        truth = replay(log, seasons=k)  # the game as it stood after season k
        for row in block:
            actor = truth.actor(row["seat"])
            sign = 1.0 if actor.bloc == "US" else -1.0
            seen = truth.observe(row["seat"])
            assert row["estimate_sd_months"] >= 0 and row["compute_estimate_sd_log"] >= 0
            assert row["true_lead_months"] == sign * truth.lead_internal_months
            assert row["deployed_lead_months"] == sign * truth.lead_months
            assert row["true_other_compute_h100e"] == truth.compute_h100e("PRC" if actor.bloc == "US" else "US")
            assert row["estimated_lead_months"] == seen["estimated_lead_months"]
            assert row["estimated_other_compute_h100e"] == seen["estimated_other_compute_h100e"]
            if actor.kind == "lab":
                assert row["perceived_lead_months"] == actor.perceived_lead_months
                assert row["perceived_uncertainty_months"] == actor.perceived_uncertainty_months >= 0
            else:
                assert row["perceived_lead_months"] is None and row["perceived_uncertainty_months"] is None
    assert any(r["estimated_lead_months"] != r["true_lead_months"] for r in rows), "intelligence is noisy"
    after = replay(log)
    assert [r for r in rows if r["seasons_played"] == 3][0]["true_lead_months"] == after.lead_internal_months


def test_beliefs_frame_matches_the_history_and_an_unplayed_game_has_no_rows():
    log = game_log(_played(notes=False))
    frame = beliefs_frame(log)
    assert list(frame.columns) == list(BELIEF_COLUMNS)
    assert len(frame) == 39
    assert frame["perceived_lead_months"].isna().sum() == 18, "six governments x three seasons"
    assert frame.to_dict("records")[6]["estimated_lead_months"] == belief_history(log)[6]["estimated_lead_months"]
    empty = beliefs_frame(game_log(AIRaceModel("baseline", seed=4)))
    assert empty.empty and list(empty.columns) == list(BELIEF_COLUMNS)
