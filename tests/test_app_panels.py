"""Headless component tests of the tabletop panels (``solara.render``, no browser)."""

from __future__ import annotations

import ipyvuetify as v
import ipywidgets as widgets
import pytest
import solara
from widget_text import all_text, texts

from wargame.decisions import decision_model_for
from wargame.model import EVENT_DESCRIPTIONS, MAX_SEED
from wargame.scenario import EVENT_NAMES
from wargame.tabletop.charts import ChartView, ViewTabs, adoption_figure, compute_figure, labs_figure, lead_figure
from wargame.tabletop.debrief import OUTCOME_TEXT, Debrief, decision_rows
from wargame.tabletop.errors import SessionError
from wargame.tabletop.forms import lever_rows
from wargame.tabletop.network_map import flow_table, network_figure
from wargame.tabletop.page import (
    NARROW_DRAWER_CSS,
    CloseDrawerOnPhone,
    GameViews,
    SafeArea,
    ScrollToTop,
    TabletopPage,
    game_id_from_search,
)
from wargame.tabletop.panels import DecisionPanel, FacilitatorControls, NewsLog, SaveLoadPanel, SetupPanel, event_title
from wargame.tabletop.session import GameSession
from wargame.tabletop.store import GameStore
from wargame.tabletop.text_widgets import TextLines, TextTable
from wargame.tabletop.upload import LogUploadWidget


def button(rc, label):
    found = rc.find(v.Btn, children=[label])
    found.assert_single()
    return found.widget


@pytest.fixture
def session():
    return GameSession.new("baseline", 17, ["us_gov", "us_lab_a"])


def test_setup_panel_shows_briefing_seed_and_seats():
    started = []
    box, rc = solara.render(SetupPanel(on_start=started.append), handle_error=False)
    text = all_text(box)
    assert "Scenario" in text and "Seed" in text
    assert "US government" in text and "PRC fast follower B" in text
    button(rc, "Start game").click()
    assert started and started[0]["scenario"] == "baseline" and started[0]["seed"] == "1"
    assert set(started[0]["human_seats"]) == {"us_gov", "prc_gov"}


def test_setup_panel_flags_a_bad_seed_and_disables_start():
    started = []
    box, rc = solara.render(SetupPanel(on_start=started.append), handle_error=False)
    seed = next(w for w in rc.find(v.TextField).widgets if str(w.label).startswith("Seed"))
    seed.v_model = "twelve"
    assert seed.error and "Seed must be a whole number" in repr(seed)
    assert button(rc, "Start game").disabled
    button(rc, "Start game").click()
    assert started == []


def test_setup_panel_hands_policy_choices_for_computer_seats():
    started = []
    box, rc = solara.render(SetupPanel(on_start=started.append), handle_error=False)
    policy = rc.find(v.Select, label="computer policy")
    policy.widgets[0].v_model = "hawkish"  # the first computer seat in scenario order
    button(rc, "Start game").click()
    assert "hawkish" in started[0]["policies"].values()


def test_decision_panel_shows_every_lever_with_unit_and_explanation(session):
    box, rc = solara.render(DecisionPanel(session, "us_gov", session.version), handle_error=False)
    text = all_text(box)
    for row_label in ("Chip threshold H100e [H100e per chip]", "Remote access rule [rule]",
                      "Enforcement budget USD m [USD million per quarter]"):
        assert row_label in text
    assert "Policy proposes" in text and "Best chip performance" in text
    field = rc.find(v.TextField, label="Chip threshold H100e [H100e per chip]").widget
    field.v_model = "0.05"
    assert session.drafts["us_gov"]["chip_threshold_h100e"] == pytest.approx(0.05)


def share_field(rc, name):
    return rc.find(v.TextField, label=f"{name} share [share of compute [0, 1]]").widget


def test_decision_panel_reports_a_lab_split_that_does_not_sum_to_one(session):
    box, rc = solara.render(DecisionPanel(session, "us_lab_a", session.version), handle_error=False)
    share_field(rc, "Training").v_model = "0.5"
    share_field(rc, "Serving").v_model = "0.3"
    share_field(rc, "Safety").v_model = "0.9"
    assert "must add up to 1 (now 1.7)" in all_text(box)


