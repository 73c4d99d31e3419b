# crmgraph: installs the package as the Makefile does (pip install of pyproject.toml) and serves it.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app
RUN useradd --create-home --uid 10001 crmgraph

COPY pyproject.toml README.md alembic.ini ./
COPY models models
COPY loaders loaders
COPY schema schema
COPY resolvers resolvers
COPY service service
COPY migrations migrations
RUN pip install --upgrade pip && pip install -e . && mkdir -p var && chown crmgraph var

USER crmgraph
EXPOSE 8000
# CRMGRAPH_DATABASE_URL selects the database (postgresql+asyncpg://... in production).
# Run `crmgraph migrate` once per release (e.g. as a job) before starting the workers.
CMD ["crmgraph", "serve", "--host", "0.0.0.0", "--port", "8000"]
