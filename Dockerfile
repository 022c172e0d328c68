# Atrium API: slim, non-root; applies migrations, then serves with uvicorn.
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
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s CMD python -c "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/healthz').status == 200 else 1)"
# DATABASE_URL (owner, for migrations) and ATRIUM_APP_DATABASE_URL (app role) are required.
CMD ["atrium", "serve"]
