/*
 * The secret scan (src/engine/secrets.c): every pattern, references that must
 * not be reported, masking, positions, and the promise that no raw secret
 * reaches an output (threats.json, check output).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "engine/engine.h"
#include "testutil.h"

/* Scan one text; the findings live in the returned arena. */
static size_t S_scan(tm_arena **ar, const char *text, tm_secret **out)
{
    *ar = tm_arena_new();
    return tm_secrets_scan(*ar, "f.txt", text, strlen(text), out);
}

/* Exactly one finding of `kind`, with `masked`, at line:col. */
static void S_one(const char *text, const char *kind, const char *masked, unsigned line,
                  unsigned col)
{
    tm_arena *ar;
    tm_secret *s;
    size_t n = S_scan(&ar, text, &s);
    ck_assert_msg(n == 1, "%zu findings in <<%s>> (want 1 %s)", n, text, kind);
    ck_assert_str_eq(s[0].kind, kind);
    ck_assert_str_eq(s[0].masked, masked);
    ck_assert_str_eq(s[0].file, "f.txt");
    ck_assert_uint_eq(s[0].line, line);
    ck_assert_uint_eq(s[0].col, col);
    tm_arena_free(ar);
}

static void S_none(const char *text)
{
    tm_arena *ar;
    tm_secret *s;
    size_t n = S_scan(&ar, text, &s);
    ck_assert_msg(n == 0, "unexpected finding in <<%s>>: %s %s", text, n ? s[0].kind : "",
                  n ? s[0].masked : "");
    tm_arena_free(ar);
}

START_TEST(aws_access_key_ids)
{
    S_one("export AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE\n", "AWS access key id",
          "AKIA****************", 1, 26);
    S_one("x\n  key: ASIAIOSFODNN7EXAMPLE # temp\n", "AWS temporary access key id",
          "ASIA****************", 2, 8);
    /* Too short, too long, or glued to other word characters: not a key id. */
    S_none("AKIAIOSFODNN7EXAMPL\n");
    S_none("AKIAIOSFODNN7EXAMPLEX\n");
    S_none("xAKIAIOSFODNN7EXAMPLE\n");
    S_none("AKIAiosfodnn7example\n");
}
END_TEST

START_TEST(aws_secret_keys)
{
    S_one("aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n",
          "AWS secret access key", "wJal************************************", 1, 25);
    S_one("AWS_SECRET_ACCESS_KEY: \"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\"\n",
          "AWS secret access key", "wJal************************************", 1, 25);
    /* 40 characters without the secret's name on the line: only the entropy
     * check could report it, and this one is a plain word. */
    S_none("comment: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n");
}
END_TEST

START_TEST(private_keys)
{
    S_one("key: |\n  -----BEGIN RSA PRIVATE KEY-----\n  MIIEow...\n", "private key",
          "----***************************", 2, 3);
    S_one("-----BEGIN OPENSSH PRIVATE KEY-----\n", "private key",
          "----*******************************", 1, 1);
    S_none("-----BEGIN PUBLIC KEY-----\n");
    S_none("-----BEGIN CERTIFICATE-----\n");
}
END_TEST

START_TEST(tokens)
{
    S_one("token: ghp_0123456789abcdefghijABCDEFGHIJ012345\n", "GitHub personal access token",
          "ghp_************************************", 1, 8);
    S_one("t=gho_0123456789abcdefghijABCDEFGHIJ012345\n", "GitHub OAuth token",
          "gho_************************************", 1, 3);
    S_one("GITHUB_PAT github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz\n",
          "GitHub fine-grained token", "gith****************************************", 1,
          12);
    S_one("SLACK xoxb-1234567890-abcdefghijkl\n", "Slack bot token",
          "xoxb************************", 1, 7);
    S_one("stripe sk_live_4eC39HqLyjWDarjtT1zdp7dc\n", "Stripe live secret key",
          "sk_l****************************", 1, 8);
    S_one("maps AIzaSyA1234567890abcdefghijklmnopqrstuv\n", "Google API key",
          "AIza***********************************", 1, 6);
    S_none("ghp_short\n");
    S_none("sk_test_4eC39HqLyjWDarjtT1zdp7dc\n"); /* test keys are not live */
}
END_TEST

