// Host → the store's current release (CloudFront Functions, cloudfront-js-2.0, viewer request).
//
// The key value store maps a host ("curam.webdpro.in", "curam.in") to its live release prefix
// ("stores/<storeId>/releases/v000003"), or to "suspended". The host map in sitegen's table is the source of
// truth (publish, blue-green switch, rollback, suspension: one conditional write each); the host mirror Lambda
// copies each change here from the table's stream (kvs_mirror.py). The rewritten URI is the cache key, so a switch
// needs no invalidation: the new release's objects are new cache entries. Drafts (stores/<storeId>/v<N>/) are never
// served: only a value of the release form below is.
import cf from 'cloudfront';

const kvs = cf.kvs();
const RELEASE = /^stores\/[A-Za-z0-9_-]+\/releases\/v[0-9]{6}$/;

function page(status, description, title, text) {
  return {
    statusCode: status,
    statusDescription: description,
    headers: {
      'content-type': { value: 'text/html; charset=utf-8' },
      'cache-control': { value: 'no-store' },
    },
    body:
      '<!doctype html><html lang="en"><head><meta charset="utf-8">' +
      '<meta name="viewport" content="width=device-width,initial-scale=1"><title>' + title + '</title></head>' +
      '<body style="font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem">' +
      '<h1>' + title + '</h1><p>' + text + '</p></body></html>',
  };
}

async function handler(event) {
  const request = event.request;
  let host = request.headers.host ? request.headers.host.value.toLowerCase() : '';
  if (host.startsWith('www.')) {
    host = host.slice(4);
  }
  let release = '';
  try {
    release = await kvs.get(host);
  } catch (err) {
    release = ''; // no such key: no store lives at this host
  }
  if (release === 'suspended') {
    return page(503, 'Service Unavailable', 'Store unavailable',
      'This store is not available right now. Please come back later.');
  }
  if (!RELEASE.test(release)) {
    return page(404, 'Not Found', 'No store here', 'There is no store at this address.');
  }
  // Pages are "<name>.html"; "/" and "/about" work too.
  let uri = request.uri;
  if (uri.endsWith('/')) {
    uri += 'index.html';
  } else if (uri.lastIndexOf('.') < uri.lastIndexOf('/')) {
    uri += '.html';
  }
  request.uri = '/' + release + uri;
  return request;
}
