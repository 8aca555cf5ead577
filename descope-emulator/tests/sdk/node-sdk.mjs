// The official Node SDK (@descope/node-sdk 2.13.0) against the emulator: password, session,
// management and access-key calls, OTP, magic-link and enchanted-link email flows with codes and
// links read from the emulator's outbox, and reset completion (by RESET_METHOD); each effect
// checked through the SDK. Run by run.sh.
import { createRequire } from "node:module";
const require = createRequire(import.meta.url);
const sdk = require("@descope/node-sdk");
const DescopeClient = typeof sdk === "function" ? sdk : sdk.default;
const baseUrl = process.env.DESCOPE_BASE_URL, projectId = process.env.DESCOPE_PROJECT_ID;
const c = DescopeClient({ projectId, baseUrl, managementKey: process.env.MANAGEMENT_KEY });
const check = (what, ok, extra) => { console.log(`${ok ? "ok  " : "FAIL"} ${what}`, ok ? "" : JSON.stringify(extra)); if (!ok) process.exitCode = 1; };
const u = c.management.user;
let p = await c.password.signUp("pw@example.com", "Pw-Passw0rd-1", { name: "Pw" });
check("password signUp", p.ok, p);
p = await c.me(p.data.refreshJwt); check("me", p.ok && p.data.loginIds[0] === "pw@example.com", p);
let r = await u.create("node@example.com", { email: "node@example.com", displayName: "No De", userTenants: [{ tenantId: "T2n", roleNames: ["member"] }] });
check("create", r.ok && r.data.loginIds[0] === "node@example.com", r);
const userId = r.data.userId;
r = await u.addRoles("node@example.com", ["admin"]); check("addRoles", r.ok && r.data.roleNames.includes("admin"), r);
r = await u.setActivePassword("node@example.com", "Node-Passw0rd-1"); check("setActivePassword", r.ok, r);
r = await c.password.signIn("node@example.com", "Node-Passw0rd-1"); check("signIn", r.ok, r);
const refresh = r.data.refreshJwt;
const v = await c.validateSession(r.data.sessionJwt); check("validateSession has admin", c.validateRoles(v, ["admin"]), v);
check("tenant roles", c.validateTenantRoles(v, "T2n", ["member"]), v);
r = await u.deactivate("node@example.com"); check("deactivate", r.ok && r.data.status === "disabled", r);
r = await c.password.signIn("node@example.com", "Node-Passw0rd-1"); check("signIn refused when disabled", !r.ok, r);
r = await u.activate(userId); check("activate by user id", r.ok && r.data.status === "enabled", r);
r = await u.expirePassword("node@example.com"); check("expirePassword", r.ok, r);
r = await c.password.signIn("node@example.com", "Node-Passw0rd-1"); check("signIn refused when expired", !r.ok, r);
r = await c.password.replace("node@example.com", "Node-Passw0rd-1", "Node-Passw0rd-2"); check("replace", r.ok, r);
r = await c.password.signIn("node@example.com", "Node-Passw0rd-2"); check("signIn after replace", r.ok, r);
const refresh2 = r.data.refreshJwt;
r = await c.selectTenant("T2n", refresh2); check("selectTenant", r.ok, r);
if (r.ok) { const s = await c.validateSession(r.data.sessionJwt); check("dct", s.token.dct === "T2n", s.token); }
r = await c.history(refresh2); check("history", r.ok && Array.isArray(r.data) && r.data.length >= 2, r);
r = await u.logoutUser("node@example.com"); check("logoutUser", r.ok, r);
r = await c.refreshSession(refresh2).then(x => ({ ok: true, x }), e => ({ ok: false, e: String(e) })); check("refresh refused after logoutUser", !r.ok, r);
r = await u.createTestUser("t1@example.com", {}); check("createTestUser", r.ok && r.data.test === true, r);
r = await u.deleteAllTestUsers(); check("deleteAllTestUsers", r.ok, r);
r = await u.load("t1@example.com"); check("test user gone", !r.ok, r);
r = await u.load("node@example.com"); check("load", r.ok && r.data.userId === userId, r);
r = await u.loadByUserId(userId); check("loadByUserId", r.ok, r);
r = await u.removeRoles("node@example.com", ["admin"]); check("removeRoles", r.ok && !r.data.roleNames.includes("admin"), r);
r = await u.addTenant("node@example.com", "T2m"); check("addTenant", r.ok, r);
r = await u.addTenantRoles("node@example.com", "T2m", ["x"]); check("addTenantRoles", r.ok, r);
r = await u.removeTenantRoles("node@example.com", "T2m", ["x"]); check("removeTenantRoles", r.ok, r);
r = await u.removeTenant("node@example.com", "T2m"); check("removeTenant", r.ok, r);
r = await u.setTemporaryPassword("node@example.com", "Node-Temp0rary-1"); check("setTemporaryPassword", r.ok, r);
r = await u.delete("node@example.com"); check("delete", r.ok, r);
const ak = DescopeClient({ projectId, baseUrl });
r = await ak.exchangeAccessKey(process.env.ACCESS_KEY).then(x => ({ ok: true, x }), e => ({ ok: false, e: String(e) })); check("exchangeAccessKey", r.ok && r.x.token.sub.startsWith("K"), r);
const bad = DescopeClient({ projectId, baseUrl, managementKey: "K2wrong" });
r = await bad.management.user.create("x@example.com", {}); check("wrong key refused", !r.ok && [401, 403].includes(r.code), r);

