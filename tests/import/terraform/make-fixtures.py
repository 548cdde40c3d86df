#!/usr/bin/env python3
"""Writes serverless-plan.json and serverless-state.json: the
`terraform show -json` output of one serverless app (Terraform 1.11, AWS
provider 5.x), before apply (a plan creating everything: ARNs and ids are
unknown, policies that name them are deferred) and after apply (a state:
every value known, no configuration). Shapes: see README in this folder.

Run from this folder: python3 make-fixtures.py (deterministic output)."""
import json

REGION, ACCT = "eu-west-1", "111122223333"
TFV = "1.11.4"
R = []  # resources: dict(addr, type, name, module, plan, apply, cfg, mode)


def res(type_, name, plan, apply=None, cfg=None, module="", mode="managed"):
    R.append(dict(type=type_, name=name, plan=plan, apply=apply or {}, cfg=cfg or {},
                  module=module, mode=mode))


def ref(*refs):
    out = []
    for r in refs:
        parts = r.split(".")
        # Terraform lists the full traversal, then each shorter prefix down to the object.
        low = 3 if parts[0] == "data" else 2
        for i in range(len(parts), low - 1, -1):
            s = ".".join(parts[:i])
            if s not in out:
                out.append(s)
    return {"references": out}


def const(v):
    return {"constant_value": v}


def arn(svc, res_, region=REGION, acct=ACCT):
    return f"arn:aws:{svc}:{region}:{acct}:{res_}"


def fn_arn(n):
    return arn("lambda", f"function:{n}")


def invoke_arn(n):
    return f"arn:aws:apigateway:{REGION}:lambda:path/2015-03-31/functions/{fn_arn(n)}/invocations"


def policy(stmts):
    return json.dumps({"Version": "2012-10-17", "Statement": stmts}, separators=(",", ":"))


def doc_json(stmts):
    return json.dumps({"Version": "2012-10-17", "Statement": stmts}, indent=2)


TABLE_ARN = arn("dynamodb", "table/acme-orders")
QUEUE_ARN = arn("sqs", "acme-orders-jobs")
DLQ_ARN = arn("sqs", "acme-orders-jobs-dlq")
TOPIC_ARN = arn("sns", "acme-orders-notifications")
SECRET_ARN = arn("secretsmanager", "secret:acme-orders/payment-api-Ab12Cd")
KEY_ID = "1234abcd-12ab-34cd-56ef-1234567890ab"
KEY_ARN = arn("kms", f"key/{KEY_ID}")
API_ID = "a1b2c3d4e5"
POOL_ID = f"{REGION}_AbCdEf123"
RULE_ARN = arn("events", "rule/acme-orders-nightly")
AUDIT = "acme-orders-audit-logs"

res("aws_caller_identity", "current", mode="data",
    plan={"account_id": ACCT, "arn": f"arn:aws:sts::{ACCT}:assumed-role/deployer/terraform",
          "id": ACCT, "user_id": "AROADEPLOYER:terraform"}, cfg={})

# ------------------------------------------------------------ trust policy
assume = [{"Sid": "", "Effect": "Allow", "Action": "sts:AssumeRole",
           "Principal": {"Service": "lambda.amazonaws.com"}}]
res("aws_iam_policy_document", "lambda_assume", mode="data",
    plan={"id": "2690255455", "json": doc_json(assume), "version": "2012-10-17",
          "statement": [{"actions": ["sts:AssumeRole"], "effect": "Allow",
                         "principals": [{"identifiers": ["lambda.amazonaws.com"], "type": "Service"}]}]},
    cfg={"statement": [{"actions": const(["sts:AssumeRole"]),
                        "principals": [{"type": const("Service"),
                                        "identifiers": const(["lambda.amazonaws.com"])}]}]})
TRUST = policy(assume)

def role(name, rname):
    res("aws_iam_role", name,
        plan={"name": rname, "assume_role_policy": TRUST, "path": "/", "max_session_duration": 3600,
              "force_detach_policies": False, "permissions_boundary": None, "description": None,
              "tags": None},
        apply={"arn": f"arn:aws:iam::{ACCT}:role/{rname}", "id": rname,
               "unique_id": "AROA" + rname.upper().replace("-", "")[:16],
               "managed_policy_arns": [], "inline_policy": []},
        cfg={"name": const(rname), "assume_role_policy":
             ref("data.aws_iam_policy_document.lambda_assume.json")})

role("api", "acme-orders-api")
role("shared", "acme-orders-shared")
role("worker", "acme-orders-worker")
role("notifier", "acme-orders-notifier")

# --------------------------------------------------------- storage + KMS
res("aws_kms_key", "main",
    plan={"description": "acme-orders data key", "enable_key_rotation": True,
          "deletion_window_in_days": 10, "is_enabled": True, "key_usage": "ENCRYPT_DECRYPT",
          "customer_master_key_spec": "SYMMETRIC_DEFAULT", "multi_region": False,
          "bypass_policy_lockout_safety_check": False, "custom_key_store_id": None, "tags": None},
    apply={"arn": KEY_ARN, "id": KEY_ID, "key_id": KEY_ID,
           "policy": policy([{"Sid": "Enable IAM User Permissions", "Effect": "Allow",
                              "Principal": {"AWS": f"arn:aws:iam::{ACCT}:root"},
                              "Action": "kms:*", "Resource": "*"}])},
    cfg={"description": const("acme-orders data key"), "enable_key_rotation": const(True),
         "deletion_window_in_days": const(10)})
