# shellcheck shell=sh
# Finds a JDK 21 or newer for Baton's build and launcher scripts and exports JAVA_HOME.
#
# Order: $BATON_JAVA_HOME, $JAVA_HOME, the `java` on PATH, then the usual install
# locations (/usr/lib/jvm, /usr/java, /opt, SDKMAN, macOS). The newest version found
# wins among the install locations. Sourced by ./mvnw and ./baton; POSIX sh.

baton_java_major() {
  # prints the feature version of the JDK at $1 (e.g. 25), or nothing
  [ -x "$1/bin/java" ] && [ -x "$1/bin/javac" ] || return 0
  if [ -f "$1/release" ]; then
    sed -n 's/^JAVA_VERSION="\{0,1\}\([0-9][0-9]*\).*/\1/p' "$1/release" | head -n 1
  else
    "$1/bin/java" -version 2>&1 | sed -n 's/.*version "\([0-9][0-9]*\).*/\1/p' | head -n 1
  fi
}

baton_find_jdk() {
  baton_min=21
  for baton_candidate in "${BATON_JAVA_HOME-}" "${JAVA_HOME-}"; do
    [ -n "$baton_candidate" ] || continue
    baton_v=$(baton_java_major "$baton_candidate")
    if [ -n "$baton_v" ] && [ "$baton_v" -ge "$baton_min" ]; then
      JAVA_HOME=$baton_candidate
      export JAVA_HOME
      return 0
    fi
  done
  if command -v java >/dev/null 2>&1; then
    baton_onpath=$(cd "$(dirname "$(readlink -f "$(command -v java)")")/.." && pwd)
    baton_v=$(baton_java_major "$baton_onpath")
    if [ -n "$baton_v" ] && [ "$baton_v" -ge "$baton_min" ]; then
      JAVA_HOME=$baton_onpath
      export JAVA_HOME
      return 0
    fi
  fi
  baton_best=
  baton_best_v=0
  # callers may run with globbing off (mvnw uses set -f): turn it on for the scan only
  case $- in *f*) baton_noglob=1 ;; *) baton_noglob= ;; esac
  set +f
  for baton_candidate in /usr/lib/jvm/* /usr/java/* /opt/java/* /opt/jdk* /opt/*jdk* \
    "${HOME-}"/.sdkman/candidates/java/* "${HOME-}"/.jdks/* \
    /Library/Java/JavaVirtualMachines/*/Contents/Home; do
    [ -d "$baton_candidate" ] || continue
    baton_v=$(baton_java_major "$baton_candidate")
    [ -n "$baton_v" ] || continue
    if [ "$baton_v" -ge "$baton_min" ] && [ "$baton_v" -gt "$baton_best_v" ]; then
      baton_best=$baton_candidate
      baton_best_v=$baton_v
    fi
  done
  [ -z "$baton_noglob" ] || set -f
  if [ -n "$baton_best" ]; then
    JAVA_HOME=$baton_best
    export JAVA_HOME
    return 0
  fi
  echo "Baton needs a JDK 21 or newer (25 recommended): install one (e.g. apt-get install openjdk-25-jdk) or set BATON_JAVA_HOME to its directory." >&2
  exit 1
}

baton_find_jdk
