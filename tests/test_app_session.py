"""Per-session game state of the tabletop (no UI): seeds, steps, undo, injects, save/resume, isolation."""

from __future__ import annotations

import json

import pytest

from wargame.decisions import decision_model_for
from wargame.gamelog import game_log, replay
from wargame.model import MAX_SEED
from wargame.tabletop.errors import GameNotFound, SessionError
from wargame.tabletop.forms import lever_row_map, lever_rows, parse_lever
from wargame.tabletop.session import GameSession, parse_seed, valid_game_id
from wargame.tabletop.store import GameStore


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
    assert "must add up to 1" in session.draft_problem("us_lab_a")
    with pytest.raises(SessionError, match="must add up to 1"):
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


@pytest.mark.parametrize("text", [str(MAX_SEED + 1), "9" * 25, "-1"])
def test_seed_message_gives_the_allowed_range(text):
    with pytest.raises(SessionError, match=f"from 0 to {MAX_SEED} \\(2\\*\\*63 - 1\\)"):
        parse_seed(text)
    assert parse_seed(str(MAX_SEED)) == MAX_SEED


ENFORCEMENT = "Enforcement budget: must be between 0 and 1,000 USD million per quarter"


@pytest.mark.parametrize("text", ["nan", "NaN", "inf", "-inf", "Infinity", "1e999", "", "   ", "abc", "1.2.3"])
def test_text_that_is_not_a_finite_number_is_flagged_at_its_lever_and_blocks_the_step(text):
    session = GameSession.new("baseline", 5, ["us_gov"])
    before = session.drafts["us_gov"]["enforcement_budget_musd"]
    session.set_lever("us_gov", "enforcement_budget_musd", text)
    fields, general = session.seat_problems("us_gov")
    assert fields["enforcement_budget_musd"].startswith(ENFORCEMENT) and general == []
    assert session.drafts["us_gov"]["enforcement_budget_musd"] == before  # the draft keeps a usable value
    assert session.lever_text("us_gov", "enforcement_budget_musd") == text  # the field shows what was typed
    with pytest.raises(SessionError, match="Fix these decisions before stepping") as info:
        session.step()
    assert ENFORCEMENT in str(info.value) and "decision:" not in str(info.value)
    assert session.seasons_played == 0
    session.set_lever("us_gov", "enforcement_budget_musd", "300")  # fixing the field unblocks the step
    assert session.draft_problem("us_gov") == ""
    session.step()
    assert session.model.government("us").decision.enforcement_budget_musd == 300.0


def test_out_of_range_lever_gets_a_plain_message_at_its_field():
    session = GameSession.new("baseline", 5, ["us_gov", "us_lab_a"])
    session.set_lever("us_gov", "enforcement_budget_musd", "5000")
    fields, _ = session.seat_problems("us_gov")
    assert fields == {"enforcement_budget_musd": f"{ENFORCEMENT} (got 5,000)."}
    session.set_lever("us_lab_a", "testing_quarters", "1.5")
    assert session.seat_problems("us_lab_a")[0]["testing_quarters"].startswith(
        "Testing quarters: must be a whole number from 0 to 4 quarters")
    session.set_lever("us_lab_a", "testing_quarters", "9")
    assert session.seat_problems("us_lab_a")[0]["testing_quarters"] == (
        "Testing quarters: must be a whole number from 0 to 4 quarters (got 9).")


@pytest.mark.parametrize("text, value", [("0.5", 0.5), ("300", 300.0), ("1,000", 1000.0), ("0,25", 0.25),
                                         (" 7 ", 7.0), (3, 3.0)])
def test_numeric_text_becomes_a_float(text, value):
    got = parse_lever(lever_row_map("us_government")["enforcement_budget_musd"], text)
    assert type(got) is float and got == value


def test_levers_never_take_a_value_of_the_wrong_type():
    rows = lever_row_map("lab")
    assert type(parse_lever(rows["testing_quarters"], "2")) is int
    assert type(parse_lever(rows["testing_quarters"], 2.0)) is int
    for row, wrong in ((rows["training_share"], True), (rows["release"], "yes"), (rows["release"], 1),
                       (lever_row_map("us_government")["remote_access_rule"], "closed")):
        with pytest.raises(SessionError):
            parse_lever(row, wrong)


