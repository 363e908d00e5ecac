# SPDX-License-Identifier: GPL-3.0-or-later
"""The dashboard's figures, ranking, suppression, charts, CSV and page
cache, without a database."""
import datetime as dt
import unittest

from bhmis_website import dashboard, dashboard_chart, dashboard_csv
from bhmis_website.live_cache import PageCache

NOV, OCT = dt.date(2026, 11, 1), dt.date(2026, 10, 1)


class FiguresTest(unittest.TestCase):

    def test_months(self):
        months = dashboard.months(dt.date(2026, 11, 17))
        self.assertEqual(len(months), 13)
        self.assertEqual((months[0], months[-1]),
            (dt.date(2025, 11, 1), NOV))

    def test_share_and_threshold(self):
        self.assertEqual(dashboard.share(2, 3), 66.7)
        self.assertIsNone(dashboard.share(0, 0))
        self.assertEqual(dashboard.share(3, 4, threshold=5), dashboard.FEW,
            msg="4 people: fewer than 5 for the public")
        self.assertEqual(dashboard.share(3, 5, threshold=5), 60.0)

    def test_table_ranks_and_totals(self):
        pairs = {
            1: {'attendance': {NOV: (90, 100)}, 'posts': {NOV: (8, 10)}},
            2: {'attendance': {NOV: (50, 100)}, 'posts': {NOV: (9, 10)},
                'sla': {NOV: (1, 2)}},
            3: {},
            }
        rows, total = dashboard.table(pairs, {1: 'Alpha', 2: 'Beta',
                3: 'Gamma'}, NOV)
        self.assertEqual([(r['name'], r['rank'], r['score'])
                for r in rows], [('Alpha', 1, 85.0), ('Beta', 2, 63.3),
                ('Gamma', None, None)])
        self.assertEqual(total['values']['attendance'], 70.0)
        self.assertEqual(total['values']['posts'], 85.0)

        rows, total = dashboard.table(pairs, {1: 'Alpha', 2: 'Beta'}, NOV,
            threshold=5)
        beta, = [r for r in rows if r['name'] == 'Beta']
        self.assertEqual(beta['values']['sla'], dashboard.FEW,
            msg="2 complaints resolved: not shown to the public")
        self.assertEqual(total['values']['sla'], dashboard.FEW)
        self.assertIsNone(beta['values']['satisfaction'], msg="no data")
        self.assertEqual(beta['score'], 70.0, msg="FEW is not in the score")

        rows, _ = dashboard.table(pairs, {1: 'Alpha', 2: 'Beta'}, NOV,
            by='posts')
        self.assertEqual([r['name'] for r in rows], ['Beta', 'Alpha'])

    def test_equal_values_share_a_rank(self):
        rows = dashboard.ranked([
                {'name': 'A', 'values': {}, 'score': 80.0},
                {'name': 'B', 'values': {}, 'score': 80.0},
                {'name': 'C', 'values': {}, 'score': 70.0}])
        self.assertEqual([r['rank'] for r in rows], [1, 1, 3])

    def test_series(self):
        measures = {'attendance': {OCT: (1, 2), NOV: (3, 4)}}
        series = dashboard.series(measures, [OCT, NOV])
        self.assertEqual(series['attendance'], [(OCT, 50.0), (NOV, 75.0)])
        self.assertEqual(series['posts'], [(OCT, None), (NOV, None)])


class ChartTest(unittest.TestCase):

    def test_line_chart_is_escaped_with_gaps(self):
        svg = dashboard_chart.line_chart(
            [(OCT, 50.0), (NOV, None), (dt.date(2026, 12, 1), 80.0)],
            '<b>Attendance</b>', 'c1', label=lambda d: d.strftime('%b'))
        self.assertIn('&lt;b&gt;Attendance&lt;/b&gt;', svg)
        self.assertNotIn('<b>', svg)
        self.assertNotIn('style=', svg)
        self.assertNotIn('<polyline', svg, msg="a gap breaks the line")
        self.assertEqual(svg.count('<circle'), 2)
        self.assertIn('Nov: –', svg)

    def test_bar_chart(self):
        svg = dashboard_chart.bar_chart([('Quetta', 75.0),
                ('<i>Zhob</i>', None), ('Pishin', dashboard.FEW)],
            'Posts', 'c2')
        self.assertEqual(svg.count('<rect'), 1)
        self.assertIn('Pishin: &lt;5', svg)
        self.assertIn('&lt;i&gt;Zhob', svg)
        self.assertIn('75.0%', svg)


class CsvTest(unittest.TestCase):

    def test_csv(self):
        text = dashboard_csv.write(['District', 'Attendance (%)'],
            [['کوئٹہ', 70.5], ['=cmd()', None], ['Zhob', dashboard.FEW]])
        self.assertTrue(text.startswith('\ufeffDistrict,Attendance (%)'))
        self.assertIn('کوئٹہ,70.5\r\n', text)
        self.assertIn("'=cmd(),\r\n", text, msg="no formula, no None")
        self.assertIn("Zhob,<5\r\n", text)


class PageCacheTest(unittest.TestCase):

    def test_within_ttl_not_recomputed_after_it_is(self):
        now = [100.0]
        cache = PageCache(seconds=60, clock=lambda: now[0])
        calls = []

        def compute():
            calls.append(1)
            return 'page %s' % len(calls)
        self.assertEqual(cache.get('k', compute), 'page 1')
        now[0] += 59
        self.assertEqual(cache.get('k', compute), 'page 1')
        self.assertEqual(len(calls), 1)
        now[0] += 1
        self.assertEqual(cache.get('k', compute), 'page 2')
        self.assertEqual(cache.get('other', compute), 'page 3')

    def test_zero_turns_it_off_and_size_is_bounded(self):
        cache = PageCache(seconds=0, clock=lambda: 0)
        cache.get('k', lambda: 1)
        cache.get('k', lambda: 1)
        self.assertEqual(cache.computed, 2)
        cache = PageCache(seconds=60, clock=lambda: 0, max_entries=2)
        for key in 'abc':
            cache.get(key, lambda: key)
        cache.get('a', lambda: 'again')
        self.assertEqual(cache.computed, 4, msg="the oldest was dropped")

    def test_missing_pages_are_not_kept(self):
        cache = PageCache(seconds=60, clock=lambda: 0)
        self.assertIsNone(cache.get('nope', lambda: None))
        self.assertEqual(cache.get('nope', lambda: 'now there'), 'now there')


class UrduTest(unittest.TestCase):
    "Every text of the finder, facility and dashboard pages has its Urdu"

    def texts(self):
        import re
        from pathlib import Path

        from bhmis_website import finder_routes
        folder = Path(dashboard.__file__).resolve().parent / 'templates'
        pattern = re.compile(r'''_\((['"])(.+?)\1''')
        found = set()
        for name in ('finder.html', 'facility_page.html', 'dashboard.html'):
            text = (folder / name).read_text('utf-8')
            found |= {m[1] for m in pattern.findall(text)}
        found |= set(dashboard.TITLES.values())
        found |= set(dashboard.DEFINITIONS.values())
        found |= set(finder_routes.ERRORS.values())
        return found

    def test_translated(self):
        from bhmis_website import i18n
        texts = self.texts()
        self.assertGreater(len(texts), 60)
        missing = sorted(t for t in texts
            if i18n.translate('ur', t) == t)
        self.assertEqual(missing, [])

    def test_placeholders_kept(self):
        from bhmis_website import i18n
        self.assertEqual(i18n.translate('ur',
                '%(working)s of %(total)s working', working=2, total=3),
            '3 میں سے 2 کام کر رہے ہیں')
