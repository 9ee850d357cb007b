"""Argon2id hashing, imported Werkzeug hashes and the password policy (core/passwords.py)."""

import threading
import unicodedata
from concurrent.futures import ThreadPoolExecutor

import pytest
from argon2 import PasswordHasher, Type, extract_parameters
from hypothesis import given, settings
from hypothesis import strategies as st
from werkzeug.security import generate_password_hash

from flowpulse.core import passwords
from flowpulse.core.models import Account
from flowpulse.core.passwords import (
    ZXCVBN_WORK_BUDGET,
    hash_password,
    password_problems,
    scored_window,
    verify_password,
    zxcvbn_work,
)
from flowpulse.services.credentials import WeakPassword, check_new_password
from tests.browser import LONG_PASSPHRASE, STRONG_PASSWORD

WRONG_PASSWORD = "not the right password at all"

#: Werkzeug hash methods as another Flask app would have stored them (cheap
#: parameters keep the suite fast; the format is what matters).
WERKZEUG_METHODS = ["scrypt", "scrypt:1024:8:1", "pbkdf2:sha256:1000"]


def fullwidth(text: str) -> str:
    """Spell ASCII letters as their fullwidth forms (as some CJK keyboards type them)."""
    return "".join(chr(ord(ch) + 0xFEE0) for ch in text)


def problems(password: str, user_inputs: tuple[str, ...] = ()) -> list[str]:
    return password_problems(password, min_length=15, max_length=128, user_inputs=list(user_inputs))


def test_hashes_are_argon2id_with_owasp_parameters():
    parameters = extract_parameters(hash_password(STRONG_PASSWORD))
    assert parameters.type is Type.ID
    assert (parameters.memory_cost, parameters.time_cost, parameters.parallelism) == (
        19 * 1024,
        2,
        1,
    )


def test_a_hash_never_contains_the_password():
    assert STRONG_PASSWORD not in hash_password(STRONG_PASSWORD)


def test_one_password_hashed_twice_gives_two_different_salted_hashes():
    assert hash_password(STRONG_PASSWORD) != hash_password(STRONG_PASSWORD)


def test_the_right_password_matches_a_current_hash_with_no_rehash_needed():
    assert verify_password(hash_password(STRONG_PASSWORD), STRONG_PASSWORD) == (True, False)


def test_a_wrong_password_does_not_match():
    matches, _ = verify_password(hash_password(STRONG_PASSWORD), WRONG_PASSWORD)
    assert not matches


@pytest.mark.parametrize("stored", [None, "", "not-a-hash", "$argon2id$v=19$garbage"])
def test_a_missing_or_broken_hash_matches_nothing_and_raises_nothing(stored):
    assert verify_password(stored, STRONG_PASSWORD) == (False, False)


def test_an_argon2_hash_with_outdated_parameters_matches_and_asks_for_a_rehash():
    weak = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1)
    assert verify_password(weak.hash(STRONG_PASSWORD), STRONG_PASSWORD) == (True, True)


@pytest.mark.parametrize("method", WERKZEUG_METHODS)
def test_an_imported_werkzeug_hash_matches_and_asks_for_a_rehash(method):
    stored = generate_password_hash(STRONG_PASSWORD, method=method)
    assert verify_password(stored, STRONG_PASSWORD) == (True, True)


@pytest.mark.parametrize("method", WERKZEUG_METHODS)
def test_an_imported_werkzeug_hash_refuses_a_wrong_password(method):
    stored = generate_password_hash(STRONG_PASSWORD, method=method)
    matches, _ = verify_password(stored, WRONG_PASSWORD)
    assert not matches


@pytest.mark.parametrize(
    ("stored_as", "typed_as"),
    [("café crème brûlée 2024", "NFD"), (fullwidth("correct") + " horse battery staple", "NFKC")],
    ids=["composed-vs-decomposed", "fullwidth-vs-ascii"],
)
def test_one_password_typed_on_two_keyboards_matches(stored_as, typed_as):
    stored = hash_password(stored_as)
    typed = unicodedata.normalize(typed_as, stored_as)
    assert typed != stored_as
    assert verify_password(stored, typed)[0]


@pytest.mark.parametrize(
    ("password", "user_inputs", "expected"),
    [
        ("tiny password1", (), "Use at least 15 characters."),
        ("x" * 129, (), "Use at most 128 characters."),
        ("passwordpassword", (), "This password is too easy to guess."),
        ("aaaaaaaaaaaaaaaaaaaa", (), "This password is too easy to guess."),
        ("ada@example.com1234", ("ada@example.com",), "This password is too easy to guess."),
    ],
    ids=["14-chars", "129-chars", "common", "repeated", "own-email"],
)
def test_weak_passwords_are_refused_in_words(password, user_inputs, expected):
    assert problems(password, user_inputs)[0] == expected


