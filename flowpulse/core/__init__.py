"""The core: configuration, the database and its tables, and the primitives every layer uses
(tokens, passwords, email addresses, text rules, the clock, mail transport, the audit log).

Nothing here knows about requests or pages.
"""
