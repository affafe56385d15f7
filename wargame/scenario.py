"""Scenario files: loading, validation and overrides.

A scenario is a TOML file in ``scenarios/`` (or anywhere, given by path). It holds a briefing, the
seasons to play, the model parameters (each with a unit and source, see :class:`Parameters`), the actors
(seats) with the policy that plays each, and the events deck. Loading validates every field; any problem
raises :class:`ScenarioError` whose message names the file, the field and what is allowed. TOML is data
only: a scenario file can never execute code.
"""

from __future__ import annotations

import hashlib
import json
import math
import tomllib
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from wargame.decisions import DecisionError, check_offered, make_decision
from wargame.policies import POLICIES
from wargame.seasons import parse_season

BLOCS = ("US", "PRC")
#: Years a scenario may span: the model's trends and sources describe the late 2020s, not the far future.
FIRST_YEAR, LAST_YEAR = 2024, 2035
#: Jurisdictions on the flow map, with fixed map positions (x, y) for the network view.
JURISDICTIONS: dict[str, tuple[float, float]] = {
    "US": (-1.0, 0.3),
    "NL": (-0.35, 0.8),
    "JP": (0.75, 0.55),
    "KR": (0.6, 0.85),
    "TW": (0.75, 0.0),
    "PRC": (0.35, 0.3),
    "SEA": (0.35, -0.55),
    "ME": (-0.3, -0.35),
}
EVENT_NAMES = ("taiwan_strait_crisis", "smuggling_bust", "algorithmic_breakthrough", "open_weights_shock")


class ScenarioError(ValueError):
    """A scenario file is missing, unreadable, or invalid. The message names file, field and allowed values."""


def param(default: float, unit: str, source: str, description: str, **bounds: Any) -> Any:
    """Declare a model parameter with its unit and source.

    Args:
        default: Default value.
        unit: Unit, e.g. ``"H100e per quarter"``.
        source: Public source of the default, or ``"illustrative"`` with a reason.
        description: What the parameter does in the model.
        **bounds: Pydantic bounds (``ge``, ``le``, ``gt``, ``lt``).

    Returns:
        A pydantic ``FieldInfo``.

    """
    return Field(default, description=description, json_schema_extra={"unit": unit, "source": source},
                 **bounds)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, strict=True)


