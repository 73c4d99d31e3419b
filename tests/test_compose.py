"""compose.yaml, checked where there is no Docker daemon to run it: validated against the Compose
Specification's JSON schema (tests/compose-spec.json, vendored unchanged from compose-spec/compose-spec,
schema/compose-spec.json at a08f8d5, Apache-2.0), and its wiring checked: services, start order, health
checks, database URLs, passwords from the environment, and the files it mounts.
"""

from __future__ import annotations

import json
import os
import re

import jsonschema
import pytest
import sqlalchemy as sa
import yaml

from tests.containers import ROOT

_VARIABLE = re.compile(r"\$(?:\$|\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:?-)(?P<default>[^}]*))?\})")


def interpolate(value: object, environ: dict[str, str]) -> object:
    """`value` with ${NAME}, ${NAME:-default}, ${NAME-default} and $$ replaced, as Compose does before it runs."""
    if isinstance(value, dict):
        return {key: interpolate(item, environ) for key, item in value.items()}
    if isinstance(value, list):
        return [interpolate(item, environ) for item in value]
    if not isinstance(value, str):
        return value

    def one(match: re.Match[str]) -> str:
        if match.group(0) == "$$":
            return "$"
        name, op, default = match.group("name", "op", "default")
        found = environ.get(name)
        if op == ":-" and not found:
            return default
        if op == "-" and found is None:
            return default
        return found or ""

    return _VARIABLE.sub(one, value)


@pytest.fixture(scope="module")
def compose_raw() -> dict:
    return yaml.safe_load((ROOT / "compose.yaml").read_text())


@pytest.fixture(scope="module")
def compose(compose_raw: dict) -> dict:
    """compose.yaml as Compose would run it with no .env file: every default taken, anchors merged."""
    return interpolate(compose_raw, {})


def test_compose_file_follows_the_compose_specification(compose_raw: dict) -> None:
    schema = json.loads((ROOT / "tests" / "compose-spec.json").read_text())
    validator = jsonschema.Draft7Validator(schema)
    errors = [f"{'.'.join(map(str, error.absolute_path))}: {error.message}" for error in validator.iter_errors(compose_raw)]
    assert errors == []
    # The schema is not a rubber stamp: a misspelt key fails it.
    broken = {**compose_raw, "services": {**compose_raw["services"], "redis": {**compose_raw["services"]["redis"], "helthcheck": {}}}}
    assert not validator.is_valid(broken)


def test_compose_runs_a_primary_a_replica_redis_a_migration_and_two_crmgraph_containers(compose: dict) -> None:
    services = compose["services"]
    assert {"primary", "replica", "redis", "migrate", "crmgraph", "proxy"} <= set(services)
    assert services["primary"]["image"].startswith("postgres:15-") and services["replica"]["image"] == services["primary"]["image"]
    assert re.fullmatch(r"redis:7(\.\d+)*-\w+", services["redis"]["image"])
    assert services["crmgraph"]["deploy"]["replicas"] == 2
    assert services["migrate"]["command"] == ["migrate"] and services["migrate"]["restart"] == "no"
    for name in ("migrate", "crmgraph", "seed"):
        assert services[name]["build"] == "." and services[name]["image"] == "crmgraph:local"


