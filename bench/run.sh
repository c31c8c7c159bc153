#!/bin/sh
# Runs Baton's benchmarks with one profile and writes the results table (see bench/README.md).
#   bench/run.sh              short profile (about 10 minutes): bench/RESULTS.md + the README summary
#   bench/run.sh --render     RESULTS.md and the README summary again from the raw results it keeps
#   bench/run.sh --smoke      one short iteration of everything (CI): bench/target/bench-run/
#   bench/run.sh --help       the other options
# Builds bench/target/benchmarks.jar first when it is missing or older than a source file.
set -eu
cd "$(dirname "$0")/.."
. ./.mvn/find-jdk.sh

jar=bench/target/benchmarks.jar
if [ ! -f "$jar" ] || [ -n "$(find . -path ./.git -prune -o -path '*/src/*' -newer "$jar" -type f -print | head -n 1)" ] \
  || [ -n "$(find . -maxdepth 2 -name pom.xml -newer "$jar" -print | head -n 1)" ]; then
  echo "== building $jar"
  ./mvnw -B -q -DskipTests package -pl bench -am
fi

exec "$JAVA_HOME/bin/java" -cp "$jar" dev.baton.bench.report.BenchMain "$@"