class Parameters(_Strict):
    """Mechanics parameters. Every default has a unit and a source (see ``docs/model.md``).

    Frozen: a game's rules never change while it is played (change them with ``Scenario.with_overrides``).
    """

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, strict=True, frozen=True)

    frontier_effective_compute_growth_per_year: float = param(
        12.7, "factor per year",
        "Epoch AI (2024): frontier training compute grows 4-5x/yr; times algorithmic progress ~2.8x/yr "
        "(Ho et al. 2024, halving every 8 months)",
        "Yearly growth g of frontier effective compute; converts a capability ratio to months of lead.",
        gt=1.0, le=100.0)
    algorithmic_halving_months: float = param(
        8.0, "months", "Ho et al., 'Algorithmic progress in language models' (Epoch AI, 2024); 95% CI 5-14",
        "Months for the compute needed for the same performance to halve (US labs).", gt=1.0, le=60.0)
    prc_algorithmic_progress_ratio: float = param(
        0.85, "ratio", "illustrative",
        "PRC labs' own algorithmic progress relative to US labs, before diffusion.", ge=0.0, le=2.0)
    algorithmic_compute_elasticity: float = param(
        0.5, "elasticity", "illustrative; algorithmic progress needs compute for experiments",
        "How a bloc's own algorithmic progress scales with its share of compute relative to the start.",
        ge=0.0, le=3.0)
    diffusion_share_per_quarter: float = param(
        0.25, "share of log-gap per quarter",
        "illustrative; needed to match the ~7-month capability lag (Epoch Capabilities Index, secondary) "
        "despite a larger compute gap",
        "Share of the leader's algorithmic lead that reaches the laggard each quarter.", ge=0.0, le=1.0)
    depreciation_per_quarter: float = param(
        0.0625, "share of stock per quarter", "illustrative: 4-year useful life of accelerators",
        "Share of a compute stock retired each quarter.", ge=0.0, le=0.5)
    initial_capability_noise_sd: float = param(
        0.3, "log effective compute", "illustrative; calibrated to the 4-14 month range of the PRC lag "
        "(Epoch Capabilities Index coverage, secondary)",
        "Spread of each lab's starting model around what its compute implies.", ge=0.0, le=3.0)
    prc_legal_chip_demand: float = param(
        250_000.0, "chips per quarter", "illustrative; order of ~1 M H20-class chips a year (press, secondary)",
        "PRC demand for licensed chips when licences are granted.", ge=0.0, le=1e8)
    licensed_chip_price_usd: float = param(
        12_000.0, "USD per chip", "illustrative; H20-class list prices of ~USD 12,000 (press 2025, secondary)",
        "Price of a licensed downgraded chip at the start (it falls with the H100e price), for the "
        "licence revenue the US collects.", ge=0.0, le=1e6)
    smuggling_volume_sd: float = param(
        0.9, "log-units", "CNAS, 'Preventing AI chip smuggling to China' (2025): median ~140k chips in 2024, "
        "plausible ~10k to several hundred thousand",
        "Standard deviation of the lognormal draw of smuggled volume.", ge=0.0, le=3.0)
    max_smuggling_share_of_output: float = param(
        1.0, "share of US designer output", "illustrative physical limit: smugglers can only divert chips "
        "that were made", "Most a smuggling network can ship in a quarter, as a share of the US designer's "
        "output that quarter.", ge=0.0, le=10.0)
    cloud_max_capacity_multiple: float = param(
        3.0, "multiple of base capacity", "illustrative physical limit: a cloud rents only the data centres "
        "it has", "Most an overseas cloud can rent out in a quarter, as a multiple of its base capacity grown "
        "with the chip market.", ge=0.0, le=100.0)
    seizure_rate_per_musd: float = param(
        0.012, "per USD million per quarter", "illustrative",
        "Seizure hazard bought by one USD million of enforcement; P(seize) = 1 - exp(-rate * budget).",
        ge=0.0, le=1.0)
    smuggling_demand_boost: float = param(
        0.6, "H100e of demand per H100e of licensed supply lost", "illustrative; CNAS (2025): smuggling rises "
        "when legal supply is cut, but does not replace it fully", "Extra smuggling demand per H100e of licensed "
        "supply the PRC wanted and did not get (a US ban, a designer refusing to sell, buy-domestic guidance).",
        ge=0.0, le=10.0)
    kyc_block_share: float = param(
        0.6, "share [0, 1]", "illustrative", "Share of remote-access rentals a KYC rule blocks when applied.",
        ge=0.0, le=1.0)
    remote_access_leakage: float = param(
        0.1, "share [0, 1]", "illustrative",
        "Share of rentals that still get through when the remote-access rule binds.", ge=0.0, le=1.0)
    us_output_growth_per_quarter: float = param(
        0.45, "share per quarter", "Epoch AI (2024): frontier training compute grows 4-5x/yr; with the stock "
        "and depreciation here, 0.45/quarter of output growth gives a largest US run growing ~4.2x/yr "
        "(docs/model.md §9)", "Quarterly growth of US accelerator output to the frontier labs modelled "
        "(before the designer's R&D factor); also the growth of the chip market index.", ge=-0.5, le=1.0)
    domestic_output_growth_per_quarter: float = param(
        0.10, "share per quarter", "illustrative; set so the chain is ~4% of US designer output in 2026 and "
        "~2% in 2027 ('2028: Two scenarios', secondary)",
        "Quarterly growth of PRC domestic chip capacity before controls and subsidies.", ge=-0.5, le=1.0)
    tool_control_effect: float = param(
        0.5, "share [0, 1]", "illustrative", "Cut in PRC domestic output growth when tool controls are fully "
        "matched by allies.", ge=0.0, le=1.0)
    memory_control_effect: float = param(
        0.3, "share [0, 1]", "illustrative", "Cut in PRC domestic output when memory (HBM) exports are fully "
        "controlled.", ge=0.0, le=1.0)
    foundry_leakage: float = param(
        0.3, "share [0, 1]", "illustrative; foreign-foundry dies found in PRC accelerators (press 2024, "
        "secondary)", "Extra PRC domestic output from foreign foundries when customer checks are lax.",
        ge=0.0, le=2.0)
    retaliation_output_cut: float = param(
        0.25, "share [0, 1]", "illustrative; the PRC refines ~80-98% of gallium and ~60-68% of germanium (USGS "
        "via press, secondary)", "Cut in US and allied chip output under full critical-mineral retaliation.",
        ge=0.0, le=1.0)
    distillation_rate: float = param(
        0.25, "share of log-gap per quarter", "illustrative; effect size contested (CSET commentary, "
        "secondary); campaign scale ~24,000 accounts (Anthropic, Feb 2026, secondary)",
        "Share of the log-gap to the best deployed US model closed per quarter at full effort, undetected.",
        ge=0.0, le=1.0)
    detection_strength: float = param(
        1.5, "per unit of defence", "illustrative",
        "P(detect) = 1 - exp(-strength * (lab defences + anti-distillation measures)).", ge=0.0, le=20.0)
    enmity: float = param(
        0.6, "index >= 0", "illustrative; Armstrong, Bostrom & Shulman (2016); Stafford et al. (2022)",
        "Enmity between the blocs; scales safety-race pressure.", ge=0.0, le=5.0)
    pressure_scale_months: float = param(
        6.0, "months", "illustrative", "Lead at which race pressure falls to 1/e of its maximum (tau).",
        ge=0.1, le=120.0)
    visibility: float = param(
        0.3, "share [0, 1]", "illustrative; Emery-Xu, Park & Trager; Armstrong et al. (2016)",
        "How much labs see of rivals' internal models (0 deployed only, 1 full intelligence).",
        ge=0.0, le=1.0)
    intel_noise_months: float = param(
        4.0, "months", "illustrative", "Standard deviation of a lab's error about the internal lead "
        "with no visibility.", ge=0.0, le=60.0)
    racing_safety_cut: float = param(
        0.8, "per unit of pressure", "illustrative; Stafford, Trager & Dafoe (2022)",
        "How much racing labs cut safety share and testing as pressure rises.", ge=0.0, le=10.0)
    cautious_safety_cut: float = param(
        0.25, "per unit of pressure", "illustrative", "How much cautious labs cut safety under pressure.",
        ge=0.0, le=10.0)
    incident_base_hazard: float = param(
        0.005, "incidents per lab per quarter", "illustrative (PARAMETERS.md); essentially unmeasured",
        "Hazard of a lab at reference capability, 10% safety share and 1 quarter of testing.",
        ge=0.0, le=1.0)
    incident_capability_elasticity: float = param(
        0.35, "elasticity", "illustrative", "Rise of hazard with effective compute relative to the start.",
        ge=0.0, le=3.0)
    incident_safety_effect: float = param(
        15.0, "per unit of safety share", "illustrative", "Fall of hazard with safety share.", ge=0.0, le=100.0)
    incident_testing_effect: float = param(
        0.3, "per quarter of testing", "illustrative", "Fall of hazard with pre-release testing.",
        ge=0.0, le=5.0)
    major_incident_share: float = param(
        0.15, "share [0, 1]", "illustrative", "Share of incidents that are major.", ge=0.0, le=1.0)
    catastrophic_incident_share: float = param(
        0.01, "share [0, 1]", "illustrative", "Share of incidents that are catastrophic.", ge=0.0, le=1.0)
    incident_enmity_relief: float = param(
        0.1, "enmity per major incident", "illustrative", "Fall in enmity after a major incident "
        "(appetite for talks).", ge=0.0, le=5.0)
    initial_adoption_share_us: float = param(
        0.6, "share [0, 1]", "illustrative", "Global South share using US models at the start.",
        ge=0.0, le=1.0)
    adoption_lead_weight: float = param(
        1.0, "logit per year of lead", "illustrative", "Pull of the capability lead on adoption.",
        ge=0.0, le=20.0)
    adoption_openness_weight: float = param(
        0.8, "logit", "illustrative", "Pull of open weights on adoption.", ge=0.0, le=20.0)
    adoption_promotion_weight: float = param(
        1.0, "logit per unit of promotion", "illustrative", "Pull of export promotion on adoption.",
        ge=0.0, le=20.0)
    adoption_price_advantage_prc: float = param(
        0.5, "logit", "illustrative; cheap 'good enough' models ('2028: Two scenarios', secondary)",
        "Pull of cheaper PRC models on adoption.", ge=-10.0, le=10.0)
    adoption_speed: float = param(
        0.2, "share per quarter", "illustrative", "Share of the gap to target adoption closed per quarter.",
        ge=0.0, le=1.0)

    # ------------------------------------------------------------------ model v2: economy and feedback
    designer_rd_elasticity: float = param(
        0.5, "elasticity", "illustrative; PRC sales were ~12-15% of the leading designer's data-centre revenue "
        "in 2024 (Nvidia filings via press, secondary)",
        "How US output growth scales with the designer's revenue relative to its US sales: growth x "
        "(1 + net PRC revenue / US revenue)^e. A ban costs R&D.", ge=0.0, le=5.0)
    h100e_price_usd: float = param(
        25_000.0, "USD per H100e", "H100 list prices of USD 25,000-30,000 (press 2024-25, secondary)",
        "Price of one H100e of accelerators in the US market (designer revenue, lab purchases).", gt=0.0,
        le=1e6)
    h100e_price_decline_per_quarter: float = param(
        0.079, "share per quarter", "Epoch AI, 'Trends in GPU price-performance': FLOP/s per dollar doubles "
        "about every 2.1 years (1 - 2^(-1/8.4) per quarter)", "Quarterly fall of the price of one H100e.",
        ge=0.0, le=0.5)
    prc_compute_price_premium: float = param(
        1.5, "ratio", "illustrative; scarcity premium of compute under controls (press reports of smuggled "
        "chips at a premium, secondary)", "PRC labs pay this multiple of the US price per H100e.", ge=0.5,
        le=10.0)
    lab_reinvestment_share: float = param(
        0.5, "share [0, 1]", "illustrative", "Share of a lab's serving revenue spent on compute the next "
        "quarter (purchased inflow).", ge=0.0, le=1.0)
    revenue_allocation_elasticity: float = param(
        0.5, "elasticity", "illustrative; investors fund labs that earn", "How strongly a lab's share of its "
        "bloc's chip inflows follows its share of the bloc's revenue.", ge=0.0, le=3.0)
    serving_price_usd_per_h100e: float = param(
        6_000.0, "USD per H100e-quarter", "illustrative; ~USD 2-3 per GPU-hour of inference over 2,190 hours, "
        "with API margins (press, secondary)", "Revenue of one H100e-quarter of serving at the frontier.",
        ge=0.0, le=1e6)
    serving_demand_h100e: float = param(
        300_000.0, "H100e per quarter", "illustrative", "Inference demand a frontier-quality lab meets at "
        "the start (grows with the chip market and its bloc's adoption).", ge=0.0, le=1e9)
    serving_quality_elasticity: float = param(
        0.5, "per ln effective compute", "illustrative", "Fall of a lab's demand per ln unit behind the "
        "world's best deployed model.", ge=0.0, le=5.0)
    open_weights_revenue_loss: float = param(
        0.5, "share [0, 1]", "illustrative", "Share of serving revenue lost by releasing open weights.",
        ge=0.0, le=1.0)
    open_weights_diffusion: float = param(
        0.15, "share of log-gap per quarter", "illustrative; open models are fine-tuned and studied "
        "freely", "Share of the log-gap to the best open model of the other bloc that a lab closes each "
        "quarter (undetectable).", ge=0.0, le=1.0)
    open_weights_hazard_multiplier: float = param(
        1.5, "ratio", "illustrative; CAISI: ~94% compliance with malicious requests for a leading PRC open "
        "model (via the 2026 paper, secondary)", "Incident hazard of a lab whose deployed model is open "
        "weights, relative to API.", ge=1.0, le=10.0)
    max_seizure_share: float = param(
        0.6, "share [0, 1]", "illustrative; enforcement never stops most transshipment (CNAS 2025)",
        "Largest share of smuggled volume any enforcement budget seizes.", ge=0.0, le=1.0)
    smuggler_margin_usd_per_h100e: float = param(
        12_000.0, "USD per H100e", "illustrative; smuggled chips sell at a premium of roughly 1.5-2x list "
        "(press, secondary)",
        "Smugglers' margin per delivered H100e when the market is unsaturated.", ge=0.0, le=1e6)
    smuggler_seizure_loss_usd_per_h100e: float = param(
        6_000.0, "USD per H100e", "illustrative; buyers often pay up front, so a seizure costs the network its "
        "fee and fines rather than the chip", "Smugglers' loss per seized H100e.", ge=0.0, le=1e6)
    cloud_rental_price_usd_per_h100e: float = param(
        5_000.0, "USD per H100e-quarter", "illustrative; ~USD 2.3 per GPU-hour (press, secondary)",
        "Rent an overseas cloud earns per H100e-quarter rented to PRC labs.", ge=0.0, le=1e6)
    cloud_capacity_cost_usd_per_h100e: float = param(
        3_000.0, "USD per H100e-quarter", "illustrative", "Cost of a cloud's capacity offered to PRC "
        "customers, rented or not.", ge=0.0, le=1e6)
    violation_fine_usd_per_h100e: float = param(
        20_000.0, "USD per H100e", "illustrative", "Fine per H100e rented or sold in breach of a US rule, "
        "when caught.", ge=0.0, le=1e7)
    kyc_voluntary_block_share: float = param(
        0.3, "share [0, 1]", "illustrative", "Share of PRC rentals a cloud's own know-your-customer checks "
        "turn away under an open rule (entity-listed and fraudulent customers).", ge=0.0, le=1.0)
    designer_checked_sales_share: float = param(
        0.2, "share [0, 1]", "illustrative; Singapore and Malaysia billed ~20% of the leading designer's "
        "revenue in 2024 (filings via press, secondary)", "Share of the US designer's sales that go through "
        "the distributors its customer checks screen (what the checks cost it).", ge=0.0, le=1.0)
    diversion_fine_share: float = param(
        0.2, "share [0, 1]", "illustrative", "Share of the per-H100e violation fine the US designer pays for "
        "smuggled chips diverted through distributors it did not check, when enforcement finds them.",
        ge=0.0, le=1.0)
    downgraded_product_cost_busd: float = param(
        0.1, "USD billion per quarter", "illustrative; the leading designer wrote down ~USD 5.5B of H20 stock "
        "when licences were withdrawn in April 2025 (filing via press, secondary)", "Cost to the designer "
        "of keeping a compliant downgraded product line for the PRC market.", ge=0.0, le=100.0)
    chokepoint_fine_share: float = param(
        0.5, "share of PRC revenue", "illustrative", "Fine on a chokepoint chipmaker with no customer checks "
        "whose government is fully aligned, as a share of its PRC revenue at no alignment, times the chance "
        "enforcement finds it.", ge=0.0, le=10.0)
    diversion_check_effect: float = param(
        0.5, "share [0, 1]", "illustrative", "Cut in smuggled supply when the US designer's distributor "
        "checks are at full strength.", ge=0.0, le=1.0)
    checks_revenue_cost: float = param(
        0.05, "share [0, 1]", "illustrative", "Share of a chipmaker's sales lost to its customer checks "
        "at full strength.", ge=0.0, le=1.0)
    chokepoint_prc_revenue_busd: float = param(
        2.0, "USD billion per quarter", "illustrative; ASML's China sales ~40% of its 2024 sales (press, "
        "secondary)", "Revenue a chokepoint chipmaker earns from PRC customers when unaligned and unchecked.",
        ge=0.0, le=100.0)
    prc_subsidy_max_boost: float = param(
        0.08, "share per quarter", "illustrative; the chain is limited by tools, memory and yield",
        "Most extra domestic output growth any subsidy buys (what the chain can absorb).", ge=0.0, le=1.0)
    prc_subsidy_scale_busd: float = param(
        8.0, "USD billion per quarter", "illustrative; Big Fund III: ~USD 47.5B registered in 2024 (press, "
        "secondary)", "Subsidy at which the boost reaches 63% of its maximum (diminishing returns).",
        gt=0.0, le=1000.0)
    initial_domestic_yield: float = param(
        0.5, "share [0, 1]", "illustrative; reported yields of PRC 7 nm-class accelerators of 20-50% (press, "
        "secondary)", "Share of good dies of the PRC domestic chain at the start.", gt=0.0, le=1.0)
    buy_domestic_learning: float = param(
        0.12, "share of the yield gap per quarter", "illustrative; learning by doing",
        "Share of the remaining yield gap closed per quarter at full buy-domestic guidance.", ge=0.0, le=1.0)
    yield_ramp_learning: float = param(
        0.06, "share of the yield gap per quarter", "illustrative", "Share of the remaining yield gap "
        "closed per quarter at full yield-ramp investment.", ge=0.0, le=1.0)
    yield_ramp_cost_busd: float = param(
        0.5, "USD billion per quarter", "illustrative", "Cost of full yield-ramp investment.", ge=0.0,
        le=100.0)
    retaliation_cost_busd: float = param(
        1.0, "USD billion per quarter", "illustrative; the PRC refines ~80-98% of gallium and ~60-68% of "
        "germanium (USGS via press, secondary)", "Export revenue the PRC gives up under full critical-"
        "mineral retaliation.", ge=0.0, le=100.0)
    export_promotion_cost_busd: float = param(
        1.0, "USD billion per quarter", "illustrative", "Cost of full export promotion (US) or open-weights "
        "push abroad (PRC).", ge=0.0, le=100.0)
    anti_distillation_cost_busd: float = param(
        0.2, "USD billion per quarter", "illustrative", "Cost of full anti-distillation law and threat-"
        "intelligence sharing.", ge=0.0, le=100.0)
    distillation_defence_revenue_cost: float = param(
        0.08, "share [0, 1]", "illustrative; account checks turn away some real users",
        "Share of a US lab's serving revenue lost at full distillation defences.", ge=0.0, le=1.0)
    distillation_sanction_busd: float = param(
        0.5, "USD billion", "illustrative; entity listing after a detected campaign",
        "Revenue a PRC lab loses when a distillation campaign of its is detected.", ge=0.0, le=100.0)
    intelligence_rate_per_musd: float = param(
        0.01, "per USD million per quarter", "illustrative", "Intelligence noise falls as exp(-rate x "
        "budget).", ge=0.0, le=1.0)
    laggard_pressure_scale: float = param(
        2.0, "ratio >= 1", "illustrative; Stafford, Trager & Dafoe (2022): a laggard close to the leader cuts "
        "corners", "How much wider the range of leads over which a lab that is behind feels race pressure "
        "(k in docs/model.md §7.2).", ge=1.0, le=10.0)
    within_bloc_pressure_weight: float = param(
        0.15, "pressure per rival", "illustrative; Armstrong, Bostrom & Shulman (2016): more teams, more "
        "risk", "Race pressure a lab feels from each rival of its own bloc at parity.", ge=0.0, le=5.0)
    enmity_control_hostility: float = param(
        1.0, "enmity per unit of control tightening", "illustrative", "Rise of enmity per unit rise of the "
        "US control index within a season.", ge=0.0, le=10.0)
    enmity_retaliation_hostility: float = param(
        0.15, "enmity per quarter", "illustrative", "Rise of enmity per quarter of full retaliation.",
        ge=0.0, le=5.0)
    enmity_distillation_hostility: float = param(
        0.05, "enmity per detected campaign", "illustrative", "Rise of enmity when a distillation campaign "
        "is detected.", ge=0.0, le=5.0)
    dialogue_enmity_relief: float = param(
        0.3, "share of enmity per quarter", "illustrative", "Share of enmity that full mutual safety "
        "dialogue removes per quarter.", ge=0.0, le=1.0)
    dialogue_diffusion: float = param(
        0.05, "share of log-gap per quarter", "illustrative", "Extra algorithmic diffusion to the laggard "
        "at full mutual dialogue (information sharing).", ge=0.0, le=1.0)
    dialogue_hazard_reduction: float = param(
        0.5, "share [0, 1]", "illustrative", "Cut in every lab's incident hazard at full mutual dialogue "
        "(shared safety practice).", ge=0.0, le=1.0)
    dialogue_cost_busd: float = param(
        0.02, "USD billion per quarter", "illustrative", "Cost of full safety dialogue to each government.",
        ge=0.0, le=100.0)
    licensed_price_elasticity: float = param(
        1.5, "elasticity", "illustrative", "Fall of PRC demand for licensed chips as the revenue share raises "
        "their price: demand x (1 + share)^-e.", ge=0.0, le=10.0)
    incident_pause_revenue_loss: float = param(
        0.5, "share [0, 1]", "illustrative", "Share of serving revenue a lab loses while its releases are paused "
        "after a major incident.", ge=0.0, le=1.0)
    intel_compute_noise_log: float = param(
        0.5, "log-units", "illustrative", "Spread of a bloc's estimate of the other bloc's compute with no "
        "visibility (scaled by 1 - effective visibility).", ge=0.0, le=3.0)
    enmity_smuggling_hostility: float = param(
        0.05, "enmity per quarter", "illustrative", "Rise of enmity per quarter of full PRC tolerance of "
        "smuggling.", ge=0.0, le=5.0)
    incident_pause_quarters: int = param(
        1, "quarters", "illustrative", "Quarters a lab may not release after a major or catastrophic "
        "incident (serving revenue halves meanwhile).", ge=0, le=8)
    incident_adoption_loss: float = param(
        0.03, "share of adoption", "illustrative", "Global South adoption a bloc loses per major or "
        "catastrophic incident of its labs.", ge=0.0, le=1.0)


