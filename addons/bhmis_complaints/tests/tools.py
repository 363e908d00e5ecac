# SPDX-License-Identifier: GPL-3.0-or-later
"""Helpers for tests of bhmis_complaints: the offices of a complaint."""
import datetime as dt
from unittest import mock

from trytond.pool import Pool

from bhmis_base.tests.tools import (
    create_district,
    create_facility,
    create_user,
)

FILED = dt.datetime(2026, 11, 2, 5, 0)


def create_focal_person(login, facility):
    "A complaint focal person of facility"
    pool = Pool()
    ModelData = pool.get('ir.model.data')
    User = pool.get('res.user')
    user = create_user(login, facilities=[facility])
    User.write([user], {'groups': [('add', [ModelData.get_id(
                        'bhmis_complaints',
                        'group_complaint_focal_person')])]})
    return user


def setup_offices():
    """Two facilities (Quetta, Pishin), the cell, the DHO of Quetta and the
    focal person of the Quetta hospital"""
    quetta, pishin = create_district('QUETTA'), create_district('PISHIN')
    civil = create_facility('Q-CIVIL', quetta, type='civil')
    bhu = create_facility('P-BHU', pishin)
    return {
        'quetta': quetta, 'pishin': pishin, 'civil': civil, 'bhu': bhu,
        'cell': create_user('cell', 'group_complaint_officer'),
        'dho': create_user('dho', 'group_dho', districts=[quetta]),
        'focal': create_focal_person('focal', civil),
        'hr': create_user('hr', 'group_hr_officer', districts=[quetta]),
        }


def at(when):
    "Fix the complaints' clock at when"
    Complaint = Pool().get('bhmis.complaint')
    return mock.patch.object(Complaint, 'now', return_value=when)


def public_values(**values):
    "The values of a public complaint as intake.validate gives them"
    return dict({
            'category_code': 'staff_absence',
            'facility_code': 'Q-CIVIL',
            'district_code': None,
            'description': "The doctor was not there at 10 in the morning.",
            'incident_at': FILED - dt.timedelta(hours=2),
            'employee_name': None,
            'complainant_name': "Gul Bano",
            'phone': '+923001234567',
            'cnic': '54400-1234567-1',
            'anonymous': False,
            'callback_consent': True,
            'language': 'ur',
            'channel': 'web',
            'attachments': [],
            }, **values)


def file(when=FILED, **values):
    "File a public complaint of public_values(**values) at when"
    Complaint = Pool().get('bhmis.complaint')
    with at(when):
        return Complaint.file_public(public_values(**values))

