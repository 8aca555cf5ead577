// The official Node SDK (@descope/node-sdk 2.13.0) against the emulator as identity provider
// (shared/wire-sso.md): OAuth start and exchange, SSO start and exchange (its `sso` goes to
// /v1/auth/saml/*; the deprecated `saml` too), and SSO settings management. The IdP page is
// filled in as a browser would; every session is validated locally, refreshed and read back
// with `me`. Run by run.sh.
import { createRequire } from "node:module";
const require = createRequire(import.meta.url);
const sdk = require("@descope/node-sdk");
const DescopeClient = typeof sdk === "function" ? sdk : sdk.default;
const baseUrl = process.env.DESCOPE_BASE_URL, projectId = process.env.DESCOPE_PROJECT_ID;
const c = DescopeClient({ projectId, baseUrl, managementKey: process.env.MANAGEMENT_KEY });
const check = (what, ok, extra) => { console.log(`${ok ? "ok  " : "FAIL"} ${what}`, ok ? "" : JSON.stringify(extra)); if (!ok) process.exitCode = 1; };
const m = c.management;

// Fills in the IdP page at `url` as `email`: the callback URL it redirects to.
async function idp(url, email) {
  const page = await (await fetch(url)).text();
  if (!page.includes('id="idp-form"')) throw new Error(page);
  const posted = await fetch(url, { method: "POST", redirect: "manual", body: new URLSearchParams({ email, name: "Node User" }) });
  if (posted.status !== 302) throw new Error(`IdP page answered ${posted.status}`);
  return posted.headers.get("location");
}
const codeOf = (location) => new URL(location).searchParams.get("code");

async function sessionChecks(what, data, email, tenant) {
  const v = await c.validateSession(data.sessionJwt).then(x => x, e => ({ error: String(e) }));
  check(`${what}: validated locally`, v.token && v.token.sub === data.user.userId, v);
  const r = await c.refreshSession(data.refreshJwt).then(x => x, e => ({ error: String(e) }));
  check(`${what}: refreshed`, r.token && r.token.sub === data.user.userId, r);
  const me = await c.me(data.refreshJwt);
  check(`${what}: me`, me.ok && me.data.loginIds[0] === email && me.data.verifiedEmail === true, me);
  if (tenant) {
    check(`${what}: tenant in the session`, c.validateTenantRoles(v, tenant, []) && r.token.tenants && tenant in r.token.tenants, r.token);
    check(`${what}: tenant in me`, me.data.userTenants && me.data.userTenants.map(t => t.tenantId).join() === tenant, me.data);
  }
}

// OAuth, by name and by the provider shortcut.
let r = await c.oauth.start("github", "http://127.0.0.1:9/cb?from=node", { customClaims: { plan: "gold" } }, undefined, "ada@example.com");
check("oauth start answers the IdP page", r.ok && r.data.url.startsWith(baseUrl + "/"), r);
const page = await (await fetch(r.data.url)).text();
check("the login hint is pre-filled", page.includes('value="ada@example.com"'), page);
let loc = await idp(r.data.url, "ada@example.com");
check("the IdP page keeps the callback's query", loc.startsWith("http://127.0.0.1:9/cb?from=node&code="), loc);
let code = codeOf(loc);
r = await c.oauth.exchange(code);
check("oauth exchange", r.ok && r.data.user.loginIds[0] === "ada@example.com" && r.data.firstSeen === true && r.data.refreshJwt, r);
const ada = r.data;
const claims = await c.validateSession(ada.sessionJwt);
check("oauth custom claims", claims.token.plan === "gold", claims.token);
await sessionChecks("oauth", ada, "ada@example.com");
r = await c.oauth.exchange(code); check("oauth code replay refused", !r.ok && r.code === 401, r);
r = await c.oauth.start.google("http://127.0.0.1:9/cb");
r = await c.oauth.exchange(codeOf(await idp(r.data.url, "ada@example.com")));
check("same email, another provider: same user", r.ok && r.data.user.userId === ada.user.userId && r.data.firstSeen === false, r);
r = await c.oauth.start("myspace", "http://127.0.0.1:9/cb"); check("unknown provider refused", !r.ok && r.code === 400, r);
r = await c.oauth.start("github", "javascript:alert(1)"); check("javascript: redirect refused", !r.ok && r.code === 400, r);
r = await c.oauth.start("github", "http://127.0.0.1:9/cb", { stepup: true }); check("stepup without a refresh JWT refused", !r.ok && r.code === 401, r);
r = await c.oauth.start("github", "http://127.0.0.1:9/cb", { stepup: true }, ada.refreshJwt); check("stepup with the refresh JWT", r.ok, r);

