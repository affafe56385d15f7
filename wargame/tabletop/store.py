"""Server-side autosaves of hot-seat games: one game log per game id, written atomically.

Autosaves go to ``$WARGAME_GAMES_DIR`` (default ``./games``), one game log per game id (the human seats
and queued injects ride in the log's ``meta``), written after every change, so a server restart followed
by a reload of ``/?game=<id>`` resumes the game.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from wargame.gamelog import GameLogError, load_game, save_game
from wargame.tabletop.errors import GameChangedElsewhere, GameNotFound, SessionError
from wargame.tabletop.session import GameSession, games_dir, valid_game_id


def _load_log(path: Path, what: str) -> dict[str, Any]:
    try:
        return load_game(path)
    except GameLogError as exc:
        raise SessionError(f"{what} is not a usable game log: {exc}") from None
    except Exception as exc:  # noqa: BLE001 - a foreign file must never crash the app
        raise SessionError(f"{what} is not a usable game log ({type(exc).__name__}: {exc}).") from None


def _autosave_checksum(path: Path) -> str | None:
    """Checksum recorded in an autosave file, or ``None`` if there is no readable one."""
    try:
        return json.loads(path.read_text(encoding="utf-8")).get("checksum")
    except (OSError, ValueError, AttributeError):
        return None


class GameStore:
    """Server-side autosaves: one game log per game id, ``<dir>/<game id>.json``.

    Args:
        directory: Where to keep games; :func:`games_dir` if omitted.

    """

    def __init__(self, directory: Path | str | None = None) -> None:
        self.directory = Path(directory) if directory is not None else games_dir()

    def path(self, game_id: str) -> Path:
        """File of a game id.

        Raises:
            SessionError: If the id is malformed (so a crafted URL can never name another file).

        """
        if not valid_game_id(game_id):
            raise SessionError(f"{str(game_id)[:40]!r} is not a game id (16 hex digits).")
        return self.directory / f"{game_id}.json"

    def exists(self, game_id: str) -> bool:
        """Tell whether a game is saved under this id."""
        return valid_game_id(game_id) and self.path(game_id).exists()

    def save(self, session: GameSession) -> Path:
        """Autosave a session (atomically: the log is written to a temp file, then renamed).

        Returns:
            Path of the saved game log.

        Raises:
            OSError: If the directory cannot be written.
            GameChangedElsewhere: If another tab or window saved this game since this session last did, so
                a stale tab never overwrites newer seasons.

        """
        path = self.path(session.game_id)
        current = _autosave_checksum(path)
        if current is not None and current != session.saved_checksum:
            raise GameChangedElsewhere(
                "This game was changed in another tab or window, so this step was not saved. Reload the page "
                "to continue from the saved game (or download this log to keep this branch).")
        save_game(session.model, path, meta=session.meta())
        session.saved_checksum = _autosave_checksum(path)
        return path

    def load(self, game_id: str) -> GameSession:
        """Resume an autosaved game.

        Args:
            game_id: Id from the URL.

        Returns:
            The session, at the season it was saved at.

        Raises:
            SessionError: If there is no such game or its file is unusable.

        """
        if not valid_game_id(game_id):
            raise GameNotFound(f"{str(game_id)[:40]!r} is not a game id (16 hex digits).")
        path = self.path(game_id)
        if not path.is_file():
            raise GameNotFound(f"No saved game {game_id} on this server (autosaves are in {self.directory}).")
        log = _load_log(path, f"The autosave of game {game_id}")
        return GameSession.from_log(log, game_id=game_id)

    def autosave(self, session: GameSession) -> None:
        """Save a session, turning a failure into ``session.message`` instead of an error."""
        try:
            self.save(session)
        except Exception as exc:  # noqa: BLE001 - never crash a game over a full disk
            session.message = f"Autosave failed ({type(exc).__name__}: {exc}); download the game log to keep it."
        else:
            if session.message.startswith("Autosave failed"):
                session.message = ""
