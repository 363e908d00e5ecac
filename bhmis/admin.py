# SPDX-License-Identifier: GPL-3.0-or-later
"""trytond-admin, with the foreign keys of PostgreSQL read from pg_catalog
(bhmis.pg_catalog): `python -m bhmis.admin` takes trytond-admin's
arguments."""
import sys

from trytond.cli.admin import main

from . import pg_catalog

if __name__ == '__main__':
    pg_catalog.install()
    sys.exit(main())
