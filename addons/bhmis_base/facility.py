# SPDX-License-Identifier: GPL-3.0-or-later
import re

from sql.aggregate import Count, Min, Sum
from sql.conditionals import Case, Coalesce
from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Workflow, fields
from trytond.pool import Pool
from trytond.pyson import Eval

from .exceptions import (
    DHIS2UIDError,
    GPSError,
    GPSOutsideProvinceWarning,
    ScopeError,
)
from .geo import gps_problem, inside_province
from .history import field_changes
from .model import CodeNameMixin
from .scope import ScopedMixin

FACILITY_TYPES = [
    ('teaching', "Teaching Hospital"),
    ('dhq', "District Headquarters Hospital"),
    ('thq', "Tehsil Headquarters Hospital"),
    ('civil', "Civil Hospital"),
    ('rhc', "Rural Health Centre"),
    ('bhu', "Basic Health Unit"),
    ('cd', "Civil Dispensary"),
    ('mch', "MCH Centre"),
    ('tb', "TB Centre"),
    ('msd', "Medical Stores Depot"),
    ('district_store', "District Store"),
    ]
LEVELS = [
    ('primary', "Primary"),
    ('secondary', "Secondary"),
    ('tertiary', "Tertiary"),
    ('store', "Store"),
    ]
TYPE_LEVEL = {
    'teaching': 'tertiary',
    'dhq': 'secondary', 'thq': 'secondary', 'civil': 'secondary',
    'rhc': 'primary', 'bhu': 'primary', 'cd': 'primary', 'mch': 'primary',
    'tb': 'primary',
    'msd': 'store', 'district_store': 'store',
    }
STATUSES = [
    ('functional', "Functional"),
    ('non_functional', "Non-Functional"),
    ('closed', "Closed"),
    ]
DHIS2_UID = re.compile(r'^[A-Za-z][A-Za-z0-9]{10}$')


class Facility(
        ScopedMixin, CodeNameMixin, Workflow, ModelSQL, ModelView):
    __name__ = 'bhmis.facility'
    __string__ = "Health Facility"
    _history = True
    _scope_facility = 'id'
    _transition_state = 'status'

    type = fields.Selection(FACILITY_TYPES, "Type", required=True, sort=False)
    level = fields.Function(fields.Selection(LEVELS, "Level",
            help="Level of care, derived from the type."),
        'on_change_with_level', searcher='search_level')
    district = fields.Many2One(
        'bhmis.district', "District", required=True, ondelete='RESTRICT')
    tehsil = fields.Many2One(
        'bhmis.tehsil', "Tehsil", ondelete='RESTRICT',
        domain=[('district', '=', Eval('district', -1))])
    address = fields.Text("Address")
    phone = fields.Char("Phone", strip=True)
    latitude = fields.Float("Latitude", digits=(9, 6),
        help="WGS 84 decimal degrees, north positive.")
    longitude = fields.Float("Longitude", digits=(9, 6),
        help="WGS 84 decimal degrees, east positive.")
    catchment_population = fields.Integer("Catchment Population",
        domain=['OR', ('catchment_population', '=', None),
            ('catchment_population', '>=', 0)],
        help="People the facility is meant to serve.")
    beds = fields.Integer("Beds",
        domain=['OR', ('beds', '=', None), ('beds', '>=', 0)])
    open_24_7 = fields.Boolean("Open 24/7",
        help="Open day and night, every day; staffed in shifts.")
    status = fields.Selection(
        STATUSES, "Status", readonly=True, required=True, sort=False)
    status_changes = fields.One2Many(
        'bhmis.facility.status_change', 'facility', "Status History",
        readonly=True)
    dhis2_uid = fields.Char("DHIS2 Org Unit", strip=True, size=11,
        help="The DHIS2 organisation unit id (11 characters).")
    dhis2_code = fields.Char("DHIS2 Code", strip=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.district, Index.Range()),
                    (t.type, Index.Equality())),
                Index(t, (t.status, Index.Equality())),
                Index(t, (t.dhis2_uid, Index.Equality())),
                })
        cls._transitions |= {
            ('functional', 'non_functional'),
            ('non_functional', 'functional'),
            ('functional', 'closed'),
            ('non_functional', 'closed'),
            ('closed', 'functional'),
            }
        cls._buttons.update({
                'mark_functional': {
                    'invisible': Eval('status') != 'non_functional',
                    'depends': ['status'],
                    },
                'mark_non_functional': {
                    'invisible': Eval('status') != 'functional',
                    'depends': ['status'],
                    },
                'close': {
                    'invisible': Eval('status') == 'closed',
                    'depends': ['status'],
                    },
                'reopen': {
                    'invisible': Eval('status') != 'closed',
                    'depends': ['status'],
                    },
                })

    @classmethod
    def default_status(cls):
        return 'functional'

    @classmethod
    def default_open_24_7(cls):
        return False

    @fields.depends('type')
    def on_change_with_level(self, name=None):
        return TYPE_LEVEL.get(self.type)

    @classmethod
    def search_level(cls, name, clause):
        _, operator, value = clause
        values = value if isinstance(value, (list, tuple)) else [value]
        types = [t for t, level in TYPE_LEVEL.items() if level in values]
        if operator in {'=', 'in'}:
            return [('type', 'in', types)]
        return [('type', 'not in', types)]

    def get_rec_name(self, name):
        return '%s - %s' % (self.code, super().get_rec_name(name))

    @classmethod
    def validate_fields(cls, facilities, field_names):
        super().validate_fields(facilities, field_names)
        cls.check_gps(facilities, field_names)
        cls.check_dhis2_uid(facilities, field_names)

    @classmethod
    def check_gps(cls, facilities, field_names=None):
        pool = Pool()
        Warning = pool.get('res.user.warning')
        if field_names and not (field_names & {'latitude', 'longitude'}):
            return
        outside = []
        for facility in facilities:
            problem = gps_problem(facility.latitude, facility.longitude)
            if problem:
                raise GPSError(gettext('bhmis_base.msg_facility_gps_invalid',
                        facility=facility.rec_name,
                        problem=gettext('bhmis_base.msg_problem_' + problem)))
            if not inside_province(facility.latitude, facility.longitude):
                outside.append(facility)
        if outside:
            key = Warning.format('facility_outside_province', outside)
            if Warning.check(key):
                raise GPSOutsideProvinceWarning(key, gettext(
                        'bhmis_base.msg_facility_gps_outside_province',
                        facilities=', '.join(f.rec_name for f in outside[:5])))

    @classmethod
    def check_dhis2_uid(cls, facilities, field_names=None):
        if field_names and 'dhis2_uid' not in field_names:
            return
        for facility in facilities:
            if facility.dhis2_uid and not DHIS2_UID.match(facility.dhis2_uid):
                raise DHIS2UIDError(gettext(
                        'bhmis_base.msg_facility_dhis2_uid_invalid',
                        facility=facility.rec_name, uid=facility.dhis2_uid))

    @classmethod
    @ModelView.button
    @Workflow.transition('functional')
    def mark_functional(cls, facilities):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('non_functional')
    def mark_non_functional(cls, facilities):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('closed')
    def close(cls, facilities):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('functional')
    def reopen(cls, facilities):
        pass

    @classmethod
    def check_modification(cls, mode, facilities, values=None,
            external=False):
        super().check_modification(mode, facilities, values=values,
            external=external)
        if external and mode == 'write' and values.get('district'):
            # The rules match facilities by id: moving one to another
            # district is checked here
            User = Pool().get('res.user')
            unrestricted, districts, _ = User.get_bhmis_scope()
            if not unrestricted and values['district'] not in districts:
                raise ScopeError(gettext('bhmis_base.msg_facility_district',
                        district=Pool().get('bhmis.district')(
                            values['district']).rec_name))

    @classmethod
    def on_modification(cls, mode, facilities, field_names=None):
        super().on_modification(mode, facilities, field_names=field_names)
        if mode != 'write' or 'district' in (field_names or ()):
            Pool().get('res.user').clear_district_facilities()


