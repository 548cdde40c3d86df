#!/usr/bin/env python3
"""Write tests/rules/<RULE-ID>/pos.yaml and neg.yaml for the serverless rule pack.

Each case is a minimal model that triggers the rule (pos: the first line says
`# expect: RULE-ID@TARGET`) and the same model with the weakness fixed (neg:
the rule must not fire on any target). tests/unit/test_rulepack.c runs every
folder through the whole engine with the built-in rules and
tests/advisories/ as the OSV folder.

Run from the source tree after changing a case: python3 tests/tools/rule_tests.py
The written files are the tests; this script only keeps them consistent.
"""
import copy
import json
import os
import sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
OUT = os.path.join(ROOT, "tests", "rules")


def q(v):
    """A YAML flow value (JSON is valid YAML flow syntax)."""
    return json.dumps(v)


def el(id, type, boundary="aws", **kw):
    e = {"id": id, "type": type}
    if boundary:
        e["boundary"] = boundary
    e.update(kw)
    return e


def model(title, elements=(), flows=(), identities=(), artifacts=()):
    return {
        "title": title,
        "elements": list(elements),
        "flows": list(flows),
        "identities": list(identities),
        "artifacts": list(artifacts),
    }


def render(rule, expect, m):
    lines = []
    if expect:
        lines.append("# expect: %s" % expect)
    else:
        lines.append("# expect-none: %s" % rule)
    lines.append("stridec: 1")
    lines.append("system: {name: %s}" % q(m["title"]))
    lines.append("data:")
    lines.append("  - {id: pii, name: Customer data, classification: confidential}")
    lines.append("  - {id: keys, name: Deploy keys, classification: restricted}")
    lines.append("boundaries:")
    lines.append("  - {id: internet, type: internet}")
    lines.append("  - {id: aws, type: cloud-account}")
    lines.append("  - {id: cicd, type: ci-cd}")
    for key in ("elements", "flows", "identities", "artifacts"):
        if not m[key]:
            continue
        lines.append("%s:" % key)
        for item in m[key]:
            lines.append("  - " + q(item))
    return "\n".join(lines) + "\n"


CASES = []


def case(rule, target, pos, neg, files=None):
    CASES.append((rule, target, pos, neg, files or {}))


def props_case(rule, type, pos_props, neg_props, extra_el=None, target="x", **elkw):
    """An element rule whose weakness is a set of props."""
    base = dict(elkw)
    pe = el(target, type, props=pos_props, **base)
    ne = el(target, type, props=neg_props, **base)
    extra = extra_el or []
    case(rule, target, model(rule + " pos", [pe] + extra), model(rule + " neg", [ne] + extra))


# ---------------------------------------------------------------- S3
S3_SAFE = {"public_read": False, "public_write": False, "block_public_access": True,
           "encryption": "kms", "versioning": True, "tls_only": True, "logging": True}


def s3(**kw):
    p = dict(S3_SAFE)
    p.update(kw)
    return p


props_case("S3-PUBLIC-ACL", "aws.s3", s3(public_read=True), s3())
props_case("S3-PUBLIC-WRITE", "aws.s3", s3(public_write=True), s3())
props_case("S3-PAB-OFF", "aws.s3", {k: v for k, v in S3_SAFE.items() if k != "block_public_access"}, s3())
props_case("S3-POLICY-PUBLIC", "aws.s3", s3(policy_principals=["*"]),
           s3(policy_principals=["*"], policy_conditions=True))
props_case("S3-SENSITIVE-PUBLIC", "aws.s3", s3(public_read=True), s3(), data=["pii"])
props_case("S3-NO-ENCRYPTION", "aws.s3", s3(encryption="none"), s3())
props_case("S3-NO-CMK", "aws.s3", s3(encryption="sse-s3"), s3(), data=["pii"])
props_case("S3-NO-VERSIONING", "aws.s3", s3(versioning=False), s3())
props_case("S3-NO-TLS-POLICY", "aws.s3", s3(tls_only=False), s3())
props_case("S3-NO-LOGGING", "aws.s3", s3(logging=False), s3())
props_case("S3-CORS-WRITE-ANY", "aws.s3", s3(cors_origins=["*"], cors_methods=["GET", "PUT"]),
           s3(cors_origins=["https://app.example.com"], cors_methods=["GET", "PUT"]))
