import pytest

from orders.domain.pricing import Breakdown, FeeRule, PriceMismatch, breakdown, line_total


def test_items_fee_and_total_in_integer_paise():
    result = breakdown([(4_999, 3), (1_050, 2)], FeeRule(flat_paise=3_000, free_from_paise=50_000))
    assert result == Breakdown(items_paise=17_097, delivery_fee_paise=3_000, total_paise=20_097)
    assert all(
        isinstance(v, int) for v in (result.items_paise, result.delivery_fee_paise, result.total_paise)
    )


def test_fee_is_waived_from_the_threshold_and_absent_by_default():
    rule = FeeRule(flat_paise=3_000, free_from_paise=50_000)
    assert rule.fee_for(49_999) == 3_000
    assert rule.fee_for(50_000) == 0
    assert FeeRule().fee_for(10) == 0
    assert FeeRule(flat_paise=2_500).fee_for(10_000_000) == 2_500  # never waived without a threshold


@pytest.mark.parametrize(
    "line",
    [(-1, 1), (100, 0), (100, -2), (10.5, 1), ("100", 1)],
)
def test_bad_lines_are_refused(line):
    with pytest.raises(PriceMismatch):
        line_total(*line)


def test_absurd_totals_are_refused():
    with pytest.raises(PriceMismatch):
        breakdown([(10**12, 100)], FeeRule())


def test_many_small_lines_add_up_exactly():
    lines = [(1, 100)] * 50 + [(99_999, 7)]
    assert breakdown(lines, FeeRule()).total_paise == 50 * 100 + 99_999 * 7
