"""Runs every benchmark under bench/ (each a module with a ``main()``), one after another.

Run: ``make bench`` or ``.venv/bin/python -m bench.run_all``. Record the results, with the
machine they ran on, in docs/performance.md.
"""

from __future__ import annotations

import importlib
import pkgutil
import platform
from pathlib import Path

import bench


def main() -> None:
    print(f"# {platform.node()} {platform.machine()} {platform.python_version()}")
    folder = Path(bench.__file__).parent
    for module in sorted(m.name for m in pkgutil.iter_modules([str(folder)])):
        if module.startswith("bench_"):
            print(f"\n## {module}")
            importlib.import_module(f"bench.{module}").main()


if __name__ == "__main__":
    main()
