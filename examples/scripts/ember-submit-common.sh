# Shared by submit-local.sh and submit-standalone.sh: finds the jars and builds the spark-submit arguments of
# an example. Sourced, not run.
#
#   ember_example_arguments sales|sql    fills two arrays: EMBER_OPTIONS (spark-submit options that add Ember)
#                                        and EMBER_APPLICATION (--class, the jar and the application's arguments)

examples_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
project_root="$(cd "$examples_root/.." && pwd)"

# spark-submit from $SPARK_HOME when it is set, else from the PATH
if [[ -n "${SPARK_HOME:-}" ]]; then
  SPARK_SUBMIT="$SPARK_HOME/bin/spark-submit"
else
  SPARK_SUBMIT="$(command -v spark-submit || true)"
fi
if [[ -z "$SPARK_SUBMIT" || ! -x "$SPARK_SUBMIT" ]]; then
  echo "spark-submit not found: set SPARK_HOME to a Spark 4.0-4.2 installation or put spark-submit on the PATH" >&2
  exit 1
fi

# the one jar of a folder whose name matches a pattern; a clear message when the build has not made it
only_jar() {
  local folder="$1" pattern="$2" found=()
  shopt -s nullglob
  found=("$folder"/$pattern)
  shopt -u nullglob
  if [[ ${#found[@]} -ne 1 ]]; then
    echo "expected one $pattern in $folder, found ${#found[@]}; build first: (cd $project_root && mvn -B -ntp -DskipTests package)" >&2
    exit 1
  fi
  echo "${found[0]}"
}

ember_example_arguments() {
  local example="${1:-sales}"
  local ember_jar examples_jar
  ember_jar="$(only_jar "$project_root/plugin/target" 'ember-spark-plugin-*[0-9T].jar')"
  examples_jar="$(only_jar "$examples_root/target" 'ember-examples-*[0-9T].jar')"
  EMBER_OPTIONS=(
    --jars "$ember_jar"
    --conf spark.plugins=dev.ember.EmberPlugin
    --conf spark.ember.explain=ALL
    # auto (Ember's default) leaves queries to Spark on a machine without a GPU; the examples show Ember
    # running, so they ask for the host engine unless EMBER_DEVICE says otherwise
    --conf "spark.ember.device=${EMBER_DEVICE:-host}"
  )
  case "$example" in
    sales) EMBER_APPLICATION=(--class dev.ember.examples.SalesReport "$examples_jar") ;;
    sql) EMBER_APPLICATION=(--class dev.ember.examples.SqlScript "$examples_jar" "$examples_root/sql/sales-report.sql") ;;
    *) echo "unknown example '$example'; choose sales (the DataFrame application) or sql (the SQL script)" >&2; exit 2 ;;
  esac
}
