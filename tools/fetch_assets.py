#!/usr/bin/env python3
"""Fetch the JavaScript and CSS assets that Solara's page loads, once, from the npm registry.

Solara's page template loads its front end (``@widgetti/solara-vuetify-app``, ``requirejs``,
``font-awesome``) from a CDN, and its Markdown component loads ``mermaid`` and ``katex``. Solara's
server has an asset proxy: the page asks the server for ``/_solara/cdn/<package>@<version>/<file>``
and the server answers from ``solara.server.settings.assets.proxy_cache_dir`` (env
``SOLARA_ASSETS_PROXY_CACHE_DIR``), going to the CDN only for files it lacks. This script fills that
cache with ``npm pack`` so the app renders with no internet (classrooms are often locked down).

The packages and their exact versions are read from the page templates (and the Markdown component) of
the installed Solara, so a Solara upgrade changes them by itself. Usage::

    python tools/fetch_assets.py [--cache-dir .assets-cache] [--check]

``--check`` only reports whether every asset is in the cache (exit 1 if not).
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CACHE = ROOT / ".assets-cache"
_SPEC = re.compile(r"(?:\{\{cdn\}\}|getCdn\(\)\})/((?:@[\w.-]+/)?[\w.-]+)@(\d+\.\d+\.\d+)/")
#: Solara components the tabletop uses that load more assets from the CDN at run time (Markdown loads
#: mermaid and KaTeX; FigureEcharts, which draws the public charts, loads ECharts), besides the page templates.
_COMPONENT_FILES = ("components/markdown.py", "components/echarts.vue")
#: echarts.vue names its version in a constant: ``const version = "5.4.0"`` then ``echarts@${version}/``.
_VERSION_CONST = re.compile(r'const version = "(\d+\.\d+\.\d+)";.*?getCdn\(\)\}/((?:@[\w.-]+/)?[\w.-]+)@\$\{version\}/',
                            re.DOTALL)
STAMP = ".complete"


def required_packages() -> list[tuple[str, str]]:
    """Return the ``(package, version)`` pairs the installed Solara's page loads from the CDN.

    Returns:
        Sorted, de-duplicated pairs, e.g. ``("requirejs", "2.3.6")``.

    """
    import ipyvuetify
    import solara
    import solara.server.settings as settings

    templates = Path(settings.__file__).parent / "templates"
    sources = [*templates.glob("*.j2"), *(Path(solara.__file__).parent / f for f in _COMPONENT_FILES)]
    found: set[tuple[str, str]] = set()
    for source in sources:
        text = source.read_text(encoding="utf-8")
        found.update(_SPEC.findall(text))
        found.update((package, version) for version, package in _VERSION_CONST.findall(text))
    # the page uses the Vuetify 3 bundle only with ipyvuetify >= 3, which this project pins out
    if int(ipyvuetify.__version__.split(".")[0]) < 3:
        found = {p for p in found if "vuetify3" not in p[0]}
    fontawesome = settings.assets.fontawesome_path.strip("/").split("/")[0]  # font-awesome@4.5.0
    name, _, version = fontawesome.rpartition("@")
    found.add((name, version))
    return sorted(found)


def is_cached(cache_dir: Path, package: str, version: str) -> bool:
    """Tell whether one package version is fully unpacked in the cache."""
    return (cache_dir / f"{package}@{version}" / STAMP).exists()


def fetch(cache_dir: Path, package: str, version: str) -> None:
    """Download one package with ``npm pack`` and unpack it as ``<cache>/<package>@<version>/``.

    Args:
        cache_dir: The asset cache directory.
        package: npm package name, possibly scoped.
        version: Exact version.

    Raises:
        RuntimeError: If npm is missing or the download fails.

    """
    npm = shutil.which("npm")
    if npm is None:
        raise RuntimeError("npm is not installed; install Node.js/npm (e.g. apt-get install npm)")
    target = cache_dir / f"{package}@{version}"
    with tempfile.TemporaryDirectory() as tmp:
        proc = subprocess.run(
            [npm, "pack", f"{package}@{version}", "--pack-destination", tmp, "--silent"],
            capture_output=True, text=True, cwd=tmp, check=False,
        )
        if proc.returncode != 0:
            raise RuntimeError(f"npm pack {package}@{version} failed:\n{proc.stderr.strip()}")
        tarballs = list(Path(tmp).glob("*.tgz"))
        if len(tarballs) != 1:
            raise RuntimeError(f"npm pack {package}@{version} produced {len(tarballs)} tarballs")
        unpacked = Path(tmp) / "unpacked"
        with tarfile.open(tarballs[0]) as tar:
            tar.extractall(unpacked, filter="data")
        # npm tarballs hold one top directory, usually "package/"
        (top,) = [p for p in unpacked.iterdir() if p.is_dir()]
        if target.exists():
            shutil.rmtree(target)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(top), str(target))
    (target / STAMP).write_text(f"{package}@{version}\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache-dir", type=Path, default=DEFAULT_CACHE)
    parser.add_argument("--check", action="store_true", help="only check the cache, download nothing")
    args = parser.parse_args(argv)
    cache_dir: Path = args.cache_dir.resolve()
    missing = []
    for package, version in required_packages():
        if is_cached(cache_dir, package, version):
            print(f"cached   {package}@{version}")
            continue
        if args.check:
            missing.append(f"{package}@{version}")
            print(f"MISSING  {package}@{version}")
            continue
        print(f"fetching {package}@{version} from the npm registry ...", flush=True)
        try:
            fetch(cache_dir, package, version)
        except RuntimeError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
    if missing:
        print(f"{len(missing)} asset package(s) missing in {cache_dir}; run `make assets`", file=sys.stderr)
        return 1
    print(f"assets ready in {cache_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
