import re

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
                 "--quiet", "--timeseries"])
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
    # a subset run writes its own files and never overwrites the full run's
    assert main(["sensitivity", str(out), "--outcome", "final_lead_months", "--quiet",
                 "--parameters", "parameters.distillation_rate"]) == 0
    assert "sensitivity_morris_final_lead_months_only-distillation_rate.csv" in capsys.readouterr().out
    assert len(pd.read_csv(out / "report" / "sensitivity_morris_final_lead_months.csv")) == 2
    subset = pd.read_csv(out / "report" / "sensitivity_morris_final_lead_months_only-distillation_rate.csv")
    assert subset["parameter"].tolist() == ["parameters.distillation_rate"]
    assert (out / "report" / "sensitivity_morris_final_lead_months_only-distillation_rate.png").is_file()
    # every numeric summary column is an outcome, integer counts included
    assert main(["sensitivity", str(out), "--outcome", "major_incidents", "--quiet"]) == 0
    capsys.readouterr()
    # an outcome that never varies: a warning that the indices are undefined, NaN in the table, exit 0
    assert main(["sensitivity", str(out), "--outcome", "seasons_played"]) == 0
    captured = capsys.readouterr()
    assert "warning: scenario 'baseline': the outcome 'seasons_played' is 10 in all 12 samples" in captured.err
    assert "indices are undefined" in captured.err and "undefined" in captured.out
    const = pd.read_csv(out / "report" / "sensitivity_morris_seasons_played.csv")
    assert const[["mu", "mu_star", "mu_star_conf", "sigma"]].isna().all().all()


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
    # bootstrap confidence intervals are reproducible: seeded from the batch's master seed
    again = res.sensitivity("final_lead_months")
    pd.testing.assert_frame_equal(idx, again)
    assert idx["S1_conf"].gt(0).all()
    from wargame.batch.sensitivity import analyze, bootstrap_seed

    master = res.manifest["master_seed"]
    pd.testing.assert_frame_equal(idx, analyze(res, "final_lead_months", seed=bootstrap_seed(master)))
    other = analyze(res, "final_lead_months", seed=bootstrap_seed(master + 1))
    assert not other["S1_conf"].equals(idx["S1_conf"])
    assert bootstrap_seed(0) != 0  # SALib ignores a seed of 0


def test_constant_outcome_warns_and_gives_nan_from_api(tmp_path):
    from wargame.batch import run_batch
    from wargame.batch.sensitivity import ConstantOutcomeWarning

    sweep = tmp_path / "s.toml"
    sweep.write_text(SWEEP)
    res = run_batch("baseline", sweep=sweep, method="sobol", n=4, replications=1, workers=1,
                    out=tmp_path / "sobol")
    assert res.runs()["seasons_played"].eq(10).all()  # every game lasts the horizon: no variance
    with pytest.warns(ConstantOutcomeWarning, match="'seasons_played' is 10 in all 16 samples"):
        idx = res.sensitivity("seasons_played")
    assert idx[["S1", "S1_conf", "ST", "ST_conf"]].isna().all().all() and len(idx) == 2
    varying = res.sensitivity("final_lead_months")
    assert varying[["S1", "ST"]].notna().all().all()


@pytest.mark.parametrize("command", ["batch", "sensitivity"])
@pytest.mark.parametrize("value", ["-1", "abc", "1.5"])
def test_bad_seed_names_the_option(capsys, command, value):
    argv = [command, "--seed", value] if command == "batch" else [command, "dir", "--seed", value]
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert f"wargame {command}: error: argument --seed: seed must be" in err and f"got '{value}'" in err
    assert "invalid int value" not in err


@pytest.mark.parametrize("command", ["batch", "report", "sensitivity"])
def test_help_shows_single_percent_signs(capsys, command):
    with pytest.raises(SystemExit):
        main([command, "--help"])
    text = capsys.readouterr().out
    assert "%%" not in text
    if command != "sensitivity":
        assert "Wilson 95% intervals" in " ".join(text.split())


