"""The page a room's link opens: the facilitator's console, a team's view or the projector, by the token.

The link ``/?room=<id>&key=<token>`` names the room and carries the secret; the registry
(:func:`wargame.tabletop.room_store.registry_for`) finds the room (loading it from its save file after a
restart) and the role the token grants. A wrong token and an unknown room get the same message. Each view
redraws itself when the room changes (:func:`wargame.tabletop.live.use_room_version`).
"""

from __future__ import annotations

import logging

import solara

from wargame.tabletop.console_view import FacilitatorConsole
from wargame.tabletop.errors import SessionError
from wargame.tabletop.live import use_room_watch
from wargame.tabletop.projector_view import ProjectorView
from wargame.tabletop.room import Access, Room
from wargame.tabletop.room_store import BAD_LINK, registry_for
from wargame.tabletop.team_view import TeamView

logger = logging.getLogger(__name__)


def open_room(room_id: str | None, key: str | None, store_dir: str | None = None) -> tuple[Room | None, Access | None,
                                                                                            str]:
    """The room and role of a link, or a message saying why the link opens nothing.

    Returns:
        ``(room, access, "")``, or ``(None, None, message)``.

    """
    try:
        room, access = registry_for(store_dir).resolve(room_id, key)
    except SessionError as exc:
        return None, None, str(exc)
    except Exception as exc:  # noqa: BLE001 - a damaged save file must never crash the page
        logger.error("could not open room %s (%s)", str(room_id)[:16], type(exc).__name__)
        return None, None, BAD_LINK
    return room, access, ""


@solara.component
def RoomPage(room_id: str | None, key: str | None, store_dir: str | None = None) -> solara.Element:
    """The view a room link opens, by the role its token grants.

    Args:
        room_id: The ``room`` of the URL.
        key: The ``key`` of the URL (the link's secret).
        store_dir: Games directory; ``$WARGAME_GAMES_DIR`` or ``./games`` if omitted.

    """
    opened = solara.use_memo(lambda: open_room(room_id, key, store_dir), [room_id, key, store_dir])
    room, access, problem = opened
    version, refresh = use_room_watch(room)
    if room is None or access is None:
        solara.Title("AI race 2026–2028: tabletop")
        solara.Error(problem or BAD_LINK, classes=["room-link-error"])
        return
    with room.lock:
        marker = f"{room.season} {'finished' if room.finished else 'playing'} v{version}"
    # the season and version, hidden: tests and the load benchmark read it to know a view has caught up
    solara.Text(marker, classes=["room-state-marker"], style={"display": "none"})
    if access.role == "facilitator":
        FacilitatorConsole(room, access, version, on_change=refresh)
    elif access.role == "team":
        TeamView(room, access, version)
    else:
        ProjectorView(room, access, version)
