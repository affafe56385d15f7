"""Headless component tests of a team's page in a room and of the public charts (``solara.render``, no browser)."""

from __future__ import annotations

import json

import ipyvuetify as v
import ipywidgets as widgets
import pytest
import solara
from solara.components.echarts import EchartsWidget
from widget_text import all_text, texts

from wargame.tabletop.public_charts import FONT_PX, PublicCharts, public_adoption_option, public_lead_option
from wargame.tabletop.role_views import public_series, team_snapshot
from wargame.tabletop.room_store import RoomRegistry
from wargame.tabletop.team_view import HEADING_COLOR, TeamView, intel_lines, news_lines, replaced_elsewhere
from wargame.tabletop.text_widgets import TextLines

HOSTILE = "<img src=x onerror=alert(1)> {{7*7}}"




def tree(rc) -> list:
    """Every widget in the rendered tree."""
    out: list = []
    stack = [rc.find().widget]
    while stack:
        node = stack.pop()
        out.append(node)
        stack.extend(child for child in getattr(node, "children", None) or () if isinstance(child, widgets.Widget))
    return out


def css_of(widget) -> list[str]:
    return str(getattr(widget, "class_", "") or "").split()


def with_class(rc, css: str) -> list:
    """Widgets whose CSS classes include ``css``."""
    return [w for w in tree(rc) if css in css_of(w)]


def one_with_class(rc, css: str):
    found = with_class(rc, css)
    assert len(found) == 1, f"{len(found)} widgets with class {css}"
    return found[0]


def classes_in(rc) -> set[str]:
    """Every CSS class in the rendered tree."""
    return {c for w in tree(rc) for c in css_of(w)}


@pytest.fixture
def room(tmp_path):
    return RoomRegistry(tmp_path).create("baseline", 1, [("Team Alpha", ["us_gov"]),
                                                         ("Labs", ["us_lab_a", "us_lab_b"]),
                                                         ("Team Red", ["prc_lab_b"])])


def team_access(room, team_id):
    return room.access_for(room.teams[team_id].token)


def render_team(room, team_id):
    return solara.render(TeamView(room, team_access(room, team_id), room.version), handle_error=False)


def redraw(rc, room, team_id):
    """What the room's watcher does when the room changes: draw the page again with the new version."""
    rc.render(TeamView(room, team_access(room, team_id), room.version))


def test_team_sees_only_its_own_seats_and_forms(room):
    box, rc = render_team(room, "team2")
    text = all_text(box)
    found = classes_in(rc)
    assert {"team-seat-us_lab_a", "team-seat-us_lab_b", "seat-form-us_lab_a", "seat-form-us_lab_b"} <= found
    assert not {c for c in found if c.endswith(("us_gov", "prc_lab_b"))}
    names = [all_text(w) for w in with_class(rc, "seat-name")]
    assert sorted(names) == ["US frontier lab A", "US frontier lab B"]
    assert "PRC fast follower B" not in text and "Team Alpha" not in text and "Team Red" not in text
    assert "Labs" in text and "Season to play: 2026Q3" in text
    assert room.teams["team2"].token not in text


def test_team_form_offers_only_the_seats_offered_levers(room):
    _, rc = render_team(room, "team2")
    levers = {c.removeprefix("lever-us_lab_a-") for c in classes_in(rc) if c.startswith("lever-us_lab_a-")}
    assert levers == set(room.game.seat("us_lab_a").levers)
    assert "distillation_effort" not in levers and "distillation_defence" in levers
    assert len(with_class(rc, "share-total")) == 2  # each lab's form adds up its three shares


def test_seat_card_shows_role_objectives_score_and_intel_with_uncertainty(room):
    box, rc = render_team(room, "team3")
    card = all_text(one_with_class(rc, "team-seat-prc_lab_b"))
    assert "AI lab, PRC bloc." in card and "What the computer would propose" in card
    objectives = all_text(one_with_class(rc, "seat-objectives"))
    assert "Capability against the other labs" in objectives and "Weight" in objectives
    assert "Score so far: +0.00 points" in all_text(one_with_class(rc, "seat-score"))
    intel = all_text(one_with_class(rc, "seat-intel"))
    assert "Estimated lead of PRC internal models over US:" in intel and "±" in intel
    assert "an intelligence estimate" in intel and "H100e (±1 sd range" in intel
    seat = team_snapshot(room, team_access(room, "team3"))["seats"][0]
    assert f"± {seat['intel']['estimate_sd_months']:.1f} (1 sd)" in intel


