"""Headless tests (``solara.render``) of the reveal debrief, the guarded step and the upload size check.

The reveal debrief (:func:`wargame.tabletop.debrief.RevealDebrief`) must show every seat's decisions for every
season, each seat's beliefs against the truth, and every news item (an earlier news log kept only the last 80
and lost a game's Taiwan inject); a double-click on Step must play one season; an oversized upload must end in a
message without a byte of it being read.
"""

from __future__ import annotations

import time

import ipyvuetify as v
import ipyvuetify.extra.file_input as file_input
import ipywidgets as widgets
import pytest
import solara

from wargame.beliefs import BELIEF_KINDS
from wargame.tabletop.debrief import RevealDebrief, RoomDebrief, reveal_data
from wargame.tabletop.page import TabletopPage
from wargame.tabletop.panels import FacilitatorControls, NewsLog, SaveLoadPanel, news_line
from wargame.tabletop.room import Room, Team
from wargame.tabletop.session import MAX_UPLOAD_BYTES, GameSession
from wargame.tabletop.text_widgets import TextLines, TextTable, text_lines, text_table
from wargame.tabletop.upload import LogUpload, LogUploadWidget, size_problem

SEED = 2026


def played_game() -> GameSession:
    """A full baseline game (seed 2026) with two human seats, facilitator's notes and hand-played injects.

    Every season gets a public note and a note for one bloc only; the Taiwan strait crisis and a smuggling bust
    are played by hand. The game ends with more than 80 news items (the old news log's limit).
    """
    game = GameSession.new("baseline", SEED, ["us_gov", "prc_gov"])
    number = 0
    while not game.finished:
        number += 1
        game.model.add_note(f"Facilitator note {number}: the press asks questions.")
        game.model.add_note(f"Secret briefing {number} for one bloc.", audience="PRC" if number % 2 else "US")
        if number == 2:
            game.play_inject("taiwan_strait_crisis")
        if number == 5:
            game.play_inject("smuggling_bust")
        assert game.step(expected_season=game.season)
    return game


@pytest.fixture(scope="module")
def game() -> GameSession:
    return played_game()


def html_with_class(root, css: str) -> list:
    """Every widget under ``root`` (a widget or a list of them) whose CSS class list holds ``css``."""
    found, stack, seen = [], list(root) if isinstance(root, list) else [root], set()
    while stack:
        node = stack.pop(0)
        if not isinstance(node, widgets.Widget) or id(node) in seen:
            continue
        seen.add(id(node))
        if css in widget_classes(node):
            found.append(node)
        for attr in ("children", "v_slots"):
            value = getattr(node, attr, None)
            for item in value if isinstance(value, list | tuple) else []:
                stack.extend(item.get("children", []) if isinstance(item, dict) else [item])
    return found


def widget_classes(node) -> list[str]:
    """A widget's CSS classes: ``class_``, or the table or box classes of a text widget."""
    css = getattr(node, "class_", None) or getattr(node, "table_class", None) or getattr(node, "box_class", None)
    return str(css or "").split()


def table_rows(table) -> list[list[str]]:
    """The body rows of a table widget (a :class:`TextTable`, or a :func:`PlainTable`'s ``<table>``) as cell texts."""
    if isinstance(table, TextTable):
        return [list(row) for row in table.rows]
    body = next(c for c in table.children if isinstance(c, v.Html) and c.tag == "tbody")
    return [[str(cell.children[0]) for cell in row.children] for row in body.children]


def lines_with_class(root, css: str) -> list[str]:
    """The texts of the lines of every :class:`TextLines` under ``root`` whose classes hold ``css``, in order."""
    out = []
    for node in _walk_in_order(root):
        if isinstance(node, TextLines):
            classes = list(node.line_classes) + [""] * (len(node.lines) - len(node.line_classes))
            out.extend(line for line, kind in zip(node.lines, classes, strict=True) if css in kind.split())
    return out


