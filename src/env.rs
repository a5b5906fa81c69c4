//! The configuration from environment variables, as `Client::from_env` reads it.
//!
//! | variable | meaning |
//! |---|---|
//! | `CKO_SECRET_KEY` | a secret key (`sk_sbox_...`, `sk_test_<uuid>`, or a production key) |
//! | `CKO_OAUTH_CLIENT_ID`, `CKO_OAUTH_CLIENT_SECRET` | OAuth client credentials, instead of a secret key |
//! | `CKO_OAUTH_SCOPES` | the scopes to ask for, separated by spaces or commas (default `gateway`) |
//! | `CKO_ENVIRONMENT` | `sandbox` (the default) or `production` |
//! | `CKO_ENVIRONMENT_SUBDOMAIN` | the account's own API host prefix, e.g. `1a2b3c4d` |
//! | `CKO_BASE_URL` | any other base URL (a proxy, or a local sandbox); overrides the two above |
//! | `CKO_PROCESSING_CHANNEL_ID` | the processing channel for payments that name none (`pc_...`) |
//!
//! Values are never repeated in errors: a key pasted into the wrong variable stays secret.

use checkout_sdk_core::credentials::{Credentials, OAuthCredentials};
use checkout_sdk_core::id::ProcessingChannelId;
use checkout_sdk_core::{Environment, Error, InvalidInput, SecretKey};

/// The secret key.
pub const SECRET_KEY: &str = "CKO_SECRET_KEY";
/// The OAuth access key id.
pub const OAUTH_CLIENT_ID: &str = "CKO_OAUTH_CLIENT_ID";
/// The OAuth access key secret.
pub const OAUTH_CLIENT_SECRET: &str = "CKO_OAUTH_CLIENT_SECRET";
/// The OAuth scopes, separated by spaces or commas.
pub const OAUTH_SCOPES: &str = "CKO_OAUTH_SCOPES";
/// `sandbox` (default) or `production`.
pub const ENVIRONMENT: &str = "CKO_ENVIRONMENT";
/// The account's own API host prefix.
pub const ENVIRONMENT_SUBDOMAIN: &str = "CKO_ENVIRONMENT_SUBDOMAIN";
/// Overrides the base URL.
pub const BASE_URL: &str = "CKO_BASE_URL";
/// The default processing channel.
pub const PROCESSING_CHANNEL_ID: &str = "CKO_PROCESSING_CHANNEL_ID";

/// What the environment variables say.
#[derive(Debug)]
pub(crate) struct FromEnv {
    pub(crate) credentials: Credentials,
    pub(crate) environment: Environment,
    pub(crate) processing_channel: Option<ProcessingChannelId>,
}

/// Whether credentials are set at all (a secret key, or an OAuth client id).
#[cfg(feature = "sandbox")]
pub(crate) fn has_credentials(var: &impl Fn(&str) -> Option<String>) -> bool {
    var(SECRET_KEY).is_some() || var(OAUTH_CLIENT_ID).is_some()
}

