"""The command line imports only what each command needs (issue 15), every CLI module
imports on its own (no circular imports), and the command line never imports the web layer.

Each check runs in a fresh interpreter, the way ``kaoping`` starts.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import kaoping.cli
from kaoping.cli.main import COMMAND_OF

CLI = Path(kaoping.cli.__file__).resolve().parent
DEMO = Path(__file__).resolve().parent.parent / "examples" / "mof-2012-demo-2024.csv"
CLI_MODULES = sorted(f"kaoping.cli.{p.stem}" for p in CLI.glob("*.py") if p.stem != "__init__")
# Heavy libraries and layers no scoring command needs at start-up.
HEAVY = ("openpyxl", "PIL", "matplotlib", "docx", "weasyprint", "django", "pydantic", "typer")


def modules_after(script: str) -> set[str]:
    """The modules loaded once ``script`` has run in a new interpreter."""
    code = f"{script}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    return set(json.loads(done.stdout.splitlines()[-1]))


@pytest.mark.parametrize("module", CLI_MODULES)
def test_every_cli_module_imports_on_its_own(module):
    loaded = modules_after(f"import {module}")
    assert module in loaded
    assert not {m for m in loaded if m.startswith("kaoping.web")}


def test_every_command_module_is_known_and_none_imports_the_web_layer():
    assert set(COMMAND_OF.values()) <= set(CLI_MODULES)
    loaded = modules_after("".join(f"import {m}\n" for m in CLI_MODULES))
    assert set(CLI_MODULES) <= loaded
    assert not {m for m in loaded if m.startswith("kaoping.web") or m == "django"}


def run_command(*args: str) -> set[str]:
    script = (
        "import sys\nfrom kaoping.cli.main import main\n"
        f"try:\n    main({list(args)!r})\nexcept SystemExit as exc:\n"
        "    assert not exc.code, exc.code\n"
    )
    return modules_after(script)


@pytest.mark.parametrize(
    "args",
    [
        ("evaluate", str(DEMO)),
        ("explain", str(DEMO), "-u", "110101"),
        ("check", str(DEMO)),
    ],
)
def test_a_scoring_command_loads_no_heavy_library_and_no_other_command(args):
    loaded = run_command(*args)
    assert {m.split(".")[0] for m in loaded} & set(HEAVY) == set()
    own = COMMAND_OF[args[0]]
    others = {m for m in set(COMMAND_OF.values()) - {own} if m in loaded}
    assert own in loaded
    # evaluate and explain share their module with template and schemes; check needs none.
    assert others == set()
    assert "kaoping.scoring.robustness" not in loaded
    # A CSV file needs none of the workbook reader (calamine, its bounds, XML).
    assert not loaded & {
        "python_calamine",
        "xml.etree.ElementTree",
        "kaoping.tables.xlsx",
        "kaoping.tables.xlsx_bounds",
    }
    # Of the reports, only the formula-injection guard of CSV cells (no renderer).
    assert {m for m in loaded if m.startswith("kaoping.reports.")} <= {"kaoping.reports.safe"}


def test_check_does_not_load_the_assessment():
    loaded = run_command("check", str(DEMO))
    assert "kaoping.tables.validate" in loaded  # it really read the table
    assert "kaoping.scoring.assessment" not in loaded


def test_help_lists_every_command_in_order():
    from click.testing import CliRunner

    from kaoping.cli.main import app

    done = CliRunner().invoke(app, ["--help"])
    assert done.exit_code == 0
    listed = [
        line.split()[0]
        for line in done.output.split("Commands:")[1].splitlines()
        if line.startswith("  ")
    ]
    assert listed == list(COMMAND_OF)
