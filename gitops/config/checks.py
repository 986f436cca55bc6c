"""Rules that relate one part of an environment's config to another.

Each rule returns (path, problem, fix); the loader turns the path into a line.
These are the mistakes that produce manifests which validate one by one and
still fail together, e.g. a secret reference that never resolves.
"""

from __future__ import annotations

import typing
from collections.abc import Iterator

from gitops.config.credentials import credential_shape
from gitops.config.errors import Path, dotted
from gitops.config.model import Environment, Service
from gitops.config.traffic import endpoint_ports, reads_endpoint, setting_port
from gitops.config.values import STORAGE_VOLUME, volume_name
from gitops.k8s.labels import NAME, RECOMMENDED_PREFIX, VALUE_MAX

Finding = tuple[Path, str, str]

DOCKER_CONFIG = "kubernetes.io/dockerconfigjson"


def check(env: Environment, environment: str = "") -> list[Finding]:
    """Every cross-reference problem; environment is the file's name, which some names are built from."""
    return [
        *_derived_label_values(env, environment),
        *_singletons(env),
        *_storage(env),
        *_kept_identities(env),
        *_ports(env),
        *_secret_references(env),
        *_setting_references(env),
        *_credentials(env),
        *_service_urls(env),
        *_endpoints(env),
        *_registry(env),
        *_hosts(env),
        *_images(env, environment),
        *_reserved(env),
        *_mounts(env),
        *_scratch(env),
    ]


# Namespaces the cluster's own components live in: Kubernetes reserves every kube- name for itself.
RESERVED_PREFIX = "kube-"
# Objects the cluster creates for itself that a same-named object of ours would replace: the Service of the API
# server in namespace default (kube-apiserver's bootstrap controller keeps it), and Argo CD's built-in project.
API_SERVICE = ("default", "kubernetes")
ARGO_DEFAULT_PROJECT = "default"


def _reserved(env: Environment) -> Iterator[Finding]:
    """Namespaces and objects the cluster or the GitOps engine owns: config must not render into or over them."""
    namespace, engine = env.namespace, env.delivery.engine
    engine_namespace = env.delivery.flux.namespace if engine == "flux" else env.delivery.argocd.namespace
    if namespace.startswith(RESERVED_PREFIX):
        yield (
            ("namespace",),
            f"namespace '{namespace}' is reserved for the cluster's own components (every kube- name is): the "
            "environment's default-deny network policy would cut their traffic",
            "use a namespace of the application's own, e.g. honeydue",
        )
    elif namespace == engine_namespace:
        yield (
            ("namespace",),
            f"namespace '{namespace}' is where {engine} itself runs: the environment's default-deny network policy "
            f"would cut {engine}'s own traffic and stop every delivery",
            "use a namespace of the application's own, e.g. honeydue",
        )
    if namespace == API_SERVICE[0] and API_SERVICE[1] in env.services:
        yield (
            ("services", API_SERVICE[1]),
            "in namespace default the Service kubernetes is the API server's own: a service of that name would "
            "replace it and cut every pod off the API",
            "rename the service, or use a namespace of the application's own",
        )
    if engine == "argocd" and env.part_of == ARGO_DEFAULT_PROJECT:
        yield (
            ("partOf",),
            f"partOf '{env.part_of}' names the environment's Argo CD AppProject, and Argo CD's built-in project is "
            "called default: it would be replaced, with every Application of other teams in it",
            "use the application's own name, e.g. honeydue",
        )


def _mounts(env: Environment) -> Iterator[Finding]:
    """Two mounts of one container at one path, or two volumes of one pod with one name: the API server refuses
    the pod (volumeMounts[].mountPath and volumes[].name must be unique)."""
    for name, svc in env.services.items():
        paths: dict[str, Path] = {}
        volumes: dict[str, str] = {}
        mounts: list[tuple[str, str, Path]] = [
            (path, volume_name(path), ("services", name, "writablePaths", i))
            for i, path in enumerate(svc.writable_paths)
        ]
        if svc.storage is not None:
            mounts.append((svc.storage.mount_path, STORAGE_VOLUME, ("services", name, "storage", "mountPath")))
        for path, volume, at in mounts:
            if path in paths:
                yield (
                    at,
                    f"{path} is mounted twice ({dotted(paths[path])} mounts it too)",
                    "keep one of them: the storage volume is writable itself",
                )
                continue
            paths[path] = at
            if volume in volumes:
                yield (
                    at,
                    f"{path} and {volumes[volume]} would both be the volume '{volume}' (a volume is named after its "
                    "path)",
                    f"keep one of them, or choose a path whose name differs from {volumes[volume]}'s",
                )
                continue
            volumes[volume] = path


