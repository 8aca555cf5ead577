"""The official Python SDK (descope 2.16.0) against the emulator: tenants, roles, permissions,
user search and updates (shared/wire-b2b.md), each effect checked through another call."""
import os, sys
from descope import DescopeClient, AuthException, AssociatedTenant
base, pid = os.environ["DESCOPE_BASE_URL"], os.environ["DESCOPE_PROJECT_ID"]
failed = 0
def check(what, ok, extra=None):
    global failed
    print(("ok   " if ok else "FAIL ") + what, "" if ok else extra)
    failed += 0 if ok else 1
def refused(f):
    try:
        f(); return False
    except AuthException as e:
        return 400 <= e.status_code < 500
c = DescopeClient(project_id=pid, base_url=base, management_key=os.environ["MANAGEMENT_KEY"])
m = c.mgmt

# Tenants.
r = m.tenant.create("Acme", id="T2acme", self_provisioning_domains=["acme.com"], custom_attributes={"plan": "pro"})
check("tenant create", r.get("id") == "T2acme", r)
r = m.tenant.create("Globex"); gid = r.get("id"); check("tenant create with a generated id", bool(gid), r)
check("tenant duplicate name refused", refused(lambda: m.tenant.create("acme")))
t = m.tenant.load("T2acme"); check("tenant load is the tenant itself", t.get("name") == "Acme" and t.get("selfProvisioningDomains") == ["acme.com"] and t.get("customAttributes", {}).get("plan") == "pro", t)
m.tenant.update("T2acme", "Acme Corp", self_provisioning_domains=["acme.io"])
t = m.tenant.load("T2acme"); check("tenant update replaces", t["name"] == "Acme Corp" and t["selfProvisioningDomains"] == ["acme.io"] and not t.get("customAttributes"), t)
r = m.tenant.load_all(); check("tenant load_all", len(r["tenants"]) == 2, r)
r = m.tenant.search_all(names=["Acme Corp", "Globex"], self_provisioning_domains=["acme.io"]); check("tenant search_all AND", [x["id"] for x in r["tenants"]] == ["T2acme"], r)
r = m.tenant.search_all(ids=["T2none"]); check("tenant search_all unknown id", r["tenants"] == [], r)
m.tenant.update_settings("T2acme", ["acme.io", "acme.dev"], session_settings_enabled=True, session_token_expiration=2, session_token_expiration_unit="hours")
s = m.tenant.load_settings("T2acme"); check("tenant settings", s.get("selfProvisioningDomains") == ["acme.io", "acme.dev"] and s.get("sessionTokenExpiration") == 2 and s.get("enabled") is True, s)
check("tenant load of an unknown id refused", refused(lambda: m.tenant.load("T2none")))

# Permissions and roles.
m.permission.create("docs.read", "Read"); m.permission.create("docs.write")
check("permission duplicate refused", refused(lambda: m.permission.create("docs.read")))
r = m.permission.load_all(); check("permission load_all", sorted(p["name"] for p in r["permissions"]) == ["docs.read", "docs.write"], r)
m.role.create("editor", "Edits", ["docs.read", "docs.write"])
m.role.create("owner", None, ["docs.read"], "T2acme")
check("role with an unknown permission refused", refused(lambda: m.role.create("broken", None, ["docs.none"])))
check("role duplicate refused", refused(lambda: m.role.create("editor")))
check("tenant role of an unknown tenant refused", refused(lambda: m.role.create("lead", None, None, "T2none")))
r = m.role.load_all(); check("role load_all", sorted(x["name"] for x in r["roles"]) == ["editor", "owner"], r)
r = m.role.search(tenant_ids=["T2acme"]); check("role search by tenant", [x["name"] for x in r["roles"]] == ["owner"], r)
r = m.role.search(tenant_ids=["T2acme"], include_project_roles=True); check("role search with project roles", len(r["roles"]) == 2, r)
r = m.role.search(role_name_like="EDIT"); check("role search name like", [x["name"] for x in r["roles"]] == ["editor"], r)

