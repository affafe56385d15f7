"""Headless component tests of room setup, the facilitator's console and the projector (``solara.render``)."""

from __future__ import annotations

import json

import ipyvuetify as v
import ipywidgets as widgets
import pytest
import solara
import solara.routing
from solara.components.echarts import EchartsWidget
from solara.components.file_download import FileDownloadWidget
from widget_text import all_text

from wargame.model import MAX_NOTE_CHARS
from wargame.tabletop import projector_view
from wargame.tabletop.charts import views
from wargame.tabletop.console_view import FacilitatorConsole, ModelSnapshot, console_state, log_download, news_lines
from wargame.tabletop.errors import RoomError
from wargame.tabletop.projector_view import ProjectorView, status_cells
from wargame.tabletop.role_views import projector_snapshot
from wargame.tabletop.room import Access
from wargame.tabletop.room_setup import RoomSetup, computer_policies, default_assignment, teams_from_assignment
from wargame.tabletop.room_store import RoomRegistry, registry_for
from wargame.tabletop.room_widgets import OnceButtonWidget, RoomLinkWidget
from wargame.tabletop.session import scenario_seats

HOSTILE = "<img src=x onerror=alert(1)> **bold** {{7*7}}"
#: Lever values no public figure could show by chance: they must never reach the projector or the console.
US_LEVERS = {"enforcement_budget_musd": 987.6, "intelligence_budget_musd": 876.5}
PRC_LEVERS = {"domestic_subsidy_busd": 77.7}




def markup(widget) -> list[str]:
    """The text of every widget that renders markup (HTML widgets, Markdown and other templates)."""
    out = []
    stack = [widget]
    while stack:
        node = stack.pop()
        if isinstance(node, widgets.HTML):
            out.append(str(node.value))
        if isinstance(node, EchartsWidget):  # Solara's fixed echarts.vue; what varies is the option
            out.append(json.dumps(node.option))
        elif isinstance(node, v.VuetifyTemplate):
            out.append(str(node.template))
        for item in getattr(node, "children", None) or ():
            if isinstance(item, widgets.Widget):
                stack.append(item)
    return out


def with_class(rc, css: str) -> list:
    """Every rendered widget whose classes include ``css``."""
    out, stack = [], [rc.find().widget]
    while stack:
        node = stack.pop()
        if css in str(getattr(node, "class_", None) or "").split():
            out.append(node)
        stack.extend(c for c in getattr(node, "children", None) or () if isinstance(c, widgets.Widget))
    return out


def once_button(rc, css: str) -> OnceButtonWidget:
    found = rc.find(OnceButtonWidget, button_class=css)
    found.assert_single()
    return found.widget


def click(rc, label: str) -> None:
    found = rc.find(v.Btn, children=[label])
    found.assert_single()
    found.widget.click()


@pytest.fixture
def registry(tmp_path):
    return RoomRegistry(tmp_path)


@pytest.fixture
def room(registry):
    return registry.create("baseline", 7, [("US government", ["us_gov"]), ("PRC government", ["prc_gov"])])


def fac(room) -> Access:
    return Access(room.room_id, "facilitator")


def team(room, team_id: str) -> Access:
    return Access(room.room_id, "team", team_id)


def submit_all(room) -> None:
    """Both teams submit the proposal with distinctive values (never to be shown to another role)."""
    for team_id, seat, changes in (("team1", "us_gov", US_LEVERS), ("team2", "prc_gov", PRC_LEVERS)):
        levers = {**room.form_for(team(room, team_id), seat).typed(), **changes}
        room.submit(team(room, team_id), seat, levers, room.season)


# ------------------------------------------------------------------ setup
def test_teams_from_assignment_groups_seats_by_name_and_leaves_blanks_to_the_computer():
    assignment = {"prc_gov": "Red", "us_gov": "Blue", "us_lab_a": " blue ", "nl_gov": "", "prc_lab_a": "   ",
                  "tw_gov": "Blue"}
    order = ["us_gov", "prc_gov", "nl_gov", "tw_gov", "us_lab_a", "prc_lab_a"]
    assert teams_from_assignment(assignment, order) == [("Blue", ["us_gov", "tw_gov", "us_lab_a"]),
                                                        ("Red", ["prc_gov"])]
    assert teams_from_assignment({"a": "Z", "b": "Y"}) == [("Z", ["a"]), ("Y", ["b"])]
    assert teams_from_assignment({"a": "", "b": None}) == []


