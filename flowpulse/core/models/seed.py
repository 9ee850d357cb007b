"""The four tables of the seed data model: user, session, account, verification.

Column names, types, nullability, uniqueness, database-level defaults,
``ON DELETE CASCADE`` and the three camelCase index names are the seed's
(the README's "Data model"). Models hold fields and small query helpers, no policy.
"""

from datetime import datetime

from peewee import JOIN, BooleanField, DateTimeField, ForeignKeyField, TextField, prefetch

from flowpulse.core.clock import utcnow
from flowpulse.core.database import db
from flowpulse.core.models.base import DEFAULT_FALSE, DEFAULT_NOW, BaseModel

#: The account ``provider_id`` of a password account (as in Better Auth).
CREDENTIAL_PROVIDER = "credential"


class User(BaseModel):
    """A person with an account; ``email`` is stored normalised and lower-cased."""

    name = TextField()
    email = TextField(unique=True)
    email_verified = BooleanField(default=False, constraints=[DEFAULT_FALSE])
    image = TextField(null=True)
    created_at = DateTimeField(default=utcnow, constraints=[DEFAULT_NOW])
    updated_at = DateTimeField(default=utcnow, constraints=[DEFAULT_NOW])

    class Meta:
        table_name = "user"

    # Flask-Login's user protocol, written out rather than inherited from
    # UserMixin, whose __eq__ would make peewee rows unhashable.
    is_authenticated = True
    is_active = True
    is_anonymous = False

    def get_id(self) -> str:
        """Return the id Flask-Login knows this user by."""
        return self.id

    @classmethod
    def by_email(cls, email: str) -> "User | None":
        """Return the user with this (already normalised) email, if any."""
        return cls.get_or_none(cls.email == email)

    @classmethod
    def locked(cls, user_id: str) -> "User | None":
        """Return the user's row, locked until the transaction ends (None if deleted).

        PostgreSQL locks the row (``FOR UPDATE``), so two transactions that
        change one account take turns; SQLite has no row locks, but its
        write transactions (``BEGIN IMMEDIATE``) already take turns.
        """
        query = cls.select().where(cls.id == user_id)
        if db.for_update:  # False on SQLite, which would refuse the clause
            query = query.for_update()
        return query.first()

    @classmethod
    def with_password(cls, email: str) -> "tuple[User | None, str | None]":
        """Return the user with this address and their password hash, in one query.

        Unknown addresses run the very same statement (and get ``(None,
        None)``), so sign-in does the same database work for both.
        """
        on = (
            (Account.user == cls.id)
            & (Account.provider_id == CREDENTIAL_PROVIDER)
            & (Account.account_id == cls.id)
        )
        row = (
            cls.select(cls, Account.password)
            .join(Account, JOIN.LEFT_OUTER, on=on, attr="credential")
            .where(cls.email == email)
            .first()
        )
        if row is None:
            return None, None
        credential = getattr(row, "credential", None)
        return row, credential.password if credential else None

    @classmethod
    def with_sessions_and_accounts(cls, *where) -> "User | None":
        """Load one user with ``sessions`` and ``accounts`` in three queries.

        The seed's ``findFirst({ with: { sessions, accounts } })``: one query
        per table however many rows, so listing relations never goes N+1.
        """
        users = prefetch(cls.select().where(*where).limit(1), Session, Account)
        return users[0] if users else None


class Session(BaseModel):
    """A signed-in device; ``token`` is the SHA-256 of the cookie's token."""

    expires_at = DateTimeField()
    token = TextField(unique=True)
    created_at = DateTimeField(default=utcnow, constraints=[DEFAULT_NOW])
    updated_at = DateTimeField(default=utcnow)
    ip_address = TextField(null=True)
    user_agent = TextField(null=True)
    user = ForeignKeyField(
        User,
        backref="sessions",
        column_name="user_id",
        on_delete="CASCADE",
        index=False,  # the seed names this index; see Meta below
    )

    class Meta:
        table_name = "session"


class Account(BaseModel):
    """A way to sign in: a password (``credential``) or an OAuth provider."""

    account_id = TextField()
    provider_id = TextField()
    user = ForeignKeyField(
        User,
        backref="accounts",
        column_name="user_id",
        on_delete="CASCADE",
        index=False,
    )
    access_token = TextField(null=True)
    refresh_token = TextField(null=True)
    id_token = TextField(null=True)
    access_token_expires_at = DateTimeField(null=True)
    refresh_token_expires_at = DateTimeField(null=True)
    scope = TextField(null=True)
    password = TextField(null=True)
    created_at = DateTimeField(default=utcnow, constraints=[DEFAULT_NOW])
    updated_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "account"

    @classmethod
    def credential_of(cls, user_id: str) -> "Account | None":
        """Return the password account of a user, if they have one."""
        return cls.get_or_none(
            (cls.user == user_id)
            & (cls.provider_id == CREDENTIAL_PROVIDER)
            & (cls.account_id == user_id)
        )


class Verification(BaseModel):
    """A pending emailed token; ``value`` holds a digest, never the token."""

    identifier = TextField()
    value = TextField()
    expires_at = DateTimeField()
    created_at = DateTimeField(default=utcnow, constraints=[DEFAULT_NOW])
    updated_at = DateTimeField(default=utcnow, constraints=[DEFAULT_NOW])

    class Meta:
        table_name = "verification"

    def is_expired(self, now: datetime | None = None) -> bool:
        """Tell whether the token's lifetime has passed."""
        return self.expires_at <= (now or utcnow())


# The seed's index names are camelCase; peewee would call them session_user_id.
Session.add_index(Session.index(Session.user, name="session_userId_idx"))
Account.add_index(Account.index(Account.user, name="account_userId_idx"))
Verification.add_index(
    Verification.index(Verification.identifier, name="verification_identifier_idx")
)
# Added by migration 003: one provider identity belongs to at most one user.
PROVIDER_IDENTITY_INDEX = "account_providerId_accountId_idx"
Account.add_index(
    Account.index(
        Account.provider_id, Account.account_id, unique=True, name=PROVIDER_IDENTITY_INDEX
    )
)

#: The seed's four tables, in creation order (parents before children).
SEED_MODELS = [User, Session, Account, Verification]
