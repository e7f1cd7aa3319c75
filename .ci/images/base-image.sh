#!/usr/bin/env bash
# Builds the base of the platform's images offline: a jlink'd Java runtime plus the few shared
# libraries it links against, packed as a docker-save tarball that Jib takes as `tar://...`.
# No registry, no Docker engine. Usage: base-image.sh <output.tar> [<jdk home>]
# (A container runtime mounts /proc, which the loader needs to find the JDK's own libraries.)
set -euo pipefail

out=${1:?usage: base-image.sh <output.tar> [<jdk home>]}
jdk=${2:-}
if [ -z "$jdk" ]; then
  for candidate in /usr/lib/jvm/*; do
    release="$candidate/release"
    [ -f "$release" ] || continue
    version=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$release")
    if [ -n "$version" ] && [ "$version" -ge 21 ] && [ -x "$candidate/bin/jlink" ]; then jdk=$candidate; fi
  done
fi
[ -n "$jdk" ] || { echo "base-image.sh: no JDK >= 21 with jlink under /usr/lib/jvm; pass one as the second argument" >&2; exit 2; }

if [ -f "$out" ] && [ "$out" -nt "$0" ]; then
  echo "base image $out is up to date"
  exit 0
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
root="$work/rootfs"
mkdir -p "$root/opt" "$root/etc" "$root/tmp" "$work/image"

modules=java.base,java.compiler,java.desktop,java.instrument,java.logging,java.management,java.naming,java.net.http,java.prefs,java.rmi,java.scripting,java.security.jgss,java.security.sasl,java.sql,java.transaction.xa,java.xml,java.xml.crypto,jdk.httpserver,jdk.jfr,jdk.management,jdk.management.jfr,jdk.naming.dns,jdk.net,jdk.unsupported,jdk.zipfs,jdk.jcmd
"$jdk/bin/jlink" --add-modules "$modules" --strip-debug --no-man-pages --no-header-files --compress=zip-6 --output "$root/opt/java"

# The shared libraries the runtime links against (glibc and the loader), at their usual paths.
# Servers run headless: no X11, sound or splash screen libraries.
find "$root/opt/java" -type f \( -name '*.so' -o -path '*/bin/*' \) ! -name '*xawt*' ! -name '*splash*' ! -name '*jsound*' ! -name '*jawt*' -print0 \
  | xargs -0 -n1 ldd 2>/dev/null \
  | awk '/=> \// {print $3} /^\s*\/lib/ {print $1}' \
  | sort -u \
  | grep -v "^$root" \
  | while read -r lib; do cp --parents -L "$lib" "$root"; done
# Name resolution through files, then DNS (glibc >= 2.34 has both built in).
echo 'hosts: files dns' > "$root/etc/nsswitch.conf"
printf 'root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n' > "$root/etc/passwd"
printf 'root:x:0:\nnonroot:x:65532:\n' > "$root/etc/group"
chmod 1777 "$root/tmp"

tar --sort=name --owner=0 --group=0 --numeric-owner --mtime='2026-01-01 00:00Z' -C "$root" -cf "$work/image/layer.tar" .
diff_id=$(sha256sum "$work/image/layer.tar" | cut -d' ' -f1)
cat > "$work/image/config.json" <<JSON
{"architecture":"amd64","os":"linux","config":{"Env":["PATH=/opt/java/bin:/usr/bin:/bin","JAVA_HOME=/opt/java","LANG=C.UTF-8"],"User":"65532:65532","WorkingDir":"/"},"rootfs":{"type":"layers","diff_ids":["sha256:$diff_id"]},"history":[{"created":"2026-01-01T00:00:00Z","created_by":"base-image.sh: jlink $(basename "$jdk")"}]}
JSON
echo '[{"Config":"config.json","RepoTags":["studio-jre:local"],"Layers":["layer.tar"]}]' > "$work/image/manifest.json"
mkdir -p "$(dirname "$out")"
tar -C "$work/image" -cf "$out" manifest.json config.json layer.tar
echo "base image $out: $(du -h "$out" | cut -f1), Java $("$root/opt/java/bin/java" -version 2>&1 | head -1)"
