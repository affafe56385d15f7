"""The race literature, qualitatively, over seeds (issue 7, "Must show").

Each comparison runs two variants of a scenario on the same seeds (common random numbers: one generator per
source of randomness), and compares the mean of the per-seed differences with its standard error:

(a) more enmity (``parameters.enmity`` 0.2 vs 1.5 in ``baseline``) gives less safety and more incidents, and
    widens neither the lead of internal models (freed compute) nor the deployed lead that decides S1/S2
    (Armstrong, Bostrom & Shulman 2016; Stafford, Trager & Dafoe 2022);
(b) more labs per bloc gives less safety per lab (Armstrong et al. 2016): the same labs keep less safety when
    they have more rivals, with their bloc's compute unchanged;
(c) visibility pushes pressure both ways (Emery-Xu, Park & Trager): in the close race of ``loopholes`` more
    visibility raises mean pressure, in the wide race of ``tight_controls`` it lowers it;
(d) closing each loophole of ``loopholes`` (smuggling, remote access, distillation, chip sales) cuts its flow
    and either moves the final lead toward the US or is met by a substitute flow, which the test names and
    checks; a substitute never brings in more compute than the closing took away.

Margins are 3 standard errors of the paired differences.
"""

from __future__ import annotations

import copy
import math
import statistics
from collections.abc import Callable
from typing import Any

import pytest

from agents.lab import Lab
from wargame.model import AIRaceModel
from wargame.scenario import Scenario, load_scenario, validate_scenario

Z = 3.0  # margin, in standard errors of the mean paired difference


def paired(a: list[float], b: list[float]) -> tuple[float, float]:
    """Mean and standard error of ``b - a`` over common seeds."""
    diffs = [y - x for x, y in zip(a, b, strict=True)]
    return statistics.fmean(diffs), statistics.stdev(diffs) / math.sqrt(len(diffs))


def summaries(scenario: Scenario, seeds: range, measure: Callable[[AIRaceModel], dict[str, float]] | None = None
              ) -> dict[str, list[float]]:
    """Per key, the list over seeds of a finished game's summary and its final internal lead (months), plus
    ``measure(model)`` if given."""
    out: dict[str, list[float]] = {}
    for seed in seeds:
        model = AIRaceModel(scenario, seed=seed).run_to_end()
        row = {k: v for k, v in model.summary().items() if isinstance(v, int | float)}
        row["final_lead_internal_months"] = model.lead_internal_months
        if measure is not None:
            row |= measure(model)
        for key, value in row.items():
            out.setdefault(key, []).append(float(value))
    return out


# ----------------------------------------------------------------------------- (a) enmity
@pytest.fixture(scope="module")
def enmity_runs() -> dict[float, dict[str, list[float]]]:
    base = load_scenario("baseline")
    return {e: summaries(base.with_overrides({"parameters.enmity": e}), range(100)) for e in (0.2, 1.5)}


def test_more_enmity_gives_less_safety(enmity_runs):
    mean, se = paired(enmity_runs[0.2]["mean_safety_share"], enmity_runs[1.5]["mean_safety_share"])
    assert mean < -Z * se, (mean, se)
    mean, se = paired(enmity_runs[0.2]["mean_race_pressure"], enmity_runs[1.5]["mean_race_pressure"])
    assert mean > Z * se, (mean, se)


def test_more_enmity_gives_more_incidents(enmity_runs):
    mean, se = paired(enmity_runs[0.2]["cumulative_incident_probability"],
                      enmity_runs[1.5]["cumulative_incident_probability"])
    assert mean > Z * se, (mean, se)
    mean, se = paired(enmity_runs[0.2]["incidents"], enmity_runs[1.5]["incidents"])
    assert mean > 2 * se, ("incident counts", mean, se)


def test_more_enmity_does_not_help_the_leader_through_freed_compute(enmity_runs):
    """v1 let hostile US labs cut safety into training and widen the lead. The lead of internal (trained) models
    is what freed compute would buy: it must not widen."""
    mean, se = paired(enmity_runs[0.2]["final_lead_internal_months"], enmity_runs[1.5]["final_lead_internal_months"])
    assert mean < 2 * se, (mean, se)


def test_more_enmity_does_not_widen_the_us_lead(enmity_runs):
    """Nor the lead of deployed models, the one that decides S1/S2: a course must not teach that enmity helps the
    leader (issue 7, "Implausible directions")."""
    mean, se = paired(enmity_runs[0.2]["final_lead_months"], enmity_runs[1.5]["final_lead_months"])
    assert mean < 2 * se, (f"more enmity widens the deployed US lead by {mean:.2f} +- {se:.2f} months", mean, se)


