# SPDX-License-Identifier: GPL-3.0-or-later
from sql import Literal, Null
from sql.aggregate import Count
from trytond.cache import Cache
from trytond.model import ModelSQL, fields
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction

from .guard import check_secret_search

# Fields no user searches or sorts on, administrators included
SECRET_USER_FIELDS = {'password_hash', 'password_reset',
    'password_reset_expire'}
# Roles that see every district of the province
PROVINCE_WIDE_GROUPS = ('group_admin', 'group_provincial_manager',
    'group_dhis2_admin')


class UserDistrict(ModelSQL):
    __name__ = 'res.user-bhmis.district'
    __string__ = "User District"
    user = fields.Many2One(
        'res.user', "User", ondelete='CASCADE', required=True)
    district = fields.Many2One(
        'bhmis.district', "District", ondelete='CASCADE', required=True)

    @classmethod
    def on_modification(cls, mode, records, field_names=None):
        super().on_modification(mode, records, field_names=field_names)
        Pool().get('res.user')._get_bhmis_scope_cache.clear()


class UserFacility(ModelSQL):
    __name__ = 'res.user-bhmis.facility'
    __string__ = "User Facility"
    user = fields.Many2One(
        'res.user', "User", ondelete='CASCADE', required=True)
    facility = fields.Many2One(
        'bhmis.facility', "Facility", ondelete='CASCADE', required=True)

    @classmethod
    def on_modification(cls, mode, records, field_names=None):
        super().on_modification(mode, records, field_names=field_names)
        Pool().get('res.user')._get_bhmis_scope_cache.clear()


class User(metaclass=PoolMeta):
    __name__ = 'res.user'
    bhmis_province = fields.Boolean("Whole Province",
        help="The user answers for every district of the province.")
    bhmis_districts = fields.Many2Many(
        'res.user-bhmis.district', 'user', 'district', "Districts",
        help="The districts whose facilities and records the user sees.")
    bhmis_facilities = fields.Many2Many(
        'res.user-bhmis.facility', 'user', 'facility', "Facilities",
        help="Facilities the user sees in addition to their districts.")
    _get_bhmis_scope_cache = Cache(
        __name__ + '.get_bhmis_scope', context=False)
    _district_facilities_cache = Cache(
        __name__ + '.district_facilities', context=False)

    @classmethod
    def on_modification(cls, mode, users, field_names=None):
        super().on_modification(mode, users, field_names=field_names)
        cls._get_bhmis_scope_cache.clear()

    @classmethod
    def search(cls, domain, *args, **kwargs):
        # Tryton blanks these fields on read but searches on them: a
        # binary search recovers a reset password or a hash
        if Transaction().check_access:
            check_secret_search(cls, domain, kwargs.get('order')
                or (args[2] if len(args) > 2 else None), SECRET_USER_FIELDS)
        return super().search(domain, *args, **kwargs)

    @classmethod
    def get_bhmis_facilities(cls):
        """Return (unrestricted, facility ids) of the user: their
        facilities and every facility of their districts"""
        unrestricted, districts, facilities = cls.get_bhmis_scope()
        if unrestricted:
            return True, ()
        in_districts = cls._district_facilities_cache.get(districts)
        if in_districts is None:
            Facility = Pool().get('bhmis.facility')
            facility = Facility.__table__()
            cursor = Transaction().connection.cursor()
            in_districts = ()
            if districts:
                cursor.execute(*facility.select(facility.id,
                        where=facility.district.in_(list(districts))))
                in_districts = tuple(sorted(i for i, in cursor))
            cls._district_facilities_cache.set(districts, in_districts)
        return False, tuple(sorted(set(facilities) | set(in_districts)))

    @classmethod
    def clear_district_facilities(cls):
        "Forget the facilities of districts (a facility added or moved)"
        cls._district_facilities_cache.clear()

    @classmethod
    def get_bhmis_scope(cls):
        """Return (unrestricted, district ids, facility ids) of the user.

        Unrestricted users hold a province-wide role or answer for the
        whole province.
        """
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        UserDistrict = pool.get('res.user-bhmis.district')
        UserFacility = pool.get('res.user-bhmis.facility')
        transaction = Transaction()
        user_id = transaction.user
        if not user_id:
            return (True, (), ())
        groups = set(cls.get_groups())
        key = (user_id, tuple(sorted(groups)))
        scope = cls._get_bhmis_scope_cache.get(key)
        if scope is not None:
            return scope
        province_wide = {
            ModelData.get_id('bhmis_base', g) for g in PROVINCE_WIDE_GROUPS}
        cursor = transaction.connection.cursor()
        user_district = UserDistrict.__table__()
        cursor.execute(*user_district.select(user_district.district,
                where=user_district.user == user_id))
        districts = tuple(sorted(d for d, in cursor))
        user_facility = UserFacility.__table__()
        cursor.execute(*user_facility.select(user_facility.facility,
                where=user_facility.user == user_id))
        facilities = tuple(sorted(f for f, in cursor))
        user = cls.__table__()
        cursor.execute(*user.select(user.bhmis_province,
                where=user.id == user_id))
        row = cursor.fetchone()
        province = bool(row and row[0])
        scope = (province or bool(groups & province_wide), districts,
            facilities)
        return cls._get_bhmis_scope_cache.set(key, scope)


class LoginAttempt(metaclass=PoolMeta):
    """Wrong passwords slow down the address that sends them, not the user:
    Tryton counts them by login alone, so anyone who knows a login (admin)
    could lock its owner out by failing six times."""
    __name__ = 'res.user.login.attempt'

    @classmethod
    def count(cls, login, device_cookie=None):
        transaction = Transaction()
        cursor = transaction.connection.cursor()
        table = cls.__table__()
        login = login[:cls.login.size]
        _, ip_network = transaction.remote_address()
        where = ((table.login == login)
            & (table.device_cookie == device_cookie)
            & (table.create_date >= cls.delay()))
        if ip_network:
            where &= table.ip_network == str(ip_network)
        else:
            where &= table.ip_network == Null
        cursor.execute(*table.select(Count(Literal(1)), where=where))
        return cursor.fetchone()[0]