class Outcome(_Strict):
    """Thresholds of the outcome classes at the horizon (months of lead)."""

    s1_lead_months: float = param(12.0, "months", "'2028: Two scenarios' (2026): a 12-24 month lead",
                                  "Lead at or above which the run is S1 (democracies lead).", ge=0.0, le=120.0)
    s2_lead_months: float = param(3.0, "months", "illustrative; 'near-parity' in '2028: Two scenarios'",
                                  "Lead at or below which the run is S2 (authoritarian parity).",
                                  ge=-120.0, le=120.0)

    @model_validator(mode="after")
    def _ordered(self) -> Outcome:
        if self.s2_lead_months >= self.s1_lead_months:
            raise ValueError("s2_lead_months must be below s1_lead_months")
        return self


def weight(default: float, unit: str, description: str) -> Any:
    """Declare an objective weight (points per unit of the component; illustrative, set by the scenario)."""
    return param(default, unit, "illustrative: a scenario's statement of what the seat plays for", description,
                 ge=0.0, le=100.0)


class USGovernmentObjectives(_Strict):
    """What the US government plays for; each season's points are the weighted components (docs/model.md §7.15)."""

    lead: float = weight(4.0, "points per year of lead", "Months of deployed lead / 12.")
    adoption: float = weight(1.0, "points per unit", "2 x (US share of Global South adoption - 0.5).")
    incidents: float = weight(4.0, "points per severity point", "Minus the severity of every AI incident.")
    licence_revenue: float = weight(0.05, "points per USD billion", "Licence revenue share collected.")
    industry_revenue: float = weight(0.002, "points per USD billion", "Revenue of US chipmakers (sales to US "
                                     "labs and licensed PRC sales) and of US-bloc overseas clouds.")
    allies: float = weight(1.0, "points per unit of friction", "Minus the pressure allies resent plus pressure "
                           "applied.")
    fiscal: float = weight(1.0, "points per USD billion", "Minus spending on enforcement, intelligence, "
                           "promotion, anti-distillation and dialogue.")


