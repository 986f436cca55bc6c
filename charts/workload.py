"""The Deployment of one service, derived from its intent in config.

- singleton -> Recreate: the old pod is gone before the new one starts, so a
  scheduler (the Asynq worker) never runs twice, not even during a rollout.
- startupSeconds -> a startup probe whose window covers the slowest start.
- replicas > 1 -> spread over nodes, so losing a node loses one replica.
- storage.node -> pinned to the node that holds the local-path volume.
- health -> readiness on the health path; liveness (and startup) on a check
  that depends on no other service (charts/probes.py).
- every container meets Pod Security "restricted" and writes only to the
  emptyDir volumes named in writablePaths, each limited to its scratch size;
  the container's ephemeral-storage covers those sizes and its logs
  (gitops/k8s/ephemeral.py), so nothing it writes can fill the node's disk.
"""

from __future__ import annotations

from typing import TypedDict

import cdk8s
from constructs import Construct

from charts import values
from charts.context import StackContext
from charts.plus import kplus
from charts.probes import Check, checks, plan, progress_deadline_seconds
from charts.settings import settings_hash
from gitops.annotations import (
    LIVENESS_RULE,
    PROBES_RULE,
    SETTINGS_HASH,
    SINGLETON_ROLLOUT_RULE,
    STARTUP_SECONDS,
    waiver,
)
from gitops.config.model import Service, pinned
from gitops.k8s import ephemeral
from gitops.k8s.placement import ARCH_LABEL, HOSTNAME_LABEL
from gitops.k8s.probes import ProbeTiming
from gitops.k8s.quantities import format_memory


def rollout_strategy(service: Service) -> kplus.DeploymentStrategy:
    if service.singleton:
        return values.recreate()
    # Bring a new pod up before an old one goes: capacity never drops during a rollout.
    return values.rolling_update(max_surge=1, max_unavailable=0)


def waivers(service: Service) -> dict[str, str]:
    """What config already says about rules `main.py check` would otherwise flag on this Deployment."""
    found = {}
    if service.health.kind == "none":
        found[waiver(PROBES_RULE)] = service.health.reason or ""
    planned = checks(service.health)
    if planned is not None and planned.shared:
        found[waiver(LIVENESS_RULE)] = (
            f"the health path {planned.readiness.path} checks the process alone (config: health.checksDependencies "
            "false), so liveness may use it"
        )
    if service.replicas == 1 and not service.singleton:
        # One pod that looks like a singleton but is not one: overlapping for a moment
        # during a rollout is what keeps it serving, so it keeps RollingUpdate.
        found[waiver(SINGLETON_ROLLOUT_RULE)] = (
            "not a singleton (config: singleton false); a rollout starts the new pod before stopping the old one"
        )
    return found


def declared(service: Service) -> dict[str, str]:
    """What config states about the workload that its probes only imply: the slowest start they must cover."""
    if service.health.kind == "none":
        return {}  # no probe to cover it
    return {STARTUP_SECONDS: str(service.startup_seconds)}


def spreads_across_nodes(service: Service) -> bool:
    return service.spread_across_nodes and service.replicas > 1


def topology_spread(ctx: StackContext, name: str) -> list[dict]:
    return [
        {
            "maxSkew": 1,
            "topologyKey": HOSTNAME_LABEL,
            "whenUnsatisfiable": "DoNotSchedule",
            # A cordoned node (drain, upgrade) is left out of the count, so the
            # evicted replica can land on the remaining nodes instead of waiting.
            "nodeTaintsPolicy": "Honor",
            "labelSelector": {"matchLabels": ctx.naming.selector(name)},
            # Count each ReplicaSet's pods on their own: otherwise a rolling update spreads the new
            # pods around the old ones, and once those are gone the replicas can share a node (the
            # cluster rehearsal's rollout drill ended with api 2+1+0 on three nodes without this).
            "matchLabelKeys": ["pod-template-hash"],
        }
    ]


def _probe(service: Service, check: Check, timing: ProbeTiming) -> kplus.Probe:
    return values.probe(check.kind, check.path, service.port, timing)


class _Probes(TypedDict, total=False):
    startup: kplus.Probe
    readiness: kplus.Probe
    liveness: kplus.Probe


def _probes(ctx: StackContext, service: Service) -> _Probes:
    planned = checks(service.health)
    if planned is None:
        return {}
    timings = plan(service.startup_seconds, ctx.config.probes)
    return {
        "startup": _probe(service, planned.liveness, timings.startup),
        "readiness": _probe(service, planned.readiness, timings.readiness),
        "liveness": _probe(service, planned.liveness, timings.liveness),
    }


def ephemeral_storage(service: Service) -> str:
    """The container's ephemeral-storage, requested and limited alike: every writable path's size and the
    container's logs (its root filesystem is read-only). Requested in full: disk does not compress, and a pod
    within its request is the last the kubelet evicts when the node's disk runs short."""
    sizes = [service.scratch.size_of(path) for path in service.writable_paths]
    return format_memory(ephemeral.container_limit(sizes))


def _ephemeral_storage_patches(service: Service) -> list[cdk8s.JsonPatch]:
    # cdk8s-plus renders ephemeral-storage in whole Gi only (Container's resources), so the service's one
    # container gets its exact size by a patch. Patches apply before the Deployment is converted to Kubernetes
    # JSON, where a quantity is still held as k8s.Quantity's fields ({value: ...}): the patch writes that form.
    size = {"value": ephemeral_storage(service)}
    return [
        cdk8s.JsonPatch.add(f"/spec/template/spec/containers/0/resources/{section}/{ephemeral.RESOURCE}", size)
        for section in ("requests", "limits")
    ]