# ----------------------------------------------------------------------------- (b) labs per bloc
def with_labs(name: str, bloc: str, add: int = 0, remove: tuple[str, ...] = ()) -> Scenario:
    """A scenario with labs added to (copies of the bloc's last lab) or removed from a bloc.

    The bloc's total starting compute is kept, spread over its labs in proportion to their compute before, and
    allocation shares are renormalised to sum to 1, so the bloc is as strong; only the number of rivals moves.
    """
    data = copy.deepcopy(load_scenario(name).model_dump())
    labs = [lab for lab in data["labs"] if lab["id"] not in remove]
    mine = [lab for lab in labs if lab["bloc"] == bloc]
    total_compute = sum(lab["initial_compute_h100e"] for lab in mine)
    for i in range(add):
        extra = copy.deepcopy(mine[-1])
        extra["id"], extra["name"] = f"{bloc.lower()}_lab_new_{i}", f"New {bloc} lab {i}"
        labs.append(extra)
    mine = [lab for lab in labs if lab["bloc"] == bloc]
    shares = sum(lab["chip_allocation_share"] for lab in mine)
    compute = sum(lab["initial_compute_h100e"] for lab in mine)
    for lab in mine:
        lab["chip_allocation_share"] /= shares
        lab["initial_compute_h100e"] *= total_compute / compute
    data["labs"] = labs
    return validate_scenario(data, source=f"{name} with {len(mine)} {bloc} labs")


def mean_safety_of(seats: tuple[str, ...]) -> Callable[[AIRaceModel], dict[str, float]]:
    """A measure: the mean safety share of some labs over the seasons played (read from the lab frame)."""
    def measure(model: AIRaceModel) -> dict[str, float]:
        frame = model.datacollector.get_agenttype_vars_dataframe(Lab).iloc[len(model.labs):]
        return {"safety_of_common_labs": float(frame[frame["seat"].isin(seats)]["safety_share"].mean())}

    return measure


@pytest.mark.parametrize("bloc,fewer,more", [
    ("PRC", {"remove": ("prc_lab_d",)}, {"add": 2}),
    ("US", {"remove": ("us_lab_c",)}, {"add": 2}),
])
def test_more_labs_per_bloc_give_less_safety_per_lab(bloc, fewer, more):
    common = {"PRC": ("prc_lab_a", "prc_lab_b", "prc_lab_c"), "US": ("us_lab_a", "us_lab_b")}[bloc]
    seeds = range(60)
    measure = mean_safety_of(common)
    runs = {n: summaries(with_labs("baseline", bloc, **kw), seeds, measure)
            for n, kw in (("fewer", fewer), ("shipped", {}), ("more", more))}
    assert len(with_labs("baseline", bloc, **more).labs) == len(load_scenario("baseline").labs) + 2
    for low, high in (("fewer", "shipped"), ("shipped", "more")):
        mean, se = paired(runs[low]["safety_of_common_labs"], runs[high]["safety_of_common_labs"])
        assert mean < -Z * se, (bloc, low, high, mean, se)
    # Not because the race with the other bloc got closer: the bloc's compute is unchanged.
    assert statistics.fmean(runs["more"]["mean_race_pressure"]) > statistics.fmean(runs["fewer"]["mean_race_pressure"])


# ----------------------------------------------------------------------------- (c) visibility both ways
@pytest.fixture(scope="module")
def visibility_runs() -> dict[tuple[str, float], dict[str, list[float]]]:
    return {(name, v): summaries(load_scenario(name).with_overrides({"parameters.visibility": v}), range(80))
            for name in ("loopholes", "tight_controls") for v in (0.0, 1.0)}


def test_visibility_raises_pressure_in_a_close_race_and_lowers_it_in_a_wide_one(visibility_runs):
    close = statistics.median(visibility_runs[("loopholes", 0.0)]["final_lead_months"])
    wide = statistics.median(visibility_runs[("tight_controls", 0.0)]["final_lead_months"])
    assert close < 6.0 < 12.0 < wide, (close, wide)
    mean, se = paired(visibility_runs[("loopholes", 0.0)]["mean_race_pressure"],
                      visibility_runs[("loopholes", 1.0)]["mean_race_pressure"])
    assert mean > Z * se, ("close race: seeing clearly that it is close raises pressure", mean, se)
    mean, se = paired(visibility_runs[("tight_controls", 0.0)]["mean_race_pressure"],
                      visibility_runs[("tight_controls", 1.0)]["mean_race_pressure"])
    assert mean < -Z * se, ("wide race: seeing clearly that it is wide lowers pressure", mean, se)


