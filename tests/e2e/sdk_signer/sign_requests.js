#!/usr/bin/env node
// End-to-end check of our AK/SK verification against the OFFICIAL Huawei Cloud Node.js signer.
//
// Every request is built and signed by @huaweicloud/huaweicloud-sdk-core itself, through the same
// code path a generated DcsClient uses: HcClient.buildRequest() -> BasicCredentials
// .processAuthRequest() -> AKSKSigner.sign(). Nothing of the algorithm is reimplemented here; the
// request is then sent with node's http module the way the SDK's DefaultHttpClient sends it
// (query serialised with querystring.stringify, body = JSON.stringify(data), unsigned User-Agent
// added after signing).
//
// Environment: SDK_E2E_ENDPOINT (http://127.0.0.1:<port>), SDK_E2E_PROJECT_ID, SDK_E2E_AK,
// SDK_E2E_SK. Prints one line per case; exits 1 on the first mismatch.
'use strict';

const http = require('http');
const querystring = require('querystring');
const moment = require('moment');
const { BasicCredentials } = require('@huaweicloud/huaweicloud-sdk-core');
const { HcClient } = require('@huaweicloud/huaweicloud-sdk-core/HcClient');
const { AKSKSigner } = require('@huaweicloud/huaweicloud-sdk-core/auth/AKSKSigner');

const SDK_USER_AGENT = 'huaweicloud-usdk-nodejs/3.0';  // what DefaultHttpClient adds, unsigned

function fail(message) {
  console.error(`FAIL: ${message}`);
  process.exit(1);
}

function env(name) {
  const value = process.env[name];
  if (!value) fail(`environment variable ${name} is not set`);
  return value;
}

const endpoint = env('SDK_E2E_ENDPOINT').replace(/\/+$/, '');
const projectId = env('SDK_E2E_PROJECT_ID');
const ak = env('SDK_E2E_AK');
const sk = env('SDK_E2E_SK');
const endpointUrl = new URL(endpoint);
if (endpointUrl.protocol !== 'http:' || endpointUrl.hostname !== '127.0.0.1' || !endpointUrl.port) {
  fail(`SDK_E2E_ENDPOINT must be http://127.0.0.1:<port>, got ${endpoint}`);
}

// X-Sdk-Date in the signer's own format. The SDK takes the date from the clock unless the request
// already carries an X-Sdk-Date header, in which case it signs that value: that is how we pin it.
function sdkDate(offsetMinutes) {
  return moment().utcOffset(0).add(offsetMinutes, 'minutes').format(AKSKSigner.BasicDateFormat) + 'Z';
}

function credentialsWith(secretKey) {
  return new BasicCredentials().withAk(ak).withSk(secretKey).withProjectId(projectId);
}

// Builds and signs a request exactly as a generated DcsClient method does (same option shape).
async function signWithSdk({ method, url, pathParams = {}, queryParams = {}, data, headers = {},
                             secretKey = sk, contentType = 'application/json' }) {
  const client = new HcClient(null, {}).withEndpoints([endpoint]).withCredential(credentialsWith(secretKey));
  const options = { method, url, contentType, pathParams, queryParams, headers: { ...headers } };
  if (data !== undefined) options.data = data;
  return client.buildRequest(options);
}

// The canonical request the SDK signs, rebuilt from the SDK's own AKSKSigner helpers (for failure
// reports only; the signature itself always comes from AKSKSigner.sign above).
function sdkCanonicalRequest(signed) {
  const headers = { ...signed.headers };
  const auth = headers.Authorization || '';
  const signedNames = (/SignedHeaders=([^,]+)/.exec(auth) || [])[1] || '';
  const kept = {};
  for (const [k, v] of Object.entries(headers)) {
    if (signedNames.split(';').includes(k.toLowerCase())) kept[k] = v;
  }
  const parsed = new URL(signed.endpoint);
  return AKSKSigner.buildCanonicalRequest(signed.method, AKSKSigner.CanonicalURI(parsed.pathname),
      AKSKSigner.CanonicalQueryString(signed), AKSKSigner.buildCanonicalHeaders(kept), signedNames,
      AKSKSigner.buildPayloadHash(signed));
}

