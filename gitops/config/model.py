"""The typed shape of config/<env>.yaml.

Every option is a field with its default (where one makes sense) and a
one-line description; unknown keys are errors. Config states intent (how long
a service may take to start, that it is a singleton, which node holds its
data); charts/ derives probe thresholds, rollout strategy, disruption budgets
and scheduling from it. Rules that relate one part of the file to another
(a secret key a service reads must be declared, ...) live in checks.py.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, model_validator
from pydantic.alias_generators import to_camel

from gitops.config.values import (
    Branch,
    Cidr,
    Cpu,
    DiskSize,
    Duration,
    EntryPoint,
    EnvName,
    Expect,
    GitUrl,
    Hostname,
    ImageRepository,
    ImageVersion,
    Invalid,
    IpAddress,
    LabelKey,
    LabelValue,
    Line,
    Memory,
    MountPath,
    Name,
    ParsedImage,
    ParsedRepository,
    Scheme,
    SecretKey,
    ServerUrl,
    StorageClassName,
    Text,
    UrlPath,
    VolumeSize,
    check_line,
    check_text,
    cpu,
    disk,
    image,
    memory,
)
from gitops.k8s import images
from gitops.layout import APPS, Unit


@dataclass(frozen=True)
class PerEnvironment:
    """Marks a field an environment sets for itself: its value (and what the charts derive from it) differs
    between environments by design. Promotion parity (gitops/ship/parity.py) compares every other field of what
    staging ran with what prod gets; per_environment_fields() lists the marked ones."""

    why: str


SIZED = PerEnvironment("sized to the environment's machines and traffic")
ADDRESSED = PerEnvironment("names the environment's own machines, hosts, buckets or cluster")
DELIVERED = PerEnvironment("how this environment's cluster and builds are delivered")


class Model(BaseModel):
    # strict: a number is a number and true/false is a boolean; pydantic's lax mode would read
    # replicas: true as 1 and replicas: "3" as 3, hiding a mistake the operator has to see.
    model_config = ConfigDict(
        strict=True,
        extra="forbid",
        alias_generator=to_camel,
        validate_by_alias=True,
        validate_by_name=False,
        frozen=True,
    )


def _setting_text(value: object) -> object:
    # ConfigMap data is text; a bare YAML number (SMTP_PORT: 587) is meant as text.
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str):
        raise Invalid(
            f"settings values are text, got {type(value).__name__} {value!r}",
            'write the value as a string, quoted if YAML would read it otherwise, e.g. "true"',
        )
    return value


# A node's system users sit below 1000 and its login users count up from 1000 (login.defs SYS_UID_MAX 999,
# UID_MIN 1000): container ids from 10000 up do not share a number with any account on the node, so files a
# container writes to a host path belong to no one there.
MIN_UID = 10000

SettingText = Annotated[str, BeforeValidator(_setting_text), AfterValidator(check_text)]
Reason = Annotated[str, Field(min_length=1), AfterValidator(check_line), Expect("a sentence saying why")]
RemovedKey = Annotated[
    str,
    Field(pattern=r"^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$"),
    Expect("a dotted key of config/base.yaml such as services.worker or settings.B2_BUCKET"),
]
Port = Annotated[int, Field(ge=1, le=65535), Expect("a port number such as 8000")]


class Node(Model):
    name: Name = Field(description="Node name as Kubernetes knows it (kubectl get nodes)")
    cpu: Cpu = Field(description="Allocatable CPU of the machine, e.g. 4 for a Hetzner CX33")
    memory: Memory = Field(description="Memory of the machine, e.g. 8Gi for a Hetzner CX33")
    address: IpAddress | None = Field(
        default=None, description="The node's InternalIP; host-network traffic (Traefik) may come from it"
    )


class Reserve(Model):
    cpu: Cpu = Field(default=cpu("500m"), description="CPU each node keeps for k3s, etcd and the OS")
    memory: Memory = Field(default=memory("1Gi"), description="Memory each node keeps for k3s, etcd and the OS")


class Cluster(Model):
    kubernetes_version: Literal["1.34"] = Field(
        description="Kubernetes minor version of the cluster; manifests are validated against it"
    )
    architecture: Literal["amd64", "arm64"] = Field(
        default="amd64", description="CPU architecture of every node; pods are scheduled only there"
    )
    nodes: Annotated[list[Node], ADDRESSED] = Field(min_length=1, description="The machines of the cluster")
    system_reserved: Annotated[Reserve, SIZED] = Field(
        default_factory=Reserve, description="What each node keeps for itself"
    )
    pod_cidr: Cidr = Field(
        default="10.42.0.0/16", description="Cluster pod network (k3s --cluster-cidr); node-side pod traffic uses it"
    )
    service_cidr: Cidr = Field(
        default="10.43.0.0/16",
        description="Cluster Service network (k3s --service-cidr); egress to any outside address excludes it",
    )
    production: Annotated[bool, ADDRESSED] = Field(
        default=False,
        description="The cluster serves real users: `main.py check` then warns about every image not pinned by digest",
    )

    @property
    def kubernetes_patch_version(self) -> str:
        """The version as schema tooling names it, e.g. '1.34.0'."""
        return f"{self.kubernetes_version}.0"

    @property
    def node_names(self) -> list[str]:
        return [node.name for node in self.nodes]


class Registry(Model):
    host: Hostname = Field(description="Registry host that needs credentials to pull, e.g. gitea.treytartt.com")
    pull_secret: Name = Field(
        description="Secret (declared under secrets, type kubernetes.io/dockerconfigjson) with the registry login"
    )


class Edge(Model):
    class_name: Name = Field(
        default="traefik", description="IngressClass that serves the Ingresses (its object name, e.g. traefik)"
    )
    entry_point: EntryPoint = Field(default="web", description="Traefik entry point the Ingresses bind to")
    public_scheme: Literal["https", "http"] = Field(
        default="https",
        description="Scheme clients use for public URLs (Cloudflare terminates TLS in front of the cluster)",
    )
    status_hostname: Annotated[Hostname | None, ADDRESSED] = Field(
        default=None,
        description="Public name Traefik writes into Ingress status (Argo CD counts an Ingress healthy only then)",
    )


class Resources(Model):
    cpu: Cpu = Field(description="CPU request: what the scheduler reserves for one pod")
    memory: Memory = Field(description="Memory request: what the scheduler reserves for one pod")
    memory_limit: Memory = Field(description="Memory limit: the pod is killed above this")

    @model_validator(mode="after")
    def _limit_covers_request(self) -> Resources:
        if self.memory_limit.bytes < self.memory.bytes:
            raise Invalid(
                f"memoryLimit {self.memory_limit} is below the memory request {self.memory}",
                "raise memoryLimit to at least the request",
            )
        return self


class Traefik(Model):
    http_port: Port = Field(default=80, description="Port Traefik listens on, on every node's own address")
    trusted_proxies: list[Cidr] = Field(
        default_factory=list,
        description="CIDRs whose X-Forwarded-* headers Traefik trusts (the CDN in front), for real client IPs",
    )
    open_origin: Line | None = Field(
        default=None,
        description="Why Traefik may answer clients other than trustedProxies (the CDN in front); unset, it "
        "answers only them, so nobody who finds a node address bypasses the CDN",
    )
    resources: Annotated[Resources, SIZED] = Field(description="Requests and limit of one Traefik pod (one per node)")


class ProbePolicy(Model):
    readiness_period_seconds: int = Field(default=10, ge=1, description="How often readiness is checked")
    readiness_failures: int = Field(default=3, ge=1, description="Failed checks before a pod stops taking traffic")
    liveness_period_seconds: int = Field(default=20, ge=1, description="How often liveness is checked")
    liveness_failures: int = Field(default=3, ge=1, description="Failed checks before a pod is restarted")
    startup_period_seconds: int = Field(default=5, ge=1, description="How often a starting pod is checked")
    timeout_seconds: int = Field(default=3, ge=1, description="How long one check may take")


class SecretDeclaration(Model):
    description: Line = Field(default="", description="What the secret holds and who provides it")
    type: Literal["Opaque", "kubernetes.io/dockerconfigjson"] = Field(
        default="Opaque", description="Kubernetes Secret type"
    )
    keys: list[SecretKey] = Field(min_length=1, description="Keys the Secret must contain (never their values)")


class ServiceUrl(Model):
    service: Name = Field(description="Service (under services) the URL points at")
    public: bool = Field(
        default=False, description="Use the service's first public host instead of its in-cluster address"
    )
    scheme: Scheme = Field(default="http", description="URL scheme of an in-cluster URL, e.g. redis")
    path: UrlPath = Field(default="", description="Path appended to the URL, e.g. /0")


class Endpoint(Model):
    """A destination outside the cluster that services connect to. Which services connect is derived: those that
    read its setting (under their settings) or its secret (under their secretEnv)."""

    description: Reason = Field(
        description="What the endpoint is, and why its addresses are not fixed (or where the fixed ones come from)"
    )
    setting: EnvName | None = Field(
        default=None, description="The setting (under settings) that names it: a service reading it connects"
    )
    secret: Name | None = Field(
        default=None, description="The secret (under secrets) that names it: a service reading any of its keys connects"
    )
    ports: list[Port] = Field(
        default_factory=list,
        description="Ports the services connect to, e.g. [5432], besides those derived: the port of the URL the "
        "setting holds (https: 443) and the value of portSetting",
    )
    port_setting: EnvName | None = Field(
        default=None, description="The setting (under settings) that holds the port the services use, e.g. SMTP_PORT"
    )
    protocol: Literal["TCP", "UDP"] = Field(default="TCP", description="Transport protocol of the ports")
    addresses: list[Cidr] = Field(
        default_factory=list,
        description="Networks the endpoint is at; empty: any address outside the cluster (its pod and Service "
        "networks and its nodes), for a DNS name whose addresses change",
    )

    @model_validator(mode="after")
    def _one_source(self) -> Endpoint:
        if self.setting is not None and self.secret is not None:
            raise Invalid(
                "an endpoint is read from exactly one setting or one secret",
                "keep setting: <the setting that names it> or secret: <the secret that names it>, not both",
            )
        if self.setting is None and self.secret is None:
            raise Invalid(
                "an endpoint names neither the setting nor the secret services read it from, so no service may "
                "connect to it",
                "add setting: <the setting that names it> or secret: <the secret that names it>",
            )
        return self


class SecretRef(Model):
    secret: Name = Field(description="Secret (declared under secrets) to read")
    key: SecretKey = Field(description="Key inside that Secret")


class Health(Model):
    kind: Literal["http", "tcp", "none"] = Field(
        description="How Kubernetes checks the service: an HTTP GET, a TCP connect, or not at all"
    )
    path: UrlPath | None = Field(
        default=None, description="HTTP path that answers 200 when the pod can take traffic (kind: http): readiness"
    )
    checks_dependencies: bool | None = Field(
        default=None,
        description="kind: http, required: whether path answers 200 only while other services (database, cache, "
        "another service) answer too. true: path decides readiness only, and liveness checks livenessPath or "
        "connects to the port, so an outage of a dependency takes pods out of service without restarting them; "
        "false: path checks the process alone and serves liveness too",
    )
    liveness_path: UrlPath | None = Field(
        default=None,
        description="kind: http with checksDependencies: true: a path that answers 200 whenever the process "
        "itself works, whatever its dependencies do; liveness (and startup) check it instead of connecting to the "
        "port",
    )
    reason: Line | None = Field(default=None, description="Why the service cannot be probed (kind: none)")

    @model_validator(mode="after")
    def _fields_match_kind(self) -> Health:
        if self.kind == "http" and not (self.path or "").startswith("/"):
            raise Invalid("an http health check needs a path", "add path: with the URL path, e.g. path: /")
        if self.kind != "http" and self.path is not None:
            raise Invalid(f"path is only used by kind: http, not kind: {self.kind}", "remove path")
        if self.kind == "none" and not self.reason:
            raise Invalid(
                "a service without health checks must say why",
                "add reason: explaining why it cannot be probed",
            )
        if self.kind != "none" and self.reason is not None:
            raise Invalid(f"reason is only used by kind: none, not kind: {self.kind}", "remove reason")
        self._liveness_matches_kind()
        return self

    def _liveness_matches_kind(self) -> None:
        if self.kind != "http":
            for key, value in (("checksDependencies", self.checks_dependencies), ("livenessPath", self.liveness_path)):
                if value is not None:
                    raise Invalid(f"{key} is only used by kind: http, not kind: {self.kind}", f"remove {key}")
            return
        if self.checks_dependencies is None:
            raise Invalid(
                f"an http health check must say whether {self.path} checks other services",
                "add checksDependencies: true if it fails while the database, cache or another service is down "
                "(liveness then connects to the port, or checks livenessPath), false if it checks the process alone",
            )
        if self.liveness_path is not None and not self.checks_dependencies:
            raise Invalid(
                f"livenessPath is only used when path checks other services, and {self.path} does not "
                "(checksDependencies: false), so it serves liveness itself",
                "remove livenessPath, or set checksDependencies: true",
            )
        if self.liveness_path is not None and self.liveness_path == self.path:
            raise Invalid(
                f"livenessPath {self.liveness_path} is the readiness path, which checks other services: an outage "
                "of one would restart every pod",
                "name a path that checks the process alone, or remove livenessPath to connect to the port",
            )


class Scratch(Model):
    """Node disk for the writable paths: each is an emptyDir of this size (its sizeLimit); the container's
    ephemeral-storage is derived from the sizes (charts/workload.py, gitops/k8s/ephemeral.py)."""

    size: DiskSize = Field(
        default=disk("64Mi"),
        description="Node disk each writable path may fill (its emptyDir's sizeLimit) unless paths names it: a "
        "/tmp for a process that writes little. Above it the kubelet evicts the pod, instead of the node's disk "
        "(etcd, images, the Redis volume) filling up",
    )
    paths: dict[MountPath, DiskSize] = Field(
        default_factory=dict,
        description="Writable paths (of writablePaths) that need another size than size, e.g. a cache: path -> size",
    )

    def size_of(self, path: str) -> int:
        """Bytes the writable path may hold."""
        return (self.paths.get(path) or self.size).bytes


class Storage(Model):
    size: VolumeSize = Field(description="Size of the volume in whole Gi, e.g. 2Gi")
    mount_path: MountPath = Field(description="Where the container sees the volume, e.g. /data")
    storage_class: StorageClassName = Field(
        default="local-path", description="StorageClass of the claim (k3s: local-path)"
    )
    node: Annotated[Name, ADDRESSED] = Field(
        description="Node that holds the data: a local-path volume lives on the node that first mounted it"
    )


class KeepLive(Model):
    """Identities of a running object that config keeps, because changing them on the running cluster costs
    downtime or data (`main.py adopt` names the line): the default is this project's own names."""

    selector: dict[LabelKey, LabelValue] = Field(
        default_factory=dict,
        description="The live Deployment's spec.selector.matchLabels (immutable: a different selector makes the "
        "engine delete and recreate the Deployment). The pods carry these labels besides ours, and the Service, "
        "the disruption budget and the network policies select by them, so old and new pods are both served "
        "and protected while they roll",
    )
    claim: Name | None = Field(
        default=None,
        description="The live PersistentVolumeClaim of the service's storage: another name is a new, empty volume "
        "(set storage.size to the live claim's size: local-path cannot resize a bound claim)",
    )
    reason: Reason = Field(description="Why the live identity is kept (what changing it would cost)")

    @model_validator(mode="after")
    def _keeps_something(self) -> KeepLive:
        if not self.selector and self.claim is None:
            raise Invalid("keepLive keeps nothing", "add selector: (the live labels) or claim: (the live claim name)")
        return self


