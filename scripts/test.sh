#!/usr/bin/env bash
# The one command that runs every test: it provisions the real environment (Docker engine,
# registry, sshd, docker-compose, test images) and then runs the whole Maven test suite, and prints
# the slowest test classes at the end (pass or fail), so a slow test is seen when it is added.
# Extra arguments go to Maven, e.g. scripts/test.sh -Dtest=SshComposeDeploymentTest
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/test-env.sh
# What the secret scan (SecretScanIT) reads is this run's alone.
rm -f target/keelson-test.log* target/api-answers.log target/test-secrets.txt
rm -rf target/surefire-reports target/failsafe-reports
started=$(date +%s)
status=0
./mvnw -B verify "$@" || status=$?
bash scripts/slowest-tests.sh 10
echo "scripts/test.sh: Maven took $(( $(date +%s) - started )) s, exit $status"
exit "$status"
