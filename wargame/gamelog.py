"""Game logs: save, load and replay a game.

A game is its scenario, its seed and its log of human decisions, hand-played injects and facilitator's notes
(DESIGN §3). Replaying them gives a bit-identical trajectory and the same news, so a log is how a game is saved,
resumed, shared and branched. The log embeds the full scenario, so it replays even if the scenario file later
changes, and a SHA-256 checksum over its content, so a corrupt or tampered file is refused with a clear message.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from wargame import __version__
from wargame.decisions import DecisionError
from wargame.files import write_text_atomic
from wargame.model import MAX_NOTES_PER_SEASON, AIRaceModel
from wargame.scenario import EVENT_NAMES, ScenarioError, validate_scenario
from wargame.seasons import season_label

FORMAT = "ai-race-wargame/game-log"
#: Version 2: model v2 (seat objectives, costs and feedback, observations, reactive policies). A version 1 log
#: was made by an older version of the wargame whose mechanics differ, so it cannot replay bit-identically.
FORMAT_VERSION = 2
#: Groups of seats in a scenario (each a list of seat tables).
_SEAT_GROUPS = ("governments", "labs", "chipmakers", "smugglers", "overseas_clouds")


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
        ``seed``, ``seasons_played``, ``decisions``, ``injects``, ``notes`` (the facilitator's notes,
        ``{"season", "text", "audience"}``, including those for the coming season), ``meta`` and ``checksum``.

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
        "notes": [dict(note) for note in model.note_log],
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
    return write_text_atomic(path, json.dumps(game_log(model, meta), indent=1))


def parse_game_log(text: str | bytes, source: str = "game log") -> dict[str, Any]:
    """Parse and check a game log's text.

    A log saved before facilitator's notes existed (version 2, no ``notes`` field) is accepted.

    Args:
        text: The file's content.
        source: What to call it in error messages (a file name, "the uploaded file").

    Returns:
        The log as a dict.

    Raises:
        GameLogError: If it is not JSON, not a game log of this program, of an unknown version, its checksum
            does not match its content, a field has the wrong type, or its entries cannot come from a game:
            two decisions for one seat in one season, the same inject twice in one season, or more decisions,
            injects or notes than its seats and seasons allow (:func:`check_entries`).

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
    if "notes" in data and not isinstance(data["notes"], list):
        raise GameLogError(f"{source}: field 'notes' is not a list")
    groups = [data["scenario"].get(group) for group in _SEAT_GROUPS]
    seats = sum(len(group) for group in groups if isinstance(group, list))
    check_entries(data, seats, max(0, data["seasons_played"]), source)
    return data


def check_entries(log: dict[str, Any], seats: int, seasons: int, source: str = "the saved game") -> None:
    """Check that a log's decisions, injects and notes could come from one game.

    A seat decides once a season (a model logs one applied decision per seat and season), an inject is
    played at most once a season, and a season holds at most ``MAX_NOTES_PER_SEASON`` notes. Seasons are
    checked against the game's calendar by :func:`replay`.

    Args:
        log: A game log dict (``decisions`` and ``injects`` lists; ``notes`` optional).
        seats: Number of seats in its scenario.
        seasons: Number of seasons played.
        source: What to call the log in error messages.

    Raises:
        GameLogError: If an entry is not a dict with text ``season`` (and ``seat``, ``event``, ``text``,
            ``audience`` as its list needs), a seat decides twice in one season, an inject is played twice in
            one season, or a list is longer than the game allows (decisions: seats x seasons; injects: events
            in the deck x seasons; notes: ``MAX_NOTES_PER_SEASON`` x (seasons + 1), the coming season included).

    """
    lists = (("decisions", ("season", "seat"), seats * seasons, f"one per seat and season ({seats} seats)"),
             ("injects", ("season", "event"), len(EVENT_NAMES) * seasons,
              f"each of the {len(EVENT_NAMES)} events of the deck once a season"),
             ("notes", ("season", "text", "audience"), MAX_NOTES_PER_SEASON * (seasons + 1),
              f"{MAX_NOTES_PER_SEASON} a season, the coming season included"))
    for name, keys, bound, rule in lists:
        entries = log.get(name, [])
        if not isinstance(entries, list):
            raise GameLogError(f"{source}: field {name!r} is not a list")
        if len(entries) > bound:
            raise GameLogError(f"{source}: {len(entries)} entries in {name!r} for {seasons} season(s) played; a "
                               f"game holds at most {bound} ({rule})")
        for index, entry in enumerate(entries):
            if not isinstance(entry, dict):
                raise GameLogError(f"{source}: entry {index} of {name!r} is not a dict (got "
                                   f"{type(entry).__name__})")
            for key in keys:
                if not isinstance(entry.get(key), str):
                    raise GameLogError(f"{source}: entry {index} of {name!r} has no text field {key!r}")
    seen: dict[tuple[str, str], int] = {}
    for index, entry in enumerate(log.get("decisions", [])):
        first = seen.setdefault((entry["season"], entry["seat"]), index)
        if first != index:
            raise GameLogError(f"{source}: two decisions for seat {entry['seat']!r} in season {entry['season']!r} "
                               f"(entries {first} and {index} of 'decisions'); a seat decides once a season")
    seen = {}
    for index, entry in enumerate(log.get("injects", [])):
        first = seen.setdefault((entry["season"], entry["event"]), index)
        if first != index:
            raise GameLogError(f"{source}: inject {entry['event']!r} played twice in season {entry['season']!r} "
                               f"(entries {first} and {index} of 'injects'); an inject is played once a season")


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