props_case("S3-WEBSITE-HTTP", "aws.s3", s3(website=True), s3(website=False))
case("S3-WRITE-TO-PUBLIC", "export",
     model("pos", [el("fn", "aws.lambda"), el("bucket", "aws.s3", props=s3(public_read=True))],
           [{"id": "export", "from": "fn", "to": "bucket", "data": ["pii"]}]),
     model("neg", [el("fn", "aws.lambda"), el("bucket", "aws.s3", props=s3())],
           [{"id": "export", "from": "fn", "to": "bucket", "data": ["pii"]}]))

# ------------------------------------------------------- API Gateway
API_SAFE = {"authorizer": "cognito", "waf": True, "throttling": True, "logging": True,
            "tracing": True, "validates_input": True, "tls_policy": "TLS_1_2",
            "cors_origins": ["https://app.example.com"]}


def api(**kw):
    p = dict(API_SAFE)
    p.update(kw)
    return p


props_case("APIGW-METHOD-NOAUTH", "aws.apigateway", api(authorizer="none"), api())
props_case("APIGW-API-KEY-ONLY", "aws.apigateway", api(authorizer="api-key"), api())
props_case("APIGW-RESPOLICY-OPEN", "aws.apigateway", api(resource_policy_cross_account=True),
           api(resource_policy_cross_account=True, policy_conditions=True))
props_case("APIGW-NO-WAF", "aws.apigateway", api(waf=False), api())
props_case("APIGW-NO-THROTTLE", "aws.apigateway", api(throttling=False), api())
props_case("APIGW-NO-ACCESSLOG", "aws.apigateway", api(logging=False), api())
props_case("APIGW-NO-TRACING", "aws.apigateway", api(tracing=False), api())
props_case("APIGW-NO-VALIDATION", "aws.apigateway", api(validates_input=False), api())
props_case("APIGW-STAGE-DATA-LEAK", "aws.apigateway", api(data_trace=True),
           api(data_trace=False, caching=True, cache_encrypted=True))
props_case("APIGW-OLD-TLS", "aws.apigateway", api(tls_policy="TLS_1_0"), api())
props_case("CORS-ANY", "aws.apigateway", api(cors_origins=["*"]), api())
case("APIGW-WEBHOOK-UNSIGNED", "hook",
     model("pos", [el("vendor", "third-party.api", boundary="internet"), el("api", "aws.apigateway", props=api())],
           [{"id": "hook", "from": "vendor", "to": "api", "protocol": "https", "authenticated": False,
             "props": {"signed": False}}]),
     model("neg", [el("vendor", "third-party.api", boundary="internet"), el("api", "aws.apigateway", props=api())],
           [{"id": "hook", "from": "vendor", "to": "api", "protocol": "https", "authenticated": False,
             "props": {"signed": True}}]))

# ------------------------------------------------------------ Lambda
FN_SAFE = {"runtime": "nodejs20.x", "reserved_concurrency": 10, "timeout": 10, "memory": 256,
           "dlq": True, "tracing": True, "logging": True, "env_vars": True, "env_kms": True,
           "env_secrets": False, "code_signing": True, "validates_input": True}


def fn(**kw):
    p = dict(FN_SAFE)
    p.update(kw)
    return p


props_case("LAMBDA-PERM-PUBLIC", "aws.lambda", fn(invoke_principals=["*"], invoke_source_arn=True),
           fn(invoke_principals=["apigateway.amazonaws.com"], invoke_source_arn=True))
props_case("LAMBDA-PERM-NO-SOURCE", "aws.lambda", fn(invoke_principals=["s3.amazonaws.com"]),
           fn(invoke_principals=["s3.amazonaws.com"], invoke_source_arn=True))
props_case("LAMBDA-URL-NOAUTH", "aws.lambda", fn(function_url=True, function_url_auth="none"),
           fn(function_url=True, function_url_auth="iam"))
