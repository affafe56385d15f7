import logging

import matplotlib as mpl
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wargame.batch import load_results, run_batch
from wargame.batch.discover import DiscoveryError, choose_step, discover, discover_runs, format_discovery
from wargame.cli import main

DRIVER = "parameters.prc_algorithmic_progress_ratio"  # docs/model.md: the lever that carries S2 in loopholes
SWEEP = f"""
description = "What drives authoritarian parity (S2) under loopholes?"

[[factor]]
name = "{DRIVER}"
low = 0.3
high = 1.3

[[factor]]
name = "parameters.distillation_rate"
low = 0.0
high = 0.5

[[factor]]
name = "parameters.enmity"
low = 0.0
high = 2.0

[[factor]]
name = "parameters.visibility"
low = 0.0
high = 1.0
"""


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    folder = tmp_path_factory.mktemp("discover")
    sweep = folder / "sweep.toml"
    sweep.write_text(SWEEP)
    return run_batch("loopholes", sweep=sweep, method="lhs", n=60, replications=4, workers=1,
                     out=folder / "lhs")


def in_box(runs: pd.DataFrame, limits: pd.DataFrame) -> np.ndarray:
    """Recount from the runs: inside every limit, ends included (numeric) or among the kept levels."""
    inside = np.ones(len(runs), dtype=bool)
    for _, lim in limits.iterrows():
        col = runs[lim["factor"]]
        if lim["kind"] == "numeric":
            inside &= (col >= lim["box_low"]).to_numpy() & (col <= lim["box_high"]).to_numpy()
        else:
            levels = col.map(lambda v: str(v).lower() if isinstance(v, bool | np.bool_) else str(v))
            inside &= levels.isin(lim["box_values"].split(", ")).to_numpy()
    return inside


def check_box(found, runs: pd.DataFrame, number: int, outside_earlier: np.ndarray) -> np.ndarray:
    """The box's reported figures against a direct recount; returns its membership among all runs."""
    box = found.boxes.set_index("box").loc[number]
    members = in_box(runs, found.limits[found.limits["box"] == number]) & outside_earlier
    interest = (runs["outcome"] == found.outcome).to_numpy()
    assert box["n_runs"] == members.sum() and box["n_interest"] == (members & interest).sum()
    assert box["density"] == pytest.approx((members & interest).sum() / members.sum())
    assert box["coverage"] == pytest.approx((members & interest).sum() / interest.sum())
    assert box["mass"] == pytest.approx(members.sum() / len(runs))
    for share in ("coverage", "density", "mass"):
        assert 0 <= box[share] <= 1
    return members


def test_box_restricts_the_driver_and_matches_a_recount(batch):
    found = discover(batch, "S2")
    runs = batch.runs()
    assert found.n_runs == len(runs) and found.n_failed == 0
    assert found.n_interest == (runs["outcome"] == "S2").sum()
    assert found.factors == [DRIVER, "parameters.distillation_rate", "parameters.enmity", "parameters.visibility"]
    assert found.fixed == {"scenario": "loopholes"}
    assert len(found.boxes) == 1
    lim = found.limits.set_index("factor").loc[DRIVER]
    # S2 (PRC parity) needs fast PRC algorithmic progress: the box cuts the low end of the ratio
    assert lim["full_low"] < lim["box_low"] < lim["box_high"] == lim["full_high"]
    assert lim["full_low"] == runs[DRIVER].min() and lim["full_high"] == runs[DRIVER].max()
    assert lim["qp_lower"] < 0.05 and np.isnan(lim["qp_upper"])
    check_box(found, runs, 1, np.ones(len(runs), dtype=bool))
    box = found.boxes.iloc[0]
    assert box["meets_threshold"] and box["density"] >= 0.8
    assert box["density"] > found.n_interest / found.n_runs
    # the chosen box is the one of highest coverage among those of density >= 0.8 on the trajectory
    traj = found.trajectory
    assert traj.loc[traj["chosen"], "step"].tolist() == [box["step"]]
    assert box["coverage"] == traj.loc[traj["density"] >= 0.8, "coverage"].max()


def test_trajectory_peels_down_in_coverage_and_mass(batch):
    found = discover(batch, "S2", threshold=0.95)
    traj = found.trajectory
    base = found.n_interest / found.n_runs
    first = traj.iloc[0]
    assert (first["phase"], first["coverage"], first["mass"], first["res_dim"]) == ("start", 1.0, 1.0, 0)
    assert first["density"] == pytest.approx(base)
    peel = traj[traj["phase"] != "paste"]
    assert peel["phase"].iloc[1:].eq("peel").all() and len(peel) > 5
    assert peel["coverage"].is_monotonic_decreasing
    assert (peel["mass"].diff().dropna() < 0).all()
    assert traj[["coverage", "density", "mass"]].apply(lambda c: c.between(0, 1).all()).all()
    assert (traj["res_dim"] == traj["restricted"].map(lambda s: len(s.split(", ")) if s else 0)).all()
    assert traj.loc[traj["chosen"], "res_dim"].item() == found.boxes["res_dim"].item()


