#!/usr/bin/env bash
# Branchbook's form engine vs ODK's JavaRosa, on the same forms with the same answers.
#
#   core/benches/javarosa/run.sh            # all six forms
#   FORMS="household_survey" core/benches/javarosa/run.sh
#   PASSES=3 core/benches/javarosa/run.sh   # three passes, then the median of each ratio
#   core/benches/javarosa/run.sh median .cache/results/20261203T190800Z ...   # runs already made
#
# On a fresh machine it fetches what it needs into core/benches/javarosa/.cache
# (git-ignored): pyxform (PyPI, pinned) in a venv, JavaRosa and its dependencies (Maven
# Central, pinned in pom.xml). Then:
#   1. `cargo bench ... -- prepare` writes the forms as XLSForms pyxform accepts: the two
#      example forms, the engine benchmark's generated 1,000-field form and the 600-row
#      form (each with its answer script), and copies the two largest real forms of the
#      XLSForm corpus (tests/lib/xlsform-corpus.sh fetches them from PyPI) with their
#      data extracts;
#   2. pyxform converts each .xlsx (or .xls) to an ODK XForm (.xml);
#   3. each engine, in its own process, loads its form (ours: the spreadsheet and the
#      canonical JSON; JavaRosa: the XForm and Collect's serialized-FormDef cache), does
#      one cold fill, warms up, then measures full fills (see main.rs and
#      JavaRosaFill.java for what a fill does: the same on both sides);
#   4. the answers given and repeat instances filled are compared (they must match), and
#      a table is printed.
# Each engine runs ROUNDS times per form (alternating with the other), each time in a
# fresh process; the table shows each engine's best round. A pass (ROUNDS rounds of
# every form) keeps its raw results in a folder of its own, .cache/results/<UTC time>/,
# with meta.txt (commit, settings, load average before and after); nothing is deleted.
# With PASSES=N the harness makes N passes, prints each one's tables, then the median
# over the passes of each ratio column (what a closing note quotes: one pass can land
# high or low with the machine's noise). `run.sh median DIR...` prints that median
# table for passes already made, without running anything.
# Tunables (environment): WARMUP_SECS (10), RUNS (7: measured runs per process),
# RUN_SECS (2), ROUNDS (3), PASSES (1), JAVA_OPTS.
# This is a benchmark, not a test: tests/run.sh does not run it.
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../../.." && pwd)"
CACHE="$HERE/.cache"
PYXFORM_VERSION=4.5.0
FORMS="${FORMS:-household_survey dialogue_feedback generated_1000 large_600 osm_buildings osm_amenities}"
WARMUP_SECS="${WARMUP_SECS:-10}"
RUNS="${RUNS:-7}"
RUN_SECS="${RUN_SECS:-2}"
ROUNDS="${ROUNDS:-3}"
PASSES="${PASSES:-1}"
# JavaRosa's best setting found on a 2-core machine (see README.md here): a fixed 1 GiB
# heap with the parallel collector (its allocation-heavy fills run faster than with G1).
JAVA_OPTS="${JAVA_OPTS:--Xms1g -Xmx1g -XX:+UseParallelGC}"
mkdir -p "$CACHE/forms" "$CACHE/results"

say() { printf '==> %s\n' "$*" >&2; }
value() { awk -v k="$2" '$1 == "RESULT" && $2 == k { print $3 }' "$1"; }
# The columns of the ratio table: a heading and a RESULT key each.
RATIO_HEADS=(load "load phone" open answer "answer p99" answer+page "answer+page p99" finalize fill fills/CPU-s
    "load cold" "fill cold" "peak RSS")
RATIO_KEYS=(load_ms load_phone_ms open_ms answer_us answer_p99_us answer_ui_us answer_ui_p99_us finalize_ms
    fill_ms fills_per_cpu_s load_cold_ms fill_cold_ms peak_rss_mib)

