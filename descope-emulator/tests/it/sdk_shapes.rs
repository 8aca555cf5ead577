//! What the official Python and Node SDKs send for management, tenant selection, history and
//! access keys (shared/wire-management.md), as raw HTTP: accepted, and answered with JSON.

use reqwest::Method;
use serde_json::{json, Value};

use super::management::{start, ACCESS_KEY, MANAGEMENT_KEY, PASSWORD};
use descope_emulator::Emulator;

/// One request as an SDK sends it: `python` adds `Content-Type: application/json` to every
/// request, bodiless ones included. Every answer must be JSON (Node throws otherwise).
async fn send(
    emulator: &Emulator,
    method: Method,
    path: &str,
    authorization: &str,
    body: Option<Value>,
    python: bool,
) -> (u16, Value) {
    let mut request = reqwest::Client::new()
        .request(method, format!("{}{path}", emulator.base_url()))
        .header("authorization", authorization)
        .header(
            "x-descope-sdk-name",
            if python { "python" } else { "nodejs" },
        );
    if python {
        request = request.header("content-type", "application/json");
    }
    if let Some(body) = body {
        request = request
            .header("content-type", "application/json")
            .body(body.to_string());
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    assert_eq!(
        response.headers()["content-type"],
        "application/json",
        "{path} answers JSON"
    );
    (status, response.json().await.unwrap())
}

fn key_auth(emulator: &Emulator) -> String {
    format!("Bearer {}:{MANAGEMENT_KEY}", emulator.project_id())
}

/// Every management route, with a body an SDK would send.
fn management_routes() -> Vec<(Method, &'static str, Option<Value>)> {
    let user = || Some(json!({"loginId": "sdk@example.com"}));
    vec![
        (Method::GET, "/v1/mgmt/user?loginId=sdk@example.com", None),
        (Method::POST, "/v1/mgmt/user/create", user()),
        (Method::POST, "/v1/mgmt/user/create/test", user()),
        (Method::POST, "/v1/mgmt/user/delete", user()),
        (Method::DELETE, "/v1/mgmt/user/test/delete/all", None),
        (
            Method::POST,
            "/v1/mgmt/user/update/status",
            Some(json!({"loginId": "sdk@example.com", "status": "disabled"})),
        ),
        (
            Method::POST,
            "/v2/mgmt/user/update/role/add",
            Some(json!({"loginId": "sdk@example.com", "roleNames": ["r"]})),
        ),
        (
            Method::POST,
            "/v1/mgmt/user/update/role/remove",
            Some(json!({"loginId": "sdk@example.com", "roleNames": ["r"]})),
        ),
        (
            Method::POST,
            "/v1/mgmt/user/update/tenant/add",
            Some(json!({"loginId": "sdk@example.com", "tenantId": "T1"})),
        ),
        (
            Method::POST,
            "/v1/mgmt/user/update/tenant/remove",
            Some(json!({"loginId": "sdk@example.com", "tenantId": "T1"})),
        ),
        (
            Method::POST,
            "/v1/mgmt/user/password/set/active",
            Some(json!({"loginId": "sdk@example.com", "password": PASSWORD})),
        ),
        (
            Method::POST,
            "/v1/mgmt/user/password/set/temporary",
            Some(json!({"loginId": "sdk@example.com", "password": PASSWORD})),
        ),
        (Method::POST, "/v1/mgmt/user/password/expire", user()),
        (Method::POST, "/v1/mgmt/user/logout", user()),
        (Method::GET, "/v1/mgmt/license", None),
    ]
}

#[tokio::test]
async fn every_management_route_refuses_a_wrong_missing_or_misplaced_key_before_any_effect() {
    let (emulator, client) = start().await;
    let refresh = {
        let users = client.management().users();
        users.create("sdk@example.com").await.unwrap();
        users
            .set_active_password("sdk@example.com", PASSWORD)
            .await
            .unwrap();
        client
            .password()
            .sign_in("sdk@example.com", PASSWORD)
            .await
            .unwrap()
            .refresh_jwt
    };
    let pid = emulator.project_id().to_owned();
    let bad_auths = [
        format!("Bearer {pid}:K2not-the-key"),
        // Node with no key configured sends the project ID alone.
        format!("Bearer {pid}"),
        format!("Bearer {pid}:{}", refresh.secret()),
        format!("Bearer P2otherproject:{MANAGEMENT_KEY}"),
    ];
    for (method, path, body) in management_routes() {
        for auth in &bad_auths {
            for python in [true, false] {
                let (status, answer) =
                    send(&emulator, method.clone(), path, auth, body.clone(), python).await;
                assert!(
                    status == 401 || status == 403,
                    "{method} {path} with a bad key: {status}"
                );
                assert!(answer["errorCode"].is_string(), "{answer}");
            }
        }
    }
    // Nothing changed: the user is there, enabled, with the password it had.
    assert_eq!(emulator.user_count(), 1);
    let user = client
        .management()
        .users()
        .load("sdk@example.com")
        .await
        .unwrap();
    assert_eq!(user.status, descope::UserStatus::Enabled);
    assert!(user.roles.is_empty() && user.tenants.is_empty());
    client
        .password()
        .sign_in("sdk@example.com", PASSWORD)
        .await
        .unwrap();
    client.sessions().refresh(&refresh).await.unwrap();
}

#[tokio::test]
async fn every_management_route_answers_json_to_both_sdks() {
    let (emulator, _client) = start().await;
    let auth = key_auth(&emulator);
    for python in [true, false] {
        for (method, path, body) in management_routes() {
            // Each route sees the user there, except the creates, which see it gone.
            let user = Some(json!({"loginId": "sdk@example.com"}));
            send(
                &emulator,
                Method::POST,
                "/v1/mgmt/user/delete",
                &auth,
                user.clone(),
                python,
            )
            .await;
            if !path.contains("/create") {
                let (status, _) = send(
                    &emulator,
                    Method::POST,
                    "/v1/mgmt/user/create",
                    &auth,
                    user,
                    python,
                )
                .await;
                assert_eq!(status, 200);
            }
            let (status, answer) = send(&emulator, method.clone(), path, &auth, body, python).await;
            assert_eq!(status, 200, "{method} {path}: {answer}");
            assert!(answer.is_object(), "{method} {path}: {answer}");
        }
    }
}

#[tokio::test]
async fn python_create_with_nulls_and_node_create_with_given_options_only() {
    let (emulator, _client) = start().await;
    let auth = key_auth(&emulator);
    let python = json!({
        "loginId": "py@example.com", "email": "py@example.com", "phone": null,
        "displayName": "Py Thon", "roleNames": ["viewer"],
        "userTenants": [{"tenantId": "T2py", "roleNames": ["member"]}],
        "test": false, "picture": null, "customAttributes": null, "additionalLoginIds": null,
        "ssoAppIDs": null, "invite": false, "verifiedEmail": true
    });
    let (status, answer) = send(
        &emulator,
        Method::POST,
        "/v1/mgmt/user/create",
        &auth,
        Some(python),
        true,
    )
    .await;
    assert_eq!(status, 200, "{answer}");
    let user = &answer["user"];
    assert_eq!(user["loginIds"], json!(["py@example.com"]));
    assert_eq!(user["name"], "Py Thon");
    assert_eq!(user["roleNames"], json!(["viewer"]));
    assert_eq!(user["userTenants"][0]["tenantId"], "T2py");
    assert_eq!(user["userTenants"][0]["roleNames"], json!(["member"]));
    assert_eq!(user["status"], "enabled");
    assert_eq!(user["test"], false);
    assert!(user["userId"].as_str().unwrap().starts_with('U'));

    // Node: /create/test adds test: true; the path decides either way.
    let node = json!({"loginId": "node@example.com", "displayName": "No De", "test": true});
    let (status, answer) = send(
        &emulator,
        Method::POST,
        "/v1/mgmt/user/create/test",
        &auth,
        Some(node),
        false,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(answer["user"]["test"], true);
    let (_, loaded) = send(
        &emulator,
        Method::GET,
        "/v1/mgmt/user?loginId=node@example.com",
        &auth,
        None,
        false,
    )
    .await;
    assert_eq!(loaded["user"]["test"], true);
}

#[tokio::test]
async fn node_sends_a_user_id_as_login_id_and_python_sends_set_active() {
    let (emulator, client) = start().await;
    let auth = key_auth(&emulator);
    let user = client
        .management()
        .users()
        .create("uid@example.com")
        .await
        .unwrap();
    // Node's addRoles(loginIdOrUserId): the user ID in `loginId`.
    let (status, answer) = send(
        &emulator,
        Method::POST,
        "/v2/mgmt/user/update/role/add",
        &auth,
        Some(json!({"loginId": user.user_id, "roleNames": ["admin"]})),
        false,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(answer["user"]["roleNames"], json!(["admin"]));
    // Python's set_temporary_password sends setActive: false on the temporary path; a
    // contradicting flag does not win over the path.
    let (status, _) = send(
        &emulator,
        Method::POST,
        "/v1/mgmt/user/password/set/active",
        &auth,
        Some(json!({"loginId": "uid@example.com", "password": PASSWORD, "setActive": false})),
        true,
    )
    .await;
    assert_eq!(status, 200);
    client
        .password()
        .sign_in("uid@example.com", PASSWORD)
        .await
        .unwrap();
    let (status, _) = send(
        &emulator,
        Method::POST,
        "/v1/mgmt/user/password/set/temporary",
        &auth,
        Some(json!({"loginId": "uid@example.com", "password": PASSWORD, "setActive": true})),
        true,
    )
    .await;
    assert_eq!(status, 200);
    let refused = client
        .password()
        .sign_in("uid@example.com", PASSWORD)
        .await
        .unwrap_err();
    assert_eq!(refused.status(), Some(403));
    // Unknown users: a 4xx that is neither 405 nor 429.
    for python in [true, false] {
        let (status, answer) = send(
            &emulator,
            Method::POST,
            "/v1/mgmt/user/update/status",
            &auth,
            Some(json!({"loginId": "nobody@example.com", "status": "enabled"})),
            python,
        )
        .await;
        assert_eq!(status, 400, "{answer}");
        assert_eq!(answer["errorCode"], "E062108");
    }
}

#[tokio::test]
async fn session_side_calls_as_the_sdks_send_them() {
    let (emulator, client) = start().await;
    let users = client.management().users();
    users
        .create("ses@example.com")
        .tenant("T2sdk", ["member"])
        .await
        .unwrap();
    users
        .set_active_password("ses@example.com", PASSWORD)
        .await
        .unwrap();
    let refresh = client
        .password()
        .sign_in("ses@example.com", PASSWORD)
        .await
        .unwrap()
        .refresh_jwt;
    let pid = emulator.project_id().to_owned();
    let refresh_auth = format!("Bearer {pid}:{}", refresh.secret());

    // Both SDKs: GET /v1/auth/me/history answers a bare array.
    for python in [true, false] {
        let (status, history) = send(
            &emulator,
            Method::GET,
            "/v1/auth/me/history",
            &refresh_auth,
            None,
            python,
        )
        .await;
        assert_eq!(status, 200);
        let entries = history.as_array().expect("a bare array");
        assert_eq!(entries.len(), 1);
        assert!(entries[0]["loginTime"].as_i64().unwrap() > 0);
        assert!(entries[0]["userId"].as_str().unwrap().starts_with('U'));
    }

    let (status, selected) = send(
        &emulator,
        Method::POST,
        "/v1/auth/tenant/select",
        &refresh_auth,
        Some(json!({"tenant": "T2sdk"})),
        true,
    )
    .await;
    assert_eq!(status, 200);
    let session = client
        .sessions()
        .validate(selected["sessionJwt"].as_str().unwrap())
        .await
        .unwrap();
    assert_eq!(session.current_tenant(), Some("T2sdk"));
    assert!(!selected["refreshJwt"].as_str().unwrap().is_empty());

    // Node sends {} and Python {"loginOptions": {}}.
    let key_auth = format!("Bearer {pid}:{ACCESS_KEY}");
    for (body, python) in [(json!({}), false), (json!({"loginOptions": {}}), true)] {
        let (status, answer) = send(
            &emulator,
            Method::POST,
            "/v1/auth/accesskey/exchange",
            &key_auth,
            Some(body),
            python,
        )
        .await;
        assert_eq!(status, 200);
        let session = client
            .sessions()
            .validate(answer["sessionJwt"].as_str().unwrap())
            .await
            .unwrap();
        assert_eq!(session.user_id(), answer["keyId"].as_str().unwrap());
    }
    let (status, _) = send(
        &emulator,
        Method::POST,
        "/v1/auth/accesskey/exchange",
        &format!("Bearer {pid}:A2bogus"),
        Some(json!({})),
        false,
    )
    .await;
    assert_eq!(status, 401);
}
