"""The official Python SDK (descope 2.16.0) against the emulator as identity provider
(shared/wire-sso.md): OAuth start and exchange, SSO start and exchange (/v1/auth/sso/* and the
deprecated /v1/auth/saml/*), and SSO settings management. The IdP page is filled in as a
browser would; every session is validated locally, refreshed and read back with `me`."""
import os, urllib.request, urllib.parse
from descope import DescopeClient, AuthException, LoginOptions
from descope.management.sso_settings import SSOOIDCSettings, SSOSAMLSettings, RoleMapping
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
class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None
opener = urllib.request.build_opener(NoRedirect)
def idp(url, email):
    """Fills in the IdP page at `url` as `email`: the callback URL it redirects to."""
    page = urllib.request.urlopen(url).read().decode()
    assert 'id="idp-form"' in page, page
    data = urllib.parse.urlencode({"email": email, "name": "Py User"}).encode()
    try:
        opener.open(urllib.request.Request(url, data=data))
    except urllib.error.HTTPError as e:
        assert e.code == 302, e.code
        return e.headers["Location"]
    raise AssertionError("no redirect")
def code_of(location):
    return urllib.parse.parse_qs(urllib.parse.urlparse(location).query)["code"][0]
c = DescopeClient(project_id=pid, base_url=base, management_key=os.environ["MANAGEMENT_KEY"])
def session_checks(what, jwt, email, tenant=None):
    session = jwt["sessionToken"]["jwt"]; refresh = jwt["refreshSessionToken"]["jwt"]
    v = c.validate_session(session)
    check(what + ": validated locally", v["sub"] == jwt["user"]["userId"], v)
    r = c.refresh_session(refresh)
    check(what + ": refreshed", r["sessionToken"]["jwt"] != "", r)
    me = c.me(refresh)
    check(what + ": me", me["loginIds"] == [email] and me["email"] == email and me["verifiedEmail"] is True, me)
    if tenant:
        check(what + ": tenant in the session", c.validate_tenant_roles(jwt, tenant, []) and tenant in r["sessionToken"].get("tenants", {}), r["sessionToken"])
        check(what + ": tenant in me", [t["tenantId"] for t in me.get("userTenants", [])] == [tenant], me)

# OAuth.
r = c.oauth.start("github", "http://127.0.0.1:9/cb?from=py", LoginOptions(custom_claims={"plan": "gold"}))
check("oauth start answers the IdP page", r["url"].startswith(base + "/"), r)
loc = idp(r["url"], "ada@example.com")
check("the IdP page keeps the callback's query", loc.startswith("http://127.0.0.1:9/cb?from=py&code="), loc)
code = code_of(loc)
jwt = c.oauth.exchange_token(code)
check("oauth exchange: user", jwt["user"]["loginIds"] == ["ada@example.com"] and jwt["user"]["verifiedEmail"] is True and jwt["firstSeen"] is True, jwt["user"])
check("oauth exchange: custom claims", jwt["sessionToken"].get("plan") == "gold", jwt["sessionToken"])
session_checks("oauth", jwt, "ada@example.com")
check("oauth code replay refused", refused(lambda: c.oauth.exchange_token(code)))
check("unknown provider refused", refused(lambda: c.oauth.start("myspace", "http://127.0.0.1:9/cb")))
check("javascript: redirect refused", refused(lambda: c.oauth.start("github", "javascript:alert(1)")))
r = c.oauth.start("google", "http://127.0.0.1:9/cb")
jwt2 = c.oauth.exchange_token(code_of(idp(r["url"], "ada@example.com")))
check("same email, another provider: same user", jwt2["user"]["userId"] == jwt["user"]["userId"] and jwt2["firstSeen"] is False, jwt2["user"])

