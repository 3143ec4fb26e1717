from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils.translation import gettext as _

from kaoping.web.audit.log import check_chain
from kaoping.web.common import active_lang
from kaoping.web.management.backup import BackupError, restore_database


class Command(BaseCommand):
    @property
    def help(self) -> str:  # read when the command runs, in the active language
        return _(
            "restore the database from a backup (replaces its content), then verify the "
            "evaluation log's hash chain."
        )

    def add_arguments(self, parser):
        parser.add_argument(
            "backup", type=Path, help=_("backup file written by `manage.py backup`")
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help=_("replace a database that already holds data"),
        )

    def handle(self, *args, backup: Path, force: bool, **options):
        if not force and "audit_auditentry" in connection.introspection.table_names():
            with connection.cursor() as cursor:
                cursor.execute("SELECT COUNT(*) FROM audit_auditentry")
                if cursor.fetchone()[0]:
                    raise CommandError(
                        _("the target database holds data; add --force to replace it")
                    )
        try:
            restore_database(backup)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        report = check_chain()
        if not report.ok:
            raise CommandError(
                _("restored, but the evaluation log's hash chain is broken: %(problem)s")
                % {"problem": report.problem.render(active_lang())}
            )
        self.stdout.write(_("restored: %(file)s") % {"file": backup})
        self.stdout.write(
            _("evaluation log intact: %(count)s entries, head: %(head)s")
            % {"count": report.count, "head": report.head}
        )