def test_default_assignment_gives_each_government_its_own_team():
    from wargame.scenario import load_scenario

    seats = scenario_seats(load_scenario("baseline"))
    assignment = default_assignment(seats)
    assert teams_from_assignment(assignment, [s.id for s in seats]) == [("US government", ["us_gov"]),
                                                                        ("PRC government", ["prc_gov"])]
    chosen = {"us_gov": "hawkish", "prc_lab_a": "cautious", "prc_lab_b": "racing"}
    # a team seat takes no computer policy; an unchanged policy is not sent
    assert computer_policies(seats, assignment, chosen) == {"prc_lab_a": "cautious"}


def render_setup(store_dir):
    pushed: list[str] = []

    @solara.component
    def Routed():
        solara.routing.router_context.provide(solara.routing.Router("/", routes=[solara.Route("/")],
                                                                    set_path=pushed.append))
        RoomSetup(store_dir)

    box, rc = solara.render(Routed(), handle_error=False)
    return box, rc, pushed


def test_room_setup_creates_the_room_and_opens_the_facilitators_console(tmp_path):
    box, rc, pushed = render_setup(str(tmp_path))
    text = all_text(box)
    assert "US frontier lab A" in text and "Lithography tool maker" in text
    assert rc.find(v.TextField, class_="team-name-us_gov").widget.v_model == "US government"
    assert rc.find(v.TextField, class_="team-name-us_lab_a").widget.v_model == ""
    rc.find(v.TextField, class_="team-name-us_lab_a").widget.v_model = "us GOVERNMENT"  # joins the US team
    rc.find(v.Select, class_="policy-prc_lab_a").widget.v_model = "cautious"
    assert "Keeps" not in all_text(rc.find(v.Html, class_="seat-row-us_lab_a").widget)  # a team seat: no policy
    click(rc, "Create game")
    assert len(pushed) == 1 and pushed[0].startswith("/?room=")
    room_id = pushed[0].split("room=")[1].split("&")[0]
    key = pushed[0].split("key=")[1]
    room, access = registry_for(str(tmp_path)).resolve(room_id, key)
    assert access == Access(room.room_id, "facilitator")
    assert [(t.name, t.seats) for t in room.teams.values()] == [("US government", ["us_gov", "us_lab_a"]),
                                                                 ("PRC government", ["prc_gov"])]
    assert room.game.seat("prc_lab_a").policy == "cautious"
    assert room.game.human_seats == ["us_gov", "prc_gov", "us_lab_a"]  # the model's seat order


def test_room_setup_shows_a_bad_team_name_as_plain_text_and_creates_nothing(tmp_path):
    box, rc, pushed = render_setup(str(tmp_path))
    rc.find(v.TextField, class_="team-name-nl_gov").widget.v_model = "x" * 61
    click(rc, "Create game")
    assert pushed == []
    error = rc.find(v.Html, class_="room-setup-error")
    error.assert_single()
    assert "at most 60 characters" in all_text(error.widget)
    assert not list(tmp_path.glob("rooms/*.json")), "no room was saved"


# ------------------------------------------------------------------ console
def test_console_shows_statuses_links_and_codes_never_decisions(room):
    room.submit(team(room, "team1"), "us_gov", {**room.form_for(team(room, "team1"), "us_gov").typed(),
                                                 **US_LEVERS}, room.season)
    room.mark_opened(team(room, "team2"), "prc_gov")
    box, rc = solara.render(FacilitatorConsole(room, fac(room), room.version), handle_error=False)
    table = rc.find(v.Html, class_="plain-table seat-status-table").widget
    rows = {r[0]: r for r in console_rows(table)}
    assert rows["US government"][1:] == ["US government", "team", "submitted"]
    assert rows["PRC government"][1:] == ["PRC government", "team", "drafting"]
    assert rows["US frontier lab A"][2:] == ["computer (cautious)", "computer"]
    text = all_text(box)
    assert "Waiting for: PRC government" in text
    for value in ("987.6", "876.5", "Enforcement budget"):
        assert value not in text, "the console never shows a team's pending decision"
    queries = {w.link_class: w.query for w in rc.find(RoomLinkWidget).widgets}
    assert queries["facilitator-link"] == f"?room={room.room_id}&key={room.facilitator_token}"
    assert queries["projector-link"] == f"?room={room.room_id}&key={room.projector_token}"
    for team_id, item in room.teams.items():
        assert queries[f"team-link-{team_id}"] == f"?room={room.room_id}&key={item.token}"
        code = rc.find(v.Html, class_=f"team-code-{team_id}")
        code.assert_single()
        assert code.widget.children == [item.code]
    assert "keep this link private" in text
    # the Step button waits for the PRC team; Step anyway is offered
    assert once_button(rc, "step-season").disabled
    assert not once_button(rc, "step-force").disabled


