"""Lever forms: a seat's levers as form rows, what a typed value means, and plain-words problems.

Nothing here knows about games, rooms or the browser: these are the rules of a decision form, shared by the
hot-seat game (:mod:`wargame.tabletop.session`) and the team views of a room (:mod:`wargame.tabletop.room`).
"""

from __future__ import annotations

import functools
import math
import re
from typing import Any

from pydantic import ValidationError

from wargame.decisions import decision_model_for
from wargame.tabletop.errors import LeverValueError

#: A lab's compute shares, given together and summing to 1 (share of compute).
SHARE_LEVERS = ("training_share", "safety_share", "serving_share")

#: Plain words for each score component of each actor kind (:data:`wargame.scoring.COMPONENTS`).
SCORE_LABELS: dict[str, dict[str, str]] = {
    "us_government": {"lead": "US lead in deployed AI", "adoption": "Global South adoption of US AI",
                      "incidents": "AI incidents (any lab)", "licence_revenue": "Licence revenue collected",
                      "industry_revenue": "US chip and cloud industry revenue", "allies": "Friction with allies",
                      "fiscal": "Budget spent"},
    "prc_government": {"parity": "Closing the gap with the US", "self_sufficiency": "Self-sufficiency in chips",
                       "adoption": "Global South adoption of PRC AI", "incidents": "AI incidents (any lab)",
                       "fiscal": "Budget spent and revenue given up"},
    "ally_government": {"revenue": "Its chipmakers' China revenue", "us_relations": "Relations with Washington",
                        "retaliation": "Exposure to PRC retaliation"},
    "lab": {"capability": "Capability against the other labs", "revenue": "Serving revenue",
            "incidents": "Its own AI incidents", "sanctions": "Sanctions for detected distillation"},
    "chipmaker": {"revenue": "Revenue", "penalties": "Fines"},
    "smuggler": {"profit": "Profit after seizures"},
    "overseas_cloud": {"revenue": "Rental revenue", "penalties": "Fines"},
}


def format_value(value: Any, significant: int = 4) -> str:
    """Format a lever or figure for people: yes/no for booleans, a few significant digits for floats.

    Args:
        value: The value.
        significant: Significant digits for floats below 10,000 (larger floats get thousands separators).

    Returns:
        The text.

    """
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:,.{significant}g}" if abs(value) < 1e4 else f"{value:,.0f}"
    return str(value)


def _plain(value: Any) -> Any:
    """Turn numpy scalars and similar into plain JSON-friendly Python values."""
    if hasattr(value, "item") and not isinstance(value, (list, dict, str)):
        try:
            return value.item()
        except (TypeError, ValueError):
            return value
    return value


def lever_rows(kind: str) -> list[dict[str, Any]]:
    """Describe every lever of an actor kind for a form.

    Args:
        kind: Actor kind.

    Returns:
        Dicts with ``name``, ``label``, ``unit``, ``description``, ``minimum``, ``maximum``, ``choices``,
        ``type`` (``"float"``, ``"int"``, ``"bool"`` or ``"choice"``).

    """
    return [dict(row) for row in _lever_rows(kind)]


@functools.cache
def _lever_rows(kind: str) -> tuple[dict[str, Any], ...]:
    rows = []
    for info in decision_model_for(kind).lever_info():
        row = dict(info)
        row["label"] = info["name"].replace("_", " ").replace("h100e", "H100e").replace("musd", "USD m") \
            .replace("busd", "USD bn")
        row["label"] = row["label"][:1].upper() + row["label"][1:]
        plain = info["name"]
        for suffix in ("_h100e", "_musd", "_busd"):
            plain = plain.removesuffix(suffix)
        plain = plain.replace("_", " ")
        row["plain"] = plain[:1].upper() + plain[1:]
        rows.append(row)
    return tuple(rows)


@functools.cache
def _lever_row_map(kind: str) -> dict[str, dict[str, Any]]:
    return {row["name"]: row for row in _lever_rows(kind)}


def lever_row_map(kind: str) -> dict[str, dict[str, Any]]:
    """The rows of :func:`lever_rows` by lever name (shared: do not modify)."""
    return _lever_row_map(kind)


def score_label(kind: str, component: str) -> str:
    """A score component in plain words, e.g. ``"Budget spent"`` for the US government's ``fiscal``."""
    label = SCORE_LABELS.get(kind, {}).get(component)
    if label:
        return label
    words = component.replace("_", " ")
    return words[:1].upper() + words[1:]


