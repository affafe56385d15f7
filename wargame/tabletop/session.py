"""Per-session game state for the tabletop, with server-side autosave.

Every browser session owns one :class:`GameSession`; nothing here is module-level state (a module-level
model would be shared by every visitor, a known Mesa pitfall). A game is its scenario, its seed and its
log of human decisions (:mod:`wargame.gamelog`), so saving a game is writing its log, and undo is a replay
to one season less.

Autosaves go to ``$WARGAME_GAMES_DIR`` (default ``./games``), one game log per game id (the human seats
and queued injects ride in the log's ``meta``), written atomically after every change, so a server
restart followed by a reload of ``/?game=<id>`` resumes the game. This module has no UI code and does not import Solara.
"""

from __future__ import annotations

import functools
import json
import math
import os
import re
import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from wargame.decisions import DecisionError, decision_model_for
from wargame.gamelog import GameLogError, game_log, load_game, parse_game_log, replay, save_game
from wargame.model import MAX_SEED, AIRaceModel
from wargame.scenario import ScenarioError, load_scenario

GAMES_DIR_ENV = "WARGAME_GAMES_DIR"
#: A lab's compute shares, given together and summing to 1 (share of compute).
SHARE_LEVERS = ("training_share", "safety_share", "serving_share")
#: Plain words for each score component of each actor kind (:data:`wargame.scoring.COMPONENTS`).
SCORE_LABELS: dict[str, dict[str, str]] = {
    "us_government": {"lead": "US lead in deployed AI", "adoption": "Global South adoption of US AI",
                      "incidents": "AI incidents (any lab)", "licence_revenue": "Licence revenue collected",
                      "industry_revenue": "US chip and cloud industry revenue", "allies": "Friction with allies",
                      "fiscal": "Budget spent"},
    "prc_government": {"parity": "Closing the gap with the US", "self_sufficiency": "Self-sufficiency in chips",
                       "adoption": "Global South adoption of PRC AI", "incidents": "AI incidents (any lab)",
                       "fiscal": "Budget spent and revenue given up"},
    "ally_government": {"revenue": "Its chipmakers' China revenue", "us_relations": "Relations with Washington",
                        "retaliation": "Exposure to PRC retaliation"},
    "lab": {"capability": "Capability against the other labs", "revenue": "Serving revenue",
            "incidents": "Its own AI incidents", "sanctions": "Sanctions for detected distillation"},
    "chipmaker": {"revenue": "Revenue", "penalties": "Fines"},
    "smuggler": {"profit": "Profit after seizures"},
    "overseas_cloud": {"revenue": "Rental revenue", "penalties": "Fines"},
}
#: Largest game log accepted by upload, in bytes (a full game is a few hundred kB at most).
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
_GAME_ID = re.compile(r"^[0-9a-f]{16}$")
_META_FORMAT = "ai-race-wargame/tabletop-session"


class SessionError(Exception):
    """A problem the facilitator must see as a clear message (bad seed, bad save file, missing game)."""


class GameNotFound(SessionError):
    """No game is saved under an id (or the id is not a well-formed game id)."""


class LeverValueError(SessionError):
    """A value typed into a lever's field that is not a value of that lever (text, ``nan``, empty, ...)."""


def format_value(value: Any, significant: int = 4) -> str:
    """Format a lever or figure for people: yes/no for booleans, a few significant digits for floats.

    Args:
        value: The value.
        significant: Significant digits for floats below 10,000 (larger floats get thousands separators).

    Returns:
        The text.

    """
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:,.{significant}g}" if abs(value) < 1e4 else f"{value:,.0f}"
    return str(value)


def parse_seed(text: Any) -> int:
    """Parse a seed typed into a text field.

    A seed arrives from the browser as text; converting it here keeps a typo from crashing the app.

    Args:
        text: The seed as typed (``str``) or already an ``int``.

    Returns:
        The seed, an integer in ``[0, 2**63 - 1]``.

    Raises:
        SessionError: If the text is not a whole number in that range.

    """
    if isinstance(text, bool):
        raise SessionError("Seed must be a whole number such as 42.")
    if isinstance(text, int):
        value = text
    else:
        cleaned = str(text if text is not None else "").strip().replace("_", "")
        if not re.fullmatch(r"\d{1,19}", cleaned):
            raise SessionError(f"Seed must be a whole number from 0 to {MAX_SEED} (2**63 - 1) "
                               f"(got {str(text)[:40]!r}).")
        value = int(cleaned)
    if not 0 <= value <= MAX_SEED:
        raise SessionError(f"Seed must be a whole number from 0 to {MAX_SEED} (2**63 - 1) (got {value}).")
    return value


