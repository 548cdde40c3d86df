/*
 * The rule condition language (the language itself is described in expr.h).
 *
 * Four parts, in this order:
 *   1. tokenizer: text -> tokens carrying byte offsets (line:col is only
 *      computed when an error is reported);
 *   2. parser: recursive descent into an untyped tree, names as written;
 *      && and || are n-ary nodes so long chains do not deepen the tree, and
 *      a nesting limit bounds every later recursion;
 *   3. checker: resolves subjects and field names to small integer ids,
 *      types every node for the rule kind, validates classification and
 *      enumeration literals. Every mistake a rule author can make is found
 *      here, at load, with the position of the offending token;
 *   4. evaluator: walks the checked tree with small values on the C stack.
 *      Lists are views (an array of the model, a props list, a literal, or a
 *      lazy projection that re-walks its parent) iterated with callbacks, so
 *      evaluation never allocates.
 *
 * Semantics worth knowing (beyond expr.h):
 *   - projection: a field of a list of objects is the list of that field,
 *     flattened one level (identity.statements.actions is a list of strings)
 *     and without nulls; `classification` of a list of data is the highest
 *     classification (TM_CLASS_NONE, below "public", when empty);
 *   - has(path) is true when the value is not null and not an empty list;
 *   - count() of anything that is not a list is 0;
 *   - any() over a non-list is false, all() over a non-list is false,
 *     all() over an empty list is true;
 *   - an object compares with a string by its id; renders by name (or id).
 */
#include <limits.h>
#include <stdarg.h>
#include <string.h>

#include "engine/expr.h"

/* Deepest nesting of parentheses, '!', function arguments and path fields.
 * Bounds the recursion of the parser, the checker and the evaluator. */
#ifndef TM_EXPR_MAX_DEPTH
#define TM_EXPR_MAX_DEPTH 64
#endif
/* Deepest nesting of any()/all(). Evaluation time is the product of the
 * nested lists' lengths: on a model of 10,000 elements, even three levels
 * over model.elements is 10^12 steps. Real rules nest two (statements, then
 * their conditions). */
#ifndef TM_EXPR_MAX_QUANT_DEPTH
#define TM_EXPR_MAX_QUANT_DEPTH 4
#endif

/* ================================================================ types */

/* Object kinds a value can point at. */
typedef enum {
    O_NONE,
    O_ELEMENT,
    O_FLOW,
    O_BOUNDARY,
    O_IDENTITY,
    O_STATEMENT,
    O_CONDITION,
    O_ARTIFACT,
    O_SECRET,
    O_DATA,
    O_MODEL,
    O_COUNT
} S_okind;

/* Static (load-time) types. T_NONE is the item type of the empty list
 * literal, compatible with everything; T_ANY is a prop's dynamic type. */
typedef enum { T_NONE, T_BOOL, T_INT, T_STRING, T_CLASS, T_ANY, T_OBJ, T_COUNT } S_base;

/* Closed sets of string values: a literal compared with such a field must
 * be one of them (a typo would otherwise make a rule silently never fire). */
typedef enum { EN_NONE, EN_KIND, EN_ORIGIN, EN_AUTHZ, EN_EFFECT } S_enum;

typedef struct {
    uint8_t base; /* S_base */
    uint8_t obj;  /* S_okind when base == T_OBJ */
    uint8_t list; /* 1: a list of base/obj */
    uint8_t en;   /* S_enum for strings */
} S_type;

static const char *const S_obj_name[O_COUNT] = {
    "",          "element", "flow",   "boundary", "identity", "statement",
    "condition", "artifact", "secret", "data",     "model"};
static const char *const S_obj_one[O_COUNT] = {
    "",          "an element",  "a flow",   "a boundary",   "an identity", "a statement",
    "an IAM condition", "an artifact", "a secret", "a data asset", "the model"};
static const char *const S_obj_many[O_COUNT] = {
    "",              "elements",  "flows",   "boundaries",  "identities", "statements",
    "IAM conditions", "artifacts", "secrets", "data assets", "models"};
static const char *const S_base_one[T_COUNT] = {
    "nothing", "a boolean", "an integer", "a string", "a classification", "a prop value", ""};
static const char *const S_base_many[T_COUNT] = {
    "", "booleans", "integers", "strings", "classifications", "prop values", ""};

static const char *const S_en_kind[] = {"external", "process", "store", NULL};
static const char *const S_en_origin[] = {"in-house", "third-party", "open-source", "unknown",
                                          NULL};
static const char *const S_en_authz[] = {"none", "technical", "end-user", "unknown", NULL};
static const char *const S_en_effect[] = {"allow", "deny", NULL};
static const char *const *const S_en_values[] = {NULL, S_en_kind, S_en_origin, S_en_authz,
                                                 S_en_effect};
static const char *const S_en_name[] = {"", "kind", "origin", "authorization", "effect"};

/* Ranked like tm_class; index 0 (no data) renders as "none". NULL-ended
 * so that S_class_names + 1 is the list of names a literal may use. */
static const char *const S_class_names[] = {"none",         "public",     "internal",
                                            "confidential", "restricted", NULL};

/* ============================================================= subjects */

typedef enum {
    SJ_ELEMENT,
    SJ_FLOW,
    SJ_SOURCE,
    SJ_TARGET,
    SJ_BOUNDARY,
    SJ_IDENTITY,
    SJ_ARTIFACT,
    SJ_MODEL,
    SJ_COUNT
} S_subject;

#define K(x) (1u << (x))
static const struct {
    const char *name;
    uint8_t obj;
    unsigned kinds; /* bit set of tm_applies that see it */
} S_subjects[SJ_COUNT] = {
    {"element", O_ELEMENT, K(TM_APPLIES_ELEMENT)},
    {"flow", O_FLOW, K(TM_APPLIES_FLOW)},
    {"source", O_ELEMENT, K(TM_APPLIES_FLOW)},
    {"target", O_ELEMENT, K(TM_APPLIES_FLOW)},
    {"boundary", O_BOUNDARY, K(TM_APPLIES_BOUNDARY)},
    {"identity", O_IDENTITY, K(TM_APPLIES_IDENTITY)},
    {"artifact", O_ARTIFACT, K(TM_APPLIES_ARTIFACT)},
    {"model", O_MODEL,
     K(TM_APPLIES_ELEMENT) | K(TM_APPLIES_FLOW) | K(TM_APPLIES_BOUNDARY) |
         K(TM_APPLIES_IDENTITY) | K(TM_APPLIES_ARTIFACT) | K(TM_APPLIES_MODEL)},
};
#undef K

static const char *const S_kind_article[] = {"an element", "a flow",      "a boundary",
                                             "an identity", "an artifact", "a model"};

/* =============================================================== fields */

typedef enum {
    F_DYN, /* a key of a props map, looked up by name at run time */
    F_EL_ID, F_EL_NAME, F_EL_TYPE, F_EL_KIND, F_EL_DESCRIPTION, F_EL_ORIGIN, F_EL_OUT_OF_SCOPE,
    F_EL_REASON, F_EL_PROPS, F_EL_BOUNDARY, F_EL_IDENTITY, F_EL_DATA, F_EL_CLASSIFICATION,
    F_EL_LIBRARIES, F_EL_TYPE_KNOWN, F_EL_MANAGED, F_EL_EVENT_SOURCE, F_EL_LABEL, F_EL_IN,
    F_EL_OUT, F_EL_ENTRY_POINTS, F_EL_SHARES_IDENTITY, F_EL_MAX_CLASS,
    F_FL_ID, F_FL_NAME, F_FL_PROTOCOL, F_FL_PORT, F_FL_DESCRIPTION, F_FL_DATA,
    F_FL_CLASSIFICATION, F_FL_AUTHENTICATED, F_FL_ENCRYPTED, F_FL_AUTHORIZATION, F_FL_TRIGGER,
    F_FL_BIDIRECTIONAL, F_FL_CROSSES, F_FL_PROPS, F_FL_FROM, F_FL_TO, F_FL_NUMBER,
    F_BD_ID, F_BD_NAME, F_BD_TYPE, F_BD_DESCRIPTION, F_BD_PARENT, F_BD_DEPTH, F_BD_INBOUND,
    F_BD_OUTBOUND, F_BD_MEMBERS, F_BD_ENTRY_POINTS, F_BD_CHILDREN,
    F_ID_ID, F_ID_NAME, F_ID_TYPE, F_ID_DESCRIPTION, F_ID_STATEMENTS, F_ID_USERS,
    F_ID_WILDCARD_ACTION, F_ID_ADMIN, F_ID_WILDCARD_RESOURCE, F_ID_PUBLIC_PRINCIPAL,
    F_ID_CROSS_ACCOUNT, F_ID_USES_NOT, F_ID_SES_SEND_ANY, F_ID_PRIVESC, F_ID_PRIVESC_ACTIONS,
    F_ID_WILDCARD_ACTIONS, F_ID_WILDCARD_RESOURCE_ACTIONS, F_ID_POLICIES,
    F_ST_SID, F_ST_EFFECT, F_ST_ACTIONS, F_ST_NOT_ACTIONS, F_ST_RESOURCES, F_ST_PRINCIPALS,
    F_ST_CONDITIONS, F_ST_NOT_RESOURCES, F_ST_NOT_PRINCIPALS, F_ST_POLICY,
    F_CO_TEST, F_CO_VARIABLE, F_CO_VALUES,
    F_AR_ID, F_AR_NAME, F_AR_TYPE, F_AR_PATH, F_AR_VERSION, F_AR_ORIGIN, F_AR_OWNER,
    F_AR_DESCRIPTION, F_AR_DEFINES, F_AR_PROPS, F_AR_SCANNED, F_AR_SECRETS, F_AR_UNPINNED,
    F_SE_KIND, F_SE_FILE, F_SE_LINE, F_SE_MASKED,
    F_DA_ID, F_DA_NAME, F_DA_CLASSIFICATION, F_DA_DESCRIPTION,
    F_MO_NAME, F_MO_OWNER, F_MO_VERSION, F_MO_DESCRIPTION, F_MO_ELEMENTS, F_MO_FLOWS,
    F_MO_BOUNDARIES, F_MO_IDENTITIES, F_MO_ARTIFACTS
} S_field;

#define TY_BOOL {T_BOOL, O_NONE, 0, EN_NONE}
#define TY_INT {T_INT, O_NONE, 0, EN_NONE}
#define TY_STR {T_STRING, O_NONE, 0, EN_NONE}
#define TY_ENUM(e) {T_STRING, O_NONE, 0, e}
#define TY_CLASS {T_CLASS, O_NONE, 0, EN_NONE}
#define TY_ANY {T_ANY, O_NONE, 0, EN_NONE}
#define TY_STRS {T_STRING, O_NONE, 1, EN_NONE}
#define TY_OBJ(o) {T_OBJ, o, 0, EN_NONE}
#define TY_OBJS(o) {T_OBJ, o, 1, EN_NONE}

