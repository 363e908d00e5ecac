# SPDX-License-Identifier: GPL-3.0-or-later
"""Filing and tracking a complaint on the public site, without JavaScript:
the form's three steps (what and where; details and an optional photo;
optional contact), then the tracking number; the tracking page with the
status, dates, public replies and the rating once resolved.

The fields are checked by the complaints API's own rules
(bhmis_complaints.intake) and the complaint is filed by the model's
classmethods (file_public, public_status, give_feedback), so a refusal
here is the API's refusal, shown beside the field in the visitor's
language, and nothing is written."""
import time

from trytond.exceptions import UserError
from trytond.transaction import Transaction

from bhmis_attendance.ratelimit import RateLimiter
from bhmis_complaints import attachments, intake, tracking
from bhmis_complaints.exceptions import ComplaintInputError, FeedbackRefused

from . import site as site_
from .publishing import date_text
from .routing import route

# Three photos of 5 MiB and the form's fields
MAX_BODY = attachments.MAX_FILES * attachments.MAX_SIZE + 256 * 1024
# A form of more facilities than this lists a district's only
FACILITIES_ALL = 300
FORM_FIELDS = ('category', 'district', 'facility', 'description',
    'incident_at', 'employee_name', 'name', 'phone', 'cnic')
STATES = {
    'new': "Received",
    'acknowledged': "Acknowledged",
    'assigned': "Assigned to an officer",
    'in_progress': "In progress",
    'waiting': "Waiting for your answer",
    'resolved': "Resolved",
    'closed': "Closed",
    'reopened': "Reopened",
    'rejected': "Rejected",
    }
lookups = RateLimiter(rate=site_.per_minute('lookup_rate', 60))


def _choices(page, district_code):
    "Categories, districts and facilities for the form, in the language"
    def read(pool):
        Category = pool.get('bhmis.complaint.category')
        District = pool.get('bhmis.district')
        Facility = pool.get('bhmis.facility')
        categories = [(c.code, c.name) for c in Category.search([],
                order=[('id', 'ASC')]) if c.code in intake.CATEGORIES]
        districts = [(d.code, d.name) for d in District.search([],
                order=[('name', 'ASC')])]
        domain = []
        if district_code:
            domain = [('district.code', '=', district_code)]
        elif Facility.search_count([]) > FACILITIES_ALL:
            return categories, districts, None
        groups = {}
        for facility in Facility.search(domain,
                order=[('district.name', 'ASC'), ('name', 'ASC')]):
            groups.setdefault(facility.district.name if facility.district
                else '', []).append((facility.code, facility.name))
        return categories, districts, sorted(groups.items())
    return page.run(read)


