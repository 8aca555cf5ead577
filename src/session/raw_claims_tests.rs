#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::*;
use crate::session::claim_sets::Claims;
use crate::session::Session;
use serde_json::{json, Value};

fn payload(value: &Value) -> Payload {
    Payload(value.to_string().into_bytes())
}

fn session(value: &Value) -> Session {
    let payload = payload(value);
    let checked = payload.check().unwrap();
    let facts = Facts {
        kind: checked.kind().unwrap(),
        user_id: checked.user_id().unwrap_or_default().to_owned(),
        project_id: "P1".into(),
        expires_at: checked.exp.unwrap_or_default(),
        issued_at: checked.iat,
    };
    drop(checked);
    Session::from_payload(payload, facts)
}

#[test]
fn registered_claims_are_read_and_the_rest_built_when_read() {
    let claims = json!({
        "iss": "P1", "sub": "U1", "dsub": "U2", "exp": 20, "nbf": 5, "iat": 4,
        "aud": ["a", "b"], "drn": "DSR", "amr": ["pwd", "otp"], "dct": "T1",
        "tenants": {"T1": {"roles": ["r"], "permissions": null, "other": 1}},
        "roles": ["admin"], "permissions": ["write"],
        "email": "a@example.com", "nested": {"deep": [1, {"x": null}]}, "n": 7,
    });
    let p = payload(&claims);
    let checked = p.check().unwrap();
    assert_eq!(checked.iss.as_deref(), Some("P1"));
    // Borrowed from the payload, not copied.
    assert!(matches!(checked.iss, Some(Cow::Borrowed(_))));
    assert_eq!(checked.user_id(), Some("U2"));
    assert_eq!(
        (checked.exp, checked.nbf, checked.iat),
        (Some(20), Some(5), Some(4))
    );
    assert!(checked.aud.as_ref().unwrap().contains("b"));
    assert!(!checked.aud.as_ref().unwrap().contains("c"));
    assert_eq!(checked.kind(), Some(TokenKind::Refresh));

    let session = session(&claims);
    assert_eq!(session.amr(), ["pwd", "otp"]);
    assert!(session.is_mfa());
    assert_eq!(session.current_tenant(), Some("T1"));
    let (id, tenant) = session.tenants().next().unwrap();
    assert_eq!(
        (id, tenant.roles.as_slice()),
        ("T1", ["r".to_owned()].as_slice())
    );
    assert!(tenant.permissions.is_empty());
    assert!(session.has_tenant_role("T1", "r"));
    assert!(session.has_role("admin") && session.has_permission("write"));
    assert_eq!(session.custom_claims().len(), 3);
    assert_eq!(
        session.claim("nested"),
        Some(&json!({"deep": [1, {"x": null}]}))
    );
    assert_eq!(session.claim("n"), Some(&json!(7)));
    // Registered claims are not custom ones.
    assert!(session.claim("sub").is_none() && session.claim("iss").is_none());
    // Debug shows the claims (built for it).
    let debug = format!("{session:?}");
    assert!(
        debug.contains("admin") && debug.contains("a@example.com"),
        "{debug}"
    );
}

#[test]
fn escaped_strings_are_read_too() {
    let claims = json!({"iss": "P\u{e9}1\n", "sub": "U\"1", "aud": "x\ty"});
    let p = payload(&claims);
    let checked = p.check().unwrap();
    assert_eq!(checked.iss.as_deref(), Some("P\u{e9}1\n"));
    assert_eq!(checked.user_id(), Some("U\"1"));
    assert!(checked.aud.unwrap().contains("x\ty"));
}

#[test]
fn nulls_and_absences_read_as_empty() {
    let claims = json!({
        "sub": "U1", "iss": null, "aud": "one", "amr": null, "tenants": null, "roles": null,
        "permissions": null, "dct": null,
    });
    let p = payload(&claims);
    let checked = p.check().unwrap();
    assert!(checked.iss.is_none());
    assert_eq!(checked.aud, Some(Audience::One(Cow::Borrowed("one"))));
    assert_eq!(checked.kind(), Some(TokenKind::Session));
    let session = session(&claims);
    assert!(session.amr().is_empty() && session.roles().is_empty());
    assert!(session.permissions().is_empty() && session.current_tenant().is_none());
    assert_eq!(session.tenants().count(), 0);
    let empty = payload(&json!({}));
    let checked = empty.check().unwrap();
    assert!(checked.exp.is_none() && checked.user_id().is_none());
    // An empty `dsub` falls back to `sub`.
    let p = payload(&json!({"dsub": "", "sub": "U1"}));
    assert_eq!(p.check().unwrap().user_id(), Some("U1"));
}

#[test]
fn wrong_shapes_and_repeated_claims_are_refused_at_validation() {
    // A second `sub` could hide who the token is for: refused, not "last one wins".
    for twice in [
        r#"{"sub":"U1","sub":"U2"}"#,
        r#"{"roles":[],"roles":["admin"]}"#,
    ] {
        assert!(
            Payload(twice.as_bytes().to_vec()).check().is_err(),
            "{twice}"
        );
    }
    for bad in [
        json!([]),
        json!("claims"),
        json!({"exp": "soon"}),
        json!({"aud": 3}),
        json!({"aud": [3]}),
        json!({"roles": "admin"}),
        json!({"roles": [1]}),
        json!({"amr": {"pwd": true}}),
        json!({"permissions": [null]}),
        json!({"dct": 5}),
        json!({"tenants": ["T1"]}),
        json!({"tenants": {"T1": {"roles": "r"}}}),
        json!({"tenants": {"T1": 1}}),
    ] {
        assert!(payload(&bad).check().is_err(), "{bad}");
    }
    assert!(Payload::decode("not base64!").is_err());
    assert!(Payload(b"{not json".to_vec()).check().is_err());
    // Whatever the check lets through parses whole (found by a differential run: these read
    // as empty claims, a session without its roles).
    for unparsable in [
        r#"{"sub":"U1","x":"\ud800"}"#.to_owned(),
        r#"{"sub":"U1","x":{"\udc00":1}}"#.to_owned(),
        r#"{"sub":"U1","tenants":{"T1":{"other":"\ud800"}}}"#.to_owned(),
        r#"{"sub":"U1","tenants":{"T1":{"roles":[],"roles":["admin"]}}}"#.to_owned(),
        format!(
            r#"{{"sub":"U1","x":{}1{}}}"#,
            "[".repeat(200),
            "]".repeat(200)
        ),
        format!(
            r#"{{"sub":"U1","x":{}1{}}}"#,
            "[".repeat(128),
            "]".repeat(128)
        ),
    ] {
        let p = Payload(unparsable.clone().into_bytes());
        assert!(p.check().is_err(), "{unparsable}");
        assert!(
            serde_json::from_slice::<Value>(&p.0).is_err() || unparsable.contains("roles\":[],"),
            "{unparsable}"
        );
    }
    let deep = format!(
        r#"{{"sub":"U1","x":{}1{}}}"#,
        "[".repeat(126),
        "]".repeat(126)
    );
    let p = Payload(deep.into_bytes());
    p.check().unwrap();
    assert!(Claims::of(&p.0).custom.contains_key("x"));
    // Custom claims: any JSON, and the last of a repeated one wins.
    let p = Payload(br#"{"sub":"U1","x":1,"x":{"y":[true]}}"#.to_vec());
    p.check().unwrap();
    assert_eq!(Claims::of(&p.0).custom["x"], json!({"y": [true]}));
}
