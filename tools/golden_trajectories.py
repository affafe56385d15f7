"""Golden trajectories: a fixed set of runs of today's model, recorded, to guard rewrites of the engine.

The vectorised ensemble engine of issue 9 must reproduce the per-run model: "lane r of an ensemble equals the
R = 1 run with that seed, to 1e-12 relative, on every reported variable". This tool plays a fixed set of runs
with :class:`wargame.model.AIRaceModel` and records everything a run reports, so that any later change of
the model's results is caught by ``tests/test_golden_trajectories.py`` (or ``--check``) and is made only on
purpose.

The runs: every shipped scenario (:func:`wargame.scenario.list_scenarios`) x seeds :data:`SEEDS` x two
policy settings (:data:`POLICY_SETTINGS`):

* ``"scenario"``: the scenario's own seat policies;
* ``"reactive"``: every seat whose actor kind has a ``reactive`` policy
  (:func:`wargame.policies.policy_names`) plays it; the others keep the scenario's policy. The seats are
  switched with :meth:`wargame.scenario.Scenario.with_overrides` paths ``"<group>.<seat id>.policy"``
  (e.g. ``"labs.us_lab_a.policy"``), and the overrides are stored with the run.

Recorded per run (:func:`trajectory`): the DataCollector's model-level frame (every column, every collected
season, the initial row included), every agent-level frame it holds (agent-type frames such as ``Lab``,
and the plain agent frame when there are agent reporters), ``model.summary()``, ``model.seat_scores()``, the
news (season, phase, text, audience) and ``model.decision_history``. Floats are stored as JSON numbers,
which Python writes with ``repr`` and reads back bit for bit; NaN is written as the JSON extension ``NaN``.
The file also holds metadata: ``wargame.__version__``, the git commit of the checkout (``null`` outside a
git checkout) and whether the working tree had uncommitted changes, and the Python, NumPy and Mesa
versions.

Comparison (:func:`compare_runs`): strings, booleans and ``None`` exactly; an expected integer exactly (an
integer-valued float equal to it passes); an expected float to :data:`REL_TOL` relative or
:data:`ABS_TOL` absolute (``math.isclose``), infinities exactly, NaN equals NaN. Missing or extra columns,
rows, keys and list items are differences too. Each difference names the run (scenario, seed, policy
setting), the variable, the season and both values.

Usage::

    .venv/bin/python tools/golden_trajectories.py --check   # replay and compare; exit 1 on a difference
    .venv/bin/python tools/golden_trajectories.py --write   # re-record (deliberately: say why in the commit)

``--check`` exits 0 when every run replays, 1 on a difference (printing the first 20) or when the set of
recorded runs differs from today's set (a scenario added or removed), and 2 when the file is missing or
unreadable. ``--path`` names another file (default: the fixture below).

The file is ``tests/data/golden_trajectories.json.gz`` (gzip, written with mtime 0).
"""

from __future__ import annotations

import argparse
import gzip
import json
import math
import platform
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
# Record the model of this checkout, even when another copy of the package is installed.
sys.path.insert(0, str(ROOT))

import mesa  # noqa: E402
import numpy as np  # noqa: E402

import wargame  # noqa: E402
from wargame.model import AIRaceModel  # noqa: E402
from wargame.policies import policy_names  # noqa: E402
from wargame.scenario import Scenario, list_scenarios, load_scenario, seat_kind  # noqa: E402

#: Where the recorded runs live.
FIXTURE = ROOT / "tests" / "data" / "golden_trajectories.json.gz"
#: Layout version of the file; bump it when the layout (not the model) changes.
FORMAT_VERSION = 1
#: Seeds played for every scenario and policy setting.
SEEDS = (0, 1, 2, 3, 4)
#: Policy settings: the scenario's own policies, and ``reactive`` wherever a seat's kind offers it.
POLICY_SETTINGS = ("scenario", "reactive")
#: Relative tolerance of a float comparison (issue 9: 1e-12 relative).
REL_TOL = 1e-12
#: Absolute tolerance of a float comparison, for values near 0.
ABS_TOL = 1e-12
#: Seat groups of a scenario, in the order of :meth:`wargame.scenario.Scenario.seats`.
SEAT_GROUPS = ("governments", "labs", "chipmakers", "smugglers", "overseas_clouds")
#: The one-line instruction every failure report ends with.
REGENERATE_HINT = ("If the change of results is deliberate, re-record with "
                   "'python tools/golden_trajectories.py --write' and give the reason in the commit message.")


