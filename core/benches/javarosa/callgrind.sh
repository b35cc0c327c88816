#!/usr/bin/env bash
# Our side of the JavaRosa comparison counted in instructions (callgrind), not timed:
# the count does not depend on what else the machine runs, so this can measure a change
# while others work; `run.sh` (wall-clock, against JavaRosa) needs a quiet machine.
#
#   core/benches/javarosa/callgrind.sh                       # dialogue_feedback household_survey
#   FORMS="large_600" FILLS=3 core/benches/javarosa/callgrind.sh
#
# For each form: FILLS whole fills (`main.rs count`, the same fill as `run.sh`'s) under
# callgrind, then instructions per fill (`fill_and_keep`), per answer (`set_answer`) and
# per answer with the page brought up to date (`set_answer` + the UI's `apply`), and per
# `screen()`, `next()` and `finalize()` call, from callgrind's inclusive costs and call
# counts. Needs valgrind (Debian: valgrind). The forms are written by `main.rs prepare`
# into .cache/forms (no pyxform needed here).
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../../.." && pwd)"
CACHE="$HERE/.cache"
FORMS="${FORMS:-dialogue_feedback household_survey}"
FILLS="${FILLS:-20}"
command -v valgrind >/dev/null || { echo "valgrind is needed (apt-get install valgrind)" >&2; exit 1; }

cd "$ROOT"
bin=$(cargo bench -p branchbook-core --bench javarosa --no-run 2>&1 |
    sed -n 's/.*Executable .*(\(.*\))$/\1/p' | tail -n 1)
[[ -x $bin ]] || { echo "no bench binary found" >&2; exit 1; }
mkdir -p "$CACHE/forms" "$CACHE/callgrind"
for form in $FORMS; do
    [[ -f $CACHE/forms/$form.xlsx ]] || "$bin" prepare "$CACHE/forms" >/dev/null
done

answers_of() {
    if [ -f "$HERE/answers/$1.tsv" ]; then echo "$HERE/answers/$1.tsv"; else echo "$CACHE/forms/$1.answers.tsv"; fi
}

printf '| form | fills | instructions per fill | per set_answer | per answer+page | per screen() | per next() | per finalize() |\n'
printf '|---|--:|--:|--:|--:|--:|--:|--:|\n'
for form in $FORMS; do
    out="$CACHE/callgrind/$form.out"
    valgrind --tool=callgrind --callgrind-out-file="$out" \
        "$bin" count "$CACHE/forms/$form.xlsx" "$(answers_of "$form")" "$FILLS" >/dev/null 2>&1
    python3 "$HERE/callgrind_costs.py" "$out" "$form"
done