def test_a_later_box_is_sought_outside_the_earlier_ones(batch):
    found = discover(batch, "contested", threshold=0.6, max_boxes=2)
    runs = batch.runs()
    assert found.boxes["box"].tolist() == [1, 2]
    first = check_box(found, runs, 1, np.ones(len(runs), dtype=bool))
    check_box(found, runs, 2, ~first)
    assert found.boxes["coverage"].sum() <= 1
    table = found.table()
    assert set(table["box"]) == {1, 2} and len(table) == len(found.limits)


def test_cli_prints_the_box_and_writes_chart_and_csv(batch, tmp_path, capsys):
    chart, csv = tmp_path / "trajectory.png", tmp_path / "boxes.csv"
    assert main(["discover", str(batch.path), "--outcome", "S2", "--chart", str(chart), "--out", str(csv)]) == 0
    captured = capsys.readouterr()
    found = discover(batch, "S2")
    box = found.boxes.iloc[0]
    out = captured.out
    assert f"{found.n_interest} of {found.n_runs} successful runs" in out
    assert f"coverage {box['coverage']:.3f}" in out and f"density  {box['density']:.3f}" in out
    header = next(line for line in out.splitlines() if "box range" in line)
    assert header.split() == ["factor", "box", "range", "full", "range", "quasi-p"]
    row = next(line for line in out.splitlines() if line.strip().startswith(DRIVER))
    lim = found.limits.set_index("factor").loc[DRIVER]
    assert f"{lim['box_low']:.4g} to {lim['box_high']:.4g}" in row
    assert f"{lim['full_low']:.4g} to {lim['full_high']:.4g}" in row
    assert captured.err == ""
    assert chart.read_bytes()[:4] == b"\x89PNG" and f"chart: {chart}" in out
    written = pd.read_csv(csv)
    assert written["factor"].tolist() == found.limits["factor"].tolist()
    assert written["coverage"].tolist() == pytest.approx([box["coverage"]] * len(written))


def test_logging_and_colour_cycle_stay_untouched(batch, caplog):
    cycle = mpl.rcParams["axes.prop_cycle"]
    caplog.set_level(logging.DEBUG)
    discover(batch, "contested")
    assert not [r for r in caplog.records if r.name.startswith("EMA")]
    assert mpl.rcParams["axes.prop_cycle"] == cycle


@pytest.mark.parametrize("args, message", [
    (["--outcome", "S3"], "--outcome 'S3': allowed S1, S2, contested"),
    (["--threshold", "0"], "--threshold '0': allowed a share greater than 0 and at most 1"),
    (["--threshold", "1.5"], "--threshold '1.5'"),
    (["--threshold", "abc"], "--threshold 'abc'"),
    (["--boxes", "0"], "--boxes '0': allowed a positive integer"),
    (["--chart", "t.jpg"], "--chart must end in .png"),
    (["--out", "b.parquet"], "--out must end in .csv"),
    (["--outcome", "S1"], "no successful run ended in S1"),
])
def test_bad_input_exits_2_with_one_line(batch, tmp_path, monkeypatch, capsys, args, message):
    monkeypatch.chdir(tmp_path)
    assert main(["discover", str(batch.path), *args]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("wargame discover: error:") and message in captured.err
    assert captured.err.count("\n") == 1 and "Traceback" not in captured.err
    assert list(tmp_path.iterdir()) == []


def test_not_a_batch_and_no_swept_factor_exit_2(tmp_path, capsys):
    assert main(["discover", str(tmp_path / "nowhere")]) == 2
    err = capsys.readouterr().err
    assert "not a batch results folder" in err and err.count("\n") == 1
    plain = run_batch("loopholes", replications=2, workers=1, out=tmp_path / "plain")
    assert main(["discover", str(plain.path)]) == 2
    err = capsys.readouterr().err
    assert f"{plain.path}: no swept factor" in err and "scenario = loopholes" in err and err.count("\n") == 1
    assert load_results(plain.path).runs()["status"].eq("ok").all()


def synthetic_runs(rng: np.random.Generator, n: int) -> pd.DataFrame:
    a = rng.uniform(0, 1, n)
    policy = rng.choice(["dovish", "hawkish", "status_quo"], n)
    grid = rng.choice([0.2, 0.6, 1.5], n)
    flag = rng.choice([True, False], n)
    s2 = (a > 0.6) & (policy != "dovish") | (rng.uniform(0, 1, n) < 0.05)
    return pd.DataFrame({"run_id": np.arange(n), "scenario": "baseline", "a": a, "grid": grid, "policy": policy,
                         "flag": flag, "fixed": 0.3, "status": np.where(rng.uniform(0, 1, n) < 0.05, "error", "ok"),
                         "outcome": np.where(s2, "S2", "contested")})


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(60, 200), threshold=st.floats(0.3, 1.0),
       max_boxes=st.integers(1, 3))