def test_drafts_of_a_resumed_game_are_typed_even_if_the_log_had_whole_numbers():
    session = GameSession.new("baseline", 8, ["us_gov", "us_lab_a"])
    session.step()
    log = session.log()
    for entry in log["decisions"]:
        for name, value in entry["levers"].items():
            if type(value) is float and value.is_integer():
                entry["levers"][name] = int(value)  # as a hand-written log would have it
    log.pop("checksum", None)
    resumed = GameSession.from_log(log)
    for seat_id in resumed.human_seats:
        rows = lever_row_map(resumed.seat(seat_id).kind)
        for name, value in resumed.drafts[seat_id].items():
            assert type(value).__name__ == {"choice": "str"}.get(rows[name]["type"], rows[name]["type"]), name
        decision_model_for(resumed.seat(seat_id).kind).model_validate(resumed.typed_draft(seat_id), strict=True)


@pytest.mark.parametrize("bad_id", ["../../etc/passwd", "../outside", "0123456789abcdef/../../x",
                                    "0123456789ABCDEF", "0123456789abcdef\n", "/etc/passwd", "", "doesnotexist",
                                    "0123456789abcdef.json", "..", "%2e%2e%2f"])
def test_store_never_opens_a_file_for_an_id_outside_the_strict_pattern(tmp_path, bad_id):
    outside = GameSession.new("baseline", 2, [])
    GameStore(tmp_path).save(outside)
    (tmp_path / f"{outside.game_id}.json").rename(tmp_path / "outside.json")  # a real game log, outside
    store = GameStore(tmp_path / "games")
    assert not valid_game_id(bad_id)
    assert not store.exists(bad_id)
    with pytest.raises(GameNotFound, match="not a game id"):
        store.load(bad_id)
    with pytest.raises(SessionError):
        store.path(bad_id)


def test_a_missing_game_is_game_not_found(tmp_path):
    with pytest.raises(GameNotFound, match="No saved game 0123456789abcdef"):
        GameStore(tmp_path).load("0123456789abcdef")


def test_a_stale_tab_never_overwrites_seasons_played_in_another_tab(tmp_path):
    """Two tabs on one game id: the tab that falls behind gets a message instead of overwriting the save."""
    from wargame.tabletop.session import GameSession
    from wargame.tabletop.store import GameStore

    store = GameStore(tmp_path)
    first = GameSession.new("baseline", seed=3, human_seats=[])
    store.autosave(first)
    tab_a, tab_b = store.load(first.game_id), store.load(first.game_id)
    tab_a.model.step()
    tab_a.model.step()
    store.autosave(tab_a)
    assert tab_a.message == ""
    tab_b.model.step()
    store.autosave(tab_b)
    assert "changed in another tab or window" in tab_b.message
    assert store.load(first.game_id).model.seasons_played == 2, "the newer game is kept"
    tab_a.model.step()
    store.autosave(tab_a)
    assert tab_a.message == "" and store.load(first.game_id).model.seasons_played == 3


# ------------------------------------------------------------------ model v2: offered levers and scores
OFFERED_CASES = [  # seat, a lever it has, a lever of its kind that is not offered to it
    ("us_lab_a", "distillation_defence", "distillation_effort"),
    ("prc_lab_b", "distillation_effort", "distillation_defence"),
    ("us_designer", "compliant_downgraded", "yield_ramp"),
    ("tw_foundry", "customer_checks", "compliant_downgraded"),
    ("prc_chain", "yield_ramp", "customer_checks"),
]


@pytest.mark.parametrize("seat_id, offered, not_offered", OFFERED_CASES)
def test_forms_hold_only_the_levers_offered_to_the_seat(seat_id, offered, not_offered):
    session = GameSession.new("baseline", 5, [seat_id])
    levers = set(session.model.actor(seat_id).levers)
    assert {r["name"] for r in session.seat_lever_rows(seat_id)} == levers
    assert set(session.drafts[seat_id]) == set(session.proposals[seat_id]) == levers
    assert offered in levers and not_offered not in levers
    with pytest.raises(SessionError, match="is not a lever of"):
        session.set_lever(seat_id, not_offered, "0.5")
    session.drafts[seat_id][not_offered] = 0.5  # as a stale or hand-edited draft might hold it
    assert "is not a lever of" in session.draft_problem(seat_id)
    with pytest.raises(SessionError, match="is not a lever of"):
        session.step()
    del session.drafts[seat_id][not_offered]
    session.step()  # the offered levers alone make a decision the model accepts
    assert set(session.model.decision_log[-1]["levers"]) == levers
    assert set(session.drafts[seat_id]) == levers  # next season's form too