res("aws_kms_alias", "main", plan={"name": "alias/acme-orders"},
    apply={"arn": arn("kms", "alias/acme-orders"), "id": "alias/acme-orders",
           "target_key_id": KEY_ID, "target_key_arn": KEY_ARN},
    cfg={"name": const("alias/acme-orders"), "target_key_id": ref("aws_kms_key.main.key_id")})

def bucket(name, bname, module="", versioned=False, sse="AES256", kms=None):
    res("aws_s3_bucket", name, module=module,
        plan={"bucket": bname, "force_destroy": False, "tags": None, "timeouts": None},
        apply={"arn": f"arn:aws:s3:::{bname}", "id": bname,
               "bucket_domain_name": f"{bname}.s3.amazonaws.com",
               "bucket_regional_domain_name": f"{bname}.s3.{REGION}.amazonaws.com",
               "hosted_zone_id": "Z1BKCTXD74EZPE", "region": REGION, "acl": None, "policy": "",
               "object_lock_enabled": False, "request_payer": "BucketOwner",
               "versioning": [{"enabled": versioned, "mfa_delete": False}],
               "server_side_encryption_configuration": [{"rule": [{
                   "apply_server_side_encryption_by_default": [{
                       "kms_master_key_id": kms or "", "sse_algorithm": sse}],
                   "bucket_key_enabled": False}]}],
               "logging": [], "website": [], "cors_rule": [], "lifecycle_rule": [],
               "grant": [{"id": "c0ffee", "permissions": ["FULL_CONTROL"], "type": "CanonicalUser",
                          "uri": ""}]},
        cfg={"bucket": const(bname) if not module else ref("var.name")})

bucket("uploads", "acme-orders-uploads", versioned=True, sse="aws:kms", kms=KEY_ARN)
res("aws_s3_bucket_public_access_block", "uploads",
    plan={"block_public_acls": True, "block_public_policy": True, "ignore_public_acls": True,
          "restrict_public_buckets": True},
    apply={"bucket": "acme-orders-uploads", "id": "acme-orders-uploads"},
    cfg={"bucket": ref("aws_s3_bucket.uploads.id"), "block_public_acls": const(True),
         "block_public_policy": const(True), "ignore_public_acls": const(True),
         "restrict_public_buckets": const(True)})
res("aws_s3_bucket_server_side_encryption_configuration", "uploads",
    plan={"expected_bucket_owner": None,
          "rule": [{"apply_server_side_encryption_by_default": [{"sse_algorithm": "aws:kms"}],
                    "bucket_key_enabled": True}]},
    apply={"bucket": "acme-orders-uploads", "id": "acme-orders-uploads",
           "rule": [{"apply_server_side_encryption_by_default": [{
               "kms_master_key_id": KEY_ARN, "sse_algorithm": "aws:kms"}],
               "bucket_key_enabled": True}]},
    cfg={"bucket": ref("aws_s3_bucket.uploads.id"),
         "rule": [{"apply_server_side_encryption_by_default": [{
             "kms_master_key_id": ref("aws_kms_key.main.arn"), "sse_algorithm": const("aws:kms")}],
             "bucket_key_enabled": const(True)}]})
res("aws_s3_bucket_versioning", "uploads",
    plan={"expected_bucket_owner": None, "mfa": None,
          "versioning_configuration": [{"status": "Enabled"}]},
    apply={"bucket": "acme-orders-uploads", "id": "acme-orders-uploads",
           "versioning_configuration": [{"mfa_delete": "", "status": "Enabled"}]},
    cfg={"bucket": ref("aws_s3_bucket.uploads.id"),
         "versioning_configuration": [{"status": const("Enabled")}]})
res("aws_s3_bucket_notification", "uploads",
    plan={"eventbridge": False, "queue": [], "topic": [],
          "lambda_function": [{"events": ["s3:ObjectCreated:*"], "filter_prefix": "incoming/",
                               "filter_suffix": None}]},
    apply={"bucket": "acme-orders-uploads", "id": "acme-orders-uploads",
           "lambda_function": [{"events": ["s3:ObjectCreated:*"], "filter_prefix": "incoming/",
                                "filter_suffix": "", "id": "tf-s3-lambda-20240501",
                                "lambda_function_arn": fn_arn("acme-orders-process-upload")}]},
    cfg={"bucket": ref("aws_s3_bucket.uploads.id"),
         "lambda_function": [{"lambda_function_arn": ref("aws_lambda_function.process_upload.arn"),
                              "events": const(["s3:ObjectCreated:*"]),
                              "filter_prefix": const("incoming/")}]})

bucket("website", "acme-orders-web")
res("aws_s3_bucket_website_configuration", "website",
    plan={"expected_bucket_owner": None, "error_document": [], "redirect_all_requests_to": [],
          "routing_rule": [], "index_document": [{"suffix": "index.html"}]},
    apply={"bucket": "acme-orders-web", "id": "acme-orders-web",
           "website_endpoint": f"acme-orders-web.s3-website-{REGION}.amazonaws.com",
           "website_domain": f"s3-website-{REGION}.amazonaws.com", "routing_rules": ""},
    cfg={"bucket": ref("aws_s3_bucket.website.id"),
         "index_document": [{"suffix": const("index.html")}]})
res("aws_s3_bucket_public_access_block", "website",
    plan={"block_public_acls": False, "block_public_policy": False, "ignore_public_acls": False,
          "restrict_public_buckets": False},
    apply={"bucket": "acme-orders-web", "id": "acme-orders-web"},
    cfg={"bucket": ref("aws_s3_bucket.website.id"), "block_public_acls": const(False),
         "block_public_policy": const(False), "ignore_public_acls": const(False),
         "restrict_public_buckets": const(False)})