def _walk_in_order(root):
    """Every widget under ``root`` (a widget or a list of them), parents before children, in document order."""
    stack, seen = list(reversed(root)) if isinstance(root, list) else [root], set()
    while stack:
        node = stack.pop()
        if not isinstance(node, widgets.Widget) or id(node) in seen:
            continue
        seen.add(id(node))
        yield node
        children = []
        for attr in ("children", "v_slots"):
            value = getattr(node, attr, None)
            for item in value if isinstance(value, list | tuple) else []:
                children.extend(item.get("children", []) if isinstance(item, dict) else [item])
        stack.extend(reversed(children))


def text_of(widget: v.Html) -> str:
    return "".join(str(c) for c in widget.children if isinstance(c, str))


def test_reveal_shows_every_seats_decision_for_every_season(game):
    box, rc = solara.render(RevealDebrief(game, game.version), handle_error=False)
    card = html_with_class(box, "reveal-decisions")
    assert card, "no reveal-decisions card"
    tables = html_with_class(card, "reveal-decision-table")
    seats = game.seats()
    assert len(tables) == len(seats) == 22
    rows = [table_rows(t) for t in tables]
    assert sum(len(r) for r in rows) == len(game.model.decision_history) == 22 * game.seasons_played
    seasons = [f"{2026 + (i + 2) // 4}Q{(i + 2) % 4 + 1}" for i in range(game.seasons_played)]
    for actor, seat_rows in zip(seats, rows, strict=True):
        assert [r[0] for r in seat_rows] == seasons, actor.seat
        expected_by = "human" if actor.seat in game.human_seats else "computer"
        assert {r[1] for r in seat_rows} == {expected_by}, actor.seat
        assert all(len(r) == 2 + len(actor.levers) for r in seat_rows), actor.seat
    us_gov = rows[0]
    history = [e for e in game.model.decision_history if e["seat"] == "us_gov"]
    assert us_gov[0][2] == "0.15" == f"{history[0]['levers']['chip_threshold_h100e']:.3g}"
    assert us_gov[0][3] == "yes"  # licences downgraded: a bool shown as yes/no
    titles = [text_of(w) for w in html_with_class(card, "reveal-seat-title")]
    assert titles[0] == "US government: US government, US bloc · played by a person"
    assert titles[-1].startswith("Gulf data-centre operator: Overseas cloud, US bloc · played by the computer (")


def test_reveal_shows_each_seats_beliefs_with_their_sd_against_the_truth(game):
    box, rc = solara.render(RevealDebrief(game, game.version), handle_error=False)
    card = html_with_class(box, "reveal-beliefs")
    assert card
    tables = html_with_class(card, "belief-table")
    titles = " ".join(text_of(w) for w in html_with_class(card, "reveal-belief-title"))
    believers = [a for a in game.seats() if a.kind in BELIEF_KINDS]
    for actor in believers:
        assert actor.name in titles, f"{actor.name}'s beliefs are not shown"
    data = reveal_data(game)
    assert sum(len(t.seats) for t in data.beliefs) == len(believers) == 13
    assert len(tables) == len(data.beliefs) >= 2  # at least one table per bloc
    frame = data.belief_frame
    for table, belief in zip(tables, data.beliefs, strict=True):
        rows = table_rows(table)
        assert len(rows) == game.seasons_played
        first = frame[frame["seat"] == belief.seats[0]].iloc[0]
        estimate, sd = rows[0][1].split(" ± ")
        assert float(estimate) == pytest.approx(first["estimated_lead_months"], abs=0.051)
        assert float(sd) == pytest.approx(first["estimate_sd_months"], abs=0.051)
        assert float(rows[0][2]) == pytest.approx(first["true_lead_months"], abs=0.051)
        inside = abs(first["estimated_lead_months"] - first["true_lead_months"]) <= first["estimate_sd_months"]
        assert rows[0][3] == ("yes" if inside else "no")
        assert all("±" in row[1] and "×/÷" in row[4] for row in rows)
    images = rc.find(widgets.Image).widgets
    # the lead chart, the beliefs chart, and (the one-screen game is the facilitator's) why the lead moved
    assert len(images) == 3 and all(img.value for img in images)


