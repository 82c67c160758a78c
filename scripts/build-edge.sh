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
# (/usr/share/keelson-edge/hold.lua, its map in /etc/haproxy/keelson/hold.map). It starts serving
# nothing; Keelson writes a file per route in /etc/haproxy/keelson/routes and reloads. Labels say which HAProxy it holds (io.keelson.edge.haproxy) and
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
mkdir -p "$root/bin" "$root/etc/haproxy/keelson/routes" "$root/run/haproxy" "$root/var/lib/haproxy" "$root/tmp"
cp /bin/busybox "$root/bin/busybox"
for applet in sh cat mv rm rmdir mkdir sleep ls ps kill printf grep cmp date base64; do ln -s busybox "$root/bin/$applet"; done
printf 'root:x:0:0:root:/root:/bin/sh\nhaproxy:x:101:101::/var/lib/haproxy:/bin/false\n' >"$root/etc/passwd"
printf 'root:x:0:\nhaproxy:x:101:\n' >"$root/etc/group"
printf 'hosts: files dns\n' >"$root/etc/nsswitch.conf"
# The global part: the sockets Keelson talks to, the hold action, defaults for the TCP proxies. Keelson
# writes one file per route under /etc/haproxy/keelson/routes (a volume, so a recreated edge keeps them).
cat >"$root/etc/haproxy/haproxy.cfg" <<'CFG'
# Written by scripts/build-edge.sh. The routes are Keelson's, in /etc/haproxy/keelson/routes.
global
    stats socket /run/haproxy/admin.sock mode 600 level admin expose-fd listeners
    stats timeout 30s
    hard-stop-after 1h
    lua-load /usr/share/keelson-edge/hold.lua
defaults
    mode tcp
    timeout connect 5s
    timeout client 1h
    timeout server 1h
    timeout queue 75s
# The hold action's clock (see hold.lua): a connection here is accepted and never answered.
frontend keelson_tick
    bind unix@/run/haproxy/keelson-tick.sock
    tcp-request inspect-delay 5s
    tcp-request content reject if WAIT_END
CFG

# hold mode: a frontend named in hold.map ("NAME 1") keeps each new connection waiting (accepted,
# nothing sent on) until the line goes or 75 s pass. The file, not a runtime map, is what the action
# reads (at most every 20 ms per worker), so a worker a reload is replacing sees the release too. A
# release leaves "NAME IP:PORT" in the file, the copy now served, and a connection that waited is sent
# there (set-dst to the route's "released" server), not to its worker's servers: a worker that was
# stopping when it took the connection never learns of the switch through the runtime API.
# The wait between two reads of the file is a read, with a 20 ms timeout, on a connection to the
# edge's own keelson_tick listener, not core.msleep. On a loaded machine a held connection's sleep once
# never ended: its stream had no timer left but the 80 s inspect delay, so it waited past the release.
# A read's end comes as I/O from another stream, which wakes the waiting connection whatever its timers.
mkdir -p "$root/usr/share/keelson-edge"
: >"$root/etc/haproxy/keelson/hold.map"
cat >"$root/usr/share/keelson-edge/hold.lua" <<'LUA'
local file = "/etc/haproxy/keelson/hold.map"
local held, to, checked = {}, {}, -1000
local function clock()
    local now = core.now()
    return now.sec * 1000 + now.usec / 1000
end
local function refresh()
    local ms = clock()
    if ms - checked < 20 then return end
    checked = ms
    local fresh, served = {}, {}
    local f = io.open(file, "r")
    if f then
        for line in f:lines() do
            local name, value = line:match("^(%S+)%s+(%S+)$")
            if value == "1" then
                fresh[name] = true
            elseif value then
                local ip, port = value:match("^([%x.:]+):(%d+)$")
                if ip then served[name] = { ip = ip, port = tonumber(port) } end
            end
        end
        f:close()
    end
    held, to = fresh, served
end
local function pause(ms)
    local tick = core.tcp()
    tick:settimeout(ms / 1000)
    if tick:connect("unix@/run/haproxy/keelson-tick.sock") then
        tick:receive(1)
    else
        core.msleep(ms)
    end
    tick:close()
end
core.register_action("keelson_hold", { "tcp-req" }, function(txn)
    local frontend = txn.f:fe_name()
    local since, waited = clock(), false
    refresh()
    while held[frontend] and clock() - since < 75000 do
        pause(20)
        waited = true
        refresh()
    end
    if waited and not held[frontend] and to[frontend] then
        txn:set_var("txn.keelson_ip", to[frontend].ip)
        txn:set_var("txn.keelson_port", to[frontend].port)
    end
end, 0)
LUA

