"""The browser tabletop of the AI race wargame: ``solara run app.py`` (or ``make play``).

A facilitator and players hold seats (US government, PRC government, labs, ...), decide each season's
levers and step through 2026-2028; the computer plays every other seat. Every browser session gets its
own game (no module-level model: a model built at import time would be shared by every visitor), and
each game is autosaved under ``$WARGAME_GAMES_DIR`` (default ``./games``) so a reload resumes it.

Offline: Solara's page loads its JavaScript through the server's asset proxy
(``/_solara/cdn/...``). ``make assets`` fills ``.assets-cache/`` from the npm registry once; this module
points the proxy at that cache unless ``SOLARA_ASSETS_PROXY_CACHE_DIR`` says otherwise, so the page
renders with no internet. See ``docs/tabletop.md``.
"""

from __future__ import annotations

import logging
import os
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import solara

from wargame.tabletop.page import TabletopApp
from wargame.tabletop.room import redact_keys

ASSETS_CACHE = Path(__file__).resolve().parent / ".assets-cache"


def _configure_offline_assets() -> None:
    """Serve Solara's front-end assets from the project's cache, and make no calls home."""
    try:
        import solara.server.settings as server_settings
    except ImportError:  # pragma: no cover - solara-server is a dependency of solara
        return
    if not os.environ.get("SOLARA_ASSETS_PROXY_CACHE_DIR") and ASSETS_CACHE.is_dir():
        server_settings.assets.proxy_cache_dir = ASSETS_CACHE
    if "SOLARA_THEME_SHOW_BANNER" not in os.environ:  # the "runs on Solara" badge covers the projector's charts
        server_settings.theme.show_banner = False
    if "SOLARA_KERNEL_CULL_TIMEOUT" not in os.environ:
        # a closed page's session is freed after 3 minutes, not Solara's 24 hours: the game lives in the room,
        # so a page opened again later simply starts a new session (a class of 30 devices otherwise holds GBs)
        server_settings.kernel.cull_timeout = "3m"
    if "SOLARA_THEME_FORCE_REFRESH" not in os.environ:  # after a server restart, reload into the same link
        server_settings.theme.force_refresh = True
    if "SOLARA_TELEMETRY_MIXPANEL_ENABLE" not in os.environ:
        server_settings.telemetry.mixpanel_enable = False


_configure_offline_assets()
# Solara warns on every page load that its samesite=none session cookie wants https; on a classroom's plain
# http (docs/tabletop.md) that is expected, and 58 copies of a 12-line warning buried the server's log.
warnings.filterwarnings("ignore", message="Cookies with samesite=none require https")


def _redacting_record_factory(factory: Callable[..., logging.LogRecord]) -> Callable[..., logging.LogRecord]:
    """Wrap the log record factory so every record, of every logger, has room secrets taken out.

    A filter on a logger misses its children's records (``solara.server.app`` logs the page's URL when a
    page fails to load), so the redaction is applied where every record is made.
    """

    def make(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = factory(*args, **kwargs)
        if isinstance(record.msg, str):
            record.msg = redact_keys(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(redact_keys(a) if isinstance(a, str) else a for a in record.args)
        elif isinstance(record.args, dict):
            record.args = {k: redact_keys(a) if isinstance(a, str) else a for k, a in record.args.items()}
        return record

    make.redacts_room_keys = True  # type: ignore[attr-defined]
    return make


if not getattr(logging.getLogRecordFactory(), "redacts_room_keys", False):
    logging.setLogRecordFactory(_redacting_record_factory(logging.getLogRecordFactory()))


@solara.component
def Page() -> solara.Element:
    """The page Solara serves: a room's view for a room link, else the one-screen game and room setup."""
    return TabletopApp()