def new_game_id() -> str:
    """Return a fresh random game id (16 hex digits), used in the URL and the autosave file name."""
    return secrets.token_hex(8)


def valid_game_id(game_id: Any) -> bool:
    """Tell whether a string is a well-formed game id (so it is safe as a file name)."""
    return isinstance(game_id, str) and bool(_GAME_ID.fullmatch(game_id))


def games_dir() -> Path:
    """Directory of autosaved games: ``$WARGAME_GAMES_DIR``, else ``./games``."""
    return Path(os.environ.get(GAMES_DIR_ENV) or "games").expanduser()


@dataclass(frozen=True)
class SeatInfo:
    """A seat as the setup screen shows it.

    Attributes:
        id: Seat id from the scenario.
        name: Display name.
        kind: Actor kind (``"lab"``, ``"us_government"``, ...).
        bloc: ``"US"`` or ``"PRC"``.
        policy: Policy in the scenario file.

    """

    id: str
    name: str
    kind: str
    bloc: str
    policy: str


def scenario_seats(scenario: Any) -> list[SeatInfo]:
    """List the seats of a scenario in the scenario's fixed order.

    Args:
        scenario: A loaded :class:`wargame.scenario.Scenario`.

    Returns:
        One :class:`SeatInfo` per actor.

    """
    from wargame.scenario import seat_kind

    return [SeatInfo(s.id, s.name, seat_kind(s), s.bloc, s.policy) for s in scenario.seats()]


def _plain(value: Any) -> Any:
    """Turn numpy scalars and similar into plain JSON-friendly Python values."""
    if hasattr(value, "item") and not isinstance(value, (list, dict, str)):
        try:
            return value.item()
        except (TypeError, ValueError):
            return value
    return value