def test_facilitator_controls_step_undo_and_inject(session):
    calls = []

    def act(action):
        calls.append(action)
        action()

    box, rc = solara.render(FacilitatorControls(session, act), handle_error=False)
    assert "Next season: 2026Q3" in all_text(box)
    assert button(rc, "Undo last season").disabled
    button(rc, "Step season").click()
    assert session.seasons_played == 1
    button(rc, "Play inject next season").click()
    assert session.model.queued_injects == ["taiwan_strait_crisis"]


def test_news_log_lists_news_newest_season_first(session):
    session.step()
    session.step()
    box, _ = solara.render(NewsLog(session, session.version), handle_error=False)
    shown = list(reversed(texts(box)))  # texts() walks the tree last child first
    assert shown.index("2026Q4") < shown.index("2026Q3")


def test_news_log_marks_news_known_only_to_one_bloc(session):
    session.model.add_news("labs", "A secret gain.", audience="PRC")
    session.model.add_news("labs", "A public release.")
    box, _ = solara.render(NewsLog(session, session.version), handle_error=False)
    text = all_text(box)
    assert "A secret gain. (known only to the PRC bloc)" in text
    assert "A public release. (known only" not in text and "A public release." in text


def test_save_load_panel_offers_download_and_upload(session):
    uploads = []
    box, rc = solara.render(SaveLoadPanel(session, on_upload=lambda d, n: uploads.append((d, n))),
                            handle_error=False)
    assert "Download game log" in all_text(box)
    upload = rc.find(LogUploadWidget).widget  # chunked upload: the file's size is checked before it is read
    upload.file_info = [{"name": "g.json", "size": 9_000_000, "pick": 1}]
    assert uploads == [] and "g.json is 9.0 MB, too large for a game log" in all_text(box)


@pytest.mark.parametrize("builder", [lead_figure, compute_figure, labs_figure, adoption_figure, network_figure])
def test_chart_builders_draw_at_start_and_after_steps(session, builder):
    assert builder(session.model).axes
    session.step()
    fig = builder(session.model)
    assert fig.axes


def test_flow_table_has_this_seasons_flows(session):
    assert flow_table(session.model) == []
    session.step()
    kinds = {row["kind"] for row in flow_table(session.model)}
    assert "legal" in kinds


def test_chart_view_renders_an_image(session):
    box, rc = solara.render(ChartView(lead_figure, session.model, session.version, name="lead"),
                            handle_error=False)
    assert rc.find(widgets.Image).widget.value


def test_chart_view_shows_an_error_instead_of_crashing(session):
    def broken(model):
        raise RuntimeError("boom")

    box, rc = solara.render(ChartView(broken, session.model, 0), handle_error=False)
    assert rc.find(widgets.Image).widget.value


def test_game_views_have_a_tab_per_view(session):
    box, rc = solara.render(GameViews(session, session.version), handle_error=False)
    labels = all_text(box)
    for tab in ("Lead", "Compute", "Labs", "Adoption", "Flow map"):
        assert tab in labels
    assert len(rc.find(widgets.Image).widgets) == 1  # lazy tabs: only the open one is drawn


def test_game_views_explain_the_season_just_played(session):
    """After a season, the views hold the waterfall card: its sentence, chart and a table whose parts add up."""
    box, rc = solara.render(GameViews(session, session.version), handle_error=False)
    assert "After the first season is played" in all_text(box)
    session.step()
    box, rc = solara.render(GameViews(session, session.version), handle_error=False)
    entry = session.model.explanations[-1]
    assert entry["sentence"] in all_text(box)
    assert len(rc.find(widgets.Image).widgets) == 2  # the open chart tab and the waterfall
    table = rc.find(TextTable, table_class="waterfall-table").widget
    months = [float(row[1]) for row in table.rows]
    assert sum(months[1:-2]) == pytest.approx(months[-2], abs=0.0005 * len(months))
    assert months[-1] - months[0] == pytest.approx(entry["lead_after"] - entry["lead_before"], abs=0.002)


def test_chart_tabs_are_headers_and_the_open_chart_follows_the_tab(session):
    """No v-window items: a lazily filled window item starts its slide empty and stays 0 px high."""
    session.step()
    box, rc = solara.render(ViewTabs(session.model, session.version), handle_error=False)
    assert not rc.find(v.TabsItems).widgets and not rc.find(v.TabItem).widgets
    tabs = rc.find(v.Tabs).widget
    seen = set()
    for index, name in enumerate(("lead", "compute", "labs", "adoption", "network")):
        tabs.v_model = index
        assert [w for w in rc.find(v.Html).widgets if f"chart-{name}" in (w.class_ or "").split()]
        image = rc.find(widgets.Image).widget
        assert image.layout.width == "100%" and image.layout.height == "auto"  # fills its column
        seen.add(image.value)
    assert len(seen) == 5


