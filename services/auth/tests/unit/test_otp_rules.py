from auth.domain import otp


def test_codes_are_six_digits():
    codes = {otp.new_code() for _ in range(200)}
    assert all(len(c) == 6 and c.isdigit() for c in codes)
    assert len(codes) > 150


def test_code_hash_is_keyed_and_bound_to_the_challenge():
    h = otp.hash_code(b"pepper", "otp_1", "123456")
    assert "123456" not in h
    assert otp.code_matches(b"pepper", "otp_1", "123456", h)
    assert not otp.code_matches(b"other", "otp_1", "123456", h)
    assert not otp.code_matches(b"pepper", "otp_2", "123456", h)
    assert not otp.code_matches(b"pepper", "otp_1", "123457", h)


def test_resend_waits_thirty_seconds_per_destination():
    d = otp.decide_send([1000], 1010, enforce_resend_gap=True)
    assert not d.allowed and d.reason == "OTP_RESEND_TOO_SOON" and d.retry_after == 20
    assert otp.decide_send([1000], 1030, enforce_resend_gap=True).allowed
    # per client address there is no gap, only the hourly cap
    assert otp.decide_send([1000], 1001, enforce_resend_gap=False).allowed


def test_at_most_five_sends_per_hour_with_retry_after_until_the_oldest_ages_out():
    sends = [0, 100, 200, 300, 400]
    d = otp.decide_send(sends, 1000, enforce_resend_gap=True)
    assert not d.allowed and d.reason == "OTP_SEND_LIMIT" and d.retry_after == 2600
    assert otp.decide_send(sends, 3600, enforce_resend_gap=True).allowed
    assert otp.prune(sends, 3650) == [100, 200, 300, 400]
