"""The benchmark's rank statistic says what its README claims (bench/enumeration.py)."""

import pytest

from bench.enumeration import auc


@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [
        ([1, 2], [3, 4], 0.0),  # always faster
        ([3, 4], [1, 2], 1.0),  # always slower
        ([1, 1], [1, 1], 0.5),  # ties count half
        ([1, 2, 3], [2], 0.5),
        ([1, 3, 5, 7], [2, 4, 6, 8], 0.375),
    ],
)
def test_auc_is_the_chance_a_sample_of_the_first_exceeds_one_of_the_second(first, second, expected):
    assert auc(first, second) == pytest.approx(expected)
