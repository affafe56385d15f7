"""The tabletop page: setup screen, then each season's decisions, facilitator controls and views.

The page keeps its :class:`~wargame.tabletop.session.GameSession` in component state, so every browser
session (every Solara kernel) has its own game. The game id sits in the URL (``?game=<id>``); after
every change the game is autosaved, so reloading the URL, even after a server restart, resumes it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs

import ipyvuetify as v
import solara
import traitlets

from wargame.tabletop.charts import ViewTabs
from wargame.tabletop.debrief import RevealDebrief
from wargame.tabletop.errors import GameNotFound, SessionError
from wargame.tabletop.page_widgets import SafeArea, ScrollToTop
from wargame.tabletop.panels import (
    DecisionPanel,
    FacilitatorControls,
    NewsLog,
    SaveLoadPanel,
    ScorePanel,
    SetupPanel,
)
from wargame.tabletop.session import GameSession, valid_game_id
from wargame.tabletop.store import GameStore
from wargame.tabletop.waterfall_view import WaterfallCard, seat_names

logger = logging.getLogger(__name__)


def requested_game(search: str | None) -> str | None:
    """The ``game`` parameter of a URL query string as given (not yet validated), else ``None``."""
    values = parse_qs(search or "", keep_blank_values=True).get("game", [])
    return values[0] if values else None


def game_id_from_search(search: str | None) -> str | None:
    """Read a well-formed ``game`` id from a URL query string, else ``None``."""
    value = requested_game(search)
    return value if valid_game_id(value) else None


def missing_game_notice(requested: str) -> str:
    """The notice for a ``?game=`` that names no saved game (the id is shown shortened and printable)."""
    shown = "".join(ch for ch in str(requested)[:40] if ch.isprintable())
    more = "…" if len(str(requested)) > 40 else ""
    return f"No saved game with id '{shown}{more}' — start a new game or upload a game log."


#: Vuetify's width (px) below which Solara's sidebar drawer is a "mobile" drawer that opens over the page
#: (``mobile_break_point="960"`` in solara/components/applayout.py).
DRAWER_MOBILE_BELOW_PX = 960
#: On a phone the drawer (400 px wide by Solara's style, wider than a 390 px screen) is kept narrower than the
#: screen, so the page shows beside it and a tap there closes it (Vuetify closes a mobile drawer on an outside
#: click). Fixed text: nothing from outside goes into it.
NARROW_DRAWER_CSS = """
@media (max-width: 600px) {
  .v-navigation-drawer { min-width: 0 !important; width: 85vw !important; max-width: 85vw !important; }
}
"""


class CloseDrawerOnPhone(v.VuetifyTemplate):
    """Closes Solara's sidebar drawer when the page appears on a narrow screen, where it would cover the page.

    Solara's layout opens the sidebar at the start (``sidebar_open=True``) whatever the screen's width, and has no
    option to start it closed on a phone only. This closes it the way a tap beside it does (the drawer's own
    ``isActive``, which Vuetify reports back to Solara as its ``v_model``), once, when the game appears; the menu
    button in the app bar opens it again. On a wide screen (a laptop) it does nothing.
    """

    template = traitlets.Unicode("""
