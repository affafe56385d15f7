"""What each role of a room may see: a team sees its seats' observations, the projector only public facts.

The team and projector views are drawn from these snapshots alone, never from the model: a snapshot is
built under the room's lock from :meth:`wargame.model.AIRaceModel.observe` (for a team's seats) and from
public quantities (for everyone), and holds plain data only. Other teams' decisions, the true internal
lead and the other bloc's true compute are not in it, so a team's page cannot show them, whatever is
clicked. At the end of the game the debrief reveals everything to everyone
(:mod:`wargame.tabletop.debrief`).
"""

from __future__ import annotations

import math
from typing import Any

from wargame.policies import POLICY_DESCRIPTIONS
from wargame.tabletop.forms import score_label
from wargame.tabletop.room import Access, Room

KIND_LABELS = {
    "us_government": "US government", "prc_government": "PRC government", "ally_government": "Ally government",
    "lab": "AI lab", "chipmaker": "Chipmaker", "smuggler": "Smuggling network", "overseas_cloud": "Overseas cloud",
}
#: Model columns every role may see (public quantities): the lead of *deployed* models (months, US sign),
#: Global South adoption of US models (share) and enmity (index), by collected season.
PUBLIC_SERIES = ("lead_months", "adoption_share_us", "enmity")


def public_series(room: Room) -> dict[str, list[Any]]:
    """Public time series for charts every role may see.

    Returns:
        ``{"season": [...], "lead_months": [...], "adoption_share_us": [...], "enmity": [...]}``, one value
        per collected season (the first is the start, labelled ``"start"``); plain floats and strings.

    """
    with room.lock:
        frame = room.game.model.datacollector.get_model_vars_dataframe().reset_index(drop=True)
        seasons = [str(s) for s in frame.get("season", range(len(frame)))]
        if seasons:
            seasons[0] = "start"
        series: dict[str, list[Any]] = {"season": seasons}
        for column in PUBLIC_SERIES:
            series[column] = [float(x) for x in frame[column]] if column in frame else []
        outcome = room.game.scenario.outcome
        series["s1_lead_months"] = [float(outcome.s1_lead_months)]
        series["s2_lead_months"] = [float(outcome.s2_lead_months)]
        return series


def news_for(room: Room, audience: str | None) -> list[dict[str, str]]:
    """The news a role may read, oldest first.

    Args:
        room: The room.
        audience: ``None`` for public news only (the projector), or a bloc (``"US"``/``"PRC"``) for public
            news plus that bloc's private news (a team).

    Returns:
        Dicts with ``season``, ``phase``, ``text`` and ``audience``, copies; every item of the game.

    """
    with room.lock:
        return [dict(item) for item in room.game.model.news
                if item["audience"] == "public" or (audience is not None and item["audience"] == audience)]


def objectives_of(room: Room, seat_id: str) -> list[dict[str, Any]]:
    """A seat's objectives in plain words: what earns or costs it points, and the weight of each.

    Returns:
        Dicts with ``component``, ``label``, ``meaning`` and ``weight`` (points per unit of the component).

    """
    actor = room.game.seat(seat_id)
    weights = room.game.model.objectives.for_kind(actor.kind)
    fields = type(weights).model_fields
    rows = []
    for name in room.game.model.score_breakdown(seat_id):
        info = fields.get(name)
        rows.append({"component": name, "label": score_label(actor.kind, name),
                     "meaning": (info.description or "") if info is not None else "",
                     "weight": float(getattr(weights, name, float("nan")))})
    return rows


def team_snapshot(room: Room, access: Access) -> dict[str, Any]:
    """Everything a team's page shows, from what its seats observe.

    Args:
        room: The room.
        access: A team's access to this room.

    Returns:
        ``team`` (id, name), ``season``, ``finished``, ``locked``, ``title``, ``briefing``, ``seats`` (one dict
        per seat the team plays: ``seat``, ``name``, ``kind``, ``kind_label``, ``bloc``, ``policy``,
        ``policy_text``, ``status``, ``score``, ``score_parts``, ``objectives`` and ``intel``, the seat's
        observation: ``deployed_lead_months`` (public), ``estimated_lead_months`` ± ``estimate_sd_months``
        (the bloc's estimate of the internal-model lead, own-bloc sign, months),
        ``estimated_other_compute_h100e`` with ``compute_low_h100e``/``compute_high_h100e`` (a ±1 sd range,
        H100e), ``own_bloc_labs``, ``other_bloc_deployed``, ``enmity``, ``adoption_share_us``, ``rules``),
        and ``news`` (public news and the team's blocs' private news).

    Raises:
        RoomError: If the access is not a team of this room.

    """
    with room.lock:
        room._require(access, "team")  # noqa: SLF001 - the room's own access check
        team = room.teams[str(access.team_id)]
        game = room.game
        seats = []
        blocs = []
        for seat_id in team.seats:
            actor = game.seat(seat_id)
            obs = game.model.observe(seat_id)
            sd_log = float(obs["compute_estimate_sd_log"])
            estimate = float(obs["estimated_other_compute_h100e"])
            intel = {
                "deployed_lead_months": float(obs["deployed_lead_months"]),
                "estimated_lead_months": float(obs["estimated_lead_months"]),
                "estimate_sd_months": float(obs["estimate_sd_months"]),
                "estimated_other_compute_h100e": estimate,
                "compute_low_h100e": estimate * math.exp(-sd_log),
                "compute_high_h100e": estimate * math.exp(sd_log),
                "compute_estimate_sd_log": sd_log,
                "own_bloc_labs": obs["own_bloc_labs"],
                "other_bloc_deployed": obs["other_bloc_deployed"],
                "enmity": float(obs["enmity"]),
                "adoption_share_us": float(obs["adoption_share_us"]),
                "rules": obs["rules"],
            }
            seats.append({
                "seat": seat_id, "name": actor.name, "kind": actor.kind,
                "kind_label": KIND_LABELS.get(actor.kind, actor.kind), "bloc": actor.bloc,
                "policy": actor.policy, "policy_text": POLICY_DESCRIPTIONS.get(actor.kind, {}).get(actor.policy, ""),
                "status": room.status(seat_id), "submission_count": int(room.submission_count.get(seat_id, 0)),
                "score": float(obs["score"]),
                "score_parts": game.score_parts(seat_id), "objectives": objectives_of(room, seat_id),
                "intel": intel,
            })
            blocs.append(actor.bloc)
        news = [dict(item) for item in game.model.news if item["audience"] == "public" or item["audience"] in blocs]
        return {"team": {"id": team.id, "name": team.name}, "season": room.season, "finished": room.finished,
                "locked": room.locked, "title": game.scenario.title, "briefing": game.scenario.briefing,
                "seats": seats, "news": news}


def projector_snapshot(room: Room) -> dict[str, Any]:
    """What the projector shows: season, statuses (never contents), public news and public series.

    Returns:
        ``season``, ``finished``, ``locked``, ``title``, ``statuses`` (:meth:`Room.statuses`), ``news``
        (public, every item) and ``series`` (:func:`public_series`).

    """
    with room.lock:
        return {"season": room.season, "finished": room.finished, "locked": room.locked,
                "title": room.game.scenario.title, "statuses": room.statuses(),
                "news": news_for(room, None), "series": public_series(room)}
