"""Big chunks, few files: the default chunk size, merging a completed batch's parts into files with large row
groups, crash safety of the merge, and time series that are off unless asked for."""

import hashlib
import json
import signal
import subprocess
import sys
import textwrap

import pandas as pd
import pyarrow.parquet as pq
import pytest

from wargame.batch import api, load_results, run_batch
from wargame.batch import compaction as compaction_mod
from wargame.batch import store as store_mod
from wargame.batch.compaction import SUMMARY_ROW_GROUP_ROWS, TIMESERIES_ROW_GROUP_ROWS, compact
from wargame.batch.runner import MIN_CHUNK_RUNS, default_chunk_size
from wargame.batch.store import (
    REPLACES_KEY,
    DamagedStoreError,
    ResultsStore,
    StoreError,
    is_merged_part,
)
from wargame.batch.testing import ToyScenario, failing_toy_run, instant_run, seed_fails, toy_run
from wargame.cli import main


def _files(path, folder="chunks"):
    return sorted((path / folder).glob("*.parquet"))


def _row_groups(path):
    meta = pq.ParquetFile(path).metadata
    return [meta.row_group(i).num_rows for i in range(meta.num_row_groups)]


def _same(a, b):
    """Two results folders hold the same runs and the same time series, each run once."""
    ra, rb = load_results(a).runs(), load_results(b).runs()
    assert ra["run_id"].is_unique and rb["run_id"].is_unique
    pd.testing.assert_frame_equal(ra, rb)
    pd.testing.assert_frame_equal(load_results(a).timeseries(), load_results(b).timeseries())


def _flip(path, offset, n=8):
    data = bytearray(path.read_bytes())
    for i in range(offset, offset + n):
        data[i] ^= 0xFF
    path.write_bytes(bytes(data))


# -- chunk size ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("n_runs, workers, engine, expected", [
    (600, 2, "local", 300),  # small batch: split evenly, every worker gets a share
    (5, 2, "local", 3),
    (1, 8, "local", 1),
    (0, 2, "local", 1),
    (1_999, 2, "local", 1_000),
    (2_000, 2, "local", 1_000),
    (2_500, 2, "local", 1_250),  # 2 tasks of 1,250, not 1,000 + 1,000 + 500
    (3_500, 2, "local", 1_750),
    (10_001, 2, "local", 1_001),
    (1_000_000, 2, "local", 1_000),
    (6_000, 2, "dask", 3_000),  # under 2 x 5,000: split evenly
    (25_000, 2, "dask", 6_250),
    (1_000_000, 16, "dask", 5_209),  # 192 tasks: 12 rounds of the 16 workers
])
def test_default_chunk_size_rule(n_runs, workers, engine, expected):
    assert default_chunk_size(n_runs, workers, engine) == expected