props_case("LAMBDA-NO-CONCURRENCY", "aws.lambda", {k: v for k, v in FN_SAFE.items() if k != "reserved_concurrency"}, fn())
props_case("LAMBDA-LONG-TIMEOUT", "aws.lambda", fn(timeout=900), fn(timeout=30))
props_case("LAMBDA-NO-DLQ", "aws.lambda", fn(dlq=False), fn())
props_case("LAMBDA-NO-TRACING", "aws.lambda", fn(tracing=False), fn())
props_case("LAMBDA-NO-LOGGING", "aws.lambda", fn(logging=False), fn())
props_case("LAMBDA-ENV-SECRETS", "aws.lambda", fn(env_secrets=True), fn())
props_case("LAMBDA-ENV-NOKMS", "aws.lambda", fn(env_kms=False), fn())
props_case("LAMBDA-OLD-RUNTIME", "aws.lambda", fn(runtime="nodejs12.x"), fn(runtime="nodejs20.x"))
props_case("LAMBDA-THIRD-PARTY-LAYER", "aws.lambda",
           fn(layers=["arn:aws:lambda:eu-west-1:999988887777:layer:x:1"], third_party_layers=True),
           fn(layers=["arn:aws:lambda:eu-west-1:111122223333:layer:x:1"], third_party_layers=False))
props_case("LAMBDA-NO-CODE-SIGNING", "aws.lambda", fn(code_signing=False), fn())

# --------------------------------------------------------- messaging
props_case("SQS-POLICY-PUBLIC", "aws.sqs", {"encryption": "kms", "dlq": True, "policy_principals": ["*"]},
           {"encryption": "kms", "dlq": True, "policy_principals": ["*"], "policy_conditions": True})
props_case("SQS-NO-SSE", "aws.sqs", {"encryption": "none", "dlq": True}, {"encryption": "sqs-managed", "dlq": True})
props_case("SQS-NO-DLQ", "aws.sqs", {"encryption": "kms", "dlq": False}, {"encryption": "kms", "dlq": True})
props_case("SNS-POLICY-PUBLIC", "aws.sns", {"encryption": "kms", "policy_principals": ["*"]},
           {"encryption": "kms", "policy_principals": ["111122223333"]})
props_case("SNS-NO-KMS", "aws.sns", {}, {"encryption": "kms"})
props_case("SNS-HTTP-SUB", "aws.sns", {"encryption": "kms", "subscription_protocols": ["email", "http"]},
           {"encryption": "kms", "subscription_protocols": ["email", "https"]})
SES_SAFE = {"tls_required": True, "dkim": True}
props_case("SES-IDENTITY-PUBLIC", "aws.ses", dict(SES_SAFE, identity_policy_principals=["*"]),
           dict(SES_SAFE, identity_policy_principals=["arn:aws:iam::111122223333:role/mailer"]))
props_case("SES-NO-TLS", "aws.ses", dict(SES_SAFE, tls_required=False), SES_SAFE)
props_case("SES-NO-DKIM", "aws.ses", {"tls_required": True}, SES_SAFE)


def role(id, statements, type="aws.iam.role"):
    return {"id": id, "type": type, "statements": statements}


def used_by(id, identity):
    return el(id, "aws.lambda", identity=identity, props=fn())


case("SES-SEND-ANY", "mailer",
     model("pos", [used_by("fn", "mailer")],
           identities=[role("mailer", [{"effect": "allow", "actions": ["ses:SendEmail"], "resources": ["*"]}])]),
     model("neg", [used_by("fn", "mailer")],
           identities=[role("mailer", [{"effect": "allow", "actions": ["ses:SendEmail"],
                                        "resources": ["arn:aws:ses:eu-west-1:111122223333:identity/shop.example.com"]}])]))

# -------------------------------------------------------------- data
props_case("DDB-NO-CMK", "aws.dynamodb", {"encryption": "aws-owned", "point_in_time_recovery": True, "deletion_protection": True},
           {"encryption": "kms", "point_in_time_recovery": True, "deletion_protection": True})
props_case("DDB-NO-PITR", "aws.dynamodb", {"encryption": "kms", "deletion_protection": True},
           {"encryption": "kms", "point_in_time_recovery": True, "deletion_protection": True})
props_case("DDB-NO-DELETION-PROTECTION", "aws.dynamodb", {"encryption": "kms", "point_in_time_recovery": True, "deletion_protection": False},
           {"encryption": "kms", "point_in_time_recovery": True, "deletion_protection": True})
props_case("DDB-RESPOLICY-XACCT", "aws.dynamodb", {"encryption": "kms", "policy_principals": ["*"]},
           {"encryption": "kms", "policy_principals": ["*"], "policy_conditions": True})
props_case("KMS-NO-ROTATION", "aws.kms", {"key_rotation": False}, {"key_rotation": True})
props_case("KMS-POLICY-PUBLIC", "aws.kms", {"key_rotation": True, "policy_principals": ["*"]},
           {"key_rotation": True, "policy_principals": ["arn:aws:iam::111122223333:root"]})
