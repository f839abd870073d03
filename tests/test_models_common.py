"""The shared input check every model uses for years."""

import math

import numpy as np
import pytest

from alliances.models.common import check_year


@pytest.mark.parametrize("value,expected", [(1960, 1960), (1960.0, 1960), (np.int64(2024), 2024), (np.float64(1815), 1815)])
def test_whole_years_pass(value, expected):
    assert check_year(value) == expected and type(check_year(value)) is int


@pytest.mark.parametrize("value", [True, 1960.5, "1960", None, math.inf, -math.inf, math.nan, 999, 10000, [1960]])
def test_anything_else_is_a_clear_value_error(value):
    with pytest.raises(ValueError, match="year"):
        check_year(value)


def test_the_message_names_the_argument():
    with pytest.raises(ValueError, match="^start must"):
        check_year("x", "start")
