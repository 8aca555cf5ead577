//! Issuing tokens: claims, signing, refresh-token checks, the JWT response and its cookies.

use super::*;

#[derive(Serialize, Deserialize)]
pub(crate) struct Claims {
    iss: String,
    sub: String,
    iat: i64,
    exp: i64,
    drn: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    jti: Option<String>,
    amr: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    roles: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    permissions: Vec<String>,
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    tenants: Map<String, Value>,
    /// The selected tenant.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    dct: Option<String>,
    /// The user's email address (session JWTs), when they have one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    email: Option<String>,
    /// Whether that address is verified (session JWTs of users with an email).
    #[serde(
        default,
        rename = "verifiedEmail",
        skip_serializing_if = "Option::is_none"
    )]
    verified_email: Option<bool>,
    #[serde(flatten)]
    custom: Map<String, Value>,
}

/// The session of a valid, unrevoked refresh JWT.
pub(crate) struct RefreshSession {
    /// The user (for an anonymous session, a user of that subject that is in no store).
    pub(crate) user: StoredUser,
    /// The tenant selected for the session.
    pub(crate) tenant: Option<String>,
    /// What the session keeps across refreshes: custom claims, who acts, whether anonymous.
    pub(crate) kept: Kept,
}

/// What a session keeps across refreshes and tenant selections.
#[derive(Clone, Debug, Default)]
pub(crate) struct Kept {
    pub(crate) claims: Map<String, Value>,
    pub(crate) act: Option<String>,
    pub(crate) anonymous: bool,
}

/// The user and session of a valid, unrevoked refresh JWT of an enabled user.
pub(crate) fn check_refresh(app: &App, token: Option<&str>) -> Result<RefreshSession, Failure> {
    check_refresh_with(app, token, false)
}

/// [`check_refresh`], and the session revoked in the same step (one lock section), as Descope
/// does: of concurrent refreshes (with rotation) or logouts with one token, exactly one wins.
pub(crate) fn take_refresh(app: &App, token: Option<&str>) -> Result<RefreshSession, Failure> {
    check_refresh_with(app, token, true)
}

fn check_refresh_with(
    app: &App,
    token: Option<&str>,
    revoke: bool,
) -> Result<RefreshSession, Failure> {
    let token = token.ok_or(Failure::InvalidRefresh("no refresh token in Authorization"))?;
    let claims: Claims = app
        .keys
        .verify(token)
        .ok_or(Failure::InvalidRefresh("bad signature or malformed"))?;
    if claims.drn != "DSR" {
        return Err(Failure::InvalidRefresh("not a refresh token"));
    }
    // The issuer URL carries the port, which changes across restarts: match on the project ID,
    // as clients do.
    if !descope::session::issuer_matches(&claims.iss, &app.options.project_id) {
        return Err(Failure::InvalidRefresh("issued for another project"));
    }
    if claims.exp <= app.now() {
        return Err(Failure::InvalidRefresh("expired"));
    }
    let jti = claims.jti.ok_or(Failure::InvalidRefresh("no session ID"))?;
    let mut store = app.store();
    let session = store
        .sessions
        .get(&jti)
        .ok_or(Failure::InvalidRefresh("unknown session"))?;
    if session.revoked {
        return Err(Failure::RevokedRefresh);
    }
    if session.user_id != claims.sub {
        return Err(Failure::InvalidRefresh("session of another user"));
    }
    let tenant = session.tenant.clone();
    let kept = Kept {
        claims: session.claims.clone(),
        act: session.act.clone(),
        anonymous: session.anonymous,
    };
    let user = if kept.anonymous {
        StoredUser {
            user_id: claims.sub.clone(),
            ..StoredUser::default()
        }
    } else {
        let user = store
            .users
            .get(&claims.sub)
            .ok_or(Failure::InvalidRefresh("the user no longer exists"))?;
        if user.is_disabled() {
            return Err(Failure::UserDisabled);
        }
        user.clone()
    };
    if revoke {
        if let Some(session) = store.sessions.get_mut(&jti) {
            session.revoked = true;
        }
        drop(store);
    }
    Ok(RefreshSession { user, tenant, kept })
}

/// The address a request came from, when the accept loop recorded it.
pub(crate) fn peer_ip(request: &Request) -> Option<String> {
    request
        .extensions()
        .get::<crate::serve::Peer>()
        .map(|peer| peer.0.ip().to_string())
}

