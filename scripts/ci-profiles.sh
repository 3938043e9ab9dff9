#!/usr/bin/env bash
# In CI: writes the AWS profiles the config names from the session a job got through OIDC, afresh each
# time the job changes credentials. The source profile (or `default`, when the config names none) holds
# the current session: the deployer's for IAM stacks, the destination's CI role for its EC2 stack; the
# destination profile assumes DESTINATION_ROLE_ARN from it.
set -euo pipefail
mkdir -p ~/.aws
source_profile="${SOURCE_PROFILE:-default}"
printf '[%s]\naws_access_key_id = %s\naws_secret_access_key = %s\naws_session_token = %s\n' \
  "$source_profile" "$AWS_ACCESS_KEY_ID" "$AWS_SECRET_ACCESS_KEY" "$AWS_SESSION_TOKEN" > ~/.aws/credentials
if [ -n "${DESTINATION_PROFILE:-}" ]; then
  printf '[profile %s]\nrole_arn = %s\nsource_profile = %s\n' "$DESTINATION_PROFILE" "$DESTINATION_ROLE_ARN" "$source_profile" > ~/.aws/config
else
  : > ~/.aws/config
fi
