import math

import numpy as np
import pandas as pd
import pytest

from wargame.batch import run_batch
from wargame.batch.report import format_scores, lead_bands, outcome_table, score_table, wilson_interval
from wargame.batch.testing import ToyScenario, ToySeat, toy_run


@pytest.mark.parametrize("k, n, low, high", [
    # Newcombe (1998), Statistics in Medicine 17:857-872, Table I, method 3 (Wilson score, no correction)
    (81, 263, 0.2553, 0.3662),
    (15, 148, 0.0624, 0.1605),
    (0, 20, 0.0000, 0.1611),
    (1, 29, 0.0061, 0.1718),
    # symmetric case and the upper edge (by symmetry with 0/29: 1 - 0.1170)
    (5, 10, 0.2366, 0.7634),
    (29, 29, 0.8830, 1.0000),
])
def test_wilson_interval_known_values(k, n, low, high):
    lo, hi = wilson_interval(k, n)
    assert lo == pytest.approx(low, abs=5e-5)
    assert hi == pytest.approx(high, abs=5e-5)


def test_wilson_interval_edges():
    assert all(math.isnan(v) for v in wilson_interval(0, 0))
    with pytest.raises(ValueError):
        wilson_interval(3, 2)
    lo, hi = wilson_interval(0, 1000)
    assert lo == 0.0 and 0 < hi < 0.004  # ~ z^2 / (n + z^2)
    lo99, hi99 = wilson_interval(30, 100, z=2.5758293035489)
    lo95, hi95 = wilson_interval(30, 100)
    assert lo99 < lo95 < 0.3 < hi95 < hi99


def test_outcome_table_counts_only_successful_runs():
    design = pd.DataFrame({"run_id": range(6), "scenario": "a", "sample_id": [0, 0, 0, 1, 1, 1],
                           "replication": [0, 1, 2] * 2, "seed": range(6), "parameters.x": [1.0] * 3 + [2.0] * 3})
    runs = design.assign(status=["ok", "ok", "error", "ok", "ok", "ok"],
                         outcome=["S1", "S2", None, "S1", "S1", "contested"],
                         final_lead_months=[13.0, 1.0, np.nan, 14.0, 15.0, 6.0],
                         incidents=[0, 1, np.nan, 0, 0, 2], mean_safety_share=[0.1] * 6)
    t = outcome_table(runs.iloc[:5], design).set_index("sample_id")  # last run not finished yet
    assert t.loc[0, "n_ok"] == 2 and t.loc[0, "n_error"] == 1 and t.loc[0, "n_planned"] == 3
    assert t.loc[0, "p_S1"] == 0.5 and t.loc[0, "p_S2"] == 0.5 and t.loc[0, "p_contested"] == 0
    assert (t.loc[0, "p_S1_lo"], t.loc[0, "p_S1_hi"]) == wilson_interval(1, 2)
    assert t.loc[1, "n_runs"] == 2 and t.loc[1, "p_S1"] == 1.0 and t.loc[1, "parameters.x"] == 2.0
    assert t.loc[1, "final_lead_median"] == 14.5


def test_lead_bands_quantiles():
    design = pd.DataFrame({"run_id": range(20), "scenario": "a", "sample_id": 0, "replication": range(20),
                           "seed": range(20)})
    vals = np.arange(20, dtype=float)
    ts = pd.DataFrame({"run_id": np.tile(range(20), 2), "season": ["2026Q3"] * 20 + ["2026Q4"] * 20,
                       "variable": "lead_months", "value": np.concatenate([vals, vals * 2])})
    b = lead_bands(ts, design).set_index("season")
    assert b.loc["2026Q3", "n"] == 20
    assert b.loc["2026Q3", "median"] == np.median(vals)
    assert b.loc["2026Q4", "q05"] == pytest.approx(np.quantile(vals * 2, 0.05))
    assert b.loc["2026Q4", "q95"] == pytest.approx(np.quantile(vals * 2, 0.95))


