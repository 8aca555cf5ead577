// The official Node SDK (@descope/node-sdk 2.13.0) against the emulator: tenants, roles,
// permissions, user search and updates (shared/wire-b2b.md), each effect checked through
// another call. Run by run.sh.
import { createRequire } from "node:module";
const require = createRequire(import.meta.url);
const sdk = require("@descope/node-sdk");
const DescopeClient = typeof sdk === "function" ? sdk : sdk.default;
const baseUrl = process.env.DESCOPE_BASE_URL, projectId = process.env.DESCOPE_PROJECT_ID;
const c = DescopeClient({ projectId, baseUrl, managementKey: process.env.MANAGEMENT_KEY });
const check = (what, ok, extra) => { console.log(`${ok ? "ok  " : "FAIL"} ${what}`, ok ? "" : JSON.stringify(extra)); if (!ok) process.exitCode = 1; };
const m = c.management;

// Tenants.
let r = await m.tenant.createWithId("T2acme", "Acme", ["acme.com"], { plan: "pro" }); check("tenant createWithId", r.ok, r);
r = await m.tenant.create("Globex"); check("tenant create", r.ok && r.data.id, r);
r = await m.tenant.create("acme"); check("tenant duplicate name refused", !r.ok, r);
r = await m.tenant.load("T2acme"); check("tenant load is the tenant itself", r.ok && r.data.name === "Acme" && r.data.selfProvisioningDomains[0] === "acme.com" && r.data.customAttributes.plan === "pro", r);
r = await m.tenant.update("T2acme", "Acme Corp", ["acme.io"]); check("tenant update", r.ok, r);
r = await m.tenant.load("T2acme"); check("tenant update replaces", r.ok && r.data.name === "Acme Corp" && Object.keys(r.data.customAttributes || {}).length === 0, r);
r = await m.tenant.loadAll(); check("tenant loadAll", r.ok && r.data.length === 2, r);
r = await m.tenant.searchAll(undefined, ["Acme Corp", "Globex"], ["acme.io"]); check("tenant searchAll AND", r.ok && r.data.length === 1 && r.data[0].id === "T2acme", r);
r = await m.tenant.configureSettings("T2acme", { selfProvisioningDomains: ["acme.io", "acme.dev"], enabled: true, sessionTokenExpiration: 2, sessionTokenExpirationUnit: "hours" }); check("tenant configureSettings", r.ok, r);
r = await m.tenant.getSettings("T2acme"); check("tenant getSettings", r.ok && r.data.selfProvisioningDomains.length === 2 && r.data.sessionTokenExpiration === 2, r);
r = await m.tenant.load("T2none"); check("unknown tenant refused", !r.ok && r.code >= 400 && r.code < 500, r);

// Permissions and roles.
r = await m.permission.create("docs.read", "Read"); check("permission create", r.ok, r);
await m.permission.create("docs.write");
r = await m.permission.create("docs.read"); check("permission duplicate refused", !r.ok, r);
r = await m.permission.loadAll(); check("permission loadAll", r.ok && r.data.length === 2, r);
r = await m.role.create("editor", "Edits", ["docs.read", "docs.write"]); check("role create", r.ok, r);
r = await m.role.create("owner", undefined, ["docs.read"], "T2acme"); check("tenant role create", r.ok, r);
r = await m.role.create("broken", undefined, ["docs.none"]); check("role with an unknown permission refused", !r.ok, r);
r = await m.role.create("lead", undefined, undefined, "T2none"); check("tenant role of an unknown tenant refused", !r.ok, r);
r = await m.role.loadAll(); check("role loadAll", r.ok && r.data.length === 2, r);
r = await m.role.search({ tenantIds: ["T2acme"] }); check("role search by tenant", r.ok && r.data.length === 1 && r.data[0].name === "owner", r);
r = await m.role.search({ tenantIds: ["T2acme"], includeProjectRoles: true }); check("role search with project roles", r.ok && r.data.length === 2, r);

// Users: membership, claims at sign-in, cascades.
r = await m.user.create("ada@acme.com", { email: "ada@acme.com", roles: ["editor"], userTenants: [{ tenantId: "T2acme", roleNames: ["owner"] }] }); check("user create", r.ok, r);
await m.user.setActivePassword("ada@acme.com", "Ada-Passw0rd-1");
const signIn = async () => c.validateSession((await c.password.signIn("ada@acme.com", "Ada-Passw0rd-1")).data.sessionJwt);
let v = await signIn();
check("claims: project permissions", c.validatePermissions(v, ["docs.write"]), v.token);
check("claims: tenant roles", c.validateTenantRoles(v, "T2acme", ["owner"]), v.token);
check("claims: tenant permissions", c.validateTenantPermissions(v, "T2acme", ["docs.read"]), v.token);
r = await m.user.load("ada@acme.com"); check("tenant name on the user", r.ok && r.data.userTenants[0].tenantName === "Acme Corp", r);
r = await m.permission.update("docs.read", "docs.view"); check("permission update", r.ok, r);
r = await m.role.search({ roleNames: ["editor"] }); check("permission rename reaches roles", r.ok && r.data[0].permissionNames.includes("docs.view"), r);
v = await signIn(); check("permission rename reaches the next session", c.validatePermissions(v, ["docs.view"]) && !c.validatePermissions(v, ["docs.read"]), v.token);
r = await m.role.update("editor", "author", "Writes", ["docs.write"]); check("role update", r.ok, r);
r = await m.user.load("ada@acme.com"); check("role rename reaches users", r.ok && r.data.roleNames.length === 1 && r.data.roleNames[0] === "author", r);
r = await m.permission.delete("docs.write"); check("permission delete", r.ok, r);
r = await m.role.search({ roleNames: ["author"] }); check("permission delete reaches roles", r.ok && r.data[0].permissionNames.length === 0, r);
r = await m.role.delete("author"); check("role delete", r.ok, r);
r = await m.user.load("ada@acme.com"); check("role delete reaches users", r.ok && r.data.roleNames.length === 0, r);

