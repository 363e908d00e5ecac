// SPDX-License-Identifier: GPL-3.0-or-later
// Small touches that the pages do not need to work: the copy button of a
// tracking number.
(function () {
  'use strict';
  document.querySelectorAll('[data-copy]').forEach(function (button) {
    button.hidden = false;
    button.addEventListener('click', function () {
      var text = document.getElementById(button.dataset.copy).textContent;
      var done = function () {
        var status = document.getElementById(button.dataset.copy + '-copied');
        if (status) { status.textContent = button.dataset.copied; }
      };
      if (navigator.clipboard) {
        navigator.clipboard.writeText(text.trim()).then(done, done);
      }
    });
  });
}());