/// Reads the configuration through `var` (`std::env::var`, or a map in tests); empty values count
/// as unset.
pub(crate) fn read(var: impl Fn(&str) -> Option<String>) -> Result<FromEnv, Error> {
    let var = |name: &str| var(name).filter(|v| !v.trim().is_empty());
    let credentials = match (var(SECRET_KEY), var(OAUTH_CLIENT_ID), var(OAUTH_CLIENT_SECRET)) {
        (Some(_), Some(_), _) => {
            return Err(InvalidInput::Credentials("set either CKO_SECRET_KEY or CKO_OAUTH_CLIENT_ID, not both").into())
        }
        (Some(key), None, _) => Credentials::SecretKey(SecretKey::new(key)?),
        (None, Some(id), Some(secret)) => {
            let mut oauth = OAuthCredentials::new(id, secret)?;
            if let Some(scopes) = var(OAUTH_SCOPES) {
                oauth = oauth.scopes(scopes.split([' ', ',']).filter(|s| !s.is_empty()));
            }
            Credentials::OAuth(oauth)
        }
        (None, Some(_), None) => {
            return Err(
                InvalidInput::Credentials("CKO_OAUTH_CLIENT_ID is set but CKO_OAUTH_CLIENT_SECRET is not").into()
            )
        }
        (None, None, _) => {
            return Err(InvalidInput::Credentials(
                "set CKO_SECRET_KEY, or CKO_OAUTH_CLIENT_ID and CKO_OAUTH_CLIENT_SECRET",
            )
            .into())
        }
    };
    let production = match var(ENVIRONMENT) {
        None => false,
        Some(name) if name.trim().eq_ignore_ascii_case("sandbox") => false,
        Some(name) if name.trim().eq_ignore_ascii_case("production") => true,
        Some(_) => return Err(InvalidInput::BaseUrl("CKO_ENVIRONMENT must be sandbox or production".into()).into()),
    };
    let environment = match (var(BASE_URL), var(ENVIRONMENT_SUBDOMAIN)) {
        (Some(url), _) => Environment::custom(url.trim())?,
        (None, Some(prefix)) if production => Environment::production_subdomain(prefix.trim())?,
        (None, Some(prefix)) => Environment::sandbox_subdomain(prefix.trim())?,
        (None, None) if production => Environment::Production,
        (None, None) => Environment::Sandbox,
    };
    let processing_channel = var(PROCESSING_CHANNEL_ID).map(|id| ProcessingChannelId::new(id.trim())).transpose()?;
    Ok(FromEnv { credentials, environment, processing_channel })
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "sk_sbox_m73dzbpy7cf3gfd46xr4yj5xo4e";

    fn vars<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| pairs.iter().find(|(k, _)| *k == name).map(|(_, v)| (*v).to_string())
    }

    #[test]
    fn every_variable_is_read() {
        let c = read(vars(&[(SECRET_KEY, KEY)])).unwrap();
        assert_eq!(c.environment, Environment::Sandbox);
        assert!(matches!(c.credentials, Credentials::SecretKey(_)));
        let c = read(vars(&[(SECRET_KEY, KEY), (ENVIRONMENT, "production")])).unwrap();
        assert_eq!(c.environment.base_url(), "https://api.checkout.com/");
        let c = read(vars(&[(SECRET_KEY, KEY), (BASE_URL, "http://127.0.0.1:8080")])).unwrap();
        assert_eq!(c.environment.base_url(), "http://127.0.0.1:8080/");
        let c = read(vars(&[(SECRET_KEY, KEY), (ENVIRONMENT_SUBDOMAIN, "1a2b3c4d")])).unwrap();
        assert_eq!(c.environment.base_url(), "https://1a2b3c4d.api.sandbox.checkout.com/");
        let c =
            read(vars(&[(SECRET_KEY, KEY), (ENVIRONMENT, "production"), (ENVIRONMENT_SUBDOMAIN, "pl-abc")])).unwrap();
        assert_eq!(c.environment.base_url(), "https://pl-abc.api.checkout.com/");
        let c = read(vars(&[(SECRET_KEY, KEY), (PROCESSING_CHANNEL_ID, "pc_q4dbxom5jbgudnjzjpz7j2z6uq")])).unwrap();
        assert_eq!(c.processing_channel.unwrap().as_str(), "pc_q4dbxom5jbgudnjzjpz7j2z6uq");
        let c = read(vars(&[
            (OAUTH_CLIENT_ID, "ack_vvzhoai466su3j3vbxb47ts5oe"),
            (OAUTH_CLIENT_SECRET, "s3cr3t"),
            (OAUTH_SCOPES, "gateway, vault"),
        ]))
        .unwrap();
        let oauth = c.credentials.oauth().unwrap();
        assert_eq!(oauth.requested_scopes(), ["gateway", "vault"]);
    }

    #[test]
    fn bad_variables_are_typed_errors_that_do_not_repeat_them() {
        for pairs in [
            &[][..],
            &[(SECRET_KEY, "")][..],
            &[(SECRET_KEY, "sk_nope")][..],
            &[(SECRET_KEY, KEY), (ENVIRONMENT, "staging")][..],
            &[(SECRET_KEY, KEY), (BASE_URL, "http://example.com")][..],
            &[(SECRET_KEY, KEY), (ENVIRONMENT_SUBDOMAIN, "Not-Valid")][..],
            &[(SECRET_KEY, KEY), (PROCESSING_CHANNEL_ID, "sk_sbox_m73dzbpy7cf3gfd46xr4yj5xo4e")][..],
            &[(SECRET_KEY, KEY), (OAUTH_CLIENT_ID, "ack_x")][..],
            &[(OAUTH_CLIENT_ID, "ack_x")][..],
            &[(ENVIRONMENT, KEY)][..],
        ] {
            let err = read(vars(pairs)).unwrap_err();
            assert!(err.is_invalid_input(), "{pairs:?}: {err}");
            assert!(!err.to_string().contains("m73dzbpy") && !format!("{err:?}").contains("m73dzbpy"), "{err}");
        }
    }
}
