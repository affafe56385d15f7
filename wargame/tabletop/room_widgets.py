"""Two small browser-side widgets of the facilitator's console: a button that sends one click, and a link.

:class:`OnceButtonWidget` greys itself out in the browser the moment it is clicked, so a double-click or
five quick clicks send one press to the server; it comes back when the server redraws it (a new
``stamp``), or after :data:`PRESS_TIMEOUT_MS` if the server never answers. The console also keys such a
button by the season, so a press that still arrives for an old season's button plays nothing.

:class:`RoomLinkWidget` shows a room link as a full address: the page only knows its path and query, so
the browser puts its own ``window.location`` origin and path in front of the query it is given. Only our
own text goes into these templates (labels, a query made of a room id and a URL-safe token); text from
outside (team names, notes, scenario text) is never passed to them.
"""

from __future__ import annotations

from typing import Any

import ipyvuetify as v
import traitlets

#: How long a pressed button stays greyed out if the server never redraws it, milliseconds.
PRESS_TIMEOUT_MS = 10_000


class OnceButtonWidget(v.VuetifyTemplate):
    """A button that sends at most one press until the server redraws it.

    Attributes:
        label: The button's text (our own text only).
        button_class: CSS classes of the button (not ``css``: that trait is a template's style sheet).
        color: Vuetify colour (``"primary"``) or ``""``.
        flat: A text button (no background).
        disabled: Greyed out by the server.
        stamp: Changes whenever the server redraws the button; the browser then takes presses again.
        timeout_ms: How long a press greys the button out if no new ``stamp`` comes, milliseconds.
        action: The Python function a press calls (not sent to the browser).

    """

    label = traitlets.Unicode("").tag(sync=True)
    button_class = traitlets.Unicode("").tag(sync=True)
    color = traitlets.Unicode("").tag(sync=True)
    flat = traitlets.Bool(False).tag(sync=True)
    disabled = traitlets.Bool(False).tag(sync=True)
    stamp = traitlets.Unicode("").tag(sync=True)
    timeout_ms = traitlets.Int(PRESS_TIMEOUT_MS).tag(sync=True)
    action = traitlets.Any(None, allow_none=True)
    template = traitlets.Unicode("""
<template>
  <v-btn :class="button_class" :color="color || undefined" :text="flat" :disabled="disabled || pending"
         :loading="pending" @click="press">{{ label }}</v-btn>
</template>
<script>
module.exports = {
  data() { return { pending: false, timerId: null }; },
  watch: { stamp() { this.release(); } },
  methods: {
    press() {
      if (this.pending || this.disabled) return;
      this.pending = true;
      this.timerId = setTimeout(() => this.release(), this.timeout_ms);
      this.pressed(this.stamp);
    },
    release() {
      this.pending = false;
      if (this.timerId !== null) { clearTimeout(this.timerId); this.timerId = null; }
    },
  },
  destroyed() { if (this.timerId !== null) clearTimeout(this.timerId); },
};
</script>
""").tag(sync=True)

    def vue_pressed(self, data: Any = None) -> None:
        """The browser sent a press: call :attr:`action` unless the button is disabled."""
        if self.action is not None and not self.disabled:
            self.action()


class RoomLinkWidget(v.VuetifyTemplate):
    """A room link as a full address (the browser's origin and path, then ``query``), with a Copy button.

    Attributes:
        query: ``"?room=<id>&key=<token>"`` (from :func:`~wargame.tabletop.room_store.room_link`), or ``""``
            for the page's own address.
        link_class: CSS classes of the link's box.

    """

    query = traitlets.Unicode("").tag(sync=True)
    link_class = traitlets.Unicode("").tag(sync=True)
    template = traitlets.Unicode("""
<template>
  <div :class="['room-link', link_class]" style="display: flex; align-items: center; gap: 8px; flex-wrap: wrap;">
    <a :href="url" target="_blank" rel="noopener noreferrer" class="room-link-url"
       style="font-family: monospace; word-break: break-all;">{{ url }}</a>
    <v-btn x-small outlined class="room-link-copy" @click="copy">{{ copied ? 'Copied' : 'Copy' }}</v-btn>
  </div>
</template>
<script>
module.exports = {
  data() { return { copied: false }; },
  computed: {
    url() { return window.location.origin + window.location.pathname + this.query; },
  },
  methods: {
    copy() {
      const done = () => { this.copied = true; setTimeout(() => { this.copied = false; }, 1500); };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(this.url).then(done, () => this.select());
      } else {
        this.select();
      }
    },
    select() {
      const range = document.createRange();
      range.selectNodeContents(this.$el.querySelector('a'));
      const selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
    },
  },
};
</script>
""").tag(sync=True)
