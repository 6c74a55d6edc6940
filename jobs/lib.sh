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

# Flags for a class-data sharing archive of the app's classes (target/ridgeline.jsa): Spark's classes
# then map from one file instead of being searched for in 225 jars, parsed and verified at every start,
# which cuts a small run's wall time by about a quarter (README: "Start-up and fixed costs"). The
# archive is dumped once per build by a one-point sweep of the bundled diabetes sample under
# -XX:ArchiveClassesAtExit, behind a lock (runs started together wait for one dump), and renamed into
# place whole. A dump that fails is not retried until the next build and costs only the speed-up; an
# archive the JVM cannot use (another JDK) is ignored quietly. RIDGELINE_CDS=0 turns it off.
ridgeline_cds_flags() {
  local top="$1" who="$2"
  [[ "${RIDGELINE_CDS:-1}" == 0 ]] && return 0
  local jsa="$top/target/ridgeline.jsa"
  _ridgeline_fresh "$top" "$jsa" || _ridgeline_fresh "$top" "$jsa.failed" || (
    flock 9
    _ridgeline_fresh "$top" "$jsa" || _ridgeline_fresh "$top" "$jsa.failed" || _ridgeline_dump_cds "$top" "$who" "$jsa"
  ) 9>"$top/target/.cds.lock"
  if _ridgeline_fresh "$top" "$jsa"; then
    printf '%s\n' "-XX:SharedArchiveFile=$jsa" -Xlog:cds=off -Xlog:cds+dynamic=off
  fi
}

# True when FILE exists and is newer than the app jar and the classpath file.
_ridgeline_fresh() {
  [[ -f "$2" && ! "$1/target/ridgeline.jar" -nt "$2" && ! "$1/target/classpath.txt" -nt "$2" ]]
}

_ridgeline_dump_cds() {
  local top="$1" who="$2" jsa="$3" scratch flags
  echo "$who: dumping the class-data archive for faster starts (once per build, about 40 s)…" >&2
  scratch="$(mktemp -d "$top/target/cds.XXXXXX")"
  mapfile -t flags < <(ridgeline_jvm_flags "$top")
  if java -Xmx1g "${flags[@]}" -XX:ArchiveClassesAtExit="$scratch/ridgeline.jsa" \
      -Xlog:cds=off -Xlog:cds+dynamic=off -Dlog4j2.configurationFile="$top/conf/log4j2.properties" \
      -cp "$top/target/ridgeline.jar:$(cat "$top/target/classpath.txt")" io.ridgeline.cli.Main sweep \
      "$top/conf/diabetes.yaml" --set run.output="$scratch/out" --set 'run.master=local[1]' \
      --set 'sweep.alpha=[1]' --set sweep.lambda.path=null --set 'sweep.lambda.values=[1]' \
      --set cv.folds=2 --run-id cds >"$scratch/dump.log" 2>&1 && [[ -s "$scratch/ridgeline.jsa" ]]; then
    mv -f "$scratch/ridgeline.jsa" "$jsa"
    rm -rf "$scratch" "$jsa.failed"
  else
    mv -f "$scratch/dump.log" "$jsa.failed"
    rm -rf "$scratch"
    echo "$who: no class-data archive (runs start without it until the next build); why: $jsa.failed" >&2
  fi
}