def test_intel_lines_give_the_public_lead_from_the_seats_side():
    seat = {"bloc": "PRC", "intel": {"estimated_lead_months": -4.8, "estimate_sd_months": 1.9,
                                     "estimated_other_compute_h100e": 1.4e6, "compute_low_h100e": 1.1e6,
                                     "compute_high_h100e": 1.8e6, "deployed_lead_months": -5.5,
                                     "adoption_share_us": 0.6, "enmity": 0.6}}
    lines = intel_lines(seat)
    assert lines[0].startswith("Estimated lead of PRC internal models over US: -4.8 months ± 1.9 (1 sd)")
    assert "PRC most likely behind" in lines[0]
    assert "1.10 million to 1.80 million H100e" in lines[1]
    assert lines[2] == "Lead of deployed models (public): US ahead of PRC by 5.5 months."


def test_opening_the_page_marks_the_seat_opened(room):
    assert room.status("us_gov") == "not opened"
    render_team(room, "team1")
    assert room.status("us_gov") == "drafting"
    assert room.status("us_lab_a") == "not opened"


def test_submit_button_submits_the_typed_levers_and_can_change_them(room):
    box, rc = render_team(room, "team1")
    field = one_with_class(rc, "lever-us_gov-chip_threshold_h100e")
    field.v_model = "0.05"
    one_with_class(rc, "submit-us_gov").click()
    assert room.status("us_gov") == "submitted"
    submitted = room.submissions["us_gov"]
    assert submitted["chip_threshold_h100e"] == pytest.approx(0.05)
    assert set(submitted) == set(room.game.seat("us_gov").levers)
    assert isinstance(submitted["enforcement_budget_musd"], float)
    notice = all_text(one_with_class(rc, "submitted-us_gov"))
    assert notice == "Submitted for 2026Q3 — you can change it until the facilitator locks the season"
    redraw(rc, room, "team1")
    assert with_class(rc, "submitted-us_gov")
    # a later edit is a draft until submitted again; the submitted decision stands meanwhile
    one_with_class(rc, "lever-us_gov-enforcement_budget_musd").v_model = "120"
    assert "us_gov" in room.drafting
    assert "not submitted yet" in all_text(one_with_class(rc, "unsubmitted-us_gov"))
    assert not with_class(rc, "submitted-us_gov")
    assert room.submissions["us_gov"]["enforcement_budget_musd"] != 120.0
    one_with_class(rc, "submit-us_gov").click()
    assert room.submissions["us_gov"]["enforcement_budget_musd"] == 120.0
    assert "us_gov" not in room.drafting


@pytest.mark.parametrize(("lever", "typed", "message"), [
    ("enforcement_budget_musd", "lots", "is not a number"),
    ("revenue_share", "7", "must be between 0 and 1"),
])
def test_a_bad_value_blocks_submit_with_a_message(room, lever, typed, message):
    box, rc = render_team(room, "team1")
    one_with_class(rc, f"lever-us_gov-{lever}").v_model = typed
    one_with_class(rc, "submit-us_gov").click()
    assert "us_gov" not in room.submissions and room.status("us_gov") == "drafting"
    errors = "\n".join(all_text(w) for w in with_class(rc, "team-error"))
    assert errors.startswith("Not submitted:") and message in errors


def test_shares_that_do_not_add_up_block_submit(room):
    box, rc = render_team(room, "team2")
    one_with_class(rc, "lever-us_lab_a-safety_share").v_model = "0.9"
    form = all_text(one_with_class(rc, "seat-form-us_lab_a"))
    assert "Training + safety + serving = " in form and ": must be 1." in form
    one_with_class(rc, "submit-us_lab_a").click()
    assert "us_lab_a" not in room.submissions
    assert "must add up to 1" in "\n".join(all_text(w) for w in with_class(rc, "team-error"))


