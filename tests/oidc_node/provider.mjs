// A third-party OpenID Connect provider for the social sign-in tests: panva's oidc-provider on loopback.
//
// Usage: node tests/oidc_node/provider.mjs PORT
// OIDC_NODE_CONFIG: {"client_id", "secret", "redirect_uri", "users": [{"username", "email", "password", "name", "verified", "picture"}]}
// ("verified" is sent as email_verified as given, default true: a string such as "false" stays a string)
// OIDC_NODE_MODE: "normal"; "foreign-key" (signs id_tokens with a key its JWKS does not publish, under
// the published key's kid); "alg-none" (the token endpoint answers with an unsigned id_token:
// oidc-provider 8 will not sign with "none" itself, so its signed id_token is rewritten on the way out);
// "other-userinfo" (userinfo about another subject than the id_token); "stale-auth-time" (id_tokens
// properly signed, but saying the member last signed in an hour ago, whatever was asked).
import { createPrivateKey, generateKeyPairSync, sign } from 'node:crypto';
import http from 'node:http';

import Provider from 'oidc-provider';

const port = Number(process.argv[2]);
const config = JSON.parse(process.env.OIDC_NODE_CONFIG);
const mode = process.env.OIDC_NODE_MODE || 'normal';
const issuer = `http://127.0.0.1:${port}`;

function signingKey(kid) {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { ...privateKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' };
}

function publicPart({ d, p, q, dp, dq, qi, ...rest }) {
  return rest;
}

const signing = signingKey('k1');
const published = mode === 'foreign-key' ? publicPart(signingKey('k1')) : publicPart(signing);
const accountId = (user) => user.username || user.email;
const byLogin = (login) => config.users.find((user) => user.email === login || user.username === login);

const provider = new Provider(issuer, {
  clients: [{
    client_id: config.client_id,
    client_secret: config.secret,
    redirect_uris: [config.redirect_uri],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_post',
    id_token_signed_response_alg: 'RS256',
  }],
  jwks: { keys: [signing] },
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'picture'] },
  cookies: { keys: ['oidc-node-test-only'], names: { session: 'node_session', interaction: 'node_interaction', resume: 'node_resume' } },
  features: { devInteractions: { enabled: false } },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  async findAccount(ctx, id) {
    const user = config.users.find((candidate) => accountId(candidate) === id);
    if (!user) return undefined;
    return {
      accountId: id,
      async claims() {
        const claims = { sub: id, name: user.name };
        if (user.picture) claims.picture = user.picture;
        if (user.email) Object.assign(claims, { email: user.email, email_verified: user.verified ?? true });
        return claims;
      },
    };
  },
});

const escape = (text) => String(text ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(res, title, body) {
  res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(`<!doctype html><html lang="en"><head><title>${escape(title)}</title></head><body><main><h1>${escape(title)}</h1>${body}</main></body></html>`);
}

function loginForm(res, uid, login, error) {
  page(res, 'Sign in to Node ID', `${error ? `<p role="alert">${escape(error)}</p>` : ''}
    <form method="post" action="/interaction/${uid}/login">
      <label>E-mail or user name <input name="login" value="${escape(login)}" autocomplete="username"></label>
      <label>Password <input name="password" type="password" autocomplete="current-password"></label>
      <button type="submit">Sign In</button>
    </form>`);
}

async function readForm(req) {
  let body = '';
  for await (const chunk of req) body += chunk;
  return new URLSearchParams(body);
}

async function interaction(req, res, uid, action) {
  const details = await provider.interactionDetails(req, res);
  const { prompt, params, session, grantId } = details;
  if (action === undefined && req.method === 'GET') {
    if (prompt.name === 'login') {
      const user = session && config.users.find((candidate) => accountId(candidate) === session.accountId);
      return loginForm(res, uid, user ? user.email || user.username : '');
    }
    return page(res, 'Authorize Idea Forum', `<p>Idea Forum asks for your name and e-mail address.</p>
      <form method="post" action="/interaction/${uid}/confirm"><button type="submit">Authorize</button></form>
      <form method="post" action="/interaction/${uid}/abort"><button type="submit">Cancel</button></form>`);
  }
  if (req.method !== 'POST') {
    res.writeHead(405).end();
    return undefined;
  }
  if (action === 'login') {
    const form = await readForm(req);
    const user = byLogin(form.get('login'));
    if (!user || user.password !== form.get('password')) return loginForm(res, uid, form.get('login'), 'Wrong e-mail or password.');
    return provider.interactionFinished(req, res, { login: { accountId: accountId(user) } }, { mergeWithLastSubmission: false });
  }
  if (action === 'confirm') {
    const grant = grantId ? await provider.Grant.find(grantId) : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
    if (prompt.details.missingOIDCScope) grant.addOIDCScope(prompt.details.missingOIDCScope.join(' '));
    if (prompt.details.missingOIDCClaims) grant.addOIDCClaims(prompt.details.missingOIDCClaims);
    return provider.interactionFinished(req, res, { consent: { grantId: await grant.save() } }, { mergeWithLastSubmission: true });
  }
  return provider.interactionFinished(req, res, { error: 'access_denied', error_description: 'End-User aborted interaction' }, { mergeWithLastSubmission: false });
}

// Rewrites a JSON response on its way out.
function rewriteJson(res, change) {
  const end = res.end.bind(res);
  res.end = (chunk, ...rest) => {
    const body = JSON.parse(chunk.toString());
    change(body);
    const text = JSON.stringify(body);
    if (!res.headersSent) res.setHeader('Content-Length', Buffer.byteLength(text));
    return end(text, ...rest);
  };
}

function unsign(body) {
  if (!body.id_token) return;
  const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
  body.id_token = `${header}.${body.id_token.split('.')[1]}.`;
}

function staleAuthTime(body) {
  if (!body.id_token) return;
  const [header, payload] = body.id_token.split('.');
  const claims = JSON.parse(Buffer.from(payload, 'base64url'));
  claims.auth_time = Math.floor(Date.now() / 1000) - 3600;
  const input = `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
  const key = createPrivateKey({ key: signing, format: 'jwk' });
  body.id_token = `${input}.${sign('sha256', Buffer.from(input), key).toString('base64url')}`;
}

const handle = provider.callback();
http.createServer(async (req, res) => {
  const url = new URL(req.url, issuer);
  const match = url.pathname.match(/^\/interaction\/([\w-]+)(?:\/(login|confirm|abort))?$/);
  try {
    if (match) return await interaction(req, res, match[1], match[2]);
    if (url.pathname === '/jwks' && mode === 'foreign-key') {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      return res.end(JSON.stringify({ keys: [published] }));
    }
    if (url.pathname === '/token' && mode === 'alg-none') rewriteJson(res, unsign);
    if (url.pathname === '/token' && mode === 'stale-auth-time') rewriteJson(res, staleAuthTime);
    if (url.pathname === '/me' && mode === 'other-userinfo') rewriteJson(res, (body) => { body.sub = 'someone-else'; });
    return handle(req, res);
  } catch (error) {
    console.error(error);
    res.writeHead(500).end(String(error));
    return undefined;
  }
}).listen(port, '127.0.0.1', () => console.log(`oidc-provider (${mode}) on ${issuer}`));