# ------------------------------------------------------------------------------------------ the runs
def policy_overrides(scenario: Scenario, setting: str) -> dict[str, str]:
    """The scenario overrides of a policy setting.

    Args:
        scenario: The scenario as shipped.
        setting: One of :data:`POLICY_SETTINGS`.

    Returns:
        ``{"<group>.<seat id>.policy": "reactive"}`` for every seat whose kind offers ``reactive`` and that
        plays another policy (setting ``"reactive"``); ``{}`` for setting ``"scenario"``.

    Raises:
        ValueError: On an unknown setting.

    """
    if setting not in POLICY_SETTINGS:
        raise ValueError(f"unknown policy setting {setting!r}; allowed: {', '.join(POLICY_SETTINGS)}")
    if setting == "scenario":
        return {}
    overrides: dict[str, str] = {}
    for group in SEAT_GROUPS:
        for seat in getattr(scenario, group):
            if "reactive" in policy_names(seat_kind(seat)) and seat.policy != "reactive":
                overrides[f"{group}.{seat.id}.policy"] = "reactive"
    return overrides


def run_recipes() -> list[dict[str, Any]]:
    """The fixed set of runs: every shipped scenario x :data:`SEEDS` x :data:`POLICY_SETTINGS`.

    Returns:
        ``{"scenario", "seed", "policies", "overrides"}`` dicts, scenario by scenario, then setting, then seed.

    """
    recipes = []
    for name in list_scenarios():
        scenario = load_scenario(name)
        for setting in POLICY_SETTINGS:
            overrides = policy_overrides(scenario, setting)
            for seed in SEEDS:
                recipes.append({"scenario": name, "seed": seed, "policies": setting, "overrides": overrides})
    return recipes


def recipe_scenario(recipe: dict[str, Any]) -> Scenario:
    """The scenario a recipe plays: the shipped file with the recipe's overrides applied.

    Raises:
        ScenarioError: If the scenario does not load or an override does not apply.

    """
    scenario = load_scenario(recipe["scenario"])
    return scenario.with_overrides(recipe["overrides"]) if recipe["overrides"] else scenario


def play(scenario: Scenario, seed: int) -> AIRaceModel:
    """Play a scenario to its end with every seat on its policy (no human decisions, no injects)."""
    return AIRaceModel(scenario, seed=seed).run_to_end()


def _plain(value: Any) -> Any:
    """JSON ``default`` hook: NumPy scalars become Python scalars; anything else is an error."""
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"cannot record a value of type {type(value).__name__}: {value!r}")


def _normalised(data: Any) -> Any:
    """``data`` as it reads back from the file (tuples become lists, NumPy scalars Python scalars)."""
    return json.loads(json.dumps(data, default=_plain))


def _frame(frame: Any) -> dict[str, Any]:
    """A DataFrame as ``{"index_names", "index", "columns": {name: values}}`` of plain Python values."""
    index = [list(i) if isinstance(i, tuple) else i for i in frame.index.tolist()]
    return {"index_names": list(frame.index.names), "index": index,
            "columns": {str(col): frame[col].tolist() for col in frame.columns}}


def trajectory(model: AIRaceModel) -> dict[str, Any]:
    """Everything a played model reports, as plain JSON-ready values.

    Returns:
        ``model_frame`` (the DataCollector's model-level frame), ``agent_frames`` (type name -> frame; the
        plain agent frame under ``"agents"`` if the collector has agent reporters), ``summary``,
        ``seat_scores``, ``news`` and ``decision_history``. A frame is ``{"index_names", "index",
        "columns"}`` with one value per row in each column.

    """
    dc = model.datacollector
    agent_frames = {agent_type.__name__: _frame(dc.get_agenttype_vars_dataframe(agent_type))
                    for agent_type in dc.agenttype_reporters}
    if dc.agent_reporters:
        agent_frames["agents"] = _frame(dc.get_agent_vars_dataframe())
    return _normalised({
        "model_frame": _frame(dc.get_model_vars_dataframe()),
        "agent_frames": agent_frames,
        "summary": model.summary(),
        "seat_scores": model.seat_scores(),
        "news": model.news,
        "decision_history": model.decision_history,
    })


