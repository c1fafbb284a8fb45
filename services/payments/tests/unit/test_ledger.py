"""The ledger's rules, by example and by property (hypothesis): every entry balances; for every order
captured = merchant share + platform cut + delivery cut + refunds (+ a flagged COD difference); and no random
sequence of events makes a balance wrong (compared with an independent running model)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from payments.domain import cod, settlement
from payments.domain.ledger import Account, Book, Kind, Unbalanced, account, cr, dr, entry
from payments.domain.money import MoneyError, OrderMoney
from payments.domain.splits import parse_plan_bps, platform_back, split
from webdpro_core.money import basis_points_of

amounts = st.integers(min_value=1, max_value=50_000_000)
bps = st.integers(min_value=0, max_value=3_000)


def test_an_unbalanced_entry_is_refused():
    with pytest.raises(Unbalanced):
        entry(Kind.REFUND, "r", [dr("RAZORPAY_CLEARING", 10), cr("PLATFORM_REVENUE", 9)])
    with pytest.raises(Unbalanced):
        entry(Kind.REFUND, "r", [dr("RAZORPAY_CLEARING", 10)])
    with pytest.raises(Unbalanced):
        entry(Kind.REFUND, "r", [dr("RAZORPAY_CLEARING", -5), cr("PLATFORM_REVENUE", -5)])
    with pytest.raises(ValueError):
        entry(Kind.REFUND, "r", [dr("NO_SUCH_ACCOUNT", 5), cr("PLATFORM_REVENUE", 5)])


def test_the_rounding_rule_by_example():
    # 5% of ₹99.99 is 499.95 paise → 500 (half up); the merchant gets the remainder.
    s = split(9_999, 500)
    assert (s.platform_paise, s.merchant_paise) == (500, 9_499)
    # 2.5% of 1 paisa = 0.025 → 0: the platform never takes a paisa it has not earned half of.
    assert split(1, 250).platform_paise == 0
    assert split(20, 250).platform_paise == 1  # 0.5 → 1
    assert parse_plan_bps("standard=500, SUBSCRIBED=250") == {"STANDARD": 500, "SUBSCRIBED": 250}
    with pytest.raises(ValueError):
        parse_plan_bps("SUBSCRIBED=250")


@given(amounts, bps, bps)
def test_a_split_never_creates_or_loses_a_paisa(amount, platform, delivery):
    s = split(amount, platform, delivery)
    assert s.platform_paise + s.delivery_paise + s.merchant_paise == amount
    assert s.platform_paise == basis_points_of(amount, platform)
    assert min(s.platform_paise, s.delivery_paise, s.merchant_paise) >= 0


@given(amounts, bps, st.lists(st.integers(min_value=1, max_value=10_000), min_size=1, max_size=8))
def test_partial_refunds_give_the_platform_cut_back_in_proportion_and_exactly_at_the_end(amount, p, cuts):
    money = OrderMoney("ord_1")
    money, _ = money.capture(amount, p, "pay_1")
    for i, share in enumerate(cuts):
        want = max(1, money.refundable_paise * share // 10_000)
        if money.refundable_paise == 0:
            break
        plan = money.plan_refund(min(want, money.refundable_paise))
        assert plan.platform_paise >= 0 and plan.merchant_paise >= 0
        money, _ = money.refunded(plan, f"rf{i}")
        assert money.platform_refunded_paise == platform_back(
            amount, money.platform_paise, money.refunded_paise
        )
    if money.refundable_paise:
        money, _ = money.refunded(money.plan_refund(money.refundable_paise), "last")
    assert money.platform_refunded_paise == money.platform_paise
    assert money.merchant_refunded_paise == money.merchant_paise


def test_a_refund_larger_than_what_is_left_is_refused():
    money, _ = OrderMoney("ord_1").capture(10_000, 500, "pay")
    money, _ = money.refunded(money.plan_refund(4_000), "r1")
    with pytest.raises(MoneyError) as err:
        money.plan_refund(6_001)
    assert err.value.code == "REFUND_TOO_LARGE"


def test_cod_mismatch_is_flagged_and_booked_apart():
    out = cod.collected(
        order_id="ord_1",
        agent_id="agt_1",
        collected_paise=9_000,
        due_paise=10_000,
        platform_bps=500,
        delivery_bps=200,
    )
    assert out.mismatch and out.difference_paise == -1_000
    book = Book()
    book.post(out.entry)
    assert book.balance(account(Account.AGENT_CASH, "agt_1")) == 9_000
    assert book.balance("MERCHANT_PAYABLE") == -500  # the platform's cut, owed by the merchant
    assert book.balance("MERCHANT_COD_CASH") == 10_000 - 200  # what the agent must hand over
    assert book.balance("COD_DIFFERENCE") == -1_000  # a debit: short by ₹10


# ---------------------------------------------------------------- random event sequences (the model check)

op = st.one_of(
    st.tuples(st.just("capture"), st.integers(0, 4), amounts),
    st.tuples(st.just("transfer"), st.integers(0, 4)),
    st.tuples(st.just("deliver"), st.integers(0, 4)),
    st.tuples(st.just("refund"), st.integers(0, 4), st.integers(1, 10_000), st.booleans()),
    st.tuples(st.just("cancel"), st.integers(0, 4)),
    st.tuples(st.just("cod"), st.integers(0, 2), st.integers(100, 5_000_000), st.integers(-500, 500)),
    st.tuples(st.just("handover"), st.integers(0, 2), st.integers(1, 10_000), st.booleans()),
    st.tuples(st.just("settle"), st.booleans()),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(op, max_size=40), bps, bps)
def test_no_sequence_of_events_makes_a_balance_wrong(ops, platform_bps, delivery_bps):
    book = Book()
    orders: dict[int, OrderMoney] = {}
    cods: list[tuple[str, int, int, int, int, int]] = []  # order, collected, due, share, platform, delivery
    seq = 0
    # the independent model: what each account should hold
    clearing = payouts = 0
    agent_cash = [0, 0, 0]
    cut_owed = [0, 0, 0]
    cod_cash = payable = advanced = 0
    for o in ops:
        seq += 1
        kind = o[0]
        if kind == "capture":
            i, amount = o[1], o[2]
            if i in orders:
                with pytest.raises(MoneyError):
                    orders[i].capture(amount, platform_bps, f"again{seq}")
                continue
            orders[i], e = OrderMoney(f"ord_{i}").capture(amount, platform_bps, f"pay_{i}")
            assert book.post(e)
            clearing += amount
        elif kind in ("transfer", "deliver", "refund", "cancel") and o[1] in orders:
            m = orders[o[1]]
            if kind == "transfer":
                amount = m.transfer_amount()
                if m.transfer_paise or m.delivered or amount == 0:
                    continue
                orders[o[1]], e = m.transfer_created(amount, f"trf_{o[1]}")
                book.post(e)
                clearing -= amount
            elif kind == "deliver":
                if not m.delivered:
                    payable += m.pending_paise - m.held_paise
                orders[o[1]], es = m.deliver(f"dlv_{o[1]}")
                for e in es:
                    book.post(e)
            else:
                amount = m.refundable_paise if kind == "cancel" else max(1, m.captured_paise * o[2] // 10_000)
                if amount == 0:
                    continue
                if amount > m.refundable_paise:
                    with pytest.raises(MoneyError):
                        m.plan_refund(amount)
                    continue
                # o[3]: whether Razorpay can still reverse a released transfer (else the platform advances it)
                plan = m.plan_refund(amount, reverse_released=kind == "cancel" or o[3])
                orders[o[1]], es = m.refunded(plan, f"rf{seq}")
                for e in es:
                    book.post(e)
                clearing += plan.reverse_paise - amount
                if m.delivered:
                    payable += plan.reverse_paise - plan.merchant_paise
        elif kind == "cod":
            agent, due, delta = o[1], o[2], o[3]
            got = max(0, due + delta)
            out = cod.collected(
                order_id=f"cod{seq}",
                agent_id=f"a{agent}",
                collected_paise=got,
                due_paise=due,
                platform_bps=platform_bps,
                delivery_bps=delivery_bps,
            )
            book.post(out.entry)
            s = out.split
            cods.append((f"cod{seq}", got, due, s.merchant_paise, s.platform_paise, s.delivery_paise))
            agent_cash[agent] += got
            cut_owed[agent] += s.delivery_paise
            cod_cash += s.merchant_paise + s.platform_paise
            payable -= s.platform_paise
        elif kind == "handover":
            agent, share, keep = o[1], o[2], o[3]
            kept = min(cut_owed[agent], agent_cash[agent]) if keep else 0
            amount = (agent_cash[agent] - kept) * share // 10_000
            if amount + kept == 0:
                continue
            book.post(
                cod.handover(ref=f"h{seq}", agent_id=f"a{agent}", amount_paise=amount, kept_cut_paise=kept)
            )
            agent_cash[agent] -= amount + kept
            cut_owed[agent] -= kept
            cod_cash -= amount
        elif kind == "settle":
            d = settlement.decide(book.balance("MERCHANT_PAYABLE"), linked=o[1])
            assert d.payout_paise >= 0 and d.due_paise >= 0
            # a payout is money Razorpay holds for this merchant (less what the platform advanced for them)
            assert d.payout_paise <= book.balance("RAZORPAY_CLEARING") + advanced
            if d.payout_paise:
                book.post(settlement.payout(f"stl{seq}", d.payout_paise))
                clearing -= d.payout_paise
                payouts += d.payout_paise
                payable -= d.payout_paise

        # --- invariants after every event ---
        assert sum(book.signed.values()) == 0  # the whole book balances
        assert book.balance("RAZORPAY_CLEARING") == clearing
        advanced = max(0, -clearing)  # a refund of a share already paid out, advanced by the platform
        assert book.balance("ROUTE_ON_HOLD") == sum(m.held_paise for m in orders.values()) >= 0
        assert book.balance("MERCHANT_PENDING") == sum(m.pending_paise for m in orders.values()) >= 0
        for a in range(3):
            assert book.balance(account(Account.AGENT_CASH, f"a{a}")) == agent_cash[a] >= 0
            assert book.balance(account(Account.DELIVERY_CUT, f"a{a}")) == cut_owed[a] >= 0
        assert book.balance("MERCHANT_COD_CASH") == cod_cash
        assert book.balance("MERCHANT_PAYABLE") == payable
        assert (
            book.balance("PLATFORM_REVENUE")
            == sum(m.platform_paise - m.platform_refunded_paise for m in orders.values())
            + sum(c[4] for c in cods)
            >= 0
        )

    # per order: captured = merchant share + platform cut + delivery cut + refunds (+ the flagged COD difference)
    for m in orders.values():
        mine = [e for e in book.entries if e.order_id == m.order_id]
        captured = sum(p.debit for e in mine if e.kind == Kind.PAYMENT_CAPTURED for p in e.postings)
        refunds = sum(p.credit for e in mine if e.kind == Kind.REFUND for p in e.postings)
        shares = {Account.MERCHANT_PENDING, Account.MERCHANT_PAYABLE}
        alloc = [e for e in mine if e.kind in (Kind.PAYMENT_CAPTURED, Kind.REFUND)]
        merchant = sum(-p.signed for e in alloc for p in e.postings if p.account in shares)
        platform = sum(-p.signed for e in alloc for p in e.postings if p.account == "PLATFORM_REVENUE")
        assert captured == m.captured_paise
        assert captured == merchant + platform + 0 + refunds
        assert merchant == m.merchant_paise - m.merchant_refunded_paise >= 0
    for order_id, got, _due, share, platform, delivery in cods:
        (e,) = [e for e in book.entries if e.order_id == order_id]
        diff = sum(-p.signed for p in e.postings if p.account == "COD_DIFFERENCE")
        assert got == share + platform + delivery + 0 + diff