def test_debrief_shows_outcome_figures_and_human_decisions(session):
    session.drafts["us_gov"]["chip_threshold_h100e"] = 0.0
    session.play_to_end()
    box, rc = solara.render(Debrief(session, session.version), handle_error=False)
    text = all_text(box)
    assert "Debrief:" in text and OUTCOME_TEXT[session.model.summary()["outcome"]][0] in text
    assert "Compute ratio US : PRC" in text
    assert any(row[:2] == ["2026Q3", "US government"] for row in decision_rows(session))
    assert len(rc.find(widgets.Image).widgets) == 1  # the lead chart; the other tabs draw when opened


def test_game_id_in_the_url_is_validated():
    assert game_id_from_search("game=0123456789abcdef") == "0123456789abcdef"
    assert game_id_from_search("game=../../x") is None
    assert game_id_from_search(None) is None


@solara.component
def _Layout(store_dir):
    with solara.AppLayout():
        TabletopPage(store_dir=store_dir)


def test_page_flow_start_step_undo_play_to_end(tmp_path):
    box, rc = solara.render(_Layout(str(tmp_path)), handle_error=False)
    button(rc, "Start game").click()
    assert "Next season: 2026Q3" in all_text(box)
    button(rc, "Step season").click()
    button(rc, "Step season").click()
    assert "Next season: 2027Q1" in all_text(box)
    assert len(list(tmp_path.glob("*.json"))) == 1  # autosaved
    button(rc, "Undo last season").click()
    assert "Next season: 2026Q4" in all_text(box)
    button(rc, "Play to end").click()
    text = all_text(box)
    assert "Debrief:" in text and "Human decisions" in text


def test_page_shows_a_clear_message_for_a_bad_step(tmp_path):
    box, rc = solara.render(_Layout(str(tmp_path)), handle_error=False)
    button(rc, "Start game").click()
    buy = rc.find(v.TextField, label="Buy domestic [share [0, 1]]").widget
    buy.v_model = "7"
    button(rc, "Step season").click()
    text = all_text(box)
    assert "Fix these decisions before stepping" in text and "Next season: 2026Q3" in text


def test_page_upload_of_a_foreign_file_keeps_the_game(tmp_path):
    box, rc = solara.render(_Layout(str(tmp_path)), handle_error=False)
    button(rc, "Start game").click()
    button(rc, "Step season").click()
    upload = rc.find(LogUploadWidget).widget
    upload.file_info = [{"name": "evil.json", "size": 0, "pick": 1}]
    text = all_text(box)
    assert "evil.json: the file is empty. Nothing was changed." in text and "Next season: 2026Q4" in text
    # reading content needs the browser's side of the chunked upload: tests/test_debrief_reveal.py plays it
    with pytest.raises(SessionError, match="not a game log"):
        GameSession.from_upload(b'{"x": 1}')


def test_page_resumes_an_autosaved_game_from_the_store(tmp_path):
    store = GameStore(tmp_path)
    session = GameSession.new("baseline", 3, ["us_gov"])
    session.step()
    store.save(session)
    resumed = store.load(session.game_id)
    box, rc = solara.render(FacilitatorControls(resumed, lambda a: a()), handle_error=False)
    assert "Next season: 2026Q4" in all_text(box)


ENFORCEMENT_LABEL = "Enforcement budget USD m [USD million per quarter]"
ENFORCEMENT = "Enforcement budget: must be between 0 and 1,000 USD million per quarter"