/// What a successful sign-in (or refresh) should put in the response.
pub(crate) struct Grant<'a> {
    user: &'a StoredUser,
    first_seen: bool,
    custom_claims: Map<String, Value>,
    /// Whether the response carries a new refresh JWT (with a new session); not on a refresh
    /// without rotation.
    with_refresh: bool,
    /// The selected tenant (`dct`), kept by the session.
    tenant: Option<String>,
    /// Whether this is a sign-in, recorded in the user's history.
    login: bool,
    /// Where the sign-in came from.
    ip: Option<String>,
    /// Who acts in the session (`act`), and whether it is of no user.
    act: Option<String>,
    anonymous: bool,
}

impl<'a> Grant<'a> {
    /// A sign-in: new session, new refresh JWT.
    pub(crate) fn sign_in(
        user: &'a StoredUser,
        first_seen: bool,
        custom_claims: Map<String, Value>,
    ) -> Self {
        Self {
            user,
            first_seen,
            custom_claims,
            with_refresh: true,
            tenant: None,
            login: true,
            ip: None,
            act: None,
            anonymous: false,
        }
    }

    /// Where the sign-in came from ([`peer_ip`]), for the user's history.
    pub(crate) fn ip(mut self, ip: Option<String>) -> Self {
        self.ip = ip;
        self
    }

    /// A refresh: a new session JWT, and a new refresh JWT only when rotating.
    pub(crate) fn refresh(user: &'a StoredUser, rotate: bool, tenant: Option<String>) -> Self {
        Self {
            user,
            first_seen: false,
            custom_claims: Map::new(),
            with_refresh: rotate,
            tenant,
            login: false,
            ip: None,
            act: None,
            anonymous: false,
        }
    }

    /// A tenant selection: a new session in `tenant`, with a new refresh JWT.
    pub(crate) fn select_tenant(user: &'a StoredUser, tenant: String) -> Self {
        Self {
            user,
            first_seen: false,
            custom_claims: Map::new(),
            with_refresh: true,
            tenant: Some(tenant),
            login: false,
            ip: None,
            act: None,
            anonymous: false,
        }
    }

    /// What the session of `kept` keeps: its custom claims (those given now win), who acts,
    /// whether anonymous.
    pub(crate) fn kept(mut self, kept: Kept) -> Self {
        let mut claims = kept.claims;
        claims.append(&mut self.custom_claims);
        self.custom_claims = claims;
        self.act = kept.act;
        self.anonymous = kept.anonymous;
        self
    }

    /// A session the user `act` acts in (impersonation).
    pub(crate) fn act(mut self, act: String) -> Self {
        self.act = Some(act);
        self
    }

    /// A session of no user (its `user` is the subject only); not a sign-in of anyone.
    pub(crate) fn anonymous(mut self) -> Self {
        self.anonymous = true;
        self.login = false;
        self
    }

    /// The tenant the session is signed into (`dct`).
    pub(crate) fn tenant(mut self, tenant: Option<String>) -> Self {
        self.tenant = tenant;
        self
    }
}

pub(crate) fn session_claims(
    app: &App,
    user: &StoredUser,
    now: i64,
    custom: Map<String, Value>,
    tenant: Option<String>,
) -> Claims {
    // Permissions as the user's roles grant them now (and any granted directly).
    let (permissions, tenants) = {
        let store = app.store();
        let directory = &store.directory;
        let tenants = user
            .tenants
            .iter()
            .map(|t| {
                let permissions =
                    directory.permissions_of(&t.roles, &t.permissions, Some(&t.tenant_id));
                let entry = serde_json::json!({"roles": t.roles, "permissions": permissions});
                (t.tenant_id.clone(), entry)
            })
            .collect();
        (
            directory.permissions_of(&user.roles, &user.permissions, None),
            tenants,
        )
    };
    let custom = custom
        .into_iter()
        .filter(|(k, _)| !is_reserved(k))
        .collect();
    Claims {
        iss: app.issuer.clone(),
        sub: user.user_id.clone(),
        iat: now,
        exp: now + app.options.session_ttl.as_secs() as i64,
        drn: "DS".into(),
        jti: None,
        amr: vec!["pwd".into()],
        roles: user.roles.clone(),
        permissions,
        tenants,
        dct: tenant,
        email: user.email.clone(),
        verified_email: user.email.is_some().then_some(user.verified_email),
        custom,
    }
}

