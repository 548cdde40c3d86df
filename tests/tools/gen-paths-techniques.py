#!/usr/bin/env python3
"""Regenerate share/stridec/paths/techniques.yaml, the privilege-escalation
techniques of the attack-path search (a maintainer tool; neither the build
nor the test suite runs it).

    python3 tests/tools/gen-paths-techniques.py PATHS_DIR [DATE]

PATHS_DIR: pathfinding.cloud's data/paths/ folder (DataDog/pathfinding.cloud,
    Apache-2.0), as kept in the project's shared reference folder:
    reference/iam/pathfinding/data/paths/ (commit 84dd65c9).
DATE: the date written in the header (default: today, UTC).

From each path file it takes the id, the name, the category, the required
permissions (in order), the service principals its prerequisites say the
passed role must trust, and the link to the path's page. What a technique
does in terms of a model (which resource each action must be allowed on, what
the attacker ends up as) is not in the source files in a form a program can
read: it is the SEMANTICS table below, one row per path, written from each
path's description and prerequisites. The script fails when a path of the
source has no row, or a row names an action the path does not require, so a
new pathfinding.cloud release cannot be half-imported.
"""
import datetime
import os
import re
import sys

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "share", "stridec", "paths", "techniques.yaml")
SOURCE = ("pathfinding.cloud (github.com/DataDog/pathfinding.cloud) commit 84dd65c9, "
          "data/paths/ (Apache-2.0; Copyright 2025-Present Datadog, Inc.)")