@pytest.mark.parametrize("text", ["nan", "inf", "-inf", "1e999", "", "   ", "abc", "5000"])
def test_a_bad_lever_is_flagged_at_its_field_and_step_shows_a_message_not_a_render_loop(tmp_path, text):
    box, rc = solara.render(_Layout(str(tmp_path)), handle_error=False)
    button(rc, "Start game").click()
    field = rc.find(v.TextField, label=ENFORCEMENT_LABEL).widget
    field.v_model = text  # before the fix: "nan" started an endless render loop ("Too many renders")
    field = rc.find(v.TextField, label=ENFORCEMENT_LABEL).widget
    assert len(field.error_messages) == 1 and field.error_messages[0].startswith(ENFORCEMENT)
    assert field.v_model == text  # the field keeps what was typed
    problem = rc.find(v.Alert, class_="decision-problem").widget
    assert "Enforcement budget" in all_text(problem) and "decision:" not in all_text(problem)
    assert "Input should be" not in all_text(box)
    button(rc, "Step season").click()
    text_now = all_text(box)
    assert "Fix these decisions before stepping" in text_now and ENFORCEMENT in text_now
    assert "Next season: 2026Q3" in text_now  # nothing was played
    field.v_model = "300"
    assert not rc.find(v.TextField, label=ENFORCEMENT_LABEL).widget.error_messages
    button(rc, "Step season").click()
    assert "Next season: 2026Q4" in all_text(box)


def test_out_of_range_lever_message_is_at_the_field_in_plain_words(session):
    box, rc = solara.render(DecisionPanel(session, "us_gov", session.version), handle_error=False)
    rc.find(v.TextField, label=ENFORCEMENT_LABEL).widget.v_model = "5000"
    field = rc.find(v.TextField, label=ENFORCEMENT_LABEL).widget
    assert field.error_messages == [f"{ENFORCEMENT} (got 5,000)."]
    assert "Fix the lever marked in red before stepping: Enforcement budget." in all_text(box)
    assert "us_government decision" not in all_text(box)


def test_safe_area_shows_a_message_instead_of_crashing():
    @solara.component
    def Broken():
        raise SessionError("Unknown seat 'x'.")

    @solara.component
    def Holder():
        with SafeArea():
            Broken()

    box, rc = solara.render(Holder(), handle_error=False)
    assert "Unknown seat 'x'." in all_text(box) and "The game is kept" in all_text(box)


def test_a_decision_panel_for_an_unknown_seat_is_a_message_inside_the_page():
    # a seat that vanished (e.g. a scenario edited under a saved game) must not crash the page
    @solara.component
    def Holder():
        with SafeArea():
            DecisionPanel(GameSession.new("baseline", 1, []), "nobody", 0)

    box2, _ = solara.render(Holder(), handle_error=False)
    assert "Unknown seat 'nobody'" in all_text(box2)


HUMAN_OF_EACH_KIND = ["us_gov", "prc_gov", "nl_gov", "us_lab_a", "tw_foundry", "sea_network", "sea_cloud"]


def test_the_ui_submits_levers_of_their_proper_python_types_for_every_seat_kind(monkeypatch):
    """Decisions are about to be validated strictly: "300" or True is no value of a float lever."""
    session = GameSession.new("baseline", 4, HUMAN_OF_EACH_KIND)
    kinds = {session.seat(s).kind for s in HUMAN_OF_EACH_KIND}
    assert kinds == {"us_government", "prc_government", "ally_government", "lab", "chipmaker", "smuggler",
                     "overseas_cloud"}
    typed_in = {"training_share": "0.5", "safety_share": "0,2", "serving_share": "0.3", "testing_quarters": "2"}
    for seat_id in HUMAN_OF_EACH_KIND:
        box, rc = solara.render(DecisionPanel(session, seat_id, session.version), handle_error=False)
        for row in session.seat_lever_rows(seat_id):
            label = f"{row['label']} [{row['unit']}]"
            if row["type"] == "bool":
                rc.find(v.Switch, label=label).widget.v_model = not session.drafts[seat_id][row["name"]]
            elif row["type"] == "choice":
                rc.find(v.Select, label=label).widget.v_model = str(row["choices"][-1])
            else:  # what a player types: whole numbers too, which must still become floats
                rc.find(v.TextField, label=label).widget.v_model = typed_in.get(row["name"], "1")
        assert session.draft_problem(seat_id) == "", session.draft_problem(seat_id)
        rc.close()
    submitted = {}
    original = session.model.submit_decision

    def record(seat, levers):
        submitted[seat] = dict(levers)
        return original(seat, levers)

    monkeypatch.setattr(session.model, "submit_decision", record)
    session.step()
    assert set(submitted) == set(HUMAN_OF_EACH_KIND)
    python_type = {"float": float, "int": int, "bool": bool, "choice": str}
    for seat_id, levers in submitted.items():
        kind = session.seat(seat_id).kind
        rows = session.seat_lever_rows(seat_id)
        assert set(levers) == {r["name"] for r in rows} == set(session.model.actor(seat_id).levers)
        for row in rows:
            value = levers[row["name"]]
            assert type(value) is python_type[row["type"]], (seat_id, row["name"], value)
        defaults = {r["name"]: r["default"] for r in lever_rows(kind)}
        decision_model_for(kind).model_validate({**defaults, **levers}, strict=True)
    assert submitted["us_lab_a"]["testing_quarters"] == 2 and submitted["us_lab_a"]["safety_share"] == 0.2
    assert submitted["us_gov"]["remote_access_rule"] == "ban"