class Service(Model):
    component: Literal["backend", "frontend", "worker", "cache"] = Field(
        description="Role of the service (the app.kubernetes.io/component label)"
    )
    unit: Unit = Field(default=APPS, description="Delivery unit: infrastructure is applied before apps")
    image: ImageRepository = Field(
        description="Image repository (registry host and path, no tag): every environment runs a build of it, "
        "named under that environment's images:"
    )
    args: Annotated[list[Text], SIZED] = Field(
        default_factory=list, description="Arguments passed to the image's entrypoint"
    )
    replicas: Annotated[int, SIZED] = Field(default=1, ge=1, description="Number of pods")
    singleton: bool = Field(
        default=False, description="At most one pod may ever run, even during a rollout (e.g. a scheduler)"
    )
    port: Port | None = Field(default=None, description="Port the container serves on; omit if it serves nothing")
    health: Health = Field(description="How Kubernetes tells whether a pod is healthy")
    startup_seconds: int = Field(
        default=30, ge=1, le=3600, description="Worst-case seconds from start to healthy, first boot included"
    )
    spread_across_nodes: bool = Field(
        default=True, description="Keep the pods of a multi-replica service on different nodes"
    )
    hosts: Annotated[list[Hostname], ADDRESSED] = Field(
        default_factory=list, description="Public hostnames routed to this service"
    )
    settings: list[EnvName] = Field(
        default_factory=list, description="Keys of settings/serviceUrls the service reads as environment variables"
    )
    secret_env: dict[EnvName, SecretRef] = Field(
        default_factory=dict, description="Environment variables read from declared secrets"
    )
    resources: Annotated[Resources, SIZED] = Field(description="Requests and memory limit of one pod")
    writable_paths: list[MountPath] = Field(
        default_factory=lambda: ["/tmp"],
        description="Directories the app writes to; everything else is a read-only filesystem",
    )
    scratch: Annotated[Scratch, SIZED] = Field(
        default_factory=Scratch,
        description="How much node disk each writable path may use; each container's ephemeral-storage request "
        "and limit are derived from it",
    )
    run_as_user: int = Field(
        default=10001,
        ge=MIN_UID,
        description="User and group id the container runs as: at least 10000, above every user the nodes' own "
        "systems create, so a process that escapes its container owns nothing on the host",
    )
    storage: Storage | None = Field(default=None, description="A persistent volume for the service's data")
    keep_live: KeepLive | None = Field(
        default=None,
        description="Live identities kept while taking over a running cluster (selector labels, claim name), "
        "with the reason; omit to use this project's own names",
    )
    service_account_token: bool = Field(
        default=False, description="Mount a Kubernetes API token (only for services that call the API)"
    )


