"""What a seat knows: :func:`observe`, the only input of every policy (and of a team's view).

A seat sees its own bloc fully, the other bloc's deployed models, a noisy intelligence estimate of the rest,
the governments' public rules and the public news (plus its own bloc's private news).
"""

from __future__ import annotations

from typing import Any

import numpy as np


def observe(model: Any, seat: str) -> dict[str, Any]:
    """What a seat knows now, the only input of its policy (and of its team's view in the browser).

    Returns:
        A dict with:

        - ``seat``, ``kind``, ``bloc``, ``season``, ``seasons_left``, ``params`` (public rules of the game, a
          frozen object);
        - ``own``: the seat's own state (kind-specific);
        - ``own_bloc_labs``: every lab of its bloc, ``{seat: {internal_capability, deployed_capability,
          stock_h100e}}`` (ln effective compute, H100e);
        - ``other_bloc_deployed``: the other bloc's deployed models, ``{seat: deployed_capability}``;
        - ``deployed_lead_months``: the public lead of deployed models, own-bloc sign;
        - ``estimated_lead_months`` and ``estimate_sd_months``: the bloc's intelligence estimate of the
          lead of internal models (own-bloc sign), with its standard deviation;
        - ``estimated_other_compute_h100e`` and ``compute_estimate_sd_log``: the estimate of the other
          bloc's compute (H100e) and its log-normal spread;
        - ``rules`` and ``previous_rules``: the governments' public moves in force and those of the season
          before (``AIRaceModel._snapshot_rules``); ``enmity``, ``adoption_share_us``, ``chip_market_index``,
          ``major_incidents_last_season``;
        - ``news``: the news of the last season and of this one so far, public or private to the seat's bloc;
        - ``score``: the seat's score so far (points).

    Every container in it is a fresh copy: changing an observation never changes the game.

    Raises:
        DecisionError: If there is no such seat.

    """
    actor = model.actor(seat)
    p = model.params
    bloc = actor.bloc
    other = "PRC" if bloc == "US" else "US"
    sign = 1.0 if bloc == "US" else -1.0
    v = model.effective_visibility(bloc)
    sd = p.intel_noise_months * (1.0 - v)
    signal = model.lead_internal_months + sd * model.intel_error[bloc]
    estimate = (1.0 - v) * model.lead_months + v * signal
    compute_sd = p.intel_compute_noise_log * (1.0 - v)
    recent = {model.season, model.last_season}
    return {
        "seat": seat, "kind": actor.kind, "bloc": bloc, "season": model.season,
        "seasons_left": model.end_index - model.start_index + 1 - model.seasons_played,
        "params": p,
        "own": actor.observation(),
        "own_bloc_labs": {lab.seat: {"internal_capability": lab.internal_capability,
                                     "deployed_capability": lab.deployed_capability,
                                     "stock_h100e": lab.stock_h100e} for lab in model.labs if lab.bloc == bloc},
        "other_bloc_deployed": {lab.seat: lab.deployed_capability for lab in model.labs if lab.bloc == other},
        "deployed_lead_months": sign * model.lead_months,
        "estimated_lead_months": sign * estimate,
        "estimate_sd_months": sd,
        "estimated_other_compute_h100e": model.compute_h100e(other) * np.exp(
            compute_sd * model.intel_compute_error[bloc]),
        "compute_estimate_sd_log": compute_sd,
        "rules": _copy_rules(model.public_rules),
        "previous_rules": _copy_rules(model.previous_rules),
        "enmity": model.enmity,
        "adoption_share_us": model.adoption_share_us,
        "chip_market_index": model.chip_market_index,
        "major_incidents_last_season": model.major_incidents_last_season,
        "news": _recent_news(model, recent, bloc),
        "score": sum(model.score_totals[seat].values()),
    }


def _recent_news(model: Any, seasons: set[str], bloc: str) -> list[dict[str, Any]]:
    """News of the given seasons that is public or private to ``bloc``, oldest first."""
    items = []
    for item in reversed(model.news):
        if item["season"] not in seasons:
            break
        if item["audience"] in ("public", bloc):
            items.append(dict(item))
    items.reverse()
    return items


def _copy_rules(rules: dict[str, Any]) -> dict[str, Any]:
    """A copy of a public-rules snapshot (dicts of scalars), so an observation can never change the game."""
    return {key: dict(value) for key, value in rules.items()}
