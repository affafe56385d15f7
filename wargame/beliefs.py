"""What each seat believed, season by season, beside the truth: the debrief's belief-versus-reality table.

:func:`belief_history` replays a game log once and, after each played season, reads for every government
and lab seat what :func:`wargame.observation.observe` tells it (its bloc's intelligence estimates of the
internal-model lead and of the other bloc's compute) next to the true values. Leads are in months with the
seat's own-bloc sign (positive: its bloc is ahead); compute is in H100e.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from wargame.gamelog import replay
from wargame.model import AIRaceModel

#: Kinds of the seats whose beliefs are recorded (governments and labs).
BELIEF_KINDS = ("us_government", "prc_government", "ally_government", "lab")
#: Columns of a belief row, in order.
BELIEF_COLUMNS = (
    "season", "seasons_played", "seat", "name", "bloc", "kind",
    "estimated_lead_months", "estimate_sd_months", "true_lead_months", "deployed_lead_months",
    "estimated_other_compute_h100e", "compute_estimate_sd_log", "true_other_compute_h100e",
    "perceived_lead_months", "perceived_uncertainty_months",
)


def belief_rows(model: AIRaceModel) -> list[dict[str, Any]]:
    """Every government and lab seat's beliefs now, beside the truth (reads the model, changes nothing).

    Args:
        model: A model between seasons (after a season has been played, or before the first).

    Returns:
        One dict per government and lab seat, in seat order, with the keys of :data:`BELIEF_COLUMNS`:

        - ``season``: label of the season last played (e.g. ``"2026Q3"``); ``seasons_played``: how many;
        - ``seat``, ``name``, ``bloc`` (``"US"`` / ``"PRC"``), ``kind`` (e.g. ``"lab"``, ``"us_government"``);
        - ``estimated_lead_months`` and ``estimate_sd_months``: the bloc's intelligence estimate of the lead of
          internal (trained) models and its standard deviation, months, own-bloc sign (``observe``);
        - ``true_lead_months``: the true internal-model lead, months, own-bloc sign
          (``model.lead_internal_months`` times +1 for the US, -1 for the PRC);
        - ``deployed_lead_months``: the public lead of deployed models, months, own-bloc sign;
        - ``estimated_other_compute_h100e`` (H100e) and ``compute_estimate_sd_log`` (sd of the log-normal
          error, natural log units): the estimate of the other bloc's compute available to its labs;
        - ``true_other_compute_h100e``: that compute in truth, H100e (``model.compute_h100e(other bloc)``);
        - ``perceived_lead_months`` and ``perceived_uncertainty_months``: for labs, the belief the lab acts on
          (:attr:`agents.lab.Lab.perceived_lead_months` and its sd, months, own-bloc sign; the same estimate as
          ``observe`` gives, formed when the season ends); ``None`` for governments.

    """
    rows = []
    for actor in model.seats():
        if actor.kind not in BELIEF_KINDS:
            continue
        seen = model.observe(actor.seat)
        sign = 1.0 if actor.bloc == "US" else -1.0
        other = "PRC" if actor.bloc == "US" else "US"
        is_lab = actor.kind == "lab"
        rows.append({
            "season": model.last_season,
            "seasons_played": model.seasons_played,
            "seat": actor.seat,
            "name": actor.name,
            "bloc": actor.bloc,
            "kind": actor.kind,
            "estimated_lead_months": float(seen["estimated_lead_months"]),
            "estimate_sd_months": float(seen["estimate_sd_months"]),
            "true_lead_months": float(sign * model.lead_internal_months),
            "deployed_lead_months": float(seen["deployed_lead_months"]),
            "estimated_other_compute_h100e": float(seen["estimated_other_compute_h100e"]),
            "compute_estimate_sd_log": float(seen["compute_estimate_sd_log"]),
            "true_other_compute_h100e": float(model.compute_h100e(other)),
            "perceived_lead_months": float(actor.perceived_lead_months) if is_lab else None,
            "perceived_uncertainty_months": float(actor.perceived_uncertainty_months) if is_lab else None,
        })
    return rows


def belief_history(log: dict[str, Any]) -> list[dict[str, Any]]:
    """Replay a game log once and record every government and lab seat's beliefs after each played season.

    Args:
        log: A checked game log (:func:`wargame.gamelog.load_game`, :func:`~wargame.gamelog.parse_game_log` or
            :func:`~wargame.gamelog.game_log`).

    Returns:
        :func:`belief_rows` after season 1, then after season 2, and so on to the log's ``seasons_played``:
        one row per government and lab seat per played season (none if no season was played). Units: leads
        and their sds in months (own-bloc sign), compute in H100e, ``compute_estimate_sd_log`` in natural log
        units.

    Raises:
        GameLogError: If the log does not replay (:func:`wargame.gamelog.replay`).

    """
    rows: list[dict[str, Any]] = []
    replay(log, on_season=lambda model: rows.extend(belief_rows(model)))
    return rows


def beliefs_frame(log: dict[str, Any]) -> pd.DataFrame:
    """:func:`belief_history` as a DataFrame: one row per government and lab seat per played season.

    Returns:
        Columns :data:`BELIEF_COLUMNS` in that order (empty, with those columns, if no season was played);
        ``perceived_lead_months`` and ``perceived_uncertainty_months`` are NaN for governments.

    Raises:
        GameLogError: If the log does not replay.

    """
    return pd.DataFrame(belief_history(log), columns=list(BELIEF_COLUMNS))
