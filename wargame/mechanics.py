"""The model's formulas, as pure functions of numbers (no agents, no randomness).

Capability is tracked as the natural log of effective training compute (H100e-quarters of training times
the algorithmic-efficiency multiplier), so ratios become differences. Sources of each form are in the
docstrings and in ``docs/model.md``.
"""

from __future__ import annotations

import math


def lead_months(log_effective_us: float, log_effective_prc: float, growth_per_year: float) -> float:
    """Frontier lead of the US over the PRC in months.

    ``lead = 12 * ln(E_us / E_prc) / ln(g)`` (DESIGN §3): the time the frontier takes to grow by the
    ratio of the two blocs' best effective compute.

    Args:
        log_effective_us: ln of the best US effective compute (H100e-quarters x efficiency).
        log_effective_prc: ln of the best PRC effective compute.
        growth_per_year: g, yearly growth factor of frontier effective compute (> 1).

    Returns:
        Months of lead; negative when the PRC leads.

    """
    return 12.0 * (log_effective_us - log_effective_prc) / math.log(growth_per_year)


def months_to_log_ratio(months: float, growth_per_year: float) -> float:
    """Inverse of :func:`lead_months`: the log effective-compute ratio that a lead of ``months`` means."""
    return months * math.log(growth_per_year) / 12.0


def _normal_cdf(x: float) -> float:
    return 0.5 * math.erfc(-x / math.sqrt(2.0))


def _log_normal_cdf(x: float) -> float:
    """Natural log of the standard normal CDF, accurate far into the lower tail (where the CDF underflows)."""
    if x > -30.0:
        return math.log(_normal_cdf(x))
    # Asymptotic series of the Mills ratio (Abramowitz & Stegun 26.2.12); relative error < 1e-12 here.
    x2 = x * x
    series = 1.0 - 1.0 / x2 + 3.0 / x2**2 - 15.0 / x2**3 + 105.0 / x2**4
    return -0.5 * x2 - math.log(-x) - 0.5 * math.log(2.0 * math.pi) + math.log(series)


def race_pressure(perceived_lead: float, uncertainty: float, scale: float, enmity: float,
                  laggard_scale: float = 1.0) -> float:
    """Safety-race pressure on a lab from the other bloc.

    ``rho = (1 + enmity) * E[c(L)]`` with the lead ``L ~ Normal(perceived_lead, uncertainty^2)`` (own-bloc
    sign) and closeness ``c(L) = exp(-L / tau)`` when ahead, ``exp(L / (k tau))`` when behind (DESIGN §3
    example form). ``k = laggard_scale >= 1`` makes a laggard feel the race over a wider range than a leader
    with the same gap (Stafford, Trager & Dafoe 2022: under high enmity, a laggard close to the leader cuts
    corners); ``k = 1`` is the symmetric form. The expectation over the lab's uncertainty follows Emery-Xu,
    Park & Trager: uncertainty raises pressure when the lead is large and lowers it when the race is close,
    so more information can make racing safer or more dangerous.

    Args:
        perceived_lead: Mean of the lab's belief about its bloc's lead, in months (negative when behind).
        uncertainty: Standard deviation of that belief, in months (>= 0).
        scale: tau, in months (> 0).
        enmity: Enmity between the blocs (>= 0).
        laggard_scale: k, how much wider the laggard's range of pressure is (>= 1).

    Returns:
        Pressure in [0, 1 + enmity].

    """
    mu = perceived_lead
    ahead, behind = scale, scale * laggard_scale
    if uncertainty <= 1e-9:
        closeness = math.exp(-mu / ahead) if mu >= 0 else math.exp(mu / behind)
    else:
        s = uncertainty
        # E[c(L)] for L ~ N(mu, s^2): two half-line Laplace transforms of the normal,
        # exp(s^2/2t^2 -+ mu/t) * Phi(+-mu/s - s/t) with t the scale of each half, summed in log space: each
        # factor alone can overflow (large s/t or mu/t) while the product stays in [0, 1].
        closeness = (math.exp(s * s / (2 * ahead * ahead) - mu / ahead + _log_normal_cdf(mu / s - s / ahead))
                     + math.exp(s * s / (2 * behind * behind) + mu / behind
                                + _log_normal_cdf(-mu / s - s / behind)))
        closeness = min(1.0, max(0.0, closeness))
    return (1.0 + enmity) * closeness


def safety_under_pressure(base: float, pressure: float, sensitivity: float) -> float:
    """Safety share (or testing time) a lab keeps under race pressure: ``base * exp(-sensitivity * rho)``.

    Args:
        base: Value with no pressure (share in [0, 1], or quarters).
        pressure: Race pressure rho (>= 0).
        sensitivity: How strongly the lab cuts corners per unit of pressure (>= 0).

    Returns:
        A value in [0, base]; lower for higher pressure (Armstrong et al. 2016; Stafford et al. 2022).

    """
    return base * math.exp(-sensitivity * pressure)


