import duckdb
import pandas as pd
import polars as pl
import pytest

from wargame.batch import load_results
from wargame.cli import main

SWEEP = """
[[factor]]
name = "parameters.diffusion_share_per_quarter"
low = 0.05
high = 0.45

[[factor]]
name = "parameters.distillation_rate"
low = 0.0
high = 0.5
"""


def test_batch_with_no_arguments_runs_baseline_and_prints_probabilities(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["batch"]) == 0
    out = capsys.readouterr().out
    assert "P(S1) [95% CI]" in out and "P(S2) [95% CI]" in out and "P(contested) [95% CI]" in out
    assert "baseline" in out and "(100 runs, 0 failed)" in out
    folders = list((tmp_path / "results").glob("batch-*"))
    assert len(folders) == 1
    res = load_results(folders[0])
    assert len(res.runs()) == 100 and res.manifest["master_seed"] == 1
    # the same command again resumes the same folder (nothing left to run) and prints the same table
    assert main(["batch"]) == 0
    assert capsys.readouterr().out == out
    assert list((tmp_path / "results").glob("batch-*")) == folders


def test_grid_batch_report_and_store_queries(tmp_path, capsys):
    out = tmp_path / "grid"
    code = main(["batch", "--scenario", "baseline", "--scenario", "loopholes", "--set",
                 "parameters.enmity=0.2,1.5", "-n", "5", "--seed", "9", "--workers", "2", "--out", str(out),
                 "--quiet"])
    assert code == 0
    assert capsys.readouterr().out.strip() == f"results: {out}  (20 runs, 0 failed)"
    assert main(["report", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "parameters.enmity=1.5" in printed
    for name in ("summary.csv", "lead_bands.csv", "fan_baseline.png", "fan_loopholes.png", "fan_compare.png"):
        assert (out / "report" / name).is_file(), name
    summary = pd.read_csv(out / "report" / "summary.csv")
    assert len(summary) == 4 and (summary["n_ok"] == 5).all()
    # the store is readable by DuckDB and polars, as docs/batch.md shows
    q = duckdb.sql(f"""
        SELECT d.scenario, d."parameters.enmity" AS enmity, avg((r.outcome = 'S1')::INT) AS p_s1, count(*) AS n
        FROM read_parquet('{out}/chunks/part-*.parquet') r
        JOIN read_parquet('{out}/design.parquet') d USING (run_id)
        WHERE r.status = 'ok' GROUP BY ALL ORDER BY ALL""").df()
    assert q["n"].tolist() == [5, 5, 5, 5]
    merged = summary.sort_values(["scenario", "parameters.enmity"])
    assert q["p_s1"].tolist() == pytest.approx(merged["p_S1"].tolist())
    lead = (pl.scan_parquet(f"{out}/timeseries/part-*.parquet")
            .filter(pl.col("variable") == "lead_months")
            .group_by("season").agg(pl.col("value").median().alias("median")).sort("season").collect())
    assert lead.height == 11 and lead["season"][-1] == "2028Q4"


def test_sensitivity_runs_batch_and_writes_indices(tmp_path, capsys):
    sweep = tmp_path / "s.toml"
    sweep.write_text(SWEEP)
    out = tmp_path / "morris"
    assert main(["sensitivity", str(out), "--sweep", str(sweep), "--morris", "4", "-n", "2", "--workers", "2",
                 "--outcome", "final_lead_months", "--quiet"]) == 0
    idx = pd.read_csv(out / "report" / "sensitivity_morris_final_lead_months.csv")
    assert idx["parameter"].tolist() == ["parameters.diffusion_share_per_quarter", "parameters.distillation_rate"]
    assert (idx["mu_star"] >= 0).all() and idx["mu_star"].gt(0).any()
    assert (out / "report" / "sensitivity_morris_final_lead_months.png").read_bytes()[:4] == b"\x89PNG"
    capsys.readouterr()
    # analyse the same batch against another outcome, reporting one parameter
    assert main(["sensitivity", str(out), "--outcome", "adoption_share_us",
                 "--parameters", "parameters.distillation_rate"]) == 0
    printed = capsys.readouterr().out
    assert "parameters.distillation_rate" in printed and "diffusion_share" not in printed


def test_sobol_sensitivity_from_api(tmp_path):
    from wargame.batch import run_batch

    sweep = tmp_path / "s.toml"
    sweep.write_text(SWEEP)
    res = run_batch("baseline", sweep=sweep, method="sobol", n=8, replications=2, workers=2,
                    out=tmp_path / "sobol")
    assert len(res.design()) == 8 * (2 + 2) * 2
    idx = res.sensitivity("final_lead_months")
    assert list(idx.columns) == ["scenario", "method", "outcome", "parameter", "S1", "S1_conf", "ST", "ST_conf"]
    assert len(idx) == 2 and idx[["S1", "ST"]].notna().all().all()


@pytest.mark.parametrize("argv, message", [
    (["batch", "--set", "parameters.enmitty=1"], "unknown field 'enmitty'"),
    (["batch", "--set", "parameters.enmity=-3"], "greater than or equal to 0"),
    (["batch", "--scenario", "atlantis"], "unknown scenario 'atlantis'"),
    (["batch", "--lhs", "4"], "--lhs needs a sweep file"),
    (["batch", "--scheduler", "tcp://127.0.0.1:1"], "--scheduler needs --engine dask"),
    (["report", "nowhere"], "not a batch results folder"),
    (["sensitivity", "nowhere"], "not a batch results folder"),
])
def test_usage_errors_exit_2_with_a_message(tmp_path, monkeypatch, capsys, argv, message):
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"wargame {argv[0]}: error:") and message in err
    assert not (tmp_path / "results").exists()


def test_bad_sweep_file_and_wrong_batch_kind(tmp_path, capsys):
    bad = tmp_path / "bad.toml"
    bad.write_text("[[factor]]\nname = 'parameters.enmity'\nlow = 2\nhigh = 1\n")
    assert main(["batch", "--sweep", str(bad), "--lhs", "4", "--out", str(tmp_path / "x")]) == 2
    assert f"{bad}: factor[0]: low must be below high" in capsys.readouterr().err
    out = tmp_path / "grid"
    assert main(["batch", "-n", "2", "--workers", "1", "--quiet", "--out", str(out)]) == 0
    assert main(["sensitivity", str(out)]) == 2
    assert "need a batch run with --sobol N or --morris N" in capsys.readouterr().err