web_public = [{"Sid": "PublicRead", "Effect": "Allow", "Action": "s3:GetObject",
               "Resource": "arn:aws:s3:::acme-orders-web/*", "Principal": "*"}]
res("aws_iam_policy_document", "website_public", mode="data",
    plan={"statement": [{"actions": ["s3:GetObject"], "effect": "Allow", "sid": "PublicRead",
                         "principals": [{"identifiers": ["*"], "type": "*"}]}]},
    apply={"id": "1533381925", "json": doc_json(web_public), "version": "2012-10-17"},
    cfg={"statement": [{"sid": const("PublicRead"), "actions": const(["s3:GetObject"]),
                        "resources": ref("aws_s3_bucket.website.arn"),
                        "principals": [{"type": const("*"), "identifiers": const(["*"])}]}]})
res("aws_s3_bucket_policy", "website", plan={},
    apply={"bucket": "acme-orders-web", "id": "acme-orders-web", "policy": policy(web_public)},
    cfg={"bucket": ref("aws_s3_bucket.website.id"),
         "policy": ref("data.aws_iam_policy_document.website_public.json")})

# module.audit: a bucket from a module, its ARN an output.
bucket("this", AUDIT, module="module.audit", versioned=True)
res("aws_s3_bucket_versioning", "this", module="module.audit",
    plan={"expected_bucket_owner": None, "mfa": None,
          "versioning_configuration": [{"status": "Enabled"}]},
    apply={"bucket": AUDIT, "id": AUDIT,
           "versioning_configuration": [{"mfa_delete": "", "status": "Enabled"}]},
    cfg={"bucket": ref("aws_s3_bucket.this.id"),
         "versioning_configuration": [{"status": const("Enabled")}]})

res("aws_dynamodb_table", "orders",
    plan={"name": "acme-orders", "billing_mode": "PAY_PER_REQUEST", "hash_key": "pk",
          "range_key": "sk", "stream_enabled": True, "stream_view_type": "NEW_AND_OLD_IMAGES",
          "deletion_protection_enabled": False, "table_class": "STANDARD",
          "attribute": [{"name": "pk", "type": "S"}, {"name": "sk", "type": "S"}],
          "point_in_time_recovery": [{"enabled": False}], "server_side_encryption": [],
          "global_secondary_index": [], "local_secondary_index": [], "replica": [],
          "ttl": [], "tags": None, "timeouts": None, "restore_date_time": None,
          "restore_source_name": None, "restore_to_latest_time": None},
    apply={"arn": TABLE_ARN, "id": "acme-orders",
           "stream_arn": TABLE_ARN + "/stream/2024-05-01T10:00:00.000",
           "stream_label": "2024-05-01T10:00:00.000", "read_capacity": 0, "write_capacity": 0},
    cfg={"name": const("acme-orders"), "billing_mode": const("PAY_PER_REQUEST"),
         "hash_key": const("pk"), "range_key": const("sk"), "stream_enabled": const(True),
         "stream_view_type": const("NEW_AND_OLD_IMAGES")})

def queue(name, qname, sse, redrive=None):
    plan = {"name": qname, "delay_seconds": 0, "fifo_queue": False,
            "kms_master_key_id": None, "max_message_size": 262144,
            "message_retention_seconds": 345600, "receive_wait_time_seconds": 0,
            "visibility_timeout_seconds": 60, "sqs_managed_sse_enabled": sse, "tags": None}
    apply = {"arn": arn("sqs", qname),
             "id": f"https://sqs.{REGION}.amazonaws.com/{ACCT}/{qname}",
             "url": f"https://sqs.{REGION}.amazonaws.com/{ACCT}/{qname}", "policy": "",
             "redrive_policy": json.dumps({"deadLetterTargetArn": redrive, "maxReceiveCount": 5},
                                          separators=(",", ":")) if redrive else ""}
    cfg = {"name": const(qname), "visibility_timeout_seconds": const(60),
           "sqs_managed_sse_enabled": const(sse)}
    if redrive:
        cfg["redrive_policy"] = ref("aws_sqs_queue.jobs_dlq.arn")
    res("aws_sqs_queue", name, plan=plan, apply=apply, cfg=cfg)

queue("jobs", "acme-orders-jobs", True, redrive=DLQ_ARN)
queue("jobs_dlq", "acme-orders-jobs-dlq", False)

res("aws_sns_topic", "notifications",
    plan={"name": "acme-orders-notifications", "kms_master_key_id": None, "fifo_topic": False,
          "delivery_policy": None, "tags": None},
    apply={"arn": TOPIC_ARN, "id": TOPIC_ARN, "owner": ACCT,
           "policy": policy([{"Sid": "__default_statement_ID", "Effect": "Allow",
                              "Principal": {"AWS": "*"},
                              "Action": ["SNS:Publish", "SNS:Subscribe", "SNS:GetTopicAttributes"],
                              "Resource": TOPIC_ARN,
                              "Condition": {"StringEquals": {"AWS:SourceOwner": ACCT}}}])},
    cfg={"name": const("acme-orders-notifications")})

