"""What counts as a credential-like setting, and what does not."""

from __future__ import annotations

import pytest

from gitops.config.credentials import credential_shape


@pytest.mark.parametrize(
    "key, value, reason",
    [
        ("DB_PASSWORD", "x", "its name contains PASSWORD"),
        ("smtp_pass", "x", "its name contains PASS"),
        ("GITHUB_TOKEN", "x", "its name contains TOKEN"),
        ("APP_SECRET", "x", "its name contains SECRET"),
        ("MAPS_APIKEY", "x", "its name contains APIKEY"),
        ("B2_APPLICATION_KEY", "x", "its name ends in KEY"),
        ("DATABASE", "postgres://app:pw@db/app", "its value is a URL with a password in it"),
        ("SIGNER", "-----BEGIN OPENSSH PRIVATE KEY-----\nabc", "its value is a private key"),
        ("SESSION", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NSJ9.c2lnbmF0dXJlLXZhbHVl", "its value is a JSON Web Token"),
        ("GH", "ghp_" + "a1B2" * 9, "its value has the shape of an access token"),
        ("AWS", "AKIA" + "ABCDEFGHIJ234567", "its value has the shape of an access token"),
        (
            "RANDOM",
            "q8Zr2LmX0vT4wK9sB1nF6yH3jD5gP7cA",
            "its value looks like a generated key (32 or more random letters and digits)",
        ),
    ],
)
def test_credential_shapes(key: str, value: str, reason: str):
    assert credential_shape(key, value) == reason


@pytest.mark.parametrize(
    "key, value",
    [
        ("SMTP_HOST", "smtp.fastmail.com"),
        ("SMTP_PORT", "587"),
        ("B2_ENDPOINT", "https://s3.us-east-005.backblazeb2.com"),
        ("B2_KEY_ID_HINT", "see the Secret"),  # KEY not last: an identifier, not a key
        ("API_PUBLIC_URL", "https://user@api.example.com/"),  # a user name alone is no password
        ("BUCKET", "honeyDueProd"),
        ("PASSAGE", "text"),  # PASS only as a whole word
        ("LONG_WORDS", "a_sentence_of_only_letters_that_runs_on_and_on"),
    ],
)
def test_ordinary_settings(key: str, value: str):
    assert credential_shape(key, value) is None
