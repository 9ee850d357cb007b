"""Devices in words: "Firefox on Windows" from a stored user agent."""

#: What a session without a recognisable user agent is called.
UNKNOWN_DEVICE = "Unknown device"

# ua-parser names mobile builds apart ("Mobile Safari", "Chrome Mobile iOS");
# a person knows them by the browser's name, and the platform says "mobile".
_BROWSER_PREFIXES = ("Mobile ",)
_BROWSER_SUFFIXES = (" Mobile iOS", " Mobile WebView", " Mobile", " iOS")

# Platform names as people say them; ua-parser's are the vendors' own.
_OS_NAMES = {"Mac OS X": "Mac", "Chrome OS": "ChromeOS"}

# Devices named better than their operating system ("Safari on iPhone").
_NAMED_DEVICES = ("iPhone", "iPad", "iPod")


def describe_device(user_agent: str | None) -> str:
    """Name the browser and platform of a user agent, e.g. "Safari on iPhone"."""
    if not user_agent:
        return UNKNOWN_DEVICE
    # ua-parser (its regexes and YAML: ~25 ms) loads when an agent is first parsed;
    # servers load it up front (flowpulse.serving.preload).
    from ua_parser import parse

    result = parse(user_agent)
    browser = _browser_name(result.user_agent.family if result.user_agent else None)
    platform = _platform_name(
        result.os.family if result.os else None,
        result.device.family if result.device else None,
    )
    if browser and platform:
        return f"{browser} on {platform}"
    return browser or platform or UNKNOWN_DEVICE


def _browser_name(family: str | None) -> str | None:
    if not family or family == "Other":
        return None
    for prefix in _BROWSER_PREFIXES:
        family = family.removeprefix(prefix)
    for suffix in _BROWSER_SUFFIXES:
        if family.endswith(suffix):
            return family.removesuffix(suffix)
    return family


def _platform_name(os_family: str | None, device_family: str | None) -> str | None:
    if device_family in _NAMED_DEVICES:
        return device_family
    if not os_family or os_family == "Other":
        return None
    return _OS_NAMES.get(os_family, os_family)
