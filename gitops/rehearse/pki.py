"""Certificates, keys and tokens of one throwaway control plane, with the openssl CLI.

Everything is valid for one day and lives in the run's temporary directory. The API server's
certificate names only loopback (127.0.0.1, localhost): nothing else can present it.
"""

from __future__ import annotations

import secrets
import subprocess
from dataclasses import dataclass
from pathlib import Path

EC_KEY = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"]


class PkiError(Exception):
    pass


@dataclass(frozen=True)
class Pki:
    ca_cert: Path
    ca_key: Path
    server_cert: Path
    server_key: Path
    service_account_key: Path
    service_account_public_key: Path
    token_file: Path
    admin_token: str


def _openssl(*args: str, cwd: Path) -> None:
    done = subprocess.run(["openssl", *args], cwd=cwd, capture_output=True, text=True)
    if done.returncode != 0:
        raise PkiError(f"openssl {args[0]} failed: {done.stderr.strip()}")


def create(directory: Path) -> Pki:
    directory.mkdir(parents=True, exist_ok=True)
    _openssl(
        "req",
        "-x509",
        *EC_KEY,
        "-nodes",
        "-keyout",
        "ca.key",
        "-out",
        "ca.crt",
        "-days",
        "1",
        "-subj",
        "/CN=honeydue-rehearsal-ca",
        cwd=directory,
    )
    _openssl(
        "req",
        *EC_KEY,
        "-nodes",
        "-keyout",
        "apiserver.key",
        "-out",
        "apiserver.csr",
        "-subj",
        "/CN=kube-apiserver",
        cwd=directory,
    )
    (directory / "apiserver.ext").write_text(
        "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\n"
        "extendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1,DNS:localhost\n"
    )
    _openssl(
        "x509",
        "-req",
        "-in",
        "apiserver.csr",
        "-CA",
        "ca.crt",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-out",
        "apiserver.crt",
        "-days",
        "1",
        "-extfile",
        "apiserver.ext",
        cwd=directory,
    )
    _openssl(
        "genpkey",
        "-algorithm",
        "EC",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-out",
        "service-account.key",
        cwd=directory,
    )
    _openssl("pkey", "-in", "service-account.key", "-pubout", "-out", "service-account.pub", cwd=directory)
    token = secrets.token_hex(24)
    tokens = directory / "tokens.csv"
    # token,user,uid,"groups": the static token authenticator's format (kube-apiserver --token-auth-file).
    tokens.write_text(f'{token},rehearsal-admin,rehearsal-admin,"system:masters"\n')
    tokens.chmod(0o600)
    return Pki(
        ca_cert=directory / "ca.crt",
        ca_key=directory / "ca.key",
        server_cert=directory / "apiserver.crt",
        server_key=directory / "apiserver.key",
        service_account_key=directory / "service-account.key",
        service_account_public_key=directory / "service-account.pub",
        token_file=tokens,
        admin_token=token,
    )


def kubeconfig(pki: Pki, server: str, path: Path) -> Path:
    """A kubeconfig for the admin token; JSON is valid YAML, so no YAML writer is needed."""
    import json

    config = {
        "apiVersion": "v1",
        "kind": "Config",
        "current-context": "rehearsal",
        "clusters": [{"name": "rehearsal", "cluster": {"server": server, "certificate-authority": str(pki.ca_cert)}}],
        "users": [{"name": "admin", "user": {"token": pki.admin_token}}],
        "contexts": [{"name": "rehearsal", "context": {"cluster": "rehearsal", "user": "admin"}}],
    }
    path.write_text(json.dumps(config, indent=2))
    path.chmod(0o600)
    return path
