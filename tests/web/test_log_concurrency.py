"""Several processes append to the evaluation log at once: every append succeeds and the
chain stays one chain (on PostgreSQL in make test's PostgreSQL pass, on SQLite otherwise)."""

from __future__ import annotations

import json
import time

import pytest

from .sites import Site

# On PostgreSQL too: several processes appending to the log at once.
pytestmark = [pytest.mark.postgres, pytest.mark.slow]

WRITERS, EACH = 4, 60

APPEND = """
import time
from django.db import transaction
from kaoping.web.audit.log import record
time.sleep(max(0.0, {start} - time.time()))  # all writers start together
for i in range({each}):
    with transaction.atomic():
        record("test.concurrent", None, actor_name="writer-{n}", data={{"i": i}})
print(json.dumps("ok"))
"""


def test_concurrent_appends_from_several_processes_keep_one_chain(tmp_path):
    site = Site(tmp_path)
    try:
        before = site.sql("SELECT COUNT(*) FROM audit_auditentry")[0][0]
        start = time.time() + 6  # after every process has imported Django
        writers = [site.spawn(APPEND.format(start=start, n=n, each=EACH)) for n in range(WRITERS)]
        for writer in writers:
            _out, err = writer.communicate(timeout=300)
            assert writer.returncode == 0, err[-2000:]
        rows = site.sql(
            "SELECT COUNT(*), COUNT(DISTINCT prev_hash), MAX(seq) FROM audit_auditentry"
        )
        assert rows[0] == (before + WRITERS * EACH,) * 3
        verify = site.manage("verify_log", "--lang", "en", check=False)
        assert verify.returncode == 0, verify.stderr
        assert f"intact: {before + WRITERS * EACH} entries" in verify.stdout
        # Each writer's own entries are in its own order: no append was lost or reordered.
        for n in range(WRITERS):
            mine = site.sql(
                "SELECT data FROM audit_auditentry WHERE actor_name = ? ORDER BY id",
                (f"writer-{n}",),
            )
            data = [r[0] if isinstance(r[0], dict) else json.loads(r[0]) for r in mine]
            assert [d["i"] for d in data] == list(range(EACH))
    finally:
        site.close()
