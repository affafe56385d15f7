"""Pieces of a page shared by the one-screen game and the room views: scroll to the top, and a safe area.

:class:`ScrollToTop` scrolls the page to its top when it appears; :func:`SafeArea` shows a message instead
of a page-wide traceback when what is inside it fails to render. :mod:`wargame.tabletop.page` and
:mod:`wargame.tabletop.console_view` both use them (and ``page`` still offers them under its own name).
"""

from __future__ import annotations

import logging
from typing import Any

import ipyvuetify as v
import solara
import traitlets

from wargame.decisions import DecisionError
from wargame.tabletop.errors import SessionError

logger = logging.getLogger(__name__)


class ScrollToTop(v.VuetifyTemplate):
    """Scrolls the page to its top when it appears (after Start game the setup screen's scroll is gone)."""

    template = traitlets.Unicode("""
<template><span class="scroll-to-top" style="display: none"></span></template>
<script>
module.exports = {
    mounted() {
        const top = () => {
            window.scrollTo(0, 0);
            if (document.scrollingElement) document.scrollingElement.scrollTop = 0;
            for (let el = this.$el && this.$el.parentElement; el; el = el.parentElement) {
                if (el.scrollTop) el.scrollTop = 0;
            }
        };
        this.$nextTick(top);
        setTimeout(top, 100);
    },
};
</script>
""").tag(sync=True)


@solara.component
def SafeArea(children: list[solara.Element] | None = None, reset_key: Any = None) -> solara.Element:
    """Shows what is inside it, or, if rendering it fails, a message instead of a page-wide traceback.

    Args:
        children: What to show.
        reset_key: When it changes (e.g. the game's version), the contents are tried again.

    """
    exception, clear = solara.use_exception()

    def retry() -> None:
        if exception is not None:
            clear()

    solara.use_effect(retry, [reset_key])
    if exception is not None:
        if isinstance(exception, SessionError | DecisionError):
            text = str(exception)
        else:
            logger.error("tabletop render failed", exc_info=exception)
            text = f"Part of the page could not be shown ({type(exception).__name__}: {exception})."
        # no button here: a button whose handler clears the exception makes reacton render in a loop
        solara.Error(f"{text} The game is kept; this part is shown again after the next change.",
                     classes=["session-error", "render-error"])
    else:
        solara.Column(children=list(children or []))

