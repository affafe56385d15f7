import json
import os
import signal
import subprocess
import sys
import time

import pandas as pd
import pytest

import wargame
from wargame.batch import api, load_results, run_batch
from wargame.batch.store import ResultsStore, StoreError, StoreMismatchError
from wargame.batch.testing import failing_run, seed_fails

GRID = {"parameters.enmity": [0.3, 1.2]}


def assert_same_results(a, b) -> None:
    """Two BatchResults hold identical run tables and time series (sorted by run_id)."""
    pd.testing.assert_frame_equal(a.runs().sort_values("run_id", ignore_index=True),
                                  b.runs().sort_values("run_id", ignore_index=True))
    pd.testing.assert_frame_equal(a.timeseries(), b.timeseries())


def small(out, **kw):
    args = dict(replications=3, grid=GRID, seed=11, workers=2, chunk_size=2, out=out)
    args.update(kw)
    return run_batch("baseline", **args)


def test_layout_design_first_and_tidy_tables(tmp_path):
    res = small(tmp_path / "r")
    assert (res.path / "design.parquet").is_file()
    manifest = json.loads((res.path / "manifest.json").read_text())
    assert manifest["code_version"] == wargame.__version__
    assert manifest["master_seed"] == 11
    assert set(manifest["scenarios"]) == {"baseline"} and len(manifest["scenarios"]["baseline"]) == 64
    parts = sorted((res.path / "chunks").glob("part-*.parquet"))
    assert len(parts) == 3  # 6 runs in chunks of 2
    assert not list(res.path.rglob("*.tmp"))
    runs = res.runs()
    assert runs["run_id"].tolist() == list(range(6))
    assert (runs["status"] == "ok").all() and runs["error"].isna().all()
    assert set(runs["outcome"]) <= {"S1", "S2", "contested"}
    ts = res.timeseries()
    assert list(ts.columns) == ["run_id", "season", "variable", "value"]
    lead = ts[(ts.run_id == 0) & (ts.variable == "lead_months")]
    seasons = lead["season"].tolist()
    assert seasons == sorted(set(seasons)) and seasons[-1] == "2028Q4" and "2026Q3" in seasons
    final = runs.loc[runs.run_id == 0, "final_lead_months"].item()
    assert lead["value"].iloc[-1] == pytest.approx(final)


def test_failing_runs_are_recorded_and_batch_completes(tmp_path):
    res = small(tmp_path / "r", run_fn=failing_run)
    runs = res.runs()
    assert len(runs) == 6  # every planned run has a row
    expected_fail = runs["seed"].map(seed_fails)
    assert expected_fail.any() and not expected_fail.all()
    failed = runs[runs.status == "error"]
    assert failed["run_id"].tolist() == runs.loc[expected_fail, "run_id"].tolist()
    assert failed["error"].str.startswith("RuntimeError: injected failure for seed").all()
    assert failed["error"].str.contains("testing.py").all()  # where it raised
    assert failed["outcome"].isna().all() and failed["final_lead_months"].isna().all()
    ok = runs[runs.status == "ok"]
    assert ok["outcome"].notna().all()
    # failed runs have no time series; successful ones do
    assert set(res.timeseries()["run_id"]) == set(ok["run_id"])
    table = res.outcomes()
    assert table["n_error"].sum() == len(failed) and table["n_ok"].sum() == len(ok)
    # the successful runs equal those of a clean batch: a failure does not disturb other runs
    clean = small(tmp_path / "clean").runs().set_index("run_id").loc[ok["run_id"]]
    pd.testing.assert_series_equal(clean["final_lead_months"], ok.set_index("run_id")["final_lead_months"])


def test_rerun_is_a_no_op_and_partial_folder_resumes(tmp_path):
    out = tmp_path / "r"
    first = small(out)
    stamp = {p.name: p.stat().st_mtime_ns for p in (out / "chunks").glob("*.parquet")}
    again = small(out)
    assert {p.name: p.stat().st_mtime_ns for p in (out / "chunks").glob("*.parquet")} == stamp
    assert_same_results(first, again)
    # drop a chunk (and simulate a torn write: a leftover temp file and an orphan time-series part)
    victim = sorted((out / "chunks").glob("part-*.parquet"))[1]
    victim.unlink()
    (out / "chunks" / ".part-x.parquet.1234.tmp").write_bytes(b"garbage")
    resumed = small(out, chunk_size=1)  # a different chunking on resume is fine
    assert not list(out.rglob("*.tmp"))
    assert_same_results(first, resumed)


@pytest.mark.parametrize("change, what", [
    (dict(seed=12), "master seed"),
    (dict(replications=4), "design"),
    (dict(grid={"parameters.enmity": [0.3, 1.3]}), "design"),
    (dict(scenarios="loopholes"), "scenario names and content hashes"),
])
def test_mismatched_folder_is_refused(tmp_path, change, what):
    out = tmp_path / "r"
    small(out)
    before = sorted(p.name for p in out.rglob("*"))
    scen = change.pop("scenarios", "baseline")
    plan = api.plan_batch(scen, replications=change.get("replications", 3), seed=change.get("seed", 11),
                          grid=change.get("grid", GRID))
    with pytest.raises(StoreMismatchError) as info:
        api.execute_plan(plan, out, workers=1)
    msg = str(info.value)
    assert str(out) in msg and what in msg and "refusing to mix" in msg and "another --out" in msg
    assert sorted(p.name for p in out.rglob("*")) == before  # nothing written


