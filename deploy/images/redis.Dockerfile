# Redis from Debian's package: append-only file in /data, a password required (REDIS_PASSWORD).
ARG BASE=debian:bookworm-slim
FROM ${BASE}
RUN apt-get update && apt-get install -y --no-install-recommends redis-server \
    && rm -rf /var/lib/apt/lists/* && mkdir -p /data && chown redis:redis /data
USER redis
WORKDIR /data
EXPOSE 6379
HEALTHCHECK --interval=5s --timeout=3s --retries=20 CMD REDISCLI_AUTH="$REDIS_PASSWORD" redis-cli ping | grep -q PONG
CMD ["sh", "-c", "exec redis-server --bind 0.0.0.0 --protected-mode no --dir /data --appendonly yes --appendfsync everysec --requirepass \"${REDIS_PASSWORD:?REDIS_PASSWORD must be set}\""]