def _scratch(env: Environment) -> Iterator[Finding]:
    """A size for a path the service does not write to sizes nothing: most likely a path misspelt on one side."""
    for name, svc in env.services.items():
        for path in svc.scratch.paths:
            if path not in svc.writable_paths:
                yield (
                    ("services", name, "scratch", "paths", path),
                    f"{path} is not one of the service's writablePaths ({', '.join(svc.writable_paths) or 'none'}), "
                    "so its size limits nothing",
                    f"add {path} to writablePaths, or remove it here",
                )


def _derived_label_values(env: Environment, environment: str) -> Iterator[Finding]:
    """Label values built from partOf (charts/naming.py): the API server refuses one over 63 characters.

    The instance label is <partOf>-<environment>, and Flux labels everything a Kustomization applies
    with kustomize.toolkit.fluxcd.io/name: <partOf>-<unit> (fluxcd/pkg ssa). A partOf that makes
    either too long fails every apply of the environment, though each object validates on its own.
    """
    units = typing.get_args(Service.model_fields["unit"].annotation)
    suffixes = [
        (unit, f"its delivery unit {unit}'s Kustomization name, which Flux writes as a label") for unit in units
    ]
    if environment:
        suffixes.append((environment, "the app.kubernetes.io/instance label"))
    for suffix, what in suffixes:
        value = f"{env.part_of}-{suffix}"
        if len(value) > VALUE_MAX:
            yield (
                ("partOf",),
                f"partOf '{env.part_of}' makes {what} '{value}' {len(value)} characters long; a label value "
                f"holds at most {VALUE_MAX}",
                f"shorten partOf to at most {VALUE_MAX - len(suffix) - 1} characters",
            )
            return


def _singletons(env: Environment) -> Iterator[Finding]:
    for name, svc in env.services.items():
        if svc.singleton and svc.replicas != 1:
            yield (
                ("services", name, "replicas"),
                f"singleton: true allows exactly 1 replica, got {svc.replicas}",
                "set replicas: 1, or remove singleton if two copies may run at the same time",
            )


def _storage(env: Environment) -> Iterator[Finding]:
    for name, svc in env.services.items():
        if svc.storage is None:
            continue
        if not svc.singleton:
            yield (
                ("services", name, "storage"),
                "a service with storage must be a singleton: its one volume cannot be shared by two pods",
                "add singleton: true (and keep replicas: 1)",
            )
        if svc.storage.node not in env.cluster.node_names:
            yield (
                ("services", name, "storage", "node"),
                f"node '{svc.storage.node}' is not one of cluster.nodes",
                f"use one of: {', '.join(env.cluster.node_names)}",
            )


def _kept_identities(env: Environment) -> Iterator[Finding]:
    """keepLive: a claim needs storage to keep; a selector may not contradict the recommended labels ours set."""
    for name, svc in env.services.items():
        keep = svc.keep_live
        if keep is None:
            continue
        if keep.claim is not None and svc.storage is None:
            yield (
                ("services", name, "keepLive", "claim"),
                f"keepLive.claim keeps the claim '{keep.claim}', but the service has no storage",
                "add storage: (with the live claim's size), or remove claim",
            )
        for key, value in keep.selector.items():
            if key.startswith(RECOMMENDED_PREFIX) and not (key == NAME and value == name):
                yield (
                    ("services", name, "keepLive", "selector", key),
                    f"{key} is one of the recommended labels this project sets itself on every pod",
                    f"keep only the live labels ours does not set (e.g. app: {name})",
                )