def test_locked_season_shows_no_submit_and_a_stale_submit_is_a_plain_error(room):
    facilitator = room.access_for(room.facilitator_token)
    box, rc = render_team(room, "team1")
    room.set_locked(facilitator, True)
    one_with_class(rc, "submit-us_gov").click()  # the page has not redrawn yet
    assert "has locked 2026Q3" in all_text(one_with_class(rc, "team-error"))
    assert "us_gov" not in room.submissions
    redraw(rc, room, "team1")
    assert not with_class(rc, "submit-us_gov")
    assert "locked 2026Q3" in all_text(box)
    assert "the computer's proposal will play this seat" in all_text(box)


def test_a_new_season_starts_a_fresh_form_from_the_last_decision(room):
    facilitator = room.access_for(room.facilitator_token)
    box, rc = render_team(room, "team1")
    one_with_class(rc, "lever-us_gov-enforcement_budget_musd").v_model = "130"
    one_with_class(rc, "submit-us_gov").click()
    room.step(facilitator, "2026Q3", force=True)
    redraw(rc, room, "team1")
    assert "Season to play: 2026Q4" in all_text(box)
    assert not with_class(rc, "submitted-us_gov")
    assert one_with_class(rc, "lever-us_gov-enforcement_budget_musd").v_model == "130"
    assert room.status("us_gov") == "drafting"  # the new form was opened


def test_outside_text_is_shown_verbatim_never_as_markup(tmp_path):
    room = RoomRegistry(tmp_path).create("baseline", 2, [(HOSTILE, ["us_gov"])])
    room.game.model.add_note(f"Inject: {HOSTILE}")
    room.game.model.add_note(f"US only: {HOSTILE}", audience="US")
    room.game.model.add_note("PRC only: a secret", audience="PRC")
    box, rc = render_team(room, "team1")
    spans = [w for w in tree(rc) if isinstance(w, v.Html) and any(isinstance(c, str) and HOSTILE in c
                                                                   for c in w.children)]
    shown = {c for w in spans for c in w.children if isinstance(c, str)}
    shown |= {line for w in rc.find(TextLines).widgets for line in w.lines}  # the news list: one widget
    assert HOSTILE in shown  # the team name, as is
    assert any(c.endswith(f"Inject: {HOSTILE}") for c in shown)
    assert any(c.endswith(f"US only: {HOSTILE} (known only to the US bloc)") for c in shown)
    assert "PRC only" not in all_text(box)
    for widget in rc.find(v.VuetifyTemplate).widgets:  # solara.Markdown renders into a template
        if isinstance(widget, EchartsWidget):  # Solara's fixed echarts.vue (its loader sets script.onerror)
            assert HOSTILE not in json.dumps(widget.option)
            continue
        assert "onerror" not in str(widget.template) and "7*7" not in str(widget.template)
    for widget in rc.find(widgets.HTML).widgets:
        assert "onerror" not in str(widget.value)


def test_news_is_newest_first(room):
    facilitator = room.access_for(room.facilitator_token)
    room.add_note(facilitator, "first note")
    room.step(facilitator, "2026Q3", force=True)
    room.add_note(facilitator, "second note")
    lines = news_lines(team_snapshot(room, team_access(room, "team1"))["news"])
    assert lines.index("2026Q4 · facilitator: second note") < lines.index("2026Q3 · facilitator: first note")
    box, rc = render_team(room, "team1")
    news = texts(one_with_class(rc, "team-news"))[::-1]  # texts() walks last child first
    assert news.index("2026Q4 · facilitator: second note") < news.index("2026Q3 · facilitator: first note")


def test_team_page_shows_public_charts(room):
    _, rc = render_team(room, "team1")
    assert len(rc.find(EchartsWidget).widgets) == 2


