# SPDX-License-Identifier: GPL-3.0-or-later
"""SMS to the citizen through the HTTP gateway, against a real HTTP server
in a thread: the acknowledgement in the citizen's language, status changes
and the feedback request; queued, kept pending while the gateway is down,
retried, sent once."""
import datetime as dt
import threading
import urllib.parse
from http.server import ThreadingHTTPServer
from pathlib import Path

from trytond import config
from trytond.model.exceptions import AccessError
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction

from bhmis_base.tests.tools import DBTestCase, as_user
from bhmis_complaints import notification
from bhmis_complaints.exceptions import ComplaintError
from bhmis_complaints.gateway import SECTION
from bhmis_complaints.tests.test_gateway import Provider
from bhmis_complaints.tests.tools import FILED, at, file, setup_offices

DAY = dt.timedelta(days=1)
HOUR = dt.timedelta(hours=1)
MINUTE = dt.timedelta(minutes=1)



def clear_config_cache():
    for getter in [config.get, config.getint, config.getfloat,
            config.getboolean]:
        getter.cache_clear()


def test_retry_delay_doubles_up_to_two_hours():
    delays = [notification.retry_delay(n) for n in range(1, 10)]
    assert [d.total_seconds() / 60 for d in delays] == [
        1, 2, 4, 8, 16, 32, 64, 120, 120]


def test_shorten():
    assert notification.shorten("  a\n b  ") == "a b"
    assert notification.shorten(None) == ""
    assert notification.shorten("x" * 400) == "x" * 299 + "…"


