"""Sealed modal metadata comes back only as Pact wrote it."""

from handlers.kit.metadata import seal, unseal

KEY = b"k" * 32


def test_round_trip():
    assert unseal(seal({"channel": "C1", "goal": 7}, KEY), KEY) == {"channel": "C1", "goal": 7}


def test_tampered_unsigned_or_foreign_metadata_is_refused():
    sealed = seal({"channel": "C1"}, KEY)
    body, mac = sealed.rsplit(".", 1)
    assert unseal(sealed, b"other key" * 4) is None
    assert unseal(body + "." + mac[::-1], KEY) is None
    assert unseal('{"channel": "C2"}', KEY) is None
    assert unseal("", KEY) is None and unseal(None, KEY) is None
    assert unseal(seal({"x": 1}, KEY)[1:], KEY) is None


def test_sealed_metadata_fits_slack_limit_for_typical_data():
    assert len(seal({"channel": "C0123456789", "ids": list(range(100))}, KEY)) < 3000
