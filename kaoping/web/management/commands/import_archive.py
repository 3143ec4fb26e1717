from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from kaoping.web.common import ActionError
from kaoping.web.workflow.archive import import_archive


class Command(BaseCommand):
    help = (
        "导入其他系统的评价档案 / import an evaluation archive from another installation: "
        "verified (manifest, re-scoring) and stored read-only."
    )

    def add_arguments(self, parser):
        parser.add_argument("bundle", type=Path, help="the archive .zip")
        parser.add_argument("--user", required=True, help="the importing user (logged)")

    def handle(self, *args, bundle: Path, user: str, **options):
        account = get_user_model().objects.filter(username=user).first()
        if account is None:
            raise CommandError(f"没有用户 / no such user: {user}")
        try:
            archive = import_archive(bundle.read_bytes(), bundle.name, acting_user=account)
        except OSError as exc:
            raise CommandError(f"无法读取 / cannot read {bundle}: {exc.strerror}") from None
        except ActionError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"已导入 / imported #{archive.pk}: {archive.title}")
        self.stdout.write(f"清单 SHA-256 / manifest: {archive.manifest_sha256}")
