"""The model's formulas, as pure functions of numbers (no agents, no randomness).

Capability is tracked as the natural log of effective training compute (H100e-quarters of training times
the algorithmic-efficiency multiplier), so ratios become differences. Sources of each form are in the
docstrings and in ``docs/model.md``.

Every function works on one run or on R runs at once (:mod:`wargame.ensemble.lanes`): a numeric argument is a
number or a numpy array of shape ``(R,)``, one entry per run, in any broadcastable mix, and the result has the
broadcast shape (a numpy scalar when every argument is a number). Per-run branches are ``numpy.where`` over
both branches evaluated on safe values, so run ``i`` of an array call equals the call on the numbers of run
``i``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
from scipy import special

from wargame.ensemble.lanes import plain, where

#: A number or a numpy array of shape (R,), one entry per run.
Lanes = Any


def lead_months(log_effective_us: Lanes, log_effective_prc: Lanes, growth_per_year: Lanes) -> Lanes:
    """Frontier lead of the US over the PRC in months.

    ``lead = 12 * ln(E_us / E_prc) / ln(g)`` (DESIGN §3): the time the frontier takes to grow by the
    ratio of the two blocs' best effective compute.

    Args:
        log_effective_us: ln of the best US effective compute (H100e-quarters x efficiency); float or (R,).
        log_effective_prc: ln of the best PRC effective compute; float or (R,).
        growth_per_year: g, yearly growth factor of frontier effective compute (> 1); float or (R,).

    Returns:
        Months of lead, negative when the PRC leads; the broadcast shape of the arguments.

    """
    return 12.0 * (log_effective_us - log_effective_prc) / np.log(growth_per_year)


def months_to_log_ratio(months: Lanes, growth_per_year: Lanes) -> Lanes:
    """Inverse of :func:`lead_months`: the log effective-compute ratio that a lead of ``months`` means.

    Args:
        months: Lead in months; float or (R,).
        growth_per_year: g, yearly growth factor of frontier effective compute (> 1); float or (R,).

    Returns:
        ln of the effective-compute ratio; the broadcast shape of the arguments.

    """
    return months * np.log(growth_per_year) / 12.0


def race_pressure(perceived_lead: Lanes, uncertainty: Lanes, scale: Lanes, enmity: Lanes,
                  laggard_scale: Lanes = 1.0) -> Lanes:
    """Safety-race pressure on a lab from the other bloc.

    ``rho = (1 + enmity) * E[c(L)]`` with the lead ``L ~ Normal(perceived_lead, uncertainty^2)`` (own-bloc
    sign) and closeness ``c(L) = exp(-L / tau)`` when ahead, ``exp(L / (k tau))`` when behind (DESIGN §3
    example form). ``k = laggard_scale >= 1`` makes a laggard feel the race over a wider range than a leader
    with the same gap (Stafford, Trager & Dafoe 2022: under high enmity, a laggard close to the leader cuts
    corners); ``k = 1`` is the symmetric form. The expectation over the lab's uncertainty follows Emery-Xu,
    Park & Trager: uncertainty raises pressure when the lead is large and lowers it when the race is close,
    so more information can make racing safer or more dangerous. An uncertainty of at most 1e-9 months counts
    as a known lead.

    Args:
        perceived_lead: Mean of the lab's belief about its bloc's lead, in months (negative when behind);
            float or (R,).
        uncertainty: Standard deviation of that belief, in months (>= 0); float or (R,).
        scale: tau, in months (> 0); float or (R,).
        enmity: Enmity between the blocs (>= 0); float or (R,).
        laggard_scale: k, how much wider the laggard's range of pressure is (>= 1); float or (R,).

    Returns:
        Pressure in [0, 1 + enmity]; the broadcast shape of the arguments.

    """
    mu = perceived_lead
    ahead, behind = scale, scale * laggard_scale
    known = uncertainty <= 1e-9
    # A known lead: c(mu) itself (the exponent chosen before exp, so it is never positive).
    closeness_known = np.exp(np.where(mu >= 0, -mu / ahead, mu / behind))
    # An uncertain lead: E[c(L)] for L ~ N(mu, s^2), two half-line Laplace transforms of the normal,
    # exp(s^2/2t^2 -+ mu/t) * Phi(+-mu/s - s/t) with t the scale of each half, summed in log space (ln Phi by
    # scipy.special.log_ndtr, accurate far into the tail where Phi underflows): each
    # factor alone can overflow (large s/t or mu/t) while the product stays in [0, 1]. Runs with a known lead
    # evaluate it at s = tau, where every term stays as small as the known lead's own exponent.
    s = np.where(known, ahead, uncertainty)
    closeness_uncertain = (np.exp(s * s / (2 * ahead * ahead) - mu / ahead + special.log_ndtr(mu / s - s / ahead))
                           + np.exp(s * s / (2 * behind * behind) + mu / behind
                                    + special.log_ndtr(-mu / s - s / behind)))
    closeness = where(known, closeness_known, np.clip(closeness_uncertain, 0.0, 1.0))
    return (1.0 + enmity) * closeness


def safety_under_pressure(base: Lanes, pressure: Lanes, sensitivity: Lanes) -> Lanes:
    """Safety share (or testing time) a lab keeps under race pressure: ``base * exp(-sensitivity * rho)``.

    Args:
        base: Value with no pressure (share in [0, 1], or quarters); float or (R,).
        pressure: Race pressure rho (>= 0); float or (R,).
        sensitivity: How strongly the lab cuts corners per unit of pressure (>= 0); float or (R,).

    Returns:
        A value in [0, base], lower for higher pressure (Armstrong et al. 2016; Stafford et al. 2022); the
        broadcast shape of the arguments.

    """
    return base * np.exp(-sensitivity * pressure)


def seizure_probability(enforcement_musd: Lanes, rate_per_musd: Lanes, max_share: Lanes = 1.0) -> Lanes:
    """Share of smuggled volume seized: ``max_share * (1 - exp(-rate * budget))``; in [0, max_share).

    A saturating curve: each further USD million seizes less than the one before, so the cost of a seized
    H100e rises with the budget, and no budget seizes more than ``max_share`` (illustrative; CNAS 2025 on
    how little transshipment enforcement catches).

    Args:
        enforcement_musd: Enforcement budget, USD million (a negative budget counts as 0); float or (R,).
        rate_per_musd: Seizure rate per USD million; float or (R,).
        max_share: Largest share any budget seizes; float or (R,).

    Returns:
        The seized share; the broadcast shape of the arguments.

    """
    return max_share * (1.0 - np.exp(-rate_per_musd * np.maximum(0.0, enforcement_musd)))


def saturating_boost(spend: Lanes, max_boost: Lanes, scale: Lanes) -> Lanes:
    """Diminishing returns of spending: ``max_boost * (1 - exp(-spend / scale))``, in [0, max_boost).

    Used for PRC subsidies to the domestic chain: what the chain can absorb (tools, memory, yield) caps
    the boost, whatever the budget.

    Args:
        spend: Spending (a negative spend counts as 0); float or (R,).
        max_boost: The boost's ceiling; float or (R,).
        scale: Spending that reaches ``1 - 1/e`` of the ceiling, in the unit of ``spend`` (> 0); float or (R,).

    Returns:
        The boost; the broadcast shape of the arguments.

    """
    return max_boost * (1.0 - np.exp(-np.maximum(0.0, spend) / scale))


def serving_revenue_usd(serving_h100e: Lanes, demand_h100e: Lanes, price_usd: Lanes) -> Lanes:
    """Revenue of a lab's serving compute in a quarter, USD.

    ``price * D * (1 - exp(-serving / D))``: serving earns up to the demand ``D`` the lab's model meets,
    with diminishing returns, so neither serving 0 nor serving everything is free (illustrative form).

    Args:
        serving_h100e: H100e put into serving this quarter; float or (R,).
        demand_h100e: Inference demand the lab's deployed model meets, H100e-quarters; float or (R,).
        price_usd: Revenue per H100e-quarter served at full utilisation; float or (R,).

    Returns:
        Revenue in USD, 0 where the demand or the serving compute is not positive; the broadcast shape of the
        arguments.

    """
    idle = np.logical_or(demand_h100e <= 0, serving_h100e <= 0)
    demand = np.where(idle, 1.0, demand_h100e)
    revenue = price_usd * demand * (1.0 - np.exp(-np.where(idle, 0.0, serving_h100e) / demand))
    return where(idle, 0.0, revenue)


def within_bloc_pressure(gaps_months: Iterable[Lanes], weight: Lanes, scale: Lanes) -> Lanes:
    """Race pressure a lab feels from rivals of its own bloc: ``weight * sum_j exp(-|gap_j| / tau)``.

    More rivals mean more pressure (Armstrong, Bostrom & Shulman 2016: more teams, more risk).

    Args:
        gaps_months: Capability gaps to each own-bloc rival, months (sign ignored); each a float or (R,);
            empty when the lab has no rival.
        weight: Pressure per rival at parity; float or (R,).
        scale: tau, months (> 0); float or (R,).

    Returns:
        Pressure (>= 0, 0 with no rival); the broadcast shape of the arguments.

    """
    return weight * sum(np.exp(-np.abs(g) / scale) for g in gaps_months)


REMOTE_RULE_LEVEL = {"open": 0.0, "kyc": 0.5, "ban": 1.0}


def remote_rule_level(remote_rule: Any) -> Any:
    """How closed a remote-access rule is: open 0, kyc 0.5, ban 1 (:data:`REMOTE_RULE_LEVEL`).

    Args:
        remote_rule: ``"open"``, ``"kyc"`` or ``"ban"``; a str or a str array of shape (R,).

    Returns:
        The level, a float or a float array of the rule's shape.

    Raises:
        ValueError: If a rule is none of the three.

    """
    if isinstance(remote_rule, str) and remote_rule in REMOTE_RULE_LEVEL:
        return REMOTE_RULE_LEVEL[remote_rule]
    level = np.nan
    for rule, value in REMOTE_RULE_LEVEL.items():
        level = np.where(remote_rule == rule, value, level)
    if np.isnan(level).any():
        raise ValueError(f"remote-access rule must be one of {sorted(REMOTE_RULE_LEVEL)}, got {remote_rule!r}")
    return level


def control_index(threshold_h100e: Lanes, licences: Lanes, enforcement_musd: Lanes, remote_rule: Lanes,
                  ally_pressure: Lanes, anti_distillation: Lanes) -> Lanes:
    """How tight US controls are, in [0, 1]: the mean of five lever positions.

    Licensed sales (1 - threshold / 0.5, or 1 with no licences), enforcement (budget / USD 500M, capped),
    the remote-access rule (open 0, kyc 0.5, ban 1), ally pressure and anti-distillation measures.
    Enmity rises with its increase (illustrative).

    Args:
        threshold_h100e: Licensed-sales threshold, H100e per chip; float or (R,).
        licences: Whether downgraded chips are licensed; bool or bool (R,).
        enforcement_musd: Enforcement budget, USD million; float or (R,).
        remote_rule: Remote-access rule, ``"open"``, ``"kyc"`` or ``"ban"``; str or str (R,).
        ally_pressure: Pressure on allies, in [0, 1]; float or (R,).
        anti_distillation: Anti-distillation measures, in [0, 1]; float or (R,).

    Returns:
        The index; the broadcast shape of the arguments.

    Raises:
        ValueError: If a remote-access rule is none of the three.

    """
    sales = where(np.logical_or(np.logical_not(licences), threshold_h100e <= 0), 1.0,
                  1.0 - np.minimum(threshold_h100e, 0.5) / 0.5)
    parts = (sales, np.minimum(1.0, np.maximum(0.0, enforcement_musd) / 500.0), remote_rule_level(remote_rule),
             ally_pressure, anti_distillation)
    return sum(parts) / len(parts)


def next_enmity(enmity: Lanes, control_rise: Lanes, retaliation: Lanes, detections: Lanes, mutual_dialogue: Lanes,
                major_incidents: Lanes, control_hostility: Lanes, retaliation_hostility: Lanes,
                distillation_hostility: Lanes, dialogue_relief: Lanes, incident_relief: Lanes,
                smuggling_tolerance: Lanes = 0.0, smuggling_hostility: Lanes = 0.0) -> Lanes:
    """Enmity after a season: hostile acts raise it, mutual dialogue and major incidents lower it.

    ``e' = e + h_c * max(0, dC) + h_r * retaliation + h_s * tolerance + h_d * detections - r_d * dialogue * e
    - r_i * majors``,
    kept in [0, 5] (illustrative form; the direction follows Armstrong et al. 2016 and Stafford et al. 2022:
    enmity scales the race, talks after shocks ease it).

    Every argument is a float or an (R,) array (``detections`` and ``major_incidents`` counts, int or int
    (R,)); the result, in [0, 5], has their broadcast shape.
    """
    e = (enmity + control_hostility * np.maximum(0.0, control_rise) + retaliation_hostility * retaliation
         + smuggling_hostility * smuggling_tolerance + distillation_hostility * detections
         - dialogue_relief * mutual_dialogue * enmity - incident_relief * major_incidents)
    return np.clip(e, 0.0, 5.0)


def optimal_smuggling_volume(market_h100e: Lanes, seizure: Lanes, margin_usd: Lanes, loss_usd: Lanes) -> Lanes:
    """Volume that maximises a smuggler's expected profit, H100e.

    Profit ``(1 - s) * v * m * (1 - v / 2V) - s * v * L`` (margin falls as volume saturates the market
    ``V``) peaks at ``v = V * (1 - s L / ((1 - s) m))``, or 0 when seizures eat the margin.

    Args:
        market_h100e: The market ``V``, H100e; float or (R,).
        seizure: Seized share ``s``; float or (R,).
        margin_usd: Margin ``m`` per delivered H100e, USD; float or (R,).
        loss_usd: Loss ``L`` per seized H100e, USD; float or (R,).

    Returns:
        The volume (>= 0; 0 with no market, no margin or certain seizure); the broadcast shape of the arguments.

    """
    closed = np.logical_or(np.logical_or(market_h100e <= 0, margin_usd <= 0), seizure >= 1.0)
    s = np.where(closed, 0.0, seizure)
    volume = market_h100e * np.maximum(0.0, 1.0 - s * loss_usd / ((1.0 - s) * np.where(closed, 1.0, margin_usd)))
    return where(closed, 0.0, volume)


def smuggling_profit_usd(shipped: Lanes, seized: Lanes, market_h100e: Lanes, margin_usd: Lanes,
                         loss_usd: Lanes) -> Lanes:
    """A smuggler's profit in a quarter, USD: margin on delivered chips (falling with volume) minus seized losses.

    Args:
        shipped: Volume shipped, H100e; float or (R,).
        seized: Part of it seized, H100e; float or (R,).
        market_h100e: The market, H100e (no margin when not positive); float or (R,).
        margin_usd: Margin per delivered H100e at low volume, USD; float or (R,).
        loss_usd: Loss per seized H100e, USD; float or (R,).

    Returns:
        Profit in USD; the broadcast shape of the arguments.

    """
    no_market = market_h100e <= 0
    unit = where(no_market, 0.0,
                 margin_usd * np.maximum(0.0, 1.0 - shipped / (2.0 * np.where(no_market, 1.0, market_h100e))))
    return (shipped - seized) * unit - seized * loss_usd


def detection_probability(defence: Lanes, strength: Lanes) -> Lanes:
    """Chance a distillation campaign is detected this season: ``1 - exp(-strength * defence)``.

    Args:
        defence: Distillation defence (a negative one counts as 0); float or (R,).
        strength: Detection strength per unit of defence; float or (R,).

    Returns:
        The probability; the broadcast shape of the arguments.

    """
    return 1.0 - np.exp(-strength * np.maximum(0.0, defence))


def distillation_gain(student: Lanes, teacher: Lanes, rate: Lanes, effort: Lanes) -> Lanes:
    """Log-capability a student gains by distilling a teacher this season, if undetected.

    Distillation closes ``rate * effort`` of the log-gap to the teacher and never passes it.

    Args:
        student: ln effective compute of the student's internal model; float or (R,).
        teacher: ln effective compute of the best deployed US model (``-inf`` for no teacher); float or (R,).
        rate: Share of the gap closed at full effort (in [0, 1]); float or (R,).
        effort: Distillation effort (in [0, 1]); float or (R,).

    Returns:
        Gain in log units, in [0, max(0, teacher - student)]; the broadcast shape of the arguments.

    """
    gap = teacher - student
    ahead = gap <= 0
    gap = np.where(ahead, 0.0, gap)
    return where(ahead, 0.0, np.minimum(gap, rate * effort * gap))


#: Upper bound of one lab's incident hazard, incidents per quarter (P(at least one) = 1 - exp(-10) > 0.9999).
MAX_INCIDENT_HAZARD = 10.0


def incident_hazard(base: Lanes, capability_ratio_log: Lanes, elasticity: Lanes, safety_share: Lanes,
                    safety_effect: Lanes, testing_quarters: Lanes, testing_effect: Lanes) -> Lanes:
    """Quarterly incident hazard of one lab.

    ``h = base * exp(elasticity * dlnE) * exp(-safety_effect * (s - 0.1)) * exp(-testing_effect * (T - 1))``:
    rises with capability, falls with safety share ``s`` and pre-release testing ``T`` (illustrative form;
    anchored at a 10% safety share and one quarter of testing).

    The hazard is capped at :data:`MAX_INCIDENT_HAZARD`: with extreme but valid parameters (fast
    algorithmic progress, a high capability elasticity) the exponential form would otherwise reach billions
    of incidents a quarter (or overflow), far outside what the model describes.

    Args:
        base: Hazard at the anchor, incidents per quarter (0 where not positive); float or (R,).
        capability_ratio_log: ``dlnE``, ln of the lab's capability over the reference; float or (R,).
        elasticity: Hazard elasticity to capability; float or (R,).
        safety_share: Safety share ``s``; float or (R,).
        safety_effect: Log-hazard cut per unit of safety share; float or (R,).
        testing_quarters: Quarters of testing ``T``; float, int or (R,).
        testing_effect: Log-hazard cut per quarter of testing; float or (R,).

    Returns:
        Hazard in incidents per quarter, in [0, MAX_INCIDENT_HAZARD]; the broadcast shape of the arguments.

    """
    inert = base <= 0.0
    log_hazard = (np.log(np.where(inert, 1.0, base)) + elasticity * capability_ratio_log
                  - safety_effect * (safety_share - 0.1) - testing_effect * (testing_quarters - 1))
    return where(inert, 0.0, np.minimum(MAX_INCIDENT_HAZARD, np.exp(np.minimum(log_hazard, 700.0))))


def incident_probability(hazards: Iterable[Lanes]) -> Lanes:
    """P(at least one incident) = ``1 - exp(-sum(hazard))`` (DESIGN §3).

    Args:
        hazards: The hazards summed, incidents per quarter; each a float or (R,).

    Returns:
        The probability; the broadcast shape of the hazards.

    """
    return 1.0 - np.exp(-sum(hazards))


def adoption_target(lead: Lanes, openness_us: Lanes, openness_prc: Lanes, promotion_us: Lanes,
                    lead_weight: Lanes, openness_weight: Lanes, promotion_weight: Lanes,
                    price_advantage_prc: Lanes) -> Lanes:
    """Global South share of US models that adoption moves toward (a logistic choice share).

    ``logit = lead_weight * lead/12 + openness_weight * (open_us - open_prc)
    + promotion_weight * promotion_us - price_advantage_prc``, clipped to [-50, 50].

    Every argument is a float or an (R,) array (``lead`` in months).

    Returns:
        Share in (0, 1); the broadcast shape of the arguments.

    """
    logit = (lead_weight * lead / 12.0 + openness_weight * (openness_us - openness_prc)
             + promotion_weight * promotion_us - price_advantage_prc)
    return 1.0 / (1.0 + np.exp(-np.clip(logit, -50.0, 50.0)))


def classify_outcome(lead: Lanes, s1_lead_months: Lanes, s2_lead_months: Lanes) -> Any:
    """Classify the horizon: ``"S1"`` (lead >= s1), ``"S2"`` (lead <= s2, or the PRC leads), else ``"contested"``.

    Args:
        lead: US lead at the horizon, months; float or (R,).
        s1_lead_months: Lead at or above which the outcome is S1; float or (R,).
        s2_lead_months: Lead at or below which the outcome is S2; float or (R,).

    Returns:
        A str when every argument is a number, else a numpy str array of the broadcast shape.

    """
    s2 = np.logical_or(lead <= s2_lead_months, lead < 0)
    return plain(np.where(lead >= s1_lead_months, "S1", np.where(s2, "S2", "contested")))