# SSO settings management.
c.mgmt.tenant.create("Acme", id="T2acme")
c.mgmt.sso.configure_saml_settings("T2acme", SSOSAMLSettings("https://idp.acme.example/sso", "acme-entity", "MIIC-cert", role_mappings=[RoleMapping(["admins"], "Tenant Admin")]), redirect_url="http://127.0.0.1:9/sso", domains=["acme.example"])
s = c.mgmt.sso.load_settings("T2acme")
check("saml settings load", s["tenant"]["authType"] == "saml" and s["tenant"]["domains"] == ["acme.example"] and s["saml"]["idpSSOUrl"] == "https://idp.acme.example/sso" and s["saml"]["idpEntityId"] == "acme-entity" and s["saml"]["redirectUrl"] == "http://127.0.0.1:9/sso", s)
check("saml groups mapping", s["saml"]["groupsMapping"] == [{"role": {"id": "Tenant Admin", "name": "Tenant Admin"}, "groups": ["admins"]}], s["saml"])
c.mgmt.tenant.create("Globex", id="T2globex")
c.mgmt.sso.configure_oidc_settings("T2globex", SSOOIDCSettings("Globex IdP", "globex-client", client_secret="s3cret", auth_url="https://idp.globex.example/auth", scope=["openid"]), domains=["globex.example"])
s = c.mgmt.sso.load_settings("T2globex")
check("oidc settings load", s["tenant"]["authType"] == "oidc" and s["oidc"]["clientId"] == "globex-client" and s["oidc"]["authUrl"] == "https://idp.globex.example/auth" and s["oidc"]["name"] == "Globex IdP", s)
check("oidc client secret not answered", "s3cret" not in str(s), s)

# SSO, by email domain and by tenant ID, on both path pairs.
r = c.sso.start("bob@ACME.example", "http://127.0.0.1:9/sso/cb")
loc = idp(r["url"], "bob@acme.example")
jwt = c.sso.exchange_token(code_of(loc))
check("sso exchange", jwt["user"]["loginIds"] == ["bob@acme.example"], jwt["user"])
session_checks("sso", jwt, "bob@acme.example", "T2acme")
r = c.saml.start("T2globex", "http://127.0.0.1:9/saml/cb")
jwt = c.saml.exchange_token(code_of(idp(r["url"], "carol@globex.example")))
session_checks("saml paths", jwt, "carol@globex.example", "T2globex")
r = c.sso.start("T2acme")
loc = idp(r["url"], "bob@acme.example")
check("sso start without a return URL uses the tenant's", loc.startswith("http://127.0.0.1:9/sso?code="), loc)
code = code_of(loc)
check("an sso code at the oauth exchange refused", refused(lambda: c.oauth.exchange_token(code)))
check("... and still good at the saml exchange", c.saml.exchange_token(code)["user"]["loginIds"] == ["bob@acme.example"])
check("unknown tenant refused", refused(lambda: c.sso.start("T2nope", "http://127.0.0.1:9/cb")))
check("unknown domain refused", refused(lambda: c.sso.start("eve@nowhere.example", "http://127.0.0.1:9/cb")))
def raw_status(path, body):
    try:
        urllib.request.urlopen(urllib.request.Request(base + path, data=body, headers={"Authorization": "Bearer " + pid, "Content-Type": "application/json"}))
        return 200
    except urllib.error.HTTPError as e:
        return e.code
check("stepup without a refresh JWT refused (the SDK refuses it first)", raw_status("/v1/auth/sso/authorize?tenant=T2acme&redirectURL=http://127.0.0.1:9/cb", b'{"stepup":true}') == 401)
check("stepup with a refresh JWT", c.sso.start("T2acme", "http://127.0.0.1:9/cb", LoginOptions(stepup=True), refresh_token=jwt["refreshSessionToken"]["jwt"])["url"].startswith(base))
c.mgmt.sso.delete_settings("T2acme")
check("sso start after delete refused", refused(lambda: c.sso.start("T2acme", "http://127.0.0.1:9/cb")))
s = c.mgmt.sso.load_settings("T2acme")
check("settings after delete", s["tenant"]["authType"] == "none" and s["saml"]["idpSSOUrl"] == "", s)
print("python sso:", "FAILED" if failed else "passed")
raise SystemExit(1 if failed else 0)
