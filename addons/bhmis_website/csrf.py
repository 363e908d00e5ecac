# SPDX-License-Identifier: GPL-3.0-or-later
"""Tokens against cross-site request forgery, as a double submit: a random
token in a SameSite=Strict, HttpOnly cookie and the same token in a hidden
field of each form.  Another site can make the browser post a form here
but can neither read the cookie nor set it, so it cannot put the token
in the form."""
import hmac
import re
import secrets

COOKIE = 'bhmis_csrf'
FIELD = 'csrf_token'
_TOKEN = re.compile(r'^[A-Za-z0-9_-]{32,64}$')


def new_token():
    return secrets.token_urlsafe(32)


def valid_token(value):
    return isinstance(value, str) and bool(_TOKEN.match(value))


def token_of(cookies):
    "The visitor's token from their cookies, or None"
    value = cookies.get(COOKIE)
    return value if valid_token(value) else None


def check(cookie_token, form_token):
    "Tell whether the form's token is the cookie's"
    if not valid_token(cookie_token) or not valid_token(form_token):
        return False
    return hmac.compare_digest(cookie_token, form_token)


def cookie_header(token, secure=False):
    "The Set-Cookie header's value keeping token for the visitor"
    return '%s=%s; Path=/; HttpOnly; SameSite=Strict%s' % (
        COOKIE, token, '; Secure' if secure else '')
