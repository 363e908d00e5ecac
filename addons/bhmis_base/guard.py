# SPDX-License-Identifier: GPL-3.0-or-later
"""What the server enforces on a user's own create and write, whatever the
client: Tryton checks read-only fields in its clients only.

A create or write is the user's own when it comes from outside (RPC, with
access checks on); buttons and workflow transitions run without access
checks and may set what they own.  For those calls:

- a field read-only in its definition (the workflow state, a derived
  figure, who approved) is never given;
- a field read-only by its states (the employee of a check-in no longer
  pending review, the lines of an approved order) is not changed;
- every record a relational field points to must be one the user may read:
  nobody files an order for an employee, a machine or a store they cannot
  see.
"""
from trytond.i18n import gettext
from trytond.model import fields
from trytond.model.modelstorage import _record_eval_pyson
from trytond.pool import Pool
from trytond.pyson import PYSONEncoder
from trytond.transaction import Transaction, check_access

from .exceptions import (
    ReadonlyFieldError,
    SecretFieldError,
    UnreadableTargetError,
)

_encoder = PYSONEncoder()


def external_call():
    "Whether the current create or write is the user's own"
    transaction = Transaction()
    return bool(transaction.user and transaction.check_access)


def _target_ids(field, value):
    "Return the ids a value of a relational field points to"
    if isinstance(field, fields.Many2One):
        return [int(value)] if value is not None and int(value) >= 0 else []
    if isinstance(field, fields.Reference):
        if isinstance(value, str) and ',' in value:
            model, id_ = value.split(',', 1)
            try:
                return [(model, int(id_))]
            except ValueError:
                return []
        return []
    if isinstance(field, fields.Many2Many) and isinstance(value, list):
        ids = []
        for action in value:
            if action and action[0] in {'add', 'set'}:
                ids.extend(int(i) for i in action[1])
        return ids
    return []


def _domain_fields(domain):
    "Yield the first field name of every leaf of domain"
    if not isinstance(domain, (list, tuple)) or not domain:
        return
    if isinstance(domain[0], str) and domain[0] not in {'AND', 'OR'}:
        yield domain[0].split('.', 1)[0]
        return
    for clause in domain:
        if isinstance(clause, (list, tuple)):
            yield from _domain_fields(clause)


def check_secret_search(Model, domain, order, secrets):
    "Refuse a search or an order on the secret fields of Model"
    names = set(_domain_fields(domain))
    names.update(o[0].split('.', 1)[0] for o in order or ()
        if o and isinstance(o[0], str))
    for name in sorted(names & set(secrets)):
        raise SecretFieldError(gettext('bhmis_base.msg_field_secret',
                field=Model._fields[name].string,
                model=Model.__names__()['model']))


_REVERSE = {}


def _reverse_fields(model_name):
    "Names of the fields of model_name that One2Many fields link through"
    pool = Pool()
    key = (pool.database_name, model_name, id(pool.get(model_name)))
    if key not in _REVERSE:
        names = set()
        for _, Model in pool.iterobject():
            for field in getattr(Model, '_fields', {}).values():
                if (isinstance(field, fields.One2Many)
                        and field.model_name == model_name):
                    names.add(field.field)
        _REVERSE[key] = names
    return _REVERSE[key]


def wrap_outermost(owner, name, check):
    """Make the classmethod name of the pool class owner run check(cls,
    *args) first, on the user's own calls.

    Tryton builds a pool class per module that extends the model and sets
    up each of them: every one gets its wrapper, but only the wrapper of
    the class called (the last, complete one) checks; each passes on along
    the MRO, so the model's overrides run on the complete class."""
    def wrapper(cls, *args, **kwargs):
        if cls is owner and external_call():
            check(cls, *args, **kwargs)
        return getattr(super(owner, cls), name)(*args, **kwargs)
    wrapper.__name__ = name
    setattr(owner, name, classmethod(wrapper))