class GameSession:
    """One browser session's game: the model, the human seats and their draft decisions.

    Attributes:
        model: The :class:`wargame.model.AIRaceModel` being played.
        human_seats: Seat ids that players decide; the computer plays the others.
        game_id: Id of the game in the URL and the autosave store.
        drafts: Current form values per human seat, prefilled each season (see :meth:`refresh_drafts`).
        proposals: What each human seat's policy proposes for the coming season.
        version: Counter bumped on every change of the model, for re-rendering views.
        message: Last notice for the facilitator (e.g. an autosave that failed), or ``""``.

    """

    #: Checksum of the autosave this session last loaded or wrote (``None`` before its first save).
    saved_checksum: str | None = None

    def __init__(self, model: AIRaceModel, human_seats: list[str], game_id: str | None = None) -> None:
        seat_ids = {s.seat for s in model.seats()}
        unknown = [s for s in human_seats if s not in seat_ids]
        if unknown:
            raise SessionError(f"Unknown seat(s) {', '.join(unknown)}; seats: {', '.join(sorted(seat_ids))}.")
        self.model = model
        self.human_seats = [s.seat for s in model.seats() if s.seat in set(human_seats)]
        self.game_id = game_id if valid_game_id(game_id) else new_game_id()
        self.drafts: dict[str, dict[str, Any]] = {}
        self.proposals: dict[str, dict[str, Any]] = {}
        #: Text typed into numeric lever fields, per seat and lever, kept as typed (``"0."``, ``"abc"``).
        self.texts: dict[str, dict[str, str]] = {}
        #: Plain-words problem of a lever whose typed text is not a value of it (``"nan"``, ``""``, ...).
        self.text_errors: dict[str, dict[str, str]] = {}
        self.version = 0
        self.message = ""
        self.refresh_drafts()

    # ----------------------------------------------------------------- construction
    @classmethod
    def new(
        cls,
        scenario: str,
        seed: Any,
        human_seats: list[str],
        policies: dict[str, str] | None = None,
        game_id: str | None = None,
    ) -> GameSession:
        """Start a new game.

        Args:
            scenario: Scenario name (file stem in ``scenarios/``) or path.
            seed: Seed, as typed (parsed with :func:`parse_seed`).
            human_seats: Seat ids played by people.
            policies: Policy per computer seat where it differs from the scenario's.
            game_id: Id to use; a fresh one if omitted.

        Returns:
            The session, at the start season.

        Raises:
            SessionError: On a bad seed, scenario or policy choice.

        """
        seed_value = parse_seed(seed)
        try:
            sc = load_scenario(scenario)
            changes = {}
            for seat in scenario_seats(sc):
                wanted = (policies or {}).get(seat.id)
                if wanted and wanted != seat.policy:
                    changes[f"{_group_of(sc, seat.id)}.{seat.id}.policy"] = wanted
            if changes:
                sc = sc.with_overrides(changes)
        except ScenarioError as exc:
            raise SessionError(f"Scenario problem: {exc}") from None
        model = AIRaceModel(sc, seed=seed_value)
        return cls(model, human_seats, game_id)

    @classmethod
    def from_log(cls, log: dict[str, Any], human_seats: list[str] | None = None,
                 game_id: str | None = None) -> GameSession:
        """Rebuild a game from a game log, to the season it was saved at.

        Args:
            log: A game log (as from :func:`wargame.gamelog.load_game`).
            human_seats: Seats played by people; by default the seats that made decisions in the log.
            game_id: Id to use; a fresh one if omitted.

        Returns:
            The resumed session.

        Raises:
            SessionError: If the log cannot be replayed.

        """
        try:
            model = replay(log)
        except (GameLogError, ScenarioError, DecisionError) as exc:
            raise SessionError(f"This game log cannot be replayed: {exc}") from None
        except Exception as exc:  # noqa: BLE001 - a foreign file must never crash the app
            raise SessionError(f"This game log cannot be replayed ({type(exc).__name__}: {exc}).") from None
        meta = log.get("meta") if isinstance(log.get("meta"), dict) else {}
        if human_seats is None:
            human_seats = _humans_in_log(log)
        session = cls(model, human_seats, game_id)
        session.saved_checksum = log.get("checksum")
        for name in meta.get("queued_injects") or []:
            try:
                model.play_event(str(name))
            except ValueError:
                session.message = f"A queued inject {str(name)[:40]!r} in the save was not recognised."
        return session

    @classmethod
    def from_upload(cls, data: bytes, human_seats: list[str] | None = None) -> GameSession:
        """Resume a game from an uploaded game log file.

        Args:
            data: File content.
            human_seats: Seats played by people; by default those with decisions in the log.

        Returns:
            The resumed session (with a new game id, so the original game is untouched).

        Raises:
            SessionError: With a clear message for an empty, oversized, corrupt, foreign or tampered file.

        """
        if not data:
            raise SessionError("The uploaded file is empty.")
        if len(data) > MAX_UPLOAD_BYTES:
            raise SessionError(f"The uploaded file is too large ({len(data)} bytes; a game log is far "
                               f"smaller than {MAX_UPLOAD_BYTES} bytes).")
        try:
            log = parse_game_log(data, source="the uploaded file")
        except GameLogError as exc:
            raise SessionError(f"Not a usable game log: {exc}") from None
        return cls.from_log(log, human_seats)

    # ----------------------------------------------------------------- state
    @property
    def scenario(self) -> Any:
        """The scenario being played."""
        return self.model.scenario_spec

    @property
    def season(self) -> str:
        """Label of the next season to play (e.g. ``"2026Q3"``)."""
        return str(self.model.season)

    @property
    def seasons_played(self) -> int:
        """Seasons played so far."""
        return int(self.model.seasons_played)

    @property
    def finished(self) -> bool:
        """Whether the game has reached its last season."""
        return not self.model.running

    def seats(self) -> list[Any]:
        """The model's seat info objects, in scenario order."""
        return list(self.model.seats())

    def seat(self, seat_id: str) -> Any:
        """One seat's info object."""
        for s in self.model.seats():
            if s.seat == seat_id:
                return s
        raise SessionError(f"Unknown seat {seat_id!r}.")

    def refresh_drafts(self) -> None:
        """Prefill every human seat's form for the coming season.

        ``proposals`` holds what each seat's policy proposes now (shown beside each lever, and the target of
        "reset"). The form starts from the seat's own last decision, so a player's choice (say, a chip ban)
        stays in force until changed; in the first season, or for a seat with no decision yet, it starts
        from the policy's proposal.
        """
        self.drafts = {}
        self.proposals = {}
        self.texts = {}
        self.text_errors = {}
        if self.finished:
            return
        last: dict[str, dict[str, Any]] = {}
        for entry in self.model.decision_log:
            last[entry["seat"]] = entry["levers"]
        for seat_id in self.human_seats:
            rows = self.seat_lever_map(seat_id)
            proposal = self.model.default_decision(seat_id)
            if hasattr(proposal, "model_dump"):
                proposal = proposal.model_dump()
            self.proposals[seat_id] = {k: coerce_lever(rows[k], v) for k, v in dict(proposal).items() if k in rows}
            start = {**self.proposals[seat_id], **{k: v for k, v in last.get(seat_id, {}).items() if k in rows}}
            self.drafts[seat_id] = {k: coerce_lever(rows[k], v) for k, v in start.items()}

    # ----------------------------------------------------------------- offered levers
    def seat_lever_rows(self, seat_id: str) -> list[dict[str, Any]]:
        """The form rows of the levers offered to a seat (:func:`lever_rows` of its kind, offered ones only).

        A lever that cannot apply to a seat (distillation effort for a US lab, yield ramp for a foundry) is
        not offered to it (:attr:`agents.base.Actor.levers`), so its form never shows it.

        Args:
            seat_id: A seat id.

        Returns:
            Copies of the rows, in the decision model's order.

        Raises:
            SessionError: If the seat is unknown.

        """
        offered = set(self.seat(seat_id).levers)
        return [dict(row) for row in _lever_rows(self.seat(seat_id).kind) if row["name"] in offered]

    def seat_lever_map(self, seat_id: str) -> dict[str, dict[str, Any]]:
        """The rows of :meth:`seat_lever_rows` by lever name."""
        return {row["name"]: row for row in self.seat_lever_rows(seat_id)}

    def _lever_row(self, seat_id: str, name: str) -> dict[str, Any]:
        """The row of a lever offered to a seat; a clear error for a lever not offered or unknown."""
        rows = self.seat_lever_map(seat_id)
        if name in rows:
            return rows[name]
        seat = self.seat(seat_id)
        if name in lever_row_map(seat.kind):
            raise SessionError(f"{lever_row_map(seat.kind)[name]['plain']} is not a lever of {seat.name}.")
        raise SessionError(f"Unknown lever {str(name)[:40]!r} for {seat.name}.")

    def share_total(self, seat_id: str) -> float | None:
        """The running total of a lab's training, safety and serving shares as the form holds them.

        Args:
            seat_id: A human seat.

        Returns:
            The sum of the three shares (share of compute; a decision needs exactly 1), or ``None`` for a seat
            without the three shares or while one of their fields holds text that is not a number.

        """
        rows = self.seat_lever_map(seat_id)
        if not all(name in rows for name in SHARE_LEVERS):
            return None
        if any(name in self.text_errors.get(seat_id, {}) for name in SHARE_LEVERS):
            return None
        draft = self.drafts.get(seat_id, {})
        try:
            return float(sum(float(draft[name]) for name in SHARE_LEVERS))
        except (KeyError, TypeError, ValueError):
            return None

    # ----------------------------------------------------------------- scores
    def score(self, seat_id: str) -> float:
        """A seat's score so far (points; :meth:`wargame.model.AIRaceModel.seat_scores`)."""
        self.seat(seat_id)
        return float(self.model.seat_scores()[seat_id])

    def score_parts(self, seat_id: str) -> list[dict[str, Any]]:
        """A seat's score so far by objective component, in plain words.

        Args:
            seat_id: A seat id.

        Returns:
            One dict per component of the seat's kind: ``component`` (its name in the scenario's
            ``[objectives]``), ``label`` (plain words), ``meaning`` (how it counts, from the objective's
            description), ``weight`` (points per unit) and ``points`` (weighted points so far).

        Raises:
            SessionError: If the seat is unknown.

        """
        seat = self.seat(seat_id)
        weights = self.model.objectives.for_kind(seat.kind)
        fields = type(weights).model_fields
        parts = []
        for name, points in self.model.score_breakdown(seat_id).items():
            field = fields.get(name)
            parts.append({"component": name, "label": score_label(seat.kind, name),
                          "meaning": (field.description or "") if field is not None else "",
                          "weight": float(getattr(weights, name, float("nan"))), "points": float(points)})
        return parts

    def final_scores(self) -> list[dict[str, Any]]:
        """Every seat's score so far, for the debrief's score table.

        Returns:
            One dict per seat in the model's seat order: ``seat``, ``name``, ``kind``, ``played_by``
            (``"human"`` or ``"computer (<policy>)"``), ``score`` (points) and ``parts``
            (:meth:`score_parts`).

        """
        scores = self.model.seat_scores()
        rows = []
        for actor in self.model.seats():
            played_by = "human" if actor.seat in self.human_seats else f"computer ({actor.policy})"
            rows.append({"seat": actor.seat, "name": actor.name, "kind": actor.kind, "played_by": played_by,
                         "score": float(scores[actor.seat]), "parts": self.score_parts(actor.seat)})
        return rows

    # ----------------------------------------------------------------- lever forms
    def set_lever(self, seat_id: str, name: str, raw: Any) -> None:
        """Take one value from a lever's widget: typed into the draft if it is a value of the lever.

        A numeric lever arrives as the text of its field; that text is kept as typed (so the field shows
        what the player typed), parsed to a ``float`` or ``int``, and put in the draft. Text that is not a
        finite number (``"abc"``, ``"nan"``, ``"inf"``, ``"1e999"``, ``""``) leaves the draft unchanged and
        is recorded in :attr:`text_errors`, which blocks the step until the field is fixed.

        Args:
            seat_id: A human seat.
            name: Lever name.
            raw: Text of a numeric field, ``bool`` of a switch or ``str`` of a choice.

        Raises:
            SessionError: If the seat or lever is unknown, or the lever is not offered to the seat.

        """
        row = self._lever_row(seat_id, name)
        texts = self.texts.setdefault(seat_id, {})
        errors = self.text_errors.setdefault(seat_id, {})
        if row["type"] in ("float", "int") and isinstance(raw, str | None):
            texts[name] = raw or ""
        else:
            texts.pop(name, None)
        try:
            value = parse_lever(row, raw)
        except LeverValueError as exc:
            errors[name] = str(exc)
            return
        errors.pop(name, None)
        self.drafts.setdefault(seat_id, {})[name] = value

    def lever_text(self, seat_id: str, name: str) -> str:
        """The text a numeric lever's field shows: as typed, else the draft value."""
        typed = self.texts.get(seat_id, {})
        if name in typed:
            return typed[name]
        return format_lever_value(self.drafts.get(seat_id, {}).get(name, ""))

    def reset_seat(self, seat_id: str) -> None:
        """Put a seat's form back to its policy's proposal for this season."""
        self.drafts[seat_id] = dict(self.proposals.get(seat_id, {}))
        self.texts.pop(seat_id, None)
        self.text_errors.pop(seat_id, None)

    def typed_draft(self, seat_id: str) -> dict[str, Any]:
        """A seat's draft with every lever of its proper Python type (float, int, bool or str).

        Raises:
            SessionError: If a lever is unknown or not offered to the seat, or a value is not a value of its
                lever.

        """
        typed = {}
        for name, value in self.drafts.get(seat_id, {}).items():
            typed[name] = parse_lever(self._lever_row(seat_id, name), value)
        return typed

    def seat_problems(self, seat_id: str) -> tuple[dict[str, str], list[str]]:
        """Check one seat's form without submitting it.

        Args:
            seat_id: A human seat.

        Returns:
            ``(fields, general)``: a plain-words message per lever that is wrong (shown at its field), and
            problems of the decision as a whole (a lab's shares that do not add up to 1).

        """
        kind = self.seat(seat_id).kind
        rows = self.seat_lever_map(seat_id)
        fields = dict(self.text_errors.get(seat_id, {}))
        general: list[str] = []
        typed: dict[str, Any] = {}
        for name, value in self.drafts.get(seat_id, {}).items():
            if name in fields:
                continue
            if name not in rows:
                try:
                    self._lever_row(seat_id, name)
                except SessionError as exc:
                    general.append(str(exc))
                continue
            try:
                typed[name] = parse_lever(rows[name], value)
            except LeverValueError as exc:
                fields[name] = str(exc)
        if fields or general:
            return fields, general
        # levers not offered to the seat take their (valid) defaults, so only the offered ones are checked
        unoffered = {row["name"]: row["default"] for row in _lever_rows(kind) if row["name"] not in rows}
        try:
            decision_model_for(kind).model_validate({**unoffered, **typed}, strict=True)
        except ValidationError as exc:
            for err in exc.errors():
                loc = err.get("loc") or ()
                if loc and loc[0] in rows:
                    fields.setdefault(str(loc[0]), out_of_range_message(rows[str(loc[0])], typed.get(loc[0])))
                else:
                    general.append(_whole_decision_message(err, typed))
        except Exception as exc:  # noqa: BLE001 - a check must never crash the page
            general.append(f"This decision cannot be checked ({type(exc).__name__}: {exc}).")
        return fields, general

    def draft_problem(self, seat_id: str) -> str:
        """Validate one seat's draft without submitting it.

        Args:
            seat_id: A human seat.

        Returns:
            ``""`` if the draft is valid, else its problems in plain words, one per line.

        """
        fields, general = self.seat_problems(seat_id)
        return "\n".join([*fields.values(), *general])

    # ----------------------------------------------------------------- actions
    def _submit_drafts(self) -> None:
        problems = [f"{self.seat(s).name}: {p}" for s in self.human_seats if (p := self.draft_problem(s))]
        if problems:
            raise SessionError("Fix these decisions before stepping:\n" + "\n".join(problems))
        for seat_id in self.human_seats:
            try:
                self.model.submit_decision(seat_id, self.typed_draft(seat_id))
            except (DecisionError, SessionError) as exc:
                raise SessionError(f"{self.seat(seat_id).name}: {exc}") from None

    def _changed(self) -> None:
        self.version += 1
        self.refresh_drafts()

    def step(self) -> None:
        """Submit the human seats' drafts and play one season.

        Raises:
            SessionError: If the game is over or a draft is invalid (nothing is played then).

        """
        if self.finished:
            raise SessionError("The game is over; see the debrief.")
        self._submit_drafts()
        self.model.step()
        self._changed()

    def play_to_end(self) -> None:
        """Play the current season with the human seats' drafts, then the rest with every seat's policy.

        Raises:
            SessionError: If the game is over or a draft is invalid.

        """
        if self.finished:
            raise SessionError("The game is over; see the debrief.")
        self._submit_drafts()
        self.model.step()
        if self.model.running:
            self.model.run_to_end()
        self._changed()

    def can_undo(self) -> bool:
        """Whether a season has been played that can be taken back."""
        return self.seasons_played > 0

    def undo(self) -> None:
        """Take back the last season by replaying the game log to one season less.

        Raises:
            SessionError: If no season has been played.

        """
        if not self.can_undo():
            raise SessionError("Nothing to undo: no season has been played yet.")
        log = self.log()
        try:
            self.model = replay(log, seasons=self.seasons_played - 1)
        except Exception as exc:  # noqa: BLE001 - keep the current game if the replay fails
            raise SessionError(f"Undo failed, the game is unchanged ({type(exc).__name__}: {exc}).") from None
        self._changed()

    def play_inject(self, name: str) -> None:
        """Play an event from the deck by hand; it takes effect in the coming season.

        Args:
            name: Event name (see :data:`wargame.scenario.EVENT_NAMES`).

        Raises:
            SessionError: If the game is over or the event is unknown.

        """
        if self.finished:
            raise SessionError("The game is over; injects can no longer be played.")
        try:
            self.model.play_event(name)
        except (ValueError, KeyError) as exc:
            raise SessionError(f"Cannot play inject {name!r}: {exc}") from None
        self.version += 1

    # ----------------------------------------------------------------- logs
    def meta(self) -> dict[str, Any]:
        """What the tabletop keeps in a game log's ``meta``: human seats and injects queued for next season."""
        return {"tabletop": _META_FORMAT, "human_seats": list(self.human_seats),
                "queued_injects": self.model.queued_injects,
                "saved_at": time.strftime("%Y-%m-%dT%H:%M:%S%z")}

    def log(self) -> dict[str, Any]:
        """The game log (JSON-serialisable): scenario, seed, human decisions, injects and ``meta``."""
        return game_log(self.model, meta=self.meta())

    def log_json(self) -> bytes:
        """The game log as the bytes of a JSON file, for download."""
        return json.dumps(self.log(), indent=1).encode("utf-8")

    def download_name(self) -> str:
        """A file name for the downloaded log, e.g. ``wargame-baseline-seed42-2027Q1.json``."""
        return f"wargame-{self.scenario.name}-seed{self.model_seed()}-{self.season}.json"

    def model_seed(self) -> int:
        """The seed the game was started with."""
        return int(self.model.seed)

    def human_decisions(self) -> list[dict[str, Any]]:
        """Human decisions made so far, one row per seat and season.

        Returns:
            Dicts with ``season``, ``seat``, ``name`` and ``levers``.

        """
        names = {s.seat: s.name for s in self.model.seats()}
        rows = []
        for entry in _decision_entries(self.log()):
            seat = entry.get("seat") or entry.get("seat_id")
            rows.append({"season": entry.get("season", ""), "seat": seat, "name": names.get(seat, seat),
                         "levers": entry.get("levers") or entry.get("decision") or {}})
        return rows


