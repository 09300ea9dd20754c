#!/usr/bin/env bash
# Runs an example with Ember in one local JVM (two task threads).
#
#   examples/scripts/submit-local.sh [sales|sql] [spark-submit options...]
#
# sales: the Java DataFrame application (dev.ember.examples.SalesReport), the default
# sql:   examples/sql/sales-report.sql through dev.ember.examples.SqlScript
# Needs spark-submit (SPARK_HOME or PATH) and the built jars (mvn -B -ntp -DskipTests package).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/ember-submit-common.sh"

example="${1:-sales}"
shift || true
ember_example_arguments "$example"
# options given after the example go before --class, so they reach spark-submit
exec "$SPARK_SUBMIT" --master 'local[2]' --conf spark.driver.host=127.0.0.1 --conf spark.driver.bindAddress=127.0.0.1 \
  "${EMBER_OPTIONS[@]}" "$@" "${EMBER_APPLICATION[@]}"