def format_points(points: float) -> str:
    """Score points for people, always signed: ``+1.23``, ``-0.40``, ``+0.00``."""
    if not math.isfinite(points):
        return str(points)
    return f"{(0.0 if round(points, 2) == 0 else points):+,.2f}"


def _number_text(value: Any) -> str:
    """A bound or value for a message: ``1,000``, ``0.15``, ``1,000,000,000``."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if isinstance(value, int) or (math.isfinite(value) and value.is_integer() and abs(value) < 1e18):
        return f"{int(value):,}"
    return f"{value:,.6g}"


def lever_requirement(row: dict[str, Any]) -> str:
    """What a lever accepts, in plain words, e.g. ``"must be between 0 and 1,000 USD million per quarter"``."""
    kind = row["type"]
    if kind == "bool":
        return "must be on or off"
    if kind == "choice":
        return "must be one of " + ", ".join(str(c) for c in row.get("choices") or [])
    unit = str(row.get("unit") or "")
    words = re.sub(r"\s*\[[^\]]*\]", "", unit).strip()
    unit_text = f" ({words})" if words and words != unit else (f" {unit}" if unit else "")
    number = "a whole number" if kind == "int" else "a number"
    low, high = row.get("minimum"), row.get("maximum")
    if low is not None and high is not None:
        if kind == "int":
            return f"must be a whole number from {_number_text(low)} to {_number_text(high)}{unit_text}"
        return f"must be between {_number_text(low)} and {_number_text(high)}{unit_text}"
    if low is not None:
        return f"must be {number} of at least {_number_text(low)}{unit_text}"
    if high is not None:
        return f"must be {number} of at most {_number_text(high)}{unit_text}"
    return f"must be {number}{unit_text}"


def out_of_range_message(row: dict[str, Any], value: Any) -> str:
    """The plain-words message of a lever whose value breaks its bounds or choices."""
    return f"{row['plain']}: {lever_requirement(row)} (got {_number_text(value)[:40]})."


def _shown(raw: Any) -> str:
    text = str(raw)
    return repr(text[:40] + ("..." if len(text) > 40 else ""))


def parse_lever(row: dict[str, Any], raw: Any) -> Any:
    """Turn what a lever's widget gives into a value of the lever's Python type.

    Floats become ``float``, whole numbers ``int``, switches ``bool`` and choices ``str``: decisions are
    validated strictly, so ``"300"`` or ``True`` is never handed on for a number. Bounds are not checked
    here (an out-of-range number is a value the player can see and fix; :meth:`GameSession.seat_problems`
    flags it).

    Args:
        row: The lever's row from :func:`lever_rows`.
        raw: Text typed into a numeric field (``"0.5"``, ``"1,000"``, ``"0,5"``), a number, a ``bool`` of
            a switch or the ``str`` of a choice.

    Returns:
        The value, of the lever's type.

    Raises:
        LeverValueError: With a plain-words message if ``raw`` is not a value of the lever: text that is
            not a number, ``nan``, ``inf``, a number too large for a float (``1e999``), an empty field, a
            fraction for a whole-number lever, ...

    """
    kind = row["type"]
    name = row.get("plain") or row["name"]
    requirement = lever_requirement(row)
    if kind == "bool":
        if isinstance(raw, bool):
            return raw
        if hasattr(raw, "item") and isinstance(_plain(raw), bool):
            return bool(_plain(raw))
        raise LeverValueError(f"{name}: {requirement} (got {_shown(raw)}).")
    if kind == "choice":
        choices = [str(c) for c in row.get("choices") or []]
        if isinstance(raw, str) and raw in choices:
            return str(raw)
        raise LeverValueError(f"{name}: {requirement} (got {_shown(raw)}).")
    raw = _plain(raw)
    if isinstance(raw, bool):
        raise LeverValueError(f"{name}: {requirement} (got {_shown(raw)}).")
    if isinstance(raw, int | float):
        number: float | int = raw
    else:
        text = "" if raw is None else str(raw).strip().replace("_", "").replace(" ", "")
        if not text:
            raise LeverValueError(f"{name}: {requirement} (the field is empty).")
        if re.fullmatch(r"[+-]?\d{1,3}(,\d{3})+(\.\d*)?", text):
            text = text.replace(",", "")  # 1,000 or 1,000.5: thousands separators
        elif text.count(",") == 1 and "." not in text:
            text = text.replace(",", ".")  # 0,5: decimal comma
        try:
            number = int(text) if kind == "int" and re.fullmatch(r"[+-]?\d{1,30}", text) else float(text)
        except ValueError:
            raise LeverValueError(f"{name}: {requirement} ({_shown(raw)} is not a number).") from None
    if isinstance(number, float) and not math.isfinite(number):
        raise LeverValueError(f"{name}: {requirement} ({_shown(raw)} is not a usable number).")
    if kind == "int":
        if isinstance(number, float):
            if not number.is_integer():
                raise LeverValueError(f"{name}: {requirement} (got {_shown(raw)}).")
            number = int(number)
        return int(number)
    try:
        return float(number)
    except OverflowError:  # an int beyond the float range
        raise LeverValueError(f"{name}: {requirement} ({_shown(raw)} is too large).") from None


def coerce_lever(row: dict[str, Any] | None, value: Any) -> Any:
    """A value of a lever's type where it can be converted (``0`` to ``0.0``), else the value unchanged."""
    if row is None:
        return _plain(value)
    try:
        return parse_lever(row, value)
    except LeverValueError:
        return _plain(value)


