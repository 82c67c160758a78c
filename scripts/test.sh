#!/usr/bin/env bash
# The one command that runs every test: it provisions the real environment (Docker engine,
# registry, sshd, docker-compose, test images) and then runs the whole Maven test suite.
# Extra arguments go to Maven, e.g. scripts/test.sh -Dtest=SshComposeDeploymentTest
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/test-env.sh
# What the secret scan (SecretScanIT) reads is this run's alone.
rm -f target/keelson-test.log* target/api-answers.log target/test-secrets.txt
exec ./mvnw -B verify "$@"