def test_reveal_shows_the_full_news_log_private_news_marked(game):
    news = game.model.news
    assert len(news) > 80, "the game must outgrow the old 80-item news log"
    taiwan = [i for i, item in enumerate(news) if item["text"].startswith("Taiwan Strait crisis")]
    assert taiwan and taiwan[0] < len(news) - 80, "the Taiwan inject must be one the old 80-item log cut off"
    box, rc = solara.render(RevealDebrief(game, game.version), handle_error=False)
    card = html_with_class(box, "reveal-news")
    items = lines_with_class(card, "news-item")
    assert len(items) == len(news)
    assert items == [news_line(item) for item in news]  # oldest first, nothing cut
    assert items[taiwan[0]] == "• events: Taiwan Strait crisis: foundry output halves this season."
    private = lines_with_class(card, "news-private")
    assert len(private) == sum(item["audience"] != "public" for item in news) >= game.seasons_played
    assert private[0].endswith("(known only to the PRC bloc)")
    assert "Secret briefing 1 for one bloc." in private[0]
    assert lines_with_class(card, "news-season")[:2] == ["2026Q3", "2026Q4"]


def test_in_game_news_log_shows_every_item(game):
    box, _ = solara.render(NewsLog(game, game.version), handle_error=False)
    assert len(lines_with_class(box, "news-item")) == len(game.model.news) > 80
    box, _ = solara.render(NewsLog(game, game.version, limit=10), handle_error=False)
    last = game.model.news[-10:]
    newest_first = list(dict.fromkeys(item["season"] for item in last))[::-1]
    assert lines_with_class(box, "news-item") == [news_line(i) for s in newest_first for i in last if i["season"] == s]
    assert f"The last 10 of {len(game.model.news)} items." in [text_of(w) for w in html_with_class(box, "news-cut")]


def test_the_reveal_draws_each_table_and_the_news_as_one_widget(game):
    """A widget per cell made about 2,200 widgets: the debrief took 23 to 38 s to appear on six views at once."""
    box, rc = solara.render(RevealDebrief(game, game.version), handle_error=False)
    every = list(_walk_in_order(box))
    assert not [w for w in every if isinstance(w, v.Html) and w.tag in ("table", "tr", "td", "th")]
    tables = [w for w in every if isinstance(w, TextTable)]
    data = reveal_data(game)
    # figures, scores, the waterfall's parts and score changes, decisions, beliefs
    assert len(tables) == 2 + 2 + len(data.decisions) + len(data.beliefs)
    cells = sum(len(row) for table in tables for row in table.rows)
    assert cells > 1500 and len(every) < 300, (cells, len(every))
    assert len([w for w in every if isinstance(w, TextLines)]) == 2  # the whole news log, the waterfall's sentence


HOSTILE = "<img src=x onerror=alert(1)> {{7*7}} <script>alert(2)</script>"


def test_text_widgets_keep_outside_text_as_data_never_in_their_templates():
    @solara.component
    def Both():
        text_table([HOSTILE, "n"], [[HOSTILE, "1"], ["b", HOSTILE]], classes=["t"], numeric=(1,))
        text_lines([HOSTILE, "x"], ["news-item", ""], classes=["l"])

    box, rc = solara.render(Both(), handle_error=False)
    table, lines = rc.find(TextTable).widget, rc.find(TextLines).widget
    assert table.header == [HOSTILE, "n"] and table.rows == [[HOSTILE, "1"], ["b", HOSTILE]]
    assert table.table_class == "t" and table.numeric == [1]
    assert lines.lines == [HOSTILE, "x"] and lines.line_classes == ["news-item", ""] and lines.box_class == "l"
    for widget, cls in ((table, TextTable), (lines, TextLines)):
        template = widget.template
        assert template == cls.class_traits()["template"].default_value  # fixed text, the same for every widget
        assert "onerror" not in template and "7*7" not in template and "v-html" not in template
        assert "{{ cell }}" in template or "{{ line }}" in template  # Vue's escaped text interpolation
    with pytest.raises(ValueError, match="2 line classes for 1 lines"):
        solara.render(_MismatchedLines(["a"], ["x", "y"]), handle_error=False)


@solara.component
def _MismatchedLines(lines, kinds):
    text_lines(lines, kinds)


