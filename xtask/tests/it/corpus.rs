//! The api-diff corpus: small paired edits of the real spec, each with its expected
//! classification. Every case also checks that no other class got a change it should not have.

use serde_json::{json, Value};
use xtask::diff::{diff, Class, Report};

fn base() -> Value {
    let text = std::fs::read_to_string(xtask::root().join("openapi.yaml")).unwrap();
    xtask::spec::parse(&text).unwrap()
}

fn at<'a>(spec: &'a mut Value, pointer: &str) -> &'a mut Value {
    spec.pointer_mut(pointer)
        .unwrap_or_else(|| panic!("no {pointer}"))
}

fn remove(spec: &mut Value, pointer: &str) {
    let (parent, key) = pointer.rsplit_once('/').unwrap();
    let key = key.replace("~1", "/").replace("~0", "~");
    at(spec, parent)
        .as_object_mut()
        .unwrap()
        .remove(&key)
        .unwrap_or_else(|| panic!("no {pointer}"));
}

const SCHEMAS: &str = "/components/schemas";
const SIGNIN: &str = "passwordSignIn (POST /v1/auth/password/signin)";

struct Case {
    name: &'static str,
    old: fn(&mut Value),
    new: fn(&mut Value),
    /// (class, location contains, change contains); each must match at least one change.
    expect: &'static [(Class, &'static str, &'static str)],
    /// How many changes in each class (breaking, additive, other); `None` to not count one.
    counts: (Option<usize>, Option<usize>, Option<usize>),
}

fn nothing(_: &mut Value) {}

fn run(case: &Case) -> Report {
    let mut old = base();
    let mut new = base();
    (case.old)(&mut old);
    (case.old)(&mut new);
    (case.new)(&mut new);
    diff(&old, &new)
}

