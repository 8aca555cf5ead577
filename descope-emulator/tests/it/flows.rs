//! The emulator's behaviour, driven through the crate's client (and raw HTTP where the point is
//! what other clients send).

use std::time::Duration;

use descope::{Client, Error, ErrorCode, RefreshJwt};
use descope_emulator::{Emulator, HashCost, PasswordPolicy, SeedUser};
use serde_json::{json, Value};

const PASSWORD: &str = "Emul4tor-Passw0rd";
const NEW_PASSWORD: &str = "Emul4tor-N3w-Passw0rd";

async fn start() -> (Emulator, Client) {
    let emulator = Emulator::start().await.unwrap();
    let client = emulator.client().unwrap();
    (emulator, client)
}

fn api(error: &Error) -> (u16, String) {
    let api = error
        .api()
        .unwrap_or_else(|| panic!("not an API error: {error:?}"));
    (
        api.status,
        api.code
            .as_ref()
            .map(|c| c.as_str().to_owned())
            .unwrap_or_default(),
    )
}

/// The claims of a JWT, checked against the emulator's published keys with jsonwebtoken.
async fn verified_claims(emulator: &Emulator, token: &str) -> Value {
    let keys: jsonwebtoken::jwk::JwkSet = reqwest::get(format!(
        "{}/v2/keys/{}",
        emulator.base_url(),
        emulator.project_id()
    ))
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    let header = jsonwebtoken::decode_header(token).unwrap();
    let jwk = keys
        .find(header.kid.as_deref().unwrap())
        .expect("the kid is published");
    let key = jsonwebtoken::DecodingKey::from_jwk(jwk).unwrap();
    let mut validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::RS256);
    validation.set_issuer(&[emulator.issuer()]);
    validation.leeway = 0;
    jsonwebtoken::decode::<Value>(token, &key, &validation)
        .unwrap()
        .claims
}

#[tokio::test]
async fn password_flow_end_to_end() {
    let (emulator, client) = start().await;
    let password = client.password();
    let signed_up = password
        .sign_up("ada@example.com", PASSWORD)
        .name("Ada")
        .await
        .unwrap();
    assert!(signed_up.first_seen);
    let user = signed_up.user.clone();
    assert_eq!(user.name.as_deref(), Some("Ada"));
    assert_eq!(user.login_ids, ["ada@example.com"]);
    assert!(user.methods.password);

    let again = password
        .sign_up("ADA@example.com", PASSWORD)
        .await
        .unwrap_err();
    assert_eq!(api(&again), (409, "E062107".into()));
    assert_eq!(
        again.api().unwrap().code,
        Some(ErrorCode::UserAlreadyExists)
    );

    let auth = password.sign_in("ada@example.com", PASSWORD).await.unwrap();
    assert!(!auth.first_seen);
    let wrong = password
        .sign_in("ada@example.com", "Wrong-Passw0rd")
        .await
        .unwrap_err();
    assert_eq!(api(&wrong), (401, "E062901".into()));
    let unknown = password
        .sign_in("nobody@example.com", PASSWORD)
        .await
        .unwrap_err();
    assert_eq!(api(&unknown).0, 401);
    assert_eq!(unknown.api().unwrap().code, Some(ErrorCode::UserNotFound));
    assert!(
        wrong.is_bad_credentials() && unknown.is_bad_credentials(),
        "one answer for a wrong password and an unknown user"
    );

    let policy = password.policy().await.unwrap();
    assert_eq!(
        (policy.min_length, policy.uppercase, policy.non_alphanumeric),
        (8, true, false)
    );
    let weak = password
        .sign_up("weak@example.com", "short")
        .await
        .unwrap_err();
    // The service's refusal, named by the crate with the policy it fetched: every unmet rule.
    match &weak {
        Error::PasswordPolicy(violation) => {
            assert!(
                violation.to_string().contains("at least 8 characters"),
                "{violation}"
            );
        }
        other => panic!("{other:?}"),
    }

    let replaced = password
        .replace("ada@example.com", PASSWORD, NEW_PASSWORD)
        .await
        .unwrap();
    assert!(!replaced.session_jwt.is_empty());
    assert_eq!(
        api(&password
            .sign_in("ada@example.com", PASSWORD)
            .await
            .unwrap_err())
        .1,
        "E062901"
    );
    let auth = password
        .sign_in("ada@example.com", NEW_PASSWORD)
        .await
        .unwrap();
    let bad_replace = password
        .replace("ada@example.com", PASSWORD, "Another-Passw0rd")
        .await
        .unwrap_err();
    assert_eq!(
        api(&bad_replace).1,
        "E062901",
        "the old password is checked"
    );

    let refresh = auth.refresh_jwt.clone();
    password
        .update("ada@example.com", "Upd4ted-Passw0rd", &refresh)
        .await
        .unwrap();
    password
        .sign_in("ada@example.com", "Upd4ted-Passw0rd")
        .await
        .unwrap();
    let forged = password
        .update("ada@example.com", "Upd4ted-Passw0rd", &"not.a.jwt".into())
        .await
        .unwrap_err();
    assert_eq!(api(&forged), (401, "E061005".into()));

    let sent = password
        .send_reset("ada@example.com")
        .redirect_url("http://localhost/reset")
        .await
        .unwrap();
    assert_eq!(sent.method, descope::ResetMethod::MagicLink);
    assert_eq!(sent.masked_email.as_deref(), Some("a***@example.com"));
    let outbox = emulator.outbox();
    assert_eq!(outbox.len(), 1);
    let link = outbox[0].link.as_deref().unwrap();
    assert!(link.starts_with("http://localhost/reset?t="), "{link}");
    emulator.stop().await;
}

