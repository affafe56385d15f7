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

import solara

from wargame.tabletop.charts import ViewTabs
from wargame.tabletop.debrief import Debrief
from wargame.tabletop.panels import DecisionPanel, FacilitatorControls, NewsLog, SaveLoadPanel, SetupPanel
from wargame.tabletop.session import GameSession, GameStore, SessionError, valid_game_id

logger = logging.getLogger(__name__)


def game_id_from_search(search: str | None) -> str | None:
    """Read a well-formed ``game`` id from a URL query string, else ``None``."""
    values = parse_qs(search or "").get("game", [])
    return values[0] if values and valid_game_id(values[0]) else None


@solara.component
def GameViews(session: GameSession, version: int) -> solara.Element:
    """The views of a game in progress: a tab per chart (lead, compute, labs, adoption, flow map), then news."""
    with solara.Column(classes=["views"]):
        ViewTabs(session.model, version)
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
    url_game = game_id_from_search(router.search)

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
        if url_game and (session is None or session.game_id != url_game):
            try:
                set_session(store.load(url_game))
                set_error("")
            except SessionError as exc:
                set_error(f"{exc} Start a new game below.")

    solara.use_effect(resume_from_url, [url_game])

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
        with solara.Sidebar():
            SaveLoadPanel(None, on_upload=upload)
        SetupPanel(on_start=start, error=error)
        return

    version = session.version
    with solara.Sidebar():
        FacilitatorControls(session, act, version=version)
        SaveLoadPanel(session, on_upload=upload, on_new=new_game, version=version)
    with solara.Column(classes=["game"]):
        if error:
            solara.Error(error, classes=["session-error"])
        if session.finished:
            Debrief(session, version)
            NewsLog(session, version)
        else:
            with solara.Columns([7, 5]):
                GameViews(session, version)
                with solara.Column(classes=["decisions"]):
                    if not session.human_seats:
                        solara.Info("The computer plays every seat: step to watch the race.")
                    for seat_id in session.human_seats:
                        DecisionPanel(session, seat_id, version).key(f"{seat_id}-{id(session)}")
