//! Typed results: what the service always sends is a plain value; a missing essential is a
//! decode error naming it; the error accessors answer without a `match`.

use std::time::Duration;

use descope::{Error, ErrorCode, PasswordPolicy, PolicyRule, RefreshJwt, RetryPolicy, UserStatus};
use serde_json::{json, Value};
use wiremock::matchers::{any, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::common::*;

async fn answer(server: &MockServer, status: u16, body: Value) {
    server.reset().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(status).set_body_json(body))
        .mount(server)
        .await;
}

/// The seed's full sign-in response (every field of the user), with real fixture tokens.
fn seed_response() -> Value {
    let mut body = fixture("signin_response");
    body["sessionJwt"] = json!(session_jwt());
    body["refreshJwt"] = json!(refresh_jwt());
    body["nextRefreshSeconds"] = json!(3000);
    body["tenantSSOID"] = json!("T2sso");
    body["externalToken"] = json!("external-fixture-secret");
    body["claims"] = json!({"drn": "DS"});
    body["unsavedSSO"] = json!(true);
    body["user"]["recoveryEmail"] = json!("ada.recovery@example.com");
    body["user"]["verifiedRecoveryEmail"] = json!(true);
    body["user"]["recoveryPhone"] = json!("+15555550100");
    body["user"]["consentExpiration"] = json!(4_102_444_800_i64); // past 2038: 64-bit
    body["idpResponse"]["idpOIDCClaims"] = json!({"groups": ["a"]});
    body
}

#[tokio::test]
async fn every_field_of_the_seed_reaches_the_typed_result() {
    let (server, client) = mock().await;
    answer(&server, 200, seed_response()).await;
    let auth = client.password().sign_in("ada", PASSWORD).await.unwrap();
    assert_eq!(auth.session_jwt.secret(), session_jwt());
    assert_eq!(auth.refresh_jwt.secret(), refresh_jwt());
    assert!(auth.first_seen);
    assert_eq!(
        auth.next_refresh,
        Some(std::time::Duration::from_secs(3000))
    );
    assert_eq!(auth.tenant_sso_id.as_deref(), Some("T2sso"));
    assert_eq!(
        auth.external_token.as_ref().map(|t| t.secret()),
        Some("external-fixture-secret")
    );
    assert_eq!(auth.claims["drn"], "DS");
    assert!(auth.unsaved_sso);
    assert_eq!(
        auth.user.recovery_email.as_deref(),
        Some("ada.recovery@example.com")
    );
    assert!(auth.user.verified_recovery_email && !auth.user.verified_recovery_phone);
    assert_eq!(auth.user.recovery_phone.as_deref(), Some("+15555550100"));
    assert_eq!(
        auth.user.consent_expiration,
        Some(std::time::UNIX_EPOCH + std::time::Duration::from_secs(4_102_444_800))
    );
    let idp = auth.idp_response.as_ref().unwrap();
    let saml = idp.saml_response.as_ref().map(descope::OpaqueToken::secret);
    assert_eq!(saml, Some("string"));
    let debug = format!("{idp:?}");
    assert!(
        debug.contains("saml_response: Some(OpaqueToken([redacted]))")
            && debug.contains("oidc_response: Some(OpaqueToken([redacted]))"),
        "the raw IdP responses are redacted: {debug}"
    );
    assert_eq!(idp.oidc_claims["groups"], json!(["a"]));
    assert_eq!(
        (&*auth.cookies.session_name, &*auth.cookies.refresh_name),
        ("DS", "DSR")
    );
    assert_eq!(auth.cookies.domain.as_deref(), Some("string"));

    let user = &auth.user;
    assert_eq!(user.user_id, "string");
    assert_eq!(user.login_ids, ["string"]);
    assert_eq!(
        (user.name.as_deref(), user.given_name.as_deref()),
        (Some("string"), Some("string"))
    );
    assert_eq!(user.email.as_deref(), Some("string"));
    assert!(user.verified_email && user.verified_phone && user.editable);
    assert!(!user.test);
    assert!(matches!(user.status, UserStatus::Other(_)));
    assert_eq!(user.status.as_str(), "string");
    assert_eq!(user.roles, ["string"]);
    assert!(user.has_role("string") && !user.has_role("admin"));
    let tenant = user.tenant("string").unwrap();
    assert_eq!(
        (tenant.tenant_name.as_deref(), tenant.roles.as_slice()),
        (Some("string"), &["string".to_owned()][..])
    );
    assert_eq!(user.external_ids, ["string"]);
    assert_eq!(user.sso_app_ids, ["string"]);
    assert_eq!(user.created_time, Some(std::time::UNIX_EPOCH));
    assert!(user.methods.password && user.methods.webauthn);
    assert!(!user.methods.totp && !user.methods.saml);
    assert_eq!(user.methods.oauth.get("property1"), Some(&false));
}