<template><span class="close-drawer-on-phone" style="display: none"></span></template>
<script>
module.exports = {
    mounted() {
        let tries = 0;
        const close = () => {
            const el = document.querySelector('.v-navigation-drawer');
            const vm = el && el.__vue__;
            if (!vm) {
                if (++tries < 30) setTimeout(close, 100);
                return;
            }
            const mobile = ('isMobile' in vm) ? vm.isMobile : window.innerWidth < MOBILE_BELOW_PX;
            if (mobile && vm.isActive) vm.isActive = false;
        };
        this.$nextTick(close);
    },
};
</script>
""".replace("MOBILE_BELOW_PX", str(DRAWER_MOBILE_BELOW_PX))).tag(sync=True)


@solara.component
def GameViews(session: GameSession, version: int) -> solara.Element:
    """The views of a game in progress: chart tabs, why the lead moved (the waterfall), then the news."""
    with solara.Column(classes=["views"]):
        ViewTabs(session.model, version)
        WaterfallCard(session.model.explanations, seat_names(session.model), version)
        NewsLog(session, version)


@solara.component
def TabletopPage(store_dir: str | None = None) -> solara.Element:
    """The whole tabletop for one browser session.

    Args:
        store_dir: Autosave directory; ``$WARGAME_GAMES_DIR`` or ``./games`` if omitted.

    """
    store = solara.use_memo(lambda: GameStore(store_dir), [store_dir])
    session, set_session = solara.use_state(None)  # type: ignore[arg-type]
    _, set_tick = solara.use_state(0)
    error, set_error = solara.use_state("")
    router = solara.use_router()
    requested = requested_game(router.search)
    url_game = requested if valid_game_id(requested) else None

    def rerender() -> None:
        set_tick(lambda t: t + 1)

    def show_game(new: GameSession) -> None:
        store.autosave(new)
        set_session(new)
        set_error(new.message)
        try:
            router.push(f"{router.path or '/'}?game={new.game_id}")
        except (AssertionError, TypeError):  # no browser location (headless render)
            pass
        rerender()

    def resume_from_url() -> None:
        if requested is None or (session is not None and session.game_id == requested):
            return
        try:
            set_session(store.load(requested))  # validates the id first: never a path outside the store
            set_error("")
        except GameNotFound:
            set_error(missing_game_notice(requested))
        except SessionError as exc:
            set_error(f"{str(exc).rstrip('.')}. Start a new game or upload a game log.")
        except Exception as exc:  # noqa: BLE001 - a bad autosave must never crash the page
            logger.exception("could not resume game %s", url_game)
            set_error(f"Game {url_game} could not be resumed ({type(exc).__name__}: {exc}). "
                      "Start a new game or upload a game log.")

    solara.use_effect(resume_from_url, [requested])

    def act(action: Callable[[], None]) -> None:
        if session is None:
            return
        try:
            action()
            set_error("")
        except SessionError as exc:
            set_error(str(exc))
        except Exception as exc:  # noqa: BLE001 - the app must never crash in front of a class
            logger.exception("tabletop action failed")
            set_error(f"Unexpected error ({type(exc).__name__}: {exc}); the game is unchanged where possible.")
        store.autosave(session)
        if session.message:
            set_error(session.message)
        rerender()

    def start(choice: dict[str, Any]) -> None:
        try:
            show_game(GameSession.new(choice["scenario"], choice["seed"], choice["human_seats"],
                                      choice.get("policies")))
        except SessionError as exc:
            set_error(str(exc))
        except Exception as exc:  # noqa: BLE001
            logger.exception("could not start a game")
            set_error(f"Could not start the game ({type(exc).__name__}: {exc}).")

    def upload(data: bytes, name: str) -> None:
        try:
            show_game(GameSession.from_upload(data))
        except SessionError as exc:
            set_error(f"{name or 'The file'}: {str(exc).rstrip('.')}. Nothing was changed.")
        except Exception as exc:  # noqa: BLE001 - a foreign file must never crash the page
            logger.exception("upload failed")
            set_error(f"{name or 'The file'} could not be loaded ({type(exc).__name__}: {exc}). "
                      "Nothing was changed.")

    def new_game() -> None:
        set_session(None)
        set_error("")
        try:
            router.push(router.path or "/")
        except (AssertionError, TypeError):
            pass

    title = "AI race 2026–2028: tabletop"
    solara.Title(title)
    if session is not None:
        solara.AppBarTitle(f"{session.scenario.title} · seed {session.model.seed} · "
                           + ("game over" if session.finished else f"season {session.season}"))
    else:
        solara.AppBarTitle(title)

    if session is None:
        # no sidebar here: on a phone Solara's drawer opened over the whole landing page (the join card and the
        # menu were out of reach); resuming from a file sits below the setup instead
        with SafeArea(reset_key=error):
            with solara.Row(classes=["room-entry"], style={"flex-wrap": "wrap", "gap": "12px"}):
                with solara.Card("Teams on their own devices", classes=["room-entry-card"]):
                    solara.Text("Each team plays from its own phone or laptop with secret moves; you run the clock "
                                "and the injects from a console, and a projector view shows the room.")
                    solara.Button("Set up a game with teams", href="?setup=room", color="primary",
                                  classes=["setup-room-button"], text=True)
                JoinByCode(store_dir)
                with solara.Card("Compare groups' games", classes=["room-entry-card"]):
                    solara.Text("Several groups played the same scenario? Upload their saved games to see their paths "
                                "side by side and how much of each gap came from decisions rather than dice.")
                    solara.Button("Compare games", href="?compare=1", color="primary", classes=["compare-button"],
                                  text=True)
            SetupPanel(on_start=start, error=error)
            with solara.Div(classes=["landing-upload"], style={"max-width": "600px"}):
                SaveLoadPanel(None, on_upload=upload)
        return

    version = session.version
    solara.Style(NARROW_DRAWER_CSS)
    with solara.Sidebar():
        with SafeArea(reset_key=(id(session), version, error)):
            FacilitatorControls(session, act, version=version)
            SaveLoadPanel(session, on_upload=upload, on_new=new_game, version=version)
    with solara.Column(classes=["game"]):
        ScrollToTop.element().key(f"scroll-top-{session.game_id}-{id(session)}")
        CloseDrawerOnPhone.element().key(f"close-drawer-{session.game_id}")
        with solara.Column(classes=["page-messages"]):  # always there, so a message never remounts the game
            if error:
                solara.Error(error, classes=["session-error"])
        with SafeArea(reset_key=(id(session), version, error)):
            if session.finished:
                RevealDebrief(session, version)  # everything revealed: every seat's moves, beliefs, all news
            else:
                with solara.Columns([7, 5]):
                    GameViews(session, version)
                    with solara.Column(classes=["decisions"]):
                        if not session.human_seats:
                            solara.Info("The computer plays every seat: step to watch the race.")
                        for seat_id in session.human_seats:
                            ScorePanel(session, seat_id, version).key(f"score-{seat_id}-{id(session)}")
                            DecisionPanel(session, seat_id, version).key(f"{seat_id}-{id(session)}")


def query_value(search: str | None, name: str) -> str | None:
    """One parameter of a URL query string as given, else ``None``."""
    values = parse_qs(search or "", keep_blank_values=True).get(name, [])
    return values[0] if values else None


def open_code(code: str, router: Any, store_dir: str | None = None) -> str:
    """Open the team's link of a join code in this page; ``""`` if it opened, else why not (plain words)."""
    from wargame.tabletop.room_store import registry_for, room_link

    try:
        room, access = registry_for(store_dir).resolve_code(code)
    except SessionError as exc:
        return str(exc)
    router.push(room_link(room, access, base=router.path or "/"))
    return ""


