#!/usr/bin/env bash
# The JVM's class archive (CDS) for recsv's local runs: the classes of Spark, Hadoop and Scala, as a short local
# Spark job loads them (ClassArchiveWarmup.java), stored once, then mapped by every local recsv JVM rather than read
# from some 300 jars and verified again. The archive names only the dependency jars (the launcher puts recsv's own
# jar after them), so a rebuild of recsv keeps it; another set of dependencies or another Java makes another.
#   class-archive.sh path   this build's archive for this Java (it may not exist yet)
#   class-archive.sh make   makes it unless it exists (the build runs this; about 30 s on 2 cores) and removes the
#                           archives of other dependencies or Javas; when it cannot, says why and leaves it out:
#                           the archive makes a JVM start sooner, nothing more
set -euo pipefail

target="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
java="$(command -v "${JAVA_HOME:+$JAVA_HOME/bin/}java")"
classpath="$(cat "$target/local-classpath.txt")"
# The Java by its path and its binary's size and date (ls -L: through links; portable, as stat's flags are not).
key="$( { echo "$java"; ls -lnL "$java" | awk '{print $5, $6, $7, $8}'; echo "$classpath"; } | cksum | cut -d' ' -f1)"
archive="$target/class-archive/$key.jsa"

case "${1:-}" in
  path)
    echo "$archive"
    ;;
  make)
    [[ -f "$archive" ]] && exit 0
    mkdir -p "$target/class-archive"
    scratch="$(mktemp -d -p "$target/class-archive")"  # beside the archive: the move below is a rename
    trap 'rm -rf "$scratch"' EXIT
    echo "recsv: making the JVM's class archive for local runs (once for this set of dependencies and Java)" >&2
    # The launcher's JVM options: an archive is used only by a JVM whose class path and options match its own.
    if ! "$java" -Xmx6g @"$target/jvm.args" -XX:ArchiveClassesAtExit="$scratch/classes.jsa" -Xlog:cds=off \
        -Xlog:cds+dynamic=off -cp "$classpath" "$target/ClassArchiveWarmup.java" "$scratch/work" \
        > "$scratch/log" 2>&1 || [[ ! -s "$scratch/classes.jsa" ]]; then
      tail -n 30 "$scratch/log" >&2
      echo "recsv: the class archive could not be made (its run's last lines above); local runs start without it" >&2
      exit 0
    fi
    mv -f "$scratch/classes.jsa" "$archive"  # a rename: a launcher never maps a half-written archive
    # Archives of earlier dependencies or Javas are 150 MB each and no launcher of this build maps them: removed (a
    # JVM that has one mapped keeps its pages).
    find "$target/class-archive" -maxdepth 1 -name '*.jsa' ! -name "$key.jsa" -exec rm -f {} +
    ;;
  *)
    echo "usage: class-archive.sh path|make" >&2
    exit 2
    ;;
esac
