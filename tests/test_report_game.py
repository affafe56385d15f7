"""The after-action report (``wargame report-game``, :mod:`wargame.report.aar`): content, numbers, escaping, CLI.

The report of one played game (baseline, seed 2033; people played the US government, as a team with a hostile
name, and a PRC lab every other season; an inject; facilitator's notes with markup in them) is built once and
read back with a small HTML parser: every section is there, its numbers are the replayed model's, outside text
is escaped, wide tables are split, and the page is the same every time. The command line is run in-process:
bad input exits 2 with one line. The PDF and the browser are in ``tests/test_browser_report.py``.
"""

from __future__ import annotations

import json
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wargame.beliefs import belief_history
from wargame.cli import main
from wargame.futures import future_seeds
from wargame.gamelog import GameLogError, game_log, replay, save_game
from wargame.model import AIRaceModel
from wargame.report import html
from wargame.report.aar import LEVERS_PER_TABLE, SECTIONS, build_report, game_entry, percentile_rank, render
from wargame.report.aar_data import MAX_GAMES, check_games, computer_games, gather

ROOT = Path(__file__).resolve().parents[1]
#: Computer-played games in these tests (the default, 1,000, is timed by benchmarks/bench_report.py).
GAMES = 40
HOSTILE_TEAM = '<script>alert("team")</script> & "Eagles"'
HOSTILE_NOTE = "Ruling: <script>alert('note')</script>\n<b>second line</b>"


# ------------------------------------------------------------------------------------------ a tiny DOM
class Node:
    """An element of a parsed page: tag, attributes, children (nodes and text)."""

    def __init__(self, tag: str, attrs: dict[str, str | None]) -> None:
        self.tag, self.attrs, self.children = tag, attrs, []

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def iter(self, tag: str | None = None, cls: str | None = None):
        for child in self.children:
            if isinstance(child, Node):
                classes = (child.attrs.get("class") or "").split()
                if (tag is None or child.tag == tag) and (cls is None or cls in classes):
                    yield child
                yield from child.iter(tag, cls)

    def table(self) -> tuple[str, list[str], list[list[str]]]:
        """Caption, header and body cells of a table node."""
        caption = next((c.text() for c in self.iter("caption")), "")
        header = [th.text() for th in self.iter("th")]
        rows = [[td.text() for td in tr.iter("td")] for tr in next(self.iter("tbody")).iter("tr")]
        return caption, header, rows