static const struct {
    uint8_t owner; /* S_okind */
    const char *name;
    uint16_t id; /* S_field */
    S_type type;
} S_fields[] = {
    {O_ELEMENT, "id", F_EL_ID, TY_STR},
    {O_ELEMENT, "name", F_EL_NAME, TY_STR},
    {O_ELEMENT, "type", F_EL_TYPE, TY_STR},
    {O_ELEMENT, "kind", F_EL_KIND, TY_ENUM(EN_KIND)},
    {O_ELEMENT, "description", F_EL_DESCRIPTION, TY_STR},
    {O_ELEMENT, "origin", F_EL_ORIGIN, TY_ENUM(EN_ORIGIN)},
    {O_ELEMENT, "out_of_scope", F_EL_OUT_OF_SCOPE, TY_BOOL},
    {O_ELEMENT, "reason", F_EL_REASON, TY_STR},
    {O_ELEMENT, "props", F_EL_PROPS, TY_ANY},
    {O_ELEMENT, "boundary", F_EL_BOUNDARY, TY_OBJ(O_BOUNDARY)},
    {O_ELEMENT, "identity", F_EL_IDENTITY, TY_OBJ(O_IDENTITY)},
    {O_ELEMENT, "data", F_EL_DATA, TY_OBJS(O_DATA)},
    {O_ELEMENT, "classification", F_EL_CLASSIFICATION, TY_CLASS},
    {O_ELEMENT, "libraries", F_EL_LIBRARIES, TY_STRS},
    {O_ELEMENT, "type_known", F_EL_TYPE_KNOWN, TY_BOOL},
    {O_ELEMENT, "managed", F_EL_MANAGED, TY_BOOL},
    {O_ELEMENT, "event_source", F_EL_EVENT_SOURCE, TY_BOOL},
    {O_ELEMENT, "label", F_EL_LABEL, TY_STR},
    {O_ELEMENT, "in", F_EL_IN, TY_OBJS(O_FLOW)},
    {O_ELEMENT, "out", F_EL_OUT, TY_OBJS(O_FLOW)},
    {O_ELEMENT, "entry_points", F_EL_ENTRY_POINTS, TY_STRS},
    {O_ELEMENT, "shares_identity", F_EL_SHARES_IDENTITY, TY_BOOL},
    {O_ELEMENT, "max_class", F_EL_MAX_CLASS, TY_CLASS},

    {O_FLOW, "id", F_FL_ID, TY_STR},
    {O_FLOW, "name", F_FL_NAME, TY_STR},
    {O_FLOW, "protocol", F_FL_PROTOCOL, TY_STR},
    {O_FLOW, "port", F_FL_PORT, TY_INT},
    {O_FLOW, "description", F_FL_DESCRIPTION, TY_STR},
    {O_FLOW, "data", F_FL_DATA, TY_OBJS(O_DATA)},
    {O_FLOW, "classification", F_FL_CLASSIFICATION, TY_CLASS},
    {O_FLOW, "authenticated", F_FL_AUTHENTICATED, TY_BOOL},
    {O_FLOW, "encrypted", F_FL_ENCRYPTED, TY_BOOL},
    {O_FLOW, "authorization", F_FL_AUTHORIZATION, TY_ENUM(EN_AUTHZ)},
    {O_FLOW, "trigger", F_FL_TRIGGER, TY_BOOL},
    {O_FLOW, "bidirectional", F_FL_BIDIRECTIONAL, TY_BOOL},
    {O_FLOW, "crosses", F_FL_CROSSES, TY_STRS},
    {O_FLOW, "props", F_FL_PROPS, TY_ANY},
    {O_FLOW, "from", F_FL_FROM, TY_OBJ(O_ELEMENT)},
    {O_FLOW, "to", F_FL_TO, TY_OBJ(O_ELEMENT)},
    {O_FLOW, "number", F_FL_NUMBER, TY_INT},

    {O_BOUNDARY, "id", F_BD_ID, TY_STR},
    {O_BOUNDARY, "name", F_BD_NAME, TY_STR},
    {O_BOUNDARY, "type", F_BD_TYPE, TY_STR},
    {O_BOUNDARY, "description", F_BD_DESCRIPTION, TY_STR},
    {O_BOUNDARY, "parent", F_BD_PARENT, TY_OBJ(O_BOUNDARY)},
    {O_BOUNDARY, "depth", F_BD_DEPTH, TY_INT},
    {O_BOUNDARY, "inbound", F_BD_INBOUND, TY_OBJS(O_FLOW)},
    {O_BOUNDARY, "outbound", F_BD_OUTBOUND, TY_OBJS(O_FLOW)},
    {O_BOUNDARY, "members", F_BD_MEMBERS, TY_OBJS(O_ELEMENT)},
    {O_BOUNDARY, "entry_points", F_BD_ENTRY_POINTS, TY_OBJS(O_ELEMENT)},
    {O_BOUNDARY, "children", F_BD_CHILDREN, TY_OBJS(O_BOUNDARY)},

    {O_IDENTITY, "id", F_ID_ID, TY_STR},
    {O_IDENTITY, "name", F_ID_NAME, TY_STR},
    {O_IDENTITY, "type", F_ID_TYPE, TY_STR},
    {O_IDENTITY, "description", F_ID_DESCRIPTION, TY_STR},
    {O_IDENTITY, "statements", F_ID_STATEMENTS, TY_OBJS(O_STATEMENT)},
    {O_IDENTITY, "users", F_ID_USERS, TY_OBJS(O_ELEMENT)},
    {O_IDENTITY, "wildcard_action", F_ID_WILDCARD_ACTION, TY_BOOL},
    {O_IDENTITY, "admin", F_ID_ADMIN, TY_BOOL},
    {O_IDENTITY, "wildcard_resource", F_ID_WILDCARD_RESOURCE, TY_BOOL},
    {O_IDENTITY, "public_principal", F_ID_PUBLIC_PRINCIPAL, TY_BOOL},
    {O_IDENTITY, "cross_account", F_ID_CROSS_ACCOUNT, TY_BOOL},
    {O_IDENTITY, "uses_not", F_ID_USES_NOT, TY_BOOL},
    {O_IDENTITY, "ses_send_any", F_ID_SES_SEND_ANY, TY_BOOL},
    {O_IDENTITY, "privesc", F_ID_PRIVESC, TY_BOOL},
    {O_IDENTITY, "privesc_actions", F_ID_PRIVESC_ACTIONS, TY_STRS},
    {O_IDENTITY, "wildcard_actions", F_ID_WILDCARD_ACTIONS, TY_STRS},
    {O_IDENTITY, "wildcard_resource_actions", F_ID_WILDCARD_RESOURCE_ACTIONS, TY_STRS},
    {O_IDENTITY, "policies", F_ID_POLICIES, TY_STRS},

    {O_STATEMENT, "sid", F_ST_SID, TY_STR},
    {O_STATEMENT, "effect", F_ST_EFFECT, TY_ENUM(EN_EFFECT)},
    {O_STATEMENT, "actions", F_ST_ACTIONS, TY_STRS},
    {O_STATEMENT, "not_actions", F_ST_NOT_ACTIONS, TY_STRS},
    {O_STATEMENT, "resources", F_ST_RESOURCES, TY_STRS},
    {O_STATEMENT, "principals", F_ST_PRINCIPALS, TY_STRS},
    {O_STATEMENT, "conditions", F_ST_CONDITIONS, TY_OBJS(O_CONDITION)},
    {O_STATEMENT, "not_resources", F_ST_NOT_RESOURCES, TY_STRS},
    {O_STATEMENT, "not_principals", F_ST_NOT_PRINCIPALS, TY_STRS},
    {O_STATEMENT, "policy", F_ST_POLICY, TY_STR},

    {O_CONDITION, "test", F_CO_TEST, TY_STR},
    {O_CONDITION, "variable", F_CO_VARIABLE, TY_STR},
    {O_CONDITION, "values", F_CO_VALUES, TY_STRS},

    {O_ARTIFACT, "id", F_AR_ID, TY_STR},
    {O_ARTIFACT, "name", F_AR_NAME, TY_STR},
    {O_ARTIFACT, "type", F_AR_TYPE, TY_STR},
    {O_ARTIFACT, "path", F_AR_PATH, TY_STR},
    {O_ARTIFACT, "version", F_AR_VERSION, TY_STR},
    {O_ARTIFACT, "origin", F_AR_ORIGIN, TY_ENUM(EN_ORIGIN)},
    {O_ARTIFACT, "owner", F_AR_OWNER, TY_STR},
    {O_ARTIFACT, "description", F_AR_DESCRIPTION, TY_STR},
    {O_ARTIFACT, "defines", F_AR_DEFINES, TY_STRS},
    {O_ARTIFACT, "props", F_AR_PROPS, TY_ANY},
    {O_ARTIFACT, "scanned", F_AR_SCANNED, TY_BOOL},
    {O_ARTIFACT, "secrets", F_AR_SECRETS, TY_OBJS(O_SECRET)},
    {O_ARTIFACT, "unpinned", F_AR_UNPINNED, TY_STRS},

    {O_SECRET, "kind", F_SE_KIND, TY_STR},
    {O_SECRET, "file", F_SE_FILE, TY_STR},
    {O_SECRET, "line", F_SE_LINE, TY_INT},
    {O_SECRET, "masked", F_SE_MASKED, TY_STR},

    {O_DATA, "id", F_DA_ID, TY_STR},
    {O_DATA, "name", F_DA_NAME, TY_STR},
    {O_DATA, "classification", F_DA_CLASSIFICATION, TY_CLASS},
    {O_DATA, "description", F_DA_DESCRIPTION, TY_STR},

    {O_MODEL, "name", F_MO_NAME, TY_STR},
    {O_MODEL, "owner", F_MO_OWNER, TY_STR},
    {O_MODEL, "version", F_MO_VERSION, TY_STR},
    {O_MODEL, "description", F_MO_DESCRIPTION, TY_STR},
    {O_MODEL, "elements", F_MO_ELEMENTS, TY_OBJS(O_ELEMENT)},
    {O_MODEL, "flows", F_MO_FLOWS, TY_OBJS(O_FLOW)},
    {O_MODEL, "boundaries", F_MO_BOUNDARIES, TY_OBJS(O_BOUNDARY)},
    {O_MODEL, "identities", F_MO_IDENTITIES, TY_OBJS(O_IDENTITY)},
    {O_MODEL, "artifacts", F_MO_ARTIFACTS, TY_OBJS(O_ARTIFACT)},
};
#define S_N_FIELDS (sizeof S_fields / sizeof S_fields[0])

/* ============================================================ functions */

typedef enum { FN_HAS, FN_ANY, FN_ALL, FN_COUNT, FN_MATCHES, FN_COUNT_ } S_fn;
static const char *const S_fn_names[FN_COUNT_] = {"has", "any", "all", "count", "matches"};
static const unsigned S_fn_arity[FN_COUNT_] = {1, 2, 2, 1, 2};

/* ================================================================= tree */

typedef enum {
    N_BOOL,
    N_INT,
    N_STRING,
    N_CLASS, /* a string literal the checker proved to be a classification name */
    N_LIST,  /* list literal; kids are literals */
    N_SUBJECT,
    N_IT,
    N_FIELD, /* kids[0].name */
    N_NOT,
    N_AND, /* n-ary */
    N_OR,  /* n-ary */
    N_CMP,
    N_IN,
    N_CALL
} S_op;

typedef enum { C_EQ, C_NE, C_LT, C_LE, C_GT, C_GE } S_cmp;
static const char *const S_cmp_text[] = {"==", "!=", "<", "<=", ">", ">="};

typedef struct S_node S_node;
struct S_node {
    uint8_t op;       /* S_op */
    uint8_t sub;      /* N_CMP: S_cmp; N_CALL: S_fn; N_SUBJECT: S_subject */
    uint8_t maxclass; /* N_FIELD: `classification` of a list of data */
    uint16_t field;   /* N_FIELD: S_field */
    S_type type;      /* set by the checker */
    uint32_t pos;     /* offset of the node's own token (operator, field name, ...) */
    uint32_t start;   /* offset of the node's first token */
    const char *name; /* subject, field or function as written; string literal value */
    long long ival;   /* N_INT, N_BOOL, N_CLASS */
    S_node **kids;
    size_t n, cap;
};

struct tm_expr {
    S_node *root;
};

/* ============================================================ tokenizer */

typedef enum {
    TK_EOF,
    TK_IDENT,
    TK_STRING,
    TK_INT,
    TK_TRUE,
    TK_FALSE,
    TK_IN,
    TK_LPAREN,
    TK_RPAREN,
    TK_LBRACK,
    TK_RBRACK,
    TK_COMMA,
    TK_DOT,
    TK_EQ,
    TK_NE,
    TK_LT,
    TK_LE,
    TK_GT,
    TK_GE,
    TK_AND,
    TK_OR,
    TK_NOT
} S_tk;

typedef struct {
    S_tk type;
    size_t start, end; /* byte offsets in the text */
    const char *str;   /* TK_STRING: unescaped value; TK_IDENT: the name (arena) */
    long long ival;
} S_token;

typedef struct {
    tm_arena *arena;
    const char *text; /* the whole text: offsets and positions refer to it */
    size_t end;       /* tokens stop here */
    size_t at;        /* tokenizer position */
    S_token tok;      /* current token */
    const tm_expr_origin *origin;
    tm_diags *d;
    tm_applies kind;
    int depth;       /* parser nesting (TM_EXPR_MAX_DEPTH) */
    int quant_depth; /* checker: any()/all() nesting (TM_EXPR_MAX_QUANT_DEPTH) */
    int failed;
} S_parser;

/* Map a byte offset to the file position through the origin. */
static void S_position(const S_parser *p, size_t off, uint32_t *line, uint32_t *col)
{
    size_t line_start = 0;
    uint32_t newlines = 0;
    for (size_t i = 0; i < off && p->text[i]; i++) {
        if (p->text[i] == '\n') {
            newlines++;
            line_start = i + 1;
        }
    }
    uint32_t cps = (uint32_t)tm_utf8_len(p->text + line_start, off - line_start);
    uint32_t o_line = p->origin && p->origin->line ? p->origin->line : 1;
    uint32_t o_col = p->origin && p->origin->col ? p->origin->col : 1;
    uint32_t o_indent = p->origin ? p->origin->indent : 0;
    *line = o_line + newlines;
    *col = newlines == 0 ? o_col + cps : o_indent + cps + 1;
}

/* Report the first error only: later ones are consequences of it. */
static void S_error(S_parser *p, size_t off, const char *fmt, ...) TM_PRINTF(3, 4);
static void S_error(S_parser *p, size_t off, const char *fmt, ...)
{
    if (p->failed)
        return;
    p->failed = 1;
    if (!p->d)
        return; /* tm_expr_expand: reported by tm_expr_check_template at load */
    uint32_t line, col;
    S_position(p, off, &line, &col);
    va_list ap;
    va_start(ap, fmt);
    tm_diag_vadd(p->d, TM_DIAG_ERROR, "rule-condition", p->origin ? p->origin->file : NULL, line,
                 col, fmt, ap);
    va_end(ap);
}

