# SPDX-License-Identifier: GPL-3.0-or-later
"""Problems of an imported file in the user's language.

tabular.Problem carries a code and parameters; the texts are the
msg_problem_<code> messages of its module (bhmis_base unless a module
subclasses Problem), translated like every other message.
"""
from trytond.i18n import gettext


class ImportWizardMixin:
    """The transition and result of an import wizard: `_import` is the
    function importing (data, filename), `_done_message` the message id of
    its summary (with %(created)s and %(updated)s)."""
    __slots__ = ()
    _import = None
    _done_message = None

    def transition_import_(self):
        created, updated, warnings = type(self)._import(
            self.start.file, self.start.filename)
        lines = [gettext(self._done_message,
                created=created, updated=updated)]
        lines.extend(map(problem_text, warnings))
        self.result.summary = "\n".join(lines)
        return 'result'

    def default_result(self, fields):
        return {'summary': self.result.summary}


def problem_text(problem):
    params = {k: str(v) for k, v in problem.params.items()}
    message = gettext('%s.msg_problem_%s' % (
            problem.module, problem.code), **params)
    where = []
    if problem.row is not None:
        where.append(gettext('bhmis_base.msg_problem_row', row=problem.row))
    if problem.column:
        where.append(gettext(
                'bhmis_base.msg_problem_column', column=problem.column))
    if not where:
        return message
    return gettext('bhmis_base.msg_problem_at',
        where=", ".join(where), problem=message)