const outboxLast = async (to) => {
  const { messages } = await (await fetch(`${baseUrl}/emulator/v1/outbox`)).json();
  return messages.filter((m) => m.to === to).at(-1);
};
const tokenOf = (m) => new URL(m.link).searchParams.get("t");

// OTP: sign-up, verify, sign-in, a wrong code, update email.
r = await c.otp.signUp.email("otp@example.com", { name: "Otp" }); check("otp signUp", r.ok && r.data.maskedEmail, r);
let m = await outboxLast("otp@example.com"); check("otp outbox", m && m.method === "otp" && m.purpose === "signup", m);
r = await c.otp.verify.email("otp@example.com", m.code); check("otp verify firstSeen", r.ok && r.data.firstSeen === true, r);
r = await c.otp.signIn.email("otp@example.com"); check("otp signIn", r.ok, r);
r = await c.otp.verify.email("otp@example.com", "x"); check("otp wrong code refused", !r.ok && r.error.errorCode === "E061102", r);
r = await c.otp.verify.email("otp@example.com", (await outboxLast("otp@example.com")).code); check("otp signIn verify", r.ok && r.data.firstSeen === false, r);
r = await c.otp.signUpOrIn.email("otp2@example.com"); check("otp signUpOrIn", r.ok, r);
r = await c.otp.verify.email("otp2@example.com", (await outboxLast("otp2@example.com")).code); check("otp signUpOrIn verify", r.ok && r.data.firstSeen === true, r);
r = await c.otp.update.email("otp2@example.com", "otp2-new@example.com", r.data.refreshJwt, { addToLoginIDs: true }); check("otp update", r.ok, r);
m = await outboxLast("otp2-new@example.com"); check("otp update outbox", m && m.loginId === "otp2@example.com" && m.purpose === "update-email", m);
r = await c.otp.verify.email("otp2@example.com", m.code);
r = await c.me(r.data.refreshJwt); check("otp update sets the email", r.ok && r.data.email === "otp2-new@example.com" && r.data.verifiedEmail && r.data.loginIds.includes("otp2-new@example.com"), r);

