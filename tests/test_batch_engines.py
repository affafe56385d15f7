import pandas as pd

from wargame.batch import run_batch


def assert_same_results(a, b) -> None:
    """Two BatchResults hold the same run tables and time series (sorted by run_id), to 1e-12 relative.

    Chunks of different sizes group runs into ensembles of different R (a group of one is a single game), so
    the figures agree to rounding (1e-12), as lanes and single games do (tests/test_ensemble_lanes.py).
    """
    pd.testing.assert_frame_equal(a.runs().sort_values("run_id", ignore_index=True),
                                  b.runs().sort_values("run_id", ignore_index=True), rtol=1e-12, atol=0)
    pd.testing.assert_frame_equal(a.timeseries(), b.timeseries(), rtol=1e-12, atol=0)


def test_results_identical_across_engines_and_worker_counts(tmp_path):
    kw = dict(replications=4, grid={"parameters.visibility": [0.0, 1.0]}, seed=3, timeseries=True)
    one = run_batch(["baseline", "tight_controls"], workers=1, chunk_size=16, out=tmp_path / "one", **kw)
    two = run_batch(["baseline", "tight_controls"], workers=2, chunk_size=3, out=tmp_path / "two", **kw)
    dask = run_batch(["baseline", "tight_controls"], engine="dask", workers=2, chunk_size=5,
                     out=tmp_path / "dask", **kw)
    assert len(one.runs()) == 16 and (one.runs()["status"] == "ok").all()
    assert one.runs()["final_lead_months"].nunique() > 8  # runs really differ
    assert_same_results(one, two)
    assert_same_results(one, dask)
