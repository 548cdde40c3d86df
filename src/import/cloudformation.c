/*
 * CloudFormation and SAM templates -> a stridec model tree (MODEL.md).
 *
 * Input: the template as a document tree (YAML or JSON). The YAML reader
 * already turns the short-form tags (!Ref, !GetAtt, !Sub ...) into the long
 * form ({"Ref": X}, {"Fn::GetAtt": ...}), so only the long form is read here.
 *
 * What becomes what (share/stridec/doc/import.md has the user's view):
 *   - resources of a modelled type become elements (aws.lambda, aws.s3, ...),
 *     ids from the logical ids in kebab case, names the logical ids;
 *   - IAM roles and users become identities with their statements; inline
 *     policies, AWS::IAM::Policy/ManagedPolicy attached to them, a few AWS
 *     managed policies and SAM policy templates are expanded into statements;
 *     a SAM function without a Role gets the role SAM creates for it;
 *   - the resources that only configure another one (permissions, bucket and
 *     queue policies, API stages, methods, subscriptions, event source
 *     mappings ...) become props and flows of the element they configure;
 *   - flows come from SAM Events, event source mappings, S3 notifications,
 *     SNS subscriptions, API integrations, dead-letter targets, and from what
 *     an element's role allows on another resource of the template (a write
 *     action: element -> resource; a read action: resource -> element);
 *   - props only where the template states the fact; absent stays absent;
 *   - one cloud-account boundary holds the stack; public API endpoints and
 *     function URLs get an "Internet users" element in an internet boundary.
 *
 * Everything is walked in file order and no hash order leaks into the
 * output: the same template gives the same model, byte for byte.
 *
 * Bad input (an error, no model): a root that is not a map, no Resources
 * map, a resource that is not a map or has no Type, a logical id that is not
 * alphanumeric, Properties that is not a map, a property of the wrong type,
 * a Ref/GetAtt/Sub naming nothing in the template. A map with Resources but
 * neither AWSTemplateFormatVersion nor Transform is taken as a fragment (the
 * `resources:` block of a serverless.yml): there, references to resources
 * the template does not declare are warnings, as a framework generates them.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stridec/import.h"

/* ------------------------------------------------------------- tables */

typedef enum {
    S_K_SKIP,     /* not modelled: warning */
    S_K_ELEMENT,  /* an element */
    S_K_IDENTITY, /* an identity */
    S_K_FOLDED    /* configures another resource (props, flows), or nothing to model */
} S_kind;

typedef struct {
    const char *cfn;
    S_kind kind;
    const char *type; /* element or identity type */
} S_type_map;

static const S_type_map S_types[] = {
    {"AWS::Lambda::Function", S_K_ELEMENT, "aws.lambda"},
    {"AWS::Serverless::Function", S_K_ELEMENT, "aws.lambda"},
    {"AWS::ApiGateway::RestApi", S_K_ELEMENT, "aws.apigateway"},
    {"AWS::ApiGatewayV2::Api", S_K_ELEMENT, "aws.apigateway"},
    {"AWS::Serverless::Api", S_K_ELEMENT, "aws.apigateway"},
    {"AWS::Serverless::HttpApi", S_K_ELEMENT, "aws.apigateway"},
    {"AWS::S3::Bucket", S_K_ELEMENT, "aws.s3"},
    {"AWS::SQS::Queue", S_K_ELEMENT, "aws.sqs"},
    {"AWS::SNS::Topic", S_K_ELEMENT, "aws.sns"},
    {"AWS::DynamoDB::Table", S_K_ELEMENT, "aws.dynamodb"},
    {"AWS::DynamoDB::GlobalTable", S_K_ELEMENT, "aws.dynamodb"},
    {"AWS::Serverless::SimpleTable", S_K_ELEMENT, "aws.dynamodb"},
    {"AWS::Cognito::UserPool", S_K_ELEMENT, "aws.cognito"},
    {"AWS::Cognito::IdentityPool", S_K_ELEMENT, "aws.cognito"},
    {"AWS::KMS::Key", S_K_ELEMENT, "aws.kms"},
    {"AWS::SecretsManager::Secret", S_K_ELEMENT, "aws.secretsmanager"},
    {"AWS::StepFunctions::StateMachine", S_K_ELEMENT, "aws.stepfunctions"},
    {"AWS::Serverless::StateMachine", S_K_ELEMENT, "aws.stepfunctions"},
    {"AWS::Events::Rule", S_K_ELEMENT, "aws.eventbridge"},
    {"AWS::Events::EventBus", S_K_ELEMENT, "aws.eventbridge"},
    {"AWS::Scheduler::Schedule", S_K_ELEMENT, "aws.schedule"},
    {"AWS::Logs::LogGroup", S_K_ELEMENT, "aws.cloudwatch"},
    {"AWS::CloudTrail::Trail", S_K_ELEMENT, "aws.cloudtrail"},
    {"AWS::Kinesis::Stream", S_K_ELEMENT, "aws.kinesis"},
    {"AWS::KinesisFirehose::DeliveryStream", S_K_ELEMENT, "aws.kinesis"},
    {"AWS::RDS::DBInstance", S_K_ELEMENT, "aws.rds"},
    {"AWS::RDS::DBCluster", S_K_ELEMENT, "aws.rds"},
    {"AWS::EC2::Instance", S_K_ELEMENT, "aws.ec2"},
    {"AWS::ECS::Service", S_K_ELEMENT, "aws.ecs"},
    {"AWS::CloudFront::Distribution", S_K_ELEMENT, "aws.cloudfront"},
    {"AWS::CodeBuild::Project", S_K_ELEMENT, "aws.codebuild"},
    {"AWS::CodePipeline::Pipeline", S_K_ELEMENT, "aws.codepipeline"},
    {"AWS::SES::EmailIdentity", S_K_ELEMENT, "aws.ses"},
    {"AWS::SES::ConfigurationSet", S_K_ELEMENT, "aws.ses"},
    {"AWS::IAM::Role", S_K_IDENTITY, "aws.iam.role"},
    {"AWS::IAM::User", S_K_IDENTITY, "aws.iam.user"},
    /* Folded into the resource they configure. */
    {"AWS::IAM::Policy", S_K_FOLDED, NULL},
    {"AWS::IAM::ManagedPolicy", S_K_FOLDED, NULL},
    {"AWS::IAM::InstanceProfile", S_K_FOLDED, NULL},
    {"AWS::Lambda::Permission", S_K_FOLDED, NULL},
    {"AWS::Lambda::EventSourceMapping", S_K_FOLDED, NULL},
    {"AWS::Lambda::Url", S_K_FOLDED, NULL},
    {"AWS::Lambda::EventInvokeConfig", S_K_FOLDED, NULL},
    {"AWS::Lambda::Version", S_K_FOLDED, NULL},
    {"AWS::Lambda::Alias", S_K_FOLDED, NULL},
    {"AWS::Lambda::LayerVersion", S_K_FOLDED, NULL},
    {"AWS::Serverless::LayerVersion", S_K_FOLDED, NULL},
    {"AWS::SNS::Subscription", S_K_FOLDED, NULL},
    {"AWS::SNS::TopicPolicy", S_K_FOLDED, NULL},
    {"AWS::SQS::QueuePolicy", S_K_FOLDED, NULL},
    {"AWS::S3::BucketPolicy", S_K_FOLDED, NULL},
    {"AWS::ApiGateway::Method", S_K_FOLDED, NULL},
    {"AWS::ApiGateway::Resource", S_K_FOLDED, NULL},
    {"AWS::ApiGateway::Authorizer", S_K_FOLDED, NULL},
    {"AWS::ApiGateway::Stage", S_K_FOLDED, NULL},
    {"AWS::ApiGateway::Deployment", S_K_FOLDED, NULL},
    {"AWS::ApiGateway::RequestValidator", S_K_FOLDED, NULL},
    {"AWS::ApiGateway::Account", S_K_FOLDED, NULL},
    {"AWS::ApiGatewayV2::Route", S_K_FOLDED, NULL},
    {"AWS::ApiGatewayV2::Integration", S_K_FOLDED, NULL},
    {"AWS::ApiGatewayV2::Stage", S_K_FOLDED, NULL},
    {"AWS::ApiGatewayV2::Authorizer", S_K_FOLDED, NULL},
    {"AWS::ApiGatewayV2::Deployment", S_K_FOLDED, NULL},
    {"AWS::WAFv2::WebACLAssociation", S_K_FOLDED, NULL},
    {"AWS::KMS::Alias", S_K_FOLDED, NULL},
    {"AWS::SecretsManager::RotationSchedule", S_K_FOLDED, NULL},
    {"AWS::Cognito::UserPoolClient", S_K_FOLDED, NULL},
};

/* The IAM service prefixes whose actions reach an element of a type. */
typedef struct {
    const char *type;
    const char *service;
    const char *const *reads;  /* representative data-plane read actions */
    const char *const *writes; /* ... and writes */
} S_service;

#define S_L(...) ((const char *const[]){__VA_ARGS__, NULL})
static const S_service S_services[] = {
    {"aws.dynamodb", "dynamodb",
     S_L("GetItem", "Query", "Scan", "BatchGetItem", "TransactGetItems", "GetRecords"),
     S_L("PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems")},
    {"aws.s3", "s3", S_L("GetObject"), S_L("PutObject", "DeleteObject")},
    {"aws.sqs", "sqs", S_L("ReceiveMessage"), S_L("SendMessage")},
    {"aws.sns", "sns", S_L(""), S_L("Publish")},
    {"aws.lambda", "lambda", S_L(""), S_L("InvokeFunction")},
    {"aws.stepfunctions", "states", S_L(""), S_L("StartExecution", "StartSyncExecution")},
    {"aws.eventbridge", "events", S_L(""), S_L("PutEvents")},
    {"aws.secretsmanager", "secretsmanager", S_L("GetSecretValue"), S_L("PutSecretValue")},
    {"aws.kms", "kms", S_L("Decrypt"), S_L("Encrypt", "GenerateDataKey")},
    {"aws.cloudwatch", "logs", S_L("GetLogEvents", "FilterLogEvents"), S_L("PutLogEvents")},
    {"aws.kinesis", "kinesis", S_L("GetRecords"), S_L("PutRecord", "PutRecords")},
    {"aws.kinesis", "firehose", S_L(""), S_L("PutRecord", "PutRecordBatch")},
    {"aws.ses", "ses", S_L(""), S_L("SendEmail", "SendRawEmail")},
    {"aws.cognito", "cognito-idp", S_L("AdminGetUser", "ListUsers"),
     S_L("AdminCreateUser", "AdminUpdateUserAttributes")},
    {"aws.rds", "rds-db", S_L("connect"), S_L("connect")},
    {"aws.rds", "rds-data", S_L("ExecuteStatement"), S_L("ExecuteStatement")},
};

/* AWS managed policies expanded into statements (the ones templates attach
 * most; anything else is a warning). */
typedef struct {
    const char *name;
    const char *const *actions;
    int not_action; /* the actions are a NotAction list */
} S_managed;

static const S_managed S_managed_policies[] = {
    {"AWSLambdaBasicExecutionRole", S_L("logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"), 0},
    {"AWSLambdaVPCAccessExecutionRole",
     S_L("logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents",
         "ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DeleteNetworkInterface"),
     0},
    {"AWSLambdaSQSQueueExecutionRole",
     S_L("sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "logs:CreateLogGroup",
         "logs:CreateLogStream", "logs:PutLogEvents"),
     0},
    {"AWSLambdaDynamoDBExecutionRole",
     S_L("dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator",
         "dynamodb:ListStreams", "logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"),
     0},
    {"AWSLambdaKinesisExecutionRole",
     S_L("kinesis:DescribeStream", "kinesis:GetRecords", "kinesis:GetShardIterator",
         "kinesis:ListStreams", "logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"),
     0},
    {"AWSXRayDaemonWriteAccess", S_L("xray:PutTraceSegments", "xray:PutTelemetryRecords"), 0},
    {"AWSXrayWriteOnlyAccess", S_L("xray:PutTraceSegments", "xray:PutTelemetryRecords"), 0},
    {"AdministratorAccess", S_L("*"), 0},
    {"PowerUserAccess", S_L("iam:*", "organizations:*", "account:*"), 1},
    {"AmazonS3FullAccess", S_L("s3:*"), 0},
    {"AmazonS3ReadOnlyAccess", S_L("s3:Get*", "s3:List*"), 0},
    {"AmazonDynamoDBFullAccess", S_L("dynamodb:*"), 0},
    {"AmazonDynamoDBReadOnlyAccess", S_L("dynamodb:BatchGetItem", "dynamodb:Describe*", "dynamodb:List*",
                                         "dynamodb:GetItem", "dynamodb:Query", "dynamodb:Scan"), 0},
    {"AmazonSQSFullAccess", S_L("sqs:*"), 0},
    {"AmazonSNSFullAccess", S_L("sns:*"), 0},
    {"AWSLambda_FullAccess", S_L("lambda:*"), 0},
    {"SecretsManagerReadWrite", S_L("secretsmanager:*"), 0},
    {"CloudWatchLogsFullAccess", S_L("logs:*"), 0},
};

/* SAM policy templates: the actions and the resource (an ARN pattern with
 * the template's one parameter as "%s"). */
typedef struct {
    const char *name;
    const char *param;
    const char *resource;
    const char *const *actions;
} S_sam_policy;

static const S_sam_policy S_sam_policies[] = {
    {"DynamoDBCrudPolicy", "TableName", "arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/%s",
     S_L("dynamodb:GetItem", "dynamodb:DeleteItem", "dynamodb:PutItem", "dynamodb:Scan", "dynamodb:Query",
         "dynamodb:UpdateItem", "dynamodb:BatchWriteItem", "dynamodb:BatchGetItem",
         "dynamodb:DescribeTable", "dynamodb:ConditionCheckItem")},
    {"DynamoDBReadPolicy", "TableName", "arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/%s",
     S_L("dynamodb:GetItem", "dynamodb:Scan", "dynamodb:Query", "dynamodb:BatchGetItem",
         "dynamodb:DescribeTable")},
    {"DynamoDBWritePolicy", "TableName", "arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/%s",
     S_L("dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:BatchWriteItem")},
    {"DynamoDBStreamReadPolicy", "TableName", "arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/%s/stream/*",
     S_L("dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator")},
    {"S3ReadPolicy", "BucketName", "arn:${AWS::Partition}:s3:::%s/*",
     S_L("s3:GetObject", "s3:ListBucket", "s3:GetBucketLocation", "s3:GetObjectVersion",
         "s3:GetLifecycleConfiguration")},
    {"S3WritePolicy", "BucketName", "arn:${AWS::Partition}:s3:::%s/*",
     S_L("s3:PutObject", "s3:PutObjectAcl", "s3:PutLifecycleConfiguration")},
    {"S3CrudPolicy", "BucketName", "arn:${AWS::Partition}:s3:::%s/*",
     S_L("s3:GetObject", "s3:ListBucket", "s3:GetBucketLocation", "s3:GetObjectVersion",
         "s3:PutObject", "s3:PutObjectAcl", "s3:GetLifecycleConfiguration",
         "s3:PutLifecycleConfiguration", "s3:DeleteObject")},
    {"SQSSendMessagePolicy", "QueueName", "arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:%s",
     S_L("sqs:SendMessage*")},
    {"SQSPollerPolicy", "QueueName", "arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:%s",
     S_L("sqs:ChangeMessageVisibility", "sqs:ChangeMessageVisibilityBatch", "sqs:DeleteMessage",
         "sqs:DeleteMessageBatch", "sqs:GetQueueAttributes", "sqs:ReceiveMessage")},
    {"SNSPublishMessagePolicy", "TopicName", "arn:${AWS::Partition}:sns:${AWS::Region}:${AWS::AccountId}:%s",
     S_L("sns:Publish")},
    {"SNSCrudPolicy", "TopicName", "arn:${AWS::Partition}:sns:${AWS::Region}:${AWS::AccountId}:%s*",
     S_L("sns:ListSubscriptionsByTopic", "sns:CreateTopic", "sns:SetTopicAttributes", "sns:Subscribe",
         "sns:Publish")},
    {"LambdaInvokePolicy", "FunctionName", "arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:%s*",
     S_L("lambda:InvokeFunction")},
    {"StepFunctionsExecutionPolicy", "StateMachineName", "arn:${AWS::Partition}:states:${AWS::Region}:${AWS::AccountId}:stateMachine:%s",
     S_L("states:StartExecution")},
    {"EventBridgePutEventsPolicy", "EventBusName", "arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:event-bus/%s",
     S_L("events:PutEvents")},
    {"AWSSecretsManagerGetSecretValuePolicy", "SecretArn", "%s", S_L("secretsmanager:GetSecretValue")},
    {"KMSDecryptPolicy", "KeyId", "arn:${AWS::Partition}:kms:${AWS::Region}:${AWS::AccountId}:key/%s",
     S_L("kms:Decrypt")},
    {"KMSEncryptPolicy", "KeyId", "arn:${AWS::Partition}:kms:${AWS::Region}:${AWS::AccountId}:key/%s",
     S_L("kms:Encrypt")},
    {"SESCrudPolicy", "IdentityName", "arn:${AWS::Partition}:ses:${AWS::Region}:${AWS::AccountId}:identity/%s",
     S_L("ses:GetIdentityVerificationAttributes", "ses:SendEmail", "ses:SendRawEmail",
         "ses:VerifyEmailIdentity")},
    {"KinesisStreamReadPolicy", "StreamName", "arn:${AWS::Partition}:kinesis:${AWS::Region}:${AWS::AccountId}:stream/%s",
     S_L("kinesis:ListStreams", "kinesis:DescribeStream", "kinesis:DescribeStreamSummary",
         "kinesis:GetRecords", "kinesis:GetShardIterator")},
    {"SSMParameterReadPolicy", "ParameterName", "arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter/%s",
     S_L("ssm:GetParameters", "ssm:GetParameter", "ssm:GetParametersByPath")},
    {"CloudWatchPutMetricPolicy", NULL, "*", S_L("cloudwatch:PutMetricData")},
    {"AWSXrayWriteOnlyAccess", NULL, "*", S_L("xray:PutTraceSegments", "xray:PutTelemetryRecords")},
};

/* Conditions that narrow "*" or another account to known callers (as the
 * engine's IAM analysis counts them). */
static const char *const S_narrowing_keys[] = {
    "aws:SourceArn",   "aws:SourceAccount",    "aws:PrincipalOrgID", "aws:PrincipalAccount",
    "aws:SourceVpc",   "aws:SourceVpce",       "aws:SourceIp",       "aws:PrincipalArn",
    "aws:SourceOrgID", "aws:PrincipalOrgPaths"};

#define S_COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define S_MAX_FLOW_NAME_ACTIONS 4

/* ------------------------------------------------------------ context */

typedef struct {
    const char *file;
    uint32_t line, col;
} S_pos;

typedef struct S_el S_el;
typedef struct S_idn S_idn;

typedef struct {
    const char *logical; /* logical id */
    const char *type;    /* AWS::...::... */
    const S_type_map *map;
    const tm_node *node;  /* the resource map */
    const tm_node *props; /* Properties (a map) or NULL */
    S_pos pos;            /* of the logical id */
    S_el *el;
    S_idn *idn;
    const char *globals; /* SAM Globals section, or NULL */
} S_res;

typedef enum { S_AUTH_UNKNOWN = -1, S_AUTH_NONE, S_AUTH_API_KEY, S_AUTH_STRONG } S_auth_rank;