def seizure_probability(enforcement_musd: float, rate_per_musd: float, max_share: float = 1.0) -> float:
    """Share of smuggled volume seized: ``max_share * (1 - exp(-rate * budget))``; in [0, max_share).

    A saturating curve: each further USD million seizes less than the one before, so the cost of a seized
    H100e rises with the budget, and no budget seizes more than ``max_share`` (illustrative; CNAS 2025 on
    how little transshipment enforcement catches).
    """
    return max_share * (1.0 - math.exp(-rate_per_musd * max(0.0, enforcement_musd)))


def saturating_boost(spend: float, max_boost: float, scale: float) -> float:
    """Diminishing returns of spending: ``max_boost * (1 - exp(-spend / scale))``, in [0, max_boost).

    Used for PRC subsidies to the domestic chain: what the chain can absorb (tools, memory, yield) caps
    the boost, whatever the budget.
    """
    return max_boost * (1.0 - math.exp(-max(0.0, spend) / scale))


def serving_revenue_usd(serving_h100e: float, demand_h100e: float, price_usd: float) -> float:
    """Revenue of a lab's serving compute in a quarter, USD.

    ``price * D * (1 - exp(-serving / D))``: serving earns up to the demand ``D`` the lab's model meets,
    with diminishing returns, so neither serving 0 nor serving everything is free (illustrative form).

    Args:
        serving_h100e: H100e put into serving this quarter.
        demand_h100e: Inference demand the lab's deployed model meets, H100e-quarters (> 0).
        price_usd: Revenue per H100e-quarter served at full utilisation.

    """
    if demand_h100e <= 0 or serving_h100e <= 0:
        return 0.0
    return price_usd * demand_h100e * (1.0 - math.exp(-serving_h100e / demand_h100e))


def within_bloc_pressure(gaps_months: list[float], weight: float, scale: float) -> float:
    """Race pressure a lab feels from rivals of its own bloc: ``weight * sum_j exp(-|gap_j| / tau)``.

    More rivals mean more pressure (Armstrong, Bostrom & Shulman 2016: more teams, more risk).

    Args:
        gaps_months: Capability gaps to each own-bloc rival, months (sign ignored).
        weight: Pressure per rival at parity.
        scale: tau, months (> 0).

    """
    return weight * sum(math.exp(-abs(g) / scale) for g in gaps_months)


REMOTE_RULE_LEVEL = {"open": 0.0, "kyc": 0.5, "ban": 1.0}


def control_index(threshold_h100e: float, licences: bool, enforcement_musd: float, remote_rule: str,
                  ally_pressure: float, anti_distillation: float) -> float:
    """How tight US controls are, in [0, 1]: the mean of five lever positions.

    Licensed sales (1 - threshold / 0.5, or 1 with no licences), enforcement (budget / USD 500M, capped),
    the remote-access rule (open 0, kyc 0.5, ban 1), ally pressure and anti-distillation measures.
    Enmity rises with its increase (illustrative).
    """
    sales = 1.0 if (not licences or threshold_h100e <= 0) else 1.0 - min(threshold_h100e, 0.5) / 0.5
    parts = (sales, min(1.0, max(0.0, enforcement_musd) / 500.0), REMOTE_RULE_LEVEL[remote_rule],
             ally_pressure, anti_distillation)
    return sum(parts) / len(parts)


def next_enmity(enmity: float, control_rise: float, retaliation: float, detections: int, mutual_dialogue: float,
                major_incidents: int, control_hostility: float, retaliation_hostility: float,
                distillation_hostility: float, dialogue_relief: float, incident_relief: float,
                smuggling_tolerance: float = 0.0, smuggling_hostility: float = 0.0) -> float:
    """Enmity after a season: hostile acts raise it, mutual dialogue and major incidents lower it.

    ``e' = e + h_c * max(0, dC) + h_r * retaliation + h_s * tolerance + h_d * detections - r_d * dialogue * e
    - r_i * majors``,
    kept in [0, 5] (illustrative form; the direction follows Armstrong et al. 2016 and Stafford et al. 2022:
    enmity scales the race, talks after shocks ease it).
    """
    e = (enmity + control_hostility * max(0.0, control_rise) + retaliation_hostility * retaliation
         + smuggling_hostility * smuggling_tolerance + distillation_hostility * detections
         - dialogue_relief * mutual_dialogue * enmity - incident_relief * major_incidents)
    return min(5.0, max(0.0, e))