# The commands Keelson runs in the edge, each value a positional argument, never spliced into a
# command line: one `docker exec` per command, or many through one `edge serve` (a session Keelson
# keeps open through a deployment, so a switch is not held up by an exec's start). Changes take a lock (mkdir: the one atomic step busybox's sh has) so
# two deployments on one host, from one Keelson or two, never interleave a file and its reload.
cat >"$root/usr/share/keelson-edge/edge" <<'SH'
#!/bin/sh
# edge api CMDS | edge check | edge put-route NAME TEXT | edge drop-route NAME | edge reload
# edge set-route NAME TEXT CMDS | edge hold NAME | edge unhold NAME [IP:PORT] | edge holds | edge routes | edge protocol
# edge serve: the commands above, one per line read: a request number, then each argument in base64
# ("-" for an empty one); after each, its output, then a line "#keelson-edge NUMBER STATUS" on stdout
# and "#keelson-edge NUMBER" on stderr.
set -eu
dir=/etc/haproxy/keelson
api() { printf '%s\n' "$1" | socat -t 5 stdio unix-connect:/run/haproxy/admin.sock; }
# The lock names its holder (pid and start time, so a pid used again is another process). A waiter
# takes over a lock only from a holder that is gone (a call killed, the edge restarted: the lock is on
# the volume), never from one that is slow: two changes of hold.map at once could lose one, and a
# release lost keeps every held connection waiting. A live holder past a minute fails the waiter.
me() { local pid rest; read -r pid rest </proc/self/stat; echo "$pid $(cut -d' ' -f22 "/proc/$pid/stat")"; }
alive() { set -- $1; [ -n "${2:-}" ] && [ "$(cut -d' ' -f22 "/proc/$1/stat" 2>/dev/null)" = "$2" ]; }
# Its counter is its own: the callers' loops count with other names.
lock() {
  local tries=0 holder
  until mkdir "$dir/.lock" 2>/dev/null; do
    tries=$((tries + 1))
    if [ $((tries % 20)) = 0 ]; then
      holder=$(cat "$dir/.lock/holder" 2>/dev/null || true)
      if { [ -n "$holder" ] && ! alive "$holder"; } || { [ -z "$holder" ] && [ "$tries" -ge 600 ]; }; then
        mv "$dir/.lock" "$dir/.lock.stale.$$" 2>/dev/null && rm -rf "$dir/.lock.stale.$$"
        continue
      fi
    fi
    [ "$tries" -lt 1200 ] || { echo "the edge's lock has been held by process ${holder:-?} for over a minute" >&2; exit 5; }
    sleep 0.05
  done
  me >"$dir/.lock/holder"
  trap 'rm -rf "$dir/.lock"' EXIT
}
unlock() { rm -rf "$dir/.lock"; trap - EXIT; }
worker() { api "show info" 2>/dev/null | grep '^Pid:' || true; }
master() { printf '%s\n' "$1" | socat -t 5 stdio unix-connect:/run/haproxy/master.sock; }
run() {
case "${1:-}" in
  protocol) echo 9 ;;
  routes) cat "$dir"/routes/*.cfg 2>/dev/null | grep '^# keelson: ' || true ;;
  api) api "$2" ;;
  all-stats)
    # The current worker's info and counters, then the counters of every older worker a reload is
    # replacing: those still carry the connections they had, which a drain and a hold wait for.
    now=$(api "show info; show stat")
    printf '%s\n' "$now"
    pid=$(printf '%s\n' "$now" | sed -n 's/^Pid: //p')
    for old in $(master "show proc" | awk '$2 == "worker" {print $1}'); do
      [ "$old" = "$pid" ] || master "@!$old show stat"
    done ;;
  check) /usr/sbin/haproxy -c -q -f /etc/haproxy/haproxy.cfg -f "$dir/routes" ;;
  put-route)
    lock
    printf '%s' "$3" >"$dir/routes/.$2.new"
    if cmp -s "$dir/routes/.$2.new" "$dir/routes/$2.cfg" 2>/dev/null; then rm -f "$dir/routes/.$2.new"; echo same; exit 0; fi
    mv "$dir/routes/.$2.new" "$dir/routes/$2.cfg"
    if ! /usr/sbin/haproxy -c -q -f /etc/haproxy/haproxy.cfg -f "$dir/routes" 2>"$dir/.check"; then
      cat "$dir/.check" >&2; rm -f "$dir/routes/$2.cfg"; exit 3
    fi
    echo changed ;;
  set-route)
    # A switch: the file and the runtime state in one step, so a reload between them cannot undo it.
    lock
    printf '%s' "$3" >"$dir/routes/.$2.new"
    mv "$dir/routes/.$2.new" "$dir/routes/$2.cfg"
    api "$4" ;;
  drop-route)
    lock
    rm -f "$dir/routes/$2.cfg"
    { grep -v "^$2 " "$dir/hold.map" || true; } >"$dir/.hold.new.$$"
    mv "$dir/.hold.new.$$" "$dir/hold.map" ;;
  reload)
    # Never while a route is held: a connection held by the worker a reload replaces would go on to that
    # worker's outdated servers. Under the lock until the new worker answers, so no hold starts meanwhile.
    waits=0
    while :; do
      lock
      grep -q ' 1$' "$dir/hold.map" || break
      unlock
      waits=$((waits + 1)); [ "$waits" -lt "${EDGE_RELOAD_HOLD_WAITS:-300}" ] || { lock; break; }
      sleep 0.1
    done
    old=$(worker)
    master reload >/dev/null
    i=0
    while [ "$(worker)" = "$old" ]; do
      i=$((i + 1)); [ "$i" -lt 100 ] || { echo "the reload failed (docker logs keelson-edge says why)" >&2; exit 4; }
      sleep 0.1
    done
    # Until every older worker has stopped listening: one still accepting would take new connections,
    # and hold or serve them with its outdated servers after a switch or a release has gone to the new one.
    new=$(worker)
    i=0
    until [ "$i" -ge 100 ]; do
      listening=0
      for pid in $(master "show proc" | awk '$2 == "worker" {print $1}'); do
        [ "Pid: $pid" = "$new" ] && continue
        master "@!$pid show info" | grep -qx 'Stopping: 1' || listening=1
      done
      [ "$listening" = 0 ] && break
      i=$((i + 1)); sleep 0.05
    done ;;
  hold)
    lock
    { grep -v "^$2 " "$dir/hold.map" || true; printf '%s 1\n' "$2"; } >"$dir/.hold.new.$$"
    mv "$dir/.hold.new.$$" "$dir/hold.map" ;;
  unhold)
    # With IP:PORT, the connections that waited go there, whichever worker holds them.
    lock
    { grep -v "^$2 " "$dir/hold.map" || true; [ -z "${3:-}" ] || printf '%s %s\n' "$2" "$3"; } >"$dir/.hold.new.$$"
    mv "$dir/.hold.new.$$" "$dir/hold.map" ;;
  holds) cat "$dir/hold.map" ;;
  *) echo "usage: edge api|all-stats|check|put-route|set-route|drop-route|reload|hold|unhold|holds|routes|protocol|serve" >&2; exit 2 ;;
esac
}
# Each command runs in a subshell of its own, with the errors it stops at (set -e) and its lock's
# release on exit, as a command run by itself. Idle for five minutes, or at the end of its input
# (Keelson closed it, or went away), the session ends.
serve() {
  local id rest word value rc
  set -f # the words below are base64 and dashes, never patterns
  while IFS=' ' read -r -t 300 id rest; do
    set --
    for word in $rest; do
      if [ "$word" = - ]; then value=x; else value=$(printf '%s' "$word" | base64 -d; echo x); fi
      set -- "$@" "${value%x}"
    done
    set +e
    ( set -e; run "$@" ) </dev/null
    rc=$?
    set -e
    # The end on both streams: docker carries them apart, so stdout's end may come before stderr's last line.
    printf '\n#keelson-edge %s\n' "$id" >&2
    printf '\n#keelson-edge %s %s\n' "$id" "$rc"
  done
}
if [ "${1:-}" = serve ]; then serve; else run "$@"; fi
SH
chmod 755 "$root/usr/share/keelson-edge/edge"

version=$(/usr/sbin/haproxy -v | awk 'NR == 1 {print $3}')
build=$(md5sum "$0" | cut -c 1-12)
cat >"$root/Dockerfile" <<DF
FROM scratch
COPY . /
LABEL io.keelson.edge.haproxy="$version" io.keelson.edge.build="$build"
STOPSIGNAL SIGUSR1
ENTRYPOINT ["/usr/sbin/haproxy", "-W", "-db", "-S", "/run/haproxy/master.sock", "-f", "/etc/haproxy/haproxy.cfg", "-f", "/etc/haproxy/keelson/routes"]
DF
"$DOCKER" build -q -t "$IMAGE" "$root" >/dev/null
case ${IMAGE%%/*} in
  *.*|*:*|localhost) "$DOCKER" push -q "$IMAGE" >/dev/null ;;
esac
echo "build-edge: $IMAGE (HAProxy $version, build $build)"