# Each engine's best round in pass folder $1 (highest fills per second of CPU time):
# background load only ever slows a run down.
best() {
    local f b="" top=-1 r
    for f in "$1/$2.$3".*.txt; do
        r="$(value "$f" fills_per_cpu_s)"
        if awk -v a="$r" -v b="$top" 'BEGIN { exit !(a > b) }'; then top="$r"; b="$f"; fi
    done
    echo "$b"
}
# `ratios DIR FORM`: JavaRosa's value over ours for each ratio column, one per line
# (times and memory: above 1, ours is smaller/faster; below 1, JavaRosa wins).
# fills_per_cpu_s is turned round (ours over theirs).
ratios() {
    local ours theirs key a b
    ours="$(best "$1" "$2" branchbook)"
    theirs="$(best "$1" "$2" javarosa)"
    for key in "${RATIO_KEYS[@]}"; do
        a="$(value "$ours" "$key")"
        b="$(value "$theirs" "$key")"
        if [ "$key" = fills_per_cpu_s ]; then
            awk -v a="$a" -v b="$b" 'BEGIN { printf "%.4f\n", a / b }'
        else
            awk -v a="$a" -v b="$b" 'BEGIN { printf "%.4f\n", b / a }'
        fi
    done
}
ratio_head() {
    local h line="| form |" rule="|---|"
    for h in "${RATIO_HEADS[@]}"; do line="$line $h |"; rule="$rule--:|"; done
    printf '%s\n%s\n' "$line" "$rule"
}
# The forms a pass folder holds results for, in the order it ran them.
forms_in() { sed -n 's/^forms: //p' "$1/meta.txt"; }
# `median_table DIR...`: per form, the median over the passes of each ratio column.
median_table() {
    local dir form n=$# col
    echo "Median over $n passes of each ratio (per pass: each engine's best round):"
    for dir in "$@"; do
        echo "- $(basename "$dir"): $(sed -n 's/^load average before: //p' "$dir/meta.txt") (load average before)"
    done
    echo
    ratio_head
    for form in $(forms_in "$1"); do
        for dir in "$@"; do
            [ -n "$(best "$dir" "$form" branchbook)" ] || { echo "no $form results in $dir" >&2; exit 1; }
            ratios "$dir" "$form" | paste -sd' '
        done | awk -v form="$form" '
            { for (c = 1; c <= NF; c++) v[c, NR] = $c; cols = NF }
            END {
                line = "| " form " |"
                for (c = 1; c <= cols; c++) {
                    k = 0
                    for (r = 1; r <= NR; r++) a[++k] = v[c, r]
                    for (i = 2; i <= k; i++) { x = a[i]; j = i - 1; while (j > 0 && a[j] > x) { a[j + 1] = a[j]; j-- } a[j + 1] = x }
                    m = (k % 2) ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2
                    line = line sprintf(" %.1fx |", m)
                }
                print line
            }'
    done
}