def _ports(env: Environment) -> Iterator[Finding]:
    for name, svc in env.services.items():
        if svc.port is None and svc.health.kind in ("http", "tcp"):
            yield (
                ("services", name, "health", "kind"),
                f"a {svc.health.kind} health check needs the service's port",
                "add port: to the service, or use health kind: none with a reason",
            )
        if svc.port is None and svc.hosts:
            yield (
                ("services", name, "hosts"),
                "public hosts need a port to route to",
                "add port: to the service, or remove hosts",
            )


def _secret_references(env: Environment) -> Iterator[Finding]:
    for name, svc in env.services.items():
        for variable, ref in svc.secret_env.items():
            declared = env.secrets.get(ref.secret)
            if declared is None:
                known = ", ".join(sorted(env.secrets)) or "none declared"
                yield (
                    ("services", name, "secretEnv", variable, "secret"),
                    f"secret '{ref.secret}' is not declared under secrets",
                    f"declare it under secrets with its keys, or use one of: {known}",
                )
            elif ref.key not in declared.keys:
                yield (
                    ("services", name, "secretEnv", variable, "key"),
                    f"secret '{ref.secret}' declares no key '{ref.key}'",
                    f"add '{ref.key}' to secrets.{ref.secret}.keys, or use one of: {', '.join(declared.keys)}",
                )


def _credentials(env: Environment) -> Iterator[Finding]:
    for key, value in env.settings.items():
        reason = credential_shape(key, value)
        if reason and key not in env.not_secret:
            yield (
                ("settings", key),
                f"setting {key} looks like a credential ({reason}), and settings are published in plain text "
                "in git and in the settings ConfigMap",
                f"declare a Secret for it under secrets: and read it through secretEnv: {{{key}: {{secret: <name>, "
                f"key: {key}}}}}, then remove it from settings; if it is not secret, say why under "
                f"notSecret: {{{key}: <reason>}}",
            )
    for key in env.not_secret:
        if key not in env.settings:
            yield (
                ("notSecret", key),
                f"notSecret names {key}, which is not a setting",
                f"remove {key} from notSecret, or add it under settings",
            )


def _setting_references(env: Environment) -> Iterator[Finding]:
    known = set(env.settings) | set(env.service_urls)
    for variable in sorted(set(env.settings) & set(env.service_urls)):
        yield (
            ("serviceUrls", variable),
            f"'{variable}' is defined both under settings and under serviceUrls",
            "keep one of the two",
        )
    for name, svc in env.services.items():
        for index, key in enumerate(svc.settings):
            if key not in known:
                yield (
                    ("services", name, "settings", index),
                    f"setting '{key}' is defined neither under settings nor under serviceUrls",
                    f"define {key} under settings, or use one of: {', '.join(sorted(known)) or 'none defined'}",
                )
            if key in svc.secret_env:
                yield (
                    ("services", name, "settings", index),
                    f"'{key}' is read both from settings and from secretEnv",
                    "keep one of the two",
                )


def _service_urls(env: Environment) -> Iterator[Finding]:
    for variable, url in env.service_urls.items():
        target = env.services.get(url.service)
        if target is None:
            yield (
                ("serviceUrls", variable, "service"),
                f"service '{url.service}' is not defined under services",
                f"use one of: {', '.join(sorted(env.services))}",
            )
        elif url.public and not target.hosts:
            yield (
                ("serviceUrls", variable, "public"),
                f"service '{url.service}' has no public hosts",
                "add hosts: to that service, or set public: false",
            )
        elif not url.public and target.port is None:
            yield (
                ("serviceUrls", variable, "service"),
                f"service '{url.service}' has no port to connect to",
                "add port: to that service",
            )