@solara.component
def _LayoutAt(store_dir, url):
    from solara.routing import Router, router_context

    router_context.provide(Router(url, []))
    with solara.AppLayout():
        TabletopPage(store_dir=store_dir)


@pytest.mark.parametrize("game, shown", [
    ("doesnotexist", "doesnotexist"), ("0123456789abcdef", "0123456789abcdef"),
    ("../../etc/passwd", "../../etc/passwd"), ("..%2F..%2Foutside", "../../outside"),
])
def test_a_url_naming_no_saved_game_shows_a_notice_on_the_setup_screen(tmp_path, game, shown):
    outside = GameSession.new("baseline", 2, [])
    GameStore(tmp_path).save(outside)
    (tmp_path / f"{outside.game_id}.json").rename(tmp_path / "outside.json")  # a game log outside the store
    box, rc = solara.render(_LayoutAt(str(tmp_path / "games"), f"/?game={game}"), handle_error=False)
    text = all_text(box)
    assert f"No saved game with id '{shown}' — start a new game or upload a game log." in text
    assert rc.find(v.Btn, children=["Start game"]).widgets  # still the setup screen
    assert "Next season" not in text


def test_a_url_with_a_saved_game_resumes_it(tmp_path):
    session = GameSession.new("baseline", 3, ["us_gov"])
    session.step()
    GameStore(tmp_path).save(session)
    box, rc = solara.render(_LayoutAt(str(tmp_path), f"/?game={session.game_id}"), handle_error=False)
    assert "Next season: 2026Q4" in all_text(box) and "No saved game" not in all_text(box)


def test_the_game_view_scrolls_to_the_top_when_it_appears(tmp_path):
    box, rc = solara.render(_Layout(str(tmp_path)), handle_error=False)
    assert not rc.find(ScrollToTop).widgets
    button(rc, "Start game").click()
    marker = rc.find(ScrollToTop).widget
    assert "window.scrollTo(0, 0)" in marker.template


def test_setup_panel_seed_message_gives_the_allowed_range():
    box, rc = solara.render(SetupPanel(on_start=lambda c: None), handle_error=False)
    seed = next(w for w in rc.find(v.TextField).widgets if str(w.label).startswith("Seed"))
    seed.v_model = str(MAX_SEED + 1)
    assert f"from 0 to {MAX_SEED}" in repr(seed) and button(rc, "Start game").disabled
    seed.v_model = str(MAX_SEED)
    assert not button(rc, "Start game").disabled


# ------------------------------------------------------------------ model v2: offered levers, policies, scores
def lever_labels(rc):
    return {str(w.label) for cls in (v.TextField, v.Switch, v.Select) for w in rc.find(cls).widgets}


@pytest.mark.parametrize("seat_id, shown, hidden", [
    ("us_lab_a", "Distillation defence [intensity [0, 1]]", "Distillation effort [intensity [0, 1]]"),
    ("prc_lab_b", "Distillation effort [intensity [0, 1]]", "Distillation defence [intensity [0, 1]]"),
    ("prc_chain", "Yield ramp [intensity [0, 1]]", "Customer checks [intensity [0, 1]]"),
])
def test_decision_panel_shows_only_the_levers_offered_to_the_seat(seat_id, shown, hidden):
    session = GameSession.new("baseline", 3, [seat_id])
    box, rc = solara.render(DecisionPanel(session, seat_id, session.version), handle_error=False)
    labels = lever_labels(rc)
    assert shown in labels and hidden not in labels
    expected = {f"{r['label']} [{r['unit']}]" for r in session.seat_lever_rows(seat_id)}
    assert labels == expected and len(expected) == len(session.model.actor(seat_id).levers)


