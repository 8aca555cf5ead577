// The official Node SDK (@descope/node-sdk 2.13.0) against the emulator: sessions the backend
// issues, impersonation, embedded links and test users (shared/wire-issued.md). Every issued
// session is validated locally, refreshed and read back with `me`. Run by run.sh.
import { createRequire } from "node:module";
const require = createRequire(import.meta.url);
const sdk = require("@descope/node-sdk");
const DescopeClient = typeof sdk === "function" ? sdk : sdk.default;
const baseUrl = process.env.DESCOPE_BASE_URL, projectId = process.env.DESCOPE_PROJECT_ID;
const c = DescopeClient({ projectId, baseUrl, managementKey: process.env.MANAGEMENT_KEY });
const check = (what, ok, extra) => { console.log(`${ok ? "ok  " : "FAIL"} ${what}`, ok ? "" : JSON.stringify(extra)); if (!ok) process.exitCode = 1; };
const m = c.management;
const attempt = (p) => p.then(x => x, e => ({ error: String(e) }));

async function sessionChecks(what, sessionJwt, refreshJwt, userId, claims = {}) {
  const v = await attempt(c.validateSession(sessionJwt));
  check(`${what}: validated locally`, v.token && v.token.sub === userId && Object.entries(claims).every(([k, x]) => JSON.stringify(v.token[k]) === JSON.stringify(x)), v);
  const r = await attempt(c.refreshSession(refreshJwt));
  check(`${what}: refreshed`, r.token && r.token.sub === userId && Object.entries(claims).every(([k, x]) => JSON.stringify(r.token[k]) === JSON.stringify(x)), r);
  const me = await c.me(refreshJwt);
  check(`${what}: me`, me.ok && me.data.userId === userId, me);
}

// Users and the support role (Impersonate is built in).
let r = await m.role.create("support", "Support agents", ["Impersonate"]); check("role with Impersonate", r.ok, r);
const userOf = (r) => (r.data && r.data.user) || r.data;
const agent = userOf(await m.user.create("agent@example.com", { email: "agent@example.com", roles: ["support"] }));
const customer = userOf(await m.user.create("customer@example.com", { email: "customer@example.com" }));

// Backend sign-in, sign-up, sign-up-or-in.
r = await m.jwt.signIn("customer@example.com", { customClaims: { via: "partner", level: 3 } });
check("signIn", r.ok && r.data.user.userId === customer.userId, r);
await sessionChecks("signIn", r.data.sessionJwt, r.data.refreshJwt, customer.userId, { via: "partner", level: 3 });
r = await m.jwt.signIn("nobody@example.com"); check("signIn of an unknown user refused", !r.ok && r.code >= 400 && r.code < 500, r);
r = await m.jwt.signUp("new@example.com", { name: "New", email: "new@example.com", verifiedEmail: true }, { customClaims: { plan: "trial" } });
check("signUp", r.ok && r.data.firstSeen === true && r.data.user.name === "New" && r.data.user.verifiedEmail === true, r);
const created = r.data;
await sessionChecks("signUp", created.sessionJwt, created.refreshJwt, created.user.userId, { plan: "trial" });
r = await m.jwt.signUp("new@example.com"); check("signUp of an existing login ID refused", !r.ok && r.code === 409, r);
r = await m.jwt.signUpOrIn("new@example.com"); check("signUpOrIn signs in", r.ok && r.data.user.userId === created.user.userId && r.data.firstSeen === false, r);

// JWT update.
r = await m.jwt.update(created.sessionJwt, { team: "blue", level: 3, vip: true, sub: "someone-else" });
check("update", r.ok && r.data.jwt, r);
let v = await c.validateSession(r.data.jwt);
check("update adds custom claims of any type", v.token.team === "blue" && v.token.level === 3 && v.token.vip === true, v.token);
check("update filters system claims", v.token.sub === created.user.userId, v.token);
r = await m.jwt.update("not.a.jwt", { a: 1 }); check("update refuses a garbage JWT", !r.ok && r.code === 400, r);

// Anonymous.
r = await m.jwt.anonymous({ cart: "c-1" }); check("anonymous", r.ok && r.data.sessionJwt && r.data.refreshJwt, r);
v = await c.validateSession(r.data.sessionJwt);
check("anonymous custom claims", v.token.cart === "c-1", v.token);
const anonRefresh = await attempt(c.refreshSession(r.data.refreshJwt));
check("anonymous refreshes", anonRefresh.token && anonRefresh.token.sub === v.token.sub && anonRefresh.token.cart === "c-1", anonRefresh);

