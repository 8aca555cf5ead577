"""The official Python SDK (descope 2.16.0) against the emulator: sessions the backend issues,
impersonation, embedded links and test users (shared/wire-issued.md). Every issued session is
validated locally, refreshed and read back with `me`."""
import os
from descope import DescopeClient, AuthException, DeliveryMethod, LoginOptions
from descope.management.common import MgmtLoginOptions, MgmtUserRequest, MgmtSignUpOptions
from descope.management._user_base import CreateUserObj
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
def session_checks(what, session_jwt, refresh_jwt, user_id, claims=None):
    v = c.validate_session(session_jwt)
    check(what + ": validated locally", v.get("sub") == user_id and all(v.get(k) == x for k, x in (claims or {}).items()), v)
    r = c.refresh_session(refresh_jwt)
    check(what + ": refreshed", r["sessionToken"].get("sub") == user_id and all(r["sessionToken"].get(k) == x for k, x in (claims or {}).items()), r["sessionToken"])
    me = c.me(refresh_jwt)
    check(what + ": me", me["userId"] == user_id, me)
    return r

# Users and the support role (Impersonate is built in).
m.role.create("support", "Support agents", ["Impersonate"])
agent = m.user.create("agent@example.com", email="agent@example.com", role_names=["support"])["user"]
customer = m.user.create("customer@example.com", email="customer@example.com")["user"]

# Backend sign-in, sign-up, sign-up-or-in.
jwt = m.jwt.sign_in("customer@example.com", MgmtLoginOptions(custom_claims={"via": "partner", "level": 3}))
check("sign_in", jwt["user"]["userId"] == customer["userId"] and jwt["firstSeen"] is False, jwt.get("user"))
session_checks("sign_in", jwt["sessionToken"]["jwt"], jwt["refreshSessionToken"]["jwt"], customer["userId"], {"via": "partner", "level": 3})
check("sign_in of an unknown user refused", refused(lambda: m.jwt.sign_in("nobody@example.com")))
jwt = m.jwt.sign_up("new@example.com", MgmtUserRequest(name="New", email="new@example.com", email_verified=True), MgmtSignUpOptions(custom_claims={"plan": "trial"}))
check("sign_up", jwt["firstSeen"] is True and jwt["user"]["name"] == "New" and jwt["user"]["verifiedEmail"] is True, jwt.get("user"))
session_checks("sign_up", jwt["sessionToken"]["jwt"], jwt["refreshSessionToken"]["jwt"], jwt["user"]["userId"], {"plan": "trial"})
check("sign_up of an existing login ID refused", refused(lambda: m.jwt.sign_up("new@example.com")))
jwt2 = m.jwt.sign_up_or_in("new@example.com")
check("sign_up_or_in signs in an existing user", jwt2["user"]["userId"] == jwt["user"]["userId"] and jwt2["firstSeen"] is False, jwt2.get("user"))

# JWT update: custom claims of any JSON type; system claims filtered.
updated = m.jwt.update_jwt(jwt["sessionToken"]["jwt"], {"team": "blue", "level": 3, "vip": True, "roles": ["owner"]})
v = c.validate_session(updated)
check("update_jwt adds custom claims", v.get("team") == "blue" and v.get("level") == 3 and v.get("vip") is True, v)
check("update_jwt filters system claims", v.get("roles", []) != ["owner"], v)
check("update_jwt refuses a garbage JWT", refused(lambda: m.jwt.update_jwt("not.a.jwt", {"a": 1})))

# Anonymous.
anon = m.jwt.anonymous({"cart": "c-1"})
session_token = anon["sessionToken"]["jwt"]; refresh_token = anon["refreshSessionToken"]["jwt"]
v = c.validate_session(session_token)
check("anonymous session", v.get("cart") == "c-1", v)
r = c.refresh_session(refresh_token)
check("anonymous session refreshes", r["sessionToken"].get("sub") == v.get("sub") and r["sessionToken"].get("cart") == "c-1", r["sessionToken"])

