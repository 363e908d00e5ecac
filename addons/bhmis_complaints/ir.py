# SPDX-License-Identifier: GPL-3.0-or-later
"""The complaint cell's jobs, its rule context, and the checks of the
attachments of complaints."""
from trytond.i18n import gettext
from trytond.pool import Pool, PoolMeta
from trytond.transaction import without_check_access

from . import attachments
from .exceptions import AttachmentError
from .scope import is_cell_user

# attachments.Refused codes, told in the user's language
REFUSALS = {
    'empty': 'bhmis_complaints.msg_attachment_empty',
    'too_large': 'bhmis_complaints.msg_attachment_too_big',
    'type': 'bhmis_complaints.msg_attachment_type',
    'damaged': 'bhmis_complaints.msg_attachment_damaged',
    }


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.extend([
                ('bhmis.complaint|escalate', "Escalate Overdue Complaints"),
                ('bhmis.complaint|close_without_feedback',
                    "Close Resolved Complaints Without Feedback"),
                ('bhmis.complaint.message|send_pending',
                    "Send Pending Complaint Messages"),
                ])


class Rule(metaclass=PoolMeta):
    __name__ = 'ir.rule'

    @classmethod
    def _get_context(cls, model_name):
        context = super()._get_context(model_name)
        context['bhmis_complaint_cell'] = is_cell_user()
        return context


class Attachment(metaclass=PoolMeta):
    __name__ = 'ir.attachment'

    @classmethod
    def validate(cls, records):
        super().validate(records)
        on_complaints = [a for a in records
            if a.resource and a.resource.__name__ == 'bhmis.complaint']
        if on_complaints:
            cls.check_complaint_attachments(on_complaints)

    @classmethod
    def check_complaint_attachments(cls, records):
        """At most MAX_FILES files per complaint, each a JPEG, PNG or PDF
        by its content and not above MAX_SIZE"""
        complaints = set()
        for record in records:
            name = record.name
            complaint = record.resource.tracking_number
            data = record.data or b''
            if record.type != 'data':
                raise AttachmentError(gettext(
                        'bhmis_complaints.msg_attachment_link',
                        name=name, complaint=complaint))
            if len(data) > attachments.MAX_SIZE:
                raise AttachmentError(gettext(
                        'bhmis_complaints.msg_attachment_too_big',
                        name=name, complaint=complaint,
                        size=attachments.MAX_SIZE // (1024 * 1024)))
            try:
                attachments.sniff(bytes(data))
            except attachments.Refused as refused:
                raise AttachmentError(gettext(
                        REFUSALS.get(refused.code,
                            'bhmis_complaints.msg_attachment_type'),
                        name=name, complaint=complaint)) from refused
            complaints.add(str(record.resource))
        with without_check_access():
            for resource in complaints:
                count = cls.search_count([('resource', '=', resource)])
                if count > attachments.MAX_FILES:
                    raise AttachmentError(gettext(
                            'bhmis_complaints.msg_attachment_too_many',
                            complaint=Pool().get('bhmis.complaint')(
                                int(resource.split(',')[1])).tracking_number,
                            max=attachments.MAX_FILES))
