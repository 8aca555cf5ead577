"""The official Python SDK (descope 2.16.0) against the emulator: TOTP sign-up, sign-in and key
update, codes by SMS and voice, phone update, and TOTP removal (shared/wire-totp.md). The
authenticator app's codes are computed here from the key (RFC 6238); phone codes are read from
the outbox. Every session is validated locally, refreshed and read back with `me`."""
import base64, hashlib, hmac, json, os, struct, time, urllib.request
from descope import DescopeClient, AuthException, DeliveryMethod
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
def totp(key, at):
    """RFC 6238: HMAC-SHA1 of the 30-second step, 6 digits."""
    secret = base64.b32decode(key + "=" * (-len(key) % 8))
    digest = hmac.new(secret, struct.pack(">Q", int(at) // 30), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    return "%06d" % ((struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF) % 1000000)
def outbox_last(to):
    messages = json.load(urllib.request.urlopen(base + "/emulator/v1/outbox"))["messages"]
    return [m for m in messages if m["to"] == to][-1]
c = DescopeClient(project_id=pid, base_url=base, management_key=os.environ["MANAGEMENT_KEY"])
def session_checks(what, jwt, login_id):
    v = c.validate_session(jwt["sessionToken"]["jwt"])
    check(what + ": validated locally", v.get("sub") == jwt["user"]["userId"], v)
    r = c.refresh_session(jwt["refreshSessionToken"]["jwt"])
    check(what + ": refreshed", r["sessionToken"].get("sub") == jwt["user"]["userId"], r["sessionToken"])
    me = c.me(jwt["refreshSessionToken"]["jwt"])
    check(what + ": me", login_id in me["loginIds"], me)
    return me

# TOTP.
r = c.totp.sign_up("ada@example.com", {"name": "Ada"})
check("totp sign_up", r["provisioningURL"].startswith("otpauth://totp/") and r["key"] in r["provisioningURL"] and base64.b64decode(r["image"])[:4] == b"\x89PNG", {k: r[k][:20] for k in r})
key = r["key"]
now = time.time()
jwt = c.totp.sign_in_code("ada@example.com", totp(key, now))
check("totp sign_in_code creates the user", jwt["firstSeen"] is True and jwt["user"]["TOTP"] is True, jwt.get("user"))
me = session_checks("totp", jwt, "ada@example.com")
check("me shows TOTP", me.get("TOTP") is True, me)
check("a used step is refused", refused(lambda: c.totp.sign_in_code("ada@example.com", totp(key, now))))
check("a code three steps ahead is refused", refused(lambda: c.totp.sign_in_code("ada@example.com", totp(key, now + 90))))
jwt = c.totp.sign_in_code("ada@example.com", totp(key, now + 30))
check("the next step is accepted", jwt["firstSeen"] is False)
r = c.totp.update_user("ada@example.com", jwt["refreshSessionToken"]["jwt"])
check("totp update gives a new key", r["key"] != key, r["key"][:4])
new_key = r["key"]
c.totp.sign_in_code("ada@example.com", totp(new_key, now))
check("the old key is refused once the new one is verified", refused(lambda: c.totp.sign_in_code("ada@example.com", totp(key, now - 30))))
c.mgmt.user.remove_totp_seed("ada@example.com")
check("remove_totp_seed", c.mgmt.user.load("ada@example.com")["user"]["TOTP"] is False)

# SMS and voice.
r = c.otp.sign_up(DeliveryMethod.SMS, "+14155550100", {"name": "Sam"})
m = outbox_last("+14155550100")
check("sms sign_up: outbox", r.startswith("+1") and m["delivery"] == "sms" and m["method"] == "otp" and m["purpose"] == "signup" and m["loginId"] == "+14155550100", (r, m))
jwt = c.otp.verify_code(DeliveryMethod.SMS, "+14155550100", m["code"])
check("sms verify", jwt["firstSeen"] is True and jwt["user"]["verifiedPhone"] is True and jwt["user"]["phone"] == "+14155550100", jwt.get("user"))
session_checks("sms", jwt, "+14155550100")
check("sms code single use", refused(lambda: c.otp.verify_code(DeliveryMethod.SMS, "+14155550100", m["code"])))
c.otp.sign_in(DeliveryMethod.VOICE, "+14155550100")
m = outbox_last("+14155550100")
check("voice sign_in: outbox", m["delivery"] == "voice" and m["purpose"] == "signin", m)
jwt = c.otp.verify_code(DeliveryMethod.VOICE, "+14155550100", m["code"])
session_checks("voice", jwt, "+14155550100")
check("sign_in of an unknown number refused", refused(lambda: c.otp.sign_in(DeliveryMethod.SMS, "+14155550111")))
check("sign_up of a number that is not E.164 refused", refused(lambda: c.otp.sign_up(DeliveryMethod.SMS, "555-1212", {"name": "X"})))
c.otp.sign_up_or_in(DeliveryMethod.SMS, "+447911123456")
m = outbox_last("+447911123456")
jwt = c.otp.verify_code(DeliveryMethod.SMS, "+447911123456", m["code"])
check("sms sign_up_or_in", jwt["user"]["loginIds"] == ["+447911123456"], jwt.get("user"))

# Phone update, added as a login ID.
c.mgmt.user.create("grace@example.com", email="grace@example.com")
g = c.mgmt.jwt.sign_in("grace@example.com")
c.otp.update_user_phone(DeliveryMethod.SMS, "grace@example.com", "+14155550123", g["refreshSessionToken"]["jwt"], add_to_login_ids=True)
m = outbox_last("+14155550123")
check("update phone: outbox", m["purpose"] == "update-phone" and m["loginId"] == "grace@example.com", m)
jwt = c.otp.verify_code(DeliveryMethod.SMS, "grace@example.com", m["code"])
check("update phone sets the number, verified, as a login ID", jwt["user"]["phone"] == "+14155550123" and jwt["user"]["verifiedPhone"] is True and "+14155550123" in jwt["user"]["loginIds"], jwt.get("user"))
print("python second factors:", "FAILED" if failed else "passed")
raise SystemExit(1 if failed else 0)
