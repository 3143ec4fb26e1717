from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kaoping.web.audit.log import check_chain
from kaoping.web.management.backup import BackupError, backup_database


class Command(BaseCommand):
    help = (
        "备份数据库 / back up the database: SQLite online backup or pg_dump (custom format). "
        "Prints the evaluation log's chain head to compare after a restore."
    )

    def add_arguments(self, parser):
        parser.add_argument("output", type=Path, help="backup file to write")

    def handle(self, *args, output: Path, **options):
        report = check_chain()
        try:
            backup_database(output)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"已备份 / backed up: {output}")
        if report.ok:
            self.stdout.write(f"评价日志 {report.count} 条，链头 / log head: {report.head}")
        else:
            self.stderr.write(
                f"注意：评价日志哈希链已断裂 / warning: {report.problem.render('zh')}"
            )