@pytest.mark.parametrize("wide", [False, True])
def test_public_charts_send_two_echarts_options_from_public_data(room, wide):
    facilitator = room.access_for(room.facilitator_token)
    room.step(facilitator, "2026Q3", force=True)
    series = public_series(room)
    _, rc = solara.render(PublicCharts(series, room.version, wide=wide), handle_error=False)
    charts = rc.find(EchartsWidget).widgets
    assert len(charts) == 2 and all(chart.responsive for chart in charts)
    assert one_with_class(rc, "public-chart-lead") and one_with_class(rc, "public-chart-adoption")
    lead = charts[0].option["series"][0]["data"]
    assert lead == pytest.approx(series["lead_months"])  # the deployed (public) lead, nothing else
    json.dumps([chart.option for chart in charts], allow_nan=False)  # plain JSON: no NaN, no objects
    if wide:  # the projector: each chart 900 to 940 px on screen
        for name in ("lead", "adoption"):
            style = one_with_class(rc, f"public-chart-{name}").style_
            assert "min-width:min(900px, 100%)" in style and "max-width:940px" in style


def test_public_charts_are_rebuilt_only_when_the_data_change(room):
    series = public_series(room)
    version = solara.reactive(0)

    @solara.component
    def Page():
        PublicCharts(dict(series), version.value)

    _, rc = solara.render(Page(), handle_error=False)
    sent: list[str] = []
    for chart in rc.find(EchartsWidget).widgets:
        chart.observe(lambda change: sent.append(change["name"]), names="option")
    version.value = 1  # a submission: same data, nothing sent to the browsers
    assert sent == []


def test_public_lead_chart_shows_deployed_lead_and_thresholds_only():
    series = {"season": ["start", "2026Q3"], "lead_months": [5.5, 6.25], "adoption_share_us": [0.6, 0.55],
              "enmity": [0.6, 0.62], "s1_lead_months": [12.0], "s2_lead_months": [3.0]}
    option = public_lead_option(series)
    assert option["title"]["text"] == "US lead over PRC, deployed models: +6.2 months"
    assert [s["name"] for s in option["series"]] == ["deployed (public)"]
    marks = option["series"][0]["markLine"]["data"]
    assert [(m["yAxis"], m["label"]["formatter"]) for m in marks] == [(12.0, "S1 ≥ 12"), (3.0, "S2 ≤ 3")]
    assert option["xAxis"]["data"] == ["start", "2026Q3"]
    assert option["tooltip"] == {"show": False}  # an ECharts tooltip renders HTML
    adoption = public_adoption_option(series)
    assert adoption["title"]["text"].endswith("55%")
    assert adoption["series"][0]["data"] == [60.0, 55.0] and adoption["series"][1]["data"] == [40.0, 45.0]
    empty = public_lead_option({"season": [], "lead_months": []})  # "no data yet", no crash
    assert empty["title"]["subtext"] == "No data yet." and "series" not in empty


def test_public_charts_leave_gaps_for_values_that_are_not_numbers():
    series = {"season": ["start", "2026Q3", "2026Q4"], "lead_months": [5.5, float("nan"), "x"],
              "adoption_share_us": [0.6, None, 0.5]}
    assert public_lead_option(series)["series"][0]["data"] == [5.5, None, None]
    assert public_adoption_option(series)["series"][0]["data"] == [60.0, None, 50.0]
    json.dumps([public_lead_option(series), public_adoption_option(series)], allow_nan=False)


def test_a_finished_game_shows_the_debrief_reveal_instead_of_forms(room):
    facilitator = room.access_for(room.facilitator_token)
    while not room.finished:
        room.step(facilitator, room.season, force=True)
    box, rc = render_team(room, "team1")
    found = classes_in(rc)
    assert "reveal-decisions" in found and "outcome-card" in found
    assert not {c for c in found if c.startswith(("seat-form-", "submit-", "team-seat-"))}
    assert "team-error" not in found


def in_order(rc) -> list:
    """Every widget of the rendered tree, parents first, in document order."""
    out, stack = [], [rc.find().widget]
    while stack:
        node = stack.pop()
        out.append(node)
        stack.extend(reversed([c for c in getattr(node, "children", None) or () if isinstance(c, widgets.Widget)]))
    return out


def first_index(order: list, css: str) -> int:
    return next(i for i, w in enumerate(order) if css in css_of(w))