// Search, batch load, update, patch and the single-field updates.
const ids = [];
for (let i = 0; i < 30; i++) {
  r = await m.user.create(`u${String(i).padStart(2, "0")}@example.com`, i % 3 === 0 ? { userTenants: [{ tenantId: "T2acme", roleNames: [] }] } : {});
  ids.push(r.data.userId);
}
r = await m.user.search({ limit: 10, page: 0 }); check("search page and total", r.ok && r.data.users.length === 10 && r.data.total === 31, r.data && r.data.total);
const seen = new Set();
for (let page = 0; page < 4; page++) (await m.user.search({ limit: 10, page })).data.users.forEach((u) => seen.add(u.userId));
check("search pages cover all, disjoint", seen.size === 31, seen.size);
r = await m.user.search({ tenantIds: ["T2acme"], text: "u0" }); check("search filters AND", r.ok && r.data.total === 4, r.data && r.data.total);
await m.user.deactivate(ids[1]);
r = await m.user.loadUsers([ids[0], ids[1], "U2unknown"]); check("loadUsers skips unknown and disabled", r.ok && r.data.length === 1 && r.data[0].userId === ids[0], r);
r = await m.user.loadUsers([ids[0], ids[1]], true); check("loadUsers includeInvalidUsers", r.ok && r.data.length === 2, r);
r = await m.user.update("u05@example.com", { email: "u05@acme.com", displayName: "Five", roles: ["a"] }); check("update", r.ok && r.data.email === "u05@acme.com" && r.data.name === "Five" && r.data.roleNames[0] === "a", r);
r = await m.user.update("u05@example.com", { displayName: "Five" }); check("update is a full replace", r.ok && !r.data.email && r.data.roleNames.length === 0, r);
r = await m.user.patch("u05@example.com", { phone: "+15555550105" }); check("patch changes only what is sent", r.ok && r.data.phone === "+15555550105" && r.data.name === "Five", r);
r = await m.user.updateEmail("u05@example.com", "five@acme.com", true); check("updateEmail", r.ok && r.data.email === "five@acme.com" && r.data.verifiedEmail === true, r);
r = await m.user.updatePhone("u05@example.com", "+15555550199", false); check("updatePhone", r.ok && r.data.phone === "+15555550199", r);
r = await m.user.updateDisplayName("u05@example.com", "Cinq", undefined, undefined, "Five"); check("updateDisplayName", r.ok && r.data.name === "Cinq" && r.data.familyName === "Five", r);
r = await m.user.setRoles("u05@example.com", ["x", "y"]); check("setRoles", r.ok && r.data.roleNames.join() === "x,y", r);
r = await m.user.setTenantRoles("u05@example.com", "T2acme", ["owner"]); check("setTenantRoles", r.ok && r.data.userTenants[0].roleNames[0] === "owner", r);
r = await m.user.updateLoginId("u05@example.com", "five@example.com"); check("updateLoginId", r.ok && r.data.loginIds[0] === "five@example.com", r);
r = await m.user.load("u05@example.com"); check("old login id gone", !r.ok, r);
r = await m.user.updateLoginId("five@example.com", "u06@example.com"); check("login id of another user refused", !r.ok, r);
r = await m.user.patch("nobody@example.com", { displayName: "x" }); check("unknown user refused", !r.ok && r.code >= 400 && r.code < 500, r);

// Deleting a tenant removes it from its users.
r = await m.tenant.delete("T2acme"); check("tenant delete", r.ok, r);
r = await m.tenant.load("T2acme"); check("tenant deleted", !r.ok, r);
r = await m.user.load("ada@acme.com"); check("tenant delete reaches users", r.ok && r.data.userTenants.length === 0, r);
const bad = DescopeClient({ projectId, baseUrl, managementKey: "K2wrong" });
r = await bad.management.tenant.loadAll(); check("wrong key refused", !r.ok && [401, 403].includes(r.code), r);
if (process.exitCode) console.log("the Node SDK FAILED against the emulator (B2B)");