# yields:
#   passed-role    act as a role passed to a new resource of `service` (the
#                  role must trust the service principal)
#   resource-role  act as the identity of an existing element of `types`
#   target         act as another identity (`principal`: user or role)
#   admin-self     become administrator (the principal's own permissions)
#   admin-target   make another identity administrator and act as it
# on (per action, in the path's order; default "new"):
#   target         the identity acted as or changed
#   self           the acting principal's own ARN
#   self-policy    a customer managed policy attached to the acting principal
#   target-policy  a customer managed policy attached to the target
#   resource       the existing element
#   new            a resource the attacker creates or names (any resource)
# requires:
#   trust          the target's trust policy admits the acting principal
#                  (sts:AssumeRole is then needed on the target unless the
#                  trust names the principal itself)
#   triggered      the element is invoked by an event source of the model
# unsupported: why a model cannot show the technique (it stays listed).
P, T, S = "passed-role", "target", "admin-self"
SEMANTICS = {
    "apprunner-001": dict(yields=P, on={"iam:PassRole": "target"}),
    "apprunner-002": dict(yields="resource-role", types=["aws.apprunner"], on="resource"),
    "bedrock-001": dict(yields=P, on={"iam:PassRole": "target"}),
    "bedrock-002": dict(yields="resource-role", types=["aws.bedrock-agentcore"], on="resource"),
    "cloudformation-001": dict(yields=P, on={"iam:PassRole": "target"}),
    "cloudformation-002": dict(yields="resource-role", types=["aws.cloudformation"], on="resource"),
    "cloudformation-003": dict(yields=P, on={"iam:PassRole": "target"}),
    "cloudformation-004": dict(yields=P, on={"iam:PassRole": "target"}),
    "cloudformation-005": dict(yields="resource-role", types=["aws.cloudformation"], on="resource"),
    "codebuild-001": dict(yields=P, on={"iam:PassRole": "target"}),
    "codebuild-002": dict(yields="resource-role", types=["aws.codebuild"], on="resource"),
    "codebuild-003": dict(yields="resource-role", types=["aws.codebuild"], on="resource"),
    "codebuild-004": dict(yields=P, on={"iam:PassRole": "target"}),
    "datapipeline-001": dict(yields=P, on={"iam:PassRole": "target"}),
    "ec2instanceconnect-003": dict(yields="resource-role", types=["aws.ec2"],
                                   on={"ec2-instance-connect:SendSSHPublicKey": "resource"}),
    "ec2-001": dict(yields=P, on={"iam:PassRole": "target"}),
    "ec2-002": dict(yields="resource-role", types=["aws.ec2"], on="resource"),
    "ec2-003": dict(yields=P, on={"iam:PassRole": "target"}),
    "ec2-004": dict(yields="resource-role", types=["aws.ec2"], on="new",
                    unsupported="a model does not say which launch templates exist or which "
                                "role they reference"),
    "ecs-001": dict(yields=P, on={"iam:PassRole": "target"}),
    "ecs-002": dict(yields=P, on={"iam:PassRole": "target"}),
    "ecs-003": dict(yields=P, on={"iam:PassRole": "target"}),
    "ecs-004": dict(yields=P, on={"iam:PassRole": "target"}),
    "ecs-005": dict(yields=P, on={"iam:PassRole": "target"}),
    "glue-001": dict(yields=P, on={"iam:PassRole": "target"}),
    "glue-002": dict(yields="resource-role", types=["aws.glue"], on="resource"),
    "glue-003": dict(yields=P, on={"iam:PassRole": "target"}),
    "glue-004": dict(yields=P, on={"iam:PassRole": "target"}),
    "glue-005": dict(yields=P, on={"iam:PassRole": "target"}),
    "glue-006": dict(yields=P, on={"iam:PassRole": "target"}),
    "iam-001": dict(yields=S, principal="any", on="self-policy"),
    "iam-002": dict(yields=T, principal="user", on="target"),
    "iam-003": dict(yields=T, principal="user", on="target"),
    "iam-004": dict(yields=T, principal="user", on="target"),
    "iam-005": dict(yields=S, principal="role", on="self"),
    "iam-006": dict(yields=T, principal="user", on="target"),
    "iam-007": dict(yields=S, principal="user", on="self"),
    "iam-008": dict(yields=S, principal="user", on="self"),
    "iam-009": dict(yields=S, principal="role", on="self"),
    "iam-010": dict(yields=S, principal="user", on="new",
                    unsupported="a model has no IAM groups or group membership"),
    "iam-011": dict(yields=S, principal="user", on="new",
                    unsupported="a model has no IAM groups or group membership"),
    "iam-012": dict(yields=T, principal="role", on="target"),
    "iam-013": dict(yields=S, principal="user", on="new",
                    unsupported="a model has no IAM groups or group membership"),
    "iam-014": dict(yields="admin-target", principal="role", on="target", requires=["trust"]),
    "iam-015": dict(yields="admin-target", principal="user", on="target"),
    "iam-016": dict(yields="admin-target", principal="role",
                    on={"iam:CreatePolicyVersion": "target-policy", "sts:AssumeRole": "target"},
                    requires=["trust"]),
    "iam-017": dict(yields="admin-target", principal="role", on="target", requires=["trust"]),
    "iam-018": dict(yields="admin-target", principal="user", on="target"),
    "iam-019": dict(yields="admin-target", principal="role", on="target"),
    "iam-020": dict(yields="admin-target", principal="role",
                    on={"iam:CreatePolicyVersion": "target-policy",
                        "iam:UpdateAssumeRolePolicy": "target"}),
    "iam-021": dict(yields="admin-target", principal="role", on="target"),
    "lambda-001": dict(yields=P, on={"iam:PassRole": "target"}),
    "lambda-002": dict(yields=P, on={"iam:PassRole": "target"}),
    "lambda-003": dict(yields="resource-role", types=["aws.lambda"], on="resource",
                       requires=["triggered"]),
    "lambda-004": dict(yields="resource-role", types=["aws.lambda"], on="resource"),
    "lambda-005": dict(yields="resource-role", types=["aws.lambda"], on="resource"),
    "lambda-006": dict(yields=P, on={"iam:PassRole": "target"}),
    "sagemaker-001": dict(yields=P, on={"iam:PassRole": "target"}),
    "sagemaker-002": dict(yields=P, on={"iam:PassRole": "target"}),
    "sagemaker-003": dict(yields=P, on={"iam:PassRole": "target"}),
    "sagemaker-004": dict(yields="resource-role", types=["aws.sagemaker"], on="resource"),
    "sagemaker-005": dict(yields="resource-role", types=["aws.sagemaker"],
                          on={"sagemaker:CreateNotebookInstanceLifecycleConfig": "new",
                              "sagemaker:StopNotebookInstance": "resource",
                              "sagemaker:UpdateNotebookInstance": "resource",
                              "sagemaker:StartNotebookInstance": "resource"}),
    "ssm-001": dict(yields="resource-role", types=["aws.ec2"], on="resource"),
    "ssm-002": dict(yields="resource-role", types=["aws.ec2"], on="resource"),
    "sts-001": dict(yields=T, principal="role", on="target", requires=["trust"]),
}

# How to break each kind of technique (the cut a report shows). ACTIONS and
# SERVICE are filled per technique.
BREAK = {
    P: "Scope iam:PassRole to the one role the caller must pass, with an "
       "iam:PassedToService condition, or remove ACTIONS; keep permissions the caller "
       "must not have off the roles that trust SERVICE.",
    "resource-role": "Remove ACTIONS from the caller, or scope IT to resources whose "
                     "role is no more privileged than the caller.",
    T: "Remove ACTIONS on the target identity from the caller (or scope IT to other "
       "ARNs).",
    S: "Remove ACTIONS on the caller's own ARN and policies, and give the caller a "
       "permissions boundary that denies IAM changes.",
    "admin-target": "Remove ACTIONS on the target identity from the caller (or scope "
                    "IT to other ARNs): one of them alone does not escalate.",
}
BREAK_ID = {
    "sts-001": "Narrow the trust policy of the target role to the principals that must "
               "assume it (by ARN, with conditions), or remove sts:AssumeRole on it from "
               "the caller's policy.",
    "iam-012": "Remove iam:UpdateAssumeRolePolicy on the target role from the caller: "
               "whoever may rewrite a trust policy may assume the role.",
}


