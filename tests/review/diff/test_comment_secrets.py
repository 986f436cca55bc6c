"""Secrets in the comment: a changed Secret or SOPS file is named with the keys that changed, never with a
value, a ciphertext or the SOPS metadata (its MAC and the data keys wrapped for each recipient)."""

from __future__ import annotations

from pathlib import Path

from gitops.forge.comment import compose
from gitops.formats.yamlio import dumps
from gitops.review.diff import render_md, render_text
from tests.review.diff import kit as diffkit

PASSWORD = "hunter2-plaintext"
NEW_PASSWORD = "correct-horse-battery"


def _ciphertext(data: str) -> str:
    return f"ENC[AES256_GCM,data:{data},iv:aXY=,tag:dGFn,type:str]"


def _sops_secret(value: str, mac: str, wrapped: str) -> dict:
    return {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {"name": "honeydue-smtp", "namespace": "honeydue"},
        "type": "Opaque",
        "stringData": {"SMTP_USERNAME": _ciphertext("dXNlcg=="), "SMTP_PASSWORD": _ciphertext(value)},
        "sops": {
            "age": [{"recipient": "age1qqqq", "enc": f"-----BEGIN AGE ENCRYPTED FILE-----\n{wrapped}\n-----END AGE"}],
            "lastmodified": "2026-12-07T00:00:00Z",
            "mac": _ciphertext(mac),
            "version": "3.13.3",
        },
    }


def _plain_secret(password: str) -> dict:
    return {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {"name": "honeydue-app", "namespace": "honeydue"},
        "data": {"SECRET_KEY": password, "UNCHANGED": "c2FtZQ=="},
    }


def test_a_changed_secret_and_sops_file_name_their_keys_and_show_no_value(tmp_path: Path):
    before, after = tmp_path / "before", tmp_path / "after"
    for side in (before, after):
        side.mkdir()
    (before / "secret-honeydue-smtp.sops.yaml").write_text(dumps(_sops_secret("b2xk", "bWFjMQ==", "d3JhcDE=")))
    (after / "secret-honeydue-smtp.sops.yaml").write_text(dumps(_sops_secret("bmV3", "bWFjMg==", "d3JhcDI=")))
    (before / "secret-honeydue-app.yaml").write_text(dumps(_plain_secret(PASSWORD)))
    (after / "secret-honeydue-app.yaml").write_text(dumps(_plain_secret(NEW_PASSWORD)))
    (before / "secret-removed.yaml").write_text(dumps({**_plain_secret(PASSWORD), "metadata": {"name": "old"}}))
    report = diffkit.compare(before, after)
    comment = compose([render_md.render(report)])
    text = render_text.render(report)
    for shown in (comment, text):
        for leaked in (PASSWORD, NEW_PASSWORD, "ENC[", "b2xk", "bmV3", "bWFj", "d3JhcD", "BEGIN AGE"):
            assert leaked not in shown, leaked
    assert "<summary>~ changed: Secret honeydue/honeydue-app (v1), 1 field(s)</summary>" in comment
    assert "- `data.SECRET_KEY`: `(redacted " in comment
    assert "<summary>~ changed: Secret honeydue/honeydue-smtp (v1), 3 field(s)</summary>" in comment
    for key in ("stringData.SMTP_PASSWORD", "sops.age", "sops.mac"):
        assert f"- `{key}`: `(redacted " in comment, key
    assert "stringData.SMTP_USERNAME" not in comment  # the same ciphertext on both sides: not a change
    assert "SECRET_KEY: (redacted " in comment  # the removed Secret, whole: keys without values