def console_rows(table) -> list[list[str]]:
    body = table.children[1]
    return [[cell.children[0] for cell in row.children] for row in body.children]


def test_step_button_plays_one_season_however_often_it_is_pressed(room):
    submit_all(room)
    box, rc = solara.render(FacilitatorConsole(room, fac(room), room.version), handle_error=False)
    first = room.season
    step = once_button(rc, "step-season")
    assert step.label == f"Step: play {first}" and not step.disabled
    step.vue_pressed(None)
    assert room.game.seasons_played == 1
    step.vue_pressed(None)  # a second click of the button drawn for the season already played
    assert room.game.seasons_played == 1
    assert not rc.find(v.Alert, class_="console-error").widgets, "nothing alarming"
    assert once_button(rc, "step-season").label == f"Step: play {room.season}"
    force = once_button(rc, "step-force")  # nobody submitted for the new season
    for _ in range(5):
        force.vue_pressed(None)
    assert room.game.seasons_played == 2
    assert "No decision came in time" in " ".join(item["text"] for item in room.game.model.news)
    undo = once_button(rc, "undo-season")
    undo.vue_pressed(None)
    undo.vue_pressed(None)
    assert room.game.seasons_played == 1, "a double-click on Undo takes back one season"


def test_quick_presses_of_step_in_a_computer_only_room_play_one_season(registry):
    room = registry.create("baseline", 3, [])  # nobody to wait for: Step is always enabled
    box, rc = solara.render(FacilitatorConsole(room, fac(room), room.version), handle_error=False)
    step = once_button(rc, "step-season")
    for _ in range(5):
        step.vue_pressed(None)
    assert room.game.seasons_played == 1
    once_button(rc, "step-season").vue_pressed(None)  # the button drawn for the next season plays it
    assert room.game.seasons_played == 2


def test_step_without_submissions_refuses_with_a_plain_message(room):
    box, rc = solara.render(FacilitatorConsole(room, fac(room), room.version), handle_error=False)
    step = once_button(rc, "step-season")
    step.disabled = False  # as if the page were stale: the room itself refuses
    step.vue_pressed(None)
    assert room.game.seasons_played == 0
    alert = rc.find(v.Alert, class_="console-error")
    alert.assert_single()
    assert "Still waiting for: US government, PRC government" in all_text(alert.widget)


def test_lock_refuses_a_team_submit_and_timer_errors_are_shown(room):
    box, rc = solara.render(FacilitatorConsole(room, fac(room), room.version), handle_error=False)
    rc.find(v.Switch, class_="lock-season").widget.v_model = True
    assert room.locked
    with pytest.raises(RoomError, match="locked"):
        room.submit(team(room, "team1"), "us_gov", room.form_for(team(room, "team1"), "us_gov").typed(),
                    room.season)
    minutes = rc.find(v.TextField, class_="timer-minutes").widget
    minutes.v_model = "soon"
    click(rc, "Start")
    assert "Minutes per season must be a number" in all_text(rc.find(v.Alert, class_="console-error").widget)
    minutes.v_model = "5"
    click(rc, "Start")
    assert room.timer.running and room.timer.minutes == 5.0
    assert not rc.find(v.Alert, class_="console-error").widgets, "the message goes once the action works"
    click(rc, "Pause")
    assert not room.timer.running
    click(rc, "Resume")
    assert room.timer.running


