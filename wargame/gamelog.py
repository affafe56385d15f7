"""Game logs: save, load and replay a game.

A game is its scenario, its seed and its log of human decisions and hand-played injects (DESIGN §3).
Replaying them gives a bit-identical trajectory, so a log is how a game is saved, resumed, shared and
branched. The log embeds the full scenario, so it replays even if the scenario file later changes, and a
SHA-256 checksum over its content, so a corrupt or tampered file is refused with a clear message.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from wargame import __version__
from wargame.decisions import DecisionError
from wargame.model import AIRaceModel
from wargame.scenario import ScenarioError, validate_scenario
from wargame.seasons import season_label

FORMAT = "ai-race-wargame/game-log"
#: Version 2: model v2 (seat objectives, costs and feedback, observations, reactive policies). A version 1 log
#: was made by an older version of the wargame whose mechanics differ, so it cannot replay bit-identically.
FORMAT_VERSION = 2


class GameLogError(ValueError):
    """A game log is unreadable, foreign, tampered with, or does not replay."""


def _checksum(body: dict[str, Any]) -> str:
    text = json.dumps(body, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def game_log(model: AIRaceModel, meta: dict[str, Any] | None = None) -> dict[str, Any]:
    """The JSON-serialisable log of a game so far.

    Args:
        model: The model being played.
        meta: Extra JSON-serialisable data to keep with the game (e.g. which seats are human).

    Returns:
        A dict with ``format``, ``version``, ``code_version``, ``scenario`` (full copy), ``scenario_hash``,
        ``seed``, ``seasons_played``, ``decisions``, ``injects``, ``meta`` and ``checksum``.

    """
    body = {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "code_version": __version__,
        "scenario": model.scenario_spec.model_dump(mode="json"),
        "scenario_hash": model.scenario_spec.content_hash(),
        "seed": model.seed,
        "seasons_played": model.seasons_played,
        "decisions": list(model.decision_log),
        "injects": list(model.inject_log),
        "meta": meta or {},
    }
    return {**body, "checksum": _checksum(body)}


def save_game(model: AIRaceModel, path: str | Path, meta: dict[str, Any] | None = None) -> Path:
    """Write a game log as JSON, atomically (a temp file renamed into place).

    Returns:
        The path written.

    Raises:
        OSError: If the path is a directory or cannot be written; no temp file is left behind.

    """
    path = Path(path)
    if path.is_dir():
        raise IsADirectoryError(f"{path}: is a directory; give a file name such as game.json")
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(game_log(model, meta), indent=1)
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise OSError(f"{path}: cannot write the game log here ({exc.strerror or exc})") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.chmod(tmp, 0o644)  # readable like any saved document (mkstemp makes it private)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def parse_game_log(text: str | bytes, source: str = "game log") -> dict[str, Any]:
    """Parse and check a game log's text.

    Raises:
        GameLogError: If it is not JSON, not a game log of this program, of an unknown version, or its
            checksum does not match its content.

    """
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise GameLogError(f"{source}: not a valid JSON file ({exc})") from None
    except RecursionError:
        raise GameLogError(f"{source}: not a game log (JSON nested too deeply)") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise GameLogError(f"{source}: not a game log of the AI race wargame (expected format {FORMAT!r})")
    version = data.get("version")
    if isinstance(version, int) and not isinstance(version, bool) and version < FORMAT_VERSION:
        made_by = data.get("code_version")
        raise GameLogError(f"{source}: made by an older version of the wargame (code {made_by!r}, game log version "
                           f"{version}); this version ({__version__}) plays model v2, whose mechanics differ, so it "
                           "cannot replay that game. Replay it with the version that saved it, or start a new game.")
    if version != FORMAT_VERSION:
        raise GameLogError(f"{source}: game log version {version!r} is not supported "
                           f"(this program reads version {FORMAT_VERSION})")
    body = {k: v for k, v in data.items() if k != "checksum"}
    if data.get("checksum") != _checksum(body):
        raise GameLogError(f"{source}: checksum mismatch: the file was edited or corrupted after saving")
    for key, kind in (("seed", int), ("seasons_played", int), ("decisions", list), ("injects", list),
                      ("scenario", dict)):
        if not isinstance(data.get(key), kind):
            raise GameLogError(f"{source}: field {key!r} is missing or not a {kind.__name__}")
    return data


def load_game(path: str | Path) -> dict[str, Any]:
    """Read and check a game log file.

    Raises:
        GameLogError: If the file cannot be read or is not a valid game log.

    """
    path = Path(path)
    try:
        text = path.read_bytes()
    except OSError as exc:
        raise GameLogError(f"{path}: cannot read file ({exc.strerror or exc})") from None
    return parse_game_log(text, source=str(path))


def replay(log: dict[str, Any], seasons: int | None = None) -> AIRaceModel:
    """Rebuild a game from its log, to the saved point or to an earlier season.

    Args:
        log: A checked log (from :func:`load_game`, :func:`parse_game_log` or :func:`game_log`).
        seasons: Number of seasons to play; defaults to the log's ``seasons_played``. Fewer seasons is how
            "undo" works.

    Returns:
        The model after those seasons, with the logged decisions and injects applied.

    Raises:
        GameLogError: If the embedded scenario or a logged decision no longer validates.

    """
    try:
        scenario = validate_scenario(log["scenario"], source="saved game's scenario")
    except ScenarioError as exc:
        raise GameLogError(str(exc)) from None
    model = AIRaceModel(scenario, seed=log["seed"])
    played = log["seasons_played"]
    if not 0 <= played <= model.total_seasons:
        raise GameLogError(f"the saved game claims {played} seasons played, but its scenario has "
                           f"{model.total_seasons} ({scenario.scenario.start}..{scenario.scenario.end})")
    in_game = {season_label(model.start_index + k) for k in range(played)}
    for entry in [*log["decisions"], *log["injects"]]:
        if not isinstance(entry, dict) or entry.get("season") not in in_game:
            season = entry.get("season") if isinstance(entry, dict) else entry
            raise GameLogError(f"the saved game has an entry for season {season!r}, outside the "
                               f"{played} seasons it played")
    target = played if seasons is None else seasons
    if not 0 <= target <= played:
        raise GameLogError(f"cannot replay {target} seasons of a game that played {played}")
    try:
        for _ in range(target):
            season = model.season
            for entry in log["decisions"]:
                if entry["season"] == season:
                    model.submit_decision(entry["seat"], entry["levers"])
            for entry in log["injects"]:
                if entry["season"] == season:
                    model.play_event(entry["event"])
            model.step()
    except (DecisionError, ValueError, KeyError, TypeError) as exc:
        raise GameLogError(f"the saved game does not replay: {exc}") from None
    return model
