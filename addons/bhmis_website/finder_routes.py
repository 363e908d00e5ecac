# SPDX-License-Identifier: GPL-3.0-or-later
"""The facility finder's pages: /<lang>/facilities (a list that works
without JavaScript, and a map when it runs) and the map's data,
/<lang>/facilities/map.json, for the same search."""
import json
from urllib.parse import urlencode

from werkzeug.wrappers import Response

from . import finder, finder_query
from .routing import route

ERRORS = {
    'q': "The name is too long (at most 100 characters).",
    'district': "Choose a district from the list.",
    'tehsil': "Choose a tehsil from the list.",
    'type': "Choose a type of facility from the list.",
    'location': "Your location could not be read; search by district "
    "instead.",
    'page': "There is no such page of results.",
    }


def tile_url():
    "The map tiles' address template, or '' (no tiles: offline maps)"
    from trytond.config import config
    return config.get('bhmis_website', 'tile_url', default='') or ''


@route('/facilities')
def facilities(page):
    search = finder.parse(page.request.args)

    def read(pool):
        districts, tehsils, types = finder_query.choices(search)
        found, more = ([], False) if search.empty else (
            finder_query.results(search))
        return districts, tehsils, types, found, more
    districts, tehsils, types, found, more = page.run(read)
    tiles = tile_url()
    if tiles:
        page.img_sources = (tile_origin(tiles),)
    query = page.request.query_string.decode('ascii', 'replace')

    def page_url(number):
        args = page.request.args.copy()
        args['page'] = str(number)
        return '%s?%s' % (page.url('/facilities'),
            urlencode(list(args.items(multi=True))))
    if search.errors:
        page.status = 400
    return page.render('finder.html', title=page._('Find a facility'),
        search=search, districts=districts, tehsils=tehsils, types=types,
        results=found, more=more,
        errors=[page._(ERRORS[name]) for name in search.errors],
        map_data=page.url('/facilities/map.json') + (
            '?' + query if query else ''),
        tiles=tiles,
        prev_url=page_url(search.page - 1) if search.page > 1 else None,
        next_url=page_url(search.page + 1) if more else None)


@route('/facilities/map.json')
def facility_map(page):
    search = finder.parse(page.request.args)
    if search.errors:
        return Response('{}', status=400,
            content_type='application/json; charset=utf-8')
    data = page.run(lambda pool: finder_query.points(search))
    data['base'] = page.url('/facilities/')
    response = Response(json.dumps(data, ensure_ascii=False,
            separators=(',', ':')),
        content_type='application/json; charset=utf-8')
    response.headers['Cache-Control'] = 'public, max-age=300'
    return response


def tile_origin(url):
    "The scheme and host of a tile address template, for the CSP"
    from urllib.parse import urlsplit
    parts = urlsplit(url.replace('{s}', 'a'))
    host = parts.netloc
    if '{s}' in url:
        host = '*.' + host.split('.', 1)[1]
    return '%s://%s' % (parts.scheme, host)
