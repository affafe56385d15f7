import subprocess
import sys
import textwrap

from wargame.batch import load_results, run_batch


def test_api_returns_dataframes(tmp_path):
    res = run_batch("tight_controls", replications=6, seed=2, workers=2, out=tmp_path / "r", timeseries=True)
    runs = res.runs()
    assert list(runs.columns[:5]) == ["run_id", "scenario", "sample_id", "replication", "seed"]
    assert {"status", "error", "outcome", "final_lead_months", "mean_race_pressure"} <= set(runs.columns)
    assert res.outcomes()[["p_S1", "p_S2", "p_contested"]].sum(axis=1).tolist() == [1.0]
    assert set(res.timeseries(["lead_months", "incidents"])["variable"]) == {"lead_months", "incidents"}
    assert res.lead_bands()["n"].eq(6).all()
    assert load_results(tmp_path / "r").runs().equals(runs)


def test_script_without_main_guard_and_notebook_style_code_work(tmp_path):
    # A script with no `if __name__ == "__main__"` guard: under spawn this would re-run itself in every
    # worker; our workers never import __main__. The -c form mimics a notebook (no importable __main__).
    code = textwrap.dedent(f"""
        from wargame.batch import run_batch
        res = run_batch("baseline", replications=4, workers=2, out={str(tmp_path / 'r')!r})
        print("RUNS", len(res.runs()), (res.runs().status == "ok").sum())
    """)
    script = tmp_path / "analysis.py"
    script.write_text(code)
    for argv in ([sys.executable, str(script)], [sys.executable, "-c", code]):
        done = subprocess.run(argv, capture_output=True, text=True, timeout=120, cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        assert done.stdout.count("RUNS 4 4") == 1
