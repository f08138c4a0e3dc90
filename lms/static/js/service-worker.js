// The service worker of HELP courses (served as /sw.js, scope "/"): the pages a trainee saved
// for offline reading are answered from this device when the network is not there.
//
// Pages are fetched from the network first, always: the device's copy is used only when
// that fails, and only from the caches of the person signed in on this device (the page
// script names them in the "lms-offline-meta" cache and removes anyone else's). CSS, scripts
// and icons are named by their content (?v=<hash>), so a copy kept once stays right.
'use strict';

const PAGES = 'lms-pages-';
const STATIC = 'lms-static';
const META = 'lms-offline-meta';
const USER = '/__offline/user';
const OFFLINE_PAGE = '/offline';

self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

async function personalCache() {
  if (!(await caches.has(META))) return null;
  const named = await (await caches.open(META)).match(USER);
  const key = named ? await named.text() : '';
  if (!key || !(await caches.has(PAGES + key))) return null;
  return caches.open(PAGES + key);
}

function noConnection() {
  const body = '<!doctype html><html><head><meta charset="utf-8">'
    + '<meta name="viewport" content="width=device-width, initial-scale=1"><title>Offline</title></head>'
    + '<body><main><h1>Offline</h1><p>No connection, and this page is not saved on this device.</p></main></body></html>';
  return new Response(body, {status: 503, headers: {'Content-Type': 'text/html; charset=utf-8'}});
}

async function fromDevice(request) {
  const cache = await personalCache();
  const kept = cache && await cache.match(request, {ignoreVary: true});
  if (kept) return kept;
  if (request.mode === 'navigate') {
    const page = cache && await cache.match(OFFLINE_PAGE, {ignoreVary: true});
    return page || noConnection();
  }
  return Response.error();
}

async function fingerprinted(request) {
  const kept = await caches.match(request, {cacheName: STATIC, ignoreVary: true});
  return kept || fetch(request).catch(() => fromDevice(request));
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || url.pathname.startsWith('/api/') || url.pathname === '/sw.js') return;
  if (url.pathname.startsWith('/static/') && url.searchParams.has('v')) {
    event.respondWith(fingerprinted(request));
    return;
  }
  event.respondWith(fetch(request).catch(() => fromDevice(request)));
});
