import json
import os
import re
import signal
import subprocess
import sys
import time

import pandas as pd
import pytest

import wargame
from wargame.batch import api, load_results, run_batch
from wargame.batch.store import ResultsStore, StoreError, StoreMismatchError, StoreVersionError
from wargame.batch.testing import ToyScenario, ToySeat, failing_run, failing_toy_run, seed_fails, toy_run

GRID = {"parameters.enmity": [0.3, 1.2]}
wargame_version = wargame.__version__


def assert_same_results(a, b) -> None:
    """Two BatchResults hold identical run tables and time series (sorted by run_id)."""
    pd.testing.assert_frame_equal(a.runs().sort_values("run_id", ignore_index=True),
                                  b.runs().sort_values("run_id", ignore_index=True))
    pd.testing.assert_frame_equal(a.timeseries(), b.timeseries())


def small(out, **kw):
    args = dict(replications=3, grid=GRID, seed=11, workers=2, chunk_size=2, out=out, timeseries=True)
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
    assert [p.name for p in parts] == [p.name for p in (res.path / "timeseries").glob("part-*.parquet")]
    assert len(parts) == 1 and "-merged-" in parts[0].name  # 6 runs in chunks of 2, merged once complete
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
    first = small(out, compact=False)  # one part per chunk, as a batch leaves them until it completes
    stamp = {p.name: p.stat().st_mtime_ns for p in (out / "chunks").glob("*.parquet")}
    assert len(stamp) == 3
    again = small(out, compact=False)
    assert {p.name: p.stat().st_mtime_ns for p in (out / "chunks").glob("*.parquet")} == stamp
    assert_same_results(first, again)
    # drop a chunk (and simulate a torn write: a leftover temp file and an orphan time-series part)
    victim = sorted((out / "chunks").glob("part-*.parquet"))[1]
    victim.unlink()
    (out / "chunks" / ".part-x.parquet.1234.tmp").write_bytes(b"garbage")
    resumed = small(out, chunk_size=1)  # a different chunking on resume is fine
    assert not list(out.rglob("*.tmp"))
    assert_same_results(first, resumed)
    assert len(list((out / "chunks").glob("*.parquet"))) == 1  # complete: merged into one file


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
                          grid=change.get("grid", GRID), timeseries=True)
    with pytest.raises(StoreMismatchError) as info:
        api.execute_plan(plan, out, workers=1)
    msg = str(info.value)
    assert str(out) in msg and what in msg and "refusing to mix" in msg and "another --out" in msg
    assert sorted(p.name for p in out.rglob("*")) == before  # nothing written


