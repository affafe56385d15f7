"""The odds meter's bookkeeping in a room: whether it is shown, and its odds, computed off the UI thread.

A room (:class:`~wargame.tabletop.room.Room`) owns one :class:`RoomOdds`. A view of the meter (the console's
or the projector's) asks for the odds of the game's current state (:meth:`RoomOdds.ensure`): the game log is
taken under the room's lock and a background thread of the server plays the futures
(:func:`wargame.odds.season_odds`, about half a second for 2 x 1,000 futures; a worker process of its own was
no faster in the browser test on the 2-core development machine). A step or an undo marks the odds
stale and, once a meter has asked for odds since the server started, starts the new ones at once
(:meth:`RoomOdds.refresh`), before the views have redrawn the new season. When the odds are ready,
:attr:`RoomOdds.version` moves and the meters waiting in :meth:`RoomOdds.wait_for_change` redraw; the room's own
version does not move, so the teams' views are not redrawn for odds they never show.

Odds are computed only while the meter is shown, never for a finished game, and at most once per state of the
game; a result that arrives after a newer step is dropped. The facilitator's choice to hide the meter is part
of the room's saved state (:meth:`~wargame.tabletop.room.Room.state`), so it survives a restart; the odds
themselves are not saved (they are computed again, identically, on the game's seed).

This module has no UI code and does not import Solara.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from typing import Any

from wargame.odds import DEFAULT_FUTURES, SeasonOdds, season_odds
from wargame.tabletop.session import GameSession

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class OddsStatus:
    """What a view of the meter shows, read in one go (:meth:`RoomOdds.status`).

    Attributes:
        hidden: The facilitator hid the meter.
        result: The odds of the game's current state, or ``None`` while they are computed (or hidden).
        error: Why they could not be computed, in plain words, or ``""``.
        version: :attr:`RoomOdds.version` when read.

    """

    hidden: bool
    result: SeasonOdds | None
    error: str
    version: int

    @property
    def computing(self) -> bool:
        """Whether the meter is shown and its odds are still being computed."""
        return not self.hidden and self.result is None and not self.error


class RoomOdds:
    """The odds meter of one room: shown or hidden, and the odds of the game's current state.

    Args:
        futures: Futures per arm (:func:`wargame.odds.season_odds`).

    Attributes:
        hidden: Whether the facilitator hid the meter (console and projector).
        futures: Futures per arm.
        version: Bumped whenever the status changes (new odds, stale odds, shown or hidden).

    """

    def __init__(self, futures: int = DEFAULT_FUTURES) -> None:
        self.hidden = False
        self.futures = futures
        self.version = 0
        self._changed = threading.Condition()
        self._generation = 0  # the game's played state: moves with every step or undo
        self._running = -1  # the generation a thread is computing, or -1
        self._done = -1  # the generation of the result (or error) held
        self._result: SeasonOdds | None = None
        self._error = ""
        self._wanted = False  # a meter has asked for odds: later steps start them at once

    def _bump(self) -> None:
        self.version += 1
        self._changed.notify_all()

    def refresh(self, lock: Any, game: GameSession) -> None:
        """Drop the odds held: the game's played state changed (a step or an undo).

        If a meter has asked for odds since the server started, the new ones start at once (:meth:`ensure`).

        Args:
            lock: The room's lock (held by the caller, or taken here).
            game: The room's game, in its new state.

        """
        with self._changed:
            self._generation += 1
            self._result, self._error = None, ""
            self._bump()
            wanted = self._wanted
        if wanted:
            self.ensure(lock, game)

    def set_hidden(self, hidden: bool) -> bool:
        """Hide or show the meter; returns whether that changed anything."""
        with self._changed:
            if self.hidden == bool(hidden):
                return False
            self.hidden = bool(hidden)
            self._bump()
            return True

    def status(self) -> OddsStatus:
        """The meter's status now (the result only if it is of the game's current state)."""
        with self._changed:
            current = self._done == self._generation
            return OddsStatus(hidden=self.hidden, result=self._result if current else None,
                              error=self._error if current else "", version=self.version)

    def ensure(self, lock: Any, game: GameSession) -> bool:
        """Start computing the odds of the game's current state, unless they are hidden, held or under way.

        Args:
            lock: The room's lock (the game is read under it).
            game: The room's game.

        Returns:
            Whether a computation was started (in a background thread).

        """
        with lock:
            with self._changed:
                self._wanted = True
            if game.finished:
                return False
            with self._changed:
                if self.hidden or self._generation in (self._done, self._running):
                    return False
                generation = self._running = self._generation
            log, seed = game.log(), game.model_seed()
        threading.Thread(target=self._compute, args=(generation, log, seed), daemon=True,
                         name=f"odds-{generation}").start()
        return True

    def _compute(self, generation: int, log: dict[str, Any], seed: int) -> None:
        """Play the futures of a log (in a background thread) and keep the result if the game is still there."""
        result: SeasonOdds | None = None
        error = ""
        try:
            result = season_odds(log, self.futures, seed=seed)
        except Exception as exc:  # noqa: BLE001 - a failure is shown on the meter, never takes the server down
            logger.exception("the odds meter failed")
            error = f"The odds could not be computed ({type(exc).__name__}); the game goes on."
        with self._changed:
            if self._running == generation:
                self._running = -1
            if generation != self._generation:
                return  # a newer step or undo: its own computation shows its state
            self._result, self._error, self._done = result, error, generation
            self._bump()

    def wait_for_change(self, seen: int, timeout: float) -> int:
        """Block until :attr:`version` differs from ``seen`` or ``timeout`` seconds pass; the version now."""
        with self._changed:
            if self.version == seen:
                self._changed.wait(timeout)
            return self.version

    def wait(self, timeout: float) -> OddsStatus:
        """Block until the odds of the current state are ready (or failed), at most ``timeout`` seconds.

        Returns:
            The status then (its ``result`` is ``None`` if the time ran out, or the meter is hidden).

        """
        with self._changed:
            self._changed.wait_for(lambda: self.hidden or self._done == self._generation, timeout)
        return self.status()
