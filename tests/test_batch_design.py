import textwrap
from pathlib import Path

import numpy as np
import pytest

from wargame.batch import design as dsg
from wargame.scenario import load_scenario

SWEEPS = Path(__file__).resolve().parents[1] / "scenarios" / "sweeps"
EXAMPLE = SWEEPS / "example_sweep.toml"


def write(tmp_path, text, name="sweep.toml"):
    p = tmp_path / name
    p.write_text(textwrap.dedent(text))
    return p


def test_seed_equals_nested_spawn_and_ignores_batch_size():
    master = 20260701
    children = np.random.SeedSequence(master).spawn(5)
    for s in range(5):
        grandchildren = children[s].spawn(7)
        for r in range(7):
            expected = int(grandchildren[r].generate_state(1, np.uint64)[0]) & ((1 << 63) - 1)
            assert dsg.run_seed(master, s, r) == expected
    small = dsg.build_design(["a"], dsg.SampleSet("grid", dsg.make_samples().table), 3, master)
    large = dsg.build_design(["a"], dsg.SampleSet("grid", dsg.make_samples().table), 10, master)
    assert small["seed"].tolist() == large["seed"].tolist()[:3]


def test_seeds_common_across_scenarios_and_distinct_across_runs():
    samples = dsg.make_samples(grid={"parameters.enmity": [0.2, 0.8]})
    d = dsg.build_design(["baseline", "loopholes"], samples, 4, master_seed=7)
    assert d["run_id"].tolist() == list(range(16))
    a = d[d.scenario == "baseline"].reset_index(drop=True)
    b = d[d.scenario == "loopholes"].reset_index(drop=True)
    assert a["seed"].tolist() == b["seed"].tolist()  # common random numbers across scenarios
    assert a["seed"].nunique() == 8  # distinct per (sample, replication)
    crn = dsg.build_design(["baseline"], samples, 4, master_seed=7, seed_scope="replication")
    assert crn[crn.sample_id == 0]["seed"].tolist() == crn[crn.sample_id == 1]["seed"].tolist()
    other = dsg.build_design(["baseline"], samples, 4, master_seed=8)
    assert set(other["seed"]).isdisjoint(set(a["seed"]))


def test_set_parsing_and_full_factorial_grid():
    grid = dsg.parse_set_options(["parameters.enmity=0.2,1", "labs.x.open=true,false", "a.b=tight"])
    assert grid == {"parameters.enmity": [0.2, 1], "labs.x.open": [True, False], "a.b": ["tight"]}
    samples = dsg.make_samples(grid=grid)
    assert len(samples.table) == 4
    assert samples.table.iloc[1].to_dict() == {"parameters.enmity": 0.2, "labs.x.open": False, "a.b": "tight"}
    for bad in ["noequals", "=1", "k=", "k=,"]:
        with pytest.raises(dsg.SweepError, match="--set"):
            dsg.parse_set_options([bad])
    with pytest.raises(dsg.SweepError, match="more than once"):
        dsg.parse_set_options(["k.a=1", "k.a=2"])


