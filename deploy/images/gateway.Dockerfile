# nginx from Debian's package: TLS in front of intake (8443) and api (8444).
ARG BASE=debian:bookworm-slim
FROM ${BASE}
RUN apt-get update && apt-get install -y --no-install-recommends nginx-light openssl \
    && rm -rf /var/lib/apt/lists/* /etc/nginx/sites-enabled/* \
    && ln -sf /dev/stdout /var/log/nginx/access.log && ln -sf /dev/stderr /var/log/nginx/error.log \
    && mkdir -p /etc/suban-tls
COPY nginx.conf /etc/nginx/conf.d/suban.conf
COPY gateway-entrypoint.sh /usr/local/bin/
EXPOSE 8443 8444
HEALTHCHECK --interval=5s --timeout=3s --retries=12 CMD test -s /run/nginx.pid
ENTRYPOINT ["sh", "/usr/local/bin/gateway-entrypoint.sh"]
