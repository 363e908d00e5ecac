# SPDX-License-Identifier: GPL-3.0-or-later
"""The website module on the database."""
from trytond.tests.test_tryton import ModuleTestCase


class WebsiteTestCase(ModuleTestCase):
    "Test bhmis_website module"
    module = 'bhmis_website'


del ModuleTestCase
