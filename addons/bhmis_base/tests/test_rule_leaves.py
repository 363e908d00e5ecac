# SPDX-License-Identifier: GPL-3.0-or-later
"""Reading back the scope rules that bhmis_base.scope writes (the access
table and the authorization tests do): their leaves, without a database."""
import json

from trytond.pyson import Eval, If, PYSONEncoder

from bhmis_base.scope import rule_leaves


def decoded(domain):
    return json.loads(PYSONEncoder(sort_keys=True).encode(domain))


def test_leaves_of_nested_and_or():
    domain = decoded(['OR',
            ('facility', 'in', Eval('facilities', [])),
            [('facility', '=', None), ('district', 'in',
                    Eval('districts', []))]])
    leaves = rule_leaves(domain)
    assert [leaf[:2] for leaf in leaves] == [['facility', 'in'],
        ['facility', '='], ['district', 'in']]
    assert leaves[1][2] is None
    assert leaves[2][2]['v'] == 'districts'


def test_leaf_through_a_reference_keeps_its_model():
    leaves = rule_leaves(decoded([('shipment.to_location.facility', 'in',
                    Eval('facilities', []), 'stock.shipment.internal')]))
    assert leaves == [['shipment.to_location.facility', 'in',
            {'__class__': 'Eval', 'v': 'facilities', 'd': []},
            'stock.shipment.internal']]


def test_unrestricted_branch_left_out():
    "If(unrestricted, [], clause): only the clause's leaves"
    domain = decoded(If(Eval('bhmis_unrestricted', False), [],
            [('facility', 'in', Eval('facilities', []))]))
    assert [leaf[0] for leaf in rule_leaves(domain)] == ['facility']


def test_found_list_extended():
    found = [['x', '=', 1]]
    assert rule_leaves(decoded([('y', '=', 2)]), found) is found
    assert [leaf[0] for leaf in found] == ['x', 'y']
