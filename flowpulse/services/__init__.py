"""The rules: who may do what, tokens and transactions. No request objects here.

Views and CLI commands call these functions; failures are small exceptions
(``EmailTaken``, ``InvalidToken``) turned into form errors at the edge.
"""
