# SPDX-License-Identifier: GPL-3.0-or-later
"""The facility finder's parsing, domain and nearest facilities, without a
database."""
import unittest

from bhmis_website import finder


class ParseTest(unittest.TestCase):

    def test_good_search(self):
        search = finder.parse({'q': '  Civil   Hospital ', 'district':
                'QUETTA', 'type': 'bhu', 'lat': '30.18', 'lon': '66.99',
                'page': '2'})
        self.assertEqual((search.text, search.district, search.type,
                search.latitude, search.longitude, search.page),
            ('Civil Hospital', 'QUETTA', 'bhu', 30.18, 66.99, 2))
        self.assertEqual(search.errors, {})
        self.assertTrue(search.nearest)

    def test_bad_values_are_named_not_guessed(self):
        cases = [
            ({'q': 'x' * 101}, 'q'),
            ({'type': 'msd'}, 'type'),
            ({'type': '<script>'}, 'type'),
            ({'district': 'QUE%'}, 'district'),
            ({'tehsil': 'T' * 41}, 'tehsil'),
            ({'lat': '91', 'lon': '66'}, 'location'),
            ({'lat': 'nan', 'lon': '66'}, 'location'),
            ({'lat': '30'}, 'location'),
            ({'page': '0'}, 'page'),
            ({'page': '-1'}, 'page'),
            ({'page': '99999'}, 'page'),
            ]
        for args, name in cases:
            search = finder.parse(args)
            self.assertIn(name, search.errors, msg=args)
        self.assertIsNone(finder.parse({'lat': 'x', 'lon': '1'}).latitude)

    def test_empty(self):
        self.assertTrue(finder.parse({}).empty)
        self.assertFalse(finder.parse({'district': 'QUETTA'}).empty)


class DomainTest(unittest.TestCase):

    def test_name_in_either_language_literally(self):
        domain = finder.domain(finder.parse({'q': '100%_ok'}))
        self.assertIn(['OR', ('name', 'ilike', '%100\\%\\_ok%'),
                ('name_ur', 'ilike', '%100\\%\\_ok%'),
                ('code', 'ilike', '%100\\%\\_ok%')], domain)

    def test_filters_and_no_stores_no_closed(self):
        domain = finder.domain(finder.parse({'district': 'QUETTA',
                    'tehsil': 'QUETTA-CITY', 'type': 'rhc'}))
        self.assertIn(('district.code', '=', 'QUETTA'), domain)
        self.assertIn(('tehsil.code', '=', 'QUETTA-CITY'), domain)
        self.assertIn(('type', '=', 'rhc'), domain)
        self.assertIn(('status', '!=', 'closed'), domain)
        types = dict((c[0], c[2]) for c in domain
            if isinstance(c, tuple))['type']
        self.assertNotIn('msd', finder.PUBLIC_TYPES)
        self.assertEqual(types, 'rhc')


class NearestTest(unittest.TestCase):

    def test_distance(self):
        # Quetta to Karachi, about 580 km as the crow flies
        km = finder.distance_km(30.18, 66.99, 24.86, 67.01)
        self.assertAlmostEqual(km, 591.6, delta=1)
        self.assertEqual(finder.distance_km(30, 66, 30, 66), 0)

    def test_nearest_first_without_gps_left_out(self):
        points = [('FAR', 28.0, 66.0), ('NEAR', 30.19, 67.0),
            ('NO-GPS', None, None), ('MID', 30.5, 67.2)]
        self.assertEqual([k for k, _ in finder.nearest(points, 30.18,
                        66.99)], ['NEAR', 'MID', 'FAR'])
        self.assertEqual(len(finder.nearest(points, 30, 66, count=1)), 1)