def test_the_page_is_a_centred_column(room):
    _, rc = render_team(room, "team1")
    page = one_with_class(rc, "team-view")
    # solara.Column's "ma-0" class (margin: 0 !important) once beat the column's "margin: 0 auto"
    assert not [c for c in css_of(page) if c.startswith(("ma-", "mx-", "ml-", "mr-"))]
    style = page.style_.replace(" ", "")
    assert "max-width:820px" in style and "margin:0auto" in style
    outer = one_with_class(rc, "team-page")
    assert page in outer.children and "justify-content:center" in outer.style_.replace(" ", "")


def test_each_seats_form_comes_first_the_intel_beside_it_briefing_and_objectives_folded_after(room):
    facilitator = room.access_for(room.facilitator_token)
    box, rc = render_team(room, "team2")
    order = in_order(rc)
    header, briefing = first_index(order, "team-header"), first_index(order, "team-briefing")
    for seat in ("us_lab_a", "us_lab_b"):
        card = first_index(order, f"team-seat-{seat}")
        form = first_index(order, f"seat-form-{seat}")
        assert header < card < form < briefing
        between = [c for w in order[card:form] for c in css_of(w)]
        assert "seat-role" in between and "seat-objectives" not in between and "seat-intel" not in between
    roles = [all_text(w) for w in with_class(rc, "seat-role")]
    assert roles == ["AI lab, US bloc. Score so far: +0.00 points."] * 2  # one line each
    for body in with_class(rc, "team-seat-body"):  # the form and the intelligence side by side
        form_col, intel_col = body.children
        assert "team-seat-form-col" in css_of(form_col) and "seat-intel" in css_of(intel_col)
        assert [w for w in form_col.children if "seat-form" in css_of(w)]
        assert "Estimated lead of US internal models" in all_text(intel_col)
    panels = rc.find(v.ExpansionPanels).widgets
    assert len(panels) == 3 and all(p.v_model == 0 for p in panels), "open in the first season"
    assert "Scenario briefing: " in all_text(one_with_class(rc, "team-briefing"))
    room.step(facilitator, room.season, force=True)
    redraw(rc, room, "team2")
    panels = rc.find(v.ExpansionPanels).widgets
    assert len(panels) == 3 and all(p.v_model is None for p in panels), "closed after the first season"
    briefing_text = all_text(one_with_class(rc, "team-briefing-text"))
    assert room.game.scenario.briefing.split()[0] in briefing_text  # still there, folded


def test_headings_are_dark(room):
    _, rc = render_team(room, "team1")
    for css in ("team-name", "seat-name"):
        assert f"color:{HEADING_COLOR}" in one_with_class(rc, css).style_.replace(" ", "")
    assert HEADING_COLOR == "#222"


def test_projector_charts_draw_their_type_larger():
    """The projector's charts use type of at least 18 px, read from the back of a room."""
    series = {"season": ["start", "2026Q3", "2026Q4"], "lead_months": [5.5, 6.25, 7.0],
              "adoption_share_us": [0.6, 0.55, 0.5], "s1_lead_months": [12.0], "s2_lead_months": [3.0]}
    assert min(FONT_PX[True]) >= 18 and FONT_PX[True] > FONT_PX[False]
    for builder in (public_lead_option, public_adoption_option):
        narrow, wide = builder(series), builder(series, wide=True)
        for option, sizes in ((narrow, FONT_PX[False]), (wide, FONT_PX[True])):
            assert option["xAxis"]["axisLabel"]["fontSize"] == sizes[2]
            assert option["yAxis"]["axisLabel"]["fontSize"] == sizes[2]
            assert option["yAxis"]["nameTextStyle"]["fontSize"] == sizes[1]
            assert option["title"]["textStyle"]["fontSize"] == sizes[0]
            assert option["legend"]["textStyle"]["fontSize"] == sizes[3]
        assert wide["title"]["text"] == narrow["title"]["text"]


