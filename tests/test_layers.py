"""The scoring core stays at the bottom layer: pure Python and numpy.

The command line, the reports and the web application all compute with kaoping.scoring, so
it must never pull in Django, spreadsheet libraries or the command-line toolkit.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import kaoping.scoring

SCORING = Path(kaoping.scoring.__file__).resolve().parent
FORBIDDEN = ("django", "openpyxl", "typer", "click", "python_calamine", "calamine")


def scoring_modules() -> list[str]:
    modules = []
    for path in sorted(SCORING.rglob("*.py")):
        parts = path.relative_to(SCORING.parent.parent).with_suffix("").parts
        modules.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return modules


def test_there_are_modules_to_check():
    modules = scoring_modules()
    assert "kaoping.scoring" in modules
    assert {"kaoping.scoring.schemes", "kaoping.scoring.evaluation"} <= set(modules)


def test_importing_the_scoring_core_loads_no_upper_layer_library():
    modules = scoring_modules()
    script = (
        "import importlib, json, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "from kaoping.scoring import load_scheme\n"
        "load_scheme('mof-2012')\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=True
    )
    loaded = json.loads(out.stdout)
    offending = sorted(
        name
        for name in loaded
        if name.split(".")[0] in FORBIDDEN
        or (name.startswith("kaoping.") and not name.startswith("kaoping.scoring"))
    )
    assert offending == [], offending
    assert "numpy" in loaded  # the check really ran the imports


def test_no_scoring_file_imports_django_or_upper_layers():
    pattern = re.compile(
        r"^\s*(import|from)\s+(django|openpyxl|typer|click|python_calamine|kaoping\.(cli|web|tables|reports))\b",
        re.MULTILINE,
    )
    for path in SCORING.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "import django" not in text, path
        assert not pattern.search(text), (path, pattern.search(text))
