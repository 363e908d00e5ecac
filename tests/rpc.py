# SPDX-License-Identifier: GPL-3.0-or-later
"""A small JSON-RPC client for Tryton, as sao talks to it."""
import base64
import json
import urllib.error
import urllib.request


class RPCError(Exception):
    def __init__(self, status, body):
        self.status, self.body = status, body
        super().__init__("HTTP %s: %s" % (status, body[:500]))


class RPC:
    timeout = 60

    def __init__(self, base_url, db):
        self.base_url, self.db = base_url, db
        self.session = None
        self.context = {}

    def call(self, method, *params):
        request = urllib.request.Request(
            '%s/%s/rpc/' % (self.base_url, self.db),
            data=json.dumps({'method': method, 'params': params}).encode(),
            headers={'Content-Type': 'application/json'})
        if self.session:
            request.add_header('Authorization', 'Session ' + base64.b64encode(
                    ('%s:%s:%s' % self.session).encode()).decode())
        try:
            with urllib.request.urlopen(
                    request, timeout=self.timeout) as response:
                return json.load(response)
        except urllib.error.HTTPError as error:
            raise RPCError(error.code, error.read().decode(errors='replace'))

    def login(self, login, password, language='en'):
        user_id, key, *_ = self.call(
            'common.db.login', login, {'password': password}, language)
        self.session = (login, user_id, key)
        self.context = self.call('model.res.user.get_preferences', True, {})
        return self

    def model(self, model, method, *args):
        return self.call('model.%s.%s' % (model, method), *args, self.context)
