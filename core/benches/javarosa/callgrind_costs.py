"""Instructions per call of the fill's steps, from a callgrind output file (callgrind.sh).

Usage: callgrind_costs.py CALLGRIND.OUT FORM -> one Markdown table row (fills counted
from the calls of `fill_and_keep`).

A function's inclusive cost and call count are summed over every call site that calls
it (`cfn=` / `calls=` and the cost line after them), so they hold wherever it is called
from. A step inlined into its caller has no call site: it shows as "-".
"""

import re
import sys

STEPS = {
    "fill": "javarosa::fill_and_keep",
    "set_answer": "FormSession::set_answer",
    "apply": "javarosa::apply",
    "screen": "FormSession::screen",
    "next": "FormSession::next",
    "finalize": "FormSession::finalize",
}


def costs(path):
    """{function name: [calls, inclusive instructions]} over every call site."""
    names = {}
    out = {}
    callee = None
    pending = None
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            line = line.rstrip("\n")
            m = re.match(r"c?fn=\((\d+)\)(?: (.*))?$", line)
            if m:
                if m.group(2):
                    names[m.group(1)] = m.group(2)
                if line.startswith("cfn="):
                    callee = names.get(m.group(1), "")
                continue
            m = re.match(r"calls=(\d+)", line)
            if m:
                pending = (callee, int(m.group(1)))
                continue
            if pending and line and (line[0].isdigit() or line[0] in "+-*"):
                parts = line.split()
                entry = out.setdefault(pending[0], [0, 0])
                entry[0] += pending[1]
                entry[1] += int(parts[1]) if len(parts) > 1 else 0
                pending = None
    return out


def per_call(table, key):
    """(calls, instructions per call) of the step, summed over its symbols."""
    calls = total = 0
    for name, (c, t) in table.items():
        # The step itself, not closures or functions nested in it.
        base = re.sub(r"::h[0-9a-f]{16}$", "", name.split(" ")[0])
        if base.endswith(STEPS[key]):
            calls += c
            total += t
    return calls, (total / calls if calls else None)


def main():
    path, form = sys.argv[1], sys.argv[2]
    table = costs(path)
    steps = {k: per_call(table, k) for k in STEPS}
    fmt = lambda v: "-" if v is None else f"{v:,.0f}"
    answer_calls, answer = steps["set_answer"]
    apply_calls, apply = steps["apply"]
    page = None
    if answer is not None and apply is not None:
        page = (answer * answer_calls + apply * apply_calls) / answer_calls
    row = [form, str(steps["fill"][0]), fmt(steps["fill"][1]), fmt(answer), fmt(page)]
    row += [fmt(steps[k][1]) for k in ("screen", "next", "finalize")]
    print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
