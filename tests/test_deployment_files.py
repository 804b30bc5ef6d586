"""The compose file, Kubernetes manifests and Dockerfile are valid and complete."""

from __future__ import annotations

import asyncio
import importlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import kubernetes_validate
import pytest
import yaml
from aiokafka.admin import AIOKafkaAdminClient
from pydantic_settings import BaseSettings

from shared.contracts.topics import Topics

ROOT = Path(__file__).resolve().parents[1]
K8S_BASE = ROOT / "deploy" / "k8s" / "base"
K8S_DIRS = [K8S_BASE, ROOT / "deploy" / "k8s" / "overlays" / "example"]
SERVICES = sorted(path.parent.name for path in ROOT.glob("services/*/__main__.py"))
KNOWN_SERVICES = ("profiles", "matching", "scheduling", "notifications")
SECRET_NAME = "micromentor-secrets"


def settings_class(service: str) -> type[BaseSettings] | None:
    """The service's settings class, or None while the service does not exist."""
    try:
        module = importlib.import_module(f"services.{service}.settings")
    except ModuleNotFoundError:
        return None
    return next(
        value
        for name, value in vars(module).items()
        if name.endswith("Settings")
        and isinstance(value, type)
        and value.__module__ == module.__name__
    )


def unknown_variables(service: str, names: list[str]) -> list[str]:
    settings = settings_class(service)
    prefix = settings.model_config["env_prefix"]
    fields = {name.lower() for name in settings.model_fields}
    return [
        name
        for name in names
        if not name.startswith(prefix) or name[len(prefix) :].lower() not in fields
    ]