def _group_of(scenario: Any, seat_id: str) -> str:
    for group in ("governments", "labs", "chipmakers", "smugglers", "overseas_clouds"):
        if any(s.id == seat_id for s in getattr(scenario, group)):
            return group
    raise SessionError(f"Unknown seat {seat_id!r}.")


def _decision_entries(log: dict[str, Any]) -> list[dict[str, Any]]:
    entries = log.get("decisions") or log.get("decision_log") or []
    if isinstance(entries, dict):  # {season: {seat: levers}}
        flat = []
        for season, seats in entries.items():
            for seat, levers in (seats or {}).items():
                flat.append({"season": season, "seat": seat, "levers": levers})
        return flat
    return [e for e in entries if isinstance(e, dict)]


def _humans_in_log(log: dict[str, Any]) -> list[str]:
    meta = log.get("meta") if isinstance(log.get("meta"), dict) else {}
    if isinstance(meta.get("human_seats"), list):
        return [str(s) for s in meta["human_seats"]]
    seen: list[str] = []
    for entry in _decision_entries(log):
        seat = entry.get("seat") or entry.get("seat_id")
        if seat and seat not in seen:
            seen.append(seat)
    return seen


def _load_log(path: Path, what: str) -> dict[str, Any]:
    try:
        return load_game(path)
    except GameLogError as exc:
        raise SessionError(f"{what} is not a usable game log: {exc}") from None
    except Exception as exc:  # noqa: BLE001 - a foreign file must never crash the app
        raise SessionError(f"{what} is not a usable game log ({type(exc).__name__}: {exc}).") from None