/// `/v1/mgmt/jwt/update`: `token` (a JWT this project issued, unexpired) signed again with the
/// `custom` claims added (reserved names silently dropped, as Descope does) and, for a user's
/// session JWT, their roles, permissions and tenants as they are now. Its `exp` stays. A
/// refresh JWT keeps its session, and the session keeps the claims for later refreshes.
pub(crate) fn update_jwt(
    app: &App,
    token: &str,
    custom: Map<String, Value>,
) -> Result<String, Failure> {
    let refused = |why: &str| Failure::InvalidArgument(format!("the JWT {why}"));
    let mut claims: Claims = app
        .keys
        .verify(token)
        .ok_or_else(|| refused("is not one this project signed"))?;
    if !descope::session::issuer_matches(&claims.iss, &app.options.project_id) {
        return Err(refused("is of another project"));
    }
    let now = app.now();
    if claims.exp <= now {
        return Err(refused("has expired"));
    }
    let custom: Map<String, Value> = custom
        .into_iter()
        .filter(|(k, _)| !is_reserved(k))
        .collect();
    match claims.drn.as_str() {
        "DS" => {
            let user = app.store().users.get(&claims.sub).cloned();
            match user {
                Some(user) => {
                    let now_claims =
                        session_claims(app, &user, now, Map::new(), claims.dct.clone());
                    claims.roles = now_claims.roles;
                    claims.permissions = now_claims.permissions;
                    claims.tenants = now_claims.tenants;
                }
                None => {
                    let store = app.store();
                    let anonymous =
                        (store.sessions.values()).any(|s| s.anonymous && s.user_id == claims.sub);
                    if !anonymous {
                        return Err(refused("is of a user who no longer exists"));
                    }
                }
            }
        }
        "DSR" => {
            let jti = claims.jti.clone().unwrap_or_default();
            let mut store = app.store();
            let session = store
                .sessions
                .get_mut(&jti)
                .filter(|s| !s.revoked && s.user_id == claims.sub)
                .ok_or_else(|| refused("is of a session that has ended"))?;
            session.claims.extend(custom.clone());
        }
        _ => return Err(refused("is neither a session nor a refresh JWT")),
    }
    claims.custom.extend(custom);
    claims.iat = now;
    app.keys
        .sign(&claims)
        .map_err(|_| Failure::Internal("signing failed"))
}

/// Whether `name` is a claim custom claims may not set.
pub(crate) fn is_reserved(name: &str) -> bool {
    descope::RESERVED_CLAIMS.contains(&name)
}

/// A session JWT for an access key: `sub` is the key ID, `tenants` the key's tenants (no roles
/// or permissions); no refresh JWT, no user.
pub(crate) fn access_key_session(
    app: &App,
    key_id: &str,
    custom: Map<String, Value>,
    tenant: Option<String>,
    tenants: &[String],
) -> Result<(String, i64), Failure> {
    let now = app.now();
    let tenants = tenants
        .iter()
        .map(|t| {
            (
                t.clone(),
                serde_json::json!({"roles": [], "permissions": []}),
            )
        })
        .collect();
    let claims = Claims {
        iss: app.issuer.clone(),
        sub: key_id.to_owned(),
        iat: now,
        exp: now + app.options.session_ttl.as_secs() as i64,
        drn: "DS".into(),
        jti: None,
        amr: vec!["accesskey".into()],
        roles: Vec::new(),
        permissions: Vec::new(),
        tenants,
        dct: tenant,
        email: None,
        verified_email: None,
        custom: custom
            .into_iter()
            .filter(|(k, _)| !is_reserved(k))
            .collect(),
    };
    let exp = claims.exp;
    let jwt = app
        .keys
        .sign(&claims)
        .map_err(|_| Failure::Internal("signing failed"))?;
    Ok((jwt, exp))
}

/// The tokens of a grant, signed, its session recorded.
pub(crate) struct Issued {
    pub(crate) session_jwt: String,
    pub(crate) session_exp: i64,
    pub(crate) refresh_jwt: Option<String>,
    pub(crate) refresh_exp: i64,
}