fn cases() -> Vec<Case> {
    vec![
        Case {
            name: "operation removed",
            old: nothing,
            new: |s| remove(s, "/paths/~1v1~1auth~1password~1signin"),
            expect: &[(Class::Breaking, SIGNIN, "operation removed")],
            counts: (Some(1), Some(0), Some(0)),
        },
        Case {
            name: "operation added",
            old: nothing,
            new: |s| {
                let op = at(s, "/paths/~1v1~1auth~1password~1policy").clone();
                let mut op = op;
                op["get"]["operationId"] = json!("passwordPolicyV2");
                at(s, "/paths")
                    .as_object_mut()
                    .unwrap()
                    .insert("/v2/auth/password/policy".into(), op);
            },
            expect: &[(
                Class::Additive,
                "passwordPolicyV2 (GET /v2/auth/password/policy)",
                "operation added",
            )],
            counts: (Some(0), Some(1), Some(0)),
        },
        Case {
            name: "operationId renamed",
            old: nothing,
            new: |s| {
                *at(s, "/paths/~1v1~1auth~1password~1signin/post/operationId") =
                    json!("passwordLogin")
            },
            // The generated client is private: the wire and every public method stay.
            expect: &[(
                Class::Other,
                SIGNIN,
                "operationId renamed from `passwordSignIn` to `passwordLogin`",
            )],
            counts: (Some(0), Some(0), Some(1)),
        },
        Case {
            name: "path renamed, same operationId",
            old: nothing,
            new: |s| {
                let item = at(s, "/paths")
                    .as_object_mut()
                    .unwrap()
                    .remove("/v1/auth/password/signin")
                    .unwrap();
                at(s, "/paths")
                    .as_object_mut()
                    .unwrap()
                    .insert("/v2/auth/password/signin".into(), item);
            },
            expect: &[(
                Class::Breaking,
                SIGNIN,
                "operation moved to POST /v2/auth/password/signin",
            )],
            counts: (Some(1), Some(0), Some(0)),
        },
        Case {
            name: "method changed",
            old: nothing,
            new: |s| {
                let item = at(s, "/paths/~1v1~1auth~1password~1policy")
                    .as_object_mut()
                    .unwrap();
                let get = item.remove("get").unwrap();
                item.insert("post".into(), get);
            },
            expect: &[(
                Class::Breaking,
                "passwordPolicy (GET /v1/auth/password/policy)",
                "operation moved to POST",
            )],
            counts: (Some(1), Some(0), Some(0)),
        },
        Case {
            name: "required request field added",
            old: nothing,
            new: |s| {
                at(s, &format!("{SCHEMAS}/PasswordSignInRequest/properties"))["captcha"] =
                    json!({"type": "string"});
                at(s, &format!("{SCHEMAS}/PasswordSignInRequest/required"))
                    .as_array_mut()
                    .unwrap()
                    .push(json!("captcha"));
            },
            expect: &[(
                Class::Breaking,
                "PasswordSignInRequest.captcha",
                "required field added",
            )],
            counts: (Some(1), Some(0), Some(0)),
        },
        Case {
            name: "optional request field added",
            old: nothing,
            new: |s| {
                at(s, &format!("{SCHEMAS}/PasswordSignInRequest/properties"))["captcha"] =
                    json!({"type": "string"})
            },
            expect: &[(
                Class::Additive,
                "PasswordSignInRequest.captcha",
                "optional field added",
            )],
            counts: (Some(0), Some(1), Some(0)),
        },
        Case {
            name: "request field removed",
            old: nothing,
            new: |s| {
                remove(
                    s,
                    &format!("{SCHEMAS}/PasswordSignInRequest/properties/ssoAppId"),
                )
            },
            expect: &[(
                Class::Breaking,
                "PasswordSignInRequest.ssoAppId",
                "field removed",
            )],
            counts: (Some(1), Some(0), Some(0)),
        },
        Case {
            name: "request field type changed",
            old: nothing,
            new: |s| {
                at(
                    s,
                    &format!("{SCHEMAS}/PasswordResetRequest/properties/useRecovery"),
                )["type"] = json!("string")
            },
            expect: &[(
                Class::Breaking,
                "PasswordResetRequest.useRecovery",
                "type changed from boolean to string",
            )],
            counts: (Some(1), Some(0), Some(0)),
        },
        Case {
            name: "optional request field made required",
            old: nothing,
            new: |s| {
                at(s, &format!("{SCHEMAS}/PasswordSignInRequest/required"))
                    .as_array_mut()
                    .unwrap()
                    .push(json!("ssoAppId"))
            },
            expect: &[(
                Class::Breaking,
                "PasswordSignInRequest.ssoAppId",
                "now required",
            )],
            counts: (Some(1), Some(0), Some(0)),
        },
        Case {
            name: "required request field made optional",
            old: nothing,
            new: |s| {
                *at(s, &format!("{SCHEMAS}/PasswordUpdateRequest/required")) = json!(["loginId"])
            },
            expect: &[(
                Class::Breaking,
                "PasswordUpdateRequest.newPassword",
                "no longer required",
            )],
            counts: (Some(1), Some(0), Some(0)),
        },
        Case {
            name: "response field removed from a shared schema: once per use",
            old: nothing,
            new: |s| remove(s, &format!("{SCHEMAS}/JWTResponse/properties/cookieDomain")),
            // Once, at the schema, with the 7 operations that return it (sign-up, sign-in,
            // replace, refresh, try-refresh, logout, logout-all).
            expect: &[(Class::Breaking, "JWTResponse.cookieDomain", "field removed")],
            counts: (Some(1), Some(0), Some(0)),
        },
        Case {
            name: "response field added",
            old: nothing,
            new: |s| {
                at(s, &format!("{SCHEMAS}/PasswordResetResponse/properties"))["channel"] =
                    json!({"type": "string", "nullable": true})
            },
            expect: &[(
                Class::Additive,
                "PasswordResetResponse.channel",
                "field added",
            )],
            counts: (Some(0), Some(1), Some(0)),
        },
        Case {
            name: "response field type changed",
            old: nothing,
            new: |s| {
                at(
                    s,
                    &format!("{SCHEMAS}/PasswordPolicyResponse/properties/minLength"),
                )["type"] = json!("string")
            },
            expect: &[(
                Class::Breaking,
                "PasswordPolicyResponse.minLength",
                "type changed from integer to string",
            )],
            counts: (Some(1), Some(0), Some(0)),
        },
        Case {
            name: "response field format changed",
            old: nothing,
            new: |s| {
                at(
                    s,
                    &format!("{SCHEMAS}/PasswordPolicyResponse/properties/minLength"),
                )["format"] = json!("int64")
            },
            expect: &[(
                Class::Breaking,
                "PasswordPolicyResponse.minLength",
                "format changed from int32 to int64",
            )],
            counts: (Some(1), Some(0), Some(0)),
        },
        Case {
            name: "response field non-nullable to nullable",
            old: |s| {
                remove(
                    s,
                    &format!("{SCHEMAS}/PasswordResetResponse/properties/maskedEmail/nullable"),
                )
            },
            new: |s| {
                at(
                    s,
                    &format!("{SCHEMAS}/PasswordResetResponse/properties/maskedEmail"),
                )["nullable"] = json!(true)
            },
            expect: &[(
                Class::Breaking,
                "PasswordResetResponse.maskedEmail",
                "may now be null",
            )],
            counts: (Some(1), Some(0), Some(0)),
        },
        Case {
            name: "response field nullable to non-nullable",
            old: nothing,
            new: |s| {
                remove(
                    s,
                    &format!("{SCHEMAS}/PasswordResetResponse/properties/maskedEmail/nullable"),
                )
            },
            expect: &[(
                Class::Other,
                "PasswordResetResponse.maskedEmail",
                "no longer null",
            )],
            counts: (Some(0), Some(0), Some(1)),
        },
        Case {
            name: "response enum value added",
            old: |s| {
                at(
                    s,
                    &format!("{SCHEMAS}/PasswordResetResponse/properties/resetMethod"),
                )["enum"] = json!(["email"])
            },
            new: |s| {
                at(
                    s,
                    &format!("{SCHEMAS}/PasswordResetResponse/properties/resetMethod"),
                )["enum"] = json!(["email", "sms"])
            },
            expect: &[(
                Class::Breaking,
                "PasswordResetResponse.resetMethod",
                "enum value `sms` added",
            )],
            counts: (Some(1), Some(0), Some(0)),
        },
        Case {
            name: "response enum value removed",
            old: |s| {
                at(
                    s,
                    &format!("{SCHEMAS}/PasswordResetResponse/properties/resetMethod"),
                )["enum"] = json!(["email", "sms"])
            },
            new: |s| {
                at(
                    s,
                    &format!("{SCHEMAS}/PasswordResetResponse/properties/resetMethod"),
                )["enum"] = json!(["email"])
            },
            expect: &[(
                Class::Other,
                "PasswordResetResponse.resetMethod",
                "enum value `sms` removed",
            )],
            counts: (Some(0), Some(0), Some(1)),
        },
        Case {
            name: "request enum value added",
            old: |s| {
                at(
                    s,
                    &format!("{SCHEMAS}/LoginOptions/properties/revokeOtherSessionsTypes/items"),
                )["enum"] = json!(["web"])
            },
            new: |s| {
                at(
                    s,
                    &format!("{SCHEMAS}/LoginOptions/properties/revokeOtherSessionsTypes/items"),
                )["enum"] = json!(["web", "mobile"])
            },
            expect: &[(
                Class::Additive,
                "LoginOptions.revokeOtherSessionsTypes[]",
                "enum value `mobile` added",
            )],
            counts: (Some(0), Some(1), Some(0)),
        },
        Case {
            name: "request enum value removed",
            old: |s| {
                at(
                    s,
                    &format!("{SCHEMAS}/LoginOptions/properties/revokeOtherSessionsTypes/items"),
                )["enum"] = json!(["web", "mobile"])
            },
            new: |s| {
                at(
                    s,
                    &format!("{SCHEMAS}/LoginOptions/properties/revokeOtherSessionsTypes/items"),
                )["enum"] = json!(["web"])
            },
            expect: &[(
                Class::Breaking,
                "LoginOptions.revokeOtherSessionsTypes[]",
                "enum value `mobile` removed",
            )],
            counts: (Some(1), Some(0), Some(0)),
        },
        Case {
            name: "response required list changed",
            old: nothing,
            new: |s| at(s, &format!("{SCHEMAS}/ResponseUser"))["required"] = json!(["userId"]),
            // Once, at the schema: me, plus the 7 operations returning JWTResponse.user.
            expect: &[(Class::Breaking, "ResponseUser.userId", "now required")],
            counts: (Some(1), Some(0), Some(0)),
        },
        Case {
            name: "$ref target changes shape",
            old: nothing,
            new: |s| {
                at(s, &format!("{SCHEMAS}/SignUpUser/properties"))["locale"] =
                    json!({"type": "string"});
                at(s, &format!("{SCHEMAS}/SignUpUser"))["required"] = json!(["locale"]);
            },
            expect: &[(Class::Breaking, "SignUpUser.locale", "required field added")],
            counts: (Some(1), Some(0), Some(0)),
        },
        Case {
            name: "$ref replaced by another schema",
            old: nothing,
            new: |s| {
                let mut v2 = at(s, &format!("{SCHEMAS}/LoginOptions")).clone();
                v2["properties"]["captchaToken"] = json!({"type": "string"});
                at(s, SCHEMAS)["LoginOptionsV2"] = v2;
                *at(
                    s,
                    &format!("{SCHEMAS}/PasswordSignInRequest/properties/loginOptions"),
                ) = json!({"$ref": "#/components/schemas/LoginOptionsV2"});
            },
            // Only a private generated type is renamed: not breaking; the new field is additive.
            expect: &[
                (
                    Class::Other,
                    "PasswordSignInRequest.loginOptions",
                    "type `LoginOptions` replaced by `LoginOptionsV2`",
                ),
                (
                    Class::Additive,
                    "LoginOptionsV2.captchaToken",
                    "optional field added",
                ),
            ],
            counts: (Some(0), Some(1), Some(1)),
        },
        Case {
            name: "secret schema changed: every use",
            old: nothing,
            new: |s| at(s, &format!("{SCHEMAS}/Password"))["type"] = json!("object"),
            // Once, at the schema, reached from sign-up, sign-in, replace and update.
            expect: &[(Class::Breaking, "Password", "type changed")],
            counts: (Some(1), Some(0), Some(0)),
        },
        Case {
            name: "security changed",
            old: nothing,
            new: |s| {
                *at(s, "/paths/~1v1~1auth~1password~1update/post/security") =
                    json!([{"project": []}])
            },
            expect: &[(
                Class::Breaking,
                "passwordUpdate (POST /v1/auth/password/update)",
                "security changed",
            )],
            counts: (Some(1), Some(0), Some(0)),
        },
        Case {
            name: "operation description only",
            old: nothing,
            new: |s| {
                *at(s, "/paths/~1v1~1auth~1password~1signin/post/description") =
                    json!("Signs a user in.")
            },
            expect: &[(Class::Other, SIGNIN, "description changed")],
            counts: (Some(0), Some(0), Some(1)),
        },
        Case {
            name: "field description only",
            old: nothing,
            new: |s| {
                at(
                    s,
                    &format!("{SCHEMAS}/PasswordSignInRequest/properties/loginId"),
                )["description"] = json!("Who signs in.")
            },
            expect: &[(
                Class::Other,
                "PasswordSignInRequest.loginId",
                "description changed",
            )],
            counts: (Some(0), Some(0), Some(1)),
        },
        Case {
            name: "info version",
            old: nothing,
            new: |s| *at(s, "/info/version") = json!("1.1.0"),
            expect: &[(Class::Other, "info", "info changed")],
            counts: (Some(0), Some(0), Some(1)),
        },
        Case {
            name: "optional query parameter added",
            old: nothing,
            new: |s| {
                at(s, "/paths/~1v1~1auth~1password~1policy/get")["parameters"] = json!([{"name": "tenant", "in": "query", "required": false, "schema": {"type": "string"}}]);
            },
            expect: &[(
                Class::Additive,
                "passwordPolicy (GET /v1/auth/password/policy) query parameter tenant",
                "optional parameter added",
            )],
            counts: (Some(0), Some(1), Some(0)),
        },
        Case {
            name: "required header parameter added",
            old: nothing,
            new: |s| {
                at(s, "/paths/~1v1~1auth~1password~1policy/get")["parameters"] = json!([{"name": "x-tenant", "in": "header", "required": true, "schema": {"type": "string"}}]);
            },
            expect: &[(
                Class::Breaking,
                "header parameter x-tenant",
                "required parameter added",
            )],
            counts: (Some(1), Some(0), Some(0)),
        },
        Case {
            name: "path parameter type changed",
            old: nothing,
            new: |s| {
                at(s, "/paths/~1v2~1keys~1{projectId}/get/parameters/0/schema")["type"] =
                    json!("integer")
            },
            expect: &[(
                Class::Breaking,
                "getKeys (GET /v2/keys/{projectId}) path parameter projectId",
                "type changed from string to integer",
            )],
            counts: (Some(1), Some(0), Some(0)),
        },
        Case {
            name: "success response removed",
            old: nothing,
            new: |s| remove(s, "/paths/~1v1~1auth~1me/get/responses/200"),
            expect: &[(
                Class::Breaking,
                "me (GET /v1/auth/me) response 200",
                "success response removed",
            )],
            counts: (Some(1), Some(0), Some(0)),
        },
        Case {
            name: "constraint added",
            old: nothing,
            new: |s| {
                at(
                    s,
                    &format!("{SCHEMAS}/PasswordSignInRequest/properties/loginId"),
                )["maxLength"] = json!(320)
            },
            expect: &[(
                Class::Other,
                "PasswordSignInRequest.loginId",
                "`maxLength` changed from nothing to 320",
            )],
            counts: (Some(0), Some(0), Some(1)),
        },
        Case {
            name: "request body removed",
            old: nothing,
            new: |s| remove(s, "/paths/~1v1~1auth~1logout/post/requestBody"),
            expect: &[(
                Class::Breaking,
                "logout (POST /v1/auth/logout) request",
                "request body removed",
            )],
            counts: (Some(1), Some(0), Some(0)),
        },
        Case {
            name: "no change",
            old: nothing,
            new: nothing,
            expect: &[],
            counts: (Some(0), Some(0), Some(0)),
        },
    ]
}

