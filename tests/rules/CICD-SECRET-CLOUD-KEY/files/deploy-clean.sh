#!/bin/sh
# deploy script: credentials come from the CI role (OIDC)
export AWS_REGION=eu-west-1
export AWS_ACCESS_KEY_ID=${AWS_ACCESS_KEY_ID}
sls deploy --stage prod