def test_room_debrief_names_the_team_of_each_seat():
    game = played_game()
    room = Room(game, [Team("red", "Red", ["us_gov"]), Team("blue", "Blue", ["prc_gov"])])
    box, rc = solara.render(RoomDebrief(room, room.version), handle_error=False)
    scores = [r for t in html_with_class(box, "score-table") for r in table_rows(t)]
    assert scores[0][2] == "human: team Red" and scores[1][2] == "human: team Blue"
    assert scores[2][2].startswith("computer (")
    titles = [text_of(w) for w in html_with_class(box, "reveal-seat-title")]
    assert titles[0].endswith("played by team Red") and titles[1].endswith("played by team Blue")
    assert len(lines_with_class(box, "news-item")) == len(game.model.news)


def test_expected_season_makes_a_double_step_play_one_season():
    game = GameSession.new("baseline", 3, ["us_gov"])
    assert game.step(expected_season="2026Q3") is True
    assert game.step(expected_season="2026Q3") is False  # the second click of a double-click
    assert game.seasons_played == 1 and game.season == "2026Q4"
    assert game.play_to_end(expected_season="2026Q3") is False
    assert game.seasons_played == 1
    assert game.step() is True  # no expected season: plays the current one
    assert game.play_to_end(expected_season="2027Q1") is True and game.finished
    assert game.play_to_end(expected_season=game.season) is False  # over: a late click does nothing
    assert game.step(expected_season=game.season) is False


def test_facilitator_step_button_clicked_twice_plays_one_season():
    game = GameSession.new("baseline", 4, ["us_gov"])
    @solara.component
    def Controls():
        version, set_v = solara.use_state(0)

        def act(action):
            action()
            set_v(version + 1)

        FacilitatorControls(game, act, version=version)

    box, rc = solara.render(Controls(), handle_error=False)
    first = rc.find(v.Btn, children=["Step season"]).widget
    first.click()
    assert game.seasons_played == 1
    # The second click of a double-click was sent to the button drawn for 2026Q3. That button is gone: its widget
    # is closed (the browser's message for it is dropped) and it has no click handler left.
    assert first.comm is None
    with pytest.raises(ValueError, match="'click' not found"):
        first.click()
    assert game.seasons_played == 1
    second = rc.find(v.Btn, children=["Step season"]).widget
    assert second is not first  # a new button for the new season
    second.click()
    assert game.seasons_played == 2
    undo = rc.find(v.Btn, children=["Undo last season"]).widget
    undo.click()
    assert game.seasons_played == 1
    assert undo.comm is None  # a double-click on Undo takes back one season
    play = rc.find(v.Btn, children=["Play to end"]).widget
    play.click()
    assert game.finished and play.comm is None


def _upload_panel(uploads: list):
    box, rc = solara.render(SaveLoadPanel(None, on_upload=lambda d, n: uploads.append((d, n))), handle_error=False)
    return box, rc, rc.find(LogUploadWidget).widget


def alert_texts(box) -> list[str]:
    return [" ".join(str(c) for c in w.children if isinstance(c, str))
            for w in _walk_in_order(box) if isinstance(w, v.Alert)]


def test_an_oversized_upload_is_refused_by_its_size_with_a_message_and_never_read():
    uploads: list = []
    box, rc, zone = _upload_panel(uploads)
    reads = []
    zone.send = lambda msg, buffers=None: reads.append(msg)  # a read request would go to the browser
    zone.file_info = [{"name": "huge <b>log</b>.json", "size": 20_000_000, "pick": 1}]
    time.sleep(0.2)
    assert uploads == [] and reads == []
    messages = alert_texts(box)
    assert any(m.startswith("huge <b>log</b>.json is 20.0 MB, too large for a game log (at most 5.2 MB;")
               and "Nothing was changed." in m for m in messages), messages
    zone.file_info = [{"name": "empty.json", "size": 0, "pick": 2}]
    assert any(m == "empty.json: the file is empty. Nothing was changed." for m in alert_texts(box))
    assert uploads == [] and reads == []


