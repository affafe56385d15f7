"""A team's page in a room: its seats' briefings, intelligence, scores and decision forms, on its own device.

Everything shown comes from :func:`~wargame.tabletop.role_views.team_snapshot` (what the team's seats
observe), the team's own forms (:meth:`~wargame.tabletop.room.Room.form_for`) and public data
(:func:`~wargame.tabletop.role_views.public_series`); never from the model. So another team's seats and
decisions and the true internal lead cannot appear, whatever is clicked. The seats come from the team's
token alone (never from the URL).

Every text that comes from outside (scenario, team names, news, injects) is shown as plain text
(``solara.Text`` and the text widgets of :mod:`wargame.tabletop.text_widgets`), never as Markdown or HTML.
The page is one centred column with no sidebar, so it works on a phone (390 px wide): inputs are full width and
each seat's Submit button sits at the end of its form.

Each seat's decision form comes first, right after the header and a one-line summary of the seat (at 1366 x 768
it used to start 1.5 screens down, on a phone 4 screens down, under the briefing and the objectives). The
intelligence estimates the team decides from sit beside the form (above it on a phone); the objectives and the
scenario briefing are in collapsible panels below, open in the first season and closed after it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import solara

from wargame.tabletop.errors import SessionError
from wargame.tabletop.forms import SHARE_LEVERS, SeatForm, format_points, format_value
from wargame.tabletop.live import RoundTimerView
from wargame.tabletop.panels import SMALL_TEXT, LeverInput, ShareTotal
from wargame.tabletop.public_charts import PublicCharts
from wargame.tabletop.role_views import public_series, team_snapshot
from wargame.tabletop.room import Access, Room
from wargame.tabletop.text_widgets import text_lines, text_table

#: Widest the page grows on a laptop, px (one column, easy to read).
PAGE_MAX_WIDTH_PX = 820
#: Dark text for headings and card text (Vuetify's card text is a low-contrast grey, rgba(0, 0, 0, 0.6)).
HEADING_COLOR = "#222"
HEADING = {"font-size": "1.15em", "font-weight": "bold", "display": "block", "margin-bottom": "4px",
           "color": HEADING_COLOR}
PAGE_STYLE = {"display": "flex", "flex-direction": "column", "gap": "12px", "width": "100%",
              "max-width": f"{PAGE_MAX_WIDTH_PX}px", "margin": "0 auto", "padding": "8px", "box-sizing": "border-box"}
#: The team page's own style sheet (fixed text: nothing from outside goes into it). The form and the intelligence
#: sit side by side when the column is wide enough (a laptop); on a phone the intelligence comes above the form.
TEAM_CSS = f"""
.team-view .v-card__text {{ color: {HEADING_COLOR}; }}
.team-view .v-expansion-panel-header {{ color: {HEADING_COLOR}; font-weight: bold; }}
.team-seat-body {{ display: flex; flex-wrap: wrap; gap: 8px 20px; align-items: flex-start; }}
.team-seat-form-col {{ flex: 3 1 330px; min-width: 0; }}
.team-seat-intel-col {{ flex: 2 1 220px; min-width: 0; background: #f5f7fa; border-radius: 6px; padding: 8px 10px;
  margin-top: 8px; }}