# Impersonation.
imp = m.jwt.impersonate(agent["userId"], "customer@example.com", False, {"ticket": "T-42"})
r = session_checks("impersonate", c.refresh_session(imp)["sessionToken"]["jwt"], imp, customer["userId"], {"act": {"sub": agent["userId"]}, "ticket": "T-42"})
check("impersonating needs the permission", refused(lambda: m.jwt.impersonate(customer["userId"], "agent@example.com", False)))
check("consent is validated", refused(lambda: m.jwt.impersonate(agent["userId"], "customer@example.com", True)))
back = m.jwt.stop_impersonation(imp)
r = c.refresh_session(back)
check("stop_impersonation gives the agent back", r["sessionToken"].get("sub") == agent["userId"] and "act" not in r["sessionToken"], r["sessionToken"])
check("the impersonation session ended", refused(lambda: c.refresh_session(imp)))
check("stopping a session without act refused", refused(lambda: m.jwt.stop_impersonation(back)))

# Embedded links, exchanged through magic-link verify, once.
token = m.user.generate_embedded_link("customer@example.com", {"via": "embedded"})
jwt = c.magiclink.verify(token)
check("embedded link verifies with its claims", jwt["user"]["userId"] == customer["userId"] and jwt["sessionToken"].get("via") == "embedded", jwt["sessionToken"])
session_checks("embedded link", jwt["sessionToken"]["jwt"], jwt["refreshSessionToken"]["jwt"], customer["userId"])
check("embedded link is single use", refused(lambda: c.magiclink.verify(token)))
token = m.user.generate_sign_up_embedded_link("invited@example.com", CreateUserObj(email="invited@example.com", name="Invited"), email_verified=True)
jwt = c.magiclink.verify(token)
check("sign-up embedded link creates the user", jwt["firstSeen"] is True and jwt["user"]["email"] == "invited@example.com" and jwt["user"]["verifiedEmail"] is True, jwt.get("user"))

# Test users: codes and links generated, nothing sent, single use.
m.user.create_test_user("qa@example.com", email="qa@example.com")
r = m.user.generate_otp_for_test_user(DeliveryMethod.EMAIL, "qa@example.com", LoginOptions(custom_claims={"qa": "otp"}))
check("test OTP", r.get("loginId") == "qa@example.com" and len(r.get("code", "")) == 6, r)
jwt = c.otp.verify_code(DeliveryMethod.EMAIL, "qa@example.com", r["code"])
check("test OTP verifies with its claims", jwt["sessionToken"].get("qa") == "otp", jwt["sessionToken"])
qa_refresh = jwt["refreshSessionToken"]["jwt"]
session_checks("test OTP", jwt["sessionToken"]["jwt"], qa_refresh, jwt["user"]["userId"])
check("test OTP is single use", refused(lambda: c.otp.verify_code(DeliveryMethod.EMAIL, "qa@example.com", r["code"])))
r = m.user.generate_magic_link_for_test_user(DeliveryMethod.EMAIL, "qa@example.com", "https://app.example.com/landing")
t = r["link"].split("t=")[1]
check("test magic link", r["link"].startswith("https://app.example.com/landing?t="), r)
check("test magic link verifies", c.magiclink.verify(t)["user"]["loginIds"] == ["qa@example.com"])
check("test magic link is single use", refused(lambda: c.magiclink.verify(t)))
r = m.user.generate_enchanted_link_for_test_user("qa@example.com", "https://app.example.com/landing")
c.enchantedlink.verify(r["link"].split("t=")[1])
s = c.enchantedlink.get_session(r["pendingRef"])
check("test enchanted link", s["user"]["loginIds"] == ["qa@example.com"], s.get("user"))
check("test codes are for test users only", refused(lambda: m.user.generate_otp_for_test_user(DeliveryMethod.EMAIL, "customer@example.com")))
m.user.delete_all_test_users()
check("delete-all removes the test users", refused(lambda: m.user.load("qa@example.com")))
check("... and ends their sessions", refused(lambda: c.refresh_session(qa_refresh)))
check("... and only them", m.user.load("customer@example.com")["user"]["userId"] == customer["userId"])
print("python issued:", "FAILED" if failed else "passed")
raise SystemExit(1 if failed else 0)
