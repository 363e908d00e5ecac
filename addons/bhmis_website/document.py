# SPDX-License-Identifier: GPL-3.0-or-later
"""A downloadable document (policy, notification, tender) on a page or a
news item: a PDF, checked by its content, not its name."""
from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, fields

from bhmis_base.guard import GuardedMixin

from .exceptions import DocumentError

MAX_SIZE = 10 * 1024 * 1024


def check_pdf(data):
    "The problem of data as a PDF (a message id), or None"
    if not data:
        return 'msg_document_empty'
    if len(data) > MAX_SIZE:
        return 'msg_document_too_large'
    if not bytes(data[:1024]).lstrip().startswith(b'%PDF-'):
        return 'msg_document_not_pdf'
    if b'%%EOF' not in bytes(data[-2048:]):
        return 'msg_document_damaged'
    return None


class Document(GuardedMixin, ModelSQL, ModelView):
    "Web Document"
    __name__ = 'bhmis.web.document'
    title = fields.Char("Title", required=True, translate=True, size=200)
    file_name = fields.Char("File Name", required=True, size=120)
    # In the database, not the file store: a document is small and
    # copied with the database (backups, test copies)
    data = fields.Binary("File", required=True, filename='file_name')
    page = fields.Many2One('bhmis.web.page', "Page", ondelete='CASCADE')
    news = fields.Many2One('bhmis.web.news', "News", ondelete='CASCADE')

    @classmethod
    def validate_fields(cls, documents, field_names):
        super().validate_fields(documents, field_names)
        if field_names and not field_names & {'data', 'file_name'}:
            return
        for document in documents:
            problem = check_pdf(document.data)
            if problem:
                raise DocumentError(gettext('bhmis_website.' + problem,
                        document=document.title))

    def public_name(self):
        name = ''.join(c if c.isalnum() or c in '-_.' else '-'
            for c in (self.file_name or 'document'))
        return name if name.lower().endswith('.pdf') else name + '.pdf'