#[tokio::test]
async fn update_needs_a_refresh_jwt_of_that_user() {
    let (_emulator, client) = start().await;
    let password = client.password();
    password.sign_up("one@example.com", PASSWORD).await.unwrap();
    let two = password.sign_up("two@example.com", PASSWORD).await.unwrap();
    let error = password
        .update("one@example.com", NEW_PASSWORD, &two.refresh_jwt)
        .await
        .unwrap_err();
    assert_eq!(api(&error), (401, "E061005".into()));
    let weak = password
        .update("two@example.com", "weak", &two.refresh_jwt)
        .await
        .unwrap_err();
    assert!(matches!(weak, Error::PasswordPolicy(_)), "{weak:?}");
    // A session JWT is not a refresh JWT.
    let session_as_refresh = RefreshJwt::from(two.session_jwt.secret());
    let error = password
        .update("two@example.com", NEW_PASSWORD, &session_as_refresh)
        .await
        .unwrap_err();
    assert_eq!(api(&error).1, "E061005");
}

#[tokio::test]
async fn jwts_carry_the_claims_and_verify_against_the_published_keys() {
    let emulator = Emulator::builder()
        .project_id("P2claims")
        .hash_cost(HashCost::Fast)
        .user(
            SeedUser::new("admin@example.com", PASSWORD)
                .roles(["admin"])
                .permissions(["read"])
                .tenant("T1", ["editor"], ["write"]),
        )
        .start()
        .await
        .unwrap();
    let client = emulator.client().unwrap();
    let auth = client
        .password()
        .sign_in("admin@example.com", PASSWORD)
        .custom_claim("plan", "pro")
        .await
        .unwrap();
    let user_id = auth.user.user_id.clone();
    let session = verified_claims(&emulator, auth.session_jwt.secret()).await;
    assert_eq!(
        session["iss"],
        json!(format!("{}/P2claims", emulator.base_url()))
    );
    assert!(session["iss"].as_str().unwrap().ends_with("/P2claims"));
    assert_eq!(session["sub"], json!(user_id));
    assert_eq!(session["drn"], "DS");
    assert_eq!(session["amr"], json!(["pwd"]));
    assert_eq!(session["roles"], json!(["admin"]));
    assert_eq!(session["permissions"], json!(["read"]));
    assert_eq!(
        session["tenants"],
        json!({"T1": {"roles": ["editor"], "permissions": ["write"]}})
    );
    assert_eq!(session["plan"], "pro");
    let (iat, exp) = (
        session["iat"].as_i64().unwrap(),
        session["exp"].as_i64().unwrap(),
    );
    assert_eq!(exp - iat, 600);
    assert_eq!(
        auth.session_expiration,
        Some(std::time::UNIX_EPOCH + Duration::from_secs(exp as u64))
    );
    let refresh = verified_claims(&emulator, auth.refresh_jwt.secret()).await;
    assert_eq!(refresh["drn"], "DSR");
    assert_eq!(refresh["sub"], json!(user_id));
    let user = auth.user;
    assert_eq!(user.roles, ["admin"]);
    assert_eq!(Some(user.tenants[0].tenant_id.as_str()), Some("T1"));

    let keys = client.sessions().keys().await.unwrap();
    assert_eq!(keys.len(), 1);
    assert_eq!(
        (
            keys[0].alg.as_deref(),
            keys[0].kty.as_str(),
            keys[0].usage.as_deref()
        ),
        (Some("RS256"), "RSA", Some("sig"))
    );
    assert!(!keys[0].kid.is_empty());
}