struct S_el {
    const char *id, *name, *type, *description;
    const char *boundary;
    const char *identity; /* identity id */
    const char *reason;   /* out of scope: why */
    S_res *res;           /* NULL for synthetic elements */
    S_pos pos;
    tm_node *props; /* map */
    int in_house;   /* origin in-house (functions: their code) */
    int out_of_scope;
    int external;
    /* APIs */
    int routes;            /* routes seen */
    int weakest_auth;      /* S_auth_rank of the weakest route */
    const char *auth_name; /* its authorizer prop value */
    int private_api;
    int has_body; /* an OpenAPI definition we do not read for auth */
    /* functions */
    int n_perms, n_service_perms, perms_without_source;
};

typedef struct {
    const char *target; /* logical id */
    const char *action; /* as written */
    S_pos pos;
} S_grant;

struct S_idn {
    const char *id, *name, *type, *logical;
    S_pos pos;
    tm_node *statements; /* list */
    tm_vec grants;       /* S_grant* */
    int logs;            /* may write CloudWatch Logs: 1 yes, 0 no, -1 unknown */
    int unknown_policies;
};

typedef struct {
    const char *from, *to, *name, *protocol;
    int trigger;
    int authenticated; /* -1 unknown */
    int encrypted;     /* -1 unknown */
    S_pos pos;
} S_flow;

typedef struct {
    tm_arena *a;
    tm_diags *d;
    const char *file;
    int sam;
    int fragment; /* no AWSTemplateFormatVersion/Transform: references may be external */
    const tm_node *root, *resources, *params, *globals;
    S_res *res;
    size_t n_res;
    tm_map *by_logical; /* logical id -> S_res* */
    tm_map *ids;        /* model ids in use */
    tm_map *synth;      /* key of a synthetic element -> S_el* */
    tm_map *flow_keys;  /* "from\n to" of flows made */
    tm_vec els, idns, flows;
    S_el *users;
    size_t errors;
} S_ctx;

/* ------------------------------------------------------- diagnostics */

static S_pos S_at(const S_ctx *c, const tm_node *n)
{
    S_pos p = {c->file, 1, 1};
    if (n) {
        p.file = n->file ? n->file : c->file;
        p.line = n->line ? n->line : 1;
        p.col = n->col ? n->col : 1;
    }
    return p;
}

static void S_err(S_ctx *c, S_pos p, const char *fmt, ...) TM_PRINTF(3, 4);
static void S_err(S_ctx *c, S_pos p, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    tm_diag_vadd(c->d, TM_DIAG_ERROR, "import", p.file, p.line, p.col, fmt, ap);
    va_end(ap);
    c->errors++;
}

static void S_warn(S_ctx *c, S_pos p, const char *fmt, ...) TM_PRINTF(3, 4);
static void S_warn(S_ctx *c, S_pos p, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    tm_diag_vadd(c->d, TM_DIAG_WARNING, "import", p.file, p.line, p.col, fmt, ap);
    va_end(ap);
}

/* ------------------------------------------------------ output nodes */

static tm_node *S_place(tm_node *n, S_pos p)
{
    n->file = p.file;
    n->line = p.line;
    n->col = p.col;
    return n;
}

static tm_node *S_str(S_ctx *c, const char *s, S_pos p)
{
    return S_place(tm_node_string(c->a, s), p);
}

static tm_node *S_new(S_ctx *c, tm_node_kind k, S_pos p)
{
    return tm_node_new(c->a, k, p.file, p.line, p.col);
}

static void S_put(S_ctx *c, tm_node *map, const char *key, tm_node *v)
{
    tm_node_map_put(c->a, map, key, v->line, v->col, v);
}

static void S_put_str(S_ctx *c, tm_node *map, const char *key, const char *s, S_pos p)
{
    if (s)
        S_put(c, map, key, S_str(c, s, p));
}

/* Set (or replace) a prop of an element. */
static void S_prop(S_ctx *c, S_el *el, const char *key, tm_node *v)
{
    for (size_t i = 0; i < el->props->n; i++)
        if (strcmp(el->props->pairs[i].key, key) == 0) {
            el->props->pairs[i].value = v;
            return;
        }
    S_put(c, el->props, key, v);
}

static void S_prop_bool(S_ctx *c, S_el *el, const char *key, int v, S_pos p)
{
    S_prop(c, el, key, S_place(tm_node_bool(c->a, v), p));
}

static void S_prop_int(S_ctx *c, S_el *el, const char *key, long long v, S_pos p)
{
    S_prop(c, el, key, S_place(tm_node_int(c->a, v), p));
}

static void S_prop_str(S_ctx *c, S_el *el, const char *key, const char *v, S_pos p)
{
    S_prop(c, el, key, S_str(c, v, p));
}

/* Add a string to a list prop unless it is there already. */
static void S_prop_add(S_ctx *c, S_el *el, const char *key, const char *v, S_pos p)
{
    tm_node *list = tm_node_get(el->props, key);
    if (!list || list->kind != TM_NODE_LIST) {
        list = S_new(c, TM_NODE_LIST, p);
        S_prop(c, el, key, list);
    }
    for (size_t i = 0; i < list->n; i++)
        if (strcmp(list->items[i]->text, v) == 0)
            return;
    tm_node_list_push(c->a, list, S_str(c, v, p));
}

static const tm_node *S_prop_get(const S_el *el, const char *key)
{
    return tm_node_get(el->props, key);
}

/* ----------------------------------------------------- template values */

/* {"Ref": X}, {"Fn::...": X} or {"Condition": X}: the function's name. */
static const char *S_intrinsic(const tm_node *n, const tm_node **arg)
{
    if (!n || n->kind != TM_NODE_MAP || n->n != 1)
        return NULL;
    const char *k = n->pairs[0].key;
    if (strcmp(k, "Ref") == 0 || strncmp(k, "Fn::", 4) == 0 || strcmp(k, "Condition") == 0) {
        if (arg)
            *arg = n->pairs[0].value;
        return k;
    }
    return NULL;
}

static int S_is_str(const tm_node *n)
{
    return n && n->kind == TM_NODE_SCALAR && n->stype != TM_SCALAR_NULL;
}

static S_res *S_resource(const S_ctx *c, const char *logical)
{
    return logical ? tm_map_get(c->by_logical, logical) : NULL;
}

static const tm_node *S_param(const S_ctx *c, const char *name)
{
    return c->params && c->params->kind == TM_NODE_MAP ? tm_node_get(c->params, name) : NULL;
}

/* A Ref to a parameter with a scalar Default: the default. Otherwise n. */
static const tm_node *S_deref(const S_ctx *c, const tm_node *n)
{
    const tm_node *arg;
    const char *f = S_intrinsic(n, &arg);
    if (f && strcmp(f, "Ref") == 0 && S_is_str(arg)) {
        const tm_node *p = S_param(c, arg->text);
        const tm_node *def = p && p->kind == TM_NODE_MAP ? tm_node_get(p, "Default") : NULL;
        if (S_is_str(def))
            return def;
    }
    return n;
}

/* The logical id and attribute of a GetAtt argument ("X.Attr" or [X, Attr]). */
static int S_getatt(S_ctx *c, const tm_node *arg, const char **logical, const char **attr)
{
    if (S_is_str(arg)) {
        const char *dot = strchr(arg->text, '.');
        *logical = dot ? tm_arena_strndup(c->a, arg->text, (size_t)(dot - arg->text)) : arg->text;
        *attr = dot ? dot + 1 : "";
        return 1;
    }
    if (arg && arg->kind == TM_NODE_LIST && arg->n == 2 && S_is_str(arg->items[0])) {
        *logical = arg->items[0]->text;
        *attr = S_is_str(arg->items[1]) ? arg->items[1]->text : "";
        return 1;
    }
    return 0;
}

/* Render a value as text: scalars as written, Ref X as ${X}, GetAtt X.A as
 * ${X.A}, Sub as its string, Join joined; a function that cannot be
 * computed as ${Fn::Name}. *exact is cleared when something could not be
 * computed. NULL for maps and lists that are not functions. */
static void S_render_into(S_ctx *c, const tm_node *n, tm_buf *b, int *exact, int depth);

static void S_render_sub(S_ctx *c, const char *s, const tm_node *vars, tm_buf *b, int *exact,
                         int depth)
{
    while (*s) {
        if (s[0] == '$' && s[1] == '{') {
            const char *end = strchr(s + 2, '}');
            if (!end)
                break;
            if (s[2] == '!') { /* ${!Literal} */
                tm_buf_puts(b, "${");
                tm_buf_put(b, s + 3, (size_t)(end - s - 2));
                s = end + 1;
                continue;
            }
            char *name = tm_arena_strndup(c->a, s + 2, (size_t)(end - s - 2));
            const tm_node *v = vars && vars->kind == TM_NODE_MAP ? tm_node_get(vars, name) : NULL;
            if (v)
                S_render_into(c, v, b, exact, depth + 1);
            else
                tm_buf_put(b, s, (size_t)(end - s + 1));
            s = end + 1;
            continue;
        }
        tm_buf_putc(b, *s++);
    }
    tm_buf_puts(b, s);
}

static void S_render_into(S_ctx *c, const tm_node *n, tm_buf *b, int *exact, int depth)
{
    if (!n || depth > TM_MAX_DEPTH) {
        *exact = 0;
        return;
    }
    if (n->kind == TM_NODE_SCALAR) {
        tm_buf_puts(b, n->text);
        return;
    }
    const tm_node *arg;
    const char *f = S_intrinsic(n, &arg);
    if (!f) {
        *exact = 0;
        tm_buf_puts(b, n->kind == TM_NODE_MAP ? "{...}" : "[...]");
        return;
    }
    if (strcmp(f, "Ref") == 0 && S_is_str(arg)) {
        tm_buf_printf(b, "${%s}", arg->text);
        return;
    }
    const char *logical, *attr;
    if (strcmp(f, "Fn::GetAtt") == 0 && S_getatt(c, arg, &logical, &attr)) {
        tm_buf_printf(b, "${%s%s%s}", logical, *attr ? "." : "", attr);
        return;
    }
    if (strcmp(f, "Fn::Sub") == 0) {
        if (S_is_str(arg)) {
            S_render_sub(c, arg->text, NULL, b, exact, depth);
            return;
        }
        if (arg && arg->kind == TM_NODE_LIST && arg->n == 2 && S_is_str(arg->items[0])) {
            S_render_sub(c, arg->items[0]->text, arg->items[1], b, exact, depth);
            return;
        }
    }
    if (strcmp(f, "Fn::Join") == 0 && arg && arg->kind == TM_NODE_LIST && arg->n == 2 &&
        S_is_str(arg->items[0]) && arg->items[1]->kind == TM_NODE_LIST) {
        const tm_node *parts = arg->items[1];
        for (size_t i = 0; i < parts->n; i++) {
            if (i)
                tm_buf_puts(b, arg->items[0]->text);
            S_render_into(c, parts->items[i], b, exact, depth + 1);
        }
        return;
    }
    if (strcmp(f, "Fn::Select") == 0 && arg && arg->kind == TM_NODE_LIST && arg->n == 2 &&
        arg->items[0]->kind == TM_NODE_SCALAR && arg->items[1]->kind == TM_NODE_LIST) {
        char *end;
        long i = strtol(arg->items[0]->text, &end, 10);
        if (*end == '\0' && i >= 0 && (size_t)i < arg->items[1]->n) {
            S_render_into(c, arg->items[1]->items[i], b, exact, depth + 1);
            return;
        }
    }
    if (strcmp(f, "Fn::ImportValue") == 0) {
        *exact = 0;
        tm_buf_puts(b, "${Fn::ImportValue:");
        S_render_into(c, arg, b, exact, depth + 1);
        tm_buf_puts(b, "}");
        return;
    }
    *exact = 0;
    tm_buf_printf(b, "${%s}", f);
}

/* Arena string; NULL for a map or list that is not a function. */
static const char *S_render(S_ctx *c, const tm_node *n, int *exact)
{
    int ex = 1;
    if (!n || (n->kind != TM_NODE_SCALAR && !S_intrinsic(n, NULL))) {
        if (exact)
            *exact = 0;
        return NULL;
    }
    if (n->kind == TM_NODE_SCALAR) {
        if (exact)
            *exact = 1;
        return n->text;
    }
    tm_buf b;
    tm_buf_init(&b, 1u << 16);
    S_render_into(c, n, &b, &ex, 0);
    if (b.failed)
        ex = 0; /* longer than any value we keep: a placeholder instead */
    const char *s = tm_arena_strdup(c->a, b.failed ? "${value too long}" : b.data ? b.data : "");
    tm_buf_free(&b);
    if (exact)
        *exact = ex;
    return s;
}

/* Collect the logical ids of resources a value refers to (Ref, GetAtt,
 * ${X} in Sub), in order, without repeats. */
static void S_push_ref(S_ctx *c, tm_vec *out, const char *logical)
{
    S_res *r = S_resource(c, logical);
    if (!r)
        return;
    for (size_t i = 0; i < out->len; i++)
        if (out->items[i] == r)
            return;
    tm_vec_push(out, r);
}

static void S_sub_refs(S_ctx *c, const char *s, const tm_node *vars, tm_vec *out)
{
    while ((s = strstr(s, "${")) != NULL) {
        const char *end = strchr(s + 2, '}');
        if (!end)
            return;
        if (s[2] != '!') {
            size_t n = (size_t)(end - s - 2);
            const char *dot = memchr(s + 2, '.', n);
            char *name = tm_arena_strndup(c->a, s + 2, dot ? (size_t)(dot - s - 2) : n);
            if (!(vars && vars->kind == TM_NODE_MAP && tm_node_get(vars, name)))
                S_push_ref(c, out, name);
        }
        s = end + 1;
    }
}

static void S_refs(S_ctx *c, const tm_node *n, tm_vec *out, int depth)
{
    if (!n || depth > TM_MAX_DEPTH || n->kind == TM_NODE_SCALAR)
        return;
    const tm_node *arg;
    const char *f = S_intrinsic(n, &arg);
    if (f && strcmp(f, "Ref") == 0) {
        if (S_is_str(arg))
            S_push_ref(c, out, arg->text);
        return;
    }
    const char *logical, *attr;
    if (f && strcmp(f, "Fn::GetAtt") == 0) {
        if (S_getatt(c, arg, &logical, &attr))
            S_push_ref(c, out, logical);
        return;
    }
    if (f && strcmp(f, "Fn::Sub") == 0) {
        if (S_is_str(arg)) {
            S_sub_refs(c, arg->text, NULL, out);
            return;
        }
        if (arg && arg->kind == TM_NODE_LIST && arg->n == 2 && S_is_str(arg->items[0])) {
            S_sub_refs(c, arg->items[0]->text, arg->items[1], out);
            S_refs(c, arg->items[1], out, depth + 1);
            return;
        }
    }
    for (size_t i = 0; i < n->n; i++)
        S_refs(c, n->kind == TM_NODE_MAP ? n->pairs[i].value : n->items[i], out, depth + 1);
}

/* The one resource a value names (the first it refers to), or NULL. */
static S_res *S_ref1(S_ctx *c, const tm_node *n)
{
    tm_vec v = {0};
    S_refs(c, n, &v, 0);
    S_res *r = v.len ? v.items[0] : NULL;
    tm_vec_free(&v);
    return r;
}

/* The element a value names, or NULL. */
static S_el *S_ref_el(S_ctx *c, const tm_node *n)
{
    S_res *r = S_ref1(c, n);
    return r ? r->el : NULL;
}

/* The name of what could not be resolved, for a warning. */
static const char *S_why_unresolved(S_ctx *c, const tm_node *n)
{
    const tm_node *arg;
    const char *f = S_intrinsic(n, &arg);
    if (!f)
        return n && n->kind == TM_NODE_SCALAR ? tm_arena_printf(c->a, "'%s'", n->text) : "a value";
    if (strcmp(f, "Ref") == 0 && S_is_str(arg)) {
        if (S_param(c, arg->text))
            return tm_arena_printf(c->a, "parameter '%s'", arg->text);
        return tm_arena_printf(c->a, "Ref '%s'", arg->text);
    }
    return f;
}

/* --------------------------------------------------- reading properties */

/* A property of a resource, with SAM Globals for the resource's section. */
static const tm_node *S_get(const S_ctx *c, const S_res *r, const char *key)
{
    const tm_node *v = r->props ? tm_node_get(r->props, key) : NULL;
    if (!v && r->globals && c->globals) {
        const tm_node *g = tm_node_get(c->globals, r->globals);
        if (g && g->kind == TM_NODE_MAP)
            v = tm_node_get(g, key);
    }
    return v;
}

static const tm_node *S_sub(const tm_node *map, const char *key)
{
    return map && map->kind == TM_NODE_MAP ? tm_node_get(map, key) : NULL;
}

/* Typed reads of a template value. 1 and *out set when the value is
 * known; 0 when absent or not computable (a warning names it); a value of
 * the wrong type is an error. `what` names it for messages. */
static int S_unresolved(S_ctx *c, const tm_node *n, const char *what)
{
    S_warn(c, S_at(c, n), "cannot resolve %s (%s); left unset", what, S_why_unresolved(c, n));
    return 0;
}

static int S_read_bool(S_ctx *c, const tm_node *n, const char *what, int *out)
{
    if (!n)
        return 0;
    n = S_deref(c, n);
    if (S_intrinsic(n, NULL))
        return S_unresolved(c, n, what);
    if (n->kind == TM_NODE_SCALAR && n->stype == TM_SCALAR_BOOL) {
        *out = n->bval;
        return 1;
    }
    if (n->kind == TM_NODE_SCALAR && (n->stype == TM_SCALAR_STRING || n->stype == TM_SCALAR_TEXT)) {
        if (strcmp(n->text, "true") == 0 || strcmp(n->text, "True") == 0 || strcmp(n->text, "TRUE") == 0) {
            *out = 1;
            return 1;
        }
        if (strcmp(n->text, "false") == 0 || strcmp(n->text, "False") == 0 || strcmp(n->text, "FALSE") == 0) {
            *out = 0;
            return 1;
        }
    }
    S_err(c, S_at(c, n), "%s must be true or false, not %s", what, tm_node_kind_name(n));
    return 0;
}

static int S_read_int(S_ctx *c, const tm_node *n, const char *what, long long *out)
{
    if (!n)
        return 0;
    n = S_deref(c, n);
    if (S_intrinsic(n, NULL))
        return S_unresolved(c, n, what);
    if (n->kind == TM_NODE_SCALAR && n->stype == TM_SCALAR_INT) {
        *out = n->ival;
        return 1;
    }
    if (n->kind == TM_NODE_SCALAR && (n->stype == TM_SCALAR_STRING || n->stype == TM_SCALAR_TEXT) &&
        n->len > 0 && n->len < 19) {
        long long v = 0;
        size_t i = 0;
        int neg = n->text[0] == '-';
        for (i = neg ? 1 : 0; i < n->len && isdigit((unsigned char)n->text[i]); i++)
            v = v * 10 + (n->text[i] - '0');
        if (i == n->len && n->len > (size_t)neg) {
            *out = neg ? -v : v;
            return 1;
        }
    }
    S_err(c, S_at(c, n), "%s must be a whole number, not %s", what,
          n->kind == TM_NODE_SCALAR ? tm_arena_printf(c->a, "'%s'", n->text) : tm_node_kind_name(n));
    return 0;
}

/* A string (numbers and booleans as written). */
static const char *S_read_str(S_ctx *c, const tm_node *n, const char *what)
{
    if (!n)
        return NULL;
    n = S_deref(c, n);
    if (S_intrinsic(n, NULL)) {
        S_unresolved(c, n, what);
        return NULL;
    }
    if (n->kind == TM_NODE_SCALAR && n->stype != TM_SCALAR_NULL)
        return n->text;
    S_err(c, S_at(c, n), "%s must be a string, not %s", what, tm_node_kind_name(n));
    return NULL;
}

