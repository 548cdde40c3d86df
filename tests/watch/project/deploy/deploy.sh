#!/bin/sh
# Deploys the stack; credentials come from the CI's OIDC role.
set -eu
sam deploy --stack-name shop --no-confirm-changeset
