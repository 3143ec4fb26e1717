from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from kaoping.web.audit.log import check_chain
from kaoping.web.common import active_lang
from kaoping.web.management.backup import BackupError, backup_database


class Command(BaseCommand):
    @property
    def help(self) -> str:  # read when the command runs, in the active language
        return _(
            "back up the database: SQLite online backup or pg_dump (custom format). "
            "Prints the evaluation log's chain head to compare after a restore."
        )

    def add_arguments(self, parser):
        parser.add_argument("output", type=Path, help=_("backup file to write"))

    def handle(self, *args, output: Path, **options):
        report = check_chain()
        try:
            backup_database(output)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(_("backed up: %(file)s") % {"file": output})
        if report.ok:
            self.stdout.write(
                _("evaluation log: %(count)s entries, head: %(head)s")
                % {"count": report.count, "head": report.head}
            )
        else:
            self.stderr.write(
                _("warning: the evaluation log's hash chain is broken: %(problem)s")
                % {"problem": report.problem.render(active_lang())}
            )
