"""Password hashing and the password policy.

Hashes are Argon2id at OWASP's parameters. Werkzeug-format hashes (scrypt,
pbkdf2: users imported from another Flask app) still verify and are flagged
for an upgrade, as is an Argon2 hash with outdated parameters.
"""

import functools
import os
import threading
import unicodedata

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from werkzeug.security import check_password_hash

#: OWASP Password Storage Cheat Sheet: Argon2id, m=19 MiB, t=2, p=1.
HASHER = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)

#: zxcvbn score a password must reach (0-4): 3 is "safely unguessable".
MINIMUM_STRENGTH = 3

#: The score required when the password contains the person's own name or
#: email: an attacker targeting them tries those first, so zxcvbn's generic
#: estimate (which counted "Ada Lovelace ada@example.com" as a 3) is too kind.
MINIMUM_STRENGTH_WITH_PERSONAL_DATA = 4

#: zxcvbn refuses to score more than this many characters (it raises).
ZXCVBN_MAX_LENGTH = 72

#: ``zxcvbn_work`` allowed for one end of a password: ~50 ms on a 2 GHz core,
#: so judging any password stays near 0.1 s (measured: 0.6 µs per unit).
ZXCVBN_WORK_BUDGET = 80_000

#: Password hashes computed at once in one process. Each costs ~35 ms of a
#: core and 19 MiB; past the cores, more at once only makes every one slower,
#: so a flood of sign-ins waits its turn here instead of starving every other
#: request of CPU and memory.
CONCURRENT_HASHES = max(1, os.cpu_count() or 1)
_hashing = threading.BoundedSemaphore(CONCURRENT_HASHES)

#: Werkzeug's hash prefixes, for hashes imported from other Flask apps.
WERKZEUG_METHODS = ("scrypt:", "pbkdf2:")

#: Verified against when an account does not exist, so an unknown email costs
#: the same hash as a known one and answer times do not reveal accounts.
_DUMMY_HASH = HASHER.hash("flowpulse timing equaliser")


def normalize(password: str) -> str:
    """Return the NFKC form, so one password typed on two keyboards matches."""
    return unicodedata.normalize("NFKC", password)


def hash_password(password: str) -> str:
    """Hash a password with Argon2id."""
    candidate = normalize(password)
    with _hashing:
        return HASHER.hash(candidate)


def verify_password(stored_hash: str | None, password: str) -> tuple[bool, bool]:
    """Check a password; return ``(matches, needs_rehash)``.

    A missing hash still costs one Argon2 verification (see ``_DUMMY_HASH``).
    """
    candidate = normalize(password)
    if stored_hash and stored_hash.startswith(WERKZEUG_METHODS):
        with _hashing:
            return check_password_hash(stored_hash, candidate), True
    try:
        with _hashing:
            HASHER.verify(stored_hash or _DUMMY_HASH, candidate)
    except (VerificationError, InvalidHashError):
        return False, False
    if stored_hash is None:
        return False, False
    return True, HASHER.check_needs_rehash(stored_hash)


def spend_one_hash() -> None:
    """Do the work of one failed verification (for paths with no account)."""
    verify_password(None, "")


def password_problems(
    password: str, *, min_length: int, max_length: int, user_inputs: list[str]
) -> list[str]:
    """Return what is wrong with a new password, in words for the person.

    NIST SP 800-63B rev. 4: length limits, any characters, no composition
    rules, and no password that is common or guessable from the person's own
    name or email (zxcvbn scores it against both).
    """
    length = len(normalize(password))
    if length < min_length:
        return [f"Use at least {min_length} characters."]
    if length > max_length:
        return [f"Use at most {max_length} characters."]
    result = _strength(password, [i for i in user_inputs if i])
    if result["score"] >= _required_score(result):
        return []
    feedback = result["feedback"]
    problems = ["This password is too easy to guess."]
    if _required_score(result) > MINIMUM_STRENGTH:
        problems.append("Avoid your own name and email address.")
    if feedback.get("warning"):
        problems.append(feedback["warning"])
    problems.extend(feedback.get("suggestions") or ["Add more unrelated words."])
    return problems


def _required_score(result: dict) -> int:
    """Return the score this password needs, given what zxcvbn found in it."""
    personal = any(m.get("dictionary_name") == "user_inputs" for m in result["sequence"])
    return MINIMUM_STRENGTH_WITH_PERSONAL_DATA if personal else MINIMUM_STRENGTH


def _strength(password: str, user_inputs: list[str]) -> dict:
    """Score with zxcvbn, in bounded time; a long password is judged by its stronger end.

    zxcvbn's cost grows with a password's length squared times the number
    of l33t substitutions its characters allow: 128 characters of ``4@8({[<``
    took ~10 s. So each end is scored on its longest window whose estimated
    work stays within ``ZXCVBN_WORK_BUDGET`` (~50 ms): an ordinary password
    is scored on up to 72 characters, a substitution-heavy one on fewer. The
    better of the two ends counts; the hash still covers every character.
    """
    # zxcvbn (its dictionaries: ~25 ms) loads only when a new password is judged, not per command.
    from zxcvbn import zxcvbn

    windows = {scored_window(password), scored_window(password[::-1])[::-1]}
    return max((zxcvbn(w, user_inputs=user_inputs) for w in windows), key=lambda r: r["score"])


def scored_window(password: str) -> str:
    """Return the longest prefix of ``password`` zxcvbn can score within the budget.

    The work grows with the length, so the prefix grows one character at a
    time; the substitutions are counted again only when a character that
    has some appears (a few dozen times at most).
    """
    seen: set[str] = set()
    substitutions = 1
    length = 0
    for ch in password[:ZXCVBN_MAX_LENGTH]:
        if ch not in seen:
            seen.add(ch)
            if ch in _l33t_characters():
                substitutions = _substitutions("".join(seen))
        if (substitutions + 4) * (length + 1) ** 2 > ZXCVBN_WORK_BUDGET:
            break
        length += 1
    return password[: max(length, 1)]


def _substitutions(text: str) -> int:
    from zxcvbn.matching import L33T_TABLE, enumerate_l33t_subs, relevant_l33t_subtable

    return len(enumerate_l33t_subs(relevant_l33t_subtable(text, L33T_TABLE)))


@functools.cache
def _l33t_characters() -> frozenset[str]:
    """Return every character zxcvbn may read as a l33t substitution ("4" for "a")."""
    from zxcvbn.matching import L33T_TABLE  # zxcvbn loads on first use, not at start-up

    return frozenset(ch for subs in L33T_TABLE.values() for ch in subs)


def zxcvbn_work(text: str) -> int:
    """Estimate zxcvbn's work on ``text``: its length squared per l33t substitution tried.

    zxcvbn matches every dictionary against the text once as typed and once
    per substitution table its l33t characters allow (plus a few cheap
    matchers, counted as four more passes).
    """
    return (_substitutions(text) + 4) * len(text) ** 2
