"""A game room: one game on the server, played by teams on their own devices, run by a facilitator.

A room holds the game (:class:`~wargame.tabletop.session.GameSession`), its teams, each seat's submitted
decision for the coming season, the round timer and a change counter. It lives once in the server process
(:mod:`wargame.tabletop.room_store` keeps it and saves it); every browser that opens one of its links
reads the same object.

Access is by token. Each link carries one, and a token grants exactly one role (:class:`Access`): the
facilitator's runs the game, a team's plays only that team's seats, the projector's only watches. Every
action takes the caller's :class:`Access` and checks it, so a view can never act beyond its link.

One writer at a time: every action runs under the room's lock, bumps :attr:`Room.version`, saves the room
(through ``on_change``) and wakes every view waiting in :meth:`Room.wait_for_change`. A step names the
season it expects to play, so a double-click or a stale tab never plays two seasons.

This module has no UI code and does not import Solara.
"""

from __future__ import annotations

import re
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from wargame.decisions import DecisionError
from wargame.gamelog import replay
from wargame.tabletop.errors import RoomError, SessionError
from wargame.tabletop.forms import SeatForm
from wargame.tabletop.room_odds import RoomOdds
from wargame.tabletop.session import GameSession, last_decisions, seat_form

ROLES = ("facilitator", "team", "projector")
#: Seat statuses shown on the console and the projector (never a decision's contents).
STATUSES = ("computer", "not opened", "drafting", "submitted")
#: Letters of a short join code: no 0/O, 1/I/L, so a code read aloud or off a slide is typed right.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
#: Default minutes per season on the round timer (illustrative: a 2-hour exercise of 12 seasons with a
#: briefing and a debrief leaves about 6-8 minutes a season; docs/tabletop.md).
DEFAULT_MINUTES = 8.0
MAX_MINUTES = 180.0
MAX_TEAMS = 24
MAX_NAME_CHARS = 60
#: Start of the news note that says the computer played a team seat that did not submit in time.
MISSING_NOTE = "No decision came in time from"


_KEY_IN_URL = re.compile(r"((?:key|join)=)[A-Za-z0-9_%+-]+")


def redact_keys(text: str) -> str:
    """A text (a log line, a URL) with the secret of every room link and join code in it replaced by ``...``."""
    return _KEY_IN_URL.sub(r"\1...", text)


def new_token() -> str:
    """An unguessable token for a link: 128 random bits, URL-safe (22 characters)."""
    return secrets.token_urlsafe(16)


def new_code() -> str:
    """A short join code, e.g. ``"K7PQ-2MXD"`` (8 letters of :data:`CODE_ALPHABET`, about 40 bits)."""
    letters = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return f"{letters[:4]}-{letters[4:]}"


def normal_code(text: Any) -> str:
    """A join code as typed (``" k7pq 2mxd "``) in its canonical form (``"K7PQ-2MXD"``), or ``""``."""
    letters = "".join(ch for ch in str(text or "").upper() if ch.isalnum())
    if len(letters) != CODE_LENGTH or any(ch not in CODE_ALPHABET for ch in letters):
        return ""
    return f"{letters[:4]}-{letters[4:]}"


def clean_name(text: Any, what: str = "A team name") -> str:
    """A display name typed by a facilitator, stripped; shown as plain text only.

    Raises:
        RoomError: If it is empty, longer than :data:`MAX_NAME_CHARS` or holds a control character.

    """
    name = str(text if text is not None else "").strip()
    if not name:
        raise RoomError(f"{what} must not be empty.")
    if len(name) > MAX_NAME_CHARS:
        raise RoomError(f"{what} must be at most {MAX_NAME_CHARS} characters (got {len(name)}).")
    if not name.isprintable():
        raise RoomError(f"{what} must be printable text on one line.")
    return name


