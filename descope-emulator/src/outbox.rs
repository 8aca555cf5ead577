//! Where the emulator "sends" email: codes and links land in an outbox that tests, scripts and
//! developers read (`GET /emulator/v1/outbox`, [`Emulator::outbox`](crate::Emulator::outbox)).
//! Nothing leaves the machine.

use std::collections::VecDeque;

use serde::{Deserialize, Serialize};

/// How many messages the outbox keeps (the oldest go first).
pub const OUTBOX_LEN: usize = 1000;

/// How a message lets the user prove the address.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum Method {
    /// A 6-digit code (`otp`).
    #[serde(rename = "otp")]
    Otp,
    /// A link whose `t` the app verifies (`magiclink`).
    #[serde(rename = "magiclink")]
    MagicLink,
    /// A link that, clicked, lets a waiting device get the session (`enchantedlink`).
    #[serde(rename = "enchantedlink")]
    EnchantedLink,
}

impl Method {
    /// The method as on the wire and in the outbox (`otp`, `magiclink`, `enchantedlink`).
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Otp => "otp",
            Method::MagicLink => "magiclink",
            Method::EnchantedLink => "enchantedlink",
        }
    }
}

impl std::str::FromStr for Method {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "otp" => Ok(Method::Otp),
            "magiclink" => Ok(Method::MagicLink),
            "enchantedlink" => Ok(Method::EnchantedLink),
            other => Err(format!(
                "unknown method `{other}` (magiclink, enchantedlink or otp)"
            )),
        }
    }
}

/// Why a message was sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum Purpose {
    /// A sign-up (`signup`).
    #[serde(rename = "signup")]
    SignUp,
    /// A sign-in (`signin`).
    #[serde(rename = "signin")]
    SignIn,
    /// A sign-up-or-in (`signup-in`).
    #[serde(rename = "signup-in")]
    SignUpOrIn,
    /// A new address of a signed-in user (`update-email`).
    #[serde(rename = "update-email")]
    UpdateEmail,
    /// A password reset (`reset`).
    #[serde(rename = "reset")]
    Reset,
    /// A new phone number of a signed-in user (`update-phone`).
    #[serde(rename = "update-phone")]
    UpdatePhone,
}

/// How a message reached the user (`delivery`): by email, or a code to a phone.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum Delivery {
    /// An email (`email`).
    #[default]
    Email,
    /// A text message (`sms`).
    Sms,
    /// A voice call (`voice`).
    Voice,
}

impl Delivery {
    /// The name in the outbox (`email`, `sms`, `voice`).
    pub fn as_str(self) -> &'static str {
        match self {
            Delivery::Email => "email",
            Delivery::Sms => "sms",
            Delivery::Voice => "voice",
        }
    }
}

/// One message in the outbox. As JSON (the `GET /emulator/v1/outbox` interface, stable):
/// `{"to","loginId","method","purpose","delivery","code","link","linkId","time"}`, absent
/// values `null`; `to` is the address, or the E.164 number of an SMS or voice code.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct OutboxMessage {
    /// The address written to.
    pub to: String,
    /// The login ID it was sent for (for an email update: the user's, not the new address).
    pub login_id: String,
    /// How the user proves the address.
    pub method: Method,
    /// Why it was sent.
    pub purpose: Purpose,
    /// How it was delivered: `email`, `sms` or `voice`.
    #[serde(default)]
    pub delivery: Delivery,
    /// The 6-digit code, for OTP.
    pub code: Option<String>,
    /// The full link (the redirect URL with `t=<token>`), for links; for an enchanted link the
    /// right one.
    pub link: Option<String>,
    /// The ID of the right link, for enchanted links.
    pub link_id: Option<String>,
    /// When, in Unix seconds on the emulator's clock.
    pub time: i64,
}

impl OutboxMessage {
    /// The token of the link (its `t` query parameter), for links.
    pub fn token(&self) -> Option<&str> {
        let link = self.link.as_deref()?;
        let query = link.split_once('?')?.1;
        let query = query.split('#').next().unwrap_or(query);
        query
            .split('&')
            .find_map(|pair| pair.strip_prefix("t="))
            .filter(|t| !t.is_empty())
    }
}

/// The messages, oldest first, bounded.
#[derive(Debug, Default)]
pub(crate) struct Outbox {
    messages: VecDeque<OutboxMessage>,
}

impl Outbox {
    pub(crate) fn from_saved(messages: Vec<OutboxMessage>) -> Self {
        let mut outbox = Outbox::default();
        for message in messages {
            outbox.push(message);
        }
        outbox
    }

    pub(crate) fn push(&mut self, message: OutboxMessage) {
        if self.messages.len() >= OUTBOX_LEN {
            self.messages.pop_front();
        }
        self.messages.push_back(message);
    }

    pub(crate) fn all(&self) -> Vec<OutboxMessage> {
        self.messages.iter().cloned().collect()
    }

    pub(crate) fn clear(&mut self) {
        self.messages.clear();
    }
}