def record_run(recipe: dict[str, Any]) -> dict[str, Any]:
    """Play a recipe and return it with its ``scenario_hash`` and ``trajectory``."""
    scenario = recipe_scenario(recipe)
    return {**recipe, "scenario_hash": scenario.content_hash(),
            "trajectory": trajectory(play(scenario, recipe["seed"]))}


def _git(*args: str) -> str | None:
    try:
        done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=30, check=True)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip()


def metadata() -> dict[str, Any]:
    """Versions and the git commit of the checkout that records (commit ``None`` outside git)."""
    status = _git("status", "--porcelain", "--untracked-files=no")
    return {"format_version": FORMAT_VERSION, "wargame_version": wargame.__version__,
            "git_commit": _git("rev-parse", "HEAD"), "git_dirty": None if status is None else bool(status),
            "python": platform.python_version(), "numpy": np.__version__, "mesa": mesa.__version__,
            "rel_tol": REL_TOL, "abs_tol": ABS_TOL, "seeds": list(SEEDS), "policy_settings": list(POLICY_SETTINGS)}


def build_fixture() -> dict[str, Any]:
    """Play every recipe of :func:`run_recipes`; returns ``{"metadata", "runs"}``."""
    return {"metadata": metadata(), "runs": [record_run(recipe) for recipe in run_recipes()]}


def write_fixture(data: dict[str, Any], path: Path = FIXTURE) -> int:
    """Write the recorded runs as gzip-compressed JSON (mtime 0, so equal runs give equal bytes).

    Returns:
        The size of the file in bytes.

    """
    path.parent.mkdir(parents=True, exist_ok=True)
    raw = json.dumps(data, separators=(",", ":"), default=_plain).encode()
    path.write_bytes(gzip.compress(raw, compresslevel=9, mtime=0))
    return path.stat().st_size


def load_fixture(path: Path = FIXTURE) -> dict[str, Any]:
    """Read the recorded runs.

    Raises:
        FileNotFoundError: If the file is missing (record it with ``--write``).
        ValueError: If it is not a gzip JSON file of this layout (:data:`FORMAT_VERSION`).

    """
    if not path.exists():
        raise FileNotFoundError(f"{path}: no golden trajectories; record them with "
                                "'python tools/golden_trajectories.py --write'")
    try:
        data = json.loads(gzip.decompress(path.read_bytes()))
    except (OSError, EOFError, ValueError) as exc:
        raise ValueError(f"{path}: not a gzip-compressed JSON file ({exc})") from exc
    version = data.get("metadata", {}).get("format_version") if isinstance(data, dict) else None
    if version != FORMAT_VERSION or not isinstance(data.get("runs"), list):
        raise ValueError(f"{path}: layout version {version!r}, this tool reads version {FORMAT_VERSION}; "
                         "re-record with 'python tools/golden_trajectories.py --write'")
    return data


# ------------------------------------------------------------------------------------------ comparison
_MISSING = "<missing>"


@dataclass(frozen=True)
class Difference:
    """One value of a replayed run that differs from its recording."""

    run: str
    variable: str
    season: str
    expected: Any
    actual: Any

    def __str__(self) -> str:
        return (f"{self.run}: {self.variable} at season {self.season}: "
                f"recorded {self.expected!r}, replayed {self.actual!r}")


def run_label(run: dict[str, Any]) -> str:
    """``scenario=<name> seed=<seed> policies=<setting>`` for a recipe or a recorded run."""
    return f"scenario={run['scenario']} seed={run['seed']} policies={run['policies']}"


def values_match(expected: Any, actual: Any) -> bool:
    """Whether a replayed scalar equals its recording (see the module docstring for the rules)."""
    if isinstance(expected, bool) or isinstance(actual, bool):
        return type(expected) is type(actual) and expected == actual
    numbers = (int, float)
    if isinstance(expected, numbers) and isinstance(actual, numbers):
        if isinstance(expected, int):
            return expected == actual
        if math.isnan(expected) or math.isnan(actual):
            return math.isnan(expected) and math.isnan(actual)
        if math.isinf(expected) or math.isinf(actual):
            return expected == actual
        return math.isclose(expected, actual, rel_tol=REL_TOL, abs_tol=ABS_TOL)
    return type(expected) is type(actual) and expected == actual