// Impersonation.
r = await m.jwt.impersonate(agent.userId, "customer@example.com", false, { ticket: "T-42" });
check("impersonate", r.ok && r.data.jwt, r);
const imp = r.data.jwt;
const impSession = await c.refreshSession(imp);
await sessionChecks("impersonate", impSession.jwt, imp, customer.userId, { act: { sub: agent.userId }, ticket: "T-42" });
r = await m.jwt.impersonate(customer.userId, "agent@example.com", false); check("impersonating needs the permission", !r.ok && r.code === 403, r);
r = await m.jwt.impersonate(agent.userId, "customer@example.com", true); check("consent is validated", !r.ok && r.code === 403, r);
r = await m.jwt.stopImpersonation(imp); check("stopImpersonation", r.ok && r.data.jwt, r);
const back = await attempt(c.refreshSession(r.data.jwt));
check("stopImpersonation gives the agent back", back.token && back.token.sub === agent.userId && !back.token.act, back);
const ended = await attempt(c.refreshSession(imp));
check("the impersonation session ended", ended.error !== undefined, ended);

// Embedded links.
r = await m.user.generateEmbeddedLink("customer@example.com", { via: "embedded" }); check("generateEmbeddedLink", r.ok && r.data.token, r);
const token = r.data.token;
r = await c.magicLink.verify(token);
check("embedded link verifies", r.ok && r.data.user.userId === customer.userId, r);
await sessionChecks("embedded link", r.data.sessionJwt, r.data.refreshJwt, customer.userId, { via: "embedded" });
r = await c.magicLink.verify(token); check("embedded link is single use", !r.ok && r.code === 401, r);
r = await m.user.generateSignUpEmbeddedLink("invited@example.com", { email: "invited@example.com", name: "Invited" }, true);
r = await c.magicLink.verify(r.data.token);
check("sign-up embedded link creates the user", r.ok && r.data.firstSeen === true && r.data.user.verifiedEmail === true, r);

// Test users.
await m.user.createTestUser("qa@example.com", { email: "qa@example.com" });
r = await m.user.generateOTPForTestUser("email", "qa@example.com", { customClaims: { qa: "otp" } });
check("test OTP", r.ok && r.data.loginId === "qa@example.com" && r.data.code.length === 6, r);
const code = r.data.code;
r = await c.otp.verify.email("qa@example.com", code);
check("test OTP verifies", r.ok, r);
const qa = r.data;
await sessionChecks("test OTP", qa.sessionJwt, qa.refreshJwt, qa.user.userId, { qa: "otp" });
r = await c.otp.verify.email("qa@example.com", code); check("test OTP is single use", !r.ok, r);
r = await m.user.generateMagicLinkForTestUser("email", "qa@example.com", "https://app.example.com/landing");
check("test magic link", r.ok && r.data.link.startsWith("https://app.example.com/landing?t="), r);
const t = new URL(r.data.link).searchParams.get("t");
r = await c.magicLink.verify(t); check("test magic link verifies", r.ok && r.data.user.loginIds[0] === "qa@example.com", r);
r = await m.user.generateEnchantedLinkForTestUser("qa@example.com", "https://app.example.com/landing");
check("test enchanted link", r.ok && r.data.pendingRef, r);
await c.enchantedLink.verify(new URL(r.data.link).searchParams.get("t"));
r = await c.enchantedLink.waitForSession(r.data.pendingRef, { pollingIntervalMs: 50, timeoutMs: 5000 });
check("test enchanted link session", r.ok && r.data.user.loginIds[0] === "qa@example.com", r);
r = await m.user.generateOTPForTestUser("email", "customer@example.com"); check("test codes are for test users only", !r.ok && r.code === 400, r);
r = await m.user.deleteAllTestUsers(); check("deleteAllTestUsers", r.ok, r);
r = await m.user.load("qa@example.com"); check("the test users are gone", !r.ok, r);
const qaAfter = await attempt(c.refreshSession(qa.refreshJwt)); check("... their sessions ended", qaAfter.error !== undefined, qaAfter);
r = await m.user.load("customer@example.com"); check("... and only them", r.ok, r);
console.log("node issued:", process.exitCode ? "FAILED" : "passed");
