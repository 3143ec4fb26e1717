from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from kaoping.web.common import ActionError
from kaoping.web.workflow.archive import import_archive


class Command(BaseCommand):
    @property
    def help(self) -> str:  # read when the command runs, in the active language
        return _(
            "import an evaluation archive from another installation: verified (manifest, "
            "re-scoring) and stored read-only."
        )

    def add_arguments(self, parser):
        parser.add_argument("bundle", type=Path, help=_("the archive .zip"))
        parser.add_argument("--user", required=True, help=_("the importing user (logged)"))

    def handle(self, *args, bundle: Path, user: str, **options):
        account = get_user_model().objects.filter(username=user).first()
        if account is None:
            raise CommandError(_("no such user: %(user)s") % {"user": user})
        try:
            archive = import_archive(bundle.read_bytes(), bundle.name, acting_user=account)
        except OSError as exc:
            raise CommandError(
                _("cannot read %(file)s: %(reason)s") % {"file": bundle, "reason": exc.strerror}
            ) from None
        except ActionError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            _("imported #%(id)s: %(title)s") % {"id": archive.pk, "title": archive.title}
        )
        self.stdout.write(_("manifest SHA-256: %(sha)s") % {"sha": archive.manifest_sha256})