START_TEST(generic_assignments)
{
    S_one("password=hunter22\n", "hard-coded secret assignment", "hunt****", 1, 10);
    S_one("db:\n  passwd: 'S3cr3t-value'\n", "hard-coded secret assignment", "S3cr********", 2,
          12);
    S_one("  client_secret: abcdef123456\n", "hard-coded secret assignment", "abcd********", 1,
          18);
    S_one("{\"apiToken\": \"tok-1234567890\"}\n", "hard-coded secret assignment",
          "tok-**********", 1, 15);
    S_one("sh 'USER=u password=Sm0keTest-2019 ./run.sh'\n", "hard-coded secret assignment",
          "Sm0k**********", 1, 21);
}
END_TEST

START_TEST(url_credentials)
{
    S_one("url: https://deploy:S3cretPw@git.example.com/repo.git\n", "password in URL",
          "S3cr****", 1, 21);
    S_one("DATABASE_URL=postgres://app:pa55w0rd!@db:5432/app\n", "password in URL",
          "pa55*****", 1, 29);
    S_none("url: https://git.example.com/repo.git\n");
    S_none("url: https://user@git.example.com/repo.git\n");
    S_none("url: https://user:${GIT_TOKEN}@git.example.com/repo.git\n");
    S_none("see http://example.com:8080/path\n");
}
END_TEST

START_TEST(key_names_by_word)
{
    /* Word-level names: tokenizer is not a token, apiToken and DB_PASSWORD are. */
    S_none("tokenizer: bert-base-uncased\n");
    S_none("passwordPolicy: strict-and-long\n");
    S_none("paymentSecretId: shop/payment-api\n");
    S_one("apiToken: abc123def456\n", "hard-coded secret assignment", "abc1********", 1, 11);
    S_one("DB_PASSWORD=abc123def456\n", "hard-coded secret assignment", "abc1********", 1, 13);
    S_one("private-key: abc123def456\n", "hard-coded secret assignment", "abc1********", 1, 14);
    S_one("AppSecretKey: abc123def456\n", "hard-coded secret assignment", "abc1********", 1, 15);
    /* Digests are random but not secret. */
    S_none("\"integrity\": \"sha512-9fK2mQ7xLp4vT8wZ3nB6cR1yH5jD0sGa9fK2mQ7xLp4vT8wZ3nB6cR1y\"\n");
    S_none("resolved_sha: 9fK2mQ7xLp4vT8wZ3nB6cR1yH5jD0sGa9f\n");
}
END_TEST

START_TEST(references_are_not_secrets)
{
    S_none("password: ${{ secrets.DB_PASSWORD }}\n");
    S_none("token: ${env:API_TOKEN}\n");
    S_none("secret: ${ssm:/app/secret}\n");
    S_none("secret: ${ssm:/aws/reference/secretsmanager/app}\n");
    S_none("DbPassword: !Ref DbPasswordParam\n");
    S_none("password: !Sub '{{resolve:secretsmanager:db}}'\n");
    S_none("password = $DB_PASSWORD\n");
    S_none("token = \"${TOKEN}\"\n");
    S_none("api_key: \"{{ vault_api_key }}\"\n");
    S_none("password: <your password>\n");
    S_none("password: process.env.PASSWORD\n");
    /* Names that point at a secret rather than hold one. */
    S_none("PAYMENT_SECRET_ID: shop/payment-api\n");
    S_none("secret_arn: arn:aws:secretsmanager:eu-west-1:111122223333:secret:x\n");
    S_none("token_url: https://auth.example.com/token\n");
    /* Flags and words. */
    S_none("permissions:\n  id-token: write\n");
    S_none("password: required\n");
    /* a generated secret's template (CloudFormation GenerateSecretString) */
    S_none("SecretStringTemplate: !Sub '{\"Password\": \"REPLACED\"}'\n");
    S_none("db_password: REPLACE_ME\n");
    S_none("secret_scanning: false\n");
    S_none("if (password == other) {\n");
}
END_TEST