class Builder(HTMLParser):
    VOID = {"meta", "img", "br", "link", "input", "hr"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("root", {})
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        node = Node(tag, dict(attrs))
        self.stack[-1].children.append(node)
        if tag not in self.VOID:
            self.stack.append(node)

    def handle_endtag(self, tag):
        assert self.stack[-1].tag == tag, f"</{tag}> closes <{self.stack[-1].tag}>"
        self.stack.pop()

    def handle_data(self, data):
        self.stack[-1].children.append(data)


def parse(page: str) -> Node:
    builder = Builder()
    builder.feed(page)
    builder.close()
    assert builder.stack == [builder.root], "unclosed elements"
    return builder.root


def section(dom: Node, section_id: str) -> Node:
    found = [s for s in dom.iter("section") if s.attrs.get("id") == section_id]
    assert len(found) == 1, section_id
    return found[0]


def tables(node: Node, cls: str) -> list[tuple[str, list[str], list[list[str]]]]:
    return [t.table() for t in node.iter("table", cls)]


# ------------------------------------------------------------------------------------------ the game
def played_model(seasons: int = 10) -> AIRaceModel:
    model = AIRaceModel("baseline", seed=2033)
    model.add_note(HOSTILE_NOTE, "public")
    for k in range(seasons):
        model.submit_decision("us_gov", {"enforcement_budget_musd": 50.0 + k, "ally_pressure": 0.5})
        if k % 2 == 0:
            model.submit_decision("prc_lab_b", {"training_share": 0.6, "safety_share": 0.1, "serving_share": 0.3})
        if k == 3:
            model.play_event("taiwan_strait_crisis")
            model.add_note("PRC only: <b>walk out</b>", "PRC")
        model.step()
    return model


@pytest.fixture(scope="module")
def log():
    return game_log(played_model(), meta={"human_seats": ["us_gov", "prc_lab_b"], "teams": {"us_gov": HOSTILE_TEAM}})


@pytest.fixture(scope="module")
def gathered(log):
    return gather(log, GAMES)


@pytest.fixture(scope="module")
def report_page(gathered):
    return render(gathered)


@pytest.fixture(scope="module")
def dom(report_page):
    return parse(report_page)


@pytest.fixture(scope="module")
def truth(log):
    return replay(log)


# ------------------------------------------------------------------------------------------ content
def test_every_section_is_there_in_order_with_the_contents(dom):
    found = [(s.attrs["id"], next(s.iter("h2")).text()) for s in dom.iter("section")]
    assert found == list(SECTIONS)
    links = [a.attrs["href"] for a in next(dom.iter("nav", "contents")).iter("a")]
    assert links == [f"#{section_id}" for section_id, _ in SECTIONS]
    assert not list(dom.iter("script")) and not list(dom.iter("link")), "the page runs nothing and loads nothing"
    assert all(n.attrs["href"].startswith("#") for n in dom.iter("a"))
    assert all(img.attrs["src"].startswith("data:image/png;base64,") for img in dom.iter("img"))
    assert len(list(dom.iter("img"))) == 9  # 4 charts, 2 waterfalls, beliefs, the lead and the score histograms


def test_scenario_section_names_the_seats_and_who_played_them(dom, truth):
    body = section(dom, "scenario")
    _, header, rows = tables(body, "seats-table")[0]
    assert header == ["Seat", "Kind", "Bloc", "Played by"]
    assert [r[0] for r in rows] == [a.name for a in truth.seats()]
    played = {r[0]: r[3] for r in rows}
    assert played["US government"] == f"team {HOSTILE_TEAM}"
    assert played["PRC fast follower B"] == "a person"
    assert played["PRC government"] == "the computer (reactive)"
    marked = [tr for tr in next(body.iter("table", "seats-table")).iter("tr", "marked")]
    assert len(marked) == 2
    facts = dict((r[0], r[1]) for r in tables(body, "facts-table")[0][2])
    assert facts["US lead at the end"] == f"{truth.lead_months:+,.1f} months"
    assert facts["Seed"] == "2033"
    assert facts["Outcome"].startswith({"S1": "S1", "S2": "S2", "contested": "Contested"}[truth.outcome()])


def test_decisions_match_the_replay_and_wide_tables_are_split(dom, truth):
    body = section(dom, "decisions")
    for actor in truth.seats():
        block = [d for d in body.iter("div", "seat-decisions") if d.attrs["id"] == f"decisions-{actor.seat}"]
        assert len(block) == 1
        parts = tables(block[0], "decision-table")
        history = [e for e in truth.decision_history if e["seat"] == actor.seat]
        lever_columns = []
        for _, header, rows in parts:
            assert header[:2] == ["Season", "Decided by"] and len(header) <= 2 + LEVERS_PER_TABLE
            assert [r[:2] for r in rows] == [[e["season"], e["by"]] for e in history]
            lever_columns += header[2:]
        assert len(lever_columns) == len(actor.levers) == len(set(lever_columns))
    us = tables(next(d for d in body.iter("div", "seat-decisions") if d.attrs["id"] == "decisions-us_gov"),
                "decision-table")
    column = next((h, rows) for _, h, rows in us if "Enforcement budget [USD million per quarter]" in h)
    index = column[0].index("Enforcement budget [USD million per quarter]")
    assert [r[index] for r in column[1]] == [f"{50 + k:,.3g}" for k in range(10)]
    lab_b = [e["by"] for e in truth.decision_history if e["seat"] == "prc_lab_b"]
    assert lab_b == ["human", "computer"] * 5


def test_injects_notes_and_news_are_all_there(dom, truth, log):
    body = section(dom, "injects")
    events = tables(body, "events-table")[0][2]
    assert ["2027Q2", "Taiwan Strait crisis: foundry output halves this season.", "played by the facilitator"] in events
    assert all(r[2].startswith(("played by", "scheduled", "drawn by chance")) for r in events)
    notes = tables(body, "notes-table")[0][2]
    assert notes == [[n["season"], {"public": "everyone", "PRC": "PRC bloc only"}[n["audience"]], n["text"]]
                     for n in log["notes"]]
    news = section(dom, "news")
    rows = [row for _, _, rows in tables(news, "news-table") for row in rows]
    assert [r[2] for r in rows] == [item["text"] for item in truth.news]
    assert sum(1 for r in rows if r[1] != "everyone") == sum(1 for i in truth.news if i["audience"] != "public")


def test_the_waterfall_adds_up_and_matches_the_explanations(dom, truth):
    body = section(dom, "waterfall")
    entries = truth.explanations
    assert len(entries) == 10
    sentences = tables(body, "waterfall-sentences")[0][2]
    assert sentences == [[e["season"], e["sentence"]] for e in entries]
    header = []
    columns: dict[str, list[str]] = {}
    for _, part_header, rows in tables(body, "waterfall-table"):
        header += part_header[1:]
        for row in rows:
            columns.setdefault(row[0], []).extend(row[1:])
    assert header == [e["season"] for e in entries]
    assert columns["Lead after the season"] == [f"{e['lead_after']:+,.2f}" for e in entries]
    whole = game_entry(entries)
    assert whole["lead_before"] == entries[0]["lead_before"] and whole["lead_after"] == entries[-1]["lead_after"]
    assert sum(whole["parts"].values()) == pytest.approx(whole["lead_after"] - whole["lead_before"], abs=1e-9)
    points = tables(body, "season-points-table")
    assert len(points) == 2 and HOSTILE_TEAM in points[0][0]
    assert [r[1] for r in points[0][2]] == [f"{sum(e['scores']['us_gov'].values()):+,.2f}" for e in entries]


def test_beliefs_match_the_belief_history(dom, log):
    body = section(dom, "beliefs")
    history = belief_history(log)
    shown = tables(body, "belief-table")
    assert {caption.split(":")[0] for caption, _, _ in shown} == {"US bloc", "PRC bloc"}
    for caption, _, rows in shown:
        first = next(r for r in history if r["name"] in caption.split(": ", 1)[1].split(", "))
        mine = [r for r in history if r["seat"] == first["seat"]]
        assert [row[2] for row in rows] == [f"{r['true_lead_months']:+.1f}" for r in mine]
        assert [row[3] for row in rows] == ["yes" if abs(r["estimated_lead_months"] - r["true_lead_months"])
                                            <= r["estimate_sd_months"] else "no" for r in mine]
    names = " ".join(caption for caption, _, _ in shown)
    assert all(a.name in names for a in replay(log).seats() if a.kind in ("lab", "us_government", "prc_government"))


def test_scores_match_the_model(dom, truth):
    body = section(dom, "scores")
    rows = tables(body, "score-table")[0][2]
    scores = truth.seat_scores()
    shown = [f"{0.0 if round(scores[a.seat], 2) == 0 else scores[a.seat]:+,.2f}" for a in truth.seats()]
    assert [(r[0], r[2]) for r in rows] == list(zip([a.name for a in truth.seats()], shown, strict=True))
    by_season = tables(body, "score-season-table")[0]
    assert by_season[1] == ["Season", "US government", "PRC fast follower B"]
    assert by_season[2][-1][1] == f"{scores['us_gov']:+,.2f}"


def test_computer_games_are_the_futures_seeds_and_the_game_is_placed_among_them(dom, gathered, truth):
    games = gathered.computer
    assert games.seeds.tolist() == future_seeds(2033, GAMES).tolist()
    for r in (0, GAMES - 1):  # lane r is the single game on seed r
        single = AIRaceModel("baseline", seed=int(games.seeds[r]))
        while single.running:
            single.step()
        assert games.leads[r] == single.lead_months and games.outcomes[r] == single.outcome()
        assert games.scores["us_gov"][r] == single.seat_scores()["us_gov"]
    same = AIRaceModel("baseline", seed=2033)
    while same.running:
        same.step()
    assert games.same_seed["final_lead_months"] == same.lead_months
    body = section(dom, "computer-games")
    names = {"S1": "S1", "S2": "S2", "Contested": "contested"}
    odds = {names[row[0].split(",")[0].split(":")[0]]: row for row in tables(body, "odds-table")[0][2]}
    assert set(odds) == {"S1", "S2", "contested"}
    for outcome, row in odds.items():
        count = int(np.sum(games.outcomes == outcome))
        assert row[1] == f"{100 * count / GAMES:.1f}% ({count:,} of {GAMES:,} games)"
        assert row[2] == ("yes" if truth.outcome() == outcome else "")
        assert row[3] == ("yes" if same.outcome() == outcome else "")
    measures = {row[0]: row for row in tables(body, "percentile-table")[0][2]}
    lead = measures["US lead at the end"]
    assert lead[4] == f"{percentile_rank(games.leads, truth.lead_months):.0f}%"
    assert f"Score of US government (team {HOSTILE_TEAM})" in measures
    assert "Score of PRC fast follower B (a person)" in measures


def test_a_game_without_people_is_its_own_computer_game():
    model = AIRaceModel("baseline", seed=5)
    for _ in range(3):
        model.step()
    aar = gather(game_log(model), 10)
    assert not any(s.human for s in aar.seats)
    assert aar.computer.same_seed["final_lead_months"] == model.lead_months  # same dice, nobody decided
    page = render(aar)
    assert "No seat was played by a person" in page
    assert "3 of 10 seasons played" in page and "saved in progress" in page
    lanes = computer_games(model.scenario_spec, 5, 3, 4)
    single = AIRaceModel("baseline", seed=int(lanes.seeds[2]))
    for _ in range(3):
        single.step()
    assert lanes.leads[2] == single.lead_months  # compared after as many seasons as the game played


def test_a_game_before_its_first_season_still_reports():
    model = AIRaceModel("baseline", seed=9)
    model.add_note("Welcome", "public")
    aar = gather(game_log(model), 5)
    assert aar.computer is None and aar.beliefs.empty
    dom = parse(render(aar))
    assert [s.attrs["id"] for s in dom.iter("section")] == [i for i, _ in SECTIONS]
    assert "nothing to compare" in section(dom, "computer-games").text()
    assert "No season was played" in section(dom, "waterfall").text()


def test_the_report_is_the_same_every_time(log, report_page):
    assert build_report(log, GAMES) == report_page


def test_teams_given_override_the_log(log, gathered):
    aar = gather(log, 3, teams={"prc_lab_b": "Dragons"})
    played = {s.seat: s.played_by for s in aar.seats}
    assert played["prc_lab_b"] == "team Dragons" and played["us_gov"] == "a person"


# ------------------------------------------------------------------------------------------ escaping
def test_outside_text_is_escaped(report_page, dom):
    assert "<script" not in report_page.lower() and "<b>" not in report_page
    assert "&lt;script&gt;alert(&quot;team&quot;)&lt;/script&gt; &amp; &quot;Eagles&quot;" in report_page
    assert "&lt;b&gt;second line&lt;/b&gt;" in report_page
    note = tables(section(dom, "injects"), "notes-table")[0][2][0][2]
    assert note == HOSTILE_NOTE  # the text comes back exactly, line break included


@settings(max_examples=200, deadline=None)
@given(st.text(), st.text())
def test_any_text_in_a_table_comes_back_as_text(text, caption):
    dom = parse(html.table([text, "b"], [[text, caption]], caption=caption, class_="t", row_classes=[text]))
    got_caption, header, rows = next(dom.iter("table")).table()
    assert (got_caption, header, rows) == (caption, [text, "b"], [[text, caption]])


# ------------------------------------------------------------------------------------------ helpers
@settings(max_examples=200, deadline=None)
@given(st.integers(0, 12), st.integers(0, 4), st.integers(1, 6), st.integers(0, 4))
def test_split_columns_keeps_every_column_once_in_order(width, keep, per_table, n_rows):
    keep = min(keep, width)
    header = [f"h{i}" for i in range(width)]
    rows = [[f"r{r}c{i}" for i in range(width)] for r in range(n_rows)]
    parts = html.split_columns(header, rows, keep, per_table)
    assert [h for part, _ in parts for h in part[keep:]] == header[keep:]
    for part_header, part_rows in parts:
        assert part_header[:keep] == header[:keep] and len(part_header) - keep <= per_table
        assert part_rows == [[row[header.index(h)] for h in part_header] for row in rows]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(-50, 50), min_size=1, max_size=30), st.floats(-60, 60))
