#!/usr/bin/env bash
# `make messages`: extract every user-facing string of the project (Python of every layer,
# templates) into one catalogue per language, fill the English catalogue's new entries
# with their English ids, and compile both. Translate the new Chinese entries in
# kaoping/locale/zh_Hans/LC_MESSAGES/django.po, then run it again to compile.
set -euo pipefail
cd "$(dirname "$0")/../kaoping"
PY=../.venv/bin/python
# Run from kaoping/: LOCALE_PATHS is kaoping/locale, so every file below lands there.
DJANGO_SETTINGS_MODULE=kaoping.web.settings $PY -m django makemessages \
    -l zh_Hans -l en -e py,html,txt --no-obsolete --add-location=file \
    --ignore 'locale/*' --ignore '*/migrations/*' --ignore 'scoring/schemes/builtin/*'
en=locale/en/LC_MESSAGES/django.po
# English ids are their own English text: copy each untranslated id into its msgstr.
msgen "$en" -o "$en.tmp" && mv "$en.tmp" "$en"
DJANGO_SETTINGS_MODULE=kaoping.web.settings $PY -m django compilemessages -l zh_Hans -l en
