"""What pyxform makes of each XLSForm named on the command line: one JSON object per
line, {"form": path, "ok": bool, "message": first line of pyxform's error or ""}.
Run by core/tests/xlsform_corpus.rs with the pyxform that tests/lib/pyxform.sh installs
(no ODK Validate: pyxform's own checks, as `xls2xform --skip_validate`)."""

import json
import os
import sys
import tempfile

from pyxform.xls2xform import xls2xform_convert

out = os.path.join(tempfile.mkdtemp(prefix="pyxform-verdicts-"), "form.xml")
for path in sys.argv[1:]:
    try:
        xls2xform_convert(xlsform_path=path, xform_path=out, validate=False, pretty_print=False)
        verdict = {"form": path, "ok": True, "message": ""}
    except Exception as e:  # pyxform raises many kinds; each is a refusal here.
        text = str(e).strip().splitlines()
        verdict = {"form": path, "ok": False, "message": text[0] if text else type(e).__name__}
    print(json.dumps(verdict), flush=True)