def test_decision_panel_shows_a_running_total_of_the_lab_shares(session):
    box, rc = solara.render(DecisionPanel(session, "us_lab_a", session.version), handle_error=False)
    assert "Training + safety + serving = 1 (adds up to 1)." in all_text(box)
    share_field(rc, "Training").v_model = "0.5"
    share_field(rc, "Serving").v_model = "0.3"
    share_field(rc, "Safety").v_model = "0.1"
    assert "Training + safety + serving = 0.9: must be 1." in all_text(box)
    share_field(rc, "Safety").v_model = "0.2"
    assert "Training + safety + serving = 1 (adds up to 1)." in all_text(box)
    gov, _ = solara.render(DecisionPanel(session, "us_gov", session.version), handle_error=False)
    assert "Training + safety + serving" not in all_text(gov)


def test_decision_panel_names_the_policy_behind_its_proposals(session):
    from wargame.policies import describe_policy

    box, _ = solara.render(DecisionPanel(session, "us_gov", session.version), handle_error=False)
    policy = session.seat("us_gov").policy
    assert describe_policy("us_government", policy) in all_text(box)


def test_setup_panel_describes_each_computer_policy_in_plain_words():
    from wargame.policies import describe_policy

    box, rc = solara.render(SetupPanel(on_start=lambda c: None), handle_error=False)
    text = all_text(box)
    assert describe_policy("lab", "cautious") in text or describe_policy("lab", "racing") in text
    policy = rc.find(v.Select, label="computer policy").widgets[0]  # the first computer seat: an ally
    policy.v_model = "hawkish"
    assert describe_policy("ally_government", "hawkish") in all_text(box)
    described = [w for w in rc.find(v.Html).widgets if "policy-description" in (w.class_ or "")]
    assert described and not any(isinstance(w, v.VuetifyTemplate) for w in described)  # plain text, not Markdown


def test_score_panel_shows_the_score_so_far_and_its_parts_in_plain_words(session):
    from wargame.tabletop.forms import format_points
    from wargame.tabletop.panels import ScorePanel

    session.step()
    session.step()
    box, rc = solara.render(ScorePanel(session, "us_gov", session.version), handle_error=False)
    text = all_text(box)
    assert f"{format_points(session.model.seat_scores()['us_gov'])} points so far, after 2 seasons" in text
    for part in session.score_parts("us_gov"):
        assert part["label"] in text and format_points(part["points"]) in text
    assert "licence_revenue" not in text  # components in plain words, not identifiers


def test_the_page_shows_a_score_panel_above_each_human_form(tmp_path):
    box, rc = solara.render(_Layout(str(tmp_path)), handle_error=False)
    button(rc, "Start game").click()
    button(rc, "Step season").click()
    titles = [str(w.children[0]) for w in rc.find(v.CardTitle).widgets if w.children]
    assert titles.index("US government: score") < titles.index("US government: decisions for 2026Q4")
    assert titles.index("PRC government: score") < titles.index("PRC government: decisions for 2026Q4")
    assert "points so far, after 1 season" in all_text(box)


def test_debrief_shows_the_final_score_of_every_seat(session):
    from wargame.tabletop.debrief import score_table_rows

    session.play_to_end()
    box, rc = solara.render(Debrief(session, session.version), handle_error=False)
    text = all_text(box)
    assert "Final scores" in text
    rows = score_table_rows(session)
    assert [r[0] for r in rows] == [a.name for a in session.model.seats()]
    from wargame.tabletop.forms import format_points

    for actor, row in zip(session.model.seats(), rows, strict=True):
        assert row[3] == format_points(session.model.seat_scores()[actor.seat])
        assert row[0] in text and row[4] in text
    assert rows[0][2] == "human" and any(r[2].startswith("computer (") for r in rows)