/* A map, or NULL (error when present and not a map). */
static const tm_node *S_read_map(S_ctx *c, const tm_node *n, const char *what)
{
    if (!n || (n->kind == TM_NODE_SCALAR && n->stype == TM_SCALAR_NULL))
        return NULL;
    if (n->kind == TM_NODE_MAP && !S_intrinsic(n, NULL))
        return n;
    if (S_intrinsic(n, NULL)) {
        S_unresolved(c, n, what);
        return NULL;
    }
    S_err(c, S_at(c, n), "%s must be a map, not %s", what, tm_node_kind_name(n));
    return NULL;
}

/* Items of a list; a single value counts as a list of one (IAM style). */
static size_t S_items(const tm_node *n, const tm_node *const **items, const tm_node **one)
{
    if (!n)
        return 0;
    if (n->kind == TM_NODE_LIST && !S_intrinsic(n, NULL)) {
        *items = (const tm_node *const *)n->items;
        return n->n;
    }
    *one = n;
    *items = one;
    return 1;
}

static int S_ieq(const char *a, const char *b)
{
    for (; *a && *b; a++, b++)
        if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
            return 0;
    return *a == *b;
}

static const char *S_lower(S_ctx *c, const char *s)
{
    char *o = tm_arena_strdup(c->a, s);
    for (char *p = o; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    return o;
}

/* "What" for a property of a resource: "'Timeout' of 'Fn'". */
static const char *S_what(S_ctx *c, const S_res *r, const char *prop)
{
    return tm_arena_printf(c->a, "'%s' of '%s'", prop, r->logical);
}

/* ---------------------------------------------------------------- ids */

/* "SqsHandlerFunction" -> "sqs-handler-function", "HTTPApi" -> "http-api";
 * anything outside [A-Za-z0-9_.-] becomes '-'. Unique among the model's ids
 * (a -2, -3 ... suffix in the order ids are made). */
static const char *S_new_id(S_ctx *c, const char *logical)
{
    size_t n = strlen(logical);
    tm_buf b;
    tm_buf_init(&b, 0);
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)logical[i];
        if (isupper(ch) && i > 0) {
            unsigned char prev = (unsigned char)logical[i - 1];
            unsigned char next = (unsigned char)logical[i + 1];
            if (islower(prev) || isdigit(prev) || (isupper(prev) && islower(next)))
                tm_buf_putc(&b, '-');
        }
        if (isalnum(ch) || ch == '_' || ch == '.')
            tm_buf_putc(&b, (char)tolower(ch));
        else
            tm_buf_putc(&b, '-');
    }
    /* Collapse runs of '-', trim them and any leading '.', '_'. */
    tm_buf o;
    tm_buf_init(&o, 0);
    for (size_t i = 0; i < b.len; i++) {
        char ch = b.data[i];
        if (o.len == 0 && !isalnum((unsigned char)ch))
            continue;
        if (ch == '-' && o.len && o.data[o.len - 1] == '-')
            continue;
        tm_buf_putc(&o, ch);
    }
    while (o.len && o.data[o.len - 1] == '-')
        o.data[--o.len] = '\0';
    const char *base = o.len ? tm_arena_strdup(c->a, o.data) : "resource";
    tm_buf_free(&b);
    tm_buf_free(&o);
    const char *id = base;
    for (int k = 2; tm_map_get(c->ids, id); k++)
        id = tm_arena_printf(c->a, "%s-%d", base, k);
    tm_map_put(c->ids, id, (void *)id);
    return id;
}

/* ------------------------------------------------------------ elements */

static S_el *S_el_new(S_ctx *c, const char *logical, const char *name, const char *type, S_pos p)
{
    S_el *el = tm_arena_alloc(c->a, sizeof *el);
    el->id = S_new_id(c, logical);
    el->name = name;
    el->type = type;
    el->boundary = "aws-account";
    el->pos = p;
    el->props = S_new(c, TM_NODE_MAP, p);
    el->weakest_auth = S_AUTH_UNKNOWN;
    tm_vec_push(&c->els, el);
    return el;
}

/* A synthetic element (implicit API, schedule, subscriber ...), once per key. */
static S_el *S_synth(S_ctx *c, const char *key, const char *logical, const char *name,
                     const char *type, S_pos p)
{
    S_el *el = tm_map_get(c->synth, key);
    if (!el) {
        el = S_el_new(c, logical, name, type, p);
        tm_map_put(c->synth, tm_arena_strdup(c->a, key), el);
    }
    return el;
}

static S_el *S_users(S_ctx *c, S_pos p)
{
    if (!c->users) {
        c->users = tm_arena_alloc(c->a, sizeof *c->users);
        c->users->id = "internet-users";
        c->users->name = "Internet users";
        c->users->type = "user";
        c->users->boundary = "internet";
        c->users->pos = p;
        c->users->props = S_new(c, TM_NODE_MAP, p);
        c->users->external = 1;
    }
    return c->users;
}

/* An element for a resource outside the template (a parameter, an imported
 * value or a literal ARN) that a flow needs: out of scope, kept visible. */
static S_el *S_outside(S_ctx *c, const tm_node *n, const char *type, S_pos p)
{
    const tm_node *arg;
    const char *f = S_intrinsic(n, &arg);
    const char *name = NULL, *reason = NULL;
    if (f && strcmp(f, "Ref") == 0 && S_is_str(arg) && S_param(c, arg->text)) {
        name = arg->text;
        reason = tm_arena_printf(c->a, "Defined outside this template (parameter %s)", arg->text);
    } else if (f && strcmp(f, "Fn::ImportValue") == 0 && S_is_str(arg)) {
        name = arg->text;
        reason = tm_arena_printf(c->a, "Defined in another stack (export %s)", arg->text);
    } else if (!f && S_is_str(n) && strncmp(n->text, "arn:", 4) == 0) {
        /* The resource part of the ARN names it. */
        const char *s = n->text, *last = s;
        for (int field = 0; field < 5 && (s = strchr(s, ':')) != NULL; field++)
            last = ++s;
        const char *slash = strrchr(last, '/');
        name = slash && slash[1] ? slash + 1 : last;
        if (!*name)
            return NULL;
        reason = tm_arena_printf(c->a, "Defined outside this template (%s)", n->text);
    } else {
        return NULL;
    }
    S_el *el = S_synth(c, tm_arena_printf(c->a, "outside\n%s\n%s", type, name), name, name, type, p);
    el->out_of_scope = 1;
    el->reason = reason;
    el->boundary = NULL; /* which account holds it, the template does not say */
    return el;
}

/* ---------------------------------------------------------------- flows */

static S_flow *S_flow_add(S_ctx *c, const S_el *from, const S_el *to, const char *name,
                          const char *protocol, int trigger, S_pos p)
{
    if (!from || !to || from == to)
        return NULL;
    const char *key = tm_arena_printf(c->a, "%s\n%s\n%s", from->id, to->id, name ? name : "");
    if (tm_map_get(c->flow_keys, key))
        return NULL;
    tm_map_put(c->flow_keys, key, (void *)key);
    tm_map_put(c->flow_keys, tm_arena_printf(c->a, "%s\n%s", from->id, to->id), (void *)key);
    S_flow *f = tm_arena_alloc(c->a, sizeof *f);
    f->from = from->id;
    f->to = to->id;
    f->name = name;
    f->protocol = protocol;
    f->trigger = trigger;
    f->authenticated = -1;
    f->encrypted = -1;
    f->pos = p;
    tm_vec_push(&c->flows, f);
    return f;
}

static int S_flow_exists(S_ctx *c, const S_el *from, const S_el *to)
{
    return tm_map_get(c->flow_keys, tm_arena_printf(c->a, "%s\n%s", from->id, to->id)) != NULL;
}

/* ------------------------------------------------------------- policies */

static int S_narrowing(const char *var)
{
    for (size_t i = 0; i < S_COUNT(S_narrowing_keys); i++)
        if (S_ieq(var, S_narrowing_keys[i]))
            return 1;
    return 0;
}

/* Principal values of a statement: "*" or {AWS|Service|Federated|CanonicalUser: v|[v]}. */
static void S_principals(S_ctx *c, const tm_node *pr, tm_vec *out)
{
    if (!pr)
        return;
    if (pr->kind == TM_NODE_SCALAR || S_intrinsic(pr, NULL)) {
        const char *s = S_render(c, pr, NULL);
        if (s)
            tm_vec_push(out, (void *)s);
        return;
    }
    if (pr->kind != TM_NODE_MAP)
        return;
    for (size_t i = 0; i < pr->n; i++) {
        const tm_node *one, *const *items;
        size_t n = S_items(pr->pairs[i].value, &items, &one);
        for (size_t k = 0; k < n; k++) {
            const char *s = S_render(c, items[k], NULL);
            if (s)
                tm_vec_push(out, (void *)s);
        }
    }
}

/* The account field of an ARN (after four ':' outside ${...}), or NULL. */
static const char *S_arn_account(const char *s)
{
    int field = 0, depth = 0;
    for (const char *p = s; *p; p++) {
        if (p[0] == '$' && p[1] == '{')
            depth++, p++;
        else if (*p == '}' && depth)
            depth--;
        else if (*p == ':' && !depth && ++field == 4)
            return p + 1;
    }
    return NULL;
}

/* A principal that is anyone, or an account other than the stack's own
 * (a literal account id, as a bare id or in an ARN's account field). */
static int S_foreign(const char *p)
{
    if (strcmp(p, "*") == 0)
        return 1;
    const char *s = p;
    if (strncmp(s, "arn:", 4) == 0 && !(s = S_arn_account(p)))
        return 0;
    for (int i = 0; i < 12; i++)
        if (!isdigit((unsigned char)s[i]))
            return 0;
    return s[12] == '\0' || s[12] == ':';
}

/* Conditions of a statement as {test, variable, values} maps; *narrowed
 * set when one of them narrows the principal. */
static tm_node *S_conditions(S_ctx *c, const tm_node *cond, int *narrowed, int *tls_deny)
{
    if (!cond || cond->kind != TM_NODE_MAP || S_intrinsic(cond, NULL))
        return NULL;
    tm_node *list = S_new(c, TM_NODE_LIST, S_at(c, cond));
    for (size_t i = 0; i < cond->n; i++) {
        const tm_node *vars = cond->pairs[i].value;
        if (!vars || vars->kind != TM_NODE_MAP || S_intrinsic(vars, NULL))
            continue;
        for (size_t k = 0; k < vars->n; k++) {
            S_pos p = S_at(c, vars->pairs[k].value);
            tm_node *m = S_new(c, TM_NODE_MAP, p);
            S_put_str(c, m, "test", cond->pairs[i].key, p);
            S_put_str(c, m, "variable", vars->pairs[k].key, p);
            tm_node *vals = S_new(c, TM_NODE_LIST, p);
            const tm_node *one, *const *items;
            size_t n = S_items(vars->pairs[k].value, &items, &one);
            int is_false = 0;
            for (size_t j = 0; j < n; j++) {
                const char *s = S_render(c, items[j], NULL);
                if (s) {
                    tm_node_list_push(c->a, vals, S_str(c, s, S_at(c, items[j])));
                    if (S_ieq(s, "false"))
                        is_false = 1;
                }
            }
            S_put(c, m, "values", vals);
            tm_node_list_push(c->a, list, m);
            if (narrowed && S_narrowing(vars->pairs[k].key))
                *narrowed = 1;
            if (tls_deny && is_false && S_ieq(vars->pairs[k].key, "aws:SecureTransport"))
                *tls_deny = 1;
        }
    }
    return list;
}

static void S_strlist(S_ctx *c, tm_node *st, const char *key, const tm_node *v)
{
    if (!v)
        return;
    tm_node *list = S_new(c, TM_NODE_LIST, S_at(c, v));
    const tm_node *one, *const *items;
    size_t n = S_items(v, &items, &one);
    for (size_t i = 0; i < n; i++) {
        const char *s = S_render(c, items[i], NULL);
        if (s)
            tm_node_list_push(c->a, list, S_str(c, s, S_at(c, items[i])));
    }
    S_put(c, st, key, list);
}

/* The Statement list of a policy document (a map or a list of maps). */
static size_t S_statements_of(S_ctx *c, const tm_node *doc, const char *what,
                              const tm_node *const **items, const tm_node **one)
{
    doc = S_deref(c, doc);
    if (!doc)
        return 0;
    if (doc->kind != TM_NODE_MAP || S_intrinsic(doc, NULL)) {
        if (S_intrinsic(doc, NULL))
            S_unresolved(c, doc, what);
        else
            S_err(c, S_at(c, doc), "%s must be a policy document (a map), not %s", what,
                  tm_node_kind_name(doc));
        return 0;
    }
    const tm_node *st = tm_node_get(doc, "Statement");
    if (!st) {
        S_err(c, S_at(c, doc), "%s has no 'Statement'", what);
        return 0;
    }
    if (S_intrinsic(st, NULL)) {
        S_unresolved(c, st, what);
        return 0;
    }
    return S_items(st, items, one);
}

/* One IAM statement into the model's shape; grants (allow statements
 * without principals, on resources of the template) into idn->grants. */
static void S_statement(S_ctx *c, S_idn *idn, const tm_node *s, const char *what)
{
    if (!s || s->kind != TM_NODE_MAP || S_intrinsic(s, NULL)) {
        if (s && S_intrinsic(s, NULL))
            S_unresolved(c, s, what);
        else
            S_err(c, S_at(c, s), "a statement of %s must be a map, not %s", what, tm_node_kind_name(s));
        return;
    }
    S_pos p = S_at(c, s);
    tm_node *m = S_new(c, TM_NODE_MAP, p);
    const tm_node *v;
    if ((v = tm_node_get(s, "Sid")) != NULL && S_is_str(v))
        S_put_str(c, m, "sid", v->text, S_at(c, v));
    const char *effect = S_read_str(c, tm_node_get(s, "Effect"), tm_arena_printf(c->a, "'Effect' in %s", what));
    if (!effect) {
        if (!tm_node_get(s, "Effect"))
            S_err(c, p, "a statement of %s has no 'Effect'", what);
        return;
    }
    if (!S_ieq(effect, "allow") && !S_ieq(effect, "deny")) {
        S_err(c, S_at(c, tm_node_get(s, "Effect")), "'Effect' must be Allow or Deny, not '%s'", effect);
        return;
    }
    int allow = S_ieq(effect, "allow");
    S_put_str(c, m, "effect", allow ? "allow" : "deny", S_at(c, tm_node_get(s, "Effect")));
    S_strlist(c, m, "actions", tm_node_get(s, "Action"));
    S_strlist(c, m, "not_actions", tm_node_get(s, "NotAction"));
    S_strlist(c, m, "resources", tm_node_get(s, "Resource"));
    tm_vec prs = {0};
    S_principals(c, tm_node_get(s, "Principal"), &prs);
    if (prs.len) {
        tm_node *list = S_new(c, TM_NODE_LIST, S_at(c, tm_node_get(s, "Principal")));
        for (size_t i = 0; i < prs.len; i++)
            tm_node_list_push(c->a, list, S_str(c, prs.items[i], list->line ? S_at(c, list) : p));
        S_put(c, m, "principals", list);
    }
    tm_node *conds = S_conditions(c, tm_node_get(s, "Condition"), NULL, NULL);
    if (conds && conds->n)
        S_put(c, m, "conditions", conds);
    tm_node_list_push(c->a, idn->statements, m);

    /* Grants on the template's resources. */
    if (allow && !prs.len && tm_node_get(s, "Action")) {
        tm_vec targets = {0};
        S_refs(c, tm_node_get(s, "Resource"), &targets, 0);
        const tm_node *one, *const *acts;
        size_t na = S_items(tm_node_get(s, "Action"), &acts, &one);
        for (size_t t = 0; t < targets.len; t++)
            for (size_t k = 0; k < na; k++) {
                if (!S_is_str(acts[k]))
                    continue;
                S_grant *g = tm_arena_alloc(c->a, sizeof *g);
                g->target = ((S_res *)targets.items[t])->logical;
                g->action = acts[k]->text;
                g->pos = S_at(c, acts[k]);
                tm_vec_push(&idn->grants, g);
            }
        tm_vec_free(&targets);
    }
    /* Can it write logs? */
    if (allow && !prs.len) {
        const tm_node *one, *const *acts;
        size_t na = S_items(tm_node_get(s, "Action"), &acts, &one);
        for (size_t k = 0; k < na; k++)
            if (S_is_str(acts[k]) && tm_glob_match_nocase(acts[k]->text, "logs:PutLogEvents"))
                idn->logs = 1;
    }
    tm_vec_free(&prs);
}

static void S_policy_doc(S_ctx *c, S_idn *idn, const tm_node *doc, const char *what)
{
    const tm_node *one, *const *items;
    size_t n = S_statements_of(c, doc, what, &items, &one);
    for (size_t i = 0; i < n; i++)
        S_statement(c, idn, items[i], what);
}

/* A statement made by the importer (managed policies, SAM templates). */
static void S_statement_made(S_ctx *c, S_idn *idn, const char *const *actions, int not_action,
                             const char *resource, S_res *target, S_pos p)
{
    tm_node *m = S_new(c, TM_NODE_MAP, p);
    S_put_str(c, m, "effect", "allow", p);
    tm_node *list = S_new(c, TM_NODE_LIST, p);
    for (size_t i = 0; actions[i]; i++) {
        tm_node_list_push(c->a, list, S_str(c, actions[i], p));
        if (tm_glob_match_nocase(actions[i], "logs:PutLogEvents") && !not_action)
            idn->logs = 1;
        if (target && !not_action) {
            S_grant *g = tm_arena_alloc(c->a, sizeof *g);
            g->target = target->logical;
            g->action = actions[i];
            g->pos = p;
            tm_vec_push(&idn->grants, g);
        }
    }
    S_put(c, m, not_action ? "not_actions" : "actions", list);
    tm_node *res = S_new(c, TM_NODE_LIST, p);
    tm_node_list_push(c->a, res, S_str(c, resource, p));
    S_put(c, m, "resources", res);
    tm_node_list_push(c->a, idn->statements, m);
}

/* A managed policy ARN (or SAM's bare name): expanded when known. */
static void S_managed_policy(S_ctx *c, S_idn *idn, const tm_node *v)
{
    const char *s = S_render(c, v, NULL);
    if (!s) {
        S_err(c, S_at(c, v), "a managed policy of '%s' must be a string, not %s", idn->logical,
              tm_node_kind_name(v));
        return;
    }
    const char *name = strrchr(s, '/');
    name = name ? name + 1 : s;
    for (size_t i = 0; i < S_COUNT(S_managed_policies); i++)
        if (strcmp(name, S_managed_policies[i].name) == 0) {
            S_statement_made(c, idn, S_managed_policies[i].actions, S_managed_policies[i].not_action,
                             "*", NULL, S_at(c, v));
            return;
        }
    idn->unknown_policies = 1;
    S_warn(c, S_at(c, v), "managed policy '%s' of '%s' is not expanded: its statements are not in the model",
           s, idn->logical);
}

static S_idn *S_idn_new(S_ctx *c, const char *logical, const char *name, const char *type, S_pos p)
{
    S_idn *idn = tm_arena_alloc(c->a, sizeof *idn);
    idn->id = S_new_id(c, logical);
    idn->logical = logical;
    idn->name = name;
    idn->type = type;
    idn->pos = p;
    idn->statements = S_new(c, TM_NODE_LIST, p);
    idn->logs = 0;
    tm_vec_push(&c->idns, idn);
    return idn;
}

/* --------------------------------------------------------- resource policy */

/* A resource-based policy of an element: policy_principals,
 * policy_conditions, and for S3 public_read, public_write, tls_only. */