# Users: membership, claims at sign-in, cascades.
m.user.create("ada@acme.com", email="ada@acme.com", role_names=["editor"], user_tenants=[AssociatedTenant("T2acme", ["owner"])])
m.user.set_active_password("ada@acme.com", "Ada-Passw0rd-1")
jwt = c.password.sign_in("ada@acme.com", "Ada-Passw0rd-1")
check("claims: project permissions", c.validate_permissions(jwt, ["docs.write"]), jwt.get("sessionToken"))
check("claims: tenant roles", c.validate_tenant_roles(jwt, "T2acme", ["owner"]))
check("claims: tenant permissions", c.validate_tenant_permissions(jwt, "T2acme", ["docs.read"]))
u = m.user.load("ada@acme.com")["user"]; check("tenant name on the user", u["userTenants"][0].get("tenantName") == "Acme Corp", u)
m.permission.update("docs.read", "docs.view")
r = m.role.search(role_names=["editor"]); check("permission rename reaches roles", "docs.view" in r["roles"][0]["permissionNames"], r)
jwt = c.password.sign_in("ada@acme.com", "Ada-Passw0rd-1")
check("permission rename reaches the next session", c.validate_permissions(jwt, ["docs.view"]) and not c.validate_permissions(jwt, ["docs.read"]))
m.role.update("editor", "author", "Writes", ["docs.write"])
u = m.user.load("ada@acme.com")["user"]; check("role rename reaches users", u["roleNames"] == ["author"], u)
m.permission.delete("docs.write")
r = m.role.search(role_names=["author"]); check("permission delete reaches roles", r["roles"][0]["permissionNames"] == [], r)
m.role.delete("author")
u = m.user.load("ada@acme.com")["user"]; check("role delete reaches users", u["roleNames"] == [], u)

# Search, batch load, update, patch and the single-field updates.
ids = []
for i in range(30):
    ids.append(m.user.create(f"u{i:02}@example.com", user_tenants=[AssociatedTenant("T2acme", [])] if i % 3 == 0 else None)["user"]["userId"])
r = m.user.search_all(limit=10, page=0); check("search page and total", len(r["users"]) == 10 and r.get("total") == 31, {k: r.get(k) for k in ("total",)})
seen = set()
for page in range(4):
    seen.update(x["userId"] for x in m.user.search_all(limit=10, page=page)["users"])
check("search pages cover all, disjoint", len(seen) == 31, len(seen))
r = m.user.search_all(tenant_ids=["T2acme"], text="u0"); check("search filters AND", r.get("total") == 4, r.get("total"))
m.user.deactivate(ids[1])
r = m.user.load_users([ids[0], ids[1], "U2unknown"]); check("load_users skips unknown and disabled", [x["userId"] for x in r["users"]] == [ids[0]], r)
r = m.user.load_users([ids[0], ids[1]], include_invalid_users=True); check("load_users include_invalid_users", len(r["users"]) == 2, r)
r = m.user.update("u05@example.com", email="u05@acme.com", display_name="Five", role_names=["a"])
check("update", r["user"]["email"] == "u05@acme.com" and r["user"]["name"] == "Five" and r["user"]["roleNames"] == ["a"], r)
r = m.user.update("u05@example.com", display_name="Five")
check("update is a full replace", not r["user"].get("email") and r["user"]["roleNames"] == [], r)
r = m.user.patch("u05@example.com", phone="+15555550105")
check("patch changes only what is sent", r["user"]["phone"] == "+15555550105" and r["user"]["name"] == "Five", r)
r = m.user.update_email("u05@example.com", "five@acme.com", True); check("update_email", r["user"]["email"] == "five@acme.com" and r["user"]["verifiedEmail"] is True, r)
r = m.user.update_phone("u05@example.com", "+15555550199", False); check("update_phone", r["user"]["phone"] == "+15555550199", r)
r = m.user.update_display_name("u05@example.com", "Cinq", family_name="Five"); check("update_display_name", r["user"]["name"] == "Cinq" and r["user"]["familyName"] == "Five", r)
r = m.user.set_roles("u05@example.com", ["x", "y"]); check("set_roles", r["user"]["roleNames"] == ["x", "y"], r)
r = m.user.set_tenant_roles("u05@example.com", "T2acme", ["owner"]); check("set_tenant_roles", r["user"]["userTenants"][0]["roleNames"] == ["owner"], r)
r = m.user.update_login_id("u05@example.com", "five@example.com"); check("update_login_id", r["user"]["loginIds"] == ["five@example.com"], r)
check("old login id gone", refused(lambda: m.user.load("u05@example.com")))
check("login id of another user refused", refused(lambda: m.user.update_login_id("five@example.com", "u06@example.com")))
check("unknown user refused", refused(lambda: m.user.patch("nobody@example.com", display_name="x")))

# Deleting a tenant removes it from its users.
m.tenant.delete("T2acme")
check("tenant deleted", refused(lambda: m.tenant.load("T2acme")))
u = m.user.load("ada@acme.com")["user"]; check("tenant delete reaches users", u["userTenants"] == [], u)
bad = DescopeClient(project_id=pid, base_url=base, management_key="K2wrong")
check("wrong key refused", refused(lambda: bad.mgmt.tenant.load_all()))
sys.exit(1 if failed else 0)
