"""The example notebook runs from top to bottom against the installed package (nbclient),
so it cannot rot; the committed copy keeps its outputs for readers."""

from __future__ import annotations

import copy
import json
import pathlib

import pytest

from conftest import ROOT

NB = ROOT / "bindings-python" / "examples" / "audit-huining.ipynb"


def test_the_committed_notebook_has_its_outputs() -> None:
    nb = json.loads(NB.read_text(encoding="utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert code and all(c.get("outputs") for c in code), "run `make python-notebook` to refresh it"
    assert not [o for c in code for o in c["outputs"] if o.get("output_type") == "error"]


def test_the_notebook_runs() -> None:
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    nb = nbformat.read(NB, as_version=4)
    run = copy.deepcopy(nb)
    for c in run.cells:
        if c.cell_type == "code":
            c.outputs = []
    nbclient.NotebookClient(
        run, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(NB.parent)}}
    ).execute()
    outs = {i: c.outputs for i, c in enumerate(run.cells) if c.cell_type == "code"}
    assert not [o for os_ in outs.values() for o in os_ if o.get("output_type") == "error"]
    text = json.dumps([c.outputs for c in run.cells if c.cell_type == "code"], ensure_ascii=False)
    # the four over-size communities the plan names are flagged, and the plot is drawn
    for name in ("广场社区", "东山根社区", "钟鼓楼社区", "校场社区"):
        assert name in text
    assert "image/png" in text
