# SPDX-License-Identifier: GPL-3.0-or-later
"""Problems of an imported file in the user's language.

tabular.Problem carries a code and parameters; the texts are the
msg_problem_<code> messages of its module (bhmis_base unless a module
subclasses Problem), translated like every other message.
"""
from trytond.i18n import gettext


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
