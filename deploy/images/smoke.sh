#!/usr/bin/env bash
# Smoke test of a Jib image tarball without a container engine (root only): unpacks the layers
# into a folder, mounts /proc, and runs the image's entrypoint with `local --no-sample` (broker,
# topics, all three services, models and native libraries loaded), then checks /health.
#
#   sudo deploy/images/smoke.sh deploy/local/target/jib/encoder-service.tar
set -euo pipefail
image=$(realpath "$1")
work=$(mktemp -d)
pid=
cleanup() {
  if [ -n "$pid" ]; then
    kill -- -"$pid" 2>/dev/null || true
    for _ in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -9 -- -"$pid" 2>/dev/null || true
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
mkdir -p rootfs/proc && mount -t proc proc rootfs/proc
setsid chroot rootfs $(cat entrypoint) local --no-sample --kafka-port 0 --data-dir /tmp/smoke \
    --set search.port=18083,encoder.port=18082,ingest.port=18081 > smoke.log 2>&1 &
pid=$!
for i in $(seq 1 120); do
  if curl -sf localhost:18083/health >/dev/null && curl -sf localhost:18082/health >/dev/null; then
    curl -s localhost:18083/v1/search -d '{"text":"a red apple"}' | head -c 200; echo
    echo "smoke: $(basename "$image") runs (search and encoder healthy after ${i} s)"
    exit 0
  fi
  sleep 1
done
tail -20 smoke.log
echo "smoke: $(basename "$image") did not become healthy"
exit 1