START_TEST(high_entropy_values)
{
    /* A random-looking 40-character value under a harmless name. */
    S_one("signing_value: 9fK2mQ7xLp4vT8wZ3nB6cR1yH5jD0sGa\n", "high-entropy string",
          "9fK2****************************", 1, 16);
    /* Long but low-entropy, or with characters outside the alphabets. */
    S_none("path: /usr/local/lib/node_modules/serverless/bin\n");
    S_none("value: aaaaaaaaaaaaaaaabbbbbbbbbbbbbbbbbbbbbb\n");
    S_none("url: https://cdn.example.com/assets/app.0123456789abcdef.js\n");
    /* Commit hashes are hex: 4 bits per character at most, never above 4.0. */
    S_none("ref: b4ffde65f46336ab88eb53be808477a3936bae11\n");
    S_none("- uses: actions/checkout@b4ffde65f46336ab88eb53be808477a3936bae11\n");
}
END_TEST

START_TEST(several_on_one_line_and_positions)
{
    tm_arena *ar;
    tm_secret *s;
    const char *text = "a\r\nb\n  K1=AKIAIOSFODNN7EXAMPLE K2=AKIAI44QH8DHBEXAMPLE\n";
    size_t n = S_scan(&ar, text, &s);
    ck_assert_uint_eq(n, 2);
    ck_assert_uint_eq(s[0].line, 3);
    ck_assert_uint_eq(s[0].col, 6);
    ck_assert_uint_eq(s[1].line, 3);
    ck_assert_uint_eq(s[1].col, 30);
    tm_arena_free(ar);
    /* Reading order, whatever pass found what. */
    n = S_scan(&ar, "password=hunter22 AKIAIOSFODNN7EXAMPLE\n", &s);
    ck_assert_uint_eq(n, 2);
    ck_assert_str_eq(s[0].kind, "hard-coded secret assignment");
    ck_assert_str_eq(s[1].kind, "AWS access key id");
    tm_arena_free(ar);
    /* Columns count characters, not bytes. */
    S_one("é: AKIAIOSFODNN7EXAMPLE\n", "AWS access key id", "AKIA****************", 1, 4);
}
END_TEST

START_TEST(binary_and_empty_input)
{
    tm_arena *ar = tm_arena_new();
    tm_secret *s = NULL;
    ck_assert_uint_eq(tm_secrets_scan(ar, "e", "", 0, &s), 0);
    ck_assert_ptr_nonnull(s);
    const char bin[] = "\0\0AKIAIOSFODNN7EXAMPLE\0\xff\xfe";
    ck_assert_uint_eq(tm_secrets_scan(ar, "b", bin, sizeof bin - 1, &s), 1);
    ck_assert_str_eq(s[0].masked, "AKIA****************");
    tm_arena_free(ar);
}
END_TEST

/* The raw value never reaches any output: run the real binary on a model
 * whose deploy script holds the AWS documentation's example key pair and
 * look for the key bodies in everything it writes. */
START_TEST(no_raw_secret_in_outputs)
{
    char *dir = tu_tmpdir();
    char path[2048], model[1024], out[1024];
    snprintf(path, sizeof path, "%s/deploy.sh", dir);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs("#!/bin/sh\nexport AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE\n"
          "export AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n"
          "curl -H 'Authorization: token ghp_0123456789abcdefghijABCDEFGHIJ012345' x\n",
          f);
    fclose(f);
    snprintf(model, sizeof model, "%s/model.yaml", dir);
    f = fopen(model, "w");
    ck_assert_ptr_nonnull(f);
    fputs("stridec: 1\nsystem: {name: leak}\nartifacts:\n"
          "  - {id: deploy, name: deploy.sh, type: deployment-script, path: deploy.sh, owner: ops}\n",
          f);
    fclose(f);
    snprintf(out, sizeof out, "%s/out", dir);
    const char *report[] = {"report", model, "-o", out, "-f", "json,sarif", NULL};
    tu_result r = tu_run(report);
    ck_assert_msg(r.status == 0, "report failed: %s", r.err);
    tu_result_free(&r);
    const char *check[] = {"check", model, "--format", "text", NULL};
    r = tu_run(check);
    const char *bodies[] = {"IOSFODNN7EXAMPLE", "bPxRfiCYEXAMPLEKEY", "abcdefghijABCDEFGHIJ"};
    for (size_t k = 0; k < 3; k++) {
        ck_assert_msg(!strstr(r.out, bodies[k]), "check output holds %s", bodies[k]);
        ck_assert_msg(!strstr(r.err, bodies[k]), "check errors hold %s", bodies[k]);
    }
    ck_assert_ptr_nonnull(strstr(r.out, "CICD-SECRET-CLOUD-KEY@deploy"));
    tu_result_free(&r);
    const char *files[] = {"threats.json", "threats.sarif"};
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        snprintf(path, sizeof path, "%s/%s", out, files[i]);
        char *text = tu_slurp(path, NULL);
        ck_assert_msg(text != NULL, "%s not written", files[i]);
        for (size_t k = 0; k < 3; k++)
            ck_assert_msg(!strstr(text, bodies[k]), "%s holds %s", files[i], bodies[k]);
        if (i == 0) {
            ck_assert_ptr_nonnull(strstr(text, "deploy.sh:2:26: AWS access key id AKIA****************"));
            ck_assert_ptr_nonnull(strstr(text, "CICD-SECRET-CLOUD-KEY@deploy"));
        }
        free(text);
    }
    tu_rmtree(dir);
    free(dir);
}
END_TEST

