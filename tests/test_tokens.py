"""flowpulse/tokens.py: random tokens, their digests and the emailed selector.verifier form."""

import hashlib
import re

import pytest

from flowpulse.core.tokens import (
    digest,
    digests_match,
    new_session_token,
    new_split_token,
    parse_split_token,
)

BASE64URL = re.compile(r"[A-Za-z0-9_-]+")


def test_a_digest_is_the_sha256_hex_of_the_token():
    assert digest("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    assert digest("ünï") == hashlib.sha256("ünï".encode()).hexdigest()


def test_a_digest_matches_its_own_token_only():
    stored = digest("the token")
    assert digests_match(stored, "the token")
    assert not digests_match(stored, "the tokeN")
    assert not digests_match(stored, "")


def test_a_session_token_is_url_safe_and_holds_at_least_256_bits():
    token = new_session_token()
    assert BASE64URL.fullmatch(token)
    assert len(token) >= 43  # 43 base64url characters hold 258 bits


def test_session_tokens_never_repeat():
    assert len({new_session_token() for _ in range(1000)}) == 1000


def test_a_split_token_joins_a_128_bit_selector_and_a_256_bit_verifier():
    token = new_split_token()
    assert BASE64URL.fullmatch(token.selector) and len(token.selector) >= 22
    assert BASE64URL.fullmatch(token.verifier) and len(token.verifier) >= 43
    assert token.text == f"{token.selector}.{token.verifier}"


def test_split_tokens_never_repeat():
    assert len({new_split_token().text for _ in range(1000)}) == 1000


def test_a_split_token_parses_back_to_its_halves():
    token = new_split_token()
    assert parse_split_token(token.text) == token


VALID = new_split_token().text


@pytest.mark.parametrize(
    "text",
    [
        None,
        "",
        "abc",
        "x.y",
        VALID.replace(".", ""),
        VALID + ".extra",
        VALID + "\n",
        " " + VALID,
        VALID[:10] + "\x00" + VALID[11:],
        VALID.replace(VALID[0], "é", 1),
        "a" * 16 + "." + "b" * 31,
        "a" * 5_000 + "." + "b" * 5_000,
        "../" + VALID,
    ],
    ids=[
        "none",
        "empty",
        "short",
        "dotted",
        "no-dot",
        "two-dots",
        "newline",
        "leading-space",
        "nul",
        "unicode",
        "short-verifier",
        "10k",
        "path",
    ],
)
def test_anything_that_is_not_one_of_our_tokens_parses_to_none(text):
    assert parse_split_token(text) is None