// Magic link.
r = await c.magicLink.signUp.email("ml@example.com", "http://localhost/verify", { name: "Ml" }); check("magicLink signUp", r.ok, r);
m = await outboxLast("ml@example.com"); check("magicLink link", m.link.startsWith("http://localhost/verify?t="), m);
r = await c.magicLink.verify(tokenOf(m)); check("magicLink verify", r.ok && r.data.firstSeen === true, r);
const mlRefresh = r.data.refreshJwt;
r = await c.magicLink.verify(tokenOf(m)); check("magicLink used token refused", !r.ok, r);
r = await c.magicLink.signIn.email("ml@example.com", "http://localhost/verify"); check("magicLink signIn", r.ok, r);
r = await c.magicLink.verify(tokenOf(await outboxLast("ml@example.com"))); check("magicLink signIn verify", r.ok && r.data.firstSeen === false, r);
r = await c.magicLink.signUpOrIn.email("ml2@example.com", "http://localhost/verify"); check("magicLink signUpOrIn", r.ok, r);
r = await c.magicLink.update.email("ml@example.com", "ml-new@example.com", "http://localhost/verify", mlRefresh, { addToLoginIDs: true }); check("magicLink update", r.ok, r);
r = await c.magicLink.verify(tokenOf(await outboxLast("ml-new@example.com")));
r = await c.me(r.data.refreshJwt); check("magicLink update sets the email", r.ok && r.data.email === "ml-new@example.com", r);

// Enchanted link: waitForSession polls through "not yet" until the link is clicked.
r = await c.enchantedLink.signUp("el@example.com", "http://localhost/verify", { name: "El" }); check("enchantedLink signUp", r.ok && r.data.pendingRef && r.data.linkId, r);
const pendingRef = r.data.pendingRef;
m = await outboxLast("el@example.com"); check("enchantedLink linkId", m.linkId === r.data.linkId, m);
const waiting = c.enchantedLink.waitForSession(pendingRef, { pollingIntervalMs: 1000, timeoutMs: 20000 });
await new Promise((done) => setTimeout(done, 1500));
r = await c.enchantedLink.verify(tokenOf(m)); check("enchantedLink verify", r.ok, r);
r = await waiting; check("enchantedLink waitForSession", r.ok && r.data.sessionJwt && r.data.firstSeen === true, r);
const elRefresh = r.data.refreshJwt;
r = await c.enchantedLink.signIn("el@example.com", "http://localhost/verify"); check("enchantedLink signIn", r.ok, r);
r = await c.enchantedLink.signUpOrIn("el@example.com", "http://localhost/verify"); check("enchantedLink signUpOrIn", r.ok, r);
r = await c.enchantedLink.update.email("el@example.com", "el-new@example.com", "http://localhost/verify", elRefresh); check("enchantedLink update", r.ok && r.data.pendingRef, r);
const updateRef = r.data.pendingRef;
await c.enchantedLink.verify(tokenOf(await outboxLast("el-new@example.com")));
r = await c.enchantedLink.waitForSession(updateRef, { pollingIntervalMs: 1000, timeoutMs: 20000 });
r = await c.me(r.data.refreshJwt); check("enchantedLink update sets the email", r.ok && r.data.email === "el-new@example.com", r);

// Reset completion by the emulator's reset method.
const method = process.env.RESET_METHOD || "magiclink";
await c.password.signUp("reset@example.com", "Reset-Passw0rd-1", { email: "reset@example.com" });
const sent = await c.password.sendReset("reset@example.com", "http://localhost/reset"); check("sendReset method", sent.ok && sent.data.resetMethod === method, sent);
m = await outboxLast("reset@example.com");
if (method === "magiclink") r = await c.magicLink.verify(tokenOf(m));
else if (method === "otp") r = await c.otp.verify.email("reset@example.com", m.code);
else { await c.enchantedLink.verify(tokenOf(m)); r = await c.enchantedLink.waitForSession(sent.data.pendingRef, { pollingIntervalMs: 1000, timeoutMs: 20000 }); }
check(`reset verified by ${method}`, r.ok, r);
r = await c.password.update("reset@example.com", "Reset-Passw0rd-2", r.data.refreshJwt); check("password update", r.ok, r);
r = await c.password.signIn("reset@example.com", "Reset-Passw0rd-2"); check(`reset by ${method} completed`, r.ok, r);
r = await c.password.signIn("reset@example.com", "Reset-Passw0rd-1"); check("old password refused", !r.ok, r);
if (process.exitCode) console.log("the Node SDK FAILED against the emulator");