def q(s):
    """A YAML double-quoted scalar."""
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def main(argv):
    if len(argv) < 2:
        sys.stderr.write(__doc__)
        return 2
    date = argv[2] if len(argv) > 2 else datetime.datetime.utcnow().strftime("%Y-%m-%d")
    paths = []
    for dirpath, _, files in os.walk(argv[1]):
        for f in files:
            if f.endswith(".yaml"):
                with open(os.path.join(dirpath, f), encoding="utf-8") as fh:
                    paths.append(yaml.safe_load(fh))
    paths.sort(key=lambda d: d["id"])
    ids = {d["id"] for d in paths}
    missing = ids - set(SEMANTICS)
    extra = set(SEMANTICS) - ids
    if missing or extra:
        raise SystemExit("SEMANTICS out of date: missing %s, unknown %s" %
                         (sorted(missing), sorted(extra)))
    out = []
    out.append("# Privilege-escalation techniques for the attack-path search (src/engine/paths*.c,")
    out.append("# share/stridec/doc/attack-paths.md). GENERATED by tests/tools/gen-paths-techniques.py")
    out.append("# on %s from %s." % (date, SOURCE))
    out.append("# Do not edit by hand: change the script's SEMANTICS table and regenerate.")
    out.append("#")
    out.append("#   id, name, category   as pathfinding.cloud gives them")
    out.append("#   yields               passed-role | resource-role | target | admin-self | admin-target")
    out.append("#   service              passed-role: the service principal the passed role must trust")
    out.append("#   types                resource-role: element types whose identity is taken over")
    out.append("#   principal            the kind of identity acted on (target) or acting (admin-self):")
    out.append("#                        user, role or any")
    out.append("#   actions              the required permissions, each with the resource it must be")
    out.append("#                        allowed on: target, self, self-policy, target-policy, resource, new")
    out.append("#   requires             trust (the target's trust policy admits the caller), triggered")
    out.append("#                        (the element has an event source in the model)")
    out.append("#   unsupported          why a model cannot show it (the search skips it)")
    out.append("#   break                how to break it")
    out.append("#   reference            the technique's page")
    out.append("")
    out.append("version: 1")
    out.append("source: %s" % q(SOURCE))
    out.append("generated: %s" % q(date))
    out.append("")
    out.append("techniques:")
    for d in paths:
        sem = SEMANTICS[d["id"]]
        req = [p["permission"] for p in d["permissions"]["required"]]
        on = sem.get("on", "new")
        if isinstance(on, dict):
            for a in on:
                if a not in req:
                    raise SystemExit("%s: SEMANTICS names %s, not a required permission" %
                                     (d["id"], a))
            ons = [on.get(a, "new") for a in req]
        else:
            ons = [on] * len(req)
        yields = sem["yields"]
        service = None
        if yields == P:
            pre = yaml.safe_dump(d.get("prerequisites"))
            svcs = sorted(set(re.findall(r"([a-z0-9-]+(?:\.[a-z0-9-]+)*\.amazonaws\.com)", pre)))
            # cloudformation-004's prerequisites name no principal: its
            # service's own (stack sets run as roles CloudFormation assumes)
            service = svcs[0] if svcs else d["id"].split("-")[0] + ".amazonaws.com"
            if d["id"].startswith("datapipeline"):
                service = "datapipeline.amazonaws.com"
        others = [a for a, o in zip(req, ons) if a != "iam:PassRole"] or req
        brk = BREAK_ID.get(d["id"], BREAK[yields])
        named = others if yields == P else req
        brk = brk.replace("ACTIONS", " + ".join(named))
        brk = brk.replace(" IT ", " them " if len(named) > 1 else " it ")
        if service:
            brk = brk.replace("SERVICE", service)
        out.append("  - id: %s" % d["id"])
        out.append("    name: %s" % q(d["name"]))
        out.append("    category: %s" % d["category"])
        out.append("    yields: %s" % yields)
        if service:
            out.append("    service: %s" % service)
        if sem.get("types"):
            out.append("    types: [%s]" % ", ".join(sem["types"]))
        if sem.get("principal"):
            out.append("    principal: %s" % sem["principal"])
        out.append("    actions:")
        for a, o in zip(req, ons):
            out.append("      - {action: %s, on: %s}" % (q(a), o))
        if sem.get("requires"):
            out.append("    requires: [%s]" % ", ".join(sem["requires"]))
        if sem.get("unsupported"):
            out.append("    unsupported: %s" % q(sem["unsupported"]))
        out.append("    break: %s" % q(brk))
        out.append("    reference: %s" % q("https://pathfinding.cloud/paths/" + d["id"]))
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w", encoding="utf-8") as f:
        f.write("\n".join(out) + "\n")
    print("wrote %s (%d techniques)" % (OUT, len(paths)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