def format_lever_value(value: Any) -> str:
    """The text a numeric field shows for a value: ``25`` for 25.0, ``0.15``, ``1e+16``, ``0.018603``.

    A computed proposal such as ``0.6499999999999999`` or ``0.018602977704525545`` shows at most 6 significant
    digits (``0.65``, ``0.018603``; two decimals from 100,000 up). The draft keeps the exact value until the
    player types, so an untouched field submits exactly what the policy proposed (a lab's shares still sum
    to 1).
    """
    value = _plain(value)
    if isinstance(value, float):
        if value.is_integer() or not math.isfinite(value):
            text = repr(value)
            return text[:-2] if text.endswith(".0") else text
        if abs(value) >= 1e5:
            return f"{value:.2f}".rstrip("0").rstrip(".")
        return f"{value:.6g}"
    return "" if value is None else str(value)


def _whole_decision_message(err: dict[str, Any], typed: dict[str, Any]) -> str:
    """A problem of a decision as a whole (not of one lever), in plain words."""
    message = str(err.get("msg", "")).removeprefix("Value error, ")
    if "sum to 1" in message:
        total = sum(float(typed.get(k, 0.0)) for k in ("training_share", "safety_share", "serving_share"))
        return f"Training, safety and serving shares must add up to 1 (now {total:.4g})."
    if err.get("type") == "extra_forbidden":
        return f"Unknown lever {'.'.join(str(p) for p in err.get('loc') or ())!r}."
    return message[:1].upper() + message[1:]