// Sends a signed request like DefaultHttpClient: path without trailing slash, query via
// querystring.stringify, JSON body via JSON.stringify, User-Agent added after signing.
// `mutate(headers, body)` may tamper with the request after signing and returns the new body.
function send(signed, mutate) {
  const headers = { ...signed.headers, 'User-Agent': SDK_USER_AGENT };
  let body = signed.data === undefined ? undefined : JSON.stringify(signed.data);
  if (mutate) body = mutate(headers, body);
  const query = Object.keys(signed.queryParams || {}).length ? `?${querystring.stringify(signed.queryParams)}` : '';
  const path = signed.url.replace(/\/+$/, '') + query;
  if (body !== undefined) headers['Content-Length'] = Buffer.byteLength(body);
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: '127.0.0.1', port: Number(endpointUrl.port), method: signed.method, path, headers,
      timeout: 30000,
    }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json = null;
        try { json = JSON.parse(text); } catch (e) { /* reported by the caller */ }
        resolve({ status: res.statusCode, text, json, path, body });
      });
    });
    req.on('timeout', () => req.destroy(new Error(`${signed.method} ${path} timed out`)));
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

function describe(signed, res) {
  return [
    `  request: ${signed.method} ${res.path}`,
    `  body: ${res.body === undefined ? '(none)' : res.body}`,
    `  headers sent: ${JSON.stringify(signed.headers)}`,
    `  canonical request the SDK signed:\n${sdkCanonicalRequest(signed).split('\n').map((l) => `    | ${l}`).join('\n')}`,
    `  response: HTTP ${res.status} ${res.text}`,
  ].join('\n');
}

async function expectOk(name, signed, check) {
  const res = await send(signed);
  if (res.status !== 200 || !res.json) fail(`${name}: expected HTTP 200 with a JSON body\n${describe(signed, res)}`);
  const problem = check ? check(res.json) : null;
  if (problem) fail(`${name}: ${problem}\n${describe(signed, res)}`);
  console.log(`ok   ${name}: HTTP 200`);
  return res.json;
}

async function expect401(name, signed, mutate, messagePart) {
  const res = await send(signed, mutate);
  const code = res.json && res.json.error_code;
  if (res.status !== 401 || code !== 'DCS.4010') {
    fail(`${name}: expected HTTP 401 with error_code DCS.4010, got HTTP ${res.status}\n${describe(signed, res)}`);
  }
  if (messagePart && !res.json.error_msg.includes(messagePart)) {
    fail(`${name}: expected an error_msg with '${messagePart}'\n${describe(signed, res)}`);
  }
  console.log(`ok   ${name}: HTTP 401 DCS.4010 (${res.json.error_msg})`);
}

// The SDK signer must reproduce the second worked example of docs/authentication.md (GET with a
// query; the first one's body uses Python's JSON spacing, which JSON.stringify cannot produce).
function checkSpecVector() {
  const request = {
    method: 'GET',
    endpoint: 'http://127.0.0.1:8080/v2/0504ab27e2c0401cb11d2d2d7e1f4b0b/migration-tasks',
    queryParams: { offset: 0, limit: 10, name: 'dcs migration' },
    headers: {
      'content-type': 'application/json',
      'User-Agent': 'huaweicloud-usdk-python/3.0',
      'X-Project-Id': '0504ab27e2c0401cb11d2d2d7e1f4b0b',
      'X-Sdk-Date': '20240101T000000Z',
    },
  };
  const cred = new BasicCredentials().withAk('HPUAEXAMPLEAK0000001')
      .withSk('ExampleSecretKey0000000000000000000000001');
  const signed = AKSKSigner.sign(request, cred);
  const want = 'SDK-HMAC-SHA256 Access=HPUAEXAMPLEAK0000001, ' +
      'SignedHeaders=content-type;host;user-agent;x-project-id;x-sdk-date, ' +
      'Signature=349791726e5f09159795a4075b0686e6de1d9164c1cee9d8738d937ec0e9e3e1';
  if (signed.Authorization !== want) {
    fail(`spec vector 2: the SDK signer produced\n  ${signed.Authorization}\nexpected\n  ${want}`);
  }
  console.log('ok   spec vector 2 (GET with query) reproduced by the SDK signer');
}