def test_other_code_version_or_scenario_content_is_refused(tmp_path, monkeypatch):
    out = tmp_path / "r"
    small(out)
    monkeypatch.setattr(wargame, "__version__", "9.9.9")
    with pytest.raises(StoreMismatchError, match=r"code version .*folder has \"0\.1\.0\".*this batch has \"9\.9\.9\""):
        small(out)
    monkeypatch.undo()
    # same scenario name, edited content: the content hash differs
    from wargame.scenario import load_scenario
    edited = load_scenario("baseline").with_overrides({"parameters.enmity": 0.9})
    plan = api.plan_batch([edited], replications=3, seed=11, grid=GRID)
    with pytest.raises(StoreMismatchError, match="scenario names and content hashes"):
        api.execute_plan(plan, out, workers=1)


def test_non_results_folder_is_refused(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(StoreError, match="not empty and is not a batch results folder"):
        small(tmp_path)
    with pytest.raises(StoreError, match="not a batch results folder"):
        load_results(tmp_path)


def _chunks(path):
    d = path / "chunks"
    return len(list(d.glob("part-*.parquet"))) if d.is_dir() else 0


def test_resume_after_kill_9_equals_uninterrupted(tmp_path):
    out = tmp_path / "killed"
    cmd = [sys.executable, "-m", "wargame.cli", "batch", "--scenario", "loopholes", "-n", "150",
           "--seed", "5", "--workers", "2", "--chunk-size", "2", "--quiet", "--out", str(out)]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while _chunks(out) < 3 and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.01)
        assert proc.poll() is None, "batch ended before it could be killed: " + proc.stderr.read().decode()
        os.kill(proc.pid, signal.SIGKILL)  # kill -9 the batch process itself, mid-batch
        proc.wait(timeout=10)
    finally:
        try:  # the orphaned workers of the process group we started
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL
    done = len(ResultsStore.open(out).completed_run_ids())
    assert 0 < done < 150, done
    resumed = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert resumed.returncode == 0, resumed.stderr
    full = subprocess.run([*cmd[:-1], str(tmp_path / "full")], capture_output=True, text=True, timeout=120)
    assert full.returncode == 0, full.stderr
    a, b = load_results(out), load_results(tmp_path / "full")
    assert len(a.runs()) == 150
    assert_same_results(a, b)


def test_ctrl_c_to_the_process_group_prints_one_message_and_no_traceback(tmp_path):
    out = tmp_path / "interrupted"
    cmd = [sys.executable, "-m", "wargame.cli", "batch", "-n", "600", "--seed", "3", "--workers", "2",
           "--chunk-size", "2", "--quiet", "--out", str(out)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while _chunks(out) < 3 and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.01)
        assert proc.poll() is None, "batch ended before it could be interrupted"
        os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C in a terminal does: the whole foreground group
        _, err = proc.communicate(timeout=60)
    finally:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    err = err.decode()
    assert proc.returncode == 130, err
    assert f"interrupted; completed chunks are saved in {out}. Re-run the same command to resume." in err
    assert "Traceback" not in err and "KeyboardInterrupt" not in err, err
    assert 0 < len(ResultsStore.open(out).completed_run_ids()) < 600


def test_pool_workers_ignore_sigint():
    from wargame.batch.runner import make_executor

    with make_executor("local", 1) as (executor, _):
        assert executor.submit(signal.getsignal, signal.SIGINT).result() == signal.SIG_IGN
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # the parent still handles it


def test_ctrl_c_after_the_runs_finished_still_prints_the_message(tmp_path, monkeypatch, capsys):
    from wargame.batch import report
    from wargame.cli import main

    def interrupted(*_a, **_k):
        raise KeyboardInterrupt

    monkeypatch.setattr(report, "format_outcomes", interrupted)  # Ctrl-C while the table is printed
    out = tmp_path / "r"
    assert main(["batch", "-n", "2", "--workers", "1", "--out", str(out)]) == 130
    err = capsys.readouterr().err
    assert f"interrupted; completed chunks are saved in {out}. Re-run the same command to resume." in err
    assert len(load_results(out).runs()) == 2


def test_unknown_time_series_variable_is_an_error_listing_known_ones(tmp_path):
    from wargame.batch.store import UnknownVariableError

    res = small(tmp_path / "r")
    with pytest.raises(UnknownVariableError) as exc:
        res.timeseries(["lead_months", "nosuch"])
    msg = str(exc.value)
    assert "unknown time-series variable(s) 'nosuch'" in msg and "lead_months" in msg and "incidents" in msg
    assert "lead_months" in res.timeseries_variables()
    # a single name is one variable, not its letters
    assert set(res.timeseries("lead_months")["variable"]) == {"lead_months"}
    no_ts = small(tmp_path / "no_ts", timeseries=False)
    with pytest.raises(StoreError, match="no time series"):
        no_ts.timeseries(["lead_months"])
    assert no_ts.report()["summary"].is_file()  # the report still works without time series


def test_counts_are_nullable_integers(tmp_path):
    res = small(tmp_path / "r", run_fn=failing_run)
    runs = res.runs()
    failed = runs["status"] != "ok"
    assert failed.any() and (~failed).any()
    for col in ("incidents", "major_incidents", "seasons_played"):
        assert str(runs[col].dtype) == "Int64", col
        assert runs.loc[failed, col].isna().all() and runs.loc[~failed, col].notna().all()
    assert runs.loc[~failed, "seasons_played"].eq(10).all()
    assert str(runs["final_lead_months"].dtype) == "float64"


def test_parts_written_with_float_counts_still_read(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    res = small(tmp_path / "r", run_fn=failing_run)
    expected = res.runs()
    for part in (res.path / "chunks").glob("part-*.parquet"):  # rewrite as an older version did
        t = pq.read_table(part)
        for col in ("incidents", "major_incidents", "seasons_played"):
            t = t.set_column(t.schema.get_field_index(col), col, t.column(col).cast(pa.float64()))
        pq.write_table(t, part)
    pd.testing.assert_frame_equal(load_results(res.path).runs(), expected)
