"""Explained adjudication: why the lead moved this season, in parts that add up to the change.

The lead is ``12 * (D_us - D_prc) / ln g`` months (:func:`wargame.mechanics.lead_months`), where ``D`` is
the ln effective compute of a bloc's best deployed model. A model's ln effective compute is built from
(:class:`agents.lab.Lab`):

``ln(training_share * C) + progress + diffusion + breakthroughs + skill + distillation + open_weights``

where ``C`` is the compute the lab trained on (H100e), the sum of its chip stock by the source the chips
came from (the starting stock, legal sales, domestic chips, smuggled chips, chips bought from revenue; all
net of depreciation and seizures) and the compute it rented by remote access; ``progress``, ``diffusion``
and ``breakthroughs`` are the bloc's ln algorithmic efficiency by cause (own progress, know-how reaching the
laggard, breakthrough events); ``skill`` is the lab's own draw; and ``distillation`` and ``open_weights`` are
the ln capability it gained from distilling US models and from the other bloc's open weights.

Each lab keeps that **ledger** for every model it trains, and a release deploys a model with its ledger.
The change of a bloc's best deployed capability over a season is the difference of two ledgers, part by
part; the compute part is split by source with the logarithmic-mean weight of LMDI (Ang, 2004, "Decomposition
analysis for policymaking in energy", Energy Policy 32, 1131-1139): ``ln C1 - ln C0 = sum_s (C1_s - C0_s) *
L(C1, C0)`` with ``L(a, b) = (ln a - ln b) / (a - b)``, which is exact. So the parts of the lead add up to
its change exactly (up to rounding). A lead changes only when a release changes a bloc's best deployed
model; the parts say what that model was built from, compared with the one it replaced.

Ledgers are kept in a single game (``model.narrate``); ensembles keep none.
"""

from __future__ import annotations

import math
from typing import Any

#: Sources of a lab's training compute, in ledger order: its chip stock by origin, then rented compute.
COMPUTE_SOURCES = ("initial", "legal", "domestic", "smuggled", "purchased", "remote")
#: The bloc's ln algorithmic efficiency by cause.
EFFICIENCY_PARTS = ("progress", "diffusion", "breakthrough")
#: Every part of a change of the lead, in the waterfall's order.
PARTS = (*(f"compute_{s}" for s in COMPUTE_SOURCES), "training_share", *EFFICIENCY_PARTS, "distillation",
         "open_weights", "skill")
#: Plain names of the parts ("... from <label>").
PART_LABELS = {
    "compute_initial": "ageing of the starting chip stock",
    "compute_legal": "chips bought legally (incl. licensed exports)",
    "compute_domestic": "domestic chips",
    "compute_smuggled": "smuggled chips",
    "compute_purchased": "chips bought from revenue",
    "compute_remote": "remote access to overseas compute",
    "training_share": "training share of compute (safety and serving)",
    "progress": "algorithmic progress",
    "diffusion": "diffusion of know-how",
    "breakthrough": "breakthrough events",
    "distillation": "distillation of US models",
    "open_weights": "learning from open weights",
    "skill": "a different lab in front",
}
#: Parts smaller than this (months) are left out of the news sentence.
SENTENCE_MIN_MONTHS = 0.05
#: At most this many parts are named in the news sentence.
SENTENCE_PARTS = 3

Ledger = dict[str, Any]


def start_ledger(stock_h100e: float, training_share: float, skill: float) -> Ledger:
    """The ledger of a lab's starting model: trained on its whole starting stock, no efficiency yet.

    Args:
        stock_h100e: Starting chip stock, H100e.
        training_share: Share of compute put into training, in (0, 1].
        skill: The lab's skill draw, ln effective compute.

    """
    compute = dict.fromkeys(COMPUTE_SOURCES, 0.0)
    compute["initial"] = float(stock_h100e)
    return {"compute": compute, "training_share": float(training_share), "skill": float(skill),
            **dict.fromkeys(EFFICIENCY_PARTS, 0.0), "distillation": 0.0, "open_weights": 0.0}


def run_ledger(compute_h100e: dict[str, float], training_share: float, efficiency: dict[str, float],
               skill: float) -> Ledger:
    """The ledger of a training run.

    Args:
        compute_h100e: Compute the lab holds by source (:data:`COMPUTE_SOURCES`), H100e.
        training_share: Share of it put into the run, in (0, 1].
        efficiency: The bloc's ln algorithmic efficiency by cause (:data:`EFFICIENCY_PARTS`).
        skill: The lab's skill, ln effective compute.

    """
    return {"compute": {s: float(compute_h100e[s]) for s in COMPUTE_SOURCES}, "training_share": float(training_share),
            "skill": float(skill), **{k: float(efficiency[k]) for k in EFFICIENCY_PARTS}, "distillation": 0.0,
            "open_weights": 0.0}


def with_gain(ledger: Ledger, part: str, gain: float) -> Ledger:
    """A copy of a ledger with ``gain`` (ln effective compute) added to ``part`` (distillation, open weights)."""
    return {**ledger, part: ledger[part] + float(gain)}


def capability(ledger: Ledger) -> float:
    """The ln effective compute a ledger adds up to (what :class:`agents.lab.Lab` computed for that model)."""
    total = sum(ledger["compute"].values())
    return (math.log(ledger["training_share"] * total) + sum(ledger[k] for k in EFFICIENCY_PARTS)
            + ledger["skill"] + ledger["distillation"] + ledger["open_weights"])


