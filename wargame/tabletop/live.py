"""Live views of a room: redraw when the room changes, and a round timer that counts down in the browser.

Solara's state belongs to one browser session (one kernel), so it cannot hold a room that many browsers
share. The room lives in the server's registry (:mod:`wargame.tabletop.room_store`); each view watches it
from a thread of its own session (:func:`use_room_version`), which blocks in
:meth:`~wargame.tabletop.room.Room.wait_for_change` and, when the room's version moves, sets a state of
its own session, so Solara redraws that view. A change reaches every view in well under a second, with no
polling traffic to the browser.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import ipyvuetify as v
import solara
import traitlets

from wargame.tabletop.room import Room

#: Longest wait before a watcher checks whether its view is still open, seconds.
WATCH_TIMEOUT_S = 1.0


def use_room_version(room: Room | None) -> int:
    """The room's version, kept current: the calling component redraws whenever the room changes.

    Args:
        room: The room to watch, or ``None`` (nothing to watch: returns 0).

    Returns:
        The room's version as of the last redraw.

    """
    return use_room_watch(room)[0]


def use_room_watch(room: Room | None) -> tuple[int, Callable[[], None]]:
    """:func:`use_room_version`, plus a function that redraws the calling component now.

    A view that changes the room itself (the console's Step) calls the function from its click handler: the
    page redraws once, at once, and the watcher then skips that version instead of drawing the same page again.

    Args:
        room: The room to watch, or ``None``.

    Returns:
        ``(version, refresh)``: the version as of the last redraw, and a function of no arguments that redraws
        the component if the room moved since.

    """
    version, set_version = solara.use_state(room.version if room is not None else 0)
    drawn = solara.use_ref(version)  # the version this view last drew
    drawn.current = room.version if room is not None else version

    def watch(cancel: threading.Event) -> None:
        if room is None:
            return
        seen = room.version
        if seen != version:
            set_version(seen)
        while not cancel.is_set():
            now = room.wait_for_change(seen, WATCH_TIMEOUT_S)
            if cancel.is_set():
                return
            if now != seen:
                seen = now
                if now != drawn.current:
                    set_version(now)

    def refresh() -> None:
        if room is not None and room.version != drawn.current:
            set_version(room.version)

    solara.use_thread(watch, dependencies=[id(room)], intrusive_cancel=False)
    return drawn.current, refresh


class CountdownWidget(v.VuetifyTemplate):
    """The round timer, counted down by the browser between the server's updates (no traffic each second).

    ``remaining`` is the seconds left when the server last drew it; the browser counts down from there while
    ``running``. ``stamp`` changes with every update, so the count restarts from the new value.
    """

    remaining = traitlets.Float(0.0).tag(sync=True)
    running = traitlets.Bool(False).tag(sync=True)
    stamp = traitlets.Int(0).tag(sync=True)
    big = traitlets.Bool(False).tag(sync=True)
    template = traitlets.Unicode("""
<template>
  <span :class="['round-timer', running ? 'timer-running' : 'timer-paused', over ? 'timer-over' : '']"
        :style="{fontSize: big ? '2.4em' : '1.15em', fontWeight: 600,
                 color: over ? '#b71c1c' : (running ? '#1b5e20' : '#555'), whiteSpace: 'nowrap'}">
    {{ label }}
  </span>
</template>
<script>
module.exports = {
  data() { return { now: Date.now(), base: Date.now(), timerId: null }; },
  computed: {
    left() {
      const elapsed = this.running ? (this.now - this.base) / 1000 : 0;
      return this.remaining - elapsed;
    },
    over() { return this.left < 0; },
    label() {
      const s = Math.abs(Math.round(this.left));
      const text = Math.floor(s / 60) + ':' + String(s % 60).padStart(2, '0');
      if (this.over) return text + ' over time';
      return this.running ? text + ' left' : text + ' left (paused)';
    },
  },
  watch: {
    stamp() { this.base = Date.now(); this.now = this.base; },
    remaining() { this.base = Date.now(); this.now = this.base; },
  },
  mounted() { this.timerId = setInterval(() => { this.now = Date.now(); }, 250); },
  destroyed() { clearInterval(this.timerId); },
};
</script>
""").tag(sync=True)


@solara.component
def RoundTimerView(room: Room, version: int, big: bool = False) -> solara.Element:
    """The room's round timer, as every view shows it (``big`` for the projector).

    Args:
        room: The room.
        version: The room's version (the timer restarts its count from the server's value when it changes).
        big: Projector size.

    """
    with room.lock:
        remaining = float(room.timer.remaining())
        running = bool(room.timer.running)
    CountdownWidget.element(remaining=remaining, running=running, stamp=version, big=big)