@media (max-width: 600px) {{ .team-seat-intel-col {{ order: -1; }} }}
"""
BLOCK = {"display": "block", "margin-bottom": "4px"}
ERROR_TEXT = {"display": "block", "color": "#b71c1c", "font-weight": "bold", "white-space": "pre-line",
              "margin": "6px 0"}


def other_bloc(bloc: str) -> str:
    """The other bloc of the race: ``"PRC"`` for ``"US"`` and ``"US"`` for anything else."""
    return "PRC" if bloc == "US" else "US"


def _millions(h100e: float) -> str:
    return f"{h100e / 1e6:,.2f} million" if abs(h100e) >= 1e5 else f"{h100e:,.0f}"


def intel_lines(seat: dict[str, Any]) -> list[str]:
    """What a seat's bloc estimates and what is public, in plain words, estimates with their uncertainty.

    Args:
        seat: One seat of :func:`~wargame.tabletop.role_views.team_snapshot` (its ``bloc`` and ``intel``).

    Returns:
        Lines of text: the estimated lead of internal models (months, own-bloc sign, ± 1 sd), the other
        bloc's compute as a ±1 sd range (H100e), then the public lead of deployed models, Global South
        adoption and enmity.

    """
    intel = seat["intel"]
    bloc = str(seat["bloc"])
    other = other_bloc(bloc)
    estimate = float(intel["estimated_lead_months"])
    sd = float(intel["estimate_sd_months"])
    likely = "ahead" if estimate >= 0 else "behind"
    deployed = float(intel["deployed_lead_months"])
    if abs(deployed) < 0.05:
        public = f"Lead of deployed models (public): {bloc} and {other} are level."
    else:
        ahead, behind = (bloc, other) if deployed > 0 else (other, bloc)
        public = f"Lead of deployed models (public): {ahead} ahead of {behind} by {abs(deployed):.1f} months."
    return [
        f"Estimated lead of {bloc} internal models over {other}: {estimate:+.1f} months ± {sd:.1f} (1 sd) — an "
        f"intelligence estimate, not the truth ({bloc} most likely {likely}).",
        f"Estimated {other} compute: {_millions(float(intel['compute_low_h100e']))} to "
        f"{_millions(float(intel['compute_high_h100e']))} H100e (±1 sd range around "
        f"{_millions(float(intel['estimated_other_compute_h100e']))}) — an intelligence estimate.",
        public,
        f"Global South adoption of US models (public): {float(intel['adoption_share_us']):.0%}. "
        f"Enmity (public, index 0 to 1): {float(intel['enmity']):.2f}.",
    ]


def news_lines(news: list[dict[str, Any]]) -> list[str]:
    """News items as plain-text lines, newest first: ``"2026Q4 · labs: text"``, private ones marked."""
    lines = []
    for item in reversed(news):
        audience = str(item.get("audience", "public"))
        secret = "" if audience == "public" else f" (known only to the {audience} bloc)"
        phase = str(item.get("phase") or "")
        lines.append(f"{item.get('season', '')} · {phase}: {item.get('text', '')}{secret}" if phase else
                     f"{item.get('season', '')}: {item.get('text', '')}{secret}")
    return lines


def paragraphs(text: str) -> list[str]:
    """A text's paragraphs (split at blank lines), each on one line: a hard-wrapped briefing reflows on a phone."""
    blocks = [" ".join(line.strip() for line in block.splitlines()).strip() for block in text.split("\n\n")]
    return [block for block in blocks if block]


def _snapshot(room: Room, access: Access) -> tuple[dict[str, Any] | None, str]:
    try:
        return team_snapshot(room, access), ""
    except SessionError as exc:
        return None, str(exc)


@solara.component
def TeamView(room: Room, access: Access, version: int) -> solara.Element:
    """A team's page: its seats, their intelligence, scores and decision forms, the news and the charts.

    Args:
        room: The room.
        access: The team's access (from its link's token; the seats shown are the team's, never the URL's).
        version: The room's version (:func:`~wargame.tabletop.live.use_room_version`); a change redraws.

    """
    snapshot, problem = solara.use_memo(lambda: _snapshot(room, access), dependencies=[id(room), access, version])
    series = solara.use_memo(lambda: public_series(room), dependencies=[id(room), version])
    if snapshot is None:
        solara.Title("AI race 2026–2028: team")
        solara.Text(problem, classes=["team-error"], style=ERROR_TEXT)
        return
    solara.Title(f"{snapshot['team']['name']}: AI race 2026–2028")
    if snapshot["finished"]:
        from wargame.tabletop.debrief import RoomDebrief

        RoomDebrief(room, version)
        return
    season = str(snapshot["season"])
    first_season = len(series.get("season") or []) <= 1  # the public series holds only the start
    solara.Style(TEAM_CSS)
    # Plain divs: a solara.Column carries Vuetify's "ma-0" class (margin: 0 !important), which beat its
    # "margin: 0 auto" and left the column at the left. The full-width row centres the column too.
    with solara.Div(classes=["team-page"], style={"display": "flex", "justify-content": "center", "width": "100%"}):
        with solara.Div(classes=["team-view"], style=PAGE_STYLE):
            TeamHeader(room, snapshot, version)
            for seat in snapshot["seats"]:
                SeatCard(room, access, seat, season, bool(snapshot["locked"]),
                         first_season).key(f"seat-{seat['seat']}")
            with solara.Card(classes=["team-briefing"], margin=0):
                with solara.Details(f"Scenario briefing: {snapshot['title']}", expand=first_season):  # plain text
                    with solara.Column(classes=["team-briefing-text"], gap="0px"):
                        for paragraph in paragraphs(str(snapshot["briefing"])):
                            solara.Text(paragraph, style={**BLOCK, "margin-bottom": "8px"})
            with solara.Card(classes=["team-news-card"], margin=0):
                solara.Text("News", style=HEADING)
                TeamNews(snapshot["news"])
            with solara.Card(classes=["team-charts"], margin=0):
                solara.Text("The game so far (public figures)", style=HEADING)
                PublicCharts(series, version)


