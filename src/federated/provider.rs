//! The social login providers, by name.

use std::fmt;
use std::str::FromStr;

/// A social login provider: one of the names Descope knows, or a custom provider configured in
/// the project (by the name it has there).
///
/// `#[non_exhaustive]`: providers are added in minor releases; match with a `_` arm. Parsing
/// (`"github".parse()`, [`Provider::named`]) gives the known variant for a known name, in any
/// case, so two spellings of one provider compare equal.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Provider {
    /// `google`.
    Google,
    /// `github`.
    Github,
    /// `microsoft`.
    Microsoft,
    /// `apple`.
    Apple,
    /// `facebook`.
    Facebook,
    /// `gitlab`.
    Gitlab,
    /// `discord`.
    Discord,
    /// `slack`.
    Slack,
    /// `linkedin`.
    Linkedin,
    /// A custom provider of the project, by its name (made by [`Provider::named`] for a name
    /// that is not a known one).
    Custom(String),
}

/// The known providers with their names, in one table.
const KNOWN: &[(Provider, &str)] = &[
    (Provider::Google, "google"),
    (Provider::Github, "github"),
    (Provider::Microsoft, "microsoft"),
    (Provider::Apple, "apple"),
    (Provider::Facebook, "facebook"),
    (Provider::Gitlab, "gitlab"),
    (Provider::Discord, "discord"),
    (Provider::Slack, "slack"),
    (Provider::Linkedin, "linkedin"),
];

impl Provider {
    /// The provider named `name`: a known one (in any case), else a custom provider of that
    /// name.
    pub fn named(name: impl Into<String>) -> Self {
        let name = name.into();
        KNOWN
            .iter()
            .find(|(_, known)| known.eq_ignore_ascii_case(&name))
            .map_or(Provider::Custom(name), |(provider, _)| provider.clone())
    }

    /// The name sent to the service (`github`, or the custom name).
    pub fn as_str(&self) -> &str {
        match self {
            Provider::Custom(name) => name,
            known => KNOWN
                .iter()
                .find(|(provider, _)| provider == known)
                .map_or("", |(_, name)| name),
        }
    }

    /// The providers Descope knows by name.
    pub fn known() -> impl Iterator<Item = Provider> {
        KNOWN.iter().map(|(provider, _)| provider.clone())
    }
}

impl fmt::Display for Provider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Provider {
    type Err = std::convert::Infallible;

    /// [`Provider::named`]: never fails (an unknown name is a custom provider).
    fn from_str(name: &str) -> Result<Self, Self::Err> {
        Ok(Provider::named(name))
    }
}

impl From<&str> for Provider {
    fn from(name: &str) -> Self {
        Provider::named(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_names_parse_to_their_variant_in_any_case() {
        for provider in Provider::known() {
            assert_eq!(Provider::named(provider.as_str()), provider);
            assert_eq!(
                Provider::named(provider.as_str().to_ascii_uppercase()),
                provider
            );
        }
        assert_eq!(Provider::known().count(), 9);
        assert_eq!(Provider::named("GitHub"), Provider::Github);
        assert_eq!(Provider::Github.to_string(), "github");
    }

    #[test]
    fn other_names_are_custom_providers_kept_as_written() {
        let custom = Provider::named("acme-idp");
        assert_eq!(custom, Provider::Custom("acme-idp".into()));
        assert_eq!(custom.as_str(), "acme-idp");
    }
}