class PRCGovernmentObjectives(_Strict):
    """What the PRC government plays for."""

    parity: float = weight(2.0, "points per year of lead", "Minus the US deployed lead in months / 12.")
    self_sufficiency: float = weight(3.0, "points per unit", "Domestic share of PRC labs' compute inflows "
                                     "(domestic chips and compute bought at home).")
    adoption: float = weight(1.0, "points per unit", "2 x (PRC share of Global South adoption - 0.5).")
    incidents: float = weight(2.0, "points per severity point", "Minus the severity of every AI incident.")
    fiscal: float = weight(0.05, "points per USD billion", "Minus subsidies, mineral revenue given up by "
                           "retaliation, open-weights push, intelligence and dialogue.")


class AllyGovernmentObjectives(_Strict):
    """What an ally holding a chokepoint plays for."""

    revenue: float = weight(1.0, "points per USD billion", "Its chipmakers' PRC revenue.")
    us_relations: float = weight(2.0, "points per unit of friction", "Minus US pressure x (1 - alignment).")
    retaliation: float = weight(1.0, "points per unit", "Minus PRC retaliation x alignment (exposure).")


class LabObjectives(_Strict):
    """What an AI lab plays for."""

    capability: float = weight(1.0, "points per year ahead", "Months its deployed model is ahead of the "
                               "mean lab's / 12.")
    revenue: float = weight(0.05, "points per USD billion", "Serving revenue.")
    incidents: float = weight(10.0, "points per severity point", "Minus the severity of its own incidents "
                              "(liability, lost trust, regulation).")
    sanctions: float = weight(1.0, "points per USD billion", "Minus sanctions after detected distillation.")


