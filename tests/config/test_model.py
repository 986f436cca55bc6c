"""The config models: every default, every description, the exported JSON Schema."""

from __future__ import annotations

import json

import pytest
from pydantic import BaseModel, ValidationError

from gitops.config import model
from gitops.config.model import Environment
from gitops.config.schema import schema_text
from tests.conftest import CONFIG

MINIMAL = {
    "cluster": {"kubernetesVersion": "1.34", "nodes": [{"name": "node-1", "cpu": "4", "memory": "8Gi"}]},
    "delivery": {"engine": "flux", "repository": {"url": "https://git.example.com/team/repo.git"}},
    "registry": {"host": "registry.example.com", "pullSecret": "registry"},
    "traefik": {"resources": {"cpu": "100m", "memory": "128Mi", "memoryLimit": "256Mi"}},
    "services": {
        "web": {
            "component": "frontend",
            "image": "registry.example.com/team/web",
            "health": {"kind": "tcp"},
            "port": 8080,
            "resources": {"cpu": "100m", "memory": "64Mi", "memoryLimit": "128Mi"},
        }
    },
    "images": {"web": "1.0.0"},
}


def _models() -> list[type[BaseModel]]:
    return [
        obj
        for obj in vars(model).values()
        if isinstance(obj, type) and issubclass(obj, BaseModel) and obj not in (BaseModel, model.Model)
    ]


@pytest.fixture
def env() -> Environment:
    return Environment.model_validate(MINIMAL)


def test_environment_defaults(env: Environment):
    assert env.namespace == "honeydue"
    assert env.part_of == "honeydue"
    assert env.secrets == {}
    assert env.settings == {}
    assert env.service_urls == {}
    assert env.not_secret == {}


def test_cluster_defaults(env: Environment):
    assert env.cluster.architecture == "amd64"
    assert env.cluster.system_reserved == model.Reserve(cpu="500m", memory="1Gi")
    assert env.cluster.pod_cidr == "10.42.0.0/16"
    assert env.cluster.nodes[0].address is None
    assert env.cluster.kubernetes_patch_version == "1.34.0"
    assert env.cluster.production is False


def test_edge_defaults(env: Environment):
    assert env.edge == model.Edge(className="traefik", entryPoint="web", publicScheme="https")
    assert env.edge.status_hostname is None


def test_delivery_defaults(env: Environment):
    delivery = env.delivery
    assert delivery.repository.branch == "main"
    assert delivery.repository.secret_ref is None
    assert delivery.flux.model_dump() == {
        "namespace": "flux-system",
        "source_interval": "1m",
        "interval": "10m",
        "retry_interval": "2m",
        "decryption_secret": "sops-age",
    }
    assert delivery.argocd.model_dump() == {
        "namespace": "argocd",
        "destination_server": "https://kubernetes.default.svc",
    }


def test_scp_style_repository_urls_are_rejected_with_the_url_form():
    bad = {**MINIMAL, "delivery": {"engine": "flux", "repository": {"url": "git@gitea.treytartt.com:o/r.git"}}}
    with pytest.raises(ValidationError, match="is an scp-style address, which Flux rejects") as caught:
        Environment.model_validate(bad)
    assert caught.value.errors()[0]["ctx"]["error"].fix == "write it as a URL: ssh://git@gitea.treytartt.com/o/r.git"


def test_traefik_defaults(env: Environment):
    assert env.traefik.http_port == 80
    assert env.traefik.trusted_proxies == []


def test_probe_policy_defaults(env: Environment):
    assert env.probes.model_dump() == {
        "readiness_period_seconds": 10,
        "readiness_failures": 3,
        "liveness_period_seconds": 20,
        "liveness_failures": 3,
        "startup_period_seconds": 5,
        "timeout_seconds": 3,
    }


def test_service_defaults(env: Environment):
    web = env.services["web"]
    assert web.unit == "apps"
    assert web.args == []
    assert web.replicas == 1
    assert web.singleton is False
    assert web.startup_seconds == 30
    assert web.spread_across_nodes is True
    assert web.hosts == []
    assert web.settings == []
    assert web.secret_env == {}
    assert web.writable_paths == ["/tmp"]
    assert web.run_as_user == 10001
    assert web.storage is None
    assert web.service_account_token is False


def test_secret_declaration_defaults():
    declared = model.SecretDeclaration(keys=["TOKEN"])
    assert declared.type == "Opaque"
    assert declared.description == ""


def test_service_url_defaults():
    url = model.ServiceUrl(service="redis")
    assert (url.public, url.scheme, url.path) == (False, "http", "")


def test_storage_defaults():
    storage = model.Storage(size="1Gi", mountPath="/data", node="node-1")
    assert storage.storage_class == "local-path"


def test_health_defaults():
    assert model.Health(kind="tcp").path is None
    assert model.Health(kind="tcp").reason is None