class GuardedMixin:
    """Enforce read-only fields and readable targets on the user's own
    create and write.

    The checks wrap the model's final create and write (in __post_setup__),
    so that they see what the caller gave, before any override of the
    model adds its own values."""
    __slots__ = ()

    @classmethod
    def __post_setup__(cls):
        super().__post_setup__()

        def create(cls, vlist):
            cls._guard_values(list(vlist), records=None, create=True)

        def write(cls, *args):
            actions = iter(args)
            for records, values in zip(actions, actions):
                cls._guard_readable(records)
                cls._guard_values([values], records=records)

        def delete(cls, records):
            cls._guard_readable(records)
        wrap_outermost(cls, 'create', create)
        wrap_outermost(cls, 'write', write)
        wrap_outermost(cls, 'delete', delete)

    @classmethod
    def _guard_readable(cls, records):
        """Refuse records the user cannot read before any check of the
        model names them (a state check would tell another district's
        names to whoever guesses ids)"""
        ids = [r.id for r in records if r.id is not None and r.id >= 0]
        if ids and not cls._is_table_query():
            with check_access():
                cls.read(ids, ['id'])

    @classmethod
    def _guard_readonly_fields(cls, create=False):
        """Names of the fields a user never gives (on create, but the link
        to the parent that a One2Many of the parent fills)"""
        names = {name for name, field in cls._fields.items()
            if field.readonly and not isinstance(field, fields.One2Many)}
        if create:
            names -= _reverse_fields(cls.__name__)
        return names

    @classmethod
    def _guard_values(cls, values_list, records=None, create=False):
        readonly = cls._guard_readonly_fields(create=create)
        for values in values_list:
            for name in sorted(values.keys() & readonly):
                cls._guard_refuse(name)
            if records:
                cls._guard_check_states(records, values)
        cls._guard_check_targets(values_list)

    @classmethod
    def _guard_check_targets(cls, values_list):
        pool = Pool()
        targets = {}
        for values in values_list:
            for name, value in values.items():
                field = cls._fields.get(name)
                if field is None or value is None:
                    continue
                if isinstance(field, fields.Reference):
                    for model, id_ in _target_ids(field, value):
                        targets.setdefault((model, name), set()).add(id_)
                    continue
                if isinstance(field, fields.Many2Many):
                    target = field.get_target().__name__
                elif isinstance(field, fields.Many2One):
                    target = field.model_name
                else:
                    continue
                ids = _target_ids(field, value)
                if ids:
                    targets.setdefault((target, name), set()).update(ids)
        for (model_name, name), ids in targets.items():
            Target = pool.get(model_name)
            if not hasattr(Target, 'search'):
                continue
            ids = sorted(ids)
            with check_access():
                found = {r.id for r in Target.search(
                        [('id', 'in', ids)], order=[])}
            missing = [i for i in ids if i not in found]
            if missing:
                raise UnreadableTargetError(gettext(
                        'bhmis_base.msg_target_unreadable',
                        field=cls._fields[name].string,
                        model=cls.__names__()['model']))

    @classmethod
    def _guard_refuse(cls, name):
        raise ReadonlyFieldError(gettext(
                'bhmis_base.msg_field_readonly',
                field=cls._fields[name].string,
                model=cls.__names__()['model']))

    @classmethod
    def _guard_check_states(cls, records, values):
        "Refuse changing a field that its states make read-only"
        for name, value in values.items():
            field = cls._fields.get(name)
            readonly = field.states.get('readonly') if field else None
            if readonly is None or isinstance(field, fields.One2Many):
                continue
            encoded = _encoder.encode(readonly)
            for record in records:
                if not _record_eval_pyson(record, encoded, encoded=True):
                    continue
                current = getattr(record, name)
                if isinstance(current, (list, tuple)) or (
                        _comparable(current) != _comparable(value)):
                    cls._guard_refuse(name)


def _comparable(value):
    "The id of a record, else the value"
    return getattr(value, 'id', value)