#[tokio::test]
async fn sessions_refresh_logout_and_me() {
    let (_emulator, client) = start().await;
    let sessions = client.sessions();
    let auth = client
        .password()
        .sign_up("ada@example.com", PASSWORD)
        .await
        .unwrap();
    let refresh = auth.refresh_jwt;
    let me = sessions.me(&refresh).await.unwrap();
    assert_eq!(me.user_id, auth.user.user_id);

    let refreshed = sessions.refresh(&refresh).await.unwrap();
    assert!(!refreshed.session_jwt.is_empty());
    assert!(!refreshed.rotated, "no rotation: no new refresh JWT");
    assert_eq!(refreshed.refresh_jwt, refresh);
    assert!(sessions.try_refresh(&refresh).await.unwrap().is_some());
    assert!(sessions
        .try_refresh(&"garbage".into())
        .await
        .unwrap()
        .is_none());

    let out = sessions.logout(&refresh).await.unwrap();
    assert_eq!(out.cookies.path.as_deref(), Some("/"));
    for error in [
        sessions.refresh(&refresh).await.unwrap_err(),
        sessions.me(&refresh).await.unwrap_err(),
        sessions.logout(&refresh).await.unwrap_err(),
        client
            .password()
            .update("ada@example.com", NEW_PASSWORD, &refresh)
            .await
            .unwrap_err(),
    ] {
        assert_eq!(api(&error), (401, "E064001".into()));
        assert_eq!(
            error.api().unwrap().code,
            Some(ErrorCode::TokenExpiredByLogout)
        );
    }
    assert!(sessions.try_refresh(&refresh).await.unwrap().is_none());
}

#[tokio::test]
async fn logout_all_and_revoke_other_sessions() {
    let (_emulator, client) = start().await;
    let password = client.password();
    let sessions = client.sessions();
    password.sign_up("ada@example.com", PASSWORD).await.unwrap();
    let a = password
        .sign_in("ada@example.com", PASSWORD)
        .await
        .unwrap()
        .refresh_jwt;
    let b = password
        .sign_in("ada@example.com", PASSWORD)
        .await
        .unwrap()
        .refresh_jwt;
    sessions.logout(&a).await.unwrap();
    sessions.me(&b).await.unwrap();
    sessions.logout_all(&b).await.unwrap();
    assert_eq!(api(&sessions.me(&b).await.unwrap_err()).1, "E064001");

    let c = password
        .sign_in("ada@example.com", PASSWORD)
        .await
        .unwrap()
        .refresh_jwt;
    let d = password
        .sign_in("ada@example.com", PASSWORD)
        .await
        .unwrap()
        .refresh_jwt;
    let replaced = password
        .replace("ada@example.com", PASSWORD, NEW_PASSWORD)
        .revoke_other_sessions(true)
        .await
        .unwrap();
    for revoked in [&c, &d] {
        assert_eq!(
            api(&sessions.refresh(revoked).await.unwrap_err()).1,
            "E064001"
        );
    }
    sessions.refresh(&replaced.refresh_jwt).await.unwrap();
    let e = password
        .sign_in("ada@example.com", NEW_PASSWORD)
        .await
        .unwrap()
        .refresh_jwt;
    let f = password
        .sign_in("ada@example.com", NEW_PASSWORD)
        .revoke_other_sessions(true)
        .await
        .unwrap();
    assert_eq!(api(&sessions.refresh(&e).await.unwrap_err()).1, "E064001");
    sessions.refresh(&f.refresh_jwt).await.unwrap();
}