def test_each_service_starts_when_what_it_needs_is_ready(compose: dict) -> None:
    services = compose["services"]

    def needs(name: str) -> dict[str, str]:
        return {other: rule["condition"] for other, rule in services[name].get("depends_on", {}).items()}

    assert needs("replica") == {"primary": "service_healthy"}
    assert needs("migrate") == {"primary": "service_healthy"}
    assert needs("seed") == {"migrate": "service_completed_successfully"}
    # The workers skip a replica that is down (service/replicas.py): started is enough.
    assert needs("crmgraph") == {"migrate": "service_completed_successfully", "redis": "service_healthy",
                                 "replica": "service_started"}
    assert needs("proxy") == {"crmgraph": "service_healthy"}
    for name in ("primary", "replica", "redis", "crmgraph"):
        check = services[name]["healthcheck"]
        assert check["test"][0] in {"CMD", "CMD-SHELL"} and check["interval"] and check["retries"] >= 3, name
    assert "pg_isready" in " ".join(services["primary"]["healthcheck"]["test"])
    assert "--host=127.0.0.1" in services["primary"]["healthcheck"]["test"]  # not the init phase's socket-only server
    assert "pg_is_in_recovery()" in services["replica"]["healthcheck"]["test"][1]
    assert services["crmgraph"]["healthcheck"]["test"][-1] == "http://127.0.0.1:8000/health/ready"
    for job in ("migrate", "seed"):
        assert services[job]["healthcheck"] == {"disable": True}  # a job is done, not healthy
    assert services["seed"]["profiles"] == ["demo"]


def test_the_workers_write_to_the_primary_read_from_the_replica_and_share_redis(compose: dict) -> None:
    environment = compose["services"]["crmgraph"]["environment"]
    primary, replica = (sa.make_url(environment[name]) for name in ("CRMGRAPH_DATABASE_URL", "CRMGRAPH_READ_DATABASE_URL"))
    assert (primary.drivername, primary.host, primary.port, primary.database) == ("postgresql+asyncpg", "primary", 5432, "crmgraph")
    assert (replica.drivername, replica.host, replica.port, replica.database) == ("postgresql+asyncpg", "replica", 5432, "crmgraph")
    primary_env = compose["services"]["primary"]["environment"]
    assert primary.username == replica.username == primary_env["POSTGRES_USER"]
    assert primary.password == replica.password == primary_env["POSTGRES_PASSWORD"]
    assert environment["CRMGRAPH_REDIS_URL"] == "redis://redis:6379/0"
    assert compose["services"]["migrate"]["environment"] == environment
    # The replica clones the primary with the role and slot that the primary's init script makes.
    replica_env = compose["services"]["replica"]["environment"]
    assert replica_env["PGPASSWORD"] == primary_env["REPLICATION_PASSWORD"]
    assert (replica_env["PRIMARY_HOST"], replica_env["REPLICATION_USER"], replica_env["REPLICATION_SLOT"]) == ("primary", "replicator", "replica1")


def test_passwords_come_from_the_environment_and_the_defaults_say_local_only(compose_raw: dict) -> None:
    def passwords(document: dict) -> list[str]:
        found = []
        for service in document["services"].values():
            for name, value in (service.get("environment") or {}).items():
                if "PASSWORD" in name:
                    found.append(value)
                elif isinstance(value, str) and "://" in value and "@" in value:
                    found.append(sa.make_url(value).password)
        return found

    chosen = interpolate(compose_raw, {"POSTGRES_PASSWORD": "from-env-1", "REPLICATION_PASSWORD": "from-env-2"})
    # Every password, the database URLs' included, is one of the two variables: none is written in the file.
    assert sorted(set(passwords(chosen))) == ["from-env-1", "from-env-2"]
    defaults = set(passwords(interpolate(compose_raw, {})))
    assert defaults == {"crmgraph-local-only", "replicator-local-only"}


def test_files_that_compose_mounts_exist_and_its_scripts_are_executable(compose: dict) -> None:
    mounted = [volume.split(":")[0] for service in compose["services"].values() for volume in service.get("volumes", [])
               if volume.startswith("./")]
    assert {"./docker/postgres/primary-init.sh", "./docker/postgres/replica.sh", "./docker/nginx.conf"} <= set(mounted)
    for source in mounted:
        assert (ROOT / source).is_file(), source
        # The image sources a non-executable init script into its own shell: ours must run as a program.
        if source.endswith(".sh"):
            assert os.access(ROOT / source, os.X_OK), source
    nginx = (ROOT / "docker" / "nginx.conf").read_text()
    assert "server crmgraph:8000 resolve;" in nginx and "listen 8000;" in nginx
    assert compose["services"]["proxy"]["ports"] == ["127.0.0.1:8000:8000"]