def _compare_tree(expected: Any, actual: Any, path: str, season: str, out: list[Difference], run: str) -> None:
    """Compare nested dicts/lists/scalars; the season is read from the nearest dict with a ``season`` key."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        season = str(expected.get("season", season))
        if list(expected) != list(actual) and set(expected) == set(actual):
            out.append(Difference(run, f"{path} (order of keys)", season, list(expected), list(actual)))
        for key, value in expected.items():
            sub = f"{path}.{key}" if path else str(key)
            if key not in actual:
                out.append(Difference(run, sub, season, value, _MISSING))
            else:
                _compare_tree(value, actual[key], sub, season, out, run)
        for key in actual.keys() - expected.keys():
            out.append(Difference(run, f"{path}.{key}" if path else str(key), season, _MISSING, actual[key]))
    elif isinstance(expected, list) and isinstance(actual, list):
        if len(expected) != len(actual):
            out.append(Difference(run, f"{path} (number of items)", season, len(expected), len(actual)))
        for i, (a, b) in enumerate(zip(expected, actual, strict=False)):
            item = f"{path}[{i}]"
            if isinstance(a, dict) and "seat" in a:
                item += f"(seat {a['seat']})"
            _compare_tree(a, b, item, season, out, run)
    elif not values_match(expected, actual):
        out.append(Difference(run, path, season, expected, actual))


def _index_match(expected: Any, actual: Any) -> bool:
    """Whether two frame index entries (a scalar, or a list of levels) match."""
    if isinstance(expected, list) and isinstance(actual, list):
        return len(expected) == len(actual) and all(map(values_match, expected, actual))
    return values_match(expected, actual)


def _compare_frame(name: str, expected: dict[str, Any], actual: dict[str, Any], seasons: list[str],
                   out: list[Difference], run: str) -> None:
    """Compare two recorded frames column by column, naming each row's season (and seat, if a column)."""
    exp_index, act_index = expected["index"], actual["index"]
    # The k-th distinct first index level (the collector's step) is the k-th collected season.
    steps: dict[Any, str] = {}
    for i in exp_index:
        step = i[0] if isinstance(i, list) else i
        steps.setdefault(step, seasons[len(steps)] if len(steps) < len(seasons) else f"step {step}")

    def where(row: int) -> str:
        key = exp_index[row]
        return steps[key[0] if isinstance(key, list) else key]

    def who(row: int) -> str:
        seat = expected["columns"].get("seat")
        return f"[seat {seat[row]}]" if seat is not None and name != "model" else ""

    if expected["index_names"] != actual["index_names"]:
        out.append(Difference(run, f"{name} frame index names", "all", expected["index_names"],
                              actual["index_names"]))
    if len(exp_index) != len(act_index):
        out.append(Difference(run, f"{name} frame (number of rows)", "all", len(exp_index), len(act_index)))
    for row, (a, b) in enumerate(zip(exp_index, act_index, strict=False)):
        if not _index_match(a, b):
            out.append(Difference(run, f"{name} frame index{who(row)}", where(row), a, b))
    for col, values in expected["columns"].items():
        if col not in actual["columns"]:
            out.append(Difference(run, f"{name}.{col}", "all", f"column of {len(values)} values", _MISSING))
            continue
        for row, (a, b) in enumerate(zip(values, actual["columns"][col], strict=False)):
            if not values_match(a, b):
                out.append(Difference(run, f"{name}.{col}{who(row)}", where(row), a, b))
    for col in actual["columns"].keys() - expected["columns"].keys():
        out.append(Difference(run, f"{name}.{col}", "all", _MISSING, f"new column of "
                              f"{len(actual['columns'][col])} values"))


def compare_runs(expected: dict[str, Any], actual: dict[str, Any]) -> list[Difference]:
    """Every difference between a recorded run and its replay.

    Args:
        expected: A run as recorded (:func:`record_run`, read back from the file).
        actual: The same recipe replayed, or any altered copy of ``expected``.

    Returns:
        The differences, model frame first, then agent frames, summary, seat scores, news and decision
        history; empty when the replay matches.

    """
    run = run_label(expected)
    out: list[Difference] = []
    exp, act = expected["trajectory"], actual["trajectory"]
    seasons = [str(s) for s in exp["model_frame"]["columns"].get("season", [])]
    _compare_frame("model", exp["model_frame"], act["model_frame"], seasons, out, run)
    for name, frame in exp["agent_frames"].items():
        if name not in act["agent_frames"]:
            out.append(Difference(run, f"{name} frame", "all", "recorded", _MISSING))
        else:
            _compare_frame(name, frame, act["agent_frames"][name], seasons, out, run)
    for name in act["agent_frames"].keys() - exp["agent_frames"].keys():
        out.append(Difference(run, f"{name} frame", "all", _MISSING, "new frame"))
    end = seasons[-1] if seasons else "end"
    for key in ("summary", "seat_scores", "news", "decision_history"):
        _compare_tree(exp[key], act[key], key, end, out, run)
    return out


