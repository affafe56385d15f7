"""Role cards (issue 10, item 6): one printable card per seat, its HTML page, the PDF, ``wargame role-cards``."""

from __future__ import annotations

import os
import stat
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wargame.cli import main
from wargame.decisions import decision_model_for, offered_levers
from wargame.model import AIRaceModel
from wargame.objectives import Objectives
from wargame.policies import describe_policy
from wargame.report import role_cards as rc
from wargame.scenario import JURISDICTIONS, list_scenarios, load_scenario, resolve_scenario_path, seat_kind
from wargame.scoring import COMPONENTS

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts" / "role_cards"
SCENARIOS = list_scenarios()
#: Every element and attribute the cards page may hold: text from a scenario file must never add another.
ALLOWED_TAGS = {"html", "head", "meta", "title", "style", "body", "h1", "h2", "h3", "p", "section", "table",
                "thead", "tbody", "tr", "th", "td", "strong", "div", "code", "ul", "li"}
ALLOWED_ATTRS = {"lang", "charset", "name", "content", "id", "class"}
#: Keys of ``observe(seat)`` that name the seat: the card's header shows them, not its "what you can see" list.
HEADER_KEYS = ("seat", "kind", "bloc")


class PageParser(HTMLParser):
    """The parts of a cards page the tests check: tags, attributes, each section's text and its h2."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: set[str] = set()
        self.attrs: set[str] = set()
        self.sections: dict[str, list[str]] = {}
        self.headings: list[str] = []
        self._section: str | None = None
        self._in_h2 = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.attrs.update(name for name, _ in attrs)
        if tag == "section":
            self._section = dict(attrs).get("id") or ""
            self.sections[self._section] = []
        elif tag == "h2":
            self._in_h2 = True
            self.headings.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "section":
            self._section = None
        elif tag == "h2":
            self._in_h2 = False

    def handle_data(self, data: str) -> None:
        if self._in_h2:
            self.headings[-1] += data
        if self._section is not None:
            self.sections[self._section].append(data)


def parse(page: str) -> PageParser:
    parser = PageParser()
    parser.feed(page)
    parser.close()
    return parser


def section_text(parsed: PageParser, section_id: str) -> str:
    return " ".join(" ".join(parsed.sections[section_id]).split())


# ----------------------------------------------------------------------------- content
@pytest.mark.parametrize("name", SCENARIOS)
def test_every_seat_has_a_card_with_its_levers_units_and_objectives(name):
    scenario = load_scenario(name)
    parsed = parse(rc.cards_page(scenario))
    seats = scenario.seats()
    assert parsed.headings == ["About these cards", *(seat.name for seat in seats)]
    assert [s for s in parsed.sections if s.startswith("card-")] == [f"card-{seat.id}" for seat in seats]
    for seat in seats:
        kind = seat_kind(seat)
        text = section_text(parsed, f"card-{seat.id}")
        offered = offered_levers(kind, getattr(seat, "role", None), seat.bloc)
        info = {entry["name"]: entry for entry in decision_model_for(kind).lever_info()}
        for lever in offered:
            assert lever in text and rc.lever_label(lever) in text, (seat.id, lever)
            assert info[lever]["unit"] in text and info[lever]["description"] in text, (seat.id, lever)
        for lever in set(info) - set(offered):  # a lever the seat does not have is not on its card
            assert f" {lever} " not in f" {text} ", (seat.id, lever)
        card = rc.role_card(scenario, seat)
        assert [row.component for row in card.objectives] == list(COMPONENTS[kind])
        for row in card.objectives:
            assert row.label in text and row.meaning in text and row.weight in text, (seat.id, row.component)
            assert row.weight.split(" ", 1)[1].startswith(("point ", "points ")), row.weight  # a weight has a unit
        assert "What you can see" in text and "What you cannot see" in text
        assert describe_policy(kind, seat.policy) in text
        assert " ".join(scenario.briefing.split()) in text


def test_a_card_lists_levers_in_order_with_units_ranges_and_starting_values():
    scenario = load_scenario("loopholes")
    card = rc.role_card(scenario, next(s for s in scenario.seats() if s.id == "prc_gov"))
    assert [row.name for row in card.levers] == list(offered_levers("prc_government", "prc", "PRC"))
    rows = {row.name: row for row in card.levers}
    tolerance = rows["smuggling_tolerance"]
    assert (tolerance.unit, tolerance.allowed, tolerance.default, tolerance.fixed) == ("share [0, 1]", "0 to 1",
                                                                                    "1", True)
    assert rows["domestic_subsidy_busd"].unit == "USD billion per quarter"
    assert rows["domestic_subsidy_busd"].allowed == "0 to 100" and not rows["domestic_subsidy_busd"].fixed
    assert any("Set by the scenario" in note for note in card.lever_notes)
    us = rc.role_card(scenario, next(s for s in scenario.seats() if s.id == "us_gov"))
    rule = next(row for row in us.levers if row.name == "remote_access_rule")
    assert (rule.allowed, rule.default) == ("open, kyc or ban", "open")
    lab = rc.role_card(scenario, next(s for s in scenario.seats() if s.id == "us_lab_a"))
    testing = next(row for row in lab.levers if row.name == "testing_quarters")
    assert (testing.unit, testing.allowed) == ("quarters", "0 to 4 (whole number)")
    assert [row.name for row in lab.levers if row.name.startswith("distillation")] == ["distillation_defence"]
    assert "Training, safety and serving shares must add up to 1." in lab.lever_notes[0]
    assert ("compute you own", "1,000,000 H100e") in lab.facts


def test_objective_weights_have_units_and_follow_the_scenario(tmp_path):
    text = resolve_scenario_path("baseline").read_text(encoding="utf-8")
    path = tmp_path / "weights.toml"
    path.write_text(text.replace("[outcome]", "[objectives.lab]\nincidents = 25.0\n\n[outcome]"), encoding="utf-8")
    scenario = load_scenario(path)
    card = rc.role_card(scenario, next(s for s in scenario.seats() if s.id == "us_lab_b"))
    weights = {row.component: row.weight for row in card.objectives}
    assert weights == {"capability": "1 point per year ahead", "revenue": "0.05 points per USD billion",
                       "incidents": "25 points per severity point", "sanctions": "1 point per USD billion"}
    assert "minor 0.1, major 1, catastrophic 10" in card.objective_notes[0]


def test_the_cards_say_what_observe_gives_every_kind_of_seat():
    """Every key of ``observe(seat)`` is on the card of a seat of its kind, and nothing the seat does not get."""
    for name in SCENARIOS:
        scenario = load_scenario(name)
        model = AIRaceModel(scenario, seed=0)
        for seat in scenario.seats():
            obs = model.observe(seat.id)
            shared = {key for keys, _ in rc.SHARED_VIEW for key in keys}
            assert shared | set(HEADER_KEYS) | {"own"} == set(obs), seat.id
            kind = seat_kind(seat)
            own_kind = "government" if kind.endswith("_government") else kind
            assert {key for keys, _ in rc.OWN_VIEW[own_kind] for key in keys} == set(obs["own"]), seat.id


@pytest.mark.parametrize("name", SCENARIOS)
def test_the_estimate_line_gives_the_uncertainty_a_seat_observes(name):
    """The card's uncertainty of the lead estimate at each budget is the model's ``estimate_sd_months`` there."""
    scenario = load_scenario(name)
    model = AIRaceModel(scenario, seed=0)
    for seat_id, role in (("us_gov", "us"), ("prc_lab_b", "prc")):
        card = rc.role_card(scenario, next(s for s in scenario.seats() if s.id == seat_id))
        line = next(item for item in card.can_see if item.startswith("Your bloc's estimate"))
        government = model.government(role)
        for budget in rc.ESTIMATE_BUDGETS_MUSD:
            government.decision = government.decision.model_copy(update={"intelligence_budget_musd": budget})
            sd = float(model.observe(seat_id)["estimate_sd_months"])
            assert sd == pytest.approx(rc.estimate_sd_months(scenario, budget), rel=1e-12)
            assert (f"{sd:.1f} months" if budget == 0 else f"{sd:.1f} at {rc.number_text(budget)}") in line


def test_every_score_component_kind_and_place_has_plain_words():
    objectives = Objectives()
    for kind, components in COMPONENTS.items():
        assert tuple(rc.OBJECTIVE_TEXT[kind]) == components
        assert set(type(objectives.for_kind(kind)).model_fields) == set(components)
        assert kind in rc.KIND_LABELS
    assert set(rc.PLACE_NAMES) == set(JURISDICTIONS)


@pytest.mark.parametrize(("info", "expected"), [
    ({"type": "bool", "minimum": None, "maximum": None, "choices": None}, "yes or no"),
    ({"type": "choice", "minimum": None, "maximum": None, "choices": ["open", "kyc", "ban"]}, "open, kyc or ban"),
    ({"type": "float", "minimum": 0.0, "maximum": 1e9, "choices": None}, "0 to 1,000,000,000"),
    ({"type": "int", "minimum": 0, "maximum": 4, "choices": None}, "0 to 4 (whole number)"),
    ({"type": "float", "minimum": 0.0, "maximum": None, "choices": None}, "0 or more"),
])
def test_allowed_values_in_plain_words(info, expected):
    assert rc.allowed_text(info) == expected


# ----------------------------------------------------------------------------- escaping
def hostile_scenario(tmp_path: Path) -> Path:
    """A copy of baseline whose title, briefing and seat names carry markup and quotes."""
    text = resolve_scenario_path("baseline").read_text(encoding="utf-8")
    text = text.replace('title = "Baseline: 2026 policy as it stands"',
                        "title = '<script>alert(1)</script> Baseline & \"co\"'")
    text = text.replace("It is mid-2026.", "It is <img src=x onerror=alert(2)> mid-2026 & </section><h2>fake</h2>.")
    text = text.replace('name = "US frontier lab A"', "name = '<b onmouseover=alert(3)>Lab</b> \"A\" & co'")
    text = text.replace('name = "PRC government"', 'name = "</h2><script>x()</script>"')
    path = tmp_path / "hostile.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_hostile_scenario_text_is_escaped(tmp_path):
    scenario = load_scenario(hostile_scenario(tmp_path))
    page = rc.cards_page(scenario)
    for raw in ("<script>", "<img", "<b ", "<h2>fake"):
        assert raw not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(2)&gt;" in page
    parsed = parse(page)
    assert parsed.tags <= ALLOWED_TAGS and parsed.attrs <= ALLOWED_ATTRS
    names = {seat.id: seat.name for seat in scenario.seats()}
    assert parsed.headings[1:] == list(names.values())
    assert names["us_lab_a"] == "<b onmouseover=alert(3)>Lab</b> \"A\" & co"
    assert "</h2><script>x()</script>" in parsed.headings
    assert "<img src=x onerror=alert(2)> mid-2026 & </section><h2>fake</h2>." in section_text(parsed, "card-us_gov")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.text(min_size=1, max_size=80), briefing=st.text(min_size=1, max_size=200).filter(str.strip))
def test_any_seat_name_and_briefing_read_back_as_plain_text(name, briefing):
    """Whatever a scenario file says, the page holds it as text: parsing the page gives it back unchanged."""
    scenario = load_scenario("tight_controls").with_overrides({"labs.prc_lab_b.name": name,
                                                               "scenario.briefing": briefing})
    parsed = parse(rc.cards_page(scenario))
    assert parsed.tags <= ALLOWED_TAGS and parsed.attrs <= ALLOWED_ATTRS
    assert parsed.headings[1:] == [seat.name for seat in scenario.seats()]
    assert " ".join(briefing.split()) in section_text(parsed, "card-prc_lab_b")


# ----------------------------------------------------------------------------- command line
def test_cli_writes_the_html_cards(tmp_path, capsys):
    out = tmp_path / "cards.html"
    assert main(["role-cards", "loopholes", "-o", str(out)]) == 0
    message = capsys.readouterr().out
    assert f"written to {out}" in message and "22 seats" in message
    assert out.read_text(encoding="utf-8") == rc.cards_page(load_scenario("loopholes"))


def test_cli_defaults_to_baseline_and_a_file_named_for_it(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["role-cards"]) == 0
    assert (tmp_path / "role_cards_baseline.html").read_text(encoding="utf-8") == rc.cards_page(
        load_scenario("baseline"))
    assert "role_cards_baseline.html" in capsys.readouterr().out


def test_cli_takes_a_scenario_file_and_escapes_it(tmp_path):
    out = tmp_path / "hostile.html"
    assert main(["role-cards", str(hostile_scenario(tmp_path)), "-o", str(out)]) == 0
    assert "<script>" not in out.read_text(encoding="utf-8")


@pytest.mark.parametrize(("argv", "message"), [
    (["role-cards", "no_such_scenario"], "error: unknown scenario 'no_such_scenario'; shipped scenarios:"),
    (["role-cards", "-o", "cards.txt"], "error: -o must end in .html or .htm, got 'cards.txt'"),
    (["role-cards", "-o", "missing/cards.html"], "error: -o missing/cards.html: folder missing does not exist"),
    (["role-cards", "--pdf", "cards.html"], "error: --pdf must end in .pdf, got 'cards.html'"),
])
def test_cli_bad_input_is_one_line_and_exit_2(argv, message, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith(message) and err.count("\n") == 1
    assert list(tmp_path.iterdir()) == []


def test_cli_bad_scenario_file_names_the_file_and_field(tmp_path, capsys):
    path = tmp_path / "bad.toml"
    path.write_text(resolve_scenario_path("baseline").read_text(encoding="utf-8").replace(
        "visibility = 0.3", "visibility = 3.0"), encoding="utf-8")
    assert main(["role-cards", str(path), "-o", str(tmp_path / "c.html")]) == 2
    err = capsys.readouterr().err
    assert str(path) in err and "parameters.visibility" in err
    assert not (tmp_path / "c.html").exists()


def test_cli_without_chromium_says_to_install_it_before_writing_anything(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("CHROMIUM", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))  # no chromium on it
    assert main(["role-cards", "-o", str(tmp_path / "c.html"), "--pdf", str(tmp_path / "c.pdf")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "needs Chromium" in err and "apt-get install chromium" in err
    assert not (tmp_path / "c.html").exists()
    monkeypatch.setenv("CHROMIUM", str(tmp_path / "nowhere"))
    assert main(["role-cards", "--pdf", str(tmp_path / "c.pdf")]) == 2
    assert f"CHROMIUM={tmp_path / 'nowhere'} is not an executable program" in capsys.readouterr().err


def test_cli_reports_a_chromium_that_prints_nothing(tmp_path, monkeypatch, capsys):
    fake = tmp_path / "fake-chromium"
    fake.write_text("#!/bin/sh\necho 'cannot open display' >&2\nexit 3\n", encoding="utf-8")
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("CHROMIUM", str(fake))
    assert main(["role-cards", "--pdf", str(tmp_path / "c.pdf")]) == 1
    err = capsys.readouterr().err
    assert err == "error: Chromium wrote no PDF (exit status 3): cannot open display\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fake-chromium"]  # no PDF, no partial file


# ----------------------------------------------------------------------------- PDF (real Chromium)
@pytest.mark.browser
def test_pdf_has_a_page_per_card_and_nothing_clipped(tmp_path, monkeypatch):
    import pymupdf

    monkeypatch.setenv("CHROMIUM", os.environ.get("CHROMIUM", "/usr/bin/chromium"))
    pdf = tmp_path / "cards.pdf"
    assert main(["role-cards", "baseline", "--pdf", str(pdf)]) == 0
    scenario = load_scenario("baseline")
    cards = rc.role_cards(scenario)
    doc = pymupdf.open(pdf)
    assert doc.page_count >= len(cards) + 1
    texts = [" ".join(page.get_text().split()) for page in doc]
    assert texts[0].startswith(f"Role cards: {scenario.title}")
    starts = []
    for card in cards:  # a card starts at the top of a page: its name, then its kind line
        head = f"{card.name} {card.kind_label} · {card.bloc} bloc"
        starts.append(next(i for i, text in enumerate(texts) if text.startswith(head)))
    assert starts == sorted(starts) and len(set(starts)) == len(starts) and starts[0] == 1
    for card, start, end in zip(cards, starts, [*starts[1:], doc.page_count], strict=True):
        body = " ".join(texts[start:end])
        last = card.levers[-1]
        assert f"{last.label} {last.name}" in body, card.seat  # the last lever is printed, within its card
        assert card.cannot_see[-1] in body and "If no team plays this seat" in body, card.seat
    for number, page in enumerate(doc):  # nothing runs off a page's printable area
        width, height = page.rect.width, page.rect.height
        for block in page.get_text("blocks"):
            x0, y0, x1, y1 = block[:4]
            assert x0 >= 0 and y0 >= 0 and x1 <= width - 20 and y1 <= height - 20, (number, block[4][:40])
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    lab = starts[[c.seat for c in cards].index("us_lab_a")]
    for name, index in (("index", 0), ("us_gov", starts[0]), ("us_lab_a", lab), ("last", doc.page_count - 1)):
        doc[index].get_pixmap(dpi=80).save(ARTIFACTS / f"page_{name}.png")