class SeatForm:
    """One seat's decision form for the coming season: the values it holds and the text typed into it.

    A hot-seat game keeps one form per human seat; a team's device keeps one per seat the team holds. The
    form starts from ``start`` (the seat's last decision, or its policy's proposal) and checks every value
    against the seat's offered levers and its decision model.

    Args:
        kind: Actor kind (the key of :func:`wargame.decisions.decision_model_for`), e.g. ``"lab"``.
        offered: Names of the levers offered to the seat (:attr:`agents.base.Actor.levers`).
        proposal: What the seat's policy proposes now (lever name to value); the target of :meth:`reset`.
        start: The values the form starts from; ``proposal`` if omitted.
        name: The seat's display name, for messages.

    Attributes:
        rows: The offered levers' form rows by name (:func:`lever_rows`, offered ones only, in order).
        draft: Current value of each lever (of the lever's type once a typed value was accepted).
        proposal: The policy's proposal.
        texts: Text typed into numeric fields, kept as typed (``"0."``, ``"abc"``).
        errors: Plain-words problem of a lever whose typed text is not a value of it.

    """

    def __init__(self, kind: str, offered: list[str] | tuple[str, ...] | set[str], proposal: dict[str, Any],
                 start: dict[str, Any] | None = None, name: str = "") -> None:
        self.kind = kind
        self.name = name or kind
        wanted = set(offered)
        self.rows: dict[str, dict[str, Any]] = {row["name"]: dict(row) for row in _lever_rows(kind)
                                                if row["name"] in wanted}
        self.proposal = {k: coerce_lever(self.rows[k], v) for k, v in dict(proposal).items() if k in self.rows}
        values = {**self.proposal, **{k: v for k, v in (start or {}).items() if k in self.rows}}
        self.draft: dict[str, Any] = {k: coerce_lever(self.rows[k], v) for k, v in values.items()}
        self.texts: dict[str, str] = {}
        self.errors: dict[str, str] = {}

    def row(self, name: str) -> dict[str, Any]:
        """The row of an offered lever.

        Raises:
            SessionError: If the lever is unknown or not offered to this seat (a clear message either way).

        """
        if name in self.rows:
            return self.rows[name]
        every = _lever_row_map(self.kind)
        if name in every:
            raise LeverValueError(f"{every[name]['plain']} is not a lever of {self.name}.")
        raise LeverValueError(f"Unknown lever {str(name)[:40]!r} for {self.name}.")

    def set_lever(self, name: str, raw: Any) -> None:
        """Take one value from a lever's widget: typed into the draft if it is a value of the lever.

        A numeric lever arrives as the text of its field; that text is kept as typed, parsed to a ``float`` or
        ``int`` and put in the draft. Text that is not a finite number leaves the draft unchanged and is kept in
        :attr:`errors`, which blocks a submission until the field is fixed.

        Raises:
            SessionError: If the lever is unknown or not offered to the seat.

        """
        row = self.row(name)
        if row["type"] in ("float", "int") and isinstance(raw, str | None):
            self.texts[name] = raw or ""
        else:
            self.texts.pop(name, None)
        try:
            value = parse_lever(row, raw)
        except LeverValueError as exc:
            self.errors[name] = str(exc)
            return
        self.errors.pop(name, None)
        self.draft[name] = value

    def lever_text(self, name: str) -> str:
        """The text a numeric lever's field shows: as typed, else the draft value."""
        if name in self.texts:
            return self.texts[name]
        return format_lever_value(self.draft.get(name, ""))

    def reset(self) -> None:
        """Put the form back to the policy's proposal."""
        self.draft = dict(self.proposal)
        self.texts = {}
        self.errors = {}

    def typed(self) -> dict[str, Any]:
        """The draft with every lever of its Python type (float, int, bool or str).

        Raises:
            SessionError: If a lever is not offered to the seat or a value is not a value of its lever.

        """
        return {name: parse_lever(self.row(name), value) for name, value in self.draft.items()}

    def share_total(self) -> float | None:
        """A lab's training + safety + serving shares as the form holds them (share of compute; must be 1).

        Returns:
            The sum, or ``None`` for a seat without the three shares or while one of them holds bad text.

        """
        if not all(name in self.rows for name in SHARE_LEVERS) or any(n in self.errors for n in SHARE_LEVERS):
            return None
        try:
            return float(sum(float(self.draft[name]) for name in SHARE_LEVERS))
        except (KeyError, TypeError, ValueError):
            return None

    def problems(self) -> tuple[dict[str, str], list[str]]:
        """Check the form without submitting it.

        Returns:
            ``(fields, general)``: a plain-words message per lever that is wrong (shown at its field), and
            problems of the decision as a whole (a lab's shares that do not add up to 1).

        """
        fields = dict(self.errors)
        general: list[str] = []
        typed: dict[str, Any] = {}
        for name, value in self.draft.items():
            if name in fields:
                continue
            if name not in self.rows:
                try:
                    self.row(name)
                except LeverValueError as exc:
                    general.append(str(exc))
                continue
            try:
                typed[name] = parse_lever(self.rows[name], value)
            except LeverValueError as exc:
                fields[name] = str(exc)
        if fields or general:
            return fields, general
        # levers not offered to the seat take their (valid) defaults, so only the offered ones are checked
        unoffered = {row["name"]: row["default"] for row in _lever_rows(self.kind) if row["name"] not in self.rows}
        try:
            decision_model_for(self.kind).model_validate({**unoffered, **typed}, strict=True)
        except ValidationError as exc:
            for err in exc.errors():
                loc = err.get("loc") or ()
                if loc and loc[0] in self.rows:
                    fields.setdefault(str(loc[0]), out_of_range_message(self.rows[str(loc[0])], typed.get(loc[0])))
                else:
                    general.append(_whole_decision_message(err, typed))
        except Exception as exc:  # noqa: BLE001 - a check must never crash the page
            general.append(f"This decision cannot be checked ({type(exc).__name__}: {exc}).")
        return fields, general

    def problem(self) -> str:
        """``""`` if the form holds a valid decision, else its problems in plain words, one per line."""
        fields, general = self.problems()
        return "\n".join([*fields.values(), *general])
