# Source it: installs the pinned pyxform (ODK's XLSForm converter, from PyPI) into a venv
# in the test cache once, and exports BRANCHBOOK_PYXFORM_PYTHON for
# core/tests/xlsform_corpus.rs, which compares pyxform's verdict on every corpus form
# with Branchbook's. A second run needs no network.
source "$(dirname "${BASH_SOURCE[0]}")/tools.sh"
pyxform_venv="$TOOLS_CACHE/pyxform-$PYXFORM_VERSION"
if [[ ! -x $pyxform_venv/bin/python ]] || ! "$pyxform_venv/bin/python" -c 'import pyxform' 2>/dev/null; then
    echo "   installing pyxform $PYXFORM_VERSION from PyPI"
    rm -rf "$pyxform_venv"
    python3 -m venv "$pyxform_venv"
    "$pyxform_venv/bin/pip" install -q --disable-pip-version-check "pyxform==$PYXFORM_VERSION"
fi
export BRANCHBOOK_PYXFORM_PYTHON="$pyxform_venv/bin/python"
