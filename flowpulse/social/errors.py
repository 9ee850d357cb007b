"""Why a provider flow did not prove an identity (the log says why; the page never does)."""


class FlowFailed(Exception):
    """The callback does not finish a flow this browser started, or the provider's
    answer failed a check. The message is for the log only."""


class ProviderDenied(FlowFailed):
    """The provider answered with an ``error`` (the person cancelled, say)."""