#[tokio::test]
async fn absent_and_null_fields_read_as_empty_not_as_errors() {
    let (server, client) = mock().await;
    let body = json!({
        "sessionJwt": session_jwt(),
        "refreshJwt": refresh_jwt(),
        "user": {"userId": "U2", "loginIds": null, "roleNames": null, "userTenants": null,
                 "status": "disabled", "email": "", "OAuth": null},
        "firstSeen": null,
    });
    answer(&server, 200, body).await;
    let auth = client.password().sign_in("ada", PASSWORD).await.unwrap();
    assert!(!auth.first_seen);
    assert!(auth.claims.is_empty());
    let user = auth.user;
    assert!(user.login_ids.is_empty() && user.roles.is_empty() && user.tenants.is_empty());
    assert_eq!(user.status, UserStatus::Disabled);
    assert_eq!(user.email, None, "an empty string is no email");
    assert!(user.methods.oauth.is_empty());
}

#[tokio::test]
async fn a_missing_essential_is_a_decode_error_naming_it() {
    let (server, client) = mock().await;
    let cases = [
        (
            json!({"sessionJwt": session_jwt(), "user": {"userId": "U2"}}),
            "refresh JWT",
        ),
        (
            json!({"sessionJwt": session_jwt(), "refreshJwt": "", "user": {"userId": "U2"}}),
            "refresh JWT",
        ),
        (
            json!({"sessionJwt": session_jwt(), "refreshJwt": refresh_jwt()}),
            "no user",
        ),
        (
            json!({"sessionJwt": session_jwt(), "refreshJwt": refresh_jwt(), "user": {"name": "x"}}),
            "userId",
        ),
        (
            json!({"refreshJwt": refresh_jwt(), "user": {"userId": "U2"}}),
            "session JWT",
        ),
    ];
    for (body, needle) in cases {
        answer(&server, 200, body.clone()).await;
        let error = client
            .password()
            .sign_in("ada", PASSWORD)
            .await
            .unwrap_err();
        match &error {
            Error::Decode { operation, reason } => {
                assert_eq!(*operation, descope::Operation::PasswordSignIn);
                assert!(
                    reason.contains(needle),
                    "{reason} should name {needle} ({body})"
                );
            }
            other => panic!("{other:?} for {body}"),
        }
    }
    answer(&server, 200, json!({"maskedEmail": "a***@x"})).await;
    let error = client.password().send_reset("ada").await.unwrap_err();
    assert!(
        matches!(&error, Error::Decode { reason, .. } if reason.contains("resetMethod")),
        "{error:?}"
    );
}

#[tokio::test]
async fn a_refresh_without_rotation_keeps_the_refresh_jwt_in_use() {
    let (server, client) = mock().await;
    answer(
        &server,
        200,
        json!({"sessionJwt": session_jwt(), "cookieMaxAge": 60}),
    )
    .await;
    let previous = RefreshJwt::from(refresh_jwt());
    let refreshed = client.sessions().refresh(&previous).await.unwrap();
    assert!(
        !refreshed.rotated,
        "not rotated: the refresh JWT to use is the one given"
    );
    assert_eq!(refreshed.refresh_jwt, previous);
    assert!(refreshed.user.is_none());
    assert!(
        !refreshed.session.user_id().is_empty(),
        "the new session is validated"
    );

    let rotated = RefreshJwt::from(format!("{}x", refresh_jwt()));
    answer(
        &server,
        200,
        json!({"sessionJwt": session_jwt(), "refreshJwt": rotated.secret(),
               "user": {"userId": "U2", "loginIds": ["ada"]}}),
    )
    .await;
    let refreshed = client.sessions().refresh(&previous).await.unwrap();
    assert!(refreshed.rotated);
    assert_eq!(refreshed.refresh_jwt, rotated);
    assert_eq!(refreshed.user.unwrap().login_ids, ["ada"]);
}

#[tokio::test]
async fn validation_takes_a_str_or_a_session_jwt_alike() {
    let (_server, client) = mock().await;
    let sessions = client.sessions();
    let typed = descope::SessionJwt::from(session_jwt());
    let owned: String = session_jwt().to_owned();
    let a = sessions.validate(&typed).await.unwrap();
    let b = sessions.validate(session_jwt()).await.unwrap();
    let c = sessions.validate(&owned).await.unwrap();
    assert_eq!((a.user_id(), b.user_id()), (c.user_id(), c.user_id()));
    let refresh = RefreshJwt::from(refresh_jwt());
    sessions.validate_refresh(&refresh).await.unwrap();
    sessions.validate_refresh(refresh_jwt()).await.unwrap();
}

