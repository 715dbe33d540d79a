// A real OpenID Connect provider (oidc-provider, ES modules only) for the integration tests, run
// in a worker thread of the test process: jest's module loader cannot load ES modules, a worker's
// is Node's own. It listens on 127.0.0.1 on an ephemeral port, knows one static client, and
// completes its login and consent interactions by itself as the user the test chose last
// (message { type: 'sign-in-as', user: { sub, email, email_verified } }), or refuses (user null).
import { createServer } from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';
import Provider from 'oidc-provider';

const { clientId, clientSecret, redirectUri } = workerData;
const users = new Map();
let signInAs = null;

const server = createServer();
await new Promise((listening) => server.listen(0, '127.0.0.1', listening));
// The host name may differ from the app's (localhost vs 127.0.0.1) to make the provider another site, as in real life.
const issuer = `http://${workerData.issuerHost ?? '127.0.0.1'}:${server.address().port}`;

const provider = new Provider(issuer, {
  clients: [{ client_id: clientId, client_secret: clientSecret, redirect_uris: [redirectUri], token_endpoint_auth_method: 'client_secret_basic' }],
  claims: { openid: ['sub'], email: ['email', 'email_verified'] },
  findAccount: (ctx, sub) => {
    const user = users.get(sub);
    return user ? { accountId: sub, claims: () => ({ ...user, sub }) } : undefined;
  },
  features: { devInteractions: { enabled: false } },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  cookies: { keys: ['oidc-provider test cookie key, not a secret'] },
  pkce: { required: () => true },
});
// A provider-side failure would otherwise only show as a refusal in the app.
provider.on('server_error', (ctx, error) => console.error('test OIDC provider error', error));

const callback = provider.callback();
server.on('request', async (req, res) => {
  if (!req.url.startsWith('/interaction/')) return callback(req, res);
  try {
    const { prompt, params, session, grantId } = await provider.interactionDetails(req, res);
    if (prompt.name === 'login') {
      if (!signInAs) return await provider.interactionFinished(req, res, { error: 'access_denied', error_description: 'the test user cancelled' }, { mergeWithLastSubmission: false });
      users.set(signInAs.sub, signInAs);
      return await provider.interactionFinished(req, res, { login: { accountId: signInAs.sub } }, { mergeWithLastSubmission: false });
    }
    // consent: grant what the client asked for
    const grant = grantId ? await provider.Grant.find(grantId) : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
    if (prompt.details.missingOIDCScope) grant.addOIDCScope(prompt.details.missingOIDCScope.join(' '));
    if (prompt.details.missingOIDCClaims) grant.addOIDCClaims(prompt.details.missingOIDCClaims);
    return await provider.interactionFinished(req, res, { consent: { grantId: await grant.save() } }, { mergeWithLastSubmission: true });
  } catch (error) {
    res.statusCode = 500;
    res.end(String(error));
  }
});

parentPort.on('message', (message) => {
  if (message.type === 'sign-in-as') {
    signInAs = message.user;
    parentPort.postMessage({ type: 'ok' });
  } else if (message.type === 'close') {
    server.closeAllConnections();
    server.close(() => process.exit(0));
  }
});
parentPort.postMessage({ type: 'ready', issuer });