class GameChangedElsewhere(SessionError):
    """The autosave was changed by another tab or window since this session loaded or saved it."""


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


def lever_rows(kind: str) -> list[dict[str, Any]]:
    """Describe every lever of an actor kind for a form.

    Args:
        kind: Actor kind.

    Returns:
        Dicts with ``name``, ``label``, ``unit``, ``description``, ``minimum``, ``maximum``, ``choices``,
        ``type`` (``"float"``, ``"int"``, ``"bool"`` or ``"choice"``).

    """
    return [dict(row) for row in _lever_rows(kind)]


@functools.cache
def _lever_rows(kind: str) -> tuple[dict[str, Any], ...]:
    rows = []
    for info in decision_model_for(kind).lever_info():
        row = dict(info)
        row["label"] = info["name"].replace("_", " ").replace("h100e", "H100e").replace("musd", "USD m") \
            .replace("busd", "USD bn")
        row["label"] = row["label"][:1].upper() + row["label"][1:]
        plain = info["name"]
        for suffix in ("_h100e", "_musd", "_busd"):
            plain = plain.removesuffix(suffix)
        plain = plain.replace("_", " ")
        row["plain"] = plain[:1].upper() + plain[1:]
        rows.append(row)
    return tuple(rows)


@functools.cache
def _lever_row_map(kind: str) -> dict[str, dict[str, Any]]:
    return {row["name"]: row for row in _lever_rows(kind)}