class FirmObjectives(_Strict):
    """What a chipmaker or an overseas cloud plays for: revenue net of penalties."""

    revenue: float = weight(1.0, "points per USD billion", "Revenue net of costs.")
    penalties: float = weight(1.0, "points per USD billion", "Minus expected fines for breaches.")


class SmugglerObjectives(_Strict):
    """What a smuggling network plays for."""

    profit: float = weight(1.0, "points per USD billion", "Margin on delivered chips minus seized losses.")


class IncidentSeverity(_Strict):
    """Severity points of one incident by tier, used by every seat's ``incidents`` component."""

    minor: float = weight(0.1, "severity points", "A minor incident.")
    major: float = weight(1.0, "severity points", "A major incident.")
    catastrophic: float = weight(10.0, "severity points", "A catastrophic incident.")


class Objectives(_Strict):
    """Objectives of every actor kind (scenario section ``[objectives]``)."""

    us_government: USGovernmentObjectives = Field(default_factory=USGovernmentObjectives)
    prc_government: PRCGovernmentObjectives = Field(default_factory=PRCGovernmentObjectives)
    ally_government: AllyGovernmentObjectives = Field(default_factory=AllyGovernmentObjectives)
    lab: LabObjectives = Field(default_factory=LabObjectives)
    chipmaker: FirmObjectives = Field(default_factory=FirmObjectives)
    smuggler: SmugglerObjectives = Field(default_factory=SmugglerObjectives)
    overseas_cloud: FirmObjectives = Field(default_factory=FirmObjectives)
    incident_severity: IncidentSeverity = Field(default_factory=IncidentSeverity)

    def for_kind(self, kind: str) -> BaseModel:
        """The weights of an actor kind."""
        return getattr(self, kind)


