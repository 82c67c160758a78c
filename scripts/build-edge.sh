#!/usr/bin/env bash
# Builds Keelson's edge image from this Debian machine's own packages, with no image pulled: HAProxy
# (the proxy that owns a host's published ports and forwards them to a unit's current copy), socat
# (to talk to HAProxy's runtime and master APIs from `docker exec`) and busybox for a shell.
#
#   scripts/build-edge.sh IMAGE      e.g. 127.0.0.1:5000/keelson/edge:2.6; pushed when IMAGE names a
#                                    registry (host[:port]/…). Needs root for apt-get when a package
#                                    below is missing, and a running Docker engine.
#
# The image runs HAProxy in master-worker mode (-W) with its master CLI on /run/haproxy/master.sock, so
# a new configuration is loaded by a seamless reload (listening sockets handed over, no connection
# refused), and its runtime API on /run/haproxy/admin.sock. It holds a small Lua action for hold mode
# (/usr/share/keelson-edge/hold.lua). It starts with a configuration that serves
# nothing; Keelson writes the real one. Labels say which HAProxy it holds (io.keelson.edge.haproxy) and
# which revision of this script built it (io.keelson.edge.build), so Keelson can check an edge before
# a handover.
set -euo pipefail
IMAGE=${1:?usage: scripts/build-edge.sh IMAGE}
DOCKER=${DOCKER:-docker}

die() { echo "build-edge: $*" >&2; exit 1; }

missing=()
for pkg in haproxy socat busybox-static; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  [ "$(id -u)" = 0 ] || die "needs ${missing[*]}: run as root, or apt-get install them"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# The Debian package starts a system HAProxy on port 80; the edge image only needs its binary.
if command -v service >/dev/null 2>&1 && [ -f /run/haproxy.pid ]; then service haproxy stop >/dev/null 2>&1 || true; fi

root=$(mktemp -d /var/tmp/keelson-edge.XXXXXX)
trap 'rm -rf "$root"' EXIT

copy() { # copy FILE: the file and every shared library it links against, at the same paths
  local file=$1 lib
  mkdir -p "$root$(dirname "$file")"
  cp -L "$file" "$root$file"
  ldd "$file" 2>/dev/null | awk '/=> \// {print $3} /^\s*\/lib/ {print $1}' | while IFS= read -r lib; do
    [ -e "$root$lib" ] && continue
    mkdir -p "$root$(dirname "$lib")"
    cp -L "$lib" "$root$lib"
  done
}
copy /usr/sbin/haproxy
copy /usr/bin/socat
for lib in /lib/x86_64-linux-gnu/libnss_files.so.2 /lib/x86_64-linux-gnu/libnss_dns.so.2 /lib64/ld-linux-x86-64.so.2; do
  [ -e "$lib" ] && copy "$lib"
done
mkdir -p "$root/bin" "$root/etc/haproxy" "$root/run/haproxy" "$root/var/lib/haproxy" "$root/tmp"
cp /bin/busybox "$root/bin/busybox"
for applet in sh cat mv rm mkdir sleep ls ps kill; do ln -s busybox "$root/bin/$applet"; done
printf 'root:x:0:0:root:/root:/bin/sh\nhaproxy:x:101:101::/var/lib/haproxy:/bin/false\n' >"$root/etc/passwd"
printf 'root:x:0:\nhaproxy:x:101:\n' >"$root/etc/group"
printf 'hosts: files dns\n' >"$root/etc/nsswitch.conf"
# Serves nothing: the sockets Keelson talks to, and defaults for the TCP proxies it adds.
cat >"$root/etc/haproxy/haproxy.cfg" <<'CFG'
# Written by scripts/build-edge.sh; Keelson replaces it with the edge's configuration.
global
    stats socket /run/haproxy/admin.sock mode 600 level admin expose-fd listeners
    stats timeout 30s
defaults
    mode tcp
    timeout connect 5s
    timeout client 1h
    timeout server 1h
CFG

# hold mode: a frontend named in the hold map keeps each new connection waiting (accepted, nothing sent
# on) until its name leaves the map or 75 s pass; Keelson adds and removes it through the runtime API.
mkdir -p "$root/usr/share/keelson-edge"
: >"$root/usr/share/keelson-edge/hold.map"
cat >"$root/usr/share/keelson-edge/hold.lua" <<'LUA'
local held = Map.new("/usr/share/keelson-edge/hold.map", Map._str)
core.register_action("keelson_hold", { "tcp-req" }, function(txn)
    local frontend = txn.f:fe_name()
    local waited = 0
    while held:lookup(frontend) ~= nil and waited < 75000 do
        core.msleep(20)
        waited = waited + 20
    end
end, 0)
LUA

version=$(/usr/sbin/haproxy -v | awk 'NR == 1 {print $3}')
build=$(md5sum "$0" | cut -c 1-12)
cat >"$root/Dockerfile" <<DF
FROM scratch
COPY . /
LABEL io.keelson.edge.haproxy="$version" io.keelson.edge.build="$build"
STOPSIGNAL SIGUSR1
ENTRYPOINT ["/usr/sbin/haproxy", "-W", "-db", "-S", "/run/haproxy/master.sock", "-f", "/etc/haproxy/haproxy.cfg"]
DF
"$DOCKER" build -q -t "$IMAGE" "$root" >/dev/null
case ${IMAGE%%/*} in
  *.*|*:*|localhost) "$DOCKER" push -q "$IMAGE" >/dev/null ;;
esac
echo "build-edge: $IMAGE (HAProxy $version, build $build)"
