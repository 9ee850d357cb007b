// A real OpenID Connect provider (panva's oidc-provider, v9) for FlowPulse's tests.
//
//   node server.mjs CONFIG.json
//
// Listens on loopback only. Prints exactly one line to stdout once it accepts
// connections, `ready <issuer>`, and exits 0 on SIGTERM or SIGINT, or when its
// stdin closes (the test process is gone). Everything else it says
// (oidc-provider's notices included) goes to stderr, for the log.
//
// CONFIG.json (written by tests/oauth_servers/oidc.py):
//   host, port          where to listen (port 0: any free one; the issuer then
//                       carries the port actually bound)
//   issuer              optional; default http://<host>:<port>
//   admin_token         bearer token for the /__harness/ endpoints below
//   tokens_file         JSON-lines file: one {"kind", "value", ...} per token issued
//   clients             [{client_id, client_secret, redirect_uris}, ...]
//   accounts            {sub: {email, email_verified, name}, ...}; a sub missing
//                       here signs in fine but has no email/name claims at all
//   switches            see DEFAULT_SWITCHES
//
// What is oidc-provider itself and what is this file's doing:
//   * native: discovery, JWKS, authorization code flow, PKCE (required here;
//     oidc-provider v9 knows S256 only), refresh tokens (issueRefreshToken
//     policy), response_mode=form_post, RFC 9207 `iss` in every authorization
//     response (always on in v9: there is no issAuthResp switch any more),
//     nonce into the ID token, development interactions (any login name is
//     the sub), conformIdTokenClaims: false so that findAccount decides which
//     claims an ID token carries (switch claims_in_id_token).
//   * this file, as a Koa middleware in front of oidc-provider's routes
//     (provider.use), because oidc-provider cannot be told to misbehave:
//       stranger_key  re-signs the token endpoint's id_token with an RSA key
//                     that is NOT in the JWKS, under the published key's kid
//                     (or, given a string, under that kid);
//       wrong_aud     re-signs the id_token (with the real key) after setting
//                     `aud` to another client's id (or to the list given);
//       wrong_iss     rewrites `iss` in the authorization response (redirect
//                     query, or the form_post page's hidden input);
//     and the token record (read off the token endpoint's and the
//     authorization endpoint's responses, so it holds exactly the strings a
//     client received).
//
// /__harness/ endpoints (Authorization: Bearer <admin_token>, JSON bodies):
//   POST /__harness/configure  {accounts?, replace_accounts?, switches?,
//                               redirect_uris?, client_id?}
//   POST /__harness/reset      accounts, switches and clients as at start
//   GET  /__harness/state      the current accounts, switches and clients

import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';

import Provider from 'oidc-provider';

const DEFAULT_SWITCHES = Object.freeze({
  claims_in_id_token: true, // false: email/email_verified/name only from userinfo
  issue_refresh_tokens: true, // false: no refresh_token, even for offline_access
  stranger_key: false, // true: ID tokens signed with a key not in the JWKS (a string: under that kid)
  wrong_aud: false, // true, a string or a list: ID tokens' aud (true: "someone-else")
  wrong_iss: false, // true or a string: the authorization response's iss is that
});
const ACCOUNT_CLAIMS = ['email', 'email_verified', 'name'];
const ADMIN_PREFIX = '/__harness/';

// oidc-provider's NOTICE lines use console.info (stdout); stdout is only for
// the ready line, so send every other console line to stderr.
console.info = console.error;
console.log = console.error;

const configPath = process.argv[2];
if (!configPath) {
  console.error('usage: node server.mjs CONFIG.json');
  process.exit(2);
}
const config = JSON.parse(fs.readFileSync(configPath, 'utf8'));
const host = config.host || '127.0.0.1';

const state = {
  accounts: structuredClone(config.accounts || {}),
  switches: { ...DEFAULT_SWITCHES, ...(config.switches || {}) },
  clients: structuredClone(config.clients || []),
};

function rsaKey() {
  const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  return privateKey.export({ format: 'jwk' });
}

// The provider's one signing key (published in the JWKS), and the stranger's.
const kid = crypto.randomBytes(8).toString('base64url');
const signingJwk = { ...rsaKey(), kid, alg: 'RS256', use: 'sig' };
const signingKey = crypto.createPrivateKey({ key: signingJwk, format: 'jwk' });
const strangerKey = crypto.createPrivateKey({ key: rsaKey(), format: 'jwk' });