static void S_resource_policy(S_ctx *c, S_el *el, const tm_node *doc, const char *what)
{
    const tm_node *one, *const *items;
    size_t n = S_statements_of(c, doc, what, &items, &one);
    int any_allow = 0, all_narrowed = 1, is_s3 = strcmp(el->type, "aws.s3") == 0;
    for (size_t i = 0; i < n; i++) {
        const tm_node *s = items[i];
        if (!s || s->kind != TM_NODE_MAP || S_intrinsic(s, NULL))
            continue;
        const tm_node *ev = tm_node_get(s, "Effect");
        if (!S_is_str(ev))
            continue;
        int allow = S_ieq(ev->text, "allow");
        int narrowed = 0, tls = 0;
        S_conditions(c, tm_node_get(s, "Condition"), &narrowed, &tls);
        if (!allow) {
            if (tls && is_s3)
                S_prop_bool(c, el, "tls_only", 1, S_at(c, s));
            continue;
        }
        tm_vec prs = {0};
        S_principals(c, tm_node_get(s, "Principal"), &prs);
        int foreign = 0, star = 0;
        for (size_t k = 0; k < prs.len; k++) {
            const char *pr = prs.items[k];
            S_prop_add(c, el, "policy_principals", pr, S_at(c, tm_node_get(s, "Principal")));
            if (S_foreign(pr))
                foreign = 1;
            if (strcmp(pr, "*") == 0)
                star = 1;
        }
        tm_vec_free(&prs);
        any_allow = 1;
        if (foreign && !narrowed)
            all_narrowed = 0;
        if (is_s3 && star && !narrowed) {
            const tm_node *aone, *const *acts;
            size_t na = S_items(tm_node_get(s, "Action"), &acts, &aone);
            for (size_t k = 0; k < na; k++) {
                if (!S_is_str(acts[k]))
                    continue;
                if (tm_glob_match_nocase(acts[k]->text, "s3:GetObject"))
                    S_prop_bool(c, el, "public_read", 1, S_at(c, acts[k]));
                if (tm_glob_match_nocase(acts[k]->text, "s3:PutObject") ||
                    tm_glob_match_nocase(acts[k]->text, "s3:DeleteObject"))
                    S_prop_bool(c, el, "public_write", 1, S_at(c, acts[k]));
            }
        }
        if (strcmp(el->type, "aws.apigateway") == 0 && foreign && !narrowed)
            S_prop_bool(c, el, "resource_policy_cross_account", 1, S_at(c, s));
    }
    if (any_allow)
        S_prop_bool(c, el, "policy_conditions", all_narrowed, S_at(c, doc));
}

/* ------------------------------------------------------ element props */

/* The authorizer prop value and rank of a SAM/CFN authorizer word. */
static int S_rank_of(const char *prop)
{
    if (!prop || strcmp(prop, "none") == 0)
        return S_AUTH_NONE;
    if (strcmp(prop, "api-key") == 0)
        return S_AUTH_API_KEY;
    return S_AUTH_STRONG;
}

/* One route of an API with the authorizer it has. */
static void S_route_auth(S_el *api, const char *prop, const char *method)
{
    if (method && S_ieq(method, "OPTIONS"))
        return;
    api->routes++;
    int rank = S_rank_of(prop);
    if (api->weakest_auth == S_AUTH_UNKNOWN || rank < api->weakest_auth) {
        api->weakest_auth = rank;
        api->auth_name = prop ? prop : "none";
    }
}

/* 'x' -> x (SAM's CORS values are quoted strings). */
static const char *S_unquote(S_ctx *c, const char *s)
{
    size_t n = strlen(s);
    if (n >= 2 && s[0] == '\'' && s[n - 1] == '\'')
        return tm_arena_strndup(c->a, s + 1, n - 2);
    return s;
}

/* A comma-separated string or a list of strings into a list prop. */
static void S_prop_words(S_ctx *c, S_el *el, const char *key, const tm_node *v, int upper)
{
    const tm_node *one, *const *items;
    size_t n = S_items(S_deref(c, v), &items, &one);
    for (size_t i = 0; i < n; i++) {
        const char *s = S_render(c, items[i], NULL);
        if (!s)
            continue;
        s = S_unquote(c, s);
        const char *p = s;
        while (*p) {
            const char *e = strchr(p, ',');
            size_t len = e ? (size_t)(e - p) : strlen(p);
            while (len && isspace((unsigned char)*p))
                p++, len--;
            while (len && isspace((unsigned char)p[len - 1]))
                len--;
            if (len) {
                char *w = tm_arena_strndup(c->a, p, len);
                if (upper)
                    for (char *q = w; *q; q++)
                        *q = (char)toupper((unsigned char)*q);
                S_prop_add(c, el, key, w, S_at(c, items[i]));
            }
            if (!e)
                break;
            p = e + 1;
        }
    }
}

static int S_secret_name(const char *name)
{
    static const char *const words[] = {"SECRET", "PASSWORD", "PASSWD", "TOKEN", "API_KEY",
                                        "APIKEY", "PRIVATE_KEY", "CREDENTIAL", "ACCESS_KEY"};
    char up[256];
    size_t n = strlen(name);
    if (n >= sizeof up)
        n = sizeof up - 1;
    for (size_t i = 0; i < n; i++)
        up[i] = (char)toupper((unsigned char)name[i]);
    up[n] = '\0';
    for (size_t i = 0; i < S_COUNT(words); i++)
        if (strstr(up, words[i]))
            return 1;
    return 0;
}

/* Environment variables of a function (with SAM Globals merged). */
static void S_env(S_ctx *c, S_res *r, S_el *el)
{
    const tm_node *mine = S_read_map(c, r->props ? tm_node_get(r->props, "Environment") : NULL,
                                     S_what(c, r, "Environment"));
    const tm_node *glob = NULL;
    if (r->globals && c->globals) {
        const tm_node *g = tm_node_get(c->globals, r->globals);
        glob = S_read_map(c, S_sub(g, "Environment"), "'Environment' of Globals");
    }
    size_t count = 0;
    int secrets = 0;
    S_pos p = el->pos;
    for (int k = 0; k < 2; k++) {
        const tm_node *env = k ? glob : mine;
        const tm_node *vars = S_read_map(c, S_sub(env, "Variables"), S_what(c, r, "Environment.Variables"));
        if (!vars)
            continue;
        p = S_at(c, vars);
        for (size_t i = 0; i < vars->n; i++) {
            count++;
            const tm_node *v = vars->pairs[i].value;
            if (S_secret_name(vars->pairs[i].key) && v && v->kind == TM_NODE_SCALAR && v->len &&
                strncmp(v->text, "{{resolve:", 10) != 0)
                secrets = 1;
        }
    }
    S_prop_bool(c, el, "env_vars", count > 0, p);
    if (secrets)
        S_prop_bool(c, el, "env_secrets", 1, p);
}

/* A function's or state machine's failure destination: dlq and a flow. */
static void S_failure_target(S_ctx *c, S_el *el, const tm_node *target, const char *name, int dlq)
{
    if (!target)
        return;
    S_el *to = S_ref_el(c, target);
    if (!to)
        to = S_outside(c, S_deref(c, target), "aws.sqs", S_at(c, target));
    if (dlq)
        S_prop_bool(c, el, "dlq", 1, S_at(c, target));
    if (to)
        S_flow_add(c, el, to, name, "aws-api", 0, S_at(c, target));
    else
        S_warn(c, S_at(c, target), "cannot resolve the destination of '%s' (%s); flow left out",
               el->name, S_why_unresolved(c, target));
}

static void S_props_lambda(S_ctx *c, S_res *r, S_el *el)
{
    const tm_node *v;
    const char *s;
    long long n;
    int b;
    el->in_house = 1;
    if ((s = S_read_str(c, S_get(c, r, "Runtime"), S_what(c, r, "Runtime"))) != NULL)
        S_prop_str(c, el, "runtime", s, S_at(c, S_get(c, r, "Runtime")));
    if (S_read_int(c, S_get(c, r, "Timeout"), S_what(c, r, "Timeout"), &n))
        S_prop_int(c, el, "timeout", n, S_at(c, S_get(c, r, "Timeout")));
    if (S_read_int(c, S_get(c, r, "MemorySize"), S_what(c, r, "MemorySize"), &n))
        S_prop_int(c, el, "memory", n, S_at(c, S_get(c, r, "MemorySize")));
    if (S_read_int(c, S_get(c, r, "ReservedConcurrentExecutions"),
                   S_what(c, r, "ReservedConcurrentExecutions"), &n))
        S_prop_int(c, el, "reserved_concurrency", n, S_at(c, S_get(c, r, "ReservedConcurrentExecutions")));
    /* Tracing: CFN TracingConfig.Mode, SAM Tracing. */
    if ((v = S_get(c, r, "Tracing")) != NULL) {
        if ((s = S_read_str(c, v, S_what(c, r, "Tracing"))) != NULL)
            S_prop_bool(c, el, "tracing", S_ieq(s, "Active"), S_at(c, v));
    } else if ((v = S_sub(S_read_map(c, S_get(c, r, "TracingConfig"), S_what(c, r, "TracingConfig")),
                          "Mode")) != NULL) {
        if ((s = S_read_str(c, v, S_what(c, r, "TracingConfig.Mode"))) != NULL)
            S_prop_bool(c, el, "tracing", S_ieq(s, "Active"), S_at(c, v));
    }
    S_env(c, r, el);
    if ((v = S_get(c, r, "KmsKeyArn")) != NULL)
        S_prop_bool(c, el, "env_kms", 1, S_at(c, v));
    if ((v = S_get(c, r, "CodeSigningConfigArn")) != NULL)
        S_prop_bool(c, el, "code_signing", 1, S_at(c, v));
    if ((v = S_get(c, r, "VpcConfig")) != NULL)
        S_prop_bool(c, el, "vpc", 1, S_at(c, v));
    if ((v = S_get(c, r, "Layers")) != NULL) {
        const tm_node *one, *const *items;
        size_t k = S_items(S_deref(c, v), &items, &one);
        int third = 0;
        for (size_t i = 0; i < k; i++) {
            int exact;
            s = S_render(c, items[i], &exact);
            if (!s)
                continue;
            S_prop_add(c, el, "layers", s, S_at(c, items[i]));
            /* An ARN naming another account (a literal account id). */
            if (strncmp(s, "arn:", 4) == 0 && S_foreign(s))
                third = 1;
        }
        if (k)
            S_prop_bool(c, el, "third_party_layers", third, S_at(c, v));
    }
    /* Dead-letter targets: CFN DeadLetterConfig.TargetArn, SAM DeadLetterQueue.TargetArn. */
    const tm_node *dl = S_read_map(c, S_get(c, r, "DeadLetterConfig"), S_what(c, r, "DeadLetterConfig"));
    if (!dl)
        dl = S_read_map(c, S_get(c, r, "DeadLetterQueue"), S_what(c, r, "DeadLetterQueue"));
    if (dl)
        S_failure_target(c, el, tm_node_get(dl, "TargetArn"), "Failed invocations", 1);
    const tm_node *eic = S_read_map(c, S_get(c, r, "EventInvokeConfig"), S_what(c, r, "EventInvokeConfig"));
    const tm_node *dc = S_sub(eic, "DestinationConfig");
    S_failure_target(c, el, S_sub(S_sub(dc, "OnFailure"), "Destination"), "Failed invocations", 1);
    S_failure_target(c, el, S_sub(S_sub(dc, "OnSuccess"), "Destination"), "Invocation results", 0);
    /* SAM function URL. */
    const tm_node *url = S_read_map(c, S_get(c, r, "FunctionUrlConfig"), S_what(c, r, "FunctionUrlConfig"));
    if (url) {
        S_prop_bool(c, el, "function_url", 1, S_at(c, url));
        if ((s = S_read_str(c, tm_node_get(url, "AuthType"), S_what(c, r, "FunctionUrlConfig.AuthType"))))
            S_prop_str(c, el, "function_url_auth", S_ieq(s, "AWS_IAM") ? "iam" : "none",
                       S_at(c, tm_node_get(url, "AuthType")));
        const tm_node *cors = S_sub(url, "Cors");
        if (S_sub(cors, "AllowOrigins"))
            S_prop_words(c, el, "cors_origins", S_sub(cors, "AllowOrigins"), 0);
    }
    (void)b;
}

/* SAM Auth of an API: the authorizer prop value of an authorizer name. */
static const char *S_sam_authorizer(S_ctx *c, const tm_node *auth, const char *name)
{
    if (!name || S_ieq(name, "NONE"))
        return "none";
    if (strcmp(name, "AWS_IAM") == 0)
        return "iam";
    const tm_node *a = S_sub(S_sub(auth, "Authorizers"), name);
    if (!a || a->kind != TM_NODE_MAP)
        return "lambda";
    if (tm_node_get(a, "UserPoolArn") || tm_node_get(a, "JwtConfiguration"))
        return "cognito";
    (void)c;
    return "lambda";
}

/* Throttling, data trace and caching from MethodSettings-style maps. */
static void S_method_settings(S_ctx *c, S_el *el, const tm_node *v, const char *what)
{
    const tm_node *one, *const *items;
    size_t n = S_items(S_deref(c, v), &items, &one);
    for (size_t i = 0; i < n; i++) {
        const tm_node *m = S_read_map(c, items[i], what);
        if (!m)
            continue;
        int b;
        if (tm_node_get(m, "ThrottlingRateLimit") || tm_node_get(m, "ThrottlingBurstLimit"))
            S_prop_bool(c, el, "throttling", 1, S_at(c, m));
        if (S_read_bool(c, tm_node_get(m, "DataTraceEnabled"), what, &b))
            S_prop_bool(c, el, "data_trace", b, S_at(c, tm_node_get(m, "DataTraceEnabled")));
        if (S_read_bool(c, tm_node_get(m, "CachingEnabled"), what, &b))
            S_prop_bool(c, el, "caching", b, S_at(c, tm_node_get(m, "CachingEnabled")));
        if (S_read_bool(c, tm_node_get(m, "CacheDataEncrypted"), what, &b))
            S_prop_bool(c, el, "cache_encrypted", b, S_at(c, tm_node_get(m, "CacheDataEncrypted")));
    }
}

static void S_endpoint_type(S_ctx *c, S_el *el, const tm_node *v, const char *what)
{
    v = S_deref(c, v);
    if (!v)
        return;
    const tm_node *t = v;
    if (v->kind == TM_NODE_MAP && !S_intrinsic(v, NULL))
        t = tm_node_get(v, "Types") ? tm_node_get(v, "Types") : tm_node_get(v, "Type");
    const tm_node *one, *const *items;
    size_t n = S_items(t, &items, &one);
    for (size_t i = 0; i < n; i++) {
        const char *s = S_read_str(c, items[i], what);
        if (!s)
            continue;
        const char *e = S_ieq(s, "PRIVATE") ? "private" : S_ieq(s, "REGIONAL") ? "regional" : "edge";
        S_prop_str(c, el, "endpoint_type", e, S_at(c, items[i]));
        el->private_api = strcmp(e, "private") == 0;
    }
}

/* x-amazon-apigateway-cors and integrations in an OpenAPI body. */
static void S_openapi(S_ctx *c, S_el *api, const tm_node *body)
{
    body = S_deref(c, body);
    if (!body || body->kind != TM_NODE_MAP)
        return;
    api->has_body = 1;
    const tm_node *cors = tm_node_get(body, "x-amazon-apigateway-cors");
    if (cors && cors->kind == TM_NODE_MAP) {
        if (tm_node_get(cors, "allowOrigins"))
            S_prop_words(c, api, "cors_origins", tm_node_get(cors, "allowOrigins"), 0);
        if (tm_node_get(cors, "allowMethods"))
            S_prop_words(c, api, "cors_methods", tm_node_get(cors, "allowMethods"), 1);
    }
    const tm_node *paths = tm_node_get(body, "paths");
    if (!paths || paths->kind != TM_NODE_MAP)
        return;
    for (size_t i = 0; i < paths->n; i++) {
        const tm_node *ops = paths->pairs[i].value;
        if (!ops || ops->kind != TM_NODE_MAP)
            continue;
        for (size_t k = 0; k < ops->n; k++) {
            const tm_node *integ = S_sub(ops->pairs[k].value, "x-amazon-apigateway-integration");
            if (!integ || integ->kind != TM_NODE_MAP)
                continue;
            const char *method = ops->pairs[k].key;
            const char *name = tm_arena_printf(c->a, "%s %s",
                                               S_ieq(method, "x-amazon-apigateway-any-method") ? "ANY"
                                                                                                 : method,
                                               paths->pairs[i].key);
            for (char *q = (char *)name; *q && *q != ' '; q++)
                *q = (char)toupper((unsigned char)*q);
            tm_vec refs = {0};
            for (size_t j = 0; j < integ->n; j++) {
                if (strcmp(integ->pairs[j].key, "credentials") == 0) {
                    S_res *role = S_ref1(c, integ->pairs[j].value);
                    if (role && role->idn && !api->identity)
                        api->identity = role->idn->id;
                    continue;
                }
                S_refs(c, integ->pairs[j].value, &refs, 0);
            }
            for (size_t j = 0; j < refs.len; j++) {
                S_res *t = refs.items[j];
                if (t->el && t->el != api)
                    S_flow_add(c, api, t->el, name, "aws-invoke", 1, S_at(c, integ));
            }
            tm_vec_free(&refs);
        }
    }
}

/* The stage settings an API (SAM) or its Stage resource (CloudFormation)
 * states: tracing, access logs, method/route settings, caching. */
static void S_stage_settings(S_ctx *c, S_res *r, S_el *el, int http)
{
    const tm_node *v;
    int b;
    if (S_read_bool(c, S_get(c, r, "TracingEnabled"), S_what(c, r, "TracingEnabled"), &b))
        S_prop_bool(c, el, "tracing", b, S_at(c, S_get(c, r, "TracingEnabled")));
    if ((v = S_get(c, r, http ? "AccessLogSettings" : "AccessLogSetting")) != NULL)
        S_prop_bool(c, el, "logging", 1, S_at(c, v));
    if ((v = S_get(c, r, "MethodSettings")) != NULL)
        S_method_settings(c, el, v, S_what(c, r, "MethodSettings"));
    if ((v = S_get(c, r, "DefaultRouteSettings")) != NULL)
        S_method_settings(c, el, v, S_what(c, r, "DefaultRouteSettings"));
    if (S_read_bool(c, S_get(c, r, "CacheClusterEnabled"), S_what(c, r, "CacheClusterEnabled"), &b))
        S_prop_bool(c, el, "caching", b, S_at(c, S_get(c, r, "CacheClusterEnabled")));
}

static void S_props_api(S_ctx *c, S_res *r, S_el *el)
{
    const tm_node *v;
    int http = strcmp(r->type, "AWS::Serverless::HttpApi") == 0 || strcmp(r->type, "AWS::ApiGatewayV2::Api") == 0;
    S_stage_settings(c, r, el, http);
    if ((v = S_get(c, r, "EndpointConfiguration")) != NULL)
        S_endpoint_type(c, el, v, S_what(c, r, "EndpointConfiguration"));
    if ((v = S_get(c, r, "Policy")) != NULL)
        S_resource_policy(c, el, v, S_what(c, r, "Policy"));
    /* CORS: SAM REST Cors ('*' or {AllowOrigin, AllowMethods}), HTTP CorsConfiguration. */
    if ((v = S_deref(c, S_get(c, r, "Cors"))) != NULL) {
        if (v->kind == TM_NODE_MAP && !S_intrinsic(v, NULL)) {
            if (tm_node_get(v, "AllowOrigin"))
                S_prop_words(c, el, "cors_origins", tm_node_get(v, "AllowOrigin"), 0);
            if (tm_node_get(v, "AllowMethods"))
                S_prop_words(c, el, "cors_methods", tm_node_get(v, "AllowMethods"), 1);
        } else {
            S_prop_words(c, el, "cors_origins", v, 0);
        }
    }
    if ((v = S_deref(c, S_get(c, r, "CorsConfiguration"))) != NULL) {
        if (v->kind == TM_NODE_MAP && !S_intrinsic(v, NULL)) {
            if (tm_node_get(v, "AllowOrigins"))
                S_prop_words(c, el, "cors_origins", tm_node_get(v, "AllowOrigins"), 0);
            if (tm_node_get(v, "AllowMethods"))
                S_prop_words(c, el, "cors_methods", tm_node_get(v, "AllowMethods"), 1);
        } else if (v->kind == TM_NODE_SCALAR && v->stype == TM_SCALAR_BOOL && v->bval) {
            S_prop_add(c, el, "cors_origins", "*", S_at(c, v)); /* SAM: true allows any origin */
        }
    }
    if (S_get(c, r, "DefinitionUri") || S_get(c, r, "BodyS3Location"))
        el->has_body = 1;
    /* SAM Auth: default authorizer and API keys. */
    const tm_node *auth = S_read_map(c, S_get(c, r, "Auth"), S_what(c, r, "Auth"));
    if (auth) {
        const tm_node *az = S_sub(auth, "Authorizers");
        if (az && az->kind == TM_NODE_MAP)
            for (size_t i = 0; i < az->n; i++) {
                const tm_node *fa = S_sub(az->pairs[i].value, "FunctionArn");
                S_el *fn = fa ? S_ref_el(c, fa) : NULL;
                if (fn)
                    S_flow_add(c, el, fn, "Authorize request", "aws-invoke", 1, S_at(c, fa));
            }
    }
}