def test_scenario_text_in_the_score_table_is_plain_text_never_html():
    from wargame.model import AIRaceModel
    from wargame.scenario import load_scenario
    from wargame.tabletop.debrief import ScoreTable
    from wargame.tabletop.panels import ScorePanel

    evil = "<img src=x onerror=alert(1)>"
    scenario = load_scenario("baseline").with_overrides({"labs.us_lab_a.name": evil})
    session = GameSession(AIRaceModel(scenario, seed=2), ["us_lab_a"])
    session.step()
    box, rc = solara.render(ScoreTable(session, session.version), handle_error=False)
    cells = [row for w in rc.find(TextTable).widgets for row in w.rows if evil in row]
    assert cells  # shown as the text of a table cell
    markup = [w for w in rc.find(v.VuetifyTemplate).widgets if "onerror" in w.template]
    markup += [w for w in rc.find(widgets.HTML).widgets if "onerror" in str(w.value)]
    assert markup == []
    assert all(w.template == TextTable.class_traits()["template"].default_value for w in rc.find(TextTable).widgets)
    panel, rc2 = solara.render(ScorePanel(session, "us_lab_a", session.version), handle_error=False)
    assert evil in all_text(panel)
    assert not [w for w in rc2.find(v.VuetifyTemplate).widgets if "onerror" in w.template]


def test_scenario_and_news_text_is_never_markup(session):
    """A seat name with HTML reaches the news log as text: no Markdown component renders outside text."""
    session.model.add_news("labs", "<img src=x onerror=alert(1)> released a model.")
    box, _ = solara.render(NewsLog(session, session.version), handle_error=False)
    assert "<img src=x onerror=alert(1)> released a model." in all_text(box)
    rc = solara.render(NewsLog(session, session.version), handle_error=False)[1]
    templates = rc.find(v.VuetifyTemplate).widgets  # solara.Markdown would render as a Vue template
    assert [type(w) for w in templates] == [TextLines]  # the news list: one widget of plain-text lines
    assert templates[0].template == TextLines.class_traits()["template"].default_value
    assert "<img src=x onerror=alert(1)> released a model." in "".join(templates[0].lines)


def test_the_landing_page_has_no_drawer_and_offers_the_upload_below_the_setup(tmp_path):
    box, rc = solara.render(_Layout(str(tmp_path)), handle_error=False)
    assert not rc.find(v.NavigationDrawer).widgets, "a drawer opened over the whole landing page on a phone"
    main = rc.find(v.Html, class_="landing-upload").widget
    assert rc.find(v.Html, class_="landing-upload").find(LogUploadWidget).widgets
    assert "Resuming from a file starts a new copy" in all_text(main)
    assert "Join a game with your team's code" in all_text(box)
    assert not rc.find(CloseDrawerOnPhone).widgets
    button(rc, "Start game").click()  # in a game the facilitator's controls sit in the sidebar
    drawer = rc.find(v.NavigationDrawer).widget
    assert "Step season" in all_text(drawer) and "Download game log" in all_text(drawer)
    closer = rc.find(CloseDrawerOnPhone).widget  # on a phone the drawer starts closed, as a tap beside it does
    assert "vm.isMobile" in closer.template and "vm.isActive = false" in closer.template
    assert "max-width: 85vw" in NARROW_DRAWER_CSS


def test_setup_text_is_on_separate_lines():
    box, rc = solara.render(SetupPanel(on_start=lambda choice: None), handle_error=False)
    for css in ("setup-title", "setup-briefing", "setup-seasons"):
        found = rc.find(v.Html, class_=css)
        found.assert_single()
        assert "display:block" in found.widget.style_.replace(" ", ""), f"{css} ran into the next text"
    assert all_text(rc.find(v.Html, class_="setup-seasons").widget).startswith("Seasons 2026Q3 to ")


def test_the_inject_list_names_events_in_plain_words(session):
    box, rc = solara.render(FacilitatorControls(session, lambda action: action()), handle_error=False)
    select = rc.find(v.Select, class_="inject-select").widget
    assert [item["text"] for item in select.items] == [event_title(name) for name in EVENT_NAMES]
    assert select.items[0] == {"text": "Taiwan Strait crisis", "value": "taiwan_strait_crisis"}
    assert not any("_" in item["text"] for item in select.items)
    select.v_model = "open_weights_shock"
    assert all_text(rc.find(v.Html, class_="inject-description").widget) == EVENT_DESCRIPTIONS["open_weights_shock"]
    button(rc, "Play inject next season").click()
    assert session.model.queued_injects == ["open_weights_shock"]
    rc.render(FacilitatorControls(session, lambda action: action(), version=session.version))  # the page redraws
    queued = all_text(rc.find(v.Alert, class_="queued-injects").widget)
    assert "Open-weights shock" in queued and "open_weights_shock" not in queued
    assert event_title("new_event") == "New event"