props_case("SECRETS-NO-ROTATION", "aws.secretsmanager", {"encryption": "kms"}, {"encryption": "kms", "rotation": True})
props_case("SECRETS-NO-CMK", "aws.secretsmanager", {"rotation": True}, {"encryption": "kms", "rotation": True})
props_case("SECRETS-POLICY-PUBLIC", "aws.secretsmanager", {"encryption": "kms", "rotation": True, "policy_principals": ["*"]},
           {"encryption": "kms", "rotation": True, "policy_principals": ["arn:aws:iam::111122223333:role/app"]})

# ---------------------------------------------------------- identity
OWN = "arn:aws:s3:::own-bucket/*"
LEAST = [{"effect": "allow", "actions": ["s3:GetObject"], "resources": [OWN]}]


def iam_case(rule, pos_st, neg_st, type="aws.iam.role", users=1):
    els = [used_by("fn%d" % i, "r") for i in range(users)]
    case(rule, "r", model("pos", els, identities=[role("r", pos_st, type)]),
         model("neg", els, identities=[role("r", neg_st, type)]))


iam_case("IAM-ADMIN", [{"effect": "allow", "actions": ["*"], "resources": ["*"]}], LEAST)
iam_case("IAM-ACTION-STAR", [{"effect": "allow", "actions": ["s3:*"], "resources": [OWN]}], LEAST)
iam_case("IAM-RESOURCE-STAR", [{"effect": "allow", "actions": ["s3:GetObject"], "resources": ["*"]}], LEAST)
iam_case("IAM-PRIVESC", [{"effect": "allow", "actions": ["iam:PassRole", "lambda:CreateFunction"], "resources": ["*"]}],
         [{"effect": "allow", "actions": ["iam:PassRole"], "resources": ["arn:aws:iam::111122223333:role/exec"]}])
iam_case("IAM-TRUST-PUBLIC", LEAST + [{"effect": "allow", "actions": ["sts:AssumeRole"], "principals": ["*"]}],
         LEAST + [{"effect": "allow", "actions": ["sts:AssumeRole"], "principals": ["*"],
                   "conditions": [{"test": "StringEquals", "variable": "aws:PrincipalOrgID", "values": ["o-abc123"]}]}])
iam_case("IAM-CROSS-ACCOUNT",
         LEAST + [{"effect": "allow", "actions": ["sts:AssumeRole"], "principals": ["arn:aws:iam::999988887777:root"]}],
         [{"effect": "allow", "actions": ["s3:GetObject"], "resources": ["arn:aws:s3:::own-bucket/*"]},
          {"effect": "allow", "actions": ["sqs:SendMessage"], "resources": ["arn:aws:sqs:eu-west-1:111122223333:q"]},
          {"effect": "allow", "actions": ["sts:AssumeRole"], "principals": ["arn:aws:iam::111122223333:root"]}])
iam_case("IAM-NOT-ACTION", [{"effect": "allow", "not_actions": ["iam:*"], "resources": [OWN]}], LEAST)
iam_case("IAM-SHARED-ROLE", LEAST, LEAST, users=2)
# The shared-role neg needs one user only: patch below.
iam_case("IAM-CONFUSED-DEPUTY", LEAST + [{"effect": "allow", "actions": ["sts:AssumeRole"], "principals": ["lambda.amazonaws.com"],
                                           "conditions": [{"test": "IpAddress", "variable": "aws:SourceIp", "values": ["10.0.0.0/8"]}]}],
         LEAST + [{"effect": "allow", "actions": ["sts:AssumeRole"], "principals": ["lambda.amazonaws.com"],
                   "conditions": [{"test": "StringEquals", "variable": "aws:SourceAccount", "values": ["111122223333"]}]},
                  {"effect": "allow", "actions": ["sts:AssumeRole"], "principals": ["arn:aws:iam::111122223333:root"]}])
iam_case("IAM-USER-ACCESS-KEY", LEAST, LEAST)  # neg patched to a role below
GH = "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"
iam_case("IAM-GH-OIDC",
         [{"effect": "allow", "actions": ["sts:AssumeRoleWithWebIdentity"], "principals": [GH],
           "conditions": [{"test": "StringEquals", "variable": "token.actions.githubusercontent.com:aud", "values": ["sts.amazonaws.com"]}]}],
         [{"effect": "allow", "actions": ["sts:AssumeRoleWithWebIdentity"], "principals": [GH],
           "conditions": [{"test": "StringEquals", "variable": "token.actions.githubusercontent.com:aud", "values": ["sts.amazonaws.com"]},
                          {"test": "StringEquals", "variable": "token.actions.githubusercontent.com:sub", "values": ["repo:org/app:ref:refs/heads/main"]}]}])
