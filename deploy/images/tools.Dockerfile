# The tools binary (development SMS/webhook sink, load, chaos, demo, evaluations) on top of
# the production image, which itself holds only `suban`.
ARG SUBAN_IMAGE=suban:latest
FROM ${SUBAN_IMAGE}
COPY suban-tools /opt/suban/
ENTRYPOINT ["/opt/suban/suban-tools"]
