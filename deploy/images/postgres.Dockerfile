# PostgreSQL 15 from Debian's package. The first start makes the cluster in the volume at
# PGDATA with POSTGRES_USER as its owner and POSTGRES_PASSWORD (required) as the password.
ARG BASE=debian:bookworm-slim
FROM ${BASE}
RUN apt-get update && apt-get install -y --no-install-recommends postgresql-15 \
    && rm -rf /var/lib/apt/lists/* \
    && mkdir -p /var/lib/postgresql/data /var/run/postgresql \
    && chown -R postgres:postgres /var/lib/postgresql /var/run/postgresql
COPY postgres-entrypoint.sh /usr/local/bin/
ENV PATH=/usr/lib/postgresql/15/bin:$PATH PGDATA=/var/lib/postgresql/data
USER postgres
# Fast shutdown (roll back, disconnect) on stop: SIGTERM would wait for every pooled connection to close.
STOPSIGNAL SIGINT
EXPOSE 5432
HEALTHCHECK --interval=5s --timeout=3s --retries=20 CMD pg_isready -h 127.0.0.1 -U "${POSTGRES_USER:-suban}" -d "${POSTGRES_DB:-suban}"
ENTRYPOINT ["sh", "/usr/local/bin/postgres-entrypoint.sh"]