def test_other_code_version_or_scenario_content_is_refused(tmp_path, monkeypatch):
    out = tmp_path / "r"
    small(out)
    monkeypatch.setattr(wargame, "__version__", "9.9.9")
    with pytest.raises(StoreVersionError, match=rf"written by wargame {re.escape(wargame_version)}; this is "
                                                r"wargame 9\.9\.9"):
        small(out)
    monkeypatch.undo()
    # same scenario name, edited content: the content hash differs
    from wargame.scenario import load_scenario
    edited = load_scenario("baseline").with_overrides({"parameters.enmity": 0.9})
    plan = api.plan_batch([edited], replications=3, seed=11, grid=GRID, timeseries=True)
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
    cmd = [sys.executable, "-m", "wargame.cli", "batch", "--scenario", "loopholes", "-n", "150", "--timeseries",
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
    from wargame.batch.workers import make_executor

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
    with pytest.raises(StoreError, match="no time series.*with --timeseries"):
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


def test_version_is_0_2_0():
    import tomllib
    from pathlib import Path

    assert wargame.__version__ == "0.2.0"
    pyproject = tomllib.loads((Path(__file__).resolve().parents[1] / "pyproject.toml").read_text())
    assert pyproject["project"]["version"] == wargame.__version__


def test_folder_of_an_older_code_version_is_refused_but_still_read(tmp_path):
    out = tmp_path / "old"
    first = run_batch([ToyScenario()], replications=4, seed=3, workers=1, out=out, run_fn=toy_run)
    manifest = json.loads((out / "manifest.json").read_text())
    manifest["code_version"] = "0.1.0"  # as a folder written by wargame 0.1.0
    (out / "manifest.json").write_text(json.dumps(manifest))
    before = {p.name: p.stat().st_mtime_ns for p in out.rglob("*")}
    with pytest.raises(StoreVersionError) as info:
        run_batch([ToyScenario()], replications=4, seed=3, workers=1, out=out, run_fn=toy_run)
    msg = str(info.value)
    assert isinstance(info.value, StoreMismatchError)  # callers catching mismatches catch it too
    assert f"results folder {out} was written by wargame 0.1.0; this is wargame {wargame.__version__}" in msg
    assert "Use a new folder (--out NEW_DIR)" in msg and "never mixed" in msg
    assert {p.name: p.stat().st_mtime_ns for p in out.rglob("*")} == before  # nothing written
    pd.testing.assert_frame_equal(load_results(out).runs(), first.runs())  # reading still works
    # a manifest without a code version (not written by this package) gets the same message
    del manifest["code_version"]
    (out / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(StoreVersionError, match="written by an unknown wargame version"):
        run_batch([ToyScenario()], replications=4, seed=3, workers=1, out=out, run_fn=toy_run)


TWO_TOYS = [ToyScenario(name="a"),
            ToyScenario(name="b", players=[ToySeat(id="us", side=1), ToySeat(id="eu", side=1)])]


def test_score_columns_one_per_seat_null_where_absent_or_failed(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    res = run_batch(TWO_TOYS, replications=6, seed=4, workers=2, chunk_size=2, out=tmp_path / "r",
                    run_fn=failing_toy_run, timeseries=True, compact=False)
    scores = ["score_us", "score_prc", "score_eu"]  # union over the scenarios, first-seen order
    assert res.manifest["score_columns"] == scores == res.score_columns()
    assert res.manifest["seats"] == {"a": ["us", "prc"], "b": ["us", "eu"]}
    parts = sorted((res.path / "chunks").glob("part-*.parquet"))
    assert len(parts) == 6
    schemas = [pq.read_schema(p) for p in parts]
    assert all(sc.equals(schemas[0]) for sc in schemas)  # one schema for every chunk of the batch
    assert schemas[0].names[-3:] == scores and all(schemas[0].field(c).type == pa.float64() for c in scores)
    runs = res.runs()
    assert list(runs.columns[-3:]) == scores and all(str(runs[c].dtype) == "float64" for c in scores)
    ok, failed = runs[runs.status == "ok"], runs[runs.status != "ok"]
    assert len(ok) and len(failed)
    assert failed[scores].isna().all().all()
    a, b = ok[ok.scenario == "a"], ok[ok.scenario == "b"]
    assert a[["score_us", "score_prc"]].notna().all().all() and a["score_eu"].isna().all()
    assert b[["score_us", "score_eu"]].notna().all().all() and b["score_prc"].isna().all()
    row = ok.iloc[0]
    summary, series = toy_run(TWO_TOYS[0] if row.scenario == "a" else TWO_TOYS[1], int(row.seed))
    assert row["score_us"] == summary["score_us"]
    # the cumulative scores are in the time series too, ending on the summary's value
    ts = res.timeseries(["score_us"])
    last = ts[ts.run_id == row.run_id]["value"].iloc[-1]
    assert last == pytest.approx(summary["score_us"]) and series["score_us"][0] == 0.0
    # the seat scores per scenario x sample, over the successful runs
    table = res.scores()
    assert table[["scenario", "seat"]].values.tolist() == [["a", "us"], ["a", "prc"], ["b", "us"], ["b", "eu"]]
    assert table["n"].tolist() == [len(a), len(a), len(b), len(b)]
    assert table["mean"].iloc[0] == pytest.approx(a["score_us"].mean())


def test_score_columns_read_as_one_table_by_pandas_polars_and_duckdb(tmp_path):
    import duckdb
    import polars as pl

    res = run_batch(TWO_TOYS, replications=5, seed=2, workers=1, chunk_size=3, out=tmp_path / "r",
                    run_fn=failing_toy_run)
    chunks = res.path / "chunks"
    expected = res.store.summary()
    by_pandas = pd.read_parquet(chunks).sort_values("run_id", ignore_index=True)
    assert list(by_pandas.columns) == list(expected.columns) and len(by_pandas) == 10
    pd.testing.assert_frame_equal(by_pandas[res.score_columns()], expected[res.score_columns()])
    by_polars = pl.read_parquet(f"{chunks}/part-*.parquet").sort("run_id")
    assert by_polars.columns == list(expected.columns)
    assert by_polars["score_eu"].null_count() == int(expected["score_eu"].isna().sum())
    q = duckdb.sql(f"""
        SELECT scenario, count(score_us) AS n_us, count(score_prc) AS n_prc, count(score_eu) AS n_eu,
               count(*) FILTER (WHERE status = 'ok') AS n_ok
        FROM read_parquet('{chunks}/part-*.parquet') GROUP BY scenario ORDER BY scenario""").fetchall()
    (_, a_us, a_prc, a_eu, a_ok), (_, b_us, b_prc, b_eu, b_ok) = q
    assert (a_us, a_prc, a_eu) == (a_ok, a_ok, 0) and (b_us, b_prc, b_eu) == (b_ok, 0, b_ok)


def test_folder_without_score_columns_still_reads(tmp_path):
    import pyarrow.parquet as pq

    from wargame.batch.runner import SUMMARY_SCHEMA

    res = run_batch([ToyScenario()], replications=3, workers=1, out=tmp_path / "r", run_fn=toy_run, timeseries=True)
    manifest = json.loads((res.path / "manifest.json").read_text())
    for key in ("score_columns", "seats"):  # as written before seat scores
        del manifest[key]
    manifest["format"] = "wargame-batch/1"
    (res.path / "manifest.json").write_text(json.dumps(manifest))
    for part in (res.path / "chunks").glob("part-*.parquet"):
        pq.write_table(pq.read_table(part).select(SUMMARY_SCHEMA.names), part)
    old = load_results(res.path)
    assert old.score_columns() == [] and not any(c.startswith("score_") for c in old.runs().columns)
    assert old.scores().empty
    assert set(old.report()) >= {"summary", "scores", "lead_bands"}


def test_real_model_runs_record_every_seat_score(tmp_path):
    # needs the model's seat scores (model.summary()["score_<seat>"]): passes once Model v2 has landed
    from wargame.scenario import load_scenario

    res = run_batch(["baseline", "loopholes"], replications=2, seed=5, workers=1, out=tmp_path / "r",
                    timeseries=True)
    seats = [s.id for s in load_scenario("baseline").seats()]
    assert res.score_columns() == [f"score_{s}" for s in seats]  # both scenarios have the same seats
    runs = res.runs()
    assert (runs["status"] == "ok").all()
    assert runs[res.score_columns()].notna().all().all()
    ts = res.timeseries([f"score_{seats[0]}"])
    final = ts.groupby("run_id")["value"].last()
    assert final.to_numpy() == pytest.approx(runs.set_index("run_id")[f"score_{seats[0]}"].to_numpy())
