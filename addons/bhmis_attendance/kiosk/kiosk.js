// SPDX-License-Identifier: GPL-3.0-or-later
/* The attendance kiosk of a facility (BHMIS).

A tablet at the entrance shows the camera and one big button. A press takes
a short burst of photos and posts them to the server, which finds the
employee and records the arrival or departure. Check-ins that cannot be sent
(no network, server down, too many requests) wait in IndexedDB and are sent
later in the order they were taken, each with its own event id, so that a
resend is never counted twice. The facility in-charge enrols staff faces
from the same page with their own BHMIS login.

Plain JavaScript for Chromium and Android's WebView: no build step, no
library; the server's Content-Security-Policy allows no inline script.
*/
'use strict';

(function () {

  // Every text of the page, in English and Urdu
  const STRINGS = {
    en: {
      language_name: 'English',
      language_switch: 'Language',
      page_title: 'Attendance',
      app_name: 'BHMIS Attendance',
      device_label: 'Device:',
      config_error: 'This page is not set up correctly: '
        + 'its settings are missing. Ask the BHMIS administrator.',
      setup_title: 'Set up this attendance kiosk',
      setup_intro: 'Enter the device key that the BHMIS administrator '
        + 'gave for this device.',
      setup_key_label: 'Device key',
      setup_save: 'Save',
      setup_empty: 'Enter the device key.',
      setup_refused: 'The device key was refused (wrong or revoked). '
        + 'Enter a valid device key.',
      camera_starting: 'Starting the camera…',
      camera_denied: 'The camera is not allowed. Allow the camera for this '
        + 'page in the browser settings.',
      camera_missing: 'No camera was found.',
      camera_busy: 'The camera is used by another application.',
      camera_insecure: 'The camera needs a secure (https) connection.',
      camera_error: 'The camera could not be started.',
      camera_retry: 'Try again',
      look_hint: 'Look at the camera, then press the button.',
      checkin: 'Check in / out',
      hold_still: 'Hold still and look at the camera…',
      blink: 'Please blink now',
      sending: 'Sending…',
      accepted_in: 'Arrival recorded',
      accepted_out: 'Departure recorded',
      type_in: 'In',
      type_out: 'Out',
      at_time: 'at {time}',
      review: 'Sent to the in-charge for review',
      review_detail: 'The facility in-charge will decide on this '
        + 'attendance.',
      rejected: 'Attendance not recorded',
      error: 'Error',
      queued: 'Saved offline; will be sent when the network is back',
      queued_detail: 'Check-ins waiting to be sent: {n}',
      queue_label: 'Waiting to be sent:',
      online: 'Online',
      offline: 'Offline',
      sent_later: 'Check-ins saved offline and now sent: {n}',
      try_again: 'Please try again.',
      // Reasons given by the server, and the page's own
      reason_no_face: 'No face was seen. Look straight at the camera.',
      reason_several_faces: 'More than one face was seen. '
        + 'One person at a time, please.',
      reason_unknown_face: 'The face was not recognised. If you are new '
        + 'here, ask the in-charge to enrol you.',
      reason_liveness_failed: 'Could not confirm a live person. '
        + 'Blink when asked and try again.',
      reason_outside_geofence: 'Outside the facility\'s area.',
      reason_face_too_small: 'The face is too small. '
        + 'Come closer to the camera.',
      reason_blurry: 'The photo is blurred. Hold still.',
      reason_too_dark: 'Too dark. Face the light.',
      reason_too_bright: 'Too bright. Move away from strong light.',
      reason_unauthorized: 'This device\'s key was refused.',
      reason_forbidden: 'Wrong login or password, or you are not the '
        + 'in-charge of this facility.',
      reason_unknown_employee: 'No employee of this facility has this '
        + 'personnel number.',
      reason_not_active: 'This employee is not in active service.',
      reason_duplicate_face: 'This face already matches another '
        + 'employee.',
      reason_bad_request: 'The request was not accepted.',
      reason_bad_image: 'The photo could not be read.',
      reason_empty_file: 'An empty photo was sent.',
      reason_future_timestamp: 'The device\'s clock is ahead. '
        + 'Set the correct date and time.',
      reason_too_large: 'The photos are too large.',
      reason_rate_limited: 'Too many attempts. Wait a moment.',
      reason_network: 'No network connection.',
      reason_server: 'The server did not answer correctly.',
      reason_capture: 'No photo could be taken from the camera.',
      reason_storage: 'The check-in could not be saved on this device.',
      reason_unknown: 'Something went wrong.',
      enrol_open: 'Enrol staff',
      enrol_title: 'Enrol a staff member\'s face',
      enrol_intro: 'For the facility in-charge: sign in with your own '
        + 'BHMIS login and password.',
      enrol_login: 'Your login',
      enrol_password: 'Your password',
      enrol_personnel: 'Employee\'s personnel number',
      enrol_photos_hint: 'Take 1 to 5 photos of the employee looking at '
        + 'the camera.',
      enrol_photo: 'Take photo',
      enrol_photo_count: 'Photos: {n} of {max}',
      enrol_photo_alt: 'Photo {n}',
      enrol_remove: 'Remove photo {n}',
      enrol_submit: 'Enrol',
      enrol_close: 'Back to attendance',
      enrol_missing: 'Fill in your login, your password and the '
        + 'personnel number, and take at least one photo.',
      enrol_sending: 'Enrolling…',
      enrolled: 'Enrolled: {name} ({number}), photos kept: {n}',
      enrol_failed: 'Not enrolled',
    },
    ur: {
      language_name: 'اردو',
      language_switch: 'زبان',
      page_title: 'حاضری',
      app_name: 'BHMIS حاضری',
      device_label: 'آلہ:',
      config_error: 'یہ صفحہ درست طور پر ترتیب نہیں دیا گیا: اس کی '
        + 'ترتیبات موجود نہیں۔ BHMIS ایڈمنسٹریٹر سے رابطہ کریں۔',
      setup_title: 'حاضری کیوسک کی ترتیب',
      setup_intro: 'BHMIS ایڈمنسٹریٹر کی طرف سے اس آلے کے لیے دی گئی '
        + 'کلید درج کریں۔',
      setup_key_label: 'آلے کی کلید',
      setup_save: 'محفوظ کریں',
      setup_empty: 'آلے کی کلید درج کریں۔',
      setup_refused: 'آلے کی کلید قبول نہیں کی گئی (غلط یا منسوخ شدہ)۔ '
        + 'درست کلید درج کریں۔',
      camera_starting: 'کیمرا شروع ہو رہا ہے…',
      camera_denied: 'کیمرے کی اجازت نہیں ہے۔ براؤزر کی سیٹنگز میں اس '
        + 'صفحے کے لیے کیمرے کی اجازت دیں۔',
      camera_missing: 'کوئی کیمرا نہیں ملا۔',
      camera_busy: 'کیمرا کسی دوسری ایپ کے استعمال میں ہے۔',
      camera_insecure: 'کیمرے کے لیے محفوظ (https) کنکشن ضروری ہے۔',
      camera_error: 'کیمرا شروع نہیں ہو سکا۔',
      camera_retry: 'دوبارہ کوشش کریں',
      look_hint: 'کیمرے کی طرف دیکھیں، پھر بٹن دبائیں۔',
      checkin: 'آمد / روانگی درج کریں',
      hold_still: 'حرکت نہ کریں اور کیمرے کی طرف دیکھیں…',
      blink: 'براہِ کرم اب پلکیں جھپکائیں',
      sending: 'بھیجا جا رہا ہے…',
      accepted_in: 'آمد درج ہو گئی',
      accepted_out: 'روانگی درج ہو گئی',
      type_in: 'آمد',
      type_out: 'روانگی',
      at_time: 'وقت: {time}',
      review: 'جائزے کے لیے انچارج کو بھیج دیا گیا',
      review_detail: 'اس حاضری کا فیصلہ مرکز کے انچارج کریں گے۔',
      rejected: 'حاضری درج نہیں ہوئی',
      error: 'خرابی',
      queued: 'آف لائن محفوظ کر لیا گیا؛ نیٹ ورک بحال ہونے پر بھیج دیا '
        + 'جائے گا',
      queued_detail: 'بھیجنے کی منتظر حاضریاں: {n}',
      queue_label: 'بھیجنے کی منتظر:',
      online: 'آن لائن',
      offline: 'آف لائن',
      sent_later: 'آف لائن محفوظ شدہ حاضریاں بھیج دی گئیں: {n}',
      try_again: 'براہِ کرم دوبارہ کوشش کریں۔',
      reason_no_face: 'کوئی چہرہ نظر نہیں آیا۔ سیدھا کیمرے کی طرف '
        + 'دیکھیں۔',
      reason_several_faces: 'ایک سے زیادہ چہرے نظر آئے۔ ایک وقت میں '
        + 'صرف ایک شخص۔',
      reason_unknown_face: 'چہرہ پہچانا نہیں جا سکا۔ اگر آپ یہاں نئے ہیں '
        + 'تو انچارج سے اپنا اندراج کروائیں۔',
      reason_liveness_failed: 'زندہ شخص کی تصدیق نہیں ہو سکی۔ کہنے پر '
        + 'پلکیں جھپکائیں اور دوبارہ کوشش کریں۔',
      reason_outside_geofence: 'آپ مرکز کے احاطے سے باہر ہیں۔',
      reason_face_too_small: 'چہرہ بہت چھوٹا ہے۔ کیمرے کے قریب آئیں۔',
      reason_blurry: 'تصویر دھندلی ہے۔ حرکت نہ کریں۔',
      reason_too_dark: 'بہت اندھیرا ہے۔ روشنی کی طرف رخ کریں۔',
      reason_too_bright: 'روشنی بہت تیز ہے۔ تیز روشنی سے ہٹ کر کھڑے '
        + 'ہوں۔',
      reason_unauthorized: 'اس آلے کی کلید قبول نہیں کی گئی۔',
      reason_forbidden: 'لاگ اِن یا پاس ورڈ غلط ہے، یا آپ اس مرکز کے '
        + 'انچارج نہیں ہیں۔',
      reason_unknown_employee: 'اس مرکز میں اس پرسنل نمبر کا کوئی ملازم '
        + 'نہیں ملا۔',
      reason_not_active: 'یہ ملازم فعال ملازمت میں نہیں ہے۔',
      reason_duplicate_face: 'یہ چہرہ پہلے ہی کسی دوسرے ملازم سے ملتا '
        + 'ہے۔',
      reason_bad_request: 'درخواست قبول نہیں ہوئی۔',
      reason_bad_image: 'تصویر پڑھی نہیں جا سکی۔',
      reason_empty_file: 'خالی تصویر بھیجی گئی۔',
      reason_future_timestamp: 'آلے کی گھڑی آگے ہے۔ درست تاریخ اور وقت '
        + 'مقرر کریں۔',
      reason_too_large: 'تصاویر بہت بڑی ہیں۔',
      reason_rate_limited: 'بہت زیادہ کوششیں۔ تھوڑا انتظار کریں۔',
      reason_network: 'نیٹ ورک کنکشن نہیں ہے۔',
      reason_server: 'سرور نے درست جواب نہیں دیا۔',
      reason_capture: 'کیمرے سے تصویر نہیں لی جا سکی۔',
      reason_storage: 'حاضری اس آلے پر محفوظ نہیں ہو سکی۔',
      reason_unknown: 'کچھ غلط ہو گیا۔',
      enrol_open: 'عملے کا اندراج',
      enrol_title: 'ملازم کے چہرے کا اندراج',
      enrol_intro: 'مرکز کے انچارج کے لیے: اپنے BHMIS لاگ اِن اور پاس '
        + 'ورڈ سے داخل ہوں۔',
      enrol_login: 'آپ کا لاگ اِن',
      enrol_password: 'آپ کا پاس ورڈ',
      enrol_personnel: 'ملازم کا پرسنل نمبر',
      enrol_photos_hint: 'کیمرے کی طرف دیکھتے ہوئے ملازم کی 1 سے 5 '
        + 'تصاویر لیں۔',
      enrol_photo: 'تصویر لیں',
      enrol_photo_count: 'تصاویر: {max} میں سے {n}',
      enrol_photo_alt: 'تصویر {n}',
      enrol_remove: 'تصویر {n} ہٹائیں',
      enrol_submit: 'اندراج کریں',
      enrol_close: 'حاضری پر واپس',
      enrol_missing: 'اپنا لاگ اِن، پاس ورڈ اور ملازم کا پرسنل نمبر درج '
        + 'کریں، اور کم از کم ایک تصویر لیں۔',
      enrol_sending: 'اندراج ہو رہا ہے…',
      enrolled: 'اندراج ہو گیا: {name} ({number})، محفوظ تصاویر: {n}',
      enrol_failed: 'اندراج نہیں ہوا',
    },
  };
  const LANGUAGES = ['en', 'ur'];
  const LOCALES = {en: 'en-GB', ur: 'ur-PK'};
  const LANGUAGE_KEY = 'bhmis-kiosk-language';

  const QUEUE_DB = 'bhmis-kiosk';
  const QUEUE_STORE = 'queue';
  const SYNC_EVERY_MS = 15000;
  const REQUEST_TIMEOUT_MS = 30000;
  const RESULT_MS = {accepted: 6000, review: 8000, queued: 6000,
    rejected: 8000, error: 10000};
  const NOTICE_MS = 8000;
  const MAX_WIDTH = 640;
  const JPEG_QUALITY = 0.85;
  const MAX_PHOTOS = 5;
  const ENROL_IDLE_MS = 180000;
  const BLINK_LEAD_MS = 500;
  const CHECKIN_ANSWERS = ['accepted', 'review', 'rejected'];

  const $ = (id) => document.getElementById(id);
  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

  // -- Settings and storage ------------------------------------------------

  function readConfig() {
    let config;
    try {
      config = JSON.parse($('kiosk-config').textContent);
    } catch (error) {
      return null;
    }
    if (!config || !config.database || !config.device
        || !config.checkin_url) {
      return null;
    }
    const burst = config.burst || {};
    config.burst = {
      frames: clamp(parseInt(burst.frames, 10) || 5, 1, 10),
      interval_ms: clamp(parseInt(burst.interval_ms, 10) || 120, 0, 2000),
    };
    config.facility = config.facility || {};
    config.liveness = Boolean(config.liveness);
    return config;
  }

  function clamp(value, low, high) {
    return Math.min(high, Math.max(low, value));
  }

  // localStorage may be refused (private mode, storage policy)
  const store = {
    get(name) {
      try {
        return window.localStorage.getItem(name);
      } catch (error) {
        return null;
      }
    },
    set(name, value) {
      try {
        window.localStorage.setItem(name, value);
      } catch (error) {
        // kept for this page only
      }
    },
    remove(name) {
      try {
        window.localStorage.removeItem(name);
      } catch (error) {
        // nothing to do
      }
    },
  };

  function uuid() {
    if (window.crypto && typeof window.crypto.randomUUID === 'function') {
      return window.crypto.randomUUID();
    }
    // crypto.randomUUID needs a secure context, getRandomValues does not
    const bytes = window.crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0'));
    return [hex.slice(0, 4), hex.slice(4, 6), hex.slice(6, 8),
      hex.slice(8, 10), hex.slice(10)].map((part) => part.join(''))
      .join('-');
  }

  // -- Language ------------------------------------------------------------

  let language = initialLanguage();

  function initialLanguage() {
    const stored = store.get(LANGUAGE_KEY);
    if (LANGUAGES.includes(stored)) {
      return stored;
    }
    const wanted = (navigator.languages && navigator.languages[0])
      || navigator.language || '';
    return wanted.toLowerCase().startsWith('ur') ? 'ur' : 'en';
  }

  function t(key, params) {
    let text = STRINGS[language][key];
    if (text === undefined) {
      text = STRINGS.en[key];
    }
    if (text === undefined) {
      text = key;
    }
    if (params) {
      text = text.replace(/\{(\w+)\}/g, (match, name) => (
        name in params ? String(params[name]) : match));
    }
    return text;
  }

  function reasonText(reason) {
    const key = 'reason_' + reason;
    return key in STRINGS.en ? t(key) : t('reason_unknown');
  }

  function formatTime(value) {
    const date = value ? new Date(value) : new Date();
    if (isNaN(date.getTime())) {
      return '';
    }
    return date.toLocaleTimeString(LOCALES[language],
      {hour: '2-digit', minute: '2-digit', hourCycle: 'h23'});
  }

  function setLanguage(wanted) {
    language = wanted;
    store.set(LANGUAGE_KEY, wanted);
    applyLanguage();
  }

  function applyLanguage() {
    const root = document.documentElement;
    root.lang = language;
    root.dir = language === 'ur' ? 'rtl' : 'ltr';
    document.title = t('page_title') + ' · BHMIS';
    for (const element of document.querySelectorAll('[data-t]')) {
      element.textContent = t(element.dataset.t);
    }
    const other = language === 'ur' ? 'en' : 'ur';
    const switcher = $('lang');
    switcher.textContent = STRINGS[other].language_name;
    switcher.lang = other;
    switcher.setAttribute('aria-label', STRINGS[other].language_name + ' ('
      + t('language_switch') + ')');
    tick();
    renderAll();
  }

  // -- State ---------------------------------------------------------------

  const config = readConfig();
  let deviceKey = null;
  let keyName = null;
  let setupReason = null;  // why the setup screen is shown
  let cameraState = 'starting';  // ready, or the key of a message
  let busy = false;
  let lastResult = null;
  let resultTimer = null;
  let notice = null;
  let noticeTimer = null;
  let queueSize = 0;
  let reachable = true;  // the last request reached the server
  const enrolPhotos = [];  // {blob, url}
  let enrolState = null;  // {status, title, message}
  let enrolBusy = false;
  let enrolTimer = null;

  function screen() {
    return document.body.dataset.screen;
  }

  function showScreen(name) {
    document.body.dataset.screen = name;
    $('setup').hidden = name !== 'setup';
    $('station').hidden = !(name === 'kiosk' || name === 'enrol');
    $('kiosk').hidden = name !== 'kiosk';
    $('enrol').hidden = name !== 'enrol';
    $('fatal').hidden = name !== 'fatal';
    $('enrol-open').hidden = name !== 'kiosk';
    if (name === 'setup') {
      $('setup-key').focus();
    } else if (name === 'kiosk') {
      focusCheckin();
    } else if (name === 'enrol') {
      $('enrol-login').focus();
    }
    renderAll();
  }

  function focusCheckin() {
    const button = $('checkin');
    if (!button.disabled) {
      button.focus();
    }
  }

  function renderAll() {
    if (!config) {
      $('fatal-text').textContent = t('config_error');
      return;
    }
    const facility = config.facility;
    $('facility-name').textContent = (language === 'ur' && facility.name_ur)
      || facility.name || facility.code || '';
    $('device-code').textContent = config.device;
    $('setup-device').textContent = config.device;
    $('setup-message').textContent = setupReason ? t(setupReason) : '';
    renderNetwork();
    renderQueue();
    renderCamera();
    renderCheckinButton();
    renderResult();
    renderNotice();
    renderEnrol();
  }

  // -- Device key ----------------------------------------------------------

  function takeKeyFromAddress() {
    // The installer opens .../kiosk/<device>#key=<secret>: keep the key,
    // then drop it from the address bar and the history entry
    if (!location.hash) {
      return;
    }
    const params = new URLSearchParams(location.hash.slice(1));
    const key = params.get('key');
    if (key === null) {
      return;
    }
    if (key.trim()) {
      store.set(keyName, key.trim());
    }
    history.replaceState(history.state, '',
      location.pathname + location.search);
  }

  function onUnauthorized() {
    deviceKey = null;
    store.remove(keyName);
    setupReason = 'setup_refused';
    closeEnrol();
    showScreen('setup');
  }

  function onSetupSubmit(event) {
    event.preventDefault();
    const input = $('setup-key');
    const key = input.value.trim();
    if (!key) {
      setupReason = 'setup_empty';
      renderAll();
      input.focus();
      return;
    }
    input.value = '';
    deviceKey = key;
    store.set(keyName, key);
    setupReason = null;
    showScreen('kiosk');
    scheduleSync();
  }

  // -- Camera --------------------------------------------------------------

  let stream = null;

  async function startCamera() {
    cameraState = 'starting';
    renderAll();
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      cameraState = window.isSecureContext ? 'camera_error'
        : 'camera_insecure';
      renderAll();
      return;
    }
    try {
      stream = await navigator.mediaDevices.getUserMedia({
        video: {width: 640, height: 480, facingMode: 'user'},
        audio: false,
      });
    } catch (error) {
      const name = error && error.name;
      cameraState = {
        NotAllowedError: 'camera_denied',
        SecurityError: 'camera_denied',
        NotFoundError: 'camera_missing',
        OverconstrainedError: 'camera_missing',
        NotReadableError: 'camera_busy',
      }[name] || 'camera_error';
      renderAll();
      return;
    }
    const video = $('video');
    video.srcObject = stream;
    for (const track of stream.getVideoTracks()) {
      // Unplugged or taken by another application: start again
      track.addEventListener('ended', () => {
        cameraState = 'camera_error';
        renderAll();
        setTimeout(startCamera, 3000);
      });
    }
    try {
      await video.play();
    } catch (error) {
      // autoplay of a muted video is allowed; loadeddata follows anyway
    }
    if (!video.videoWidth) {
      await new Promise((resolve) => video.addEventListener(
        'loadeddata', resolve, {once: true}));
    }
    cameraState = 'ready';
    renderAll();
  }

  function renderCamera() {
    const message = $('camera-message');
    const ready = cameraState === 'ready';
    message.hidden = ready;
    $('camera').dataset.state = ready ? 'ready' : cameraState;
    if (!ready) {
      $('camera-message-text').textContent = t(
        cameraState === 'starting' ? 'camera_starting' : cameraState);
      $('camera-retry').hidden = cameraState === 'starting';
    }
  }

  function captureOne(video, width, height) {
    const canvas = document.createElement('canvas');
    canvas.width = width;
    canvas.height = height;
    canvas.getContext('2d').drawImage(video, 0, 0, width, height);
    return canvas;
  }

  function toJpeg(canvas) {
    return new Promise((resolve, reject) => canvas.toBlob((blob) => (
      blob ? resolve(blob) : reject(new Error('no JPEG'))),
    'image/jpeg', JPEG_QUALITY));
  }

  // Photos taken `interval` ms apart, as JPEG blobs at most 640 px wide
  async function captureBurst(count, interval) {
    const video = $('video');
    if (cameraState !== 'ready' || !video.videoWidth) {
      throw new Error('camera not ready');
    }
    const scale = Math.min(1, MAX_WIDTH / video.videoWidth);
    const width = Math.round(video.videoWidth * scale);
    const height = Math.round(video.videoHeight * scale);
    const canvases = [];
    const start = performance.now();
    for (let i = 0; i < count; i++) {
      const wait = start + i * interval - performance.now();
      if (wait > 0) {
        await sleep(wait);
      }
      canvases.push(captureOne(video, width, height));
    }
    // Encoding after the burst keeps the photos evenly spaced
    return Promise.all(canvases.map(toJpeg));
  }

  // -- Offline queue (IndexedDB) -------------------------------------------

  function request(req) {
    return new Promise((resolve, reject) => {
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
  }

  function done(transaction) {
    return new Promise((resolve, reject) => {
      transaction.oncomplete = () => resolve();
      transaction.onerror = () => reject(transaction.error);
      transaction.onabort = () => reject(transaction.error);
    });
  }

  const queue = {
    db: null,
    memory: null,  // when IndexedDB cannot be opened

    async open() {
      try {
        const req = indexedDB.open(QUEUE_DB, 1);
        req.onupgradeneeded = () => {
          const db = req.result;
          if (!db.objectStoreNames.contains(QUEUE_STORE)) {
            const objects = db.createObjectStore(QUEUE_STORE,
              {keyPath: 'event_id'});
            objects.createIndex('seq', 'seq');
          }
        };
        this.db = await request(req);
      } catch (error) {
        console.warn('BHMIS kiosk: IndexedDB cannot be opened, '
          + 'offline check-ins are kept in memory only');
        this.memory = [];
      }
    },

    async add(item) {
      if (this.memory) {
        const last = this.memory[this.memory.length - 1];
        this.memory.push({...item, seq: last ? last.seq + 1 : 1});
        return;
      }
      // The next number after the largest, in the same transaction
      const transaction = this.db.transaction(QUEUE_STORE, 'readwrite');
      const objects = transaction.objectStore(QUEUE_STORE);
      const cursor = objects.index('seq').openCursor(null, 'prev');
      cursor.onsuccess = () => {
        const last = cursor.result;
        objects.put({...item, seq: last ? last.value.seq + 1 : 1});
      };
      await done(transaction);
    },

    async all() {
      if (this.memory) {
        return this.memory.slice();
      }
      const transaction = this.db.transaction(QUEUE_STORE, 'readonly');
      return request(transaction.objectStore(QUEUE_STORE).index('seq')
        .getAll());
    },

    async remove(eventId) {
      if (this.memory) {
        this.memory = this.memory.filter((i) => i.event_id !== eventId);
        return;
      }
      const transaction = this.db.transaction(QUEUE_STORE, 'readwrite');
      transaction.objectStore(QUEUE_STORE).delete(eventId);
      await done(transaction);
    },

    async count() {
      if (this.memory) {
        return this.memory.length;
      }
      const transaction = this.db.transaction(QUEUE_STORE, 'readonly');
      return request(transaction.objectStore(QUEUE_STORE).count());
    },
  };

  async function updateQueueSize() {
    try {
      queueSize = await queue.count();
    } catch (error) {
      // keep the last known number
    }
    renderQueue();
    if (lastResult && lastResult.status === 'queued') {
      // "Saved offline" is over once everything was sent
      if (queueSize === 0) {
        clearResult();
      } else {
        renderResult();
      }
    }
  }

  function renderQueue() {
    $('queue-count').textContent = String(queueSize);
    $('queue').dataset.count = String(queueSize);
  }

  // -- Talking to the server -----------------------------------------------

  // One request at a time: the queue is sent in order and a new check-in
  // waits behind it
  let chain = Promise.resolve();

  function exclusive(task) {
    const result = chain.then(task);
    chain = result.catch(() => undefined);
    return result;
  }

  async function post(url, form) {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), REQUEST_TIMEOUT_MS);
    try {
      const response = await fetch(url, {
        method: 'POST',
        body: form,
        // The server's messages in the page's language
        headers: {'Authorization': 'Bearer ' + deviceKey,
          'Accept': 'application/json', 'Accept-Language': language},
        credentials: 'omit',
        cache: 'no-store',
        signal: controller.signal,
      });
      let body = null;
      try {
        body = await response.json();
      } catch (error) {
        body = null;
      }
      reachable = true;
      return {network: false, status: response.status, body: body};
    } catch (error) {
      reachable = false;
      return {network: true};
    } finally {
      clearTimeout(timer);
      renderNetwork();
    }
  }

  function checkinForm(item) {
    const form = new FormData();
    item.frames.forEach((blob, index) => form.append(
      'frames', blob, 'frame-' + (index + 1) + '.jpg'));
    form.append('event_id', item.event_id);
    form.append('captured_at', item.captured_at);
    return form;
  }

  /* What to do with the server's answer to a check-in:
     - retry: keep it in the queue (no network, server error, 429),
     - unauthorized: the device key is wrong or revoked,
     - answer: the server decided (accepted, review, rejected or an error
       about this check-in); a resend would get the same answer. */
  function classify(reply) {
    if (reply.network) {
      return {kind: 'retry'};
    }
    const status = reply.status;
    const body = reply.body && typeof reply.body === 'object'
      ? reply.body : null;
    if (status === 401) {
      return {kind: 'unauthorized', body: body};
    }
    if (status === 429 || status >= 500) {
      return {kind: 'retry'};
    }
    if (!body) {
      // Not an answer of BHMIS (a proxy, a login page of the network)
      if (status === 413) {
        return {kind: 'answer', status: 'error',
          body: {reason: 'too_large'}};
      }
      return {kind: 'retry'};
    }
    if (status >= 200 && status < 300) {
      if (CHECKIN_ANSWERS.includes(body.status)) {
        return {kind: 'answer', status: body.status, body: body};
      }
      return {kind: 'answer', status: 'error',
        body: {reason: 'server', message: body.message}};
    }
    return {kind: 'answer', status: 'error', body: body};
  }

  async function sendCheckin(item) {
    return classify(await post(config.checkin_url, checkinForm(item)));
  }

  /* Send the queued check-ins, oldest first, until the queue is empty or
     the server cannot be reached. Returns the answer to the check-in
     `liveId` when it was sent, and how many others were. */
  async function drain(liveId) {
    let items;
    try {
      items = await queue.all();
    } catch (error) {
      return {live: null, sent: 0};
    }
    let live = null;
    let sent = 0;
    for (const item of items) {
      if (!deviceKey) {
        break;
      }
      const outcome = await sendCheckin(item);
      if (outcome.kind === 'retry') {
        break;
      }
      if (outcome.kind === 'unauthorized') {
        // Kept: they are sent once a valid key is entered
        onUnauthorized();
        break;
      }
      await queue.remove(item.event_id);
      await updateQueueSize();
      if (item.event_id === liveId) {
        live = outcome;
      } else {
        sent += 1;
      }
    }
    await updateQueueSize();
    return {live: live, sent: sent};
  }

  let syncWaiting = false;

  function scheduleSync() {
    if (!config || !deviceKey || syncWaiting) {
      return;
    }
    syncWaiting = true;
    exclusive(async () => {
      syncWaiting = false;
      const {sent} = await drain(null);
      if (sent) {
        showNotice(['sent_later', {n: sent}]);
      }
    }).catch((error) => {
      // IndexedDB failed: the next round tries again
      console.warn('BHMIS kiosk: sending the saved check-ins failed', error);
    });
  }

  // -- Check-in ------------------------------------------------------------

  async function submitLive(item) {
    let outcome = null;
    if ((await queue.count()) === 0) {
      outcome = await sendCheckin(item);
      if (outcome.kind === 'retry') {
        await queue.add(item);
        outcome = null;
      }
    } else {
      // Behind the check-ins that wait, in their order
      await queue.add(item);
      const {live, sent} = await drain(item.event_id);
      outcome = live;
      if (sent) {
        showNotice(['sent_later', {n: sent}]);
      }
    }
    await updateQueueSize();
    if (outcome === null) {
      if (deviceKey) {
        showResult({status: 'queued'});
      }
    } else if (outcome.kind === 'unauthorized') {
      onUnauthorized();
    } else {
      showResult({status: outcome.status, body: outcome.body || {}});
    }
  }

  async function checkin() {
    if (busy || cameraState !== 'ready' || !deviceKey
        || screen() !== 'kiosk') {
      return;
    }
    busy = true;
    clearResult();
    renderCheckinButton();
    try {
      if (config.liveness) {
        showPrompt('blink');
        await sleep(BLINK_LEAD_MS);
      } else {
        showPrompt('hold_still');
      }
      const item = {event_id: uuid(), captured_at: new Date().toISOString()};
      try {
        item.frames = await captureBurst(config.burst.frames,
          config.burst.interval_ms);
      } catch (error) {
        showResult({status: 'error', body: {reason: 'capture'}});
        return;
      }
      showPrompt('sending');
      try {
        await exclusive(() => submitLive(item));
      } catch (error) {
        console.error('BHMIS kiosk: check-in not saved', error);
        showResult({status: 'error', body: {reason: 'storage'}});
      }
    } finally {
      busy = false;
      showPrompt(null);
      renderCheckinButton();
      focusCheckin();
    }
  }

  let promptKey = null;

  function showPrompt(key) {
    promptKey = key;
    renderPrompt();
  }

  function renderPrompt() {
    const prompt = $('prompt');
    prompt.hidden = !promptKey;
    prompt.dataset.kind = promptKey || '';
    prompt.textContent = promptKey ? t(promptKey) : '';
  }

  function renderCheckinButton() {
    const button = $('checkin');
    button.disabled = busy || cameraState !== 'ready' || !deviceKey;
    button.setAttribute('aria-busy', busy ? 'true' : 'false');
    renderPrompt();
  }

  function showResult(result) {
    lastResult = result;
    clearTimeout(resultTimer);
    resultTimer = setTimeout(clearResult, RESULT_MS[result.status] || 6000);
    renderResult();
  }

  function clearResult() {
    clearTimeout(resultTimer);
    lastResult = null;
    renderResult();
  }

  const ICONS = {accepted: '✓', review: '⌛', rejected: '✗', error: '!',
    queued: '⇅'};

  function renderResult() {
    const panel = $('result');
    const result = lastResult;
    panel.hidden = !result;
    panel.dataset.status = result ? result.status : '';
    let title = '';
    let name = '';
    let detail = '';
    let message = '';
    if (result) {
      const body = result.body || {};
      if (result.status === 'accepted') {
        const out = body.type === 'out';
        const employee = body.employee || {};
        title = t(out ? 'accepted_out' : 'accepted_in');
        name = employee.name || '';
        detail = t(out ? 'type_out' : 'type_in') + ' · '
          + t('at_time', {time: formatTime(body.at)});
        message = employee.personnel_number || '';
      } else if (result.status === 'review') {
        title = t('review');
        detail = t('review_detail');
      } else if (result.status === 'rejected') {
        title = t('rejected');
        detail = reasonText(body.reason);
        message = body.message || '';
      } else if (result.status === 'queued') {
        title = t('queued');
        detail = t('queued_detail', {n: queueSize});
      } else {
        title = t('error');
        detail = reasonText(body.reason) + ' ' + t('try_again');
        message = body.message || '';
      }
    }
    $('result-icon').textContent = result ? ICONS[result.status] || '' : '';
    $('result-title').textContent = title;
    $('result-name').textContent = name;
    $('result-name').hidden = !name;
    $('result-detail').textContent = detail;
    $('result-message').textContent = message;
    $('result-message').hidden = !message;
  }

  function showNotice(value) {
    notice = value;
    clearTimeout(noticeTimer);
    noticeTimer = setTimeout(() => {
      notice = null;
      renderNotice();
    }, NOTICE_MS);
    renderNotice();
  }

  function renderNotice() {
    $('notice').textContent = notice ? t(notice[0], notice[1]) : '';
  }

  function renderNetwork() {
    const online = navigator.onLine !== false && reachable;
    const element = $('network');
    element.dataset.state = online ? 'online' : 'offline';
    element.textContent = t(online ? 'online' : 'offline');
  }

  // -- Enrolment -----------------------------------------------------------

  function openEnrol() {
    if (busy || screen() !== 'kiosk') {
      return;
    }
    clearResult();
    enrolState = null;
    showScreen('enrol');
    touchEnrol();
  }

  function closeEnrol() {
    clearTimeout(enrolTimer);
    $('enrol-login').value = '';
    $('enrol-password').value = '';
    $('enrol-personnel').value = '';
    clearPhotos();
    enrolState = null;
    if (screen() === 'enrol') {
      showScreen('kiosk');
    }
  }

  // A form left open goes back to attendance after a while
  function touchEnrol() {
    clearTimeout(enrolTimer);
    enrolTimer = setTimeout(() => {
      if (!enrolBusy) {
        closeEnrol();
      }
    }, ENROL_IDLE_MS);
  }

  function clearPhotos() {
    for (const photo of enrolPhotos) {
      URL.revokeObjectURL(photo.url);
    }
    enrolPhotos.length = 0;
  }

  async function takePhoto() {
    if (enrolBusy || enrolPhotos.length >= MAX_PHOTOS) {
      return;
    }
    touchEnrol();
    let blob;
    try {
      [blob] = await captureBurst(1, 0);
    } catch (error) {
      enrolState = {status: 'error', title: 'enrol_failed',
        reason: 'capture'};
      renderEnrol();
      return;
    }
    enrolPhotos.push({blob: blob, url: URL.createObjectURL(blob)});
    enrolState = null;
    renderEnrol();
  }

  function removePhoto(index) {
    const [photo] = enrolPhotos.splice(index, 1);
    if (photo) {
      URL.revokeObjectURL(photo.url);
    }
    touchEnrol();
    renderEnrol();
    $('enrol-photo').focus();
  }

  function renderEnrol() {
    const list = $('enrol-thumbs');
    list.replaceChildren(...enrolPhotos.map((photo, index) => {
      const item = document.createElement('li');
      const image = document.createElement('img');
      image.src = photo.url;
      image.alt = t('enrol_photo_alt', {n: index + 1});
      const remove = document.createElement('button');
      remove.type = 'button';
      remove.className = 'remove';
      remove.textContent = '×';
      remove.setAttribute('aria-label', t('enrol_remove', {n: index + 1}));
      remove.addEventListener('click', () => removePhoto(index));
      item.append(image, remove);
      return item;
    }));
    $('enrol-photo-count').textContent = t('enrol_photo_count',
      {n: enrolPhotos.length, max: MAX_PHOTOS});
    $('enrol-photo').disabled = enrolBusy
      || enrolPhotos.length >= MAX_PHOTOS || cameraState !== 'ready';
    $('enrol-submit').disabled = enrolBusy;
    const panel = $('enrol-result');
    panel.hidden = !enrolState;
    panel.dataset.status = enrolState ? enrolState.status : '';
    if (enrolState) {
      const state = enrolState;
      let title = t(state.title, state.params);
      if (state.reason) {
        title += ' — ' + reasonText(state.reason);
      }
      $('enrol-result-title').textContent = title;
      $('enrol-result-message').textContent = state.message || '';
      $('enrol-result-message').hidden = !state.message;
    }
  }

  async function submitEnrol(event) {
    event.preventDefault();
    if (enrolBusy) {
      return;
    }
    touchEnrol();
    const login = $('enrol-login').value.trim();
    const password = $('enrol-password');
    const personnel = $('enrol-personnel').value.trim();
    if (!login || !password.value || !personnel || !enrolPhotos.length) {
      enrolState = {status: 'error', title: 'enrol_missing'};
      renderEnrol();
      return;
    }
    const form = new FormData();
    form.append('login', login);
    form.append('password', password.value);
    form.append('personnel_number', personnel);
    enrolPhotos.forEach((photo, index) => form.append(
      'frames', photo.blob, 'photo-' + (index + 1) + '.jpg'));
    // The password is sent once and never kept
    password.value = '';
    enrolBusy = true;
    enrolState = {status: 'working', title: 'enrol_sending'};
    renderEnrol();
    let reply;
    try {
      reply = await exclusive(() => post(config.enrol_url, form));
    } finally {
      enrolBusy = false;
    }
    const body = reply.body && typeof reply.body === 'object'
      ? reply.body : {};
    if (reply.network) {
      enrolState = {status: 'error', title: 'enrol_failed',
        reason: 'network'};
    } else if (reply.status === 401) {
      onUnauthorized();
      return;
    } else if (reply.status === 200 && body.status === 'enrolled') {
      const employee = body.employee || {};
      enrolState = {status: 'enrolled', title: 'enrolled', params: {
        name: employee.name || '', number: employee.personnel_number
          || personnel, n: body.samples === undefined
          ? enrolPhotos.length : body.samples}};
      $('enrol-personnel').value = '';
      clearPhotos();
    } else {
      enrolState = {status: body.status === 'rejected' ? 'rejected'
        : 'error', title: 'enrol_failed',
      reason: body.reason || (reply.status >= 500 ? 'server' : 'unknown'),
      message: body.message || ''};
    }
    renderEnrol();
    password.focus();
  }

  // -- Start ---------------------------------------------------------------

  function onKey(event) {
    // A keypad or keyboard: Enter or Space checks in when nothing else
    // has the focus (a focused button handles its own keys)
    if (screen() !== 'kiosk' || event.repeat
        || (event.key !== 'Enter' && event.key !== ' ')) {
      return;
    }
    const focused = document.activeElement;
    if (focused && focused !== document.body
        && focused !== document.documentElement) {
      return;
    }
    event.preventDefault();
    checkin();
  }

  async function keepAwake() {
    // A kiosk screen that sleeps is no kiosk
    if (!navigator.wakeLock || document.visibilityState !== 'visible') {
      return;
    }
    try {
      await navigator.wakeLock.request('screen');
    } catch (error) {
      // not allowed here: the device's settings decide
    }
  }

  function tick() {
    $('clock').textContent = new Date().toLocaleString(LOCALES[language], {
      weekday: 'long', day: 'numeric', month: 'long',
      hour: '2-digit', minute: '2-digit', hourCycle: 'h23'});
  }

  async function start() {
    $('lang').addEventListener('click', () => setLanguage(
      language === 'ur' ? 'en' : 'ur'));
    if (!config) {
      applyLanguage();
      showScreen('fatal');
      return;
    }
    keyName = 'bhmis-kiosk-key:' + config.database + ':' + config.device;
    takeKeyFromAddress();
    deviceKey = store.get(keyName);

    $('setup-form').addEventListener('submit', onSetupSubmit);
    $('checkin').addEventListener('click', checkin);
    $('camera-retry').addEventListener('click', startCamera);
    $('enrol-open').addEventListener('click', openEnrol);
    $('enrol-close').addEventListener('click', closeEnrol);
    $('enrol-photo').addEventListener('click', takePhoto);
    $('enrol').addEventListener('submit', submitEnrol);
    $('enrol').addEventListener('input', touchEnrol);
    document.addEventListener('keydown', onKey);
    window.addEventListener('online', () => {
      reachable = true;
      renderNetwork();
      scheduleSync();
    });
    window.addEventListener('offline', renderNetwork);
    document.addEventListener('visibilitychange', keepAwake);
    window.addEventListener('hashchange', () => {
      // The key given while the page is open
      takeKeyFromAddress();
      const key = store.get(keyName);
      if (key && key !== deviceKey) {
        deviceKey = key;
        setupReason = null;
        showScreen('kiosk');
        scheduleSync();
      }
    });

    applyLanguage();
    tick();
    setInterval(tick, 1000);
    showScreen(deviceKey ? 'kiosk' : 'setup');
    keepAwake();
    await queue.open();
    await updateQueueSize();
    scheduleSync();
    setInterval(scheduleSync, SYNC_EVERY_MS);
    await startCamera();
    focusCheckin();
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
})();