def test_share_total_runs_with_the_form_and_is_none_while_a_share_is_not_a_number():
    session = GameSession.new("baseline", 5, ["us_lab_a", "us_gov"])
    assert session.share_total("us_lab_a") == pytest.approx(1.0)
    assert session.share_total("us_gov") is None  # a government has no shares
    session.set_lever("us_lab_a", "training_share", "0.5")
    session.set_lever("us_lab_a", "serving_share", "0.3")
    session.set_lever("us_lab_a", "safety_share", "0.9")
    assert session.share_total("us_lab_a") == pytest.approx(1.7)
    session.set_lever("us_lab_a", "safety_share", "abc")
    assert session.share_total("us_lab_a") is None
    session.set_lever("us_lab_a", "safety_share", "0.2")
    assert session.share_total("us_lab_a") == pytest.approx(1.0) and session.draft_problem("us_lab_a") == ""


def test_score_parts_are_the_models_breakdown_in_plain_words():
    session = GameSession.new("baseline", 5, ["us_gov"])
    assert all(p["points"] == 0.0 for p in session.score_parts("us_gov"))
    session.step()
    session.step()
    for actor in session.model.seats():
        parts = session.score_parts(actor.seat)
        breakdown = session.model.score_breakdown(actor.seat)
        assert [p["component"] for p in parts] == list(breakdown)
        assert [p["points"] for p in parts] == pytest.approx(list(breakdown.values()))
        assert sum(p["points"] for p in parts) == pytest.approx(session.score(actor.seat))
        for part in parts:
            assert "_" not in part["label"] and part["label"][0].isupper()
            assert part["meaning"] and part["weight"] >= 0.0
    assert session.score("us_gov") == pytest.approx(session.model.seat_scores()["us_gov"])
    assert any(p["points"] != 0.0 for p in session.score_parts("us_gov"))  # two seasons scored something
    with pytest.raises(SessionError, match="Unknown seat"):
        session.score_parts("nobody")


def test_final_scores_list_every_seat_and_who_played_it():
    session = GameSession.new("baseline", 5, ["us_gov"], policies={"prc_gov": "reactive"})
    session.play_to_end()
    rows = {row["seat"]: row for row in session.final_scores()}
    assert list(rows) == [a.seat for a in session.model.seats()]
    summary = session.model.summary()
    for seat, row in rows.items():
        assert row["score"] == pytest.approx(summary[f"score_{seat}"])
    assert rows["us_gov"]["played_by"] == "human"
    assert rows["prc_gov"]["played_by"] == "computer (reactive)"


def test_score_labels_cover_every_component_of_every_kind():
    from wargame.scoring import COMPONENTS
    from wargame.tabletop.forms import SCORE_LABELS, format_points

    for kind, components in COMPONENTS.items():
        assert set(SCORE_LABELS[kind]) == set(components), kind
    assert (format_points(1.234), format_points(-0.001), format_points(-1234.5)) == ("+1.23", "+0.00", "-1,234.50")


def test_a_computed_proposal_shows_short_in_its_field_but_is_submitted_exactly():
    from wargame.tabletop.forms import format_lever_value

    assert [format_lever_value(x) for x in (0.6499999999999999, 0.018602977704525545, 25.0, 1234567.5)] == [
        "0.65", "0.018603", "25", "1234567.5"]
    session = GameSession.new("baseline", 1, ["prc_lab_a"])
    draft = dict(session.drafts["prc_lab_a"])
    for name in ("training_share", "safety_share", "serving_share"):
        shown = session.lever_text("prc_lab_a", name)
        assert len(shown) <= 10 and float(shown) == pytest.approx(draft[name], rel=1e-5, abs=1e-7)
    session.step()  # untouched fields submit the exact proposal: the shares still sum to 1
    assert session.model.decision_log[-1]["levers"]["safety_share"] == draft["safety_share"]