def _resources(service: Service) -> kplus.ContainerResources:
    res = service.resources
    return kplus.ContainerResources(
        cpu=kplus.CpuResources(request=values.millicores(res.cpu.millis)),
        memory=kplus.MemoryResources(
            request=values.mebibytes(res.memory.mebibytes),
            limit=values.mebibytes(res.memory_limit.mebibytes),
        ),
    )


def _container_security(service: Service) -> kplus.ContainerSecurityContextProps:
    return kplus.ContainerSecurityContextProps(
        ensure_non_root=True,
        user=service.run_as_user,
        group=service.run_as_user,
        privileged=False,
        allow_privilege_escalation=False,
        read_only_root_filesystem=True,
        capabilities=kplus.ContainerSecutiryContextCapabilities(drop=[kplus.Capability.ALL]),
        seccomp_profile=kplus.SeccompProfile(type=kplus.SeccompProfileType.RUNTIME_DEFAULT),
    )


def add_deployment(
    scope: Construct,
    *,
    ctx: StackContext,
    name: str,
    service: Service,
    claim: kplus.PersistentVolumeClaim | None,
) -> kplus.Deployment:
    """One service's Deployment, added to scope (the service's AppService)."""
    naming = ctx.naming
    image = pinned(service.image, ctx.config.images[name]).ref
    object_labels = naming.labels(name, service.component, version=image.version_label)
    pulls_privately = image.registry == ctx.config.registry.host

    deployment = kplus.Deployment(
        scope,
        "deployment",
        metadata=cdk8s.ApiObjectMetadata(
            name=naming.workload(name),
            namespace=naming.namespace,
            labels=object_labels,
            annotations={**declared(service), **waivers(service)} or None,
        ),
        # Pod labels and annotations in one go: each add_label() would be a round trip to jsii.
        pod_metadata=cdk8s.ApiObjectMetadata(
            labels=object_labels,
            annotations=({SETTINGS_HASH: settings_hash(ctx.settings, service.settings)} if service.settings else None),
        ),
        replicas=service.replicas,
        select=False,
        strategy=rollout_strategy(service),
        progress_deadline=values.seconds(progress_deadline_seconds(service.startup_seconds)),
        automount_service_account_token=service.service_account_token,
        docker_registry_auth=(
            kplus.Secret.from_secret_name(scope, "pull-secret", ctx.config.registry.pull_secret)
            if pulls_privately
            else None
        ),
        security_context=kplus.PodSecurityContextProps(
            ensure_non_root=True,
            user=service.run_as_user,
            group=service.run_as_user,
            fs_group=service.run_as_user if service.storage else None,
            fs_group_change_policy=kplus.FsGroupChangePolicy.ON_ROOT_MISMATCH,
        ),
    )
    deployment.select(kplus.LabelSelector.of(labels=naming.selector(name)))

    mounts = [
        kplus.VolumeMount(
            path=path,
            volume=kplus.Volume.from_empty_dir(
                scope,
                f"scratch-{path}",
                naming.volume(path),
                size_limit=values.mebibytes(service.scratch.size_of(path) // ephemeral.MEBIBYTE),
            ),
        )
        for path in service.writable_paths
    ]
    if service.storage is not None and claim is not None:
        data = kplus.Volume.from_persistent_volume_claim(scope, "data", claim, name=naming.storage_volume())
        mounts.append(kplus.VolumeMount(path=service.storage.mount_path, volume=data))

    deployment.add_container(
        name=name,
        image=image.text,
        image_pull_policy=kplus.ImagePullPolicy.IF_NOT_PRESENT,
        args=service.args or None,
        ports=(
            [kplus.ContainerPort(number=service.port, name=naming.port(name, service.health.kind == "http"))]
            if service.port
            else None
        ),
        env_variables=_environment(scope, ctx, service),
        volume_mounts=mounts,
        security_context=_container_security(service),
        resources=_resources(service),
        **_probes(ctx, service),
    )

    node_labels: list[tuple[str, str]] = [(ARCH_LABEL, ctx.config.cluster.architecture)]
    if service.storage is not None:
        node_labels.append((HOSTNAME_LABEL, service.storage.node))
    deployment.scheduling.attract(values.nodes_labeled(*node_labels))

    patches = [
        values.remove("/spec/template/metadata/labels/cdk8s.io~1metadata.addr"),
        # Without this every pod gets REDIS_PORT=tcp://10.43.x.x:6379 and friends for
        # each Service in the namespace, which shadows settings of the same name.
        values.add_constant("/spec/template/spec/enableServiceLinks", False),
        *_ephemeral_storage_patches(service),
    ]
    if spreads_across_nodes(service):
        patches.append(cdk8s.JsonPatch.add("/spec/template/spec/topologySpreadConstraints", topology_spread(ctx, name)))
    cdk8s.ApiObject.of(deployment).add_json_patch(*patches)

    return deployment


def _environment(scope: Construct, ctx: StackContext, service: Service) -> dict[str, kplus.EnvValue]:
    env: dict[str, kplus.EnvValue] = {}
    if service.settings:
        settings = kplus.ConfigMap.from_config_map_name(scope, "settings", ctx.naming.settings())
        for key in service.settings:
            env[key] = kplus.EnvValue.from_config_map(settings, key)
    secrets: dict[str, kplus.ISecret] = {}
    for variable, ref in service.secret_env.items():
        if ref.secret not in secrets:
            secrets[ref.secret] = kplus.Secret.from_secret_name(scope, f"secret-{ref.secret}", ref.secret)
        env[variable] = kplus.EnvValue.from_secret_value(kplus.SecretValue(secret=secrets[ref.secret], key=ref.key))
    return env