def sub(name, proto, endpoint, endpoint_ref=None, endpoint_arn=None):
    plan = {"protocol": proto, "raw_message_delivery": False, "filter_policy": None,
            "endpoint_auto_confirms": False, "confirmation_timeout_in_minutes": 1}
    if endpoint is not None:
        plan["endpoint"] = endpoint
    cfg = {"topic_arn": ref("aws_sns_topic.notifications.arn"), "protocol": const(proto),
           "endpoint": ref(endpoint_ref) if endpoint_ref else const(endpoint)}
    res("aws_sns_topic_subscription", name, plan=plan,
        apply={"arn": TOPIC_ARN + ":1f2e3d4c-" + name, "id": TOPIC_ARN + ":1f2e3d4c-" + name,
               "topic_arn": TOPIC_ARN, "owner_id": ACCT,
               "endpoint": endpoint if endpoint is not None else endpoint_arn,
               "pending_confirmation": proto in ("email", "http")},
        cfg=cfg)

sub("ops_email", "email", "ops@example.com")
sub("partner_webhook", "http", "http://hooks.partner.example/orders")
sub("notifier", "lambda", None, endpoint_ref="aws_lambda_function.notifier.arn",
    endpoint_arn=fn_arn("acme-orders-notifier"))

res("aws_secretsmanager_secret", "payment",
    plan={"name": "acme-orders/payment-api", "description": "Payment provider API key",
          "kms_key_id": None, "recovery_window_in_days": 7, "force_overwrite_replica_secret": False,
          "tags": None},
    apply={"arn": SECRET_ARN, "id": SECRET_ARN, "policy": ""},
    cfg={"name": const("acme-orders/payment-api"),
         "description": const("Payment provider API key")})
res("aws_secretsmanager_secret_version", "payment",
    plan={"secret_string": "example-payment-api-key-not-real", "secret_binary": None},
    apply={"secret_id": SECRET_ARN, "arn": SECRET_ARN,
           "id": SECRET_ARN + "|terraform-20240501", "version_id": "terraform-20240501",
           "version_stages": ["AWSCURRENT"]},
    cfg={"secret_id": ref("aws_secretsmanager_secret.payment.id"),
         "secret_string": ref("var.payment_api_key")})

res("aws_cognito_user_pool", "users",
    plan={"name": "acme-orders-users", "mfa_configuration": "OFF", "deletion_protection": "INACTIVE",
          "auto_verified_attributes": ["email"],
          "password_policy": [{"minimum_length": 8, "require_lowercase": True,
                               "require_numbers": True, "require_symbols": False,
                               "require_uppercase": True, "temporary_password_validity_days": 7}]},
    apply={"arn": arn("cognito-idp", f"userpool/{POOL_ID}"), "id": POOL_ID,
           "endpoint": f"cognito-idp.{REGION}.amazonaws.com/{POOL_ID}"},
    cfg={"name": const("acme-orders-users"), "mfa_configuration": const("OFF"),
         "password_policy": [{"minimum_length": const(8)}]})
res("aws_cognito_user_pool_client", "web",
    plan={"name": "acme-orders-web", "generate_secret": False},
    apply={"id": "4q2s1c0ffeeclientid", "user_pool_id": POOL_ID},
    cfg={"name": const("acme-orders-web"), "user_pool_id": ref("aws_cognito_user_pool.users.id")})

# ------------------------------------------------------------- functions
def function(name, fname, runtime, role_name, env, timeout=10, memory=256, reserved=-1,
             tracing="PassThrough", layers=None):
    env_block = [{"variables": {k: v for k, v in env.items() if not isinstance(v, tuple)}}]
    env_apply = [{"variables": {k: (v[1] if isinstance(v, tuple) else v) for k, v in env.items()}}]
    plan = {"function_name": fname, "runtime": runtime, "handler": "index.handler",
            "filename": f"build/{name}.zip", "memory_size": memory, "timeout": timeout,
            "reserved_concurrent_executions": reserved, "publish": False,
            "package_type": "Zip", "architectures": ["arm64"], "kms_key_arn": None,
            "code_signing_config_arn": None, "layers": layers or [],
            "dead_letter_config": [], "vpc_config": [], "file_system_config": [],
            "image_config": [], "environment": env_block,
            "tracing_config": [{"mode": tracing}], "tags": None, "timeouts": None}
    apply = {"arn": fn_arn(fname), "id": fname, "invoke_arn": invoke_arn(fname),
             "qualified_arn": fn_arn(fname) + ":$LATEST",
             "qualified_invoke_arn": invoke_arn(fname).replace("/invocations", ":$LATEST/invocations"),
             "role": f"arn:aws:iam::{ACCT}:role/{role_name}", "version": "$LATEST",
             "environment": env_apply, "last_modified": "2024-05-01T10:00:00.000+0000",
             "source_code_hash": "bm90IGEgcmVhbCBoYXNoIGJ1dCBmaW5lIGZvciBhIGZpeHR1cmU="}
    cfg = {"function_name": const(fname), "runtime": const(runtime),
           "handler": const("index.handler"), "filename": const(f"build/{name}.zip"),
           "role": ref(f"aws_iam_role.{role_var(role_name)}.arn"),
           "memory_size": const(memory), "timeout": const(timeout),
           "tracing_config": [{"mode": const(tracing)}],
           "environment": [{"variables": {"references": sorted(
               set(sum([ref(v[0])["references"] for v in env.values() if isinstance(v, tuple)], [])))}
               if any(isinstance(v, tuple) for v in env.values()) else const(env)}]}
    if reserved >= 0:
        cfg["reserved_concurrent_executions"] = const(reserved)
    if layers:
        cfg["layers"] = const(layers)
    res("aws_lambda_function", name, plan=plan, apply=apply, cfg=cfg)

