"""Whether the browser tests run here: one skip line naming what is missing, or a pass."""

import pytest

from tests.e2e import support


def test_the_browser_tests_can_run_on_this_machine():
    reason = support.missing()
    if reason:
        pytest.skip(f"{support.SKIP_PREFIX}: {reason}")
    assert support.header_line().startswith(f"{support.HEADER}: on (Chromium at ")


def test_a_missing_browser_is_named_in_the_skip_reason(monkeypatch, tmp_path):
    monkeypatch.setattr(support, "CHROMIUM", tmp_path / "chromium")
    assert support.missing() == f"no Chromium at {tmp_path / 'chromium'} (apt-get install chromium)"
    assert support.header_line().startswith(f"{support.HEADER}: skipped (no Chromium at ")