@pytest.mark.parametrize("length", [15, 31, 72, 73, 100, 128])
def test_strong_passwords_of_15_to_128_characters_are_accepted(length):
    password = LONG_PASSPHRASE[:length]
    assert len(password) == length
    assert problems(password) == []


def test_length_counts_characters_not_bytes():
    # 15 characters, 30 bytes in UTF-8: long enough.
    assert "Use at least" not in " ".join(problems("ĉĝĥĵŝŭ żółw ŋħ€"))


@pytest.mark.parametrize("method", ["scrypt:1024:8:1", "pbkdf2:sha256:1000"])
def test_signing_in_with_an_imported_hash_upgrades_it_to_argon2id(app, browser, make_user, method):
    user = make_user("ada@example.com")
    store_hash(app, user, generate_password_hash(STRONG_PASSWORD, method=method))
    assert browser.sign_in("ada@example.com").status_code == 303
    upgraded = stored_hash(app, user)
    assert upgraded.startswith("$argon2id$")
    assert verify_password(upgraded, STRONG_PASSWORD) == (True, False)


def test_a_wrong_password_leaves_an_imported_hash_as_it_was(app, browser, make_user):
    user = make_user("ada@example.com")
    imported = generate_password_hash(STRONG_PASSWORD, method="scrypt:1024:8:1")
    store_hash(app, user, imported)
    assert browser.sign_in("ada@example.com", WRONG_PASSWORD).status_code == 422
    assert stored_hash(app, user) == imported


def store_hash(app, user, hashed: str) -> None:
    with app.app_context():
        Account.update(password=hashed).where(Account.user == user.id).execute()


def stored_hash(app, user) -> str:
    with app.app_context():
        return Account.get(Account.user == user.id).password


#: The password that made one sign-up cost ~10 s of zxcvbn: every l33t character.
LEET_BOMB = ("4@8({[<3691!|70$5+7%2" * 7)[:128]


@given(
    st.text(alphabet="4@8({[<3691!|70$5+7%2aeiolst", min_size=15, max_size=128) | st.just(LEET_BOMB)
)
@settings(max_examples=60, deadline=None)
def test_the_strength_check_scores_no_end_beyond_its_work_budget(password):
    # Work, not seconds: the estimate zxcvbn's cost follows (length² per
    # substitution tried) stays within the budget for both ends scored.
    for window in (scored_window(password), scored_window(password[::-1])):
        assert zxcvbn_work(window) <= ZXCVBN_WORK_BUDGET


def test_ordinary_long_passwords_are_still_scored_on_72_characters():
    assert len(scored_window(LONG_PASSPHRASE)) == 72
    assert len(scored_window("password" * 16)) == 72


def test_a_long_common_password_is_still_refused():
    problems = password_problems("password" * 16, min_length=15, max_length=128, user_inputs=[])
    assert problems and problems[0] == "This password is too easy to guess."


def test_the_person_s_name_and_address_parts_are_guesses_too(app):
    # "ada newcomer example org" for Ada Newcomer, ada.newcomer@example.org.
    with app.app_context(), pytest.raises(WeakPassword):
        check_new_password(
            "ada newcomer example org", name="Ada Newcomer", email="ada.newcomer@example.org"
        )


class _CountingHasher:
    """The real hasher, counting how many hashes run at once."""

    def __init__(self, real: PasswordHasher):
        self.real, self.running, self.most = real, 0, 0
        self.lock = threading.Lock()

    def __getattr__(self, name):
        return getattr(self.real, name)

    def _counted(self, work, *args):
        with self.lock:
            self.running += 1
            self.most = max(self.most, self.running)
        try:
            return work(*args)
        finally:
            with self.lock:
                self.running -= 1

    def hash(self, *args):
        return self._counted(self.real.hash, *args)

    def verify(self, *args):
        return self._counted(self.real.verify, *args)


def test_a_flood_of_password_checks_queues_behind_the_cores(monkeypatch):
    """Thirty-two sign-ins at once hash at most one per core at a time; every one answers."""
    counting = _CountingHasher(passwords.HASHER)
    monkeypatch.setattr(passwords, "HASHER", counting)
    stored = passwords.HASHER.real.hash(STRONG_PASSWORD)
    with ThreadPoolExecutor(max_workers=32) as pool:
        checks = list(pool.map(lambda _: verify_password(stored, STRONG_PASSWORD), range(32)))
    assert checks == [(True, False)] * 32
    assert 1 <= counting.most <= passwords.CONCURRENT_HASHES