case("IAM-UNUSED-IDENTITY", "r",
     model("pos", [el("fn", "aws.lambda", props=fn())], identities=[role("r", LEAST)]),
     model("neg", [used_by("fn", "r")], identities=[role("r", LEAST)]))

COG_SAFE = {"unauthenticated_identities": False, "mfa": "on", "password_min_length": 14}
props_case("COGNITO-GUEST", "aws.cognito", dict(COG_SAFE, unauthenticated_identities=True), COG_SAFE)
props_case("COGNITO-NO-MFA", "aws.cognito", dict(COG_SAFE, mfa="optional"), COG_SAFE)
props_case("COGNITO-WEAK-PASSWORD", "aws.cognito", dict(COG_SAFE, password_min_length=8), COG_SAFE)

# -------------------------------------------------------- monitoring
case("MGMT-PLANE-ENTRY", "t",
     model("pos", [el("t", "aws.dynamodb", data=["pii"], props={"encryption": "kms"})]),
     model("neg", [el("t", "aws.dynamodb", data=["pii"], props={"encryption": "kms", "ruled_out_entry_points": ["*"]})]))
CT_SAFE = {"data_events": True, "multi_region": True, "log_validation": True, "encryption": "kms"}
props_case("CT-NO-DATA-EVENTS", "aws.cloudtrail", dict(CT_SAFE, data_events=False), CT_SAFE)
props_case("CT-NOT-MULTI-REGION", "aws.cloudtrail", dict(CT_SAFE, multi_region=False), CT_SAFE)
props_case("CT-NO-LOG-VALIDATION", "aws.cloudtrail", dict(CT_SAFE, log_validation=False), CT_SAFE)
props_case("CW-NO-CMK", "aws.cloudwatch", {"retention_days": 90, "encryption": "aws-owned"},
           {"retention_days": 90, "encryption": "kms"}, data=["pii"])
props_case("CW-NO-RETENTION", "aws.cloudwatch", {"encryption": "kms"}, {"encryption": "kms", "retention_days": 90})
case("MON-NO-CLOUDTRAIL", "model",
     model("pos", [el("fn", "aws.lambda", props=fn()), el("logs", "aws.cloudwatch")]),
     model("neg", [el("fn", "aws.lambda", props=fn()), el("logs", "aws.cloudwatch"), el("trail", "aws.cloudtrail", props=CT_SAFE)]))
case("MON-NO-ALERTING", "model",
     model("pos", [el("fn", "aws.lambda", props=fn()), el("trail", "aws.cloudtrail", props=CT_SAFE)]),
     model("neg", [el("fn", "aws.lambda", props=fn()), el("trail", "aws.cloudtrail", props=CT_SAFE), el("logs", "aws.cloudwatch")]))

# -------------------------------------------------------------- CI/CD
CI_SAFE = {"stores_credentials": False, "deploy_mode": "push", "oidc": True, "branch_protection": True,
           "required_reviews": 1, "self_hosted_runners": False}


def ci(**kw):
    p = dict(CI_SAFE)
    p.update(kw)
    return p


props_case("CICD-STORED-CREDENTIALS", "ci.jenkins", ci(stores_credentials=True), ci(), boundary="cicd")
props_case("CICD-NO-BRANCH-PROTECTION", "ci.github-actions", ci(branch_protection=False), ci(), boundary="cicd")
props_case("CICD-NO-REVIEW", "ci.jenkins", ci(required_reviews=0), ci(), boundary="cicd")
props_case("CICD-SELF-HOSTED-RUNNERS", "ci.jenkins", ci(self_hosted_runners=True), ci(), boundary="cicd")
REPO_SAFE = {"visibility": "private", "branch_protection": True, "required_reviews": 1, "secret_scanning": True}
props_case("SCM-PUBLIC-REPO", "scm.github", dict(REPO_SAFE, visibility="public"), REPO_SAFE, boundary="cicd")
props_case("SCM-NO-SECRET-SCANNING", "scm.github", dict(REPO_SAFE, secret_scanning=False), REPO_SAFE, boundary="cicd")
case("CICD-PUSH-DEPLOY", "deploy",
     model("pos", [el("ci", "ci.jenkins", boundary="cicd", props=ci(oidc=False)), el("fn", "aws.lambda", props=fn())],
           [{"id": "deploy", "from": "ci", "to": "fn", "protocol": "aws-api"}]),
     model("neg", [el("ci", "ci.jenkins", boundary="cicd", props=ci(oidc=True)), el("fn", "aws.lambda", props=fn())],
           [{"id": "deploy", "from": "ci", "to": "fn", "protocol": "aws-api"}]))