def test_percentile_rank_counts_below_and_half_the_ties(values, x):
    rank = percentile_rank(np.array(values), x)
    below, ties = sum(v < x for v in values), sum(v == x for v in values)
    assert rank == pytest.approx(100 * (below + ties / 2) / len(values))
    assert 0 <= rank <= 100
    assert percentile_rank(np.array(values), x + 1) >= rank


@pytest.mark.parametrize("games", [0, -1, MAX_GAMES + 1, True, 2.5, "10", None])
def test_check_games_refuses_what_is_not_a_count(games):
    with pytest.raises(ValueError, match="from 1 to"):
        check_games(games)


def test_the_command_line_shares_the_report_defaults_and_loads_no_charts_until_it_runs():
    from wargame.report import aar_cli, aar_data

    assert (aar_cli.DEFAULT_GAMES, aar_cli.MAX_GAMES) == (aar_data.DEFAULT_GAMES, aar_data.MAX_GAMES)
    code = ("import sys, wargame.cli; wargame.cli.build_parser(); "
            "sys.exit(1 if 'wargame.report.aar' in sys.modules else 0)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 0, "every wargame command would load the report and matplotlib"


def test_the_report_imports_nothing_of_the_app():
    code = ("import sys, wargame.report.aar, wargame.report.aar_cli, wargame.figures; "
            "bad = sorted(m for m in sys.modules if m.split('.')[0] == 'solara' or m.startswith('wargame.tabletop')); "
            "print(bad); sys.exit(1 if bad else 0)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr


# ------------------------------------------------------------------------------------------ the command line
@pytest.fixture(scope="module")
def game_file(tmp_path_factory, log):
    path = tmp_path_factory.mktemp("game") / "game.json"
    path.write_text(json.dumps(log), encoding="utf-8")
    return path


def test_cli_writes_the_report(game_file, tmp_path, capsys, report_page):
    out = tmp_path / "aar.html"
    assert main(["report-game", str(game_file), "-o", str(out), "--games", str(GAMES)]) == 0
    assert out.read_text(encoding="utf-8") == report_page
    printed = capsys.readouterr().out
    assert f"written to {out}" in printed and f"{GAMES} computer-played games" in printed


def test_cli_default_output_is_beside_the_game(game_file, capsys):
    assert main(["report-game", str(game_file), "--games", "2"]) == 0
    assert (game_file.parent / "game-report.html").stat().st_size > 10_000


def _tampered(path: Path) -> Path:
    data = json.loads(path.read_text(encoding="utf-8"))
    data["seed"] += 1
    bad = path.with_name("tampered.json")
    bad.write_text(json.dumps(data), encoding="utf-8")
    return bad


@pytest.mark.parametrize("case", ["missing", "not json", "foreign", "tampered", "suffix", "folder", "directory",
                                  "pdf suffix", "games zero", "games text", "games too many"])
def test_cli_bad_input_exits_2_with_one_line(case, game_file, tmp_path, capsys):
    game, extra = str(game_file), []
    if case == "missing":
        game = str(tmp_path / "nope.json")
    elif case == "not json":
        (tmp_path / "x.json").write_text("{not json", encoding="utf-8")
        game = str(tmp_path / "x.json")
    elif case == "foreign":
        (tmp_path / "x.json").write_text('{"format": "something else"}', encoding="utf-8")
        game = str(tmp_path / "x.json")
    elif case == "tampered":
        game = str(_tampered(game_file))
    elif case == "suffix":
        extra = ["-o", str(tmp_path / "report.txt")]
    elif case == "folder":
        extra = ["-o", str(tmp_path / "no" / "report.html")]
    elif case == "directory":
        (tmp_path / "d.html").mkdir()
        extra = ["-o", str(tmp_path / "d.html")]
    elif case == "pdf suffix":
        extra = ["-o", str(tmp_path / "r.html"), "--pdf", str(tmp_path / "r.html")]
    elif case == "games zero":
        extra = ["--games", "0"]
    elif case == "games text":
        extra = ["--games", "many"]
    else:
        extra = ["--games", str(MAX_GAMES + 1)]
    assert main(["report-game", game, *extra]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and err.startswith("error: ") and "Traceback" not in err
    if case in ("missing", "not json", "foreign", "tampered"):
        assert Path(game).name in err
    assert not list(tmp_path.glob("*.html")) or case == "directory"


def test_a_log_that_does_not_replay_is_a_game_log_error(log):
    broken = json.loads(json.dumps(log))
    broken["decisions"][0]["levers"] = {"no_such_lever": 1}
    with pytest.raises(GameLogError):
        gather(broken, 2)


def test_a_saved_game_file_reports(tmp_path):
    model = played_model(2)
    path = save_game(model, tmp_path / "two.json", meta={"human_seats": ["us_gov"]})
    out = tmp_path / "two.html"
    assert main(["report-game", str(path), "-o", str(out), "--games", "3"]) == 0
    text = out.read_text(encoding="utf-8")
    assert "2 of 10 seasons played" in text and "3 computer-played games" in text


def test_ctrl_c_is_one_line_exit_130_and_no_file(game_file, tmp_path, capsys, monkeypatch):
    from wargame.report import aar

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(aar, "build_report", interrupted)
    out = tmp_path / "aar.html"
    assert main(["report-game", str(game_file), "-o", str(out)]) == 130
    err = capsys.readouterr().err
    assert err.strip() == "wargame: interrupted; no file was left half-written." and "Traceback" not in err
    assert list(tmp_path.iterdir()) == []


def test_lever_headings_never_nest_brackets():
    from wargame.report.aar import lever_heading

    assert lever_heading({"name": "training_share", "unit": "share of compute [0, 1]"}) == \
        "Training share (share of compute [0, 1])"
    assert lever_heading({"name": "enforcement_budget_musd", "unit": "USD million per quarter"}) == \
        "Enforcement budget [USD million per quarter]"
