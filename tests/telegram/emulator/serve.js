// telegram-test-api (npm, 4.x) behind a small shim that smooths its known deviations from the
// Bot API, so the bot under test meets what Telegram would send:
//   - getMe has no is_bot                    -> added (true)
//   - setMyCommands & co. are missing        -> answered like Telegram (true / [])
//   - callback queries lack chat_instance    -> added
//   - dates are in milliseconds              -> seconds
//   - edits answer result null               -> true
//   - getUpdates never waits                 -> held up to 1 s while there is nothing new
// Usage: node serve.js SHIM_PORT EMULATOR_PORT  (both on 127.0.0.1; prints "ready" when up)
'use strict';

const http = require('http');
const TelegramServer = require('telegram-test-api');

const [shimPort, emulatorPort] = process.argv.slice(2).map(Number);
const HOST = '127.0.0.1';
const ANSWERED_HERE = {
  setMyCommands: true, deleteMyCommands: true, getMyCommands: [],
  setMyDescription: true, setMyShortDescription: true,
};

function forward(req, body) {
  return new Promise((resolve, reject) => {
    const inner = http.request({
      host: HOST, port: emulatorPort, path: req.url, method: req.method,
      headers: { 'content-type': req.headers['content-type'] || 'application/json',
                 'content-length': Buffer.byteLength(body) },
    }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks) }));
    });
    inner.on('error', reject);
    inner.end(body);
  });
}

function seconds(value) {
  // Fix every date in place: Telegram sends Unix seconds.
  if (Array.isArray(value)) {
    value.forEach(seconds);
  } else if (value && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      if ((key === 'date' || key === 'edit_date') && typeof inner === 'number' && inner > 1e11) {
        value[key] = Math.floor(inner / 1000);
      } else {
        seconds(inner);
      }
    }
  }
  return value;
}

function fix(method, payload) {
  if (!payload || payload.ok !== true) {
    return payload;
  }
  if (method === 'getMe') {
    payload.result = { is_bot: true, can_join_groups: true, ...payload.result };
  } else if (method === 'getUpdates') {
    for (const update of payload.result) {
      const query = update.callback_query;
      if (query && !query.chat_instance) {
        query.chat_instance = `ci${query.message && query.message.chat ? query.message.chat.id : 0}`;
      }
    }
  } else if (method.startsWith('edit') && payload.result === null) {
    payload.result = true;
  }
  seconds(payload.result);
  return payload;
}

const sleep = (ms) => new Promise((resolve) => { setTimeout(resolve, ms); });

async function handle(req, body) {
  const match = /^\/bot[^/]+\/(\w+)/.exec(req.url);
  if (!match) {
    return forward(req, body); // the emulator's client API: /sendMessage, /getUpdates, ...
  }
  const method = match[1];
  if (method in ANSWERED_HERE) {
    return { status: 200, body: JSON.stringify({ ok: true, result: ANSWERED_HERE[method] }) };
  }
  const deadline = Date.now() + 1000;
  for (;;) {
    const answer = await forward(req, body);
    let payload;
    try {
      payload = JSON.parse(answer.body.toString() || 'null');
    } catch (error) {
      return answer;
    }
    const empty = method === 'getUpdates' && payload && payload.ok && payload.result.length === 0;
    if (!empty || Date.now() >= deadline) {
      return { status: answer.status, body: JSON.stringify(fix(method, payload)) };
    }
    await sleep(25);
  }
}

async function main() {
  const emulator = new TelegramServer({ port: emulatorPort, host: HOST, storeTimeout: 600 });
  await emulator.start();
  const shim = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      handle(req, Buffer.concat(chunks)).then((answer) => {
        res.writeHead(answer.status, { 'content-type': 'application/json' });
        res.end(answer.body);
      }, (error) => {
        res.writeHead(502, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ ok: false, error_code: 502, description: String(error) }));
      });
    });
  });
  shim.listen(shimPort, HOST, () => { process.stdout.write('ready\n'); });
  const stop = () => { shim.close(); emulator.stop().then(() => process.exit(0)); };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((error) => { process.stderr.write(`${error.stack}\n`); process.exit(1); });
