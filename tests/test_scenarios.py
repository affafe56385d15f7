"""Scenario files (issue 2): the shipped scenarios load and validate; bad files fail with one clear message
that names the file, the field and what is allowed, as a ``ScenarioError`` (never another exception), and
``wargame validate`` turns that into exit code 2 and an ``error:`` line on stderr with no traceback; a
scenario file can never execute code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from wargame.cli import main
from wargame.model import AIRaceModel
from wargame.scenario import (
    JURISDICTIONS,
    Scenario,
    ScenarioError,
    list_scenarios,
    load_scenario,
    resolve_scenario_path,
)

SHIPPED = ("baseline", "tight_controls", "loopholes")
BASELINE_TEXT = resolve_scenario_path("baseline").read_text(encoding="utf-8")


# ----------------------------------------------------------------------------- shipped scenarios
def test_the_three_scenarios_are_shipped():
    assert set(SHIPPED) <= set(list_scenarios())


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_scenario_loads(name):
    sc = load_scenario(name)
    assert isinstance(sc, Scenario)
    assert sc.name == name
    assert len(sc.briefing) > 200
    assert sc.scenario.end == "2028Q4"
    assert {g.role for g in sc.governments} >= {"us", "prc", "ally"}
    assert {lab.bloc for lab in sc.labs} == {"US", "PRC"}
    assert any(lab.distils for lab in sc.labs)
    # By name, by path and as a Path: the same scenario.
    path = resolve_scenario_path(name)
    assert load_scenario(str(path)) == sc == load_scenario(path)


@pytest.mark.parametrize("name", SHIPPED)
def test_validate_accepts_shipped_scenarios(name, capsys):
    assert main(["validate", name]) == 0
    assert main(["validate", str(resolve_scenario_path(name))]) == 0
    out, err = capsys.readouterr()
    assert f"valid scenario {name!r}" in out
    assert err == ""


def test_shipped_scenarios_differ_where_they_should():
    base, tight, loose = (load_scenario(n) for n in SHIPPED)
    assert tight.governments[0].policy == "hawkish"
    assert loose.smugglers[0].base_volume_h100e > base.smugglers[0].base_volume_h100e
    assert len({base.content_hash(), tight.content_hash(), loose.content_hash()}) == 3


# ----------------------------------------------------------------------------- bad files
@dataclass(frozen=True)
class Bad:
    """A broken variant of ``baseline.toml`` and what its error message must say.

    Attributes:
        name: Short name, used as the file name.
        text: The broken file's text.
        field: The field the message must name.
        expect: Regexes the message must match (the allowed values or the constraint).

    """

    name: str
    text: str
    field: str
    expect: tuple[str, ...]


def broken(old: str, new: str, count: int = 1) -> str:
    """Baseline text with ``old`` replaced by ``new`` (which must occur ``count`` times or more)."""
    assert BASELINE_TEXT.count(old) >= count, old
    return BASELINE_TEXT.replace(old, new, count)


def without_block(header: str, seat_id: str) -> str:
    """Baseline text with the ``[[header]]`` table of one seat removed."""
    pattern = re.compile(rf"\[\[{header}\]\]\nid = \"{seat_id}\"\n(?:[^\[].*\n|\n)*?(?=\n*\[\[|\Z|#)")
    text, n = pattern.subn("", BASELINE_TEXT)
    assert n == 1, seat_id
    return text


LAB_A = 'id = "us_lab_a"\nname = "US frontier lab A"\nbloc = "US"\n'
BRIEFING = re.search(r'briefing = """.*?"""\n', BASELINE_TEXT, re.S).group(0)

BAD = [
    Bad("unknown_top_level_key", BASELINE_TEXT + '\n[cheats]\nlead_months = 99\n', "cheats",
        (r"unknown field 'cheats'", r"allowed: scenario, parameters, outcome, objectives, events, governments, "
                                   r"labs, chipmakers, smugglers, overseas_clouds$")),
    Bad("unknown_parameter", broken("enmity = 0.6", "enmity = 0.6\nenmty = 0.9"), "parameters.enmty",
        (r"unknown field 'enmty'", r"allowed: .*\benmity\b.*\bvisibility\b")),
    Bad("unknown_lab_key", broken(LAB_A, LAB_A + "secret_weapon = true\n"), "labs[0].secret_weapon",
        (r"unknown field 'secret_weapon'", r"allowed: .*\bbase_safety_share\b")),
    Bad("string_for_float", broken("enmity = 0.6", 'enmity = "0.6"'), "parameters.enmity",
        (r"valid number", r"got '0.6'")),
    Bad("string_for_int", broken("base_testing_quarters = 2", 'base_testing_quarters = "two"'),
        "labs[0].base_testing_quarters", (r"valid integer", r"got 'two'")),
    Bad("nan", broken("enmity = 0.6", "enmity = nan"), "parameters.enmity",
        (r"must be a finite number \(NaN and infinity are not allowed\)",)),
    Bad("inf", broken("visibility = 0.3", "visibility = inf"), "parameters.visibility",
        (r"must be a finite number \(NaN and infinity are not allowed\)", r"got inf")),
    Bad("negative_inf_in_a_lab", broken("initial_compute_h100e = 1_000_000.0", "initial_compute_h100e = -inf"),
        "labs[0].initial_compute_h100e", (r"must be a finite number",)),
    Bad("out_of_range", broken("visibility = 0.3", "visibility = 1.5"), "parameters.visibility",
        (r"less than or equal to 1", r"got 1.5")),
    Bad("negative_compute", broken("initial_compute_h100e = 1_000_000.0", "initial_compute_h100e = -5.0"),
        "labs[0].initial_compute_h100e", (r"greater than or equal to 1000", r"got -5.0")),
    Bad("event_probability_above_one", broken("smuggling_bust = 0.08", "smuggling_bust = 2.0"),
        "events.smuggling_bust", (r"less than or equal to 1",)),
    Bad("missing_briefing", BASELINE_TEXT.replace(BRIEFING, ""), "scenario.briefing",
        (r"required field is missing",)),
    Bad("missing_lab_bloc", broken(LAB_A, LAB_A.replace('bloc = "US"\n', "")), "labs[0].bloc",
        (r"required field is missing",)),
    Bad("bad_bloc", broken(LAB_A, LAB_A.replace('"US"', '"EU"')), "labs[0].bloc",
        (r"'US' or 'PRC'", r"got 'EU'")),
    Bad("no_prc_government", without_block("governments", "prc_gov"), "field 'labs[3].bloc' (seat prc_lab_a)",
        (r"no government leads bloc 'PRC'", r"blocs with a government: US",
         r"need exactly one government with role = 'prc' \(found 0\)")),
    Bad("unknown_jurisdiction", broken('jurisdiction = "SEA"', 'jurisdiction = "ATLANTIS"'),
        "field 'overseas_clouds[0].jurisdiction' (seat sea_cloud)",
        (r"unknown jurisdiction 'ATLANTIS'", "allowed: " + ", ".join(JURISDICTIONS))),
    Bad("duplicate_seat_id", broken('id = "us_lab_b"', 'id = "us_lab_a"'), "field 'labs[1].id' (seat us_lab_a)",
        (r"duplicate seat id 'us_lab_a'",)),
    Bad("unknown_policy", broken('policy = "cautious"', 'policy = "reckless"'),
        "field 'labs[0].policy' (seat us_lab_a)",
        (r"unknown policy 'reckless' for a lab", r"allowed: racing, cautious")),
    Bad("allocation_not_summing_to_one", broken("chip_allocation_share = 0.4", "chip_allocation_share = 0.5"),
        "labs[].chip_allocation_share", (r"shares of bloc US must sum to 1 \(got 1.1000\)",)),
    Bad("lever_out_of_range", broken('policy = "cautious"', 'policy = "cautious"\nlevers = { safety_share = 2.0 }'),
        "field 'labs[0].levers' (seat us_lab_a)", (r"safety_share", r"less than or equal to 1")),
    Bad("unknown_lever", broken('policy = "status_quo"', 'policy = "status_quo"\nlevers = { warp_drive = 1.0 }'),
        "field 'governments[0].levers' (seat us_gov)", (r"warp_drive: unknown field",)),
    Bad("bad_lever_choice", broken('policy = "status_quo"', 'policy = "status_quo"\n'
                                   'levers = { remote_access_rule = "maybe" }'),
        "field 'governments[0].levers' (seat us_gov)", (r"remote_access_rule", r"'open', 'kyc' or 'ban'")),
    Bad("invalid_toml", broken("enmity = 0.6", "enmity = = 0.6"), "invalid TOML",
        (r"invalid TOML: .*line \d+",)),
    Bad("unclosed_string", broken('title = "Baseline', 'title = "Baseline\n'), "invalid TOML",
        (r"invalid TOML",)),
    Bad("bad_season", broken('start = "2026Q3"', 'start = "2026Q5"'), "scenario.start",
        (r"season must look like '2026Q3' \(year, 'Q', quarter 1-4\)", r"2026Q5")),
    Bad("end_before_start", broken('end = "2028Q4"', 'end = "2025Q4"'), "scenario.end",
        (r"must not be before scenario.start",)),
    Bad("scheduled_event_outside_game", broken("scheduled = []",
                                               'scheduled = [{ season = "2030Q1", event = "smuggling_bust" }]'),
        "events.scheduled[0].season", (r"2030Q1 is outside 2026Q3..2028Q4",)),
    Bad("unknown_scheduled_event", broken("scheduled = []",
                                          'scheduled = [{ season = "2027Q1", event = "alien_landing" }]'),
        "events.scheduled[0].event", (r"'taiwan_strait_crisis', 'smuggling_bust'",)),
    Bad("outcome_thresholds_reversed", broken("s2_lead_months = 3.0", "s2_lead_months = 30.0"), "outcome",
        (r"s2_lead_months must be below s1_lead_months",)),
]


def test_there_are_many_distinct_bad_files():
    assert len(BAD) >= 12
    assert len({b.name for b in BAD}) == len(BAD)
    assert len({b.text for b in BAD}) == len(BAD)
    assert all(b.text != BASELINE_TEXT for b in BAD)


def write(tmp_path: Path, bad: Bad) -> Path:
    """Write a bad scenario file and return its path."""
    path = tmp_path / f"{bad.name}.toml"
    path.write_text(bad.text, encoding="utf-8")
    return path


def check_message(message: str, path: Path, bad: Bad) -> None:
    """Assert a message names the file, the field and what is allowed, on every line naming the file."""
    assert str(path) in message, message
    assert bad.field in message, (bad.field, message)
    for pattern in bad.expect:
        assert re.search(pattern, message), (pattern, message)
    assert "Traceback" not in message
    for line in message.splitlines():
        assert line.startswith(str(path)), ("every line names the file", line)


@pytest.mark.parametrize("bad", BAD, ids=[b.name for b in BAD])
def test_bad_scenario_raises_scenario_error(tmp_path, bad):
    path = write(tmp_path, bad)
    with pytest.raises(ScenarioError) as exc:  # not KeyError, TypeError, TOMLDecodeError, ValidationError...
        load_scenario(path)
    assert type(exc.value) is ScenarioError
    # No chained exception that a traceback would show ("During handling of the above exception...").
    assert exc.value.__cause__ is None
    assert exc.value.__context__ is None or exc.value.__suppress_context__
    check_message(str(exc.value), path, bad)


@pytest.mark.parametrize("bad", BAD, ids=[b.name for b in BAD])
def test_validate_reports_bad_scenario_with_exit_code_2(tmp_path, bad, capsys):
    path = write(tmp_path, bad)
    assert main(["validate", str(path)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith(f"error: {path}"), err
    assert err.count("error:") == 1
    assert "Traceback" not in err
    check_message(err.removeprefix("error: "), path, bad)


def test_a_single_problem_is_a_single_line(tmp_path, capsys):
    bad = next(b for b in BAD if b.name == "out_of_range")
    assert main(["validate", str(write(tmp_path, bad))]) == 2
    err = capsys.readouterr().err
    assert err == f"error: {tmp_path / 'out_of_range.toml'}: field 'parameters.visibility': Input should be less " \
                  "than or equal to 1 (got 1.5)\n"


def test_several_problems_are_all_reported(tmp_path):
    text = broken("visibility = 0.3", "visibility = 1.5").replace("enmity = 0.6", "enmity = -1.0")
    path = tmp_path / "two.toml"
    path.write_text(text)
    with pytest.raises(ScenarioError) as exc:
        load_scenario(path)
    assert "parameters.visibility" in str(exc.value) and "parameters.enmity" in str(exc.value)


def test_missing_and_unknown_scenarios(tmp_path, capsys):
    with pytest.raises(ScenarioError, match=r"no such scenario file"):
        load_scenario(tmp_path / "nope.toml")
    with pytest.raises(ScenarioError, match=r"unknown scenario 'nope'; shipped scenarios: baseline, loopholes"):
        load_scenario("nope")
    assert main(["validate", "nope"]) == 2
    assert capsys.readouterr().err.startswith("error: unknown scenario 'nope'")


def test_unreadable_bytes_are_a_scenario_error(tmp_path):
    path = tmp_path / "latin1.toml"
    path.write_bytes(BASELINE_TEXT.replace("Baseline", "Basel\xefne").encode("latin-1"))
    with pytest.raises(ScenarioError, match=re.escape(str(path))):
        load_scenario(path)


# ----------------------------------------------------------------------------- no code execution
CODE = "__import__('os').system('touch {marker}')"


def test_scenario_values_are_data_never_code(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    marker = tmp_path / "PWNED"
    code = CODE.format(marker=marker)
    # As a string field it is kept verbatim, as text.
    path = tmp_path / "as_text.toml"
    path.write_text(broken('title = "Baseline: 2026 policy as it stands"', f'title = "{code}"'))
    sc = load_scenario(path)
    assert sc.title == code
    AIRaceModel(sc, seed=0).run_to_end()
    # In a number, a policy name or a lever it is rejected as the wrong type or an unknown name.
    for name, text, fragment in [
        ("as_number", broken("enmity = 0.6", f'enmity = "{code}"'), "parameters.enmity"),
        ("as_policy", broken('policy = "cautious"', f'policy = "{code}"'), ".policy"),
        ("as_lever", broken('policy = "cautious"', f'policy = "cautious"\nlevers = {{ safety_share = "{code}" }}'),
         ".levers"),
        ("as_key", BASELINE_TEXT + f'\n[parameters2]\n"{code}" = 1\n', "unknown field"),
    ]:
        path = tmp_path / f"{name}.toml"
        path.write_text(text)
        with pytest.raises(ScenarioError, match=re.escape(fragment)):
            load_scenario(path)
        assert main(["validate", str(path)]) == 2
    assert not marker.exists()
    assert not (tmp_path / "PWNED").exists()


# ----------------------------------------------------------------------------- overrides
def test_with_overrides_applies_and_revalidates():
    base = load_scenario("baseline")
    sc = base.with_overrides({"parameters.enmity": 1.5, "labs.us_lab_a.initial_compute_h100e": 2e6,
                              "outcome.s1_lead_months": 10})
    assert sc.parameters.enmity == 1.5
    assert sc.labs[0].initial_compute_h100e == 2e6
    assert sc.outcome.s1_lead_months == 10.0
    assert base.parameters.enmity == 0.6, "the original is not changed"
    with pytest.raises(ScenarioError, match=r"parameters\.visibility.*less than or equal to 1"):
        base.with_overrides({"parameters.visibility": 2.0})
    with pytest.raises(ScenarioError, match=r"must be a finite number"):
        base.with_overrides({"parameters.enmity": float("nan")})


@pytest.mark.parametrize("path,value", [
    ("parameters.enmity", True),
    ("parameters.visibility", False),
    ("outcome.s1_lead_months", True),
    ("labs.us_lab_a.initial_compute_h100e", True),
])
def test_with_overrides_refuses_a_bool_for_a_number_field(path, value):
    """True is not 1.0: a boolean given for a number field is refused, naming the field, never coerced."""
    field = path.replace("labs.us_lab_a.", "labs[0].")
    with pytest.raises(ScenarioError, match=rf"field '{re.escape(field)}': Input should be a valid number "
                                            rf"\(got {value}\)"):
        load_scenario("baseline").with_overrides({path: value})


def test_with_overrides_still_converts_whole_numbers_between_int_and_float():
    base = load_scenario("baseline")
    sc = base.with_overrides({"parameters.enmity": 1, "outcome.s2_lead_months": 2,
                              "labs.us_lab_a.base_testing_quarters": 2.0})
    assert sc.parameters.enmity == 1.0 and isinstance(sc.parameters.enmity, float)
    assert isinstance(sc.outcome.s2_lead_months, float)
    assert sc.labs[0].base_testing_quarters == 2 and isinstance(sc.labs[0].base_testing_quarters, int)


@pytest.mark.parametrize("path,fragment", [
    ("parameters.enmty", "unknown field 'enmty'"),
    ("paramters.enmity", "unknown field 'paramters'"),
    ("labs.us_lab_z.base_safety_share", "no seat with id 'us_lab_z'"),
    ("labs.us_lab_a.warp_factor", "unknown field 'warp_factor'"),
    ("scenario.nme", "unknown field 'nme'"),
    ("nonsense", "unknown field 'nonsense'"),
])
def test_with_overrides_rejects_unknown_paths(path, fragment):
    with pytest.raises(ScenarioError, match=re.escape(f"override {path!r}: {fragment}")):
        load_scenario("baseline").with_overrides({path: 1.0})
