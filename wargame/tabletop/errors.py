"""The tabletop's errors: each is a problem a facilitator or a team sees as one plain message."""

from __future__ import annotations


class SessionError(Exception):
    """A problem the facilitator must see as a clear message (bad seed, bad save file, missing game)."""


class GameNotFound(SessionError):
    """No game is saved under an id (or the id is not a well-formed game id)."""


class LeverValueError(SessionError):
    """A value typed into a lever's field that is not a value of that lever (text, ``nan``, empty, ...)."""


class GameChangedElsewhere(SessionError):
    """The autosave was changed by another tab or window since this session loaded or saved it."""


class RoomError(SessionError):
    """A room action that cannot be taken (wrong token, locked season, stale step, unknown room)."""