function b64json(value) {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

function decodeJwt(token) {
  const [header, payload] = token.split('.');
  return {
    header: JSON.parse(Buffer.from(header, 'base64url').toString()),
    payload: JSON.parse(Buffer.from(payload, 'base64url').toString()),
  };
}

function signRS256(header, payload, key) {
  const input = `${b64json(header)}.${b64json(payload)}`;
  const signature = crypto.sign('sha256', Buffer.from(input), key).toString('base64url');
  return `${input}.${signature}`;
}

function tamperIdToken(idToken) {
  const { stranger_key: strangerSwitch, wrong_aud: wrongAud } = state.switches;
  if (!strangerSwitch && !wrongAud) {
    return idToken;
  }
  const { header, payload } = decodeJwt(idToken);
  if (wrongAud) {
    payload.aud = wrongAud === true ? 'someone-else' : wrongAud;
  }
  if (typeof strangerSwitch === 'string') {
    header.kid = strangerSwitch;
  }
  return signRS256(header, payload, strangerSwitch ? strangerKey : signingKey);
}

function wrongIssuer() {
  const { wrong_iss: wrongIss } = state.switches;
  if (!wrongIss) return undefined;
  return typeof wrongIss === 'string' ? wrongIss : 'https://attacker.example';
}

function record(kind, value, extra = {}) {
  if (!config.tokens_file || typeof value !== 'string') return;
  const line = JSON.stringify({ kind, value, at: new Date().toISOString(), ...extra });
  fs.appendFileSync(config.tokens_file, `${line}\n`);
}

function clientMetadata(client) {
  return {
    client_id: client.client_id,
    client_secret: client.client_secret,
    redirect_uris: client.redirect_uris,
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
    id_token_signed_response_alg: 'RS256',
  };
}

const server = http.createServer();
server.listen(config.port || 0, host);
await new Promise((resolve, reject) => {
  server.once('listening', resolve);
  server.once('error', reject);
});
const { port } = server.address();
const issuer = config.issuer || `http://${host}:${port}`;

const provider = new Provider(issuer, {
  jwks: { keys: [signingJwk] },
  // Clients live in the adapter (as dynamically registered ones do), not in
  // the static `clients` list, so /__harness/configure can change their
  // redirect_uris while the provider runs.
  clients: [],
  clientAuthMethods: ['client_secret_basic', 'client_secret_post'],
  clientBasedCORS: () => false,
  cookies: {
    // Cookies are not isolated by port: none of these may collide with
    // FlowPulse's own (flowpulse_session, flowpulse_state).
    names: {
      session: 'oidc_harness_session',
      interaction: 'oidc_harness_interaction',
      resume: 'oidc_harness_resume',
    },
    keys: [crypto.randomBytes(32).toString('base64url')],
  },
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name'],
  },
  scopes: ['openid', 'offline_access', 'email', 'profile'],
  responseTypes: ['code'],
  // Scope-requested claims may go into the ID token; findAccount's claims()
  // then decides (switch claims_in_id_token).
  conformIdTokenClaims: false,
  features: {
    devInteractions: { enabled: true },
    revocation: { enabled: true, allowedPolicy: async (ctx, client, token) => token.clientId === client.clientId },
    userinfo: { enabled: true },
  },
  pkce: { required: () => true },
  issueRefreshToken: async (ctx, client) => (
    state.switches.issue_refresh_tokens && client.grantTypeAllowed('refresh_token')
  ),
  async findAccount(ctx, sub) {
    return {
      accountId: sub,
      async claims(use) {
        const claims = { sub };
        const account = state.accounts[sub];
        if (!account || (use === 'id_token' && !state.switches.claims_in_id_token)) {
          return claims;
        }
        for (const name of ACCOUNT_CLAIMS) {
          if (account[name] !== undefined && account[name] !== null) claims[name] = account[name];
        }
        return claims;
      },
    };
  },
  ttl: {
    AccessToken: 3600,
    AuthorizationCode: 60,
    Grant: 3600,
    IdToken: 3600,
    Interaction: 600,
    RefreshToken: 24 * 3600,
    Session: 3600,
  },
  renderError: async (ctx, out) => {
    ctx.type = 'html';
    const lines = Object.entries(out).map(([key, value]) => `<pre>${key}: ${String(value).replace(/[<>&"]/g, '')}</pre>`);
    ctx.body = `<!DOCTYPE html><html><body><h1>oops! something went wrong</h1>${lines.join('')}</body></html>`;
  },
});

async function installClients() {
  for (const client of state.clients) {
    await provider.Client.adapter.upsert(client.client_id, clientMetadata(client));
  }
}
await installClients();

for (const event of ['server_error', 'authorization.error', 'grant.error', 'userinfo.error']) {
  provider.on(event, (ctx, error) => {
    console.error(`${event}: ${error?.name}: ${error?.message} ${error?.error_description || ''}`);
  });
}

function rewriteIss(location, iss) {
  const url = new URL(location);
  if (url.searchParams.has('iss')) url.searchParams.set('iss', iss);
  return url.toString();
}

