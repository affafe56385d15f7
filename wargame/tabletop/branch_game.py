"""Branch in the debrief: the game as the panel reads it, and the checks of a branch request.

:func:`played_game` reads what the branch panel (:mod:`wargame.tabletop.branch_view`) needs from a finished
game, once, as plain data; :func:`check_request`, :func:`parse_futures` and :func:`changed_levers` check the
form (one plain line per problem) and keep only the levers that differ from what the seat played.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from wargame.tabletop.errors import LeverValueError, SessionError
from wargame.tabletop.forms import SHARE_LEVERS, SeatForm, coerce_lever, lever_requirement, parse_lever
from wargame.tabletop.panels import KIND_LABELS

#: Futures per arm the panel plays unless told otherwise.
DEFAULT_FUTURES = 1_000
#: Fewest futures per arm the panel accepts: below this the 95% intervals are too wide to read.
MIN_FUTURES = 100
#: Most futures per arm the panel accepts: 10,000 futures (20,000 runs) of a ten-season game branched at its
#: second season took 2.8 s on one core, chart included (1,000 futures: 0.7 s).
MAX_FUTURES = 10_000
#: Master seed of the futures' seeds (:func:`wargame.futures.future_seeds`), as the CLI's default.
FUTURES_SEED = 0
#: Outcome names in the panel's words.
OUTCOME_NAMES = {"S1": "S1 (democracies lead)", "S2": "S2 (authoritarian parity)", "contested": "contested"}
#: The futures-count "lever" of the form, for :func:`wargame.tabletop.forms.parse_lever` and its messages.
FUTURES_ROW = {"name": "futures", "plain": "Number of futures", "type": "int", "minimum": MIN_FUTURES,
               "maximum": MAX_FUTURES, "unit": "futures per arm"}
#: Colours of the two arms in the chart.
ARM_COLORS = {"as_played": "#6b6b6b", "changed": "#e07a1f"}


class BranchInputError(SessionError):
    """A branch request the form cannot send: the message names each lever or field and what it allows."""


@dataclass(frozen=True)
class BranchSeat:
    """A seat as the branch panel lists it.

    Attributes:
        seat: Seat id.
        name: Display name (scenario text).
        kind: Actor kind (``"lab"``, ``"us_government"``, ...).
        bloc: ``"US"`` or ``"PRC"``.
        levers: Names of the levers offered to the seat, in order.
        human: Whether a person decided it in at least one season.

    """

    seat: str
    name: str
    kind: str
    bloc: str
    levers: tuple[str, ...]
    human: bool

    @property
    def label(self) -> str:
        """``"<name> (<kind>, <bloc> bloc; human|computer)"``, for the seat picker."""
        who = "human" if self.human else "computer"
        return f"{self.name} ({KIND_LABELS.get(self.kind, self.kind)}, {self.bloc} bloc; {who})"


@dataclass(frozen=True, eq=False)
class PlayedGame:
    """What the branch panel needs of a game, read once (plain data; compared by identity).

    Attributes:
        log: The game log (:meth:`wargame.tabletop.session.GameSession.log`), what the branches replay.
        seats: Every seat, in the model's order.
        seasons: The seasons played, in order.
        decisions: ``(season, seat) -> (levers, by)``: the levers in force for the seat that season (offered
            levers only, plain values) and ``"human"`` or ``"computer"``.
        outcome: The game's outcome (``"S1"``, ``"S2"`` or ``"contested"``).
        final_lead_months: The US lead of deployed models at the end, months.
        lead_path: The US lead (months) before the first season, then after each season played.
        scores: Final score per seat, points.

    """

    log: dict[str, Any]
    seats: tuple[BranchSeat, ...]
    seasons: tuple[str, ...]
    decisions: dict[tuple[str, str], tuple[dict[str, Any], str]]
    outcome: str
    final_lead_months: float
    lead_path: tuple[float, ...]
    scores: dict[str, float]

    def seat(self, seat_id: str) -> BranchSeat:
        """One seat.

        Raises:
            BranchInputError: If the game has no such seat.

        """
        for info in self.seats:
            if info.seat == seat_id:
                return info
        raise BranchInputError(f"Unknown seat {str(seat_id)[:40]!r}; seats: {', '.join(s.seat for s in self.seats)}.")

    def played(self, season: str, seat_id: str) -> tuple[dict[str, Any], str]:
        """The levers a seat played in a season of the game and who chose them (``"human"``/``"computer"``).

        Raises:
            BranchInputError: If the season was not played or the seat is unknown.

        """
        self.seat(seat_id)
        if season not in self.seasons:
            raise BranchInputError(f"Season {str(season)[:40]!r} was not played; seasons: "
                                   f"{', '.join(self.seasons)}.")
        levers, by = self.decisions.get((season, seat_id), ({}, "computer"))
        return dict(levers), by

    def form(self, season: str, seat_id: str) -> SeatForm:
        """A lever form for a seat and season, prefilled with what the seat played (so "unchanged" is the default).

        Its proposal is the same, so :meth:`SeatForm.reset` puts the form back to the game as played.
        """
        info = self.seat(seat_id)
        levers, _ = self.played(season, seat_id)
        return SeatForm(info.kind, info.levers, levers, start=levers, name=info.name)


def played_game(log: dict[str, Any], model: Any) -> PlayedGame:
    """Read what the branch panel needs from a game (its log and its model at one moment).

    Args:
        log: The game's log.
        model: The game's :class:`wargame.model.AIRaceModel` (only read; its
            :attr:`~wargame.model.AIRaceModel.decision_history` gives every seat's levers each season).

    Returns:
        The :class:`PlayedGame`.

    """
    decisions: dict[tuple[str, str], tuple[dict[str, Any], str]] = {}
    seasons: list[str] = []
    for entry in model.decision_history:
        season = str(entry["season"])
        if season not in seasons:
            seasons.append(season)
        decisions[(season, str(entry["seat"]))] = (dict(entry["levers"]), str(entry["by"]))
    humans = {seat for (_, seat), (_, by) in decisions.items() if by == "human"}
    seats = tuple(BranchSeat(a.seat, str(a.name), a.kind, a.bloc, tuple(a.levers), a.seat in humans)
                  for a in model.seats())
    summary = model.summary()
    return PlayedGame(log=log, seats=seats, seasons=tuple(seasons), decisions=decisions,
                      outcome=str(summary["outcome"]), final_lead_months=float(summary["final_lead_months"]),
                      lead_path=tuple(float(v) for v in model.datacollector.model_vars["lead_months"]),
                      scores={seat: float(v) for seat, v in model.seat_scores().items()})


# ----------------------------------------------------------------------------------------------- the request


def parse_futures(text: Any) -> int:
    """The number of futures per arm typed into the form.

    Args:
        text: What the field holds (``"1000"``, ``"1,000"``) or an ``int``.

    Returns:
        An integer from :data:`MIN_FUTURES` to :data:`MAX_FUTURES`.

    Raises:
        BranchInputError: With one plain line, e.g. ``"Number of futures: must be a whole number from 100 to
            10,000 futures per arm (got 50)."``.

    """
    try:
        n = parse_lever(FUTURES_ROW, text)
    except LeverValueError as exc:
        raise BranchInputError(str(exc)) from None
    if not MIN_FUTURES <= n <= MAX_FUTURES:
        raise BranchInputError(f"{FUTURES_ROW['plain']}: {lever_requirement(FUTURES_ROW)} (got {n:,}).")
    return n


def check_request(form: SeatForm, futures_text: Any) -> tuple[dict[str, Any], int]:
    """Check the branch form: the seat's levers (as the decision forms check them) and the number of futures.

    Args:
        form: The seat's lever form (:meth:`PlayedGame.form`, edited).
        futures_text: What the number-of-futures field holds.

    Returns:
        ``(levers, n)``: every lever of the form, typed, and the futures per arm.

    Raises:
        BranchInputError: With one plain line per problem: each lever that is wrong (naming it and what it
            allows), a lab's shares that do not add up to 1, a number of futures out of range.

    """
    fields, general = form.problems()
    lines = [*fields.values(), *general]
    try:
        n = parse_futures(futures_text)
    except BranchInputError as exc:
        lines.append(str(exc))
        n = 0
    if lines:
        raise BranchInputError("\n".join(lines))
    return form.typed(), n


def changed_levers(form: SeatForm, played: Mapping[str, Any], typed: Mapping[str, Any]) -> dict[str, Any]:
    """The levers whose value differs from what the seat played (a lab's three shares go together).

    Args:
        form: The seat's form (for each lever's type).
        played: What the seat played that season (:meth:`PlayedGame.played`).
        typed: The checked form values (:func:`check_request`).

    Returns:
        Lever -> new value, for the levers that changed; empty for an unchanged decision. If any of a lab's
        training, safety and serving shares changed, all three are given (they must add up to 1 together).

    """
    changes = {name: value for name, value in typed.items()
               if name not in played or coerce_lever(form.rows.get(name), played[name]) != value}
    if any(name in changes for name in SHARE_LEVERS):
        changes.update({name: typed[name] for name in SHARE_LEVERS if name in typed})
    return {name: typed[name] for name in typed if name in changes}


# ----------------------------------------------------------------------------------------------- the result
