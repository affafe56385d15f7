"""The student notebooks (issue 10, item 6): committed without outputs, and each one runs from top to bottom.

Each notebook is executed with nbclient on this environment's ``python3`` kernel, in a temporary working
directory (it writes its game log and batch folders there), so it can never rot: a change to the model or
the batch API that breaks a notebook fails here. Cells tagged ``figure`` must draw a chart and cells tagged
``table`` must show a table with rows.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
NAMES = ["01_reading_one_game.ipynb", "02_which_loophole_matters.ipynb", "03_race_pressure_and_safety.ipynb"]
#: Seconds a cell may run (a notebook takes about 10-30 s on 2 shared cores; this only stops a hang).
CELL_TIMEOUT_S = 600


def read(name: str) -> nbformat.NotebookNode:
    return nbformat.read(NOTEBOOKS / name, as_version=4)


def test_the_notebooks_folder_holds_exactly_the_three_notebooks():
    assert sorted(p.name for p in NOTEBOOKS.glob("*.ipynb")) == NAMES


@pytest.mark.parametrize("name", NAMES)
def test_a_notebook_is_committed_without_outputs_and_asks_questions(name):
    nb = read(name)
    nbformat.validate(nb)
    assert nb.metadata["kernelspec"]["name"] == "python3"
    code = [cell for cell in nb.cells if cell.cell_type == "code"]
    assert code and all(cell.outputs == [] and cell.execution_count is None for cell in code)
    markdown = "\n".join(cell.source for cell in nb.cells if cell.cell_type == "markdown")
    assert markdown.count("**Questions**") >= 2
    tags = [tag for cell in code for tag in cell.metadata.get("tags", [])]
    assert "figure" in tags and "table" in tags


def outputs_of(cell: nbformat.NotebookNode) -> list[dict]:
    return [output for output in cell.outputs if output.output_type in ("display_data", "execute_result")]


@pytest.mark.parametrize("name", NAMES)
def test_a_notebook_runs_and_shows_its_figures_and_tables(name, tmp_path):
    nb = read(name)
    before = sorted(p.name for p in NOTEBOOKS.iterdir())
    start = time.monotonic()
    NotebookClient(nb, timeout=CELL_TIMEOUT_S, kernel_name="python3",
                   resources={"metadata": {"path": str(tmp_path)}}).execute()  # raises on any cell's error
    print(f"{name}: ran in {time.monotonic() - start:.1f} s", file=sys.stderr)
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        assert not [o for o in cell.outputs if o.output_type == "error"], (name, index)
        tags = cell.metadata.get("tags", [])
        data = [output.get("data", {}) for output in outputs_of(cell)]
        if "figure" in tags:
            assert any("image/png" in d for d in data), f"{name}: cell {index} drew no chart"
        if "table" in tags:
            tables = [d["text/html"] for d in data if "<table" in d.get("text/html", "")]
            assert tables and max(t.count("<tr") for t in tables) >= 3, f"{name}: cell {index} showed no table rows"
    assert any(tmp_path.iterdir()), "the notebook wrote nothing in its working directory"
    assert sorted(p.name for p in NOTEBOOKS.iterdir()) == before, "the notebook wrote into notebooks/"
