"""The model's mechanics parameters (scenario section ``[parameters]``), each with a unit and a source.

Every field carries its unit and the public source of its default (or "illustrative") in its metadata
(``json_schema_extra``), which the docs tables and the sensitivity tools read.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


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


class StrictModel(BaseModel):
    """A pydantic model that refuses unknown fields, NaN and infinity, and loose types."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, strict=True)


class Parameters(StrictModel):
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
