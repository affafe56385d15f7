"""A results folder that cannot lie: damaged parts, concurrent batches, huge sizes, orphans, loose overrides,
a full disk. Each test replays an attack that today's store let through."""

import errno
import json
import os
import signal
import subprocess
import sys
import time

import pandas as pd
import pyarrow.parquet as pq
import pytest

from wargame.batch import api, load_results, run_batch
from wargame.batch.store import DamagedStoreError, ResultsStore, StoreError
from wargame.batch.testing import ToyScenario, toy_run
from wargame.cli import main

BATCH = ["batch", "-n", "6", "--seed", "4", "--workers", "1", "--chunk-size", "2", "--quiet", "--timeseries"]


def _flip(path, offset, n=8):
    data = bytearray(path.read_bytes())
    for i in range(offset, offset + n):
        data[i] ^= 0xFF
    path.write_bytes(bytes(data))


def _runs(path):
    return load_results(path).runs().sort_values("run_id", ignore_index=True)


# -- 1. integrity ------------------------------------------------------------------------------------------


def test_flipped_bytes_are_refused_by_report_and_repaired_by_resume(tmp_path, capsys):
    out, clean = tmp_path / "r", tmp_path / "clean"
    assert main([*BATCH, "--out", str(out)]) == 0
    assert main([*BATCH, "--out", str(clean)]) == 0
    (part,) = sorted((out / "chunks").glob("part-*.parquet"))  # the 3 chunks, merged once the batch completed
    original = part.read_bytes()
    _flip(part, len(original) // 2)  # 8 bytes in the middle of the summary file
    capsys.readouterr()
    assert main(["report", str(out), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("wargame report: error:") and f"chunks/{part.name}" in err
    assert "SHA-256 differs" in err and "resume" in err and "Traceback" not in err
    assert not (out / "report").exists()  # nothing written from a damaged folder
    assert main([*BATCH, "--out", str(out)]) == 0  # resume repairs it
    err = capsys.readouterr().err
    assert f"chunks/{part.name}" in err and "quarantine" in err and "run ids 0 to 5" in err and "run again" in err
    kept = list((out / "quarantine").glob(f"*/chunks/{part.name}"))
    assert len(kept) == 1 and kept[0].read_bytes() != original  # set aside, not deleted
    assert (out / "quarantine" / kept[0].parent.parent.name / "timeseries" / part.name).is_file()
    pd.testing.assert_frame_equal(_runs(out), _runs(clean))
    pd.testing.assert_frame_equal(load_results(out).timeseries(), load_results(clean).timeseries())
    assert main(["report", str(out), "--quiet"]) == 0
    # the ledger was compacted: one line per file present, checkable with sha256sum -c
    ledger = (out / "checksums.sha256").read_text().splitlines()
    files = ["design.parquet", *(f"{d}/{p.name}" for d in ("chunks", "timeseries")
                                 for p in (out / d).glob("part-*.parquet"))]
    assert sorted(line.split("  ", 1)[1] for line in ledger) == sorted(files)


def test_truncated_part_and_damaged_design_are_repaired_on_resume(tmp_path):
    out = tmp_path / "r"
    kw = dict(replications=9, seed=2, workers=1, chunk_size=3, out=out, run_fn=toy_run, timeseries=True)
    first = run_batch([ToyScenario()], **kw, compact=False).runs()  # one part per chunk
    part, other = sorted((out / "chunks").glob("part-*.parquet"))[:2]
    part.write_bytes(part.read_bytes()[: part.stat().st_size // 2])  # a torn copy
    (out / "timeseries" / other.name).unlink()  # a lost time-series part
    _flip(out / "design.parquet", (out / "design.parquet").stat().st_size // 2)
    with pytest.raises(DamagedStoreError, match=f"chunks/{part.name}"):
        load_results(out).report()
    with pytest.warns(api.BatchWarning) as caught:
        again = run_batch([ToyScenario()], **kw)
    text = " ".join(str(w.message) for w in caught)
    assert f"chunks/{part.name}" in text and "design.parquet" in text and "written again" in text
    assert f"chunks/{other.name}: its time-series part is missing" in text
    pd.testing.assert_frame_equal(again.runs(), first)
    assert again.store.damaged_files() == []
    assert sorted(p.name for p in (out / "quarantine").rglob("*.parquet")) == sorted(
        ["design.parquet", part.name, part.name, other.name])  # the torn pair, the orphaned summary, the design


def test_every_read_checks_parquet_page_checksums(tmp_path):
    res = run_batch([ToyScenario()], replications=4, seed=1, workers=1, out=tmp_path / "r", run_fn=toy_run)
    part = sorted((res.path / "chunks").glob("part-*.parquet"))[0]
    meta = pq.ParquetFile(part).metadata.row_group(0).column(
        pq.ParquetFile(part).schema_arrow.get_field_index("final_lead_months"))
    start = meta.dictionary_page_offset or meta.data_page_offset
    _flip(part, start + meta.total_compressed_size - 4, n=1)  # one bit pattern inside a data page's body
    with pytest.raises(DamagedStoreError, match=rf"{part.name}: damaged or unreadable.*Re-run the batch"):
        load_results(res.path).runs()


# -- 2. one batch per folder -------------------------------------------------------------------------------


def test_second_batch_on_a_folder_in_use_is_refused_until_the_holder_dies(tmp_path, capsys):
    out = tmp_path / "r"
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time; from wargame.batch.lock import FolderLock; "
                               f"FolderLock({str(out)!r}).acquire(); print('locked', flush=True); time.sleep(120)"],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        assert main([*BATCH, "--out", str(out)]) == 2
        err = capsys.readouterr().err
        assert err.startswith(f"wargame batch: error: results folder {out} is in use by process {holder.pid}")
        assert "started 20" in err and "two batches must not write one folder at once" in err
        assert not (out / "chunks").exists()  # nothing was written
        os.kill(holder.pid, signal.SIGKILL)  # the OS releases the lock of a dead process
        holder.wait(timeout=10)
    finally:
        holder.kill()
        holder.stdout.close()
    assert main([*BATCH, "--out", str(out)]) == 0
    runs = _runs(out)
    assert runs["run_id"].tolist() == list(range(6))
    assert json.loads((out / ".lock").read_text())["pid"] == os.getpid()


# -- 3. size guard -----------------------------------------------------------------------------------------


SWEEP = "[[factor]]\nname = 'parameters.enmity'\nlow = 0.2\nhigh = 1.5\n"


@pytest.mark.parametrize("argv, size", [
    (["--sobol", str(2**40)], "329,853,488,332,800 runs"),  # 2**40 x (1 + 2) samples x 100 replications
    (["--lhs", str(10**9)], "100,000,000,000 runs"),
    (["-n", str(10**9)], None),
])
def test_oversized_batches_are_refused_in_one_line_before_anything_is_built(tmp_path, monkeypatch, capsys,
                                                                           argv, size):
    from wargame.batch import design

    def never(*_a, **_k):
        raise AssertionError("the design must not be built")

    monkeypatch.setattr(design, "build_design", never)
    monkeypatch.setattr(design, "make_samples", never)
    sweep = tmp_path / "s.toml"
    sweep.write_text(SWEEP)
    extra = ["--sweep", str(sweep)] if argv[0] != "-n" else []
    assert main(["batch", *argv, *extra, "--out", str(tmp_path / "r")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("wargame batch: error: ") and "Traceback" not in err
    assert (size or "1,000,000,000 runs") in err and "on disk" in err and "memory" in err
    assert not (tmp_path / "r").exists()
    # --yes lifts the run limit, but not a plan that cannot fit in memory
    assert main(["batch", *argv, *extra, "--yes", "--out", str(tmp_path / "r")]) == 2
    assert "even with --yes" in capsys.readouterr().err


def test_size_is_announced_and_yes_lifts_the_limit(tmp_path, monkeypatch, capsys):
    from wargame.batch import sizing

    monkeypatch.setattr(sizing, "MAX_RUNS", 5)
    cmd = ["batch", "-n", "6", "--workers", "1", "--out", str(tmp_path / "r")]
    assert main(cmd) == 2
    assert "over the limit of 5 runs" in capsys.readouterr().err
    assert main([*cmd, "--yes"]) == 0
    err = capsys.readouterr().err
    assert "batch of 6 runs (1 scenario(s) x 1 sample(s) x 6 replications): about" in err
    assert "on disk" in err and "with 1 worker(s)" in err


def test_sample_count_matches_the_samplers(tmp_path):
    from wargame.batch.design import load_sweep, make_samples
    from wargame.batch.sizing import sample_count

    sweep = tmp_path / "s.toml"
    sweep.write_text(SWEEP + "\n[[factor]]\nname = 'parameters.visibility'\nvalues = [0.0, 1.0]\n"
                     "\n[[factor]]\nname = 'parameters.distillation_rate'\nlow = 0.0\nhigh = 0.5\n")
    s = load_sweep(sweep)
    grid = {"parameters.diffusion_share_per_quarter": [0.1, 0.2, 0.3]}
    assert sample_count(grid, s, "lhs", 5) == len(make_samples(grid=grid, sweep=s, method="lhs", n=5).table) == 30
    solo = load_sweep(tmp_path / "s.toml")
    solo.factor = [f for f in solo.factor if f.is_range]
    assert sample_count({}, solo, "sobol", 4) == len(make_samples(sweep=solo, method="sobol", n=4).table) == 16
    assert sample_count({}, solo, "morris", 2) == len(make_samples(sweep=solo, method="morris", n=2).table) == 6
    assert sample_count(grid, None, None, None) == 3


# -- 4. no orphans -----------------------------------------------------------------------------------------


def _descendants(pid):
    try:
        import psutil
    except ImportError:  # /proc: children of each process, by the ppid field of /proc/<pid>/stat
        kids: dict[int, list[int]] = {}
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    with open(f"/proc/{entry}/stat") as fh:
                        stat = fh.read()
                except OSError:
                    continue
                kids.setdefault(int(stat[stat.rfind(")") + 2:].split()[1]), []).append(int(entry))
        out, todo = [], [pid]
        while todo:
            for k in kids.get(todo.pop(), []):
                out.append(k)
                todo.append(k)
        return out
    return [p.pid for p in psutil.Process(pid).children(recursive=True)]


def _alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as fh:
            stat = fh.read()
    except OSError:
        return False
    return stat[stat.rfind(")") + 2] not in "ZX"  # a zombie is dead, only not reaped yet


def test_workers_exit_when_the_batch_process_is_killed(tmp_path):
    out = tmp_path / "r"
    cmd = [sys.executable, "-m", "wargame.cli", "batch", "-n", "3000", "--seed", "9", "--workers", "2",
           "--chunk-size", "2", "--quiet", "--out", str(out)]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    children: list[int] = []
    try:
        deadline = time.monotonic() + 60
        while len(list((out / "chunks").glob("part-*"))) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        children = _descendants(proc.pid)
        assert len(children) >= 2, children  # the workers (and the fork server, the resource tracker)
        os.kill(proc.pid, signal.SIGKILL)  # only the batch process: its children are not signalled
        proc.wait(timeout=10)
        deadline = time.monotonic() + 5
        while any(map(_alive, children)) and time.monotonic() < deadline:
            time.sleep(0.1)
        left = [c for c in children if _alive(c)]
        assert not left, f"processes still alive 5 s after kill -9 of the batch: {left}"
    finally:
        for c in children:
            try:
                os.kill(c, signal.SIGKILL)
            except ProcessLookupError:
                pass
        proc.kill()
    from wargame.batch.lock import FolderLock

    with FolderLock(out):  # the dead batch's lock went with it
        pass


def test_workers_are_capped_at_four_per_core(tmp_path, capsys):
    from wargame.batch.workers import MAX_WORKERS_PER_CORE, cap_workers, default_workers

    cap = MAX_WORKERS_PER_CORE * default_workers()
    assert cap_workers(10**6) == (cap, cap_workers(10**6)[1]) and "lowered to" in cap_workers(10**6)[1]
    assert cap_workers(1) == (1, None) and cap_workers(None) == (default_workers(), None)
    assert main(["batch", "-n", "1", "--workers", "100000", "--quiet", "--out", str(tmp_path / "r")]) == 0
    assert f"warning: --workers 100000 lowered to {cap}" in capsys.readouterr().err


# -- 5. strict overrides -----------------------------------------------------------------------------------


@pytest.mark.parametrize("setting, message", [
    ("parameters.enmity=true", "parameters.enmity = True is a boolean (true/false), but parameters.enmity "
                               "takes a number"),
    ("labs.us_lab_a.distils=1", "takes a boolean (true/false)"),
    ("parameters.enmity='0.5'", "is text, but parameters.enmity takes a number"),
    ("parameters.enmity=0.3,0.30", "value 0.3 is listed more than once"),
])
def test_set_is_strict_and_refuses_repeated_levels(tmp_path, capsys, setting, message):
    assert main(["batch", "-n", "1", "--set", setting, "--out", str(tmp_path / "r")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("wargame batch: error:") and message in err
    assert not (tmp_path / "r").exists()


@pytest.mark.parametrize("values, message", [
    ("[true, 0.5]", "is a boolean (true/false), but parameters.enmity takes a number"),
    ("[1, 1.0]", "values must not repeat"),
])
def test_sweep_levels_are_strict_and_unique(tmp_path, capsys, values, message):
    sweep = tmp_path / "s.toml"
    sweep.write_text(f"[[factor]]\nname = 'parameters.enmity'\nvalues = {values}\n")
    assert main(["batch", "-n", "1", "--sweep", str(sweep), "--out", str(tmp_path / "r")]) == 2
    err = capsys.readouterr().err
    assert message in err and str(sweep) in err


# -- 6. full disk ------------------------------------------------------------------------------------------


@pytest.fixture
def small_disk(tmp_path, monkeypatch):
    """A folder on a 200 kB tmpfs (root), else one where writes past 200 kB raise ENOSPC (simulated).

    Yields ``(folder, grow)``: ``grow()`` makes room (remounts the tmpfs at 50 MB, or lifts the simulation).
    """
    disk = tmp_path / "disk"
    disk.mkdir()
    try:
        mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=200k", "tmpfs", str(disk)],
                                 capture_output=True).returncode == 0
    except OSError:  # no mount command
        mounted = False
    if mounted:
        def grow():
            subprocess.run(["mount", "-o", "remount,size=50m", str(disk)], check=True)
    else:
        from wargame.batch import store

        real = store.pq.write_table
        state = {"full": True}

        def write_table(table, where, **kw):
            used = sum(p.stat().st_size for p in disk.rglob("*") if p.is_file())
            if state["full"] and used > 200_000:
                raise OSError(errno.ENOSPC, "No space left on device")
            return real(table, where, **kw)

        monkeypatch.setattr(store.pq, "write_table", write_table)

        def grow():
            state["full"] = False
    try:
        yield disk / "r", grow
    finally:
        if mounted:
            subprocess.run(["umount", "-l", str(disk)], check=False)


def test_full_disk_exits_3_naming_the_folder_and_resume_completes(tmp_path, small_disk, capsys):
    out, grow = small_disk
    cmd = ["batch", "-n", "80", "--seed", "6", "--workers", "1", "--chunk-size", "2", "--quiet", "--timeseries"]
    assert main([*cmd, "--out", str(out)]) == 3
    err = capsys.readouterr().err
    assert err.startswith(f"wargame batch: error: the disk is full: cannot write to {out}")
    assert "re-run the same command to resume" in err and "Traceback" not in err
    done = ResultsStore.open(out).completed_run_ids()
    assert 0 < len(done) < 80
    assert not list(out.rglob("*.tmp"))  # no half-written file left to eat the space
    assert ResultsStore.open(out).damaged_files() == []  # what was written is whole
    grow()
    assert main([*cmd, "--out", str(out)]) == 0
    assert main([*cmd, "--out", str(tmp_path / "clean")]) == 0
    pd.testing.assert_frame_equal(_runs(out), _runs(tmp_path / "clean"))


def test_folder_written_before_the_ledger_still_reads_but_is_not_resumed(tmp_path):
    res = run_batch([ToyScenario()], replications=3, seed=1, workers=1, out=tmp_path / "r", run_fn=toy_run)
    manifest = json.loads((res.path / "manifest.json").read_text())
    manifest["format"] = "wargame-batch/2"  # written before the ledger: nothing to check against
    (res.path / "manifest.json").write_text(json.dumps(manifest))
    (res.path / "checksums.sha256").unlink()
    assert load_results(res.path).store.damaged_files() == []  # nothing recorded to check against
    assert set(load_results(res.path).report()) >= {"summary", "scores"}
    with pytest.raises(StoreError, match="store format"):
        run_batch([ToyScenario()], replications=3, seed=1, workers=1, out=res.path, run_fn=toy_run)