@dataclass
class Team:
    """A team: a name, the seats it plays, and its join link's token and short code.

    Attributes:
        id: ``team1``, ``team2``, ... in setup order.
        name: Display name (plain text).
        seats: Seat ids the team plays, in the model's seat order.
        token: The secret of the team's join link.
        code: The short join code (``"K7PQ-2MXD"``), another way to the same link.

    """

    id: str
    name: str
    seats: list[str]
    token: str = field(default_factory=new_token, repr=False)
    code: str = field(default_factory=new_code)


@dataclass(frozen=True)
class Access:
    """What one link may do in one room.

    Attributes:
        room_id: The room.
        role: ``"facilitator"``, ``"team"`` or ``"projector"``.
        team_id: The team, for a team link; else ``None``.

    """

    room_id: str
    role: str
    team_id: str | None = None


@dataclass
class RoundTimer:
    """The round timer: minutes per season, running or paused.

    Attributes:
        minutes: Minutes per season (a step restarts the clock at this).
        running: Whether the clock is running.
        remaining_s: Seconds left when it was last paused or restarted.
        started_at: Wall-clock time (``time.time()``, seconds) the clock last started running.

    """

    minutes: float = DEFAULT_MINUTES
    running: bool = False
    remaining_s: float = DEFAULT_MINUTES * 60.0
    started_at: float = 0.0

    def remaining(self, now: float | None = None) -> float:
        """Seconds left in the season (negative once overtime), at ``now`` (default: the current time)."""
        if not self.running:
            return self.remaining_s
        return self.remaining_s - ((time.time() if now is None else now) - self.started_at)

    def to_dict(self) -> dict[str, Any]:
        """The timer as JSON-friendly data (for the room's save file)."""
        return {"minutes": self.minutes, "running": self.running, "remaining_s": self.remaining_s,
                "started_at": self.started_at}

    @classmethod
    def from_dict(cls, data: Any) -> RoundTimer:
        """A timer from :meth:`to_dict` output; defaults for anything missing or malformed."""
        timer = cls()
        if isinstance(data, dict):
            for name in ("minutes", "remaining_s", "started_at"):
                value = data.get(name)
                if isinstance(value, int | float) and not isinstance(value, bool) and abs(value) < 1e12:
                    setattr(timer, name, float(value))
            timer.running = data.get("running") is True
            timer.minutes = min(max(timer.minutes, 0.5), MAX_MINUTES)
        return timer