ROLE_VARS = {"acme-orders-api": "api", "acme-orders-shared": "shared",
             "acme-orders-worker": "worker", "acme-orders-notifier": "notifier"}
def role_var(n):
    return ROLE_VARS[n]

function("api", "acme-orders-api", "nodejs20.x", "acme-orders-api",
         {"TABLE_NAME": "acme-orders",
          "QUEUE_URL": ("aws_sqs_queue.jobs.url",
                        f"https://sqs.{REGION}.amazonaws.com/{ACCT}/acme-orders-jobs")},
         reserved=50, tracing="Active")
function("process_upload", "acme-orders-process-upload", "python3.8", "acme-orders-shared",
         {"BUCKET": "acme-orders-uploads", "DB_PASSWORD": "hunter2-not-a-real-password"},
         timeout=900, memory=3008,
         layers=["arn:aws:lambda:eu-west-1:999988887777:layer:image-tools:4"])
function("worker", "acme-orders-worker", "nodejs18.x", "acme-orders-worker",
         {"TABLE_NAME": "acme-orders"})
function("notifier", "acme-orders-notifier", "nodejs20.x", "acme-orders-notifier", {})

res("aws_cloudwatch_log_group", "api",
    plan={"name": "/aws/lambda/acme-orders-api", "retention_in_days": 14, "kms_key_id": None,
          "skip_destroy": False, "log_group_class": "STANDARD", "tags": None},
    apply={"arn": arn("logs", "log-group:/aws/lambda/acme-orders-api"),
           "id": "/aws/lambda/acme-orders-api"},
    cfg={"name": const("/aws/lambda/acme-orders-api"), "retention_in_days": const(14)})

# ------------------------------------------------------------ IAM policies
api_stmts = [
    {"Sid": "Orders", "Effect": "Allow",
     "Action": ["dynamodb:PutItem", "dynamodb:GetItem", "dynamodb:Query"], "Resource": TABLE_ARN},
    {"Sid": "Jobs", "Effect": "Allow", "Action": "sqs:SendMessage", "Resource": QUEUE_ARN},
    {"Sid": "PaymentSecret", "Effect": "Allow", "Action": "secretsmanager:GetSecretValue",
     "Resource": SECRET_ARN},
    {"Sid": "Audit", "Effect": "Allow", "Action": "s3:PutObject",
     "Resource": f"arn:aws:s3:::{AUDIT}/*"},
    {"Sid": "Logs", "Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
     "Resource": "arn:aws:logs:*:*:*"}]
res("aws_iam_policy_document", "api", mode="data",
    plan={"statement": [{"actions": s["Action"] if isinstance(s["Action"], list) else [s["Action"]],
                         "effect": "Allow", "sid": s["Sid"]} for s in api_stmts]},
    apply={"id": "3719912033", "json": doc_json(api_stmts), "version": "2012-10-17"},
    cfg={"statement": [
        {"sid": const("Orders"), "actions": const(["dynamodb:PutItem", "dynamodb:GetItem", "dynamodb:Query"]),
         "resources": ref("aws_dynamodb_table.orders.arn")},
        {"sid": const("Jobs"), "actions": const(["sqs:SendMessage"]),
         "resources": ref("aws_sqs_queue.jobs.arn")},
        {"sid": const("PaymentSecret"), "actions": const(["secretsmanager:GetSecretValue"]),
         "resources": ref("aws_secretsmanager_secret.payment.arn")},
        {"sid": const("Audit"), "actions": const(["s3:PutObject"]),
         "resources": ref("module.audit.bucket_arn")},
        {"sid": const("Logs"), "actions": const(["logs:CreateLogStream", "logs:PutLogEvents"]),
         "resources": const(["arn:aws:logs:*:*:*"])}]})
res("aws_iam_role_policy", "api", plan={"name": "access", "role": "acme-orders-api"},
    apply={"id": "acme-orders-api:access", "policy": policy(api_stmts)},
    cfg={"name": const("access"), "role": ref("aws_iam_role.api.id"),
         "policy": ref("data.aws_iam_policy_document.api.json")})

# The shared role: a literal policy, known at plan time (wildcards).
shared_stmts = [
    {"Effect": "Allow", "Action": "s3:*", "Resource": "*"},
    {"Effect": "Allow", "Action": ["dynamodb:PutItem", "dynamodb:UpdateItem"],
     "Resource": "arn:aws:dynamodb:eu-west-1:111122223333:table/acme-orders"},
    {"Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
     "Resource": "arn:aws:logs:eu-west-1:111122223333:log-group:/aws/lambda/acme-orders-*:*"}]
res("aws_iam_role_policy", "shared",
    plan={"name": "shared-access", "role": "acme-orders-shared", "policy": policy(shared_stmts)},
    apply={"id": "acme-orders-shared:shared-access"},
    cfg={"name": const("shared-access"), "role": ref("aws_iam_role.shared.id"),
         "policy": const(policy(shared_stmts))})

res("aws_iam_role_policy_attachment", "worker_sqs",
    plan={"role": "acme-orders-worker",
          "policy_arn": "arn:aws:iam::aws:policy/service-role/AWSLambdaSQSQueueExecutionRole"},
    apply={"id": "acme-orders-worker-20240501100000000000000001"},
    cfg={"role": ref("aws_iam_role.worker.name"),
         "policy_arn": const("arn:aws:iam::aws:policy/service-role/AWSLambdaSQSQueueExecutionRole")})
