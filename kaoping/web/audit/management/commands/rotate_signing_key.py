"""``manage.py rotate_signing_key``: make a new Ed25519 signing key (docs/security.md).

The old private key is replaced; the old public key stays in the keys directory, so
checkpoints and archives signed before still verify. Give the new public key (printed) to
whoever verifies this installation's archives.
"""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from kaoping.archive import signing
from kaoping.web.audit import keys


class Command(BaseCommand):
    @property
    def help(self) -> str:  # read when the command runs, in the active language
        return _("rotate the signing key (old public keys are kept)")

    def handle(self, *args, **options):
        key = signing.rotate(settings.KAOPING_KEYS_DIR)
        keys.forget_key()
        key_id = signing.key_id(key.public_key())
        self.stdout.write(_("new signing key: %(key)s") % {"key": key_id})
        self.stdout.write(signing.public_pem(key.public_key()).decode("ascii"))
