"""The Deployment of one service, derived from its intent in config.

- singleton -> Recreate: the old pod is gone before the new one starts, so a
  scheduler (the Asynq worker) never runs twice, not even during a rollout.
- startupSeconds -> a startup probe whose window covers the slowest start.
- replicas > 1 -> spread over nodes, so losing a node loses one replica.
- storage.node -> pinned to the node that holds the local-path volume.
- every container meets Pod Security "restricted" and writes only to the
  emptyDir volumes named in writablePaths.
"""

from __future__ import annotations

import cdk8s
from constructs import Construct

from charts import naming as keys
from charts.context import StackContext
from charts.plus import kplus
from charts.probes import ProbeTiming, plan, progress_deadline_seconds
from charts.settings import settings_hash
from gitops.annotations import waiver
from gitops.config.model import Service
from gitops.config.quantities import parse_image


def rollout_strategy(service: Service) -> kplus.DeploymentStrategy:
    if service.singleton:
        return kplus.DeploymentStrategy.recreate()
    # Bring a new pod up before an old one goes: capacity never drops during a rollout.
    return kplus.DeploymentStrategy.rolling_update(
        max_surge=kplus.PercentOrAbsolute.absolute(1),
        max_unavailable=kplus.PercentOrAbsolute.absolute(0),
    )


def waivers(service: Service) -> dict[str, str]:
    """What config already says about rules `main.py check` would otherwise flag on this Deployment."""
    found = {}
    if service.health.kind == "none":
        found[waiver(keys.PROBES_RULE)] = service.health.reason
    if service.replicas == 1 and not service.singleton:
        # One pod that looks like a singleton but is not one: overlapping for a moment
        # during a rollout is what keeps it serving, so it keeps RollingUpdate.
        found[waiver(keys.SINGLETON_ROLLOUT_RULE)] = (
            "not a singleton (config: singleton false); a rollout starts the new pod before stopping the old one"
        )
    return found


def spreads_across_nodes(service: Service) -> bool:
    return service.spread_across_nodes and service.replicas > 1


def topology_spread(ctx: StackContext, name: str) -> list[dict]:
    return [
        {
            "maxSkew": 1,
            "topologyKey": keys.HOSTNAME_LABEL,
            "whenUnsatisfiable": "DoNotSchedule",
            # A cordoned node (drain, upgrade) is left out of the count, so the
            # evicted replica can land on the remaining nodes instead of waiting.
            "nodeTaintsPolicy": "Honor",
            "labelSelector": {"matchLabels": ctx.naming.selector(name)},
        }
    ]


def _seconds(value: int) -> cdk8s.Duration:
    return cdk8s.Duration.seconds(value)


def _probe(service: Service, timing: ProbeTiming) -> kplus.Probe:
    options = dict(
        port=service.port,
        period_seconds=_seconds(timing.period_seconds),
        failure_threshold=timing.failure_threshold,
        timeout_seconds=_seconds(timing.timeout_seconds),
    )
    if service.health.kind == "http":
        return kplus.Probe.from_http_get(service.health.path, **options)
    return kplus.Probe.from_tcp_socket(**options)


def _probes(ctx: StackContext, service: Service) -> dict[str, kplus.Probe]:
    if service.health.kind == "none":
        return {}
    timings = plan(service.startup_seconds, ctx.config.probes)
    return {
        "startup": _probe(service, timings.startup),
        "readiness": _probe(service, timings.readiness),
        "liveness": _probe(service, timings.liveness),
    }