def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def manifests(directory: Path = K8S_BASE) -> list[dict]:
    """The resources kustomize renders, or the base files when kubectl is absent."""
    if shutil.which("kubectl"):
        rendered = subprocess.run(
            ["kubectl", "kustomize", str(directory)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        return [doc for doc in yaml.safe_load_all(rendered) if doc]
    kustomization = yaml.safe_load((directory / "kustomization.yaml").read_text())
    return [
        doc
        for resource in kustomization["resources"]
        for doc in yaml.safe_load_all((directory / resource).read_text())
        if doc
    ]


def deployments() -> dict[str, dict]:
    return {
        doc["metadata"]["name"]: doc
        for doc in manifests()
        if doc["kind"] == "Deployment"
    }


def config_map_keys(name: str) -> list[str]:
    [config] = [
        doc
        for doc in manifests()
        if doc["kind"] == "ConfigMap" and doc["metadata"]["name"] == name
    ]
    return list(config["data"])


def container_variables(container: dict) -> list[str]:
    """Every environment variable name a container gets, prefixes applied."""
    names = [item["name"] for item in container.get("env", ())]
    for source in container.get("envFrom", ()):
        keys = config_map_keys(source["configMapRef"]["name"])
        names += [source.get("prefix", "") + key for key in keys]
    return names


def test_the_compose_file_validates_against_the_compose_specification():
    result = subprocess.run(
        [
            str(Path(sys.executable).parent / "check-jsonschema"),
            "--builtin-schema",
            "vendor.compose-spec",
            str(ROOT / "docker-compose.yml"),
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("directory", K8S_DIRS, ids=lambda path: path.name)
def test_every_kubernetes_manifest_is_valid_for_kubernetes(directory):
    resources = manifests(directory)
    assert resources
    for resource in resources:
        kubernetes_validate.validate(resource, "1.30", strict=True)


@pytest.mark.parametrize("service", SERVICES)
def test_every_service_in_the_repository_is_deployed(service):
    assert service in KNOWN_SERVICES, f"add {service} to the deployment files"
    entry = compose()["services"][service]
    assert entry["command"] == ["python", "-m", f"services.{service}"]
    container = deployments()[service]["spec"]["template"]["spec"]["containers"][0]
    assert container["args"] == ["python", "-m", f"services.{service}"]


@pytest.mark.parametrize("service", KNOWN_SERVICES)
def test_compose_sets_only_variables_the_service_reads(service):
    if settings_class(service) is None:
        pytest.skip(f"services.{service} does not exist yet")
    environment = compose()["services"][service]["environment"]
    assert unknown_variables(service, list(environment)) == []
    assert environment[f"{service.upper()}_HTTP_HOST"] == "0.0.0.0"


@pytest.mark.parametrize("service", KNOWN_SERVICES)
def test_kubernetes_sets_only_variables_the_service_reads(service):
    if settings_class(service) is None:
        pytest.skip(f"services.{service} does not exist yet")
    container = deployments()[service]["spec"]["template"]["spec"]["containers"][0]
    names = container_variables(container)
    assert unknown_variables(service, names) == []
    assert f"{service.upper()}_HTTP_HOST" in names


@pytest.mark.parametrize("service", KNOWN_SERVICES)
def test_each_deployment_probes_health_and_runs_without_root(service):
    pod = deployments()[service]["spec"]["template"]["spec"]
    [container] = pod["containers"]
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert container["livenessProbe"]["httpGet"]["path"] == "/health/live"
    assert container["readinessProbe"]["httpGet"]["path"] == "/health/ready"
    assert {"requests", "limits"} <= set(container["resources"])
    annotations = deployments()[service]["spec"]["template"]["metadata"]
    assert annotations["annotations"]["prometheus.io/scrape"] == "true"


def test_credentials_come_from_the_documented_secret_only():
    documented = (ROOT / "docs" / "deployment.md").read_text()
    secret_keys = set()
    for deployment in deployments().values():
        for container in deployment["spec"]["template"]["spec"]["containers"]:
            for item in container.get("env", ()):
                ref = item.get("valueFrom", {}).get("secretKeyRef")
                if ref:
                    assert ref["name"] == SECRET_NAME
                    secret_keys.add(ref["key"])
                if re.search("PASSWORD|DATABASE_URL", item["name"]):
                    assert ref, f"{item['name']} must come from a Secret"
    assert {f"{service}-database-url" for service in KNOWN_SERVICES} <= secret_keys
    for key in secret_keys:
        assert f"`{key}`" in documented, f"docs/deployment.md lacks {key}"
    assert not any(doc["kind"] == "Secret" for doc in manifests())


def test_the_dockerfile_builds_in_stages_and_runs_as_a_fixed_non_root_user():
    dockerfile = (ROOT / "deploy" / "Dockerfile").read_text()
    assert len(re.findall(r"^FROM ", dockerfile, re.MULTILINE)) >= 2
    [user] = re.findall(r"^USER (\S+)", dockerfile, re.MULTILINE)
    uid = user.split(":")[0]
    assert uid.isdigit() and int(uid) != 0
    for deployment in deployments().values():
        pod = deployment["spec"]["template"]["spec"]
        assert pod["securityContext"]["runAsUser"] == int(uid)


def test_the_topic_job_creates_every_topic_and_dead_letter_topic(infra):
    prefix = f"deploy{os.getpid()}."
    environment = {
        **os.environ,
        "KAFKA_BOOTSTRAP_SERVERS": infra.bootstrap_servers,
        "TOPIC_PREFIX": prefix,
        "TOPIC_PARTITIONS": "2",
    }
    script = [sys.executable, "deploy/create_topics.py"]
    for _run in range(2):  # the second run finds everything and must still pass
        result = subprocess.run(
            script, cwd=ROOT, env=environment, capture_output=True, text=True
        )
        assert result.returncode == 0, result.stderr
    assert "0 created" in result.stdout

    async def described() -> dict[str, int]:
        admin = AIOKafkaAdminClient(bootstrap_servers=infra.bootstrap_servers)
        await admin.start()
        try:
            wanted = Topics(prefix).all_with_dlq()
            found = await admin.describe_topics(wanted)
            return {topic["topic"]: len(topic["partitions"]) for topic in found}
        finally:
            await admin.close()

    partitions = asyncio.run(described())
    assert partitions == {name: 2 for name in Topics(prefix).all_with_dlq()}


def test_an_empty_smtp_login_from_compose_or_a_secret_means_no_login(monkeypatch):
    from services.notifications.settings import NotificationsSettings

    monkeypatch.setenv("NOTIFICATIONS_SMTP_USERNAME", "")
    monkeypatch.setenv("NOTIFICATIONS_SMTP_PASSWORD", "")
    settings = NotificationsSettings()

    assert settings.smtp_username is None
    assert settings.smtp_password is None
    assert compose()["services"]["notifications"]["environment"][
        "NOTIFICATIONS_SMTP_USERNAME"
    ].endswith(":-}")


def test_the_kubernetes_relay_on_587_uses_starttls():
    [smtp] = [
        m
        for m in manifests()
        if m["kind"] == "ConfigMap" and m["metadata"]["name"] == "micromentor-smtp"
    ]
    assert smtp["data"]["SMTP_PORT"] == "587"
    assert smtp["data"]["SMTP_STARTTLS"] == "true"
