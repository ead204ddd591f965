# The one image every role runs from: the release `suban` binary (static Swift standard
# library, built on the host by deploy/images/build.sh) and the C libraries it links.
# BASE picks the base: debian:bookworm-slim with a registry, suban-base:bookworm
# (made from Debian packages by build.sh) without one.
ARG BASE=debian:bookworm-slim
FROM ${BASE}
RUN apt-get update \
    && apt-get install -y --no-install-recommends libhiredis0.14 libpq5 ca-certificates curl tzdata \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --no-create-home --shell /usr/sbin/nologin suban
# The binary finds its data (catalog, training appeals, migrations) in the *.resources bundles beside it.
COPY dist/ /opt/suban/
USER 10001
ENV HOST=0.0.0.0 LOG_FORMAT=json HEALTH_PORT=9464
# Worker roles answer /health on their metrics port; intake and api set HEALTH_PORT to their own.
HEALTHCHECK --interval=5s --timeout=3s --retries=12 CMD curl -fsS "http://127.0.0.1:${HEALTH_PORT}/health" >/dev/null || exit 1
ENTRYPOINT ["/opt/suban/suban"]
