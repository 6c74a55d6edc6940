# Sourced by the scripts in jobs/: builds what they run from, when it is missing or stale.
#   target/ridgeline.jar    the app jar (mvn package)
#   target/classpath.txt    Spark and the app's dependencies from the Maven classpath (compile + provided)
# Both are also made by `mvn package` (pom.xml binds dependency:build-classpath to the package phase).

ridgeline_build() {
  local top="$1" who="$2"
  local jar="$top/target/ridgeline.jar" classpath="$top/target/classpath.txt"
  if [[ ! -f "$jar" || -n "$(find "$top/src/main" "$top/pom.xml" -newer "$jar" -print -quit)" ]]; then
    echo "$who: building the app jar (mvn package)…" >&2
    (cd "$top" && mvn -q -B -DskipTests package) >&2
  fi
  if [[ ! -f "$classpath" || "$top/pom.xml" -nt "$classpath" ]]; then
    (cd "$top" && mvn -q -B dependency:build-classpath -Dmdep.includeScope=compile -Dmdep.outputFile="$classpath") >&2
  fi
}

# The JVM flags Spark's launcher passes on Java 17 (conf/jvm.options), one per line.
ridgeline_jvm_flags() {
  grep -vE '^\s*(#|$)' "$1/conf/jvm.options"
}
