//! No secret appears in the `Debug` or `Display` of any public type.

use descope::wire::{
    JwtResponse, PasswordReplaceRequest, PasswordSignInRequest, PasswordUpdateRequest,
};
use descope::{Client, ManagementKey, OpaqueToken, Password, RefreshJwt, SessionJwt};
use serde_json::json;
use wiremock::matchers::any;
use wiremock::{Mock, ResponseTemplate};

use crate::common::*;

/// Every secret of the fixtures, and each part of the JWTs on its own.
fn secrets() -> Vec<&'static str> {
    let mut secrets = vec![PASSWORD, NEW_PASSWORD, MANAGEMENT_KEY, "fixture-secret"];
    for token in [session_jwt(), refresh_jwt()] {
        secrets.push(token);
        secrets.extend(token.split('.').skip(1));
    }
    secrets
}

fn assert_clean(what: &str, text: &str) {
    for secret in secrets() {
        assert!(!text.contains(secret), "{what} shows a secret: {text}");
    }
}

#[test]
fn secret_types_redact() {
    assert_eq!(
        format!("{:?}", Password::from(PASSWORD)),
        "Password([redacted])"
    );
    assert_eq!(
        format!("{:?}", SessionJwt::from(session_jwt())),
        "SessionJwt([redacted])"
    );
    assert_eq!(
        format!("{:?}", RefreshJwt::from(refresh_jwt())),
        "RefreshJwt([redacted])"
    );
    assert_eq!(
        format!("{:?}", OpaqueToken::from("fixture-secret")),
        "OpaqueToken([redacted])"
    );
    assert_eq!(
        format!("{:?}", ManagementKey::from(MANAGEMENT_KEY)),
        "ManagementKey([redacted])"
    );
    assert_eq!(Password::from(PASSWORD).secret(), PASSWORD);
}

#[test]
fn generated_types_hold_secret_types() {
    let sign_in: PasswordSignInRequest =
        serde_json::from_value(json!({"loginId": "ada", "password": PASSWORD})).unwrap();
    assert_clean(
        "PasswordSignInRequest",
        &format!("{sign_in:?} {sign_in:#?}"),
    );
    let replace: PasswordReplaceRequest = serde_json::from_value(
        json!({"loginId": "ada", "oldPassword": PASSWORD, "newPassword": NEW_PASSWORD}),
    )
    .unwrap();
    assert_clean("PasswordReplaceRequest", &format!("{replace:?}"));
    let update: PasswordUpdateRequest =
        serde_json::from_value(json!({"loginId": "ada", "newPassword": NEW_PASSWORD})).unwrap();
    assert_clean("PasswordUpdateRequest", &format!("{update:?}"));
    let mut response = jwt_response();
    response["externalToken"] = json!("fixture-secret-external");
    response["trustedDeviceJwt"] = json!("fixture-secret-device");
    let response: JwtResponse = serde_json::from_value(response).unwrap();
    assert_clean("JwtResponse", &format!("{response:?}"));
}

#[tokio::test]
async fn builders_clients_results_and_errors_are_clean() {
    let (server, _) = mock().await;
    let client = Client::builder()
        .project_id(PROJECT_ID)
        .base_url(server.uri())
        .management_key(MANAGEMENT_KEY)
        .build()
        .unwrap();
    assert_clean("Client", &format!("{client:?}"));
    let builder = Client::builder()
        .project_id(PROJECT_ID)
        .management_key(MANAGEMENT_KEY);
    assert_clean("ClientBuilder", &format!("{builder:?}"));
    let refresh = RefreshJwt::from(refresh_jwt());
    let password = client.password();
    assert_clean(
        "SignUp",
        &format!("{:?}", password.sign_up("ada", PASSWORD).name("Ada")),
    );
    assert_clean(
        "SignIn",
        &format!("{:?}", password.sign_in("ada", PASSWORD).stepup(&refresh)),
    );
    assert_clean(
        "Replace",
        &format!("{:?}", password.replace("ada", PASSWORD, NEW_PASSWORD)),
    );
    assert_clean(
        "Update",
        &format!("{:?}", password.update("ada", NEW_PASSWORD, &refresh)),
    );
    assert_clean("SendReset", &format!("{:?}", password.send_reset("ada")));
    // Session builders own copies of their tokens: those stay redacted too.
    let sessions = client.sessions();
    assert_clean(
        "Validate",
        &format!("{:?}", sessions.validate(session_jwt())),
    );
    assert_clean(
        "ValidateRefresh",
        &format!("{:?}", sessions.validate_refresh(&refresh)),
    );
    assert_clean(
        "ValidateAndRefresh",
        &format!(
            "{:?}",
            sessions.validate_and_refresh(session_jwt(), &refresh)
        ),
    );
    assert_clean("Refresh", &format!("{:?}", sessions.refresh(&refresh)));
    // OAuth and SSO: step-up tokens, codes and client secrets.
    let oauth = client
        .oauth()
        .start("github", "https://app/cb")
        .stepup(&refresh);
    assert_clean("OAuthStart", &format!("{oauth:?}"));
    let sso = client.sso().start("T1", "https://app/cb").mfa(&refresh);
    assert_clean("SsoStart", &format!("{sso:?}"));
    let exchange = client.oauth().exchange("fixture-secret");
    assert_clean("CodeExchange", &format!("{exchange:?}"));
    let oidc = (client.management().sso())
        .configure_oidc("T1")
        .client_secret("fixture-secret");
    assert_clean("ConfigureOidc", &format!("{oidc:?}"));

    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_json(jwt_response()))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    let auth = password.sign_in("ada", PASSWORD).await.unwrap();
    assert_clean("AuthInfo", &format!("{auth:?} {auth:#?}"));

    // Error answers that echo secrets back must not carry them into Debug or Display.
    let echo = json!({"errorCode": "E011003", "errorDescription": "Bad", "errorMessage": "bad"});
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(401)
                .set_body_json(echo)
                .append_header("x-echo", refresh_jwt()),
        )
        .mount(&server)
        .await;
    let errors = vec![
        password.sign_in("ada", PASSWORD).await.unwrap_err(),
        password
            .update("ada", NEW_PASSWORD, &refresh)
            .await
            .unwrap_err(),
        client.sessions().refresh(&refresh).await.unwrap_err(),
        password
            .update("ada", NEW_PASSWORD, &format!("{}\n", refresh_jwt()).into())
            .await
            .unwrap_err(),
    ];
    for error in errors {
        assert_clean("Error", &format!("{error:?} {error}"));
    }
    // A garbled success body that contains a token is not quoted in the decode error.
    server.reset().await;
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_string(format!("{{\"sessionJwt\": 1, \"x\": \"{}\"", session_jwt())),
        )
        .mount(&server)
        .await;
    let error = password.sign_in("ada", PASSWORD).await.unwrap_err();
    assert_clean("Decode error", &format!("{error:?} {error}"));
}
