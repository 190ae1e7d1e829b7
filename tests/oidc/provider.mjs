// A certified OpenID provider (node-oidc-provider) on 127.0.0.1 for tests/sign_in.rs:
// one public native client (PKCE, loopback redirects on any port), refresh tokens with
// rotation, revocation, RFC 9207 `iss` in the authorization response. Its login and
// consent pages complete by themselves for the test's stand-in browser: add `?deny=1` to
// the interaction address to refuse instead. Prints `listening <port>` when ready.
import http from 'node:http';
import Provider from 'oidc-provider';

const server = http.createServer();
await new Promise((ready) => server.listen(0, '127.0.0.1', ready));
const { port } = server.address();
const issuer = `http://127.0.0.1:${port}`;

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: 'desk-interop',
      application_type: 'native',
      token_endpoint_auth_method: 'none',
      redirect_uris: ['http://127.0.0.1/callback', 'http://localhost/callback'],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
    },
  ],
  features: {
    devInteractions: { enabled: false },
    revocation: { enabled: true },
  },
  scopes: ['openid', 'offline_access', 'profile'],
  claims: { openid: ['sub'], profile: ['name'] },
  rotateRefreshToken: true,
  ttl: {
    AccessToken: Number(process.env.ACCESS_TTL || 3600),
  },
  findAccount: async (_ctx, sub) => ({
    accountId: sub,
    claims: async () => ({ sub, name: 'Interop User' }),
  }),
  interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
});

// The interaction pages: no forms, the "user" says yes (or no) at once.
provider.use(async (ctx, next) => {
  const match = ctx.path.match(/^\/interaction\/([^/]+)$/);
  if (!match) return next();
  const { req, res } = ctx;
  const details = await provider.interactionDetails(req, res);
  let result;
  if (ctx.query.deny) {
    result = { error: 'access_denied', error_description: 'The interop user said no.' };
  } else if (details.prompt.name === 'login') {
    result = { login: { accountId: 'interop-user' } };
  } else {
    const grant = details.grantId
      ? await provider.Grant.find(details.grantId)
      : new provider.Grant({ accountId: details.session.accountId, clientId: details.params.client_id });
    const missing = details.prompt.details;
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
    if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
    result = { consent: { grantId: await grant.save() } };
  }
  ctx.respond = false;
  await provider.interactionFinished(req, res, result, { mergeWithLastSubmission: false });
});

server.on('request', provider.callback());
console.log(`listening ${port}`);
