"""The product's say over who may create an account: ``SIGNUP_POLICY``.

A product sets ``app.config["SIGNUP_POLICY"]`` to a callable
``policy(*, email, name, how)`` that raises ``SignUpRefused("its message")``
to refuse, and returns to allow. ``email`` is normalised, ``name`` is the
display name the account would get, ``how`` is ``"password"`` (the sign-up
form), ``"cli"`` (``flask users create``) or a provider's id.

It is asked once per attempt to create an account, before anything is
written, by the two services that create accounts (``signup``,
``social_accounts``). Existing accounts are never asked about: the policy
decides who may join, not who may sign in.
"""

from flask import current_app

#: How an account made with a password came in (``flask users create`` says ``"cli"``).
BY_PASSWORD = "password"  # noqa: S105 (a way in, not a secret)


class SignUpRefused(Exception):
    """The product's sign-up policy refused a new account; the message is for the person."""

    def __init__(self, message: str = "New accounts can't be created here.") -> None:
        super().__init__(message)
        self.message = message


def ask_signup_policy(email: str, name: str, how: str) -> None:
    """Raise ``SignUpRefused`` when the product's policy refuses this new account."""
    policy = current_app.config["SIGNUP_POLICY"]
    if policy is not None:
        policy(email=email, name=name, how=how)