worker_stmts = [
    {"Sid": "Orders", "Effect": "Allow", "Action": "dynamodb:UpdateItem", "Resource": TABLE_ARN},
    {"Sid": "Notify", "Effect": "Allow", "Action": "sns:Publish", "Resource": TOPIC_ARN}]
res("aws_iam_policy_document", "worker", mode="data",
    plan={"statement": [{"actions": ["dynamodb:UpdateItem"], "effect": "Allow", "sid": "Orders"},
                        {"actions": ["sns:Publish"], "effect": "Allow", "sid": "Notify"}]},
    apply={"id": "993412876", "json": doc_json(worker_stmts), "version": "2012-10-17"},
    cfg={"statement": [
        {"sid": const("Orders"), "actions": const(["dynamodb:UpdateItem"]),
         "resources": ref("aws_dynamodb_table.orders.arn")},
        {"sid": const("Notify"), "actions": const(["sns:Publish"]),
         "resources": ref("aws_sns_topic.notifications.arn")}]})
res("aws_iam_policy", "worker", plan={"name": "acme-orders-worker", "path": "/",
                                      "description": None, "tags": None},
    apply={"arn": f"arn:aws:iam::{ACCT}:policy/acme-orders-worker", "id":
           f"arn:aws:iam::{ACCT}:policy/acme-orders-worker", "policy": policy(worker_stmts),
           "policy_id": "ANPAWORKERPOLICY0001"},
    cfg={"name": const("acme-orders-worker"), "policy": ref("data.aws_iam_policy_document.worker.json")})
res("aws_iam_role_policy_attachment", "worker",
    plan={"role": "acme-orders-worker"},
    apply={"id": "acme-orders-worker-20240501100000000000000002",
           "policy_arn": f"arn:aws:iam::{ACCT}:policy/acme-orders-worker"},
    cfg={"role": ref("aws_iam_role.worker.name"), "policy_arn": ref("aws_iam_policy.worker.arn")})

# The notifier's policy is jsonencode() of unknown ARNs: only known after apply.
notifier_stmts = [{"Effect": "Allow", "Action": ["sns:Subscribe", "sns:Receive"],
                   "Resource": TOPIC_ARN}]
res("aws_iam_role_policy", "notifier", plan={"name": "notifier", "role": "acme-orders-notifier"},
    apply={"id": "acme-orders-notifier:notifier", "policy": policy(notifier_stmts)},
    cfg={"name": const("notifier"), "role": ref("aws_iam_role.notifier.id"),
         "policy": ref("aws_sns_topic.notifications.arn")})
res("aws_iam_role_policy_attachment", "notifier_logs",
    plan={"role": "acme-orders-notifier",
          "policy_arn": "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"},
    apply={"id": "acme-orders-notifier-20240501100000000000000003"},
    cfg={"role": ref("aws_iam_role.notifier.name"),
         "policy_arn": const("arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole")})

# ------------------------------------------------------- events and APIs
res("aws_lambda_event_source_mapping", "worker",
    plan={"batch_size": 10, "enabled": True, "function_response_types": ["ReportBatchItemFailures"],
          "maximum_batching_window_in_seconds": 0, "filter_criteria": [],
          "scaling_config": []},
    apply={"id": "6a1b2c3d-0000-4000-8000-000000000001", "uuid": "6a1b2c3d-0000-4000-8000-000000000001",
           "event_source_arn": QUEUE_ARN, "function_name": fn_arn("acme-orders-worker"),
           "function_arn": fn_arn("acme-orders-worker"), "state": "Enabled"},
    cfg={"event_source_arn": ref("aws_sqs_queue.jobs.arn"),
         "function_name": ref("aws_lambda_function.worker.arn"), "batch_size": const(10)})

res("aws_lambda_permission", "uploads",
    plan={"action": "lambda:InvokeFunction", "function_name": "acme-orders-process-upload",
          "principal": "s3.amazonaws.com", "statement_id": "AllowS3Invoke", "qualifier": None,
          "source_account": None},
    apply={"id": "AllowS3Invoke", "source_arn": "arn:aws:s3:::acme-orders-uploads"},
    cfg={"action": const("lambda:InvokeFunction"), "statement_id": const("AllowS3Invoke"),
         "function_name": ref("aws_lambda_function.process_upload.function_name"),
         "principal": const("s3.amazonaws.com"), "source_arn": ref("aws_s3_bucket.uploads.arn")})
res("aws_lambda_permission", "api",
    plan={"action": "lambda:InvokeFunction", "function_name": "acme-orders-api",
          "principal": "apigateway.amazonaws.com", "statement_id": "AllowHttpApi",
          "qualifier": None, "source_account": None},
    apply={"id": "AllowHttpApi",
           "source_arn": arn("execute-api", f"{API_ID}/*/*")},
    cfg={"action": const("lambda:InvokeFunction"), "statement_id": const("AllowHttpApi"),
         "function_name": ref("aws_lambda_function.api.function_name"),
         "principal": const("apigateway.amazonaws.com"),
         "source_arn": ref("aws_apigatewayv2_api.http.execution_arn")})
res("aws_lambda_permission", "partner",
    plan={"action": "lambda:InvokeFunction", "function_name": "acme-orders-notifier",
          "principal": "444455556666", "statement_id": "AllowPartnerAccount", "qualifier": None,
          "source_account": None, "source_arn": None},
    apply={"id": "AllowPartnerAccount"},
    cfg={"action": const("lambda:InvokeFunction"), "statement_id": const("AllowPartnerAccount"),
         "function_name": ref("aws_lambda_function.notifier.function_name"),
         "principal": const("444455556666")})