#[test]
fn corpus_is_classified_as_expected() {
    let cases = cases();
    assert!(cases.len() >= 25, "the corpus has {} cases", cases.len());
    let mut failures = Vec::new();
    for case in &cases {
        let report = run(case);
        for (class, location, change) in case.expect {
            let found = report
                .of(*class)
                .iter()
                .any(|c| c.location.contains(location) && c.change.contains(change));
            if !found {
                failures.push(format!(
                    "{}: no {} change at `{location}` with `{change}`\n{}",
                    case.name,
                    class.name(),
                    report.to_text()
                ));
            }
        }
        for (class, count) in [
            (Class::Breaking, case.counts.0),
            (Class::Additive, case.counts.1),
            (Class::Other, case.counts.2),
        ] {
            if let Some(count) = count {
                if report.of(class).len() != count {
                    failures.push(format!(
                        "{}: {} {} changes, expected {count}\n{}",
                        case.name,
                        report.of(class).len(),
                        class.name(),
                        report.to_text()
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn json_output_has_the_three_groups() {
    let case = &cases()[0];
    let json = run(case).to_json();
    assert_eq!(json["breaking"][0]["location"], SIGNIN);
    assert_eq!(json["breaking"][0]["change"], "operation removed");
    assert!(json["additive"].as_array().unwrap().is_empty());
    assert!(json["other"].as_array().unwrap().is_empty());
}

#[test]
fn a_shared_schema_change_is_reported_once_with_every_operation_that_uses_it() {
    let old = base();
    let mut new = base();
    remove(
        &mut new,
        &format!("{SCHEMAS}/JWTResponse/properties/cookieDomain"),
    );
    let report = diff(&old, &new);
    let breaking = report.of(Class::Breaking);
    assert_eq!(breaking.len(), 1);
    assert_eq!(breaking[0].location, "JWTResponse.cookieDomain");
    let ids: Vec<&str> = breaking[0]
        .operations
        .iter()
        .map(|op| op.split(' ').next().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "enchantedLinkPendingSession",
            "jwtSignIn",
            "jwtSignUp",
            "jwtSignUpOrIn",
            "logout",
            "logoutAll",
            "magicLinkVerify",
            "oauthExchange",
            "otpVerifyEmail",
            "otpVerifySms",
            "otpVerifyVoice",
            "passwordReplace",
            "passwordSignIn",
            "passwordSignUp",
            "refreshSession",
            "selectTenant",
            "ssoExchange",
            "totpVerify",
            "tryRefreshSession"
        ]
    );
    let json = report.to_json();
    assert_eq!(
        json["breaking"][0]["operations"].as_array().unwrap().len(),
        19
    );
    assert!(report
        .to_text()
        .contains("    in enchantedLinkPendingSession (POST /v1/auth/enchantedlink/pending-session), jwtSignIn (POST /v1/mgmt/auth/signin), "));
}

#[test]
fn an_added_response_field_is_additive_for_rust_users_too() {
    let old = base();
    let mut new = base();
    at(&mut new, &format!("{SCHEMAS}/ResponseUser/properties"))["nickname"] =
        json!({"type": "string", "nullable": true});
    let report = diff(&old, &new);
    let additive = report.of(Class::Additive);
    assert_eq!(additive.len(), 1, "{}", report.to_text());
    assert!(additive[0].change.contains("#[non_exhaustive]"));
    assert!(report.of(Class::Breaking).is_empty());
}