def _endpoints(env: Environment) -> Iterator[Finding]:
    """An endpoint names a setting or secret that exists, some service reads it, and a URL it names connects
    to one of its ports."""
    for name, endpoint in env.endpoints.items():
        at: tuple[str, ...] = ("endpoints", name)
        if endpoint.setting is not None and endpoint.setting not in env.settings:
            yield (
                (*at, "setting"),
                f"setting '{endpoint.setting}' is not defined under settings",
                f"define {endpoint.setting} under settings, or use one of: {', '.join(sorted(env.settings)) or 'none'}",
            )
            continue
        if endpoint.secret is not None and endpoint.secret not in env.secrets:
            yield (
                (*at, "secret"),
                f"secret '{endpoint.secret}' is not declared under secrets",
                f"declare it under secrets, or use one of: {', '.join(sorted(env.secrets)) or 'none declared'}",
            )
            continue
        source = f"setting {endpoint.setting}" if endpoint.setting is not None else f"secret {endpoint.secret}"
        if not any(reads_endpoint(svc, endpoint) for svc in env.services.values()):
            yield (
                at,
                f"no service reads {source}, so no service may connect to endpoint '{name}'",
                f"remove endpoints.{name}, or have the services that connect to it read {source}",
            )
        if endpoint.port_setting is not None:
            value = env.settings.get(endpoint.port_setting)
            if value is None:
                yield (
                    (*at, "portSetting"),
                    f"setting '{endpoint.port_setting}' is not defined under settings",
                    f"define {endpoint.port_setting} under settings, or list the port under ports: instead",
                )
            elif setting_port(value) is None:
                yield (
                    ("settings", endpoint.port_setting),
                    f"setting {endpoint.port_setting} is '{value}', which endpoint '{name}' reads as its port: a port "
                    "is a number from 1 to 65535",
                    f'write the port number, e.g. {endpoint.port_setting}: "587"',
                )
        if not endpoint_ports(env, endpoint) and endpoint.port_setting is None:
            yield (
                at,
                f"endpoint '{name}' has no port: its {source} holds no URL with one, and it lists no ports",
                "list the ports the services connect to, e.g. ports: [5432], or name the setting that holds it "
                "with portSetting:",
            )


def _registry(env: Environment) -> Iterator[Finding]:
    declared = env.secrets.get(env.registry.pull_secret)
    if declared is None:
        yield (
            ("registry", "pullSecret"),
            f"secret '{env.registry.pull_secret}' is not declared under secrets",
            f"declare it under secrets with type: {DOCKER_CONFIG} and keys: [.dockerconfigjson]",
        )
    elif declared.type != DOCKER_CONFIG or ".dockerconfigjson" not in declared.keys:
        yield (
            ("secrets", env.registry.pull_secret),
            "the registry pull secret must be a docker config secret",
            f"set type: {DOCKER_CONFIG} and keys: [.dockerconfigjson]",
        )


def _hosts(env: Environment) -> Iterator[Finding]:
    owner: dict[str, str] = {}
    for name, svc in env.services.items():
        for index, host in enumerate(svc.hosts):
            if host in owner:
                yield (
                    ("services", name, "hosts", index),
                    f"host '{host}' is already routed to service '{owner[host]}'",
                    "route each public host to one service",
                )
            owner.setdefault(host, name)


def _images(env: Environment, environment: str) -> Iterator[Finding]:
    """Each service runs a build this environment names (or the one it follows runs), and only services have one."""
    for name in env.images:
        if f"services.{name}" in env.remove and name not in env.services:
            yield (
                ("images", name),
                f"images names '{name}', which this environment removes (remove: services.{name})",
                f"delete images.{name} with the service",
            )
        elif name not in env.services:
            yield (
                ("images", name),
                f"images names '{name}', which is not a service",
                f"use one of: {', '.join(sorted(env.services))}",
            )
    follows = env.shipping.follows
    if follows is not None:
        if follows == environment:
            yield (
                ("shipping", "follows"),
                f"environment '{environment}' cannot follow itself",
                "name another environment, or remove follows and pin every build under images:",
            )
        return
    for name, svc in env.services.items():
        if name not in env.images:
            yield (
                ("images",),
                f"service '{name}' runs no build in this environment: images names none for it",
                f"add '{name}: <tag>' under images: (a tag of {svc.image} the app's CI pushed), or run the builds "
                "of another environment with shipping: {follows: <environment>}",
            )