def test_samplers_shapes_bounds_and_reproducibility():
    sweep = dsg.load_sweep(EXAMPLE)
    d = len(sweep.ranges)
    lhs = dsg.make_samples(sweep=sweep, method="lhs", n=10, sampler_seed=3)
    assert lhs.table.shape == (10, d)
    for f in sweep.ranges:
        assert lhs.table[f.name].between(f.low, f.high).all()
    # Latin hypercube: each of the 10 strata of every factor holds exactly one point
    for f in sweep.ranges:
        strata = np.floor((lhs.table[f.name] - f.low) / (f.high - f.low) * 10).astype(int)
        assert sorted(strata) == list(range(10))
    again = dsg.make_samples(sweep=sweep, method="lhs", n=10, sampler_seed=3)
    assert lhs.table.equals(again.table)
    sob = dsg.make_samples(sweep=sweep, method="sobol", n=8)
    assert sob.table.shape == (8 * (d + 2), d)
    mor = dsg.make_samples(sweep=sweep, method="morris", n=3)
    assert mor.table.shape == (3 * (d + 1), d)
    assert mor.options["num_levels"] == 4 and sob.options["calc_second_order"] is False
    with pytest.raises(dsg.SweepError, match="power of two"):
        dsg.make_samples(sweep=sweep, method="sobol", n=10)
    with pytest.raises(dsg.SweepError, match="choose a sampler"):
        dsg.make_samples(sweep=sweep)
    with pytest.raises(dsg.SweepError, match="needs a sweep file"):
        dsg.make_samples(method="lhs", n=4)
    with pytest.raises(dsg.SweepError, match="multi-valued grid"):
        dsg.make_samples(grid={"parameters.visibility": [0.1, 0.9]}, sweep=sweep, method="sobol", n=8)
    crossed = dsg.make_samples(grid={"parameters.visibility": [0.1, 0.9]}, sweep=sweep, method="lhs", n=5)
    assert len(crossed.table) == 10 and crossed.table["parameters.visibility"].tolist()[:6] == [0.1] * 5 + [0.9]


def test_shipped_sweep_files_are_valid_for_shipped_scenarios():
    for path in sorted(SWEEPS.glob("*.toml")):
        sweep = dsg.load_sweep(path)
        samples = (dsg.make_samples(sweep=sweep, method="lhs", n=4) if sweep.ranges
                   else dsg.make_samples(sweep=sweep))
        for name in ["baseline", "loopholes", "tight_controls"]:
            dsg.validate_overrides(load_scenario(name), samples)


@pytest.mark.parametrize("body, message", [
    ("description = 'x'\n", "factor: required key is missing"),
    ("[[factor]]\nname = 'parameters.enmity'\nlow = 1.0\nhigh = 0.5\n", "factor[0]: low must be below high"),
    ("[[factor]]\nname = 'parameters.enmity'\nlow = 0.5\n", "factor[0]: a range needs both low and high"),
    ("[[factor]]\nname = 'parameters.enmity'\n", "give low and high"),
    ("[[factor]]\nname = 'parameters.enmity'\nlow = 0\nhigh = 1\nvalues = [1]\n", "not both"),
    ("[[factor]]\nname = 'parameters.enmity'\nlow = 0\nhigh = 1\nstep = 2\n",
     "factor[0].step: unknown key; allowed keys: name, low, high, values"),
    ("[[factor]]\nname = 'enmity'\nlow = 0\nhigh = 1\n", "factor[0].name: String should match pattern"),
    ("[[factor]]\nname = 'parameters.enmity'\nlow = 0\nhigh = 'lots'\n", "factor[0].high"),
    ("[[factor]]\nname = 'parameters.enmity'\nvalues = []\n", "factor[0].values"),
    ("[[factor]]\nname = 'parameters.enmity'\nlow = 0\nhigh = nan\n", "factor[0].high"),
    ("[[factor]]\nname = 'parameters.a'\nlow = 0\nhigh = 1\n[[factor]]\nname = 'parameters.a'\nvalues = [1]\n",
     "repeated: parameters.a"),
    ("[[factor]\nname = 'x'", "invalid TOML"),
])
def test_bad_sweep_files_are_rejected_with_clear_errors(tmp_path, body, message):
    path = write(tmp_path, body)
    with pytest.raises(dsg.SweepError) as info:
        dsg.load_sweep(path)
    assert str(path) in str(info.value)
    assert message in str(info.value)