def test_settings_accept_bare_numbers_as_text():
    env = Environment.model_validate({**MINIMAL, "settings": {"SMTP_PORT": 587}})
    assert env.settings == {"SMTP_PORT": "587"}


def test_settings_reject_booleans():
    with pytest.raises(ValidationError, match="settings values are text, got bool True"):
        Environment.model_validate({**MINIMAL, "settings": {"FLAG": True}})


def test_containers_run_above_every_host_user():
    web = MINIMAL["services"]["web"]
    with pytest.raises(ValidationError, match="greater than or equal to 10000"):
        Environment.model_validate({**MINIMAL, "services": {"web": {**web, "runAsUser": 9999}}})
    assert model.MIN_UID == 10000


def test_memory_limit_below_request_is_rejected():
    with pytest.raises(ValidationError, match="memoryLimit 64Mi is below the memory request 128Mi"):
        model.Resources(cpu="1", memory="128Mi", memoryLimit="64Mi")


def test_python_field_names_are_not_accepted_in_yaml():
    with pytest.raises(ValidationError, match="memory_limit"):
        model.Resources(cpu="1", memory="128Mi", memory_limit="256Mi")


@pytest.mark.parametrize("cls", _models(), ids=lambda cls: cls.__name__)
def test_every_field_has_a_description(cls: type[BaseModel]):
    missing = [name for name, field in cls.model_fields.items() if not field.description]
    assert missing == []


@pytest.mark.parametrize("cls", _models(), ids=lambda cls: cls.__name__)
def test_unknown_keys_are_forbidden(cls: type[BaseModel]):
    assert cls.model_config["extra"] == "forbid"


def test_exported_schema_is_current():
    assert (CONFIG / "schema.json").read_text() == schema_text()


def test_exported_schema_describes_every_yaml_key():
    schema = json.loads(schema_text())
    service = schema["$defs"]["Service"]
    assert service["additionalProperties"] is False
    assert "startupSeconds" in service["properties"]
    assert service["properties"]["startupSeconds"]["description"].startswith("Worst-case seconds")


def test_config_files_point_editors_at_the_schema():
    for path in CONFIG.glob("*.yaml"):
        assert path.read_text().splitlines()[0] == "# yaml-language-server: $schema=./schema.json"


def test_quantities_and_images_are_parsed_once_into_values_that_are_still_the_text_written():
    """Constructs read .millis, .mebibytes, .gibibytes and .ref; they never parse config text again."""
    import pickle

    from gitops.config.model import Resources, Service

    resources = Resources.model_validate({"cpu": "250m", "memory": "1Gi", "memoryLimit": "1536Mi"})
    assert (resources.cpu, resources.cpu.millis) == ("250m", 250)
    assert (resources.memory.bytes, resources.memory.mebibytes, resources.memory_limit.mebibytes) == (2**30, 1024, 1536)
    service = Service.model_validate(
        {
            "component": "backend",
            "image": "gitea.treytartt.com/treytartt/honeydue-api",
            "health": {"kind": "none", "reason": "r"},
            "resources": {"cpu": "1", "memory": "1Gi", "memoryLimit": "1Gi"},
            "storage": {"size": "2Gi", "mountPath": "/data", "node": "n1"},
        }
    )
    assert (service.image.ref.registry, service.image.ref.repository) == (
        "gitea.treytartt.com",
        "treytartt/honeydue-api",
    )
    assert service.storage.size.gibibytes == 2
    # Workers receive the models pickled: the meaning travels with the text.
    again = pickle.loads(pickle.dumps(service))
    assert (again.image, again.image.ref, again.storage.size.gibibytes) == (service.image, service.image.ref, 2)
    assert service.model_dump(by_alias=True)["image"] == "gitea.treytartt.com/treytartt/honeydue-api"


def test_an_environment_pins_each_service_to_a_build_of_its_repository(env: Environment):
    digest = "sha256:" + "ab" * 32
    assert env.image("web") == "registry.example.com/team/web:1.0.0"
    assert env.image("web").ref.version_label == "1.0.0"
    for build, image in [
        (f"1.0.0@{digest}", f"registry.example.com/team/web:1.0.0@{digest}"),
        (digest, f"registry.example.com/team/web@{digest}"),
        (f"@{digest}", f"registry.example.com/team/web@{digest}"),
    ]:
        pinned = Environment.model_validate({**MINIMAL, "images": {"web": build}})
        assert (pinned.image("web"), pinned.image("web").ref.digest) == (image, digest)


def test_the_fields_an_environment_sets_for_itself_are_declared_once_in_the_models():
    fields = dict(model.per_environment_fields())
    assert sorted(fields) == [
        "cluster.nodes",
        "cluster.production",
        "cluster.systemReserved",
        "delivery",
        "edge.statusHostname",
        "images",
        "services.*.args",
        "services.*.hosts",
        "services.*.replicas",
        "services.*.resources",
        "services.*.scratch",
        "services.*.storage.node",
        "settings",
        "shipping",
        "traefik.resources",
    ]