class NotificationTestCase(DBTestCase):
    "Notifications of bhmis_complaints on the database"
    module = 'bhmis_complaints'

    def setUp(self):
        super().setUp()
        self.provider = ThreadingHTTPServer(('127.0.0.1', 0), Provider)
        self.provider.received, self.provider.status = [], 200
        self.provider.delay = 0
        self.provider.daemon_threads = True
        thread = threading.Thread(target=self.provider.serve_forever,
            kwargs={'poll_interval': 0.02}, daemon=True)
        thread.start()
        self.addCleanup(self.provider.server_close)
        self.addCleanup(self.provider.shutdown)
        if not config.has_section(SECTION):
            config.add_section(SECTION)
        config.set(SECTION, 'sms_gateway', 'http')
        config.set(SECTION, 'sms_url', 'http://127.0.0.1:%s/send?to={phone}'
            '&text={text}' % self.provider.server_address[1])
        config.set(SECTION, 'sms_timeout', '2')
        clear_config_cache()
        self.addCleanup(clear_config_cache)
        self.addCleanup(config.remove_section, SECTION)

    def sent(self):
        "The (phone, text) the provider received"
        result = []
        for request in self.provider.received:
            query = urllib.parse.parse_qs(
                urllib.parse.urlsplit(request['path']).query)
            result.append((query['to'][0], query['text'][0]))
        return result

    def queued(self):
        Queue = Pool().get('ir.queue')
        return Queue.search([('name', '=', notification.QUEUE)],
            order=[('id', 'ASC')])

    @with_transaction()
    def test_acknowledgement_queued_then_sent_once(self):
        "The tracking number by SMS, in Urdu, sent by the queue once"
        Message = Pool().get('bhmis.complaint.message')
        setup_offices()
        complaint = file()
        message, = complaint.messages
        self.assertEqual((message.kind, message.state, message.attempts),
            ('acknowledgement', 'pending', 0))
        self.assertIn(complaint.tracking_number, message.text)
        task, = self.queued()
        self.assertEqual((task.data['model'], task.data['method'],
                task.data['instances']),
            ('bhmis.complaint.message', 'send', (message.id,)))
        self.assertEqual(self.sent(), [], "nothing before the commit")

        # What trytond-worker runs
        with at(FILED + MINUTE):
            task.run()
        message = Message(message.id)
        self.assertEqual((message.state, message.attempts, message.sent_at),
            ('sent', 1, FILED + MINUTE))
        (phone, text), = self.sent()
        self.assertEqual((phone, text), ('+923001234567', message.text))

        # Running the task again, or the job, sends nothing more
        task.run()
        Message.send_pending()
        self.assertEqual(len(self.provider.received), 1)

    @with_transaction()
    def test_language_anonymous_and_english(self):
        pool = Pool()
        Translation = pool.get('ir.translation')
        Translation.translation_import('ur', 'bhmis_complaints', [
                str(Path(__file__).parent.parent / 'locale' / 'ur.po')])
        setup_offices()
        urdu = file()
        english = file(language='en')
        anonymous = file(anonymous=True)
        self.assertIn("ٹریکنگ نمبر", urdu.messages[0].text)
        self.assertIn(urdu.tracking_number, urdu.messages[0].text)
        self.assertTrue(english.messages[0].text.startswith(
                "1129: your complaint is registered"))
        self.assertEqual(anonymous.messages, (),
            msg="no phone, no message")

    @with_transaction()
    def test_gateway_down_pending_retried_sent_once(self):
        "Down: pending with its attempt; back up: sent by the retry, once"
        Message = Pool().get('bhmis.complaint.message')
        setup_offices()
        complaint = file()
        message, = complaint.messages
        self.provider.status = 503
        with at(FILED):
            Message.send([message])
        message = Message(message.id)
        self.assertEqual(
            (message.state, message.attempts, message.next_attempt_at),
            ('pending', 1, FILED + MINUTE))
        self.assertIn("503", message.last_error)
        retry = self.queued()[-1]
        self.assertEqual(retry.data['instances'], (message.id,))
        self.assertIsNotNone(retry.scheduled_at, "queued for later")

        # Down again: the next attempt waits twice as long
        with at(FILED + MINUTE):
            self.assertEqual(Message.send_pending(), [message])
        message = Message(message.id)
        self.assertEqual((message.attempts, message.next_attempt_at),
            (2, FILED + 3 * MINUTE))
        with at(FILED + 2 * MINUTE):
            self.assertEqual(Message.send_pending(), [],
                msg="not due yet")

        # Back up
        self.provider.status = 200
        with at(FILED + 3 * MINUTE):
            retry.run()
        message = Message(message.id)
        self.assertEqual((message.state, message.attempts, message.sent_at),
            ('sent', 3, FILED + 3 * MINUTE))
        with at(FILED + 4 * MINUTE):
            self.assertEqual(Message.send_pending(), [])
            Message.send([message])
        self.assertEqual(len(self.sent()), 3,
            msg="two refused by the gateway, one delivered, no more")

    @with_transaction()
    def test_unreachable_gives_up_after_max_attempts(self):
        Message = Pool().get('bhmis.complaint.message')
        setup_offices()
        complaint = file()
        message, = complaint.messages
        self.provider.shutdown()
        self.provider.server_close()
        when = FILED
        for attempt in range(notification.MAX_ATTEMPTS):
            with at(when):
                Message.send([message])
            when += notification.retry_delay(attempt + 1)
        message = Message(message.id)
        self.assertEqual((message.state, message.attempts),
            ('failed', notification.MAX_ATTEMPTS))
        self.assertIn("unreachable", message.last_error)
        with at(when):
            self.assertEqual(Message.send_pending(), [])

    @with_transaction()
    def test_status_changes_and_feedback_request(self):
        "Told of work starting, waiting, resolution; not of every step"
        Complaint = Pool().get('bhmis.complaint')
        offices = setup_offices()
        complaint = file(language='en')
        with as_user(offices['dho']), at(FILED + HOUR):
            Complaint.assign([complaint])
        with as_user(offices['focal']), at(FILED + 2 * HOUR):
            Complaint.start([complaint])
            Complaint.write([complaint], {
                    'public_reply': "The attendance register is checked."})
            Complaint.resolve([complaint])
        complaint = Complaint(complaint.id)
        self.assertEqual(
            [m.kind for m in sorted(complaint.messages, key=lambda m: m.id)],
            ['acknowledgement', 'status', 'feedback_request'])
        status, feedback = sorted(complaint.messages,
            key=lambda m: m.id)[1:]
        self.assertIn("In Progress", status.text)
        self.assertIn("The attendance register is checked.", feedback.text)
        self.assertIn("1 to 5", feedback.text)
        # A failed step writes no message
        with self.assertRaises(ComplaintError):
            with at(FILED + 3 * HOUR):
                Complaint.start([complaint])
        self.assertEqual(len(Complaint(complaint.id).messages), 3)

    @with_transaction()
    def test_messages_read_in_scope_never_written(self):
        Message = Pool().get('bhmis.complaint.message')
        offices = setup_offices()
        complaint = file()
        pishin = file(facility_code='P-BHU')
        message, = complaint.messages
        with as_user(offices['focal']):
            self.assertEqual(Message.search([]), [message])
            with self.assertRaises(AccessError):
                Message.read([pishin.messages[0].id], ['text'])
            with self.assertRaises(AccessError):
                Message.write([message], {'state': 'sent'})
            with self.assertRaises(AccessError):
                Message.create([{'complaint': complaint.id, 'key': 'x',
                            'kind': 'status', 'text': "Pay 500 rupees"}])
        with as_user(offices['cell']):
            with self.assertRaises(AccessError):
                Message.write([message], {'state': 'sent'})
        with as_user(offices['hr']):
            with self.assertRaises(AccessError):
                Message.search([])
        self.assertEqual(Message(message.id).state, 'pending')

    @with_transaction()
    def test_phone_keyed_in_is_normalised_or_refused(self):
        "The cell keys in the number as said; a landline is refused"
        Complaint = Pool().get('bhmis.complaint')
        offices = setup_offices()
        complaint = file(phone=None, callback_consent=False)
        self.assertEqual(complaint.messages, ())
        with as_user(offices['cell']):
            Complaint.write([complaint], {'phone': '0333 123 4567'})
            with self.assertRaises(ComplaintError) as refused:
                Complaint.write([complaint], {'phone': '081-2836471'})
            self.assertIn("081-2836471", str(refused.exception))
        self.assertEqual(Complaint(complaint.id).phone, '+923331234567')