def test_sweep_rejected_when_scenario_does_not_accept_it(tmp_path):
    base = load_scenario("baseline")
    unknown = dsg.load_sweep(write(tmp_path, "[[factor]]\nname = 'parameters.enmitty'\nlow = 0\nhigh = 1\n"))
    with pytest.raises(dsg.SweepError, match="unknown field 'enmitty'"):
        dsg.validate_overrides(base, dsg.make_samples(sweep=unknown, method="lhs", n=4), "s.toml")
    out_of_bounds = dsg.load_sweep(write(tmp_path, "[[factor]]\nname = 'parameters.visibility'\n"
                                                   "low = 0.5\nhigh = 3.0\n"))
    with pytest.raises(dsg.SweepError, match=r"s\.toml: factor parameters\.visibility: high = 3 is outside the "
                                             r"allowed range \[0, 1\] of scenario 'baseline'"):
        dsg.validate_overrides(base, dsg.make_samples(sweep=out_of_bounds, method="lhs", n=4), "s.toml")
    with pytest.raises(dsg.SweepError, match="parameters.enmity"):
        dsg.validate_overrides(base, dsg.make_samples(grid={"parameters.enmity": [0.5, -1.0]}))
    with pytest.raises(dsg.SweepError, match="cannot read sweep file"):
        dsg.load_sweep(tmp_path / "missing.toml")


def test_design_hash_changes_with_design():
    s = dsg.make_samples(grid={"parameters.enmity": [0.2, 0.8]})
    a = dsg.build_design(["baseline"], s, 3, 1)
    assert dsg.design_hash(a) == dsg.design_hash(dsg.build_design(["baseline"], s, 3, 1))
    assert dsg.design_hash(a) != dsg.design_hash(dsg.build_design(["baseline"], s, 4, 1))
    assert dsg.design_hash(a) != dsg.design_hash(dsg.build_design(["baseline"], s, 3, 2))


def test_sweep_range_is_checked_at_low_and_high_not_at_the_samples(tmp_path):
    # enmity is allowed in [0, 5]; high = 5.02 must be refused whatever the sampler draws (--lhs 2 used to
    # pass because no sample happened to exceed 5, --lhs 8 failed quoting a random sample)
    from wargame.batch.api import plan_batch

    sweep = write(tmp_path, """
        [[factor]]
        name = "parameters.enmity"
        low = 0.1
        high = 5.02
    """, name="too_high.toml")
    for n in (2, 8):
        with pytest.raises(dsg.SweepError) as exc:
            plan_batch("baseline", sweep=sweep, method="lhs", n=n, replications=1)
        msg = str(exc.value)
        assert str(sweep) in msg and "parameters.enmity" in msg and "high = 5.02" in msg
        assert "allowed range [0, 5]" in msg and "baseline" in msg
    below = write(tmp_path, '[[factor]]\nname = "parameters.enmity"\nlow = -0.5\nhigh = 1\n', name="low.toml")
    with pytest.raises(dsg.SweepError, match=r"factor parameters.enmity: low = -0.5 is outside the allowed range"):
        plan_batch("baseline", sweep=below, method="sobol", n=4, replications=1)
    ok = write(tmp_path, '[[factor]]\nname = "parameters.enmity"\nlow = 0\nhigh = 5\n', name="ok.toml")
    assert len(plan_batch("baseline", sweep=ok, method="lhs", n=8, replications=1).design) == 8


def test_field_bounds_from_pydantic_metadata():
    scen = load_scenario("baseline")
    assert dsg.field_bounds(scen, "parameters.enmity") == (0.0, True, 5.0, True)
    lab = scen.labs[0].id
    assert dsg.field_bounds(scen, f"labs.{lab}.initial_compute_h100e") == (1000.0, True, 1e8, True)
    assert dsg.field_bounds(scen, "parameters.nosuch") is None


@pytest.mark.parametrize("field", ["low", "high"])
def test_quoted_numbers_in_sweep_files_are_rejected(tmp_path, field):
    other = "high = 1.0" if field == "low" else "low = 0.1"
    p = write(tmp_path, f'[[factor]]\nname = "parameters.enmity"\n{field} = "0.5"\n{other}\n')
    with pytest.raises(dsg.SweepError) as exc:
        dsg.load_sweep(p)
    assert f"{p}: factor[0].{field}: Input should be a valid number" in str(exc.value)
    # an integer is still a valid float
    q = write(tmp_path, '[[factor]]\nname = "parameters.enmity"\nlow = 0\nhigh = 2\n', name="int.toml")
    assert dsg.load_sweep(q).factor[0].high == 2.0
