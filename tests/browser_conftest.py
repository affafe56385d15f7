"""Fixtures for real-browser tests of the tabletop: a served ``app.py`` and Debian's Chromium, offline.

Loaded with ``pytest_plugins = ["tests.browser_conftest"]`` from the browser test modules (kept apart from
``tests/conftest.py``). The app is served by ``solara run app.py --production`` in a subprocess bound to
127.0.0.1, with its autosaves in a temp directory and Solara's front-end assets served from
``.assets-cache`` (``make assets``). Every browser context blocks and records any request that does not go
to 127.0.0.1, so a test that passes proves the page renders with no internet.

The fixtures are named ``tabletop_*`` so they do not clash with pytest-playwright's ``browser``/``page``.
There is no ``playwright install`` here: Chromium is Debian's (``apt-get install chromium``).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
ASSETS = ROOT / ".assets-cache"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
LOCAL_PREFIXES = ("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:", "about:")
TIMEOUT_MS = 60_000


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class AppServer:
    """``solara run app.py`` in a subprocess, restartable on the same port and autosave directory.

    Args:
        games_dir: Autosave directory (``WARGAME_GAMES_DIR``).
        log_path: Where the server's output goes (appended to, across restarts).
        extra_args: More arguments for ``solara run`` (e.g. ``("--access-log",)``).
        extra_env: More environment variables for the server.
    """

    def __init__(self, games_dir: Path, log_path: Path, extra_args: tuple[str, ...] = (),
                 extra_env: dict[str, str] | None = None) -> None:
        self.port = _free_port()
        self.games_dir = games_dir
        self.log_path = log_path
        self.extra_args = tuple(extra_args)
        self.extra_env = dict(extra_env or {})
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        """Base URL of the app."""
        return f"http://127.0.0.1:{self.port}/"

    def start(self) -> None:
        """Start the server and wait until it answers."""
        env = {**os.environ, "WARGAME_GAMES_DIR": str(self.games_dir),
               "SOLARA_ASSETS_PROXY_CACHE_DIR": str(ASSETS), "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "false",
               **self.extra_env}
        env.pop("PYTEST_CURRENT_TEST", None)
        log = open(self.log_path, "ab")  # noqa: SIM115 - closed with the process
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "solara", "run", "app.py", "--host", "127.0.0.1", "--port", str(self.port),
             "--production", "--no-open", *self.extra_args],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"solara exited with {self.proc.returncode}; see {self.log_path}")
            try:
                with urllib.request.urlopen(self.url, timeout=2) as response:  # noqa: S310 - localhost only
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.5)
        raise RuntimeError(f"solara did not answer on {self.url} within 90 s; see {self.log_path}")

    def stop(self) -> None:
        """Stop the server (only the process this fixture started)."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=15)
        self.proc = None

    def restart(self) -> None:
        """Stop and start again on the same port: every kernel (session) in memory is lost."""
        self.stop()
        self.start()

    def kill(self) -> None:
        """Kill the server with SIGKILL (``kill -9``): no shutdown code runs, nothing is flushed or saved."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=15)
        self.proc = None


@pytest.fixture(scope="session")
def tabletop_assets() -> Path:
    """The offline asset cache; fetched from the npm registry once if it is missing."""
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        import fetch_assets
    finally:
        sys.path.pop(0)
    if fetch_assets.main(["--check"]) != 0:
        assert fetch_assets.main([]) == 0, "could not fetch the front-end assets (make assets)"
    return ASSETS


@pytest.fixture(scope="module")
def tabletop_server(tmp_path_factory, tabletop_assets) -> Iterator[AppServer]:
    """A served tabletop app with its own autosave directory."""
    ARTIFACTS.mkdir(exist_ok=True)
    games = tmp_path_factory.mktemp("games")
    log = ARTIFACTS / "solara-server.log"
    log.unlink(missing_ok=True)
    server = AppServer(games, log)
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def rooms_server(tmp_path_factory, tabletop_assets) -> Iterator[AppServer]:
    """A served app for the room tests, its output in ``test-artifacts/rooms-server.log``.

    uvicorn's access log is on (``--access-log --log-level-uvicorn info``), so the log holds every URL asked
    for: a test can check that no link's secret reaches it.
    """
    ARTIFACTS.mkdir(exist_ok=True)
    log = ARTIFACTS / "rooms-server.log"
    log.unlink(missing_ok=True)
    server = AppServer(tmp_path_factory.mktemp("room-games"), log,
                       extra_args=("--access-log", "--log-level-uvicorn", "info"),
                       extra_env={"PYTHONUNBUFFERED": "1"})
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def tabletop_browser() -> Iterator[object]:
    """Debian's Chromium driven by Playwright."""
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), f"{CHROMIUM} is missing: apt-get install chromium"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class OfflineContext:
    """A browser context (one cookie jar, i.e. one user) that blocks and records non-local requests.

    Args:
        browser: The Playwright browser.
        **options: ``browser.new_context`` options over the defaults (a 1400x1300 viewport, downloads
            accepted), e.g. ``viewport``, ``is_mobile``, ``has_touch`` for a phone.
    """

    def __init__(self, browser: object, **options: object) -> None:
        settings = {"viewport": {"width": 1400, "height": 1300}, "accept_downloads": True, **options}
        self.context = browser.new_context(**settings)
        self.context.set_default_timeout(TIMEOUT_MS)
        self.external: list[str] = []
        self.missing_assets: list[str] = []  # /_solara/cdn/... answered with an error: not in the cache
        self.context.route("**/*", self._route)
        self.context.on("response", self._response)

    def _response(self, response: object) -> None:
        if "/_solara/cdn/" in response.url and response.status >= 400:
            self.missing_assets.append(f"{response.status} {response.url}")

    @property
    def problems(self) -> list[str]:
        """Requests that left 127.0.0.1, and assets the local cache could not serve."""
        return self.external + self.missing_assets

    def _route(self, route: object) -> None:
        url = route.request.url
        if url.startswith(LOCAL_PREFIXES):
            route.continue_()
        else:
            self.external.append(url)
            route.abort()

    def new_page(self) -> object:
        """Open a page in this context."""
        return self.context.new_page()


@pytest.fixture
def tabletop_context(tabletop_browser) -> Iterator[object]:
    """A factory of offline browser contexts (``make(**new_context options)``); all are closed after the test."""
    made: list[OfflineContext] = []

    def make(**options: object) -> OfflineContext:
        ctx = OfflineContext(tabletop_browser, **options)
        made.append(ctx)
        return ctx

    yield make
    for ctx in made:
        ctx.context.close()


def screenshot(page: object, name: str) -> Path:
    """Save a screenshot of the page to ``test-artifacts/<name>.png``."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path