/* The API element's authorizer once all its routes are known. */
static void S_finish_api(S_ctx *c, S_el *el)
{
    const tm_node *auth = el->res ? S_read_map(c, S_get(c, el->res, "Auth"), S_what(c, el->res, "Auth")) : NULL;
    const char *prop = NULL;
    if (el->routes)
        prop = el->auth_name;
    else if (auth && S_is_str(tm_node_get(auth, "DefaultAuthorizer")))
        prop = S_sam_authorizer(c, auth, tm_node_get(auth, "DefaultAuthorizer")->text);
    else if (auth && tm_node_get(auth, "ApiKeyRequired")) {
        int b = 0;
        if (S_read_bool(c, tm_node_get(auth, "ApiKeyRequired"), S_what(c, el->res, "ApiKeyRequired"), &b) && b)
            prop = "api-key";
    }
    if (prop)
        S_prop_str(c, el, "authorizer", prop, el->pos);
}

static void S_props_s3(S_ctx *c, S_res *r, S_el *el)
{
    const tm_node *v;
    const char *s;
    if ((s = S_read_str(c, S_get(c, r, "AccessControl"), S_what(c, r, "AccessControl"))) != NULL) {
        S_pos p = S_at(c, S_get(c, r, "AccessControl"));
        if (strcmp(s, "PublicRead") == 0 || strcmp(s, "PublicReadWrite") == 0)
            S_prop_bool(c, el, "public_read", 1, p);
        if (strcmp(s, "PublicReadWrite") == 0)
            S_prop_bool(c, el, "public_write", 1, p);
    }
    const tm_node *pab = S_read_map(c, S_get(c, r, "PublicAccessBlockConfiguration"),
                                    S_what(c, r, "PublicAccessBlockConfiguration"));
    if (pab) {
        static const char *const flags[] = {"BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls",
                                            "RestrictPublicBuckets"};
        int all = 1, known = 1;
        for (size_t i = 0; i < S_COUNT(flags); i++) {
            int b = 0;
            if (!S_read_bool(c, tm_node_get(pab, flags[i]), S_what(c, r, flags[i]), &b)) {
                if (tm_node_get(pab, flags[i]))
                    known = 0;
                b = 0; /* an absent flag is false */
            }
            all = all && b;
        }
        if (known)
            S_prop_bool(c, el, "block_public_access", all, S_at(c, pab));
    }
    const tm_node *enc = S_read_map(c, S_get(c, r, "BucketEncryption"), S_what(c, r, "BucketEncryption"));
    if (enc) {
        const tm_node *one, *const *rules;
        size_t n = S_items(tm_node_get(enc, "ServerSideEncryptionConfiguration"), &rules, &one);
        for (size_t i = 0; i < n; i++) {
            const tm_node *def = S_sub(rules[i], "ServerSideEncryptionByDefault");
            const char *alg = S_read_str(c, S_sub(def, "SSEAlgorithm"), S_what(c, r, "SSEAlgorithm"));
            if (!alg)
                continue;
            const char *e = strncmp(alg, "aws:kms", 7) == 0 && tm_node_get(def, "KMSMasterKeyID") ? "kms" : "sse-s3";
            S_prop_str(c, el, "encryption", e, S_at(c, S_sub(def, "SSEAlgorithm")));
        }
    }
    const tm_node *ver = S_read_map(c, S_get(c, r, "VersioningConfiguration"), S_what(c, r, "VersioningConfiguration"));
    if ((s = S_read_str(c, S_sub(ver, "Status"), S_what(c, r, "VersioningConfiguration.Status"))) != NULL)
        S_prop_bool(c, el, "versioning", strcmp(s, "Enabled") == 0, S_at(c, S_sub(ver, "Status")));
    if ((v = S_get(c, r, "LoggingConfiguration")) != NULL)
        S_prop_bool(c, el, "logging", 1, S_at(c, v));
    if ((v = S_get(c, r, "WebsiteConfiguration")) != NULL)
        S_prop_bool(c, el, "website", 1, S_at(c, v));
    const tm_node *cors = S_read_map(c, S_get(c, r, "CorsConfiguration"), S_what(c, r, "CorsConfiguration"));
    if (cors) {
        const tm_node *one, *const *rules;
        size_t n = S_items(tm_node_get(cors, "CorsRules"), &rules, &one);
        for (size_t i = 0; i < n; i++) {
            if (S_sub(rules[i], "AllowedOrigins"))
                S_prop_words(c, el, "cors_origins", S_sub(rules[i], "AllowedOrigins"), 0);
            if (S_sub(rules[i], "AllowedMethods"))
                S_prop_words(c, el, "cors_methods", S_sub(rules[i], "AllowedMethods"), 1);
        }
    }
}

static void S_props_sqs(S_ctx *c, S_res *r, S_el *el)
{
    const tm_node *v;
    int b;
    if ((v = S_get(c, r, "KmsMasterKeyId")) != NULL)
        S_prop_str(c, el, "encryption", "kms", S_at(c, v));
    else if (S_read_bool(c, S_get(c, r, "SqsManagedSseEnabled"), S_what(c, r, "SqsManagedSseEnabled"), &b))
        S_prop_str(c, el, "encryption", b ? "sqs-managed" : "none", S_at(c, S_get(c, r, "SqsManagedSseEnabled")));
}

static void S_props_dynamodb(S_ctx *c, S_res *r, S_el *el)
{
    int b;
    const tm_node *sse = S_read_map(c, S_get(c, r, "SSESpecification"), S_what(c, r, "SSESpecification"));
    if (sse && S_read_bool(c, tm_node_get(sse, "SSEEnabled"), S_what(c, r, "SSEEnabled"), &b)) {
        const char *e = !b ? "aws-owned" : tm_node_get(sse, "KMSMasterKeyId") ? "kms" : "aws-managed";
        S_prop_str(c, el, "encryption", e, S_at(c, tm_node_get(sse, "SSEEnabled")));
    }
    const tm_node *pitr = S_read_map(c, S_get(c, r, "PointInTimeRecoverySpecification"),
                                     S_what(c, r, "PointInTimeRecoverySpecification"));
    if (pitr && S_read_bool(c, tm_node_get(pitr, "PointInTimeRecoveryEnabled"),
                            S_what(c, r, "PointInTimeRecoveryEnabled"), &b))
        S_prop_bool(c, el, "point_in_time_recovery", b, S_at(c, tm_node_get(pitr, "PointInTimeRecoveryEnabled")));
    if (S_read_bool(c, S_get(c, r, "DeletionProtectionEnabled"), S_what(c, r, "DeletionProtectionEnabled"), &b))
        S_prop_bool(c, el, "deletion_protection", b, S_at(c, S_get(c, r, "DeletionProtectionEnabled")));
}

static void S_props_other(S_ctx *c, S_res *r, S_el *el)
{
    const tm_node *v;
    const char *s;
    long long n;
    int b;
    const char *t = r->type;
    if (strcmp(t, "AWS::SNS::Topic") == 0) {
        if ((v = S_get(c, r, "KmsMasterKeyId")) != NULL)
            S_prop_str(c, el, "encryption", "kms", S_at(c, v));
    } else if (strcmp(t, "AWS::Cognito::UserPool") == 0) {
        if ((s = S_read_str(c, S_get(c, r, "MfaConfiguration"), S_what(c, r, "MfaConfiguration"))) != NULL)
            S_prop_str(c, el, "mfa", S_ieq(s, "ON") ? "on" : S_ieq(s, "OPTIONAL") ? "optional" : "off",
                       S_at(c, S_get(c, r, "MfaConfiguration")));
        const tm_node *pp = S_sub(S_read_map(c, S_get(c, r, "Policies"), S_what(c, r, "Policies")), "PasswordPolicy");
        if (S_read_int(c, S_sub(pp, "MinimumLength"), S_what(c, r, "MinimumLength"), &n))
            S_prop_int(c, el, "password_min_length", n, S_at(c, S_sub(pp, "MinimumLength")));
    } else if (strcmp(t, "AWS::Cognito::IdentityPool") == 0) {
        if (S_read_bool(c, S_get(c, r, "AllowUnauthenticatedIdentities"),
                        S_what(c, r, "AllowUnauthenticatedIdentities"), &b))
            S_prop_bool(c, el, "unauthenticated_identities", b,
                        S_at(c, S_get(c, r, "AllowUnauthenticatedIdentities")));
    } else if (strcmp(t, "AWS::KMS::Key") == 0) {
        if (S_read_bool(c, S_get(c, r, "EnableKeyRotation"), S_what(c, r, "EnableKeyRotation"), &b))
            S_prop_bool(c, el, "key_rotation", b, S_at(c, S_get(c, r, "EnableKeyRotation")));
        if ((v = S_get(c, r, "KeyPolicy")) != NULL)
            S_resource_policy(c, el, v, S_what(c, r, "KeyPolicy"));
    } else if (strcmp(t, "AWS::SecretsManager::Secret") == 0) {
        if ((v = S_get(c, r, "KmsKeyId")) != NULL)
            S_prop_str(c, el, "encryption", "kms", S_at(c, v));
    } else if (strcmp(t, "AWS::Logs::LogGroup") == 0) {
        if (S_read_int(c, S_get(c, r, "RetentionInDays"), S_what(c, r, "RetentionInDays"), &n))
            S_prop_int(c, el, "retention_days", n, S_at(c, S_get(c, r, "RetentionInDays")));
        if ((v = S_get(c, r, "KmsKeyId")) != NULL)
            S_prop_str(c, el, "encryption", "kms", S_at(c, v));
    } else if (strcmp(t, "AWS::CloudTrail::Trail") == 0) {
        if (S_read_bool(c, S_get(c, r, "IsMultiRegionTrail"), S_what(c, r, "IsMultiRegionTrail"), &b))
            S_prop_bool(c, el, "multi_region", b, S_at(c, S_get(c, r, "IsMultiRegionTrail")));
        if (S_read_bool(c, S_get(c, r, "EnableLogFileValidation"), S_what(c, r, "EnableLogFileValidation"), &b))
            S_prop_bool(c, el, "log_validation", b, S_at(c, S_get(c, r, "EnableLogFileValidation")));
        if ((v = S_get(c, r, "KMSKeyId")) != NULL)
            S_prop_str(c, el, "encryption", "kms", S_at(c, v));
        if ((v = S_get(c, r, "EventSelectors")) != NULL || (v = S_get(c, r, "AdvancedEventSelectors")) != NULL)
            S_prop_bool(c, el, "data_events", 1, S_at(c, v));
    } else if (strcmp(t, "AWS::StepFunctions::StateMachine") == 0 ||
               strcmp(t, "AWS::Serverless::StateMachine") == 0) {
        el->in_house = 1;
        const tm_node *tr = S_read_map(c, S_get(c, r, "TracingConfiguration"), S_what(c, r, "TracingConfiguration"));
        if (!tr)
            tr = S_read_map(c, S_get(c, r, "Tracing"), S_what(c, r, "Tracing"));
        if (tr && S_read_bool(c, tm_node_get(tr, "Enabled"), S_what(c, r, "Tracing.Enabled"), &b))
            S_prop_bool(c, el, "tracing", b, S_at(c, tm_node_get(tr, "Enabled")));
        const tm_node *lg = S_read_map(c, S_get(c, r, "LoggingConfiguration"), S_what(c, r, "LoggingConfiguration"));
        if (!lg)
            lg = S_read_map(c, S_get(c, r, "Logging"), S_what(c, r, "Logging"));
        if ((s = S_read_str(c, S_sub(lg, "Level"), S_what(c, r, "Logging.Level"))) != NULL)
            S_prop_bool(c, el, "logging", !S_ieq(s, "OFF"), S_at(c, S_sub(lg, "Level")));
    } else if (strcmp(t, "AWS::CodeBuild::Project") == 0) {
        const tm_node *env = S_read_map(c, S_get(c, r, "Environment"), S_what(c, r, "Environment"));
        if (S_read_bool(c, S_sub(env, "PrivilegedMode"), S_what(c, r, "PrivilegedMode"), &b))
            S_prop_bool(c, el, "privileged_mode", b, S_at(c, S_sub(env, "PrivilegedMode")));
        if ((v = S_get(c, r, "EncryptionKey")) != NULL)
            S_prop_str(c, el, "encryption", "kms", S_at(c, v));
        if ((v = S_get(c, r, "LogsConfig")) != NULL)
            S_prop_bool(c, el, "logging", 1, S_at(c, v));
        const tm_node *src = S_read_map(c, S_get(c, r, "Source"), S_what(c, r, "Source"));
        if (src) {
            const tm_node *bs = tm_node_get(src, "BuildSpec");
            int in_repo = !bs || (S_is_str(bs) && !strchr(bs->text, '\n') && !strstr(bs->text, "version:"));
            S_prop_bool(c, el, "buildspec_in_repo", in_repo, S_at(c, bs ? bs : src));
        }
    } else if (strcmp(t, "AWS::CodePipeline::Pipeline") == 0) {
        const tm_node *store = S_read_map(c, S_get(c, r, "ArtifactStore"), S_what(c, r, "ArtifactStore"));
        if (S_sub(store, "EncryptionKey"))
            S_prop_str(c, el, "encryption", "kms", S_at(c, S_sub(store, "EncryptionKey")));
    } else if (strcmp(t, "AWS::CloudFront::Distribution") == 0) {
        const tm_node *cfg = S_read_map(c, S_get(c, r, "DistributionConfig"), S_what(c, r, "DistributionConfig"));
        if (S_sub(cfg, "WebACLId"))
            S_prop_bool(c, el, "waf", 1, S_at(c, S_sub(cfg, "WebACLId")));
        if (S_sub(cfg, "Logging"))
            S_prop_bool(c, el, "logging", 1, S_at(c, S_sub(cfg, "Logging")));
    }
}

/* ----------------------------------------------------------- identities */

/* The identity a role reference names; a role outside the template is a
 * warning (its permissions cannot be in the model). */
static void S_assign_role(S_ctx *c, S_el *el, const tm_node *v)
{
    if (!v || el->identity)
        return;
    S_res *r = S_ref1(c, v);
    if (r && r->idn) {
        el->identity = r->idn->id;
        return;
    }
    S_warn(c, S_at(c, v), "the role of '%s' is not in this template (%s): its permissions are not in the model",
           el->name, S_why_unresolved(c, S_deref(c, v)));
}

static void S_policy_list(S_ctx *c, S_idn *idn, const tm_node *v, const char *what)
{
    const tm_node *one, *const *items;
    size_t n = S_items(S_deref(c, v), &items, &one);
    for (size_t i = 0; i < n; i++) {
        const tm_node *p = S_read_map(c, items[i], what);
        if (p)
            S_policy_doc(c, idn, tm_node_get(p, "PolicyDocument"),
                         tm_arena_printf(c->a, "a policy of '%s'", idn->logical));
    }
}

/* Expand a managed policy reference; one in the template expands its document. */
static void S_managed_ref(S_ctx *c, S_idn *idn, const tm_node *v)
{
    S_res *r = S_ref1(c, v);
    if (r && strcmp(r->type, "AWS::IAM::ManagedPolicy") == 0) {
        const char *key = tm_arena_printf(c->a, "attached\n%s\n%s", idn->id, r->logical);
        if (!tm_map_get(c->synth, key)) {
            tm_map_put(c->synth, key, idn);
            S_policy_doc(c, idn, r->props ? tm_node_get(r->props, "PolicyDocument") : NULL,
                         tm_arena_printf(c->a, "managed policy '%s'", r->logical));
        }
        return;
    }
    S_managed_policy(c, idn, v);
}

static void S_identity_props(S_ctx *c, S_res *r, S_idn *idn)
{
    const tm_node *v;
    if ((v = S_get(c, r, "AssumeRolePolicyDocument")) != NULL)
        S_policy_doc(c, idn, v, S_what(c, r, "AssumeRolePolicyDocument"));
    if ((v = S_get(c, r, "Policies")) != NULL)
        S_policy_list(c, idn, v, S_what(c, r, "Policies"));
    if ((v = S_get(c, r, "ManagedPolicyArns")) != NULL) {
        const tm_node *one, *const *items;
        size_t n = S_items(S_deref(c, v), &items, &one);
        for (size_t i = 0; i < n; i++)
            S_managed_ref(c, idn, items[i]);
    }
}

/* The role SAM creates for a function or state machine without Role. */
static void S_sam_role(S_ctx *c, S_res *r, S_el *el, int function)
{
    S_idn *idn = S_idn_new(c, tm_arena_printf(c->a, "%sRole", r->logical),
                           tm_arena_printf(c->a, "%sRole", r->logical), "aws.iam.role", r->pos);
    idn->logical = tm_arena_printf(c->a, "%sRole", r->logical);
    el->identity = idn->id;
    /* Trust policy. */
    tm_node *m = S_new(c, TM_NODE_MAP, r->pos);
    S_put_str(c, m, "effect", "allow", r->pos);
    tm_node *acts = S_new(c, TM_NODE_LIST, r->pos);
    tm_node_list_push(c->a, acts, S_str(c, "sts:AssumeRole", r->pos));
    S_put(c, m, "actions", acts);
    tm_node *prs = S_new(c, TM_NODE_LIST, r->pos);
    tm_node_list_push(c->a, prs, S_str(c, function ? "lambda.amazonaws.com" : "states.amazonaws.com", r->pos));
    S_put(c, m, "principals", prs);
    tm_node_list_push(c->a, idn->statements, m);
    if (function)
        S_statement_made(c, idn, S_managed_policies[0].actions, 0, "*", NULL, r->pos);
    const tm_node *tr = S_get(c, r, "Tracing");
    if (function && S_is_str(tr) && S_ieq(tr->text, "Active"))
        S_statement_made(c, idn, S_L("xray:PutTraceSegments", "xray:PutTelemetryRecords"), 0, "*", NULL,
                         S_at(c, tr));
    /* SAM Policies: a managed policy name or ARN, a policy document, a
     * policy template, or a list of these. */
    const tm_node *pol = S_get(c, r, "Policies");
    const tm_node *one, *const *items;
    size_t n = S_items(S_deref(c, pol), &items, &one);
    for (size_t i = 0; i < n; i++) {
        const tm_node *p = items[i];
        if (p->kind == TM_NODE_SCALAR || S_intrinsic(p, NULL)) {
            S_managed_ref(c, idn, p);
            continue;
        }
        if (p->kind != TM_NODE_MAP) {
            S_err(c, S_at(c, p), "%s must hold policy names, documents or templates, not %s",
                  S_what(c, r, "Policies"), tm_node_kind_name(p));
            continue;
        }
        if (tm_node_get(p, "Statement")) {
            S_policy_doc(c, idn, p, S_what(c, r, "Policies"));
            continue;
        }
        for (size_t k = 0; k < p->n; k++) {
            const char *tname = p->pairs[k].key;
            const S_sam_policy *sp = NULL;
            for (size_t j = 0; j < S_COUNT(S_sam_policies); j++)
                if (strcmp(S_sam_policies[j].name, tname) == 0)
                    sp = &S_sam_policies[j];
            S_pos pp = {p->file, p->pairs[k].line, p->pairs[k].col};
            if (!sp) {
                idn->unknown_policies = 1;
                S_warn(c, pp, "SAM policy template '%s' of '%s' is not expanded: its statements are not in the model",
                       tname, r->logical);
                continue;
            }
            const tm_node *arg = sp->param ? S_sub(p->pairs[k].value, sp->param) : NULL;
            const char *val = arg ? S_render(c, arg, NULL) : NULL;
            if (sp->param && !val) {
                S_err(c, pp, "SAM policy template '%s' of '%s' needs '%s'", tname, r->logical, sp->param);
                continue;
            }
            const char *res = sp->param ? tm_arena_printf(c->a, "%s", sp->resource) : sp->resource;
            if (sp->param) {
                /* Put the parameter where the pattern has %s. */
                const char *at = strstr(sp->resource, "%s");
                res = tm_arena_printf(c->a, "%.*s%s%s", (int)(at - sp->resource), sp->resource, val, at + 2);
            }
            S_statement_made(c, idn, sp->actions, 0, res, arg ? S_ref1(c, arg) : NULL, pp);
        }
    }
    /* SAM lets the function send to its dead-letter target. */
    const tm_node *dl = S_sub(S_get(c, r, "DeadLetterQueue"), "TargetArn");
    S_res *t = dl ? S_ref1(c, dl) : NULL;
    if (t && t->el) {
        const char *act = strcmp(t->el->type, "aws.sns") == 0 ? "sns:Publish" : "sqs:SendMessage";
        const char *const acts1[] = {act, NULL};
        S_statement_made(c, idn, acts1, 0, S_render(c, dl, NULL), t, S_at(c, dl));
    }
}

