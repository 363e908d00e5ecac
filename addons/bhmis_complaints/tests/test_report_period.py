# SPDX-License-Identifier: GPL-3.0-or-later
"""The complaint reports over a period of filing (--from, --to), and the
graph views' figures."""
import datetime as dt

import pytest
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction

from bhmis_base.tests.tools import DBTestCase, as_user
from bhmis_complaints import report
from bhmis_complaints.tests.tools import FILED, at, file, setup_offices

DAY = dt.timedelta(days=1)
D = dt.date


def test_period_domain():
    assert report.period_domain() == []
    assert report.period_domain(date_from=D(2026, 11, 1),
        date_to=D(2026, 11, 30)) == [
        ('filed_at', '>=', dt.datetime(2026, 11, 1)),
        ('filed_at', '<', dt.datetime(2026, 12, 1))]
    assert report.period_domain(date_to=D(2026, 12, 31)) == [
        ('filed_at', '<', dt.datetime(2027, 1, 1))]
    with pytest.raises(ValueError, match="before it starts"):
        report.period_domain(date_from=D(2026, 11, 2),
            date_to=D(2026, 11, 1))



class ReportPeriodTestCase(DBTestCase):
    "Complaint reports of a period on the database"
    module = 'bhmis_complaints'

    @with_transaction()
    def test_reports_of_a_period(self):
        "Only the complaints filed from the first to the last day included"
        offices = setup_offices()
        file(FILED - 3 * DAY)
        in_period = [file(FILED), file(FILED + DAY, facility_code='P-BHU'),
            file(dt.datetime(2026, 11, 9, 23, 59))]
        file(dt.datetime(2026, 11, 10, 0, 0))
        with at(FILED + 30 * DAY):
            _, rows = report.register(date_from=D(2026, 11, 2),
                date_to=D(2026, 11, 9))
            self.assertEqual({r[0] for r in rows},
                {c.tracking_number for c in in_period})
            _, rows = report.sla(date_from=D(2026, 11, 2),
                date_to=D(2026, 11, 9))
            self.assertEqual(rows[-1][1], 3, msg="the total filed")
            _, rows = report.summary(date_from=D(2026, 11, 10))
            self.assertEqual(sum(r[3] for r in rows), 1)
            name, data = report.render('complaints-sla',
                date_from=D(2026, 11, 2), date_to=D(2026, 11, 9))
            self.assertEqual(data[:2], b'PK')
            with self.assertRaises(ValueError):
                report.render('complaints-sla', date_from=D(2026, 11, 9),
                    date_to=D(2026, 11, 2))
            # As the focal person: their facility only, in the period
            with as_user(offices['focal']):
                _, rows = report.register(date_from=D(2026, 11, 2),
                    date_to=D(2026, 11, 9))
            self.assertEqual({r[0] for r in rows},
                {in_period[0].tracking_number, in_period[2].tracking_number})

    @with_transaction()
    def test_graph_figures(self):
        "Each complaint counts once, by its month of filing"
        Complaint = Pool().get('bhmis.complaint')
        setup_offices()
        file(FILED)
        file(dt.datetime(2026, 12, 1, 4, 0))
        complaints = Complaint.search([], order=[('filed_at', 'ASC')])
        self.assertEqual([(c.complaint_count, c.filed_month)
                for c in complaints], [(1, '2026-11'), (1, '2026-12')])
        for view in ['complaint_view_graph', 'complaint_view_graph_category',
                'complaint_view_graph_month']:
            ModelData = Pool().get('ir.model.data')
            arch = Complaint.fields_view_get(
                ModelData.get_id('bhmis_complaints', view))
            self.assertEqual(arch['type'], 'graph')
            self.assertIn('complaint_count', arch['fields'])
