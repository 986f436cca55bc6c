"""Who connects to whom, derived from what each service reads: the one home of that answer.

A service connects to another service of the environment when it reads an in-cluster serviceUrl pointing at it
(REDIS_URL: api and worker connect to redis), to the public edge when it reads a public serviceUrl
(API_PUBLIC_URL goes out through the CDN and comes back in through Traefik), and to an endpoint outside the
cluster when it reads the endpoint's setting or any key of its secret. charts/netpol.py renders both sides of
each connection from this; config checks use it to refuse an endpoint no service reads.
"""

from __future__ import annotations

from gitops.config.model import Endpoint, Environment, Service
from gitops.k8s.servicedns import SCHEME_PORTS, url_port


def services_read(config: Environment, name: str) -> list[str]:
    """The services name connects to inside the cluster, by the in-cluster serviceUrls it reads."""
    settings = set(config.services[name].settings)
    return sorted({url.service for key, url in config.service_urls.items() if key in settings and not url.public})


def clients(config: Environment, target: str) -> list[str]:
    """The services that connect to target inside the cluster."""
    return sorted(name for name in config.services if target in services_read(config, name))


def public_port(config: Environment) -> int:
    """The port public URLs connect to: the public scheme's."""
    return SCHEME_PORTS[config.edge.public_scheme]


def reads_public_url(config: Environment, name: str) -> bool:
    """Whether the service reads a public serviceUrl: it then connects to the public edge, outside the cluster."""
    settings = set(config.services[name].settings)
    return any(url.public and key in settings for key, url in config.service_urls.items())


def reads_endpoint(service: Service, endpoint: Endpoint) -> bool:
    if endpoint.setting is not None:
        return endpoint.setting in service.settings
    return any(ref.secret == endpoint.secret for ref in service.secret_env.values())


def endpoints_read(config: Environment, name: str) -> list[str]:
    """The endpoints outside the cluster the service connects to, in config's order."""
    service = config.services[name]
    return [key for key, endpoint in config.endpoints.items() if reads_endpoint(service, endpoint)]


def endpoint_ports(config: Environment, endpoint: Endpoint) -> list[int]:
    """The ports services connect to at the endpoint: those listed, the port of the URL its setting holds, and
    the number its portSetting holds (values config checks refuse are left out)."""
    ports = set(endpoint.ports)
    if endpoint.setting is not None and endpoint.setting in config.settings:
        port = url_port(config.settings[endpoint.setting])
        if port is not None:
            ports.add(port)
    if endpoint.port_setting is not None:
        port = setting_port(config.settings.get(endpoint.port_setting, ""))
        if port is not None:
            ports.add(port)
    return sorted(ports)


def setting_port(value: str) -> int | None:
    """A setting's value as a port number, or None when it is not one."""
    if not value.isascii() or not value.isdigit():
        return None
    number = int(value)
    return number if 1 <= number <= 65535 else None
