#!/usr/bin/env bash
# Sets up everything Kaoping needs on a fresh Debian machine (Python 3.11, root):
# system packages (Chinese fonts, PDF and browser support), then .venv/ with the
# project and its pinned dependencies. Safe to run again: it skips what is there.
set -euo pipefail
cd "$(dirname "$0")/.."

# --- system packages -------------------------------------------------------------
# fonts-noto-cjk: Chinese glyphs in PDF, Word-to-PDF and charts (no box glyphs).
# libharfbuzz-subset0: WeasyPrint embeds font subsets with it (25 s -> 1.5 s a page).
# chromium: the browser of the end-to-end tests (never a downloaded browser).
# poppler-utils: pdftoppm/pdftotext, to check generated PDFs as a person would.
# gettext: msgfmt compiles the Chinese/English message catalogues.
# postgresql: the production database; the test suite also runs against a throwaway server.
# libreoffice-writer-nogui: the tests open the Word reports as WPS-like office software does
#   (soffice --headless --convert-to pdf) and check the rendered pages.
SYSTEM_PACKAGES=(fonts-noto-cjk libharfbuzz-subset0 chromium poppler-utils gettext postgresql
                 libreoffice-writer-nogui)
missing=()
for pkg in "${SYSTEM_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        echo "Installing system packages: ${missing[*]}"
        apt-get update -qq -o DPkg::Lock::Timeout=300
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o DPkg::Lock::Timeout=300 \
            --no-install-recommends "${missing[@]}" >/dev/null
        # matplotlib caches its font list; drop it so the new CJK fonts are seen.
        rm -f ~/.cache/matplotlib/fontlist-*.json
    else
        echo "warning: missing system packages ${missing[*]} (install them as root)" >&2
    fi
fi

# --- Python environment ------------------------------------------------------------
PYTHON=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
# uv installs the same set about 8x faster than pip.
[ -x .venv/bin/uv ] || .venv/bin/python -m pip install -q uv
# --compile-bytecode: the dependencies' .pyc written now, not at each first start (a
# read-only intranet install never writes them: `kaoping --help` took 1.3 s without).
# editable_mode=compat: a plain path entry instead of an import hook (60 ms a start).
.venv/bin/uv pip install -q --python .venv/bin/python --compile-bytecode \
    --config-settings editable_mode=compat -e ".[dev]"
# The project's own bytecode, for the same reason (quiet; errors would show as failures).
.venv/bin/python -m compileall -q -j 0 kaoping >/dev/null