/* ------------------------------------------------------------ SAM events */

static const char *S_ev_str(S_ctx *c, const tm_node *props, const char *key, const char *what)
{
    return S_read_str(c, S_sub(props, key), what);
}

/* The source element of an event property (or a placeholder outside). */
static S_el *S_source(S_ctx *c, const tm_node *v, const char *type, const char *what)
{
    if (!v) {
        return NULL;
    }
    S_el *el = S_ref_el(c, v);
    if (!el)
        el = S_outside(c, S_deref(c, v), type, S_at(c, v));
    if (!el)
        S_warn(c, S_at(c, v), "cannot resolve %s (%s); flow left out", what, S_why_unresolved(c, v));
    return el;
}

static void S_add_perm(S_el *el, int service, int has_source)
{
    el->n_perms++;
    if (service)
        el->n_service_perms++;
    if (service && !has_source)
        el->perms_without_source++;
}

static S_el *S_implicit_api(S_ctx *c, const char *logical, const char *section, S_pos p)
{
    S_el *api = tm_map_get(c->synth, logical);
    if (api)
        return api;
    api = S_synth(c, logical, logical, logical, "aws.apigateway", p);
    S_res *r = tm_arena_alloc(c->a, sizeof *r);
    r->logical = logical;
    r->type = strcmp(section, "HttpApi") == 0 ? "AWS::Serverless::HttpApi" : "AWS::Serverless::Api";
    r->pos = p;
    r->globals = section;
    r->el = api;
    api->res = r;
    S_props_api(c, r, api);
    return api;
}

static void S_api_event(S_ctx *c, S_el *el, const tm_node *props, int http, const char *what, S_pos p)
{
    const tm_node *ref = S_sub(props, http ? "ApiId" : "RestApiId");
    S_el *api = ref ? S_ref_el(c, ref) : NULL;
    if (ref && !api) {
        S_warn(c, S_at(c, ref), "cannot resolve the API of %s (%s); flow left out", what,
               S_why_unresolved(c, ref));
        return;
    }
    if (!api)
        api = S_implicit_api(c, http ? "ServerlessHttpApi" : "ServerlessRestApi", http ? "HttpApi" : "Api", p);
    const char *method = S_ev_str(c, props, "Method", what);
    const char *path = S_ev_str(c, props, "Path", what);
    char *name = path || method ? tm_arena_printf(c->a, "%s %s", method ? method : "ANY", path ? path : "/")
                                : tm_arena_strdup(c->a, "$default");
    for (char *q = name; *q && *q != ' '; q++)
        *q = (char)toupper((unsigned char)*q);
    /* The route's authorizer: its own, else the API's default. */
    const tm_node *api_auth = api->res ? S_get(c, api->res, "Auth") : NULL;
    const tm_node *auth = S_sub(props, "Auth");
    const char *az = S_read_str(c, S_sub(auth, "Authorizer"), what);
    if (!az && S_is_str(S_sub(api_auth, "DefaultAuthorizer")))
        az = S_sub(api_auth, "DefaultAuthorizer")->text;
    const char *prop = S_sam_authorizer(c, api_auth, az);
    if (strcmp(prop, "none") == 0) {
        int b = 0;
        const tm_node *k = S_sub(auth, "ApiKeyRequired") ? S_sub(auth, "ApiKeyRequired") : S_sub(api_auth, "ApiKeyRequired");
        if (k && S_read_bool(c, k, what, &b) && b)
            prop = "api-key";
    }
    S_route_auth(api, prop, method);
    S_flow_add(c, api, el, name, "aws-invoke", 1, p);
    S_add_perm(el, 1, 1); /* SAM's permission names the API in SourceArn */
    if (strcmp(el->type, "aws.lambda") == 0)
        S_prop_add(c, el, "invoke_principals", "apigateway.amazonaws.com", p);
}

static void S_events(S_ctx *c, S_res *r, S_el *el)
{
    const tm_node *evs = S_read_map(c, S_get(c, r, "Events"), S_what(c, r, "Events"));
    if (!evs)
        return;
    int fn = strcmp(el->type, "aws.lambda") == 0;
    for (size_t i = 0; i < evs->n; i++) {
        const char *ename = evs->pairs[i].key;
        const char *what = tm_arena_printf(c->a, "event '%s' of '%s'", ename, r->logical);
        S_pos p = {evs->file, evs->pairs[i].line, evs->pairs[i].col};
        const tm_node *ev = S_read_map(c, evs->pairs[i].value, what);
        if (!ev)
            continue;
        const tm_node *tv = tm_node_get(ev, "Type");
        if (!tv) {
            S_err(c, S_at(c, ev), "%s has no 'Type'", what);
            continue;
        }
        const char *type = S_read_str(c, tv, tm_arena_printf(c->a, "'Type' of %s", what));
        if (!type)
            continue;
        const tm_node *props = S_read_map(c, tm_node_get(ev, "Properties"), tm_arena_printf(c->a, "'Properties' of %s", what));
        S_el *src = NULL;
        const char *fname = NULL;
        int service = 1;
        const char *principal = NULL;
        if (strcmp(type, "Api") == 0 || strcmp(type, "HttpApi") == 0) {
            S_api_event(c, el, props, strcmp(type, "HttpApi") == 0, what, p);
            continue;
        } else if (strcmp(type, "SQS") == 0) {
            src = S_source(c, S_sub(props, "Queue"), "aws.sqs", tm_arena_printf(c->a, "the queue of %s", what));
            fname = "SQS messages";
            service = 0;
        } else if (strcmp(type, "SNS") == 0) {
            src = S_source(c, S_sub(props, "Topic"), "aws.sns", tm_arena_printf(c->a, "the topic of %s", what));
            fname = "SNS notifications";
            principal = "sns.amazonaws.com";
            if (src && strcmp(src->type, "aws.sns") == 0)
                S_prop_add(c, src, "subscription_protocols", S_sub(props, "SqsSubscription") ? "sqs" : "lambda", p);
        } else if (strcmp(type, "S3") == 0) {
            src = S_source(c, S_sub(props, "Bucket"), "aws.s3", tm_arena_printf(c->a, "the bucket of %s", what));
            const tm_node *e = S_sub(props, "Events");
            fname = e ? S_render(c, e->kind == TM_NODE_LIST && e->n ? e->items[0] : e, NULL) : NULL;
            if (!fname)
                fname = "S3 events";
            principal = "s3.amazonaws.com";
        } else if (strcmp(type, "DynamoDB") == 0) {
            src = S_source(c, S_sub(props, "Stream"), "aws.dynamodb", tm_arena_printf(c->a, "the stream of %s", what));
            fname = "DynamoDB stream records";
            service = 0;
        } else if (strcmp(type, "Kinesis") == 0) {
            src = S_source(c, S_sub(props, "Stream"), "aws.kinesis", tm_arena_printf(c->a, "the stream of %s", what));
            fname = "Kinesis records";
            service = 0;
        } else if (strcmp(type, "Schedule") == 0 || strcmp(type, "ScheduleV2") == 0) {
            const char *logical = tm_arena_printf(c->a, "%s%s", r->logical, ename);
            src = S_synth(c, tm_arena_printf(c->a, "event\n%s", logical), logical, logical,
                          strcmp(type, "Schedule") == 0 ? "aws.eventbridge" : "aws.schedule", p);
            const char *expr = S_ev_str(c, props, strcmp(type, "Schedule") == 0 ? "Schedule" : "ScheduleExpression", what);
            fname = expr ? tm_arena_printf(c->a, "Schedule %s", expr) : "Schedule";
            principal = strcmp(type, "Schedule") == 0 ? "events.amazonaws.com" : NULL;
            service = principal != NULL;
        } else if (strcmp(type, "CloudWatchEvent") == 0 || strcmp(type, "EventBridgeRule") == 0) {
            const char *logical = tm_arena_printf(c->a, "%s%s", r->logical, ename);
            src = S_synth(c, tm_arena_printf(c->a, "event\n%s", logical), logical, logical, "aws.eventbridge", p);
            S_el *bus = S_sub(props, "EventBusName") ? S_ref_el(c, S_sub(props, "EventBusName")) : NULL;
            if (bus)
                S_flow_add(c, bus, src, "Events", "aws-api", 0, p);
            fname = "Matched events";
            principal = "events.amazonaws.com";
        } else if (strcmp(type, "Cognito") == 0) {
            src = S_source(c, S_sub(props, "UserPool"), "aws.cognito", tm_arena_printf(c->a, "the user pool of %s", what));
            const char *trig = S_render(c, S_sub(props, "Trigger"), NULL);
            fname = trig ? tm_arena_printf(c->a, "Cognito trigger %s", trig) : "Cognito trigger";
            principal = "cognito-idp.amazonaws.com";
        } else if (strcmp(type, "CloudWatchLogs") == 0) {
            src = S_source(c, S_sub(props, "LogGroupName"), "aws.cloudwatch",
                           tm_arena_printf(c->a, "the log group of %s", what));
            fname = "Log events";
            principal = "logs.amazonaws.com";
        } else {
            S_warn(c, p, "%s has type '%s', which is not modelled; skipped", what, type);
            continue;
        }
        if (!src)
            continue;
        S_flow_add(c, src, el, fname, "aws-invoke", 1, p);
        if (fn && principal) {
            S_add_perm(el, service, 1); /* SAM's permission names the source */
            S_prop_add(c, el, "invoke_principals", principal, p);
        }
    }
}

/* ------------------------------------------------------ folded resources */

static S_el *S_target_el(S_ctx *c, S_res *r, const char *key, const char *type)
{
    const tm_node *v = S_get(c, r, key);
    if (!v) {
        S_warn(c, r->pos, "'%s' (%s) has no '%s'; skipped", r->logical, r->type, key);
        return NULL;
    }
    S_el *el = S_ref_el(c, v);
    if (el && type && strcmp(el->type, type) != 0)
        el = NULL;
    if (!el)
        S_warn(c, S_at(c, v), "cannot resolve %s (%s) to a resource of this template; '%s' skipped",
               S_what(c, r, key), S_why_unresolved(c, S_deref(c, v)), r->logical);
    return el;
}

/* The path of an API Gateway resource (ResourceId of a method). */
static const char *S_api_path(S_ctx *c, const tm_node *v, int depth)
{
    const tm_node *arg;
    const char *f = S_intrinsic(v, &arg);
    const char *logical, *attr;
    if (depth > 32)
        return "/...";
    if (f && strcmp(f, "Fn::GetAtt") == 0 && S_getatt(c, arg, &logical, &attr) &&
        strcmp(attr, "RootResourceId") == 0)
        return "/";
    S_res *r = S_ref1(c, v);
    if (r && strcmp(r->type, "AWS::ApiGateway::Resource") == 0) {
        const char *parent = S_api_path(c, S_get(c, r, "ParentId"), depth + 1);
        const char *part = S_render(c, S_get(c, r, "PathPart"), NULL);
        if (!part)
            part = "?";
        return tm_arena_printf(c->a, "%s%s%s", parent, strcmp(parent, "/") == 0 ? "" : "/", part);
    }
    return "/?";
}

static const char *S_authorization_type(const char *t)
{
    if (!t || S_ieq(t, "NONE"))
        return "none";
    if (S_ieq(t, "AWS_IAM"))
        return "iam";
    if (S_ieq(t, "COGNITO_USER_POOLS") || S_ieq(t, "JWT"))
        return "cognito";
    return "lambda"; /* CUSTOM */
}

/* Flows from an API to what an integration calls. */
static void S_integration(S_ctx *c, S_el *api, const tm_node *integ, const char *name,
                          const char *const *skip_keys)
{
    if (!integ || integ->kind != TM_NODE_MAP)
        return;
    tm_vec refs = {0};
    for (size_t i = 0; i < integ->n; i++) {
        int skip = 0;
        for (size_t k = 0; skip_keys[k]; k++)
            if (strcmp(integ->pairs[i].key, skip_keys[k]) == 0)
                skip = 1;
        if (strcmp(integ->pairs[i].key, "Credentials") == 0 || strcmp(integ->pairs[i].key, "CredentialsArn") == 0) {
            S_res *role = S_ref1(c, integ->pairs[i].value);
            if (role && role->idn && !api->identity)
                api->identity = role->idn->id;
            continue;
        }
        if (!skip)
            S_refs(c, integ->pairs[i].value, &refs, 0);
    }
    for (size_t j = 0; j < refs.len; j++) {
        S_res *t = refs.items[j];
        if (t->el && t->el != api)
            S_flow_add(c, api, t->el, name, "aws-invoke", 1, S_at(c, integ));
    }
    tm_vec_free(&refs);
}

/* An authorizer resource's function: a flow API -> function. */
static void S_authorizer_fn(S_ctx *c, S_el *api, const tm_node *id)
{
    S_res *a = id ? S_ref1(c, id) : NULL;
    if (!a || !a->props)
        return;
    S_el *fn = S_ref_el(c, tm_node_get(a->props, "AuthorizerUri"));
    if (fn)
        S_flow_add(c, api, fn, "Authorize request", "aws-invoke", 1, S_at(c, tm_node_get(a->props, "AuthorizerUri")));
}

static void S_subscribe(S_ctx *c, S_el *topic, const tm_node *proto, const tm_node *endpoint, S_pos p,
                        const char *what)
{
    const char *pr = S_read_str(c, proto, tm_arena_printf(c->a, "'Protocol' of %s", what));
    if (!pr)
        return;
    pr = S_lower(c, pr);
    S_prop_add(c, topic, "subscription_protocols", pr, S_at(c, proto));
    if (!endpoint)
        return;
    S_el *to = S_ref_el(c, endpoint);
    if (to) {
        S_flow_add(c, topic, to, "SNS notifications", "aws-invoke", 1, p);
        return;
    }
    if (strcmp(pr, "http") == 0 || strcmp(pr, "https") == 0 || strcmp(pr, "email") == 0 ||
        strcmp(pr, "email-json") == 0 || strcmp(pr, "sms") == 0) {
        int exact;
        const char *ep = S_render(c, endpoint, &exact);
        if (!ep)
            return;
        S_el *ext = S_synth(c, tm_arena_printf(c->a, "subscriber\n%s\n%s", pr, ep),
                            tm_arena_printf(c->a, "%s-subscriber", pr), ep, "generic.external", p);
        ext->boundary = "internet";
        ext->external = 1;
        const char *protocol = strncmp(pr, "email", 5) == 0 ? "smtp" : pr;
        S_flow *f = S_flow_add(c, topic, ext, "SNS notifications", protocol, 0, p);
        if (f)
            f->encrypted = strcmp(pr, "https") == 0;
        return;
    }
    const char *type = strcmp(pr, "lambda") == 0 ? "aws.lambda"
                       : strcmp(pr, "sqs") == 0 ? "aws.sqs"
                       : strcmp(pr, "firehose") == 0 ? "aws.kinesis"
                                                     : "generic.external";
    S_el *out = S_outside(c, S_deref(c, endpoint), type, p);
    if (out)
        S_flow_add(c, topic, out, "SNS notifications", "aws-invoke", 1, p);
    else
        S_warn(c, S_at(c, endpoint), "cannot resolve the endpoint of %s (%s); flow left out", what,
               S_why_unresolved(c, endpoint));
}

static void S_policy_targets(S_ctx *c, S_res *r, const char *key, const char *type)
{
    const tm_node *v = S_get(c, r, key);
    const tm_node *doc = S_get(c, r, "PolicyDocument");
    if (!v || !doc) {
        S_warn(c, r->pos, "'%s' (%s) needs '%s' and 'PolicyDocument'; skipped", r->logical, r->type, key);
        return;
    }
    const tm_node *one, *const *items;
    size_t n = S_items(S_deref(c, v), &items, &one);
    for (size_t i = 0; i < n; i++) {
        S_el *el = S_ref_el(c, items[i]);
        if (el && strcmp(el->type, type) == 0)
            S_resource_policy(c, el, doc, S_what(c, r, "PolicyDocument"));
        else
            S_warn(c, S_at(c, items[i]), "cannot resolve %s (%s) to a resource of this template",
                   S_what(c, r, key), S_why_unresolved(c, items[i]));
    }
}

