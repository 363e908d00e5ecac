# SPDX-License-Identifier: GPL-3.0-or-later
"""Check-in devices: kiosks at facilities and phones with GPS.

A device proves itself with a secret key shown once when it is registered;
only the key's SHA-256 is stored (the key is 256 random bits, so a plain
hash cannot be reversed by guessing)."""
import datetime as dt
import hashlib
import secrets

from trytond.i18n import gettext
from trytond.model import (
    DeactivableMixin,
    Index,
    ModelSQL,
    ModelView,
    Unique,
    fields,
)
from trytond.pyson import Bool, Eval
from trytond.transaction import Transaction

from bhmis_base.scope import ScopedMixin

from .exceptions import DeviceError

KINDS = [
    ('kiosk', "Kiosk"),
    ('phone', "Phone"),
    ]


def hash_key(key):
    return hashlib.sha256(key.encode('utf-8')).hexdigest()


class Device(ScopedMixin, DeactivableMixin, ModelSQL, ModelView):
    __name__ = 'bhmis.attendance.device'
    __string__ = "Attendance Device"
    _scope_facility = 'facility'
    code = fields.Char("Code", readonly=True,
        help="Names the device in its kiosk page's address.")
    name = fields.Char("Name", strip=True)
    facility = fields.Many2One('bhmis.facility', "Facility", required=True,
        ondelete='RESTRICT', states={'readonly': Bool(Eval('id', -1) > 0)})
    kind = fields.Selection(KINDS, "Kind", required=True,
        help="Phones must send their GPS position, checked against the "
        "facility's geofence.")
    liveness = fields.Boolean("Liveness Check",
        help="The person must blink during the capture: a photo held up to "
        "the camera is refused.")
    key_hash = fields.Char("Key Hash", readonly=True)
    key_hint = fields.Char("Key Starts With", readonly=True)
    revoked_at = fields.DateTime("Revoked At", readonly=True)
    revoked_by = fields.Many2One('res.user', "Revoked By", readonly=True)
    last_seen = fields.DateTime("Last Seen", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('code_unique', Unique(t, t.code),
                'bhmis_attendance.msg_device_code_unique'),
            ('key_unique', Unique(t, t.key_hash),
                'bhmis_attendance.msg_device_code_unique'),
            ]
        cls._sql_indexes.add(Index(t, (t.key_hash, Index.Equality())))
        cls._buttons.update({
                'revoke': {
                    'invisible': ~Eval('active', True),
                    'depends': ['active'],
                    },
                })

    @classmethod
    def default_kind(cls):
        return 'kiosk'

    @classmethod
    def default_liveness(cls):
        return True

    def get_rec_name(self, name):
        return self.name or self.code or ''

    @classmethod
    def create(cls, vlist):
        vlist = [v.copy() for v in vlist]
        for values in vlist:
            values.setdefault('code', 'K' + secrets.token_hex(4).upper())
        return super().create(vlist)

    @classmethod
    def register(cls, facility, kind='kiosk', liveness=True, name=None):
        "Create a device; return it and its key, which is not stored"
        key = secrets.token_urlsafe(32)
        device, = cls.create([{
                    'facility': facility.id, 'kind': kind,
                    'liveness': liveness, 'name': name,
                    'key_hash': hash_key(key), 'key_hint': key[:4],
                    }])
        return device, key

    @classmethod
    def authenticate(cls, key):
        "Return the active device of key, or None"
        if not key or len(key) > 200:
            return None
        devices = cls.search([('key_hash', '=', hash_key(key)),
                ('active', '=', True)], limit=1)
        return devices[0] if devices else None

    @classmethod
    @ModelView.button
    def revoke(cls, devices):
        now = dt.datetime.now()
        for device in devices:
            if not device.active:
                raise DeviceError(gettext(
                        'bhmis_attendance.msg_device_revoked',
                        device=device.rec_name))
        # Without its hash the key is gone for good, even if the device is
        # made active again: it needs a new key
        cls.write(devices, {'active': False, 'revoked_at': now,
                'revoked_by': Transaction().user or None,
                'key_hash': None, 'key_hint': None})

    @classmethod
    def new_key(cls, device):
        "Give device a new key (the old one stops working); return it"
        key = secrets.token_urlsafe(32)
        cls.write([device], {'key_hash': hash_key(key), 'key_hint': key[:4],
                'active': True, 'revoked_at': None, 'revoked_by': None})
        return key