def test_write_report_files(tmp_path):
    res = run_batch([ToyScenario()], replications=30, grid={"parameters.drift": [-1.0, 0.0, 1.0]},
                    workers=2, out=tmp_path / "r", run_fn=toy_run, timeseries=True)
    paths = res.report()
    assert set(paths) == {"summary", "scores", "lead_bands", "fan_toy"}
    summary = pd.read_csv(paths["summary"])
    assert len(summary) == 3 and summary["n_ok"].tolist() == [30, 30, 30]
    assert summary["p_S1"].is_monotonic_increasing  # more drift, more S1 (common random numbers)
    scores = pd.read_csv(paths["scores"])
    assert list(scores.columns) == ["scenario", "sample_id", "seat", "n", "mean", "se"]
    assert scores["seat"].tolist() == ["us", "prc"] * 3 and scores["n"].eq(30).all()
    us = scores[scores["seat"] == "us"]
    assert us["mean"].is_monotonic_increasing  # the toy's US seat scores the lead
    runs = res.runs()
    first = runs.loc[runs["sample_id"] == 0, "score_us"]
    assert us["mean"].iloc[0] == pytest.approx(first.mean())
    assert us["se"].iloc[0] == pytest.approx(first.std(ddof=1) / math.sqrt(30))
    for o in ("S1", "S2", "contested"):
        assert ((summary[f"p_{o}_lo"] <= summary[f"p_{o}"]) & (summary[f"p_{o}"] <= summary[f"p_{o}_hi"])).all()
    bands = pd.read_csv(paths["lead_bands"])
    assert len(bands) == 3 * 11 and (bands["q05"] <= bands["median"]).all() and (bands["median"] <= bands["q95"]).all()
    assert paths["fan_toy"].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_fan_chart_season_labels_are_thinned_and_slanted():
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    from wargame.batch.report import _season_ticks

    seasons = [f"{2026 + (i + 1) // 4}Q{(i + 1) % 4 + 1}" for i in range(11)]
    fig, ax = plt.subplots(figsize=(5.6, 3.3), layout="constrained")
    ax.plot(range(11), range(11))
    _season_ticks(ax, seasons)
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert 2 <= len(labels) <= 6 and labels[-1] == seasons[-1] and set(labels) <= set(seasons)
    assert all(t.get_rotation() == 30 for t in ax.get_xticklabels())
    fig.canvas.draw()  # no two labels overlap once drawn
    boxes = [t.get_window_extent() for t in ax.get_xticklabels()]
    assert not any(a.overlaps(b) for a, b in zip(boxes, boxes[1:], strict=False))
    plt.close(fig)


def test_single_panel_fan_chart_title_fits_the_image(tmp_path):
    from PIL import Image

    res = run_batch([ToyScenario(name="a_scenario_with_a_rather_long_name_indeed")], replications=8, workers=1,
                    out=tmp_path / "r", run_fn=toy_run, timeseries=True)
    paths = res.report()
    png = paths["fan_a_scenario_with_a_rather_long_name_indeed"]
    with Image.open(png) as im:
        width, height = im.size
        pixels = np.asarray(im.convert("L"))
    # a cut-off title leaves ink in the first/last column of the image; bbox_inches="tight" keeps a margin
    assert pixels[:, :2].min() > 200 and pixels[:, -2:].min() > 200 and pixels[:2, :].min() > 200
    assert width < 900  # one panel, not stretched to fit the title on one line


def test_report_file_names_are_unique_per_scenario():
    from wargame.batch.report import unique_file_stems

    stems = unique_file_stems(["/tmp/a/x.toml", "/tmp/b/x.toml", "baseline (a/x)", "baseline (b/x)", "a b", "a_b"])
    assert len(set(stems.values())) == 6
    assert stems["baseline (a/x)"] == "baseline_a_x" and stems["a_b"] == "a_b-2"


def test_outcome_table_never_truncates_scenario_labels():
    from wargame.batch.report import format_outcomes

    design = pd.DataFrame({"run_id": [0, 1], "scenario": ["baseline (runs/a/x)", "baseline (runs/b/x)"],
                           "sample_id": 0, "replication": 0, "seed": 1})
    runs = design.assign(status="ok", outcome="S1", final_lead_months=13.0, incidents=0, mean_safety_share=0.1)
    text = format_outcomes(outcome_table(runs, design))
    assert "baseline (runs/a/x)" in text and "baseline (runs/b/x)" in text
    lines = text.splitlines()
    assert lines[1].index("0") == lines[2].index("0")  # columns stay aligned