static int S_is_ident_start(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

/* '-' may continue a name (prop keys such as `block-public-access`): the
 * language has no subtraction, so `a-b` cannot mean anything else. */
static int S_is_ident_char(char c)
{
    return S_is_ident_start(c) || (c >= '0' && c <= '9') || c == '-';
}

static int S_is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static void S_lex_string(S_parser *p, size_t start)
{
    tm_buf b;
    tm_buf_init(&b, 0);
    size_t i = start + 1;
    for (;;) {
        if (i >= p->end || p->text[i] == '\n' || p->text[i] == '\0') {
            S_error(p, start, "unterminated string");
            break;
        }
        char c = p->text[i];
        if (c == '"') {
            i++;
            break;
        }
        if (c == '\\') {
            char e = i + 1 < p->end ? p->text[i + 1] : '\0';
            if (e != '"' && e != '\\') {
                if (e == '\0' || e == '\n')
                    S_error(p, i, "unterminated string");
                else
                    S_error(p, i, "invalid escape '\\%c' in a string (only \\\" and \\\\ are allowed)",
                            e);
                break;
            }
            tm_buf_putc(&b, e);
            i += 2;
            continue;
        }
        tm_buf_putc(&b, c);
        i++;
    }
    p->tok.type = TK_STRING;
    p->tok.end = i;
    p->tok.str = tm_arena_strndup(p->arena, b.data ? b.data : "", b.len);
    tm_buf_free(&b);
    p->at = i;
}

static void S_lex_int(S_parser *p, size_t start)
{
    size_t i = start;
    int neg = 0;
    if (p->text[i] == '-') {
        neg = 1;
        i++;
    }
    unsigned long long v = 0;
    int overflow = 0;
    while (i < p->end && S_is_digit(p->text[i])) {
        unsigned d = (unsigned)(p->text[i] - '0');
        if (v > ((unsigned long long)LLONG_MAX - d) / 10)
            overflow = 1;
        else
            v = v * 10 + d;
        i++;
    }
    if (overflow)
        S_error(p, start, "integer literal out of range");
    else if (i < p->end && S_is_ident_char(p->text[i]))
        S_error(p, i, "unexpected '%c' in a number", p->text[i]);
    p->tok.type = TK_INT;
    p->tok.ival = neg ? -(long long)v : (long long)v;
    p->tok.end = i;
    p->at = i;
}

/* Advance to the next token. On a lexical error, reports it and yields TK_EOF. */
static void S_next(S_parser *p)
{
    size_t i = p->at;
    while (i < p->end && (p->text[i] == ' ' || p->text[i] == '\t' || p->text[i] == '\n' ||
                          p->text[i] == '\r'))
        i++;
    memset(&p->tok, 0, sizeof p->tok);
    p->tok.start = i;
    p->tok.end = i;
    p->at = i;
    if (i >= p->end || p->text[i] == '\0' || p->failed) {
        p->tok.type = TK_EOF;
        return;
    }
    char c = p->text[i], c2 = i + 1 < p->end ? p->text[i + 1] : '\0';
    if (S_is_ident_start(c)) {
        size_t j = i;
        while (j < p->end && S_is_ident_char(p->text[j]))
            j++;
        size_t len = j - i;
        p->tok.end = p->at = j;
        p->tok.type = TK_IDENT;
        if (len == 4 && memcmp(p->text + i, "true", 4) == 0)
            p->tok.type = TK_TRUE;
        else if (len == 5 && memcmp(p->text + i, "false", 5) == 0)
            p->tok.type = TK_FALSE;
        else if (len == 2 && memcmp(p->text + i, "in", 2) == 0)
            p->tok.type = TK_IN;
        p->tok.str = tm_arena_strndup(p->arena, p->text + i, len);
        return;
    }
    if (S_is_digit(c) || (c == '-' && S_is_digit(c2))) {
        S_lex_int(p, i);
        return;
    }
    if (c == '"') {
        S_lex_string(p, i);
        if (p->failed)
            p->tok.type = TK_EOF;
        return;
    }
    S_tk t;
    size_t len = 1;
    switch (c) {
    case '(': t = TK_LPAREN; break;
    case ')': t = TK_RPAREN; break;
    case '[': t = TK_LBRACK; break;
    case ']': t = TK_RBRACK; break;
    case ',': t = TK_COMMA; break;
    case '.': t = TK_DOT; break;
    case '<':
        t = c2 == '=' ? TK_LE : TK_LT;
        len = c2 == '=' ? 2 : 1;
        break;
    case '>':
        t = c2 == '=' ? TK_GE : TK_GT;
        len = c2 == '=' ? 2 : 1;
        break;
    case '!':
        t = c2 == '=' ? TK_NE : TK_NOT;
        len = c2 == '=' ? 2 : 1;
        break;
    case '=':
        if (c2 != '=') {
            S_error(p, i, "unexpected '=' (did you mean '=='?)");
            p->tok.type = TK_EOF;
            return;
        }
        t = TK_EQ;
        len = 2;
        break;
    case '&':
    case '|':
        if (c2 != c) {
            S_error(p, i, "unexpected '%c' (did you mean '%c%c'?)", c, c, c);
            p->tok.type = TK_EOF;
            return;
        }
        t = c == '&' ? TK_AND : TK_OR;
        len = 2;
        break;
    default:
        if ((unsigned char)c >= 0x80 || (unsigned char)c < 0x20)
            S_error(p, i, "unexpected character (byte 0x%02x)", (unsigned)(unsigned char)c);
        else
            S_error(p, i, "unexpected character '%c'", c);
        p->tok.type = TK_EOF;
        return;
    }
    p->tok.type = t;
    p->tok.end = p->at = i + len;
}

/* The current token as a message fragment: 'x', a string, the end. */
static const char *S_tok_desc(S_parser *p)
{
    switch (p->tok.type) {
    case TK_EOF:
        return "the end of the expression";
    case TK_STRING:
        return "a string";
    default:
        return tm_arena_printf(p->arena, "'%.*s'", (int)(p->tok.end - p->tok.start),
                               p->text + p->tok.start);
    }
}

/* =============================================================== parser */

static S_node *S_new(S_parser *p, S_op op, size_t pos, size_t start)
{
    S_node *n = tm_arena_alloc(p->arena, sizeof *n);
    n->op = (uint8_t)op;
    n->pos = (uint32_t)pos;
    n->start = (uint32_t)start;
    return n;
}

static void S_add_kid(S_parser *p, S_node *n, S_node *kid)
{
    if (n->n == n->cap) {
        size_t cap = n->cap ? n->cap * 2 : 2;
        S_node **kids = tm_arena_array(p->arena, cap, sizeof *kids);
        if (n->n)
            memcpy(kids, n->kids, n->n * sizeof *kids);
        n->kids = kids;
        n->cap = cap;
    }
    n->kids[n->n++] = kid;
}

static int S_enter(S_parser *p)
{
    if (++p->depth > TM_EXPR_MAX_DEPTH) {
        S_error(p, p->tok.start, "expression nested too deeply (more than %d levels)",
                TM_EXPR_MAX_DEPTH);
        return -1;
    }
    return 0;
}

static int S_expect(S_parser *p, S_tk t, const char *what, const char *context)
{
    if (p->failed)
        return -1;
    if (p->tok.type != t) {
        S_error(p, p->tok.start, "expected %s%s but found %s", what, context, S_tok_desc(p));
        return -1;
    }
    S_next(p);
    return p->failed ? -1 : 0;
}

static S_node *S_parse_or(S_parser *p);

static int S_fn_lookup(const char *name)
{
    for (int i = 0; i < FN_COUNT_; i++)
        if (strcmp(name, S_fn_names[i]) == 0)
            return i;
    return -1;
}

static S_node *S_parse_call(S_parser *p, const S_token *name)
{
    S_node *n = S_new(p, N_CALL, name->start, name->start);
    n->name = name->str;
    S_next(p); /* '(' */
    const char *ctx = tm_arena_printf(p->arena, " in the arguments of %s()", name->str);
    if (p->tok.type != TK_RPAREN) {
        for (;;) {
            S_node *arg = S_parse_or(p);
            if (!arg)
                return NULL;
            S_add_kid(p, n, arg);
            if (p->tok.type != TK_COMMA)
                break;
            S_next(p);
        }
    }
    if (S_expect(p, TK_RPAREN, "',' or ')'", ctx) < 0)
        return NULL;
    return n;
}

static S_node *S_parse_primary(S_parser *p)
{
    if (p->failed)
        return NULL;
    S_token t = p->tok;
    S_node *n;
    switch (t.type) {
    case TK_STRING:
        n = S_new(p, N_STRING, t.start, t.start);
        n->name = t.str;
        S_next(p);
        return p->failed ? NULL : n;
    case TK_INT:
        n = S_new(p, N_INT, t.start, t.start);
        n->ival = t.ival;
        S_next(p);
        return p->failed ? NULL : n;
    case TK_TRUE:
    case TK_FALSE:
        n = S_new(p, N_BOOL, t.start, t.start);
        n->ival = t.type == TK_TRUE;
        S_next(p);
        return p->failed ? NULL : n;
    case TK_LBRACK:
        n = S_new(p, N_LIST, t.start, t.start);
        S_next(p);
        if (p->tok.type != TK_RBRACK) {
            for (;;) {
                S_node *item = S_parse_or(p);
                if (!item)
                    return NULL;
                S_add_kid(p, n, item);
                if (p->tok.type != TK_COMMA)
                    break;
                S_next(p);
            }
        }
        if (S_expect(p, TK_RBRACK, "',' or ']'", " in a list") < 0)
            return NULL;
        return n;
    case TK_LPAREN:
        S_next(p);
        n = S_parse_or(p);
        if (!n)
            return NULL;
        if (S_expect(p, TK_RPAREN, "')'", "") < 0)
            return NULL;
        return n;
    case TK_IDENT:
        S_next(p);
        if (p->failed)
            return NULL;
        if (p->tok.type == TK_LPAREN)
            return S_parse_call(p, &t);
        if (S_fn_lookup(t.str) >= 0) {
            S_error(p, p->tok.start, "expected '(' after '%s'", t.str);
            return NULL;
        }
        if (strcmp(t.str, "null") == 0 || strcmp(t.str, "none") == 0) {
            S_error(p, t.start, "there is no '%s' literal: use has(path) or !has(path)", t.str);
            return NULL;
        }
        n = S_new(p, strcmp(t.str, "it") == 0 ? N_IT : N_SUBJECT, t.start, t.start);
        n->name = t.str;
        return n;
    default:
        S_error(p, t.start, "expected a value but found %s", S_tok_desc(p));
        return NULL;
    }
}

static S_node *S_parse_postfix(S_parser *p)
{
    S_node *n = S_parse_primary(p);
    int saved = p->depth;
    while (n && p->tok.type == TK_DOT) {
        if (S_enter(p) < 0)
            return NULL;
        S_next(p);
        S_token t = p->tok;
        if (t.type != TK_IDENT && t.type != TK_IN && t.type != TK_TRUE && t.type != TK_FALSE) {
            S_error(p, t.start, "expected a field name after '.' but found %s", S_tok_desc(p));
            return NULL;
        }
        S_node *f = S_new(p, N_FIELD, t.start, n->start);
        f->name = t.str;
        S_add_kid(p, f, n);
        n = f;
        S_next(p);
    }
    p->depth = saved;
    return p->failed ? NULL : n;
}

static S_node *S_parse_unary(S_parser *p)
{
    if (p->tok.type != TK_NOT)
        return S_parse_postfix(p);
    S_token t = p->tok;
    if (S_enter(p) < 0)
        return NULL;
    S_next(p);
    S_node *kid = S_parse_unary(p);
    p->depth--;
    if (!kid)
        return NULL;
    S_node *n = S_new(p, N_NOT, t.start, t.start);
    S_add_kid(p, n, kid);
    return n;
}

static int S_cmp_of(S_tk t)
{
    switch (t) {
    case TK_EQ: return C_EQ;
    case TK_NE: return C_NE;
    case TK_LT: return C_LT;
    case TK_LE: return C_LE;
    case TK_GT: return C_GT;
    case TK_GE: return C_GE;
    default: return -1;
    }
}

/* comparison := unary [ (== != < <= > >= in) unary ]; comparisons do not
 * chain, since `a < b < c` never means what it seems to. */
static S_node *S_parse_cmp(S_parser *p)
{
    S_node *l = S_parse_unary(p);
    if (!l)
        return NULL;
    int c = S_cmp_of(p->tok.type);
    if (c < 0 && p->tok.type != TK_IN)
        return l;
    S_node *n = S_new(p, c < 0 ? N_IN : N_CMP, p->tok.start, l->start);
    n->sub = (uint8_t)(c < 0 ? 0 : c);
    S_next(p);
    S_node *r = S_parse_unary(p);
    if (!r)
        return NULL;
    S_add_kid(p, n, l);
    S_add_kid(p, n, r);
    if (S_cmp_of(p->tok.type) >= 0 || p->tok.type == TK_IN) {
        S_error(p, p->tok.start, "comparisons do not chain: join them with '&&'");
        return NULL;
    }
    return n;
}

static S_node *S_parse_and(S_parser *p)
{
    S_node *l = S_parse_cmp(p);
    if (!l || p->tok.type != TK_AND)
        return l;
    S_node *n = S_new(p, N_AND, p->tok.start, l->start);
    S_add_kid(p, n, l);
    while (p->tok.type == TK_AND) {
        S_next(p);
        S_node *r = S_parse_cmp(p);
        if (!r)
            return NULL;
        S_add_kid(p, n, r);
    }
    return n;
}

static S_node *S_parse_or(S_parser *p)
{
    if (S_enter(p) < 0)
        return NULL;
    S_node *l = S_parse_and(p), *n = l;
    if (l && p->tok.type == TK_OR) {
        n = S_new(p, N_OR, p->tok.start, l->start);
        S_add_kid(p, n, l);
        while (n && p->tok.type == TK_OR) {
            S_next(p);
            S_node *r = S_parse_and(p);
            if (!r)
                n = NULL;
            else
                S_add_kid(p, n, r);
        }
    }
    p->depth--;
    return p->failed ? NULL : n;
}

/* ============================================================== checker */

static const char *S_type_desc(S_parser *p, S_type t)
{
    if (!t.list)
        return t.base == T_OBJ ? S_obj_one[t.obj] : S_base_one[t.base];
    if (t.base == T_NONE)
        return "an empty list";
    return tm_arena_printf(p->arena, "a list of %s",
                           t.base == T_OBJ ? S_obj_many[t.obj] : S_base_many[t.base]);
}

static S_type S_ty(S_base base, S_okind obj, int list)
{
    S_type t = {(uint8_t)base, (uint8_t)obj, (uint8_t)list, EN_NONE};
    return t;
}

static S_type S_item_type(S_type t)
{
    t.list = 0;
    return t;
}

/* Objects with an id stand for that id in string context. */
static int S_obj_has_id(unsigned o)
{
    return o == O_ELEMENT || o == O_FLOW || o == O_BOUNDARY || o == O_IDENTITY ||
           o == O_ARTIFACT || o == O_DATA;
}

/* "a, b or c" for messages. */
static const char *S_join_or(S_parser *p, const char *const *vals)
{
    tm_buf b;
    tm_buf_init(&b, 0);
    size_t n = 0;
    while (vals[n])
        n++;
    for (size_t i = 0; i < n; i++) {
        if (i)
            tm_buf_puts(&b, i + 1 == n ? " or " : ", ");
        tm_buf_puts(&b, vals[i]);
    }
    const char *s = tm_arena_strdup(p->arena, b.data ? b.data : "");
    tm_buf_free(&b);
    return s;
}

static const char *S_hint(S_parser *p, const char *word, const char *const *cands, size_t n)
{
    const char *m = tm_did_you_mean(word, cands, n);
    return m ? tm_arena_printf(p->arena, " (did you mean '%s'?)", m) : "";
}

/* A string literal compared with a classification: must be a class name. */
static int S_to_class(S_parser *p, S_node *lit)
{
    for (int c = TM_CLASS_PUBLIC; c <= TM_CLASS_RESTRICTED; c++) {
        if (strcmp(lit->name, S_class_names[c]) == 0) {
            lit->op = N_CLASS;
            lit->ival = c;
            lit->type = S_ty(T_CLASS, O_NONE, 0);
            return 0;
        }
    }
    S_error(p, lit->pos, "'%s' is not a classification: expected %s%s", lit->name,
            S_join_or(p, S_class_names + 1), S_hint(p, lit->name, S_class_names + 1, 4));
    return -1;
}

static int S_check_enum(S_parser *p, const S_node *lit, unsigned en)
{
    const char *const *vals = S_en_values[en];
    size_t n = 0;
    for (; vals[n]; n++)
        if (strcmp(lit->name, vals[n]) == 0)
            return 0;
    S_error(p, lit->pos, "'%s' is never a value of %s: expected %s%s", lit->name, S_en_name[en],
            S_join_or(p, vals), S_hint(p, lit->name, vals, n));
    return -1;
}

/* Whether values of types lt and rt may be compared with == and !=
 * (and `in`, item by item). ln and rn are the operand nodes when they are
 * the values themselves (not list items): a string literal facing a
 * classification is converted to N_CLASS, one facing an enumerated field
 * is validated. Reports at `pos` and returns -1 when not comparable. */
static int S_compat_eq(S_parser *p, S_node *ln, S_type lt, S_node *rn, S_type rt, size_t pos)
{
    const S_type lt0 = lt, rt0 = rt; /* for messages, in the order written */
    if (lt.list || rt.list) {
        S_error(p, pos, "cannot compare %s with %s%s", S_type_desc(p, lt), S_type_desc(p, rt),
                lt.list != rt.list ? " (use 'in' for membership)" : "");
        return -1;
    }
    if (lt.base == T_NONE || rt.base == T_NONE)
        return 0;
    /* Make the classification (or the object) the left one. */
    if (rt.base == T_CLASS || (rt.base == T_OBJ && lt.base != T_OBJ)) {
        S_node *tn = ln;
        ln = rn;
        rn = tn;
        S_type tt = lt;
        lt = rt;
        rt = tt;
    }
    if (lt.base == T_ANY || rt.base == T_ANY)
        return 0;
    if (lt.base == T_CLASS) {
        if (rt.base == T_CLASS)
            return 0;
        if (rt.base == T_STRING && rn && rn->op == N_STRING)
            return S_to_class(p, rn);
        if (rt.base == T_STRING) {
            S_error(p, pos,
                    "a classification compares only with a classification or a classification "
                    "name such as \"confidential\"");
            return -1;
        }
    } else if (lt.base == T_STRING && rt.base == T_STRING) {
        if (lt.en && rn && rn->op == N_STRING)
            return S_check_enum(p, rn, lt.en);
        if (rt.en && ln && ln->op == N_STRING)
            return S_check_enum(p, ln, rt.en);
        return 0;
    } else if (lt.base == T_OBJ) {
        if (rt.base == T_OBJ && rt.obj == lt.obj)
            return 0;
        if (rt.base == T_STRING && S_obj_has_id(lt.obj))
            return 0;
    } else if (lt.base == rt.base) {
        return 0;
    }
    S_error(p, pos, "cannot compare %s with %s", S_type_desc(p, lt0), S_type_desc(p, rt0));
    return -1;
}

/* Ordering: integers and classifications (a class against a class name). */
static int S_compat_order(S_parser *p, S_node *n, S_node *ln, S_node *rn)
{
    S_type lt = ln->type, rt = rn->type;
    const char *op = S_cmp_text[n->sub];
    if (!lt.list && !rt.list) {
        int l_num = lt.base == T_INT || lt.base == T_ANY;
        int r_num = rt.base == T_INT || rt.base == T_ANY;
        if (l_num && r_num)
            return 0;
        if (lt.base == T_CLASS || rt.base == T_CLASS) {
            S_node *other = lt.base == T_CLASS ? rn : ln;
            if (other->type.base == T_CLASS || other->type.base == T_ANY)
                return 0;
            if (other->op == N_STRING)
                return S_to_class(p, other);
        }
        if (lt.base == T_STRING && rt.base == T_STRING) {
            S_error(p, n->pos,
                    "cannot order strings with '%s' (only integers and classifications are "
                    "ordered)",
                    op);
            return -1;
        }
        if (lt.base == T_BOOL && rt.base == T_BOOL) {
            S_error(p, n->pos, "cannot order booleans with '%s'", op);
            return -1;
        }
    }
    S_error(p, n->pos, "cannot compare %s with %s using '%s'", S_type_desc(p, lt),
            S_type_desc(p, rt), op);
    return -1;
}

static int S_check(S_parser *p, S_node *n, const S_type *it);

/* A condition: a boolean, or a prop (true only when it is the boolean true). */
static int S_check_cond(S_parser *p, S_node *n, const S_type *it)
{
    if (S_check(p, n, it) < 0)
        return -1;
    if (!n->type.list && (n->type.base == T_BOOL || n->type.base == T_ANY))
        return 0;
    S_error(p, n->start, "%s is not a condition%s", S_type_desc(p, n->type),
            n->type.list ? " (use any(), all(), count() or 'in')"
            : n->type.base == T_OBJ && n->op != N_SUBJECT ? " (use has() to test that it is set)"
                                                           : "");
    return -1;
}

static int S_is_path(const S_node *n)
{
    while (n->op == N_FIELD)
        n = n->kids[0];
    return n->op == N_SUBJECT || n->op == N_IT;
}

static int S_check_subject(S_parser *p, S_node *n)
{
    const char *names[SJ_COUNT];
    for (int i = 0; i < SJ_COUNT; i++) {
        names[i] = S_subjects[i].name;
        if (strcmp(n->name, names[i]) != 0)
            continue;
        if (!(S_subjects[i].kinds & (1u << p->kind))) {
            S_error(p, n->pos, "'%s' is not available in %s rule", n->name,
                    S_kind_article[p->kind]);
            return -1;
        }
        n->sub = (uint8_t)i;
        n->type = S_ty(T_OBJ, (S_okind)S_subjects[i].obj, 0);
        return 0;
    }
    S_error(p, n->pos, "unknown subject '%s'%s", n->name, S_hint(p, n->name, names, SJ_COUNT));
    return -1;
}

static int S_check_field(S_parser *p, S_node *n, const S_type *it)
{
    S_node *obj = n->kids[0];
    if (S_check(p, obj, it) < 0)
        return -1;
    S_type ot = obj->type;
    if (ot.base == T_ANY) {
        /* A key inside a props map (or a list of them): dynamic. */
        n->field = F_DYN;
        n->type = S_ty(T_ANY, O_NONE, ot.list);
        return 0;
    }
    if (ot.base != T_OBJ) {
        S_error(p, n->pos, "%s has no field '%s'", S_type_desc(p, ot), n->name);
        return -1;
    }
    const char *cands[S_N_FIELDS];
    size_t nc = 0;
    for (size_t i = 0; i < S_N_FIELDS; i++) {
        if (S_fields[i].owner != ot.obj)
            continue;
        cands[nc++] = S_fields[i].name;
        if (strcmp(S_fields[i].name, n->name) != 0)
            continue;
        n->field = S_fields[i].id;
        n->type = S_fields[i].type;
        if (ot.list) {
            if (n->field == F_DA_CLASSIFICATION)
                n->maxclass = 1; /* the highest classification of the list */
            else
                n->type.list = 1; /* projection, flattened */
        }
        return 0;
    }
    S_error(p, n->pos, "unknown field '%s' of %s%s", n->name, S_obj_name[ot.obj],
            S_hint(p, n->name, cands, nc));
    return -1;
}

static int S_check_list(S_parser *p, S_node *n)
{
    S_type t = S_ty(T_NONE, O_NONE, 1);
    for (size_t i = 0; i < n->n; i++) {
        S_node *k = n->kids[i];
        if (k->op != N_STRING && k->op != N_INT && k->op != N_BOOL) {
            S_error(p, k->start, "a list literal holds only strings, integers, true and false");
            return -1;
        }
        if (S_check(p, k, NULL) < 0)
            return -1;
        if (i > 0 && k->type.base != t.base) {
            S_error(p, k->start, "a list literal mixes %s and %s", S_base_many[t.base],
                    S_base_many[k->type.base]);
            return -1;
        }
        t.base = k->type.base;
    }
    n->type = t;
    return 0;
}

static int S_check_in(S_parser *p, S_node *n, const S_type *it)
{
    S_node *l = n->kids[0], *r = n->kids[1];
    if (S_check(p, l, it) < 0 || S_check(p, r, it) < 0)
        return -1;
    n->type = S_ty(T_BOOL, O_NONE, 0);
    if (l->type.list) {
        S_error(p, l->start, "the left side of 'in' must be a single value, not %s",
                S_type_desc(p, l->type));
        return -1;
    }
    if (r->type.base == T_ANY)
        return 0;
    if (!r->type.list) {
        S_error(p, r->start, "'in' needs a list on its right side, not %s",
                S_type_desc(p, r->type));
        return -1;
    }
    if (r->op == N_LIST) {
        for (size_t i = 0; i < r->n; i++)
            if (S_compat_eq(p, l, l->type, r->kids[i], r->kids[i]->type, r->kids[i]->start) < 0)
                return -1;
        if (l->type.base == T_CLASS && r->n)
            r->type.base = T_CLASS;
        return 0;
    }
    return S_compat_eq(p, l, l->type, NULL, S_item_type(r->type), n->pos);
}

static int S_check_call(S_parser *p, S_node *n, const S_type *it)
{
    int fn = S_fn_lookup(n->name);
    if (fn < 0) {
        S_error(p, n->pos, "unknown function '%s'%s", n->name,
                S_hint(p, n->name, S_fn_names, FN_COUNT_));
        return -1;
    }
    n->sub = (uint8_t)fn;
    if (n->n != S_fn_arity[fn]) {
        S_error(p, n->pos, "%s() takes %u argument%s, not %zu", n->name, S_fn_arity[fn],
                S_fn_arity[fn] == 1 ? "" : "s", n->n);
        return -1;
    }
    S_node *a0 = n->kids[0];
    n->type = S_ty(fn == FN_COUNT ? T_INT : T_BOOL, O_NONE, 0);
    switch (fn) {
    case FN_HAS:
        if (!S_is_path(a0)) {
            S_error(p, a0->start, "has() takes a path such as element.props.public_read");
            return -1;
        }
        return S_check(p, a0, it);
    case FN_COUNT:
    case FN_ANY:
    case FN_ALL:
        if (S_check(p, a0, it) < 0)
            return -1;
        if (!a0->type.list && a0->type.base != T_ANY) {
            S_error(p, a0->start, "%s() needs a list, not %s", n->name, S_type_desc(p, a0->type));
            return -1;
        }
        if (fn == FN_COUNT)
            return 0;
        if (++p->quant_depth > TM_EXPR_MAX_QUANT_DEPTH) {
            S_error(p, n->pos, "any() and all() nest at most %d deep", TM_EXPR_MAX_QUANT_DEPTH);
            return -1;
        }
        {
            S_type item = S_item_type(a0->type);
            int rc = S_check_cond(p, n->kids[1], &item);
            p->quant_depth--;
            return rc;
        }
    case FN_MATCHES: {
        if (S_check(p, a0, it) < 0 || S_check(p, n->kids[1], it) < 0)
            return -1;
        S_type t0 = a0->type, t1 = n->kids[1]->type;
        if (t0.list || !(t0.base == T_STRING || t0.base == T_ANY ||
                         (t0.base == T_OBJ && S_obj_has_id(t0.obj)))) {
            S_error(p, a0->start, "matches() needs a string as its first argument, not %s",
                    S_type_desc(p, t0));
            return -1;
        }
        if (t1.list || !(t1.base == T_STRING || t1.base == T_ANY)) {
            S_error(p, n->kids[1]->start, "matches() needs a glob string as its second argument, "
                    "not %s", S_type_desc(p, t1));
            return -1;
        }
        return 0;
    }
    }
    return -1;
}

/* Type `n` (and resolve its names); `it` is the item type inside any/all. */
static int S_check(S_parser *p, S_node *n, const S_type *it)
{
    switch ((S_op)n->op) {
    case N_BOOL:
        n->type = S_ty(T_BOOL, O_NONE, 0);
        return 0;
    case N_INT:
        n->type = S_ty(T_INT, O_NONE, 0);
        return 0;
    case N_STRING:
        n->type = S_ty(T_STRING, O_NONE, 0);
        return 0;
    case N_CLASS:
        n->type = S_ty(T_CLASS, O_NONE, 0);
        return 0;
    case N_LIST:
        return S_check_list(p, n);
    case N_SUBJECT:
        return S_check_subject(p, n);
    case N_IT:
        if (!it) {
            S_error(p, n->pos, "'it' is only available inside any() or all()");
            return -1;
        }
        n->type = *it;
        return 0;
    case N_FIELD:
        return S_check_field(p, n, it);
    case N_NOT:
        n->type = S_ty(T_BOOL, O_NONE, 0);
        return S_check_cond(p, n->kids[0], it);
    case N_AND:
    case N_OR:
        n->type = S_ty(T_BOOL, O_NONE, 0);
        for (size_t i = 0; i < n->n; i++)
            if (S_check_cond(p, n->kids[i], it) < 0)
                return -1;
        return 0;
    case N_CMP:
        n->type = S_ty(T_BOOL, O_NONE, 0);
        if (S_check(p, n->kids[0], it) < 0 || S_check(p, n->kids[1], it) < 0)
            return -1;
        if (n->sub == C_EQ || n->sub == C_NE)
            return S_compat_eq(p, n->kids[0], n->kids[0]->type, n->kids[1], n->kids[1]->type,
                               n->pos);
        return S_compat_order(p, n, n->kids[0], n->kids[1]);
    case N_IN:
        return S_check_in(p, n, it);
    case N_CALL:
        return S_check_call(p, n, it);
    }
    return -1;
}

typedef enum { M_VALUE, M_COND, M_PLACEHOLDER } S_mode;

/* Parse and check text[start, end); positions are offsets in `text`. */
static S_node *S_parse_range(tm_arena *arena, const char *text, size_t start, size_t end,
                             tm_applies kind, const tm_expr_origin *origin, tm_diags *d,
                             S_mode mode)
{
    int want_cond = mode == M_COND;
    S_parser p;
    memset(&p, 0, sizeof p);
    p.arena = arena;
    p.text = text;
    p.end = end;
    p.at = start;
    p.origin = origin;
    p.d = d;
    p.kind = (unsigned)kind <= TM_APPLIES_MODEL ? kind : TM_APPLIES_MODEL;
    S_next(&p);
    if (p.failed)
        return NULL;
    if (p.tok.type == TK_EOF) {
        if (mode == M_PLACEHOLDER)
            S_error(&p, start - 1, "empty placeholder '{}' (write '{{' for a brace)");
        else
            S_error(&p, p.tok.start, want_cond ? "empty condition" : "empty expression");
        return NULL;
    }
    S_node *root = S_parse_or(&p);
    if (!root || p.failed)
        return NULL;
    if (p.tok.type != TK_EOF) {
        const char *t = S_tok_desc(&p);
        const char *hint = "";
        if (p.tok.type == TK_IDENT) {
            if (strcmp(p.tok.str, "and") == 0)
                hint = " (use '&&')";
            else if (strcmp(p.tok.str, "or") == 0)
                hint = " (use '||')";
        }
        S_error(&p, p.tok.start, "unexpected %s after a complete expression%s", t, hint);
        return NULL;
    }
    if ((want_cond ? S_check_cond(&p, root, NULL) : S_check(&p, root, NULL)) < 0)
        return NULL;
    return root;
}

static tm_expr *S_parse(tm_arena *arena, const char *text, tm_applies kind,
                        const tm_expr_origin *origin, tm_diags *d, int want_cond)
{
    if (!text)
        text = "";
    S_node *root =
        S_parse_range(arena, text, 0, strlen(text), kind, origin, d, want_cond ? M_COND : M_VALUE);
    if (!root)
        return NULL;
    tm_expr *e = tm_arena_alloc(arena, sizeof *e);
    e->root = root;
    return e;
}

tm_expr *tm_expr_parse(tm_arena *arena, const char *text, tm_applies kind,
                       const tm_expr_origin *origin, tm_diags *d)
{
    return S_parse(arena, text, kind, origin, d, 1);
}

tm_expr *tm_expr_parse_value(tm_arena *arena, const char *text, tm_applies kind,
                             const tm_expr_origin *origin, tm_diags *d)
{
    return S_parse(arena, text, kind, origin, d, 0);
}

/* ============================================================ evaluator */

typedef enum { V_NULL, V_BOOL, V_INT, V_FLOAT, V_STRING, V_CLASS, V_OBJ, V_LIST, V_MAP } S_vkind;

typedef enum {
    L_PTRS,    /* array of pointers: strings (ek V_STRING) or objects (ek V_OBJ, eo) */
    L_IDS,     /* array of object pointers seen as their ids (flow.crosses) */
    L_STRUCTS, /* array of structs (statements, conditions, secrets) */
    L_NODES,   /* a tm_node list from props */
    L_LITERAL, /* a list literal node */
    L_PROJ     /* a field of every item of the list its node's object yields */
} S_lkind;

typedef struct S_env S_env;

typedef struct {
    uint8_t lk, ek, eo;
    const void *base;
    size_t n;
    const S_node *node; /* L_LITERAL, L_PROJ, L_NODES (as tm_node) */
    const tm_node *list;
    const S_env *env; /* L_PROJ: where to re-evaluate node->kids[0] */
} S_list;

typedef struct {
    uint8_t k, o; /* S_vkind; S_okind for V_OBJ */
    union {
        int b;
        long long i;
        double f;
        const char *s;
        tm_class c;
        const void *p;
        const tm_node *map;
        S_list l;
    } u;
} S_val;

/* The subjects, and the item bound to `it` inside any/all (innermost). */
struct S_env {
    const tm_eval_ctx *ctx;
    S_val it;
};

static S_val S_null(void)
{
    S_val v;
    memset(&v, 0, sizeof v);
    return v;
}

static S_val S_bool(int b)
{
    S_val v = S_null();
    v.k = V_BOOL;
    v.u.b = b ? 1 : 0;
    return v;
}

static S_val S_int(long long i)
{
    S_val v = S_null();
    v.k = V_INT;
    v.u.i = i;
    return v;
}

static S_val S_str(const char *s)
{
    S_val v = S_null();
    if (s) {
        v.k = V_STRING;
        v.u.s = s;
    }
    return v;
}

static S_val S_class(tm_class c)
{
    S_val v = S_null();
    v.k = V_CLASS;
    v.u.c = c;
    return v;
}

static S_val S_obj(S_okind o, const void *ptr)
{
    S_val v = S_null();
    if (ptr) {
        v.k = V_OBJ;
        v.o = (uint8_t)o;
        v.u.p = ptr;
    }
    return v;
}

/* A list over an array of pointers: strings (o == O_NONE) or objects. */
static S_val S_ptrs(const void *base, size_t n, S_okind o)
{
    S_val v = S_null();
    v.k = V_LIST;
    v.u.l.lk = L_PTRS;
    v.u.l.ek = o == O_NONE ? V_STRING : V_OBJ;
    v.u.l.eo = (uint8_t)o;
    v.u.l.base = n ? base : NULL;
    v.u.l.n = base ? n : 0;
    return v;
}

static S_val S_list_of(S_lkind lk, const void *base, size_t n, S_okind o)
{
    S_val v = S_ptrs(base, n, o);
    v.u.l.lk = (uint8_t)lk;
    return v;
}

static S_val S_from_node(const tm_node *nd)
{
    if (!nd)
        return S_null();
    S_val v = S_null();
    switch (nd->kind) {
    case TM_NODE_MAP:
        v.k = V_MAP;
        v.u.map = nd;
        return v;
    case TM_NODE_LIST:
        v.k = V_LIST;
        v.u.l.lk = L_NODES;
        v.u.l.list = nd;
        v.u.l.n = nd->n;
        return v;
    case TM_NODE_SCALAR:
        break;
    }
    switch (nd->stype) {
    case TM_SCALAR_NULL:
        return v;
    case TM_SCALAR_BOOL:
        return S_bool(nd->bval);
    case TM_SCALAR_INT:
        return S_int(nd->ival);
    case TM_SCALAR_FLOAT:
        v.k = V_FLOAT;
        v.u.f = nd->fval;
        return v;
    case TM_SCALAR_STRING:
    case TM_SCALAR_TEXT:
        return S_str(nd->text);
    }
    return v;
}

static const char *S_kind_str(tm_kind k)
{
    return k == TM_KIND_EXTERNAL ? "external" : k == TM_KIND_STORE ? "store" : "process";
}

static const char *S_origin_str(tm_origin o)
{
    switch (o) {
    case TM_ORIGIN_IN_HOUSE: return "in-house";
    case TM_ORIGIN_THIRD_PARTY: return "third-party";
    case TM_ORIGIN_OPEN_SOURCE: return "open-source";
    default: return "unknown";
    }
}

static const char *S_authz_str(tm_authz a)
{
    switch (a) {
    case TM_AUTHZ_NONE: return "none";
    case TM_AUTHZ_TECHNICAL: return "technical";
    case TM_AUTHZ_END_USER: return "end-user";
    default: return "unknown";
    }
}

static tm_class S_max_class(tm_data *const *data, size_t n)
{
    tm_class c = TM_CLASS_NONE;
    for (size_t i = 0; i < n; i++)
        if (data[i] && data[i]->classification > c)
            c = data[i]->classification;
    return c;
}

/* Analysis infos; NULL when the engine has not built them. */
static const tm_model *S_model(const S_env *env)
{
    const tm_analysis *a = env->ctx->a;
    return a ? a->model : NULL;
}

static const tm_element_info *S_el_info(const S_env *env, const tm_element *el)
{
    const tm_model *m = S_model(env);
    return m && env->ctx->a->elements && el->index < m->n_elements
               ? &env->ctx->a->elements[el->index]
               : NULL;
}

static const tm_flow_info *S_fl_info(const S_env *env, const tm_flow *f)
{
    const tm_model *m = S_model(env);
    return m && env->ctx->a->flows && f->index < m->n_flows ? &env->ctx->a->flows[f->index]
                                                            : NULL;
}

static const tm_boundary_info *S_bd_info(const S_env *env, const tm_boundary *b)
{
    const tm_model *m = S_model(env);
    return m && env->ctx->a->boundaries && b->index < m->n_boundaries
               ? &env->ctx->a->boundaries[b->index]
               : NULL;
}

static const tm_identity_info *S_id_info(const S_env *env, const tm_identity *i)
{
    const tm_model *m = S_model(env);
    return m && env->ctx->a->identities && i->index < m->n_identities
               ? &env->ctx->a->identities[i->index]
               : NULL;
}

static const tm_artifact_info *S_ar_info(const S_env *env, const tm_artifact *ar)
{
    const tm_model *m = S_model(env);
    return m && env->ctx->a->artifacts && ar->index < m->n_artifacts
               ? &env->ctx->a->artifacts[ar->index]
               : NULL;
}

static S_val S_element_field(const tm_element *el, unsigned f, const S_env *env)
{
    const tm_element_info *info = S_el_info(env, el);
    const tm_type_info *ti = info ? info->type : NULL;
    switch (f) {
    case F_EL_ID: return S_str(el->id);
    case F_EL_NAME: return S_str(el->name ? el->name : el->id);
    case F_EL_TYPE: return S_str(el->type);
    case F_EL_KIND: return S_str(S_kind_str(el->kind));
    case F_EL_DESCRIPTION: return S_str(el->description);
    case F_EL_ORIGIN: return S_str(S_origin_str(el->origin));
    case F_EL_OUT_OF_SCOPE: return S_bool(el->out_of_scope);
    case F_EL_REASON: return S_str(el->reason);
    case F_EL_PROPS: return S_from_node(el->props);
    case F_EL_BOUNDARY: return S_obj(O_BOUNDARY, el->boundary);
    case F_EL_IDENTITY: return S_obj(O_IDENTITY, el->identity);
    case F_EL_DATA: return S_ptrs(el->data, el->n_data, O_DATA);
    case F_EL_CLASSIFICATION: return S_class(S_max_class(el->data, el->n_data));
    case F_EL_LIBRARIES: return S_ptrs(el->libraries, el->n_libraries, O_NONE);
    case F_EL_TYPE_KNOWN: return S_bool(el->type_known);
    case F_EL_MANAGED: return S_bool(ti && ti->managed);
    case F_EL_EVENT_SOURCE: return S_bool(ti && ti->event_source);
    case F_EL_LABEL: return S_str(ti && ti->label ? ti->label : el->type);
    case F_EL_IN: return info ? S_ptrs(info->in, info->n_in, O_FLOW) : S_ptrs(NULL, 0, O_FLOW);
    case F_EL_OUT:
        return info ? S_ptrs(info->out, info->n_out, O_FLOW) : S_ptrs(NULL, 0, O_FLOW);
    case F_EL_ENTRY_POINTS:
        return info ? S_ptrs(info->entry_points, info->n_entry_points, O_NONE)
                    : S_ptrs(NULL, 0, O_NONE);
    case F_EL_SHARES_IDENTITY: return S_bool(info && info->n_shares_identity_with > 0);
    case F_EL_MAX_CLASS:
        return S_class(info ? info->max_class : S_max_class(el->data, el->n_data));
    }
    return S_null();
}

static S_val S_flow_field(const tm_flow *fl, unsigned f, const S_env *env)
{
    const tm_flow_info *info = S_fl_info(env, fl);
    switch (f) {
    case F_FL_ID: return S_str(fl->id);
    case F_FL_NAME: return S_str(fl->name ? fl->name : fl->id);
    case F_FL_PROTOCOL: return S_str(fl->protocol);
    case F_FL_PORT: return fl->port ? S_int(fl->port) : S_null();
    case F_FL_DESCRIPTION: return S_str(fl->description);
    case F_FL_DATA: return S_ptrs(fl->data, fl->n_data, O_DATA);
    case F_FL_CLASSIFICATION: return S_class(S_max_class(fl->data, fl->n_data));
    case F_FL_AUTHENTICATED: return S_bool(fl->authenticated == TM_TRI_TRUE);
    case F_FL_ENCRYPTED: return S_bool(fl->encrypted == TM_TRI_TRUE);
    case F_FL_AUTHORIZATION: return S_str(S_authz_str(fl->authorization));
    case F_FL_TRIGGER: return S_bool(fl->trigger);
    case F_FL_BIDIRECTIONAL: return S_bool(fl->bidirectional);
    case F_FL_CROSSES:
        return info ? S_list_of(L_IDS, info->crosses, info->n_crosses, O_BOUNDARY)
                    : S_list_of(L_IDS, NULL, 0, O_BOUNDARY);
    case F_FL_PROPS: return S_from_node(fl->props);
    case F_FL_FROM: return S_obj(O_ELEMENT, fl->from);
    case F_FL_TO: return S_obj(O_ELEMENT, fl->to);
    case F_FL_NUMBER: return info ? S_int(info->number) : S_null();
    }
    return S_null();
}

static S_val S_boundary_field(const tm_boundary *b, unsigned f, const S_env *env)
{
    const tm_boundary_info *info = S_bd_info(env, b);
    switch (f) {
    case F_BD_ID: return S_str(b->id);
    case F_BD_NAME: return S_str(b->name ? b->name : b->id);
    case F_BD_TYPE: return S_str(b->type);
    case F_BD_DESCRIPTION: return S_str(b->description);
    case F_BD_PARENT: return S_obj(O_BOUNDARY, b->parent);
    case F_BD_DEPTH: return S_int(b->depth);
    case F_BD_INBOUND:
        return info ? S_ptrs(info->inbound, info->n_inbound, O_FLOW) : S_ptrs(NULL, 0, O_FLOW);
    case F_BD_OUTBOUND:
        return info ? S_ptrs(info->outbound, info->n_outbound, O_FLOW) : S_ptrs(NULL, 0, O_FLOW);
    case F_BD_MEMBERS:
        return info ? S_ptrs(info->members, info->n_members, O_ELEMENT)
                    : S_ptrs(NULL, 0, O_ELEMENT);
    case F_BD_ENTRY_POINTS:
        return info ? S_ptrs(info->entry_points, info->n_entry_points, O_ELEMENT)
                    : S_ptrs(NULL, 0, O_ELEMENT);
    case F_BD_CHILDREN:
        return info ? S_ptrs(info->children, info->n_children, O_BOUNDARY)
                    : S_ptrs(NULL, 0, O_BOUNDARY);
    }
    return S_null();
}

static S_val S_identity_field(const tm_identity *id, unsigned f, const S_env *env)
{
    const tm_identity_info *info = S_id_info(env, id);
    switch (f) {
    case F_ID_ID: return S_str(id->id);
    case F_ID_NAME: return S_str(id->name ? id->name : id->id);
    case F_ID_TYPE: return S_str(id->type);
    case F_ID_DESCRIPTION: return S_str(id->description);
    case F_ID_STATEMENTS:
        return S_list_of(L_STRUCTS, id->statements, id->n_statements, O_STATEMENT);
    case F_ID_USERS:
        return info ? S_ptrs(info->users, info->n_users, O_ELEMENT) : S_ptrs(NULL, 0, O_ELEMENT);
    case F_ID_WILDCARD_ACTION: return S_bool(info && info->wildcard_action);
    case F_ID_ADMIN: return S_bool(info && info->admin);
    case F_ID_WILDCARD_RESOURCE: return S_bool(info && info->wildcard_resource);
    case F_ID_PUBLIC_PRINCIPAL: return S_bool(info && info->public_principal);
    case F_ID_CROSS_ACCOUNT: return S_bool(info && info->cross_account);
    case F_ID_USES_NOT: return S_bool(info && info->uses_not);
    case F_ID_SES_SEND_ANY: return S_bool(info && info->ses_send_any);
    case F_ID_PRIVESC: return S_bool(info && info->n_privesc_actions > 0);
    case F_ID_PRIVESC_ACTIONS:
        return info ? S_ptrs(info->privesc_actions, info->n_privesc_actions, O_NONE)
                    : S_ptrs(NULL, 0, O_NONE);
    case F_ID_WILDCARD_ACTIONS:
        return info ? S_ptrs(info->wildcard_actions, info->n_wildcard_actions, O_NONE)
                    : S_ptrs(NULL, 0, O_NONE);
    case F_ID_WILDCARD_RESOURCE_ACTIONS:
        return info ? S_ptrs(info->wildcard_resource_actions, info->n_wildcard_resource_actions,
                             O_NONE)
                    : S_ptrs(NULL, 0, O_NONE);
    case F_ID_POLICIES:
        return info ? S_ptrs(info->policies, info->n_policies, O_NONE) : S_ptrs(NULL, 0, O_NONE);
    }
    return S_null();
}

static S_val S_statement_field(const tm_statement *st, unsigned f)
{
    switch (f) {
    case F_ST_SID: return S_str(st->sid);
    case F_ST_EFFECT: return S_str(st->allow ? "allow" : "deny");
    case F_ST_ACTIONS: return S_ptrs(st->actions, st->n_actions, O_NONE);
    case F_ST_NOT_ACTIONS: return S_ptrs(st->not_actions, st->n_not_actions, O_NONE);
    case F_ST_RESOURCES: return S_ptrs(st->resources, st->n_resources, O_NONE);
    case F_ST_PRINCIPALS: return S_ptrs(st->principals, st->n_principals, O_NONE);
    case F_ST_NOT_RESOURCES: return S_ptrs(st->not_resources, st->n_not_resources, O_NONE);
    case F_ST_NOT_PRINCIPALS: return S_ptrs(st->not_principals, st->n_not_principals, O_NONE);
    case F_ST_POLICY: return S_str(st->policy);
    case F_ST_CONDITIONS:
        return S_list_of(L_STRUCTS, st->conditions, st->n_conditions, O_CONDITION);
    }
    return S_null();
}

static S_val S_condition_field(const tm_condition *c, unsigned f)
{
    switch (f) {
    case F_CO_TEST: return S_str(c->test);
    case F_CO_VARIABLE: return S_str(c->variable);
    case F_CO_VALUES: return S_ptrs(c->values, c->n_values, O_NONE);
    }
    return S_null();
}

static S_val S_artifact_field(const tm_artifact *ar, unsigned f, const S_env *env)
{
    const tm_artifact_info *info = S_ar_info(env, ar);
    switch (f) {
    case F_AR_ID: return S_str(ar->id);
    case F_AR_NAME: return S_str(ar->name ? ar->name : ar->id);
    case F_AR_TYPE: return S_str(ar->type_name);
    case F_AR_PATH: return S_str(ar->path);
    case F_AR_VERSION: return S_str(ar->version);
    case F_AR_ORIGIN: return S_str(S_origin_str(ar->origin));
    case F_AR_OWNER: return S_str(ar->owner);
    case F_AR_DESCRIPTION: return S_str(ar->description);
    case F_AR_DEFINES: return S_ptrs(ar->defines, ar->n_defines, O_NONE);
    case F_AR_PROPS: return S_from_node(ar->props);
    case F_AR_SCANNED: return S_bool(info && info->scanned);
    case F_AR_SECRETS:
        return info ? S_list_of(L_STRUCTS, info->secrets, info->n_secrets, O_SECRET)
                    : S_list_of(L_STRUCTS, NULL, 0, O_SECRET);
    case F_AR_UNPINNED:
        return info ? S_ptrs(info->unpinned, info->n_unpinned, O_NONE) : S_ptrs(NULL, 0, O_NONE);
    }
    return S_null();
}

static S_val S_secret_field(const tm_secret *s, unsigned f)
{
    switch (f) {
    case F_SE_KIND: return S_str(s->kind);
    case F_SE_FILE: return S_str(s->file);
    case F_SE_LINE: return S_int(s->line);
    case F_SE_MASKED: return S_str(s->masked);
    }
    return S_null();
}

static S_val S_data_field(const tm_data *da, unsigned f)
{
    switch (f) {
    case F_DA_ID: return S_str(da->id);
    case F_DA_NAME: return S_str(da->name ? da->name : da->id);
    case F_DA_CLASSIFICATION: return S_class(da->classification);
    case F_DA_DESCRIPTION: return S_str(da->description);
    }
    return S_null();
}

static S_val S_model_field(const tm_model *m, unsigned f)
{
    switch (f) {
    case F_MO_NAME: return S_str(m->system.name);
    case F_MO_OWNER: return S_str(m->system.owner);
    case F_MO_VERSION: return S_str(m->system.version);
    case F_MO_DESCRIPTION: return S_str(m->system.description);
    case F_MO_ELEMENTS: return S_ptrs(m->elements, m->n_elements, O_ELEMENT);
    case F_MO_FLOWS: return S_ptrs(m->flows, m->n_flows, O_FLOW);
    case F_MO_BOUNDARIES: return S_ptrs(m->boundaries, m->n_boundaries, O_BOUNDARY);
    case F_MO_IDENTITIES: return S_ptrs(m->identities, m->n_identities, O_IDENTITY);
    case F_MO_ARTIFACTS: return S_ptrs(m->artifacts, m->n_artifacts, O_ARTIFACT);
    }
    return S_null();
}

/* The field `n` (an N_FIELD node) of one value. */
static S_val S_field_of(const S_val *obj, const S_node *n, const S_env *env)
{
    if (obj->k == V_MAP)
        return n->field == F_DYN ? S_from_node(tm_node_get(obj->u.map, n->name)) : S_null();
    if (obj->k != V_OBJ)
        return S_null();
    const void *p = obj->u.p;
    switch ((S_okind)obj->o) {
    case O_ELEMENT: return S_element_field(p, n->field, env);
    case O_FLOW: return S_flow_field(p, n->field, env);
    case O_BOUNDARY: return S_boundary_field(p, n->field, env);
    case O_IDENTITY: return S_identity_field(p, n->field, env);
    case O_STATEMENT: return S_statement_field(p, n->field);
    case O_CONDITION: return S_condition_field(p, n->field);
    case O_ARTIFACT: return S_artifact_field(p, n->field, env);
    case O_SECRET: return S_secret_field(p, n->field);
    case O_DATA: return S_data_field(p, n->field);
    case O_MODEL: return S_model_field(p, n->field);
    default: return S_null();
    }
}

static const char *S_obj_id(const S_val *v)
{
    const void *p = v->u.p;
    switch ((S_okind)v->o) {
    case O_ELEMENT: return ((const tm_element *)p)->id;
    case O_FLOW: return ((const tm_flow *)p)->id;
    case O_BOUNDARY: return ((const tm_boundary *)p)->id;
    case O_IDENTITY: return ((const tm_identity *)p)->id;
    case O_ARTIFACT: return ((const tm_artifact *)p)->id;
    case O_DATA: return ((const tm_data *)p)->id;
    default: return NULL;
    }
}

static S_val S_eval(const S_node *n, const S_env *env);

/* ---- iteration over list views ---- */

typedef int (*S_each_fn)(const S_val *item, void *ud); /* nonzero: stop */

static int S_each(const S_list *l, S_each_fn fn, void *ud);

/* Item i of an array of pointers, read with its real pointer type. */
static const void *S_ptr_at(const S_list *l, size_t i)
{
    if (l->ek == V_STRING)
        return ((const char *const *)l->base)[i];
    switch ((S_okind)l->eo) {
    case O_ELEMENT: return ((const tm_element *const *)l->base)[i];
    case O_FLOW: return ((const tm_flow *const *)l->base)[i];
    case O_BOUNDARY: return ((const tm_boundary *const *)l->base)[i];
    case O_IDENTITY: return ((const tm_identity *const *)l->base)[i];
    case O_ARTIFACT: return ((const tm_artifact *const *)l->base)[i];
    case O_DATA: return ((const tm_data *const *)l->base)[i];
    default: return NULL;
    }
}

static const void *S_struct_at(const S_list *l, size_t i)
{
    switch ((S_okind)l->eo) {
    case O_STATEMENT: return &((const tm_statement *)l->base)[i];
    case O_CONDITION: return &((const tm_condition *)l->base)[i];
    case O_SECRET: return &((const tm_secret *)l->base)[i];
    default: return NULL;
    }
}

typedef struct {
    const S_node *field;
    const S_env *env;
    S_each_fn fn;
    void *ud;
} S_proj_state;

/* One item of a projection's parent: yield its field, flattening lists. */
static int S_proj_item(const S_val *item, void *ud)
{
    S_proj_state *ps = ud;
    S_val v = S_field_of(item, ps->field, ps->env);
    if (v.k == V_NULL)
        return 0;
    if (v.k == V_LIST)
        return S_each(&v.u.l, ps->fn, ps->ud);
    return ps->fn(&v, ps->ud);
}

static int S_each(const S_list *l, S_each_fn fn, void *ud)
{
    S_val v;
    switch ((S_lkind)l->lk) {
    case L_PTRS:
    case L_IDS:
        for (size_t i = 0; i < l->n; i++) {
            const void *p = S_ptr_at(l, i);
            if (l->ek == V_STRING)
                v = S_str(p);
            else
                v = S_obj((S_okind)l->eo, p);
            if (l->lk == L_IDS && v.k == V_OBJ)
                v = S_str(S_obj_id(&v));
            if (v.k != V_NULL && fn(&v, ud))
                return 1;
        }
        return 0;
    case L_STRUCTS:
        for (size_t i = 0; i < l->n; i++) {
            v = S_obj((S_okind)l->eo, S_struct_at(l, i));
            if (fn(&v, ud))
                return 1;
        }
        return 0;
    case L_NODES:
        for (size_t i = 0; i < l->list->n; i++) {
            v = S_from_node(l->list->items[i]);
            if (fn(&v, ud))
                return 1;
        }
        return 0;
    case L_LITERAL:
        for (size_t i = 0; i < l->node->n; i++) {
            v = S_eval(l->node->kids[i], l->env);
            if (fn(&v, ud))
                return 1;
        }
        return 0;
    case L_PROJ: {
        S_val parent = S_eval(l->node->kids[0], l->env);
        if (parent.k != V_LIST)
            return 0;
        S_proj_state ps = {l->node, l->env, fn, ud};
        return S_each(&parent.u.l, S_proj_item, &ps);
    }
    }
    return 0;
}

static int S_stop_at_first(const S_val *item, void *ud)
{
    (void)item;
    (void)ud;
    return 1;
}

static int S_count_item(const S_val *item, void *ud)
{
    (void)item;
    (*(long long *)ud)++;
    return 0;
}

static int S_max_class_item(const S_val *item, void *ud)
{
    tm_class *c = ud;
    if (item->k == V_OBJ && item->o == O_DATA) {
        tm_class ic = ((const tm_data *)item->u.p)->classification;
        if (ic > *c)
            *c = ic;
    }
    return 0;
}

/* ---- comparisons ---- */

static int S_parse_class(const char *s, tm_class *out)
{
    for (int c = TM_CLASS_PUBLIC; c <= TM_CLASS_RESTRICTED; c++) {
        if (strcmp(s, S_class_names[c]) == 0) {
            *out = (tm_class)c;
            return 1;
        }
    }
    return 0;
}

static int S_is_num(const S_val *v)
{
    return v->k == V_INT || v->k == V_FLOAT;
}

static double S_num(const S_val *v)
{
    return v->k == V_INT ? (double)v->u.i : v->u.f;
}

/* 1 when a and b are equal; null, lists, maps and mismatched kinds never are. */
static int S_equal(const S_val *a, const S_val *b)
{
    if (a->k == V_NULL || b->k == V_NULL)
        return 0;
    if (b->k == V_OBJ && a->k != V_OBJ)
        return S_equal(b, a);
    if (b->k == V_CLASS && a->k != V_CLASS)
        return S_equal(b, a);
    switch ((S_vkind)a->k) {
    case V_BOOL:
        return b->k == V_BOOL && a->u.b == b->u.b;
    case V_INT:
    case V_FLOAT:
        if (a->k == V_INT && b->k == V_INT)
            return a->u.i == b->u.i;
        return S_is_num(b) && S_num(a) == S_num(b);
    case V_STRING:
        return b->k == V_STRING && strcmp(a->u.s, b->u.s) == 0;
    case V_CLASS: {
        tm_class c;
        if (b->k == V_CLASS)
            return a->u.c == b->u.c;
        return b->k == V_STRING && S_parse_class(b->u.s, &c) && c == a->u.c;
    }
    case V_OBJ: {
        if (b->k == V_OBJ)
            return a->o == b->o && a->u.p == b->u.p;
        const char *id = S_obj_id(a);
        return b->k == V_STRING && id && strcmp(id, b->u.s) == 0;
    }
    default:
        return 0;
    }
}

/* Order a against b into *out (-1, 0, 1); 0 when they have no order. */
static int S_order(const S_val *a, const S_val *b, int *out)
{
    if (S_is_num(a) && S_is_num(b)) {
        if (a->k == V_INT && b->k == V_INT)
            *out = a->u.i < b->u.i ? -1 : a->u.i > b->u.i;
        else
            *out = S_num(a) < S_num(b) ? -1 : S_num(a) > S_num(b);
        return 1;
    }
    tm_class ca, cb;
    if (a->k == V_CLASS)
        ca = a->u.c;
    else if (!(a->k == V_STRING && S_parse_class(a->u.s, &ca)))
        return 0;
    if (b->k == V_CLASS)
        cb = b->u.c;
    else if (!(b->k == V_STRING && S_parse_class(b->u.s, &cb)))
        return 0;
    if (a->k != V_CLASS && b->k != V_CLASS)
        return 0; /* two strings have no order, even class names */
    *out = ca < cb ? -1 : ca > cb;
    return 1;
}

static int S_truth(const S_val *v)
{
    return v->k == V_BOOL && v->u.b;
}

typedef struct {
    const S_val *needle;
} S_in_state;

static int S_in_item(const S_val *item, void *ud)
{
    return S_equal(((S_in_state *)ud)->needle, item);
}

typedef struct {
    const S_node *cond;
    const S_env *env;
    int want; /* any: stop at the first true; all: at the first false */
} S_quant_state;

static int S_quant_item(const S_val *item, void *ud)
{
    S_quant_state *qs = ud;
    S_env inner = {qs->env->ctx, *item};
    S_val v = S_eval(qs->cond, &inner);
    return S_truth(&v) == qs->want;
}

static S_val S_eval_call(const S_node *n, const S_env *env)
{
    S_val a0 = S_eval(n->kids[0], env);
    switch ((S_fn)n->sub) {
    case FN_HAS:
        if (a0.k == V_LIST)
            return S_bool(S_each(&a0.u.l, S_stop_at_first, NULL));
        return S_bool(a0.k != V_NULL);
    case FN_COUNT: {
        long long c = 0;
        if (a0.k == V_LIST)
            S_each(&a0.u.l, S_count_item, &c);
        return S_int(c);
    }
    case FN_ANY:
    case FN_ALL: {
        if (a0.k != V_LIST)
            return S_bool(0);
        S_quant_state qs = {n->kids[1], env, n->sub == FN_ANY};
        int stopped = S_each(&a0.u.l, S_quant_item, &qs);
        return S_bool(n->sub == FN_ANY ? stopped : !stopped);
    }
    case FN_MATCHES: {
        S_val g = S_eval(n->kids[1], env);
        const char *s = a0.k == V_STRING ? a0.u.s : a0.k == V_OBJ ? S_obj_id(&a0) : NULL;
        if (!s || g.k != V_STRING)
            return S_bool(0);
        return S_bool(tm_glob_match(g.u.s, s));
    }
    default:
        return S_null();
    }
}

static S_val S_eval_subject(const S_node *n, const S_env *env)
{
    const tm_eval_ctx *c = env->ctx;
    switch ((S_subject)n->sub) {
    case SJ_ELEMENT: return S_obj(O_ELEMENT, c->element);
    case SJ_FLOW: return S_obj(O_FLOW, c->flow);
    case SJ_SOURCE: return S_obj(O_ELEMENT, c->source ? c->source : c->flow ? c->flow->from : NULL);
    case SJ_TARGET: return S_obj(O_ELEMENT, c->target ? c->target : c->flow ? c->flow->to : NULL);
    case SJ_BOUNDARY: return S_obj(O_BOUNDARY, c->boundary);
    case SJ_IDENTITY: return S_obj(O_IDENTITY, c->identity);
    case SJ_ARTIFACT: return S_obj(O_ARTIFACT, c->artifact);
    case SJ_MODEL: return S_obj(O_MODEL, S_model(env));
    default: return S_null();
    }
}

static S_val S_eval(const S_node *n, const S_env *env)
{
    S_val v = S_null();
    switch ((S_op)n->op) {
    case N_BOOL:
        return S_bool((int)n->ival);
    case N_INT:
        return S_int(n->ival);
    case N_STRING:
        return S_str(n->name);
    case N_CLASS:
        return S_class((tm_class)n->ival);
    case N_LIST:
        v.k = V_LIST;
        v.u.l.lk = L_LITERAL;
        v.u.l.node = n;
        v.u.l.env = env;
        return v;
    case N_SUBJECT:
        return S_eval_subject(n, env);
    case N_IT:
        return env->it;
    case N_FIELD: {
        S_val obj = S_eval(n->kids[0], env);
        if (obj.k != V_LIST)
            return S_field_of(&obj, n, env);
        if (n->maxclass) {
            tm_class c = TM_CLASS_NONE;
            S_each(&obj.u.l, S_max_class_item, &c);
            return S_class(c);
        }
        v.k = V_LIST;
        v.u.l.lk = L_PROJ;
        v.u.l.node = n;
        v.u.l.env = env;
        return v;
    }
    case N_NOT: {
        S_val k = S_eval(n->kids[0], env);
        return S_bool(!S_truth(&k));
    }
    case N_AND:
    case N_OR:
        for (size_t i = 0; i < n->n; i++) {
            S_val k = S_eval(n->kids[i], env);
            if (S_truth(&k) != (n->op == N_AND))
                return S_bool(n->op == N_OR);
        }
        return S_bool(n->op == N_AND);
    case N_CMP: {
        S_val a = S_eval(n->kids[0], env), b = S_eval(n->kids[1], env);
        int o;
        switch ((S_cmp)n->sub) {
        case C_EQ: return S_bool(S_equal(&a, &b));
        case C_NE: return S_bool(!S_equal(&a, &b));
        case C_LT: return S_bool(S_order(&a, &b, &o) && o < 0);
        case C_LE: return S_bool(S_order(&a, &b, &o) && o <= 0);
        case C_GT: return S_bool(S_order(&a, &b, &o) && o > 0);
        case C_GE: return S_bool(S_order(&a, &b, &o) && o >= 0);
        }
        return S_bool(0);
    }
    case N_IN: {
        S_val a = S_eval(n->kids[0], env);
        if (a.k == V_NULL)
            return S_bool(0);
        S_val b = S_eval(n->kids[1], env);
        if (b.k != V_LIST)
            return S_bool(0);
        S_in_state st = {&a};
        return S_bool(S_each(&b.u.l, S_in_item, &st));
    }
    case N_CALL:
        return S_eval_call(n, env);
    }
    return v;
}

static const tm_eval_ctx S_no_subjects; /* all NULL: every subject is null */

static void S_env_init(S_env *env, const tm_eval_ctx *ctx)
{
    memset(env, 0, sizeof *env);
    env->ctx = ctx ? ctx : &S_no_subjects;
}

int tm_expr_eval(const tm_expr *e, const tm_eval_ctx *ctx)
{
    if (!e)
        return 1; /* a rule without a condition always applies */
    S_env env;
    S_env_init(&env, ctx);
    S_val v = S_eval(e->root, &env);
    return S_truth(&v);
}

/* ================================================================ guard */

/* `SUBJECT.type` for an element-typed subject, or -1. */
static int S_type_path(const S_node *n)
{
    if (n->op != N_FIELD || n->field != F_EL_TYPE || n->kids[0]->op != N_SUBJECT)
        return -1;
    switch ((S_subject)n->kids[0]->sub) {
    case SJ_ELEMENT: return TM_GUARD_ELEMENT;
    case SJ_SOURCE: return TM_GUARD_SOURCE;
    case SJ_TARGET: return TM_GUARD_TARGET;
    default: return -1;
    }
}

/* One conjunct of the form `S.type == "lit"`, `"lit" == S.type` or
 * `S.type in ["a", "b"]`: fills g and returns 1. */
static int S_guard_of(tm_arena *arena, const S_node *n, tm_expr_guard *g)
{
    int subj;
    if (n->op == N_CMP && n->sub == C_EQ) {
        const S_node *path = n->kids[0], *lit = n->kids[1];
        if (S_type_path(path) < 0) {
            path = n->kids[1];
            lit = n->kids[0];
        }
        if ((subj = S_type_path(path)) < 0 || lit->op != N_STRING)
            return 0;
        const char **types = tm_arena_alloc(arena, sizeof *types);
        types[0] = lit->name;
        g->subject = (tm_guard_subject)subj;
        g->types = types;
        g->n = 1;
        return 1;
    }
    if (n->op == N_IN && (subj = S_type_path(n->kids[0])) >= 0 && n->kids[1]->op == N_LIST) {
        const S_node *list = n->kids[1];
        for (size_t i = 0; i < list->n; i++)
            if (list->kids[i]->op != N_STRING)
                return 0;
        const char **types = tm_arena_alloc(arena, (list->n ? list->n : 1) * sizeof *types);
        for (size_t i = 0; i < list->n; i++)
            types[i] = list->kids[i]->name;
        g->subject = (tm_guard_subject)subj;
        g->types = types;
        g->n = list->n;
        return 1;
    }
    return 0;
}

void tm_expr_type_guard(const tm_expr *e, tm_arena *arena, tm_expr_guard *g)
{
    memset(g, 0, sizeof *g);
    if (!e)
        return;
    const S_node *root = e->root;
    if (root->op != N_AND) {
        S_guard_of(arena, root, g);
        return;
    }
    for (size_t i = 0; i < root->n; i++)
        if (S_guard_of(arena, root->kids[i], g))
            return;
}

/* =============================================================== render */

static void S_render(const S_val *v, tm_buf *out);

typedef struct {
    tm_buf *out;
    int first;
} S_join_state;

static int S_render_item(const S_val *item, void *ud)
{
    S_join_state *js = ud;
    if (!js->first)
        tm_buf_puts(js->out, ", ");
    js->first = 0;
    S_render(item, js->out);
    return 0;
}

static void S_render_obj(const S_val *v, tm_buf *out)
{
    const void *p = v->u.p;
    switch ((S_okind)v->o) {
    case O_ELEMENT: {
        const tm_element *e = p;
        tm_buf_puts(out, e->name ? e->name : e->id);
        return;
    }
    case O_FLOW: {
        const tm_flow *f = p;
        tm_buf_puts(out, f->name ? f->name : f->id);
        return;
    }
    case O_BOUNDARY: {
        const tm_boundary *b = p;
        tm_buf_puts(out, b->name ? b->name : b->id);
        return;
    }
    case O_IDENTITY: {
        const tm_identity *i = p;
        tm_buf_puts(out, i->name ? i->name : i->id);
        return;
    }
    case O_ARTIFACT: {
        const tm_artifact *a = p;
        tm_buf_puts(out, a->name ? a->name : a->id);
        return;
    }
    case O_DATA: {
        const tm_data *d = p;
        tm_buf_puts(out, d->name ? d->name : d->id);
        return;
    }
    case O_STATEMENT: {
        const tm_statement *s = p;
        if (s->sid) {
            tm_buf_puts(out, s->sid);
            return;
        }
        tm_buf_puts(out, s->allow ? "allow" : "deny");
        for (size_t i = 0; i < s->n_actions; i++) {
            tm_buf_puts(out, i ? ", " : " ");
            tm_buf_puts(out, s->actions[i]);
        }
        return;
    }
    case O_CONDITION: {
        const tm_condition *c = p;
        tm_buf_printf(out, "%s %s", c->test ? c->test : "", c->variable ? c->variable : "");
        return;
    }
    case O_SECRET: {
        const tm_secret *s = p;
        tm_buf_printf(out, "%s at %s:%u", s->kind ? s->kind : "secret", s->file ? s->file : "",
                      (unsigned)s->line);
        return;
    }
    case O_MODEL: {
        const tm_model *m = p;
        tm_buf_puts(out, m->system.name ? m->system.name : "model");
        return;
    }
    default:
        return;
    }
}

static void S_render(const S_val *v, tm_buf *out)
{
    switch ((S_vkind)v->k) {
    case V_NULL:
        tm_buf_puts(out, "unknown");
        return;
    case V_BOOL:
        tm_buf_puts(out, v->u.b ? "true" : "false");
        return;
    case V_INT:
        tm_buf_printf(out, "%lld", v->u.i);
        return;
    case V_FLOAT:
        tm_buf_printf(out, "%g", v->u.f);
        return;
    case V_STRING:
        tm_buf_puts(out, v->u.s);
        return;
    case V_CLASS:
        tm_buf_puts(out, (unsigned)v->u.c <= TM_CLASS_RESTRICTED ? S_class_names[v->u.c] : "none");
        return;
    case V_OBJ:
        S_render_obj(v, out);
        return;
    case V_LIST: {
        S_join_state js = {out, 1};
        S_each(&v->u.l, S_render_item, &js);
        return;
    }
    case V_MAP: {
        const tm_node *m = v->u.map;
        tm_buf_putc(out, '{');
        for (size_t i = 0; i < m->n; i++) {
            S_val item = S_from_node(m->pairs[i].value);
            tm_buf_printf(out, "%s%s: ", i ? ", " : "", m->pairs[i].key);
            S_render(&item, out);
        }
        tm_buf_putc(out, '}');
        return;
    }
    }
}

void tm_expr_render(const tm_expr *e, const tm_eval_ctx *ctx, tm_buf *out)
{
    if (!e)
        return;
    S_env env;
    S_env_init(&env, ctx);
    S_val v = S_eval(e->root, &env);
    S_render(&v, out);
}

/* ============================================================ templates */

/* The end of a placeholder that starts at tmpl[open] == '{': the offset of
 * its '}', skipping string literals (a glob may contain braces); 0 when it
 * is not closed. */
static size_t S_placeholder_end(const char *tmpl, size_t open)
{
    int in_string = 0;
    for (size_t i = open + 1; tmpl[i]; i++) {
        char c = tmpl[i];
        if (in_string) {
            if (c == '\\' && tmpl[i + 1])
                i++;
            else if (c == '"')
                in_string = 0;
        } else if (c == '"') {
            in_string = 1;
        } else if (c == '}') {
            return i;
        }
    }
    return 0;
}

int tm_expr_check_template(tm_arena *arena, const char *tmpl, tm_applies kind,
                           const tm_expr_origin *origin, tm_diags *d)
{
    int rc = 0;
    if (!tmpl)
        return 0;
    for (size_t i = 0; tmpl[i]; i++) {
        if (tmpl[i] != '{')
            continue;
        if (tmpl[i + 1] == '{') {
            i++;
            continue;
        }
        size_t close = S_placeholder_end(tmpl, i);
        if (!close) {
            S_parser p;
            memset(&p, 0, sizeof p);
            p.text = tmpl;
            p.origin = origin;
            p.d = d;
            S_error(&p, i, "unterminated placeholder: '{' without '}' (write '{{' for a brace)");
            return -1;
        }
        if (!S_parse_range(arena, tmpl, i + 1, close, kind, origin, d, M_PLACEHOLDER))
            rc = -1;
        i = close;
    }
    return rc;
}

/* A template compiled once: literal runs and placeholder trees, so that
 * expanding it for each threat parses nothing. */
typedef struct {
    const char *text; /* literal run (NULL for a placeholder) */
    size_t len;
    const S_node *expr; /* placeholder tree, or NULL when it did not parse */
} S_part;

struct tm_expr_template {
    S_part *parts;
    size_t n;
};

tm_expr_template *tm_expr_template_compile(tm_arena *arena, const char *tmpl, tm_applies kind)
{
    tm_expr_template *t = tm_arena_alloc(arena, sizeof *t);
    if (!tmpl)
        return t;
    /* At most one literal run and one placeholder per '{', plus the tail. */
    size_t cap = 1;
    for (const char *p = tmpl; *p; p++)
        cap += *p == '{' ? 2 : 0;
    t->parts = tm_arena_array(arena, cap + 1, sizeof *t->parts);
    size_t run = 0; /* start of the current literal run */
    tm_buf lit;     /* literal text with '{{' folded */
    tm_buf_init(&lit, 0);
    for (size_t i = 0; tmpl[i]; i++) {
        if (tmpl[i] != '{') {
            tm_buf_putc(&lit, tmpl[i]);
            continue;
        }
        if (tmpl[i + 1] == '{') {
            tm_buf_putc(&lit, '{');
            i++;
            continue;
        }
        size_t close = S_placeholder_end(tmpl, i);
        if (!close) {
            tm_buf_puts(&lit, tmpl + i); /* reported at load; keep the text */
            break;
        }
        if (lit.len) {
            t->parts[t->n].text = tm_arena_strndup(arena, lit.data, lit.len);
            t->parts[t->n++].len = lit.len;
            tm_buf_reset(&lit);
        }
        S_node *root = S_parse_range(arena, tmpl, i + 1, close, kind, NULL, NULL, M_PLACEHOLDER);
        if (root) {
            t->parts[t->n++].expr = root;
        } else {
            t->parts[t->n].text = tm_arena_strndup(arena, tmpl + i, close - i + 1);
            t->parts[t->n++].len = close - i + 1;
        }
        i = close;
        run = i + 1;
    }
    (void)run;
    if (lit.len) {
        t->parts[t->n].text = tm_arena_strndup(arena, lit.data, lit.len);
        t->parts[t->n++].len = lit.len;
    }
    tm_buf_free(&lit);
    return t;
}

const char *tm_expr_template_expand(tm_arena *arena, const tm_expr_template *t,
                                    const tm_eval_ctx *ctx)
{
    if (t->n == 0)
        return "";
    if (t->n == 1 && t->parts[0].text)
        return t->parts[0].text; /* no placeholder: the compiled text itself */
    tm_buf out;
    tm_buf_init(&out, 0);
    for (size_t k = 0; k < t->n; k++) {
        if (t->parts[k].text) {
            tm_buf_put(&out, t->parts[k].text, t->parts[k].len);
        } else {
            S_env env;
            S_env_init(&env, ctx);
            S_val v = S_eval(t->parts[k].expr, &env);
            S_render(&v, &out);
        }
    }
    const char *s = tm_arena_strndup(arena, out.data ? out.data : "", out.len);
    tm_buf_free(&out);
    return s;
}

const char *tm_expr_expand(tm_arena *arena, const char *tmpl, tm_applies kind,
                           const tm_eval_ctx *ctx)
{
    if (!tmpl)
        return "";
    if (!strchr(tmpl, '{'))
        return tm_arena_strdup(arena, tmpl);
    /* The placeholders' trees are only needed for this call. */
    tm_arena *scratch = tm_arena_new();
    const tm_expr_template *t = tm_expr_template_compile(scratch, tmpl, kind);
    const char *s = tm_arena_strdup(arena, tm_expr_template_expand(scratch, t, ctx));
    tm_arena_free(scratch);
    return s;
}
