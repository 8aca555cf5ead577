// The official Node SDK (@descope/node-sdk 2.13.0) against the emulator: TOTP sign-up, verify
// and key update, codes by SMS and voice, phone update, and TOTP removal (shared/wire-totp.md).
// The authenticator app's codes are computed here from the key (RFC 6238); phone codes are read
// from the outbox. Every session is validated locally, refreshed and read back. Run by run.sh.
import { createRequire } from "node:module";
import { createHmac } from "node:crypto";
const require = createRequire(import.meta.url);
const sdk = require("@descope/node-sdk");
const DescopeClient = typeof sdk === "function" ? sdk : sdk.default;
const baseUrl = process.env.DESCOPE_BASE_URL, projectId = process.env.DESCOPE_PROJECT_ID;
const c = DescopeClient({ projectId, baseUrl, managementKey: process.env.MANAGEMENT_KEY });
const check = (what, ok, extra) => { console.log(`${ok ? "ok  " : "FAIL"} ${what}`, ok ? "" : JSON.stringify(extra)); if (!ok) process.exitCode = 1; };
const attempt = (p) => p.then(x => x, e => ({ error: String(e) }));

// RFC 6238: HMAC-SHA1 of the 30-second step, 6 digits.
function totp(key, at) {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = "";
  for (const ch of key.replace(/=+$/, "")) bits += alphabet.indexOf(ch).toString(2).padStart(5, "0");
  const bytes = Buffer.from(bits.match(/.{8}/g).map(b => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(at / 30)));
  const digest = createHmac("sha1", bytes).update(counter).digest();
  const offset = digest[digest.length - 1] & 0x0f;
  return String((digest.readUInt32BE(offset) & 0x7fffffff) % 1000000).padStart(6, "0");
}
async function outboxLast(to) {
  const { messages } = await (await fetch(`${baseUrl}/emulator/v1/outbox`)).json();
  return messages.filter(m => m.to === to).pop();
}
async function sessionChecks(what, data, loginId) {
  const v = await attempt(c.validateSession(data.sessionJwt));
  check(`${what}: validated locally`, v.token && v.token.sub === data.user.userId, v);
  const r = await attempt(c.refreshSession(data.refreshJwt));
  check(`${what}: refreshed`, r.token && r.token.sub === data.user.userId, r);
  const me = await c.me(data.refreshJwt);
  check(`${what}: me`, me.ok && me.data.loginIds.includes(loginId), me);
  return me.data;
}

// TOTP.
let r = await c.totp.signUp("ada@example.com", { name: "Ada" });
check("totp signUp", r.ok && r.data.provisioningURL.startsWith("otpauth://totp/") && Buffer.from(r.data.image, "base64").subarray(0, 4).toString("latin1") === "\x89PNG", r);
const key = r.data.key;
const now = Date.now() / 1000;
r = await c.totp.verify("ada@example.com", totp(key, now));
check("totp verify creates the user", r.ok && r.data.firstSeen === true && r.data.user.TOTP === true, r);
const me = await sessionChecks("totp", r.data, "ada@example.com");
check("me shows TOTP", me.TOTP === true, me);
r = await c.totp.verify("ada@example.com", totp(key, now)); check("a used step is refused", !r.ok && r.code === 401, r);
r = await c.totp.verify("ada@example.com", totp(key, now + 90)); check("a code three steps ahead is refused", !r.ok && r.code === 401, r);
r = await c.totp.verify("ada@example.com", totp(key, now + 30)); check("the next step is accepted", r.ok, r);
const refresh = r.data.refreshJwt;
r = await c.totp.update("ada@example.com", refresh); check("totp update", r.ok && r.data.key !== key, r);
const newKey = r.data.key;
r = await c.totp.verify("ada@example.com", totp(newKey, now)); check("a code of the new key replaces the old one", r.ok, r);
r = await c.totp.verify("ada@example.com", totp(key, now - 30)); check("the old key is refused", !r.ok && r.code === 401, r);
r = await c.management.user.removeTOTPSeed("ada@example.com"); check("removeTOTPSeed", r.ok, r);
r = await c.management.user.load("ada@example.com"); check("load after removal", r.ok && r.data.TOTP === false, r);

// SMS and voice.
r = await c.otp.signUp.sms("+14155550100", { name: "Sam", phone: "+14155550100" });
let m = await outboxLast("+14155550100");
check("sms signUp: outbox", r.ok && r.data.maskedPhone && m.delivery === "sms" && m.purpose === "signup", { r, m });
r = await c.otp.verify.sms("+14155550100", m.code);
check("sms verify", r.ok && r.data.user.verifiedPhone === true, r);
await sessionChecks("sms", r.data, "+14155550100");
r = await c.otp.verify.sms("+14155550100", m.code); check("sms code single use", !r.ok && r.code === 401, r);
r = await c.otp.signIn.voice("+14155550100");
m = await outboxLast("+14155550100");
check("voice signIn: outbox", r.ok && m.delivery === "voice" && m.purpose === "signin", m);
for (let i = 0; i < 5; i++) r = await c.otp.verify.voice("+14155550100", m.code === "000000" ? "111111" : "000000");
check("too many wrong attempts spend the code", !r.ok && r.error.errorCode === "E061103", r);
r = await c.otp.verify.voice("+14155550100", m.code); check("... the right one is refused after", !r.ok, r);
r = await c.otp.signIn.sms("+14155550111"); check("signIn of an unknown number refused", !r.ok && r.code === 401, r);
r = await c.otp.signUpOrIn.sms("+447911123456");
m = await outboxLast("+447911123456");
r = await c.otp.verify.sms("+447911123456", m.code);
check("sms signUpOrIn", r.ok && r.data.user.loginIds[0] === "+447911123456", r);

// Phone update, added as a login ID.
await c.management.user.create("grace@example.com", { email: "grace@example.com" });
const g = (await c.management.jwt.signIn("grace@example.com")).data;
r = await c.otp.update.phone.sms("grace@example.com", "+14155550123", g.refreshJwt, { addToLoginIDs: true });
m = await outboxLast("+14155550123");
check("update phone: outbox", r.ok && m.purpose === "update-phone" && m.loginId === "grace@example.com", { r, m });
r = await c.otp.verify.sms("grace@example.com", m.code);
check("update phone sets the number, verified, as a login ID", r.ok && r.data.user.phone === "+14155550123" && r.data.user.verifiedPhone && r.data.user.loginIds.includes("+14155550123"), r);
console.log("node second factors:", process.exitCode ? "FAILED" : "passed");
