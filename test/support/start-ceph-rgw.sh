#!/usr/bin/env bash
# Single-node Ceph Pacific (Debian 12 packages): 1 mon + 1 memstore OSD + radosgw (S3) on 127.0.0.1:$PORT.
# needs: apt-get install -y ceph-mon ceph-osd radosgw ceph-common
# Copied from the team recipe for CI (a fresh clone has no /work/shared). Changes: a small multipart
# minimum part size, so tests exercise multipart with 64 KiB parts instead of 5 MiB ones; prompt garbage
# collection of deleted objects; MEMSTORE_BYTES (default 2 GiB) sizes the in-memory OSD.
# usage: start-ceph-rgw.sh <empty-scratch-dir> [port]   -> S3 at http://127.0.0.1:7480, key CIACCESSKEY / CISECRETKEY
# stop:  kill $(cat <dir>/run/*.pid)
set -euo pipefail
D="$(realpath -m "${1:?scratch dir}")"; PORT="${2:-7480}"; MON_PORT="${MON_PORT:-3300}"  # one cluster per MON_PORT
rm -rf "$D"; mkdir -p "$D"/{run,log,mon,osd/ceph-0,rgw}
FSID=$(cat /proc/sys/kernel/random/uuid)
C="$D/ceph.conf"
cat > "$C" <<CONF
[global]
fsid = $FSID
mon host = v2:127.0.0.1:$MON_PORT
mon initial members = a
auth cluster required = none
auth service required = none
auth client required = none
auth supported = none
# with auth=none the daemons' default 'secure' msgr mode fails (radosgw: get_initial_auth_request returned -13)
ms mon client mode = crc
ms client mode = crc
ms service mode = crc
ms cluster mode = crc
ms mon service mode = crc
ms mon cluster mode = crc
mon data avail warn = 1
mon data avail crit = 0
public addr = 127.0.0.1
osd pool default size = 1
osd pool default min size = 1
mon allow pool size one = true
mon allow pool delete = true
osd crush chooseleaf type = 0
osd pool default pg autoscale mode = off
osd pool default pg num = 8
osd pool default pgp num = 8
mon max pg per osd = 1000
run dir = $D/run
admin socket = $D/run/\$name.asok
log file = $D/log/\$name.log
pid file = $D/run/\$name.pid
mon data = $D/mon/\$cluster-\$id
osd data = $D/osd/\$cluster-\$id
osd objectstore = memstore
memstore device bytes = ${MEMSTORE_BYTES:-2147483648}
keyring = /dev/null
[client.rgw.gw]
# tcp_nodelay: without it many responses wait ~40 ms (Nagle)
rgw frontends = beast endpoint=127.0.0.1:$PORT tcp_nodelay=1
rgw data = $D/rgw
rgw dns name = localhost
# tests: allow small multipart parts (real S3 requires 5 MiB; the store's default is 16 MiB)
rgw multipart min part size = 4096
# deleted objects' data goes to garbage collection, by default after 2 h and in a pass every hour: in a
# memstore that means a run that deletes what it wrote (the kill sweep) still fills the OSD and then hangs
rgw gc obj min wait = 0
rgw gc processor period = 5
# SSE-C and SSE-KMS over plain http, KMS keys from this config ('testing' backend)
rgw crypt require ssl = false
rgw crypt s3 kms backend = testing
rgw crypt s3 kms encryption keys = testkey-1=$(openssl rand -base64 32) testkey-2=$(openssl rand -base64 32)
CONF
t0=$(date +%s%N)
el() { echo "$(( ($(date +%s%N) - t0) / 1000000 )) ms"; }
monmaptool --create --clobber --addv a "[v2:127.0.0.1:$MON_PORT]" --fsid "$FSID" "$D/monmap" >/dev/null
ceph-mon -c "$C" --mkfs -i a --monmap "$D/monmap" >"$D/log/mkfs-mon.out" 2>&1
ceph-mon -c "$C" -i a
OSDID=$(ceph -c "$C" osd create)
ceph-osd -c "$C" -i "$OSDID" --mkfs >"$D/log/mkfs-osd.out" 2>&1
ceph-osd -c "$C" -i "$OSDID" 2>>"$D/log/osd.stderr"
radosgw -c "$C" -n client.rgw.gw
for i in $(seq 1 300); do
  code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/" || true)
  [ "$code" = 200 ] && break; sleep 0.2
done
[ "$code" = 200 ] || { echo "radosgw did not answer"; tail -30 "$D"/log/*.log; exit 1; }
radosgw-admin -c "$C" user create --uid=ci --display-name=ci --access-key=CIACCESSKEY --secret=CISECRETKEY >"$D/log/user.json"
echo "ceph radosgw ready on http://127.0.0.1:$PORT after $(el)"
