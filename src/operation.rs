//! The operations of the spec as a type, so errors carry them and mappings match them without
//! comparing strings (an `operationId` rename is a compile error here, not a silent mismatch).

use std::fmt;

macro_rules! operations {
    ($( $(#[$doc:meta])* $variant:ident = ($name:literal, $id:literal, $credential:ident), )*) => {
        /// One operation of the API, as an error names it.
        ///
        /// `#[non_exhaustive]`: new operations are added in minor releases; match with a `_`
        /// arm.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum Operation {
            $( $(#[$doc])* $variant, )*
        }

        impl Operation {
            /// Every operation, in the spec's order.
            pub const ALL: &'static [Operation] = &[ $( Operation::$variant, )* ];

            /// The operation's name in messages and traces: the spec's `operationId` in
            /// snake case (`password_sign_in`).
            pub fn as_str(self) -> &'static str {
                match self {
                    $( Operation::$variant => $name, )*
                }
            }

            /// The spec's `operationId` (`passwordSignIn`).
            pub fn operation_id(self) -> &'static str {
                match self {
                    $( Operation::$variant => $id, )*
                }
            }

            /// What authorizes the call besides the project ID.
            pub fn credential(self) -> Credential {
                match self {
                    $( Operation::$variant => Credential::$credential, )*
                }
            }
        }
    };
}

operations! {
    /// `POST /v1/auth/password/signup`.
    PasswordSignUp = ("password_sign_up", "passwordSignUp", Project),
    /// `POST /v1/auth/password/signin`.
    PasswordSignIn = ("password_sign_in", "passwordSignIn", Project),
    /// `POST /v1/auth/password/replace`.
    PasswordReplace = ("password_replace", "passwordReplace", Project),
    /// `POST /v1/auth/password/update`.
    PasswordUpdate = ("password_update", "passwordUpdate", RefreshJwt),
    /// `POST /v1/auth/password/reset`.
    PasswordSendReset = ("password_send_reset", "passwordSendReset", Project),
    /// `GET /v1/auth/password/policy`.
    PasswordPolicy = ("password_policy", "passwordPolicy", Project),
    /// `POST /v1/auth/refresh`.
    RefreshSession = ("refresh_session", "refreshSession", RefreshJwt),
    /// `POST /v1/auth/try-refresh`.
    TryRefreshSession = ("try_refresh_session", "tryRefreshSession", RefreshJwt),
    /// `POST /v1/auth/logout`.
    Logout = ("logout", "logout", RefreshJwt),
    /// `POST /v1/auth/logoutall`.
    LogoutAll = ("logout_all", "logoutAll", RefreshJwt),
    /// `GET /v1/auth/me`.
    Me = ("me", "me", RefreshJwt),
    /// `GET /v2/keys/{projectId}`.
    GetKeys = ("get_keys", "getKeys", Project),
    /// `POST /v1/auth/tenant/select`.
    SelectTenant = ("select_tenant", "selectTenant", RefreshJwt),
    /// `GET /v1/auth/me/history`.
    MeHistory = ("me_history", "meHistory", RefreshJwt),
    /// `POST /v1/auth/accesskey/exchange`.
    ExchangeAccessKey = ("exchange_access_key", "exchangeAccessKey", AccessKey),
    /// `GET /v1/mgmt/user`.
    LoadUser = ("load_user", "loadUser", ManagementKey),
    /// `POST /v1/mgmt/user/create`.
    CreateUser = ("create_user", "createUser", ManagementKey),
    /// `POST /v1/mgmt/user/create/test`.
    CreateTestUser = ("create_test_user", "createTestUser", ManagementKey),
    /// `POST /v1/mgmt/user/delete`.
    DeleteUser = ("delete_user", "deleteUser", ManagementKey),
    /// `DELETE /v1/mgmt/user/test/delete/all`.
    DeleteAllTestUsers = ("delete_all_test_users", "deleteAllTestUsers", ManagementKey),
    /// `POST /v1/mgmt/user/update/status`.
    UpdateUserStatus = ("update_user_status", "updateUserStatus", ManagementKey),
    /// `POST /v2/mgmt/user/update/role/add`.
    AddUserRoles = ("add_user_roles", "addUserRoles", ManagementKey),
    /// `POST /v1/mgmt/user/update/role/remove`.
    RemoveUserRoles = ("remove_user_roles", "removeUserRoles", ManagementKey),
    /// `POST /v1/mgmt/user/update/tenant/add`.
    AddUserTenant = ("add_user_tenant", "addUserTenant", ManagementKey),
    /// `POST /v1/mgmt/user/update/tenant/remove`.
    RemoveUserTenant = ("remove_user_tenant", "removeUserTenant", ManagementKey),
    /// `POST /v1/mgmt/user/password/set/active`.
    SetActivePassword = ("set_active_password", "setActivePassword", ManagementKey),
    /// `POST /v1/mgmt/user/password/set/temporary`.
    SetTemporaryPassword = ("set_temporary_password", "setTemporaryPassword", ManagementKey),
    /// `POST /v1/mgmt/user/password/expire`.
    ExpirePassword = ("expire_password", "expirePassword", ManagementKey),
    /// `POST /v1/mgmt/user/logout`.
    LogoutUser = ("logout_user", "logoutUser", ManagementKey),
    /// `POST /v1/auth/otp/signup/email`.
    OtpSignUpEmail = ("otp_sign_up_email", "otpSignUpEmail", Project),
    /// `POST /v1/auth/otp/signin/email`.
    OtpSignInEmail = ("otp_sign_in_email", "otpSignInEmail", Project),
    /// `POST /v1/auth/otp/signup-in/email`.
    OtpSignUpOrInEmail = ("otp_sign_up_or_in_email", "otpSignUpOrInEmail", Project),
    /// `POST /v1/auth/otp/verify/email`.
    OtpVerifyEmail = ("otp_verify_email", "otpVerifyEmail", Project),
    /// `POST /v1/auth/otp/update/email`.
    OtpUpdateEmail = ("otp_update_email", "otpUpdateEmail", RefreshJwt),
    /// `POST /v1/auth/magiclink/signup/email`.
    MagicLinkSignUpEmail = ("magic_link_sign_up_email", "magicLinkSignUpEmail", Project),
    /// `POST /v1/auth/magiclink/signin/email`.
    MagicLinkSignInEmail = ("magic_link_sign_in_email", "magicLinkSignInEmail", Project),
    /// `POST /v1/auth/magiclink/signup-in/email`.
    MagicLinkSignUpOrInEmail = ("magic_link_sign_up_or_in_email", "magicLinkSignUpOrInEmail", Project),
    /// `POST /v1/auth/magiclink/verify`.
    MagicLinkVerify = ("magic_link_verify", "magicLinkVerify", Project),
    /// `POST /v1/auth/magiclink/update/email`.
    MagicLinkUpdateEmail = ("magic_link_update_email", "magicLinkUpdateEmail", RefreshJwt),
    /// `POST /v1/auth/enchantedlink/signup/email`.
    EnchantedLinkSignUpEmail = ("enchanted_link_sign_up_email", "enchantedLinkSignUpEmail", Project),
    /// `POST /v1/auth/enchantedlink/signin/email`.
    EnchantedLinkSignInEmail = ("enchanted_link_sign_in_email", "enchantedLinkSignInEmail", Project),
    /// `POST /v1/auth/enchantedlink/signup-in/email`.
    EnchantedLinkSignUpOrInEmail = ("enchanted_link_sign_up_or_in_email", "enchantedLinkSignUpOrInEmail", Project),
    /// `POST /v1/auth/enchantedlink/verify`.
    EnchantedLinkVerify = ("enchanted_link_verify", "enchantedLinkVerify", Project),
    /// `POST /v1/auth/enchantedlink/pending-session`.
    EnchantedLinkPendingSession = ("enchanted_link_pending_session", "enchantedLinkPendingSession", Project),
    /// `POST /v1/auth/enchantedlink/update/email`.
    EnchantedLinkUpdateEmail = ("enchanted_link_update_email", "enchantedLinkUpdateEmail", RefreshJwt),
    /// `GET /v1/mgmt/tenant`.
    LoadTenant = ("load_tenant", "loadTenant", ManagementKey),
    /// `POST /v1/mgmt/tenant/create`.
    CreateTenant = ("create_tenant", "createTenant", ManagementKey),
    /// `POST /v1/mgmt/tenant/update`.
    UpdateTenant = ("update_tenant", "updateTenant", ManagementKey),
    /// `POST /v1/mgmt/tenant/delete`.
    DeleteTenant = ("delete_tenant", "deleteTenant", ManagementKey),
    /// `POST /v1/mgmt/tenant/search`.
    SearchTenants = ("search_tenants", "searchTenants", ManagementKey),
    /// `GET /v1/mgmt/tenant/all`.
    LoadAllTenants = ("load_all_tenants", "loadAllTenants", ManagementKey),
    /// `GET /v1/mgmt/tenant/settings`.
    GetTenantSettings = ("get_tenant_settings", "getTenantSettings", ManagementKey),
    /// `POST /v1/mgmt/tenant/settings`.
    ConfigureTenantSettings = ("configure_tenant_settings", "configureTenantSettings", ManagementKey),
    /// `POST /v1/mgmt/role/create`.
    CreateRole = ("create_role", "createRole", ManagementKey),
    /// `POST /v1/mgmt/role/update`.
    UpdateRole = ("update_role", "updateRole", ManagementKey),
    /// `POST /v1/mgmt/role/delete`.
    DeleteRole = ("delete_role", "deleteRole", ManagementKey),
    /// `POST /v1/mgmt/role/search`.
    SearchRoles = ("search_roles", "searchRoles", ManagementKey),
    /// `GET /v1/mgmt/role/all`.
    LoadAllRoles = ("load_all_roles", "loadAllRoles", ManagementKey),
    /// `POST /v1/mgmt/permission/create`.
    CreatePermission = ("create_permission", "createPermission", ManagementKey),
    /// `POST /v1/mgmt/permission/update`.
    UpdatePermission = ("update_permission", "updatePermission", ManagementKey),
    /// `POST /v1/mgmt/permission/delete`.
    DeletePermission = ("delete_permission", "deletePermission", ManagementKey),
    /// `GET /v1/mgmt/permission/all`.
    LoadAllPermissions = ("load_all_permissions", "loadAllPermissions", ManagementKey),
    /// `POST /v2/mgmt/user/search`.
    SearchUsers = ("search_users", "searchUsers", ManagementKey),
    /// `POST /v1/mgmt/users/load`.
    LoadUsers = ("load_users", "loadUsers", ManagementKey),
    /// `POST /v1/mgmt/user/update`.
    UpdateUser = ("update_user", "updateUser", ManagementKey),
    /// `PATCH /v1/mgmt/user/patch`.
    PatchUser = ("patch_user", "patchUser", ManagementKey),
    /// `POST /v1/mgmt/user/update/email`.
    UpdateUserEmail = ("update_user_email", "updateUserEmail", ManagementKey),
    /// `POST /v1/mgmt/user/update/name`.
    UpdateUserDisplayName = ("update_user_display_name", "updateUserDisplayName", ManagementKey),
    /// `POST /v1/mgmt/user/update/phone`.
    UpdateUserPhone = ("update_user_phone", "updateUserPhone", ManagementKey),
    /// `POST /v1/mgmt/user/update/loginid`.
    UpdateUserLoginId = ("update_user_login_id", "updateUserLoginId", ManagementKey),
    /// `POST /v1/mgmt/user/update/role/set`.
    SetUserRoles = ("set_user_roles", "setUserRoles", ManagementKey),
    /// `POST /v1/auth/oauth/authorize`.
    OauthStart = ("oauth_start", "oauthStart", Project),
    /// `POST /v1/auth/oauth/authorize/signin`.
    OauthStartSignIn = ("oauth_start_sign_in", "oauthStartSignIn", Project),
    /// `POST /v1/auth/oauth/authorize/signup`.
    OauthStartSignUp = ("oauth_start_sign_up", "oauthStartSignUp", Project),
    /// `POST /v1/auth/oauth/authorize/update`.
    OauthStartUpdateUser = ("oauth_start_update_user", "oauthStartUpdateUser", RefreshJwt),
    /// `POST /v1/auth/oauth/exchange`.
    OauthExchange = ("oauth_exchange", "oauthExchange", Project),
    /// `POST /v1/auth/sso/authorize`.
    SsoStart = ("sso_start", "ssoStart", Project),
    /// `POST /v1/auth/sso/exchange`.
    SsoExchange = ("sso_exchange", "ssoExchange", Project),
    /// `POST /v1/mgmt/sso/oidc`.
    ConfigureSsoOidc = ("configure_sso_oidc", "configureSsoOidc", ManagementKey),
    /// `POST /v1/mgmt/sso/saml`.
    ConfigureSsoSaml = ("configure_sso_saml", "configureSsoSaml", ManagementKey),
    /// `GET /v2/mgmt/sso/settings`.
    LoadSsoSettings = ("load_sso_settings", "loadSsoSettings", ManagementKey),
    /// `DELETE /v1/mgmt/sso/settings`.
    DeleteSsoSettings = ("delete_sso_settings", "deleteSsoSettings", ManagementKey),
    /// `POST /v1/mgmt/jwt/update`.
    UpdateJwt = ("update_jwt", "updateJwt", ManagementKey),
    /// `POST /v1/mgmt/auth/signin`.
    JwtSignIn = ("jwt_sign_in", "jwtSignIn", ManagementKey),
    /// `POST /v1/mgmt/auth/signup`.
    JwtSignUp = ("jwt_sign_up", "jwtSignUp", ManagementKey),
    /// `POST /v1/mgmt/auth/signup-in`.
    JwtSignUpOrIn = ("jwt_sign_up_or_in", "jwtSignUpOrIn", ManagementKey),
    /// `POST /v1/mgmt/auth/anonymous`.
    JwtAnonymous = ("jwt_anonymous", "jwtAnonymous", ManagementKey),
    /// `POST /v1/mgmt/impersonate`.
    Impersonate = ("impersonate", "impersonate", ManagementKey),
    /// `POST /v1/mgmt/stop/impersonation`.
    StopImpersonation = ("stop_impersonation", "stopImpersonation", ManagementKey),
    /// `POST /v1/mgmt/user/signin/embeddedlink`.
    EmbeddedLinkSignIn = ("embedded_link_sign_in", "embeddedLinkSignIn", ManagementKey),
    /// `POST /v1/mgmt/user/signup/embeddedlink`.
    EmbeddedLinkSignUp = ("embedded_link_sign_up", "embeddedLinkSignUp", ManagementKey),
    /// `POST /v1/mgmt/tests/generate/otp`.
    TestUserOtp = ("test_user_otp", "testUserOtp", ManagementKey),
    /// `POST /v1/mgmt/tests/generate/magiclink`.
    TestUserMagicLink = ("test_user_magic_link", "testUserMagicLink", ManagementKey),
    /// `POST /v1/mgmt/tests/generate/enchantedlink`.
    TestUserEnchantedLink = ("test_user_enchanted_link", "testUserEnchantedLink", ManagementKey),
    /// `POST /v1/mgmt/user/update/impersonationConsent`.
    UpdateUserImpersonationConsent = ("update_user_impersonation_consent", "updateUserImpersonationConsent", ManagementKey),
    /// `POST /v1/auth/totp/signup`.
    TotpSignUp = ("totp_sign_up", "totpSignUp", Project),
    /// `POST /v1/auth/totp/verify`.
    TotpVerify = ("totp_verify", "totpVerify", Project),
    /// `POST /v1/auth/totp/update`.
    TotpUpdate = ("totp_update", "totpUpdate", RefreshJwt),
    /// `POST /v1/auth/otp/signup/sms`.
    OtpSignUpSms = ("otp_sign_up_sms", "otpSignUpSms", Project),
    /// `POST /v1/auth/otp/signup/voice`.
    OtpSignUpVoice = ("otp_sign_up_voice", "otpSignUpVoice", Project),
    /// `POST /v1/auth/otp/signin/sms`.
    OtpSignInSms = ("otp_sign_in_sms", "otpSignInSms", Project),
    /// `POST /v1/auth/otp/signin/voice`.
    OtpSignInVoice = ("otp_sign_in_voice", "otpSignInVoice", Project),
    /// `POST /v1/auth/otp/signup-in/sms`.
    OtpSignUpOrInSms = ("otp_sign_up_or_in_sms", "otpSignUpOrInSms", Project),
    /// `POST /v1/auth/otp/signup-in/voice`.
    OtpSignUpOrInVoice = ("otp_sign_up_or_in_voice", "otpSignUpOrInVoice", Project),
    /// `POST /v1/auth/otp/verify/sms`.
    OtpVerifySms = ("otp_verify_sms", "otpVerifySms", Project),
    /// `POST /v1/auth/otp/verify/voice`.
    OtpVerifyVoice = ("otp_verify_voice", "otpVerifyVoice", Project),
    /// `POST /v1/auth/otp/update/phone/sms`.
    OtpUpdatePhoneSms = ("otp_update_phone_sms", "otpUpdatePhoneSms", RefreshJwt),
    /// `POST /v1/auth/otp/update/phone/voice`.
    OtpUpdatePhoneVoice = ("otp_update_phone_voice", "otpUpdatePhoneVoice", RefreshJwt),
    /// `POST /v1/mgmt/user/totp/delete`.
    RemoveUserTotp = ("remove_user_totp", "removeUserTotp", ManagementKey),
}

/// What authorizes an operation besides the project ID: whose credential a 401 or 403 refuses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Credential {
    /// Nothing but the project ID (and the auth management key, when configured): the
    /// end user's login ID and password, when the operation takes them.
    Project,
    /// The end user's refresh JWT.
    RefreshJwt,
    /// An access key (machine to machine).
    AccessKey,
    /// The server's management key: a refusal is a server misconfiguration, never the end
    /// user's fault.
    ManagementKey,
}

impl fmt::Display for Operation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