#[tokio::test]
async fn refresh_token_rotation() {
    let emulator = Emulator::builder()
        .hash_cost(HashCost::Fast)
        .rotate_refresh_tokens(true)
        .start()
        .await
        .unwrap();
    let client = emulator.client().unwrap();
    let first = client
        .password()
        .sign_up("ada@example.com", PASSWORD)
        .await
        .unwrap()
        .refresh_jwt;
    let rotated = client.sessions().refresh(&first).await.unwrap();
    assert!(rotated.rotated, "a rotated refresh JWT");
    let second = rotated.refresh_jwt;
    assert_ne!(second, first);
    assert_eq!(
        api(&client.sessions().refresh(&first).await.unwrap_err()).1,
        "E064001"
    );
    let third = client
        .sessions()
        .refresh(&second)
        .await
        .unwrap()
        .refresh_jwt;
    client.sessions().me(&third).await.unwrap();
}

#[tokio::test]
async fn tokens_in_cookies_mode() {
    let emulator = Emulator::builder()
        .hash_cost(HashCost::Fast)
        .tokens_in_cookies(true)
        .rotate_refresh_tokens(true)
        .cookie_domain("example.com")
        .start()
        .await
        .unwrap();
    let client = emulator.client().unwrap();
    client
        .password()
        .sign_up("ada@example.com", PASSWORD)
        .await
        .unwrap();
    // Raw: the body has empty tokens, the cookies carry them.
    let raw = reqwest::Client::new()
        .post(format!("{}/v1/auth/password/signin", emulator.base_url()))
        .header("authorization", format!("Bearer {}", emulator.project_id()))
        .json(&json!({"loginId": "ada@example.com", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    let cookies: Vec<String> = raw
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect();
    assert!(cookies.iter().any(|c| c.starts_with("DS=ey")
        && c.contains("HttpOnly")
        && c.contains("Domain=example.com")));
    assert!(cookies.iter().any(|c| c.starts_with("DSR=ey")));
    let body: Value = raw.json().await.unwrap();
    assert_eq!(
        (body["sessionJwt"].as_str(), body["refreshJwt"].as_str()),
        (Some(""), Some(""))
    );
    // The client reads them from the cookies, including the rotated refresh JWT.
    let auth = client
        .password()
        .sign_in("ada@example.com", PASSWORD)
        .await
        .unwrap();
    assert!(auth.session_jwt.secret().starts_with("ey"));
    let refresh = auth.refresh_jwt;
    let rotated = client
        .sessions()
        .refresh(&refresh)
        .await
        .unwrap()
        .refresh_jwt;
    assert_ne!(rotated, refresh);
    client.sessions().me(&rotated).await.unwrap();
}

#[tokio::test]
async fn rate_limit_answers_429_with_retry_after() {
    let emulator = Emulator::builder()
        .hash_cost(HashCost::Fast)
        .rate_limit(3, Duration::from_secs(30))
        .start()
        .await
        .unwrap();
    let client = emulator.client().unwrap();
    for _ in 0..3 {
        client.password().policy().await.unwrap();
    }
    let error = client.password().policy().await.unwrap_err();
    assert!(error.is_rate_limited());
    let api = error.api().unwrap();
    assert_eq!(api.code, Some(ErrorCode::RateLimited));
    let wait = api.retry_after.unwrap();
    assert!(
        wait > Duration::ZERO && wait <= Duration::from_secs(30),
        "{wait:?}"
    );
}

#[tokio::test]
async fn custom_policy_is_enforced_and_reported() {
    let mut policy = PasswordPolicy::min_length_only(12);
    policy.non_alphanumeric = true;
    let emulator = Emulator::builder()
        .hash_cost(HashCost::Fast)
        .password_policy(policy)
        .start()
        .await
        .unwrap();
    let client = emulator.client().unwrap();
    let reported = client.password().policy().await.unwrap();
    assert_eq!(
        (
            reported.min_length,
            reported.non_alphanumeric,
            reported.uppercase
        ),
        (12, true, false)
    );
    let error = client
        .password()
        .sign_up("ada@example.com", "alllowercase12")
        .await
        .unwrap_err();
    match &error {
        Error::PasswordPolicy(violation) => {
            assert!(
                violation.to_string().contains("not a letter or digit"),
                "{violation}"
            );
        }
        other => panic!("{other:?}"),
    }
    client
        .password()
        .sign_up("ada@example.com", "all-lowercase")
        .await
        .unwrap();
}

/// A raw request to the emulator.
async fn raw(
    emulator: &Emulator,
    path: &str,
    authorization: Option<&str>,
    body: &str,
) -> (u16, Value) {
    let mut request = reqwest::Client::new()
        .post(format!("{}{path}", emulator.base_url()))
        .body(body.to_owned());
    if let Some(auth) = authorization {
        request = request.header("authorization", auth);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    assert_eq!(response.headers()["content-type"], "application/json");
    (status, response.json().await.unwrap())
}

#[tokio::test]
async fn wrong_authorization_is_refused() {
    let (emulator, _client) = start().await;
    let body = r#"{"loginId":"ada@example.com","password":"x"}"#;
    let project = format!("Bearer {}", emulator.project_id());
    for auth in [
        None,
        Some("Bearer P2other"),
        Some("Basic abc"),
        Some("Bearer "),
        Some("Bearer :x"),
        Some(emulator.project_id()),
    ] {
        let (status, body) = raw(&emulator, "/v1/auth/password/signin", auth, body).await;
        assert_eq!(status, 401, "{auth:?}");
        assert_eq!(body["errorCode"], "E011003");
    }
    let (status, _) = raw(&emulator, "/v1/auth/password/signin", Some(&project), body).await;
    assert_eq!(
        status, 401,
        "a wrong password, but the authorization passed"
    );
    let (status, body) = raw(&emulator, "/v1/auth/refresh", Some(&project), "{}").await;
    assert_eq!(
        (status, body["errorCode"].as_str()),
        (401, Some("E061005")),
        "refresh needs a token"
    );
}

#[tokio::test]
async fn malformed_requests_get_descope_errors_never_500() {
    let (emulator, _client) = start().await;
    let auth = format!("Bearer {}", emulator.project_id());
    for (body, code) in [
        ("{", "E011001"),
        ("not json", "E011001"),
        ("[]", "E011001"),
        (r#"{"loginId": 5, "password": "x"}"#, "E011001"),
        ("{}", "E011002"),
        ("", "E011002"),
        (r#"{"password": "Passw0rdX1"}"#, "E011002"),
        (r#"{"loginId": "  ", "password": "Passw0rdX1"}"#, "E011002"),
        (r#"{"loginId": "a@b.c", "password": ""}"#, "E011002"),
    ] {
        let (status, answer) = raw(&emulator, "/v1/auth/password/signup", Some(&auth), body).await;
        assert_eq!(
            (status, answer["errorCode"].as_str()),
            (400, Some(code)),
            "{body}"
        );
    }
    let huge = format!(
        r#"{{"loginId": "{}", "password": "x"}}"#,
        "a".repeat(100_000)
    );
    let (status, _) = raw(&emulator, "/v1/auth/password/signup", Some(&auth), &huge).await;
    assert_eq!(status, 400);
    let (status, answer) = raw(&emulator, "/v1/nothing/here", Some(&auth), "{}").await;
    assert_eq!(
        (status, answer["errorCode"].as_str()),
        (404, Some("E011003"))
    );
}

#[tokio::test]
async fn official_sdk_request_shapes_are_accepted() {
    let (emulator, _client) = start().await;
    let auth = format!("Bearer {}", emulator.project_id());
    // Node always sends loginOptions: {}; unknown fields are ignored.
    let node_sign_up = json!({"loginId": "ada@example.com", "password": PASSWORD, "user": {"name": "Ada"}, "loginOptions": {}, "someFutureField": 1});
    let (status, answer) = raw(
        &emulator,
        "/v1/auth/password/signup",
        Some(&auth),
        &node_sign_up.to_string(),
    )
    .await;
    assert_eq!(status, 200, "{answer}");
    let node_sign_in =
        json!({"loginId": "ada@example.com", "password": PASSWORD, "loginOptions": {}});
    let (status, answer) = raw(
        &emulator,
        "/v1/auth/password/signin",
        Some(&auth),
        &node_sign_in.to_string(),
    )
    .await;
    assert_eq!(status, 200);
    assert!(answer["sessionJwt"].as_str().unwrap().starts_with("ey"));
    // Python sends redirectUrl: null and nulls for other unset options.
    let python_reset = json!({"loginId": "ada@example.com", "redirectUrl": null, "templateOptions": null, "providerId": null});
    let (status, answer) = raw(
        &emulator,
        "/v1/auth/password/reset",
        Some(&auth),
        &python_reset.to_string(),
    )
    .await;
    assert_eq!(status, 200, "{answer}");
    let python_sign_in = json!({"loginId": "ada@example.com", "password": PASSWORD, "loginOptions": null, "ssoAppId": null});
    let (status, _) = raw(
        &emulator,
        "/v1/auth/password/signin",
        Some(&auth),
        &python_sign_in.to_string(),
    )
    .await;
    assert_eq!(status, 200);
    let refresh = answer_refresh(&emulator, &auth).await;
    let (status, answer) = raw(
        &emulator,
        "/v1/auth/logout",
        Some(&format!("{auth}:{refresh}")),
        "",
    )
    .await;
    assert_eq!(
        (status, answer["sessionJwt"].as_str()),
        (200, Some("")),
        "an empty body counts as {{}}"
    );
}

async fn answer_refresh(emulator: &Emulator, auth: &str) -> String {
    let body = json!({"loginId": "ada@example.com", "password": PASSWORD}).to_string();
    let (_, answer) = raw(emulator, "/v1/auth/password/signin", Some(auth), &body).await;
    answer["refreshJwt"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn two_hundred_concurrent_sign_ups_then_sign_ins_lose_nothing() {
    let (emulator, client) = start().await;
    let run = async {
        let sign_ups = (0..200).map(|i| {
            let client = client.clone();
            tokio::spawn(async move {
                client
                    .password()
                    .sign_up(format!("user{i}@example.com"), format!("Concurrent-{i}-Pw"))
                    .await
                    .map(|a| a.user)
            })
        });
        let results: Vec<_> = futures_join(sign_ups.collect()).await;
        assert!(results.iter().all(|r| r.is_ok()), "every sign-up succeeds");
        let sign_ins = (0..200).map(|i| {
            let client = client.clone();
            tokio::spawn(async move {
                client
                    .password()
                    .sign_in(format!("user{i}@example.com"), format!("Concurrent-{i}-Pw"))
                    .await
                    .map(|_| ())
            })
        });
        let results: Vec<_> = futures_join(sign_ins.collect()).await;
        assert!(
            results.iter().all(|r| r.is_ok()),
            "every user signs in with their own password"
        );
    };
    tokio::time::timeout(Duration::from_secs(120), run)
        .await
        .expect("bounded in time");
    assert_eq!(emulator.user_count(), 200);
}

/// Awaits every task, in order.
async fn futures_join<T: Send + 'static>(
    tasks: Vec<tokio::task::JoinHandle<descope::Result<T>>>,
) -> Vec<descope::Result<T>> {
    let mut out = Vec::with_capacity(tasks.len());
    for task in tasks {
        out.push(task.await.expect("task panicked"));
    }
    out
}

#[tokio::test]
async fn concurrent_refreshes_of_one_rotated_token_have_one_winner() {
    let emulator = Emulator::builder()
        .hash_cost(HashCost::Fast)
        .rotate_refresh_tokens(true)
        .start()
        .await
        .unwrap();
    let client = emulator.client().unwrap();
    for round in 0..5 {
        let refresh_jwt = client
            .password()
            .sign_up(format!("rot{round}@example.com"), PASSWORD)
            .await
            .unwrap()
            .refresh_jwt;
        // `refresh` is the raw call: each of these reaches the emulator.
        let tasks = (0..8)
            .map(|_| {
                let (client, token) = (client.clone(), refresh_jwt.clone());
                tokio::spawn(async move { client.sessions().refresh(&token).await })
            })
            .collect();
        let results = futures_join(tasks).await;
        let won = results.iter().filter(|r| r.is_ok()).count();
        assert_eq!(won, 1, "round {round}: checking and revoking are one step");
        for lost in results.iter().filter_map(|r| r.as_ref().err()) {
            assert_eq!(api(lost).1, "E064001");
        }
    }
}

#[tokio::test]
async fn concurrent_replaces_with_the_same_old_password_have_one_winner() {
    let (_emulator, client) = start().await;
    for round in 0..5 {
        let login = format!("race{round}@example.com");
        client.password().sign_up(&login, PASSWORD).await.unwrap();
        let a = {
            let (c, l) = (client.clone(), login.clone());
            tokio::spawn(
                async move { c.password().replace(l, PASSWORD, "Winner-A-Passw0rd").await },
            )
        };
        let b = {
            let (c, l) = (client.clone(), login.clone());
            tokio::spawn(
                async move { c.password().replace(l, PASSWORD, "Winner-B-Passw0rd").await },
            )
        };
        let (a, b) = (a.await.unwrap(), b.await.unwrap());
        assert_eq!(
            a.is_ok() as u8 + b.is_ok() as u8,
            1,
            "round {round}: exactly one replace wins"
        );
        let loser = if a.is_ok() { &b } else { &a };
        assert_eq!(api(loser.as_ref().unwrap_err()).1, "E062901");
        let winner = if a.is_ok() {
            "Winner-A-Passw0rd"
        } else {
            "Winner-B-Passw0rd"
        };
        client.password().sign_in(&login, winner).await.unwrap();
    }
}

#[tokio::test]
async fn key_rotation_is_published() {
    let (emulator, client) = start().await;
    let auth = client
        .password()
        .sign_up("ada@example.com", PASSWORD)
        .await
        .unwrap();
    let before = client.sessions().keys().await.unwrap();
    emulator.rotate_signing_key(true).await.unwrap();
    let after = client.sessions().keys().await.unwrap();
    assert_eq!(after.len(), 2);
    assert_eq!(
        after[1].kid, before[0].kid,
        "the previous key stays published"
    );
    verified_claims(&emulator, auth.session_jwt.secret()).await;
    let fresh = client.sessions().refresh(&auth.refresh_jwt).await.unwrap();
    let kid = jsonwebtoken::decode_header(fresh.session_jwt.secret())
        .unwrap()
        .kid;
    assert_eq!(
        kid,
        Some(after[0].kid.clone()),
        "new tokens use the new key"
    );
    emulator.rotate_signing_key(false).await.unwrap();
    assert_eq!(client.sessions().keys().await.unwrap().len(), 1);
}

#[tokio::test]
async fn sessions_validate_refresh_and_logout_against_the_emulator() {
    for rotation in [false, true] {
        let emulator = Emulator::builder()
            .hash_cost(HashCost::Fast)
            .rotate_refresh_tokens(rotation)
            .user(SeedUser::new("admin@example.com", PASSWORD).roles(["admin"]))
            .start()
            .await
            .unwrap();
        let client = emulator.client().unwrap();
        let sessions = client.sessions();
        let auth = client
            .password()
            .sign_in("admin@example.com", PASSWORD)
            .await
            .unwrap();
        let session = sessions.validate(auth.session_jwt.secret()).await.unwrap();
        assert!(session.has_role("admin"));
        assert_eq!(session.project_id(), emulator.project_id());
        assert_eq!(Some(session.user_id()), Some(auth.user.user_id.as_str()));
        let refresh = auth.refresh_jwt;
        let refreshed = sessions.refresh(&refresh).await.unwrap();
        sessions
            .validate(refreshed.session_jwt.secret())
            .await
            .unwrap();
        assert_eq!(refreshed.rotated, rotation);
        let current = refreshed.refresh_jwt.clone();
        assert_eq!(current != refresh, rotation);
        sessions.logout(&current).await.unwrap();
        let refused = sessions.refresh(&current).await.unwrap_err();
        assert_eq!(api(&refused).1, "E064001");
        // A session JWT is refused where a refresh JWT is expected, before any request.
        let wrong_kind = sessions
            .me(&RefreshJwt::from(auth.session_jwt.secret()))
            .await
            .unwrap_err();
        assert!(wrong_kind.session().is_some(), "{wrong_kind:?}");
        assert_eq!(
            sessions.key_fetch_count(),
            1,
            "keys fetched once per client"
        );
    }
}

#[tokio::test]
async fn validate_and_refresh_refreshes_an_expired_session() {
    let clock = descope::session::OffsetClock::new();
    let emulator = Emulator::builder()
        .hash_cost(HashCost::Fast)
        .session_ttl(Duration::from_secs(60))
        .rotate_refresh_tokens(true)
        .clock(clock.clone())
        .start()
        .await
        .unwrap();
    let client = emulator.client().unwrap();
    let auth = client
        .password()
        .sign_up("ada@example.com", PASSWORD)
        .await
        .unwrap();
    let refresh = auth.refresh_jwt;
    let fresh = client
        .sessions()
        .validate_and_refresh(auth.session_jwt.secret(), &refresh)
        .await
        .unwrap();
    assert!(
        fresh.refreshed.is_none(),
        "a valid session needs no refresh"
    );
    clock.advance(Duration::from_secs(120)); // past the expiry and the 5 s leeway
    let expired = client
        .sessions()
        .validate(auth.session_jwt.secret())
        .await
        .unwrap_err();
    assert!(matches!(
        expired.session(),
        Some(descope::SessionError::Expired)
    ));
    let renewed = client
        .sessions()
        .validate_and_refresh(auth.session_jwt.secret(), &refresh)
        .await
        .unwrap();
    let refreshed = renewed.refreshed.expect("refreshed");
    assert!(
        refreshed.rotated && refreshed.refresh_jwt != refresh,
        "the rotated refresh JWT comes back"
    );
    assert_eq!(renewed.session_jwt, refreshed.session_jwt);
    assert_eq!(renewed.session.user_id(), fresh.session.user_id());
}

#[tokio::test]
async fn key_rotation_at_the_emulator_is_picked_up_by_validation() {
    let emulator = Emulator::start().await.unwrap();
    let client = Client::builder()
        .project_id(emulator.project_id())
        .base_url(emulator.base_url())
        .session_config(descope::SessionConfig::default().key_refetch_interval(Duration::ZERO))
        .build()
        .unwrap();
    let before = client
        .password()
        .sign_up("ada@example.com", PASSWORD)
        .await
        .unwrap();
    client
        .sessions()
        .validate(before.session_jwt.secret())
        .await
        .unwrap();
    emulator.rotate_signing_key(false).await.unwrap();
    let after = client
        .password()
        .sign_in("ada@example.com", PASSWORD)
        .await
        .unwrap();
    client
        .sessions()
        .validate(after.session_jwt.secret())
        .await
        .unwrap();
    assert_eq!(client.sessions().key_fetch_count(), 2);
}

#[tokio::test]
async fn cookie_mode_sessions_validate() {
    let emulator = Emulator::builder()
        .hash_cost(HashCost::Fast)
        .tokens_in_cookies(true)
        .start()
        .await
        .unwrap();
    let client = emulator.client().unwrap();
    let auth = client
        .password()
        .sign_up("ada@example.com", PASSWORD)
        .await
        .unwrap();
    client
        .sessions()
        .validate(auth.session_jwt.secret())
        .await
        .unwrap();
    let config = client.cookie_config();
    let mut headers = http::HeaderMap::new();
    config.set(&mut headers, &auth);
    let cookies: Vec<_> = headers
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect();
    assert!(cookies[0].starts_with("DS=ey") && cookies[1].starts_with("DSR=ey"));
    let out = client.sessions().logout(&auth.refresh_jwt).await.unwrap();
    let mut headers = http::HeaderMap::new();
    config.clear(&mut headers, Some(&out.cookies));
    let cleared = headers.get("set-cookie").unwrap().to_str().unwrap();
    assert!(cleared.starts_with("DS=;") && cleared.contains("Max-Age=0"));
}
