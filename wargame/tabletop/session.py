"""Per-session game state for the tabletop, with server-side autosave.

Every browser session owns one :class:`GameSession`; nothing here is module-level state (a module-level
model would be shared by every visitor, a known Mesa pitfall). A game is its scenario, its seed and its
log of human decisions (:mod:`wargame.gamelog`), so saving a game is writing its log, and undo is a replay
to one season less.

Autosaves are kept by :mod:`wargame.tabletop.store`; lever forms by :mod:`wargame.tabletop.forms`. This
module has no UI code and does not import Solara.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from wargame.decisions import DecisionError
from wargame.gamelog import GameLogError, game_log, parse_game_log, replay
from wargame.model import MAX_SEED, AIRaceModel
from wargame.scenario import ScenarioError, load_scenario
from wargame.tabletop.errors import SessionError
from wargame.tabletop.forms import SeatForm, format_points, lever_rows, score_label

__all__ = ["MAX_SEED", "GameSession", "SessionError", "format_points"]

GAMES_DIR_ENV = "WARGAME_GAMES_DIR"

#: Largest game log accepted by upload, in bytes (a full game is a few hundred kB at most).
MAX_UPLOAD_BYTES = 5 * 1024 * 1024

_GAME_ID = re.compile(r"^[0-9a-f]{16}$")

_META_FORMAT = "ai-race-wargame/tabletop-session"


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
        #: The decision form of each human seat for the coming season (:class:`SeatForm`).
        self.forms: dict[str, SeatForm] = {}
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

        Each form's proposal is what the seat's policy proposes now (shown beside each lever, and the target of
        "reset"). The form starts from the seat's own last decision, so a player's choice (say, a chip ban)
        stays in force until changed; in the first season, or for a seat with no decision yet, it starts
        from the policy's proposal.
        """
        self.forms = {}
        if self.finished:
            return
        last = last_decisions(self.model)
        for seat_id in self.human_seats:
            self.forms[seat_id] = seat_form(self.model, seat_id, last.get(seat_id))

    def form(self, seat_id: str) -> SeatForm:
        """A human seat's form.

        Raises:
            SessionError: If the seat is unknown or not a human seat of this game (or the game is over).

        """
        self.seat(seat_id)
        if seat_id not in self.forms:
            raise SessionError(f"{self.seat(seat_id).name} is not played by a person in this game.")
        return self.forms[seat_id]

    @property
    def drafts(self) -> dict[str, dict[str, Any]]:
        """Current form values per human seat (the forms' own dicts: changing one changes the form)."""
        return {seat: form.draft for seat, form in self.forms.items()}

    @property
    def proposals(self) -> dict[str, dict[str, Any]]:
        """What each human seat's policy proposes for the coming season."""
        return {seat: form.proposal for seat, form in self.forms.items()}

    @property
    def texts(self) -> dict[str, dict[str, str]]:
        """Text typed into numeric lever fields, per human seat and lever, kept as typed."""
        return {seat: form.texts for seat, form in self.forms.items()}

    @property
    def text_errors(self) -> dict[str, dict[str, str]]:
        """Plain-words problem of each lever whose typed text is not a value of it, per human seat."""
        return {seat: form.errors for seat, form in self.forms.items()}

    # ----------------------------------------------------------------- offered levers
    def seat_lever_rows(self, seat_id: str) -> list[dict[str, Any]]:
        """The form rows of the levers offered to a seat (:func:`lever_rows` of its kind, offered ones only).

        A lever that cannot apply to a seat (distillation effort for a US lab, yield ramp for a foundry) is
        not offered to it (:attr:`agents.base.Actor.levers`), so its form never shows it.

        Raises:
            SessionError: If the seat is unknown.

        """
        offered = set(self.seat(seat_id).levers)
        return [dict(row) for row in lever_rows(self.seat(seat_id).kind) if row["name"] in offered]

    def seat_lever_map(self, seat_id: str) -> dict[str, dict[str, Any]]:
        """The rows of :meth:`seat_lever_rows` by lever name."""
        return {row["name"]: row for row in self.seat_lever_rows(seat_id)}

    def share_total(self, seat_id: str) -> float | None:
        """The running total of a lab's training, safety and serving shares as its form holds them.

        Returns:
            The sum of the three shares (share of compute; a decision needs exactly 1), or ``None`` for a seat
            without the three shares or while one of their fields holds text that is not a number.

        """
        return self.form(seat_id).share_total() if seat_id in self.forms else None

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
        """Take one value from a lever's widget into a human seat's form (:meth:`SeatForm.set_lever`).

        Raises:
            SessionError: If the seat or lever is unknown, or the lever is not offered to the seat.

        """
        self.form(seat_id).set_lever(name, raw)

    def lever_text(self, seat_id: str, name: str) -> str:
        """The text a numeric lever's field shows: as typed, else the draft value."""
        return self.form(seat_id).lever_text(name)

    def reset_seat(self, seat_id: str) -> None:
        """Put a seat's form back to its policy's proposal for this season."""
        self.form(seat_id).reset()

    def typed_draft(self, seat_id: str) -> dict[str, Any]:
        """A seat's draft with every lever of its proper Python type (:meth:`SeatForm.typed`)."""
        return self.form(seat_id).typed()

    def seat_problems(self, seat_id: str) -> tuple[dict[str, str], list[str]]:
        """Check one seat's form without submitting it (:meth:`SeatForm.problems`)."""
        return self.form(seat_id).problems()

    def draft_problem(self, seat_id: str) -> str:
        """``""`` if a seat's form holds a valid decision, else its problems in plain words, one per line."""
        return self.form(seat_id).problem()

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

    def _stale(self, expected_season: str | None) -> bool:
        """Whether an action meant for ``expected_season`` comes too late (the game has moved on since).

        A finished game has no season left to play, so any expected season is stale then (the model's
        :attr:`~wargame.model.AIRaceModel.season` stays at the last season once the game is over).
        """
        return expected_season is not None and (self.finished or str(expected_season) != self.season)

    def step(self, expected_season: str | None = None) -> bool:
        """Submit the human seats' drafts and play one season.

        Args:
            expected_season: The season the facilitator's screen showed when Step was pressed (e.g.
                ``"2026Q3"``). If given and the game has moved on since (a double-click, a second tab), nothing
                is played. ``None`` plays the current season.

        Returns:
            ``True`` if a season was played, ``False`` if ``expected_season`` is given and is not the current
            season (or the game is over).

        Raises:
            SessionError: If the game is over (and no ``expected_season`` is given) or a draft is invalid
                (nothing is played then).

        """
        if self._stale(expected_season):
            return False
        if self.finished:
            raise SessionError("The game is over; see the debrief.")
        self._submit_drafts()
        self.model.step()
        self._changed()
        return True

    def play_to_end(self, expected_season: str | None = None) -> bool:
        """Play the current season with the human seats' drafts, then the rest with every seat's policy.

        Args:
            expected_season: The season the facilitator's screen showed when Play to end was pressed; if given
                and the game has moved on since, nothing is played. ``None`` plays from the current season.

        Returns:
            ``True`` if the game was played to its end, ``False`` if ``expected_season`` is given and is not
            the current season (or the game is over).

        Raises:
            SessionError: If the game is over (and no ``expected_season`` is given) or a draft is invalid.

        """
        if self._stale(expected_season):
            return False
        if self.finished:
            raise SessionError("The game is over; see the debrief.")
        self._submit_drafts()
        self.model.step()
        if self.model.running:
            self.model.run_to_end()
        self._changed()
        return True

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


def last_decisions(model: AIRaceModel) -> dict[str, dict[str, Any]]:
    """Each seat's last human decision in a game (lever name to value), by seat id."""
    last: dict[str, dict[str, Any]] = {}
    for entry in model.decision_log:
        last[entry["seat"]] = entry["levers"]
    return last


def seat_form(model: AIRaceModel, seat_id: str, start: dict[str, Any] | None = None) -> SeatForm:
    """A fresh form for one seat for the coming season: the policy's proposal now, started from ``start``.

    Args:
        model: The game.
        seat_id: A seat id.
        start: Values to start from (the seat's last decision); the proposal if omitted.

    Raises:
        DecisionError: If there is no such seat.

    """
    actor = model.actor(seat_id)
    proposal = model.default_decision(seat_id)
    if hasattr(proposal, "model_dump"):
        proposal = proposal.model_dump()
    return SeatForm(actor.kind, actor.levers, dict(proposal), start=start, name=actor.name)
