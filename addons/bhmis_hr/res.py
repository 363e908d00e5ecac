# SPDX-License-Identifier: GPL-3.0-or-later
from trytond.i18n import gettext
from trytond.pool import PoolMeta
from trytond.transaction import Transaction, without_check_access

from bhmis_base.exceptions import ScopeError


class User(metaclass=PoolMeta):
    __name__ = 'res.user'

    @classmethod
    def set_preferences(cls, values):
        """A user acts as one of their own employees, in one of their own
        companies (Tryton writes the preferences without access checks
        and without the fields' domains)"""
        user_id = Transaction().user
        if user_id:
            with without_check_access():
                user = cls(user_id)
                employees = {e.id for e in user.employees}
                companies = {c.id for c in user.companies}
            employee = values.get('employee')
            if employee is not None and int(employee) not in employees:
                raise ScopeError(gettext(
                        'bhmis_hr.msg_preference_employee_not_own'))
            company = values.get('company')
            if company is not None and int(company) not in companies:
                raise ScopeError(gettext(
                        'bhmis_hr.msg_preference_company_not_own'))
        super().set_preferences(values)