static void S_folded(S_ctx *c, S_res *r)
{
    const char *t = r->type;
    const tm_node *v;
    const char *s;
    int b;
    S_el *el;
    if (strcmp(t, "AWS::IAM::Policy") == 0 || strcmp(t, "AWS::IAM::ManagedPolicy") == 0) {
        static const char *const keys[] = {"Roles", "Users", "Groups"};
        for (size_t k = 0; k < S_COUNT(keys); k++) {
            const tm_node *one, *const *items;
            size_t n = S_items(S_deref(c, S_get(c, r, keys[k])), &items, &one);
            for (size_t i = 0; i < n; i++) {
                S_res *to = S_ref1(c, items[i]);
                if (!to || !to->idn) {
                    S_warn(c, S_at(c, items[i]), "policy '%s' is attached to %s, which is not in this template",
                           r->logical, S_why_unresolved(c, items[i]));
                    continue;
                }
                const char *key = tm_arena_printf(c->a, "attached\n%s\n%s", to->idn->id, r->logical);
                if (tm_map_get(c->synth, key))
                    continue;
                tm_map_put(c->synth, key, to->idn);
                S_policy_doc(c, to->idn, S_get(c, r, "PolicyDocument"), S_what(c, r, "PolicyDocument"));
            }
        }
    } else if (strcmp(t, "AWS::Lambda::Permission") == 0) {
        if (!(el = S_target_el(c, r, "FunctionName", "aws.lambda")))
            return;
        s = S_read_str(c, S_get(c, r, "Principal"), S_what(c, r, "Principal"));
        if (!s)
            return;
        int service = strstr(s, ".amazonaws.com") != NULL;
        S_add_perm(el, service, S_get(c, r, "SourceArn") || S_get(c, r, "SourceAccount"));
        S_prop_add(c, el, "invoke_principals", s, S_at(c, S_get(c, r, "Principal")));
    } else if (strcmp(t, "AWS::Lambda::Url") == 0) {
        if (!(el = S_target_el(c, r, "TargetFunctionArn", "aws.lambda")))
            return;
        S_prop_bool(c, el, "function_url", 1, r->pos);
        if ((s = S_read_str(c, S_get(c, r, "AuthType"), S_what(c, r, "AuthType"))) != NULL)
            S_prop_str(c, el, "function_url_auth", S_ieq(s, "AWS_IAM") ? "iam" : "none", S_at(c, S_get(c, r, "AuthType")));
        if ((v = S_sub(S_get(c, r, "Cors"), "AllowOrigins")) != NULL)
            S_prop_words(c, el, "cors_origins", v, 0);
    } else if (strcmp(t, "AWS::Lambda::EventInvokeConfig") == 0) {
        if (!(el = S_target_el(c, r, "FunctionName", "aws.lambda")))
            return;
        const tm_node *dc = S_get(c, r, "DestinationConfig");
        S_failure_target(c, el, S_sub(S_sub(dc, "OnFailure"), "Destination"), "Failed invocations", 1);
        S_failure_target(c, el, S_sub(S_sub(dc, "OnSuccess"), "Destination"), "Invocation results", 0);
    } else if (strcmp(t, "AWS::Lambda::EventSourceMapping") == 0) {
        if (!(el = S_target_el(c, r, "FunctionName", "aws.lambda")))
            return;
        v = S_get(c, r, "EventSourceArn");
        S_el *src = S_source(c, v, "generic.store", S_what(c, r, "EventSourceArn"));
        if (src)
            S_flow_add(c, src, el, strcmp(src->type, "aws.sqs") == 0 ? "SQS messages" : "Stream records",
                       "aws-invoke", 1, r->pos);
        S_failure_target(c, el, S_sub(S_sub(S_get(c, r, "DestinationConfig"), "OnFailure"), "Destination"),
                         "Failed records", 0);
    } else if (strcmp(t, "AWS::SNS::Subscription") == 0) {
        if (!(el = S_target_el(c, r, "TopicArn", "aws.sns")))
            return;
        S_subscribe(c, el, S_get(c, r, "Protocol"), S_get(c, r, "Endpoint"), r->pos, tm_arena_printf(c->a, "'%s'", r->logical));
    } else if (strcmp(t, "AWS::SNS::TopicPolicy") == 0) {
        S_policy_targets(c, r, "Topics", "aws.sns");
    } else if (strcmp(t, "AWS::SQS::QueuePolicy") == 0) {
        S_policy_targets(c, r, "Queues", "aws.sqs");
    } else if (strcmp(t, "AWS::S3::BucketPolicy") == 0) {
        S_policy_targets(c, r, "Bucket", "aws.s3");
    } else if (strcmp(t, "AWS::ApiGateway::Method") == 0) {
        if (!(el = S_target_el(c, r, "RestApiId", "aws.apigateway")))
            return;
        const char *method = S_read_str(c, S_get(c, r, "HttpMethod"), S_what(c, r, "HttpMethod"));
        const char *path = S_api_path(c, S_get(c, r, "ResourceId"), 0);
        const char *at = S_read_str(c, S_get(c, r, "AuthorizationType"), S_what(c, r, "AuthorizationType"));
        const char *prop = S_authorization_type(at);
        if (strcmp(prop, "none") == 0 &&
            S_read_bool(c, S_get(c, r, "ApiKeyRequired"), S_what(c, r, "ApiKeyRequired"), &b) && b)
            prop = "api-key";
        S_route_auth(el, prop, method);
        const char *name = tm_arena_printf(c->a, "%s %s", method ? method : "ANY", path);
        for (char *q = (char *)name; *q && *q != ' '; q++)
            *q = (char)toupper((unsigned char)*q);
        static const char *const skip[] = {"IntegrationHttpMethod", "Type", NULL};
        S_integration(c, el, S_read_map(c, S_get(c, r, "Integration"), S_what(c, r, "Integration")), name, skip);
        S_authorizer_fn(c, el, S_get(c, r, "AuthorizerId"));
    } else if (strcmp(t, "AWS::ApiGatewayV2::Route") == 0) {
        if (!(el = S_target_el(c, r, "ApiId", "aws.apigateway")))
            return;
        const char *key = S_read_str(c, S_get(c, r, "RouteKey"), S_what(c, r, "RouteKey"));
        const char *at = S_read_str(c, S_get(c, r, "AuthorizationType"), S_what(c, r, "AuthorizationType"));
        const char *method = key && strchr(key, ' ') ? tm_arena_strndup(c->a, key, (size_t)(strchr(key, ' ') - key)) : NULL;
        const char *prop = S_authorization_type(at);
        if (strcmp(prop, "none") == 0 &&
            S_read_bool(c, S_get(c, r, "ApiKeyRequired"), S_what(c, r, "ApiKeyRequired"), &b) && b)
            prop = "api-key";
        S_route_auth(el, prop, method);
        S_res *integ = S_ref1(c, S_get(c, r, "Target"));
        if (integ && strcmp(integ->type, "AWS::ApiGatewayV2::Integration") == 0) {
            static const char *const skip[] = {"ApiId", "IntegrationType", "IntegrationMethod", NULL};
            S_integration(c, el, integ->props, key ? key : "route", skip);
        }
        S_authorizer_fn(c, el, S_get(c, r, "AuthorizerId"));
    } else if (strcmp(t, "AWS::ApiGateway::Stage") == 0 || strcmp(t, "AWS::ApiGatewayV2::Stage") == 0) {
        int v2 = strcmp(t, "AWS::ApiGatewayV2::Stage") == 0;
        if (!(el = S_target_el(c, r, v2 ? "ApiId" : "RestApiId", "aws.apigateway")))
            return;
        S_stage_settings(c, r, el, v2);
    } else if (strcmp(t, "AWS::WAFv2::WebACLAssociation") == 0) {
        tm_vec refs = {0};
        S_refs(c, S_get(c, r, "ResourceArn"), &refs, 0);
        for (size_t i = 0; i < refs.len; i++) {
            S_res *x = refs.items[i];
            if (x->el && (strcmp(x->el->type, "aws.apigateway") == 0 || strcmp(x->el->type, "aws.cloudfront") == 0)) {
                S_prop_bool(c, x->el, "waf", 1, r->pos);
                break;
            }
        }
        tm_vec_free(&refs);
    } else if (strcmp(t, "AWS::SecretsManager::RotationSchedule") == 0) {
        if (!(el = S_target_el(c, r, "SecretId", "aws.secretsmanager")))
            return;
        S_prop_bool(c, el, "rotation", 1, r->pos);
    }
}

/* -------------------------------------------- flows of elements' own props */

static void S_own_flows(S_ctx *c, S_res *r, S_el *el)
{
    const char *t = r->type;
    const tm_node *v;
    if (strcmp(t, "AWS::S3::Bucket") == 0) {
        const tm_node *nc = S_read_map(c, S_get(c, r, "NotificationConfiguration"), S_what(c, r, "NotificationConfiguration"));
        static const char *const lists[] = {"LambdaConfigurations", "QueueConfigurations", "TopicConfigurations"};
        static const char *const keys[] = {"Function", "Queue", "Topic"};
        static const char *const types[] = {"aws.lambda", "aws.sqs", "aws.sns"};
        for (size_t k = 0; nc && k < S_COUNT(lists); k++) {
            const tm_node *one, *const *items;
            size_t n = S_items(tm_node_get(nc, lists[k]), &items, &one);
            for (size_t i = 0; i < n; i++) {
                const tm_node *to = S_sub(items[i], keys[k]);
                S_el *dst = S_source(c, to, types[k], tm_arena_printf(c->a, "the target of a notification of '%s'", r->logical));
                const char *ev = S_render(c, S_sub(items[i], "Event"), NULL);
                if (dst)
                    S_flow_add(c, el, dst, ev ? ev : "S3 events", "aws-invoke", 1, S_at(c, items[i]));
            }
        }
    } else if (strcmp(t, "AWS::SNS::Topic") == 0) {
        const tm_node *one, *const *items;
        size_t n = S_items(S_deref(c, S_get(c, r, "Subscription")), &items, &one);
        for (size_t i = 0; i < n; i++) {
            const tm_node *m = S_read_map(c, items[i], S_what(c, r, "Subscription"));
            if (m)
                S_subscribe(c, el, tm_node_get(m, "Protocol"), tm_node_get(m, "Endpoint"), S_at(c, m),
                            tm_arena_printf(c->a, "a subscription of '%s'", r->logical));
        }
    } else if (strcmp(t, "AWS::SQS::Queue") == 0) {
        v = S_deref(c, S_get(c, r, "RedrivePolicy"));
        if (v && v->kind == TM_NODE_MAP && !S_intrinsic(v, NULL)) {
            const tm_node *dlq = tm_node_get(v, "deadLetterTargetArn");
            if (dlq) {
                S_prop_bool(c, el, "dlq", 1, S_at(c, dlq));
                S_el *to = S_source(c, dlq, "aws.sqs", S_what(c, r, "deadLetterTargetArn"));
                if (to)
                    S_flow_add(c, el, to, "Dead letters", "aws-api", 0, S_at(c, dlq));
            }
        } else if (v && S_is_str(v) && strstr(v->text, "deadLetterTargetArn")) {
            S_prop_bool(c, el, "dlq", 1, S_at(c, v));
        }
    } else if (strcmp(t, "AWS::Events::Rule") == 0) {
        const char *name = S_get(c, r, "ScheduleExpression") ? "Scheduled event" : "Matched events";
        S_el *bus = S_get(c, r, "EventBusName") ? S_ref_el(c, S_get(c, r, "EventBusName")) : NULL;
        if (bus)
            S_flow_add(c, bus, el, "Events", "aws-api", 0, S_at(c, S_get(c, r, "EventBusName")));
        const tm_node *one, *const *items;
        size_t n = S_items(S_deref(c, S_get(c, r, "Targets")), &items, &one);
        for (size_t i = 0; i < n; i++) {
            const tm_node *arn = S_sub(items[i], "Arn");
            S_el *to = S_source(c, arn, "generic.process", tm_arena_printf(c->a, "a target of '%s'", r->logical));
            if (to)
                S_flow_add(c, el, to, name, "aws-invoke", 1, S_at(c, items[i]));
        }
    } else if (strcmp(t, "AWS::Scheduler::Schedule") == 0) {
        const tm_node *arn = S_sub(S_get(c, r, "Target"), "Arn");
        S_el *to = arn ? S_source(c, arn, "generic.process", S_what(c, r, "Target.Arn")) : NULL;
        if (to)
            S_flow_add(c, el, to, "Scheduled event", "aws-invoke", 1, S_at(c, arn));
        S_assign_role(c, el, S_sub(S_get(c, r, "Target"), "RoleArn"));
    } else if (strcmp(t, "AWS::Cognito::UserPool") == 0) {
        const tm_node *lc = S_read_map(c, S_get(c, r, "LambdaConfig"), S_what(c, r, "LambdaConfig"));
        for (size_t i = 0; lc && i < lc->n; i++) {
            S_el *fn = S_ref_el(c, lc->pairs[i].value);
            if (fn)
                S_flow_add(c, el, fn, tm_arena_printf(c->a, "Cognito trigger %s", lc->pairs[i].key), "aws-invoke", 1,
                           S_at(c, lc->pairs[i].value));
        }
    } else if (strcmp(t, "AWS::StepFunctions::StateMachine") == 0 || strcmp(t, "AWS::Serverless::StateMachine") == 0) {
        tm_vec refs = {0};
        S_refs(c, S_get(c, r, "Definition"), &refs, 0);
        S_refs(c, S_get(c, r, "DefinitionString"), &refs, 0);
        S_refs(c, S_get(c, r, "DefinitionSubstitutions"), &refs, 0);
        for (size_t i = 0; i < refs.len; i++) {
            S_res *x = refs.items[i];
            if (x->el && x->el != el)
                S_flow_add(c, el, x->el, "Task", "aws-api", 0, S_at(c, S_get(c, r, "Definition")));
        }
        tm_vec_free(&refs);
    } else if (strcmp(t, "AWS::ApiGatewayV2::Api") == 0) {
        if ((v = S_get(c, r, "Target")) != NULL) {
            S_el *fn = S_ref_el(c, v);
            if (fn)
                S_flow_add(c, el, fn, "$default", "aws-invoke", 1, S_at(c, v));
        }
        if ((v = S_get(c, r, "Body")) != NULL)
            S_openapi(c, el, v);
    } else if (strcmp(t, "AWS::ApiGateway::RestApi") == 0) {
        if ((v = S_get(c, r, "Body")) != NULL)
            S_openapi(c, el, v);
    } else if (strcmp(t, "AWS::Serverless::Api") == 0 || strcmp(t, "AWS::Serverless::HttpApi") == 0) {
        if ((v = S_get(c, r, "DefinitionBody")) != NULL)
            S_openapi(c, el, v);
    } else if (strcmp(t, "AWS::CloudFront::Distribution") == 0) {
        const tm_node *cfg = S_get(c, r, "DistributionConfig");
        const tm_node *one, *const *items;
        size_t n = S_items(S_sub(cfg, "Origins"), &items, &one);
        for (size_t i = 0; i < n; i++) {
            S_el *to = S_ref_el(c, S_sub(items[i], "DomainName"));
            if (to)
                S_flow_add(c, el, to, "Origin requests", "https", 0, S_at(c, items[i]));
        }
    }
}

/* --------------------------------------------------------- IAM flows */

typedef struct {
    S_el *target;
    int write;
    tm_vec names;
    S_pos pos;
} S_acc;

static int S_nieq(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (tolower((unsigned char)a[i]) != tolower((unsigned char)b[i]))
            return 0;
    return 1;
}

/* Does the action pattern reach `target` for reading / writing? */
static void S_classify(const char *pattern, const S_el *target, int *read, int *write)
{
    *read = *write = 0;
    const char *colon = strchr(pattern, ':');
    for (size_t i = 0; i < S_COUNT(S_services); i++) {
        const S_service *sv = &S_services[i];
        if (strcmp(sv->type, target->type) != 0)
            continue;
        if (colon && !(strlen(sv->service) == (size_t)(colon - pattern) &&
                       S_nieq(pattern, sv->service, (size_t)(colon - pattern))))
            continue;
        char full[128];
        for (size_t k = 0; sv->reads[k]; k++)
            if (sv->reads[k][0]) {
                snprintf(full, sizeof full, "%s:%s", sv->service, sv->reads[k]);
                if (tm_glob_match_nocase(pattern, full))
                    *read = 1;
            }
        for (size_t k = 0; sv->writes[k]; k++) {
            snprintf(full, sizeof full, "%s:%s", sv->service, sv->writes[k]);
            if (tm_glob_match_nocase(pattern, full))
                *write = 1;
        }
    }
}

static void S_acc_add(tm_vec *accs, S_el *target, int write, const char *action, S_pos p)
{
    S_acc *a = NULL;
    for (size_t i = 0; i < accs->len && !a; i++) {
        S_acc *x = accs->items[i];
        if (x->target == target && x->write == write)
            a = x;
    }
    if (!a) {
        a = calloc(1, sizeof *a);
        if (!a)
            abort();
        a->target = target;
        a->write = write;
        a->pos = p;
        tm_vec_push(accs, a);
    }
    for (size_t i = 0; i < a->names.len; i++)
        if (strcmp(a->names.items[i], action) == 0)
            return;
    tm_vec_push(&a->names, (void *)action);
}

static void S_iam_flows(S_ctx *c, S_el *el)
{
    S_idn *idn = NULL;
    for (size_t i = 0; i < c->idns.len && !idn; i++)
        if (strcmp(((S_idn *)c->idns.items[i])->id, el->identity) == 0)
            idn = c->idns.items[i];
    if (!idn)
        return;
    tm_vec accs = {0};
    for (size_t i = 0; i < idn->grants.len; i++) {
        S_grant *g = idn->grants.items[i];
        S_res *r = S_resource(c, g->target);
        if (!r || !r->el || r->el == el)
            continue;
        int read, write;
        S_classify(g->action, r->el, &read, &write);
        if (write)
            S_acc_add(&accs, r->el, 1, g->action, g->pos);
        if (read)
            S_acc_add(&accs, r->el, 0, g->action, g->pos);
    }
    for (size_t i = 0; i < accs.len; i++) {
        S_acc *a = accs.items[i];
        S_el *from = a->write ? el : a->target, *to = a->write ? a->target : el;
        if (!S_flow_exists(c, from, to)) {
            tm_buf b;
            tm_buf_init(&b, 0);
            for (size_t k = 0; k < a->names.len && k < S_MAX_FLOW_NAME_ACTIONS; k++)
                tm_buf_printf(&b, "%s%s", k ? ", " : "", (const char *)a->names.items[k]);
            if (a->names.len > S_MAX_FLOW_NAME_ACTIONS)
                tm_buf_puts(&b, ", ...");
            S_flow *f = S_flow_add(c, from, to, tm_arena_strdup(c->a, b.data), "aws-api", 0, a->pos);
            if (f)
                f->authenticated = 1; /* IAM-signed AWS API calls */
            tm_buf_free(&b);
        }
        tm_vec_free(&a->names);
        free(a);
    }
    tm_vec_free(&accs);
}

/* ------------------------------------------------------------- assembly */

static tm_node *S_el_node(S_ctx *c, const S_el *el)
{
    S_pos p = el->pos;
    tm_node *m = S_new(c, TM_NODE_MAP, p);
    S_put_str(c, m, "id", el->id, p);
    S_put_str(c, m, "name", el->name, p);
    S_put_str(c, m, "description", el->description, p);
    S_put_str(c, m, "type", el->type, p);
    S_put_str(c, m, "boundary", el->boundary, p);
    S_put_str(c, m, "identity", el->identity, p);
    if (el->in_house)
        S_put_str(c, m, "origin", "in-house", p);
    if (el->out_of_scope) {
        S_put(c, m, "out_of_scope", S_place(tm_node_bool(c->a, 1), p));
        S_put_str(c, m, "reason", el->reason, p);
    }
    if (el->props->n)
        S_put(c, m, "props", el->props);
    return m;
}

static tm_node *S_flow_node(S_ctx *c, const S_flow *f)
{
    S_pos p = f->pos;
    tm_node *m = S_new(c, TM_NODE_MAP, p);
    S_put_str(c, m, "from", f->from, p);
    S_put_str(c, m, "to", f->to, p);
    S_put_str(c, m, "name", f->name, p);
    S_put_str(c, m, "protocol", f->protocol, p);
    if (f->authenticated >= 0)
        S_put(c, m, "authenticated", S_place(tm_node_bool(c->a, f->authenticated), p));
    if (f->encrypted >= 0)
        S_put(c, m, "encrypted", S_place(tm_node_bool(c->a, f->encrypted), p));
    if (f->trigger)
        S_put(c, m, "trigger", S_place(tm_node_bool(c->a, 1), p));
    return m;
}

static tm_node *S_boundary(S_ctx *c, const char *id, const char *name, const char *type, S_pos p)
{
    tm_node *m = S_new(c, TM_NODE_MAP, p);
    S_put_str(c, m, "id", id, p);
    S_put_str(c, m, "name", name, p);
    S_put_str(c, m, "type", type, p);
    return m;
}