def test_note_and_inject_reach_the_news_as_plain_text(room):
    box, rc = solara.render(FacilitatorConsole(room, fac(room), room.version), handle_error=False)
    rc.find(v.Textarea, class_="note-text").widget.v_model = HOSTILE
    click(rc, "Add to news")
    assert room.game.model.news[-1] == {"season": room.season, "phase": "facilitator", "text": HOSTILE,
                                        "audience": "public"}
    assert rc.find(v.Textarea, class_="note-text").widget.v_model == ""
    lines = [w.children[0] for w in rc.find(v.Html, class_="news-item").widgets]
    assert lines == [f"{room.season} · facilitator: {HOSTILE}"]
    assert not any(HOSTILE in m or "onerror" in m for m in markup(box)), "never Markdown or HTML"
    rc.find(v.Select, class_="note-audience").widget.v_model = "PRC only"
    rc.find(v.Textarea, class_="note-text").widget.v_model = "Only Beijing hears this."
    click(rc, "Add to news")
    assert room.game.model.news[-1]["audience"] == "PRC"
    lines = [w.children[0] for w in rc.find(v.Html, class_="news-item").widgets]
    assert lines[0] == f"{room.season} · facilitator: Only Beijing hears this. (PRC only)", "newest first"
    click(rc, "Add to news")  # nothing typed: a hint, the news unchanged
    assert len(room.game.model.news) == 2
    rc.find(v.Select, class_="inject-select").widget.v_model = "smuggling_bust"
    click(rc, "Play inject")
    assert room.game.model.queued_injects == ["smuggling_bust"]
    assert "Smuggling bust" in all_text(rc.find(v.Html, class_="queued-injects").widget)
    # the projector shows the public note as plain text, not the PRC one
    pbox, prc = solara.render(ProjectorView(room, Access(room.room_id, "projector"), room.version),
                              handle_error=False)
    ptext = all_text(pbox)
    assert f"• {HOSTILE}" in ptext and "Only Beijing" not in ptext
    assert not any("onerror" in m for m in markup(pbox))


def test_news_lines_mark_private_items_newest_first():
    news = [{"season": "2026Q3", "phase": "labs", "text": "A", "audience": "public"},
            {"season": "2026Q3", "phase": "intel", "text": "B", "audience": "US"}]
    assert news_lines(news) == ["2026Q3 · intel: B (US only)", "2026Q3 · labs: A"]


def test_downloaded_log_holds_no_token_or_code(room, tmp_path):
    submit_all(room)
    room.step(fac(room), room.season)
    data = log_download(room)
    log = json.loads(data)
    assert "987.6" in data.decode("utf-8") and log["seed"] == 7, "a real log, with the teams' decisions"
    secrets = [room.facilitator_token, room.projector_token] + [t.token for t in room.teams.values()] \
        + [t.code for t in room.teams.values()]
    saved = (tmp_path / "rooms" / f"{room.room_id}.json").read_text()
    assert all(s in saved for s in secrets), "the server's own room file does hold them"
    text = data.decode("utf-8")
    for secret in secrets:
        assert secret not in text
    box, rc = solara.render(FacilitatorConsole(room, fac(room), room.version), handle_error=False)
    assert rc.find(FileDownloadWidget).widget.filename == room.game.download_name()


def test_console_charts_read_a_copy_every_chart_can_draw(room):
    submit_all(room)
    room.step(fac(room), room.season)
    snapshot = ModelSnapshot(room)
    assert len(snapshot.datacollector.get_model_vars_dataframe()) == 2
    for _label, _name, builder in views():
        builder(snapshot)  # raises if the copy lacks something a chart reads
    room.step(fac(room), room.season, force=True)
    assert len(snapshot.datacollector.get_model_vars_dataframe()) == 2, "a copy: later steps do not change it"


def test_console_state_and_finished_console_show_the_debrief(room):
    while not room.finished:
        room.step(fac(room), room.season, force=True)
    state = console_state(room)
    assert state["finished"] and state["can_undo"]
    box, rc = solara.render(FacilitatorConsole(room, fac(room), room.version), handle_error=False)
    text = all_text(box)
    assert "Debrief" in text and "game over after" in text
    assert rc.find(FileDownloadWidget).widgets
    once_button(rc, "undo-season").vue_pressed(None)
    assert not room.finished


def test_console_refuses_another_role(room):
    box, rc = solara.render(FacilitatorConsole(room, Access(room.room_id, "projector"), room.version),
                            handle_error=False)
    assert "cannot run this game" in all_text(box)
    assert not rc.find(RoomLinkWidget).widgets


# ------------------------------------------------------------------ projector
def test_projector_shows_no_lever_value_and_no_internal_lead(room):
    submit_all(room)
    room.step(fac(room), room.season)
    submit_all(room)  # pending decisions of the coming season too
    snap = projector_snapshot(room)
    assert "lead_internal_months" not in snap["series"]
    box, rc = solara.render(ProjectorView(room, Access(room.room_id, "projector"), room.version), handle_error=False)
    text = all_text(box)
    assert f"Season {room.season}" in text
    for value in ("987.6", "876.5", "77.7", "Enforcement budget", "Domestic subsidy", "internal", "cautious"):
        assert value not in text
    cells = {w.children[0].children[0]: w for w in with_class(rc, "projector-seat")}
    assert set(cells) == {"US government", "PRC government"}
    assert "submitted ✓" in all_text(cells["US government"])
    assert "The computer plays the other 20 seats." in text
    assert len(with_class(rc, "public-chart")) == 2, "the public charts (deployed lead, adoption)"
    [root] = with_class(rc, "projector-view")
    assert "font-size:clamp(22px," in root.style_.replace(" ", ""), "projector type is 22 px or larger"


