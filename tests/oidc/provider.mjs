// A local OpenID provider for mbtrain's login tests: panva's oidc-provider on a loopback port,
// with the test clients and synthetic users of the JSON file given as the first argument:
//   { "port": 0, "par_required": false, "clients": [...], "users": { "id": { claims } } }
// Each user's claims are what the provider says about them (pid, groups, oid, NAVident); acr
// is the level they log in at, unless the request asks (acr_values) for one of their
// "reachable" levels (a user who can step up, as with BankID after MinID).
// The login page is a plain form (no password: the tests pick the synthetic user by id).
// Prints "READY <issuer>" once it listens. Loopback only; nothing is fetched from outside.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import Provider from 'oidc-provider';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const users = config.users;
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = { ...privateKey.export({ format: 'jwk' }), kid: 'test-1', use: 'sig', alg: 'RS256' };

const server = createServer();
await new Promise((resolve) => server.listen(config.port || 0, '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${server.address().port}`;

const provider = new Provider(issuer, {
  clients: config.clients,
  jwks: { keys: [signingKey] },
  cookies: { keys: [randomBytes(16).toString('hex')] },
  pkce: { required: () => true },
  acrValues: ['idporten-loa-low', 'idporten-loa-substantial', 'idporten-loa-high'],
  scopes: ['openid', 'profile'],
  claims: { openid: ['sub', 'pid', 'oid', 'groups', 'NAVident'], profile: ['name'] },
  conformIdTokenClaims: false,
  features: {
    devInteractions: { enabled: false },
    pushedAuthorizationRequests: {
      enabled: true,
      requirePushedAuthorizationRequests: Boolean(config.par_required),
    },
    backchannelLogout: { enabled: true },
    rpInitiatedLogout: {
      enabled: true,
      // No confirmation page: a GET with id_token_hint logs out at once (tests only).
      logoutSource: async (ctx, form) => {
        const yes = form.replace('</form>', '<input type="hidden" name="logout" value="yes"></form>');
        ctx.body = `<!DOCTYPE html><html><body>${yes}<script>document.forms[0].submit()</script></body></html>`;
      },
    },
  },
  // The SSRF guard refuses back-channel calls to loopback addresses; this provider's
  // relying party is on 127.0.0.1, so its fetch drops the guard (test provider only).
  fetch: (url, { dispatcher, ...options }) => globalThis.fetch(url, options),
  findAccount: async (ctx, id) => (users[id]
    ? { accountId: id, claims: async () => ({ sub: id, ...users[id].claims }) }
    : undefined),
  // Consent is given at once for what the client asks (tests only).
  loadExistingGrant: async (ctx) => {
    const grantId = ctx.oidc.result?.consent?.grantId
      || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope(ctx.oidc.client.scope || 'openid profile');
    grant.addOIDCClaims(['pid', 'oid', 'groups', 'NAVident', 'name']);
    await grant.save();
    return grant;
  },
  ttl: { Session: 3600, Interaction: 600, Grant: 3600 },
});

function readBody(req) {
  return new Promise((resolve) => {
    let body = '';
    req.on('data', (chunk) => { body += chunk; });
    req.on('end', () => resolve(new URLSearchParams(body)));
  });
}

const handler = provider.callback();
server.on('request', async (req, res) => {
  const match = /^\/interaction\/([^/?]+)(\/login)?/.exec(req.url);
  if (!match) return handler(req, res);
  try {
    if (req.method === 'POST' && match[2]) {
      const body = await readBody(req);
      const accountId = body.get('user');
      if (!users[accountId]) {
        res.writeHead(400, { 'content-type': 'text/plain' });
        return res.end('unknown user');
      }
      const details = await provider.interactionDetails(req, res);
      const asked = String(details.params.acr_values || '').split(' ');
      const reachable = users[accountId].reachable || [];
      const acr = asked.find((level) => reachable.includes(level))
        || users[accountId].acr || 'idporten-loa-substantial';
      return await provider.interactionFinished(req, res, { login: { accountId, acr } },
        { mergeWithLastSubmission: false });
    }
    const details = await provider.interactionDetails(req, res);
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    return res.end(`<!DOCTYPE html><html lang="en"><head><title>Test provider</title></head><body>
<h1>Test provider login</h1>
<form method="post" action="/interaction/${details.uid}/login">
<label for="user">User</label> <input id="user" name="user" autofocus>
<button type="submit">Sign in</button></form></body></html>`);
  } catch (error) {
    res.writeHead(400, { 'content-type': 'text/plain' });
    return res.end(String(error));
  }
});

console.log(`READY ${issuer}`);