def _resources(service: Service) -> kplus.ContainerResources:
    res = service.resources
    return kplus.ContainerResources(
        cpu=kplus.CpuResources(request=kplus.Cpu.millis(res.cpu_millis)),
        memory=kplus.MemoryResources(
            request=cdk8s.Size.mebibytes(res.memory_mebibytes),
            limit=cdk8s.Size.mebibytes(res.memory_limit_mebibytes),
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


class Workload(Construct):
    """One service's Deployment."""

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        ctx: StackContext,
        name: str,
        service: Service,
        claim: kplus.PersistentVolumeClaim | None,
    ):
        super().__init__(scope, id)
        naming = ctx.naming
        image = parse_image(service.image)
        object_labels = naming.labels(name, service.component, version=image.tag)
        pulls_privately = image.registry == ctx.config.registry.host

        self.deployment = kplus.Deployment(
            self,
            "deployment",
            metadata=cdk8s.ApiObjectMetadata(
                name=naming.workload(name),
                namespace=naming.namespace,
                labels=object_labels,
                annotations=waivers(service) or None,
            ),
            replicas=service.replicas,
            select=False,
            strategy=rollout_strategy(service),
            progress_deadline=_seconds(progress_deadline_seconds(service.startup_seconds)),
            automount_service_account_token=service.service_account_token,
            docker_registry_auth=(
                kplus.Secret.from_secret_name(self, "pull-secret", ctx.config.registry.pull_secret)
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
        deployment = self.deployment
        deployment.select(kplus.LabelSelector.of(labels=naming.selector(name)))
        for key, value in object_labels.items():
            deployment.pod_metadata.add_label(key, value)
        if service.settings:
            deployment.pod_metadata.add_annotation(keys.SETTINGS_HASH, settings_hash(ctx.settings, service.settings))

        mounts = [
            kplus.VolumeMount(path=path, volume=kplus.Volume.from_empty_dir(self, f"scratch-{path}", naming.volume(path)))
            for path in service.writable_paths
        ]
        if service.storage is not None and claim is not None:
            data = kplus.Volume.from_persistent_volume_claim(self, "data", claim, name="data")
            mounts.append(kplus.VolumeMount(path=service.storage.mount_path, volume=data))

        deployment.add_container(
            name=name,
            image=service.image,
            image_pull_policy=kplus.ImagePullPolicy.IF_NOT_PRESENT,
            args=service.args or None,
            ports=(
                [kplus.ContainerPort(number=service.port, name=naming.port(name, service.health.kind == "http"))]
                if service.port
                else None
            ),
            env_variables=self._environment(ctx, service),
            volume_mounts=mounts,
            security_context=_container_security(service),
            resources=_resources(service),
            **_probes(ctx, service),
        )

        node_rules = [kplus.NodeLabelQuery.is_(keys.ARCH_LABEL, ctx.config.cluster.architecture)]
        if service.storage is not None:
            node_rules.append(kplus.NodeLabelQuery.is_(keys.HOSTNAME_LABEL, service.storage.node))
        deployment.scheduling.attract(kplus.Node.labeled(*node_rules))

        raw = cdk8s.ApiObject.of(deployment)
        raw.add_json_patch(cdk8s.JsonPatch.remove("/spec/template/metadata/labels/cdk8s.io~1metadata.addr"))
        # Without this every pod gets REDIS_PORT=tcp://10.43.x.x:6379 and friends for
        # each Service in the namespace, which shadows settings of the same name.
        raw.add_json_patch(cdk8s.JsonPatch.add("/spec/template/spec/enableServiceLinks", False))
        if spreads_across_nodes(service):
            raw.add_json_patch(
                cdk8s.JsonPatch.add("/spec/template/spec/topologySpreadConstraints", topology_spread(ctx, name))
            )

    def _environment(self, ctx: StackContext, service: Service) -> dict[str, kplus.EnvValue]:
        env: dict[str, kplus.EnvValue] = {}
        if service.settings:
            settings = kplus.ConfigMap.from_config_map_name(self, "settings", ctx.naming.settings())
            for key in service.settings:
                env[key] = kplus.EnvValue.from_config_map(settings, key)
        secrets: dict[str, kplus.ISecret] = {}
        for variable, ref in service.secret_env.items():
            if ref.secret not in secrets:
                secrets[ref.secret] = kplus.Secret.from_secret_name(self, f"secret-{ref.secret}", ref.secret)
            env[variable] = kplus.EnvValue.from_secret_value(kplus.SecretValue(secret=secrets[ref.secret], key=ref.key))
        return env