def lever_row_map(kind: str) -> dict[str, dict[str, Any]]:
    """The rows of :func:`lever_rows` by lever name (shared: do not modify)."""
    return _lever_row_map(kind)


def score_label(kind: str, component: str) -> str:
    """A score component in plain words, e.g. ``"Budget spent"`` for the US government's ``fiscal``."""
    label = SCORE_LABELS.get(kind, {}).get(component)
    if label:
        return label
    words = component.replace("_", " ")
    return words[:1].upper() + words[1:]


def format_points(points: float) -> str:
    """Score points for people, always signed: ``+1.23``, ``-0.40``, ``+0.00``."""
    if not math.isfinite(points):
        return str(points)
    return f"{(0.0 if round(points, 2) == 0 else points):+,.2f}"


def _number_text(value: Any) -> str:
    """A bound or value for a message: ``1,000``, ``0.15``, ``1,000,000,000``."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if isinstance(value, int) or (math.isfinite(value) and value.is_integer() and abs(value) < 1e18):
        return f"{int(value):,}"
    return f"{value:,.6g}"


def lever_requirement(row: dict[str, Any]) -> str:
    """What a lever accepts, in plain words, e.g. ``"must be between 0 and 1,000 USD million per quarter"``."""
    kind = row["type"]
    if kind == "bool":
        return "must be on or off"
    if kind == "choice":
        return "must be one of " + ", ".join(str(c) for c in row.get("choices") or [])
    unit = str(row.get("unit") or "")
    words = re.sub(r"\s*\[[^\]]*\]", "", unit).strip()
    unit_text = f" ({words})" if words and words != unit else (f" {unit}" if unit else "")
    number = "a whole number" if kind == "int" else "a number"
    low, high = row.get("minimum"), row.get("maximum")
    if low is not None and high is not None:
        if kind == "int":
            return f"must be a whole number from {_number_text(low)} to {_number_text(high)}{unit_text}"
        return f"must be between {_number_text(low)} and {_number_text(high)}{unit_text}"
    if low is not None:
        return f"must be {number} of at least {_number_text(low)}{unit_text}"
    if high is not None:
        return f"must be {number} of at most {_number_text(high)}{unit_text}"
    return f"must be {number}{unit_text}"


def out_of_range_message(row: dict[str, Any], value: Any) -> str:
    """The plain-words message of a lever whose value breaks its bounds or choices."""
    return f"{row['plain']}: {lever_requirement(row)} (got {_number_text(value)[:40]})."


def _shown(raw: Any) -> str:
    text = str(raw)
    return repr(text[:40] + ("..." if len(text) > 40 else ""))


def parse_lever(row: dict[str, Any], raw: Any) -> Any:
    """Turn what a lever's widget gives into a value of the lever's Python type.

    Floats become ``float``, whole numbers ``int``, switches ``bool`` and choices ``str``: decisions are
    validated strictly, so ``"300"`` or ``True`` is never handed on for a number. Bounds are not checked
    here (an out-of-range number is a value the player can see and fix; :meth:`GameSession.seat_problems`
    flags it).

    Args:
        row: The lever's row from :func:`lever_rows`.
        raw: Text typed into a numeric field (``"0.5"``, ``"1,000"``, ``"0,5"``), a number, a ``bool`` of
            a switch or the ``str`` of a choice.

    Returns:
        The value, of the lever's type.

    Raises:
        LeverValueError: With a plain-words message if ``raw`` is not a value of the lever: text that is
            not a number, ``nan``, ``inf``, a number too large for a float (``1e999``), an empty field, a
            fraction for a whole-number lever, ...

    """
    kind = row["type"]
    name = row.get("plain") or row["name"]
    requirement = lever_requirement(row)
    if kind == "bool":
        if isinstance(raw, bool):
            return raw
        if hasattr(raw, "item") and isinstance(_plain(raw), bool):
            return bool(_plain(raw))
        raise LeverValueError(f"{name}: {requirement} (got {_shown(raw)}).")
    if kind == "choice":
        choices = [str(c) for c in row.get("choices") or []]
        if isinstance(raw, str) and raw in choices:
            return str(raw)
        raise LeverValueError(f"{name}: {requirement} (got {_shown(raw)}).")
    raw = _plain(raw)
    if isinstance(raw, bool):
        raise LeverValueError(f"{name}: {requirement} (got {_shown(raw)}).")
    if isinstance(raw, int | float):
        number: float | int = raw
    else:
        text = "" if raw is None else str(raw).strip().replace("_", "").replace(" ", "")
        if not text:
            raise LeverValueError(f"{name}: {requirement} (the field is empty).")
        if re.fullmatch(r"[+-]?\d{1,3}(,\d{3})+(\.\d*)?", text):
            text = text.replace(",", "")  # 1,000 or 1,000.5: thousands separators
        elif text.count(",") == 1 and "." not in text:
            text = text.replace(",", ".")  # 0,5: decimal comma
        try:
            number = int(text) if kind == "int" and re.fullmatch(r"[+-]?\d{1,30}", text) else float(text)
        except ValueError:
            raise LeverValueError(f"{name}: {requirement} ({_shown(raw)} is not a number).") from None
    if isinstance(number, float) and not math.isfinite(number):
        raise LeverValueError(f"{name}: {requirement} ({_shown(raw)} is not a usable number).")
    if kind == "int":
        if isinstance(number, float):
            if not number.is_integer():
                raise LeverValueError(f"{name}: {requirement} (got {_shown(raw)}).")
            number = int(number)
        return int(number)
    try:
        return float(number)
    except OverflowError:  # an int beyond the float range
        raise LeverValueError(f"{name}: {requirement} ({_shown(raw)} is too large).") from None


def coerce_lever(row: dict[str, Any] | None, value: Any) -> Any:
    """A value of a lever's type where it can be converted (``0`` to ``0.0``), else the value unchanged."""
    if row is None:
        return _plain(value)
    try:
        return parse_lever(row, value)
    except LeverValueError:
        return _plain(value)