def test_scenario_paths_with_the_same_name_stay_distinct(tmp_path, capsys):
    from wargame.scenario import scenario_dir

    text = (scenario_dir() / "baseline.toml").read_text()
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "x.toml").write_text(text)
    (tmp_path / "b" / "x.toml").write_text(re.sub(r"(?m)^enmity = [0-9.]+", "enmity = 2.5", text))
    out = tmp_path / "r"
    assert main(["batch", "--scenario", str(tmp_path / "a" / "x.toml"), "--scenario", str(tmp_path / "b" / "x.toml"),
                 "-n", "2", "--workers", "1", "--timeseries", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "baseline (a/x)" in printed and "baseline (b/x)" in printed  # full labels, not a truncated path
    assert str(tmp_path)[:14] not in printed.split("results:")[0]
    assert main(["report", str(out), "--quiet"]) == 0
    report = sorted(p.name for p in (out / "report").glob("fan_*.png"))
    assert report == ["fan_baseline_a_x.png", "fan_baseline_b_x.png", "fan_compare.png"]


@pytest.mark.parametrize("argv, message", [
    (["batch", "--set", "parameters.enmitty=1"], "unknown field 'enmitty'"),
    (["batch", "--set", "parameters.enmity=-3"], "greater than or equal to 0"),
    (["batch", "--set", "parameters.enmity=0.3,,0.5"], "an empty value between commas"),
    (["batch", "--set", "parameters.enmity=0.3,"], "an empty value between commas"),
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


def test_a_damaged_manifest_is_refused_by_report_and_resume(tmp_path, capsys):
    out = tmp_path / "r"
    assert main(["batch", "-n", "2", "--workers", "1", "--quiet", "--out", str(out)]) == 0
    (out / "manifest.json").write_text("{}")
    capsys.readouterr()
    for argv in (["report", str(out)], ["batch", "-n", "2", "--workers", "1", "--quiet", "--out", str(out)]):
        assert main(argv) == 2
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and "manifest.json: damaged manifest (missing format, master_seed" in err[0], err


def test_bad_sweep_file_and_wrong_batch_kind(tmp_path, capsys):
    bad = tmp_path / "bad.toml"
    bad.write_text("[[factor]]\nname = 'parameters.enmity'\nlow = 2\nhigh = 1\n")
    assert main(["batch", "--sweep", str(bad), "--lhs", "4", "--out", str(tmp_path / "x")]) == 2
    assert f"{bad}: factor[0]: low must be below high" in capsys.readouterr().err
    out = tmp_path / "grid"
    assert main(["batch", "-n", "2", "--workers", "1", "--quiet", "--out", str(out)]) == 0
    assert main(["sensitivity", str(out)]) == 2
    assert "need a batch run with --sobol N or --morris N" in capsys.readouterr().err


def test_resuming_a_folder_of_an_older_version_exits_2_naming_both_versions(tmp_path, capsys):
    import json

    import wargame
    from wargame.batch.api import plan_batch
    from wargame.batch.store import ResultsStore

    out = tmp_path / "old"
    plan = plan_batch("baseline", replications=1)
    ResultsStore.create_or_resume(out, plan.design, {**plan.manifest, "code_version": "0.1.0"})
    assert json.loads((out / "manifest.json").read_text())["code_version"] == "0.1.0"
    assert main(["batch", "-n", "1", "--workers", "1", "--quiet", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"wargame batch: error: results folder {out} was written by wargame 0.1.0; "
                          f"this is wargame {wargame.__version__}")
    assert "Use a new folder (--out NEW_DIR)" in err and "Traceback" not in err
    assert not list((out / "chunks").glob("part-*"))  # nothing ran
    assert main(["sensitivity", str(out), "--sweep", str(_sweep(tmp_path)), "--morris", "2", "-n", "1",
                 "--quiet"]) == 2
    assert "was written by wargame 0.1.0" in capsys.readouterr().err


def _sweep(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text(SWEEP)
    return path


TOY_SWEEP = """
[[factor]]
name = "parameters.drift"
low = -1.0
high = 1.0

[[factor]]
name = "parameters.noise"
low = 0.5
high = 3.0
"""


def test_sensitivity_of_a_seat_score(tmp_path, capsys):
    from wargame.batch import run_batch
    from wargame.batch.sensitivity import SensitivityError, analyze
    from wargame.batch.testing import ToyScenario, ToySeat, toy_run

    sweep = tmp_path / "toy.toml"
    sweep.write_text(TOY_SWEEP)
    eu = ToyScenario(name="b", players=[ToySeat(id="us", side=1), ToySeat(id="eu", side=-1)])
    res = run_batch([ToyScenario(name="a"), eu], sweep=sweep, method="morris", n=4, replications=2, workers=1,
                    out=tmp_path / "m", run_fn=toy_run)
    idx = analyze(res, "score_us")
    assert idx["parameter"].tolist() == ["parameters.drift", "parameters.noise"] * 2
    drift = idx[idx["parameter"] == "parameters.drift"]
    assert (drift["mu_star"] > 0).all()
    with pytest.raises(SensitivityError, match="scenario 'a': no run recorded 'score_eu'"):
        analyze(res, "score_eu")
    assert len(analyze(res, "score_eu", scenario="b")) == 2
    with pytest.raises(SensitivityError, match="or a seat score: score_us, score_prc, score_eu"):
        analyze(res, "score_nobody")
    assert main(["sensitivity", str(res.path), "--outcome", "score_prc", "--only-scenario", "a", "--quiet"]) == 0
    assert "sensitivity_morris_score_prc_scenario-a.csv" in capsys.readouterr().out