@solara.component
def JoinByCode(store_dir: str | None = None) -> solara.Element:
    """A box for a team's short join code; a good code opens the team's link."""
    code, set_code = solara.use_state("")
    problem, set_problem = solara.use_state("")
    router = solara.use_router()

    def join() -> None:
        set_problem(open_code(code, router, store_dir))

    with solara.Card("Join a game with your team's code", classes=["join-by-code"]):
        solara.InputText("Join code (e.g. K7PQ-2MXD)", value=code, on_value=set_code, continuous_update=True,
                         classes=["join-code-input"])
        solara.Button("Join", on_click=join, color="primary", classes=["join-button"])
        if problem:
            solara.Error(problem, classes=["join-error"])


@solara.component
def JoinFromUrl(code: str, store_dir: str | None = None) -> solara.Element:
    """``?join=<code>``: opens the team's link of a short join code, or says why not (with a box to retry)."""
    router = solara.use_router()
    problem, set_problem = solara.use_state("")

    def join() -> None:
        set_problem(open_code(code, router, store_dir))

    solara.use_effect(join, [code])
    if problem:
        solara.Error(problem, classes=["join-error"])
        JoinByCode(store_dir)
    else:
        solara.Text("Opening your team's view…")


@solara.component
def TabletopApp(store_dir: str | None = None) -> solara.Element:
    """The whole app: a room's link opens its role's view; otherwise the hot-seat game and room setup.

    Routes (all on ``/``, by query string):

    - ``?room=<id>&key=<token>``: the facilitator's console, a team's view or the projector (by the token);
    - ``?join=<code>``: a team's short join code, which opens its link;
    - ``?setup=room``: set up a game for teams on their own devices;
    - ``?compare=1``: compare several groups' uploaded games (:mod:`wargame.tabletop.compare_view`);
    - anything else: the one-screen (hot-seat) game, ``?game=<id>`` resuming one.

    Args:
        store_dir: Games directory; ``$WARGAME_GAMES_DIR`` or ``./games`` if omitted.

    """
    from wargame.tabletop.room_page import RoomPage
    from wargame.tabletop.room_setup import RoomSetup

    router = solara.use_router()
    search = router.search
    if query_value(search, "room") is not None or query_value(search, "key") is not None:
        RoomPage(query_value(search, "room"), query_value(search, "key"), store_dir)
        return
    if query_value(search, "join") is not None:
        JoinFromUrl(query_value(search, "join") or "", store_dir)
        return
    if query_value(search, "setup") == "room":
        RoomSetup(store_dir)
        return
    if query_value(search, "compare") is not None:
        from wargame.tabletop.compare_view import ComparePage

        ComparePage()
        return
    TabletopPage(store_dir)