case("CICD-ADMIN-IDENTITY", "ci",
     model("pos", [el("ci", "ci.github-actions", boundary="cicd", identity="deployer", props=ci())],
           identities=[role("deployer", [{"effect": "allow", "actions": ["iam:PassRole"], "resources": ["*"]}])]),
     model("neg", [el("ci", "ci.github-actions", boundary="cicd", identity="deployer", props=ci())],
           identities=[role("deployer", [{"effect": "allow", "actions": ["iam:PassRole"],
                                          "resources": ["arn:aws:iam::111122223333:role/cfn-exec"]}])]))

props_case("CB-PRIVILEGED", "aws.codebuild", {"privileged_mode": True, "encryption": "kms", "logging": True},
           {"privileged_mode": False, "encryption": "kms", "logging": True}, boundary="cicd")
props_case("CB-BUILDSPEC-REPO", "aws.codebuild", {"buildspec_in_repo": True, "encryption": "kms", "logging": True},
           {"buildspec_in_repo": False, "encryption": "kms", "logging": True}, boundary="cicd")
props_case("CB-CRYPTO-LOGS", "aws.codebuild", {"encryption": "kms"}, {"encryption": "kms", "logging": True},
           boundary="cicd")
props_case("CP-WEBHOOK-SECRET", "aws.codepipeline", {"encryption": "kms", "webhook_secret_plaintext": True},
           {"encryption": "kms", "webhook_secret_plaintext": False}, boundary="cicd")
props_case("CP-ARTIFACTS", "aws.codepipeline", {"encryption": "aws-managed"}, {"encryption": "kms"}, boundary="cicd")


def art(id, **kw):
    a = {"id": id, "name": id, "owner": "platform-team", "origin": "in-house"}
    a.update(kw)
    return a


case("ARTIFACT-NO-OWNER", "script",
     model("pos", artifacts=[{"id": "script", "type": "deployment-script", "origin": "in-house"}]),
     model("neg", artifacts=[{"id": "script", "type": "deployment-script", "origin": "in-house", "owner": "platform-team"}]))
case("CICD-LONG-LIVED-CREDENTIAL", "key",
     model("pos", artifacts=[art("key", type="credential")]),
     model("neg", artifacts=[art("key", type="credential", props={"short_lived": True})]))
case("CICD-ARTIFACT-UNSCANNED", "cfg",
     model("pos", artifacts=[art("cfg", type="config", path="files/missing.json")]),
     model("neg", artifacts=[art("cfg", type="config", path="files/present.json")]),
     files={"files/present.json": '{"region": "eu-west-1", "apiUrl": "https://api.example.com"}\n'})
# The AWS documentation's example key pair: not a live credential.
AWS_KEY_FILE = ("#!/bin/sh\n# deploy script\nexport AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE\n"
                "export AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\nsls deploy --stage prod\n")
CLEAN_FILE = ("#!/bin/sh\n# deploy script: credentials come from the CI role (OIDC)\n"
              "export AWS_REGION=eu-west-1\nexport AWS_ACCESS_KEY_ID=${AWS_ACCESS_KEY_ID}\nsls deploy --stage prod\n")
case("CICD-SECRET-CLOUD-KEY", "deploy",
     model("pos", artifacts=[art("deploy", type="deployment-script", path="files/deploy-leaky.sh")]),
     model("neg", artifacts=[art("deploy", type="deployment-script", path="files/deploy-clean.sh")]),
     files={"files/deploy-leaky.sh": AWS_KEY_FILE, "files/deploy-clean.sh": CLEAN_FILE})
TOKEN_FILE = ("name: ci\non: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    env:\n"
              "      GH_TOKEN: ghp_0123456789abcdefghijABCDEFGHIJ012345\n    steps:\n      - run: make\n")
TOKEN_CLEAN = ("name: ci\non: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    env:\n"
               "      GH_TOKEN: ${{ secrets.GH_TOKEN }}\n    steps:\n      - run: make\n")