@solara.component
def TeamHeader(room: Room, snapshot: dict[str, Any], version: int) -> solara.Element:
    """The team's name, the season to play, the round timer and whether the season is locked."""
    season = str(snapshot["season"])
    with solara.Card(classes=["team-header"], margin=0):
        solara.Text(str(snapshot["team"]["name"]), classes=["team-name"],
                    style={**HEADING, "font-size": "1.35em"})
        with solara.Row(style={"flex-wrap": "wrap", "align-items": "center", "gap": "12px"}):
            solara.Text(f"Season to play: {season}", classes=["team-season"], style={"font-weight": "bold"})
            RoundTimerView(room, version)
        if snapshot["locked"]:
            solara.Text(f"The facilitator has locked {season}: decisions can no longer change.",
                        classes=["team-locked"], style={**BLOCK, "color": "#b71c1c", "font-weight": "bold"})
        else:
            solara.Text(f"Open: submit a decision for each seat; you can change it until the facilitator locks "
                        f"{season}.", classes=["team-open"], style={**BLOCK, **SMALL_TEXT})


@solara.component
def TeamNews(news: list[dict[str, Any]]) -> solara.Element:
    """Every news item the team may read, newest first, as plain text."""
    lines = news_lines(news)
    with solara.Column(classes=["team-news"], gap="4px",
                       style={"max-height": "60vh", "overflow-y": "auto"}):
        if not lines:
            solara.Text("No news yet: the first season has not been played.", style=SMALL_TEXT)
        else:  # one widget for the whole list
            text_lines(lines, ["team-news-item"] * len(lines))


def _role_text(seat: dict[str, Any]) -> str:
    return f"{seat['kind_label']}, {seat['bloc']} bloc."


def seat_summary(seat: dict[str, Any]) -> str:
    """A seat's role and score in one line: ``"AI lab, PRC bloc. Score so far: +0.00 points."``."""
    return f"{_role_text(seat)} Score so far: {format_points(float(seat['score']))} points."


@solara.component
def SeatCard(room: Room, access: Access, seat: dict[str, Any], season: str, locked: bool,
             first_season: bool = False) -> solara.Element:
    """One of the team's seats: a one-line summary, the decision form beside the intelligence, then the objectives.

    The decision form comes right after the seat's name and summary; the intelligence estimates sit beside it
    (above it on a phone). The policy, the objectives and the score's parts are in a collapsible panel below,
    open in the first season. The card is keyed by seat only, so its widgets stay mounted from one season to the
    next (a step used to rebuild about 50 widgets per team page); the form and its state start afresh each season
    (:func:`use_season_state`).

    Args:
        room: The room.
        access: The team's access.
        seat: The seat's dict from :func:`~wargame.tabletop.role_views.team_snapshot`.
        season: The season the snapshot shows (a submission names it).
        locked: Whether the facilitator locked the season.
        first_season: No season played yet: the objectives panel starts open.

    """
    seat_id = str(seat["seat"])
    with solara.Card(classes=[f"team-seat-{seat_id}", "team-seat"], margin=0):
        solara.Text(str(seat["name"]), classes=["seat-name"], style=HEADING)
        solara.Text(seat_summary(seat), classes=["seat-role"], style=BLOCK)
        with solara.Div(classes=["team-seat-body"]):
            with solara.Div(classes=["team-seat-form-col"]):
                SeatDecision(room, access, seat, season, locked)
            with solara.Div(classes=["team-seat-intel-col", "seat-intel"]):
                solara.Text("What your side knows", style={**HEADING, "font-size": "1em"})
                for line in intel_lines(seat):
                    solara.Text(line, style={**BLOCK, "margin-bottom": "6px"})
        with solara.Div(classes=["seat-details"], style={"margin-top": "8px"}):
            with solara.Details("Objectives, score and the computer's policy", expand=first_season):
                SeatObjectives(seat)