class Room:
    """One game shared by a facilitator, teams and a projector.

    Args:
        game: The game; its human seats are the seats held by the teams.
        teams: The teams, each with at least one seat; a seat belongs to at most one team.
        room_id: The room's id (the game's id).
        facilitator_token: Secret of the facilitator's link; a fresh one if omitted.
        projector_token: Secret of the projector's link; a fresh one if omitted.

    Attributes:
        submissions: Each seat's submitted decision for the coming season (lever name to typed value).
        opened: Seats whose team opened its form this season.
        drafting: Seats whose team changed a value this season without submitting since.
        locked: Whether the facilitator locked the season (no more submissions until the step).
        timer: The round timer.
        version: Change counter: bumped by every action, so views know to redraw.
        message: The last notice about the room itself (e.g. an autosave that failed), or ``""``.
        odds: The odds meter of the console and the projector (:class:`~wargame.tabletop.room_odds.RoomOdds`).
        on_change: Called with the room after every change, under the lock (the store saves the room).

    Raises:
        RoomError: If a team has no seat, a seat is held twice or is not a seat of the game.

    """

    def __init__(self, game: GameSession, teams: list[Team], room_id: str | None = None,
                 facilitator_token: str | None = None, projector_token: str | None = None) -> None:
        seat_ids = {s.seat for s in game.seats()}
        held: dict[str, str] = {}
        bloc_of = {s.seat: s.bloc for s in game.seats()}
        for team in teams:
            if not team.seats:
                raise RoomError(f"Team {team.name!r} plays no seat; give it at least one.")
            blocs = sorted({bloc_of.get(seat, "") for seat in team.seats} - {""})
            if len(blocs) > 1:
                names = ", ".join(f"{game.seat(seat).name} ({bloc_of[seat]})" for seat in team.seats
                                  if seat in bloc_of)
                raise RoomError(f"Team {team.name!r} holds seats of both blocs ({names}); a team sees its blocs' "
                                "secrets, so give each bloc's seats their own team.")
            for seat in team.seats:
                if seat not in seat_ids:
                    raise RoomError(f"Team {team.name!r}: {seat!r} is not a seat of this scenario.")
                if seat in held:
                    raise RoomError(f"Seat {seat!r} is played by two teams ({held[seat]!r} and {team.name!r}).")
                held[seat] = team.name
        if len(teams) > MAX_TEAMS:
            raise RoomError(f"A room has at most {MAX_TEAMS} teams (got {len(teams)}).")
        self.game = game
        self.game.human_seats = [s.seat for s in game.seats() if s.seat in held]
        self.game.refresh_drafts()
        self.room_id = room_id or game.game_id
        self.game.game_id = self.room_id
        self.teams: dict[str, Team] = {team.id: team for team in teams}
        self.facilitator_token = facilitator_token or new_token()
        self.projector_token = projector_token or new_token()
        self.submissions: dict[str, dict[str, Any]] = {}
        #: Submissions taken per seat this season (a team with two devices sees when the other one submitted).
        self.submission_count: dict[str, int] = {}
        self.opened: set[str] = set()
        self.drafting: set[str] = set()
        self.locked = False
        self.timer = RoundTimer()
        self.version = 0
        self.message = ""
        self.odds = RoomOdds()
        self.created = time.strftime("%Y-%m-%dT%H:%M:%S%z")
        self.on_change: Callable[[Room], None] | None = None
        self.lock = threading.RLock()
        self._changed = threading.Condition(self.lock)

    # ----------------------------------------------------------------- access
    def access_for(self, token: Any) -> Access | None:
        """The role a token grants in this room, or ``None`` (compared in constant time)."""
        if not isinstance(token, str) or not token:
            return None
        found = None
        if secrets.compare_digest(token, self.facilitator_token):
            found = Access(self.room_id, "facilitator")
        if secrets.compare_digest(token, self.projector_token):
            found = Access(self.room_id, "projector")
        for team in self.teams.values():
            if secrets.compare_digest(token, team.token):
                found = Access(self.room_id, "team", team.id)
        return found

    def _require(self, access: Access, *roles: str) -> None:
        if not isinstance(access, Access) or access.room_id != self.room_id or access.role not in roles:
            raise RoomError("This link cannot do that in this game.")
        if access.role == "team" and access.team_id not in self.teams:
            raise RoomError("This team link is no longer part of the game.")

    def _require_seat(self, access: Access, seat_id: str) -> Team:
        self._require(access, "team")
        team = self.teams[str(access.team_id)]
        if seat_id not in team.seats:
            raise RoomError("This link cannot see or change that seat.")
        return team

    # ----------------------------------------------------------------- state
    @property
    def season(self) -> str:
        """The season to be played next (e.g. ``"2026Q3"``)."""
        return self.game.season

    @property
    def finished(self) -> bool:
        """Whether the game has reached its last season."""
        return self.game.finished

    def team_of(self, seat_id: str) -> Team | None:
        """The team that plays a seat, or ``None`` for a computer seat."""
        for team in self.teams.values():
            if seat_id in team.seats:
                return team
        return None

    def status(self, seat_id: str) -> str:
        """A seat's status this season: ``computer``, ``not opened``, ``drafting`` or ``submitted``."""
        if self.team_of(seat_id) is None:
            return "computer"
        if seat_id in self.submissions:
            return "submitted"
        if seat_id in self.drafting or seat_id in self.opened:
            return "drafting"
        return "not opened"

    def statuses(self) -> list[dict[str, str]]:
        """Every seat's status, in the model's seat order, for the console and the projector.

        Returns:
            Dicts with ``seat``, ``name``, ``team`` (team name or ``""``), ``played_by`` (``"team"`` or
            ``"computer (<policy>)"``) and ``status``. Never the contents of a decision.

        """
        rows = []
        for actor in self.game.seats():
            team = self.team_of(actor.seat)
            rows.append({"seat": actor.seat, "name": actor.name, "team": team.name if team else "",
                         "played_by": "team" if team else f"computer ({actor.policy})",
                         "status": self.status(actor.seat)})
        return rows

    def all_submitted(self) -> bool:
        """Whether every team seat has submitted a decision for the coming season."""
        return all(seat in self.submissions for seat in self.game.human_seats)

    def missing_seats(self) -> list[str]:
        """Team seats that have not submitted for the coming season, in seat order."""
        return [seat for seat in self.game.human_seats if seat not in self.submissions]

    def wait_for_change(self, seen: int, timeout: float) -> int:
        """Block until :attr:`version` differs from ``seen`` or ``timeout`` seconds pass.

        Returns:
            The version now.

        """
        with self._changed:
            if self.version == seen:
                self._changed.wait(timeout)
            return self.version

    def _commit(self) -> None:
        """Record a change: bump the version, save (through ``on_change``) and wake every waiting view."""
        self.version += 1
        if self.on_change is not None:
            self.on_change(self)
        self._changed.notify_all()

    # ----------------------------------------------------------------- team actions
    def form_for(self, access: Access, seat_id: str) -> SeatForm:
        """A fresh form for one of a team's seats, started from its submission, else its last decision.

        Raises:
            RoomError: If the link is not the team of that seat, or the game is over.

        """
        with self.lock:
            self._require_seat(access, seat_id)
            if self.finished:
                raise RoomError("The game is over; see the debrief.")
            start = self.submissions.get(seat_id) or last_decisions(self.game.model).get(seat_id)
            return seat_form(self.game.model, seat_id, start)

    def mark_opened(self, access: Access, seat_id: str) -> None:
        """A team opened a seat's form this season (the console shows ``drafting``)."""
        with self.lock:
            self._require_seat(access, seat_id)
            if seat_id in self.opened or self.finished:
                return
            self.opened.add(seat_id)
            self._commit()

    def mark_drafting(self, access: Access, seat_id: str) -> None:
        """A team changed a value in a seat's form (its submission, if any, stands until it submits again)."""
        with self.lock:
            self._require_seat(access, seat_id)
            if seat_id in self.drafting or self.finished:
                return
            self.drafting.add(seat_id)
            self.opened.add(seat_id)
            self._commit()

    def submit(self, access: Access, seat_id: str, levers: dict[str, Any], season: str) -> int:
        """A team submits (or changes) a seat's decision for the coming season.

        Args:
            access: The team's access.
            seat_id: One of the team's seats.
            levers: Lever name to value: the seat's offered levers, typed (see :meth:`SeatForm.typed`).
            season: The season the team's view shows; a submission for another season is refused.

        Returns:
            How many submissions the room has taken for the seat this season, this one included (another device
            of the team that sees a different count knows its submission was replaced).

        Raises:
            RoomError: If the link is not that seat's team, the season is locked, over or not the one shown,
                or the decision is not valid (a plain message; nothing is changed).

        """
        with self.lock:
            self._require_seat(access, seat_id)
            if self.finished:
                raise RoomError("The game is over; decisions can no longer be submitted.")
            if season != self.season:
                raise RoomError(f"{season} has already been played; this is {self.season}. Check the form and "
                                "submit again.")
            if self.locked:
                raise RoomError(f"The facilitator has locked {self.season}; decisions can no longer change.")
            form = seat_form(self.game.model, seat_id)
            if not isinstance(levers, dict):
                raise RoomError("A decision is a set of lever values.")
            try:
                for name, value in levers.items():
                    form.set_lever(str(name), value)
            except SessionError as exc:
                raise RoomError(str(exc)) from None
            problem = form.problem()
            if problem:
                raise RoomError(problem)
            self.submissions[seat_id] = form.typed()
            self.submission_count[seat_id] = self.submission_count.get(seat_id, 0) + 1
            self.drafting.discard(seat_id)
            self.opened.add(seat_id)
            self._commit()
            return self.submission_count[seat_id]

    # ----------------------------------------------------------------- facilitator actions
    def set_locked(self, access: Access, locked: bool) -> None:
        """Lock the season (no more submissions) or unlock it."""
        with self.lock:
            self._require(access, "facilitator")
            if self.locked != bool(locked):
                self.locked = bool(locked)
                self._commit()

    def step(self, access: Access, expected_season: str, force: bool = False) -> bool:
        """Play the coming season with the teams' submissions; computer proposals fill any missing seat.

        Args:
            access: The facilitator's access.
            expected_season: The season the facilitator's console shows. If the game has moved on (a
                double-click, a second tab), nothing is played.
            force: Play even if some team seats have not submitted (the computer's proposal plays them, and
                the news says so).

        Returns:
            ``True`` if a season was played, ``False`` if ``expected_season`` was already played.

        Raises:
            RoomError: If the link is not the facilitator's, the game is over, or seats have not submitted
                and ``force`` is false (nothing is played then).

        """
        with self.lock:
            self._require(access, "facilitator")
            if self.finished:
                raise RoomError("The game is over; see the debrief.")
            if expected_season != self.season:
                return False
            missing = self.missing_seats()
            if missing and not force:
                names = ", ".join(self.game.seat(s).name for s in missing)
                raise RoomError(f"Still waiting for: {names}. Step anyway to let the computer play them.")
            model = self.game.model
            for seat_id, levers in self.submissions.items():
                try:
                    model.submit_decision(seat_id, levers)
                except (DecisionError, SessionError, ValueError) as exc:
                    raise RoomError(f"{self.game.seat(seat_id).name}: {exc}") from None
            if missing:
                names = ", ".join(self.game.seat(s).name for s in missing)
                model.add_note(f"{MISSING_NOTE} {names}: the computer's proposal was played.")
            model.step()
            self.odds.refresh(self.lock, self.game)
            if not self.message.startswith("Autosave failed"):  # "taken back" and such notices are about the
                self.message = ""  # season just played; an autosave failure stays until a save works
            self._new_season()
            self._commit()
            return True

    def _new_season(self) -> None:
        self.submissions = {}
        self.submission_count = {}
        self.opened = set()
        self.drafting = set()
        self.locked = False
        self.game.version += 1
        self.game.refresh_drafts()
        timer = self.timer
        timer.remaining_s = timer.minutes * 60.0
        timer.started_at = time.time()

    def undo(self, access: Access) -> None:
        """Take back the last season; its team decisions come back as this season's submissions.

        Raises:
            RoomError: If the link is not the facilitator's or no season has been played.

        """
        with self.lock:
            self._require(access, "facilitator")
            if not self.game.can_undo():
                raise RoomError("Nothing to undo: no season has been played yet.")
            played = self.game.seasons_played
            season = _season_label_of(self.game, played - 1)
            taken_back = {e["seat"]: dict(e["levers"]) for e in self.game.model.decision_log
                          if e["season"] == season and e["seat"] in self.game.human_seats}
            model = self.game.model
            # the injects played in the undone season, and those queued since, are queued again
            injects = [e["event"] for e in model.inject_log if e["season"] == season] + model.queued_injects
            # notes written since the undone season was played are kept, for the season to be played again
            later = [n for n in model.note_log if n["season"] == model.season]
            log = self.game.log()
            # the computer's stand-in note of the undone season goes: the season is to be played again
            log["notes"] = [n for n in log.get("notes", [])
                            if not (n.get("season") == season and str(n.get("text", "")).startswith(MISSING_NOTE))]
            try:
                replayed = replay(log, seasons=played - 1)
                for name in dict.fromkeys(injects):
                    replayed.play_event(name)
                for note in later:
                    if note["season"] != season:
                        replayed.add_note(note["text"], audience=note["audience"])
            except Exception as exc:  # noqa: BLE001 - keep the current game if the replay fails
                raise RoomError(f"Undo failed, the game is unchanged ({type(exc).__name__}: {exc}).") from None
            self.game.model = replayed
            self.odds.refresh(self.lock, self.game)
            self._new_season()
            self.submissions = taken_back
            self.opened = set(taken_back)
            self.message = (f"{season} was taken back: the teams' decisions of that season are submitted again"
                            + (f", and the inject(s) {', '.join(dict.fromkeys(injects))} are queued again"
                               if injects else "") + ". Step to play it again.")
            self._commit()

    def play_inject(self, access: Access, name: str) -> None:
        """Play an event from the deck for the coming season (it goes into the news and the log).

        Raises:
            RoomError: If the link is not the facilitator's, the game is over or the event is unknown.

        """
        with self.lock:
            self._require(access, "facilitator")
            try:
                self.game.play_inject(name)
            except SessionError as exc:
                raise RoomError(str(exc)) from None
            self._commit()

    def add_note(self, access: Access, text: str, audience: str = "public") -> None:
        """Add a free-text inject or adjudication note to the news and the log of the coming season.

        Args:
            access: The facilitator's access.
            text: The note, plain text (never shown as markup).
            audience: ``"public"``, ``"US"`` or ``"PRC"`` (only that bloc's teams see it).

        Raises:
            RoomError: If the link is not the facilitator's, the game is over or the note is not acceptable.

        """
        with self.lock:
            self._require(access, "facilitator")
            if self.finished:
                raise RoomError("The game is over; notes can no longer be added.")
            try:
                self.game.model.add_note(text, audience=audience)
            except ValueError as exc:
                raise RoomError(str(exc)) from None
            self.game.version += 1
            self._commit()

    def set_odds_hidden(self, access: Access, hidden: bool) -> None:
        """Hide the odds meter from the console and the projector, or show it again (saved with the room)."""
        with self.lock:
            self._require(access, "facilitator")
            if self.odds.set_hidden(hidden):
                self._commit()

    def set_timer(self, access: Access, minutes: Any = None, running: bool | None = None) -> None:
        """Set the round timer's minutes per season (restarting this season's clock), or pause / resume it.

        Args:
            access: The facilitator's access.
            minutes: New minutes per season (0.5 to :data:`MAX_MINUTES`); ``None`` leaves it.
            running: ``True`` to run, ``False`` to pause; ``None`` leaves it.

        Raises:
            RoomError: If the link is not the facilitator's or ``minutes`` is not a number in range.

        """
        with self.lock:
            self._require(access, "facilitator")
            timer = self.timer
            now = time.time()
            if minutes is not None:
                try:
                    value = float(minutes)
                except (TypeError, ValueError):
                    raise RoomError(f"Minutes per season must be a number (got {str(minutes)[:20]!r}).") from None
                if isinstance(minutes, bool) or not 0.5 <= value <= MAX_MINUTES:
                    raise RoomError(f"Minutes per season must be between 0.5 and {MAX_MINUTES:g}.")
                timer.minutes = value
                timer.remaining_s = value * 60.0
                timer.started_at = now
            if running is not None and bool(running) != timer.running:
                if running:
                    timer.started_at = now
                else:
                    timer.remaining_s = timer.remaining(now)
                timer.running = bool(running)
            self._commit()

    # ----------------------------------------------------------------- save files
    def state(self) -> dict[str, Any]:
        """Everything a restart needs besides the game log: teams, tokens, submissions, timer, odds meter hidden.

        This holds the tokens, so it is written only to the server's own room file, never to a download.
        """
        return {
            "room_id": self.room_id, "created": self.created,
            "facilitator_token": self.facilitator_token, "projector_token": self.projector_token,
            "teams": [{"id": t.id, "name": t.name, "seats": list(t.seats), "token": t.token, "code": t.code}
                      for t in self.teams.values()],
            "season": self.season, "submissions": self.submissions, "opened": sorted(self.opened),
            "drafting": sorted(self.drafting), "locked": self.locked, "timer": self.timer.to_dict(),
            "odds_hidden": self.odds.hidden,
        }


def _season_label_of(game: GameSession, index: int) -> str:
    """The label of the game's season number ``index`` (0 = its first season)."""
    from wargame.seasons import season_label

    return season_label(game.model.start_index + index)