def replay(log: dict[str, Any], seasons: int | None = None,
           on_season: Callable[[AIRaceModel], None] | None = None) -> AIRaceModel:
    """Rebuild a game from its log, to the saved point or to an earlier season.

    Each season, the facilitator's notes for it are added first (so the news comes out in the played order),
    then the logged decisions and injects, then the season is played. The notes for the season after the
    last one replayed are added too (they were given before it was played); notes for later seasons, like
    their decisions, are not.

    Args:
        log: A checked log (from :func:`load_game`, :func:`parse_game_log` or :func:`game_log`); ``notes`` may
            be missing (logs saved before notes existed).
        seasons: Number of seasons to play; defaults to the log's ``seasons_played``. Fewer seasons is how
            "undo" works.
        on_season: Called with the model after each season is played (before the next season's notes are
            added), e.g. to read what the seats believed then. Its own errors propagate unchanged.

    Returns:
        The model after those seasons, with the logged decisions, injects and notes applied.

    Raises:
        GameLogError: If the embedded scenario or a logged decision or note no longer validates, the log
            claims more seasons than its scenario has, an entry is for a season outside the game, or its
            entries cannot come from one game (:func:`check_entries`).

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
    notes = log.get("notes", [])
    check_entries(log, len(model.seats()), played)
    in_game = {season_label(model.start_index + k) for k in range(played)}
    for entry in [*log["decisions"], *log["injects"]]:
        if entry["season"] not in in_game:
            raise GameLogError(f"the saved game has an entry for season {entry['season']!r}, outside the "
                               f"{played} seasons it played")
    # Notes may also be for the coming season (given before it was played), if there is one.
    noted = in_game | ({season_label(model.start_index + played)} if played < model.total_seasons else set())
    for entry in notes:
        if entry["season"] not in noted:
            raise GameLogError(f"the saved game has a facilitator's note for season {entry['season']!r}, outside "
                               f"the {played} seasons it played and the one to come")
    target = played if seasons is None else seasons
    if not 0 <= target <= played:
        raise GameLogError(f"cannot replay {target} seasons of a game that played {played}")
    for k in range(target + 1):
        season = season_label(model.start_index + k)
        try:
            if model.running:
                for entry in notes:
                    if entry["season"] == season:
                        model.add_note(entry["text"], entry["audience"])
            if k == target:
                break
            for entry in log["decisions"]:
                if entry["season"] == season:
                    model.submit_decision(entry["seat"], entry["levers"])
            for entry in log["injects"]:
                if entry["season"] == season:
                    model.play_event(entry["event"])
            model.step()
        except (DecisionError, ValueError, KeyError, TypeError) as exc:
            raise GameLogError(f"the saved game does not replay: {exc}") from None
        if on_season is not None:
            on_season(model)
    return model