// Upstream of every oidc-provider route: what it sent is ctx.body/headers here.
provider.use(async (ctx, next) => {
  await next();
  if (ctx.path === '/token' && ctx.method === 'POST' && ctx.status === 200 && ctx.body) {
    const body = ctx.body;
    const grantType = ctx.oidc?.params?.grant_type;
    if (body.id_token) body.id_token = tamperIdToken(body.id_token);
    for (const kind of ['access_token', 'refresh_token', 'id_token']) {
      if (body[kind]) record(kind, body[kind], { grant_type: grantType });
    }
    return;
  }
  const location = ctx.response.get('Location');
  if (location && /^https?:/.test(location) && !location.startsWith(issuer)) {
    const url = new URL(location);
    const code = url.searchParams.get('code');
    if (code) record('authorization_code', code);
    const iss = wrongIssuer();
    if (iss) ctx.set('Location', rewriteIss(location, iss));
  } else if (typeof ctx.body === 'string' && ctx.body.includes('<title>Submitting Callback</title>')) {
    const code = /name="code" value="([^"]*)"/.exec(ctx.body);
    if (code) record('authorization_code', code[1]);
    const iss = wrongIssuer();
    if (iss) {
      ctx.body = ctx.body.replace(
        /(<input type="hidden" name="iss" value=")[^"]*("\/>)/,
        (_, start, end) => `${start}${iss.replace(/[<>&"]/g, '')}${end}`,
      );
    }
  }
});

function readJson(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      try {
        const text = Buffer.concat(chunks).toString();
        resolve(text ? JSON.parse(text) : {});
      } catch (error) {
        reject(error);
      }
    });
    req.on('error', reject);
  });
}

function answer(res, status, body) {
  res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
  res.end(JSON.stringify(body));
}

function snapshot() {
  return { issuer, accounts: state.accounts, switches: state.switches, clients: state.clients };
}

async function admin(req, res) {
  const expected = `Bearer ${config.admin_token}`;
  const given = req.headers.authorization || '';
  if (!config.admin_token || given.length !== expected.length
      || !crypto.timingSafeEqual(Buffer.from(given), Buffer.from(expected))) {
    answer(res, 401, { error: 'admin token required' });
    return;
  }
  const path = req.url.split('?')[0];
  if (req.method === 'GET' && path === `${ADMIN_PREFIX}state`) {
    answer(res, 200, snapshot());
    return;
  }
  if (req.method !== 'POST') {
    answer(res, 405, { error: 'POST only' });
    return;
  }
  const body = await readJson(req);
  if (path === `${ADMIN_PREFIX}reset`) {
    state.accounts = structuredClone(config.accounts || {});
    state.switches = { ...DEFAULT_SWITCHES, ...(config.switches || {}) };
    state.clients = structuredClone(config.clients || []);
  } else if (path === `${ADMIN_PREFIX}configure`) {
    const unknown = Object.keys(body.switches || {}).filter((name) => !(name in DEFAULT_SWITCHES));
    if (unknown.length) {
      answer(res, 400, { error: `unknown switches: ${unknown.join(', ')}` });
      return;
    }
    if (body.accounts) {
      state.accounts = body.replace_accounts ? body.accounts : { ...state.accounts, ...body.accounts };
    }
    Object.assign(state.switches, body.switches || {});
    if (body.redirect_uris) {
      const clientId = body.client_id || state.clients[0]?.client_id;
      const client = state.clients.find((candidate) => candidate.client_id === clientId);
      if (!client) {
        answer(res, 404, { error: `no client ${clientId}` });
        return;
      }
      client.redirect_uris = body.redirect_uris;
    }
  } else {
    answer(res, 404, { error: 'no such admin endpoint' });
    return;
  }
  await installClients();
  answer(res, 200, snapshot());
}

const handleProvider = provider.callback();
server.on('request', (req, res) => {
  if (req.url.startsWith(ADMIN_PREFIX)) {
    admin(req, res).catch((error) => answer(res, 400, { error: String(error) }));
  } else {
    handleProvider(req, res);
  }
});

function stop(signal) {
  console.error(`oidc harness: ${signal}, stopping`);
  server.close(() => process.exit(0));
  server.closeAllConnections();
  setTimeout(() => process.exit(0), 2000).unref();
}
process.on('SIGTERM', () => stop('SIGTERM'));
process.on('SIGINT', () => stop('SIGINT'));
// The test process holds our stdin open; if it dies without stopping us, the
// pipe closes and we go too, rather than linger on a port.
process.stdin.on('end', () => stop('stdin closed'));
process.stdin.on('error', () => stop('stdin error'));
process.stdin.resume();

process.stdout.write(`ready ${issuer}\n`);