#[tokio::test]
async fn the_policy_is_typed_and_checked_locally() {
    let (server, client) = mock().await;
    answer(&server, 200, json!({})).await;
    let nothing = client.password().policy().await.unwrap();
    assert_eq!(nothing.rules(), []);
    assert!(nothing.check("").is_ok(), "absent rules are not required");

    answer(
        &server,
        200,
        json!({"minLength": 10, "lowercase": true, "uppercase": false, "number": true,
               "nonAlphanumeric": true, "strengthScoreEnabled": true, "strengthScore": 3}),
    )
    .await;
    let policy = client.password().policy().await.unwrap();
    assert_eq!(policy.strength_score, Some(3));
    let violation = policy.check("ABC").unwrap_err();
    assert_eq!(
        violation.unmet(),
        [
            PolicyRule::MinLength(10),
            PolicyRule::Lowercase,
            PolicyRule::Number,
            PolicyRule::NonAlphanumeric
        ]
    );
    assert_eq!(
        violation.to_string(),
        "the password needs at least 10 characters, a lowercase letter, a digit, \
         a character that is not a letter or digit"
    );
    assert!(!violation.to_string().contains("ABC"), "never the password");
    assert!(policy.check("abcdefgh1!").is_ok());
    // Length counts characters, not bytes.
    assert!(PasswordPolicy::min_length_only(3).check("éé").is_err());
    assert!(PasswordPolicy::min_length_only(2).check("éé").is_ok());
    // Negative numbers from the service are read as "no minimum".
    answer(&server, 200, json!({"minLength": -5})).await;
    assert_eq!(client.password().policy().await.unwrap().min_length, 0);
}

#[tokio::test]
async fn error_accessors_answer_without_a_match() {
    let (server, client) = mock().await;
    let sign_in = || client.password().sign_in("ada", PASSWORD);

    // Unknown user and wrong password are both bad credentials.
    answer(
        &server,
        401,
        json!({"errorCode": "E062108", "errorDescription": "User not found"}),
    )
    .await;
    let unknown = sign_in().await.unwrap_err();
    answer(&server, 401, json!({"errorCode": "E061999"})).await;
    let wrong = sign_in().await.unwrap_err();
    answer(&server, 400, json!({"errorCode": "E062108"})).await;
    let unknown_400 = sign_in().await.unwrap_err();
    for e in [&unknown, &wrong, &unknown_400] {
        assert!(e.is_bad_credentials(), "{e:?}");
        assert!(!e.is_retryable());
    }
    assert_eq!(unknown.code(), Some(&ErrorCode::UserNotFound));
    assert_eq!(unknown.status(), Some(401));

    // Not bad credentials: an expired password, a rate limit, a 401 on another operation.
    answer(&server, 400, json!({"errorCode": "E062909"})).await;
    assert!(!sign_in().await.unwrap_err().is_bad_credentials());
    Mock::given(method("POST"))
        .and(path("/v1/auth/password/signin"))
        .respond_with(ResponseTemplate::new(429).append_header("retry-after", "7"))
        .with_priority(1)
        .mount(&server)
        .await;
    let limited = sign_in().await.unwrap_err();
    assert!(!limited.is_bad_credentials());
    assert!(limited.is_rate_limited() && limited.is_retryable());
    assert_eq!(limited.retry_after(), Some(Duration::from_secs(7)));
    answer(&server, 401, json!({"errorCode": "E064001"})).await;
    let revoked = client
        .sessions()
        .me(&RefreshJwt::from(refresh_jwt()))
        .await
        .unwrap_err();
    assert!(
        !revoked.is_bad_credentials(),
        "a refresh is not a password check"
    );
    assert_eq!(revoked.code(), Some(&ErrorCode::TokenExpiredByLogout));

    for (status, retryable) in [
        (500, false),
        (502, true),
        (503, true),
        (504, true),
        (520, true),
        (404, false),
    ] {
        answer(&server, status, json!({})).await;
        let error = client.password().policy().await.unwrap_err();
        assert_eq!(error.is_retryable(), retryable, "status {status}");
        assert_eq!((error.status(), error.code()), (Some(status), None));
    }

    // No answer at all is retryable, and has no status.
    let closed = descope::Client::builder()
        .project_id(PROJECT_ID)
        .base_url("http://127.0.0.1:9")
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    let unreachable = closed.password().policy().await.unwrap_err();
    assert!(unreachable.is_retryable());
    assert_eq!(
        (unreachable.status(), unreachable.retry_after()),
        (None, None)
    );
    let invalid = client.password().sign_in("", PASSWORD).await.unwrap_err();
    assert!(!invalid.is_retryable() && !invalid.is_bad_credentials());
}
