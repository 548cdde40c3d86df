#!/usr/bin/env python3
"""Regenerate the IAM module's policy tables (a maintainer tool; neither the
build nor the test suite runs it).

    python3 tests/tools/gen-iam-data.py MANAGED_JSON SAM_JSON [DATE]

MANAGED_JSON: the statements of every AWS managed policy as
    {name: {"version": ..., "statements": [...]}} (the z0ph/MAMIP tracker's
    data, as kept in the project's shared reference folder:
    reference/iam/aws-managed-policies.json).
SAM_JSON: SAM's policy templates, samtranslator/policy_templates_data/
    policy_templates.json of aws/serverless-application-model.
DATE: the date written in the header lines (default: today, UTC).

Writes share/stridec/iam/managed-policies.jsonl and
share/stridec/iam/sam-policy-templates.jsonl: JSON Lines, one policy or
template per line, sorted by name (bytewise), after one header line that
names the source. The C side (src/iam/policies.c) finds a line by binary
search and parses only that line, so a lookup costs one small JSON parse.

Every managed policy is kept (1,388 in the 2025-02-22 data): that covers at
least every policy touching a service of the type catalogue and the broad
ones (AdministratorAccess, PowerUserAccess, ReadOnlyAccess, *FullAccess), and
it leaves "unknown policy" warnings for customer managed policies only.
"""
import datetime
import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "share", "stridec", "iam")

MANAGED_SOURCE = ("AWS managed IAM policies, default versions, from the z0ph/MAMIP tracker "
                  "(github.com/z0ph/MAMIP) commit de4971a4, 2025-02-22")
SAM_SOURCE = ("SAM policy templates from aws/serverless-application-model commit 7000d0a3, "
              "samtranslator/policy_templates_data/policy_templates.json (Apache-2.0)")


def dump(obj):
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False, sort_keys=False)


def main(argv):
    if len(argv) < 3:
        sys.stderr.write(__doc__)
        return 2
    date = argv[3] if len(argv) > 3 else datetime.datetime.utcnow().strftime("%Y-%m-%d")
    with open(argv[1], encoding="utf-8") as f:
        managed = json.load(f)
    with open(argv[2], encoding="utf-8") as f:
        sam = json.load(f)["Templates"]

    names = sorted(managed, key=lambda s: s.encode("utf-8"))
    for n in names:
        if '"' in n or "\\" in n or "\n" in n:
            raise SystemExit("policy name needs escaping: %r" % n)
    lines = [dump({"source": MANAGED_SOURCE, "generated_by": "tests/tools/gen-iam-data.py",
                   "generated": date, "count": len(names)})]
    for n in names:
        p = managed[n]
        lines.append(dump({"name": n, "version": p.get("version", ""),
                           "statements": p["statements"]}))
    with open(os.path.join(OUT, "managed-policies.jsonl"), "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")

    tnames = sorted(sam, key=lambda s: s.encode("utf-8"))
    lines = [dump({"source": SAM_SOURCE, "generated_by": "tests/tools/gen-iam-data.py",
                   "generated": date, "count": len(tnames)})]
    for n in tnames:
        t = sam[n]
        lines.append(dump({"name": n, "description": t.get("Description", ""),
                           "parameters": sorted(t.get("Parameters", {})),
                           "definition": t["Definition"]}))
    with open(os.path.join(OUT, "sam-policy-templates.jsonl"), "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    print("%d managed policies, %d SAM templates" % (len(names), len(tnames)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