class ScheduledEvent(_Strict):
    """An inject played at a fixed season."""

    season: str
    event: Literal["taiwan_strait_crisis", "smuggling_bust", "algorithmic_breakthrough", "open_weights_shock"]

    @field_validator("season")
    @classmethod
    def _season(cls, v: str) -> str:
        parse_season(v)
        return v


class EventDeck(_Strict):
    """Random injects (probability per quarter) and scheduled injects."""

    taiwan_strait_crisis: float = param(0.02, "probability per quarter", "illustrative",
                                        "Chance of a Taiwan Strait crisis (foundry output halves).", ge=0.0, le=1.0)
    smuggling_bust: float = param(0.08, "probability per quarter", "illustrative",
                                  "Chance of a smuggling bust (70% of the uncaught volume is seized too).",
                                  ge=0.0, le=1.0)
    algorithmic_breakthrough: float = param(0.05, "probability per quarter", "illustrative",
                                            "Chance one bloc's algorithmic efficiency doubles.", ge=0.0, le=1.0)
    open_weights_shock: float = param(0.05, "probability per quarter", "illustrative",
                                      "Chance a strong PRC open model cuts US adoption by 5 points.", ge=0.0, le=1.0)
    scheduled: list[ScheduledEvent] = Field(default_factory=list)


class Seat(_Strict):
    """Fields shared by every actor: id, display name, bloc, policy and lever overrides."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=40)
    name: str = Field(min_length=1, max_length=80)
    bloc: Literal["US", "PRC"]
    policy: str
    levers: dict[str, Any] = Field(default_factory=dict)


class GovernmentSpec(Seat):
    """A government: the US, the PRC, or an ally holding a chokepoint."""

    role: Literal["us", "prc", "ally"]
    jurisdiction: str
    chokepoint: Literal["tools", "foundry", "memory", "none"] = "none"


class LabSpec(Seat):
    """An AI lab."""

    jurisdiction: str
    initial_compute_h100e: float = Field(ge=1000.0, le=1e8, description="Compute owned at the start (a frontier "
                                         "lab holds at least 1,000 H100e).",
                                         json_schema_extra={"unit": "H100e"})
    chip_allocation_share: float = Field(gt=0.0, le=1.0, description="Share of its bloc's chip inflows.",
                                         json_schema_extra={"unit": "share [0, 1]"})
    base_safety_share: float = Field(ge=0.0, le=1.0, description="Safety share of compute with no race pressure.",
                                     json_schema_extra={"unit": "share [0, 1]"})
    base_testing_quarters: int = Field(ge=0, le=4, description="Pre-release testing with no race pressure.",
                                       json_schema_extra={"unit": "quarters"})
    distils: bool = False


class ChipmakerSpec(Seat):
    """A chipmaker or a link of a chip supply chain."""

    role: Literal["accelerator_designer", "foundry", "tool_maker", "memory_maker", "domestic_chain"]
    jurisdiction: str
    output_h100e_per_quarter: float = Field(0.0, ge=0.0, le=1e9, description="Output at the start (producers).",
                                            json_schema_extra={"unit": "H100e per quarter"})


class SmugglerSpec(Seat):
    """A smuggling network routing controlled chips through a hub."""

    hub: str
    base_volume_h100e: float = Field(ge=0.0, le=1e8, description="Volume in a neutral season at the start.",
                                     json_schema_extra={"unit": "H100e per quarter"})


class OverseasCloudSpec(Seat):
    """A data-centre operator in a third country renting compute."""

    jurisdiction: str
    capacity_h100e: float = Field(ge=0.0, le=1e8, description="Capacity it can rent out at the start.",
                                  json_schema_extra={"unit": "H100e per quarter"})


class ScenarioInfo(_Strict):
    """Header of a scenario: name, title, briefing and seasons."""

    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    title: str = Field(min_length=1)
    briefing: str = Field(min_length=1)
    start: str
    end: str

    @field_validator("start", "end")
    @classmethod
    def _season(cls, v: str) -> str:
        year = parse_season(v) // 4
        if not FIRST_YEAR <= year <= LAST_YEAR:
            raise ValueError(f"season must lie in {FIRST_YEAR}Q1..{LAST_YEAR}Q4 (got {v!r})")
        return v




def _seat_field(group: str, index: int, seat: Seat, name: str) -> str:
    """Name a seat's field in a message, e.g. ``field 'labs[1].policy' (seat us_lab_b)``."""
    return f"field '{group}[{index}].{name}' (seat {seat.id})"


