# SPDX-License-Identifier: GPL-3.0-or-later
"""The site's static files, served by this server under fingerprinted
names (`site.3f2a9c1b.css`) with a year's cache: a browser asks for a
file once, and a changed file gets a new name.

Files come from the module's static/ folder and from npm packages that
`make install` puts under var/website/node_modules (NPM maps a public
folder to a package's folder).  A request is answered only for a name in
the table built at start-up, so no path from the address bar ever
reaches the file system.  Stylesheets' url(...) to other files are
rewritten to their fingerprinted names."""
import hashlib
import mimetypes
import posixpath
import re
from pathlib import Path

STATIC = Path(__file__).resolve().parent / 'static'
# public folder -> folder inside node_modules
NPM = {
    'fonts': '@fontsource/noto-naskh-arabic/files',
    'leaflet': 'leaflet/dist',
    }
PREFIX = '/static/'
CACHE = 'public, max-age=31536000, immutable'
TYPES = {'.woff2': 'font/woff2', '.woff': 'font/woff',
    '.js': 'text/javascript; charset=utf-8',
    '.css': 'text/css; charset=utf-8', '.svg': 'image/svg+xml',
    '.map': 'application/json'}
_URL = re.compile(r'''url\(\s*(['"]?)([^'")]+)\1\s*\)''')


def fingerprinted(name, data):
    stem, ext = posixpath.splitext(name)
    return '%s.%s%s' % (stem, hashlib.sha256(data).hexdigest()[:10], ext)


class StaticFiles:
    "The table of static files: logical name -> fingerprinted name"

    def __init__(self, node_modules=None, folder=STATIC):
        sources = {}
        for path in sorted(Path(folder).rglob('*')):
            if path.is_file():
                sources[path.relative_to(folder).as_posix()] = path
        if node_modules is not None:
            for public, inside in NPM.items():
                root = Path(node_modules) / inside
                if not root.is_dir():
                    continue
                for path in sorted(root.rglob('*')):
                    if path.is_file():
                        sources['%s/%s' % (public,
                                path.relative_to(root).as_posix())] = path
        self.names = {}      # logical -> fingerprinted
        self.files = {}      # fingerprinted -> (path or bytes, type)
        stylesheets = []
        for name, path in sources.items():
            if name.endswith('.css'):
                stylesheets.append((name, path))
                continue
            data = path.read_bytes()
            self._add(name, path, data)
        for name, path in stylesheets:
            data = self._rewrite(name, path.read_text('utf-8'))
            self._add(name, data, data)

    def _add(self, name, content, data):
        public = fingerprinted(name, data)
        self.names[name] = public
        ext = posixpath.splitext(name)[1].lower()
        kind = TYPES.get(ext) or mimetypes.guess_type(name)[0] or (
            'application/octet-stream')
        self.files[public] = (content, kind)

    def _rewrite(self, name, text):
        folder = posixpath.dirname(name)

        def replace(match):
            target = match.group(2).strip()
            if ':' in target or target.startswith('#'):
                return match.group(0)
            target = target.split('?')[0].split('#')[0]
            logical = posixpath.normpath(posixpath.join(folder, target))
            if logical in self.names:
                return 'url(%s%s)' % (PREFIX, self.names[logical])
            return match.group(0)
        return _URL.sub(replace, text).encode('utf-8')

    def url(self, name):
        "The address of the logical file name; KeyError if there is none"
        return PREFIX + self.names[name]

    def get(self, public):
        "(bytes, content type) of a fingerprinted name, or None"
        found = self.files.get(public)
        if found is None:
            return None
        content, kind = found
        if isinstance(content, Path):
            content = content.read_bytes()
        return content, kind