def test_size_problem_names_the_file_its_size_and_the_limit():
    assert size_problem("g.json", MAX_UPLOAD_BYTES, MAX_UPLOAD_BYTES) == ""
    assert "6.0 MB, too large" in size_problem("g.json", 6_000_000, MAX_UPLOAD_BYTES)
    assert "did not say how large" in size_problem("g.json", None, MAX_UPLOAD_BYTES)
    assert "did not say how large" in size_problem("g.json", float("nan"), MAX_UPLOAD_BYTES)


def answer_reads_with(zone: LogUploadWidget, payload: bytes, chunk: int = 4096) -> None:
    """Play the browser's part of a chunked upload: answer each read request with the bytes it asks for."""

    def browser(msg, buffers=None):
        ask = msg["args"][0]
        for offset in range(ask["offset"], ask["offset"] + ask["length"], chunk):
            length = min(chunk, ask["offset"] + ask["length"] - offset)
            zone.vue_upload({"id": ask["id"], "file_index": 0, "offset": offset, "length": length},
                            [payload[offset:offset + length]])

    zone.send = browser


@pytest.fixture
def no_kernel(monkeypatch):
    """ipyvuetify's chunk reader pumps the IPython kernel's messages; a headless test has no kernel (the server has)."""

    async def no_kernel_messages() -> None:
        return None

    monkeypatch.setattr(file_input, "process_messages", no_kernel_messages)


def wait_until(condition, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.02)
    assert condition()


def test_a_file_within_the_limit_is_read_in_chunks_and_handed_on(no_kernel):
    uploads: list = []
    notices: list = []
    box, rc = solara.render(LogUpload(on_file=lambda d, n: uploads.append((d, n)), on_notice=notices.append,
                                      max_bytes=MAX_UPLOAD_BYTES), handle_error=False)
    zone = rc.find(LogUploadWidget).widget
    payload = bytes(range(256)) * 40
    answer_reads_with(zone, payload)
    zone.file_info = [{"name": "game.json", "size": len(payload), "pick": 1}]
    wait_until(lambda: uploads)
    assert uploads == [(payload, "game.json")]
    assert notices == ["Reading game.json ...", ""]


@solara.component
def _Layout(store_dir):
    with solara.AppLayout():
        TabletopPage(store_dir=store_dir)


def _all_text(root) -> str:
    return "\n".join(str(c) for w in _walk_in_order(root) for c in (getattr(w, "children", None) or [])
                     if isinstance(c, str))


def test_page_upload_of_a_foreign_file_says_so_and_keeps_the_game(tmp_path, no_kernel):
    box, rc = solara.render(_Layout(str(tmp_path)), handle_error=False)
    rc.find(v.Btn, children=["Start game"]).widget.click()
    rc.find(v.Btn, children=["Step season"]).widget.click()
    zone = rc.find(LogUploadWidget).widget
    answer_reads_with(zone, b'{"x": 1}')
    zone.file_info = [{"name": "evil.json", "size": 8, "pick": 1}]
    wait_until(lambda: "not a game log" in _all_text(box))
    text = _all_text(box)
    assert "evil.json: Not a usable game log" in text and "Nothing was changed." in text
    assert "Next season: 2026Q4" in text


def test_page_upload_of_a_saved_game_resumes_it(tmp_path, no_kernel):
    saved = GameSession.new("baseline", 8, ["us_gov"])
    saved.step()
    box, rc = solara.render(_Layout(str(tmp_path)), handle_error=False)
    zone = rc.find(LogUploadWidget).widget
    data = saved.log_json()
    answer_reads_with(zone, data, chunk=1000)
    zone.file_info = [{"name": "saved.json", "size": len(data), "pick": 1}]
    wait_until(lambda: "Next season: 2026Q4" in _all_text(box))


def test_the_after_action_report_is_named_for_the_scenario_and_seed(game):
    from wargame.tabletop.report_download import report_name

    assert report_name(game.log()) == f"after-action-{game.scenario.name}-seed{game.model.seed}.html"
    hostile = game.log()
    hostile["scenario"]["scenario"]["name"] = "../<b>x</b> y"
    assert report_name(hostile) == f"after-action-----b-x--b--y-seed{game.model.seed}.html"
