#!/usr/bin/env bash
# Builds Keelson's small base image from this Debian machine's own packages, with no image registry:
# a Java runtime cut down by jlink to the modules Keelson uses, the C libraries it links against, the
# CA certificates, and busybox for a shell and the health check. About 70 MB; Keelson on it about 146 MB.
#
#   src/main/docker/build-jre.sh [IMAGE]      (default keelson/jre:17-slim; needs root for apt-get if a
#                                              package below is missing, and a running Docker engine)
#
# The modules are what jdeps finds in Keelson's jars (java.sql, java.naming, java.desktop for java.beans,
# java.management, ...) plus what is only reached by reflection or service loading: java.rmi (the
# transaction manager), jdk.crypto.ec (TLS to registries with EC certificates), jdk.naming.dns,
# jdk.zipfs. jdk.localedata is left out (English messages only).
# The image test (ComposeDropInIT) runs real deployments on it.
set -euo pipefail
IMAGE=${1:-keelson/jre:17-slim}
JDK=/usr/lib/jvm/java-17-openjdk-amd64
DOCKER=${DOCKER:-docker}
MODULES=java.base,java.compiler,java.desktop,java.instrument,java.logging,java.management,java.naming,java.net.http,java.rmi,java.scripting,java.security.jgss,java.security.sasl,java.sql,java.transaction.xa,java.xml,jdk.crypto.ec,jdk.management,jdk.naming.dns,jdk.net,jdk.unsupported,jdk.zipfs

die() { echo "build-jre: $*" >&2; exit 1; }

missing=()
[ -f "$JDK/jmods/java.base.jmod" ] || missing+=(openjdk-17-jdk-headless)
[ -f /etc/ssl/certs/java/cacerts ] || missing+=(ca-certificates-java)
[ -x /bin/busybox ] || missing+=(busybox-static)
if [ ${#missing[@]} -gt 0 ]; then
  [ "$(id -u)" = 0 ] || die "needs ${missing[*]}: run as root, or apt-get install them"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

root=$(mktemp -d /var/tmp/keelson-jre.XXXXXX)
trap 'rm -rf "$root"' EXIT

# The runtime: no debug symbols, man pages or headers; modules zip-compressed (half the size; the
# JDK's class-data archive, generated here, and Keelson's own cache spare most of the unzipping).
# The archive for heaps over 32 GB (no compressed pointers) is dropped: Keelson's heap is far smaller.
"$JDK/bin/jlink" --add-modules "$MODULES" --strip-debug --no-man-pages --no-header-files --compress=2 --generate-cds-archive \
  --output "$root/opt/java"
# java.desktop is there for java.beans only: its native graphics and sound libraries (and the X11,
# font and image libraries they would pull in) are left out. Keelson never draws.
rm -f "$root/opt/java/lib/server/classes_nocoops.jsa"
(cd "$root/opt/java/lib" && rm -f libawt.so libawt_headless.so libawt_xawt.so libfontmanager.so libjavajpeg.so \
  libjawt.so libjsound.so liblcms.so libmlib_image.so libsplashscreen.so)
rm -f "$root/opt/java/lib/security/cacerts"
cp /etc/ssl/certs/java/cacerts "$root/opt/java/lib/security/cacerts"

# The shared libraries of every ELF file in the runtime, and the name-service modules glibc loads
# for host lookups (registries and SSH hosts are often names).
copy_lib() {
  local lib=$1
  [ -e "$root$lib" ] && return
  mkdir -p "$root$(dirname "$lib")"
  cp -L "$lib" "$root$lib"
}
while IFS= read -r elf; do
  ldd "$elf" 2>/dev/null | awk '/=> \// {print $3} /^\s*\/lib/ {print $1}' | while IFS= read -r lib; do copy_lib "$lib"; done
done < <(find "$root/opt/java" -type f \( -name '*.so' -o -path '*/bin/*' \))
for lib in /lib/x86_64-linux-gnu/libnss_files.so.2 /lib/x86_64-linux-gnu/libnss_dns.so.2 /lib/x86_64-linux-gnu/libresolv.so.2 /lib64/ld-linux-x86-64.so.2; do
  [ -e "$lib" ] && copy_lib "$lib"
done

# busybox: sh for the launcher, wget for the health check, and the few tools the launcher uses.
mkdir -p "$root/bin" "$root/usr/bin" "$root/tmp" "$root/etc" "$root/var/lib/keelson"
cp /bin/busybox "$root/bin/busybox"
for tool in sh ash cat cut dirname env grep kill ls md5sum mkdir mv readlink rm sed sleep stat wget; do
  ln -s busybox "$root/bin/$tool"
done
ln -s /opt/java/bin/java "$root/usr/bin/java"
chmod 1777 "$root/tmp"
printf 'root:x:0:0:root:/root:/bin/sh\nkeelson:x:10001:0:keelson:/var/lib/keelson:/bin/sh\n' >"$root/etc/passwd"
printf 'root:x:0:\n' >"$root/etc/group"
printf 'hosts: files dns\n' >"$root/etc/nsswitch.conf"

# The label names this script's version, so a test environment can tell an image built by an older one.
tar -C "$root" -c . | "$DOCKER" import \
  -c 'ENV PATH=/opt/java/bin:/usr/bin:/bin JAVA_HOME=/opt/java LANG=C.UTF-8' \
  -c "LABEL io.keelson.build-jre=$(md5sum "$0" | cut -c 1-12)" \
  -c 'CMD ["/bin/sh"]' - "$IMAGE" >/dev/null
version=$("$DOCKER" run --rm "$IMAGE" java -version 2>&1) || die "the image's java does not run: $version"
echo "build-jre: $IMAGE ($("$DOCKER" image inspect --format '{{.Size}}' "$IMAGE" | awk '{printf "%.0f MB", $1/1e6}'))"