@solara.component
def SeatObjectives(seat: dict[str, Any]) -> solara.Element:
    """A seat's objectives with their weights, its score so far by objective, and its computer policy."""
    if seat.get("policy_text"):
        solara.Text(f"What the computer would propose ({str(seat['policy']).replace('_', ' ')} policy): "
                    f"{seat['policy_text']}", classes=["seat-policy"], style={**BLOCK, **SMALL_TEXT})
    with solara.Column(classes=["seat-objectives"], gap="2px"):
        solara.Text("Objectives: each season adds weight × component to the score.",
                    style={**BLOCK, "font-weight": "bold"})
        text_table(["Objective", "How it counts", "Weight"],
                   [[o["label"], o["meaning"], format_value(o["weight"], 3)] for o in seat["objectives"]],
                   numeric=(2,))
    with solara.Column(classes=["seat-score"], gap="2px"):
        solara.Text(f"Score so far: {format_points(float(seat['score']))} points",
                    style={**BLOCK, "font-weight": "bold"})
        text_table(["Objective", "Points"], [[p["label"], format_points(float(p["points"]))]
                                             for p in seat["score_parts"]], numeric=(1,))


def replaced_elsewhere(seat: dict[str, Any], mine: int | None) -> bool:
    """Whether another device of the team submitted this seat's decision after this device did.

    Args:
        seat: The seat's dict from :func:`~wargame.tabletop.role_views.team_snapshot`; its ``submission_count``
            (how many submissions the room took for the seat this season) is read as 0 when absent.
        mine: The count :meth:`~wargame.tabletop.room.Room.submit` returned for this device's last submit this
            season, or ``None`` if this device has not submitted (or the count is unknown).

    Returns:
        ``True`` only if the room has taken more submissions than this device's last one made: a later one,
        from elsewhere, stands. A lower count is a snapshot drawn before this device's submit reached it.

    """
    if mine is None:
        return False
    try:
        count = int(seat.get("submission_count", 0) or 0)
    except (TypeError, ValueError):
        return False
    return count > mine


def use_season_state(season: str, default: Any) -> tuple[Any, Callable[[Any], None]]:
    """A component state that starts again from ``default`` each season.

    A seat's card stays mounted across seasons, so its form's state (an error, "changed", "submitted") must not
    leak into the next season. The state is held with the season it was set in; read in another season it is
    ``default``, and a setter made in an earlier season (a stale click) changes nothing the page shows.

    Args:
        season: The season the page shows now.
        default: The value at the start of each season.

    Returns:
        ``(value, set_value)``, like :func:`solara.use_state` (``set_value`` takes a value, not an updater).

    """
    held, set_held = solara.use_state((season, default))
    value = held[1] if held[0] == season else default

    def set_value(new: Any) -> None:
        set_held((season, new))

    return value, set_value


def _form(room: Room, access: Access, seat_id: str) -> tuple[SeatForm | None, str]:
    try:
        return room.form_for(access, seat_id), ""
    except SessionError as exc:
        return None, str(exc)


