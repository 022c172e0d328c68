# Atrium API: slim, non-root, without the embedded PostgreSQL (the `embedded` extra).
# Migrations are a step of their own, run as the database owner before the replicas
# start (README "The Docker image"):
#   docker run --rm -e ATRIUM_MIGRATE_DATABASE_URL=postgresql://atrium_owner:…@db/atrium atrium atrium migrate
# The serving container needs only the app role:
#   docker run -e ATRIUM_APP_DATABASE_URL=postgresql://atrium_app:…@db/atrium -v keys:/var/lib/atrium/keys atrium
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY api ./api
COPY domain ./domain
COPY tenants ./tenants
COPY migrations ./migrations
RUN pip install --no-cache-dir --prefix=/install .

FROM python:3.11-slim
ENV PYTHONUNBUFFERED=1 \
    ATRIUM_ENV=production \
    ATRIUM_HOST=0.0.0.0 \
    ATRIUM_PORT=8000 \
    ATRIUM_DATA_DIR=/var/lib/atrium
COPY --from=build /install /usr/local
RUN useradd --system --uid 10001 --home-dir /var/lib/atrium --create-home atrium
USER atrium
WORKDIR /var/lib/atrium
# The data directory holds the signing keys (ATRIUM_KEYS_DIR defaults to its keys/):
# mount one volume into every replica so they sign and verify with the same keys.
VOLUME ["/var/lib/atrium"]
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s CMD ["atrium", "healthcheck"]
# Given only ATRIUM_APP_DATABASE_URL, serve does not migrate; given DATABASE_URL (the
# owner) it migrates first, as `make run` does.
CMD ["atrium", "serve"]
