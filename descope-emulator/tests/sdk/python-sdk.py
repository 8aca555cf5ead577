"""The official Python SDK (descope 2.16.0) against the emulator: password, session, management
and access-key calls, each effect checked through the SDK. Run by run.sh."""
import os, sys
from descope import DescopeClient, AuthException, AssociatedTenant, UserPassword
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
u = c.mgmt.user
pw = c.password.sign_up("pw@example.com", "Pw-Passw0rd-1", {"name": "Pw"})
me = c.me(pw["refreshSessionToken"]["jwt"]); check("password sign_up and me", me["loginIds"] == ["pw@example.com"], me)
r = u.create("py@example.com", email="py@example.com", display_name="Py Thon", user_tenants=[AssociatedTenant("T2p", ["member"])])
check("create", r["user"]["loginIds"] == ["py@example.com"], r)
uid = r["user"]["userId"]
r = u.add_roles("py@example.com", ["admin"]); check("add_roles", "admin" in r["user"]["roleNames"], r)
u.set_active_password("py@example.com", "Py-Passw0rd-1"); check("set_active_password", True)
jwt = c.password.sign_in("py@example.com", "Py-Passw0rd-1")
check("sign_in", "sessionToken" in jwt)
check("roles", c.validate_roles(jwt, ["admin"]))
check("tenant roles", c.validate_tenant_roles(jwt, "T2p", ["member"]))
refresh = jwt["refreshSessionToken"]["jwt"]
u.deactivate("py@example.com")
check("sign_in refused when disabled", refused(lambda: c.password.sign_in("py@example.com", "Py-Passw0rd-1")))
u.activate(uid)
u.expire_password("py@example.com")
check("sign_in refused when expired", refused(lambda: c.password.sign_in("py@example.com", "Py-Passw0rd-1")))
c.password.replace("py@example.com", "Py-Passw0rd-1", "Py-Passw0rd-2")
jwt = c.password.sign_in("py@example.com", "Py-Passw0rd-2"); check("sign_in after replace", True)
refresh = jwt["refreshSessionToken"]["jwt"]
sel = c.select_tenant("T2p", refresh); check("select_tenant dct", sel["sessionToken"].get("dct") == "T2p", sel.get("sessionToken"))
h = c.history(refresh); check("history", isinstance(h, list) and len(h) >= 2, h)
u.logout_user("py@example.com")
check("refresh refused after logout_user", refused(lambda: c.refresh_session(refresh)))
r = u.create_test_user("t@example.com"); check("create_test_user", r["user"]["test"] is True, r)
u.delete_all_test_users()
check("test user gone", refused(lambda: u.load("t@example.com")))
r = u.load("py@example.com"); check("load", r["user"]["userId"] == uid)
r = u.load_by_user_id(uid); check("load_by_user_id", r["user"]["userId"] == uid)
u.remove_roles("py@example.com", ["admin"]); u.add_tenant("py@example.com", "T2q"); u.add_tenant_roles("py@example.com", "T2q", ["x"])
u.remove_tenant_roles("py@example.com", "T2q", ["x"]); u.remove_tenant("py@example.com", "T2q")
u.set_temporary_password("py@example.com", "Py-Temp0rary-1")
check("temporary refused", refused(lambda: c.password.sign_in("py@example.com", "Py-Temp0rary-1")))
u.logout_user_by_user_id(uid); u.delete_by_user_id(uid)
check("deleted", refused(lambda: u.load_by_user_id(uid)))
ak = DescopeClient(project_id=pid, base_url=base)
t = ak.exchange_access_key(os.environ["ACCESS_KEY"]); check("exchange_access_key", t["keyId"].startswith("K"), t)
bad = DescopeClient(project_id=pid, base_url=base, management_key="K2wrong")
check("wrong key refused", refused(lambda: bad.mgmt.user.create("x@example.com")))
sys.exit(1 if failed else 0)