def _log_mean_weight(a: float, b: float) -> float:
    """``(ln a - ln b) / (a - b)``, the reciprocal of the logarithmic mean of two positive numbers (1/a if equal)."""
    if math.isclose(a, b, rel_tol=1e-12, abs_tol=0.0):
        return 1.0 / a
    return (math.log(a) - math.log(b)) / (a - b)


def difference(new: Ledger, old: Ledger) -> dict[str, float]:
    """The change from ``old`` to ``new``, part by part (:data:`PARTS`), in ln effective compute.

    The parts add up to ``capability(new) - capability(old)`` exactly (up to rounding): the compute part is
    split by source with the LMDI weight (module docstring).
    """
    c1, c0 = sum(new["compute"].values()), sum(old["compute"].values())
    weight = _log_mean_weight(c1, c0)
    parts = {f"compute_{s}": (new["compute"][s] - old["compute"][s]) * weight for s in COMPUTE_SOURCES}
    parts["training_share"] = math.log(new["training_share"]) - math.log(old["training_share"])
    for name in (*EFFICIENCY_PARTS, "distillation", "open_weights", "skill"):
        parts[name] = new[name] - old[name]
    return parts


def lead_parts(us: tuple[Ledger, Ledger], prc: tuple[Ledger, Ledger], months_per_log: float) -> dict[str, float]:
    """The change of the US lead over a season, part by part, in months.

    Args:
        us: The US bloc's best deployed ledger (after, before) the season.
        prc: The PRC bloc's, likewise.
        months_per_log: Months of lead per unit of ln effective compute, ``12 / ln g``.

    Returns:
        Part name -> months (:data:`PARTS` order); they add up to the change of the lead.

    """
    gained, lost = difference(*us), difference(*prc)
    return {name: months_per_log * (gained[name] - lost[name]) for name in PARTS}


def sentence(bloc_lead_before: float, lead_after: float, parts: dict[str, float]) -> str:
    """The change of the lead in one plain sentence, naming its largest parts.

    Example: ``"US lead -1.2 months (5.3 to 4.1): -0.8 from smuggled chips, -0.4 from distillation of US
    models."``

    Args:
        bloc_lead_before: The US lead before the season, months.
        lead_after: The US lead after it, months.
        parts: Part name -> months (:func:`lead_parts`).

    """
    change = lead_after - bloc_lead_before
    if abs(change) < SENTENCE_MIN_MONTHS:
        return (f"US lead unchanged at {lead_after:.1f} months: no release changed either bloc's best model "
                "enough to move it.")
    named = sorted((p for p in parts.items() if abs(p[1]) >= SENTENCE_MIN_MONTHS), key=lambda p: -abs(p[1]))
    shown = named[:SENTENCE_PARTS]
    reasons = ", ".join(f"{months:+.1f} from {PART_LABELS[name]}" for name, months in shown)
    rest = change - sum(months for _, months in shown)
    if abs(rest) >= SENTENCE_MIN_MONTHS:
        reasons += f", {rest:+.1f} from the rest"
    return f"US lead {change:+.1f} months ({bloc_lead_before:.1f} to {lead_after:.1f}): {reasons}."


def best_deployed_ledger(labs: list[Any], bloc: str) -> Ledger:
    """The ledger of the bloc's best deployed model (the first lab's on a tie, as ``max`` picks it)."""
    best = max((lab for lab in labs if lab.bloc == bloc), key=lambda lab: float(lab.deployed_capability))
    return best.deployed_ledger


class ExplanationMixin:
    """The season's explanation (a mixin of :class:`wargame.model.AIRaceModel`; single games only)."""

    def _start_explanations(self) -> None:
        """Set up the explanation state at the start of a game (after the labs and the lead exist)."""
        #: One dict per season played: ``season``, ``lead_before`` and ``lead_after`` (months), ``parts``
        #: (part name -> months, :data:`PARTS`; they add up to the change), ``sentence`` (the news line) and
        #: ``scores`` (seat -> score component -> points earned this season).
        self.explanations: list[dict[str, Any]] = []
        self._explained_ledgers = {b: best_deployed_ledger(self.labs, b) for b in ("US", "PRC")}
        self._explained_lead = float(self.lead_months)
        self._explained_scores = {seat: dict(parts) for seat, parts in self.score_totals.items()}

    def _explain_season(self) -> None:
        """Explain the season just adjudicated: append to :attr:`explanations` and tell the facilitator."""
        now = {b: best_deployed_ledger(self.labs, b) for b in ("US", "PRC")}
        months_per_log = 12.0 / math.log(self.params.frontier_effective_compute_growth_per_year)
        parts = lead_parts((now["US"], self._explained_ledgers["US"]), (now["PRC"], self._explained_ledgers["PRC"]),
                           months_per_log)
        before, after = self._explained_lead, float(self.lead_months)
        scores = {seat: {name: float(value - self._explained_scores[seat][name]) for name, value in totals.items()}
                  for seat, totals in self.score_totals.items()}
        text = sentence(before, after, parts)
        self.explanations.append({"season": self.season, "lead_before": before, "lead_after": after,
                                  "parts": parts, "sentence": text, "scores": scores})
        self.add_news("adjudication", text, audience="facilitator")
        self._explained_ledgers = now
        self._explained_lead = after
        self._explained_scores = {seat: dict(totals) for seat, totals in self.score_totals.items()}