res("aws_lambda_permission", "nightly",
    plan={"action": "lambda:InvokeFunction", "function_name": "acme-orders-worker",
          "principal": "events.amazonaws.com", "statement_id": "AllowNightly", "qualifier": None,
          "source_account": None},
    apply={"id": "AllowNightly", "source_arn": RULE_ARN},
    cfg={"action": const("lambda:InvokeFunction"), "statement_id": const("AllowNightly"),
         "function_name": ref("aws_lambda_function.worker.function_name"),
         "principal": const("events.amazonaws.com"),
         "source_arn": ref("aws_cloudwatch_event_rule.nightly.arn")})

res("aws_cloudwatch_event_rule", "nightly",
    plan={"name": "acme-orders-nightly", "schedule_expression": "cron(0 3 * * ? *)",
          "event_bus_name": "default", "state": "ENABLED", "description": "Nightly order cleanup",
          "event_pattern": None, "role_arn": None, "tags": None},
    apply={"arn": RULE_ARN, "id": "acme-orders-nightly"},
    cfg={"name": const("acme-orders-nightly"), "schedule_expression": const("cron(0 3 * * ? *)"),
         "description": const("Nightly order cleanup")})
res("aws_cloudwatch_event_target", "nightly",
    plan={"rule": "acme-orders-nightly", "event_bus_name": "default", "target_id": "worker",
          "input": None, "role_arn": None},
    apply={"id": "default-acme-orders-nightly-worker", "arn": fn_arn("acme-orders-worker")},
    cfg={"rule": ref("aws_cloudwatch_event_rule.nightly.name"), "target_id": const("worker"),
         "arn": ref("aws_lambda_function.worker.arn")})

res("aws_apigatewayv2_api", "http",
    plan={"name": "acme-orders", "protocol_type": "HTTP", "disable_execute_api_endpoint": False,
          "route_selection_expression": "$request.method $request.path", "body": None,
          "cors_configuration": [{"allow_credentials": False, "allow_headers": ["content-type", "authorization"],
                                  "allow_methods": ["GET", "POST"], "allow_origins": ["*"],
                                  "expose_headers": None, "max_age": 300}], "tags": None},
    apply={"arn": f"arn:aws:apigateway:{REGION}::/apis/{API_ID}", "id": API_ID,
           "api_endpoint": f"https://{API_ID}.execute-api.{REGION}.amazonaws.com",
           "execution_arn": arn("execute-api", API_ID)},
    cfg={"name": const("acme-orders"), "protocol_type": const("HTTP"),
         "cors_configuration": [{"allow_origins": const(["*"]), "allow_methods": const(["GET", "POST"]),
                                 "allow_headers": const(["content-type", "authorization"]),
                                 "max_age": const(300)}]})
res("aws_apigatewayv2_authorizer", "cognito",
    plan={"authorizer_type": "JWT", "name": "cognito", "identity_sources": ["$request.header.Authorization"],
          "jwt_configuration": [{"audience": []}]},
    apply={"id": "auth01", "api_id": API_ID,
           "jwt_configuration": [{"audience": ["4q2s1c0ffeeclientid"],
                                  "issuer": f"https://cognito-idp.{REGION}.amazonaws.com/{POOL_ID}"}]},
    cfg={"api_id": ref("aws_apigatewayv2_api.http.id"), "authorizer_type": const("JWT"),
         "name": const("cognito"), "identity_sources": const(["$request.header.Authorization"]),
         "jwt_configuration": [{"audience": ref("aws_cognito_user_pool_client.web.id"),
                                "issuer": ref("aws_cognito_user_pool.users.endpoint")}]})
res("aws_apigatewayv2_integration", "api",
    plan={"integration_type": "AWS_PROXY", "integration_method": "POST",
          "payload_format_version": "2.0", "connection_type": "INTERNET", "timeout_milliseconds": 30000},
    apply={"id": "int0001", "api_id": API_ID, "integration_uri": invoke_arn("acme-orders-api")},
    cfg={"api_id": ref("aws_apigatewayv2_api.http.id"), "integration_type": const("AWS_PROXY"),
         "integration_uri": ref("aws_lambda_function.api.invoke_arn"),
         "payload_format_version": const("2.0")})

def route(name, key, auth):
    plan = {"route_key": key, "authorization_type": auth, "api_key_required": False,
            "authorization_scopes": None, "request_parameter": []}
    apply = {"id": "rt-" + name.replace("_", ""), "api_id": API_ID, "target": "integrations/int0001"}
    cfg = {"api_id": ref("aws_apigatewayv2_api.http.id"), "route_key": const(key),
           "target": ref("aws_apigatewayv2_integration.api.id")}
    if auth != "NONE":
        cfg["authorization_type"] = const(auth)
        cfg["authorizer_id"] = ref("aws_apigatewayv2_authorizer.cognito.id")
        apply["authorizer_id"] = "auth01"
    res("aws_apigatewayv2_route", name, plan=plan, apply=apply, cfg=cfg)

