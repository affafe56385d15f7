"""Where rooms live: one registry per server process, and one save file per room that survives ``kill -9``.

:class:`RoomRegistry` holds every open room of the server in memory (a room exists once, whatever number of
browsers show it) and finds a room by its link (room id and token) or by a team's short join code. Each
room is saved after every change to ``<games dir>/rooms/<room id>.json``: written to a temp file, flushed to
disk (``fsync``) and renamed into place, so a killed server leaves either the old file or the new one,
never half of one. After a restart the registry loads a room from its file the first time a link names it.

The save file holds the links' tokens, so it is private to the server (mode 0600) and is never what a
player downloads: a download is the game log alone (:meth:`GameSession.log_json`).
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import threading
from pathlib import Path
from typing import Any

from wargame.gamelog import GameLogError, game_log, parse_game_log
from wargame.tabletop.errors import GameNotFound, RoomError, SessionError
from wargame.tabletop.room import Access, Room, RoundTimer, Team, clean_name, normal_code
from wargame.tabletop.session import GameSession, games_dir, new_game_id, seat_form, valid_game_id

ROOM_FORMAT = "ai-race-wargame/room"
ROOM_VERSION = 1
#: Largest room file read back, in bytes (a full 12-season game with 24 teams is well under 1 MB).
MAX_ROOM_FILE_BYTES = 8 * 1024 * 1024
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
#: The one message for any link that does not open a room, so a wrong token and an unknown room look alike.
BAD_LINK = "This link does not open a game on this server. Ask the facilitator for your team's link or code."


def room_link(room: Room, access: Access, base: str = "/") -> str:
    """The path and query of a link, e.g. ``/?room=<id>&key=<token>`` (the key is the link's secret)."""
    if access.role == "facilitator":
        token = room.facilitator_token
    elif access.role == "projector":
        token = room.projector_token
    else:
        token = room.teams[str(access.team_id)].token
    return f"{base}?room={room.room_id}&key={token}"


class RoomRegistry:
    """The rooms of one server, kept in memory and saved under ``<directory>/rooms``.

    Args:
        directory: The games directory; :func:`wargame.tabletop.session.games_dir` if omitted.

    """

    def __init__(self, directory: Path | str | None = None) -> None:
        self.directory = (Path(directory) if directory is not None else games_dir()) / "rooms"
        self._rooms: dict[str, Room] = {}
        self._codes: dict[str, tuple[str, str]] = {}
        self._lock = threading.RLock()

    # ----------------------------------------------------------------- create and find
    def create(self, scenario: str, seed: Any, teams: list[tuple[str, list[str]]],
               policies: dict[str, str] | None = None) -> Room:
        """Start a new game in a new room.

        Args:
            scenario: Scenario name or path.
            seed: Seed, as typed.
            teams: ``(team name, seat ids)`` per team; every other seat is played by the computer.
            policies: Policy per computer seat where it differs from the scenario's.

        Returns:
            The room, saved.

        Raises:
            SessionError: On a bad scenario, seed, policy, team name or seat assignment.
            OSError: If the room cannot be saved.

        """
        built = []
        names: set[str] = set()
        for number, (name, seats) in enumerate(teams, start=1):
            shown = clean_name(name, what=f"The team name given to {', '.join(str(s) for s in seats) or 'no seat'}")
            if shown.casefold() in names:
                raise RoomError(f"Two teams are called {shown!r}; give each team its own name.")
            names.add(shown.casefold())
            built.append(Team(id=f"team{number}", name=shown, seats=[str(s) for s in seats]))
        human = [seat for team in built for seat in team.seats]
        game = GameSession.new(scenario, seed, human, policies, game_id=new_game_id())
        room = Room(game, built)
        with self._lock:
            self._adopt(room)
            self.save(room)
        return room

    def get(self, room_id: str) -> Room:
        """The room with this id, loaded from its save file if the server has not opened it yet.

        Raises:
            GameNotFound: If there is no such room (or the id is malformed).
            SessionError: If its save file is unusable.

        """
        if not valid_game_id(room_id):
            raise GameNotFound(BAD_LINK)
        with self._lock:
            room = self._rooms.get(room_id)
            if room is None:
                room = self._load(room_id)
                self._adopt(room)
            return room

    def resolve(self, room_id: Any, token: Any) -> tuple[Room, Access]:
        """The room and role a link opens.

        Raises:
            RoomError: With the same message (:data:`BAD_LINK`) for an unknown room or a wrong token.
            SessionError: If the room's save file is unusable.

        """
        if not valid_game_id(room_id) or not isinstance(token, str) or not _TOKEN.fullmatch(token):
            raise RoomError(BAD_LINK)
        try:
            room = self.get(room_id)
        except GameNotFound:
            raise RoomError(BAD_LINK) from None
        access = room.access_for(token)
        if access is None:
            raise RoomError(BAD_LINK)
        return room, access

    def resolve_code(self, code: Any) -> tuple[Room, Access]:
        """The room and team a short join code opens.

        Raises:
            RoomError: If no room of this server has that code.

        """
        wanted = normal_code(code)
        if not wanted:
            raise RoomError("A join code is 8 letters and digits, like K7PQ-2MXD.")
        with self._lock:
            if wanted not in self._codes:
                self._index_codes()
            found = self._codes.get(wanted)
        if found is None:
            raise RoomError(f"No game on this server has the join code {wanted}. Check it with the facilitator.")
        room = self.get(found[0])
        team = room.teams.get(found[1])
        if team is None or team.code != wanted:
            raise RoomError(f"No game on this server has the join code {wanted}. Check it with the facilitator.")
        return room, Access(room.room_id, "team", team.id)

    def _adopt(self, room: Room) -> None:
        room.on_change = self._saved_change
        self._rooms[room.room_id] = room
        for team in room.teams.values():
            self._codes[team.code] = (room.room_id, team.id)

    def _index_codes(self) -> None:
        """Read the join codes of every saved room (after a restart, before any link was opened)."""
        if not self.directory.is_dir():
            return
        for path in self.directory.glob("*.json"):
            if path.stem in self._rooms or not valid_game_id(path.stem):
                continue
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
                for team in data["state"]["teams"]:
                    self._codes.setdefault(str(team["code"]), (path.stem, str(team["id"])))
            except (OSError, ValueError, KeyError, TypeError):
                continue

    # ----------------------------------------------------------------- save and load
    def path(self, room_id: str) -> Path:
        """The save file of a room id (the id is checked first, so it is never a path elsewhere)."""
        if not valid_game_id(room_id):
            raise GameNotFound(BAD_LINK)
        return self.directory / f"{room_id}.json"

    def _saved_change(self, room: Room) -> None:
        """Save a room after a change; a failure becomes the room's message, never a lost action."""
        try:
            self.save(room)
        except OSError as exc:
            room.message = (f"Autosave failed ({exc.strerror or exc}); the game goes on in memory. Download the "
                            "game log to keep it.")
        else:
            if room.message.startswith("Autosave failed"):
                room.message = ""

    def save(self, room: Room) -> Path:
        """Write a room's save file durably (temp file, ``fsync``, rename, ``fsync`` of the folder).

        Raises:
            OSError: If the folder cannot be written; the previous save file is left as it was.

        """
        path = self.path(room.room_id)
        path.parent.mkdir(parents=True, exist_ok=True)
        data = {"format": ROOM_FORMAT, "version": ROOM_VERSION, "state": room.state(),
                "log": game_log(room.game.model, meta=room.game.meta())}
        text = json.dumps(data, indent=1)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        try:
            folder = os.open(path.parent, os.O_RDONLY)
            try:
                os.fsync(folder)
            finally:
                os.close(folder)
        except OSError:  # pragma: no cover - some file systems cannot fsync a folder
            pass
        return path

    def _load(self, room_id: str) -> Room:
        path = self.path(room_id)
        if not path.is_file():
            raise GameNotFound(BAD_LINK)
        what = f"The save file of game {room_id}"
        try:
            if path.stat().st_size > MAX_ROOM_FILE_BYTES:
                raise SessionError(f"{what} is too large to be a game ({path.stat().st_size} bytes).")
            data = json.loads(path.read_bytes())
        except (OSError, ValueError, RecursionError) as exc:
            raise SessionError(f"{what} cannot be read ({type(exc).__name__}: {exc}).") from None
        if not isinstance(data, dict) or data.get("format") != ROOM_FORMAT or data.get("version") != ROOM_VERSION:
            raise SessionError(f"{what} is not a room save file of this version of the wargame.")
        try:
            log = parse_game_log(json.dumps(data.get("log")), source=what)
        except GameLogError as exc:
            raise SessionError(str(exc)) from None
        return room_from_state(data.get("state"), log, room_id)


def room_from_state(state: Any, log: dict[str, Any], room_id: str) -> Room:
    """Rebuild a room from its saved state and its (checked) game log.

    Submissions are kept only for the season the game is at, and each is checked again as a decision of
    its seat; one that no longer passes is dropped and the room's message says so.

    Raises:
        SessionError: If the state is malformed or the log does not replay.

    """
    if not isinstance(state, dict) or state.get("room_id") != room_id:
        raise SessionError(f"The save file of game {room_id} is damaged (its room state is missing).")
    try:
        teams = [Team(id=str(t["id"]), name=str(t["name"]), seats=[str(s) for s in t["seats"]],
                      token=str(t["token"]), code=str(t["code"])) for t in state["teams"]]
        humans = [seat for team in teams for seat in team.seats]
        game = GameSession.from_log(log, human_seats=humans, game_id=room_id)
        room = Room(game, teams, room_id=room_id, facilitator_token=str(state["facilitator_token"]),
                    projector_token=str(state["projector_token"]))
    except (KeyError, TypeError) as exc:
        raise SessionError(f"The save file of game {room_id} is damaged ({type(exc).__name__}: {exc}).") from None
    room.created = str(state.get("created", room.created))
    room.timer = RoundTimer.from_dict(state.get("timer"))
    room.odds.hidden = state.get("odds_hidden") is True
    if state.get("season") == room.season and not room.finished:
        dropped = []
        for seat_id, levers in (state.get("submissions") or {}).items():
            if room.team_of(seat_id) is None or not isinstance(levers, dict):
                continue
            form = seat_form(room.game.model, seat_id)
            try:
                for name, value in levers.items():
                    form.set_lever(name, value)
            except SessionError:
                dropped.append(seat_id)
                continue
            if form.problem():
                dropped.append(seat_id)
                continue
            room.submissions[seat_id] = form.typed()
        room.opened = {s for s in state.get("opened") or [] if room.team_of(s) is not None}
        room.drafting = {s for s in state.get("drafting") or [] if room.team_of(s) is not None}
        room.locked = state.get("locked") is True
        if dropped:
            room.message = f"Saved decisions of {', '.join(dropped)} no longer check out; they must submit again."
    return room


_REGISTRIES: dict[Path, RoomRegistry] = {}
_REGISTRIES_LOCK = threading.Lock()


def registry_for(directory: Path | str | None = None) -> RoomRegistry:
    """The server's one registry for a games directory (every browser session shares it).

    Args:
        directory: The games directory; ``$WARGAME_GAMES_DIR`` or ``./games`` if omitted.

    """
    key = (Path(directory) if directory is not None else games_dir()).expanduser().resolve()
    with _REGISTRIES_LOCK:
        if key not in _REGISTRIES:
            _REGISTRIES[key] = RoomRegistry(key)
        return _REGISTRIES[key]