case("CICD-SECRET-IN-ARTIFACT", "workflow",
     model("pos", artifacts=[art("workflow", type="ci-config", path="files/ci-leaky.yml")]),
     model("neg", artifacts=[art("workflow", type="ci-config", path="files/ci-clean.yml")]),
     files={"files/ci-leaky.yml": TOKEN_FILE, "files/ci-clean.yml": TOKEN_CLEAN})

# -------------------------------------------------------- supply chain
case("SUPPLY-UNPINNED-LIB", "fn",
     model("pos", [el("fn", "aws.lambda", props=fn(), libraries=["axios@1.6.0", "lodash@^4.17.0"])]),
     model("neg", [el("fn", "aws.lambda", props=fn(), libraries=["axios@1.6.0", "lodash@4.17.21"])]))
case("SUPPLY-UNPINNED-ARTIFACT", "lib",
     model("pos", artifacts=[art("lib", type="library", name="left-pad", version="^1.3.0")]),
     model("neg", artifacts=[art("lib", type="library", name="left-pad", version="1.3.0")]))
case("SUPPLY-ADVISORY", "fn",
     model("pos", [el("fn", "aws.lambda", props=fn(), libraries=["lodash@4.17.15"])]),
     model("neg", [el("fn", "aws.lambda", props=fn(), libraries=["lodash@4.17.21"])]))
case("SUPPLY-ADVISORY-ARTIFACT", "lib",
     model("pos", artifacts=[art("lib", type="library", name="lodash", version="4.17.15")]),
     model("neg", artifacts=[art("lib", type="library", name="lodash", version="4.17.21")]))

# --------------------------------------------------------------- scope
case("SCOPE-OUT-SENSITIVE", "vendor",
     model("pos", [el("vendor", "third-party.api", boundary="internet", data=["pii"], out_of_scope=True, reason="assessed by procurement")]),
     model("neg", [el("vendor", "third-party.api", boundary="internet", out_of_scope=True, reason="assessed by procurement")]))
case("SCOPE-FLOW-OUT-SENSITIVE", "send",
     model("pos", [el("fn", "aws.lambda", props=fn()),
                   el("vendor", "third-party.api", boundary="internet", out_of_scope=True, reason="assessed")],
           [{"id": "send", "from": "fn", "to": "vendor", "protocol": "https", "data": ["pii"]}]),
     model("neg", [el("fn", "aws.lambda", props=fn()),
                   el("vendor", "third-party.api", boundary="internet", out_of_scope=True, reason="assessed")],
           [{"id": "send", "from": "fn", "to": "vendor", "protocol": "https"}]))
case("SCOPE-OUT-INPUT", "feed",
     model("pos", [el("vendor", "third-party.api", boundary="internet", out_of_scope=True, reason="assessed"),
                   el("fn", "aws.lambda", props=fn())],
           [{"id": "feed", "from": "vendor", "to": "fn", "protocol": "https"}]),
     model("neg", [el("vendor", "third-party.api", boundary="internet", reason="assessed"),
                   el("fn", "aws.lambda", props=fn())],
           [{"id": "feed", "from": "vendor", "to": "fn", "protocol": "https"}]))
case("SCOPE-OUT-IN-ACCOUNT", "legacy",
     model("pos", [el("legacy", "aws.lambda", out_of_scope=True, reason="legacy team", props=fn())]),
     model("neg", [el("legacy", "aws.lambda", boundary="internet", out_of_scope=True, reason="legacy team", props=fn())]))
case("SCOPE-OUT-SHARED-IDENTITY", "legacy",
     model("pos", [el("legacy", "aws.lambda", identity="r", out_of_scope=True, reason="legacy team", props=fn()),
                   used_by("fn", "r")], identities=[role("r", LEAST)]),
     model("neg", [el("legacy", "aws.lambda", identity="r2", out_of_scope=True, reason="legacy team", props=fn()),
                   used_by("fn", "r")], identities=[role("r", LEAST), role("r2", LEAST)]))
case("SCOPE-NO-REASON", "vendor",
     model("pos", [el("vendor", "third-party.api", boundary="internet", out_of_scope=True)]),
     model("neg", [el("vendor", "third-party.api", boundary="internet", out_of_scope=True, reason="assessed by procurement (VR-1)")]))
