#!/bin/sh
# The gateway's certificate lives in the gateway-tls volume. At first start, with none there,
# a self-signed one is made for GATEWAY_HOSTNAME (and localhost); put a real gateway.crt and
# gateway.key in the volume to replace it.
set -eu
dir=/etc/suban-tls; name=${GATEWAY_HOSTNAME:-localhost}
if [ ! -s "$dir/gateway.crt" ] || [ ! -s "$dir/gateway.key" ]; then
  openssl req -x509 -newkey rsa:2048 -sha256 -days 825 -nodes -subj "/CN=$name" \
    -addext "subjectAltName=DNS:$name,DNS:localhost,IP:127.0.0.1" \
    -keyout "$dir/gateway.key" -out "$dir/gateway.crt" 2>/dev/null
  chmod 600 "$dir/gateway.key"
  echo "gateway-entrypoint: made a self-signed certificate for $name in $dir"
fi
exec nginx -g 'daemon off;'
