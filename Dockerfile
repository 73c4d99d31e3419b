# crmgraph's image, in two stages. The builder installs the dependencies and the project into a virtualenv
# (/opt/venv); the runtime stage copies that virtualenv and the project, and runs as an unprivileged user with
# no pip cache, build tools or tests. docs/operations.md says how to run it. The image was not built where
# it was written (no Docker daemon there): tests/test_dockerfile.py, test_compose.py and test_entrypoint.py
# check this file, compose.yaml and docker/entrypoint.py instead.

# Both stages use the same Python, 3.11 as the project targets: the virtualenv links to its interpreter.
FROM python:3.11-slim-bookworm AS builder

ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 PYTHONDONTWRITEBYTECODE=1
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
WORKDIR /app

# The dependencies first, read from pyproject.toml alone: this layer is rebuilt when they change, not at
# every edit of the code. Every one of them ships wheels for CPython 3.11, so no compiler is needed.
COPY pyproject.toml ./
RUN python -c "import tomllib; print(*tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies'], sep='\n')" \
        > /tmp/requirements.txt \
    && pip install --no-cache-dir --requirement /tmp/requirements.txt

# The packages of pyproject.toml's [tool.setuptools] list, and what migrations need.
COPY README.md alembic.ini ./
COPY models models
COPY loaders loaders
COPY schema schema
COPY resolvers resolvers
COPY service service
COPY migrations migrations
# Editable, as `make` installs it: service/migrate.py finds alembic.ini and migrations/ beside the packages,
# which a wheel would not carry. Both stages keep the project at /app, where the install points.
RUN pip install --no-cache-dir --no-deps --editable . && python -m compileall -q /app


FROM python:3.11-slim-bookworm AS runtime

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PATH=/opt/venv/bin:$PATH
RUN groupadd --gid 10001 crmgraph \
    && useradd --uid 10001 --gid 10001 --create-home --shell /usr/sbin/nologin crmgraph
WORKDIR /app
COPY --from=builder /opt/venv /opt/venv
COPY --from=builder /app /app
COPY docker/entrypoint.py docker/entrypoint.py
# The code stays root's and read-only; only var/ (the default SQLite file) is the service's to write.
RUN mkdir var && chown crmgraph:crmgraph var

# Numeric, so that Kubernetes' runAsNonRoot can check it without reading /etc/passwd.
USER 10001:10001
EXPOSE 8000
# Liveness: the process answers. Readiness (the database, Redis) is /health/ready, for a load balancer or
# an orchestrator's readiness probe (compose.yaml uses it).
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "/app/docker/entrypoint.py", "healthcheck", "http://127.0.0.1:8000/health/live"]
# The entrypoint waits for the database where a mode needs it, then execs crmgraph: `serve` (the default),
# `migrate`, `seed`, `healthcheck`, or any crmgraph command (`token demo`). See docker/entrypoint.py.
ENTRYPOINT ["python", "/app/docker/entrypoint.py"]
CMD ["serve"]