class FacilityStatusChange(ScopedMixin, ModelSQL, ModelView):
    __name__ = 'bhmis.facility.status_change'
    __string__ = "Facility Status Change"
    _scope_facility = 'facility'
    facility = fields.Many2One('bhmis.facility', "Facility", readonly=True)
    date = fields.DateTime("Date", readonly=True)
    status = fields.Selection(STATUSES, "Status", readonly=True)
    previous_status = fields.Selection(
        [(None, "")] + STATUSES, "Previous Status", readonly=True)
    user = fields.Many2One('res.user', "Changed By", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('date', 'DESC'), ('id', 'DESC')]

    @classmethod
    def table_query(cls):
        "Status changes read from the facility's history table"
        return field_changes(
            Pool().get('bhmis.facility'), 'status', 'facility')


class FacilitySummary(ModelSQL, ModelView):
    __name__ = 'bhmis.facility.summary'
    __string__ = "Facilities by District and Type"
    district = fields.Many2One('bhmis.district', "District", readonly=True)
    type = fields.Selection(FACILITY_TYPES, "Type", readonly=True)
    facilities = fields.Integer("Facilities", readonly=True)
    functional = fields.Integer("Functional", readonly=True)
    beds = fields.Integer("Beds", readonly=True)
    catchment_population = fields.Integer(
        "Catchment Population", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('district', 'ASC'), ('type', 'ASC'), ('id', 'ASC')]

    @classmethod
    def table_query(cls):
        pool = Pool()
        Facility = pool.get('bhmis.facility')
        facility = Facility.__table__()
        # Scope the summary like the facilities themselves
        query = Facility.search([], query=True, order=[])
        return facility.select(
            Min(facility.id).as_('id'),
            facility.district, facility.type,
            Count(facility.id).as_('facilities'),
            Sum(Case((facility.status == 'functional', 1), else_=0)).as_(
                'functional'),
            Sum(Coalesce(facility.beds, 0)).as_('beds'),
            Sum(Coalesce(facility.catchment_population, 0)).as_(
                'catchment_population'),
            where=facility.id.in_(query),
            group_by=[facility.district, facility.type])
