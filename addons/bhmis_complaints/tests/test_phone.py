# SPDX-License-Identifier: GPL-3.0-or-later
"""Pakistani mobile numbers as people write them."""
import pytest

from bhmis_complaints.phone import normalise_mobile


@pytest.mark.parametrize('written', [
    '03001234567', '0300-1234567', '0300 1234567', '+92 300 1234567',
    '923001234567', '+923001234567', '0092 300 1234567',
    '(0300) 123-4567', ' 03001234567\n', '۰۳۰۰۱۲۳۴۵۶۷',
    ])
def test_written_forms(written):
    assert normalise_mobile(written) == '+923001234567'


def test_other_networks():
    assert normalise_mobile('0345-6789012') == '+923456789012'
    assert normalise_mobile('0311 2223334') == '+923112223334'


@pytest.mark.parametrize('written', [
    '', '081-2836471', '0812836471', '+92 81 2836471',  # Quetta landline
    '0300123456', '030012345678',  # a digit short, a digit too many
    '0300-123456a', 'call me', '+1 300 123 4567', '+44 7700 900123',
    '3001234567', '1129', '03001234567 ext 2', '0300+1234567', None, 42,
    ])
def test_refused(written):
    with pytest.raises(ValueError):
        normalise_mobile(written)
