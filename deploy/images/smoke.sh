#!/usr/bin/env bash
# Smoke test of a service's Jib image tarball without a container engine (root only): starts a
# broker with `./crossmodal local --no-sample` on this host, unpacks the image's layers into a
# folder, mounts /proc, and runs the image's entrypoint (the service's own main, with its model and
# native libraries for the encoder) against that broker, then checks the service's /health.
#
#   sudo deploy/images/smoke.sh encoder-service/target/jib/encoder-service.tar
set -euo pipefail
image=$(realpath "$1")
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
service=$(basename "$image" .tar)
case "$service" in
  ingest-service) key=ingest.port; port=18081 ;;
  encoder-service) key=encoder.port; port=18082 ;;
  search-service) key=search.port; port=18083 ;;
  *) echo "smoke: $service is not a service image"; exit 2 ;;
esac
work=$(mktemp -d)
pid=
broker=
cleanup() {
  for p in $pid $broker; do
    kill -- -"$p" 2>/dev/null || true
  done
  if [ -n "$pid$broker" ]; then
    for _ in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || kill -0 "$broker" 2>/dev/null || break; sleep 0.5; done
    for p in $pid $broker; do kill -9 -- -"$p" 2>/dev/null || true; done
  fi
  umount -l "$work/rootfs/proc" 2>/dev/null || true
  mountpoint -q "$work/rootfs/proc" || rm -rf "$work"
}
trap cleanup EXIT
cd "$work"
tar -xf "$image"
mkdir rootfs
python3 - <<'PY' > entrypoint
import json, subprocess
m = json.load(open('manifest.json'))[0]
for layer in m['Layers']:
    subprocess.run(['tar', '--warning=no-unknown-keyword', '-C', 'rootfs', '-xf', layer], check=True)
c = json.load(open(m['Config']))['config']
print(' '.join(c['Entrypoint']))
PY
# The broker and the other services on the host, on ports of their own.
setsid "$root/crossmodal" local --no-sample --kafka-port 19092 --data-dir "$work/local" \
    --set search.port=28083,encoder.port=28082,ingest.port=28081 > broker.log 2>&1 &
broker=$!
for i in $(seq 1 180); do
  curl -sf localhost:28083/health >/dev/null && break
  sleep 1
done
mkdir -p rootfs/proc && mount -t proc proc rootfs/proc
setsid chroot rootfs $(cat entrypoint) --bootstrap-servers localhost:19092 --set "$key=$port" > smoke.log 2>&1 &
pid=$!
for i in $(seq 1 120); do
  if curl -sf "localhost:$port/health" >/dev/null; then
    echo "smoke: $service runs from its image (healthy after ${i} s, $(curl -s "localhost:$port/metrics" | grep -c '^crossmodal_') crossmodal series)"
    exit 0
  fi
  sleep 1
done
tail -20 smoke.log
echo "smoke: $service did not become healthy"
exit 1
