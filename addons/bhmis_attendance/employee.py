# SPDX-License-Identifier: GPL-3.0-or-later
"""Employees and leave as attendance sees them: the enrolled faces, their
deletion on request or when an employee leaves service, and the past days
recomputed when leave is decided."""
from sql.aggregate import Count
from trytond.model import ModelView, fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction

# Leaving service ends the need to recognise the person
LEFT_SERVICE = {'retired', 'resigned', 'terminated', 'deceased'}


class Employee(metaclass=PoolMeta):
    __name__ = 'company.employee'
    enrolled_faces = fields.Function(fields.Integer("Enrolled Faces",
            help="Photos of the face enrolled for check-in."),
        'get_enrolled_faces')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._buttons.update({
                'forget_biometrics': {
                    'invisible': ~Eval('enrolled_faces', 0),
                    'depends': ['enrolled_faces'],
                    },
                })

    @classmethod
    def get_enrolled_faces(cls, employees, name):
        Face = Pool().get('bhmis.attendance.face')
        table = Face.__table__()
        cursor = Transaction().connection.cursor()
        result = {e.id: 0 for e in employees}
        cursor.execute(*table.select(table.employee, Count(table.id),
                where=table.employee.in_(list(result)),
                group_by=[table.employee]))
        result.update(dict(cursor))
        return result

    @classmethod
    @ModelView.button
    def forget_biometrics(cls, employees):
        "Delete the face data of employees on their request"
        Face = Pool().get('bhmis.attendance.face')
        with Transaction().set_context(_check_access=False):
            Face.forget(employees, 'deleted_request')

    @classmethod
    def write(cls, *args):
        super().write(*args)
        leaving = []
        for employees, values in zip(args[::2], args[1::2]):
            if values.get('hr_status') in LEFT_SERVICE:
                leaving.extend(employees)
        if leaving:
            Face = Pool().get('bhmis.attendance.face')
            with Transaction().set_context(_check_access=False):
                Face.forget(cls.browse(leaving), 'deleted_left_service')


class LeaveRequest(metaclass=PoolMeta):
    __name__ = 'bhmis.leave.request'

    @classmethod
    def approve(cls, requests):
        super().approve(requests)
        cls.recompute_days(requests)

    @classmethod
    def cancel(cls, requests):
        super().cancel(requests)
        cls.recompute_days(requests)

    @classmethod
    def recompute_days(cls, requests):
        Day = Pool().get('bhmis.attendance.day')
        with Transaction().set_context(_check_access=False):
            Day.recompute_past([(r.employee, r.start_date, r.end_date)
                    for r in requests])