/* Artifacts: what is scanned, what is not, and why not. */
START_TEST(artifact_scan_states)
{
    char *dir = tu_tmpdir();
    char path[1024], model[1024];
    snprintf(path, sizeof path, "%s/ci", dir);
    ck_assert_int_eq(mkdir(path, 0755), 0);
    snprintf(path, sizeof path, "%s/ci/sub", dir);
    ck_assert_int_eq(mkdir(path, 0755), 0);
    snprintf(path, sizeof path, "%s/ci/b.yml", dir);
    FILE *f = fopen(path, "w");
    fputs("token: ghp_0123456789abcdefghijABCDEFGHIJ012345\n", f);
    fclose(f);
    snprintf(path, sizeof path, "%s/ci/sub/a.yml", dir);
    f = fopen(path, "w");
    fputs("password: hunter2hunter2\n", f);
    fclose(f);
    snprintf(model, sizeof model, "%s/model.yaml", dir);
    f = fopen(model, "w");
    fputs("stridec: 1\nsystem: {name: scan}\nartifacts:\n"
          "  - {id: folder, type: ci-config, path: ci, owner: o}\n"
          "  - {id: gone, type: config, path: missing.json, owner: o}\n"
          "  - {id: lib, type: library, path: ci/b.yml, version: 1.0.0, owner: o}\n",
          f);
    fclose(f);
    tm_diags *d = tm_diags_new();
    tm_model *m = tm_model_load(model, NULL, d);
    ck_assert_ptr_nonnull(m);
    tm_analysis *a = tm_analyze(m, NULL, NULL, NULL, d);
    ck_assert_ptr_nonnull(a);
    /* A folder: its files in name order, nested ones included, shown by path. */
    ck_assert(a->artifacts[0].scanned);
    ck_assert_uint_eq(a->artifacts[0].n_secrets, 2);
    ck_assert_str_eq(a->artifacts[0].secrets[0].file, "ci/b.yml");
    ck_assert_str_eq(a->artifacts[0].secrets[1].file, "ci/sub/a.yml");
    /* A missing file: not scanned, with the reason. */
    ck_assert(!a->artifacts[1].scanned);
    ck_assert_ptr_nonnull(a->artifacts[1].scan_error);
    ck_assert_ptr_nonnull(strstr(a->artifacts[1].scan_error, "missing.json"));
    /* Libraries are not scanned. */
    ck_assert(!a->artifacts[2].scanned);
    ck_assert_uint_eq(a->artifacts[2].n_secrets, 0);
    tm_analysis_free(a);
    tm_model_free(m);
    tm_diags_free(d);
    tu_rmtree(dir);
    free(dir);
}
END_TEST

Suite *suite_secrets(void)
{
    Suite *s = suite_create("secrets");
    TCase *tc = tcase_create("scan");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, aws_access_key_ids);
    tcase_add_test(tc, aws_secret_keys);
    tcase_add_test(tc, private_keys);
    tcase_add_test(tc, tokens);
    tcase_add_test(tc, generic_assignments);
    tcase_add_test(tc, url_credentials);
    tcase_add_test(tc, key_names_by_word);
    tcase_add_test(tc, references_are_not_secrets);
    tcase_add_test(tc, high_entropy_values);
    tcase_add_test(tc, several_on_one_line_and_positions);
    tcase_add_test(tc, binary_and_empty_input);
    tcase_add_test(tc, no_raw_secret_in_outputs);
    tcase_add_test(tc, artifact_scan_states);
    suite_add_tcase(s, tc);
    return s;
}