case("SCOPE-UNKNOWN-TYPE", "thing",
     model("pos", [el("thing", "acme.widget", kind="process")]),
     model("neg", [el("thing", "generic.process")]))


# ---------------------------------------------------- event sources
def trigger_case(rule, src_type, src_props=None):
    src = el("src", src_type, props=src_props or {})
    for variant in ("pos", "neg"):
        pass
    pos = model("pos", [src, el("fn", "aws.lambda", props=fn(validates_input=False))],
                [{"id": "evt", "from": "src", "to": "fn", "protocol": "aws-invoke", "trigger": True}])
    neg = model("neg", [src, el("fn", "aws.lambda", props=fn(validates_input=True))],
                [{"id": "evt", "from": "src", "to": "fn", "protocol": "aws-invoke", "trigger": True}])
    case(rule, "evt", pos, neg)


trigger_case("EVENT-INJECTION-S3", "aws.s3", s3())
trigger_case("EVENT-INJECTION-SQS", "aws.sqs", {"encryption": "kms", "dlq": True})
trigger_case("EVENT-INJECTION-SNS", "aws.sns", {"encryption": "kms"})
trigger_case("EVENT-INJECTION-EMAIL", "aws.ses", SES_SAFE)
trigger_case("EVENT-INJECTION-EVENTBRIDGE", "aws.eventbridge")
trigger_case("EVENT-INJECTION-HTTP", "aws.apigateway", api())
trigger_case("EVENT-INJECTION-DYNAMODB", "aws.dynamodb", {"encryption": "kms", "point_in_time_recovery": True, "deletion_protection": True})
trigger_case("EVENT-INJECTION-KINESIS", "aws.kinesis")
trigger_case("EVENT-INJECTION-COGNITO", "aws.cognito", COG_SAFE)
case("EVENT-INJECTION-S3-PUBLIC", "evt",
     model("pos", [el("src", "aws.s3", props=s3(public_write=True)), el("fn", "aws.lambda", props=fn())],
           [{"id": "evt", "from": "src", "to": "fn", "protocol": "aws-invoke", "trigger": True}]),
     model("neg", [el("src", "aws.s3", props=s3()), el("fn", "aws.lambda", props=fn())],
           [{"id": "evt", "from": "src", "to": "fn", "protocol": "aws-invoke", "trigger": True}]))
case("EVENT-INJECTION-FUNCTION-URL", "call",
     model("pos", [el("ops", "user", boundary="internet"),
                   el("fn", "aws.lambda", props=fn(function_url=True, function_url_auth="iam", validates_input=False))],
           [{"id": "call", "from": "ops", "to": "fn", "protocol": "https"}]),
     model("neg", [el("ops", "user", boundary="internet"),
                   el("fn", "aws.lambda", props=fn(function_url=True, function_url_auth="iam", validates_input=True))],
           [{"id": "call", "from": "ops", "to": "fn", "protocol": "https"}]))


def patch():
    """Cases whose neg differs in more than the statements."""
    for i, (rule, target, pos, neg, files) in enumerate(CASES):
        if rule == "IAM-SHARED-ROLE":
            neg = copy.deepcopy(neg)
            neg["elements"] = neg["elements"][:1]
            neg["elements"].append(used_by("fn1", "r2"))
            neg["identities"].append(role("r2", LEAST))
        if rule == "IAM-USER-ACCESS-KEY":
            pos = copy.deepcopy(pos)
            pos["identities"][0]["type"] = "aws.iam.user"
        CASES[i] = (rule, target, pos, neg, files)


def main():
    patch()
    seen = set()
    for rule, target, pos, neg, files in CASES:
        if rule in seen:
            sys.exit("duplicate case " + rule)
        seen.add(rule)
        d = os.path.join(OUT, rule)
        os.makedirs(d, exist_ok=True)
        pos["title"] = rule + " fires"
        neg["title"] = rule + " fixed"
        with open(os.path.join(d, "pos.yaml"), "w") as f:
            f.write(render(rule, "%s@%s" % (rule, target), pos))
        with open(os.path.join(d, "neg.yaml"), "w") as f:
            f.write(render(rule, None, neg))
        for rel, text in files.items():
            p = os.path.join(d, rel)
            os.makedirs(os.path.dirname(p), exist_ok=True)
            with open(p, "w") as f:
                f.write(text)
    print("%d rule cases written to %s" % (len(CASES), os.path.relpath(OUT)))


if __name__ == "__main__":
    main()
