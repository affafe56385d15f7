"""Setting up a game for teams on their own devices: scenario, seed, and which team plays which seat.

The facilitator types a team name next to each seat. Seats with the same team name form one team; a seat
left blank is played by the computer, with the policy chosen next to it. "Create game" starts the room
(:meth:`wargame.tabletop.room_store.RoomRegistry.create`) and opens the facilitator's console, where the
links and join codes of the teams and the projector are shown.

Team names are typed text: they are shown as plain text only (text fields, :class:`PlainTable`), never as
Markdown or HTML.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

import reacton.ipyvuetify as rv
import solara

from wargame.model import MAX_SEED
from wargame.policies import policy_names
from wargame.scenario import ScenarioError, list_scenarios, load_scenario
from wargame.tabletop.errors import SessionError
from wargame.tabletop.panels import KIND_LABELS, SMALL_TEXT, PlainTable, policy_description
from wargame.tabletop.room import Access
from wargame.tabletop.room_store import registry_for, room_link
from wargame.tabletop.session import SeatInfo, parse_seed, scenario_seats

logger = logging.getLogger(__name__)

#: The team each seat kind gets on a fresh setup screen: the two governments, each its own team.
DEFAULT_TEAMS = {"us_government": "US government", "prc_government": "PRC government"}
CELL = "padding: 4px 8px 4px 0; vertical-align: top; border-bottom: 1px solid #eee; text-align: left;"


def default_assignment(seats: Iterable[SeatInfo]) -> dict[str, str]:
    """The team name of every seat on a fresh setup screen.

    Args:
        seats: The scenario's seats (:func:`wargame.tabletop.session.scenario_seats`).

    Returns:
        Seat id to team name, in seat order: ``"US government"`` and ``"PRC government"`` for the two
        governments, ``""`` (the computer plays it) for every other seat.

    """
    return {seat.id: DEFAULT_TEAMS.get(seat.kind, "") for seat in seats}


def teams_from_assignment(assignment: dict[str, str], seat_order: list[str] | None = None) -> list[tuple[str,
                                                                                                         list[str]]]:
    """The teams of a seat-to-team-name assignment: seats with the same team name form one team.

    Names are compared stripped and case-insensitively (``"Red team"`` and ``" red TEAM "`` are one team,
    shown as first typed); a blank name means the computer plays the seat. Names are not checked here:
    :meth:`~wargame.tabletop.room_store.RoomRegistry.create` refuses an unusable one with a plain message.

    Args:
        assignment: Seat id to team name as typed (``""`` or whitespace for a computer seat).
        seat_order: The scenario's seat order; teams and their seats follow it. Seats not in it come after,
            in the assignment's order. If omitted, the assignment's order.

    Returns:
        ``[(team name, [seat ids]), ...]``, each team in the order of its first seat.

    """
    order = list(seat_order or [])
    rank = {seat: i for i, seat in enumerate(order)}
    typed = {seat: i for i, seat in enumerate(assignment)}
    seats = sorted(assignment, key=lambda s: (rank.get(s, len(order)), typed[s]))
    teams: dict[str, tuple[str, list[str]]] = {}
    for seat in seats:
        name = str(assignment.get(seat) or "").strip()
        if not name:
            continue
        teams.setdefault(name.casefold(), (name, []))[1].append(seat)
    return list(teams.values())


def computer_policies(seats: Iterable[SeatInfo], assignment: dict[str, str],
                      chosen: dict[str, str]) -> dict[str, str]:
    """The policy of each computer seat where the facilitator picked one other than the scenario's.

    Args:
        seats: The scenario's seats.
        assignment: Seat id to team name (blank: a computer seat).
        chosen: Seat id to the policy picked on the setup screen.

    Returns:
        Seat id to policy name, for computer seats whose picked policy differs from the scenario's.

    """
    out = {}
    for seat in seats:
        if str(assignment.get(seat.id) or "").strip():
            continue
        policy = chosen.get(seat.id)
        if policy and policy != seat.policy:
            out[seat.id] = policy
    return out


def _cell(children: list[Any], header: bool = False) -> Any:
    return rv.Html(tag="th" if header else "td", children=children, style_=CELL)


@solara.component
def RoomSetup(store_dir: str | None = None) -> solara.Element:
    """The setup screen of a game with teams: scenario, seed, teams per seat, computer policies, Create.

    Args:
        store_dir: Games directory; ``$WARGAME_GAMES_DIR`` or ``./games`` if omitted.

    """
    names = solara.use_memo(list_scenarios, [])
    scenario_name, set_scenario_name = solara.use_state(names[0] if names else "")
    seed_text, set_seed_text = solara.use_state("1")
    typed, set_typed = solara.use_state(None)  # type: ignore[arg-type]  # None: the scenario's defaults
    chosen, set_chosen = solara.use_state({})
    problem, set_problem = solara.use_state("")
    created, set_created = solara.use_state("")
    router = solara.use_router()

    def _load() -> tuple[Any, str]:
        try:
            return load_scenario(scenario_name), ""
        except ScenarioError as exc:
            return None, str(exc)

    scenario, scenario_problem = solara.use_memo(_load, [scenario_name])
    seats = scenario_seats(scenario) if scenario is not None else []
    assignment = {**default_assignment(seats), **{k: v for k, v in (typed or {}).items() if k in
                                                    {s.id for s in seats}}}
    teams = teams_from_assignment(assignment, [s.id for s in seats])
    seed_problem = ""
    try:
        parse_seed(seed_text)
    except SessionError as exc:
        seed_problem = str(exc)

    def pick_scenario(name: str) -> None:
        set_scenario_name(name)
        set_typed(None)
        set_chosen({})
        set_problem("")

    def set_team(seat_id: str, name: Any) -> None:
        defaults = default_assignment(seats)

        def update(current: dict[str, str] | None) -> dict[str, str]:  # from the latest state: fast typing counts
            return {**defaults, **(current or {}), seat_id: str(name if name is not None else "")}

        set_typed(update)

    def create() -> None:
        if scenario is None or seed_problem:
            return
        try:
            room = registry_for(store_dir).create(scenario_name, seed_text, teams,
                                                  computer_policies(seats, assignment, chosen))
        except SessionError as exc:  # RoomError too: a bad team name, a seat held twice, a bad policy
            set_problem(str(exc))
            return
        except OSError as exc:
            set_problem(f"The game could not be saved ({exc.strerror or exc}); nothing was created.")
            return
        except Exception as exc:  # noqa: BLE001 - the setup screen must never crash in front of a class
            logger.exception("could not create a room")
            set_problem(f"Could not create the game ({type(exc).__name__}); nothing was created.")
            return
        set_problem("")
        link = room_link(room, Access(room.room_id, "facilitator"), base=router.path or "/")
        try:
            router.push(link)
        except (AssertionError, TypeError):  # no browser location (headless render)
            set_created(room.room_id)

    def back() -> None:
        try:
            router.push(router.path or "/")
        except (AssertionError, TypeError):
            pass

    solara.Title("AI race 2026–2028: set up a game with teams")
    with solara.Column(classes=["room-setup"], style={"max-width": "1100px"}):
        with solara.Row(style={"align-items": "center", "flex-wrap": "wrap"}):
            solara.Text("Set up a game with teams", style={"font-size": "1.4em", "font-weight": "bold"})
            solara.Button("Back to the one-screen game", on_click=back, text=True, classes=["back-to-game"])
        solara.Text("Each team plays from its own device with secret moves; you run the game from a console, "
                    "and a projector view shows the room. After Create game you get each team's link and "
                    "join code.", style=SMALL_TEXT)
        with solara.Card("Game", classes=["room-setup-game"]):
            solara.Select("Scenario", values=names, value=scenario_name, on_value=pick_scenario,
                          classes=["room-setup-scenario"])
            if scenario is not None:
                solara.Text(scenario.title, style={"font-size": "1.2em", "font-weight": "bold", "display": "block"})
                solara.Text(scenario.briefing, style={"display": "block"})  # plain text: scenario files are outside
                solara.Text(f"Seasons {scenario.scenario.start} to {scenario.scenario.end}.",
                            style={"display": "block"})
            else:
                solara.Text(scenario_problem, classes=["room-setup-error"], style={"color": "#b71c1c"})
            solara.InputText(f"Seed (a whole number from 0 to {MAX_SEED}; the same seed and decisions replay "
                             "the same game)", value=seed_text, on_value=set_seed_text, continuous_update=True,
                             error=seed_problem or False, classes=["room-setup-seed"])
        with solara.Card("Teams: who plays each seat", classes=["room-setup-seats"]):
            solara.Text("Type a team name next to each seat the team plays. Seats with the same team name form "
                        "one team (one device, one link). Leave a name blank and the computer plays that seat "
                        "with the policy chosen next to it.", style=SMALL_TEXT)
            SeatAssignmentTable(seats, assignment, chosen, set_team,
                                lambda seat_id, policy: set_chosen(lambda c: {**c, seat_id: policy}))
        with solara.Card("Teams of this game", classes=["room-setup-teams"]):
            if teams:
                PlainTable(["Team", "Seats"],
                           [[name, ", ".join(_seat_name(seats, s) for s in team_seats)] for name, team_seats in teams],
                           classes=["room-setup-team-table"])
            else:
                solara.Text("No team yet: the computer plays every seat (the room is then a demonstration).")
            if problem:  # plain text: it can quote a team name
                solara.Text(problem, classes=["room-setup-error"],
                            style={"display": "block", "color": "#b71c1c", "font-weight": "bold", "margin": "8px 0"})
            solara.Button("Create game", on_click=create, color="primary",
                          disabled=scenario is None or bool(seed_problem), classes=["create-room-button"])
            if created:
                solara.Text(f"Game {created} created. Open it from the address bar: this page could not move "
                            "there by itself.", classes=["room-setup-created"])


def _seat_name(seats: list[SeatInfo], seat_id: str) -> str:
    return next((s.name for s in seats if s.id == seat_id), seat_id)


@solara.component
def SeatAssignmentTable(seats: list[SeatInfo], assignment: dict[str, str], chosen: dict[str, str],
                        on_team: Any, on_policy: Any) -> solara.Element:
    """Every seat of the scenario with a team-name field, and a policy select for each computer seat.

    Args:
        seats: The scenario's seats.
        assignment: Seat id to team name as typed (blank: the computer plays it).
        chosen: Seat id to the policy picked for a computer seat.
        on_team: Called with ``(seat id, name)`` when a team name is typed.
        on_policy: Called with ``(seat id, policy)`` when a computer seat's policy is picked.

    """
    head = rv.Html(tag="tr", children=[_cell([h], header=True) for h in
                                       ("Seat", "Kind", "Bloc", "Team (blank: the computer)", "Computer policy")])
    rows = []
    for seat in seats:
        team = assignment.get(seat.id, "")
        field = rv.TextField(v_model=team, on_v_model=lambda value, s=seat.id: on_team(s, value),
                             placeholder="computer", dense=True, hide_details=True, single_line=True,
                             class_=f"team-name-{seat.id}", style_="min-width: 11em;")
        if str(team).strip():
            policy_cell = [solara.Text("played by its team", style=SMALL_TEXT)]
        else:
            policy = chosen.get(seat.id, seat.policy)
            policy_cell = [
                rv.Select(items=policy_names(seat.kind), v_model=policy, dense=True, hide_details=True,
                          on_v_model=lambda value, s=seat.id: on_policy(s, value), class_=f"policy-{seat.id}",
                          style_="max-width: 14em;"),
                solara.Text(policy_description(seat.kind, policy), classes=[f"policy-description-{seat.id}"],
                            style={**SMALL_TEXT, "display": "block"}),
            ]
        rows.append(rv.Html(tag="tr", class_=f"seat-row-{seat.id}", children=[
            _cell([seat.name]), _cell([KIND_LABELS.get(seat.kind, seat.kind)]), _cell([seat.bloc]),
            _cell([field]), _cell(policy_cell)]))
    rv.Html(tag="table", class_="room-setup-seat-table", style_="border-collapse: collapse; width: 100%;",
            children=[rv.Html(tag="thead", children=[head]), rv.Html(tag="tbody", children=rows)])