def replay(expected: dict[str, Any]) -> dict[str, Any]:
    """Play a recorded run's recipe again with today's model (same scenario, overrides and seed)."""
    return record_run({key: expected[key] for key in ("scenario", "seed", "policies", "overrides")})


def check_run(expected: dict[str, Any]) -> list[Difference]:
    """Replay one recorded run and return its differences."""
    return compare_runs(expected, replay(expected))


def format_differences(differences: Sequence[Difference], limit: int = 20,
                       hints: Sequence[str] = ()) -> str:
    """A failure report: the first ``limit`` differences, a count of the rest, hints and how to re-record."""
    lines = [str(d) for d in differences[:limit]]
    if len(differences) > limit:
        lines.append(f"... and {len(differences) - limit} more difference(s)")
    return "\n".join([*lines, *hints, REGENERATE_HINT])


def scenario_hint(expected: dict[str, Any]) -> list[str]:
    """A note when the scenario file (or its schema) changed since the run was recorded, else nothing."""
    try:
        now = recipe_scenario(expected).content_hash()
    except ValueError as exc:  # ScenarioError included; a hint only, the replay itself reports the error
        return [f"note: scenario {expected['scenario']!r} no longer loads with the recorded overrides: {exc}"]
    if now != expected.get("scenario_hash"):
        return [f"note: scenario {expected['scenario']!r} (with the recorded overrides) changed since recording; "
                "the differences may come from the scenario, not the model"]
    return []


def coverage_problems(data: dict[str, Any]) -> list[str]:
    """Recipes of today's :func:`run_recipes` that the file lacks or holds differently, and extra runs."""
    key = ("scenario", "seed", "policies")
    recorded = {tuple(run[k] for k in key): run["overrides"] for run in data["runs"]}
    wanted = {tuple(r[k] for k in key): r["overrides"] for r in run_recipes()}
    problems = [f"run {k} is not recorded" for k in wanted if k not in recorded]
    problems += [f"run {k} is recorded but no longer in the set (scenario gone?)" for k in recorded if k not in wanted]
    problems += [f"run {k}: recorded overrides {recorded[k]} differ from today's {wanted[k]}"
                 for k in wanted if k in recorded and recorded[k] != wanted[k]]
    return problems


def check(path: Path = FIXTURE) -> tuple[list[Difference], list[str]]:
    """Replay every recorded run of a file.

    Returns:
        The differences of all runs, and the coverage problems plus scenario hints of the failing runs.

    """
    data = load_fixture(path)
    differences: list[Difference] = []
    notes = coverage_problems(data)
    for run in data["runs"]:
        found = check_run(run)
        if found:
            notes += scenario_hint(run)
        differences += found
    return differences, notes


def main(argv: list[str] | None = None) -> int:
    """Command line: ``--check`` (exit 1 on a difference) or ``--write``."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--check", action="store_true", help="replay the recorded runs and compare (exit 1 on a "
                      "difference; prints the first 20)")
    mode.add_argument("--write", action="store_true", help="re-record the runs (deliberately: say why in the "
                      "commit message)")
    parser.add_argument("--path", type=Path, default=FIXTURE, help=f"file of recorded runs (default {FIXTURE})")
    args = parser.parse_args(argv)
    began = time.perf_counter()
    if args.write:
        data = build_fixture()
        size = write_fixture(data, args.path)
        print(f"wrote {len(data['runs'])} runs to {args.path} ({size:,} bytes) in "
              f"{time.perf_counter() - began:.1f} s")
        return 0
    try:
        differences, notes = check(args.path)
    except (FileNotFoundError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    seconds = time.perf_counter() - began
    if differences or notes:
        print(format_differences(differences, 20, notes))
        print(f"{len(differences)} difference(s), {len(notes)} note(s) ({seconds:.1f} s)")
        return 1
    print(f"all recorded runs of {args.path} replay within {REL_TOL:g} relative ({seconds:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