def optimal_smuggling_volume(market_h100e: float, seizure: float, margin_usd: float, loss_usd: float) -> float:
    """Volume that maximises a smuggler's expected profit, H100e.

    Profit ``(1 - s) * v * m * (1 - v / 2V) - s * v * L`` (margin falls as volume saturates the market
    ``V``) peaks at ``v = V * (1 - s L / ((1 - s) m))``, or 0 when seizures eat the margin.
    """
    if market_h100e <= 0 or margin_usd <= 0 or seizure >= 1.0:
        return 0.0
    return market_h100e * max(0.0, 1.0 - seizure * loss_usd / ((1.0 - seizure) * margin_usd))


def smuggling_profit_usd(shipped: float, seized: float, market_h100e: float, margin_usd: float,
                         loss_usd: float) -> float:
    """A smuggler's profit in a quarter, USD: margin on delivered chips (falling with volume) minus seized losses."""
    if market_h100e <= 0:
        unit = 0.0
    else:
        unit = margin_usd * max(0.0, 1.0 - shipped / (2.0 * market_h100e))
    return (shipped - seized) * unit - seized * loss_usd


def detection_probability(defence: float, strength: float) -> float:
    """Chance a distillation campaign is detected this season: ``1 - exp(-strength * defence)``."""
    return 1.0 - math.exp(-strength * max(0.0, defence))


def distillation_gain(student: float, teacher: float, rate: float, effort: float) -> float:
    """Log-capability a student gains by distilling a teacher this season, if undetected.

    Distillation closes ``rate * effort`` of the log-gap to the teacher and never passes it.

    Args:
        student: ln effective compute of the student's internal model.
        teacher: ln effective compute of the best deployed US model.
        rate: Share of the gap closed at full effort (in [0, 1]).
        effort: Distillation effort (in [0, 1]).

    Returns:
        Gain in log units, in [0, max(0, teacher - student)].

    """
    gap = teacher - student
    if gap <= 0:
        return 0.0
    return min(gap, rate * effort * gap)


#: Upper bound of one lab's incident hazard, incidents per quarter (P(at least one) = 1 - exp(-10) > 0.9999).
MAX_INCIDENT_HAZARD = 10.0


def incident_hazard(base: float, capability_ratio_log: float, elasticity: float, safety_share: float,
                    safety_effect: float, testing_quarters: float, testing_effect: float) -> float:
    """Quarterly incident hazard of one lab.

    ``h = base * exp(elasticity * dlnE) * exp(-safety_effect * (s - 0.1)) * exp(-testing_effect * (T - 1))``:
    rises with capability, falls with safety share ``s`` and pre-release testing ``T`` (illustrative form;
    anchored at a 10% safety share and one quarter of testing).

    The hazard is capped at :data:`MAX_INCIDENT_HAZARD`: with extreme but valid parameters (fast
    algorithmic progress, a high capability elasticity) the exponential form would otherwise reach billions
    of incidents a quarter (or overflow), far outside what the model describes.

    Returns:
        Hazard in incidents per quarter, in [0, MAX_INCIDENT_HAZARD].

    """
    if base <= 0.0:
        return 0.0
    log_hazard = (math.log(base) + elasticity * capability_ratio_log - safety_effect * (safety_share - 0.1)
                  - testing_effect * (testing_quarters - 1))
    return min(MAX_INCIDENT_HAZARD, math.exp(min(log_hazard, 700.0)))


def incident_probability(hazards: list[float] | tuple[float, ...]) -> float:
    """P(at least one incident) = ``1 - exp(-sum(hazard))`` (DESIGN §3)."""
    return 1.0 - math.exp(-sum(hazards))


def adoption_target(lead: float, openness_us: float, openness_prc: float, promotion_us: float,
                    lead_weight: float, openness_weight: float, promotion_weight: float,
                    price_advantage_prc: float) -> float:
    """Global South share of US models that adoption moves toward (a logistic choice share).

    ``logit = lead_weight * lead/12 + openness_weight * (open_us - open_prc)
    + promotion_weight * promotion_us - price_advantage_prc``.

    Returns:
        Share in (0, 1).

    """
    logit = (lead_weight * lead / 12.0 + openness_weight * (openness_us - openness_prc)
             + promotion_weight * promotion_us - price_advantage_prc)
    return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, logit))))


def classify_outcome(lead: float, s1_lead_months: float, s2_lead_months: float) -> str:
    """Classify the horizon: ``"S1"`` (lead >= s1), ``"S2"`` (lead <= s2, or the PRC leads), else ``"contested"``."""
    if lead >= s1_lead_months:
        return "S1"
    if lead <= s2_lead_months or lead < 0:
        return "S2"
    return "contested"