/// Signs the tokens of `grant` (recording the sign-in, and the session of a new refresh JWT).
pub(crate) fn issue(app: &App, grant: &Grant<'_>) -> Result<Issued, Failure> {
    let now = app.now();
    let refresh_exp = now + app.options.refresh_ttl.as_secs() as i64;
    let mut session_claims = session_claims(
        app,
        grant.user,
        now,
        grant.custom_claims.clone(),
        grant.tenant.clone(),
    );
    let act = grant
        .act
        .as_ref()
        .map(|sub| serde_json::json!({ "sub": sub }));
    if let Some(act) = &act {
        session_claims.custom.insert("act".into(), act.clone());
    }
    if grant.login {
        if let Some(user) = app.store().users.get_mut(&grant.user.user_id) {
            user.record_login(crate::store::LoginEvent {
                login_time: now,
                tenant: grant.tenant.clone(),
                ip: grant.ip.clone(),
            });
            // An invited user who signs in is active from then on.
            if user.status == "invited" {
                user.status = "enabled".into();
            }
        }
    }
    let session_exp = session_claims.exp;
    let session_jwt = app
        .keys
        .sign(&session_claims)
        .map_err(|_| Failure::Internal("signing failed"))?;
    let refresh_jwt = if grant.with_refresh {
        let jti = random_id(24)?;
        // The custom claims as the session JWT has them (reserved names dropped).
        let mut custom = session_claims.custom.clone();
        custom.remove("act");
        let session = StoredSession {
            user_id: grant.user.user_id.clone(),
            expires_at: refresh_exp,
            revoked: false,
            tenant: grant.tenant.clone(),
            claims: custom.clone(),
            act: grant.act.clone(),
            anonymous: grant.anonymous,
        };
        app.store().add_session(jti.clone(), session);
        if let Some(act) = act {
            custom.insert("act".into(), act);
        }
        let claims = Claims {
            iss: app.issuer.clone(),
            sub: grant.user.user_id.clone(),
            iat: now,
            exp: refresh_exp,
            drn: "DSR".into(),
            jti: Some(jti),
            amr: vec!["pwd".into()],
            roles: Vec::new(),
            permissions: Vec::new(),
            tenants: Map::new(),
            dct: None,
            email: None,
            verified_email: None,
            custom,
        };
        Some(
            app.keys
                .sign(&claims)
                .map_err(|_| Failure::Internal("signing failed"))?,
        )
    } else {
        None
    };
    Ok(Issued {
        session_jwt,
        session_exp,
        refresh_jwt,
        refresh_exp,
    })
}

/// The JWT response of `grant` (its cookies too in cookie mode). An anonymous session's has no
/// user and no `firstSeen`.
pub(crate) fn grant(app: &App, grant: Grant<'_>) -> Reply {
    let issued = issue(app, &grant)?;
    let cookies = app.options.tokens_in_cookies;
    let mut body = JwtResponse::default();
    body.session_jwt = Some(SessionJwt::from(if cookies {
        ""
    } else {
        issued.session_jwt.as_str()
    }));
    body.refresh_jwt = issued
        .refresh_jwt
        .as_deref()
        .map(|t| RefreshJwt::from(if cookies { "" } else { t }));
    body.cookie_domain = app.options.cookie_domain.clone();
    body.cookie_path = Some("/".into());
    body.cookie_max_age = Some(app.options.refresh_ttl.as_secs() as i64);
    body.cookie_expiration = Some(issued.refresh_exp);
    if !grant.anonymous {
        body.user = Some(app.store().user_view(grant.user));
        body.first_seen = Some(grant.first_seen);
    }
    body.session_expiration = Some(issued.session_exp);
    let mut response = json(StatusCode::OK, &body);
    if cookies {
        let session_age = app.options.session_ttl.as_secs();
        let refresh_age = app.options.refresh_ttl.as_secs();
        add_cookie(app, &mut response, "DS", &issued.session_jwt, session_age);
        if let Some(refresh) = &issued.refresh_jwt {
            add_cookie(app, &mut response, "DSR", refresh, refresh_age);
        }
    }
    Ok(response)
}

pub(crate) fn add_cookie(
    app: &App,
    response: &mut Response,
    name: &str,
    value: &str,
    max_age: u64,
) {
    let mut cookie =
        format!("{name}={value}; Path=/; Max-Age={max_age}; HttpOnly; Secure; SameSite=Strict");
    if let Some(domain) = &app.options.cookie_domain {
        cookie.push_str("; Domain=");
        cookie.push_str(domain);
    }
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
}

/// The logged-out answer: empty token fields (and clearing cookies in cookie mode).
pub(crate) fn logged_out(app: &App) -> Response {
    let mut body = JwtResponse::default();
    body.session_jwt = Some(SessionJwt::from(""));
    body.refresh_jwt = Some(RefreshJwt::from(""));
    body.cookie_domain = app.options.cookie_domain.clone();
    body.cookie_path = Some("/".into());
    let mut response = json(StatusCode::OK, &body);
    if app.options.tokens_in_cookies {
        add_cookie(app, &mut response, "DS", "", 0);
        add_cookie(app, &mut response, "DSR", "", 0);
    }
    response
}
