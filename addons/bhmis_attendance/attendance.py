# SPDX-License-Identifier: GPL-3.0-or-later
from trytond.pool import PoolMeta

from bhmis_base.scope import ScopedMixin


class Line(ScopedMixin, metaclass=PoolMeta):
    "Tryton's in/out attendance lines, scoped to the employee's facility"
    __name__ = 'attendance.line'
    _scope_facility = 'employee.facility'


class Sheet(ScopedMixin, metaclass=PoolMeta):
    "Tryton's attendance sheets: hours worked, seen where the employee is"
    __name__ = 'attendance.sheet'
    _scope_facility = 'employee.facility'


class SheetLine(ScopedMixin, metaclass=PoolMeta):
    __name__ = 'attendance.sheet.line'
    _scope_facility = 'employee.facility'