class Repository(Model):
    url: GitUrl = Field(description="This repository as the cluster fetches it (http(s):// or ssh://)")
    branch: Branch = Field(default="main", description="Branch the cluster follows")
    secret_ref: Name | None = Field(
        default=None,
        description="Flux: Secret in the Flux namespace with the git credentials (omit for a public repository)",
    )


class FluxDelivery(Model):
    namespace: Name = Field(default="flux-system", description="Namespace Flux runs in")
    source_interval: Duration = Field(default="1m", description="How often Flux fetches the repository")
    interval: Duration = Field(default="10m", description="How often each unit is re-applied, undoing drift")
    retry_interval: Duration = Field(default="2m", description="How soon a failed apply is retried")
    decryption_secret: Name = Field(
        default="sops-age", description="Secret in the Flux namespace holding the age key for SOPS (key *.agekey)"
    )


class ArgoDelivery(Model):
    namespace: Name = Field(default="argocd", description="Namespace Argo CD runs in")
    destination_server: ServerUrl = Field(
        default="https://kubernetes.default.svc", description="API server Argo CD deploys to (its own cluster)"
    )


class Shipping(Model):
    builds: Literal["pull-request", "commit"] = Field(
        default="pull-request",
        description="How `main.py set-image --commit` lands a new build here: on a branch of its own, for a "
        "small pull request, or as a commit on the current branch (main)",
    )
    follows: Name | None = Field(
        default=None,
        description="Another environment whose builds this one runs: every service not under images: here "
        "runs the build that environment runs (set-image then refuses this environment for them)",
    )


