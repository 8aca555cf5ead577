"""The official Python SDK (descope 2.16.0) against the emulator: password, session, management
and access-key calls, OTP, magic-link and enchanted-link email flows with codes and links read
from the emulator's outbox, and reset completion; each effect checked through the SDK. Run by
run.sh (the emulator runs with --reset-method from RESET_METHOD)."""
import json, os, sys, urllib.request
from urllib.parse import parse_qs, urlparse
from descope import DescopeClient, AuthException, AssociatedTenant, DeliveryMethod, UserPassword
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

def outbox_last(to):
    with urllib.request.urlopen(f"{base}/emulator/v1/outbox") as r:
        messages = json.load(r)["messages"]
    return [m for m in messages if m["to"] == to][-1]
def token_of(message):
    return parse_qs(urlparse(message["link"]).query)["t"][0]
def jwts(r):
    return r["sessionToken"]["jwt"], r["refreshSessionToken"]["jwt"]

# OTP: sign-up, verify (a new user), sign-in, sign-up-or-in, a wrong code, update email.
m = c.otp.sign_up(DeliveryMethod.EMAIL, "otp@example.com", {"name": "Otp"}); check("otp sign_up masked", "@" in m, m)
msg = outbox_last("otp@example.com"); check("otp outbox", msg["method"] == "otp" and msg["purpose"] == "signup", msg)
r = c.otp.verify_code(DeliveryMethod.EMAIL, "otp@example.com", msg["code"]); check("otp verify first_seen", r.get("firstSeen") is True, r)
c.otp.sign_in(DeliveryMethod.EMAIL, "otp@example.com")
r = c.otp.verify_code(DeliveryMethod.EMAIL, "otp@example.com", outbox_last("otp@example.com")["code"]); check("otp sign_in verify", r.get("firstSeen") is False, r)
c.otp.sign_up_or_in(DeliveryMethod.EMAIL, "otp@example.com")
check("otp wrong code refused", refused(lambda: c.otp.verify_code(DeliveryMethod.EMAIL, "otp@example.com", "x")))
_, refresh_otp = jwts(r)
c.otp.update_user_email("otp@example.com", "otp-new@example.com", refresh_otp, add_to_login_ids=True)
msg = outbox_last("otp-new@example.com"); check("otp update outbox", msg["loginId"] == "otp@example.com" and msg["purpose"] == "update-email", msg)
r = c.otp.verify_code(DeliveryMethod.EMAIL, "otp@example.com", msg["code"])
me = c.me(jwts(r)[1]); check("otp update sets the email", me["email"] == "otp-new@example.com" and me["verifiedEmail"] is True and "otp-new@example.com" in me["loginIds"], me)

# Magic link: sign-up, verify, sign-in, used token refused, update email without a URL.
c.magiclink.sign_up(DeliveryMethod.EMAIL, "ml@example.com", "http://localhost/verify", {"name": "Ml"})
msg = outbox_last("ml@example.com"); check("magiclink link", msg["link"].startswith("http://localhost/verify?t="), msg)
r = c.magiclink.verify(token_of(msg)); check("magiclink verify", r.get("firstSeen") is True, r)
check("magiclink used token refused", refused(lambda: c.magiclink.verify(token_of(msg))))
c.magiclink.sign_in(DeliveryMethod.EMAIL, "ml@example.com", "http://localhost/verify")
r = c.magiclink.verify(token_of(outbox_last("ml@example.com"))); check("magiclink sign_in", r.get("firstSeen") is False, r)
_, refresh_ml = jwts(r)
c.magiclink.sign_up_or_in(DeliveryMethod.EMAIL, "ml2@example.com", "http://localhost/verify")
r = c.magiclink.verify(token_of(outbox_last("ml2@example.com"))); check("magiclink sign_up_or_in", r.get("firstSeen") is True, r)
c.magiclink.update_user_email("ml@example.com", "ml-new@example.com", refresh_ml)
msg = outbox_last("ml-new@example.com"); check("magiclink update uses the configured URL", msg["link"].startswith("http://localhost/configured?t="), msg)
r = c.magiclink.verify(token_of(msg)); me = c.me(jwts(r)[1]); check("magiclink update sets the email", me["email"] == "ml-new@example.com", me)

# Enchanted link: sign-in, pending, verify, the session once.
c.password.sign_up("el@example.com", "El-Passw0rd-1")
p = c.enchantedlink.sign_in("el@example.com", "http://localhost/verify"); check("enchantedlink sign_in", p.get("pendingRef") and p.get("linkId"), p)
try:
    c.enchantedlink.get_session(p["pendingRef"]); check("enchantedlink pending", False)
except AuthException as e:
    check("enchantedlink pending is E062503", e.status_code == 401 and "E062503" in str(e.error_message), e)
msg = outbox_last("el@example.com"); check("enchantedlink link id", msg["linkId"] == p["linkId"], msg)
c.enchantedlink.verify(token_of(msg))
r = c.enchantedlink.get_session(p["pendingRef"]); check("enchantedlink session", "sessionToken" in r, r)
check("enchantedlink session once", refused(lambda: c.enchantedlink.get_session(p["pendingRef"])))
p = c.enchantedlink.sign_up("el2@example.com", "http://localhost/verify", {"name": "El"})
c.enchantedlink.verify(token_of(outbox_last("el2@example.com")))
r = c.enchantedlink.get_session(p["pendingRef"]); check("enchantedlink sign_up first_seen", r.get("firstSeen") is True, r)
p = c.enchantedlink.sign_up_or_in("el2@example.com", "http://localhost/verify")
c.enchantedlink.verify(token_of(outbox_last("el2@example.com")))
r = c.enchantedlink.get_session(p["pendingRef"]); check("enchantedlink sign_up_or_in", r.get("firstSeen") is False, r)
p = c.enchantedlink.update_user_email("el2@example.com", "el2-new@example.com", jwts(r)[1])
c.enchantedlink.verify(token_of(outbox_last("el2-new@example.com")))
r = c.enchantedlink.get_session(p["pendingRef"]); me = c.me(jwts(r)[1]); check("enchantedlink update sets the email", me["email"] == "el2-new@example.com", me)

# Reset completion by the emulator's reset method.
method = os.environ.get("RESET_METHOD", "magiclink")
c.password.sign_up("reset@example.com", "Reset-Passw0rd-1", {"email": "reset@example.com"})
sent = c.password.send_reset("reset@example.com", "http://localhost/reset"); check("send_reset method", sent["resetMethod"] == method, sent)
msg = outbox_last("reset@example.com")
if method == "magiclink":
    r = c.magiclink.verify(token_of(msg))
elif method == "otp":
    r = c.otp.verify_code(DeliveryMethod.EMAIL, "reset@example.com", msg["code"])
else:
    c.enchantedlink.verify(token_of(msg)); r = c.enchantedlink.get_session(sent["pendingRef"])
c.password.update("reset@example.com", "Reset-Passw0rd-2", jwts(r)[1])
c.password.sign_in("reset@example.com", "Reset-Passw0rd-2"); check(f"reset by {method} completed", True)
check("old password refused", refused(lambda: c.password.sign_in("reset@example.com", "Reset-Passw0rd-1")))
sys.exit(1 if failed else 0)
