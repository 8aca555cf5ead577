//! What our `openapi.yaml` changes on purpose against Descope's published document, each with
//! why: a difference these explain is not drift.

/// What we change on purpose, each with why: a difference these explain is not drift.
pub const MASKED_POLICIES: &[(&str, &str)] = &[
    (
        "nullability",
        "our response fields are `nullable` and none is `required`: the service omits and nulls \
         fields freely, and decoding must not fail on that",
    ),
    (
        "secret-schemas",
        "passwords and tokens are our `Password`, `SessionJwt`, `RefreshJwt` and `OpaqueToken` \
         schemas (strings with a format) so the generated types redact them",
    ),
    (
        "names",
        "operationIds and schema names are ours (the generated Rust names); shapes are compared",
    ),
    (
        "errors",
        "our error responses are one `ErrorResponse` on 4XX/5XX; only the 200 answer is compared",
    ),
    (
        "wider-integers",
        "integers we declare int64 where upstream says int32 (times, ages): wider on purpose, \
         every int32 value fits",
    ),
    (
        "response-extras",
        "response fields we declare that upstream lacks (we decode a superset: `tryRefresh` \
         shares our JWTResponse; extra optional fields cost nothing when absent)",
    ),
    (
        "response-enums",
        "enums in responses are plain strings: a value the service adds must not fail decoding",
    ),
    (
        "deliberate",
        "the differences listed in DELIBERATE and the routes in ROUTE_ALIASES, each with its \
         reason",
    ),
    (
        "documentation",
        "descriptions, summaries, examples, defaults and tags are not compared",
    ),
];