def test_score_table_means_and_standard_errors():
    design = pd.DataFrame({"run_id": range(8), "scenario": ["a"] * 4 + ["b"] * 4, "sample_id": 0,
                           "replication": [0, 1, 2, 3] * 2, "seed": range(8)})
    runs = design.assign(status=["ok", "ok", "ok", "error", "ok", "ok", "ok", "ok"],
                         score_us=[1.0, 2.0, 6.0, np.nan, 4.0, np.nan, np.nan, np.nan],
                         score_prc=[-1.0, -2.0, -6.0, np.nan, np.nan, np.nan, np.nan, np.nan],
                         score_eu=[np.nan, np.nan, np.nan, np.nan, 0.5, 0.5, 0.5, 0.5])
    seats = {"a": ["us", "prc"], "b": ["us", "eu"]}
    t = score_table(runs, design, ["score_us", "score_prc", "score_eu"], seats)
    assert list(zip(t["scenario"], t["seat"], strict=True)) == [("a", "us"), ("a", "prc"), ("b", "us"), ("b", "eu")]
    a_us = t.iloc[0]
    assert a_us["n"] == 3 and a_us["mean"] == 3.0  # the failed run is left out
    assert a_us["se"] == pytest.approx(np.std([1.0, 2.0, 6.0], ddof=1) / math.sqrt(3))
    b_us, b_eu = t.iloc[2], t.iloc[3]
    assert b_us["n"] == 1 and b_us["mean"] == 4.0 and math.isnan(b_us["se"])  # one run: no standard error
    assert b_eu["n"] == 4 and b_eu["se"] == 0.0
    # without the seats of each scenario every score column is listed, seats without runs as n = 0
    assert len(score_table(runs, design, ["score_us", "score_prc", "score_eu"])) == 6
    assert score_table(runs, design, []).empty and format_scores(score_table(runs, design, [])) == ""

    text = format_scores(t)
    lines = text.splitlines()
    assert lines[0].startswith("Mean final score per seat (points) +/- standard error")
    assert lines[1].split() == ["seat", "a", "b"]
    assert lines[2].split() == ["us", "+3.00", "+/-", "1.53", "+4.00", "+/-", "n/a"]
    assert lines[3].split() == ["prc", "-3.00", "+/-", "1.53", "-"]  # prc is no seat of b
    assert lines[4].split() == ["eu", "-", "+0.50", "+/-", "0.00"]
    empty = score_table(runs.assign(status="error"), design, ["score_us"], None)
    assert format_scores(empty) == "(no seat scores recorded)"


def test_score_table_keeps_its_width_with_many_samples():
    design = pd.DataFrame({"run_id": range(40), "scenario": "a_long_scenario_label", "sample_id": range(40),
                           "replication": 0, "seed": range(40)})
    runs = design.assign(status="ok", score_us=np.linspace(-5, 5, 40))
    text = format_scores(score_table(runs, design, ["score_us"], {"a_long_scenario_label": ["us"]}), width=100)
    assert max(len(line) for line in text.splitlines()) <= 100
    assert "a_long_scenario_label #0" in text and "a_long_scenario_label #39" not in text
    assert text.splitlines()[-1].startswith("... ") and "see scores.csv" in text


def test_report_command_prints_scores_per_seat(tmp_path, capsys):
    from wargame.cli import main

    seats = [ToySeat(id="us", side=1), ToySeat(id="prc", side=-1), ToySeat(id="eu", side=1)]
    run_batch([ToyScenario(name="a"), ToyScenario(name="b", players=seats)], replications=5, workers=1,
              out=tmp_path / "r", run_fn=toy_run)
    assert main(["report", str(tmp_path / "r")]) == 0
    out = capsys.readouterr().out
    block = out[out.index("Mean final score per seat"):].splitlines()
    assert block[1].split() == ["seat", "a", "b"]
    assert [line.split()[0] for line in block[2:5]] == ["us", "prc", "eu"]
    assert block[4].split()[1] == "-"  # eu plays only in b
    assert (tmp_path / "r" / "report" / "scores.csv").is_file()