route("get_orders", "GET /orders", "JWT")
route("post_orders", "POST /orders", "JWT")
route("health", "GET /health", "NONE")
res("aws_apigatewayv2_stage", "default",
    plan={"name": "$default", "auto_deploy": True, "access_log_settings": [],
          "default_route_settings": [{"data_trace_enabled": False, "detailed_metrics_enabled": False,
                                      "logging_level": None, "throttling_burst_limit": 100,
                                      "throttling_rate_limit": 50}],
          "route_settings": [], "stage_variables": None, "tags": None},
    apply={"id": "$default", "api_id": API_ID,
           "arn": f"arn:aws:apigateway:{REGION}::/apis/{API_ID}/stages/$default",
           "execution_arn": arn("execute-api", f"{API_ID}/$default"),
           "invoke_url": f"https://{API_ID}.execute-api.{REGION}.amazonaws.com/"},
    cfg={"api_id": ref("aws_apigatewayv2_api.http.id"), "name": const("$default"),
         "auto_deploy": const(True),
         "default_route_settings": [{"throttling_burst_limit": const(100),
                                     "throttling_rate_limit": const(50)}]})

res("random_id", "suffix", plan={"byte_length": 4, "keepers": None, "prefix": None},
    apply={"b64_std": "3q2+7w==", "b64_url": "3q2-7w", "dec": "3735928559", "hex": "deadbeef",
           "id": "3q2-7w"},
    cfg={"byte_length": const(4)})

# ----------------------------------------------------------------- output
def address(r):
    a = ("data." if r["mode"] == "data" else "") + r["type"] + "." + r["name"]
    return (r["module"] + "." + a) if r["module"] else a


def provider(r):
    return "registry.terraform.io/hashicorp/" + ("random" if r["type"].startswith("random") else "aws")


def values(r, applied):
    v = dict(r["plan"])
    if applied:
        v.update(r["apply"])
        v.setdefault("tags_all", {}) if r["mode"] == "managed" and r["type"].startswith("aws_") \
            and "tags" in r["plan"] else None
    return dict(sorted(v.items()))


def resource_json(r, applied):
    o = {"address": address(r), "mode": r["mode"], "type": r["type"], "name": r["name"],
         "provider_name": provider(r), "schema_version": 0, "values": values(r, applied),
         "sensitive_values": {}}
    return o


def modules(applied, select):
    root = [resource_json(r, applied) for r in R if r["module"] == "" and select(r)]
    kids = {}
    for r in R:
        if r["module"] and select(r):
            kids.setdefault(r["module"], []).append(resource_json(r, applied))
    out = {"resources": sorted(root, key=lambda x: x["address"])}
    if kids:
        out["child_modules"] = [{"resources": sorted(v, key=lambda x: x["address"]), "address": k}
                                for k, v in sorted(kids.items())]
    return out


def deferred(r):
    """A data source read at apply time: it depends on an unknown value."""
    return r["mode"] == "data" and r["type"] == "aws_iam_policy_document" and "json" not in r["plan"]


def after_unknown(r):
    u = {k: True for k in r["apply"] if k not in r["plan"]}
    return dict(sorted(u.items()))


def config_module(module):
    rs = []
    for r in R:
        if r["module"] != module:
            continue
        a = ("data." if r["mode"] == "data" else "") + r["type"] + "." + r["name"]
        rs.append({"address": a, "mode": r["mode"], "type": r["type"], "name": r["name"],
                   "provider_config_key": "aws" if not r["type"].startswith("random") else "random",
                   "expressions": r["cfg"], "schema_version": 0})
    return rs


plan = {
    "format_version": "1.2",
    "terraform_version": TFV,
    "variables": {"payment_api_key": {"value": "example-payment-api-key-not-real"}},
    "planned_values": {"root_module": modules(False, lambda r: r["mode"] == "managed"
                                              or deferred(r))},
    "resource_changes": [
        {"address": address(r), **({"module_address": r["module"]} if r["module"] else {}),
         "mode": r["mode"], "type": r["type"], "name": r["name"],
         "provider_name": provider(r),
         **({"action_reason": "read_because_dependency_pending"} if deferred(r) else {}),
         "change": {"actions": ["read"] if deferred(r) else ["create"], "before": None,
                    "after": values(r, False), "after_unknown": after_unknown(r),
                    "before_sensitive": False,
                    "after_sensitive": {"secret_string": True} if r["type"] ==
                    "aws_secretsmanager_secret_version" else {}}}
        for r in sorted(R, key=address) if r["mode"] == "managed" or deferred(r)],
    "prior_state": {"format_version": "1.0", "terraform_version": TFV,
                    "values": {"root_module": modules(True, lambda r: r["mode"] == "data"
                                                      and not deferred(r))}},
    "configuration": {
        "provider_config": {"aws": {"name": "aws", "full_name": "registry.terraform.io/hashicorp/aws",
                                    "version_constraint": "~> 5.0",
                                    "expressions": {"region": const(REGION)}},
                            "random": {"name": "random",
                                       "full_name": "registry.terraform.io/hashicorp/random"}},
        "root_module": {
            "resources": config_module(""),
            "module_calls": {"audit": {
                "source": "./modules/bucket",
                "expressions": {"name": const(AUDIT)},
                "module": {
                    "outputs": {"bucket_arn": {"expression": ref("aws_s3_bucket.this.arn")}},
                    "resources": config_module("module.audit"),
                    "variables": {"name": {"description": "Bucket name"}}}}},
            "variables": {"payment_api_key": {"sensitive": True}}}},
    "timestamp": "2024-05-01T10:00:00Z",
    "applyable": True, "complete": True, "errored": False,
}

state = {"format_version": "1.0", "terraform_version": TFV,
         "values": {"outputs": {}, "root_module": modules(True, lambda r: True)}}

with open("serverless-plan.json", "w") as f:
    json.dump(plan, f, indent=2)
    f.write("\n")
with open("serverless-state.json", "w") as f:
    json.dump(state, f, indent=2)
    f.write("\n")
