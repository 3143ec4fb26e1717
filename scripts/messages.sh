#!/usr/bin/env bash
# `make messages`: extract every user-facing string of the project (Python of every layer,
# templates) into one catalogue per language and compile both. Message ids are English:
# the English catalogue is regenerated from the template each time (msginit copies each id
# into its translation), the Chinese one is merged (new entries empty, changed ones fuzzy).
# Translate those in kaoping/locale/zh_Hans/LC_MESSAGES/django.po, then run it again.
set -euo pipefail
cd "$(dirname "$0")/../kaoping"
PY=../.venv/bin/python
# Run from kaoping/: LOCALE_PATHS is kaoping/locale, so every file below lands there.
DJANGO_SETTINGS_MODULE=kaoping.web.settings $PY -m django makemessages \
    -l zh_Hans -e py,html,txt --keep-pot --no-obsolete --add-location=file \
    --ignore 'locale/*' --ignore '*/migrations/*' --ignore 'scoring/schemes/builtin/*'
mkdir -p locale/en/LC_MESSAGES
msginit --no-translator --locale=en.UTF-8 --input=locale/django.pot \
    --output-file=locale/en/LC_MESSAGES/django.po 2>/dev/null
rm locale/django.pot
DJANGO_SETTINGS_MODULE=kaoping.web.settings $PY -m django compilemessages -l zh_Hans -l en
