#!/usr/bin/env bash
# Installs the engines the cross-engine test builds on, from Debian's packages only:
# PostgreSQL 15 (server and client) and OpenJDK 17 (the JVM pyspark's local mode runs in).
# Idempotent: installs nothing when both are present. Fails loudly (exit 1, one line on
# stderr) when they are missing and cannot be installed, so CI never skips the test silently.
set -euo pipefail

have_postgres() { [ -x "$(pg_bindir)/initdb" ] && [ -x "$(pg_bindir)/pg_ctl" ]; }
have_java() { command -v java >/dev/null 2>&1 && java -version 2>&1 | grep -q 'version "17'; }
pg_bindir() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }

if have_postgres && have_java; then
  exit 0
fi
if [ "$(id -u)" != "0" ]; then
  echo "install_engines: PostgreSQL or OpenJDK 17 missing and not root: install postgresql and openjdk-17-jre-headless" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
echo "install_engines: installing Debian's postgresql and openjdk-17-jre-headless" >&2
if ! { apt-get update -qq >/dev/null &&
  apt-get install -y -qq --no-install-recommends postgresql openjdk-17-jre-headless >/dev/null; }; then
  echo "install_engines: apt-get could not install postgresql / openjdk-17-jre-headless" >&2
  exit 1
fi
if ! { have_postgres && have_java; }; then
  echo "install_engines: installed, but initdb/pg_ctl or java 17 still not found" >&2
  exit 1
fi
