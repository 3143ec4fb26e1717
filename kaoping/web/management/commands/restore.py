from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from kaoping.web.audit.log import check_chain
from kaoping.web.management.backup import BackupError, restore_database


class Command(BaseCommand):
    help = (
        "从备份恢复数据库 / restore the database from a backup (replaces its content), then "
        "verify the evaluation log's hash chain."
    )

    def add_arguments(self, parser):
        parser.add_argument("backup", type=Path, help="backup file written by `manage.py backup`")
        parser.add_argument(
            "--force",
            action="store_true",
            help="replace a database that already holds data",
        )

    def handle(self, *args, backup: Path, force: bool, **options):
        if not force and "audit_auditentry" in connection.introspection.table_names():
            with connection.cursor() as cursor:
                cursor.execute("SELECT COUNT(*) FROM audit_auditentry")
                if cursor.fetchone()[0]:
                    raise CommandError(
                        "目标数据库已有数据；确认覆盖请加 --force / the target database holds "
                        "data; add --force to replace it"
                    )
        try:
            restore_database(backup)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        report = check_chain()
        if not report.ok:
            raise CommandError(
                f"恢复完成，但评价日志哈希链断裂 / restored, but the log chain is broken: {report.problem.render('zh')}"
            )
        self.stdout.write(f"已恢复 / restored: {backup}")
        self.stdout.write(f"评价日志完整 {report.count} 条，链头 / log intact, head: {report.head}")