def test_a_later_submit_from_another_device_of_the_team_is_flagged_not_claimed_as_this_ones(room):
    box_a, rc_a = render_team(room, "team1")  # two devices on the same team link
    box_b, rc_b = render_team(room, "team1")
    one_with_class(rc_a, "lever-us_gov-enforcement_budget_musd").v_model = "110"
    one_with_class(rc_a, "submit-us_gov").click()
    assert not with_class(rc_a, "submitted-elsewhere-us_gov"), "the snapshot drawn before the submit is no alarm"
    redraw(rc_a, room, "team1")
    assert with_class(rc_a, "submitted-us_gov") and not with_class(rc_a, "submitted-elsewhere-us_gov")
    one_with_class(rc_b, "lever-us_gov-enforcement_budget_musd").v_model = "140"
    one_with_class(rc_b, "submit-us_gov").click()
    assert room.submissions["us_gov"]["enforcement_budget_musd"] == 140.0
    redraw(rc_a, room, "team1")
    redraw(rc_b, room, "team1")
    notice = all_text(one_with_class(rc_a, "submitted-elsewhere-us_gov"))
    assert notice == ("Another device of your team submitted a different decision for 2026Q3 after yours; that one "
                      "stands. Reload to see it.")
    assert not with_class(rc_a, "submitted-us_gov"), "device A must not claim its 110 was submitted"
    assert with_class(rc_b, "submitted-us_gov") and not with_class(rc_b, "submitted-elsewhere-us_gov")
    one_with_class(rc_a, "submit-us_gov").click()  # A submits again: its decision stands now, and B is told
    redraw(rc_a, room, "team1")
    redraw(rc_b, room, "team1")
    assert room.submissions["us_gov"]["enforcement_budget_musd"] == 110.0
    assert with_class(rc_a, "submitted-us_gov") and not with_class(rc_a, "submitted-elsewhere-us_gov")
    assert with_class(rc_b, "submitted-elsewhere-us_gov")


def test_a_submit_count_the_room_does_not_give_raises_no_alarm(room, monkeypatch):
    box, rc = render_team(room, "team1")
    submit = type(room).submit

    def submit_without_count(self, *args, **kwargs):
        submit(self, *args, **kwargs)

    monkeypatch.setattr(type(room), "submit", submit_without_count)
    one_with_class(rc, "submit-us_gov").click()
    room.submission_count["us_gov"] = 5  # whatever the snapshot says, this device's count is unknown
    redraw(rc, room, "team1")
    assert with_class(rc, "submitted-us_gov") and not with_class(rc, "submitted-elsewhere-us_gov")


@pytest.mark.parametrize(("seat", "mine", "replaced"), [
    ({"submission_count": 2}, 1, True), ({"submission_count": 1}, 1, False), ({"submission_count": 0}, 1, False),
    ({}, 1, False), ({"submission_count": 3}, None, False),
])
def test_replaced_elsewhere_only_when_the_room_took_a_later_submission(seat, mine, replaced):
    assert replaced_elsewhere(seat, mine) is replaced


def test_a_new_season_keeps_the_form_widgets_but_starts_the_form_afresh(room):
    box, rc = render_team(room, "team1")
    field = one_with_class(rc, "lever-us_gov-enforcement_budget_musd")
    field.v_model = "135"
    one_with_class(rc, "submit-us_gov").click()
    redraw(rc, room, "team1")
    assert with_class(rc, "submitted-us_gov")
    one_with_class(rc, "lever-us_gov-enforcement_budget_musd").v_model = "150"  # changed again, not submitted
    redraw(rc, room, "team1")
    assert with_class(rc, "unsubmitted-us_gov")  # "your changes are not submitted yet"
    facilitator = room.access_for(room.facilitator_token)
    room.step(facilitator, "2026Q3", force=True)
    redraw(rc, room, "team1")
    assert one_with_class(rc, "lever-us_gov-enforcement_budget_musd") is field, "the widget was rebuilt"
    assert room.season == "2026Q4"
    notice = all_text(one_with_class(rc, "unsubmitted-us_gov"))
    assert notice == "Not submitted yet for 2026Q4.", "last season's state leaked into the new season"
    assert field.v_model != "150" and field.v_model == room.form_for(team_access(room, "team1"), "us_gov").lever_text(
        "enforcement_budget_musd")
    field.v_model = "120"  # the new season's form submits for the new season
    one_with_class(rc, "submit-us_gov").click()
    assert room.submissions["us_gov"]["enforcement_budget_musd"] == 120.0
    redraw(rc, room, "team1")
    assert all_text(one_with_class(rc, "submitted-us_gov")).startswith("Submitted for 2026Q4")