/* The system's name: the file's name without folders and extensions. */
static const char *S_system_name(S_ctx *c)
{
    const char *base = strrchr(c->file, '/');
    base = base ? base + 1 : c->file;
    size_t n = strlen(base);
    static const char *const exts[] = {".yaml", ".yml", ".json", ".template"};
    for (int again = 1; again;) {
        again = 0;
        for (size_t i = 0; i < S_COUNT(exts); i++) {
            size_t e = strlen(exts[i]);
            if (n > e && strncmp(base + n - e, exts[i], e) == 0) {
                n -= e;
                again = 1;
            }
        }
    }
    return n ? tm_arena_strndup(c->a, base, n) : "CloudFormation stack";
}

static tm_node *S_assemble(S_ctx *c)
{
    S_pos p = S_at(c, c->root);
    tm_node *root = S_new(c, TM_NODE_MAP, p);
    S_put(c, root, "stridec", S_place(tm_node_int(c->a, 1), p));
    tm_node *sys = S_new(c, TM_NODE_MAP, p);
    S_put_str(c, sys, "name", S_system_name(c), p);
    const tm_node *desc = tm_node_get(c->root, "Description");
    if (S_is_str(desc))
        S_put_str(c, sys, "description", desc->text, S_at(c, desc));
    S_put(c, root, "system", sys);

    int internet = c->users != NULL;
    for (size_t i = 0; i < c->els.len; i++)
        if (tm_strcmp0(((S_el *)c->els.items[i])->boundary, "internet") == 0)
            internet = 1;
    tm_node *bs = S_new(c, TM_NODE_LIST, p);
    if (internet)
        tm_node_list_push(c->a, bs, S_boundary(c, "internet", "Internet", "internet", p));
    tm_node_list_push(c->a, bs, S_boundary(c, "aws-account", "AWS account", "cloud-account", p));
    S_put(c, root, "boundaries", bs);

    tm_node *els = S_new(c, TM_NODE_LIST, p);
    if (c->users)
        tm_node_list_push(c->a, els, S_el_node(c, c->users));
    for (size_t i = 0; i < c->els.len; i++)
        tm_node_list_push(c->a, els, S_el_node(c, c->els.items[i]));
    S_put(c, root, "elements", els);

    if (c->flows.len) {
        tm_node *fl = S_new(c, TM_NODE_LIST, p);
        for (size_t i = 0; i < c->flows.len; i++)
            tm_node_list_push(c->a, fl, S_flow_node(c, c->flows.items[i]));
        S_put(c, root, "flows", fl);
    }
    if (c->idns.len) {
        tm_node *ids = S_new(c, TM_NODE_LIST, p);
        for (size_t i = 0; i < c->idns.len; i++) {
            S_idn *idn = c->idns.items[i];
            tm_node *m = S_new(c, TM_NODE_MAP, idn->pos);
            S_put_str(c, m, "id", idn->id, idn->pos);
            S_put_str(c, m, "name", idn->name, idn->pos);
            S_put_str(c, m, "type", idn->type, idn->pos);
            if (idn->statements->n)
                S_put(c, m, "statements", idn->statements);
            tm_node_list_push(c->a, ids, m);
        }
        S_put(c, root, "identities", ids);
    }
    return root;
}

/* --------------------------------------------------------- validation */

static const char *const S_pseudo[] = {"AWS::AccountId", "AWS::NotificationARNs", "AWS::NoValue",
                                       "AWS::Partition", "AWS::Region",           "AWS::StackId",
                                       "AWS::StackName", "AWS::URLSuffix"};

/* A name SAM generates from a resource of the template (FnRole, ServerlessRestApi ...). */
static int S_sam_generated(const S_ctx *c, const char *name)
{
    if (strncmp(name, "Serverless", 10) == 0)
        return 1;
    for (size_t i = 0; i < c->n_res; i++) {
        size_t n = strlen(c->res[i].logical);
        if (strncmp(c->res[i].type, "AWS::Serverless::", 17) == 0 && strncmp(name, c->res[i].logical, n) == 0 &&
            name[n])
            return 1;
    }
    return 0;
}

/* A name a Ref or ${} may use: a resource, a parameter, a pseudo parameter. */
static int S_known(const S_ctx *c, const char *name, int getatt)
{
    if (tm_map_get(c->by_logical, name))
        return 1;
    if (c->sam && S_sam_generated(c, name))
        return 1;
    if (getatt)
        return 0;
    if (S_param(c, name))
        return 1;
    for (size_t i = 0; i < S_COUNT(S_pseudo); i++)
        if (strcmp(name, S_pseudo[i]) == 0)
            return 1;
    return 0;
}

/* `what` ("Ref 'X'") names nothing: an error, or in a fragment a warning. */
static void S_dangling(S_ctx *c, S_pos p, const char *what, int getatt)
{
    if (c->fragment)
        S_warn(c, p, "%s names nothing in this template (a resource the framework generates?)", what);
    else
        S_err(c, p, "%s names no %s of this template", what, getatt ? "resource" : "resource or parameter");
}

static void S_check_sub(S_ctx *c, const tm_node *n, const char *s, const tm_node *vars)
{
    while ((s = strstr(s, "${")) != NULL) {
        const char *end = strchr(s + 2, '}');
        if (!end)
            return;
        if (s[2] != '!') {
            size_t len = (size_t)(end - s - 2);
            char *name = tm_arena_strndup(c->a, s + 2, len);
            char *dot = strchr(name, '.');
            int getatt = 0;
            if (dot && strncmp(name, "AWS::", 5) != 0) {
                *dot = '\0';
                getatt = 1;
            }
            if (!(vars && vars->kind == TM_NODE_MAP && tm_node_get(vars, name)) && !S_known(c, name, getatt))
                S_dangling(c, S_at(c, n), tm_arena_printf(c->a, "'${%s}' in Fn::Sub", name), getatt);
        }
        s = end + 1;
    }
}

static void S_check_refs(S_ctx *c, const tm_node *n, int depth)
{
    if (!n || n->kind == TM_NODE_SCALAR || depth > TM_MAX_DEPTH)
        return;
    const tm_node *arg;
    const char *f = S_intrinsic(n, &arg);
    if (f && strcmp(f, "Ref") == 0) {
        if (!S_is_str(arg))
            S_err(c, S_at(c, arg), "Ref takes a name, not %s", tm_node_kind_name(arg));
        else if (!S_known(c, arg->text, 0))
            S_dangling(c, S_at(c, arg), tm_arena_printf(c->a, "Ref '%s'", arg->text), 0);
        return;
    }
    const char *logical, *attr;
    if (f && strcmp(f, "Fn::GetAtt") == 0) {
        if (!S_getatt(c, arg, &logical, &attr))
            S_err(c, S_at(c, arg), "Fn::GetAtt takes 'Resource.Attribute' or [Resource, Attribute]");
        else if (!S_known(c, logical, 1))
            S_dangling(c, S_at(c, arg), tm_arena_printf(c->a, "Fn::GetAtt '%s'", logical), 1);
        return;
    }
    if (f && strcmp(f, "Fn::Sub") == 0) {
        if (S_is_str(arg))
            S_check_sub(c, arg, arg->text, NULL);
        else if (arg && arg->kind == TM_NODE_LIST && arg->n == 2 && S_is_str(arg->items[0])) {
            S_check_sub(c, arg->items[0], arg->items[0]->text, arg->items[1]);
            S_check_refs(c, arg->items[1], depth + 1);
        }
        return;
    }
    for (size_t i = 0; i < n->n; i++)
        S_check_refs(c, n->kind == TM_NODE_MAP ? n->pairs[i].value : n->items[i], depth + 1);
}

static int S_alnum(const char *s)
{
    if (!*s)
        return 0;
    for (; *s; s++)
        if (!isalnum((unsigned char)*s))
            return 0;
    return 1;
}

static const S_type_map *S_type_lookup(const char *type)
{
    for (size_t i = 0; i < S_COUNT(S_types); i++)
        if (strcmp(S_types[i].cfn, type) == 0)
            return &S_types[i];
    return NULL;
}

/* Read and check the template's top level and its Resources. 0 on success. */
static int S_collect(S_ctx *c)
{
    const tm_node *root = c->root;
    if (!root || root->kind != TM_NODE_MAP) {
        S_err(c, S_at(c, root), "not a CloudFormation template: the top level must be a map, not %s",
              tm_node_kind_name(root));
        return -1;
    }
    const tm_pair *rp = tm_node_get_pair(root, "Resources");
    if (!rp) {
        S_err(c, S_at(c, root), "not a CloudFormation template: it has no 'Resources' map");
        return -1;
    }
    c->resources = rp->value;
    if (!c->resources || c->resources->kind != TM_NODE_MAP || S_intrinsic(c->resources, NULL)) {
        S_err(c, S_at(c, c->resources), "'Resources' must be a map of logical ids to resources, not %s",
              tm_node_kind_name(c->resources));
        return -1;
    }
    if (c->resources->n == 0) {
        S_err(c, S_at(c, c->resources), "'Resources' is empty: a template declares at least one resource");
        return -1;
    }
    c->params = tm_node_get(root, "Parameters");
    if (c->params && c->params->kind != TM_NODE_MAP) {
        S_err(c, S_at(c, c->params), "'Parameters' must be a map, not %s", tm_node_kind_name(c->params));
        return -1;
    }
    c->globals = tm_node_get(root, "Globals");
    if (c->globals && c->globals->kind != TM_NODE_MAP) {
        S_err(c, S_at(c, c->globals), "'Globals' must be a map, not %s", tm_node_kind_name(c->globals));
        return -1;
    }
    c->n_res = c->resources->n;
    c->res = tm_arena_array(c->a, c->n_res, sizeof *c->res);
    for (size_t i = 0; i < c->n_res; i++) {
        const tm_pair *p = &c->resources->pairs[i];
        S_res *r = &c->res[i];
        r->logical = p->key;
        r->node = p->value;
        r->pos = (S_pos){c->resources->file ? c->resources->file : c->file, p->line, p->col};
        if (!S_alnum(p->key))
            S_err(c, r->pos, "logical id '%s' must be alphanumeric (A-Z, a-z, 0-9)", p->key);
        tm_map_put(c->by_logical, p->key, r);
        if (!r->node || r->node->kind != TM_NODE_MAP || S_intrinsic(r->node, NULL)) {
            S_err(c, S_at(c, r->node), "resource '%s' must be a map, not %s", p->key, tm_node_kind_name(r->node));
            continue;
        }
        const tm_node *t = tm_node_get(r->node, "Type");
        if (!t) {
            S_err(c, r->pos, "resource '%s' has no 'Type'", p->key);
            continue;
        }
        if (!S_is_str(t) || t->stype != TM_SCALAR_STRING || !t->len) {
            S_err(c, S_at(c, t), "'Type' of resource '%s' must be a resource type name such as AWS::S3::Bucket",
                  p->key);
            continue;
        }
        r->type = t->text;
        const tm_node *props = tm_node_get(r->node, "Properties");
        if (props && !(props->kind == TM_NODE_SCALAR && props->stype == TM_SCALAR_NULL)) {
            if (props->kind != TM_NODE_MAP || S_intrinsic(props, NULL)) {
                S_err(c, S_at(c, props), "'Properties' of resource '%s' must be a map, not %s", p->key,
                      tm_node_kind_name(props));
                continue;
            }
            r->props = props;
        }
        r->map = S_type_lookup(r->type);
        if (strcmp(r->type, "AWS::Serverless::Function") == 0)
            r->globals = "Function";
        else if (strcmp(r->type, "AWS::Serverless::Api") == 0)
            r->globals = "Api";
        else if (strcmp(r->type, "AWS::Serverless::HttpApi") == 0)
            r->globals = "HttpApi";
        else if (strcmp(r->type, "AWS::Serverless::SimpleTable") == 0)
            r->globals = "SimpleTable";
        else if (strcmp(r->type, "AWS::Serverless::StateMachine") == 0)
            r->globals = "StateMachine";
    }
    if (c->errors)
        return -1;
    S_check_refs(c, c->resources, 0);
    S_check_refs(c, tm_node_get(root, "Outputs"), 0);
    return c->errors ? -1 : 0;
}

/* ---------------------------------------------------------- entry point */

static void S_free(S_ctx *c)
{
    for (size_t i = 0; i < c->idns.len; i++)
        tm_vec_free(&((S_idn *)c->idns.items[i])->grants);
    tm_vec_free(&c->els);
    tm_vec_free(&c->idns);
    tm_vec_free(&c->flows);
    tm_map_free(c->by_logical);
    tm_map_free(c->ids);
    tm_map_free(c->synth);
    tm_map_free(c->flow_keys);
}

tm_node *tm_import_cloudformation(tm_arena *arena, const tm_node *root, const char *file, int sam,
                                  tm_diags *d)
{
    S_ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    S_ctx *c = &ctx;
    c->a = arena;
    c->d = d;
    c->file = file ? file : "(template)";
    c->root = root;
    c->by_logical = tm_map_new(64);
    c->ids = tm_map_new(64);
    c->synth = tm_map_new(16);
    c->flow_keys = tm_map_new(64);
    /* Ids the importer itself uses. */
    static const char *const reserved[] = {"internet", "aws-account", "internet-users"};
    for (size_t i = 0; i < S_COUNT(reserved); i++)
        tm_map_put(c->ids, reserved[i], (void *)reserved[i]);

    tm_node *out = NULL;
    if (root && root->kind == TM_NODE_MAP) {
        c->fragment = !tm_node_get(root, "AWSTemplateFormatVersion") && !tm_node_get(root, "Transform");
        c->sam = sam || tm_node_get(root, "Transform") != NULL;
    }
    if (S_collect(c) != 0)
        goto done;

    /* Elements and identities, in file order. */
    for (size_t i = 0; i < c->n_res; i++) {
        S_res *r = &c->res[i];
        if (!r->map) {
            S_warn(c, r->pos, "resource '%s' of type '%s' is not modelled; skipped", r->logical, r->type);
            continue;
        }
        if (r->map->kind == S_K_ELEMENT) {
            r->el = S_el_new(c, r->logical, r->logical, r->map->type, r->pos);
            r->el->res = r;
            const tm_node *desc = r->props ? tm_node_get(r->props, "Description") : NULL;
            if (S_is_str(desc) && strcmp(r->map->type, "aws.apigateway") != 0)
                r->el->description = desc->text;
        } else if (r->map->kind == S_K_IDENTITY) {
            const tm_node *nm = S_get(c, r, strcmp(r->type, "AWS::IAM::User") == 0 ? "UserName" : "RoleName");
            r->idn = S_idn_new(c, r->logical, S_is_str(nm) ? nm->text : r->logical, r->map->type, r->pos);
        }
    }
    for (size_t i = 0; i < c->n_res; i++)
        if (c->res[i].idn)
            S_identity_props(c, &c->res[i], c->res[i].idn);

    /* Each element's own props, and its role. */
    for (size_t i = 0; i < c->n_res; i++) {
        S_res *r = &c->res[i];
        S_el *el = r->el;
        if (!el)
            continue;
        const char *t = el->type;
        if (strcmp(t, "aws.lambda") == 0) {
            S_props_lambda(c, r, el);
            if (S_get(c, r, "Role"))
                S_assign_role(c, el, S_get(c, r, "Role"));
            else if (strcmp(r->type, "AWS::Serverless::Function") == 0)
                S_sam_role(c, r, el, 1);
        } else if (strcmp(t, "aws.apigateway") == 0) {
            S_props_api(c, r, el);
        } else if (strcmp(t, "aws.s3") == 0) {
            S_props_s3(c, r, el);
        } else if (strcmp(t, "aws.sqs") == 0) {
            S_props_sqs(c, r, el);
        } else if (strcmp(t, "aws.dynamodb") == 0) {
            S_props_dynamodb(c, r, el);
        } else {
            S_props_other(c, r, el);
        }
        if (strcmp(t, "aws.stepfunctions") == 0) {
            const tm_node *role = S_get(c, r, "RoleArn") ? S_get(c, r, "RoleArn") : S_get(c, r, "Role");
            if (role)
                S_assign_role(c, el, role);
            else if (strcmp(r->type, "AWS::Serverless::StateMachine") == 0)
                S_sam_role(c, r, el, 0);
        } else if (strcmp(t, "aws.codebuild") == 0) {
            S_assign_role(c, el, S_get(c, r, "ServiceRole"));
        } else if (strcmp(t, "aws.codepipeline") == 0) {
            S_assign_role(c, el, S_get(c, r, "RoleArn"));
        }
    }

    /* Flows: the elements' own configuration, then what configures them,
     * then SAM events, then IAM. */
    for (size_t i = 0; i < c->n_res; i++)
        if (c->res[i].el)
            S_own_flows(c, &c->res[i], c->res[i].el);
    for (size_t i = 0; i < c->n_res; i++)
        if (c->res[i].map && c->res[i].map->kind == S_K_FOLDED)
            S_folded(c, &c->res[i]);
    for (size_t i = 0; i < c->n_res; i++)
        if (c->res[i].el && (strcmp(c->res[i].type, "AWS::Serverless::Function") == 0 ||
                             strcmp(c->res[i].type, "AWS::Serverless::StateMachine") == 0))
            S_events(c, &c->res[i], c->res[i].el);
    size_t n_els = c->els.len;
    for (size_t i = 0; i < n_els; i++) {
        S_el *el = c->els.items[i];
        if (el->identity)
            S_iam_flows(c, el);
    }

    /* What needs everything: authorizers, logging, invoke permissions, users. */
    n_els = c->els.len;
    for (size_t i = 0; i < n_els; i++) {
        S_el *el = c->els.items[i];
        if (strcmp(el->type, "aws.apigateway") == 0) {
            S_finish_api(c, el);
            if (!el->private_api) {
                const tm_node *az = S_prop_get(el, "authorizer");
                S_flow *f = S_flow_add(c, S_users(c, el->pos), el, "HTTPS requests", "https", 0, el->pos);
                if (f) {
                    f->encrypted = 1;
                    if (az)
                        f->authenticated = S_rank_of(az->text) == S_AUTH_STRONG;
                }
            }
        } else if (strcmp(el->type, "aws.lambda") == 0) {
            /* Only service principals can be narrowed by SourceArn; with
             * none, the fact is not stated (a "*" principal is its own rule). */
            if (el->n_service_perms)
                S_prop_bool(c, el, "invoke_source_arn", el->perms_without_source == 0, el->pos);
            if (el->identity) {
                for (size_t k = 0; k < c->idns.len; k++) {
                    S_idn *idn = c->idns.items[k];
                    if (strcmp(idn->id, el->identity) == 0 && (idn->logs || !idn->unknown_policies))
                        S_prop_bool(c, el, "logging", idn->logs, el->pos);
                }
            }
            const tm_node *url = S_prop_get(el, "function_url");
            if (url && url->bval) {
                const tm_node *auth = S_prop_get(el, "function_url_auth");
                S_flow *f = S_flow_add(c, S_users(c, el->pos), el, "Function URL requests", "https", 0, el->pos);
                if (f) {
                    f->encrypted = 1;
                    f->authenticated = auth && strcmp(auth->text, "iam") == 0;
                }
            }
        } else if (el->res && strcmp(el->res->type, "AWS::Cognito::UserPool") == 0) {
            S_flow *f = S_flow_add(c, S_users(c, el->pos), el, "Sign-in", "https", 0, el->pos);
            if (f)
                f->encrypted = 1;
        } else if (strcmp(el->type, "aws.cloudfront") == 0 && el->res) {
            const tm_node *vpp = S_sub(S_sub(S_get(c, el->res, "DistributionConfig"), "DefaultCacheBehavior"), "ViewerProtocolPolicy");
            S_flow *f = S_flow_add(c, S_users(c, el->pos), el, "HTTPS requests", "https", 0, el->pos);
            if (f && S_is_str(vpp))
                f->encrypted = !S_ieq(vpp->text, "allow-all");
        }
    }
    if (c->errors == 0)
        out = S_assemble(c);
done:
    S_free(c);
    return c->errors ? NULL : out;
}