// SSO settings management.
await m.tenant.createWithId("T2acme", "Acme");
r = await m.sso.configureSAMLSettings("T2acme", { idpUrl: "https://idp.acme.example/sso", entityId: "acme-entity", idpCert: "MIIC-cert", roleMappings: [{ groups: ["admins"], roleName: "Tenant Admin" }] }, "http://127.0.0.1:9/sso", ["acme.example"]);
check("configureSAMLSettings", r.ok, r);
r = await m.sso.loadSettings("T2acme");
check("loadSettings (saml)", r.ok && r.data.tenant.authType === "saml" && r.data.tenant.domains[0] === "acme.example" && r.data.saml.idpSSOUrl === "https://idp.acme.example/sso" && r.data.saml.groupsMapping[0].roleName === "Tenant Admin", r);
await m.tenant.createWithId("T2globex", "Globex");
r = await m.sso.configureOIDCSettings("T2globex", { name: "Globex IdP", clientId: "globex-client", clientSecret: "s3cret", authUrl: "https://idp.globex.example/auth", scope: ["openid"] }, ["globex.example"]);
check("configureOIDCSettings", r.ok, r);
r = await m.sso.loadSettings("T2globex");
check("loadSettings (oidc)", r.ok && r.data.tenant.authType === "oidc" && r.data.oidc.clientId === "globex-client" && !JSON.stringify(r.data).includes("s3cret"), r);

// SSO (the Node SDK's sso.* goes to /v1/auth/saml/*), by email domain and by tenant ID.
r = await c.sso.start("bob@ACME.example", "http://127.0.0.1:9/sso/cb");
check("sso start by email", r.ok, r);
r = await c.sso.exchange(codeOf(await idp(r.data.url, "bob@acme.example")));
check("sso exchange carries the refresh JWT in the body", r.ok && r.data.refreshJwt && r.data.user.loginIds[0] === "bob@acme.example", r);
await sessionChecks("sso", r.data, "bob@acme.example", "T2acme");
r = await c.saml.start("T2globex", "http://127.0.0.1:9/saml/cb");
r = await c.saml.exchange(codeOf(await idp(r.data.url, "carol@globex.example")));
check("saml exchange", r.ok, r);
await sessionChecks("saml", r.data, "carol@globex.example", "T2globex");
r = await c.sso.start("T2acme");
loc = await idp(r.data.url, "bob@acme.example");
check("sso start without a redirect URL uses the tenant's", loc.startsWith("http://127.0.0.1:9/sso?code="), loc);
code = codeOf(loc);
r = await c.oauth.exchange(code); check("an sso code at the oauth exchange refused", !r.ok && r.code === 401, r);
r = await c.sso.exchange(code); check("... and still good at its own", r.ok, r);
r = await c.sso.start("T2nope", "http://127.0.0.1:9/cb"); check("unknown tenant refused", !r.ok && r.code === 400, r);
r = await c.sso.start("eve@nowhere.example", "http://127.0.0.1:9/cb"); check("unknown domain refused", !r.ok && r.code === 400, r);
r = await m.sso.deleteSettings("T2acme"); check("deleteSettings", r.ok, r);
r = await c.sso.start("T2acme", "http://127.0.0.1:9/cb"); check("sso start after delete refused", !r.ok && r.code === 400, r);
console.log("node sso:", process.exitCode ? "FAILED" : "passed");
