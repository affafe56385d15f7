"""Games saved by model v1 (issue 7, "replay of old saves, or a clear 'made by an older version' message").

``tests/data/v1_game_baseline_seed5.json`` was saved by the v1 code (commit fe5caa4, ``wargame`` 0.1.0, game-log
format version 1): ``baseline``, seed 5, two seasons, a human remote-access ban and a smuggling bust. Its
mechanics differ from v2, so it cannot replay bit-identically; loading it must say so plainly, naming the file
and the version that made it, instead of replaying a different game or failing on a checksum.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import wargame
from wargame.gamelog import FORMAT_VERSION, GameLogError, _checksum, game_log, load_game, parse_game_log
from wargame.model import AIRaceModel

V1_SAVE = Path(__file__).parent / "data" / "v1_game_baseline_seed5.json"


def test_the_fixture_is_a_genuine_v1_save():
    data = json.loads(V1_SAVE.read_text(encoding="utf-8"))
    assert data["version"] == 1 and data["code_version"] == "0.1.0"
    assert data["checksum"] == _checksum({k: v for k, v in data.items() if k != "checksum"}), "intact, not forged"
    assert data["seasons_played"] == 2 and data["decisions"] and data["injects"]


def test_loading_a_v1_save_says_it_was_made_by_an_older_version():
    with pytest.raises(GameLogError) as exc:
        load_game(V1_SAVE)
    message = str(exc.value)
    assert message.startswith(str(V1_SAVE)), message
    assert "older version" in message
    assert "0.1.0" in message, "name the version that made it"
    assert "checksum" not in message and "Traceback" not in message


def test_parsing_v1_text_says_the_same():
    with pytest.raises(GameLogError, match="older version"):
        parse_game_log(V1_SAVE.read_text(encoding="utf-8"), source="upload")


def test_an_edited_v1_save_is_still_reported_as_older_not_as_corrupt():
    data = json.loads(V1_SAVE.read_text(encoding="utf-8"))
    data["seed"] = 6  # checksum now wrong: the version says more about what went wrong
    with pytest.raises(GameLogError, match="older version"):
        parse_game_log(json.dumps(data))


def test_this_version_saves_format_2_with_its_code_version():
    assert FORMAT_VERSION == 2
    log = game_log(AIRaceModel("baseline", seed=5))
    assert log["version"] == 2 and log["code_version"] == wargame.__version__ != "0.1.0"
    assert parse_game_log(json.dumps(log))["seed"] == 5