@solara.component
def SeatDecision(room: Room, access: Access, seat: dict[str, Any], season: str, locked: bool) -> solara.Element:
    """A seat's decision form: one input per offered lever, problems, and Submit (changeable until locked).

    The form lives in this component's state, started from the seat's submission (or its last decision).
    The first time it is shown the room hears that the team opened it; the first change after opening or
    submitting marks the seat as drafting. Room errors (locked, a season already played) are shown as text.

    Two devices may hold one team's link. This device remembers how many submissions the room had taken for the
    seat when its own last submit went in (:meth:`Room.submit` returns it); when the seat's
    ``submission_count`` in the snapshot is higher, another device submitted since, its decision stands, and
    the page says so (class ``submitted-elsewhere-<seat>``) instead of claiming this device's values were
    submitted. A lower count is a snapshot drawn before this device's submit, not a replacement.
    """
    seat_id = str(seat["seat"])
    form, form_problem = solara.use_memo(lambda: _form(room, access, seat_id),
                                         dependencies=[id(room), access, seat_id, season])
    _, set_tick = solara.use_state(0)
    error, set_error = use_season_state(season, "")
    dirty, set_dirty = use_season_state(season, False)
    sent, set_sent = use_season_state(season, False)  # submitted from this page this season (before the redraw)
    mine, set_mine = use_season_state(season, None)  # the room's submission count after this device's last submit
    marked = solara.use_ref(None)  # the season whose form this device has started changing

    def opened() -> None:
        try:
            room.mark_opened(access, seat_id)
        except SessionError:
            pass  # a status hint only: the form works without it

    solara.use_effect(opened, [id(room), seat_id, season])
    if form is None:
        solara.Text(form_problem, classes=["team-error"], style=ERROR_TEXT)
        return

    def changed() -> None:
        set_dirty(True)
        set_error("")
        if marked.current != season:
            marked.current = season
            try:
                room.mark_drafting(access, seat_id)
            except SessionError:
                pass
        set_tick(lambda t: t + 1)

    def setter(name: str) -> Callable[[Any], None]:
        def set_value(value: Any) -> None:
            try:
                form.set_lever(name, value)
            except SessionError as exc:
                form.errors[name] = str(exc)
            changed()
        return set_value

    def reset() -> None:
        form.reset()
        changed()

    def submit() -> None:
        problem = form.problem()
        if problem:
            set_error("Not submitted: " + problem)
            return
        try:
            count = room.submit(access, seat_id, form.typed(), season)
        except SessionError as exc:
            set_error(str(exc))
            return
        set_mine(count if isinstance(count, int) and not isinstance(count, bool) else None)  # None: unknown
        set_error("")
        set_dirty(False)
        set_sent(True)
        marked.current = None

    fields, general = form.problems()
    replaced = replaced_elsewhere(seat, mine)
    submitted = sent or seat["status"] == "submitted"
    with solara.Column(classes=[f"seat-form-{seat_id}", "seat-form"], gap="0px", style={"width": "100%"}):
        solara.Text(f"Your decision for {season}", style={**HEADING, "margin-top": "8px"})
        if locked:
            text_table(["Lever", "In your form"], [[row["label"], format_value(form.draft.get(name), 4)]
                                                   for name, row in form.rows.items()])
        else:
            for name, row in form.rows.items():
                LeverInput(row, form.draft.get(name, row["default"]), form.proposal.get(name, row["default"]),
                           setter(name), seat_id, text=form.lever_text(name), error=fields.get(name, ""))
                if name == SHARE_LEVERS[-1]:
                    ShareTotal(form.share_total())
            if fields or general:
                names = [r["plain"] for n, r in form.rows.items() if n in fields]
                lines = list(general)
                if names:
                    lines.append("Fix before submitting: " + ", ".join(names) + ".")
                solara.Text("\n".join(lines), classes=["decision-problem"], style=ERROR_TEXT)
            with solara.Row(style={"flex-wrap": "wrap", "gap": "8px", "margin": "8px 0"}):
                solara.Button("Submit changes" if submitted else "Submit decision", on_click=submit,
                              color="primary", classes=[f"submit-{seat_id}", "team-submit"],
                              style={"min-width": "12em"})
                solara.Button("Reset to the computer's proposal", on_click=reset, text=True, small=True,
                              classes=[f"reset-{seat_id}"])
        if error:
            solara.Text(error, classes=["team-error"], style=ERROR_TEXT)
        if replaced:
            solara.Text(f"Another device of your team submitted a different decision for {season} after yours; "
                        "that one stands. Reload to see it.",
                        classes=[f"submitted-elsewhere-{seat_id}", "seat-submitted-elsewhere"],
                        style={**BLOCK, "color": "#b71c1c", "font-weight": "bold"})
        elif submitted and dirty:
            solara.Text(f"Your changes are not submitted yet: the decision submitted earlier for {season} stands "
                        "until you press Submit again.", classes=[f"unsubmitted-{seat_id}", "seat-unsubmitted"],
                        style={**BLOCK, "color": "#e65100", "font-weight": "bold"})
        elif submitted:
            text = (f"Submitted for {season}; the facilitator has locked the season." if locked else
                    f"Submitted for {season} — you can change it until the facilitator locks the season")
            solara.Text(text, classes=[f"submitted-{seat_id}", "seat-submitted"],
                        style={**BLOCK, "color": "#1b5e20", "font-weight": "bold"})
        else:
            text = (f"Nothing was submitted for {season}: the computer's proposal will play this seat." if locked
                    else f"Not submitted yet for {season}.")
            solara.Text(text, classes=[f"unsubmitted-{seat_id}", "seat-unsubmitted"],
                        style={**BLOCK, "color": "#555"})
