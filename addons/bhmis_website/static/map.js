// SPDX-License-Identifier: GPL-3.0-or-later
// The facility finder's map (Leaflet, served by this site) and the
// "nearest facilities" button.  The list works without either: the map
// draws the search's points and district names on a plain background,
// with tiles only when the site is configured with a tile address.
(function () {
  'use strict';
  var nearest = document.getElementById('nearest');
  if (nearest && navigator.geolocation) {
    nearest.hidden = false;
    nearest.addEventListener('click', function () {
      var status = document.getElementById('nearest-status');
      navigator.geolocation.getCurrentPosition(function (position) {
        var lat = position.coords.latitude.toFixed(5);
        var lon = position.coords.longitude.toFixed(5);
        var form = nearest.form;
        var type = form.elements.type ? form.elements.type.value : '';
        window.location.href = nearest.dataset.url + '?lat=' + lat +
          '&lon=' + lon + (type ? '&type=' + encodeURIComponent(type) : '');
      }, function () {
        status.textContent = nearest.dataset.denied;
      }, {timeout: 15000, maximumAge: 600000});
    });
  }
  var element = document.getElementById('map');
  if (!element || typeof L === 'undefined') { return; }
  fetch(element.dataset.points, {credentials: 'same-origin'})
    .then(function (answer) { return answer.json(); })
    .then(function (data) {
      element.textContent = '';
      var map = L.map(element, {attributionControl: false});
      if (element.dataset.tiles) {
        L.tileLayer(element.dataset.tiles, {maxZoom: 18}).addTo(map);
      }
      var bounds = [];
      (data.points || []).forEach(function (point) {
        var marker = L.circleMarker([point[2], point[3]], {
          radius: 6, color: '#0b5d3b', weight: 2, fillColor: '#1c8c5a',
          fillOpacity: 0.8
        }).addTo(map);
        var link = document.createElement('a');
        link.href = data.base + encodeURIComponent(point[0]);
        link.textContent = point[1];
        marker.bindPopup(link);
        bounds.push([point[2], point[3]]);
      });
      (data.districts || []).forEach(function (district) {
        // An element, not a string: Leaflet writes strings as HTML
        var label = document.createElement('span');
        label.textContent = district[0];
        L.tooltip({permanent: true, direction: 'center',
          className: 'district-label'})
          .setLatLng([district[1], district[2]])
          .setContent(label)
          .addTo(map);
      });
      if (bounds.length) {
        map.fitBounds(bounds, {padding: [20, 20], maxZoom: 12});
      } else {
        map.setView([28.9, 66.0], 6);
      }
    })
    .catch(function () { /* the list stays; the map is a bonus */ });
}());