def format_lever_value(value: Any) -> str:
    """The text a numeric field shows for a value: ``25`` for 25.0, ``0.15``, ``1e+16``, ``0.018603``.

    A computed proposal such as ``0.6499999999999999`` or ``0.018602977704525545`` shows at most 6 significant
    digits (``0.65``, ``0.018603``; two decimals from 100,000 up). The draft keeps the exact value until the
    player types, so an untouched field submits exactly what the policy proposed (a lab's shares still sum
    to 1).
    """
    value = _plain(value)
    if isinstance(value, float):
        if value.is_integer() or not math.isfinite(value):
            text = repr(value)
            return text[:-2] if text.endswith(".0") else text
        if abs(value) >= 1e5:
            return f"{value:.2f}".rstrip("0").rstrip(".")
        return f"{value:.6g}"
    return "" if value is None else str(value)


def _whole_decision_message(err: dict[str, Any], typed: dict[str, Any]) -> str:
    """A problem of a decision as a whole (not of one lever), in plain words."""
    message = str(err.get("msg", "")).removeprefix("Value error, ")
    if "sum to 1" in message:
        total = sum(float(typed.get(k, 0.0)) for k in ("training_share", "safety_share", "serving_share"))
        return f"Training, safety and serving shares must add up to 1 (now {total:.4g})."
    if err.get("type") == "extra_forbidden":
        return f"Unknown lever {'.'.join(str(p) for p in err.get('loc') or ())!r}."
    return message[:1].upper() + message[1:]