if [ "${1:-}" = median ]; then
    shift
    [ $# -gt 0 ] || { echo "usage: run.sh median RESULT_DIR..." >&2; exit 2; }
    median_table "$@"
    exit 0
fi

# pyxform, pinned, in a venv.
if ! "$CACHE/venv/bin/xls2xform" --help >/dev/null 2>&1 \
    || [ "$("$CACHE/venv/bin/pip" show pyxform 2>/dev/null | sed -n 's/^Version: //p')" != "$PYXFORM_VERSION" ]; then
    say "installing pyxform $PYXFORM_VERSION"
    python3 -m venv "$CACHE/venv"
    "$CACHE/venv/bin/pip" install --quiet "pyxform==$PYXFORM_VERSION"
fi

# JavaRosa and its runtime dependencies (versions pinned in pom.xml).
if [ ! -f "$CACHE/lib/.done" ] || [ "$HERE/pom.xml" -nt "$CACHE/lib/.done" ]; then
    say "fetching JavaRosa from Maven Central"
    rm -rf "$CACHE/lib"
    mvn -q -B -f "$HERE/pom.xml" dependency:copy-dependencies \
        -DoutputDirectory="$CACHE/lib" -DincludeScope=runtime
    touch "$CACHE/lib/.done"
fi
say "compiling JavaRosaFill.java"
rm -rf "$CACHE/classes"
javac -nowarn -d "$CACHE/classes" -cp "$CACHE/lib/*" "$HERE/JavaRosaFill.java"

cd "$ROOT"
# The XLSForm corpus (where the real forms osm_* come from): sets BRANCHBOOK_XLSFORM_CORPUS.
source "$ROOT/tests/lib/xlsform-corpus.sh" >&2
say "building the Rust side (release)"
cargo bench -p branchbook-core --bench javarosa --no-run 2>&1 | tail -n 1 >&2
bench() { cargo bench -q -p branchbook-core --bench javarosa -- "$@" 2>/dev/null; }
say "writing the forms"
bench prepare "$CACHE/forms" >&2

# A form's spreadsheet: the .xlsx prepare wrote, or a corpus form's own .xls.
sheet_of() {
    if [ -f "$CACHE/forms/$1.xlsx" ]; then echo "$CACHE/forms/$1.xlsx"; else echo "$CACHE/forms/$1.xls"; fi
}
answers_of() {
    if [ -f "$HERE/answers/$1.tsv" ]; then echo "$HERE/answers/$1.tsv"; else echo "$CACHE/forms/$1.answers.tsv"; fi
}

timing=(--warmup-secs "$WARMUP_SECS" --runs "$RUNS" --run-secs "$RUN_SECS")
for form in $FORMS; do
    say "pyxform: $(basename "$(sheet_of "$form")") -> $form.xml"
    "$CACHE/venv/bin/xls2xform" --skip_validate "$(sheet_of "$form")" "$CACHE/forms/$form.xml" >/dev/null
done
load_average() { cut -d' ' -f1-3 /proc/loadavg; }

# One pass: every form ROUNDS times on each engine, results in a new folder $RESULTS.
pass() {
    RESULTS="$CACHE/results/$(date -u +%Y%m%dT%H%M%SZ)"
    while [ -e "$RESULTS" ]; do sleep 1; RESULTS="$CACHE/results/$(date -u +%Y%m%dT%H%M%SZ)"; done
    mkdir -p "$RESULTS"
    {
        echo "commit: $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"
        echo "forms: $FORMS"
        echo "settings: WARMUP_SECS=$WARMUP_SECS RUNS=$RUNS RUN_SECS=$RUN_SECS ROUNDS=$ROUNDS JAVA_OPTS=$JAVA_OPTS"
        echo "started: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
        echo "load average before: $(load_average)"
    } > "$RESULTS/meta.txt"
    # Rounds alternate the engines, so both see the same background load on average.
    for round in $(seq "$ROUNDS"); do
        for form in $FORMS; do
            say "round $round/$ROUNDS, $form: Branchbook"
            bench fill "$(sheet_of "$form")" "$(answers_of "$form")" "${timing[@]}" \
                > "$RESULTS/$form.branchbook.$round.txt"
            say "round $round/$ROUNDS, $form: JavaRosa"
            # shellcheck disable=SC2086 # JAVA_OPTS is a list of flags
            java $JAVA_OPTS -cp "$CACHE/classes:$CACHE/lib/*" JavaRosaFill \
                "$CACHE/forms/$form.xml" "$(answers_of "$form")" "${timing[@]}" \
                > "$RESULTS/$form.javarosa.$round.txt"
            for key in answers instances; do
                ours="$(value "$RESULTS/$form.branchbook.$round.txt" $key)"
                theirs="$(value "$RESULTS/$form.javarosa.$round.txt" $key)"
                if [ "$ours" != "$theirs" ]; then
                    echo "$form: the engines did not fill the same ($key: Branchbook $ours, JavaRosa $theirs)" >&2
                    exit 1
                fi
            done
        done
    done

    {
        echo "ended: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
        echo "load average after: $(load_average)"
    } >> "$RESULTS/meta.txt"
}

# One table row per form and engine: `row FORM ENGINE KEY...` prints the best round's values.
row() {
    local form="$1" engine="$2" f v line
    f="$(best "$RESULTS" "$form" "$engine")"
    shift 2
    line="| $form | $engine |"
    for key in "$@"; do
        v="$(value "$f" "$key")"
        line="$line ${v:--} |"
    done
    echo "$line"
}
# The tables of pass folder $RESULTS.
tables() {
    echo
    echo "Same forms and answers; best of $ROUNDS processes per engine (highest fills per CPU-second), after ${WARMUP_SECS}s of warm-up."
    echo "load: Branchbook from the spreadsheet, JavaRosa from the XForm XML; load phone: Branchbook from its JSON, JavaRosa from"
    echo "Collect's FormDef cache (medians of 20). open: a new instance; answer: the engine's answer call with its"
    echo "re-evaluation (ours: set_answer, which also works out what changed on the page; JavaRosa: answerQuestion);"
    echo "answer+page: that call and the page brought up to date as the UI does (median and p99 over every answer of"
    echo "${RUN_SECS}s of fills); finalize: check everything and serialize the submission; fill: a full fill (open, every"
    echo "screen read, every answer, finalize), median of $RUNS runs of ${RUN_SECS}s."
    echo
    echo "| form | engine | answers | instances | load ms | load phone ms | open ms | answer µs | answer p99 µs | answer+page µs | answer+page p99 µs | finalize ms | fill ms | fills/CPU-s |"
    echo "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|"
    for form in $FORMS; do
        for engine in branchbook javarosa; do
            row "$form" "$engine" answers instances load_ms load_phone_ms open_ms answer_us answer_p99_us answer_ui_us \
                answer_ui_p99_us finalize_ms fill_ms fills_per_cpu_s
        done
    done
    echo
    echo "Cold: the first load or fill in a fresh process. RSS: peak resident memory of the process after its warm-up (before timings are kept); heap: the JVM heap"
    echo "in use after a GC with the form loaded and one instance filled."
    echo
    echo "| form | engine | load cold ms | fill cold ms | fills/s (wall) | peak RSS MiB | heap MiB |"
    echo "|---|---|--:|--:|--:|--:|--:|"
    for form in $FORMS; do
        for engine in branchbook javarosa; do
            row "$form" "$engine" load_cold_ms fill_cold_ms fills_per_s peak_rss_mib heap_used_mib
        done
    done
    echo
    echo "How many times faster (or smaller) Branchbook is than JavaRosa (below 1.0x: JavaRosa wins):"
    echo
    ratio_head
    for form in $FORMS; do
        echo "| $form |$(ratios "$RESULTS" "$form" | awk '{ printf " %.1fx |", $1 }')"
    done
    echo "Load average before and after: $(sed -n 's/^load average before: //p' "$RESULTS/meta.txt") / $(sed -n 's/^load average after: //p' "$RESULTS/meta.txt")"
    echo "Raw results: $RESULTS/"
}

passes=()
for p in $(seq "$PASSES"); do
    say "pass $p/$PASSES"
    pass
    tables
    passes+=("$RESULTS")
done
if [ "$PASSES" -gt 1 ]; then
    echo
    median_table "${passes[@]}"
    echo "Raw results: ${passes[*]}"
fi