def test_reported_boxes_match_a_recount_on_any_data(seed, n, threshold, max_boxes):
    runs = synthetic_runs(np.random.default_rng(seed), n)
    ok = runs[runs["status"] == "ok"].reset_index(drop=True)
    if ok["outcome"].nunique() < 2:
        return
    found = discover_runs(runs, ["scenario", "a", "grid", "policy", "flag", "fixed"], "S2", threshold, max_boxes)
    assert found.n_failed == (runs["status"] != "ok").sum() and found.n_runs == len(ok)
    assert found.factors == ["a", "grid", "policy", "flag"]
    assert found.fixed == {"scenario": "baseline", "fixed": 0.3}
    assert 1 <= len(found.boxes) <= max_boxes
    outside = np.ones(len(ok), dtype=bool)
    for number in found.boxes["box"]:
        outside &= ~check_box(found, ok, number, outside)
    kinds = dict(zip(found.limits["factor"], found.limits["kind"], strict=False))
    assert all(kinds[f] == ("numeric" if f in ("a", "grid") else "categorical") for f in kinds)
    assert found.limits.loc[found.limits["kind"] == "categorical", "all_values"].isin(
        ["dovish, hawkish, status_quo", "false, true"]).all()


@given(st.lists(st.tuples(st.floats(0, 1), st.floats(0, 1), st.integers(0, 4)), min_size=1, max_size=30),
       st.floats(0.01, 1.0))
def test_choose_step_takes_the_widest_box_that_is_dense_enough(rows, threshold):
    traj = pd.DataFrame(rows, columns=["coverage", "density", "res_dim"])
    step, meets = choose_step(traj, threshold)
    chosen = traj.iloc[step]
    dense = traj[traj["density"] >= threshold]
    assert meets == (not dense.empty)
    if meets:
        assert chosen["density"] >= threshold and chosen["coverage"] == dense["coverage"].max()
        ties = dense[dense["coverage"] == chosen["coverage"]]
        assert chosen["res_dim"] == ties["res_dim"].min()
        assert step == ties[ties["res_dim"] == chosen["res_dim"]].index.min()
    else:
        assert chosen["density"] == traj["density"].max()


def test_api_errors_name_what_is_allowed():
    runs = synthetic_runs(np.random.default_rng(1), 80)
    with pytest.raises(DiscoveryError, match="unknown outcome 'S4'; allowed: S1, S2, contested"):
        discover_runs(runs, ["a"], "S4")
    with pytest.raises(DiscoveryError, match=r"threshold must be a share in \(0, 1\], got 0"):
        discover_runs(runs, ["a"], "S2", threshold=0)
    with pytest.raises(DiscoveryError, match="max_boxes must be a positive integer"):
        discover_runs(runs, ["a"], "S2", max_boxes=0)
    everyone = runs.assign(outcome="S2")
    with pytest.raises(DiscoveryError, match=r"every successful run \(\d+\) ended in S2"):
        discover_runs(everyone, ["a"], "S2")
    with pytest.raises(DiscoveryError, match="no successful run to analyse"):
        discover_runs(runs.assign(status="error"), ["a"], "S2")
    with pytest.raises(DiscoveryError, match="no swept factor.*fixed = 0.3"):
        discover_runs(runs, ["fixed"], "S2")


def test_text_from_the_folder_is_printed_plainly():
    rng = np.random.default_rng(3)
    runs = synthetic_runs(rng, 200)
    runs["policy"] = runs["policy"].replace({"hawkish": "hawk\x1b[31mish"})
    text = format_discovery(discover_runs(runs, ["a", "policy"], "S2", threshold=0.9))
    assert "\x1b" not in text
    assert "hawk\\x1b[31mish" in text


def test_ctrl_c_exits_130_with_one_message(batch, monkeypatch, capsys):
    import wargame.batch.discover as module

    def interrupt(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(module, "discover", interrupt)
    assert main(["discover", str(batch.path)]) == 130
    captured = capsys.readouterr()
    assert captured.err.strip() == "interrupted; the batch folder is unchanged (discover only reads it)."
    assert "Traceback" not in captured.err and captured.out == ""