def _form(page, values=None, errors=None, status=200):
    values = values or {}
    district = values.get('district') or page.request.args.get('district')
    if district and not intake.CODE.match(district):
        district = None
    if not values and page.request.args.get('facility'):
        values = {'facility': page.request.args['facility'][:64]}
    categories, districts, facilities = _choices(page, district)
    page.status = status
    return page.render('complaint_new.html',
        title=page._('File a complaint'), values=values,
        errors=errors or {}, categories=categories, districts=districts,
        facilities=facilities, district=district,
        max_files=attachments.MAX_FILES,
        max_mb=attachments.MAX_SIZE // (1024 * 1024))


@route('/complaints/new', methods=('GET', 'POST'), max_body=MAX_BODY)
def complaint_new(page):
    if page.request.method != 'POST':
        return _form(page)
    form = page.request.form
    payload = {name: form.get(name, '') for name in FORM_FIELDS}
    for name in FORM_FIELDS:
        if '\ufffd' in payload[name]:
            return _form(page, payload, {name: intake.message('utf8',
                        page.language)}, 400)
    payload['anonymous'] = 'anonymous' in form
    payload['callback_consent'] = 'callback_consent' in form
    payload['language'] = page.language
    files = [(f.filename or '', f.stream.read(attachments.MAX_SIZE + 1))
        for f in page.request.files.getlist('attachments') if f.filename]
    values, errors = intake.validate(payload, files, page.language)
    if errors:
        return _form(page, payload, errors, 400)

    def file(pool):
        Complaint = pool.get('bhmis.complaint')
        try:
            return Complaint.file_public(values).tracking_number
        except ComplaintInputError as error:
            Transaction().rollback()
            return error.errors or {'request': error.message}
        except UserError as error:
            Transaction().rollback()
            return {'request': error.message}
    result = page.run(file, readonly=False)
    if isinstance(result, dict):
        return _form(page, payload, result, 400)
    # Committed: the number is safe to give (and a reload files nothing)
    return page.redirect(page.url('/complaints/filed?number=%s' % result))


@route('/complaints/filed')
def complaint_filed(page):
    number = page.request.args.get('number', '')
    try:
        number = tracking.parse(number)
    except tracking.InvalidNumber:
        return page.redirect(page.url('/complaints/track'))
    return page.render('complaint_filed.html',
        title=page._('Your complaint is registered'), number=number)


def _status(page, number):
    def read(pool):
        Complaint = pool.get('bhmis.complaint')
        Category = pool.get('bhmis.complaint.category')
        Facility = pool.get('bhmis.facility')
        District = pool.get('bhmis.district')
        status = Complaint.public_status(number)
        if status is None:
            return None

        def name(Model, code):
            found = Model.search([('code', '=', code)], limit=1) if code \
                else []
            return found[0].name if found else None
        status['category_name'] = name(Category, status['category'])
        status['facility_name'] = name(Facility, status['facility'])
        status['district_name'] = name(District, status['district'])
        return status
    return page.run(read)


def _when(value, language):
    "An API time (ISO, UTC) as the page writes it"
    import datetime as dt
    if not value:
        return ''
    at = dt.datetime.fromisoformat(value.rstrip('Z'))
    at = at + intake.PKT.utcoffset(None)
    return '%s %s' % (date_text(at.date(), language), at.strftime('%H:%M'))


def _track(page, number_text, feedback_errors=None, status=200):
    _ = page._
    found, problem = None, None
    if number_text:
        started = time.monotonic()
        if not lookups.allow(page.request.remote_addr):
            page.status = 429
            return page.render('error.html', code=429)
        try:
            number = tracking.parse(number_text)
        except tracking.InvalidNumber:
            number = None
        if number:
            found = _status(page, number)
        # Found, unknown or mistyped: the same time to answer (as the API)
        time.sleep(max(0, started + 0.15 - time.monotonic()))
        if found is None:
            problem = intake.message('not_found', page.language)
            status = 404
    if found:
        found['state_label'] = _(STATES.get(found['status'],
                found['status']))
        found['filed_text'] = _when(found['filed_at'], page.language)
        found['resolve_by_text'] = _when(found['resolve_by'], page.language)
        for step in found['history']:
            step['at_text'] = _when(step['at'], page.language)
            step['state_label'] = _(STATES.get(step['status'],
                    step['status']))
    page.status = status
    return page.render('complaint_track.html',
        title=_('Track a complaint'), number=number_text or '',
        found=found, problem=problem,
        feedback_errors=feedback_errors or {},
        rated=page.request.args.get('rated') == '1')


@route('/complaints/track')
def complaint_track(page):
    return _track(page, (page.request.args.get('number') or '')[:40])


@route('/complaints/track/feedback', methods=('POST',))
def complaint_feedback(page):
    form = page.request.form
    number_text = (form.get('number') or '')[:40]
    try:
        number = tracking.parse(number_text)
    except tracking.InvalidNumber:
        return _track(page, number_text)
    values, errors = intake.validate_feedback({
            'satisfied': form.get('satisfied'),
            'rating': form.get('rating'),
            'comment': form.get('comment') or None,
            }, page.language)
    if errors:
        return _track(page, number, errors, 400)

    def rate(pool):
        Complaint = pool.get('bhmis.complaint')
        if Complaint.public_status(number) is None:
            return 'not_found'
        try:
            Complaint.give_feedback(number, values['satisfied'],
                values['rating'], values.get('comment'))
        except FeedbackRefused:
            Transaction().rollback()
            return 'feedback_refused'
        return None
    refused = page.run(rate, readonly=False)
    if refused:
        return _track(page, number, {'request': intake.message(refused,
                    page.language)}, 409 if refused != 'not_found' else 404)
    return page.redirect(page.url(
            '/complaints/track?number=%s&rated=1' % number))