def seat_kind(seat: Seat) -> str:
    """Return the actor kind of a seat spec, the key of its decision model and policies."""
    if isinstance(seat, GovernmentSpec):
        return {"us": "us_government", "prc": "prc_government", "ally": "ally_government"}[seat.role]
    if isinstance(seat, LabSpec):
        return "lab"
    if isinstance(seat, ChipmakerSpec):
        return "chipmaker"
    if isinstance(seat, SmugglerSpec):
        return "smuggler"
    return "overseas_cloud"


class Scenario(_Strict):
    """A validated scenario. Build it with :func:`load_scenario`."""

    scenario: ScenarioInfo
    parameters: Parameters = Field(default_factory=Parameters)
    outcome: Outcome = Field(default_factory=Outcome)
    objectives: Objectives = Field(default_factory=Objectives)
    events: EventDeck = Field(default_factory=EventDeck)
    governments: list[GovernmentSpec] = Field(min_length=2)
    labs: list[LabSpec] = Field(min_length=2)
    chipmakers: list[ChipmakerSpec] = Field(default_factory=list)
    smugglers: list[SmugglerSpec] = Field(default_factory=list)
    overseas_clouds: list[OverseasCloudSpec] = Field(default_factory=list)

    @property
    def name(self) -> str:
        """Short name of the scenario (file stem)."""
        return self.scenario.name

    @property
    def title(self) -> str:
        """Human title."""
        return self.scenario.title

    @property
    def briefing(self) -> str:
        """Briefing paragraph for players."""
        return self.scenario.briefing.strip()

    def seats(self) -> list[Seat]:
        """All actor specs in a fixed order: governments, labs, chipmakers, smugglers, clouds."""
        return [*self.governments, *self.labs, *self.chipmakers, *self.smugglers, *self.overseas_clouds]

    @model_validator(mode="after")
    def _references(self) -> Scenario:
        problems: list[str] = []
        if parse_season(self.scenario.end) < parse_season(self.scenario.start):
            problems.append("field 'scenario.end': must not be before scenario.start")
        roles = [g.role for g in self.governments]
        for role in ("us", "prc"):
            if roles.count(role) != 1:
                problems.append(f"field 'governments': need exactly one government with role = {role!r} "
                                f"(found {roles.count(role)})")
        gov_blocs = {g.bloc for g in self.governments if g.role in ("us", "prc")}
        seen: set[str] = set()
        for group in ("governments", "labs", "chipmakers", "smugglers", "overseas_clouds"):
            for i, seat in enumerate(getattr(self, group)):
                if seat.id in seen:
                    problems.append(f"{_seat_field(group, i, seat, 'id')}: duplicate seat id {seat.id!r}")
                seen.add(seat.id)
                if seat.bloc not in gov_blocs:
                    problems.append(f"{_seat_field(group, i, seat, 'bloc')}: no government leads bloc {seat.bloc!r}; "
                                    f"blocs with a government: {', '.join(sorted(gov_blocs))}")
                place = getattr(seat, "jurisdiction", None) or getattr(seat, "hub", None)
                if place not in JURISDICTIONS:
                    field = "hub" if isinstance(seat, SmugglerSpec) else "jurisdiction"
                    problems.append(f"{_seat_field(group, i, seat, field)}: unknown jurisdiction {place!r}; allowed: "
                                    f"{', '.join(JURISDICTIONS)}")
                kind = seat_kind(seat)
                if seat.policy not in POLICIES[kind]:
                    problems.append(f"{_seat_field(group, i, seat, 'policy')}: unknown policy {seat.policy!r} "
                                    f"for a {kind}; allowed: {', '.join(POLICIES[kind])}")
                try:
                    make_decision(kind, seat.levers)
                    check_offered(kind, getattr(seat, "role", None), seat.bloc, seat.levers, seat.id)
                except DecisionError as exc:
                    problems.append(f"{_seat_field(group, i, seat, 'levers')}: {exc}")
        for bloc in BLOCS:
            shares = sum(lab.chip_allocation_share for lab in self.labs if lab.bloc == bloc)
            if not any(lab.bloc == bloc for lab in self.labs):
                problems.append(f"field 'labs': need at least one lab in bloc {bloc!r}")
            elif abs(shares - 1.0) > 1e-6:
                problems.append(f"field 'labs[].chip_allocation_share': shares of bloc {bloc} must sum to 1 "
                                f"(got {shares:.4f})")
        start, end = parse_season(self.scenario.start), parse_season(self.scenario.end)
        seen_injects: set[tuple[str, str]] = set()
        for i, ev in enumerate(self.events.scheduled):
            if (ev.season, ev.event) in seen_injects:
                problems.append(f"field 'events.scheduled[{i}]': {ev.event} is already scheduled for {ev.season}")
            seen_injects.add((ev.season, ev.event))
            if not start <= parse_season(ev.season) <= end:
                problems.append(f"field 'events.scheduled[{i}].season': {ev.season} is outside "
                                f"{self.scenario.start}..{self.scenario.end}")
        if problems:
            raise ValueError("\n".join(problems))
        return self

    def content_hash(self) -> str:
        """SHA-256 of the scenario's canonical JSON form (hex); equal scenarios hash equal."""
        text = json.dumps(self.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()

    def with_overrides(self, overrides: dict[str, Any]) -> Scenario:
        """Return a copy with some fields replaced, re-validated.

        Args:
            overrides: Dotted paths to values, e.g. ``{"parameters.enmity": 1.0}`` or
                ``{"labs.us_lab_a.initial_compute_h100e": 5e5}`` (list items are addressed by seat id).

        Returns:
            A new validated scenario.

        Raises:
            ScenarioError: On an unknown path or an invalid value.

        """
        data = self.model_dump(mode="python")
        for path, value in overrides.items():
            node: Any = data
            parts = path.split(".")
            for part in parts[:-1]:
                if isinstance(node, list):
                    match = [item for item in node if item.get("id") == part]
                    if not match:
                        raise ScenarioError(f"override {path!r}: no seat with id {part!r}")
                    node = match[0]
                elif isinstance(node, dict) and part in node:
                    node = node[part]
                else:
                    raise ScenarioError(f"override {path!r}: unknown field {part!r}")
            if not isinstance(node, dict) or (parts[-1] not in node and parts[-2:-1] != ["levers"]):
                raise ScenarioError(f"override {path!r}: unknown field {parts[-1]!r}")
            if isinstance(value, float) and isinstance(node.get(parts[-1]), int) and value.is_integer():
                value = int(value)
            if isinstance(value, int) and isinstance(node.get(parts[-1]), float):
                value = float(value)
            node[parts[-1]] = value
        return validate_scenario(data, source=f"{self.name} with overrides")


def _field_allowed(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str] | None:
    """Names of the fields allowed at ``loc``'s parent, for an 'unknown field' message."""
    current: Any = model
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return None
        field = current.model_fields.get(part)
        if field is None:
            return None
        ann = field.annotation
        args = getattr(ann, "__args__", ())
        current = args[0] if args and isinstance(args[0], type) else ann
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return None


def _format_errors(exc: ValidationError, source: str) -> str:
    lines = []
    for err in exc.errors():
        loc = err["loc"]
        path = ""
        for part in loc:
            path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
        kind = err["type"]
        if kind == "extra_forbidden":
            allowed = _field_allowed(Scenario, loc)
            msg = f"unknown field {loc[-1]!r}" + (f"; allowed: {', '.join(allowed)}" if allowed else "")
        elif kind == "missing":
            msg = "required field is missing"
        elif kind == "value_error" and not path:
            for problem in str(err["ctx"]["error"]).split("\n"):
                lines.append(f"{source}: {problem}")
            continue
        else:
            msg = err["msg"]
            if kind in ("finite_number",):
                msg = "must be a finite number (NaN and infinity are not allowed)"
            if kind == "value_error":
                msg = msg.removeprefix("Value error, ")
            if "input" in err and not isinstance(err["input"], dict | list) and "got " not in msg:
                msg += f" (got {err['input']!r})"
        lines.append(f"{source}: field '{path or '(top level)'}': {msg}")
    return "\n".join(lines)


def validate_scenario(data: dict[str, Any], source: str = "<scenario>") -> Scenario:
    """Validate a scenario given as a dict (parsed TOML or a saved game's copy).

    Args:
        data: The scenario's fields.
        source: File name or description used in error messages.

    Returns:
        The validated scenario.

    Raises:
        ScenarioError: With one line per problem, each naming the source and the field.

    """
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(_format_errors(exc, source)) from None


def scenario_dir() -> Path:
    """Folder of the scenario files shipped with the package."""
    return Path(str(resources.files("scenarios")))


def list_scenarios() -> list[str]:
    """Names of the shipped scenarios (file stems in ``scenarios/``), sorted."""
    return sorted(p.stem for p in scenario_dir().glob("*.toml"))


def resolve_scenario_path(name_or_path: str | Path) -> Path:
    """Find a scenario file by shipped name or by path.

    Raises:
        ScenarioError: If no such file exists; the message lists the shipped names.

    """
    path = Path(name_or_path)
    if path.suffix == ".toml" or path.exists() or "/" in str(name_or_path):
        if path.is_dir():
            raise ScenarioError(f"{path}: is a directory, not a scenario file")
        if not path.is_file():
            raise ScenarioError(f"{path}: no such scenario file")
        return path
    shipped = scenario_dir() / f"{name_or_path}.toml"
    if shipped.is_file():
        return shipped
    raise ScenarioError(f"unknown scenario {str(name_or_path)!r}; shipped scenarios: "
                        f"{', '.join(list_scenarios())} (or give a path to a .toml file)")


def _reject_non_finite(node: Any, path: str, source: str) -> None:
    if isinstance(node, float) and not math.isfinite(node):
        raise ScenarioError(f"{source}: field '{path}': must be a finite number "
                            f"(NaN and infinity are not allowed) (got {node!r})")
    if isinstance(node, dict):
        for key, value in node.items():
            _reject_non_finite(value, f"{path}.{key}" if path else key, source)
    elif isinstance(node, list):
        for i, value in enumerate(node):
            _reject_non_finite(value, f"{path}[{i}]", source)


def load_scenario(name_or_path: str | Path) -> Scenario:
    """Load and validate a scenario.

    Args:
        name_or_path: A shipped scenario name (``"baseline"``) or a path to a TOML file.

    Returns:
        The validated scenario.

    Raises:
        ScenarioError: If the file is missing, is not valid TOML, or any field is invalid. The message
            names the file, the field and what is allowed.

    """
    path = resolve_scenario_path(name_or_path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError(f"{path}: cannot read file ({exc})") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(f"{path}: invalid TOML: {exc}") from None
    _reject_non_finite(data, "", str(path))
    return validate_scenario(data, source=str(path))