# ----------------------------------------------------------------------------- (d) closing loopholes
def flows(model: AIRaceModel) -> dict[str, float]:
    """Total PRC inflows by source over the game, H100e, and distillation gains, months."""
    frame = model.datacollector.get_model_vars_dataframe().iloc[1:]
    out = {col: float(frame[col].sum()) for col in frame.columns if col.startswith("prc_inflow_")}
    out["seized_h100e"] = float(frame["seized_h100e"].sum())
    out["distillation_gain_months"] = float(frame["distillation_gain_months"].sum())
    return out


US_LABS = ("us_lab_a", "us_lab_b", "us_lab_c")
LOOPHOLES: dict[str, dict[str, Any]] = {
    "smuggling": {"governments.us_gov.levers.enforcement_budget_musd": 1000.0,
                  "governments.prc_gov.levers.smuggling_tolerance": 0.0},
    "remote_access": {"governments.us_gov.levers.remote_access_rule": "ban"},
    "distillation": {"governments.us_gov.levers.anti_distillation": 1.0,
                     **{f"labs.{lab}.levers.distillation_defence": 1.0 for lab in US_LABS}},
    "chip_sales": {"governments.us_gov.levers.licences_downgraded": False},
}
#: What each closing cuts (a flow that must fall) and what may substitute for it.
CUT = {"smuggling": "prc_inflow_smuggled_h100e", "remote_access": "prc_inflow_remote_h100e",
       "distillation": "distillation_gain_months", "chip_sales": "prc_inflow_legal_h100e"}
SUBSTITUTE = {"chip_sales": "prc_inflow_smuggled_h100e"}
SEEDS_D = range(60)


@pytest.fixture(scope="module")
def loophole_runs() -> dict[str, dict[str, list[float]]]:
    base = load_scenario("loopholes")
    runs = {"open": summaries(base, SEEDS_D, flows)}
    for name, overrides in LOOPHOLES.items():
        runs[name] = summaries(base.with_overrides(overrides), SEEDS_D, flows)
    return runs


@pytest.mark.parametrize("loophole", list(LOOPHOLES))
def test_closing_a_loophole_cuts_its_flow(loophole_runs, loophole):
    mean, se = paired(loophole_runs["open"][CUT[loophole]], loophole_runs[loophole][CUT[loophole]])
    assert mean < -Z * se, (loophole, mean, se)


@pytest.mark.parametrize("loophole", ["smuggling", "remote_access", "distillation"])
def test_closing_a_loophole_moves_the_lead_toward_the_us(loophole_runs, loophole):
    mean, se = paired(loophole_runs["open"]["final_lead_months"], loophole_runs[loophole]["final_lead_months"])
    assert mean > Z * se, (loophole, mean, se)


def test_closing_chip_sales_is_met_by_smuggling(loophole_runs):
    """Cutting licensed sales does not move the lead toward the US in ``loopholes``: the unmet demand goes to
    smugglers (and the designer loses the revenue that funds its R&D). The substitute flow must rise."""
    lead, lead_se = paired(loophole_runs["open"]["final_lead_months"], loophole_runs["chip_sales"]["final_lead_months"])
    substitute, se = paired(loophole_runs["open"][SUBSTITUTE["chip_sales"]],
                            loophole_runs["chip_sales"][SUBSTITUTE["chip_sales"]])
    assert lead > Z * lead_se or substitute > Z * se, (lead, lead_se, substitute, se)
    assert substitute > Z * se, ("documented substitution: smuggling rises when sales close", substitute, se)


def test_smuggling_substitutes_at_most_the_legal_supply_lost(loophole_runs):
    """Smuggling follows the real supply gap: the extra smuggled compute that reaches PRC labs when licensed
    sales close is at most the licensed compute they lose (a ban never leaves the PRC with more chips)."""
    open_, closed = loophole_runs["open"], loophole_runs["chip_sales"]
    lost = [a - b for a, b in zip(open_["prc_inflow_legal_h100e"], closed["prc_inflow_legal_h100e"], strict=True)]
    delivered = {k: [s - z for s, z in zip(runs["prc_inflow_smuggled_h100e"], runs["seized_h100e"], strict=True)]
                 for k, runs in (("open", open_), ("closed", closed))}
    extra = [b - a for a, b in zip(delivered["open"], delivered["closed"], strict=True)]
    ratio = statistics.fmean(extra) / statistics.fmean(lost)
    assert ratio <= 1.0, (f"closing licensed sales draws {ratio:.2f} H100e of extra smuggled compute per H100e of "
                          "licensed compute lost")