/// Single differences we keep on purpose, by location (a location ending in `*` covers every
/// location under it) and change, with why.
pub const DELIBERATE: &[(&str, &str, &str)] = &[
    (
        "oauthStart query.redirectURL",
        "our parameter upstream lacks",
        "both official SDKs send `redirectURL`, as upstream's own prose names it (shared/wire-sso.md)",
    ),
    (
        "oauthStart query.redirectUrl",
        "upstream optional parameter we lack",
        "the SDKs send it as `redirectURL`",
    ),
    (
        "oauthStartSignIn query.redirectURL",
        "our parameter upstream lacks",
        "both official SDKs send `redirectURL`, as upstream's own prose names it (shared/wire-sso.md)",
    ),
    (
        "oauthStartSignIn query.redirectUrl",
        "upstream optional parameter we lack",
        "the SDKs send it as `redirectURL`",
    ),
    (
        "oauthStartSignUp query.redirectURL",
        "our parameter upstream lacks",
        "both official SDKs send `redirectURL`, as upstream's own prose names it (shared/wire-sso.md)",
    ),
    (
        "oauthStartSignUp query.redirectUrl",
        "upstream optional parameter we lack",
        "the SDKs send it as `redirectURL`",
    ),
    (
        "oauthStartUpdateUser query.redirectURL",
        "our parameter upstream lacks",
        "both official SDKs send `redirectURL`, as upstream's own prose names it (shared/wire-sso.md)",
    ),
    (
        "oauthStartUpdateUser query.redirectUrl",
        "upstream optional parameter we lack",
        "the SDKs send it as `redirectURL`",
    ),
    (
        "ssoStart query.redirectURL",
        "our parameter upstream lacks",
        "both official SDKs send `redirectURL`, as upstream's own prose names it (shared/wire-sso.md)",
    ),
    (
        "ssoStart query.redirectUrl",
        "upstream optional parameter we lack",
        "the SDKs send it as `redirectURL`",
    ),
    (
        "TestUserGenerateMagicLinkRequest.URI",
        "our field upstream lacks",
        "both official SDKs send the link's redirect as `URI` (shared/wire-issued.md)",
    ),
    (
        "TestUserGenerateMagicLinkRequest.redirectUrl",
        "upstream field we lack (string)",
        "the SDKs send it as `URI`",
    ),
    (
        "TestUserGenerateEnchantedLinkRequest.URI",
        "our field upstream lacks",
        "both official SDKs send the link's redirect as `URI` (shared/wire-issued.md)",
    ),
    (
        "TestUserGenerateEnchantedLinkRequest.redirectUrl",
        "upstream field we lack (string)",
        "the SDKs send it as `URI`",
    ),
    (
        "ssoStart query.ssoId",
        "our parameter upstream lacks",
        "the Python and Node SDKs send `ssoId` to pick one of a tenant's SSO configurations",
    ),
    (
        "ssoStart query.unsavedSaml.*",
        "upstream optional parameter we lack",
        "the console's preview of unsaved SAML settings; no SDK sends them",
    ),
    (
        "ssoStart query.unsavedOauth.*",
        "upstream optional parameter we lack",
        "the console's preview of unsaved OIDC settings; no SDK sends them",
    ),
    (
        "PasswordResetRequest.templateId",
        "our field upstream lacks",
        "the official SDKs send it (shared/wire.md)",
    ),
    (
        "SignUpOptions.templateId",
        "our field upstream lacks",
        "the official SDKs send it (shared/wire.md)",
    ),
    (
        "LoginOptions.pkceChallenge",
        "format: ours none, upstream bytes",
        "base64 text, taken and sent as the caller gives it",
    ),
    (
        "SignUpOptions.pkceChallenge",
        "format: ours none, upstream bytes",
        "base64 text, taken and sent as the caller gives it",
    ),
    (
        "CreateUserRequest.displayName",
        "our field upstream lacks",
        "both official SDKs send `displayName` (shared/wire-management.md)",
    ),
    (
        "CreateUserRequest.name",
        "upstream field we lack (string)",
        "the SDKs send the name as `displayName`",
    ),
    (
        "CreateUserRequest.additionalLoginIds",
        "our field upstream lacks",
        "both official SDKs send `additionalLoginIds` (shared/wire-management.md)",
    ),
    (
        "CreateUserRequest.additionalIdentifiers",
        "upstream field we lack (array)",
        "the SDKs send extra login IDs as `additionalLoginIds`",
    ),
    (
        "CreateUserRequest.password",
        "upstream field we lack (string)",
        "neither SDK's single create sends a password: it comes from `password/set/*`",
    ),
    (
        "CreateUserRequest.hashedPassword",
        "upstream field we lack (object)",
        "password import is batch create's, out of scope",
    ),
    (
        "LinkSignInRequest.URI",
        "our field upstream lacks",
        "both official SDKs send the redirect URL as `URI` (shared/wire-lifecycle.md); the published prose says `URI` too",
    ),
    (
        "LinkSignInRequest.redirectUrl",
        "upstream field we lack (string)",
        "we send `URI`, what the SDKs send and the service reads (shared/wire-lifecycle.md)",
    ),
    (
        "LinkSignUpRequest.URI",
        "our field upstream lacks",
        "both official SDKs send the redirect URL as `URI` (shared/wire-lifecycle.md); the published prose says `URI` too",
    ),
    (
        "LinkSignUpRequest.redirectUrl",
        "upstream field we lack (string)",
        "we send `URI`, what the SDKs send and the service reads (shared/wire-lifecycle.md)",
    ),
    (
        "LinkUpdateEmailRequest.URI",
        "our field upstream lacks",
        "both official SDKs send the redirect URL as `URI` (shared/wire-lifecycle.md); the published prose says `URI` too",
    ),
    (
        "LinkUpdateEmailRequest.redirectUrl",
        "upstream field we lack (string)",
        "we send `URI`, what the SDKs send and the service reads (shared/wire-lifecycle.md)",
    ),
    (
        "LinkUpdateEmailRequest.templateId",
        "our field upstream lacks",
        "both official SDKs send it on email updates (shared/wire-lifecycle.md)",
    ),
    (
        "OtpUpdateEmailRequest.templateId",
        "our field upstream lacks",
        "both official SDKs send it on email updates (shared/wire-lifecycle.md)",
    ),
    (
        "OtpUpdateEmailRequest.mfa",
        "our field upstream lacks",
        "the Python SDK sends `mfa` on OTP email updates (shared/wire-lifecycle.md)",
    ),
    (
        "OtpSignUpUser.email",
        "our field upstream lacks",
        "the Python SDK puts the address in `user.email` (shared/wire-lifecycle.md)",
    ),
    (
        "LinkVerifyRequest.pkceVerifier",
        "upstream field we lack (string bytes)",
        "neither official SDK sends it (shared/wire-lifecycle.md)",
    ),
    (
        "Tenant.tenant",
        "upstream field we lack (object)",
        "tenant load answers the bare tenant: both SDKs read its fields at the top level, not \
         `{\"tenant\": ...}` (shared/wire-b2b.md)",
    ),
    (
        "UpdateUserRequest.displayName",
        "our field upstream lacks",
        "both SDKs send the name as `displayName` (shared/wire-b2b.md)",
    ),
    (
        "UpdateUserRequest.name",
        "upstream field we lack (string)",
        "the SDKs send the name as `displayName`",
    ),
    (
        "PatchUserRequest.displayName",
        "our field upstream lacks",
        "both SDKs send the name as `displayName` (shared/wire-b2b.md)",
    ),
    (
        "PatchUserRequest.name",
        "upstream field we lack (string)",
        "the SDKs send the name as `displayName`",
    ),
    (
        "UpdateUserDisplayNameRequest.displayName",
        "our field upstream lacks",
        "both SDKs send the name as `displayName` (shared/wire-b2b.md)",
    ),
    (
        "UpdateUserDisplayNameRequest.name",
        "upstream field we lack (string)",
        "the SDKs send the name as `displayName`",
    ),
    (
        "MeHistoryResponse",
        "type: ours array, upstream object",
        "the service answers a bare array: Python returns it as a list, Go decodes `[]`",
    ),
];

/// Our routes that are another route upstream, with why: compared with that one, which is
/// then not listed as unimplemented.
pub const ROUTE_ALIASES: &[(&str, &str, &str)] = &[(
    "POST /v2/mgmt/user/update/role/add",
    "POST /v1/mgmt/user/update/role/add",
    "both official SDKs call the /v2 path; the published document shows /v1",
)];