def test_default_chunk_size_bounds_hold_for_every_size():
    for engine, minimum in MIN_CHUNK_RUNS.items():
        for workers in (1, 2, 3, 7):
            for n in (*range(1, 40), *range(minimum * workers - 3, minimum * workers + 3), 123_457, 9_999_991):
                size = default_chunk_size(n, workers, engine)
                tasks = -(-n // size)
                if n < minimum * workers:
                    assert size == -(-n // workers) and tasks <= workers, (engine, workers, n)
                else:
                    assert minimum <= size < 2 * minimum, (engine, workers, n, size)
                    if n < minimum ** 2:  # (beyond, rounding the size up can save a few of the tasks)
                        assert tasks % workers == 0, (engine, workers, n, size)  # whole rounds of the workers
    with pytest.raises(ValueError, match="unknown engine 'slurm'; allowed: local, dask"):
        default_chunk_size(10, 2, "slurm")


def test_default_chunks_and_an_explicit_chunk_size(tmp_path):
    kw = dict(replications=600, seed=3, workers=2, run_fn=instant_run, compact=False)
    default = run_batch([ToyScenario()], out=tmp_path / "default", **kw)
    assert [p.name for p in _files(default.path)] == ["part-000000000-000000299.parquet",
                                                      "part-000000300-000000599.parquet"]
    explicit = run_batch([ToyScenario()], out=tmp_path / "explicit", chunk_size=100, **kw)
    assert len(_files(explicit.path)) == 6  # --chunk-size wins
    pd.testing.assert_frame_equal(default.runs(), explicit.runs())
    with pytest.raises(ValueError, match="chunk_size must be a positive number of runs, got 0"):
        run_batch([ToyScenario()], out=tmp_path / "zero", chunk_size=0, **kw)


# -- compaction ----------------------------------------------------------------------------------------------


def test_completed_batch_is_merged_into_few_files(tmp_path):
    kw = dict(replications=2_500, seed=8, workers=2, chunk_size=50, run_fn=failing_toy_run, timeseries=True)
    merged = run_batch([ToyScenario()], out=tmp_path / "merged", **kw)
    parts = run_batch([ToyScenario()], out=tmp_path / "parts", compact=False, **kw)
    assert len(_files(parts.path)) == len(_files(parts.path, "timeseries")) == 50  # before: one per chunk
    (summary,), (series,) = _files(merged.path), _files(merged.path, "timeseries")
    assert summary.name == series.name and is_merged_part(summary.name)
    assert _row_groups(summary) == [2_500]  # under 50,000 rows: the whole file is one row group
    assert _row_groups(series) == [pq.ParquetFile(series).metadata.num_rows]
    replaced = json.loads(pq.read_metadata(summary).metadata[REPLACES_KEY])
    assert replaced == [p.name for p in _files(parts.path)]  # the merged file names what it replaces
    _same(merged.path, parts.path)
    runs = merged.runs()
    failed = runs["status"] != "ok"
    # a failing run is recorded and its siblings in the same chunk still finish
    assert failed.tolist() == runs["seed"].map(seed_fails).tolist() and 0 < failed.sum() < len(runs)
    # the ledger has one line per file present, and the merged files pass the checks
    ledger = sorted(line.split("  ", 1)[1] for line in (merged.path / "checksums.sha256").read_text().splitlines())
    assert ledger == ["chunks/" + summary.name, "design.parquet", "timeseries/" + series.name]
    assert merged.store.damaged_files() == []
    # page checksums are written into merged files and checked on every read
    column = pq.ParquetFile(summary).metadata.row_group(0).column(
        pq.ParquetFile(summary).schema_arrow.get_field_index("final_lead_months"))
    start = column.dictionary_page_offset or column.data_page_offset
    _flip(summary, start + column.total_compressed_size - 4, n=1)
    with pytest.raises(DamagedStoreError, match=f"{summary.name}: damaged or unreadable"):
        load_results(merged.path).runs()


def test_row_groups_and_file_sizes_follow_the_limits(tmp_path):
    res = run_batch([ToyScenario()], replications=2_500, seed=8, workers=2, chunk_size=50, run_fn=toy_run,
                    timeseries=True, out=tmp_path / "r", compact=False)
    before_runs, before_ts = res.runs(), res.timeseries()
    assert compact(res.store, summary_rows=600, timeseries_rows=5_000, max_summary_rows=1_300) == []
    summaries, series = _files(res.path), _files(res.path, "timeseries")
    assert [p.name for p in summaries] == [p.name for p in series] and len(summaries) == 2  # 2,500 > 1,300 rows
    for path, target in [*((p, 600) for p in summaries), *((p, 5_000) for p in series)]:
        groups = _row_groups(path)
        assert len(groups) > 1 and all(target <= g < 2 * target for g in groups), (path.name, groups)
    assert [pq.ParquetFile(p).metadata.num_rows for p in summaries] == [1_250, 1_250]  # balanced
    pd.testing.assert_frame_equal(load_results(res.path).runs(), before_runs)
    pd.testing.assert_frame_equal(load_results(res.path).timeseries(), before_ts)


def test_real_row_group_default_on_a_hundred_thousand_runs(tmp_path):
    # 100,000 runs of a run function without a model: default chunks (100 of 1,000), then the real defaults
    res = run_batch([ToyScenario()], replications=100_000, workers=2, run_fn=instant_run, out=tmp_path / "r",
                    timeseries=True)
    (summary,), (series,) = _files(res.path), _files(res.path, "timeseries")
    assert _row_groups(summary) == [SUMMARY_ROW_GROUP_ROWS, SUMMARY_ROW_GROUP_ROWS] == [50_000, 50_000]
    assert _row_groups(series) == [TIMESERIES_ROW_GROUP_ROWS, TIMESERIES_ROW_GROUP_ROWS]  # 2 seasons per run
    assert json.loads(pq.read_metadata(summary).metadata[REPLACES_KEY])[:2] == [
        "part-000000000-000000999.parquet", "part-000001000-000001999.parquet"]
    runs = res.store.summary()
    assert len(runs) == 100_000 and runs["run_id"].is_unique


class Crash(BaseException):
    """Stands for the process dying at this point (not an Exception: nothing may catch it)."""


def _crash_after_timeseries(monkeypatch):
    real = compaction_mod._write_merged

    def write(store, path, *a, **k):
        if path.parent.name == "chunks":
            raise Crash
        return real(store, path, *a, **k)

    monkeypatch.setattr(compaction_mod, "_write_merged", write)


def _crash_in_cleanup(after):
    def install(monkeypatch):
        real, calls = store_mod._remove_file, []

        def remove(path):
            if len(calls) == after:
                raise Crash
            calls.append(path)
            real(path)

        monkeypatch.setattr(store_mod, "_remove_file", remove)  # the parts a resume removes
        monkeypatch.setattr(compaction_mod, "_remove_file", remove)  # the parts a merge removes
    return install


def _disk_full_while_merging(monkeypatch):
    def write(*_a, **_k):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(store_mod.pq, "ParquetWriter", write)


@pytest.mark.parametrize("crash, error", [
    (_crash_after_timeseries, Crash),  # the merged time-series file landed, its summary partner did not
    (_crash_in_cleanup(0), Crash),  # the merged files landed, no part removed yet
    (_crash_in_cleanup(5), Crash),  # some parts removed, the ledger not rewritten
    (_disk_full_while_merging, OSError),
], ids=["after-timeseries", "before-cleanup", "mid-cleanup", "disk-full"])
def test_a_crash_while_merging_leaves_every_run_once_and_resume_finishes(tmp_path, monkeypatch, crash, error):
    kw = dict(replications=40, seed=5, workers=1, chunk_size=4, run_fn=toy_run, timeseries=True)
    reference = run_batch([ToyScenario()], out=tmp_path / "reference", **kw)
    out = tmp_path / "r"
    run_batch([ToyScenario()], out=out, compact=False, **kw)
    crash(monkeypatch)
    with pytest.raises(error):
        compact(ResultsStore.open(out))
    monkeypatch.undo()
    assert len(_files(out)) > 1 and not list(out.rglob("*.tmp"))
    _same(out, reference.path)  # every run once, through load_results
    paths = load_results(out).report(tmp_path / "report")  # the integrity check passes; the report is whole
    summary = pd.read_csv(paths["summary"])
    assert summary["n_runs"].tolist() == [40] and summary.equals(pd.read_csv(reference.report()["summary"]))
    assert pd.read_csv(paths["lead_bands"]).equals(pd.read_csv(reference.report()["lead_bands"]))
    # resume: nothing left to run; the merge is finished and the folder is clean
    assert len(ResultsStore.open(out).completed_run_ids()) == 40
    run_batch([ToyScenario()], out=out, **kw)
    assert len(_files(out)) == len(_files(out, "timeseries")) == 1 and all(is_merged_part(p.name) for p in
                                                                          _files(out) + _files(out, "timeseries"))
    ledger = sorted(line.split("  ", 1)[1] for line in (out / "checksums.sha256").read_text().splitlines())
    assert ledger == sorted(["design.parquet", *(p.relative_to(out).as_posix()
                                                  for p in _files(out) + _files(out, "timeseries"))])
    assert ResultsStore.open(out).damaged_files() == []
    _same(out, reference.path)


def test_kill_9_between_merge_and_cleanup(tmp_path):
    kw = dict(replications=24, seed=2, workers=1, chunk_size=4, run_fn=toy_run, timeseries=True)
    out = tmp_path / "r"
    first = run_batch([ToyScenario()], out=out, compact=False, **kw)
    code = textwrap.dedent(f"""
        import os, signal
        from wargame.batch import compaction, store
        compaction._remove_file = lambda path: os.kill(os.getpid(), signal.SIGKILL)  # die before removing a part
        compaction.compact(store.ResultsStore.open({str(out)!r}))
    """)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == -signal.SIGKILL, done.stderr
    merged = [p for p in _files(out) if is_merged_part(p.name)]
    assert len(merged) == 1 and len(_files(out)) == 7  # the merged file and the 6 parts it replaces
    assert main(["report", str(out), "--quiet"]) == 0
    assert pd.read_csv(out / "report" / "summary.csv")["n_runs"].tolist() == [24]
    pd.testing.assert_frame_equal(load_results(out).runs(), first.runs())
    run_batch([ToyScenario()], out=out, **kw)  # resume removes the replaced parts
    assert _files(out) == merged
    pd.testing.assert_frame_equal(load_results(out).runs(), first.runs())


def test_resume_after_compaction(tmp_path):
    kw = dict(replications=30, seed=4, workers=1, chunk_size=5, run_fn=toy_run, timeseries=True)
    out = tmp_path / "r"
    first = run_batch([ToyScenario()], out=out, **kw)
    stamp = {p: p.stat().st_mtime_ns for p in _files(out) + _files(out, "timeseries")}
    assert len(stamp) == 2
    again = run_batch([ToyScenario()], out=out, **kw)  # complete: nothing runs, nothing is rewritten
    assert {p: p.stat().st_mtime_ns for p in _files(out) + _files(out, "timeseries")} == stamp
    _same(first.path, again.path)
    # a lost merged file: its runs run again and are merged again
    for p in stamp:
        p.unlink()
    run_batch([ToyScenario()], out=out, **kw)
    assert len(_files(out)) == 1
    pd.testing.assert_frame_equal(load_results(out).runs(), first.runs())


def test_damaged_merged_file_brings_back_the_parts_it_replaced(tmp_path, monkeypatch):
    kw = dict(replications=20, seed=6, workers=1, chunk_size=4, run_fn=toy_run, timeseries=True)
    out = tmp_path / "r"
    first = run_batch([ToyScenario()], out=out, compact=False, **kw)
    _crash_in_cleanup(0)(monkeypatch)
    with pytest.raises(Crash):
        compact(ResultsStore.open(out))
    monkeypatch.undo()
    (merged,) = [p for p in _files(out) if is_merged_part(p.name)]
    _flip(merged, merged.stat().st_size // 2)
    with pytest.warns(api.BatchWarning, match=f"chunks/{merged.name}.*quarantine"):
        again = run_batch([ToyScenario()], out=out, **kw)
    assert len(list((out / "quarantine").rglob("*.parquet"))) == 2  # the damaged pair, set aside
    pd.testing.assert_frame_equal(again.runs(), first.runs())  # from the parts, none run twice
    assert len(_files(out)) == 1 and again.store.damaged_files() == []


def test_a_damaged_part_is_not_merged_and_resume_reruns_it(tmp_path):
    kw = dict(replications=20, seed=6, workers=1, chunk_size=4, run_fn=toy_run, timeseries=True)
    out = tmp_path / "r"
    first = run_batch([ToyScenario()], out=out, compact=False, **kw)
    victim = _files(out)[2]
    _flip(victim, victim.stat().st_size // 2)
    messages = compact(ResultsStore.open(out))
    assert len(messages) == 1 and f"chunks/{victim.name}: its SHA-256 differs" in messages[0]
    assert "not merged" in messages[0] and "run ids 8 to 11" in messages[0]
    assert victim in _files(out) and len(_files(out)) == 2  # the damaged part stays apart, never laundered
    with pytest.warns(api.BatchWarning, match=f"chunks/{victim.name}"):
        again = run_batch([ToyScenario()], out=out, **kw)
    pd.testing.assert_frame_equal(again.runs(), first.runs())
    assert len(_files(out)) == 2 and again.store.damaged_files() == []  # the first merge and the re-run part merged


def test_reader_lists_again_when_a_running_batch_merges_the_parts(tmp_path, monkeypatch):
    res = run_batch([ToyScenario()], replications=12, seed=1, workers=1, chunk_size=3, run_fn=toy_run,
                    timeseries=True, out=tmp_path / "r", compact=False)
    expected = res.runs()
    reader = load_results(res.path)
    stale = reader.store.summary_parts()  # listed just before the batch merged and removed them
    compact(ResultsStore.open(res.path))
    real, calls = ResultsStore.summary_parts, []

    def listing(self):
        calls.append(1)
        return stale if len(calls) == 1 else real(self)

    monkeypatch.setattr(ResultsStore, "summary_parts", listing)
    pd.testing.assert_frame_equal(reader.runs(), expected)
    assert len(calls) >= 2


# -- time series: off by default -----------------------------------------------------------------------------


def test_time_series_are_off_by_default_and_on_with_the_flag(tmp_path):
    from wargame.cli import build_parser

    parser = build_parser()
    assert parser.parse_args(["batch"]).timeseries is False
    assert parser.parse_args(["batch", "--timeseries"]).timeseries is True
    assert parser.parse_args(["batch", "--no-timeseries"]).timeseries is False  # older commands still work
    off = run_batch([ToyScenario()], replications=4, workers=1, run_fn=toy_run, out=tmp_path / "off")
    assert off.manifest["timeseries"] is False and not _files(off.path, "timeseries")
    on = run_batch([ToyScenario()], replications=4, workers=1, run_fn=toy_run, out=tmp_path / "on",
                   timeseries=True)
    assert on.manifest["timeseries"] is True and set(on.timeseries()["run_id"]) == set(range(4))
    # with and without series are two batches: each has its own default folder
    plans = [api.plan_batch([ToyScenario()], replications=4, timeseries=ts) for ts in (False, True)]
    assert plans[0].default_out != plans[1].default_out
    # ... and with series, the folder name is the one it had when series were the default (it resumes there)
    ident = {k: plans[1].manifest[k] for k in ("scenarios", "design_hash", "master_seed", "code_version")}
    digest = hashlib.sha256(json.dumps(ident, sort_keys=True).encode()).hexdigest()[:12]
    assert plans[1].default_out.name == f"batch-{digest}"


def test_cli_batch_without_and_with_timeseries(tmp_path, capsys):
    off, on = tmp_path / "off", tmp_path / "on"
    assert main(["batch", "-n", "2", "--workers", "1", "--quiet", "--out", str(off)]) == 0
    assert main(["batch", "-n", "2", "--workers", "1", "--quiet", "--timeseries", "--out", str(on)]) == 0
    assert json.loads((off / "manifest.json").read_text())["timeseries"] is False
    assert not _files(off, "timeseries") and len(_files(on, "timeseries")) == 1
    capsys.readouterr()
    # the report of a batch without series says how to get the fan charts, and does not fail
    assert main(["report", str(off), "--quiet"]) == 0
    captured = capsys.readouterr()
    assert "note: this batch stored no time series" in captured.err and "--timeseries" in captured.err
    assert sorted(p.name for p in (off / "report").iterdir()) == ["scores.csv", "summary.csv"]
    assert "lead_bands" not in captured.out
    assert main(["report", str(on), "--quiet"]) == 0
    assert "note:" not in capsys.readouterr().err
    assert (on / "report" / "fan_baseline.png").is_file() and (on / "report" / "lead_bands.csv").is_file()


def test_report_api_without_series(tmp_path):
    res = run_batch([ToyScenario()], replications=5, workers=1, run_fn=toy_run, out=tmp_path / "r")
    assert set(res.report()) == {"summary", "scores"}
    with pytest.raises(StoreError, match="no time series.*--timeseries.*timeseries=True"):
        res.lead_bands()


def test_resumed_folder_keeps_its_time_series_setting(tmp_path):
    out = tmp_path / "r"
    run_batch([ToyScenario()], replications=4, workers=1, run_fn=toy_run, out=out, timeseries=True)
    with pytest.raises(store_mod.StoreMismatchError, match="time-series setting: folder has true, this batch has "
                                                            "false"):
        run_batch([ToyScenario()], replications=4, workers=1, run_fn=toy_run, out=out)
    assert len(load_results(out).timeseries()["run_id"].unique()) == 4  # untouched
