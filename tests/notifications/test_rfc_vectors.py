"""Web Push message encryption checked against the RFCs' own examples (../shared/data/webpush/rfc8291_vector.json).

RFC 8291 Section 5 / Appendix A (aes128gcm to a user agent's P-256 key with an auth secret) and
RFC 8188 Sections 3.1 / 3.2 (the content coding itself, one and several records).
"""
from __future__ import annotations

import base64
import json

import http_ece
import pytest
from cryptography.hazmat.primitives.asymmetric import ec


def unb64u(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@pytest.fixture
def vectors(shared_data):
    return json.loads((shared_data / "webpush" / "rfc8291_vector.json").read_text())


def private_key(raw_b64: str) -> ec.EllipticCurvePrivateKey:
    return ec.derive_private_key(int.from_bytes(unb64u(raw_b64), "big"), ec.SECP256R1())


def test_rfc8291_appendix_a_encrypts_to_the_expected_body_byte_for_byte(vectors):
    v = vectors["rfc8291"]
    given = v["inputs"]
    as_private = private_key(given["as_private"])

    body = http_ece.encrypt(unb64u(given["plaintext"]), salt=unb64u(given["salt"]), private_key=as_private,
                            dh=unb64u(given["ua_public"]), auth_secret=unb64u(given["auth_secret"]),
                            rs=given["record_size_int"], version="aes128gcm")

    expected = unb64u(v["expected"]["body"])
    assert body == expected
    assert len(body) == v["expected"]["body_length_bytes_int"] == 144
    assert body[:86] == unb64u(v["intermediate"]["header"])  # salt || rs || idlen || as_public


def test_rfc8291_appendix_a_body_decrypts_with_the_user_agent_private_key(vectors):
    v = vectors["rfc8291"]
    given = v["inputs"]

    plaintext = http_ece.decrypt(unb64u(v["expected"]["body"]), private_key=private_key(given["ua_private"]),
                                 auth_secret=unb64u(given["auth_secret"]), version="aes128gcm")

    assert plaintext.decode() == given["plaintext_utf8"] == "When I grow up, I want to be a watermelon"


def test_rfc8291_ua_key_pair_matches_the_vector(vectors):
    from cryptography.hazmat.primitives import serialization

    given = vectors["rfc8291"]["inputs"]
    public = private_key(given["ua_private"]).public_key().public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    assert public == unb64u(given["ua_public"])


@pytest.mark.parametrize("section", ["section_3_1", "section_3_2"])
def test_rfc8188_examples_decrypt_to_i_am_the_walrus(vectors, section):
    v = vectors["rfc8188"][section]

    plaintext = http_ece.decrypt(unb64u(v["body"]), key=unb64u(v["ikm_key"]), version="aes128gcm")

    assert plaintext == b"I am the walrus"


def test_a_tampered_body_does_not_decrypt(vectors):
    v = vectors["rfc8291"]
    body = bytearray(unb64u(v["expected"]["body"]))
    body[-1] ^= 0x01

    with pytest.raises(Exception):  # noqa: B017 — AES-GCM's InvalidTag, whatever http_ece wraps it in
        http_ece.decrypt(bytes(body), private_key=private_key(v["inputs"]["ua_private"]),
                         auth_secret=unb64u(v["inputs"]["auth_secret"]), version="aes128gcm")
