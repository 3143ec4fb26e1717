"""A unit drop-down of 3,000 units: Django's Select beside kaoping.web.widgets.FastSelect.

Run from the project root: ``python -m bench.bench_widgets``. Both render the same form
field of the same 3,000 units in one run, alternately (median of 7), so the ratio holds on
a loaded machine. The bonus/deduction page at 3,000 units spent most of its time here.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from bench.bench_web import setup_django

UNITS = 3000
REPEATS = 7


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        setup_django(Path(folder))
        from django import forms

        from kaoping.web.schemes.forms import IdChoiceField
        from kaoping.web.units.models import Unit
        from kaoping.web.widgets import FastSelect

        Unit.objects.bulk_create(Unit(code=f"9{i:05d}", name=f"单位{i:05d}") for i in range(UNITS))

        def form(widget):
            class UnitForm(forms.Form):
                unit = IdChoiceField(queryset=Unit.objects.order_by("code"), widget=widget)

            return UnitForm

        kinds = {"django Select": form(forms.Select), "FastSelect": form(FastSelect)}
        times: dict[str, list[float]] = {k: [] for k in kinds}
        for _ in range(REPEATS):
            for name, cls in kinds.items():
                start = time.perf_counter()
                html = str(cls()["unit"])
                times[name].append(time.perf_counter() - start)
                assert html.count("<option") == UNITS + 1
        medians = {k: statistics.median(v) * 1000 for k, v in times.items()}
        for name, ms in medians.items():
            print(f"{name:<16} {ms:8.1f} ms")
        print(f"ratio            {medians['django Select'] / medians['FastSelect']:8.1f}x")


if __name__ == "__main__":
    main()