async function main() {
  checkSpecVector();
  const suffix = Math.random().toString(16).slice(2, 6).padEnd(4, '0');
  const taskName = `task-${suffix}`;

  // (a) create_online_migration_task
  const created = await expectOk('create task (POST /migration/instance)', await signWithSdk({
    method: 'POST', url: '/v2/{project_id}/migration/instance', data: { name: taskName },
  }), (j) => (j.id && j.status === 'RUNNING' ? null : `expected an id and status RUNNING, got ${JSON.stringify(j)}`));
  const taskId = created.id;

  // (b) list_migration_task with a query holding a space and several parameters
  const listQuery = { offset: 0, limit: 10, name: `${taskName} e2e` };
  await expectOk('list tasks (GET /migration-tasks, query with a space)', await signWithSdk({
    method: 'GET', url: '/v2/{project_id}/migration-tasks', queryParams: listQuery,
  }), (j) => (typeof j.count === 'number' && Array.isArray(j.migration_tasks) ? null : 'expected {count, migration_tasks[]}'));
  await expectOk('list tasks (GET /migration-tasks, name filter)', await signWithSdk({
    method: 'GET', url: '/v2/{project_id}/migration-tasks', queryParams: { name: taskName, limit: 10, offset: 0 },
  }), (j) => (Array.isArray(j.migration_tasks) && j.migration_tasks.some((t) => t.task_id === taskId)
      ? null : `the new task ${taskId} is not listed`));

  // (c) set_online_migration_task: the seed configure body
  const configureBody = {
    migration_method: 'incremental_migration',
    resume_mode: 'auto',
    bandwidth_limit_mb: '100',
    source_instance: { addrs: '127.0.0.1:6379', password: 'srcpass' },
    target_instance: { addrs: '127.0.0.1:6380', password: 'tgtpass' },
  };
  const configure = (extra = {}) => signWithSdk({
    method: 'POST', url: '/v2/{project_id}/migration/{task_id}/task', pathParams: { task_id: taskId },
    contentType: 'application/json;charset=UTF-8', data: configureBody, ...extra,
  });
  await expectOk('configure task (POST /migration/{task_id}/task, seed body)', await configure(),
      (j) => (j.id === taskId ? null : `expected id ${taskId}, got ${JSON.stringify(j)}`));

  // Control for the stale-date case: pinning X-Sdk-Date through the header is accepted when fresh.
  await expectOk('list tasks with X-Sdk-Date pinned to now', await signWithSdk({
    method: 'GET', url: '/v2/{project_id}/migration-tasks', queryParams: listQuery,
    headers: { 'X-Sdk-Date': sdkDate(0) },
  }));

  // Replays (docs/authentication.md, "Replay rule"): the SDK adds no nonce, so the same signed
  // change sent twice carries the same signature; the second is refused. Reads may repeat.
  const once = await signWithSdk({
    method: 'POST', url: '/v2/{project_id}/migration/instance', data: { name: `task-${suffix}r` },
  });
  await expectOk('signed create sent once', once);
  await expect401('the same signed create sent again (replay)', once, undefined, 'replayed');
  const read = await signWithSdk({
    method: 'GET', url: '/v2/{project_id}/migration-tasks', queryParams: listQuery,
  });
  await expectOk('signed list sent once', read);
  await expectOk('the same signed list sent again (reads may repeat)', read);

  // Negative cases: all must be 401 DCS.4010.
  const createReq = (extra = {}) => signWithSdk({
    method: 'POST', url: '/v2/{project_id}/migration/instance', data: { name: `task-${suffix}x` }, ...extra,
  });
  await expect401('wrong SK', await createReq({ secretKey: `${sk}x` }));
  await expect401('wrong SK (list, same length)', await signWithSdk({
    method: 'GET', url: '/v2/{project_id}/migration-tasks', queryParams: listQuery,
    secretKey: (sk[0] === '0' ? '1' : '0') + sk.slice(1),
  }));
  const staleDate = sdkDate(-20);
  const stale = await createReq({ headers: { 'X-Sdk-Date': staleDate } });
  if (stale.headers['X-Sdk-Date'] !== staleDate || !/x-sdk-date/.test(stale.headers.Authorization)) {
    fail(`stale date: the SDK did not sign the pinned X-Sdk-Date ${staleDate}: ${JSON.stringify(stale.headers)}`);
  }
  await expect401(`stale X-Sdk-Date (${staleDate}, 20 minutes ago)`, stale);
  await expect401('X-Sdk-Date dropped after signing', await createReq(), (h, b) => { delete h['X-Sdk-Date']; return b; });
  await expect401('Authorization dropped after signing', await createReq(), (h, b) => { delete h.Authorization; return b; });
  await expect401('signed X-Project-Id dropped after signing', await createReq(), (h, b) => { delete h['X-Project-Id']; return b; });
  await expect401('body altered after signing (create)', await createReq(),
      (h, b) => b.replace(`task-${suffix}x`, `task-${suffix}y`));
  await expect401('body altered after signing (configure)', await configure(),
      (h, b) => b.replace('"100"', '"200"'));

  console.log('PASS: all SDK-signed cases behaved as expected');
}

main().catch((e) => fail(e && e.stack ? e.stack : String(e)));
