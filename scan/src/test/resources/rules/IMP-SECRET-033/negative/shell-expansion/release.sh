#!/bin/sh
# Built at run time from variables the CI injects; nothing secret is in this file.
API_TOKEN="prefix-$RAW_TOKEN"
SIGNING_SECRET="v1-$(cat /run/secrets/signing)"
export API_TOKEN SIGNING_SECRET
