"""Headless component tests of the tabletop panels (``solara.render``, no browser)."""

from __future__ import annotations

import ipyvuetify as v
import ipywidgets as widgets
import pytest
import solara

from wargame.tabletop.charts import ChartView, adoption_figure, compute_figure, labs_figure, lead_figure
from wargame.tabletop.debrief import OUTCOME_TEXT, Debrief, decisions_markdown
from wargame.tabletop.network_map import flow_table, network_figure
from wargame.tabletop.page import GameViews, TabletopPage, game_id_from_search
from wargame.tabletop.panels import DecisionPanel, FacilitatorControls, NewsLog, SaveLoadPanel, SetupPanel
from wargame.tabletop.session import GameSession, GameStore


def texts(widget) -> list[str]:
    """Every piece of text in a widget tree (button labels, Markdown, Text, titles)."""
    out: list[str] = []
    stack = [widget]
    while stack:
        node = stack.pop()
        if isinstance(node, str):
            out.append(node)
            continue
        if isinstance(node, widgets.HTML | widgets.Label):
            out.append(str(node.value))
        if isinstance(node, v.VuetifyTemplate):  # solara.Markdown renders as HTML in a template
            out.append(str(node.template))
        for attr in ("children", "v_slots"):
            value = getattr(node, attr, None)
            if isinstance(value, list | tuple):
                for item in value:
                    stack.append(item.get("children") if isinstance(item, dict) else item)
            elif isinstance(value, widgets.Widget):
                stack.append(value)
        if isinstance(node, v.VuetifyWidget):
            for attr in ("label", "title", "subtitle"):
                value = getattr(node, attr, None)
                if isinstance(value, str):
                    out.append(value)
    return out


def all_text(widget) -> str:
    return "\n".join(texts(widget))


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


def test_decision_panel_reports_a_lab_split_that_does_not_sum_to_one(session):
    box, rc = solara.render(DecisionPanel(session, "us_lab_a", session.version), handle_error=False)
    field = rc.find(v.TextField, label="Safety share [share of compute [0, 1]]").widget
    field.v_model = "0.9"
    assert "sum to 1" in all_text(box)


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
    text = all_text(box)
    assert text.index("<strong>2026Q4</strong>") < text.index("<strong>2026Q3</strong>")


def test_save_load_panel_offers_download_and_upload(session):
    uploads = []
    box, rc = solara.render(SaveLoadPanel(session, on_upload=lambda d, n: uploads.append((d, n))),
                            handle_error=False)
    assert "Download game log" in all_text(box)
    upload = rc.find(widgets.FileUpload).widget
    upload.value = ({"name": "g.json", "type": "application/json", "size": 2, "content": memoryview(b"{}"),
                     "last_modified": 0},)
    assert uploads == [(b"{}", "g.json")]


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


def test_chart_tabs_are_headers_and_the_open_chart_follows_the_tab(session):
    """No v-window items: a lazily filled window item starts its slide empty and stays 0 px high."""
    session.step()
    box, rc = solara.render(GameViews(session, session.version), handle_error=False)
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
    assert "| 2026Q3 | US government |" in decisions_markdown(session)
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
    upload = rc.find(widgets.FileUpload).widget
    upload.value = ({"name": "evil.json", "type": "application/json", "size": 9,
                     "content": memoryview(b'{"x": 1}'), "last_modified": 0},)
    text = all_text(box)
    assert "evil.json" in text and "not a game log" in text
    assert "Next season: 2026Q4" in text


def test_page_resumes_an_autosaved_game_from_the_store(tmp_path):
    store = GameStore(tmp_path)
    session = GameSession.new("baseline", 3, ["us_gov"])
    session.step()
    store.save(session)
    resumed = store.load(session.game_id)
    box, rc = solara.render(FacilitatorControls(resumed, lambda a: a()), handle_error=False)
    assert "Next season: 2026Q4" in all_text(box)
