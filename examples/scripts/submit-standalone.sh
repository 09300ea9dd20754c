#!/usr/bin/env bash
# Submits an example with Ember to a Spark standalone cluster; the driver runs here (client mode).
#
#   examples/scripts/submit-standalone.sh spark://HOST:7077 [sales|sql] [spark-submit options...]
#
# Start a cluster first, e.g. on one machine: $SPARK_HOME/sbin/start-master.sh, then
# $SPARK_HOME/sbin/start-worker.sh spark://HOST:7077 (once per worker machine). Every executor gets Ember's
# jar through --jars; nothing needs installing on the workers. GPU scheduling: docs/deploy.md.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/ember-submit-common.sh"

if [[ $# -lt 1 || "$1" != spark://* ]]; then
  echo "usage: $0 spark://HOST:PORT [sales|sql] [spark-submit options...]" >&2
  exit 2
fi
master="$1"
shift
example="${1:-sales}"
shift || true
ember_example_arguments "$example"
# options given after the example go before --class, so they reach spark-submit
exec "$SPARK_SUBMIT" --master "$master" --deploy-mode client "${EMBER_OPTIONS[@]}" "$@" "${EMBER_APPLICATION[@]}"
