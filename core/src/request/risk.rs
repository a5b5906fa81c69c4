//! Risk assessment options.

use alloc::string::String;

use serde::Serialize;
use serde_json::{Map, Value};

use super::field::{extra_setter, open_model, setters, switch_or_object, FieldError, Fields, FromJson};

/// Risk assessment options. `from_json` also reads the original SDK's shortcut `"risk": false`
/// as `{"enabled": false}`. Fields the SDK does not model (`device`, ...) are kept in `extra`.
#[derive(Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Risk {
    /// Whether to run the risk engine (on by default at the API).
    pub enabled: bool,
    /// Device session id from the Risk.js device fingerprint.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub device_session_id: Option<String>,
    /// Fields the SDK does not model, sent as given.
    #[serde(flatten, serialize_with = "Risk::serialize_extra")]
    pub extra: Map<String, Value>,
}

open_model!(Risk { "enabled", "device_session_id" });

impl FromJson for Risk {
    fn from_fields(mut f: Fields) -> Result<Self, FieldError> {
        // The API requires `enabled`; an object without it reads as the API's default, on.
        Ok(Risk {
            enabled: f.boolean("enabled")?.unwrap_or(true),
            device_session_id: f.string("device_session_id")?,
            extra: f.rest(),
        })
    }

    fn from_value(value: Value, path: String) -> Result<Self, FieldError> {
        switch_or_object(value, path, Risk::enabled)
    }
}

impl From<bool> for Risk {
    fn from(enabled: bool) -> Self {
        Risk::enabled(enabled)
    }
}

impl Risk {
    /// Risk assessment on or off.
    pub fn enabled(enabled: bool) -> Self {
        Risk { enabled, device_session_id: None, extra: Map::new() }
    }

    setters! {
        /// Sets the Risk.js device session id.
        device_session_id: String,
    }

    extra_setter!();
}

crate::redact::redacted_json_debug!(Risk);