class Delivery(Model):
    engine: Literal["flux", "argocd"] = Field(description="GitOps engine that applies dist/ to the cluster")
    repository: Repository = Field(description="Where the engine fetches dist/ from")
    flux: FluxDelivery = Field(default_factory=FluxDelivery, description="Flux settings (engine: flux)")
    argocd: ArgoDelivery = Field(default_factory=ArgoDelivery, description="Argo CD settings (engine: argocd)")


class Environment(Model):
    namespace: Name = Field(default="honeydue", description="Namespace of the application")
    part_of: Name = Field(default="honeydue", description="Application name (the app.kubernetes.io/part-of label)")
    cluster: Cluster = Field(description="The cluster the environment runs on")
    delivery: Annotated[Delivery, DELIVERED] = Field(description="How the cluster gets dist/ from git")
    registry: Registry = Field(description="The private image registry")
    edge: Edge = Field(default_factory=Edge, description="How public traffic reaches the services")
    traefik: Traefik = Field(description="The k3s-bundled Traefik ingress controller")
    probes: ProbePolicy = Field(default_factory=ProbePolicy, description="Timing shared by all health checks")
    secrets: dict[Name, SecretDeclaration] = Field(
        default_factory=dict, description="Secrets the environment expects to exist, by name and keys"
    )
    settings: Annotated[dict[EnvName, SettingText], ADDRESSED] = Field(
        default_factory=dict, description="Non-secret settings, published as a ConfigMap"
    )
    not_secret: dict[EnvName, Reason] = Field(
        default_factory=dict,
        description="Settings whose name or value looks like a credential but is not one, each with the reason "
        "(e.g. TOKEN_TTL_SECONDS: a lifetime, not a token); any other credential-like setting is refused",
    )
    service_urls: dict[EnvName, ServiceUrl] = Field(
        default_factory=dict, description="Settings whose value is the URL of a service, derived from it"
    )
    endpoints: dict[Name, Endpoint] = Field(
        default_factory=dict,
        description="Destinations outside the cluster the services connect to (database, mail, object storage): "
        "each service may connect to those whose setting or secret it reads, and to nothing else outside",
    )
    services: dict[Name, Service] = Field(min_length=1, description="The workloads of the application")
    remove: dict[RemovedKey, Reason] = Field(
        default_factory=dict,
        description="Environment files only: entries of config/base.yaml this environment does without, each by its "
        "dotted key with the reason (services.worker: the queue moved to the new scheduler). An empty key is an "
        "error, never a removal",
    )
    images: Annotated[dict[Name, ImageVersion], DELIVERED] = Field(
        default_factory=dict,
        description="Environment files only: the build each service runs here, by service: a tag (6f303dbbaa), "
        "a digest (sha256:<hex>) or both (6f303dbbaa@sha256:<hex>), of the repository its image names. The app's "
        "CI sets it with `main.py set-image`; an environment that receives builds by promotion gets it from "
        "`main.py promote`",
    )
    shipping: Annotated[Shipping, DELIVERED] = Field(
        default_factory=Shipping, description="Environment files only: how builds reach this environment"
    )

    def image(self, service: str) -> ParsedImage:
        """The reference service pulls here: its repository with this environment's build of it."""
        return pinned(self.services[service].image, self.images[service])


def pinned(repository: ParsedRepository, version: str) -> ParsedImage:
    """A repository with a build of it: the reference a pod pulls. (The charts call this with the two fields
    they read, rather than Environment.image, so that what they read is exactly those two.)"""
    return image(images.pin(repository.ref, version).text)


def per_environment_fields(model: type[BaseModel] | None = None, prefix: str = "") -> Iterator[tuple[str, str]]:
    """(dotted key, why) of every field marked PerEnvironment; '*' stands for a key of a mapping
    ('services.*.replicas'). The fields an environment file may set for itself, declared once."""
    for field in (model or Environment).model_fields.values():
        key = f"{prefix}{field.alias}"
        marks = [m for m in field.metadata if isinstance(m, PerEnvironment)]
        if marks:
            yield key, marks[0].why
            continue
        annotation = field.annotation
        while typing.get_origin(annotation) in (dict, list, types.UnionType, typing.Union):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            if typing.get_origin(annotation) is dict:
                key, annotation = f"{key}.*", args[-1]
            else:
                annotation = args[-1]
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            yield from per_environment_fields(annotation, f"{key}.")
