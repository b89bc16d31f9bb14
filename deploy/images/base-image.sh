#!/usr/bin/env bash
# Builds a Java 17 runtime base image (a `docker save` tarball) from Debian's packages, for Jib
# where no container registry is reachable:
#
#   deploy/images/base-image.sh                      # writes target/jib/base.tar
#   mvn -B -Pimages package -DskipTests -Djib.base.image=tar://$PWD/target/jib/base.tar
#
# The image holds openjdk-17-jre-headless and the libraries it and the native inference runtimes
# (ND4J, ONNX Runtime) load, unpacked with dpkg -x (no maintainer scripts), minus fonts, debconf,
# init and package tools. Needs apt-get (Debian/Ubuntu host) and sha256sum.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
out=${1:-$root/target/jib/base.tar}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

skip='^(fonts-|ttf-|xfonts-|x11-common|cdebconf|debconf|libdebian-installer|libnewt|libslang|libtextwrap|sysvinit-utils|lsb-base|dpkg|install-info|tar|util-linux|ca-certificates-java|readline-common|libreadline)'
packages=$(apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts --no-breaks --no-replaces --no-enhances \
    openjdk-17-jre-headless libstdc++6 libgomp1 ca-certificates 2>/dev/null | grep -E '^[a-z0-9]' | sort -u | grep -Ev "$skip")
echo "base image: $(echo "$packages" | wc -l) Debian packages"
mkdir debs rootfs
(cd debs && apt-get download -q $packages >/dev/null)
for deb in debs/*.deb; do
  dpkg-deb -x "$deb" rootfs
done
# What postinst scripts would have done and the JVM needs: a java on PATH, /tmp, a user.
ln -sfn /usr/lib/jvm/java-17-openjdk-amd64/bin/java rootfs/usr/bin/java
mkdir -p rootfs/tmp rootfs/etc rootfs/var/lib/crossmodal && chmod 1777 rootfs/tmp
printf 'root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000:app:/var/lib/crossmodal:/bin/sh\n' > rootfs/etc/passwd
printf 'root:x:0:\napp:x:1000:\n' > rootfs/etc/group
chown -R 1000:1000 rootfs/var/lib/crossmodal 2>/dev/null || true

tar --sort=name --mtime='2000-01-01' --owner=0 --group=0 --numeric-owner -C rootfs -cf layer.tar .
layer=$(sha256sum layer.tar | cut -d' ' -f1)
cat > config.json <<JSON
{"architecture":"amd64","os":"linux","config":{"Env":["PATH=/usr/lib/jvm/java-17-openjdk-amd64/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin","JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64","LANG=C.UTF-8"]},"rootfs":{"type":"layers","diff_ids":["sha256:$layer"]}}
JSON
config=$(sha256sum config.json | cut -d' ' -f1)
mv config.json "$config.json"
mkdir "$layer" && mv layer.tar "$layer/layer.tar"
echo "[{\"Config\":\"$config.json\",\"RepoTags\":[\"crossmodal/base-jre:17\"],\"Layers\":[\"$layer/layer.tar\"]}]" > manifest.json
mkdir -p "$(dirname "$out")"
tar -cf "$out" manifest.json "$config.json" "$layer"
echo "wrote $out ($(du -h "$out" | cut -f1))"