def test_projector_draws_from_the_snapshot_alone(room, monkeypatch):
    room.add_note(fac(room), "Public note.")
    snap = projector_snapshot(room)

    class Forbidden:
        def __getattr__(self, name):
            raise AssertionError(f"the projector read the game ({name})")

    monkeypatch.setattr(projector_view, "projector_snapshot", lambda _room: snap)
    real = room.game
    room.game = Forbidden()
    try:
        box, rc = solara.render(ProjectorView(room, Access(room.room_id, "projector"), room.version),
                                handle_error=False)
    finally:
        room.game = real
    assert "• Public note." in all_text(box)


def test_status_cells_show_team_seats_names_and_status_only():
    rows = [{"seat": "a", "name": "A", "team": "T", "played_by": "team", "status": "submitted"},
            {"seat": "b", "name": "B", "team": "", "played_by": "computer (hawkish)", "status": "computer"}]
    assert status_cells(rows) == ([{"seat": "a", "name": "A", "team": "T", "status": "submitted"}], 1)


def test_the_projectors_debrief_text_is_large(room):
    """Vuetify sizes card text in rem (14 px, tables about 13 px): the projector's own style sheet sets 20 px."""
    import re

    while not room.finished:
        room.step(fac(room), room.season, force=True)
    box, rc = solara.render(ProjectorView(room, Access(room.room_id, "projector"), room.version), handle_error=False)
    [root] = with_class(rc, "projector-view")
    assert with_class(rc, "reveal-debrief") and "Made of" in all_text(root), "the debrief, inside the projector view"
    sheets = [w.template for w in rc.find(v.VuetifyTemplate).widgets
              if isinstance(w.template, str) and ".projector-view .v-card__text" in w.template]
    assert len(sheets) == 1
    rule = re.search(r"\.projector-view \.v-card__text \*,[^{]*\{[^}]*font-size: (\d+)px !important", sheets[0])
    assert rule and int(rule.group(1)) >= 18
    assert projector_view.DEBRIEF_FONT_PX >= 18
    assert "{{" not in sheets[0].split("<style", 1)[1], "a fixed style sheet: nothing from outside in it"


def test_a_note_added_to_the_news_leaves_an_empty_fresh_box_and_a_refused_one_stays(room):
    box, rc = solara.render(FacilitatorConsole(room, fac(room), room.version), handle_error=False)
    before = rc.find(v.Textarea, class_="note-text").widget
    before.v_model = "Commerce reviews chip export licences."
    click(rc, "Add to news")
    assert room.game.model.news[-1]["text"] == "Commerce reviews chip export licences."
    after = rc.find(v.Textarea, class_="note-text").widget
    assert after.v_model == "" and after is not before, "a new, empty box: the browser cannot keep the old text"
    assert all_text(with_class(rc, "note-hint")[0]) == "Added to the news (public)."
    click(rc, "Add to news")  # the second click of a double-click adds nothing
    assert [n["text"] for n in room.game.model.news].count("Commerce reviews chip export licences.") == 1
    too_long = "x" * (MAX_NOTE_CHARS + 1)
    after.v_model = too_long
    click(rc, "Add to news")
    box_now = rc.find(v.Textarea, class_="note-text").widget
    assert box_now is after and box_now.v_model == too_long, "a refused note stays to be fixed"
    assert rc.find(v.Alert, class_="console-error").widgets


def test_console_lead_chart_is_drawn_by_the_browser_with_the_true_internal_lead(room):
    room.step(fac(room), room.season, force=True)
    box, rc = solara.render(FacilitatorConsole(room, fac(room), room.version), handle_error=False)
    charts = rc.find(EchartsWidget).widgets
    assert len(charts) == 1, "the open tab (lead) is an ECharts chart, not a PNG drawn by the server"
    names = [series["name"] for series in charts[0].option["series"]]
    assert names == ["deployed (public)", "internal (facilitator only)"]
    frame = room.game.model.datacollector.get_model_vars_dataframe()
    assert charts[0].option["series"][1]["data"] == pytest.approx(list(frame["lead_internal_months"]))
    images = rc.find(widgets.Image).widgets  # the only PNG is the waterfall's (why the lead moved), 720 px wide
    assert len(images) == 1 and images[0].layout.max_width == "720px"
    json.dumps(charts[0].option, allow_nan=False)
