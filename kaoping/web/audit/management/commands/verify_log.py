"""``manage.py verify_log``: the whole check of the evaluation log (what ``kaoping log verify``
runs): chain, signed checkpoints, recorded heads, vouched rows, re-derived results.

Exit status 0 when everything holds, 2 when something was tampered with (each problem is
named on stderr), 1 when the database cannot be read.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError
from django.utils.translation import gettext as _

from kaoping.web.audit.anchors import verify_log
from kaoping.web.common import in_language

EXIT_TAMPERED = 2


class Command(BaseCommand):
    @property
    def help(self) -> str:  # read when the command runs, in the active language
        return _("verify the evaluation log and what it vouches for")

    def add_arguments(self, parser):
        parser.add_argument("--lang", choices=["zh", "en"], default="zh")
        parser.add_argument(
            "--no-rederive",
            action="store_true",
            help=_("skip evaluating published results again"),
        )

    def handle(self, *args, lang: str = "zh", no_rederive: bool = False, **options):
        with in_language(lang):
            self._verify(lang, rederive=not no_rederive)

    def _verify(self, lang: str, *, rederive: bool) -> None:
        try:
            report = verify_log(rederive=rederive)
        except DatabaseError as exc:
            raise CommandError(
                _("cannot read the evaluation log: ") + str(exc).strip(), returncode=1
            ) from None
        if report.ok:
            chain = report.chain
            self.stdout.write(
                _(
                    "The evaluation log is intact: %(count)s entries, the chain holds.\n"
                    "head: %(head)s\n"
                    "%(checkpoints)s signed checkpoints and every recorded head agree; the rows "
                    "it vouches for are unchanged; published results re-derive exactly."
                )
                % {"count": chain.count, "head": chain.head, "checkpoints": report.checkpoints}
            )
            return
        lines = report.problems(lang)
        if report.chain.problem is not None:
            first = _("The evaluation log's chain is broken: %(problem)s.") % {"problem": lines[0]}
            lines = [first, *lines[1:]]
        heading = _("The evaluation log did NOT verify:")
        raise CommandError(
            "\n".join([heading, *(f"- {line}" for line in lines)]), returncode=EXIT_TAMPERED
        )
