"""Domain failures shared by several services, turned into messages at the edge."""


class EmailTaken(Exception):
    """An account with this address already exists."""
