// Offline reading, the page's side (docs/offline.md): registers the service worker; "Save for
// offline" under a module; the list of modules saved on this device; "Mark as done" kept on the
// device without a connection and sent once it is back; nothing of another person kept.
(function () {
  'use strict';
  if (!('serviceWorker' in navigator) || !('caches' in window) || !('indexedDB' in window)) return;

  var meta = document.querySelector('meta[name="lms-offline-user"]');
  var user = meta ? meta.content : '';
  var PAGES = 'lms-pages-';      // + the person's key: the pages they saved
  var STATIC = 'lms-static';     // CSS, scripts, icons named by their content: anyone's
  var META = 'lms-offline-meta'; // who is signed in, for the service worker
  var USER = '/__offline/user';
  var ASSETS = 'link[rel~="stylesheet"][href], link[rel~="icon"][href], link[rel="apple-touch-icon"][href], '
    + 'link[rel="manifest"][href], script[src], img[src]';

  navigator.serviceWorker.register('/sw.js', {scope: '/'}).catch(function () {});

  // --- IndexedDB: saved modules and the lessons marked done offline ----------------------
  function openDb() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open('lms-offline', 1);
      request.onupgradeneeded = function () {
        request.result.createObjectStore('modules', {keyPath: 'key'});
        request.result.createObjectStore('actions', {keyPath: 'id'});
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }
  function withStore(name, mode, work) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var transaction = db.transaction(name, mode);
        var request = work(transaction.objectStore(name));
        transaction.oncomplete = function () { db.close(); resolve(request ? request.result : undefined); };
        transaction.onerror = function () { db.close(); reject(transaction.error); };
      });
    });
  }
  function all(name) { return withStore(name, 'readonly', function (s) { return s.getAll(); }); }
  function put(name, value) { return withStore(name, 'readwrite', function (s) { return s.put(value); }); }
  function remove(name, key) { return withStore(name, 'readwrite', function (s) { return s.delete(key); }); }
  function mine(name) {
    return all(name).then(function (rows) { return rows.filter(function (row) { return row.user === user; }); });
  }

  function fill(text, values) {
    return String(text || '').replace(/\{(\w+)\}/g, function (whole, name) {
      return name in values ? values[name] : whole;
    });
  }
  function absolute(url) { return new URL(url, location.href).href; }

  // --- one person per device ---------------------------------------------------------------
  // The service worker answers from the caches of the person named here; anyone else's go.
  function settle() {
    return caches.open(META).then(function (cache) {
      return cache.put(USER, new Response(user));
    }).then(function () {
      if (!user) return null;
      return caches.keys().then(function (names) {
        return Promise.all(names.filter(function (name) {
          return name.indexOf(PAGES) === 0 && name !== PAGES + user;
        }).map(function (name) { return caches.delete(name); }));
      }).then(function () { return Promise.all([all('modules'), all('actions')]); }).then(function (found) {
        var gone = [];
        found[0].forEach(function (m) { if (m.user !== user) gone.push(remove('modules', m.key)); });
        found[1].forEach(function (a) { if (a.user !== user) gone.push(remove('actions', a.id)); });
        return Promise.all(gone);
      });
    });
  }

  function forgetEverything() {
    return caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) { return name.indexOf('lms-') === 0; })
        .map(function (name) { return caches.delete(name); }));
    }).then(function () {
      return new Promise(function (resolve) {
        var request = indexedDB.deleteDatabase('lms-offline');
        request.onsuccess = request.onerror = request.onblocked = function () { resolve(); };
      });
    });
  }

  // --- saving a module -----------------------------------------------------------------------
  function saveModule(box, report) {
    var pages = JSON.parse(box.dataset.pages);
    var assets = [];
    var done = 0;
    return Promise.all([caches.open(PAGES + user), caches.open(STATIC)]).then(function (opened) {
      var personal = opened[0];
      var shared = opened[1];
      var chain = Promise.resolve();
      pages.forEach(function (page) {
        chain = chain.then(function () {
          report(fill(box.dataset.msgSaving, {done: done, total: pages.length}));
          return fetch(page, {credentials: 'same-origin', cache: 'no-store'});
        }).then(function (response) {
          if (!response.ok || response.redirected) throw new Error(page + ': ' + response.status);
          return response.clone().text().then(function (html) {
            new DOMParser().parseFromString(html, 'text/html').querySelectorAll(ASSETS).forEach(function (el) {
              var found = absolute(el.getAttribute('href') || el.getAttribute('src'));
              if (new URL(found).origin === location.origin && assets.indexOf(found) < 0) assets.push(found);
            });
            done += 1;
            return personal.put(absolute(page), response);
          });
        });
      });
      return chain.then(function () {
        return Promise.all(assets.map(function (asset) {
          var fingerprinted = /\/static\/.*[?&]v=/.test(asset);
          var cache = fingerprinted ? shared : personal;
          return cache.match(asset).then(function (kept) {
            if (kept && fingerprinted) return null;
            return fetch(asset, {credentials: 'same-origin'}).then(function (response) {
              if (!response.ok) throw new Error(asset + ': ' + response.status);
              return cache.put(asset, response);
            });
          });
        }));
      });
    }).then(function () {
      return put('modules', {
        key: user + ' ' + box.dataset.offlineModule, user: user, url: box.dataset.offlineModule,
        title: box.dataset.title, course: box.dataset.course, pages: pages.map(absolute),
        assets: assets.filter(function (a) { return !/\/static\/.*[?&]v=/.test(a); }),
        saved_at: new Date().toISOString()
      });
    });
  }

  function removeModule(url) {
    return mine('modules').then(function (modules) {
      var leaving = modules.filter(function (m) { return m.url === url; });
      var staying = modules.filter(function (m) { return m.url !== url; });
      var kept = {};
      staying.forEach(function (m) { m.pages.concat(m.assets).forEach(function (u) { kept[u] = true; }); });
      return caches.open(PAGES + user).then(function (cache) {
        var deletions = [];
        leaving.forEach(function (m) {
          m.pages.concat(m.assets).forEach(function (u) { if (!kept[u]) deletions.push(cache.delete(u)); });
          deletions.push(remove('modules', m.key));
        });
        return Promise.all(deletions);
      });
    });
  }

  function moduleBoxes() {
    document.querySelectorAll('[data-offline-module]').forEach(function (box) {
      var state = box.querySelector('[data-offline-state]');
      var save = box.querySelector('[data-offline-save]');
      var drop = box.querySelector('[data-offline-remove]');
      var report = function (text) { state.textContent = text; };
      var show = function (saved) { drop.hidden = !saved; box.classList.toggle('is-saved', saved); };
      box.hidden = false;
      mine('modules').then(function (modules) {
        var saved = modules.some(function (m) { return m.url === box.dataset.offlineModule; });
        show(saved);
        if (saved) report(box.dataset.msgSaved);
      });
      save.addEventListener('click', function () {
        save.disabled = true;
        saveModule(box, report).then(function () {
          show(true);
          report(box.dataset.msgSaved);
        }).catch(function () {
          report(box.dataset.msgFailed);
        }).then(function () { save.disabled = false; });
      });
      drop.addEventListener('click', function () {
        removeModule(box.dataset.offlineModule).then(function () {
          show(false);
          report(box.dataset.msgRemoved);
        });
      });
    });
  }

  // --- the page of saved modules ------------------------------------------------------------
  function savedPage() {
    var section = document.querySelector('[data-offline-saved]');
    if (!section) return;
    var list = section.querySelector('[data-offline-list]');
    var empty = section.querySelector('[data-offline-empty]');
    var pending = section.querySelector('[data-offline-pending]');
    var state = section.querySelector('[data-offline-state]');
    section.querySelector('[data-offline-unsupported]').hidden = true;
    var draw = function () {
      return Promise.all([mine('modules'), mine('actions')]).then(function (found) {
        var modules = found[0].sort(function (a, b) { return a.saved_at < b.saved_at ? 1 : -1; });
        list.textContent = '';
        empty.hidden = modules.length > 0;
        modules.forEach(function (m) {
          var item = document.createElement('li');
          var link = document.createElement('a');
          link.href = m.url;
          link.textContent = m.title;
          var facts = document.createElement('span');
          facts.className = 'meta';
          var when = new Date(m.saved_at).toLocaleString(document.documentElement.lang);
          facts.textContent = ' · ' + m.course + ' · ' + fill(section.dataset.msgLessons, {count: m.pages.length})
            + ' · ' + fill(section.dataset.msgSavedOn, {date: when});
          var button = document.createElement('button');
          button.type = 'button';
          button.className = 'button small';
          button.textContent = section.dataset.msgRemove;
          button.setAttribute('aria-label', section.dataset.msgRemove + ': ' + m.title);
          button.addEventListener('click', function () {
            removeModule(m.url).then(draw).then(function () { state.textContent = section.dataset.msgRemoved; });
          });
          item.append(link, facts, ' ', button);
          list.append(item);
        });
        pending.hidden = found[1].length === 0;
        pending.textContent = fill(section.dataset.msgPending, {count: found[1].length});
      });
    };
    draw();
    window.addEventListener('lms-offline-synced', draw);
  }

  // --- "Mark as done" without a connection, sent when it is back ------------------------------
  function csrfToken(doc) {
    var field = (doc || document).querySelector('input[name="csrf_token"]');
    return field ? field.value : '';
  }
  function freshToken() {
    return fetch('/offline', {credentials: 'same-origin', cache: 'no-store'}).then(function (r) { return r.text(); })
      .then(function (html) { return csrfToken(new DOMParser().parseFromString(html, 'text/html')); });
  }
  function send(enrolment, actions, token, retry) {
    return fetch('/api/v1/enrolments/' + enrolment + '/offline-completions', {
      method: 'POST', credentials: 'same-origin',
      headers: {'Content-Type': 'application/json', 'Accept': 'application/json', 'X-CSRFToken': token},
      body: JSON.stringify({completions: actions.map(function (a) { return {lesson: a.lesson, done_at: a.done_at}; })})
    }).then(function (response) {
      if (response.status === 400 && retry) {   // the page's token is older than the session's
        return freshToken().then(function (fresh) { return send(enrolment, actions, fresh, false); });
      }
      // Recorded, or refused for good (not this person's enrolment, a lesson gone): either way
      // the device stops sending these. Anything else (offline, signed out, server busy): later.
      var settled = response.ok || [403, 404, 422].indexOf(response.status) >= 0;
      return settled ? Promise.all(actions.map(function (a) { return remove('actions', a.id); }))
        .then(function () { return response.ok; }) : false;
    });
  }
  var syncing = null;
  function sync() {
    if (!user || !navigator.onLine) return Promise.resolve(false);
    if (syncing) return syncing;
    syncing = mine('actions').then(function (actions) {
      var byEnrolment = {};
      actions.forEach(function (a) { (byEnrolment[a.enrolment] = byEnrolment[a.enrolment] || []).push(a); });
      var token = csrfToken();
      return Promise.all(Object.keys(byEnrolment).map(function (enrolment) {
        return send(enrolment, byEnrolment[enrolment], token, true).catch(function () { return false; });
      })).then(function (results) {
        var sent = results.some(Boolean);
        if (sent) window.dispatchEvent(new CustomEvent('lms-offline-synced'));
        return sent;
      });
    }).finally(function () { syncing = null; });
    return syncing;
  }

  function lessonPage() {
    var status = document.querySelector('[data-offline-lesson]');
    if (!status) return;
    var lesson = Number(status.dataset.offlineLesson);
    var form = document.querySelector('main form[action$="/lessons/' + lesson + '/done"]');
    if (!form) return;
    form.after(status);
    window.addEventListener('lms-offline-synced', function () { status.textContent = status.dataset.msgSent; });
    mine('actions').then(function (actions) {
      if (actions.some(function (a) { return a.lesson === lesson; })) status.textContent = status.dataset.msgQueued;
    });
    form.addEventListener('submit', function (event) {
      if (navigator.onLine) return;
      event.preventDefault();
      var id = window.crypto && crypto.randomUUID ? crypto.randomUUID() : Date.now() + '-' + Math.random();
      put('actions', {id: id, user: user, enrolment: Number(status.dataset.enrolment), lesson: lesson,
                      done_at: new Date().toISOString()})
        .then(function () { status.textContent = status.dataset.msgQueued; });
    });
  }

  // --- signing out: send what is waiting, then forget everything ------------------------------
  function signOut() {
    document.querySelectorAll('form[data-sign-out]').forEach(function (form) {
      form.addEventListener('submit', function (event) {
        if (form.dataset.forgotten) return;
        event.preventDefault();
        var wait = new Promise(function (resolve) { setTimeout(resolve, 4000); });
        Promise.race([sync(), wait]).catch(function () {}).then(forgetEverything).catch(function () {})
          .then(function () { form.dataset.forgotten = '1'; form.submit(); });
      });
    });
  }

  function start() {
    signOut();
    settle().catch(function () {}).then(function () {
      if (!user) return;
      moduleBoxes();
      savedPage();
      lessonPage();
      sync();
    });
    window.addEventListener('online', sync);
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
}());
